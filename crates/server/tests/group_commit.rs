//! The storage's group commit (SQLite; PostgreSQL with
//! `WICKET_TEST_STORAGE=postgres`): subscribers' messages recorded durably
//! by many callers at once share transactions, and still each caller is
//! answered only once its message is committed, one conversation's messages
//! keep the order they were handed in, a retry stores nothing twice, and a
//! decision that fails takes none of its group with it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use futures_util::future::join_all;

use wicket_model::conversation::MessageBody;
use wicket_model::conversation_rules::{self, Inbound, NewIds};
use wicket_model::{Change, Millis, NewAccount, PlatformProfile, World};
use wicket_server::storage::{DecideFn, Storage};

const T0: Millis = 1_767_225_600_000;
const ACCOUNT: &str = "shop";
const SUBSCRIBERS: usize = 6;
const SENDERS_PER_SUBSCRIBER: usize = 4;
const MESSAGES_PER_SENDER: usize = 42;
/// Messages a sender hands in at once before awaiting their answers.
const BURST: usize = 3;

async fn fresh() -> (Arc<dyn Storage>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let storage = wicket_test_support::storage_for(dir.path()).await;
    let account = NewAccount {
        id: ACCOUNT.into(),
        name: "Shop".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    }
    .into_account(T0);
    let decide: DecideFn = Box::new(move |_: &dyn World| Ok(vec![Change::Account(account)]));
    storage.record(decide, T0).await.unwrap().unwrap();
    (storage, dir)
}

/// A subscriber's text message `text`, under the platform id `platform_id`,
/// through the model's rules, as `platform::receive` hands it in.
fn receive(subscriber: usize, platform_id: &str, text: &str, now: Millis) -> DecideFn {
    let inbound = Inbound {
        account_id: ACCOUNT.into(),
        platform: "sandbox".into(),
        platform_user_id: format!("visitor-{subscriber}"),
        display_name: format!("访客 {subscriber}"),
        platform_msg_id: Some(platform_id.to_owned()),
        body: MessageBody::Text { text: text.to_owned() },
    };
    let ids = NewIds {
        subscriber: format!("s{subscriber}"),
        conversation: format!("c{subscriber}"),
        message: format!("m-{platform_id}"),
    };
    Box::new(move |world: &dyn World| conversation_rules::receive(world, &inbound, &ids, now))
}

/// Many senders per conversation at once, each sending its numbered
/// messages in bursts handed in together (the next burst once the last is
/// answered), and each again after its answer, as a platform retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_senders_are_answered_after_commit_in_order_once_each() {
    let (storage, _dir) = fresh().await;
    let clock = Arc::new(AtomicI64::new(T0));
    let mut senders = Vec::new();
    for subscriber in 0..SUBSCRIBERS {
        for sender in 0..SENDERS_PER_SUBSCRIBER {
            let (storage, clock) = (storage.clone(), clock.clone());
            senders.push(tokio::spawn(async move {
                for burst in 0..MESSAGES_PER_SENDER / BURST {
                    // A burst is handed in at once, in order (as a platform
                    // pushes messages back to back), and each is awaited.
                    let ids: Vec<usize> = (burst * BURST..(burst + 1) * BURST).collect();
                    let sends = ids.iter().map(|&n| {
                        let now = clock.fetch_add(1, Ordering::SeqCst);
                        let platform_id = format!("{subscriber}-{sender}-{n}");
                        let decide = receive(subscriber, &platform_id, &format!("{sender}:{n}"), now);
                        let storage = storage.clone();
                        async move { (platform_id, storage.platforms().record_durably(decide, now).await) }
                    });
                    for (platform_id, recorded) in join_all(sends).await {
                        let recorded = recorded.expect("the storage records").expect("the message is accepted");
                        assert!(
                            recorded.changes.iter().any(|c| matches!(c, Change::Message(_))),
                            "{platform_id} is stored as new"
                        );
                        // Answered means committed: another connection sees
                        // it at once, and the feed up to its position.
                        let stored = storage.message(&format!("m-{platform_id}")).await.expect("a read");
                        assert!(stored.is_some(), "{platform_id} was answered before it was committed");
                        assert!(
                            storage.last_seq().await.expect("a read") >= recorded.last_seq,
                            "{platform_id}'s feed position was answered before it was committed"
                        );
                        // The platform sends it again: nothing new is stored.
                        let now = clock.fetch_add(1, Ordering::SeqCst);
                        let text = format!("{sender}:again");
                        let again = storage
                            .platforms()
                            .record_durably(receive(subscriber, &platform_id, &text, now), now)
                            .await
                            .expect("the storage records")
                            .expect("a retry is accepted");
                        assert!(again.changes.is_empty(), "{platform_id} sent again changes nothing: {again:?}");
                    }
                }
            }));
        }
    }
    for sender in senders {
        sender.await.expect("a sender");
    }
    for subscriber in 0..SUBSCRIBERS {
        let conversation = format!("c{subscriber}");
        let (messages, _) = storage.messages_after(&conversation, 0, 10_000).await.expect("the conversation");
        assert_eq!(
            messages.len(),
            SENDERS_PER_SUBSCRIBER * MESSAGES_PER_SENDER,
            "every message of {conversation} is stored once"
        );
        // In the order stored, each sender's messages come in the order it
        // handed them in.
        let mut next: BTreeMap<String, usize> = BTreeMap::new();
        for message in &messages {
            let MessageBody::Text { text } = &message.body else { panic!("a text message: {message:?}") };
            let (sender, n) = text.split_once(':').expect("sender:n");
            let n: usize = n.parse().expect("a number");
            let expected = next.entry(sender.to_owned()).or_default();
            assert_eq!(n, *expected, "{conversation}: sender {sender}'s messages in the order sent");
            *expected += 1;
        }
        let conversation = storage.conversation(&conversation).await.unwrap().expect("the conversation is stored");
        // Every decision saw the ones committed before it: the conversation
        // holds the newest of all its messages' times.
        let newest = messages.iter().map(|m| m.created_at).max().expect("messages");
        assert_eq!(conversation.last_activity_at, newest, "the conversation saw every message");
    }
}

/// A decision that fails (here: panics) among others waiting at the same
/// moment fails alone: its caller hears of it, nothing of it is kept, and
/// the others are stored and answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_decision_fails_alone_in_its_group() {
    let (storage, _dir) = fresh().await;
    let mut tasks = Vec::new();
    for round in 0..20 {
        for subscriber in 0..4 {
            let storage = storage.clone();
            tasks.push(tokio::spawn(async move {
                let platform_id = format!("{round}-{subscriber}");
                let now = T0 + round as Millis;
                let failing = subscriber == 0;
                let decide: DecideFn = if failing {
                    let good = receive(subscriber, &platform_id, "never stored", now);
                    Box::new(move |world: &dyn World| {
                        // Stored changes of its own would be undone too.
                        let _ = good(world);
                        panic!("a decision that fails")
                    })
                } else {
                    receive(subscriber, &platform_id, "kept", now)
                };
                let recorded = storage.platforms().record_durably(decide, now).await;
                (failing, platform_id, recorded.map(|r| r.is_ok()))
            }));
        }
    }
    for task in tasks {
        let (failing, platform_id, recorded) = task.await.expect("a task");
        let stored = storage.message(&format!("m-{platform_id}")).await.expect("a read").is_some();
        if failing {
            assert!(recorded.is_err(), "{platform_id}: the failure is reported");
            assert!(!stored, "{platform_id}: nothing of a failed decision is kept");
        } else {
            assert_eq!(recorded.ok(), Some(true), "{platform_id}: the others in its group are stored");
            assert!(stored, "{platform_id} is stored");
        }
    }
}
