//! A broadcast's progress through the live feed: a console on a real server
//! hears how far a running broadcast got, ending with where it finished,
//! and passes it to its listener (the desktop shows it on the Broadcasts
//! screen).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wicket_model::broadcast::{Audience, BroadcastProgress, BroadcastStatus, NewBroadcast};
use wicket_model::conversation::{MessageBody, Subscriber};
use wicket_model::{Change, NewAccount, PlatformProfile};
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncEvent};
use wicket_test_support::start_server;

#[derive(Default)]
struct Heard {
    live: bool,
    progress: Vec<BroadcastProgress>,
}

#[tokio::test]
async fn a_console_hears_a_running_broadcast_move_on_and_finish() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let session = server.state.local_owner_session("李梅").await.unwrap();
    let state = &server.state;
    let now = state.clock.now();
    let account = NewAccount {
        id: "shop".into(),
        name: "燕麦奶铺".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    }
    .into_account(now);
    let mut changes = vec![Change::Account(account)];
    for i in 0..600 {
        changes.push(Change::Subscriber(Subscriber {
            id: format!("s{i:04}"),
            account_id: "shop".into(),
            platform: "sandbox".into(),
            platform_user_id: format!("visitor-{i}"),
            display_name: format!("访客 {i}"),
            following: true,
            followed_at: Some(now),
            tags: vec![],
            note: String::new(),
            created_at: now,
            updated_at: now,
        }));
    }
    state.storage.record(Box::new(move |_| Ok(changes)), now).await.unwrap().unwrap();

    let heard: Arc<Mutex<Heard>> = Arc::default();
    let listener = {
        let heard = heard.clone();
        Arc::new(move |event| {
            let mut heard = heard.lock().unwrap();
            match event {
                SyncEvent::Presence(snapshot) => heard.live = snapshot.live,
                SyncEvent::Broadcast(progress) => heard.progress.push(progress),
                _ => {}
            }
        })
    };
    let cache = Arc::new(Cache::open(&dir.path().join("console.sqlite")).unwrap());
    let client = ServerClient::new(&server.base_url()).unwrap();
    let engine = SyncEngine::start(cache, client, session.token, listener);
    wicket_test_support::eventually("the live feed is up", Duration::from_secs(20), || async {
        heard.lock().unwrap().live
    })
    .await;

    let new = NewBroadcast {
        id: "weekend".into(),
        content: MessageBody::Text { text: "周末燕麦拿铁第二杯半价".into() },
        audience: Audience::All,
        send_at: None,
    };
    wicket_server::broadcast::create(state, &session.user.id, "shop", new).await.unwrap();
    wicket_test_support::eventually("the broadcast is heard done", Duration::from_secs(30), || async {
        heard.lock().unwrap().progress.iter().any(|p| p.status == BroadcastStatus::Done)
    })
    .await;
    let progress = heard.lock().unwrap().progress.clone();
    let first = &progress[0];
    assert_eq!((first.broadcast_id.as_str(), first.status), ("weekend", BroadcastStatus::Sending));
    assert!(first.counts[0].sent < 600, "heard while it runs: {first:?}");
    let last = progress.last().unwrap();
    assert_eq!((last.counts[0].platform.as_str(), last.counts[0].sent), ("sandbox", 600), "{last:?}");
    engine.stop();
    server.stop().await;
}
