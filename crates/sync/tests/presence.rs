//! Presence through the live feed: two consoles on one real server see each
//! other view and type, and see a console that went away leave.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wicket_model::sync::{PresenceSnapshot, PresenceState};
use wicket_model::Role;
use wicket_server::auth;
use wicket_store::Cache;
use wicket_sync::{ServerClient, SyncEngine, SyncEvent};
use wicket_test_support::start_server;

/// The last presence snapshot an engine announced.
type Seen = Arc<Mutex<Option<PresenceSnapshot>>>;

fn recording(seen: &Seen) -> Arc<dyn Fn(SyncEvent) + Send + Sync> {
    let seen = seen.clone();
    Arc::new(move |event| {
        if let SyncEvent::Presence(snapshot) = event {
            *seen.lock().unwrap() = Some(snapshot);
        }
    })
}

async fn until(seen: &Seen, what: &str, ok: impl Fn(&PresenceSnapshot) -> bool) {
    wicket_test_support::eventually(what, Duration::from_secs(20), || async {
        seen.lock().unwrap().as_ref().is_some_and(&ok)
    })
    .await;
}

#[tokio::test]
async fn colleagues_see_each_other_view_type_and_leave() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server")).await;
    let owner = server.state.local_owner_session("李梅").await.unwrap().token;
    let hash = auth::hash_password("agent password").unwrap();
    server.state.create_staff("wang", "王芳", Role::Agent, hash).await.unwrap();
    let client = ServerClient::new(&server.base_url()).unwrap();
    let agent = client.sign_in("wang", "agent password").await.unwrap().token;

    let (mine, theirs): (Seen, Seen) = Default::default();
    let me_cache = Arc::new(Cache::open(&dir.path().join("me.sqlite")).unwrap());
    let colleague_cache = Arc::new(Cache::open(&dir.path().join("colleague.sqlite")).unwrap());
    let me = SyncEngine::start(me_cache, client.clone(), owner, recording(&mine));
    let colleague = SyncEngine::start(colleague_cache, client.clone(), agent, recording(&theirs));
    until(&mine, "my live feed is up", |s| s.live).await;
    until(&theirs, "the colleague's live feed is up", |s| s.live).await;

    colleague.set_presence(Some("conv-1".into()), false);
    until(&mine, "I see the colleague viewing", |s| {
        s.entries.iter().any(|p| p.display_name == "王芳" && p.state == PresenceState::Viewing)
    })
    .await;
    colleague.set_presence(Some("conv-1".into()), true);
    until(&mine, "I see the colleague typing", |s| s.entries.iter().any(|p| p.state == PresenceState::Typing)).await;

    colleague.set_presence(None, false);
    until(&mine, "the colleague closed the conversation", |s| s.live && s.entries.is_empty()).await;

    colleague.set_presence(Some("conv-2".into()), false);
    until(&mine, "the colleague opened another", |s| s.entries.iter().any(|p| p.conversation_id == "conv-2")).await;
    colleague.stop();
    drop(colleague);
    until(&mine, "a console that went away is no longer shown", |s| s.live && s.entries.is_empty()).await;

    server.stop().await;
    until(&mine, "with the server gone, presence is unknown rather than empty", |s| !s.live).await;
    me.stop();
}
