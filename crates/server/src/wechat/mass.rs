//! WeChat mass sends (WX-MASS, PLATFORM-RULES §3.1): a broadcast's WeChat
//! recipients go out by OpenID list (`message/mass/send`), at most 10,000 a
//! call and 60 calls a minute per account, each call with a `clientmsgid`
//! so a call sent again after a lost answer or a restart is taken once. A
//! test goes to one WeChat user first through `message/mass/preview`.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;
use wicket_model::broadcast::{Broadcast, BroadcastStatus, PlatformTotals};
use wicket_model::conversation::MessageBody;
use wicket_model::platform::WECHAT_MASS;

use super::api::{self, CallError};
use super::PLATFORM;
use crate::broadcast::store::BatchOutcome;
use crate::platform::PlatformError;
use crate::storage::StorageError;
use crate::AppState;

const SEND: &str = "/cgi-bin/message/mass/send";
const PREVIEW: &str = "/cgi-bin/message/mass/preview";
/// The window WeChat's rate counts in.
const MINUTE: Duration = Duration::from_secs(60);
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// Recent mass calls per AppID: WeChat limits the AppID, whichever
/// broadcast (or server in this process) calls.
static CALLS: LazyLock<Mutex<HashMap<String, VecDeque<Instant>>>> = LazyLock::new(Default::default);

/// How long to wait before a call at `now`, given the calls made in the
/// last `window` (oldest first); `None` when it may go now, and then it is
/// counted.
pub fn wait_for_slot(calls: &mut VecDeque<Instant>, now: Instant, limit: usize, window: Duration) -> Option<Duration> {
    while calls.front().is_some_and(|at| now.duration_since(*at) >= window) {
        calls.pop_front();
    }
    if calls.len() < limit {
        calls.push_back(now);
        return None;
    }
    calls.front().map(|oldest| window - now.duration_since(*oldest))
}

async fn take_slot(app_id: &str) {
    let limit = WECHAT_MASS.calls_per_minute.unwrap_or(u32::MAX) as usize;
    loop {
        let wait = {
            let mut calls = CALLS.lock().unwrap_or_else(|p| p.into_inner());
            wait_for_slot(calls.entry(app_id.to_owned()).or_default(), Instant::now(), limit, MINUTE)
        };
        match wait {
            None => return,
            Some(wait) => tokio::time::sleep(wait).await,
        }
    }
}

/// The mass message's own part: WeChat's mass text.
fn content(body: &MessageBody) -> Option<Value> {
    match body {
        MessageBody::Text { text } => Some(json!({"msgtype": "text", "text": {"content": text}})),
        _ => None,
    }
}

/// What a refusal of a mass call means for the broadcast: an issue key.
pub fn refusal_key(errcode: i64) -> &'static str {
    match errcode {
        // The list has fewer than 2 or more than 10,000 OpenIDs.
        40130 => "wechat.mass.recipients",
        // No mass-send quota left (subscription accounts: once a day).
        45028 => "wechat.mass.quota",
        48001 => "wechat.mass.not_authorised",
        _ => "wechat.mass.refused",
    }
}

enum Attempt {
    Done(BatchOutcome),
    Again(String),
}

fn attempt_of(result: Result<Value, CallError>) -> Attempt {
    match result {
        Ok(answer) => {
            let msg_id = match answer.get("msg_id") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            Attempt::Done(BatchOutcome::Sent { msg_id })
        }
        // 45065: a send under this clientmsgid exists: this call went before.
        Err(CallError::Refused { errcode: 45065, .. }) => Attempt::Done(BatchOutcome::Sent { msg_id: String::new() }),
        // Busy (-1), too fast (45011, 45066), a token refused twice: try again.
        Err(CallError::Refused { errcode, errmsg })
            if matches!(errcode, -1 | 45011 | 45066) || api::is_token_error(errcode) =>
        {
            Attempt::Again(format!("{errcode} {errmsg}"))
        }
        Err(CallError::Refused { errcode, .. }) => {
            Attempt::Done(BatchOutcome::Failed { reason: refusal_key(errcode).into() })
        }
        // Not sent, or sent with no answer: the same clientmsgid makes a
        // second call safe either way.
        Err(e) => Attempt::Again(e.to_string()),
    }
}

/// Sends the broadcast to its pending WeChat recipients, call by call, until
/// none is left or the broadcast is cancelled (a call already recorded as
/// made is sent again under its id either way).
pub async fn send_broadcast(
    state: &AppState,
    broadcast: &Broadcast,
    progress: &mut crate::broadcast::Progress<'_>,
) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let max = WECHAT_MASS.max_recipients_per_call.unwrap_or(10_000);
    let wechat = &state.platforms.wechat;
    loop {
        let Some(batch) = store.claim_batch(&broadcast.id, PLATFORM, max, state.clock.now()).await? else {
            return Ok(());
        };
        let connection = match wechat.connection(state, &broadcast.account_id).await {
            Ok(Some(connection)) => connection,
            Ok(None) => {
                let outcome = BatchOutcome::Failed { reason: "wechat.connection.missing".into() };
                store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await?;
                continue;
            }
            Err(e) => return Err(StorageError::Database(e.to_string())),
        };
        let Some(Value::Object(part)) = content(&broadcast.content) else {
            let outcome = BatchOutcome::Failed { reason: "broadcast.content.unsupported".into() };
            store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await?;
            continue;
        };
        let mut body = json!({"touser": batch.user_ids, "clientmsgid": batch.client_msg_id, "send_ignore_reprint": 0});
        if let Value::Object(object) = &mut body {
            object.extend(part);
        }
        let mut pause = FIRST_PAUSE;
        let outcome = loop {
            take_slot(&connection.app_id).await;
            let result = wechat.call(state, &connection, SEND, &body).await;
            match attempt_of(result) {
                Attempt::Done(outcome) => break outcome,
                Attempt::Again(why) => {
                    tracing::warn!(broadcast = %broadcast.id, batch = batch.number, %why, "mass send again shortly");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_PAUSE);
                }
            }
        };
        store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await?;
        progress.tick().await?;
        let cancelled =
            store.broadcast(&broadcast.id).await?.is_none_or(|b| b.broadcast.status != BroadcastStatus::Sending);
        if cancelled {
            // Its recipients not yet in a call were cancelled with it.
            return Ok(());
        }
    }
}

/// Keeps WeChat's report of one of its mass sends (`MASSSENDJOBFINISH`)
/// with the broadcast call it answers, matched by `msg_id`.
pub async fn record_report(state: &AppState, event: &wicket_wechat::Event) {
    let wicket_wechat::Event::MassSendJobFinish {
        msg_id: Some(msg_id),
        status,
        total_count,
        filter_count,
        sent_count,
        error_count,
    } = event
    else {
        return;
    };
    let count = |n: &Option<i64>| n.unwrap_or(0).max(0) as u64;
    let totals = PlatformTotals {
        msg_id: msg_id.clone(),
        status: status.clone(),
        total: count(total_count),
        filtered: count(filter_count),
        sent: count(sent_count),
        errors: count(error_count),
    };
    match state.storage.broadcasts().record_totals(PLATFORM, &totals, state.clock.now()).await {
        Ok(true) => {}
        Ok(false) => tracing::info!(%msg_id, "a mass send report before its call's answer, or for no broadcast"),
        Err(e) => tracing::error!(%msg_id, error = %e, "a mass send report could not be kept"),
    }
}

/// Sends `content` as a mass-message preview to one WeChat user, so staff
/// see the broadcast on a phone before it goes to everyone.
pub async fn preview(
    state: &AppState,
    account_id: &str,
    open_id: &str,
    content_body: &MessageBody,
) -> Result<(), PlatformError> {
    let wechat = &state.platforms.wechat;
    let connection = match wechat.connection(state, account_id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => {
            return Err(PlatformError {
                key: "wechat.connection.missing".into(),
                message: "this account is not connected to WeChat".into(),
            })
        }
        Err(e) => return Err(PlatformError { key: "platform.call.unavailable".into(), message: e.to_string() }),
    };
    let Some(Value::Object(part)) = content(content_body) else {
        return Err(PlatformError {
            key: "broadcast.content.unsupported".into(),
            message: "WeChat mass sends carry text here".into(),
        });
    };
    let mut body = json!({"touser": open_id});
    if let Value::Object(object) = &mut body {
        object.extend(part);
    }
    take_slot(&connection.app_id).await;
    match wechat.call(state, &connection, PREVIEW, &body).await {
        Ok(_) => Ok(()),
        Err(e @ CallError::Refused { errcode, .. }) => {
            let key = match errcode {
                40003 | 43004 => "wechat.mass.preview_user",
                _ => refusal_key(errcode),
            };
            Err(PlatformError { key: key.into(), message: e.to_string() })
        }
        Err(e) => Err(PlatformError { key: "platform.call.unavailable".into(), message: e.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixty_first_call_in_a_minute_waits_for_the_oldest_to_leave_the_window() {
        let start = Instant::now();
        let mut calls = VecDeque::new();
        for i in 0..60 {
            assert_eq!(wait_for_slot(&mut calls, start + Duration::from_millis(i * 100), 60, MINUTE), None);
        }
        let at = start + Duration::from_secs(10);
        assert_eq!(wait_for_slot(&mut calls, at, 60, MINUTE), Some(Duration::from_secs(50)));
        assert_eq!(calls.len(), 60, "a call that waits is not counted");
        assert_eq!(wait_for_slot(&mut calls, start + MINUTE, 60, MINUTE), None, "the first call has left the window");
        assert_eq!(calls.len(), 60);
    }

    #[test]
    fn a_call_whose_answer_was_lost_is_made_again_and_a_duplicate_id_means_it_went() {
        assert!(matches!(attempt_of(Err(CallError::NoAnswer("timeout".into()))), Attempt::Again(_)));
        let duplicate = attempt_of(Err(CallError::Refused { errcode: 45065, errmsg: "clientmsgid exist".into() }));
        assert!(matches!(duplicate, Attempt::Done(BatchOutcome::Sent { .. })));
        let too_fast = attempt_of(Err(CallError::Refused { errcode: 45011, errmsg: "freq".into() }));
        assert!(matches!(too_fast, Attempt::Again(_)));
        let refused = attempt_of(Err(CallError::Refused { errcode: 40130, errmsg: "size".into() }));
        assert!(
            matches!(refused, Attempt::Done(BatchOutcome::Failed { reason }) if reason == "wechat.mass.recipients")
        );
        let sent = attempt_of(Ok(json!({"errcode": 0, "msg_id": 1000000001_i64})));
        assert!(matches!(sent, Attempt::Done(BatchOutcome::Sent { msg_id }) if msg_id == "1000000001"));
    }
}
