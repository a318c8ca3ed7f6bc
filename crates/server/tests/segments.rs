//! Saved segments through the server: one console saves a segment as any
//! edit (a push), the change feed carries it to a colleague's console,
//! whose rename and delete come back the same way; a refused name comes
//! back with its issue key, and a role that cannot send broadcasts neither
//! receives segments nor edits them. Runs on SQLite, and on PostgreSQL with
//! the test storage set to it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use wicket_model::broadcast::SegmentFilter;
use wicket_model::segment::{Segment, SegmentDraft};
use wicket_model::{ErrorCode, Mutation, PlatformProfile, Role};
use wicket_test_support::{captured_logs, new_account, TestServer};

fn draft(id: &str, name: &str) -> SegmentDraft {
    SegmentDraft {
        id: id.into(),
        account_id: "shop".into(),
        name: name.into(),
        filter: SegmentFilter {
            tags_any: vec!["VIP".into()],
            platforms: vec!["wechat".into()],
            wrote_within_reply_window: true,
            ..SegmentFilter::default()
        },
    }
}

#[tokio::test]
async fn a_segment_saved_by_one_console_reaches_another_and_comes_back_renamed_and_deleted() {
    captured_logs();
    let server = TestServer::start().await;
    let owner = server.owner().await;
    owner.create_account(new_account("shop", "Oat Milk Shop", PlatformProfile::Wechat)).await;
    let agent = server.staff("mei", Role::Agent).await;
    let designer = server.staff("dan", Role::Designer).await;

    let pushed = owner.push("console-1", vec![Mutation::SaveSegment(draft("seg-1", "  VIP 老客 "))]).await;
    assert!(pushed.rejected.is_empty(), "{:?}", pushed.rejected);

    let (seen, cursor) = agent.pulled::<Segment>("console-2", 0).await;
    assert_eq!(seen.len(), 1, "the colleague's console receives it: {seen:?}");
    assert_eq!(seen[0].name, "VIP 老客", "trimmed by the server");
    assert_eq!(seen[0].draft().filter, draft("seg-1", "").filter, "the whole filter");
    assert!(!seen[0].deleted);

    // The colleague (an agent, who may send broadcasts) renames it; a second
    // segment by the same name, whatever its case, is refused.
    let pushed = agent
        .push(
            "console-2",
            vec![Mutation::SaveSegment(draft("seg-1", "熟客")), Mutation::SaveSegment(draft("seg-2", "熟客"))],
        )
        .await;
    assert_eq!(pushed.last_mutation_id, 2);
    assert_eq!(pushed.rejected.len(), 1, "{:?}", pushed.rejected);
    assert_eq!(pushed.rejected[0].id, 2);
    assert_eq!(pushed.rejected[0].error.code, ErrorCode::Invalid);
    assert_eq!(pushed.rejected[0].error.issues[0].key, "segment.name.taken");

    let (seen, _) = owner.pulled::<Segment>("console-1", 0).await;
    let last = seen.last().expect("the first console hears of the rename");
    assert_eq!((last.id.as_str(), last.name.as_str()), ("seg-1", "熟客"));
    assert_eq!(last.created_at, seen[0].created_at, "still the segment made first");
    assert!(seen.iter().all(|s| s.id == "seg-1"), "the refused one is nowhere: {seen:?}");

    let pushed = owner.push_numbered("console-1", vec![(2, Mutation::DeleteSegment { id: "seg-1".into() })]).await;
    assert!(pushed.rejected.is_empty(), "{:?}", pushed.rejected);
    let (seen, _) = agent.pulled::<Segment>("console-2", cursor).await;
    assert!(seen.last().is_some_and(|s| s.id == "seg-1" && s.deleted), "the deletion reaches the colleague: {seen:?}");

    // A designer sends no broadcasts: no segments in their feed, and their edits are refused.
    designer.assert_kept_away_from::<Segment>("console-3", Mutation::SaveSegment(draft("seg-3", "Designers"))).await;
    server.stop().await;
}
