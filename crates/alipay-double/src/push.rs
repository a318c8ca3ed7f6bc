//! Pushes to the merchant's application gateway (应用网关), as Alipay sends them
//! (PLATFORM-RULES §4.2, §5.2):
//!
//! - a POST form with `service`, `biz_content` (the XML), `charset`, `sign_type` = RSA2 and
//!   `sign`, signed with Alipay's key over all parameters but `sign`, values in the account's charset;
//! - `alipay.service.check` (verifygw): the answer must be Alipay's signed XML, verified with the
//!   application public key, with `success` true and `biz_content` the application public key;
//! - `alipay.mobile.public.message.notify` (follow, unfollow, click, enter, text, image): the
//!   answer Alipay takes is the ack message of its 服务窗 demos (FWC-PHP `mkAckMsg`: "给支付宝返回ACK
//!   回应消息，不然支付宝会再次重试发送消息"): `<XML><ToUserId>` the notify's user `</ToUserId><AppId>`
//!   the account `</AppId><CreateTime>…</CreateTime><MsgType>ack</MsgType></XML>` inside
//!   `<alipay><response>…</response><sign>…</sign><sign_type>…</sign_type></alipay>`, signed with
//!   the application key. Any other answer (a bare `<success>true</success>`, an unsigned or wrongly
//!   signed ack, an ack for another user or application) is tried again, the same notify (same
//!   MsgId and CreateTime) signed afresh each time; a test can also resend one by its MsgId.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use wicket_alipay::charset::Charset;
use wicket_alipay::gateway::{parse_gateway_response, signed_gateway_form};
use wicket_alipay::keys::{PrivateKey, PublicKey};
use wicket_alipay::notify::{notify_xml, Notify, NotifyKind, UserInfo};
use wicket_alipay::sign::SignType;

use crate::state::Interaction;

/// The service of message and event pushes.
pub const NOTIFY_SERVICE: &str = "alipay.mobile.public.message.notify";
/// The service of the gateway check.
pub const CHECK_SERVICE: &str = "alipay.service.check";

/// A user's event or message to push to the account's gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Push {
    Follow,
    Unfollow,
    /// An `out` menu button: `ActionParam` is its action_param.
    Click {
        action_param: String,
    },
    /// Entering the 生活号; with `scene`, from a custom QR code.
    Enter {
        #[serde(default)]
        scene: Option<String>,
    },
    Text {
        content: String,
    },
    Image {
        media_id: String,
        #[serde(default)]
        format: Option<String>,
    },
}

impl Push {
    /// What the push does to the account (§2.2): follow, unfollow, or open the window.
    pub(crate) fn interaction(&self) -> Interaction {
        match self {
            Push::Follow => Interaction::Follow,
            Push::Unfollow => Interaction::Unfollow,
            _ => Interaction::Window,
        }
    }

    fn kind(&self) -> NotifyKind {
        match self.clone() {
            Push::Follow => NotifyKind::Follow,
            Push::Unfollow => NotifyKind::Unfollow,
            Push::Click { action_param } => NotifyKind::Click { action_param },
            Push::Enter { scene } => NotifyKind::Enter { scene },
            Push::Text { content } => NotifyKind::Text { content },
            Push::Image { media_id, format } => NotifyKind::Image { media_id, format },
        }
    }
}

/// One try of a push and how the gateway answered it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Try {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// `true` when Alipay would take the answer and stop.
    pub accepted: bool,
    /// What happened, in words.
    pub outcome: String,
}

/// A notify and every try of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NotifyReport {
    pub user_id: String,
    pub msg_id: String,
    /// The biz_content XML as sent.
    pub biz_content: String,
    pub tries: Vec<Try>,
    /// A valid signed success came back.
    pub delivered: bool,
}

/// The gateway check (verifygw) and what the gateway answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GatewayCheck {
    /// The answer is signed with the application key, says success, and holds that key.
    pub verified: bool,
    pub status: Option<u16>,
    pub outcome: String,
    /// The public key the answer's biz_content held, when it had one.
    pub answered_key: Option<String>,
}

/// What a push needs from the account, copied out so no lock is held across the requests.
pub(crate) struct Target {
    pub app_id: String,
    pub url: String,
    pub charset: Charset,
    pub app_public_key: PublicKey,
    pub timeout: Duration,
    pub max_tries: u32,
}

/// A masked UserInfo, as Alipay sends it (`logon_id`, `user_name`; §4.2 "Common fields").
fn user_info(user_id: &str) -> UserInfo {
    let tail: String = user_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    UserInfo { logon_id: Some(format!("138****{tail}")), user_name: Some("*三".to_owned()) }
}

pub(crate) fn notify(app_id: &str, user_id: &str, msg_id: &str, create_time_ms: i64, push: &Push) -> Notify {
    Notify {
        app_id: app_id.to_owned(),
        from_user_id: user_id.to_owned(),
        create_time: Some(create_time_ms),
        msg_id: Some(msg_id.to_owned()),
        user_info: Some(user_info(user_id)),
        kind: push.kind(),
    }
}

pub(crate) fn check_xml(app_id: &str, create_time_ms: i64) -> String {
    notify_xml(&Notify {
        app_id: app_id.to_owned(),
        from_user_id: String::new(),
        create_time: Some(create_time_ms),
        msg_id: None,
        user_info: None,
        kind: NotifyKind::Verifygw,
    })
}

fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("timed out after {} ms", timeout.as_millis())
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        format!("request failed: {e}")
    }
}

/// One signed POST of `service` with `biz_content`; the status and the answer's text.
async fn post(
    http: &reqwest::Client,
    target: &Target,
    alipay_key: &PrivateKey,
    service: &str,
    biz_content: &str,
) -> Result<(u16, String), (Option<u16>, String)> {
    let body = signed_gateway_form(service, biz_content, target.charset, SignType::Rsa2, alipay_key, &[]);
    let content_type = format!("application/x-www-form-urlencoded; charset={}", target.charset.name());
    let request = http.post(&target.url).header("content-type", content_type).body(body).timeout(target.timeout);
    let response = request.send().await.map_err(|e| (None, describe(&e, target.timeout)))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(|e| (Some(status), describe(&e, target.timeout)))?;
    let text = match target.charset.decode(&bytes) {
        Ok(text) => text,
        Err(_) => return Err((Some(status), format!("the answer is not {}", target.charset.name()))),
    };
    Ok((status, text))
}

/// Sends the notify until a valid signed success comes back or the tries run out.
pub(crate) async fn deliver(
    http: &reqwest::Client,
    target: &Target,
    alipay_key: &PrivateKey,
    user_id: &str,
    biz_content: &str,
) -> Vec<Try> {
    let mut tries = Vec::new();
    for _ in 0..target.max_tries {
        let attempt = match post(http, target, alipay_key, NOTIFY_SERVICE, biz_content).await {
            Ok((200, text)) => match parse_gateway_response(text.trim(), &target.app_public_key) {
                Ok(answer) if answer.ack_to_user_id.is_none() && answer.success => Try {
                    status: Some(200),
                    accepted: false,
                    outcome: "the answer is not the ack message (<MsgType>ack</MsgType>)".into(),
                },
                Ok(answer) if answer.ack_to_user_id.as_deref().is_some_and(|to| to.trim() != user_id) => Try {
                    status: Some(200),
                    accepted: false,
                    outcome: "the ack's ToUserId is not the user the notify came from".into(),
                },
                Ok(answer)
                    if answer.ack_to_user_id.is_some()
                        && answer.ack_app_id.as_deref().map(str::trim) != Some(target.app_id.as_str()) =>
                {
                    Try { status: Some(200), accepted: false, outcome: "the ack's AppId is not the account's".into() }
                }
                Ok(answer) if answer.success => Try { status: Some(200), accepted: true, outcome: "ack".into() },
                Ok(answer) => Try {
                    status: Some(200),
                    accepted: false,
                    outcome: format!(
                        "the answer says failure ({})",
                        answer.error_code.as_deref().unwrap_or("no error code")
                    ),
                },
                Err(e) => Try { status: Some(200), accepted: false, outcome: format!("the answer is refused: {e}") },
            },
            Ok((status, _)) => Try { status: Some(status), accepted: false, outcome: format!("status {status}") },
            Err((status, outcome)) => Try { status, accepted: false, outcome },
        };
        let accepted = attempt.accepted;
        tries.push(attempt);
        if accepted {
            break;
        }
    }
    tries
}

/// The gateway check Alipay's console runs when the merchant saves the application gateway.
pub(crate) async fn verify_gateway(
    http: &reqwest::Client,
    target: &Target,
    alipay_key: &PrivateKey,
    biz_content: &str,
) -> GatewayCheck {
    let expected = target.app_public_key.to_base64();
    match post(http, target, alipay_key, CHECK_SERVICE, biz_content).await {
        Ok((200, text)) => match parse_gateway_response(text.trim(), &target.app_public_key) {
            Ok(answer) => {
                let answered_key = answer.biz_content.clone();
                let holds_key =
                    answered_key.as_deref().map(|k| k.split_whitespace().collect::<String>()) == Some(expected);
                let (verified, outcome) = match (answer.success, holds_key) {
                    (true, true) => (true, "the answer is signed and holds the application public key".to_owned()),
                    (false, _) => (false, "the answer says failure".to_owned()),
                    (true, false) => (false, "the answer's biz_content is not the application public key".to_owned()),
                };
                GatewayCheck { verified, status: Some(200), outcome, answered_key }
            }
            Err(e) => GatewayCheck {
                verified: false,
                status: Some(200),
                outcome: format!("the answer is refused: {e}"),
                answered_key: None,
            },
        },
        Ok((status, _)) => GatewayCheck {
            verified: false,
            status: Some(status),
            outcome: format!("status {status}"),
            answered_key: None,
        },
        Err((status, outcome)) => GatewayCheck { verified: false, status, outcome, answered_key: None },
    }
}
