//! The `/_double/` HTTP controls, as a test in another process (or the console's end-to-end
//! tests against the `alipay-double` binary) drives the double.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use common::*;
use serde_json::{json, Value};
use wicket_alipay::PublicKey;
use wicket_alipay_double::Double;

#[tokio::test]
async fn an_account_set_up_and_driven_over_http_behaves_as_through_the_library() {
    let (gateway, _task) = success_gateway().await;
    let double = Double::new().serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = reqwest::Client::new();
    let base = double.base_url();
    let url = |path: &str| format!("{base}{path}");
    let post = |path: &str, body: Value| http.post(url(path)).json(&body).send();

    let key: Value = http.get(url("/_double/alipay-public-key")).send().await.unwrap().json().await.unwrap();
    let alipay_key = PublicKey::parse(key["alipay_public_key"].as_str().unwrap()).unwrap();
    assert_eq!(alipay_key, double.alipay_public_key(), "the key a server is configured with");

    let spec = json!({ "app_id": APP_ID, "app_public_key": app_key().public_key_base64(), "gateway_url": gateway, "charset": "GBK" });
    assert_eq!(post("/_double/accounts", spec.clone()).await.unwrap().status(), 200);
    let again = post("/_double/accounts", spec).await.unwrap();
    assert_eq!(again.status(), 400, "an account is added once");
    assert!(again.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("exists"));

    let check: Value =
        post(&format!("/_double/accounts/{APP_ID}/verify-gateway"), json!({})).await.unwrap().json().await.unwrap();
    assert_eq!(check["verified"], true, "{check}");

    let push = json!({ "user_id": USER, "push": { "type": "text", "content": "在吗" } });
    let report: Value =
        post(&format!("/_double/accounts/{APP_ID}/notifies"), push).await.unwrap().json().await.unwrap();
    assert_eq!(report["delivered"], true, "{report}");
    let msg_id = report["msg_id"].as_str().unwrap();
    let resent: Value = post(&format!("/_double/accounts/{APP_ID}/notifies/{msg_id}/resend"), json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resent["msg_id"], msg_id);

    // The adapter's call, then what the double holds, over HTTP.
    let f = Fixture { double, http: http.clone() };
    let answer = f
        .call(
            "alipay.open.public.message.custom.send",
            &json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "在的" } }),
        )
        .await;
    ok(&answer);
    let sent: Value =
        http.get(url(&format!("/_double/accounts/{APP_ID}/sent"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent[0]["biz_content"]["text"]["content"], "在的");
    let followers: Value =
        http.get(url(&format!("/_double/accounts/{APP_ID}/followers"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(followers, json!([USER]));

    // Faults (one with no kind is Alipay's unknown error) and the clock.
    post("/_double/faults", json!({ "method": "alipay.open.public.info.query" })).await.unwrap();
    refused(&f.call("alipay.open.public.info.query", &Value::Null).await, "20000", "isp.unknow-error");
    post(
        "/_double/faults",
        json!({ "kind": { "error": { "code": "40004", "msg": "Business Failed", "sub_code": "X", "sub_msg": "y" } } }),
    )
    .await
    .unwrap();
    refused(&f.call("alipay.open.public.info.query", &Value::Null).await, "40004", "X");
    post("/_double/clock/advance", json!({ "seconds": 48 * 3600 + 1 })).await.unwrap();
    let late = f
        .call(
            "alipay.open.public.message.custom.send",
            &json!({ "to_user_id": USER, "msg_type": "text", "text": { "content": "晚了" } }),
        )
        .await;
    refused(&late, "40004", "USER_INTERACTION_EXPIRED");

    let calls: Value = http.get(url("/_double/calls")).send().await.unwrap().json().await.unwrap();
    let codes: Vec<&str> = calls.as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["10000", "20000", "40004", "40004"]);
}
