use wicket_model::conversation::{ConversationStatus, Delivery, Direction, MessageBody, Subscriber, SubscriberEvent};
use wicket_model::error::{ErrorCode, Issue};
use wicket_model::sync::{FeedEntry, PullResponse, Rejection};
use wicket_model::{Account, Change, ChangeKind, StaffUser};

use crate::{PendingMedia, PullTaken};

use super::*;

const T0: Millis = 1_767_225_600_000;
const ME: &str = "staff-me";

fn temp_cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
    (dir, cache)
}

fn account(id: &str, name: &str, platform: PlatformProfile) -> Change {
    Change::Account(Account {
        id: id.into(),
        name: name.into(),
        platform,
        category: String::new(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
        archived: false,
        created_at: 1,
        updated_at: 1,
        settings: None,
    })
}

fn subscriber(id: &str, account_id: &str, name: &str, note: &str) -> Subscriber {
    Subscriber {
        id: id.into(),
        account_id: account_id.into(),
        platform: "sandbox".into(),
        platform_user_id: format!("p-{id}"),
        display_name: name.into(),
        following: true,
        followed_at: Some(1),
        tags: Vec::new(),
        note: note.into(),
        created_at: 1,
        updated_at: 1,
    }
}

fn conversation(id: &str, account_id: &str, subscriber_id: &str, status: ConversationStatus) -> Conversation {
    Conversation {
        id: id.into(),
        account_id: account_id.into(),
        subscriber_id: subscriber_id.into(),
        status,
        assignee: None,
        labels: Vec::new(),
        last_activity_at: T0,
        preview: String::new(),
        created_at: 1,
        updated_at: 1,
    }
}

fn message(id: &str, conversation_id: &str, direction: Direction, text: &str, at: Millis) -> Change {
    Change::Message(Message {
        id: id.into(),
        conversation_id: conversation_id.into(),
        direction,
        author: None,
        body: MessageBody::Text { text: text.into() },
        client_msg_id: None,
        platform_msg_id: None,
        delivery: (direction == Direction::Outbound).then_some(Delivery::Delivered),
        created_at: at,
        auto_reply: None,
    })
}

fn pull(changes: Vec<Change>) -> PullResponse {
    PullResponse {
        changes: changes.into_iter().enumerate().map(|(i, change)| FeedEntry { seq: i as i64 + 1, change }).collect(),
        cursor: 1,
        more: false,
        last_mutation_id: 0,
        server_time: T0,
        newest: None,
        scope: None,
    }
}

/// Three conversations: c1 mine (WeChat bank, label 账单), c2 unassigned and
/// pending (WeChat bank), c3 someone else's and resolved (Alipay airline).
fn inbox() -> (tempfile::TempDir, Cache) {
    let (dir, cache) = temp_cache();
    let mut c1 = conversation("c1", "bank", "s1", ConversationStatus::Open);
    c1.assignee = Some(ME.into());
    c1.labels = vec!["账单".into()];
    c1.last_activity_at = T0 + 1;
    let mut c2 = conversation("c2", "bank", "s2", ConversationStatus::Pending);
    c2.last_activity_at = T0 + 2;
    let mut c3 = conversation("c3", "air", "s3", ConversationStatus::Resolved);
    c3.assignee = Some("someone-else".into());
    let changes = vec![
        account("bank", "招商银行信用卡", PlatformProfile::Wechat),
        account("air", "Sky Airline", PlatformProfile::Alipay),
        Change::Subscriber(subscriber("s1", "bank", "张三", "VIP 客户，常问账单")),
        Change::Subscriber(subscriber("s2", "bank", "Alice", "")),
        Change::Subscriber(subscriber("s3", "air", "李四", "")),
        Change::Conversation(c1),
        Change::Conversation(c2),
        Change::Conversation(c3),
        message("m1", "c1", Direction::Inbound, "请问我的还款日是哪天？", T0),
        message("m2", "c1", Direction::Outbound, "您好，每月5日是还款日。", T0 + 1),
        message("m3", "c2", Direction::Inbound, "Where is my refund for order 42?", T0 + 2),
        message("m4", "c3", Direction::Inbound, "航班延误了怎么办", T0 - 5),
    ];
    cache.apply_pull(&pull(changes), T0).unwrap();
    cache
        .remember_user(&StaffUser {
            id: ME.into(),
            login: "me".into(),
            display_name: "Me".into(),
            role: wicket_model::Role::Agent,
        })
        .unwrap();
    (dir, cache)
}

fn filter(scope: InboxScope) -> InboxFilter {
    InboxFilter { account_id: None, scope, status: None, label: None, unread_only: false }
}

fn ids(cache: &Cache, filter: &InboxFilter) -> Vec<String> {
    cache.conversations(filter, ME).unwrap().into_iter().map(|item| item.conversation.id).collect()
}

fn reply(id: &str, conversation_id: &str, text: &str) -> Mutation {
    Mutation::SendMessage {
        id: id.into(),
        conversation_id: conversation_id.into(),
        body: MessageBody::Text { text: text.into() },
        note: false,
    }
}

#[test]
fn the_list_filters_by_scope_status_label_and_account() {
    let (_dir, cache) = inbox();
    assert_eq!(ids(&cache, &filter(InboxScope::All)), ["c2", "c1", "c3"], "all, newest activity first");
    assert_eq!(ids(&cache, &filter(InboxScope::Mine)), ["c1"], "assigned to me");
    assert_eq!(ids(&cache, &filter(InboxScope::Unassigned)), ["c2"], "assigned to nobody");
    let pending = InboxFilter { status: Some(ConversationStatus::Pending), ..filter(InboxScope::All) };
    assert_eq!(ids(&cache, &pending), ["c2"], "by status");
    let labelled = InboxFilter { label: Some("账单".into()), ..filter(InboxScope::All) };
    assert_eq!(ids(&cache, &labelled), ["c1"], "by label");
    let airline = InboxFilter { account_id: Some("air".into()), ..filter(InboxScope::All) };
    assert_eq!(ids(&cache, &airline), ["c3"], "by account");
    let items = cache.conversations(&filter(InboxScope::Mine), ME).unwrap();
    assert_eq!(
        (items[0].subscriber_name.as_str(), items[0].account_name.as_str(), items[0].platform, items[0].waiting),
        ("张三", "招商银行信用卡", PlatformProfile::Wechat, false),
        "the row carries the names the list shows"
    );
}

#[test]
fn unread_counts_inbound_messages_after_the_read_mark() {
    let (_dir, cache) = inbox();
    let unread = |id: &str| {
        let all = cache.conversations(&filter(InboxScope::All), ME).unwrap();
        all.into_iter().find(|item| item.conversation.id == id).unwrap().unread
    };
    assert_eq!(unread("c1"), 1, "never read: every inbound message counts, replies do not");
    cache.mark_read("c1", T0).unwrap();
    assert_eq!(unread("c1"), 0, "read up to the message");
    cache.mark_read("c1", T0 - 100).unwrap();
    assert_eq!(unread("c1"), 0, "a read mark never moves back");
    cache.apply_pull(&pull(vec![message("m5", "c1", Direction::Inbound, "还在吗", T0 + 50)]), T0).unwrap();
    assert_eq!(unread("c1"), 1, "a newer message is unread");
}

#[test]
fn the_list_comes_in_pages_that_a_waiting_change_still_orders() {
    let (_dir, cache) = inbox();
    let page = |limit: usize| {
        let page = cache.conversation_page(&filter(InboxScope::All), ME, limit).unwrap();
        (page.items.into_iter().map(|item| item.conversation.id).collect::<Vec<_>>(), page.more)
    };
    assert_eq!(page(2), (vec!["c2".to_owned(), "c1".to_owned()], true), "the newest two, and more to come");
    assert_eq!(page(3), (vec!["c2".to_owned(), "c1".to_owned(), "c3".to_owned()], false), "the whole list");
    assert_eq!(page(0), (vec![], true));
    // A reply waiting in the oldest conversation makes it the newest at once,
    // however short the page.
    cache.enqueue(&reply("r1", "c3", "您好"), T0 + 100).unwrap();
    assert_eq!(page(1), (vec!["c3".to_owned()], true));
    assert_eq!(page(3).0, ["c3", "c2", "c1"]);
}

#[test]
fn unread_only_lists_exactly_the_conversations_with_unread_messages() {
    let (_dir, cache) = inbox();
    let unread_only = InboxFilter { unread_only: true, ..filter(InboxScope::All) };
    let with_unread: Vec<String> = cache
        .conversations(&filter(InboxScope::All), ME)
        .unwrap()
        .into_iter()
        .filter(|item| item.unread > 0)
        .map(|item| item.conversation.id)
        .collect();
    assert!(with_unread.contains(&"c1".to_owned()), "the fixture has an unread conversation");
    assert_eq!(ids(&cache, &unread_only), with_unread, "the same as counting");
    cache.mark_read("c1", T0).unwrap();
    assert!(!ids(&cache, &unread_only).contains(&"c1".to_owned()), "read, it leaves the list");
    // Activity after the read mark that is not a subscriber's message (my
    // reply) does not make it unread.
    cache.enqueue(&reply("r2", "c1", "好的"), T0 + 200).unwrap();
    assert!(!ids(&cache, &unread_only).contains(&"c1".to_owned()));
    cache.apply_pull(&pull(vec![message("m9", "c1", Direction::Inbound, "谢谢", T0 + 300)]), T0).unwrap();
    assert!(ids(&cache, &unread_only).contains(&"c1".to_owned()), "a new message brings it back");
}

#[test]
fn subscribers_are_found_by_name_tag_or_note_with_waiting_changes_applied() {
    let (_dir, cache) = inbox();
    let find = |filter: &SubscriberFilter| -> Vec<String> {
        let page = cache.subscriber_page(filter, 50).unwrap();
        page.items.into_iter().map(|item| item.subscriber.id).collect()
    };
    let everyone = SubscriberFilter::default();
    assert_eq!(find(&everyone).len(), 3);
    assert_eq!(
        find(&SubscriberFilter { text: "张".into(), ..everyone.clone() }),
        ["s1"],
        "a Chinese substring of the name"
    );
    assert_eq!(find(&SubscriberFilter { text: "账单".into(), ..everyone.clone() }), ["s1"], "in the private note");
    assert_eq!(find(&SubscriberFilter { text: "ALICE".into(), ..everyone.clone() }), ["s2"], "case aside");
    assert_eq!(find(&SubscriberFilter { account_id: Some("air".into()), ..everyone.clone() }), ["s3"]);

    // A tag added offline finds its subscriber before it is synced.
    let tagged = SubscriberFilter { text: "常旅客".into(), ..everyone.clone() };
    assert!(find(&tagged).is_empty());
    let tag = Mutation::UpdateSubscriber { id: "s3".into(), tags: Some(vec!["常旅客".into()]), note: None };
    cache.enqueue(&tag, T0 + 10).unwrap();
    let page = cache.subscriber_page(&tagged, 50).unwrap();
    assert_eq!(page.items.len(), 1);
    let item = &page.items[0];
    assert_eq!((item.subscriber.id.as_str(), item.account_name.as_str()), ("s3", "Sky Airline"));
    assert_eq!(item.subscriber.tags, ["常旅客"], "shown with the waiting tag");
    assert_eq!(item.conversation_id.as_deref(), Some("c3"), "with their latest conversation to open");

    let first = cache.subscriber_page(&everyone, 2).unwrap();
    assert_eq!((first.items.len(), first.more), (2, true), "a page, and more to come");
}

#[test]
fn a_queued_reply_shows_at_once_and_updates_the_preview() {
    let (_dir, cache) = inbox();
    cache.enqueue(&reply("r1", "c1", "已为您查询，请稍候"), T0 + 10).unwrap();
    let mine = cache.conversations(&filter(InboxScope::Mine), ME).unwrap();
    assert_eq!(mine[0].conversation.preview, "已为您查询，请稍候", "the waiting reply is the newest message");
    assert_eq!(mine[0].conversation.last_activity_at, T0 + 10, "and the newest activity");
    assert!(mine[0].waiting, "the conversation has a change waiting");
    let page = cache.messages("c1", None, 50).unwrap();
    let last = page.messages.last().unwrap();
    assert_eq!((last.message.id.as_str(), last.state), ("r1", Some(MessageState::Queued)), "the reply is queued");
    assert_eq!(last.message.author.as_deref(), Some(ME), "written by the signed-in staff member");
    assert_eq!(page.messages[1].state, Some(MessageState::Delivered), "pulled replies keep their delivery");
    assert_eq!(page.messages[0].state, None, "inbound messages have no state");
}

#[test]
fn a_status_change_or_assignment_moves_the_conversation_between_lists_at_once() {
    let (_dir, cache) = inbox();
    cache
        .enqueue(&Mutation::SetConversationStatus { id: "c2".into(), status: ConversationStatus::Resolved }, T0 + 5)
        .unwrap();
    let resolved = InboxFilter { status: Some(ConversationStatus::Resolved), ..filter(InboxScope::All) };
    assert_eq!(ids(&cache, &resolved), ["c2", "c3"], "the waiting status counts");
    let pending = InboxFilter { status: Some(ConversationStatus::Pending), ..filter(InboxScope::All) };
    assert!(ids(&cache, &pending).is_empty(), "and it left the pending list");
    cache.enqueue(&Mutation::AssignConversation { id: "c2".into(), assignee: Some(ME.into()) }, T0 + 6).unwrap();
    assert_eq!(ids(&cache, &filter(InboxScope::Mine)), ["c2", "c1"], "assigned to me while offline");
    assert!(ids(&cache, &filter(InboxScope::Unassigned)).is_empty());
}

#[test]
fn pages_of_a_thread_follow_each_other_across_equal_times() {
    let (_dir, cache) = temp_cache();
    // Eleven messages, in runs that share a timestamp.
    let times = [T0, T0, T0, T0 + 1, T0 + 1, T0 + 2, T0 + 2, T0 + 2, T0 + 2, T0 + 3, T0 + 4];
    let changes: Vec<Change> = times
        .iter()
        .enumerate()
        .map(|(i, &at)| message(&format!("m{i:02}"), "c", Direction::Inbound, &format!("消息 {i}"), at))
        .collect();
    cache.apply_pull(&pull(changes), T0).unwrap();
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = cache.messages("c", cursor.as_ref(), 3).unwrap();
        pages += 1;
        assert!(page.messages.len() <= 3, "at most a page");
        let ids: Vec<String> = page.messages.iter().map(|m| m.message.id.clone()).collect();
        seen.splice(0..0, ids);
        match page.older {
            Some(older) => cursor = Some(older),
            None => break,
        }
    }
    let expected: Vec<String> = (0..11).map(|i| format!("m{i:02}")).collect();
    assert_eq!(seen, expected, "every message once, oldest first, across pages");
    assert_eq!(pages, 4, "11 messages in pages of 3");
    let exact = cache.messages("c", None, 11).unwrap();
    assert_eq!(exact.older, None, "no older page when the thread fits");
}

fn search_ids(cache: &Cache, query: &str) -> Vec<(String, Option<String>)> {
    cache.search(query, 50).unwrap().into_iter().map(|hit| (hit.conversation_id, hit.message_id)).collect()
}

fn message_ids(cache: &Cache, query: &str) -> Vec<String> {
    search_ids(cache, query).into_iter().filter_map(|(_, message)| message).collect()
}

#[test]
fn search_finds_chinese_of_one_two_and_three_characters_and_english_words() {
    let (_dir, cache) = inbox();
    assert_eq!(message_ids(&cache, "还"), ["m2", "m1"], "one character, newest first");
    assert_eq!(message_ids(&cache, "还款"), ["m2", "m1"], "two characters");
    assert_eq!(message_ids(&cache, "还款日"), ["m2", "m1"], "three characters");
    assert_eq!(message_ids(&cache, "款还"), Vec::<String>::new(), "characters out of order do not match");
    assert_eq!(message_ids(&cache, "延误"), ["m4"]);
    assert_eq!(message_ids(&cache, "REFUND"), ["m3"], "English words, any case");
    assert_eq!(message_ids(&cache, "refund 42"), ["m3"], "every word must match");
    assert_eq!(message_ids(&cache, "ref"), Vec::<String>::new(), "whole words only");
    assert!(cache.search("  ", 50).unwrap().is_empty(), "nothing to search for");
    let hit = &cache.search("还款日", 50).unwrap()[1];
    assert_eq!(hit.subscriber_name, "张三");
    let marked: Vec<(&str, bool)> = hit.snippet.iter().map(|p| (p.text.as_str(), p.hit)).collect();
    assert_eq!(marked, [("请问我的", false), ("还款日", true), ("是哪天？", false)], "the match is marked");
}

#[test]
fn search_finds_subscribers_by_name_and_note() {
    let (_dir, cache) = inbox();
    assert_eq!(search_ids(&cache, "张三"), [("c1".to_string(), None)], "by display name");
    assert_eq!(search_ids(&cache, "VIP"), [("c1".to_string(), None)], "by note");
    let both = search_ids(&cache, "账单");
    assert_eq!(both, [("c1".to_string(), None)], "a note's words, not the label");
}

#[test]
fn an_edited_note_is_found_by_its_new_text_only() {
    let (_dir, cache) = inbox();
    let mut edited = subscriber("s2", "bank", "Alice", "prefers English, travelling in Tokyo");
    edited.updated_at = T0 + 100;
    cache.apply_pull(&pull(vec![Change::Subscriber(edited)]), T0).unwrap();
    assert_eq!(search_ids(&cache, "Tokyo"), [("c2".to_string(), None)], "the new note is indexed");
    let mut again = subscriber("s2", "bank", "Alice", "回国了");
    again.updated_at = T0 + 200;
    cache.apply_pull(&pull(vec![Change::Subscriber(again)]), T0).unwrap();
    assert!(search_ids(&cache, "Tokyo").is_empty(), "the old note is no longer found");
    assert_eq!(search_ids(&cache, "回国"), [("c2".to_string(), None)]);
    // A message edited in place (a delivery update carries the whole body) is re-indexed, not doubled.
    cache.apply_pull(&pull(vec![message("m3", "c2", Direction::Inbound, "Where is my parcel?", T0 + 2)]), T0).unwrap();
    assert!(message_ids(&cache, "refund").is_empty(), "the old text is gone");
    assert_eq!(message_ids(&cache, "parcel"), ["m3"]);
}

#[test]
fn drafts_survive_reopening_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    {
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.draft("c1").unwrap(), "", "no draft yet");
        cache.save_draft("c1", "您好，关于您的账单", T0).unwrap();
        cache.save_draft("c2", "Hello", T0).unwrap();
        cache.save_draft("c2", "  ", T0 + 1).unwrap();
    }
    let reopened = Cache::open(&path).unwrap();
    assert_eq!(reopened.draft("c1").unwrap(), "您好，关于您的账单", "kept across a restart");
    assert_eq!(reopened.draft("c2").unwrap(), "", "an emptied draft is forgotten");
}

#[test]
fn a_rejected_reply_shows_why_and_a_retry_sends_it_once_more() {
    let (_dir, cache) = inbox();
    let first = cache.enqueue(&reply("r1", "c1", "稍等"), T0 + 10).unwrap();
    let mut error = WicketError::new(ErrorCode::Invalid, "the reply window is closed");
    error.issues.push(Issue::new("body", "reply_window.expired"));
    cache.record_rejections(&[Rejection { id: first, error }]).unwrap();
    let last = cache.messages("c1", None, 50).unwrap().messages.pop().unwrap();
    assert_eq!(
        (last.message.id.as_str(), last.state, last.failure.as_deref()),
        ("r1", Some(MessageState::Failed), Some("reply_window.expired")),
        "a refused reply shows as failed with the reason's key"
    );
    assert!(cache.retry_rejected_message("r1", T0 + 20).unwrap(), "the refused reply is found");
    assert_eq!(cache.outbox_counts().unwrap(), (1, 0), "waiting once more, no longer refused");
    let pending = cache.pending(0, 10).unwrap();
    assert!(pending[0].id > first, "under a new number, so the server tries it again");
    assert!(!cache.retry_rejected_message("r1", T0 + 21).unwrap(), "a second retry finds nothing to retry");
    assert_eq!(cache.outbox_counts().unwrap(), (1, 0), "and enqueues nothing");
    let last = cache.messages("c1", None, 50).unwrap().messages.pop().unwrap();
    assert_eq!(last.state, Some(MessageState::Queued), "shown as waiting again");
}

#[test]
fn the_thread_window_counts_waiting_replies_in_the_servers_time() {
    let (_dir, cache) = inbox();
    // WeChat: five replies within 48 hours of the subscriber's message; one was pulled.
    cache.enqueue(&reply("r1", "c1", "第二条"), T0 + 10).unwrap();
    let info = cache.thread("c1", T0 + 20).unwrap().unwrap();
    assert_eq!((info.subscriber.display_name.as_str(), info.account.id.as_str()), ("张三", "bank"));
    assert_eq!(info.conversation.preview, "第二条", "the waiting reply is on top");
    assert_eq!(
        (info.window.open, info.window.replies_left, info.window.closes_at),
        (true, Some(3), Some(T0 + 48 * 3_600_000)),
        "one pulled and one waiting reply used"
    );
    assert!(info.earlier.is_empty(), "the subscriber has one conversation");
    // The pull said the server's clock is 48 h ahead of ours: the window has closed.
    let mut ahead = pull(vec![]);
    ahead.server_time = T0 + 20 + 48 * 3_600_000;
    cache.apply_pull(&ahead, T0 + 20).unwrap();
    let info = cache.thread("c1", T0 + 20).unwrap().unwrap();
    assert_eq!(info.window.closed_reason.as_deref(), Some("reply_window.expired"), "judged by the server's clock");
    assert_eq!(cache.thread("nope", T0).unwrap(), None, "an unknown conversation");
}

#[test]
fn the_thread_window_sees_an_old_menu_tap_only_while_it_matters() {
    let (_dir, cache) = inbox();
    let tap = Change::Message(Message {
        id: "tap".into(),
        conversation_id: "c2".into(),
        direction: Direction::Inbound,
        author: None,
        body: MessageBody::Event(SubscriberEvent::MenuTap { key: "bill".into(), label: "账单".into() }),
        client_msg_id: None,
        platform_msg_id: None,
        delivery: None,
        created_at: T0 + 3,
        auto_reply: None,
    });
    cache.apply_pull(&pull(vec![tap]), T0).unwrap();
    let info = cache.thread("c2", T0 + 30_000).unwrap().unwrap();
    assert_eq!(info.window.replies_left, Some(5), "the larger of the message's 5 and the tap's 3");
    assert!(cache.thread("c2", T0 + 3 * 24 * 3_600_000).unwrap().unwrap().window.closed_reason.is_some());
}

#[test]
fn every_earlier_version_upgrades_and_its_messages_become_searchable() {
    let set = crate::migrations().unwrap();
    let latest = wicket_sqlite::latest_version(&set).unwrap();
    for start in 0..=latest {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut conn = wicket_sqlite::open_unmigrated(&path).unwrap();
        wicket_sqlite::migrate_to(&mut conn, &set, Some(start)).unwrap();
        if start >= 3 {
            let Change::Message(old) = message("old", "c", Direction::Inbound, "旧的还款消息", T0) else {
                unreachable!()
            };
            conn.execute(
                "INSERT INTO messages (id, conversation_id, created_at, body) VALUES ('old', 'c', ?1, ?2)",
                params![T0, serde_json::to_string(&old).unwrap()],
            )
            .unwrap();
        }
        drop(conn);
        let cache = Cache::open(&path).unwrap();
        let expected: Vec<String> = if start >= 3 { vec!["old".into()] } else { vec![] };
        assert_eq!(message_ids(&cache, "还款"), expected, "from version {start}, cached messages are indexed");
        assert_eq!(cache.messages("c", None, 10).unwrap().messages.len(), expected.len(), "from version {start}");
        cache.save_draft("c", "x", T0).unwrap();
        drop(cache);
        let again = Cache::open(&path).unwrap();
        assert_eq!(message_ids(&again, "还款"), expected, "indexed once: reopening adds no second row");
    }
}

#[test]
fn a_waiting_subscriber_edit_shows_at_once_and_leaves_with_the_pull_that_holds_it() {
    let (_dir, cache) = inbox();
    let tags =
        Mutation::UpdateSubscriber { id: "s1".into(), tags: Some(vec!["VIP".into(), "账单".into()]), note: None };
    let note = Mutation::UpdateSubscriber { id: "s1".into(), tags: None, note: Some("换了新卡".into()) };
    cache.enqueue(&tags, T0 + 10).unwrap();
    cache.enqueue(&note, T0 + 11).unwrap();
    let shown = cache.thread("c1", T0 + 20).unwrap().unwrap().subscriber;
    assert_eq!(shown.tags, ["VIP", "账单"], "the waiting tags are shown at once");
    assert_eq!(shown.note, "换了新卡", "the later note-only edit keeps the earlier tags");
    let world = cache.world_for(&note, T0 + 20).unwrap();
    assert_eq!(world.subscribers["s1"].note, "换了新卡", "a next edit is checked against the waiting ones");

    // The server took both: the pull holds them and the outbox empties.
    let mut taken = subscriber("s1", "bank", "张三", "换了新卡");
    taken.tags = vec!["VIP".into(), "账单".into()];
    let mut page = pull(vec![Change::Subscriber(taken.clone())]);
    page.last_mutation_id = 2;
    cache.mark_sent(1, 2).unwrap();
    cache.apply_pull(&page, T0 + 30).unwrap();
    assert_eq!(cache.outbox_counts().unwrap(), (0, 0), "nothing is left waiting");
    assert_eq!(cache.thread("c1", T0 + 40).unwrap().unwrap().subscriber, taken, "the pulled state, unchanged");
}

#[test]
fn waiting_label_and_tag_deltas_apply_on_top_of_a_colleagues_pulled_edits() {
    let (_dir, cache) = inbox();
    // Offline here: a label and a tag added, on c1 (labelled 账单) and s1.
    let label = Mutation::EditConversationLabels { id: "c1".into(), add: vec!["VIP".into()], remove: vec![] };
    let tag = Mutation::EditSubscriberTags { id: "s1".into(), add: vec!["常客".into()], remove: vec![] };
    cache.enqueue(&label, T0 + 10).unwrap();
    cache.enqueue(&tag, T0 + 11).unwrap();
    let shown = cache.thread("c1", T0 + 20).unwrap().unwrap();
    assert_eq!(shown.conversation.labels, ["账单", "VIP"], "the waiting label shows at once");
    assert_eq!(shown.subscriber.tags, ["常客"], "the waiting tag shows at once");

    // Meanwhile a colleague's console added its own, which this pull brings.
    let mut c1 = cache.thread("c1", T0 + 20).unwrap().unwrap().conversation;
    c1.labels = vec!["账单".into(), "催收".into()];
    let mut s1 = subscriber("s1", "bank", "张三", "VIP 客户，常问账单");
    s1.tags = vec!["燕麦".into()];
    cache.apply_pull(&pull(vec![Change::Conversation(c1), Change::Subscriber(s1)]), T0 + 30).unwrap();
    let shown = cache.thread("c1", T0 + 40).unwrap().unwrap();
    assert_eq!(shown.conversation.labels, ["账单", "催收", "VIP"], "the colleague's label and mine, neither lost");
    assert_eq!(shown.subscriber.tags, ["燕麦", "常客"], "the colleague's tag and mine");
    let found = cache.subscriber_page(&SubscriberFilter { text: "常客".into(), ..SubscriberFilter::default() }, 10);
    assert_eq!(found.unwrap().items.len(), 1, "the subscribers screen finds the waiting tag too");
}

#[test]
fn a_waiting_note_edit_shows_at_once_and_a_later_edit_builds_on_it() {
    let (_dir, cache) = inbox();
    let first =
        Mutation::SetSubscriberNote {
            id: "s1".into(), note: "换了新卡".into(), base: "VIP 客户，常问账单".into()
        };
    cache.enqueue(&first, T0 + 10).unwrap();
    assert_eq!(cache.thread("c1", T0 + 20).unwrap().unwrap().subscriber.note, "换了新卡");
    let second =
        Mutation::SetSubscriberNote {
            id: "s1".into(), note: "换了新卡，周五取".into(), base: "换了新卡".into()
        };
    let world = cache.world_for(&second, T0 + 20).unwrap();
    assert_eq!(world.subscribers["s1"].note, "换了新卡", "a next edit is checked against the waiting one");
}

fn scoped(changes: Vec<Change>, cursor: i64, scope: &[ChangeKind]) -> PullResponse {
    PullResponse { cursor, scope: Some(scope.to_vec()), ..pull(changes) }
}

fn account_ids(cache: &Cache) -> Vec<String> {
    let mut ids: Vec<String> = cache.accounts().unwrap().into_iter().map(|item| item.account.id).collect();
    ids.sort();
    ids
}

#[test]
fn a_role_that_leaves_the_inbox_drops_its_conversations_and_keeps_its_own_writing() {
    let (_dir, cache) = inbox();
    cache.save_draft("c1", "您好，关于您的账单", T0).unwrap();
    let image = PendingMedia { id: "img".into(), mime: "image/png".into(), bytes: b"a thread image".to_vec() };
    cache.cache_media(&image, T0, 1 << 20).unwrap();
    cache.enqueue(&reply("r1", "c1", "稍等"), T0).unwrap();
    assert_eq!(cache.feed_scope().unwrap(), ChangeKind::ALL, "a cache pulled before scopes holds every kind");

    // Demoted to designer: the next page comes from a feed of accounts only.
    let page = scoped(vec![account("shop", "新店", PlatformProfile::Alipay)], 20, &[ChangeKind::Account]);
    assert_eq!(cache.apply_pull(&page, T0).unwrap(), PullTaken::Narrowed);
    assert!(ids(&cache, &filter(InboxScope::All)).is_empty(), "no conversation is left");
    let subscribers = cache.subscriber_page(&SubscriberFilter::default(), 50).unwrap();
    assert!(subscribers.items.is_empty(), "no subscriber, nor their notes");
    let thread: Vec<String> =
        cache.messages("c1", None, 50).unwrap().messages.into_iter().map(|m| m.message.id).collect();
    assert!(!thread.contains(&"m1".to_string()), "no pulled message is left: {thread:?}");
    assert!(cache.search("还款", 50).unwrap().is_empty(), "messages are no longer found");
    assert!(cache.search("VIP", 50).unwrap().is_empty(), "nor subscribers by their notes");
    assert_eq!(cache.shown_media("img", T0).unwrap(), None, "images seen in threads go too");
    assert_eq!(account_ids(&cache), ["air", "bank", "shop"], "accounts stay, and the new page is taken");
    assert_eq!(cache.cursor().unwrap(), 20, "accounts go on from where they were");
    assert_eq!(cache.draft("c1").unwrap(), "您好，关于您的账单", "what staff wrote here stays");
    assert_eq!(cache.outbox_counts().unwrap(), (1, 0), "the waiting reply stays for the server to judge");
    assert_eq!(cache.feed_scope().unwrap(), [ChangeKind::Account]);

    // Promoted again: the feed carries conversations this cache never
    // received, some of them behind its cursor.
    let page = scoped(vec![account("late", "后来的店", PlatformProfile::Alipay)], 30, &ChangeKind::ALL);
    assert_eq!(cache.apply_pull(&page, T0).unwrap(), PullTaken::Widened);
    assert_eq!(cache.cursor().unwrap(), 0, "it pulls again from the start");
    assert!(!account_ids(&cache).contains(&"late".to_string()), "the page is not taken; the pulls from 0 bring it");
    let again = vec![
        account("bank", "招商银行信用卡", PlatformProfile::Wechat),
        Change::Subscriber(subscriber("s1", "bank", "张三", "VIP 客户，常问账单")),
        Change::Conversation(conversation("c1", "bank", "s1", ConversationStatus::Open)),
        message("m1", "c1", Direction::Inbound, "请问我的还款日是哪天？", T0),
    ];
    assert_eq!(cache.apply_pull(&scoped(again, 30, &ChangeKind::ALL), T0).unwrap(), PullTaken::Page);
    assert_eq!(ids(&cache, &filter(InboxScope::All)), ["c1"], "its conversations are back");
    assert_eq!(message_ids(&cache, "还款"), ["m1"], "and found again");
}

#[test]
fn a_note_refused_as_a_conflict_keeps_both_texts_in_the_thread() {
    let (_dir, cache) = inbox();
    let mine =
        Mutation::SetSubscriberNote {
            id: "s1".into(), note: "换了新卡".into(), base: "VIP 客户，常问账单".into()
        };
    let id = cache.enqueue(&mine, T0 + 10).unwrap();
    let tags = Mutation::EditSubscriberTags { id: "s1".into(), add: vec!["x".into()], remove: vec![] };
    let refused_otherwise = cache.enqueue(&tags, T0 + 11).unwrap();
    // A colleague's note reached the server first.
    let theirs = subscriber("s1", "bank", "张三", "周五来取卡");
    cache.apply_pull(&pull(vec![Change::Subscriber(theirs)]), T0 + 20).unwrap();
    let conflict = WicketError::new(ErrorCode::Conflict, "changed meanwhile");
    cache
        .record_rejections(&[
            Rejection { id, error: conflict },
            Rejection { id: refused_otherwise, error: WicketError::invalid(vec![]) },
        ])
        .unwrap();
    let thread = cache.thread("c1", T0 + 30).unwrap().unwrap();
    assert_eq!(thread.subscriber.note, "周五来取卡", "the colleague's note is the note");
    assert_eq!(thread.note_conflicts.len(), 1, "only the conflict is a note conflict");
    let shown = &thread.note_conflicts[0];
    assert_eq!(
        (shown.id, shown.mine.as_str(), shown.base.as_str()),
        (id, "换了新卡", "VIP 客户，常问账单"),
        "mine is kept"
    );
    assert_eq!(cache.note_conflict(id).unwrap().map(|(s, _)| s).as_deref(), Some("s1"));
    assert_eq!(cache.note_conflict(refused_otherwise).unwrap(), None);
    assert!(cache.thread("c2", T0 + 30).unwrap().unwrap().note_conflicts.is_empty(), "another subscriber has none");
}
