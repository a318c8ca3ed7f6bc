//! Broadcast drafts through the server: one console saves a draft as any
//! edit (a push), an incomplete one too; the change feed carries it to a
//! colleague's console, whose update and delete come back the same way; a
//! draft longer than a broadcast may be is refused with its issue key, and a
//! role that cannot send broadcasts neither receives drafts nor edits them.
//! Runs on SQLite, and on PostgreSQL with the test storage set to it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use wicket_model::broadcast::{Audience, SegmentFilter, TEXT_MAX_CHARS};
use wicket_model::broadcast_draft::{BroadcastDraft, BroadcastDraftEdit};
use wicket_model::conversation::MessageBody;
use wicket_model::{ErrorCode, Mutation, PlatformProfile, Role};
use wicket_test_support::{captured_logs, new_account, TestServer};

fn edit(id: &str, text: &str) -> BroadcastDraftEdit {
    BroadcastDraftEdit {
        id: id.into(),
        account_id: "shop".into(),
        content: MessageBody::Text { text: text.into() },
        audience: Audience::Segment {
            filter: SegmentFilter { tags_any: vec!["VIP".into()], ..SegmentFilter::default() },
        },
        send_at: Some(1_900_000_000_000),
    }
}

#[tokio::test]
async fn a_draft_saved_by_one_console_reaches_another_and_comes_back_updated_and_deleted() {
    captured_logs();
    let server = TestServer::start().await;
    let owner = server.owner().await;
    owner.create_account(new_account("shop", "Oat Milk Shop", PlatformProfile::Wechat)).await;
    let agent = server.staff("mei", Role::Agent).await;
    let designer = server.staff("dan", Role::Designer).await;

    // Empty text could not be sent, but a draft keeps it.
    let pushed = owner.push("console-1", vec![Mutation::SaveBroadcastDraft(edit("draft-1", ""))]).await;
    assert!(pushed.rejected.is_empty(), "{:?}", pushed.rejected);

    let (seen, cursor) = agent.pulled::<BroadcastDraft>("console-2", 0).await;
    assert_eq!(seen.len(), 1, "the colleague's console receives it: {seen:?}");
    assert_eq!(seen[0].edit(), edit("draft-1", ""), "the whole draft: content, audience, time");
    assert!(!seen[0].deleted);

    // The colleague (an agent, who may send broadcasts) continues it; a
    // second draft longer than a broadcast may be is refused.
    let long = "新".repeat(TEXT_MAX_CHARS + 1);
    let pushed = agent
        .push(
            "console-2",
            vec![
                Mutation::SaveBroadcastDraft(edit("draft-1", "周末新品")),
                Mutation::SaveBroadcastDraft(edit("draft-2", &long)),
            ],
        )
        .await;
    assert_eq!(pushed.last_mutation_id, 2);
    assert_eq!(pushed.rejected.len(), 1, "{:?}", pushed.rejected);
    assert_eq!(pushed.rejected[0].id, 2);
    assert_eq!(pushed.rejected[0].error.code, ErrorCode::Invalid);
    assert_eq!(pushed.rejected[0].error.issues[0].key, "broadcast.text.too_long");

    let (seen, _) = owner.pulled::<BroadcastDraft>("console-1", 0).await;
    let last = seen.last().expect("the first console hears of the update");
    assert_eq!((last.id.as_str(), &last.content), ("draft-1", &MessageBody::Text { text: "周末新品".into() }));
    assert!(seen.iter().all(|d| d.id == "draft-1"), "the refused one is nowhere: {seen:?}");

    let pushed =
        owner.push_numbered("console-1", vec![(2, Mutation::DeleteBroadcastDraft { id: "draft-1".into() })]).await;
    assert!(pushed.rejected.is_empty(), "{:?}", pushed.rejected);
    let (seen, _) = agent.pulled::<BroadcastDraft>("console-2", cursor).await;
    assert!(
        seen.last().is_some_and(|d| d.id == "draft-1" && d.deleted),
        "the deletion reaches the colleague: {seen:?}"
    );

    // A designer sends no broadcasts: no drafts in their feed, and their edits are refused.
    let edit = Mutation::SaveBroadcastDraft(edit("draft-3", "设计师"));
    designer.assert_kept_away_from::<BroadcastDraft>("console-3", edit).await;
    server.stop().await;
}
