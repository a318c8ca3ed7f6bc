//! The OpenAPI gateway: signatures and Alipay's common error codes, then each method's rules.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use common::*;
use serde_json::{json, Value};
use wicket_alipay::openapi::{timestamp, verify_response, Request, ResponseError};
use wicket_alipay::{Charset, SignType};
use wicket_alipay_double::{AccountChange, Delay, Fault, FaultKind, Push};

const INFO: &str = "alipay.open.public.info.query";
const MENU_CREATE: &str = "alipay.open.public.menu.create";
const MENU_MODIFY: &str = "alipay.open.public.menu.modify";
const SEND: &str = "alipay.open.public.message.custom.send";

// ---- the gateway: signatures and common errors ----

#[tokio::test]
async fn a_signed_call_is_answered_and_the_answer_verifies_with_the_doubles_key() {
    let f = Fixture::start().await;
    let answer = f.call(INFO, &Value::Null).await;
    assert_eq!(ok(&answer)["app_name"], "Wicket 咖啡", "info.query answers the account's name");
    let calls = f.double.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].method.as_str(), calls[0].code.as_str()), (INFO, "10000"));
}

/// Signs a request, then changes one parameter's value in the body.
fn tampered(method: &str, biz: &str, from: &str, to: &str) -> Vec<u8> {
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: APP_ID,
        method,
        biz_content: biz,
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let mut params = request.signed_params(&app_key());
    for (_, value) in params.iter_mut() {
        *value = value.replace(from, to);
    }
    wicket_alipay::form::serialize(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), Charset::Utf8)
}

#[tokio::test]
async fn a_tampered_request_is_refused_with_invalid_signature_and_changes_nothing() {
    let f = Fixture::start().await;
    let menu = text_menu(vec![button("营业时间", "out", "hours")]).to_string();
    let body = tampered(MENU_CREATE, &menu, "hours", "prices");
    let text = f.post(body, Charset::Utf8).await;
    let answer = verify_response(&text, MENU_CREATE, &f.double.alipay_public_key(), SignType::Rsa2);
    refused(&answer, "40002", "isv.invalid-signature");
    let sub_msg = answer.unwrap().sub_msg.unwrap();
    assert!(sub_msg.contains("验签出错") && sub_msg.contains("method=alipay.open.public.menu.create"), "{sub_msg}");
    assert_eq!(f.double.menu(APP_ID).unwrap(), None, "a refused request changes nothing");

    // The same request signed with a key the account does not know.
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: APP_ID,
        method: MENU_CREATE,
        biz_content: &menu,
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let text = f.post(request.form_body(&other_key()), Charset::Utf8).await;
    refused(
        &verify_response(&text, MENU_CREATE, &f.double.alipay_public_key(), SignType::Rsa2),
        "40002",
        "isv.invalid-signature",
    );
    assert_eq!(f.double.menu(APP_ID).unwrap(), None);
}

#[tokio::test]
async fn an_unknown_app_id_is_refused_in_an_unsigned_error_response() {
    let f = Fixture::start().await;
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: "2021999999999999",
        method: INFO,
        biz_content: "",
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let text = f.post(request.form_body(&app_key()), Charset::Utf8).await;
    match verify_response(&text, INFO, &f.double.alipay_public_key(), SignType::Rsa2) {
        Err(ResponseError::UnsignedError(response)) => {
            assert_eq!((response.code.as_str(), response.sub_code.as_deref()), ("40002", Some("isv.invalid-app-id")));
        }
        other => panic!("expected an unsigned error_response, got {other:?} from {text}"),
    }
}

/// The signed params of an info.query, with `edit` applied before they are posted unsigned again.
async fn post_params(f: &Fixture, edit: impl FnOnce(&mut Vec<(String, String)>)) -> common::Answer {
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: APP_ID,
        method: INFO,
        biz_content: "",
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let mut params = request.signed_params(&app_key());
    edit(&mut params);
    let body = wicket_alipay::form::serialize(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), Charset::Utf8);
    let text = f.post(body, Charset::Utf8).await;
    verify_response(&text, INFO, &f.double.alipay_public_key(), SignType::Rsa2)
}

#[tokio::test]
async fn missing_and_invalid_common_parameters_get_alipays_codes() {
    let f = Fixture::start().await;
    let without = |name: &'static str| move |p: &mut Vec<(String, String)>| p.retain(|(k, _)| k != name);
    refused(&post_params(&f, without("sign")).await, "40001", "isv.missing-signature");
    // Without a method the signed answer is an error_response.
    let answer = post_params(&f, without("method")).await;
    refused(&answer, "40001", "isv.missing-method");
    refused(&post_params(&f, without("sign_type")).await, "40001", "isv.missing-signature-type");
    refused(&post_params(&f, without("timestamp")).await, "40001", "isv.missing-timestamp");
    refused(&post_params(&f, without("version")).await, "40001", "isv.missing-version");
    let set = |name: &'static str, value: &'static str| {
        move |p: &mut Vec<(String, String)>| {
            for (k, v) in p.iter_mut() {
                if k == name {
                    *v = value.to_owned();
                }
            }
        }
    };
    refused(&post_params(&f, set("sign_type", "MD5")).await, "40002", "isv.invalid-signature-type");
    // The account holds an RSA2 key: an RSA (SHA1) request has no key to be checked with.
    refused(&post_params(&f, set("sign_type", "RSA")).await, "40002", "isv.missing-signature-config");
    refused(&post_params(&f, set("timestamp", "2026/01/01 10:00:00")).await, "40002", "isv.invalid-timestamp");
    assert!(f.double.calls().iter().all(|c| c.code != "10000"), "none of them was accepted");
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_and_one_within_the_tolerance_is_not() {
    let f = Fixture::start().await;
    for (offset_secs, accepted) in [(-16 * 60, false), (16 * 60, false), (-14 * 60, true)] {
        let ts = timestamp(now_ms() + offset_secs * 1000);
        let request = Request {
            app_id: APP_ID,
            method: INFO,
            biz_content: "",
            timestamp: &ts,
            charset: Charset::Utf8,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        let text = f.post(request.form_body(&app_key()), Charset::Utf8).await;
        let answer = verify_response(&text, INFO, &f.double.alipay_public_key(), SignType::Rsa2);
        if accepted {
            ok(&answer);
        } else {
            refused(&answer, "40002", "isv.invalid-timestamp");
        }
    }
}

#[tokio::test]
async fn an_unknown_method_and_a_biz_content_that_is_not_json_are_refused() {
    let f = Fixture::start().await;
    refused(&f.call("alipay.open.public.nothing.here", &json!({})).await, "40002", "isv.invalid-method");
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: APP_ID,
        method: MENU_CREATE,
        biz_content: "{not json",
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let text = f.post(request.form_body(&app_key()), Charset::Utf8).await;
    refused(
        &verify_response(&text, MENU_CREATE, &f.double.alipay_public_key(), SignType::Rsa2),
        "40002",
        "isv.invalid-parameter",
    );
}

#[tokio::test]
async fn a_gbk_request_is_verified_over_gbk_bytes_and_answered_in_gbk() {
    let f = Fixture::start().await;
    let menu = text_menu(vec![button("营业时间", "out", "hours"), button("门店地图", "map", "静安寺")]);
    let answer = f.call_in(MENU_CREATE, &menu, Charset::Gbk).await;
    assert_eq!(ok(&answer)["menu_key"], "default");
    assert_eq!(f.double.menu(APP_ID).unwrap().unwrap()["button"][1]["action_param"], "静安寺");
    let query = f.call_in("alipay.open.public.menu.query", &Value::Null, Charset::Gbk).await;
    let content: Value = serde_json::from_str(ok(&query)["menu_content"].as_str().unwrap()).unwrap();
    assert_eq!(content["button"][0]["name"], "营业时间", "the answer's Chinese survives GBK both ways");
}

// ---- faults, delays ----

#[tokio::test]
async fn a_fault_answers_unknown_error_without_acting() {
    let f = Fixture::start().await;
    f.double.fail_next(Fault { kind: FaultKind::UnknownError, count: 1, method: Some(MENU_CREATE.into()) });
    let menu = text_menu(vec![button("营业时间", "out", "hours")]);
    refused(&f.call(MENU_CREATE, &menu).await, "20000", "isp.unknow-error");
    assert_eq!(f.double.menu(APP_ID).unwrap(), None, "the faulted call did not act");
    ok(&f.call(MENU_CREATE, &menu).await);
    assert!(f.double.menu(APP_ID).unwrap().is_some(), "the fault was used up");
}

#[tokio::test]
async fn a_dropped_connection_leaves_the_call_done_but_unanswered() {
    // The entry opens the window only when it can be pushed: the account needs a gateway.
    let (url, _task) = success_gateway().await;
    let f = Fixture::start_with(spec(Some(url))).await;
    f.follow(&[USER]);
    assert!(f.double.send_notify(APP_ID, USER, Push::Enter { scene: None }).await.unwrap().delivered);
    f.double.fail_next(Fault { kind: FaultKind::Drop, count: 1, method: None });
    let ts = timestamp(now_ms());
    let biz = json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "你好" } }).to_string();
    let request = Request {
        app_id: APP_ID,
        method: SEND,
        biz_content: &biz,
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let result = f.http.post(f.double.gateway_url()).body(request.form_body(&app_key())).send().await;
    assert!(result.is_err(), "the connection closes without an answer: {result:?}");
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 1, "the message was sent all the same");
}

#[tokio::test]
async fn a_delay_holds_the_answer_back() {
    let f = Fixture::start().await;
    f.double.delay(Delay { millis: 1500, method: Some(INFO.into()) });
    let ts = timestamp(now_ms());
    let request = Request {
        app_id: APP_ID,
        method: INFO,
        biz_content: "",
        timestamp: &ts,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let result = f
        .http
        .post(f.double.gateway_url())
        .body(request.form_body(&app_key()))
        .timeout(std::time::Duration::from_millis(300))
        .send()
        .await;
    assert!(result.is_err_and(|e| e.is_timeout()), "a client that waits less times out");
    f.double.delay(Delay { millis: 0, method: Some(INFO.into()) });
    ok(&f.call(INFO, &Value::Null).await);
}

// ---- menus (PLATFORM-RULES §1.2) ----

fn leaves(n: usize) -> Vec<Value> {
    (0..n).map(|i| button(&format!("菜单{i}"), "out", &format!("key_{i}"))).collect()
}

#[tokio::test]
async fn a_text_menu_has_at_most_four_buttons_and_three_with_the_chat_switch() {
    let f = Fixture::start().await;
    refused(&f.call(MENU_CREATE, &text_menu(leaves(5))).await, "40004", "MENU_TOP_BUTTONS_OUT_OF_LIMIT");
    refused(&f.call(MENU_CREATE, &text_menu(vec![])).await, "40002", "isv.invalid-parameter");
    ok(&f.call(MENU_CREATE, &text_menu(leaves(4))).await);
    f.double.change_account(APP_ID, AccountChange { chat_switch_on: Some(true), ..Default::default() }).unwrap();
    refused(&f.call(MENU_MODIFY, &text_menu(leaves(4))).await, "40004", "MENU_TOP_BUTTONS_OUT_OF_LIMIT");
    ok(&f.call(MENU_MODIFY, &text_menu(leaves(3))).await);
    assert_eq!(f.double.menu(APP_ID).unwrap().unwrap()["button"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn sub_buttons_are_one_to_five_and_two_levels_at_most() {
    let f = Fixture::start().await;
    let with_subs = |n: usize| text_menu(vec![json!({ "name": "更多", "sub_button": leaves(n) })]);
    refused(&f.call(MENU_CREATE, &with_subs(6)).await, "40004", "MENU_SUB_BUTTONS_OUT_OF_LIMIT");
    let three_levels = text_menu(vec![json!({ "name": "更多", "sub_button": [
        { "name": "子菜单", "sub_button": leaves(1) }
    ] })]);
    refused(&f.call(MENU_CREATE, &three_levels).await, "40002", "isv.invalid-parameter");
    ok(&f.call(MENU_CREATE, &with_subs(5)).await);
}

#[tokio::test]
async fn names_are_counted_in_gbk_bytes() {
    let f = Fixture::start().await;
    // 10 CJK = 20 GBK bytes; 19 ASCII = 19 bytes; both over 18.
    refused(
        &f.call(MENU_CREATE, &text_menu(vec![button("一二三四五六七八九十", "out", "k")])).await,
        "40004",
        "MENU_NAME_TOO_LONG",
    );
    refused(
        &f.call(MENU_CREATE, &text_menu(vec![button("abcdefghijklmnopqrs", "out", "k")])).await,
        "40004",
        "MENU_NAME_TOO_LONG",
    );
    refused(&f.call(MENU_CREATE, &text_menu(vec![button("", "out", "k")])).await, "40002", "isv.invalid-parameter");
    // An emoji has no GBK form.
    refused(
        &f.call(MENU_CREATE, &text_menu(vec![button("咖啡☕", "out", "k")])).await,
        "40002",
        "isv.invalid-parameter",
    );
    // 9 CJK = 18 bytes; 8 CJK + 2 ASCII = 18 bytes: both fit.
    ok(&f
        .call(
            MENU_CREATE,
            &text_menu(vec![button("一二三四五六七八九", "out", "k"), button("一二三四五六七八ab", "out", "k2")]),
        )
        .await);
}

#[tokio::test]
async fn action_types_and_params_follow_the_models_rules() {
    let f = Fixture::start().await;
    let one = |b: Value| text_menu(vec![b]);
    refused(&f.call(MENU_CREATE, &one(button("菜单", "view", "k"))).await, "40002", "isv.invalid-parameter");
    refused(&f.call(MENU_CREATE, &one(json!({ "name": "菜单" }))).await, "40002", "isv.invalid-parameter");
    refused(
        &f.call(MENU_CREATE, &one(button("菜单", "out", &"k".repeat(256)))).await,
        "40004",
        "MENU_ACTION_PARAM_TOO_LONG",
    );
    refused(&f.call(MENU_CREATE, &one(button("菜单", "out", "a:b"))).await, "40004", "MENU_ACTION_PARAM_ILLEGAL");
    refused(&f.call(MENU_CREATE, &one(button("菜单", "link", "shop"))).await, "40002", "isv.invalid-parameter");
    refused(&f.call(MENU_CREATE, &one(button("电话", "tel", ""))).await, "40002", "isv.invalid-parameter");
    let all = text_menu(vec![
        button("官网", "link", "https://shop.example.com/a?b=c"),
        button("电话", "tel", "4008123123"),
        json!({ "name": "消费记录", "action_type": "consumption" }),
        button("点我", "out", &"k".repeat(255)),
    ]);
    ok(&f.call(MENU_CREATE, &all).await);
}

#[tokio::test]
async fn an_icon_menu_needs_icons_short_names_and_takes_up_to_eighty_buttons() {
    let f = Fixture::start().await;
    let icon = |name: &str| json!({ "name": name, "action_type": "out", "action_param": "k", "icon": "https://img.example.com/a.png" });
    let menu = |buttons: Vec<Value>| json!({ "type": "icon", "button": buttons });
    refused(&f.call(MENU_CREATE, &menu(vec![button("菜单", "out", "k")])).await, "40002", "isv.invalid-parameter");
    refused(&f.call(MENU_CREATE, &menu(vec![icon("一二三四五六")])).await, "40004", "MENU_NAME_TOO_LONG");
    refused(
        &f.call(MENU_CREATE, &menu((0..81).map(|_| icon("菜单")).collect())).await,
        "40004",
        "MENU_TOP_BUTTONS_OUT_OF_LIMIT",
    );
    let answer = f.call(MENU_CREATE, &menu((0..80).map(|_| icon("一二三四五")).collect())).await;
    assert_eq!(ok(&answer)["menu_key"], "iconDefault");
    assert!(f.double.menus(APP_ID).unwrap().contains_key("iconDefault"));
}

#[tokio::test]
async fn create_once_then_modify_replaces_and_query_reads_it_back() {
    let f = Fixture::start().await;
    refused(&f.call("alipay.open.public.menu.query", &Value::Null).await, "40004", "MENU_NOT_EXIST");
    refused(&f.call(MENU_MODIFY, &text_menu(leaves(1))).await, "40004", "MENU_NOT_EXIST");
    ok(&f.call(MENU_CREATE, &text_menu(leaves(2))).await);
    refused(&f.call(MENU_CREATE, &text_menu(leaves(1))).await, "40004", "MENU_ALREADY_EXISTS");
    ok(&f.call(MENU_MODIFY, &text_menu(leaves(1))).await);
    let query = f.call("alipay.open.public.menu.query", &Value::Null).await;
    let content: Value = serde_json::from_str(ok(&query)["menu_content"].as_str().unwrap()).unwrap();
    assert_eq!(content["button"], json!(leaves(1)), "query gives back the modified menu");
    let changes: Vec<String> = f.double.calls().into_iter().filter_map(|c| c.change).collect();
    assert_eq!(changes, ["menu default created", "menu default replaced"]);

    let icon =
        json!({ "name": "菜单", "action_type": "out", "action_param": "k", "icon": "https://img.example.com/a.png" });
    ok(&f.call(MENU_CREATE, &json!({ "type": "icon", "button": [icon] })).await);
    let batch = f.call("alipay.open.public.menu.batchquery", &Value::Null).await;
    let batch = ok(&batch);
    assert_eq!(batch["count"], "2");
    assert_eq!(batch["menus"][0]["menu_key"], "default");
    assert_eq!(batch["menus"][0]["button"], json!(leaves(1)));
    assert_eq!((&batch["menus"][1]["menu_key"], &batch["menus"][1]["type"]), (&json!("iconDefault"), &json!("icon")));
}

// ---- home modules (§7) ----

fn area(name: &str) -> Value {
    json!({ "name": name, "type": "h5", "url": "https://m.example.com/area", "height": 300 })
}

#[tokio::test]
async fn extension_areas_are_three_h5_https_and_200_to_500_high() {
    let f = Fixture::start().await;
    const CREATE: &str = "alipay.open.public.default.extension.create";
    let areas = |list: Vec<Value>| json!({ "areas": list });
    refused(
        &f.call(CREATE, &areas(vec![area("a"), area("b"), area("c"), area("d")])).await,
        "40004",
        "EXTENSION_AREAS_OUT_OF_LIMIT",
    );
    let mut http = area("a");
    http["url"] = json!("http://m.example.com/area");
    refused(&f.call(CREATE, &areas(vec![http])).await, "40002", "isv.invalid-parameter");
    for height in [199, 501] {
        let mut a = area("a");
        a["height"] = json!(height);
        refused(&f.call(CREATE, &areas(vec![a])).await, "40004", "EXTENSION_HEIGHT_OUT_OF_RANGE");
    }
    let mut image = area("a");
    image["type"] = json!("image");
    refused(&f.call(CREATE, &areas(vec![image])).await, "40004", "EXTENSION_TYPE_NOT_SUPPORTED");
    assert_eq!(f.double.extension_areas(APP_ID).unwrap(), None, "nothing refused was kept");

    let mut edges = vec![area("a"), area("b"), area("c")];
    edges[0]["height"] = json!(200);
    edges[1]["height"] = json!(500);
    ok(&f.call(CREATE, &areas(edges.clone())).await);
    let listed = f.call("alipay.open.public.personalized.extension.batchquery", &Value::Null).await;
    let listed = ok(&listed);
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["extensions"][0]["extension_key"], "default");
    assert_eq!(listed["extensions"][0]["areas"], json!(edges));

    const DELETE: &str = "alipay.open.public.personalized.extension.delete";
    refused(&f.call(DELETE, &json!({ "extension_key": "vip" })).await, "40004", "EXTENSION_NOT_EXIST");
    ok(&f.call(DELETE, &json!({ "extension_key": "default" })).await);
    assert_eq!(f.double.extension_areas(APP_ID).unwrap(), None);
    refused(&f.call(DELETE, &json!({ "extension_key": "default" })).await, "40004", "EXTENSION_NOT_EXIST");
}

fn advert_item(n: usize) -> Value {
    json!({ "img_url": format!("https://img.example.com/ad{n}.png"), "link_url": "https://shop.example.com/", "link_type": "HTTP" })
}

#[tokio::test]
async fn the_advert_carousel_takes_one_to_five_items_and_is_one_per_account() {
    let f = Fixture::start().await;
    let items = |n: usize| json!({ "advert_items": (0..n).map(advert_item).collect::<Vec<_>>() });
    refused(&f.call("alipay.open.public.advert.create", &items(0)).await, "40004", "ADVERT_ITEMS_OUT_OF_LIMIT");
    refused(&f.call("alipay.open.public.advert.create", &items(6)).await, "40004", "ADVERT_ITEMS_OUT_OF_LIMIT");
    let mut bad = items(1);
    bad["advert_items"][0]["link_type"] = json!("FTP");
    refused(&f.call("alipay.open.public.advert.create", &bad).await, "40002", "isv.invalid-parameter");

    let created = f.call("alipay.open.public.advert.create", &items(5)).await;
    let id = ok(&created)["advert_id"].as_str().unwrap().to_owned();
    refused(&f.call("alipay.open.public.advert.create", &items(1)).await, "40004", "ADVERT_ALREADY_EXISTS");
    let mut modify = items(2);
    modify["advert_id"] = json!(id);
    ok(&f.call("alipay.open.public.advert.modify", &modify).await);
    let listed = f.call("alipay.open.public.advert.batchquery", &Value::Null).await;
    assert_eq!(ok(&listed)["advert_list"][0]["advert_items"], json!([advert_item(0), advert_item(1)]));
    assert_eq!(f.double.adverts(APP_ID).unwrap()[0].advert_id, id);

    refused(
        &f.call("alipay.open.public.advert.delete", &json!({ "advert_id": "1" })).await,
        "40004",
        "ADVERT_NOT_EXIST",
    );
    ok(&f.call("alipay.open.public.advert.delete", &json!({ "advert_id": id })).await);
    assert!(f.double.adverts(APP_ID).unwrap().is_empty());
}

fn topic(items: usize) -> Value {
    let items: Vec<Value> = (0..items)
        .map(|i| json!({ "title": format!("新品{i}"), "sub_title": "限时", "img_url": format!("https://img.example.com/t{i}.png"), "link_url": "https://shop.example.com/" }))
        .collect();
    json!({ "title": "本周推荐", "topic_items": items })
}

#[tokio::test]
async fn marketing_slots_take_four_to_eight_items_and_a_whole_head_image_or_none() {
    let f = Fixture::start().await;
    const CREATE: &str = "alipay.open.public.topic.create";
    refused(&f.call(CREATE, &topic(3)).await, "40004", "TOPIC_ITEMS_OUT_OF_LIMIT");
    refused(&f.call(CREATE, &topic(9)).await, "40004", "TOPIC_ITEMS_OUT_OF_LIMIT");
    let mut partial = topic(4);
    partial["img_url"] = json!("https://img.example.com/head.png");
    refused(&f.call(CREATE, &partial).await, "40004", "TOPIC_HEAD_IMAGE_INCOMPLETE");
    partial["sub_title"] = json!("头图");
    partial["link_url"] = json!("https://shop.example.com/");
    let created = f.call(CREATE, &partial).await;
    let id = ok(&created)["topic_id"].as_str().unwrap().to_owned();
    let second = f.call(CREATE, &topic(8)).await;
    let second_id = ok(&second)["topic_id"].as_str().unwrap().to_owned();

    let mut modify = topic(5);
    modify["topic_id"] = json!(id);
    ok(&f.call("alipay.open.public.topic.modify", &modify).await);
    let listed = f.call("alipay.open.public.topic.batchquery", &Value::Null).await;
    let list = ok(&listed)["topic_list"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["topic_id"], id);
    assert_eq!(list[0]["topic_items"].as_array().unwrap().len(), 5, "modify replaced the whole set");
    assert!(list[0].get("img_url").is_none(), "the head image went with the rest");

    ok(&f.call("alipay.open.public.topic.delete", &json!({ "topic_id": second_id })).await);
    refused(
        &f.call("alipay.open.public.topic.delete", &json!({ "topic_id": second_id })).await,
        "40004",
        "TOPIC_NOT_EXIST",
    );
    assert_eq!(f.double.topics(APP_ID).unwrap().len(), 1);
}

// ---- custom send (§2.2) ----

fn text_message(content: &str) -> Value {
    json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": content }, "chat": "1" })
}

#[tokio::test]
async fn custom_send_needs_a_follower_who_interacted_within_48_hours() {
    let (url, _task) = success_gateway().await;
    let f = Fixture::start_with(spec(Some(url))).await;
    refused(&f.call(SEND, &text_message("你好")).await, "40004", "USER_NOT_FOLLOW");
    f.follow(&[USER]);
    refused(&f.call(SEND, &text_message("你好")).await, "40004", "USER_INTERACTION_EXPIRED");
    f.double.send_notify(APP_ID, USER, Push::Text { content: "在吗".into() }).await.unwrap();
    ok(&f.call(SEND, &text_message("在的")).await);
    f.double.advance_clock(48 * 3600);
    ok(&f.call(SEND, &text_message("48 小时整还可以")).await);
    f.double.advance_clock(1);
    refused(&f.call(SEND, &text_message("晚了")).await, "40004", "USER_INTERACTION_EXPIRED");
    f.double.send_notify(APP_ID, USER, Push::Click { action_param: "hours".into() }).await.unwrap();
    ok(&f.call(SEND, &text_message("点菜单也算交互")).await);
    f.double.send_notify(APP_ID, USER, Push::Unfollow).await.unwrap();
    refused(&f.call(SEND, &text_message("取消关注后")).await, "40004", "USER_NOT_FOLLOW");
    let sent = f.double.sent(APP_ID).unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].to_user_id, USER);
    assert_eq!(sent[0].biz_content["text"]["content"], "在的");
}

#[tokio::test]
async fn custom_send_allows_100_messages_per_user_per_beijing_day() {
    let (url, _task) = success_gateway().await;
    let f = Fixture::start_with(spec(Some(url))).await;
    f.double.send_notify(APP_ID, USER, Push::Follow).await.unwrap();
    // Start just after a Beijing midnight so the 100 fall in one day.
    let now = now_ms() / 1000;
    let into_day = (now + 8 * 3600).rem_euclid(86_400);
    f.double.advance_clock(86_400 - into_day + 60);
    f.double.send_notify(APP_ID, USER, Push::Enter { scene: None }).await.unwrap();
    for i in 0..100 {
        ok(&f.call(SEND, &text_message(&format!("第{i}条"))).await);
    }
    refused(&f.call(SEND, &text_message("第101条")).await, "40004", "FREQUENCY_LIMITED");
    f.double.advance_clock(86_400);
    f.double.send_notify(APP_ID, USER, Push::Enter { scene: None }).await.unwrap();
    ok(&f.call(SEND, &text_message("第二天")).await);
    assert_eq!(f.double.sent(APP_ID).unwrap().len(), 101);
}

#[tokio::test]
async fn custom_send_checks_the_messages_shape() {
    let (url, _task) = success_gateway().await;
    let f = Fixture::start_with(spec(Some(url))).await;
    f.double.send_notify(APP_ID, USER, Push::Follow).await.unwrap();
    let bad = [
        json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "" } }),
        json!({ "to_user_id": USER, "msg_type": "image", "image": { "media_id": "m" } }),
        json!({ "to_user_id": USER, "msg_type": "image-text", "articles": [] }),
        json!({ "msg_type": "text", "text": { "content": "hi" } }),
        json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "hi" }, "chat": "2" }),
    ];
    for biz in bad {
        refused(&f.call(SEND, &biz).await, "40002", "isv.invalid-parameter");
    }
    let articles = json!({ "to_user_id": USER, "msg_type": "image-text", "event_type": "follow", "articles": [
        { "title": "新品上市", "desc": "本周特价", "image_url": "https://img.example.com/a.png", "url": "https://shop.example.com/", "action_name": "立即查看" }
    ] });
    ok(&f.call(SEND, &articles).await);
    assert_eq!(f.double.sent(APP_ID).unwrap()[0].msg_type, "image-text");
}

// ---- messages to every follower (§3.2) ----

const TOTAL_SEND: &str = "alipay.open.public.message.total.send";

#[tokio::test]
async fn total_send_goes_to_every_follower_and_answers_its_message_id() {
    let f = Fixture::start().await;
    f.follow(&["2088102000000001", "2088102000000002"]);
    let text = json!({ "msg_type": "text", "text": { "title": "", "content": "本周新品" } });
    let body = ok(&f.call(TOTAL_SEND, &text).await).clone();
    let articles = json!({ "msg_type": "image-text", "articles": [
        { "title": "新品上市", "desc": "本周特价", "image_url": "https://img.example.com/a.png", "url": "https://shop.example.com/" }
    ] });
    ok(&f.call(TOTAL_SEND, &articles).await);
    let sends = f.double.mass_sends(APP_ID).unwrap();
    assert_eq!(sends.len(), 2);
    assert_eq!(body["message_id"], json!(sends[0].message_id));
    assert_eq!(sends[0].to_user_ids, ["2088102000000001", "2088102000000002"]);
    assert_eq!((sends[0].msg_type.as_str(), sends[1].msg_type.as_str()), ("text", "image-text"));
    assert_eq!(sends[0].biz_content["text"]["content"], "本周新品");
}

#[tokio::test]
async fn total_send_checks_the_message_and_names_no_user() {
    let f = Fixture::start().await;
    f.follow(&[USER]);
    let bad = [
        json!({ "msg_type": "text", "text": { "content": "" } }),
        json!({ "msg_type": "text" }),
        // "纯图片消息，暂时不支持".
        json!({ "msg_type": "image", "image": { "media_id": "m" } }),
        json!({ "msg_type": "image-text", "articles": [] }),
        json!({ "text": { "content": "hi" } }),
        json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "hi" } }),
    ];
    for biz in bad {
        refused(&f.call(TOTAL_SEND, &biz).await, "40002", "isv.invalid-parameter");
    }
    assert!(f.double.mass_sends(APP_ID).unwrap().is_empty());
}

// ---- followers (§6) ----

#[tokio::test]
async fn follow_batchquery_pages_with_next_user_id() {
    let f = Fixture::start().await;
    let users: Vec<String> = (1..=5).map(|i| format!("208810200000000{i}")).collect();
    f.double.add_followers(APP_ID, &users).unwrap();
    f.double.change_account(APP_ID, AccountChange { follow_page_size: Some(2), ..Default::default() }).unwrap();
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..5 {
        let biz = match &next {
            Some(id) => json!({ "next_user_id": id }),
            None => json!({}),
        };
        let answer = f.call("alipay.open.public.follow.batchquery", &biz).await;
        let page = ok(&answer);
        let ids: Vec<String> = serde_json::from_value(page["user_id_list"].clone()).unwrap();
        assert_eq!(page["count"], ids.len().to_string(), "count is a string, as in the SDK model");
        seen.extend(ids);
        next = page.get("next_user_id").and_then(Value::as_str).map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen, users, "every follower once, in order, and the last page has no next_user_id");
}

// ---- image upload ----

const BOUNDARY: &str = "wicket-boundary-7d1";

/// The multipart body the SDKs send: the text parameters, then the file.
fn multipart(png: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [("image_type", "png"), ("image_name", "图标")] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image_content\"; filename=\"icon.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(png);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn an_image_upload_signed_over_its_text_parameters_returns_an_id_and_an_https_url() {
    let f = Fixture::start().await;
    const UPLOAD: &str = "alipay.offline.material.image.upload";
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let post = |key: wicket_alipay::PrivateKey| {
        let ts = timestamp(now_ms());
        let request = Request {
            app_id: APP_ID,
            method: UPLOAD,
            biz_content: "",
            timestamp: &ts,
            charset: Charset::Utf8,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        // The SDKs sign the common and the text parameters together, then send the common ones in the query.
        let mut params: Vec<(String, String)> = request.signed_params(&key);
        params.pop();
        let mut all: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        all.push(("image_type", "png"));
        all.push(("image_name", "图标"));
        let content = wicket_alipay::sign_content(all.iter().copied(), wicket_alipay::ContentRule::V2);
        let sign = wicket_alipay::sign::sign(&key, SignType::Rsa2, content.as_bytes());
        params.push(("sign".into(), sign));
        let query = wicket_alipay::form::serialize(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), Charset::Utf8);
        let url = format!("{}?{}", f.double.gateway_url(), String::from_utf8(query).unwrap());
        f.http
            .post(url)
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(multipart(&png))
            .send()
    };
    let text = post(app_key()).await.unwrap().text().await.unwrap();
    let answer = verify_response(&text, UPLOAD, &f.double.alipay_public_key(), SignType::Rsa2);
    let body = ok(&answer);
    assert!(body["image_url"].as_str().unwrap().starts_with("https://"));
    let images = f.double.images(APP_ID).unwrap();
    assert_eq!((images[0].image_id.as_str(), images[0].bytes.len()), (body["image_id"].as_str().unwrap(), 12));
    let text = post(other_key()).await.unwrap().text().await.unwrap();
    refused(
        &verify_response(&text, UPLOAD, &f.double.alipay_public_key(), SignType::Rsa2),
        "40002",
        "isv.invalid-signature",
    );
}

// ---- the multimedia gateway ----

/// A signed `alipay.mobile.public.multimedia.download` of `media_id` from `app_id`, signed with
/// `key`: the content type and the body.
async fn download(f: &Fixture, app_id: &str, key: &wicket_alipay::PrivateKey, media_id: &str) -> (String, Vec<u8>) {
    let biz = json!({ "mediaId": media_id }).to_string();
    let ts = timestamp(now_ms());
    let request = Request {
        app_id,
        method: wicket_alipay_double::MEDIA_DOWNLOAD_METHOD,
        biz_content: &biz,
        timestamp: &ts,
        charset: Charset::Gbk,
        sign_type: SignType::Rsa2,
        app_auth_token: None,
    };
    let query = String::from_utf8(request.form_body(key)).unwrap();
    let response = f.http.get(format!("{}?{query}", f.double.media_url())).send().await.unwrap();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, response.bytes().await.unwrap().to_vec())
}

fn media_refusal(body: &[u8]) -> String {
    let answer: Value = serde_json::from_slice(body).unwrap();
    answer["alipay_mobile_public_multimedia_download_response"]["sub_code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_users_image_is_served_to_its_application_only_on_a_signed_request() {
    let f = Fixture::start().await;
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0 a user's photo";
    f.double.add_media(APP_ID, "M-1", "jpg", JPEG.to_vec()).unwrap();
    let (content_type, bytes) = download(&f, APP_ID, &app_key(), "M-1").await;
    assert_eq!((content_type.as_str(), bytes.as_slice()), ("image/jpeg", JPEG));

    let (content_type, bytes) = download(&f, APP_ID, &other_key(), "M-1").await;
    assert!(content_type.starts_with("text/plain"), "a refusal is text/plain JSON, as the SDK reads it");
    assert_eq!(media_refusal(&bytes), "isv.invalid-signature");
    let (_, bytes) = download(&f, "2021000000000999", &app_key(), "M-1").await;
    assert_eq!(media_refusal(&bytes), "isv.invalid-app-id", "another application gets nothing");
    let (_, bytes) = download(&f, APP_ID, &app_key(), "M-2").await;
    assert_eq!(media_refusal(&bytes), "MEDIA_NOT_EXIST");
    let codes: Vec<String> = f.double.calls().into_iter().map(|c| c.code).collect();
    assert_eq!(codes, ["10000", "40002", "40002", "40004"], "every download is in the call log");
}
