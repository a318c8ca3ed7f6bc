//! The conversation view through the console, against a real server on
//! loopback and a subscriber on its sandbox platform.

use wicket_model::conversation::ConversationStatus;
use wicket_model::inbox::{InboxFilter, InboxScope, MessageState};

use super::*;
use crate::test_support::{team_with_account, Team, WAIT};
use crate::tests::{quiet, until_synced};
use wicket_test_support::{eventually, start_server_on, SandboxSubscriber};

fn everything() -> InboxFilter {
    InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false }
}

#[tokio::test]
async fn staff_answer_once_online_and_offline_and_nothing_is_lost() {
    let Team { server_dir, server, addr, console_dir: _console_dir, console, account } =
        team_with_account("招商银行信用卡").await;

    let mut subscriber = SandboxSubscriber::new(&server.base_url(), &account);
    subscriber.expect(reqwest::Method::POST, "follow", None).await;
    subscriber.say("s-1", "请问我的还款日是哪天？").await;

    let item = eventually("the subscriber's message reaches the inbox", WAIT, async || {
        let list = console.conversations(everything()).await.unwrap();
        list.into_iter().find(|c| c.conversation.preview.contains("还款日"))
    })
    .await;
    assert_eq!(item.unread, 1, "the new message is unread");
    let conversation = item.conversation.id.clone();
    let attention: Vec<_> = console.attention().await.unwrap().into_iter().map(|c| c.conversation.id).collect();
    assert_eq!(attention, std::slice::from_ref(&conversation), "an unassigned unread conversation concerns me");
    let page = console.conversation_page(everything(), 1).await.unwrap();
    assert_eq!((page.items.len(), page.more), (1, false), "one conversation, one page");
    let info = console.thread_info(conversation.clone()).await.unwrap();
    assert!(info.window.open, "the subscriber just wrote: the reply window is open");
    assert_eq!(info.window.replies_left, Some(5), "WeChat allows 5 replies after a message");
    console.mark_read(conversation.clone()).await.unwrap();
    let list = console.conversations(everything()).await.unwrap();
    assert_eq!(list[0].unread, 0, "read once opened");
    assert!(console.attention().await.unwrap().is_empty(), "read, it no longer asks for attention");

    // Enter pressed twice: the same client id twice is one reply.
    for _ in 0..2 {
        console.send_reply(conversation.clone(), "每月 5 日".into(), false, "reply-1".into()).await.unwrap();
    }
    until_synced(&console).await;
    assert_eq!(subscriber.replies().await, ["每月 5 日"], "the subscriber got the reply once");

    // Offline: the reply is kept, shown as queued, and goes once when the server is back.
    server.stop().await;
    let queued = eventually("the console sees the server is gone", WAIT, async || {
        let sent = console.send_reply(conversation.clone(), "还有问题吗？".into(), false, "reply-2".into()).await;
        let sent = sent.unwrap();
        (console.sync_status().await.connection != Connection::Online).then_some(sent)
    })
    .await;
    let page = console.conversation_messages(conversation.clone(), None, 50).await.unwrap();
    let last = page.messages.last().unwrap();
    assert_eq!(last.message.id, "reply-2");
    assert_eq!(last.state, Some(MessageState::Queued), "an offline reply is queued: {queued:?}");
    let preview = console.conversations(everything()).await.unwrap()[0].conversation.preview.clone();
    assert_eq!(preview, "还有问题吗？", "the list shows the queued reply at once");
    console.save_draft(conversation.clone(), "half a sentence".into()).await.unwrap();

    let server = start_server_on(server_dir.path(), addr).await;
    console.sync_now().await;
    until_synced(&console).await;
    assert_eq!(subscriber.replies().await, ["每月 5 日", "还有问题吗？"], "the queued reply arrived once");
    let page = console.conversation_messages(conversation.clone(), None, 50).await.unwrap();
    let states: Vec<_> = page.messages.iter().filter_map(|m| m.state).collect();
    assert_eq!(states, [MessageState::Sent, MessageState::Sent], "both replies are sent, none doubled");
    assert_eq!(console.load_draft(conversation.clone()).await.unwrap(), "half a sentence", "the draft is kept");

    // Triage and search work from the cache.
    console.set_conversation_status(vec![conversation.clone()], ConversationStatus::Resolved).await.unwrap();
    let open = InboxFilter { status: Some(ConversationStatus::Open), ..everything() };
    assert!(console.conversations(open).await.unwrap().is_empty(), "a resolved conversation leaves the open view");
    let hits = console.search_messages("还款".into()).await.unwrap();
    assert_eq!(hits.len(), 1, "a two-character Chinese word is found");
    assert!(hits[0].snippet.iter().any(|part| part.hit && part.text == "还款"), "the hit is marked");
    until_synced(&console).await;
    console.shutdown().await;
    server.stop().await;
}

#[tokio::test]
async fn a_reply_outside_the_window_is_refused_before_it_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
    console.start_local("Owner").await.unwrap();
    let unknown = console.send_reply("nowhere".into(), "hi".into(), false, "r-1".into()).await.unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound, "a conversation that is not cached is refused");
    assert_eq!(console.sync_status().await.pending, 0, "nothing was queued");
    let retry = console.retry_message("never-failed".into()).await.unwrap_err();
    assert_eq!(retry.code, ErrorCode::NotFound, "only a failed reply can be retried");
    console.shutdown().await;
}
