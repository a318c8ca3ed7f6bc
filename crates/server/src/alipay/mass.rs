//! Alipay broadcasts (PLATFORM-RULES §3.2): a broadcast to all followers goes
//! out as one `alipay.open.public.message.total.send`, text or image-text.
//!
//! The call names nobody, so the ledger's Alipay recipients (the followers
//! Wicket knows, each decided against the account's cap) go into one batch,
//! committed before the call leaves. Alipay takes no dedupe id on this call:
//! a batch found still sending after a restart, or a call whose answer was
//! lost or was Alipay's "unknown error", may have gone out, so it is recorded
//! as unknown (`alipay.broadcast.unknown`) and never made again by itself.
//! Only a call that never left is made again.
//!
//! The "once per week" send-to-all note is the account's cap (its setting,
//! `AccountSettings::broadcast`, counted per account: `ALIPAY_MASS`), decided
//! when the broadcast is planned. Segments are refused before they are stored
//! (`NewBroadcast::check`: Alipay's groups are built from its own labels).

use std::time::Duration;

use serde_json::{json, Value};
use wicket_model::broadcast::Broadcast;
use wicket_model::conversation::MessageBody;

use super::api::CallError;
use super::{is_transient, PLATFORM};
use crate::broadcast::store::BatchOutcome;
use crate::storage::StorageError;
use crate::AppState;

/// A message to every follower of the account.
pub const TOTAL_SEND: &str = "alipay.open.public.message.total.send";
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// The `biz_content` of a send to all followers, for the content Alipay
/// broadcasts take (ALI-J2 `AlipayOpenPublicMessageTotalSendModel`): text,
/// or an article card as image-text. `None` for any other content.
pub fn total_send_body(body: &MessageBody) -> Option<Value> {
    match body {
        MessageBody::Text { text } => Some(json!({"msg_type": "text", "text": {"content": text}})),
        MessageBody::Article { title, description, url, image_url } => Some(json!({
            "msg_type": "image-text",
            "articles": [{"title": title, "desc": description, "url": url, "image_url": image_url}],
        })),
        _ => None,
    }
}

/// What came of one try of the call.
enum Attempt {
    Done(BatchOutcome),
    /// It did not leave: safe to make again.
    Again(String),
}

fn attempt_of(result: Result<wicket_alipay::openapi::Response, CallError>) -> Attempt {
    match result {
        Ok(answer) => {
            let msg_id = answer.body.get("message_id").and_then(Value::as_str).unwrap_or_default().to_owned();
            Attempt::Done(BatchOutcome::Sent { msg_id })
        }
        Err(CallError::NotSent(why)) => Attempt::Again(why),
        // Alipay's unknown error does not say the message did not go.
        Err(CallError::Refused { code, sub_code, .. }) if is_transient(&code, sub_code.as_deref()) => {
            Attempt::Done(BatchOutcome::Failed { reason: "alipay.broadcast.unknown".into() })
        }
        Err(CallError::Refused { code, sub_code, sub_msg, .. }) => {
            tracing::info!(code = %code, sub_code = ?sub_code, sub_msg = ?sub_msg, "Alipay refused a broadcast");
            Attempt::Done(BatchOutcome::Failed { reason: "alipay.broadcast.refused".into() })
        }
        Err(CallError::NoAnswer(_) | CallError::Unverified(_)) => {
            Attempt::Done(BatchOutcome::Failed { reason: "alipay.broadcast.unknown".into() })
        }
    }
}

/// Sends the broadcast to its pending Alipay recipients in one call to all
/// followers (see the module's comment for what a restart does).
pub async fn send_broadcast(state: &AppState, broadcast: &Broadcast) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let Some((batch, resumed)) = store.claim_all(&broadcast.id, PLATFORM, state.clock.now()).await? else {
        return Ok(());
    };
    let outcome = if resumed {
        tracing::warn!(broadcast = %broadcast.id, "an Alipay broadcast call was under way when the job stopped; not made again");
        BatchOutcome::Failed { reason: "alipay.broadcast.unknown".into() }
    } else {
        send(state, broadcast).await?
    };
    store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await
}

async fn send(state: &AppState, broadcast: &Broadcast) -> Result<BatchOutcome, StorageError> {
    let alipay = &state.platforms.alipay;
    let connection = match alipay.connection(state, &broadcast.account_id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => return Ok(BatchOutcome::Failed { reason: "alipay.connection.missing".into() }),
        Err(e) => return Err(StorageError::Database(e.to_string())),
    };
    let Some(body) = total_send_body(&broadcast.content) else {
        return Ok(BatchOutcome::Failed { reason: "broadcast.content.unsupported".into() });
    };
    let mut pause = FIRST_PAUSE;
    loop {
        match attempt_of(alipay.call(state, &connection, TOTAL_SEND, &body).await) {
            Attempt::Done(outcome) => return Ok(outcome),
            Attempt::Again(why) => {
                tracing::warn!(broadcast = %broadcast.id, %why, "Alipay broadcast not sent; trying again shortly");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str, sub_code: Option<&str>) -> Result<wicket_alipay::openapi::Response, CallError> {
        Err(CallError::Refused {
            code: code.into(),
            msg: "m".into(),
            sub_code: sub_code.map(Into::into),
            sub_msg: None,
        })
    }

    fn reason(attempt: Attempt) -> String {
        match attempt {
            Attempt::Done(BatchOutcome::Failed { reason }) => reason,
            Attempt::Done(BatchOutcome::Sent { msg_id }) => format!("sent {msg_id}"),
            Attempt::Again(why) => format!("again {why}"),
        }
    }

    #[test]
    fn only_a_call_that_never_left_is_made_again() {
        assert_eq!(reason(attempt_of(Err(CallError::NotSent("refused".into())))), "again refused");
        assert_eq!(reason(attempt_of(Err(CallError::NoAnswer("timeout".into())))), "alipay.broadcast.unknown");
        assert_eq!(reason(attempt_of(Err(CallError::Unverified("sign".into())))), "alipay.broadcast.unknown");
        assert_eq!(reason(attempt_of(refused("20000", Some("isp.unknow-error")))), "alipay.broadcast.unknown");
        assert_eq!(reason(attempt_of(refused("40004", Some("SOMETHING")))), "alipay.broadcast.refused");
    }

    #[test]
    fn text_and_article_cards_go_as_alipays_text_and_image_text() {
        let text = total_send_body(&MessageBody::Text { text: "本周新品".into() }).unwrap();
        assert_eq!(text, json!({"msg_type": "text", "text": {"content": "本周新品"}}));
        let card = MessageBody::Article {
            title: "新品".into(),
            description: "春季".into(),
            url: "https://shop.example/new".into(),
            image_url: "https://shop.example/cover.jpg".into(),
        };
        let card = total_send_body(&card).unwrap();
        assert_eq!(card["msg_type"], "image-text");
        assert_eq!(card["articles"][0]["desc"], "春季");
        assert_eq!(total_send_body(&MessageBody::Image { url: "https://x/y.png".into() }), None);
    }
}
