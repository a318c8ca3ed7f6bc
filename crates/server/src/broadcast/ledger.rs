//! The recipient ledger's vocabulary, shared by every storage backend: the
//! state each decision is written as, how a send call is sized and named,
//! and how the ledger's grouped rows become the counts staff see.

use wicket_model::broadcast::{BroadcastStatus, Decision, FailureCount, PlatformCounts, SkipReason};

use crate::storage::{Result, StorageError};

/// The recipient states that count towards a subscriber's cap.
pub(crate) const COUNTED: &str = "('pending', 'sending', 'sent')";

/// The ledger state a planning decision is written as.
pub(crate) fn state_of(decision: Decision) -> &'static str {
    match decision {
        Decision::Send => "pending",
        Decision::Skip(SkipReason::SubscriberCap) => "skipped_subscriber_cap",
        Decision::Skip(SkipReason::AccountCap) => "skipped_account_cap",
        Decision::Skip(SkipReason::Unfollowed) => "unfollowed",
    }
}

/// A stored broadcast status, or `Corrupt` naming what was found.
pub(crate) fn parse_status(status: &str) -> Result<BroadcastStatus> {
    BroadcastStatus::parse(status).ok_or_else(|| StorageError::Corrupt(format!("broadcast status {status:?}")))
}

/// How many pending recipients the next call takes, given how many are
/// pending (counted up to `max + 2`): at most `max`, and never leaving a
/// single one behind, since WeChat's list takes two or more.
pub(crate) fn batch_size(pending: usize, max: usize) -> usize {
    if pending == max + 1 {
        max - 1
    } else {
        pending.min(max)
    }
}

/// A short, stable dedupe id for one send call of a broadcast (WeChat's
/// `clientmsgid`, at most 64 bytes whatever the broadcast's id).
pub(crate) fn client_msg_id(broadcast_id: &str, batch: i64) -> String {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(broadcast_id.as_bytes()));
    format!("wk{}-{batch}", &digest[..24])
}

/// The counts for `platform`, added in order of first appearance.
pub(crate) fn counts_for<'a>(counts: &'a mut Vec<PlatformCounts>, platform: &str) -> &'a mut PlatformCounts {
    let at = match counts.iter().position(|c| c.platform == platform) {
        Some(at) => at,
        None => {
            counts.push(PlatformCounts::new(platform));
            counts.len() - 1
        }
    };
    &mut counts[at]
}

/// Folds the ledger grouped by (platform, state, reason) with each group's
/// size into per-platform counts and the failures by reason.
pub(crate) fn tally(
    rows: impl IntoIterator<Item = (String, String, String, u64)>,
) -> Result<(Vec<PlatformCounts>, Vec<FailureCount>)> {
    let mut counts: Vec<PlatformCounts> = Vec::new();
    let mut failures: Vec<FailureCount> = Vec::new();
    for (platform, state, reason, n) in rows {
        let c = counts_for(&mut counts, &platform);
        c.targeted += n;
        match state.as_str() {
            "pending" | "sending" => c.pending += n,
            "sent" => c.sent += n,
            "skipped_subscriber_cap" => c.skipped_subscriber_cap += n,
            "skipped_account_cap" => c.skipped_account_cap += n,
            "unfollowed" => c.unreachable += n,
            "cancelled" => c.cancelled += n,
            "failed" => {
                c.failed += n;
                match failures.iter_mut().find(|f| f.reason == reason) {
                    Some(f) => f.count += n,
                    None => failures.push(FailureCount { reason, count: n }),
                }
            }
            other => return Err(StorageError::Corrupt(format!("recipient state {other:?}"))),
        }
    }
    Ok((counts, failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_never_leaves_one_recipient_alone() {
        assert_eq!(batch_size(0, 10_000), 0);
        assert_eq!(batch_size(2, 10_000), 2);
        assert_eq!(batch_size(10_000, 10_000), 10_000);
        assert_eq!(batch_size(10_001, 10_000), 9_999, "9,999 now and 2 next, not 10,000 and 1");
        assert_eq!(batch_size(10_002, 10_000), 10_000, "10,002 or more pending: a full call");
    }

    #[test]
    fn a_client_msg_id_fits_wechats_64_bytes_and_names_its_batch() {
        let long = "b".repeat(64);
        assert!(client_msg_id(&long, 1_000_000).len() <= 64);
        assert_eq!(client_msg_id("b-1", 3), client_msg_id("b-1", 3), "the same batch, the same id");
        assert_ne!(client_msg_id("b-1", 3), client_msg_id("b-1", 4));
        assert_ne!(client_msg_id("b-1", 3), client_msg_id("b-2", 3));
    }

    fn row(platform: &str, state: &str, reason: &str, n: u64) -> (String, String, String, u64) {
        (platform.into(), state.into(), reason.into(), n)
    }

    #[test]
    fn the_ledger_folds_into_counts_per_platform_and_failures_by_reason() {
        let (counts, failures) = tally([
            row("wechat", "failed", "wechat.45028", 2),
            row("wechat", "sent", "", 5),
            row("sandbox", "pending", "", 1),
            row("wechat", "failed", "wechat.45028", 1),
            row("sandbox", "failed", "network", 4),
            row("wechat", "skipped_subscriber_cap", "", 3),
        ])
        .unwrap();
        let wechat = &counts[0];
        assert_eq!((wechat.platform.as_str(), wechat.targeted, wechat.sent, wechat.failed), ("wechat", 11, 5, 3));
        assert_eq!(wechat.skipped_subscriber_cap, 3);
        assert_eq!((counts[1].platform.as_str(), counts[1].pending, counts[1].failed), ("sandbox", 1, 4));
        assert_eq!(
            failures,
            vec![
                FailureCount { reason: "wechat.45028".into(), count: 3 },
                FailureCount { reason: "network".into(), count: 4 }
            ]
        );
    }

    #[test]
    fn an_unknown_state_is_corruption_not_a_silent_zero() {
        assert!(matches!(tally([row("wechat", "lost", "", 1)]), Err(StorageError::Corrupt(_))));
    }
}
