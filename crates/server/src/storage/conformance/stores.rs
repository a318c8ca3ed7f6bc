//! Conformance cases of the stores beside `Storage`: what the platform
//! adapters keep (`platform::store`) and what the broadcast job keeps
//! (`broadcast::store`).

use std::sync::Arc;

use wicket_model::broadcast::{Audience, Broadcast, BroadcastStatus, PlatformTotals};
use wicket_model::conversation::{Delivery, Direction, Message, MessageBody, SubscriberEvent};
use wicket_model::conversation_rules::{self, Inbound, NewIds};
use wicket_model::{Change, Millis, World};

use super::{account, record_account, T0};
use crate::broadcast::store::{BatchOutcome, Planned};
use crate::platform::store::{SendState, StoredConnection};
use crate::storage::Storage;

/// A subscriber of `platform` who follows `account_id` (and has a conversation).
async fn follower(storage: &dyn Storage, account_id: &str, platform: &str, user: &str) -> String {
    let inbound = Inbound {
        account_id: account_id.into(),
        platform: platform.into(),
        platform_user_id: user.into(),
        display_name: user.into(),
        platform_msg_id: Some(format!("follow-{user}")),
        body: MessageBody::Event(SubscriberEvent::Follow),
    };
    let ids =
        NewIds { subscriber: format!("s-{user}"), conversation: format!("c-{user}"), message: format!("m-{user}") };
    let decide = Box::new(move |world: &dyn World| conversation_rules::receive(world, &inbound, &ids, T0));
    storage.record(decide, T0).await.expect("the storage records").expect("the follow is accepted");
    format!("s-{user}")
}

/// A staff reply to the subscriber of `conversation_id`, as the console records it.
fn reply(id: &str, conversation_id: &str, at: Millis) -> Message {
    Message {
        id: id.into(),
        conversation_id: conversation_id.into(),
        direction: Direction::Outbound,
        author: Some("staff".into()),
        body: MessageBody::Text { text: id.into() },
        client_msg_id: None,
        platform_msg_id: None,
        delivery: Some(Delivery::Sent),
        created_at: at,
        auto_reply: None,
    }
}

/// Replies queued together leave in the feed's order, whatever their ids,
/// one after another per conversation: a subscriber reads an automatic
/// greeting before the keyword reply recorded after it, even when the
/// dispatcher finds both in one look or the greeting's first try fails.
pub async fn platform_sends_leave_in_feed_order(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let platforms = storage.platforms();
    record_account(storage, account("a1", T0), T0).await;
    let mut conversations = Vec::new();
    for user in ["2088-1", "2088-2"] {
        let subscriber = follower(storage, "a1", "alipay", user).await;
        conversations.push(storage.conversation_of(&subscriber).await.unwrap().expect("a conversation").id);
    }
    // Ids that sort against the feed's order, three recorded per decision.
    let ids: Vec<String> = (0..24).map(|n| format!("reply-{:02}-{}", 99 - n, ["b", "a", "c"][n % 3])).collect();
    for (n, group) in ids.chunks(3).enumerate() {
        let at = T0 + 1 + n as i64;
        let replies: Vec<Change> = group.iter().map(|id| Change::Message(reply(id, &conversations[0], at))).collect();
        let decide = Box::new(move |_: &dyn World| Ok(replies.clone()));
        platforms.record_durably(decide, at).await.unwrap().expect("replies are recorded");
    }
    // The first reply changes again later in the feed: its place is its first.
    let again = reply(&ids[0], &conversations[0], T0 + 1);
    let other = reply("reply-00-other", &conversations[1], T0 + 40);
    let decide =
        Box::new(move |_: &dyn World| Ok(vec![Change::Message(again.clone()), Change::Message(other.clone())]));
    platforms.record_durably(decide, T0 + 40).await.unwrap().expect("the replies are recorded");
    assert_eq!(platforms.queue_outbound(T0 + 50).await.unwrap(), 25, "every reply is queued in one look");

    let due = |now| async move {
        let due = platforms.due_sends(now, 64).await.unwrap();
        due.into_iter().map(|s| s.message_id).collect::<Vec<_>>()
    };
    assert_eq!(due(T0 + 50).await, [ids[0].as_str(), "reply-00-other"], "each conversation's oldest is due");
    // The first try of the oldest fails and waits a second: the conversation waits with it.
    platforms.set_send_state(&ids[0], SendState::Sending, 1, T0 + 50, None, T0 + 50).await.unwrap();
    assert_eq!(due(T0 + 50).await, ["reply-00-other"], "nothing overtakes a send in flight");
    platforms.set_send_state(&ids[0], SendState::Pending, 1, T0 + 1050, Some("busy".into()), T0 + 50).await.unwrap();
    platforms.set_send_state("reply-00-other", SendState::Sent, 1, T0 + 50, None, T0 + 50).await.unwrap();
    assert!(due(T0 + 51).await.is_empty(), "nothing overtakes a send waiting to be retried");
    assert_eq!(platforms.next_send_at().await.unwrap(), Some(T0 + 1050), "the next attempt is the retry's");
    let mut left = Vec::new();
    let mut now = T0 + 1050;
    loop {
        let due = due(now).await;
        let [id] = due.as_slice() else {
            assert!(due.is_empty(), "one conversation's sends leave one at a time: {due:?}");
            break;
        };
        platforms.set_send_state(id, SendState::Sent, 1, now, None, now).await.unwrap();
        left.push(id.clone());
        now += 1;
    }
    assert_eq!(left, ids, "they leave in the order they were recorded");
}

/// Connections are saved, replaced and forgotten; each staff reply to a
/// platform subscriber is queued once and taken by one worker; an import
/// job starts once at a time.
pub async fn platform_store_keeps_connections_sends_and_imports(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let platforms = storage.platforms();
    record_account(storage, account("a1", T0), T0).await;
    let connection = StoredConnection {
        account_id: "a1".into(),
        platform: "wechat".into(),
        settings: "{\"app_id\":\"wx1\"}".into(),
        sealed: vec![0, 1, 2, 255],
        state: "{}".into(),
        updated_at: T0,
    };
    assert!(platforms.connection("a1").await.unwrap().is_none(), "an account starts with no connection");
    platforms.save_connection(connection.clone()).await.unwrap();
    platforms.save_connection_state("a1", "{\"ok\":true}".into()).await.unwrap();
    let saved = platforms.connection("a1").await.unwrap().expect("a saved connection");
    assert_eq!(
        (saved.settings.as_str(), saved.sealed.as_slice(), saved.state.as_str()),
        ("{\"app_id\":\"wx1\"}", &[0_u8, 1, 2, 255][..], "{\"ok\":true}"),
        "a connection keeps its settings, its sealed bytes and its latest state"
    );
    assert!(platforms.delete_connection("a1").await.unwrap(), "a connection can be forgotten");
    assert!(!platforms.delete_connection("a1").await.unwrap(), "and then there is none to forget");

    let subscriber = follower(storage, "a1", "wechat", "openid-1").await;
    let conversation = storage.conversation_of(&subscriber).await.unwrap().expect("a follower has a conversation");
    let reply = Message {
        id: "reply-1".into(),
        conversation_id: conversation.id,
        direction: Direction::Outbound,
        author: Some("staff".into()),
        body: MessageBody::Text { text: "hello".into() },
        client_msg_id: None,
        platform_msg_id: None,
        delivery: Some(Delivery::Sent),
        created_at: T0 + 1,
        auto_reply: None,
    };
    let decide = Box::new(move |_: &dyn World| Ok(vec![Change::Message(reply)]));
    platforms.record_durably(decide, T0 + 1).await.unwrap().expect("a reply is recorded");
    assert_eq!(platforms.queue_outbound(T0 + 2).await.unwrap(), 1, "the reply to a WeChat subscriber is queued");
    assert_eq!(platforms.queue_outbound(T0 + 3).await.unwrap(), 0, "and only once");
    let due = platforms.due_sends(T0 + 2, 10).await.unwrap();
    assert_eq!(
        due.iter().map(|s| (s.message_id.as_str(), s.state)).collect::<Vec<_>>(),
        [("reply-1", SendState::Pending)],
        "a queued send is due at once"
    );
    assert_eq!(platforms.next_send_at().await.unwrap(), Some(T0 + 2), "its attempt is the next one");
    assert!(
        platforms.set_send_state("reply-1", SendState::Sending, 1, T0 + 2, None, T0 + 2).await.unwrap(),
        "a worker takes a pending send"
    );
    assert!(
        !platforms.set_send_state("reply-1", SendState::Sending, 1, T0 + 2, None, T0 + 2).await.unwrap(),
        "no second worker takes it"
    );
    assert_eq!(platforms.abandon_in_flight(T0 + 4).await.unwrap(), ["reply-1"], "a send left in flight is found");
    let send = platforms.send("reply-1").await.unwrap().expect("the send is kept");
    assert_eq!((send.state, send.attempts), (SendState::Unknown, 1), "its outcome is unknown, never resent");
    assert_eq!(platforms.next_send_at().await.unwrap(), None, "nothing is pending");

    assert!(platforms.begin_follower_import("a1", "{\"n\":0}".into(), T0).await.unwrap(), "an import starts");
    assert!(!platforms.begin_follower_import("a1", "{\"n\":9}".into(), T0).await.unwrap(), "not twice at once");
    assert_eq!(platforms.running_follower_imports().await.unwrap(), ["a1"], "a running import is resumed");
    let decide = Box::new(|_: &dyn World| Ok(vec![]));
    platforms.record_import(decide, T0, "a1", "{\"n\":1}".into()).await.unwrap().expect("a batch is recorded");
    assert_eq!(platforms.follower_import("a1").await.unwrap().as_deref(), Some("{\"n\":1}"), "with its job");
    platforms.save_follower_import("a1", false, "{\"n\":2}".into(), T0).await.unwrap();
    assert!(platforms.running_follower_imports().await.unwrap().is_empty(), "a finished import is not running");
    assert!(platforms.begin_follower_import("a1", "{\"n\":0}".into(), T0).await.unwrap(), "a new one may start");
}

fn broadcast(id: &str, status: BroadcastStatus, send_at: i64) -> Broadcast {
    Broadcast {
        id: id.into(),
        account_id: "a1".into(),
        content: MessageBody::Text { text: "新品上市".into() },
        audience: Audience::All,
        status,
        send_at,
        planned: false,
        counts: vec![],
        failures: vec![],
        platform_totals: vec![],
        created_by: "staff".into(),
        created_at: send_at,
        updated_at: send_at,
    }
}

/// A broadcast is planned subscriber by subscriber, sent in batches that
/// are claimed once (a batch left sending is claimed again as it was),
/// delivered to sandbox subscribers in their conversations, counted, and
/// can be cancelled.
pub async fn broadcast_store_plans_claims_and_counts(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let store = storage.broadcasts();
    record_account(storage, account("a1", T0), T0).await;
    for user in ["o1", "o2", "o3"] {
        follower(storage, "a1", "wechat", user).await;
    }
    let visitor = follower(storage, "a1", "sandbox", "visitor").await;

    assert!(store.create_broadcast(&broadcast("b1", BroadcastStatus::Scheduled, T0 + 10)).await.unwrap());
    assert!(
        !store.create_broadcast(&broadcast("b1", BroadcastStatus::Scheduled, T0 + 10)).await.unwrap(),
        "ids are unique"
    );
    assert_eq!(store.next_due().await.unwrap(), Some(T0 + 10), "a scheduled broadcast waits for its time");
    assert!(store.start_due(T0 + 9).await.unwrap().is_empty(), "nothing starts early");
    assert_eq!(store.start_due(T0 + 10).await.unwrap(), ["b1"], "it starts when due");
    assert_eq!(store.plan_page("b1", 3, T0 + 10).await.unwrap(), Planned::More, "a full page leaves more");
    assert_eq!(store.plan_page("b1", 3, T0 + 10).await.unwrap(), Planned::Done, "the rest is decided");
    assert_eq!(store.plan_page("b1", 3, T0 + 10).await.unwrap(), Planned::Done, "and planning is over");

    let batch = store.claim_batch("b1", "wechat", 10, T0 + 11).await.unwrap().expect("three are pending");
    assert_eq!(batch.user_ids, ["o1", "o2", "o3"], "a batch takes the pending recipients in subscriber order");
    let again = store.claim_batch("b1", "wechat", 10, T0 + 12).await.unwrap().expect("the batch left sending");
    assert_eq!(again, batch, "a batch whose call may have left is claimed again as it was, under its id");
    store.finish_batch("b1", batch.number, BatchOutcome::Sent { msg_id: "m1".into() }, T0 + 13).await.unwrap();
    assert!(store.claim_batch("b1", "wechat", 10, T0 + 14).await.unwrap().is_none(), "nobody else is pending");
    let (delivered, seq) = store.deliver_sandbox("b1", 10, T0 + 15).await.unwrap();
    assert_eq!(delivered, 1, "the sandbox subscriber gets it");
    assert_eq!(seq, storage.last_seq().await.unwrap(), "in the feed");
    let conversation = storage.conversation_of(&visitor).await.unwrap().expect("the visitor's conversation");
    let messages = storage.messages(&conversation.id, crate::storage::MessagePage { limit: 10, ..Default::default() });
    assert!(
        messages.await.unwrap().iter().any(|m| m.id == "broadcast-b1-s-visitor"),
        "the broadcast is a message in the visitor's conversation"
    );
    assert!(store.finish_if_sent("b1", T0 + 16).await.unwrap(), "a broadcast sent to everyone is done");
    let (counts, failures) = store.counts("b1").await.unwrap();
    let sent: Vec<(&str, u64, u64)> = counts.iter().map(|c| (c.platform.as_str(), c.targeted, c.sent)).collect();
    assert_eq!(sent, [("sandbox", 1, 1), ("wechat", 3, 3)], "the ledger counts each platform");
    assert!(failures.is_empty(), "nothing failed");

    let totals = PlatformTotals {
        msg_id: "m1".into(),
        status: "send success".into(),
        total: 3,
        filtered: 3,
        sent: 3,
        errors: 0,
    };
    assert!(store.record_totals("wechat", &totals, T0 + 17).await.unwrap(), "the platform's report finds its send");
    assert_eq!(
        store.platform_totals("b1").await.unwrap(),
        std::slice::from_ref(&totals),
        "and is shown with the broadcast"
    );
    let early = PlatformTotals { msg_id: "m9".into(), ..totals };
    assert!(
        !store.record_totals("wechat", &early, T0 + 17).await.unwrap(),
        "a report before its send is kept, unmatched"
    );

    assert!(store.create_broadcast(&broadcast("b2", BroadcastStatus::Scheduled, T0 + 100)).await.unwrap());
    assert_eq!(store.cancel_broadcast("b2", T0 + 20).await.unwrap(), Some(BroadcastStatus::Cancelled));
    assert_eq!(store.cancel_broadcast("nothing", T0 + 20).await.unwrap(), None, "an unknown broadcast is none");
    let listed: Vec<(String, BroadcastStatus)> =
        store.broadcasts("a1", 10).await.unwrap().into_iter().map(|b| (b.broadcast.id, b.broadcast.status)).collect();
    assert_eq!(
        listed,
        [("b2".to_owned(), BroadcastStatus::Cancelled), ("b1".to_owned(), BroadcastStatus::Done)],
        "an account's broadcasts are listed newest first"
    );
    let account = storage.account("a1").await.unwrap().expect("the account");
    let forecast = store.forecast(&account, &Audience::All, T0 + 30).await.unwrap();
    let will: Vec<(&str, u64)> = forecast.iter().map(|c| (c.platform.as_str(), c.targeted)).collect();
    assert_eq!(will, [("wechat", 3), ("sandbox", 1)], "a forecast counts the audience by platform");
}

/// A send call that names nobody (to all followers, to a tag) takes every
/// pending recipient of its platform in one batch; a batch left sending is
/// given back marked as left, with nobody added to it; a cancel leaves it
/// alone (its call may have gone).
pub async fn broadcast_store_claims_everyone_at_once(storage: Arc<dyn Storage>) {
    let storage = &*storage;
    let store = storage.broadcasts();
    record_account(storage, account("a1", T0), T0).await;
    for user in ["o1", "o2", "o3"] {
        follower(storage, "a1", "wechat", user).await;
    }
    follower(storage, "a1", "sandbox", "visitor").await;
    assert!(store.create_broadcast(&broadcast("all", BroadcastStatus::Sending, T0)).await.unwrap());
    assert!(store.claim_all("all", "wechat", T0 + 1).await.unwrap().is_none(), "nobody is pending before planning");
    assert_eq!(store.plan_page("all", 100, T0 + 1).await.unwrap(), Planned::Done);
    let (batch, left) = store.claim_all("all", "wechat", T0 + 2).await.unwrap().expect("three are pending");
    assert!(!left, "a new batch");
    assert!(batch.user_ids.is_empty(), "the call names nobody");
    assert!(batch.client_msg_id.len() <= 64, "its dedupe id fits WeChat's");
    let (again, left) = store.claim_all("all", "wechat", T0 + 3).await.unwrap().expect("the batch left sending");
    assert!(left, "given back as left by an earlier run");
    assert_eq!(again, batch, "the same batch, under its id");
    assert_eq!(store.cancel_broadcast("all", T0 + 4).await.unwrap(), Some(BroadcastStatus::Cancelled));
    store.finish_batch("all", batch.number, BatchOutcome::Sent { msg_id: "m-all".into() }, T0 + 5).await.unwrap();
    let (counts, _) = store.counts("all").await.unwrap();
    let wechat = counts.iter().find(|c| c.platform == "wechat").expect("wechat counts");
    assert_eq!((wechat.sent, wechat.cancelled), (3, 0), "everyone was in the call: {wechat:?}");
    let sandbox = counts.iter().find(|c| c.platform == "sandbox").expect("sandbox counts");
    assert_eq!((sandbox.sent, sandbox.cancelled), (0, 1), "the sandbox subscriber was not in it: {sandbox:?}");
    assert!(store.claim_all("all", "wechat", T0 + 6).await.unwrap().is_none(), "nobody else is pending");
}
