//! "Import followers" against the WeChat double: the follower list in pages
//! (a small page size here), profiles in hundreds, progress kept in storage
//! and resumed after a restart, no subscriber doubled, a refusal's reason.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use wicket_model::PlatformProfile;
use wicket_server::{ServerOptions, SystemClock};
use wicket_test_support::{eventually, new_account, StaffClient, TestServer};
use wicket_wechat_double::{AccountChange, AccountSpec, Callback, Delay, Double, Fault, Mode, RunningDouble};

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const IMPORT: &str = "/api/v1/accounts/noodles/followers/import";

struct Fixture {
    server: TestServer,
    double: RunningDouble,
    staff: StaffClient,
}

fn fans(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("oFan{i:05}")).collect()
}

impl Fixture {
    /// A server with a WeChat account connected to the double, whose
    /// `followers` follow it and whose follower list comes `page_size` a call.
    async fn start(followers: usize, page_size: usize) -> Self {
        let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let options = ServerOptions { wechat_api_base: double.base_url(), ..ServerOptions::default() };
        let server = TestServer::start_with(Arc::new(SystemClock), options).await;
        let staff = server.owner().await;
        let f = Fixture { server, double, staff };
        f.staff.create_account(new_account("noodles", "Noodle House", PlatformProfile::Wechat)).await;
        let connect = json!({"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
            "encoding_aes_key": AES_KEY, "mode": "safe"});
        let (status, saved) = f.staff.call(Method::PUT, "/api/v1/accounts/noodles/wechat", Some(connect)).await;
        assert_eq!(status, 200, "{saved}");
        f.double
            .add_account(AccountSpec {
                appid: APP_ID.into(),
                secret: APP_SECRET.into(),
                token: TOKEN.into(),
                encoding_aes_key: Some(AES_KEY.into()),
                mode: Mode::Safe,
                callback_url: Some(format!("{}/wechat/noodles", f.server.base_url())),
                original_id: Some("gh_noodles".into()),
            })
            .unwrap();
        f.double.add_followers(APP_ID, &fans(followers)).unwrap();
        f.double
            .change_account(APP_ID, AccountChange { user_page_size: Some(page_size), ..AccountChange::default() })
            .unwrap();
        f
    }

    /// Polls the progress route (15 s at most) until `done` says so; every progress seen.
    async fn until(&self, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let seen = RefCell::new(Vec::new());
        let (seen_ref, done) = (&seen, &done);
        eventually("the import's progress gets where the test waits for", Duration::from_secs(15), || async move {
            let (status, progress) = self.staff.call(Method::GET, IMPORT, None).await;
            assert_eq!(status, 200, "{progress}");
            let finished = done(&progress);
            seen_ref.borrow_mut().push(progress);
            finished
        })
        .await;
        seen.into_inner()
    }

    async fn wechat_subscribers(&self) -> Vec<wicket_model::conversation::Subscriber> {
        let all = self.server.state.storage.subscribers("noodles", None, 100_000).await.unwrap();
        all.into_iter().filter(|s| s.platform == "wechat").collect()
    }

    fn calls_to(&self, path: &str) -> usize {
        self.double.calls().iter().filter(|c| c.path == path).count()
    }
}

fn running(progress: &Value) -> bool {
    progress["status"] == "running"
}

#[tokio::test]
async fn followers_import_in_pages_with_progress_and_profiles() {
    let f = Fixture::start(2_500, 1_000).await;
    // Slow profiles a little so the progress route sees the import under way.
    f.double.delay(Delay { millis: 20, path: Some("/cgi-bin/user/info/batchget".into()) });
    let (status, started) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["status"], "running", "{started}");
    let seen = f.until(|p| !running(p)).await;
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "done", "{last}");
    assert_eq!((last["total"].as_u64(), last["listed"].as_u64()), (Some(2_500), Some(2_500)), "{last}");
    assert_eq!((last["imported"].as_u64(), last["failed"].as_u64()), (Some(2_500), Some(0)), "{last}");
    let under_way: Vec<u64> =
        seen.iter().filter(|p| running(p)).filter_map(|p| p["imported"].as_u64()).filter(|n| *n > 0).collect();
    assert!(!under_way.is_empty(), "progress is shown while the import runs: {seen:?}");
    assert!(under_way.windows(2).all(|w| w[0] <= w[1]), "progress only grows: {under_way:?}");

    assert_eq!(f.calls_to("/cgi-bin/user/get"), 4, "three pages of 1,000 at most and the empty one past the end");
    assert_eq!(f.calls_to("/cgi-bin/user/info/batchget"), 25, "profiles a hundred at a time");
    let subscribers = f.wechat_subscribers().await;
    assert_eq!(subscribers.len(), 2_500, "every follower is a subscriber");
    assert!(subscribers.iter().all(|s| s.following), "imported followers follow");
    assert!(subscribers.iter().all(|s| s.followed_at.is_some()), "with the follow time of their profile");
    let one = subscribers.iter().find(|s| s.platform_user_id == "oFan00001").expect("the first follower");
    assert_eq!(one.display_name, "微信用户 0001", "named as a follow names them");

    // The consoles' change feed sees them.
    let (status, pulled) = f.staff.call(Method::GET, "/api/v1/changes?client_id=reader&limit=1000", None).await;
    assert_eq!(status, 200, "{pulled}");
    let in_feed = pulled["changes"].as_array().unwrap().iter().filter(|c| c["change"]["kind"] == "subscriber").count();
    assert!(in_feed > 0, "imported subscribers are in the change feed");
    f.server.stop().await;
}

#[tokio::test]
async fn a_restart_mid_import_resumes_without_doubling_anyone() {
    let f = Fixture::start(2_500, 1_000).await;
    f.double.delay(Delay { millis: 60, path: Some("/cgi-bin/user/info/batchget".into()) });
    let (status, started) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200, "{started}");
    let seen = f.until(|p| p["imported"].as_u64().unwrap_or(0) >= 300).await;
    let before = seen.last().unwrap().clone();
    assert_eq!(before["status"], "running", "stopped while the import runs: {before}");
    let storage = f.server.state.storage.clone();
    let stopped = f.server.stop().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let left = storage.platforms().follower_import("noodles").await.unwrap().expect("the job is kept");
    let left: Value = serde_json::from_str(&left).unwrap();
    let imported_at_stop = left["progress"]["imported"].as_u64().unwrap();
    assert!(imported_at_stop < 2_500, "it stopped part way: {left}");
    let stored_at_stop = storage.subscribers("noodles", None, 100_000).await.unwrap().len() as u64;
    assert_eq!(stored_at_stop, imported_at_stop, "the job's count matches the subscribers stored");
    drop(storage);
    let calls_before = f.double.calls().iter().filter(|c| c.path == "/cgi-bin/user/info/batchget").count();

    let server = stopped.start().await;
    let staff = StaffClient::with_token(&server.base_url(), f.staff.token());
    let g = Fixture { server, double: f.double, staff };
    let seen = g.until(|p| !running(p)).await;
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "done", "the import resumed and finished: {last}");
    assert_eq!((last["listed"].as_u64(), last["imported"].as_u64()), (Some(2_500), Some(2_500)), "{last}");
    let subscribers = g.wechat_subscribers().await;
    assert_eq!(subscribers.len(), 2_500, "no follower doubled");
    let resumed_calls = g.calls_to("/cgi-bin/user/info/batchget") - calls_before;
    let left_to_do = (2_500 - imported_at_stop as usize).div_ceil(100);
    assert_eq!(resumed_calls, left_to_do, "it resumed at the next hundred, not at the start");
    g.server.stop().await;
}

#[tokio::test]
async fn a_follower_who_already_wrote_or_followed_is_not_doubled() {
    let f = Fixture::start(250, 100).await;
    let wrote = f.double.send_callback(APP_ID, "oFan00007", Callback::Text { content: "hi".into() }).await.unwrap();
    assert!(wrote.delivered, "{wrote:?}");
    let followed = f.double.send_callback(APP_ID, "oFan00008", Callback::Subscribe { scene: None }).await.unwrap();
    assert!(followed.delivered, "{followed:?}");
    let before = f.wechat_subscribers().await;
    let writer = before.iter().find(|s| s.platform_user_id == "oFan00007").unwrap().clone();
    assert!(!writer.following, "writing alone does not say they follow");

    let (status, started) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200, "{started}");
    let seen = f.until(|p| !running(p)).await;
    assert_eq!(seen.last().unwrap()["status"], "done", "{seen:?}");
    let subscribers = f.wechat_subscribers().await;
    assert_eq!(subscribers.len(), 250, "the one who wrote and the one who followed are each one subscriber");
    let after = subscribers.iter().find(|s| s.platform_user_id == "oFan00007").unwrap();
    assert_eq!(after.id, writer.id, "the subscriber who wrote is the one brought up to date");
    assert!(after.following, "and is now known to follow");
    let (_, inbox) = f.staff.call(Method::GET, "/api/v1/conversations", None).await;
    let conversations = inbox["conversations"].as_array().unwrap().len();
    assert_eq!(conversations, 2, "the message's and the follow's conversations, none made by the import");

    // Importing again changes no one.
    let (status, _) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200);
    f.until(|p| !running(p)).await;
    assert_eq!(f.wechat_subscribers().await.len(), 250, "a second import doubles no one");
    f.server.stop().await;
}

#[tokio::test]
async fn a_refusal_stops_the_import_with_its_reason_and_a_busy_wechat_is_waited_for() {
    let f = Fixture::start(250, 100).await;
    // Busy once (-1): tried again. Then not authorised (48001): stops.
    f.double.fail_next(Fault { errcode: -1, count: 1, path: Some("/cgi-bin/user/info/batchget".into()) });
    let (status, _) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200);
    let seen = f.until(|p| !running(p)).await;
    let done = seen.last().unwrap();
    assert_eq!((done["status"].as_str(), done["imported"].as_u64()), (Some("done"), Some(250)), "{done}");

    f.double.fail_next(Fault { errcode: 48001, count: 1, path: Some("/cgi-bin/user/get".into()) });
    let (status, _) = f.staff.call(Method::POST, IMPORT, None).await;
    assert_eq!(status, 200);
    let seen = f.until(|p| !running(p)).await;
    let stopped = seen.last().unwrap();
    assert_eq!(stopped["status"], "failed", "{stopped}");
    assert_eq!(stopped["error"], "wechat.import.not_authorised", "the reason, for the console to translate");
    assert_eq!(stopped["listed"], 0, "{stopped}");
    f.server.stop().await;
}

#[tokio::test]
async fn only_owners_and_administrators_import_and_a_connection_is_needed() {
    let f = Fixture::start(10, 100).await;
    let (status, body) = f.staff.call(Method::GET, IMPORT, None).await;
    assert_eq!(status, 404, "no import yet: {body}");
    let agent =
        f.server.state.create_staff("amy", "Amy", wicket_model::Role::Agent, "not a real hash".into()).await.unwrap();
    let token = f.server.state.open_session(agent).await.unwrap().token;
    let url = format!("{}{IMPORT}", f.server.base_url());
    let refused = reqwest::Client::new().post(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 403, "an agent cannot start an import");

    let create = json!({"client_id": "c1", "mutations": [{"id": 2, "mutation": {"name": "create_account", "args": {
        "id": "soup", "name": "Soup Bar", "platform": "wechat", "category": "Food", "description": "",
        "avatar_color": "#fa8c16"}}}]});
    let (status, pushed) = f.staff.call(Method::POST, "/api/v1/push", Some(create)).await;
    assert_eq!(status, 200, "{pushed}");
    let (status, body) = f.staff.call(Method::POST, "/api/v1/accounts/soup/followers/import", None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["issues"][0]["key"], "wechat.connection.missing", "{body}");
    f.server.stop().await;
}

#[tokio::test]
async fn two_starts_at_once_make_one_import() {
    let f = Fixture::start(250, 100).await;
    // Two starts side by side (whether they overlap is up to the scheduler);
    // the storage check below is the one that decides.
    f.double.delay(Delay { millis: 20, path: Some("/cgi-bin/user/info/batchget".into()) });
    let (first, second) =
        tokio::join!(f.staff.call(Method::POST, IMPORT, None), f.staff.call(Method::POST, IMPORT, None));
    assert_eq!((first.0.as_u16(), second.0.as_u16()), (200, 200), "{first:?} {second:?}");
    let seen = f.until(|p| !running(p)).await;
    let last = seen.last().unwrap();
    assert_eq!((last["listed"].as_u64(), last["imported"].as_u64()), (Some(250), Some(250)), "counted once: {last}");
    assert_eq!(f.calls_to("/cgi-bin/user/info/batchget"), 3, "each hundred read once");

    let store = f.server.state.storage.platforms();
    assert!(store.begin_follower_import("noodles", "{}".into(), 1).await.unwrap(), "a finished import starts again");
    assert!(!store.begin_follower_import("noodles", "{}".into(), 2).await.unwrap(), "not while one runs");
    f.server.stop().await;
}
