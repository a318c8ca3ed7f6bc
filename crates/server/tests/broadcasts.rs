//! Broadcasts over HTTP: the forecast and the caps with a clock the test
//! moves (a calendar month and a day counted in China time, the accounts'
//! time zone), delivery to sandbox subscribers of a segment, WeChat mass
//! sends against the double (10,000 OpenIDs a call, a clientmsgid each, the
//! rate, the preview, MASSSENDJOBFINISH), and a restart in the middle of a
//! broadcast that sends nobody twice and skips nobody. Alipay: one send to
//! all followers against its double, the account's once-a-week cap, and a
//! call that may have gone never made again (its segments: `alipay_segments.rs`).
//! Runs on SQLite, and on PostgreSQL with `WICKET_TEST_STORAGE=postgres`
//! (`make test-postgres`); a restart reopens the same storage.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wicket_model::conversation::{Direction, Message, MessageBody, Subscriber};
use wicket_model::Change;
use wicket_server::{Clock, ManualClock, RunningServer, ServerConfig, ServerOptions, SystemClock};
use wicket_test_support::{follower, record_followers, storage_for, StaffClient};
use wicket_wechat_double::{AccountSpec, Delay, Double, Mode, RunningDouble};

use wicket_alipay_double::{
    Delay as AlipayDelay, Double as AlipayDouble, Fault as AlipayFault, FaultKind as AlipayFaultKind,
    RunningDouble as RunningAlipayDouble,
};

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const HOUR: i64 = 3_600_000;
/// 2026-01-31T15:00:00Z: 23:00 on 31 January in China.
const JAN_31_23H_CHINA: i64 = 1_769_871_600_000;

struct Fixture {
    server: Option<RunningServer>,
    http: reqwest::Client,
    token: String,
    dir: tempfile::TempDir,
}

async fn start_server(data: &Path, clock: Arc<dyn Clock>, wechat: Option<String>) -> RunningServer {
    let mut options = ServerOptions::default();
    if let Some(base) = wechat {
        options.wechat_api_base = base;
    }
    start_server_with(data, clock, options).await
}

/// A server on the storage of the folder `data` (SQLite in `data/data`, or
/// with `WICKET_TEST_STORAGE=postgres` the PostgreSQL database that folder
/// remembers), so a restart on the same folder reopens the same storage.
async fn start_server_with(data: &Path, clock: Arc<dyn Clock>, options: ServerOptions) -> RunningServer {
    let options = ServerOptions { secrets_key_file: Some(data.join("secrets.key")), ..options };
    let config = ServerConfig { data_dir: data.join("data"), listen: "127.0.0.1:0".parse().unwrap() };
    let storage = storage_for(&config.data_dir).await;
    wicket_server::start_on(storage, config, clock, options).await.unwrap()
}

fn subscriber(id: &str, platform: &str, tags: &[&str], following: bool) -> Subscriber {
    follower(id, platform, &format!("o{id}"), tags, following)
}

impl Fixture {
    async fn start(clock: Arc<dyn Clock>, wechat: Option<String>) -> Self {
        let mut options = ServerOptions::default();
        if let Some(base) = wechat {
            options.wechat_api_base = base;
        }
        Self::start_with(clock, options, "wechat").await
    }

    /// A server with the account `shop` on `platform`.
    async fn start_with(clock: Arc<dyn Clock>, options: ServerOptions, platform: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = start_server_with(dir.path(), clock, options).await;
        let owner = server.state.create_owner("boss", "Boss", "correct horse battery").await.unwrap();
        let token = server.state.open_session(owner).await.unwrap().token;
        let f = Fixture { server: Some(server), http: reqwest::Client::new(), token, dir };
        let create = json!({"client_id": "c1", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
            "id": "shop", "name": "Oat Milk Shop", "platform": platform, "category": "Food", "description": "",
            "avatar_color": "#07c160"}}}]});
        let (status, pushed) = f.call("POST", "/api/v1/push", Some(create)).await;
        assert_eq!(status, 200, "{pushed}");
        f
    }

    fn server(&self) -> &RunningServer {
        self.server.as_ref().unwrap()
    }

    async fn restart(&mut self, clock: Arc<dyn Clock>, wechat: Option<String>) {
        self.server.take().unwrap().stop().await;
        self.server = Some(start_server(self.dir.path(), clock, wechat).await);
    }

    async fn restart_with(&mut self, clock: Arc<dyn Clock>, options: ServerOptions) {
        self.server.take().unwrap().stop().await;
        self.server = Some(start_server_with(self.dir.path(), clock, options).await);
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.server().base_url());
        let mut request = self.http.request(method.parse().unwrap(), url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Stores subscribers (and their conversations) as a platform would.
    async fn add(&self, subscribers: Vec<Subscriber>) {
        record_followers(self.server(), subscribers).await;
    }

    /// A message the subscriber wrote at `at`.
    async fn wrote(&self, subscriber: &str, at: i64) {
        let message = Message {
            id: format!("in-{subscriber}-{at}"),
            conversation_id: format!("conv-{subscriber}"),
            direction: Direction::Inbound,
            author: None,
            body: MessageBody::Text { text: "还有燕麦奶吗？".into() },
            client_msg_id: None,
            platform_msg_id: Some(format!("p-{subscriber}-{at}")),
            delivery: None,
            created_at: at,
            auto_reply: None,
        };
        let state = &self.server().state;
        let changes = vec![Change::Message(message)];
        state.storage.record(Box::new(move |_| Ok(changes)), at).await.unwrap().unwrap();
    }

    async fn broadcast(&self, id: &str, text: &str, audience: Value) -> Value {
        let body = json!({"id": id, "content": {"type": "text", "text": text}, "audience": audience});
        let (status, made) = self.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body)).await;
        assert_eq!(status, 200, "{made}");
        made
    }

    async fn broadcast_body(&self, body: Value) -> Value {
        let (status, made) = self.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body)).await;
        assert_eq!(status, 200, "{made}");
        made
    }

    /// Polls the broadcast (bounded) until `done` says so.
    async fn until(&self, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        let mut last = Value::Null;
        for _ in 0..2_400 {
            let (status, broadcast) = self.call("GET", &format!("/api/v1/accounts/shop/broadcasts/{id}"), None).await;
            assert_eq!(status, 200, "{broadcast}");
            if done(&broadcast) {
                return broadcast;
            }
            last = broadcast;
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the broadcast never got there: {last}");
    }

    async fn finished(&self, id: &str) -> Value {
        self.until(id, |b| b["status"] == "done").await
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

#[tokio::test]
async fn a_segment_gets_the_broadcast_in_its_conversations_and_the_rest_are_counted() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let f = Fixture::start(Arc::new(clock.clone()), None).await;
    f.add(vec![
        subscriber("a", "sandbox", &["VIP"], true),
        subscriber("b", "sandbox", &["VIP"], true),
        subscriber("c", "sandbox", &["VIP"], false),
        subscriber("d", "sandbox", &[], true),
    ])
    .await;
    f.wrote("a", JAN_31_23H_CHINA - HOUR).await;
    f.wrote("b", JAN_31_23H_CHINA - 72 * HOUR).await;
    let vip = json!({"kind": "segment", "filter": {"tags_any": ["VIP"]}});
    let forecast = f.forecast(vip.clone()).await;
    let sandbox = counts(&forecast, "sandbox");
    assert_eq!((n(sandbox, "targeted"), n(sandbox, "pending"), n(sandbox, "unreachable")), (3, 2, 1), "{forecast}");
    let wrote = f.forecast(json!({"kind": "segment", "filter": {"wrote_within_reply_window": true}})).await;
    assert_eq!(n(counts(&wrote, "sandbox"), "targeted"), 1, "only a wrote within 48 hours: {wrote}");

    f.broadcast("spring", "春季新品：燕麦拿铁", vip).await;
    let done = f.finished("spring").await;
    let sandbox = counts(&done, "sandbox");
    assert_eq!(
        (n(sandbox, "targeted"), n(sandbox, "sent"), n(sandbox, "unreachable"), n(sandbox, "pending")),
        (3, 2, 1, 0),
        "{done}"
    );
    for (who, gets) in [("a", true), ("b", true), ("c", false), ("d", false)] {
        let (status, page) = f.call("GET", &format!("/api/v1/conversations/conv-{who}/messages"), None).await;
        assert_eq!(status, 200, "{page}");
        let got = page.to_string().contains("春季新品：燕麦拿铁");
        assert_eq!(got, gets, "{who}: {page}");
    }
    let (status, again) = f
        .call(
            "POST",
            "/api/v1/accounts/shop/broadcasts",
            Some(json!({"id": "spring", "content": {"type": "text", "text": "春季新品：燕麦拿铁"},
                "audience": {"kind": "segment", "filter": {"tags_any": ["VIP"]}}})),
        )
        .await;
    assert_eq!((status, &again["id"]), (200, &json!("spring")), "the same request again is the same broadcast");
    assert_eq!(n(counts(&again, "sandbox"), "sent"), 2, "and sends nothing more: {again}");
}

#[tokio::test]
async fn four_a_month_per_subscriber_counted_in_china_time_across_the_month_boundary() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let f = Fixture::start(Arc::new(clock.clone()), None).await;
    f.add(vec![subscriber("a", "sandbox", &[], true), subscriber("b", "sandbox", &[], true)]).await;
    for i in 1..=4 {
        f.broadcast(&format!("jan-{i}"), &format!("一月第 {i} 条"), json!({"kind": "all"})).await;
        let done = f.finished(&format!("jan-{i}")).await;
        assert_eq!(n(counts(&done, "sandbox"), "sent"), 2, "{done}");
    }
    let forecast = f.forecast(json!({"kind": "all"})).await;
    let sandbox = counts(&forecast, "sandbox");
    assert_eq!((n(sandbox, "pending"), n(sandbox, "skipped_subscriber_cap")), (0, 2), "{forecast}");
    f.broadcast("jan-5", "一月第 5 条", json!({"kind": "all"})).await;
    let capped = f.finished("jan-5").await;
    let sandbox = counts(&capped, "sandbox");
    assert_eq!((n(sandbox, "sent"), n(sandbox, "skipped_subscriber_cap")), (0, 2), "{capped}");

    // 00:30 on 1 February in China: still 31 January in UTC, a new month for WeChat.
    clock.advance(90 * 60_000);
    let forecast = f.forecast(json!({"kind": "all"})).await;
    assert_eq!(n(counts(&forecast, "sandbox"), "pending"), 2, "{forecast}");
    assert_eq!(
        forecast["period_start"].as_i64(),
        Some(JAN_31_23H_CHINA + HOUR),
        "the month began at midnight China time, 16:00 UTC"
    );
    f.broadcast("feb-1", "二月第 1 条", json!({"kind": "all"})).await;
    let february = f.finished("feb-1").await;
    assert_eq!(n(counts(&february, "sandbox"), "sent"), 2, "{february}");
}

#[tokio::test]
async fn a_subscription_account_sends_once_a_day_in_china_time() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let f = Fixture::start(Arc::new(clock.clone()), None).await;
    let settings = json!({"reply": {"message_window_hours": 48, "message_quota": 5, "event_window_seconds": 60,
        "event_quota": 3, "events_open_message_window": false, "daily_cap": null},
        "broadcast": {"max": 1, "period": "day"}});
    let update = json!({"client_id": "c1", "mutations": [{"id": 2, "mutation": {"name": "update_account",
        "args": {"id": "shop", "patch": {"settings": settings}}}}]});
    let (status, pushed) = f.call("POST", "/api/v1/push", Some(update)).await;
    assert_eq!(status, 200, "{pushed}");
    f.add(vec![subscriber("a", "sandbox", &["VIP"], true), subscriber("b", "sandbox", &[], true)]).await;
    f.broadcast("today", "今日特价", json!({"kind": "segment", "filter": {"tags_any": ["VIP"]}})).await;
    assert_eq!(n(counts(&f.finished("today").await, "sandbox"), "sent"), 1);
    // Another segment the same day: the account has had its send, b has had none.
    f.broadcast("again", "再来一条", json!({"kind": "all"})).await;
    let again = f.finished("again").await;
    let sandbox = counts(&again, "sandbox");
    assert_eq!((n(sandbox, "sent"), n(sandbox, "skipped_account_cap")), (0, 2), "{again}");
    clock.advance(HOUR + 60_000);
    f.broadcast("tomorrow", "明日特价", json!({"kind": "all"})).await;
    assert_eq!(n(counts(&f.finished("tomorrow").await, "sandbox"), "sent"), 2, "a new day in China");
}

#[tokio::test]
async fn a_scheduled_broadcast_is_kept_by_the_server_and_a_cancel_stops_it() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let f = Fixture::start(Arc::new(clock.clone()), None).await;
    f.add(vec![subscriber("a", "sandbox", &[], true)]).await;
    let at = JAN_31_23H_CHINA + 2 * HOUR;
    let body = |id: &str| json!({"id": id, "content": {"type": "text", "text": "早安"}, "audience": {"kind": "all"}, "send_at": at});
    let (status, made) = f.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body("morning"))).await;
    assert_eq!((status, &made["status"]), (200, &json!("scheduled")), "{made}");
    let (_, kept) = f.call("POST", "/api/v1/accounts/shop/broadcasts", Some(body("kept"))).await;
    assert_eq!(kept["status"], "scheduled");
    let (status, cancelled) = f.call("POST", "/api/v1/accounts/shop/broadcasts/kept/cancel", None).await;
    assert_eq!((status, &cancelled["status"]), (200, &json!("cancelled")), "{cancelled}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, waiting) = f.call("GET", "/api/v1/accounts/shop/broadcasts/morning", None).await;
    assert_eq!(waiting["status"], "scheduled", "not before its time: {waiting}");
    clock.advance(2 * HOUR);
    let sent = f.finished("morning").await;
    assert_eq!(n(counts(&sent, "sandbox"), "sent"), 1, "{sent}");
    let (_, kept) = f.call("GET", "/api/v1/accounts/shop/broadcasts/kept", None).await;
    assert_eq!(kept["status"], "cancelled");
    assert!(kept["counts"].as_array().unwrap().is_empty(), "a cancelled broadcast reaches nobody: {kept}");
    let (status, refused) = f
        .call(
            "POST",
            "/api/v1/accounts/shop/broadcasts",
            Some(json!({"id": "late", "content": {"type": "text", "text": " "}, "audience": {"kind": "all"}})),
        )
        .await;
    assert_eq!((status, &refused["issues"][0]["key"]), (422, &json!("broadcast.text.required")), "{refused}");
}

/// A server with the WeChat account connected to the double, and `fans`
/// WeChat subscribers who follow it in both.
async fn wechat_fixture(fans: usize) -> (Fixture, RunningDouble, Vec<String>) {
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let f = Fixture::start(Arc::new(SystemClock), Some(double.base_url())).await;
    let connect = json!({"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
        "encoding_aes_key": AES_KEY, "mode": "safe"});
    let (status, saved) = f.call("PUT", "/api/v1/accounts/shop/wechat", Some(connect)).await;
    assert_eq!(status, 200, "{saved}");
    double
        .add_account(AccountSpec {
            appid: APP_ID.into(),
            secret: APP_SECRET.into(),
            token: TOKEN.into(),
            encoding_aes_key: Some(AES_KEY.into()),
            mode: Mode::Safe,
            callback_url: Some(format!("{}/wechat/shop", f.server().base_url())),
            original_id: Some("gh_shop".into()),
        })
        .unwrap();
    let subscribers: Vec<Subscriber> =
        (0..fans).map(|i| subscriber(&format!("fan{i:06}"), "wechat", &[], true)).collect();
    let openids: Vec<String> = subscribers.iter().map(|s| s.platform_user_id.clone()).collect();
    double.add_followers(APP_ID, &openids).unwrap();
    f.add(subscribers).await;
    (f, double, openids)
}

#[tokio::test]
async fn wechat_gets_openid_lists_of_at_most_ten_thousand_each_with_its_clientmsgid_and_reports_back() {
    let (f, double, openids) = wechat_fixture(10_002).await;
    let mut gone = subscriber("gone", "wechat", &[], false);
    gone.platform_user_id = "ogone".into();
    f.add(vec![gone]).await;

    let (status, previewed) = f
        .call(
            "POST",
            "/api/v1/accounts/shop/broadcasts/preview",
            Some(json!({"content": {"type": "text", "text": "春季新品"}, "open_id": openids[0]})),
        )
        .await;
    assert_eq!(status, 200, "{previewed}");
    let previews = double.mass_previews(APP_ID);
    assert_eq!(previews.len(), 1);
    assert_eq!(previews[0].touser, openids[0]);

    f.broadcast("spring", "春季新品", json!({"kind": "all"})).await;
    let done = f.finished("spring").await;
    let wechat = counts(&done, "wechat");
    assert_eq!(
        (n(wechat, "targeted"), n(wechat, "sent"), n(wechat, "unreachable"), n(wechat, "failed")),
        (10_003, 10_002, 1, 0),
        "{done}"
    );
    let sends = double.mass_sends(APP_ID);
    let sizes: Vec<usize> = sends.iter().map(|s| s.touser.as_ref().map_or(0, Vec::len)).collect();
    assert_eq!(sizes, [10_000, 2], "lists of at most 10,000, none of one");
    let ids: Vec<&str> = sends.iter().filter_map(|s| s.clientmsgid.as_deref()).collect();
    assert_eq!(ids.len(), 2, "every call has a clientmsgid");
    assert!(ids[0] != ids[1] && ids.iter().all(|id| id.len() <= 64), "{ids:?}");
    let mut reached: Vec<String> = sends.iter().flat_map(|s| s.touser.clone().unwrap_or_default()).collect();
    reached.sort();
    assert_eq!(reached, openids, "every follower once; the one who left not at all");
    assert!(sends.iter().all(|s| s.body["text"]["content"] == "春季新品" && s.msgtype == "text"));
    let mass_calls: Vec<_> =
        double.calls().into_iter().filter(|c| c.path.starts_with("/cgi-bin/message/mass/")).collect();
    assert!(mass_calls.iter().all(|c| c.errcode == 0), "no call refused (none over the rate): {mass_calls:?}");

    // WeChat's MASSSENDJOBFINISH for each call is kept with the broadcast.
    let reported = f.until("spring", |b| b["platform_totals"].as_array().is_some_and(|t| t.len() == 2)).await;
    let totals = reported["platform_totals"].as_array().unwrap();
    let sent: u64 = totals.iter().map(|t| t["sent"].as_u64().unwrap()).sum();
    assert_eq!(sent, 10_002, "{totals:?}");
}

#[tokio::test]
async fn a_restart_in_the_middle_of_a_broadcast_sends_nobody_twice_and_skips_nobody() {
    let (mut f, double, openids) = wechat_fixture(10_002).await;
    // The first call is taken by WeChat, but its answer never reaches the server, which stops.
    double.delay(Delay { millis: 60_000, path: Some("/cgi-bin/message/mass/send".into()) });
    f.broadcast("spring", "春季新品", json!({"kind": "all"})).await;
    for _ in 0..2_400 {
        if !double.mass_sends(APP_ID).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(double.mass_sends(APP_ID).len(), 1, "the first call went");
    let in_flight = f.until("spring", |_| true).await;
    assert_eq!(n(counts(&in_flight, "wechat"), "sent"), 0, "its answer has not come: {in_flight}");
    double.delay(Delay { millis: 0, path: Some("/cgi-bin/message/mass/send".into()) });
    f.restart(Arc::new(SystemClock), Some(double.base_url())).await;

    let done = f.finished("spring").await;
    let wechat = counts(&done, "wechat");
    assert_eq!((n(wechat, "sent"), n(wechat, "failed"), n(wechat, "pending")), (10_002, 0, 0), "{done}");
    let sends = double.mass_sends(APP_ID);
    let mut reached: Vec<String> = sends.iter().flat_map(|s| s.touser.clone().unwrap_or_default()).collect();
    reached.sort();
    assert_eq!(reached, openids, "nobody twice, nobody skipped");
    let refused_again: Vec<i64> =
        double.calls().into_iter().filter(|c| c.path == "/cgi-bin/message/mass/send").map(|c| c.errcode).collect();
    assert_eq!(refused_again, [0, 45065, 0], "the first call sent again under its clientmsgid is taken once");
}

const ALIPAY_APP_ID: &str = "2021000000000001";
const ALIPAY_APP_PRIVATE_KEY: &str =
    include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");
const TOTAL_SEND: &str = "alipay.open.public.message.total.send";

fn alipay_options(double: &RunningAlipayDouble) -> ServerOptions {
    ServerOptions { alipay_api_base: format!("{}/gateway.do", double.base_url()), ..ServerOptions::default() }
}

/// A server whose account `shop` is an Alipay 生活号 connected to the
/// double, with `fans` followers in both, one Alipay subscriber who left
/// and one sandbox subscriber. The server's clock starts at the real time
/// (the double checks the requests' timestamps against its own).
async fn alipay_fixture(fans: usize) -> (Fixture, RunningAlipayDouble, ManualClock) {
    let key = wicket_alipay_double::generate_key().unwrap();
    let double = AlipayDouble::with_alipay_key(key).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let clock = ManualClock::at(SystemClock.now());
    let f = Fixture::start_with(Arc::new(clock.clone()), alipay_options(&double), "alipay").await;
    let owner = StaffClient::with_token(&f.server().base_url(), &f.token);
    owner.connect_alipay("shop", &double, (ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY), None, "燕麦奶铺").await;
    let mut subscribers: Vec<Subscriber> = (0..fans)
        .map(|i| {
            let mut s = subscriber(&format!("ali{i:04}"), "alipay", &[], true);
            s.platform_user_id = format!("2088{i:012}");
            s
        })
        .collect();
    let user_ids: Vec<String> = subscribers.iter().map(|s| s.platform_user_id.clone()).collect();
    double.add_followers(ALIPAY_APP_ID, &user_ids).unwrap();
    let mut gone = subscriber("gone", "alipay", &[], false);
    gone.platform_user_id = "2088999999999999".into();
    subscribers.push(gone);
    subscribers.push(subscriber("tester", "sandbox", &[], true));
    f.add(subscribers).await;
    (f, double, clock)
}

fn total_sends(double: &RunningAlipayDouble) -> Vec<String> {
    double.calls().into_iter().filter(|c| c.method == TOTAL_SEND).map(|c| c.code).collect()
}

#[tokio::test]
async fn alipay_gets_one_send_to_all_followers_once_a_week_as_the_accounts_cap() {
    let (f, double, _clock) = alipay_fixture(3).await;
    f.broadcast("spring", "春季新品：燕麦拿铁", json!({"kind": "all"})).await;
    let done = f.finished("spring").await;
    let alipay = counts(&done, "alipay");
    assert_eq!(
        (n(alipay, "targeted"), n(alipay, "sent"), n(alipay, "unreachable"), n(alipay, "failed")),
        (4, 3, 1, 0),
        "{done}"
    );
    assert_eq!(n(counts(&done, "sandbox"), "sent"), 1, "sandbox subscribers get it directly: {done}");
    let sends = double.mass_sends(ALIPAY_APP_ID).unwrap();
    assert_eq!(sends.len(), 1, "one call reaches every follower");
    assert_eq!(
        (sends[0].msg_type.as_str(), &sends[0].biz_content["text"]["content"]),
        ("text", &json!("春季新品：燕麦拿铁"))
    );
    assert_eq!(sends[0].to_user_ids.len(), 3);
    assert_eq!(total_sends(&double), ["10000"], "exactly one call, taken");

    // The same week: the account has had its send to all.
    let forecast = f.forecast(json!({"kind": "all"})).await;
    assert_eq!(n(counts(&forecast, "alipay"), "skipped_account_cap"), 3, "{forecast}");
    f.broadcast("again", "再来一条", json!({"kind": "all"})).await;
    let again = f.finished("again").await;
    let alipay = counts(&again, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "skipped_account_cap")), (0, 3), "{again}");
    assert_eq!(n(counts(&again, "sandbox"), "skipped_account_cap"), 1, "{again}");
    assert_eq!(total_sends(&double), ["10000"], "no call for a capped broadcast");

    // A new week in China time is the model's to count (period_start); the
    // double checks request timestamps against the wall clock, so the test
    // does not move the server a week on.
}

#[tokio::test]
async fn an_article_card_to_all_alipay_followers_goes_as_image_text() {
    let (f, double, _clock) = alipay_fixture(3).await;
    let card = json!({"id": "card", "content": {"type": "article", "title": "新品上市", "description": "本周特价",
        "url": "https://shop.example/new", "image_url": "https://shop.example/cover.jpg"}, "audience": {"kind": "all"}});
    f.broadcast_body(card).await;
    let card = f.finished("card").await;
    assert_eq!(n(counts(&card, "alipay"), "sent"), 3, "{card}");
    let sends = double.mass_sends(ALIPAY_APP_ID).unwrap();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].msg_type, "image-text");
    let article = &sends[0].biz_content["articles"][0];
    assert_eq!((&article["title"], &article["desc"]), (&json!("新品上市"), &json!("本周特价")));
    assert_eq!(total_sends(&double), ["10000"]);
}

#[tokio::test]
async fn an_alipay_send_to_all_that_may_have_gone_is_never_made_again() {
    // Alipay takes the call, then the connection drops: the server cannot know.
    let (f, double, _clock) = alipay_fixture(2).await;
    double.fail_next(AlipayFault { kind: AlipayFaultKind::Drop, count: 1, method: Some(TOTAL_SEND.into()) });
    f.broadcast("dropped", "春季新品", json!({"kind": "all"})).await;
    let done = f.finished("dropped").await;
    let alipay = counts(&done, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "failed"), n(alipay, "pending")), (0, 2, 0), "{done}");
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.unknown", "count": 2}]), "{done}");
    assert_eq!(double.mass_sends(ALIPAY_APP_ID).unwrap().len(), 1, "it went, once");
    assert_eq!(total_sends(&double).len(), 1, "and was not made again");
}

#[tokio::test]
async fn a_restart_while_an_alipay_send_to_all_is_under_way_does_not_send_it_again() {
    let (mut f, double, clock) = alipay_fixture(2).await;
    // Alipay takes the call but its answer is late; the server stops meanwhile.
    double.delay(AlipayDelay { millis: 60_000, method: Some(TOTAL_SEND.into()) });
    f.broadcast("spring", "春季新品", json!({"kind": "all"})).await;
    for _ in 0..2_400 {
        if !double.mass_sends(ALIPAY_APP_ID).unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(double.mass_sends(ALIPAY_APP_ID).unwrap().len(), 1, "the call went");
    double.delay(AlipayDelay { millis: 0, method: Some(TOTAL_SEND.into()) });
    f.restart_with(Arc::new(clock.clone()), alipay_options(&double)).await;
    let done = f.finished("spring").await;
    let alipay = counts(&done, "alipay");
    assert_eq!((n(alipay, "sent"), n(alipay, "failed"), n(alipay, "pending")), (0, 2, 0), "{done}");
    assert_eq!(done["failures"], json!([{"reason": "alipay.broadcast.unknown", "count": 2}]), "{done}");
    assert_eq!(double.mass_sends(ALIPAY_APP_ID).unwrap().len(), 1, "nobody twice");
    assert_eq!(total_sends(&double).len(), 1, "one call in all");
}

/// The live feed's broadcast events for `id`, until one says the broadcast
/// is `last` (bounded).
async fn progress_until(socket: &mut LiveSocket, id: &str, last: &str) -> Vec<Value> {
    use futures_util::StreamExt;
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next()).await;
        let Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) = frame else {
            assert!(frame.is_ok(), "no broadcast event said {last}: {events:?}");
            continue;
        };
        let event: Value = serde_json::from_str(&text).unwrap();
        if event["type"] == "broadcast" && event["broadcast_id"] == id {
            let done = event["status"] == last;
            events.push(event);
            if done {
                return events;
            }
        }
    }
}

type LiveSocket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Fixture {
    async fn live(&self) -> LiveSocket {
        let url = format!("ws://{}/api/v1/live", self.server().addr);
        let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
        request.headers_mut().insert("authorization", format!("Bearer {}", self.token).parse().unwrap());
        tokio_tungstenite::connect_async(request).await.expect("the live feed opens").0
    }
}

#[tokio::test]
async fn a_running_broadcast_tells_the_consoles_its_progress_on_the_live_feed() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let f = Fixture::start(Arc::new(clock.clone()), None).await;
    let mut fans: Vec<Subscriber> = (0..1_200).map(|i| subscriber(&format!("s{i:05}"), "sandbox", &[], true)).collect();
    fans.push(subscriber("left", "sandbox", &[], false));
    f.add(fans).await;
    let mut socket = f.live().await;
    f.broadcast("big", "周末大促", json!({"kind": "all"})).await;
    let events = progress_until(&mut socket, "big", "done").await;
    let first = &events[0];
    assert_eq!((&first["status"], &first["planned"]), (&json!("sending"), &json!(true)), "{first}");
    let sandbox = counts(first, "sandbox");
    assert_eq!((n(sandbox, "targeted"), n(sandbox, "unreachable")), (1_201, 1), "skips known once planned: {first}");
    assert!(n(sandbox, "sent") < 1_200, "the first word comes before everyone was sent to: {first}");
    let sent: Vec<u64> = events.iter().map(|e| n(counts(e, "sandbox"), "sent")).collect();
    assert!(sent.windows(2).all(|w| w[0] <= w[1]), "sent only grows: {sent:?}");
    let last = counts(events.last().unwrap(), "sandbox");
    assert_eq!((n(last, "sent"), n(last, "pending"), n(last, "unreachable")), (1_200, 0, 1), "{events:?}");

    // A cancel is told too.
    let body = json!({"id": "later", "content": {"type": "text", "text": "明天见"}, "audience": {"kind": "all"},
        "send_at": JAN_31_23H_CHINA + 2 * HOUR});
    f.broadcast_body(body).await;
    let (status, _) = f.call("POST", "/api/v1/accounts/shop/broadcasts/later/cancel", None).await;
    assert_eq!(status, 200);
    let cancelled = progress_until(&mut socket, "later", "cancelled").await;
    assert_eq!(cancelled.last().unwrap()["account_id"], "shop");
}

#[tokio::test]
async fn a_scheduled_broadcast_outlives_a_restart_and_goes_at_its_time_once() {
    let clock = ManualClock::at(JAN_31_23H_CHINA);
    let mut f = Fixture::start(Arc::new(clock.clone()), None).await;
    f.add(vec![subscriber("a", "sandbox", &[], true), subscriber("b", "sandbox", &[], true)]).await;
    // 08:00 on 1 February in China, as the console sends the account's local time: an instant.
    let at = JAN_31_23H_CHINA + 9 * HOUR;
    let body = |id: &str| json!({"id": id, "content": {"type": "text", "text": "早安"}, "audience": {"kind": "all"}, "send_at": at});
    f.broadcast_body(body("morning")).await;
    f.broadcast_body(body("dropped")).await;
    f.restart(Arc::new(clock.clone()), None).await;
    let (status, cancelled) = f.call("POST", "/api/v1/accounts/shop/broadcasts/dropped/cancel", None).await;
    assert_eq!((status, &cancelled["status"]), (200, &json!("cancelled")), "{cancelled}");
    let (_, kept) = f.call("GET", "/api/v1/accounts/shop/broadcasts/morning", None).await;
    assert_eq!((&kept["status"], &kept["send_at"]), (&json!("scheduled"), &json!(at)), "kept by the server: {kept}");
    clock.advance(9 * HOUR);
    let sent = f.finished("morning").await;
    assert_eq!(n(counts(&sent, "sandbox"), "sent"), 2, "{sent}");
    f.restart(Arc::new(clock.clone()), None).await;
    let again = f.finished("morning").await;
    assert_eq!(n(counts(&again, "sandbox"), "sent"), 2, "a restart after it went sends nothing more: {again}");
    for who in ["a", "b"] {
        let (_, page) = f.call("GET", &format!("/api/v1/conversations/conv-{who}/messages"), None).await;
        assert_eq!(page.to_string().matches("早安").count(), 1, "{who} got it once: {page}");
    }
    let (_, dropped) = f.call("GET", "/api/v1/accounts/shop/broadcasts/dropped", None).await;
    assert_eq!(dropped["status"], "cancelled", "a cancelled broadcast stays cancelled: {dropped}");
}

/// The paths of the WeChat double's calls that reached the mass or tag APIs.
fn mass_paths(double: &RunningDouble) -> Vec<String> {
    double
        .calls()
        .into_iter()
        .filter(|c| c.path.starts_with("/cgi-bin/message/mass/") || c.path.starts_with("/cgi-bin/tags/"))
        .map(|c| format!("{} {}", c.path, c.errcode))
        .collect()
}

#[tokio::test]
async fn a_segment_of_one_tag_wechat_also_has_goes_to_the_tag_in_one_call() {
    let (f, double, openids) = wechat_fixture(4).await;
    // Two of the four are VIPs, in Wicket and in WeChat.
    let mut vips = Vec::new();
    for (i, openid) in openids.iter().enumerate().take(2) {
        let mut s = subscriber(&format!("fan{i:06}"), "wechat", &["VIP"], true);
        s.platform_user_id = openid.clone();
        vips.push(s);
    }
    f.add(vips).await;
    let tag_id = double.tag_users(APP_ID, "VIP", &openids[..2]);
    f.broadcast("vip", "会员日", json!({"kind": "segment", "filter": {"tags_any": ["VIP"]}})).await;
    let done = f.finished("vip").await;
    assert_eq!((n(counts(&done, "wechat"), "targeted"), n(counts(&done, "wechat"), "sent")), (2, 2), "{done}");
    assert_eq!(mass_paths(&double), ["/cgi-bin/tags/get 0", "/cgi-bin/message/mass/sendall 0"], "one call to the tag");
    let sent = double.mass_sends(APP_ID).pop().unwrap();
    assert_eq!((sent.tag_id, sent.is_to_all, sent.filtered), (Some(tag_id), false, 2));
    assert!(sent.clientmsgid.is_some(), "with its clientmsgid");
    assert_eq!(sent.body["text"]["content"], "会员日");
    let reported = f.until("vip", |b| b["platform_totals"].as_array().is_some_and(|t| t.len() == 1)).await;
    assert_eq!(reported["platform_totals"][0]["sent"], 2, "WeChat's own count of the tag: {reported}");

    // A tag WeChat does not have: a service account sends the segment by list.
    let mut news = Vec::new();
    for (i, openid) in openids.iter().enumerate().skip(2) {
        let mut s = subscriber(&format!("fan{i:06}"), "wechat", &["新客"], true);
        s.platform_user_id = openid.clone();
        news.push(s);
    }
    f.add(news).await;
    f.broadcast("new", "新客礼", json!({"kind": "segment", "filter": {"tags_all": ["新客"]}})).await;
    let done = f.finished("new").await;
    assert_eq!(n(counts(&done, "wechat"), "sent"), 2, "{done}");
    let last = double.mass_sends(APP_ID).pop().unwrap();
    assert_eq!(last.touser.as_deref(), Some(&openids[2..]), "by OpenID list");
}

#[tokio::test]
async fn a_subscription_account_sends_to_all_with_is_to_all_and_to_a_tag_only_wechat_has() {
    let (f, double, openids) = wechat_fixture(3).await;
    double.set_subscription_account(APP_ID, true);
    let settings = json!({"reply": {"message_window_hours": 48, "message_quota": 5, "event_window_seconds": 60,
        "event_quota": 3, "events_open_message_window": false, "daily_cap": null},
        "broadcast": {"max": 1, "period": "day"}});
    let update = json!({"client_id": "c1", "mutations": [{"id": 2, "mutation": {"name": "update_account",
        "args": {"id": "shop", "patch": {"settings": settings}}}}]});
    let (status, pushed) = f.call("POST", "/api/v1/push", Some(update)).await;
    assert_eq!(status, 200, "{pushed}");
    // Lists are not for subscription accounts: a segment of two tags is refused up front.
    let two = json!({"id": "two", "content": {"type": "text", "text": "hi"},
        "audience": {"kind": "segment", "filter": {"tags_any": ["VIP", "新客"]}}});
    let (status, refused) = f.call("POST", "/api/v1/accounts/shop/broadcasts", Some(two)).await;
    assert_eq!(
        (status, &refused["issues"][0]["key"]),
        (422, &json!("broadcast.wechat.segment_needs_tag")),
        "{refused}"
    );
    // One tag WeChat does not have: nobody is sent it, and why is said.
    let mut vip = subscriber("fan000000", "wechat", &["VIP"], true);
    vip.platform_user_id = openids[0].clone();
    f.add(vec![vip]).await;
    f.broadcast("vip", "会员日", json!({"kind": "segment", "filter": {"tags_any": ["VIP"]}})).await;
    let done = f.finished("vip").await;
    assert_eq!(done["failures"], json!([{"reason": "wechat.mass.tag_missing", "count": 1}]), "{done}");
    // To all: one sendall with is_to_all.
    f.broadcast("all", "今日特价", json!({"kind": "all"})).await;
    let done = f.finished("all").await;
    assert_eq!(n(counts(&done, "wechat"), "sent"), 3, "{done}");
    assert_eq!(mass_paths(&double), ["/cgi-bin/tags/get 0", "/cgi-bin/message/mass/sendall 0"]);
    let sent = double.mass_sends(APP_ID).pop().unwrap();
    assert_eq!((sent.is_to_all, sent.filtered), (true, 3));
}

/// Uploads an image through the API: its `/s/media/…` path.
async fn upload_image(f: &Fixture, mime: &str, bytes: Vec<u8>) -> String {
    let url = format!("{}/api/v1/media", f.server().base_url());
    let response =
        f.http.post(url).bearer_auth(&f.token).header("content-type", mime).body(bytes).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    answer["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_wechat_article_card_goes_as_mpnews_made_from_its_cover_and_text() {
    let (f, double, openids) = wechat_fixture(3).await;
    let cover = upload_image(&f, "image/jpeg", b"\xff\xd8\xff\xe0 a small cover".to_vec()).await;
    let card = |id: &str, cover: &str| {
        json!({"id": id, "content": {"type": "article", "title": "春季新品", "description": "燕麦拿铁 <限时>",
            "url": "https://shop.example/new", "image_url": cover}, "audience": {"kind": "all"}})
    };
    f.broadcast_body(card("card", &cover)).await;
    let done = f.finished("card").await;
    assert_eq!(n(counts(&done, "wechat"), "sent"), 3, "{done}");
    let thumbs: Vec<_> = double.uploads(APP_ID).unwrap().into_iter().filter(|u| u.kind == "thumb").collect();
    assert_eq!(thumbs.len(), 1, "the cover went up as a thumb");
    let news = double.news(APP_ID);
    assert_eq!(news.len(), 1, "one article material");
    let article = &news[0].articles[0];
    assert_eq!((&article["title"], &article["thumb_media_id"]), (&json!("春季新品"), &json!(thumbs[0].media_id)));
    assert_eq!(article["content"], "<p>燕麦拿铁 &lt;限时&gt;</p>");
    assert_eq!(article["content_source_url"], "https://shop.example/new");
    let sends = double.mass_sends(APP_ID);
    assert_eq!(sends.len(), 1);
    assert_eq!((sends[0].msgtype.as_str(), &sends[0].body["mpnews"]["media_id"]), ("mpnews", &json!(news[0].media_id)));
    assert_eq!(sends[0].touser.as_deref(), Some(&openids[..]));

    // A PNG cover is not a thumb WeChat takes: nobody is sent it, and why is said; WeChat is not asked.
    let png = upload_image(&f, "image/png", b"\x89PNG\r\n\x1a\n a cover".to_vec()).await;
    f.broadcast_body(card("png", &png)).await;
    let refused = f.finished("png").await;
    assert_eq!(refused["failures"], json!([{"reason": "wechat.mass.cover_unsuitable", "count": 3}]), "{refused}");
    assert_eq!(double.mass_sends(APP_ID).len(), 1);
    assert_eq!(double.news(APP_ID).len(), 1);
}
