//! Automatic replies run by the server: rules pushed by staff as any edit,
//! answered on the one inbound path; on the sandbox the subscriber reads
//! the answer directly, on WeChat it goes in the callback's passive reply
//! (the WeChat double checks it) or, beyond one, as customer-service
//! messages within the window.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use wicket_model::auto_reply::{
    AutoReplyContent, AutoReplyRuleDraft, AutoReplyTrigger, Keyword, KeywordMode, ReplyMode,
};
use wicket_model::conversation::{Direction, Message};
use wicket_model::{Mutation, PlatformProfile};
use wicket_server::platform::store::SendState;
use wicket_server::{ManualClock, ServerOptions, SystemClock};
use wicket_test_support::{captured_logs, new_account, StaffClient, TestServer};
use wicket_wechat_double::{AccountSpec, Callback, Double, Mode, RunningDouble};

const T0: i64 = 1_767_225_600_000;
const MINUTE: i64 = 60_000;

fn text(t: &str) -> AutoReplyContent {
    AutoReplyContent::Text { text: t.into() }
}

fn rule(id: &str, account: &str, trigger: AutoReplyTrigger, replies: Vec<AutoReplyContent>) -> AutoReplyRuleDraft {
    AutoReplyRuleDraft {
        id: id.into(),
        account_id: account.into(),
        name: id.into(),
        trigger,
        priority: 0,
        replies,
        reply_mode: ReplyMode::All,
        enabled: true,
    }
}

fn keywords(words: &[(&str, KeywordMode)]) -> AutoReplyTrigger {
    AutoReplyTrigger::Keyword { keywords: words.iter().map(|(t, m)| Keyword { text: (*t).into(), mode: *m }).collect() }
}

async fn save(staff: &StaffClient, client: &str, rules: Vec<AutoReplyRuleDraft>) {
    let pushed = staff.push(client, rules.into_iter().map(Mutation::SaveAutoReplyRule).collect()).await;
    assert!(pushed.rejected.is_empty(), "the rules are taken: {:?}", pushed.rejected);
}

fn automatic(messages: &[Message]) -> Vec<&Message> {
    messages.iter().filter(|m| m.direction == Direction::Outbound && m.auto_reply.is_some()).collect()
}

#[tokio::test]
async fn a_sandbox_subscriber_gets_keyword_replies_and_the_default_once_per_quiet_period() {
    captured_logs();
    let clock = ManualClock::at(T0);
    let server = TestServer::start_with(Arc::new(clock.clone()), ServerOptions::default()).await;
    let owner = server.owner().await;
    owner.create_account(new_account("shop", "Tea House", PlatformProfile::Wechat)).await;
    save(
        &owner,
        "console-1",
        vec![
            rule(
                "hours",
                "shop",
                keywords(&[("营业时间", KeywordMode::Contains), ("opening hours", KeywordMode::Contains)]),
                vec![text("{{subscriber.name}}，我们每天 9 点到 18 点营业")],
            ),
            rule("default", "shop", AutoReplyTrigger::Default { quiet_minutes: 60 }, vec![text("稍后回复您")]),
        ],
    )
    .await;

    let mut visitor = server.subscriber("shop");
    visitor.say("m1", "请问营业时间？").await;
    let replies = visitor.replies().await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(replies[0].ends_with("，我们每天 9 点到 18 点营业"), "the keyword rule answered: {replies:?}");
    assert!(!replies[0].starts_with("{{"), "the name is filled in: {replies:?}");

    visitor.say("m2", "What are your OPENING HOURS?").await;
    assert_eq!(visitor.replies().await.len(), 2, "English, whatever the case");

    visitor.say("m3", "随便问问").await;
    assert_eq!(visitor.replies().await.last().map(String::as_str), Some("稍后回复您"), "the default reply");
    clock.advance(59 * MINUTE);
    visitor.say("m4", "还在吗").await;
    assert_eq!(visitor.replies().await.len(), 3, "quiet for 60 minutes after the default reply");
    clock.advance(MINUTE);
    visitor.say("m5", "还在吗？").await;
    assert_eq!(visitor.replies().await.len(), 4, "the default again once the quiet period has passed");

    // A new rule answers at once: the matcher is built again when rules change.
    let mut urgent = rule("urgent", "shop", keywords(&[("营业", KeywordMode::Contains)]), vec![text("urgent")]);
    urgent.priority = 10;
    save(&owner, "console-2", vec![urgent]).await;
    visitor.say("m6", "营业时间").await;
    assert_eq!(visitor.replies().await.last().map(String::as_str), Some("urgent"), "higher priority wins");

    let feed = owner.feed_messages().await;
    let marked = automatic(&feed);
    assert_eq!(marked.len(), 5, "every automatic reply is in the thread, marked: {feed:?}");
    assert_eq!(marked[0].auto_reply.as_ref().unwrap().rule_id, "hours");
    assert!(marked.iter().all(|m| !m.auto_reply.as_ref().unwrap().passive), "the sandbox has no passive replies");
    server.stop().await;
}

#[tokio::test]
async fn a_menu_tap_and_a_send_keyword_action_are_answered_on_the_sandbox() {
    captured_logs();
    let server = TestServer::start_with(Arc::new(ManualClock::at(T0)), ServerOptions::default()).await;
    let owner = server.owner().await;
    owner.create_account(new_account("shop", "Tea House", PlatformProfile::Alipay)).await;
    save(
        &owner,
        "console-1",
        vec![
            rule("tap", "shop", AutoReplyTrigger::MenuClick { key: "today".into() }, vec![text("今日特价")]),
            rule("kw", "shop", keywords(&[("会员", KeywordMode::Exact)]), vec![text("会员权益")]),
        ],
    )
    .await;
    let mut visitor = server.subscriber("shop");
    let tap = json!({"event": "menu_tap", "key": "today", "label": "今日"});
    let (status, answer) = visitor.call(Method::POST, "events", Some(tap)).await;
    assert!(status.is_success(), "{answer}");
    let keyword = json!({"event": "keyword", "keyword": "会员"});
    let (status, answer) = visitor.call(Method::POST, "events", Some(keyword)).await;
    assert!(status.is_success(), "{answer}");
    assert_eq!(visitor.replies().await, ["今日特价", "会员权益"]);
    server.stop().await;
}

#[tokio::test]
async fn a_rule_beyond_the_platform_limits_is_refused_with_its_issue_key() {
    captured_logs();
    let server = TestServer::start_with(Arc::new(SystemClock), ServerOptions::default()).await;
    let owner = server.owner().await;
    owner.create_account(new_account("ali", "Ali Shop", PlatformProfile::Alipay)).await;
    let image = rule(
        "img",
        "ali",
        keywords(&[("图", KeywordMode::Exact)]),
        vec![AutoReplyContent::Image { url: "https://example.cn/a.png".into() }],
    );
    let pushed = owner.push("console-1", vec![Mutation::SaveAutoReplyRule(image)]).await;
    assert_eq!(pushed.rejected.len(), 1);
    assert_eq!(pushed.rejected[0].error.issues[0].key, "auto_reply.image.unsupported");
    server.stop().await;
}

const APP_ID: &str = "wx5823bf96d3bd56c7";
const APP_SECRET: &str = "5ec2e7a1b0c94d3f8e6a7b1c2d3e4f50";
const TOKEN: &str = "QDG6eKtoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

async fn wechat(mode: Mode) -> (TestServer, RunningDouble, StaffClient) {
    captured_logs();
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let options = ServerOptions { wechat_api_base: double.base_url(), ..ServerOptions::default() };
    let server = TestServer::start_with(Arc::new(SystemClock), options).await;
    let owner = server.owner().await;
    owner.create_account(new_account("noodles", "Noodle House", PlatformProfile::Wechat)).await;
    let wicket_mode = match mode {
        Mode::Plain => "plain",
        Mode::Compatible => "compatible",
        Mode::Safe => "safe",
    };
    let connect = json!({"app_id": APP_ID, "app_secret": APP_SECRET, "token": TOKEN,
        "encoding_aes_key": AES_KEY, "mode": wicket_mode});
    let (status, saved) = owner.call(Method::PUT, "/api/v1/accounts/noodles/wechat", Some(connect)).await;
    assert_eq!(status, 200, "{saved}");
    double
        .add_account(AccountSpec {
            appid: APP_ID.into(),
            secret: APP_SECRET.into(),
            token: TOKEN.into(),
            encoding_aes_key: Some(AES_KEY.into()),
            mode,
            callback_url: Some(format!("{}/wechat/noodles", server.base_url())),
            original_id: Some("gh_noodles".into()),
        })
        .unwrap();
    double.add_followers(APP_ID, &["oFan1".to_string(), "oFan4".to_string()]).unwrap();
    (server, double, owner)
}

#[tokio::test]
async fn wechat_answers_in_the_passive_reply_without_a_customer_service_call() {
    let (server, double, owner) = wechat(Mode::Safe).await;
    save(
        &owner,
        "console-1",
        vec![
            rule("menu", "noodles", keywords(&[("Menu", KeywordMode::Exact)]), vec![text("今日菜单：牛肉面")]),
            rule("tap", "noodles", AutoReplyTrigger::MenuClick { key: "V1001_TODAY".into() }, vec![text("今日特价")]),
            rule("hello", "noodles", AutoReplyTrigger::Follow { scene: None }, vec![text("欢迎关注")]),
            rule(
                "store",
                "noodles",
                AutoReplyTrigger::Follow { scene: Some("store_12".into()) },
                vec![text("12 号店欢迎您")],
            ),
        ],
    )
    .await;

    let report = double.send_callback(APP_ID, "oFan1", Callback::Text { content: "MENU".into() }).await.unwrap();
    assert!(report.delivered, "{report:?}");
    let passive = report.passive_reply.expect("answered with a passive reply");
    assert!(passive.contains("<MsgType><![CDATA[text]]></MsgType>"), "{passive}");
    assert!(passive.contains("今日菜单：牛肉面"), "{passive}");

    let tapped = double.send_callback(APP_ID, "oFan1", Callback::Click { key: "V1001_TODAY".into() }).await.unwrap();
    assert!(tapped.passive_reply.expect("a menu tap is answered").contains("今日特价"));

    let followed = double.send_callback(APP_ID, "oFan2", Callback::Subscribe { scene: None }).await.unwrap();
    assert!(followed.passive_reply.expect("a follow is greeted").contains("欢迎关注"));
    let scanned =
        double.send_callback(APP_ID, "oFan3", Callback::Subscribe { scene: Some("store_12".into()) }).await.unwrap();
    let greeting = scanned.passive_reply.expect("a follow through a QR code is greeted");
    assert!(greeting.contains("12 号店欢迎您") && !greeting.contains("欢迎关注"), "the scene's greeting: {greeting}");

    let unmatched = double.send_callback(APP_ID, "oFan1", Callback::Text { content: "hi".into() }).await.unwrap();
    assert_eq!(unmatched.passive_reply, None, "nothing matches, no default rule: plain success");

    assert!(double.sent(APP_ID).unwrap().is_empty(), "no customer-service message was used");
    let feed = owner.feed_messages().await;
    let marked = automatic(&feed);
    assert_eq!(marked.len(), 4, "{feed:?}");
    assert!(marked.iter().all(|m| m.auto_reply.as_ref().unwrap().passive), "each went passively");
    server.stop().await;
}

#[tokio::test]
async fn wechat_sends_the_replies_beyond_the_passive_one_through_customer_service() {
    let (server, double, owner) = wechat(Mode::Plain).await;
    let article = AutoReplyContent::Article {
        title: "{{account.name}} 新品".into(),
        description: "本周上新".into(),
        url: "https://example.cn/new".into(),
        image_url: "https://example.cn/new.png".into(),
    };
    save(
        &owner,
        "console-1",
        vec![rule("new", "noodles", keywords(&[("新品", KeywordMode::Contains)]), vec![article, text("还有更多")])],
    )
    .await;
    let report = double.send_callback(APP_ID, "oFan4", Callback::Text { content: "有新品吗".into() }).await.unwrap();
    let passive = report.passive_reply.expect("the article card went passively");
    assert!(passive.contains("<MsgType><![CDATA[news]]></MsgType>"), "{passive}");
    assert!(passive.contains("Noodle House 新品"), "the field is filled in: {passive}");

    let feed = owner.feed_messages().await;
    let rest = automatic(&feed).into_iter().find(|m| !m.auto_reply.as_ref().unwrap().passive).cloned();
    let rest = rest.expect("the second reply is stored for the customer-service API");
    assert_eq!(server.settled(&rest.id).await, SendState::Sent);
    let sent = double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 1, "exactly one customer-service call: {sent:?}");
    assert_eq!((sent[0].touser.as_str(), sent[0].msgtype.as_str()), ("oFan4", "text"));
    assert_eq!(sent[0].body["text"]["content"], "还有更多");
    server.stop().await;
}

#[tokio::test]
async fn the_wechat_console_rules_are_imported_and_then_answer() {
    let (server, double, owner) = wechat(Mode::Plain).await;
    double
        .set_autoreply_info(
            APP_ID,
            json!({
                "is_add_friend_reply_open": 1,
                "is_autoreply_open": 1,
                "add_friend_autoreply_info": {"type": "text", "content": "感谢关注"},
                "keyword_autoreply_info": {"list": [
                    {"rule_name": "价格", "create_time": 1423027726, "reply_mode": "reply_all",
                     "keyword_list_info": [{"type": "text", "match_mode": "equal", "content": "价格"}],
                     "reply_list_info": [{"type": "text", "content": "牛肉面 18 元"}, {"type": "voice", "content": "m1"}]}
                ]}
            }),
        )
        .unwrap();
    let imported: wicket_model::auto_reply::AutoReplyImport =
        owner.get("/api/v1/accounts/noodles/wechat/auto-replies").await;
    let ids: Vec<&str> = imported.drafts.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["wechat-follow", "wechat-1423027726-0"]);
    assert_eq!(imported.skipped, ["价格: voice"]);
    let calls: Vec<String> = double.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        calls.iter().filter(|p| p.as_str() == "/cgi-bin/get_current_autoreply_info").count(),
        1,
        "one read of WeChat's rules: {calls:?}"
    );

    // The console saves them through the outbox; the imported keyword then answers.
    save(&owner, "console-1", imported.drafts).await;
    let report = double.send_callback(APP_ID, "oFan1", Callback::Text { content: "价格".into() }).await.unwrap();
    assert!(report.passive_reply.expect("the imported rule answers").contains("牛肉面 18 元"));
    server.stop().await;
}

#[tokio::test]
async fn a_callback_wechat_sends_again_gets_the_same_passive_reply_and_one_stored_answer() {
    let (server, _double, owner) = wechat(Mode::Plain).await;
    save(&owner, "console-1", vec![rule("hi", "noodles", keywords(&[("hi", KeywordMode::Exact)]), vec![text("你好")])])
        .await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let xml = format!(
        "<xml><ToUserName><![CDATA[gh_noodles]]></ToUserName><FromUserName><![CDATA[oFan1]]></FromUserName>\
         <CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content>\
         <MsgId>9001</MsgId></xml>"
    );
    let http = reqwest::Client::new();
    let mut answers = Vec::new();
    // WeChat heard nothing in 5 s and tries again, with a new nonce.
    for nonce in ["n1", "n2"] {
        let ts = now.to_string();
        let signature = wicket_wechat::signature::signature(TOKEN, &ts, nonce);
        let url = format!("{}/wechat/noodles?signature={signature}&timestamp={ts}&nonce={nonce}", server.base_url());
        let answer = http.post(url).body(xml.clone()).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        answers.push(answer.text().await.unwrap());
    }
    for answer in &answers {
        assert!(answer.contains("<Content><![CDATA[你好]]></Content>"), "each try gets the passive reply: {answer}");
    }
    let feed = owner.feed_messages().await;
    assert_eq!(automatic(&feed).len(), 1, "answered once: {feed:?}");
    server.stop().await;
}

const ALIPAY_APP_ID: &str = "2021000000000001";
/// The application key of alipay-sdk-nodejs-all's tests (PKCS#8 PEM).
const ALIPAY_APP_KEY: &str = include_str!("../../alipay/tests/vectors/alipay-sdk-nodejs-all/app-private-key-pkcs8.pem");

#[tokio::test]
async fn alipay_gets_automatic_replies_as_custom_sends_within_the_window() {
    use wicket_alipay_double::{Double as AlipayDouble, Push};
    captured_logs();
    let key = wicket_alipay_double::generate_key().expect("a key");
    let double = AlipayDouble::with_alipay_key(key).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let options =
        ServerOptions { alipay_api_base: format!("{}/gateway.do", double.base_url()), ..ServerOptions::default() };
    let server = TestServer::start_with(Arc::new(SystemClock), options).await;
    let owner = server.owner().await;
    owner.create_account(new_account("teahouse", "Tea House", PlatformProfile::Alipay)).await;
    owner
        .connect_alipay(
            "teahouse",
            &double,
            (ALIPAY_APP_ID, ALIPAY_APP_KEY),
            Some(format!("{}/alipay/teahouse", server.base_url())),
            "茶馆",
        )
        .await;
    save(
        &owner,
        "console-1",
        vec![
            rule("hello", "teahouse", AutoReplyTrigger::Follow { scene: None }, vec![text("欢迎光临茶馆")]),
            rule("room", "teahouse", keywords(&[("包间", KeywordMode::Contains)]), vec![text("包间请致电预订")]),
        ],
    )
    .await;

    let user = "2088102000000001";
    assert!(double.send_notify(ALIPAY_APP_ID, user, Push::Follow).await.unwrap().delivered);
    let wrote = Push::Text { content: "还有包间吗？".into() };
    assert!(double.send_notify(ALIPAY_APP_ID, user, wrote).await.unwrap().delivered);

    let feed = owner.feed_messages().await;
    let replies = automatic(&feed);
    assert_eq!(replies.len(), 2, "{feed:?}");
    for reply in &replies {
        assert!(!reply.auto_reply.as_ref().unwrap().passive, "Alipay has no passive reply");
        assert_eq!(server.settled(&reply.id).await, SendState::Sent);
    }
    let sent = double.sent(ALIPAY_APP_ID).unwrap();
    assert_eq!(sent.len(), 2, "exactly one custom send per reply: {sent:?}");
    let texts: Vec<&str> = sent.iter().map(|s| s.biz_content["text"]["content"].as_str().unwrap_or_default()).collect();
    assert_eq!(texts, ["欢迎光临茶馆", "包间请致电预订"]);
    assert!(sent.iter().all(|s| s.to_user_id == user && s.msg_type == "text"));
    server.stop().await;
}
