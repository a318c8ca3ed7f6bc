//! Pushes from the double to a small application gateway that checks them with wicket-alipay,
//! as the merchant's server will: signatures in the account's charset, the notify XML, the
//! gateway check, and Alipay's tries until a valid signed success comes back.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use common::*;
use wicket_alipay::gateway::{self, failure_response, notify_ack, notify_ack_for, verifygw_response};
use wicket_alipay::{Charset, Notify, NotifyKind, PrivateKey, PublicKey};
use wicket_alipay_double::{AccountChange, Double, Push, CHECK_SERVICE, NOTIFY_SERVICE};

/// How the gateway answers one request.
#[derive(Clone, Debug)]
enum Answer {
    /// The 服务窗 ack message addressed to the user (or the verifygw answer for a gateway check).
    Ack,
    /// A bare signed `<success>true</success>`: not Alipay's documented answer to a notify.
    Plain,
    /// The ack message with no signature.
    Unsigned,
    /// An ack message for another application.
    AckForOtherApp,
    /// The 服务窗 ack message addressed to the user.
    AckFor,
    /// An ack message addressed to someone else.
    AckForOther,
    Failure,
    Status(u16),
    Garbage,
    /// A correct-looking answer signed with a key the account does not have.
    WrongKey,
}

/// A push that opened: its service, charset and notify.
type Opened = (String, Charset, Notify);

#[derive(Clone)]
struct Receiver {
    alipay_key: PublicKey,
    app_key: PrivateKey,
    script: Arc<Mutex<VecDeque<Answer>>>,
    opened: Arc<Mutex<Vec<Opened>>>,
    refused: Arc<Mutex<Vec<String>>>,
}

async fn receive(State(r): State<Receiver>, body: Bytes) -> Response {
    let request = match gateway::parse_form(&body) {
        Ok(request) => request,
        Err(e) => return refuse(&r, e.to_string()),
    };
    let notify = match request.open(&r.alipay_key) {
        Ok(notify) => notify,
        Err(e) => return refuse(&r, e.to_string()),
    };
    let charset = request.charset;
    r.opened.lock().unwrap().push((request.service.clone(), charset, notify.clone()));
    let answer = r.script.lock().unwrap().pop_front().unwrap_or(Answer::Ack);
    let check = request.service == CHECK_SERVICE;
    match answer {
        Answer::Ack if check => verifygw_response(&r.app_key, charset).into_response(),
        Answer::Ack => notify_ack_for(&r.app_key, charset, &notify, now_ms() / 1000).into_response(),
        Answer::Plain => notify_ack(&r.app_key, charset).into_response(),
        Answer::Unsigned => {
            let signed = notify_ack_for(&r.app_key, charset, &notify, now_ms() / 1000);
            let end = signed.find("<sign>").unwrap();
            format!("{}</alipay>", &signed[..end]).into_response()
        }
        Answer::AckForOtherApp => {
            let mut other = notify.clone();
            other.app_id = "2021000000000999".into();
            notify_ack_for(&r.app_key, charset, &other, now_ms() / 1000).into_response()
        }
        Answer::AckFor => notify_ack_for(&r.app_key, charset, &notify, now_ms() / 1000).into_response(),
        Answer::AckForOther => {
            let mut other = notify.clone();
            other.from_user_id = "2088000000000000".into();
            notify_ack_for(&r.app_key, charset, &other, now_ms() / 1000).into_response()
        }
        Answer::Failure => failure_response(&r.app_key, charset, "VERIFY_FAILED").into_response(),
        Answer::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Answer::Garbage => "<html>oops</html>".into_response(),
        Answer::WrongKey if check => verifygw_response(&other_key(), charset).into_response(),
        Answer::WrongKey => notify_ack_for(&other_key(), charset, &notify, now_ms() / 1000).into_response(),
    }
}

fn refuse(r: &Receiver, why: String) -> Response {
    r.refused.lock().unwrap().push(why.clone());
    (StatusCode::FORBIDDEN, why).into_response()
}

/// A gateway that trusts `alipay_key` and answers from `script` (then with acks).
async fn receiver(alipay_key: PublicKey, script: Vec<Answer>) -> (Receiver, String, tokio::task::JoinHandle<()>) {
    let r = Receiver {
        alipay_key,
        app_key: app_key(),
        script: Arc::new(Mutex::new(script.into())),
        opened: Arc::default(),
        refused: Arc::default(),
    };
    let app = Router::new().route("/alipay/gateway", axum::routing::post(receive)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alipay/gateway", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, url, task)
}

/// A double with one account whose gateway is a receiver answering from `script`.
async fn setup(charset: &str, script: Vec<Answer>) -> (Fixture, Receiver, tokio::task::JoinHandle<()>) {
    let alipay_public = Double::new().alipay_public_key();
    let (r, url, task) = receiver(alipay_public, script).await;
    let mut spec = spec(Some(url));
    spec.charset = charset.into();
    (Fixture::start_with(spec).await, r, task)
}

#[tokio::test]
async fn the_gateway_check_is_answered_with_the_application_public_key_in_utf8_and_gbk() {
    for charset in ["UTF-8", "GBK"] {
        let (f, r, _task) = setup(charset, vec![]).await;
        let check = f.double.verify_gateway(APP_ID).await.unwrap();
        assert!(check.verified, "{charset}: {check:?}");
        assert_eq!(check.answered_key, Some(app_key().public_key_base64()));
        assert!(r.refused.lock().unwrap().is_empty(), "{charset}: wicket-alipay accepted the signed check");
        let opened = r.opened.lock().unwrap();
        let (service, got_charset, notify) = &opened[0];
        assert_eq!(service, CHECK_SERVICE);
        assert_eq!(got_charset.name(), charset, "the form names the account's charset");
        assert_eq!(notify.kind, NotifyKind::Verifygw);
        assert_eq!(notify.app_id, APP_ID);
    }
}

#[tokio::test]
async fn the_gateway_check_fails_on_a_wrong_key_a_failure_or_a_bad_answer() {
    let (f, _r, _task) =
        setup("UTF-8", vec![Answer::WrongKey, Answer::Failure, Answer::Garbage, Answer::Status(500)]).await;
    for expected in ["refused", "failure", "refused", "status 500"] {
        let check = f.double.verify_gateway(APP_ID).await.unwrap();
        assert!(!check.verified, "{check:?}");
        assert!(check.outcome.contains(expected), "{expected}: {check:?}");
    }
    // An answer that says success but holds another public key.
    let (f, r, _task) = setup("UTF-8", vec![]).await;
    let _ = r;
    f.double
        .change_account(
            APP_ID,
            AccountChange { app_public_key: Some(other_key().public_key_base64()), ..Default::default() },
        )
        .unwrap();
    let check = f.double.verify_gateway(APP_ID).await.unwrap();
    assert!(!check.verified, "signed by a key other than the account's: {check:?}");
}

#[tokio::test]
async fn a_gateway_that_trusts_another_alipay_key_refuses_every_push() {
    let (r, url, _task) = receiver(other_key().public_key(), vec![]).await;
    let f = Fixture::start_with(spec(Some(url))).await;
    let report = f.double.send_notify(APP_ID, USER, Push::Text { content: "hi".into() }).await.unwrap();
    assert!(!report.delivered);
    assert_eq!(report.tries.len(), 3, "Alipay tries three times in all by default");
    assert!(report.tries.iter().all(|t| t.status == Some(403)));
    assert_eq!(r.refused.lock().unwrap().len(), 3, "the signature is checked, not assumed: {:?}", r.refused);
}

#[tokio::test]
async fn every_kind_of_push_reaches_the_gateway_as_wicket_alipay_reads_it() {
    for charset in ["UTF-8", "GBK"] {
        let (f, r, _task) = setup(charset, vec![]).await;
        let pushes = [
            (Push::Follow, NotifyKind::Follow),
            (Push::Click { action_param: "hours".into() }, NotifyKind::Click { action_param: "hours".into() }),
            (Push::Enter { scene: Some("table_3".into()) }, NotifyKind::Enter { scene: Some("table_3".into()) }),
            (
                Push::Text { content: "你好 <b>&amp; ]]> 再见".into() },
                NotifyKind::Text { content: "你好 <b>&amp; ]]> 再见".into() },
            ),
            (
                Push::Image { media_id: "m_1".into(), format: Some("jpg".into()) },
                NotifyKind::Image { media_id: "m_1".into(), format: Some("jpg".into()) },
            ),
            (Push::Unfollow, NotifyKind::Unfollow),
        ];
        let mut msg_ids = Vec::new();
        for (push, _) in &pushes {
            let report = f.double.send_notify(APP_ID, USER, push.clone()).await.unwrap();
            assert!(report.delivered, "{charset} {push:?}: {:?}", report.tries);
            assert_eq!(report.tries.len(), 1);
            msg_ids.push(report.msg_id);
        }
        assert!(r.refused.lock().unwrap().is_empty(), "{charset}: {:?}", r.refused);
        let opened = r.opened.lock().unwrap();
        for (i, ((service, _, notify), (_, kind))) in opened.iter().zip(&pushes).enumerate() {
            assert_eq!(service, NOTIFY_SERVICE);
            assert_eq!(&notify.kind, kind, "{charset}: the notify reads back as sent");
            assert_eq!(notify.from_user_id, USER);
            assert_eq!(notify.app_id, APP_ID);
            assert_eq!(notify.msg_id.as_ref(), Some(&msg_ids[i]));
            assert!(notify.create_time.is_some_and(|t| (t - now_ms()).abs() < 60_000), "CreateTime in ms");
            assert!(notify.user_info.as_ref().is_some_and(|u| u.logon_id.is_some()), "UserInfo is attached");
        }
        let unique: std::collections::HashSet<_> = msg_ids.iter().collect();
        assert_eq!(unique.len(), msg_ids.len(), "each push has its own MsgId");
    }
}

#[tokio::test]
async fn a_push_to_an_account_without_a_gateway_is_refused_and_changes_nothing() {
    let f = Fixture::start().await;
    let refused = f.double.send_notify(APP_ID, USER, Push::Follow).await.unwrap_err();
    assert!(refused.contains("no application gateway"), "{refused}");
    assert!(f.double.followers(APP_ID).unwrap().is_empty(), "the follow did not take effect");
}

#[tokio::test]
async fn follows_and_interactions_make_followers_and_an_unfollow_removes_them() {
    let (f, _r, _task) = setup("UTF-8", vec![]).await;
    f.double.send_notify(APP_ID, "2088000000000001", Push::Follow).await.unwrap();
    f.double.send_notify(APP_ID, "2088000000000002", Push::Text { content: "hi".into() }).await.unwrap();
    assert_eq!(f.double.followers(APP_ID).unwrap(), ["2088000000000001", "2088000000000002"]);
    f.double.send_notify(APP_ID, "2088000000000001", Push::Unfollow).await.unwrap();
    assert_eq!(f.double.followers(APP_ID).unwrap(), ["2088000000000002"]);
}

#[tokio::test]
async fn a_push_is_tried_again_with_the_same_msg_id_until_a_valid_signed_success() {
    let (f, r, _task) = setup(
        "UTF-8",
        vec![Answer::Status(500), Answer::Garbage, Answer::WrongKey, Answer::AckForOther, Answer::AckFor],
    )
    .await;
    f.double.change_account(APP_ID, AccountChange { push_max_tries: Some(5), ..Default::default() }).unwrap();
    let report = f.double.send_notify(APP_ID, USER, Push::Text { content: "在吗".into() }).await.unwrap();
    let outcomes: Vec<(bool, &str)> = report.tries.iter().map(|t| (t.accepted, t.outcome.as_str())).collect();
    assert_eq!(outcomes.len(), 5, "{outcomes:?}");
    assert!(outcomes[..4].iter().all(|(accepted, _)| !accepted), "{outcomes:?}");
    assert!(outcomes[3].1.contains("ToUserId"), "an ack for someone else is not an ack: {outcomes:?}");
    assert!(report.delivered, "the 服务窗 ack message addressed to the user is a success");
    let opened = r.opened.lock().unwrap();
    assert_eq!(opened.len(), 5);
    let keys: std::collections::HashSet<String> = opened.iter().map(|(_, _, n)| n.dedup_key()).collect();
    assert_eq!(keys.len(), 1, "every try carries the same MsgId and CreateTime, so one dedup key");
}

#[tokio::test]
async fn only_the_ack_message_signed_with_the_application_key_stops_the_tries() {
    let script = vec![Answer::Plain, Answer::Unsigned, Answer::WrongKey, Answer::AckForOtherApp, Answer::Ack];
    let (f, _r, _task) = setup("GBK", script).await;
    f.double.change_account(APP_ID, AccountChange { push_max_tries: Some(5), ..Default::default() }).unwrap();
    let report = f.double.send_notify(APP_ID, USER, Push::Text { content: "在吗".into() }).await.unwrap();
    let outcomes: Vec<&str> = report.tries.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(report.tries.iter().filter(|t| t.accepted).count(), 1, "{outcomes:?}");
    assert!(outcomes[0].contains("not the ack message"), "a bare success is not Alipay's ack: {outcomes:?}");
    assert!(outcomes[1].contains("refused"), "an unsigned ack is refused: {outcomes:?}");
    assert!(outcomes[2].contains("refused"), "an ack signed with another key is refused: {outcomes:?}");
    assert!(outcomes[3].contains("AppId"), "an ack for another application is refused: {outcomes:?}");
    assert!(report.delivered && report.tries[4].accepted, "{outcomes:?}");
}

#[tokio::test]
async fn tries_run_out_and_a_resend_carries_the_same_msg_id() {
    let (f, r, _task) = setup("GBK", vec![Answer::Failure, Answer::Failure]).await;
    f.double.change_account(APP_ID, AccountChange { push_max_tries: Some(2), ..Default::default() }).unwrap();
    let report = f.double.send_notify(APP_ID, USER, Push::Text { content: "第一条".into() }).await.unwrap();
    assert!(!report.delivered);
    assert_eq!(report.tries.len(), 2);
    assert!(report.tries.iter().all(|t| t.outcome.contains("failure")), "{:?}", report.tries);

    let again = f.double.resend_notify(APP_ID, &report.msg_id).await.unwrap();
    assert!(again.delivered);
    assert_eq!(
        (again.msg_id.as_str(), again.biz_content.as_str()),
        (report.msg_id.as_str(), report.biz_content.as_str())
    );
    assert!(f.double.resend_notify(APP_ID, "1").await.is_err(), "only a pushed notify can be resent");
    let opened = r.opened.lock().unwrap();
    assert_eq!(opened.len(), 3);
    assert_eq!(opened[0].2, opened[2].2, "the resent notify is the same notify");
    assert_eq!(f.double.notifies(APP_ID).unwrap().len(), 2, "the resend is reported on its own");
}

#[tokio::test]
async fn a_gateway_that_does_not_answer_in_time_is_tried_again() {
    async fn slow() -> &'static str {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        "late"
    }
    let app = Router::new().route("/slow", axum::routing::post(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    let _task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let f = Fixture::start_with(spec(Some(url))).await;
    let change = AccountChange { push_timeout_ms: Some(200), push_max_tries: Some(2), ..Default::default() };
    f.double.change_account(APP_ID, change).unwrap();
    let report = f.double.send_notify(APP_ID, USER, Push::Follow).await.unwrap();
    assert!(!report.delivered);
    assert_eq!(report.tries.len(), 2);
    assert!(report.tries.iter().all(|t| t.outcome.contains("timed out")), "{:?}", report.tries);
}
