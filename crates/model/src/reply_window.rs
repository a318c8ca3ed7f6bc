//! The customer-service window: when staff may answer a subscriber, and how
//! many times. The server enforces it when a reply arrives; the console shows
//! it (time and replies left) and checks it again before a queued reply goes.
//! Figures: PLATFORM-RULES §2 (WX-KF, ALI-J3 AlipayOpenPublicMessageCustomApi).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::conversation::{Delivery, Direction, Message, MessageBody};
use crate::Millis;

/// The rules the window follows; their home is `platform`, with the
/// platform's other figures.
pub use crate::platform::ReplyPolicy;

/// The failure reason of a reply that left for the platform and got no
/// answer: it may have arrived, so it is never sent again blindly.
pub const SEND_OUTCOME_UNKNOWN: &str = "platform.send.outcome_unknown";

const HOUR: Millis = 3_600_000;
/// Alipay counts its daily cap per calendar day in China (UTC+8).
const CHINA_OFFSET: Millis = 8 * HOUR;
const DAY: Millis = 24 * HOUR;

/// What the window depends on, read from a conversation's history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ReplyLedger {
    /// The subscriber's newest message.
    #[schema(value_type = Option<i64>)]
    pub last_message_at: Option<Millis>,
    /// The newest menu tap, follow, scan or entry.
    #[schema(value_type = Option<i64>)]
    pub last_event_at: Option<Millis>,
    pub replies_since_message: u32,
    pub replies_since_event: u32,
    /// Replies since the start of `now`'s day in China time.
    pub replies_today: u32,
}

impl ReplyLedger {
    /// The ledger of a conversation's messages, oldest first. A reply the
    /// platform refused took nothing of its quota (WeChat and Alipay count
    /// the messages they accept), so it does not count; one whose outcome is
    /// unknown may have arrived, so it does.
    pub fn of_messages<'a>(messages: impl IntoIterator<Item = &'a Message>, now: Millis) -> Self {
        let counted = messages.into_iter().filter(|m| match &m.delivery {
            // A passive reply went in the platform's own callback answer:
            // no customer-service message, none of the quota.
            _ if m.auto_reply.as_ref().is_some_and(|mark| mark.passive) => false,
            Some(Delivery::Failed { reason }) => reason == SEND_OUTCOME_UNKNOWN,
            _ => true,
        });
        Self::from_history(counted.map(|m| (m.direction, &m.body, m.created_at)), now)
    }

    /// Builds the ledger from a conversation's history, oldest first.
    pub fn from_history<'a>(
        history: impl IntoIterator<Item = (Direction, &'a MessageBody, Millis)>,
        now: Millis,
    ) -> Self {
        let today = china_day_start(now);
        let mut ledger = ReplyLedger::default();
        for (direction, body, at) in history {
            match (direction, body) {
                (Direction::Inbound, MessageBody::Event(event)) => {
                    if event.opens_event_window() {
                        ledger.last_event_at = Some(at);
                        ledger.replies_since_event = 0;
                    }
                }
                (Direction::Inbound, _) => {
                    ledger.last_message_at = Some(at);
                    ledger.replies_since_message = 0;
                }
                (Direction::Outbound, _) => {
                    ledger.replies_since_message += 1;
                    ledger.replies_since_event += 1;
                    if at >= today {
                        ledger.replies_today += 1;
                    }
                }
                (Direction::Note, _) => {}
            }
        }
        ledger
    }
}

/// Whether staff may reply now, until when, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ReplyWindow {
    pub open: bool,
    /// When the window closes, if it is open.
    #[schema(value_type = Option<i64>)]
    pub closes_at: Option<Millis>,
    /// Replies left; `None` when the platform does not count.
    pub replies_left: Option<u32>,
    /// Why it is closed, as an i18n key: `reply_window.no_interaction`,
    /// `reply_window.expired`, `reply_window.quota_used`, `reply_window.daily_cap`.
    pub closed_reason: Option<String>,
}

impl ReplyWindow {
    fn closed(reason: &str) -> Self {
        ReplyWindow { open: false, closes_at: None, replies_left: Some(0), closed_reason: Some(reason.to_owned()) }
    }
}

struct Grant {
    closes_at: Millis,
    left: Option<u32>,
}

pub fn reply_window(policy: &ReplyPolicy, ledger: &ReplyLedger, now: Millis) -> ReplyWindow {
    let mut grants = Vec::new();
    let message_window = Millis::from(policy.message_window_hours) * HOUR;
    let interaction = if policy.events_open_message_window {
        match (ledger.last_message_at, ledger.last_event_at) {
            (Some(m), Some(e)) if e > m => Some((e, ledger.replies_since_event)),
            (Some(m), _) => Some((m, ledger.replies_since_message)),
            (None, Some(e)) => Some((e, ledger.replies_since_event)),
            (None, None) => None,
        }
    } else {
        ledger.last_message_at.map(|m| (m, ledger.replies_since_message))
    };
    if let Some((at, used)) = interaction {
        grants
            .push(Grant { closes_at: at + message_window, left: policy.message_quota.map(|q| q.saturating_sub(used)) });
    }
    if policy.event_window_seconds > 0 {
        if let Some(at) = ledger.last_event_at {
            grants.push(Grant {
                closes_at: at + Millis::from(policy.event_window_seconds) * 1000,
                left: policy.event_quota.map(|q| q.saturating_sub(ledger.replies_since_event)),
            });
        }
    }
    if grants.is_empty() {
        return ReplyWindow::closed("reply_window.no_interaction");
    }
    let live: Vec<&Grant> = grants.iter().filter(|g| now < g.closes_at).collect();
    if live.is_empty() {
        return ReplyWindow::closed("reply_window.expired");
    }
    let usable: Vec<&&Grant> = live.iter().filter(|g| g.left != Some(0)).collect();
    if usable.is_empty() {
        return ReplyWindow::closed("reply_window.quota_used");
    }
    if let Some(cap) = policy.daily_cap {
        if ledger.replies_today >= cap {
            return ReplyWindow::closed("reply_window.daily_cap");
        }
    }
    let closes_at = usable.iter().map(|g| g.closes_at).max();
    let mut replies_left =
        if usable.iter().any(|g| g.left.is_none()) { None } else { usable.iter().filter_map(|g| g.left).max() };
    if let Some(cap) = policy.daily_cap {
        let today_left = cap - ledger.replies_today;
        replies_left = Some(replies_left.map_or(today_left, |left| left.min(today_left)));
    }
    ReplyWindow { open: true, closes_at, replies_left, closed_reason: None }
}

fn china_day_start(now: Millis) -> Millis {
    (now + CHINA_OFFSET).div_euclid(DAY) * DAY - CHINA_OFFSET
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::SubscriberEvent;
    use crate::platform::PlatformProfile;

    const T0: Millis = 1_767_225_600_000; // 2026-01-01T00:00:00Z, 08:00 in China

    fn text() -> MessageBody {
        MessageBody::Text { text: "你好".into() }
    }

    fn tap() -> MessageBody {
        MessageBody::Event(SubscriberEvent::MenuTap { key: "bill".into(), label: "账单".into() })
    }

    fn window(profile: PlatformProfile, history: &[(Direction, MessageBody, Millis)], now: Millis) -> ReplyWindow {
        let ledger = ReplyLedger::from_history(history.iter().map(|(d, b, t)| (*d, b, *t)), now);
        reply_window(&ReplyPolicy::for_profile(profile), &ledger, now)
    }

    #[test]
    fn nobody_may_be_answered_before_they_interact() {
        let closed = window(PlatformProfile::Wechat, &[], T0);
        assert_eq!(closed.closed_reason.as_deref(), Some("reply_window.no_interaction"));
    }

    #[test]
    fn wechat_allows_five_replies_within_48_hours_of_a_message() {
        let mut history = vec![(Direction::Inbound, text(), T0)];
        let open = window(PlatformProfile::Wechat, &history, T0 + 1);
        assert_eq!((open.open, open.replies_left, open.closes_at), (true, Some(5), Some(T0 + 48 * HOUR)));
        let last_moment = window(PlatformProfile::Wechat, &history, T0 + 48 * HOUR - 1);
        assert!(last_moment.open, "open until the last millisecond of 48 hours");
        let expired = window(PlatformProfile::Wechat, &history, T0 + 48 * HOUR);
        assert_eq!(expired.closed_reason.as_deref(), Some("reply_window.expired"), "closed at exactly 48 hours");
        for i in 1..=4 {
            history.push((Direction::Outbound, text(), T0 + i));
        }
        assert_eq!(window(PlatformProfile::Wechat, &history, T0 + 10).replies_left, Some(1), "the fifth is the last");
        history.push((Direction::Outbound, text(), T0 + 5));
        let used = window(PlatformProfile::Wechat, &history, T0 + 10);
        assert_eq!(used.closed_reason.as_deref(), Some("reply_window.quota_used"));
        history.push((Direction::Inbound, text(), T0 + 20));
        assert_eq!(window(PlatformProfile::Wechat, &history, T0 + 21).replies_left, Some(5), "a new message renews it");
    }

    #[test]
    fn wechat_allows_three_replies_within_a_minute_of_a_menu_tap() {
        let mut history = vec![(Direction::Inbound, tap(), T0)];
        let open = window(PlatformProfile::Wechat, &history, T0 + 59_999);
        assert_eq!((open.open, open.replies_left), (true, Some(3)));
        assert!(!window(PlatformProfile::Wechat, &history, T0 + 60_000).open, "closed after one minute");
        for i in 1..=3 {
            history.push((Direction::Outbound, text(), T0 + i));
        }
        assert!(!window(PlatformProfile::Wechat, &history, T0 + 10).open, "three replies use it up");
    }

    #[test]
    fn a_menu_tap_does_not_grant_wechats_message_quota() {
        let history = vec![(Direction::Inbound, tap(), T0)];
        assert!(!window(PlatformProfile::Wechat, &history, T0 + 2 * 60_000).open, "a tap opens one minute only");
    }

    #[test]
    fn alipay_allows_48_hours_after_any_interaction() {
        let history = vec![(Direction::Inbound, tap(), T0)];
        let open = window(PlatformProfile::Alipay, &history, T0 + 47 * HOUR);
        assert_eq!((open.open, open.replies_left), (true, Some(100)));
        assert!(!window(PlatformProfile::Alipay, &history, T0 + 48 * HOUR).open);
    }

    #[test]
    fn alipay_caps_replies_at_100_a_day_in_china_time() {
        let mut history = vec![(Direction::Inbound, text(), T0)];
        for i in 0..100 {
            history.push((Direction::Outbound, text(), T0 + 1 + i));
        }
        let capped = window(PlatformProfile::Alipay, &history, T0 + 1000);
        assert_eq!(capped.closed_reason.as_deref(), Some("reply_window.daily_cap"));
        // T0 is 08:00 in China; midnight there is 16 hours later.
        let next_day = window(PlatformProfile::Alipay, &history, T0 + 16 * HOUR);
        assert_eq!((next_day.open, next_day.replies_left), (true, Some(100)), "the cap resets at midnight, China time");
        assert!(window(PlatformProfile::Alipay, &history, T0 + 16 * HOUR - 1).closed_reason.is_some());
    }

    #[test]
    fn notes_do_not_count_as_replies() {
        let mut history = vec![(Direction::Inbound, text(), T0)];
        for i in 1..=10 {
            history.push((Direction::Note, text(), T0 + i));
        }
        assert_eq!(window(PlatformProfile::Wechat, &history, T0 + 20).replies_left, Some(5));
    }

    #[test]
    fn a_refused_reply_takes_none_of_the_quota_and_one_of_unknown_outcome_does() {
        let message = |n: i64, direction: Direction, delivery: Option<Delivery>| Message {
            id: format!("m{n}"),
            conversation_id: "c".into(),
            direction,
            author: None,
            body: text(),
            client_msg_id: None,
            platform_msg_id: None,
            delivery,
            created_at: T0 + n,
            auto_reply: None,
        };
        let refused = || Some(Delivery::Failed { reason: "wechat.send.quota".into() });
        let history = vec![
            message(0, Direction::Inbound, None),
            message(1, Direction::Outbound, Some(Delivery::Sent)),
            message(2, Direction::Outbound, refused()),
            message(3, Direction::Outbound, refused()),
            message(4, Direction::Outbound, Some(Delivery::Failed { reason: SEND_OUTCOME_UNKNOWN.into() })),
        ];
        let ledger = ReplyLedger::of_messages(&history, T0 + 10);
        let window = reply_window(&ReplyPolicy::for_profile(PlatformProfile::Wechat), &ledger, T0 + 10);
        assert_eq!(window.replies_left, Some(3), "one sent and one that may have arrived count; two refused do not");
    }
}
