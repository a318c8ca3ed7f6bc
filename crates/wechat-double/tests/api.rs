//! Each API endpoint of the double: a valid request and the invalid ones, with WeChat's error codes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use common::{errcode, Fixture, APPID, SECRET};
use serde_json::{json, Value};
use wicket_wechat_double::{AccountChange, Callback, Delay, Fault};

// ---- access tokens ----

#[tokio::test]
async fn stable_token_checks_credentials_and_keeps_one_token_until_forced() {
    let f = Fixture::start(None).await;
    let ask = |body: Value| {
        let f = &f;
        async move { f.post_json("/cgi-bin/stable_token", &body).await }
    };
    let good = json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET});
    let first = ask(good.clone()).await;
    assert_eq!(first["expires_in"], 7200, "a fresh token lasts 7200 s");
    let again = ask(good.clone()).await;
    assert_eq!(again["access_token"], first["access_token"], "normal mode returns the same token while it is valid");

    let forced =
        ask(json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET, "force_refresh": true})).await;
    assert_ne!(forced["access_token"], first["access_token"], "force_refresh issues a new token");
    let old = first["access_token"].as_str().unwrap();
    let answer = f.get(&format!("/cgi-bin/menu/get?access_token={old}")).await;
    assert_eq!(errcode(&answer), 40001, "force_refresh ends the previous token");

    assert_eq!(
        errcode(&ask(json!({"grant_type": "client_credential", "appid": "wxnope", "secret": SECRET})).await),
        40013
    );
    assert_eq!(
        errcode(&ask(json!({"grant_type": "client_credential", "appid": APPID, "secret": "wrong"})).await),
        40125
    );
    assert_eq!(errcode(&ask(json!({"grant_type": "password", "appid": APPID, "secret": SECRET})).await), 40002);
    assert_eq!(errcode(&ask(json!({"grant_type": "client_credential", "secret": SECRET})).await), 41002);
    let answer = f.post_raw("/cgi-bin/stable_token", "grant_type=client_credential").await;
    assert_eq!(errcode(&answer), 47001, "the stable token API takes JSON only");
    let rid = answer["errmsg"].as_str().unwrap();
    assert!(rid.starts_with("data format error rid: "), "errmsg carries a rid as WeChat's do: {rid}");
}

#[tokio::test]
async fn plain_token_is_new_each_call_and_the_previous_one_lasts_five_minutes() {
    let f = Fixture::start(None).await;
    let path = format!("/cgi-bin/token?grant_type=client_credential&appid={APPID}&secret={SECRET}");
    let first = f.get(&path).await["access_token"].as_str().unwrap().to_owned();
    let second = f.get(&path).await["access_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "getAccessToken issues a new token each call");
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/menu/get?access_token={first}")).await), 46003, "still valid");
    f.double.advance_clock(301);
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/menu/get?access_token={first}")).await), 42001, "old token ended");
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/menu/get?access_token={second}")).await), 46003, "new token valid");
    let wrong = format!("/cgi-bin/token?grant_type=client_credential&appid={APPID}&secret=nope");
    assert_eq!(errcode(&f.get(&wrong).await), 40001, "getAccessToken answers a wrong secret with 40001");
}

#[tokio::test]
async fn every_call_checks_its_access_token() {
    let f = Fixture::start(None).await;
    assert_eq!(errcode(&f.get("/cgi-bin/user/get").await), 41001, "no access_token");
    assert_eq!(errcode(&f.get("/cgi-bin/user/get?access_token=made-up").await), 40001, "unknown access_token");
    let token = f.token().await;
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/user/get?access_token={token}")).await), 0);
    assert_eq!(f.double.expire_tokens(APPID).unwrap(), 1);
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/user/get?access_token={token}")).await), 42001, "expired now");
    let fresh = f.token().await;
    assert_ne!(fresh, token, "an expired stable token is replaced");

    f.change(AccountChange { token_lifetime_secs: Some(60), ..Default::default() });
    let short = f
        .post_json(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET, "force_refresh": true}),
        )
        .await;
    assert_eq!(short["expires_in"], 60, "the test shortened the lifetime");
    let short = short["access_token"].as_str().unwrap();
    f.double.advance_clock(59);
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/user/get?access_token={short}")).await), 0, "valid for 59 s");
    f.double.advance_clock(1);
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/user/get?access_token={short}")).await), 42001, "expired at 60 s");
}

// ---- customer-service messages ----

fn text(to: &str, content: &str) -> Value {
    json!({"touser": to, "msgtype": "text", "text": {"content": content}})
}

#[tokio::test]
async fn custom_send_follows_the_window_and_quota_of_a_subscriber_message() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    f.follow(&["oFan1"]);
    let token = f.token().await;
    let send = format!("/cgi-bin/message/custom/send?access_token={token}");
    assert_eq!(
        errcode(&f.post_json(&send, &text("oFan1", "hi")).await),
        45015,
        "no window before the subscriber writes"
    );

    let report = f.double.send_callback(APPID, "oFan1", Callback::Text { content: "hello".into() }).await.unwrap();
    assert!(report.delivered);
    for n in 1..=5 {
        assert_eq!(errcode(&f.post_json(&send, &text("oFan1", &format!("reply {n}"))).await), 0, "reply {n} of 5");
    }
    assert_eq!(errcode(&f.post_json(&send, &text("oFan1", "sixth")).await), 45047, "5 messages per subscriber message");
    let sent = f.double.sent(APPID).unwrap();
    assert_eq!(sent.len(), 5, "only accepted messages are recorded");
    assert_eq!(sent[0].touser, "oFan1");
    assert_eq!(sent[0].body["text"]["content"], "reply 1");

    f.double.send_callback(APPID, "oFan1", Callback::Text { content: "again".into() }).await.unwrap();
    f.double.advance_clock(48 * 3600 - 1);
    // The token expired long before (7200 s): a new one.
    let token = f.token().await;
    let send = format!("/cgi-bin/message/custom/send?access_token={token}");
    assert_eq!(errcode(&f.post_json(&send, &text("oFan1", "late")).await), 0, "the window lasts 48 h");
    f.double.advance_clock(1);
    assert_eq!(errcode(&f.post_json(&send, &text("oFan1", "too late")).await), 45015, "closed after 48 h");
}

#[tokio::test]
async fn a_menu_click_or_a_follow_opens_three_messages_for_one_minute() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    let token = f.token().await;
    let send = format!("/cgi-bin/message/custom/send?access_token={token}");
    f.double.send_callback(APPID, "oNew", Callback::Subscribe { scene: Some("poster".into()) }).await.unwrap();
    for n in 1..=3 {
        assert_eq!(errcode(&f.post_json(&send, &text("oNew", "welcome")).await), 0, "message {n} of 3");
    }
    assert_eq!(errcode(&f.post_json(&send, &text("oNew", "fourth")).await), 45047);
    f.double.send_callback(APPID, "oNew", Callback::Click { key: "MENU_A".into() }).await.unwrap();
    f.double.advance_clock(60);
    assert_eq!(errcode(&f.post_json(&send, &text("oNew", "after a minute")).await), 45015);
    f.double.send_callback(APPID, "oNew", Callback::View { url: "https://example.com".into() }).await.unwrap();
    assert_eq!(errcode(&f.post_json(&send, &text("oNew", "after a view")).await), 45015, "a view tap opens nothing");
    f.double.send_callback(APPID, "oNew", Callback::Text { content: "hi".into() }).await.unwrap();
    f.double.send_callback(APPID, "oNew", Callback::Unsubscribe).await.unwrap();
    assert_eq!(errcode(&f.post_json(&send, &text("oNew", "gone")).await), 43004, "an unfollowed subscriber");
}

#[tokio::test]
async fn custom_send_checks_the_message() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    f.follow(&["oFan1"]);
    let token = f.token().await;
    let send = format!("/cgi-bin/message/custom/send?access_token={token}");
    f.double.send_callback(APPID, "oFan1", Callback::Text { content: "hello".into() }).await.unwrap();
    let code = |body: Value| {
        let (f, send) = (&f, &send);
        async move { errcode(&f.post_json(send, &body).await) }
    };
    assert_eq!(code(text("oStranger", "hi")).await, 40003, "not a follower");
    assert_eq!(code(json!({"msgtype": "text", "text": {"content": "hi"}})).await, 40003, "no touser");
    assert_eq!(code(text("oFan1", &"字".repeat(683))).await, 45002, "2049 bytes");
    assert_eq!(code(text("oFan1", "")).await, 44004, "empty text");
    assert_eq!(code(json!({"touser": "oFan1", "msgtype": "text"})).await, 47001, "no text object");
    assert_eq!(code(json!({"touser": "oFan1", "msgtype": "text", "text": {"content": 5}})).await, 47001);
    assert_eq!(errcode(&f.post_raw(&send, "{not json").await), 47001, "not JSON");
    assert_eq!(code(json!({"touser": "oFan1", "msgtype": "telegram"})).await, 40008, "unknown type");
    assert_eq!(code(json!({"touser": "oFan1", "msgtype": "image", "image": {"media_id": "nope"}})).await, 40007);
    let two = json!({"touser": "oFan1", "msgtype": "news", "news": {"articles": [{"title": "a"}, {"title": "b"}]}});
    assert_eq!(code(two).await, 45008, "one article only");
    assert!(f.double.sent(APPID).unwrap().is_empty(), "nothing refused is recorded");

    assert_eq!(code(text("oFan1", &"x".repeat(2048))).await, 0, "2048 bytes pass");
    let one = json!({"touser": "oFan1", "msgtype": "news", "news": {"articles": [{"title": "T", "description": "D", "url": "https://example.com/a", "picurl": "https://example.com/a.png"}]}});
    assert_eq!(code(one).await, 0, "an article card");
    let article = json!({"touser": "oFan1", "msgtype": "mpnewsarticle", "mpnewsarticle": {"article_id": "abc"}});
    assert_eq!(code(article).await, 0, "a published article");
    let kinds: Vec<String> = f.double.sent(APPID).unwrap().into_iter().map(|m| m.msgtype).collect();
    assert_eq!(kinds, ["text", "news", "mpnewsarticle"]);
}

// ---- menus ----

fn leaf(kind: &str, name: &str, field: &str, value: &str) -> Value {
    json!({"type": kind, "name": name, field: value})
}

#[tokio::test]
async fn menu_create_accepts_a_valid_menu_and_both_reads_return_it() {
    let f = Fixture::start(None).await;
    let token = f.token().await;
    assert_eq!(errcode(&f.get(&format!("/cgi-bin/menu/get?access_token={token}")).await), 46003, "no menu yet");
    let menu = json!({"button": [
        leaf("click", "今日歌曲", "key", "V1001_TODAY_MUSIC"),
        {"name": "菜单", "sub_button": [
            leaf("view", "搜索", "url", "http://www.soso.com/"),
            {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com", "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"},
            leaf("click", "赞一下我们", "key", "V1001_GOOD"),
        ]},
        {"type": "click", "name": "五个字名字", "key": "K", "sub_button": []},
    ]});
    let answer = f.post_json(&format!("/cgi-bin/menu/create?access_token={token}"), &menu).await;
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok"}));
    assert_eq!(f.double.menu(APPID).unwrap(), Some(menu.clone()), "the double keeps the menu as posted");

    let got = f.get(&format!("/cgi-bin/menu/get?access_token={token}")).await;
    assert_eq!(got["menu"]["button"][0]["sub_button"], json!([]), "menu/get gives leaves an empty sub_button");
    assert_eq!(got["menu"]["button"][1]["sub_button"][0]["url"], "http://www.soso.com/");
    let info = f.get(&format!("/cgi-bin/get_current_selfmenu_info?access_token={token}")).await;
    assert_eq!(info["is_menu_open"], 1);
    assert_eq!(
        info["selfmenu_info"]["button"][1]["sub_button"]["list"][2]["key"], "V1001_GOOD",
        "sub-buttons in a list"
    );
}

#[tokio::test]
async fn menu_create_refuses_what_wechat_refuses() {
    let f = Fixture::start(None).await;
    let token = f.token().await;
    let path = format!("/cgi-bin/menu/create?access_token={token}");
    let ok_leaf = || leaf("click", "A", "key", "K");
    let with_sub = |sub: Value| json!({"button": [{"name": "More", "sub_button": [sub]}]});
    let cases: Vec<(Value, i64, &str)> = vec![
        (json!({"button": []}), 40016, "no button"),
        (json!({"button": [ok_leaf(), ok_leaf(), ok_leaf(), ok_leaf()]}), 40016, "4 first-level buttons"),
        (json!({"button": [{"name": "More", "sub_button": vec![ok_leaf(); 6]}]}), 40023, "6 sub-buttons"),
        (json!({"button": [leaf("click", "一二三四五六", "key", "K")]}), 40018, "18-byte first-level name"),
        (json!({"button": [leaf("click", "", "key", "K")]}), 40018, "empty name"),
        (with_sub(leaf("click", &"x".repeat(61), "key", "K")), 40025, "61-byte sub name"),
        (json!({"button": [leaf("click", "A", "key", &"k".repeat(129))]}), 40019, "129-byte key"),
        (json!({"button": [{"type": "click", "name": "A"}]}), 40019, "click without key"),
        (with_sub(leaf("click", "A", "key", &"k".repeat(129))), 40026, "129-byte sub key"),
        (
            json!({"button": [leaf("view", "A", "url", &format!("https://a.com/{}", "p".repeat(1011)))]}),
            40020,
            "1025-byte url",
        ),
        (with_sub(json!({"type": "view", "name": "A"})), 40027, "sub view without url"),
        (json!({"button": [leaf("view", "A", "url", "www.example.com")]}), 40055, "url without http"),
        (with_sub(leaf("view", "A", "url", "example.com/x")), 40054, "sub url without http"),
        (json!({"button": [leaf("text", "A", "key", "K")]}), 40017, "console-only type"),
        (with_sub(leaf("telegram", "A", "key", "K")), 40024, "unknown sub type"),
        (with_sub(json!({"name": "A", "sub_button": [ok_leaf()]})), 40022, "a third level"),
        (json!({"button": [{"type": "media_id", "name": "A"}]}), 40007, "media_id without media_id"),
        (json!({"menu": []}), 47001, "no button array"),
    ];
    for (menu, expected, why) in cases {
        assert_eq!(errcode(&f.post_json(&path, &menu).await), expected, "{why}");
    }
    assert_eq!(errcode(&f.post_raw(&path, "]").await), 47001, "not JSON");
    assert_eq!(f.double.menus_published(APPID).unwrap(), 0, "nothing refused is published");
    let limits = json!({"button": [
        leaf("click", "一二三四五", "key", &"k".repeat(128)),
        {"name": "More", "sub_button": vec![leaf("view", &"x".repeat(60), "url", &format!("https://a.com/{}", "p".repeat(1010))); 5]},
        ok_leaf(),
    ]});
    assert_eq!(errcode(&f.post_json(&path, &limits).await), 0, "every limit reached exactly passes");
}

// ---- followers ----

#[tokio::test]
async fn user_get_pages_by_next_openid() {
    let f = Fixture::start(None).await;
    f.follow(&["o1", "o2", "o3", "o4", "o5"]);
    f.change(AccountChange { user_page_size: Some(2), ..Default::default() });
    let token = f.token().await;
    let mut next = String::new();
    let mut pages = Vec::new();
    loop {
        let page = f.get(&format!("/cgi-bin/user/get?access_token={token}&next_openid={next}")).await;
        assert_eq!(page["total"], 5);
        if page["count"] == 0 {
            assert_eq!(page["next_openid"], "", "the end is an empty next_openid");
            break;
        }
        pages.push(page["data"]["openid"].clone());
        next = page["next_openid"].as_str().unwrap().to_owned();
    }
    assert_eq!(pages, [json!(["o1", "o2"]), json!(["o3", "o4"]), json!(["o5"])]);
    let unknown = f.get(&format!("/cgi-bin/user/get?access_token={token}&next_openid=oNobody")).await;
    assert_eq!(errcode(&unknown), 40003);
}

#[tokio::test]
async fn batchget_takes_up_to_a_hundred_known_openids() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    f.follow(&["o1", "o2"]);
    f.double.send_callback(APPID, "o2", Callback::Unsubscribe).await.unwrap();
    let token = f.token().await;
    let path = format!("/cgi-bin/user/info/batchget?access_token={token}");
    let list = |ids: &[&str]| json!({"user_list": ids.iter().map(|id| json!({"openid": id, "lang": "zh_CN"})).collect::<Vec<_>>()});
    let answer = f.post_json(&path, &list(&["o1", "o2"])).await;
    assert_eq!(answer["user_info_list"][0]["subscribe"], 1);
    assert_eq!(answer["user_info_list"][0]["openid"], "o1");
    assert_eq!(answer["user_info_list"][1], json!({"subscribe": 0, "openid": "o2"}), "an unfollowed subscriber");
    assert_eq!(errcode(&f.post_json(&path, &list(&["o1", "oNobody"])).await), 40003);
    let many: Vec<&str> = vec!["o1"; 101];
    assert_eq!(errcode(&f.post_json(&path, &list(&many)).await), 40032, "101 OpenIDs");
    assert_eq!(errcode(&f.post_json(&path, &list(&many[..100])).await), 0, "100 OpenIDs pass");
    assert_eq!(errcode(&f.post_json(&path, &json!({"users": []})).await), 47001);
}

// ---- media ----

fn multipart(field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----wicketdoubleboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[tokio::test]
async fn media_upload_checks_type_format_and_size() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    let token = f.token().await;
    let upload = |kind: &str, field: &str, filename: &str, bytes: Vec<u8>| {
        let (content_type, body) = multipart(field, filename, &bytes);
        let url = f.url(&format!("/cgi-bin/media/upload?access_token={token}&type={kind}"));
        let http = f.http.clone();
        async move {
            let response = http.post(url).header("content-type", content_type).body(body).send().await.unwrap();
            response.json::<Value>().await.unwrap()
        }
    };
    let answer = upload("image", "media", "photo.png", PNG.to_vec()).await;
    assert_eq!(answer["type"], "image");
    let media_id = answer["media_id"].as_str().expect("a media_id").to_owned();
    let uploads = f.double.uploads(APPID).unwrap();
    assert_eq!((uploads.len(), uploads[0].bytes.as_slice()), (1, PNG), "the double keeps the bytes");

    assert_eq!(errcode(&upload("sticker", "media", "photo.png", PNG.to_vec()).await), 40004, "unknown type");
    assert_eq!(errcode(&upload("image", "media", "photo.txt", PNG.to_vec()).await), 40005, "a .txt file");
    assert_eq!(errcode(&upload("image", "media", "photo.png", b"not an image".to_vec()).await), 40005, "not PNG bytes");
    assert_eq!(errcode(&upload("image", "media", "photo.png", Vec::new()).await), 44001, "empty");
    assert_eq!(errcode(&upload("image", "file", "photo.png", PNG.to_vec()).await), 41005, "no media part");
    let mut big = PNG.to_vec();
    big.resize((10 << 20) + 1, 0);
    assert_eq!(errcode(&upload("image", "media", "big.png", big).await), 40006, "over 10 MB");
    let answer = f.post_raw(&format!("/cgi-bin/media/upload?access_token={token}&type=image"), "plain").await;
    assert_eq!(errcode(&answer), 41005, "not multipart");
    assert_eq!(f.double.uploads(APPID).unwrap().len(), 1);

    f.follow(&["oFan1"]);
    f.double.send_callback(APPID, "oFan1", Callback::Text { content: "hi".into() }).await.unwrap();
    let image = json!({"touser": "oFan1", "msgtype": "image", "image": {"media_id": media_id}});
    let answer = f.post_json(&format!("/cgi-bin/message/custom/send?access_token={token}"), &image).await;
    assert_eq!(errcode(&answer), 0, "an uploaded image can be sent");
}

// ---- test hooks ----

#[tokio::test]
async fn faults_fail_the_next_calls_and_every_call_is_logged() {
    let f = Fixture::start(None).await;
    let token = f.token().await;
    f.double.fail_next(Fault { errcode: -1, count: 2, path: Some("/cgi-bin/user/get".into()) });
    let path = format!("/cgi-bin/user/get?access_token={token}");
    assert_eq!(
        errcode(&f.get(&format!("/cgi-bin/menu/get?access_token={token}")).await),
        46003,
        "other paths unaffected"
    );
    assert_eq!(errcode(&f.get(&path).await), -1);
    assert_eq!(errcode(&f.get(&path).await), -1);
    assert_eq!(errcode(&f.get(&path).await), 0, "only the next 2 calls fail");
    let codes: Vec<(String, i64)> = f.double.calls().into_iter().map(|c| (c.path, c.errcode)).collect();
    let expected = [
        ("/cgi-bin/stable_token", 0),
        ("/cgi-bin/menu/get", 46003),
        ("/cgi-bin/user/get", -1),
        ("/cgi-bin/user/get", -1),
        ("/cgi-bin/user/get", 0),
    ];
    assert_eq!(codes, expected.map(|(p, c)| (p.to_owned(), c)));
}

#[tokio::test]
async fn a_delayed_answer_has_taken_effect_when_the_client_gives_up() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(Some(receiver)).await;
    f.follow(&["oFan1"]);
    f.double.send_callback(APPID, "oFan1", Callback::Text { content: "hi".into() }).await.unwrap();
    let token = f.token().await;
    f.double.delay(Delay { millis: 3_000, path: Some("/cgi-bin/message/custom/send".into()) });
    let url = f.url(&format!("/cgi-bin/message/custom/send?access_token={token}"));
    let result = f
        .http
        .post(url)
        .body(text("oFan1", "lost answer").to_string())
        .timeout(std::time::Duration::from_millis(200))
        .send()
        .await;
    assert!(result.is_err_and(|e| e.is_timeout()), "the client times out");
    assert_eq!(f.double.sent(APPID).unwrap().len(), 1, "the message went out all the same: its outcome was unknown");
}

#[tokio::test]
async fn the_http_controls_drive_the_double_from_another_process() {
    let (receiver, _task) = common::success_receiver().await;
    let f = Fixture::start(None).await;
    let spec = json!({"appid": "wxother", "secret": "s", "token": "t", "mode": "plain", "callback_url": receiver});
    let created = f.http.post(f.url("/_double/accounts")).json(&spec).send().await.unwrap();
    assert_eq!(created.status(), 200);
    let again = f.http.post(f.url("/_double/accounts")).json(&spec).send().await.unwrap();
    assert_eq!(again.status(), 400, "the same AppID twice is refused");
    let bad = json!({"appid": "wxsafe", "secret": "s", "token": "t", "mode": "safe"});
    let refused = f.http.post(f.url("/_double/accounts")).json(&bad).send().await.unwrap();
    assert_eq!(refused.status(), 400, "safe mode without an EncodingAESKey");
    f.http.post(f.url("/_double/accounts/wxother/followers")).json(&json!({"openids": ["o1"]})).send().await.unwrap();
    let report: Value = f
        .http
        .post(f.url("/_double/accounts/wxother/callbacks"))
        .json(&json!({"openid": "o1", "message": {"type": "text", "content": "hi"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["delivered"], true);
    let callbacks = f.get("/_double/accounts/wxother/callbacks").await;
    assert_eq!(callbacks.as_array().unwrap().len(), 1);
    f.http.post(f.url("/_double/faults")).json(&json!({"errcode": 45009})).send().await.unwrap();
    let answer = f.get("/cgi-bin/token?grant_type=client_credential&appid=wxother&secret=s").await;
    assert_eq!(errcode(&answer), 45009, "the fault set over HTTP");
    let token = f.get("/cgi-bin/token?grant_type=client_credential&appid=wxother&secret=s").await;
    let token = token["access_token"].as_str().unwrap();
    let sent = f.post_json(&format!("/cgi-bin/message/custom/send?access_token={token}"), &text("o1", "hello")).await;
    assert_eq!(errcode(&sent), 0);
    let recorded = f.get("/_double/accounts/wxother/sent").await;
    assert_eq!(recorded[0]["body"]["text"]["content"], "hello");
    f.http.post(f.url("/_double/accounts/wxother/tokens/expire")).send().await.unwrap();
    let expired = f.get(&format!("/cgi-bin/menu/get?access_token={token}")).await;
    assert_eq!(errcode(&expired), 42001);
    f.http.post(f.url("/_double/clock/advance")).json(&json!({"seconds": 172800})).send().await.unwrap();
    let token = f.get("/cgi-bin/token?grant_type=client_credential&appid=wxother&secret=s").await;
    let token = token["access_token"].as_str().unwrap();
    let late = f.post_json(&format!("/cgi-bin/message/custom/send?access_token={token}"), &text("o1", "late")).await;
    assert_eq!(errcode(&late), 45015, "the clock moved 48 h over HTTP");
    let menu = f.get("/_double/accounts/wxother/menu").await;
    assert_eq!(menu, json!({"menu": null, "published": 0}));
    let check: Value =
        f.http.post(f.url("/_double/accounts/wxother/verify-url")).send().await.unwrap().json().await.unwrap();
    assert_eq!(check["verified"], false, "the receiver answers success, not the echostr");
    let patch = json!({"user_page_size": 1, "callback_url": "not a url"});
    let changed = f.http.patch(f.url("/_double/accounts/wxother")).json(&patch).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    f.http.post(f.url("/_double/accounts/wxother/followers")).json(&json!({"openids": ["o2"]})).send().await.unwrap();
    let page = f.get(&format!("/cgi-bin/user/get?access_token={token}")).await;
    assert_eq!((page["count"].clone(), page["total"].clone()), (json!(1), json!(2)), "pages of one follower");
    let report: Value = f
        .http
        .post(f.url("/_double/accounts/wxother/callbacks"))
        .json(&json!({"openid": "o2", "message": {"type": "click", "key": "K"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["delivered"], false);
    assert!(report["tries"][0]["outcome"].as_str().unwrap().contains("is not a URL"), "{report}");
}

#[test]
fn the_binary_prints_its_address_and_serves() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wechat-double"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").expect("it prints its address").to_owned();
    let answer: Value = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::get(format!("{base}/cgi-bin/token?grant_type=client_credential&appid=wxnone&secret=s"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    child.kill().expect("the test stops the binary it started");
    child.wait().unwrap();
    assert_eq!(errcode(&answer), 40013, "an unknown AppID");
}
