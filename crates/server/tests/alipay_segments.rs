//! Alipay broadcasts to a segment, against the Alipay double: Wicket
//! decides the recipients (the account's cap, who unfollowed), puts a label
//! of the broadcast's own on exactly them (at most ten a call), sends one
//! `message.label.send` to that label, and deletes the label once a
//! delivery period is over (Alipay delivers the send some time after the
//! call): by the runner's sweep or before the account's next label is made,
//! once, also across a restart. A label made by a
//! call whose answer was lost is found by its name; a lost tagging answer
//! is made again; a label send that may have gone is never made again, by
//! a lost answer or by a restart; a restart while tagging resumes after the
//! last call taken. Runs on SQLite, and on PostgreSQL with
//! `WICKET_TEST_STORAGE=postgres` (`make test-postgres`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use wicket_alipay_double::{
    Delay as AlipayDelay, Double as AlipayDouble, Fault as AlipayFault, FaultKind as AlipayFaultKind,
    RunningDouble as RunningAlipayDouble,
};
use wicket_model::conversation::Subscriber;
use wicket_model::Change;
use wicket_server::{Clock, ManualClock, ServerOptions, SystemClock};
use wicket_test_support::{follower, record_followers, StaffClient, TestServer};

const ALIPAY_APP_ID: &str = "2021000000000001";
const ALIPAY_APP_PRIVATE_KEY: &str =
    include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");
const TOTAL_SEND: &str = "alipay.open.public.message.total.send";

struct Fixture {
    server: Option<TestServer>,
    owner: StaffClient,
    clock: ManualClock,
}

/// How long the tests' servers keep a broadcast's label after its send: short,
/// since the double checks the requests' timestamps (signed with the server's
/// clock) against the real time, within 15 minutes.
const KEEP: Duration = Duration::from_secs(5 * 60);

impl Fixture {
    fn server(&self) -> &TestServer {
        self.server.as_ref().unwrap()
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (status, value) = self.owner.call(method.parse::<Method>().unwrap(), path, body).await;
        (status.as_u16(), value)
    }

    /// Stops the server (its jobs where their last commit left them) and
    /// starts it again on the same data.
    async fn restart(&mut self) {
        let stopped = self.server.take().unwrap().stop().await;
        let server = stopped.start().await;
        self.owner = StaffClient::with_token(&server.base_url(), self.owner.token());
        self.server = Some(server);
    }

    async fn broadcast(&self, id: &str, text: &str, audience: Value) -> Value {
        let body = json!({"id": id, "content": {"type": "text", "text": text}, "audience": audience});
        let (status, made) = self.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body)).await;
        assert_eq!(status, 200, "{made}");
        made
    }

    /// Polls the broadcast (bounded) until it is done.
    async fn finished(&self, id: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..2_400 {
            let (status, broadcast) = self.call("GET", &format!("/api/v1/accounts/shop/broadcasts/{id}"), None).await;
            assert_eq!(status, 200, "{broadcast}");
            if broadcast["status"] == "done" {
                return broadcast;
            }
            last = broadcast;
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the broadcast never got there: {last}");
    }

    /// Moves the server's clock past the labels' delivery period and waits
    /// (bounded) until the double has no label left: the runner's sweep
    /// deleted them.
    async fn labels_deleted_after_the_delivery_period(&self, double: &RunningAlipayDouble) {
        self.clock.advance(KEEP.as_millis() as i64 + 1_000);
        for _ in 0..2_400 {
            if double.labels(ALIPAY_APP_ID).unwrap().is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("labels left after the delivery period: {:?}", double.labels(ALIPAY_APP_ID).unwrap());
    }

    async fn forecast(&self, audience: Value) -> Value {
        let (status, forecast) = self.call("POST", "/api/v1/accounts/shop/broadcasts/forecast", Some(audience)).await;
        assert_eq!(status, 200, "{forecast}");
        forecast
    }
}

/// The counts of one platform in a broadcast or forecast.
fn counts<'a>(value: &'a Value, platform: &str) -> &'a Value {
    value["counts"].as_array().unwrap().iter().find(|c| c["platform"] == platform).unwrap_or(&Value::Null)
}

fn n(counts: &Value, field: &str) -> u64 {
    counts[field].as_u64().unwrap_or_else(|| panic!("{field} in {counts}"))
}

/// A server whose account `shop` is an Alipay 生活号 connected to the
/// double, with `fans` followers in both (those `vip` says, by index,
/// tagged VIP), one VIP Alipay subscriber who left and one VIP sandbox
/// subscriber. The server's clock starts at the real time (the double
/// checks the requests' timestamps against its own).
async fn alipay_fixture_tagged(fans: usize, vip: impl Fn(usize) -> bool) -> (Fixture, RunningAlipayDouble) {
    let key = wicket_alipay_double::generate_key().unwrap();
    let double = AlipayDouble::with_alipay_key(key).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let clock = ManualClock::at(SystemClock.now());
    let options = ServerOptions {
        alipay_api_base: format!("{}/gateway.do", double.base_url()),
        alipay_label_keep: KEEP,
        ..ServerOptions::default()
    };
    let server = TestServer::start_with(Arc::new(clock.clone()), options).await;
    let owner = server.owner().await;
    let f = Fixture { server: Some(server), owner, clock };
    let create = json!({"client_id": "c1", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "shop", "name": "Oat Milk Shop", "platform": "alipay", "category": "Food", "description": "",
        "avatar_color": "#07c160"}}}]});
    let (status, pushed) = f.call("POST", "/api/v1/push", Some(create)).await;
    assert_eq!(status, 200, "{pushed}");
    f.owner.connect_alipay("shop", &double, (ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY), None, "燕麦奶铺").await;
    let mut subscribers: Vec<Subscriber> = (0..fans)
        .map(|i| {
            let tags: &[&str] = if vip(i) { &["VIP"] } else { &[] };
            follower(&format!("ali{i:04}"), "alipay", &format!("2088{i:012}"), tags, true)
        })
        .collect();
    let user_ids: Vec<String> = subscribers.iter().map(|s| s.platform_user_id.clone()).collect();
    double.add_followers(ALIPAY_APP_ID, &user_ids).unwrap();
    subscribers.push(follower("gone", "alipay", "2088999999999999", &["VIP"], false));
    subscribers.push(follower("tester", "sandbox", "otester", &["VIP"], true));
    record_followers(f.server(), subscribers).await;
    (f, double)
}

const LABEL_CREATE: &str = "alipay.open.public.life.label.create";
const LABEL_BATCHQUERY: &str = "alipay.open.public.life.label.batchquery";
const TAG_USERS: &str = "alipay.open.public.matchuser.label.create";
const LABEL_SEND: &str = "alipay.open.public.message.label.send";
const LABEL_DELETE: &str = "alipay.open.public.life.label.delete";

/// The codes Alipay answered calls to `method` with, in order.
fn calls_to(double: &RunningAlipayDouble, method: &str) -> Vec<String> {
    double.calls().into_iter().filter(|c| c.method == method).map(|c| c.code).collect()
}

/// How many users each tagging call Alipay took put the label on.
fn tagged_per_call(double: &RunningAlipayDouble) -> Vec<usize> {
    double
        .calls()
        .into_iter()
        .filter(|c| c.method == TAG_USERS && c.code == "10000")
        .map(|c| {
            let change = c.change.unwrap_or_default();
            let n = change.split(" put on ").nth(1).and_then(|rest| rest.split(' ').next());
            n.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("a tagging call's change: {change:?}"))
        })
        .collect()
}

/// 30 Alipay fans, every one but each fourth (23) tagged VIP, so the
/// segment is not a run of the fans in order.
const SEGMENT_FANS: usize = 30;
fn vip(i: usize) -> bool {
    i % 4 != 3
}
fn vip_user_ids() -> Vec<String> {
    (0..SEGMENT_FANS).filter(|i| vip(*i)).map(|i| format!("2088{i:012}")).collect()
}
const VIP: &str = r#"{"kind": "segment", "filter": {"tags_any": ["VIP"]}}"#;

#[tokio::test]
async fn an_alipay_segment_reaches_exactly_its_followers_through_a_label_of_its_own() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    let audience: Value = serde_json::from_str(VIP).unwrap();
    let forecast = f.forecast(audience.clone()).await;
    let alipay = counts(&forecast, "alipay");
    assert_eq!((n(alipay, "targeted"), n(alipay, "pending"), n(alipay, "unreachable")), (24, 23, 1), "{forecast}");

    f.broadcast("vip", "VIP 专享：燕麦拿铁买一送一", audience.clone()).await;
    let done = f.finished("vip").await;
    let alipay = counts(&done, "alipay");
    assert_eq!(
        (n(alipay, "targeted"), n(alipay, "sent"), n(alipay, "unreachable"), n(alipay, "failed")),
        (24, 23, 1, 0),
        "as forecast: {done}"
    );
    assert_eq!(n(counts(&done, "sandbox"), "sent"), 1, "{done}");
    let sends = double.label_sends(ALIPAY_APP_ID).unwrap();
    assert_eq!(sends.len(), 1, "one label send");
    let mut reached = sends[0].to_user_ids.clone();
    reached.sort();
    assert_eq!(reached, vip_user_ids(), "the segment's followers, not the other fans");
    assert_eq!(sends[0].biz_content["material"]["text"]["content"], "VIP 专享：燕麦拿铁买一送一");
    assert_eq!(calls_to(&double, LABEL_CREATE), ["10000"], "one label");
    assert_eq!(tagged_per_call(&double), [10, 10, 3], "at most 10 users a call, each once");
    assert_eq!(calls_to(&double, TAG_USERS).len(), 3);
    assert_eq!(calls_to(&double, LABEL_SEND), ["10000"]);
    assert!(calls_to(&double, TOTAL_SEND).is_empty(), "not a send to all");
    // Alipay delivers the send some time after the call: the label stays.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(calls_to(&double, LABEL_DELETE).is_empty(), "not deleted while the send may be delivered");
    assert_eq!(double.labels(ALIPAY_APP_ID).unwrap().len(), 1, "the label is still on Alipay");
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"], "the label is given back, once");

    // The same week: the account had its broadcast; Alipay is not called.
    let forecast = f.forecast(audience.clone()).await;
    assert_eq!(n(counts(&forecast, "alipay"), "skipped_account_cap"), 23, "{forecast}");
    f.broadcast("again", "再来一条", audience).await;
    let again = f.finished("again").await;
    assert_eq!((n(counts(&again, "alipay"), "sent"), n(counts(&again, "alipay"), "skipped_account_cap")), (0, 23));
    assert_eq!(calls_to(&double, LABEL_CREATE).len(), 1, "no label for a capped broadcast");
    assert_eq!(double.label_sends(ALIPAY_APP_ID).unwrap().len(), 1);
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"], "deleted once in all");
}

#[tokio::test]
async fn a_segment_of_sandbox_subscribers_only_on_alipay_calls_alipay_not_at_all() {
    let (f, double) = alipay_fixture_tagged(3, |_| true).await;
    let body = json!({"id": "testers", "content": {"type": "text", "text": "VIP 专享"},
        "audience": {"kind": "segment", "filter": {"platforms": ["sandbox"]}}});
    let (status, made) = f.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body)).await;
    assert_eq!(status, 200, "{made}");
    let done = f.finished("testers").await;
    assert_eq!(n(counts(&done, "sandbox"), "sent"), 1, "{done}");
    assert!(counts(&done, "alipay").is_null(), "{done}");
    for method in [LABEL_BATCHQUERY, LABEL_CREATE, TAG_USERS, LABEL_SEND, LABEL_DELETE, TOTAL_SEND] {
        assert!(calls_to(&double, method).is_empty(), "{method} was called");
    }
}

#[tokio::test]
async fn a_tagging_call_whose_answer_was_lost_is_made_again() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    // The second tagging call is taken but its answer lost: made again (harmless).
    double.fail_next(AlipayFault { kind: AlipayFaultKind::Drop, count: 1, method: Some(TAG_USERS.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    let done = f.finished("vip").await;
    assert_eq!(n(counts(&done, "alipay"), "sent"), 23, "{done}");
    assert_eq!(tagged_per_call(&double), [10, 10, 10, 3], "the lost one again, nothing more");
    let mut reached = double.label_sends(ALIPAY_APP_ID).unwrap()[0].to_user_ids.clone();
    reached.sort();
    assert_eq!(reached, vip_user_ids());
}

#[tokio::test]
async fn a_label_create_whose_answer_was_lost_is_found_by_its_name_not_made_twice() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    double.fail_next(AlipayFault { kind: AlipayFaultKind::Drop, count: 1, method: Some(LABEL_CREATE.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    let done = f.finished("vip").await;
    assert_eq!(n(counts(&done, "alipay"), "sent"), 23, "{done}");
    assert_eq!(calls_to(&double, LABEL_CREATE).len(), 1, "the label made by the lost call is used");
    assert_eq!(calls_to(&double, LABEL_BATCHQUERY), ["10000", "10000"], "looked for before each try");
    let mut reached = double.label_sends(ALIPAY_APP_ID).unwrap()[0].to_user_ids.clone();
    reached.sort();
    assert_eq!(reached, vip_user_ids());
    assert_eq!(double.labels(ALIPAY_APP_ID).unwrap().len(), 1, "one label, kept for the delivery");
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"], "no label left behind");
}

#[tokio::test]
async fn a_follower_alipay_cannot_label_fails_and_is_not_counted_as_sent() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    // A follower whose id Alipay does not know as a user: its matcher comes back in error_matchers.
    let odd = follower("ali-odd", "alipay", "2088-not-a-user", &["VIP"], true);
    double.add_followers(ALIPAY_APP_ID, std::slice::from_ref(&odd.platform_user_id)).unwrap();
    let state = &f.server().state;
    state
        .storage
        .record(Box::new(move |_| Ok(vec![Change::Subscriber(odd)])), state.clock.now())
        .await
        .unwrap()
        .unwrap();
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    let done = f.finished("vip").await;
    let alipay = counts(&done, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "failed")), (23, 1), "{done}");
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.user_unknown", "count": 1}]), "{done}");
    let mut reached = double.label_sends(ALIPAY_APP_ID).unwrap()[0].to_user_ids.clone();
    reached.sort();
    assert_eq!(reached, vip_user_ids(), "the follower Alipay could not label did not get it either");
}

#[tokio::test]
async fn a_label_send_whose_answer_was_lost_is_recorded_unknown_and_never_made_again() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    double.fail_next(AlipayFault { kind: AlipayFaultKind::Drop, count: 1, method: Some(LABEL_SEND.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    let done = f.finished("vip").await;
    let alipay = counts(&done, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "failed"), n(alipay, "pending")), (0, 23, 0), "{done}");
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.unknown", "count": 23}]), "{done}");
    assert_eq!(double.label_sends(ALIPAY_APP_ID).unwrap().len(), 1, "it went, once");
    assert_eq!(calls_to(&double, LABEL_SEND).len(), 1, "and was not made again");
    // It may have gone: its label is kept for the delivery too.
    assert!(calls_to(&double, LABEL_DELETE).is_empty());
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"]);
}

#[tokio::test]
async fn a_restart_while_tagging_resumes_after_the_last_call_taken() {
    let (mut f, double) = alipay_fixture_tagged(50, |i| i != 49).await;
    // 49 to tag: 5 calls. Each answer comes late, so the server stops mid-way.
    double.delay(AlipayDelay { millis: 300, method: Some(TAG_USERS.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    for _ in 0..2_400 {
        if calls_to(&double, TAG_USERS).len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = calls_to(&double, TAG_USERS).len();
    assert!((2..5).contains(&before), "stopped while tagging: {before} calls");
    double.delay(AlipayDelay { millis: 0, method: Some(TAG_USERS.into()) });
    f.restart().await;
    let done = f.finished("vip").await;
    assert_eq!(n(counts(&done, "alipay"), "sent"), 49, "{done}");
    let calls = calls_to(&double, TAG_USERS).len();
    // The calls answered before the stop are not made again; only the one
    // under way may be (tagging twice does no harm).
    assert!((5..=6).contains(&calls), "{calls} tagging calls for 5 batches");
    assert_eq!(calls_to(&double, LABEL_CREATE).len(), 1, "the restart uses the stored label");
    assert_eq!(double.label_sends(ALIPAY_APP_ID).unwrap()[0].to_user_ids.len(), 49);
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"]);
}

#[tokio::test]
async fn a_restart_while_an_alipay_label_send_is_under_way_does_not_send_it_again() {
    let (mut f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    double.delay(AlipayDelay { millis: 60_000, method: Some(LABEL_SEND.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    for _ in 0..2_400 {
        if !double.label_sends(ALIPAY_APP_ID).unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(double.label_sends(ALIPAY_APP_ID).unwrap().len(), 1, "the call went");
    double.delay(AlipayDelay { millis: 0, method: Some(LABEL_SEND.into()) });
    f.restart().await;
    let done = f.finished("vip").await;
    let alipay = counts(&done, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "failed"), n(alipay, "pending")), (0, 23, 0), "{done}");
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.unknown", "count": 23}]), "{done}");
    assert_eq!(calls_to(&double, LABEL_SEND).len(), 1, "one call in all");
    assert_eq!(calls_to(&double, LABEL_CREATE).len(), 1);
    assert!(calls_to(&double, LABEL_DELETE).is_empty(), "kept for the delivery");
    // A restart before the delivery period is over does not lose the deletion.
    f.restart().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(double.labels(ALIPAY_APP_ID).unwrap().len(), 1, "still kept after a restart");
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"], "the label is given back after the restarts, once");
}

#[tokio::test]
async fn an_alipay_segment_alipay_refuses_to_label_fails_and_leaves_no_label() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    let refusal = AlipayFaultKind::Error {
        code: "40004".into(),
        msg: "Business Failed".into(),
        sub_code: "USER_NOT_EXIST".into(),
        sub_msg: "用户不存在".into(),
    };
    double.fail_next(AlipayFault { kind: refusal, count: 1, method: Some(TAG_USERS.into()) });
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    let done = f.finished("vip").await;
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.refused", "count": 23}]), "{done}");
    assert_eq!(n(counts(&done, "sandbox"), "sent"), 1, "sandbox subscribers still get it: {done}");
    assert!(double.label_sends(ALIPAY_APP_ID).unwrap().is_empty(), "nothing sent");
    assert_eq!(calls_to(&double, TAG_USERS).len(), 1, "a refusal is not made again");
    f.labels_deleted_after_the_delivery_period(&double).await;
    assert_eq!(calls_to(&double, LABEL_DELETE), ["10000"], "the label is given back");
}

/// The methods Alipay was called with, in order, keeping those named.
fn order_of(double: &RunningAlipayDouble, methods: &[&str]) -> Vec<String> {
    double.calls().into_iter().filter(|c| methods.contains(&c.method.as_str())).map(|c| c.method).collect()
}

#[tokio::test]
async fn a_label_whose_delivery_period_is_over_goes_before_the_accounts_next_label_is_made() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    // Two broadcasts a week, so the second is sent too.
    let mut settings = wicket_model::account::AccountSettings::defaults_for(wicket_model::PlatformProfile::Alipay);
    settings.broadcast.max = 2;
    let update = json!({"client_id": "c1", "mutations": [{"id": 2, "mutation": {"name": "update_account",
        "args": {"id": "shop", "patch": {"settings": settings}}}}]});
    let (status, pushed) = f.call("POST", "/api/v1/push", Some(update)).await;
    assert_eq!(status, 200, "{pushed}");
    f.broadcast("first", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    assert_eq!(n(counts(&f.finished("first").await, "alipay"), "sent"), 23);
    assert_eq!(double.labels(ALIPAY_APP_ID).unwrap().len(), 1, "kept for the delivery");

    // The delivery period is over; the next broadcast makes a label of its own.
    f.clock.advance(KEEP.as_millis() as i64 + 1_000);
    f.broadcast("second", "VIP 第二条", serde_json::from_str(VIP).unwrap()).await;
    assert_eq!(n(counts(&f.finished("second").await, "alipay"), "sent"), 23);
    assert_eq!(
        order_of(&double, &[LABEL_CREATE, LABEL_SEND, LABEL_DELETE]),
        [LABEL_CREATE, LABEL_SEND, LABEL_DELETE, LABEL_CREATE, LABEL_SEND],
        "the first label went before the second was made, once; the second is kept"
    );
    let labels = double.labels(ALIPAY_APP_ID).unwrap();
    assert_eq!(labels.len(), 1, "only the second broadcast's label: {labels:?}");
    let sends = double.label_sends(ALIPAY_APP_ID).unwrap();
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[1].to_user_ids.len(), 23, "the second label holds its recipients");
}

#[tokio::test]
async fn a_label_alipay_does_not_delete_is_tried_again_at_the_next_sweep() {
    let (f, double) = alipay_fixture_tagged(SEGMENT_FANS, vip).await;
    f.broadcast("vip", "VIP 专享", serde_json::from_str(VIP).unwrap()).await;
    f.finished("vip").await;
    // Alipay's unknown error on every try of the first sweep (5 tries).
    double.fail_next(AlipayFault { kind: AlipayFaultKind::UnknownError, count: 5, method: Some(LABEL_DELETE.into()) });
    f.clock.advance(KEEP.as_millis() as i64 + 1_000);
    for _ in 0..2_400 {
        if calls_to(&double, LABEL_DELETE).len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(calls_to(&double, LABEL_DELETE).len(), 5, "five tries");
    assert_eq!(double.labels(ALIPAY_APP_ID).unwrap().len(), 1, "still on Alipay");
    // The next sweep (a minute later by the server's clock) tries again.
    f.clock.advance(61_000);
    for _ in 0..2_400 {
        if double.labels(ALIPAY_APP_ID).unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(double.labels(ALIPAY_APP_ID).unwrap().is_empty(), "deleted at the next sweep");
    assert_eq!(calls_to(&double, LABEL_DELETE).last().map(String::as_str), Some("10000"));
    assert_eq!(calls_to(&double, LABEL_DELETE).len(), 6);
}
