//! WeChat mass sends (WX-MASS, PLATFORM-RULES §3.1): a broadcast's WeChat
//! recipients go out by OpenID list (`message/mass/send`), at most 10,000 a
//! call and 60 calls a minute per account, each call with a `clientmsgid`
//! so a call sent again after a lost answer or a restart is taken once. A
//! subscription account sends to all or to a tag (`message/mass/sendall`),
//! as does a segment of exactly one tag WeChat also has (see `route_of`). A
//! test goes to one WeChat user first through `message/mass/preview`.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;
use wicket_model::broadcast::{Audience, Broadcast, BroadcastStatus, CapRule, PlatformTotals};
use wicket_model::conversation::MessageBody;
use wicket_model::platform::CapScope;
use wicket_model::platform::WECHAT_MASS;
use wicket_model::Account;

use super::api::{self, CallError};
use super::PLATFORM;
use crate::broadcast::store::BatchOutcome;
use crate::platform::PlatformError;
use crate::storage::StorageError;
use crate::AppState;

const SEND: &str = "/cgi-bin/message/mass/send";
const SENDALL: &str = "/cgi-bin/message/mass/sendall";
const TAGS: &str = "/cgi-bin/tags/get";
const NEWS: &str = "/cgi-bin/media/uploadnews";
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

/// The largest thumb WeChat takes (`media/upload?type=thumb`: ≤ 64 KB, JPG).
pub const THUMB_MAX_BYTES: usize = 64 << 10;

/// The mass message's own part: WeChat's mass text, or for an article card
/// an `mpnews` naming an article material made for it (see [`material`]).
/// `Err` is an issue key: the content cannot go as a WeChat mass message.
async fn content(state: &AppState, connection: &super::Connection, body: &MessageBody) -> Result<Value, &'static str> {
    match body {
        MessageBody::Text { text } => Ok(json!({"msgtype": "text", "text": {"content": text}})),
        MessageBody::Article { .. } => {
            let media_id = material(state, connection, body).await?;
            Ok(json!({"msgtype": "mpnews", "mpnews": {"media_id": media_id}}))
        }
        _ => Err("broadcast.content.unsupported"),
    }
}

/// Makes an article card WeChat's article material (WX-MASS): its cover, an
/// image uploaded through Wicket, goes up as a thumb (a JPEG of at most
/// 64 KB: Wicket does not re-encode images), then `media/uploadnews` makes
/// the material from the title, the summary (as the body and the digest)
/// and the link ("阅读原文"). Its `media_id`. Materials are temporary (3
/// days), so each run of the job makes its own; the mass call's
/// `clientmsgid` still makes a call sent again count once.
async fn material(
    state: &AppState,
    connection: &super::Connection,
    body: &MessageBody,
) -> Result<String, &'static str> {
    let MessageBody::Article { title, description, url, image_url } = body else {
        return Err("broadcast.content.unsupported");
    };
    let id = wicket_model::media::media_id_of(image_url).ok_or("wechat.mass.cover_unsuitable")?;
    let (mime, bytes) = match state.storage.media(id).await {
        Ok(Some(media)) => media,
        Ok(None) => return Err("wechat.mass.cover_unsuitable"),
        Err(_) => return Err("platform.call.unavailable"),
    };
    if mime != "image/jpeg" || bytes.len() > THUMB_MAX_BYTES {
        return Err("wechat.mass.cover_unsuitable");
    }
    let wechat = &state.platforms.wechat;
    let refused = |e: CallError| match e {
        CallError::Refused { errcode, .. } => refusal_key(errcode),
        _ => "platform.call.unavailable",
    };
    let now = state.clock.now();
    let thumb = wechat
        .api
        .upload_media(&connection.account_id, &connection.credentials(), now, "thumb", &mime, bytes)
        .await
        .map_err(refused)?;
    let escaped = description.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let article = json!({
        "thumb_media_id": thumb,
        "title": title,
        "content": format!("<p>{escaped}</p>"),
        "content_source_url": url,
        "digest": description,
        "show_cover_pic": 1,
    });
    let answer = wechat.call(state, connection, NEWS, &json!({"articles": [article]})).await.map_err(refused)?;
    answer["media_id"].as_str().map(str::to_owned).ok_or("platform.call.unavailable")
}

/// What a refusal of a mass call means for the broadcast: an issue key.
pub fn refusal_key(errcode: i64) -> &'static str {
    match errcode {
        // The list has fewer than 2 or more than 10,000 OpenIDs.
        40130 => "wechat.mass.recipients",
        // No mass-send quota left (subscription accounts: once a day).
        45028 => "wechat.mass.quota",
        48001 => "wechat.mass.not_authorised",
        // The tag of a send to a tag is not the account's.
        45159 => "wechat.mass.tag_missing",
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

/// Whom WeChat is asked to send a broadcast to.
#[derive(Debug, Clone, PartialEq)]
enum Route {
    /// OpenID lists of at most 10,000: exactly the ledger's recipients.
    Lists,
    /// One `sendall` with this `filter`: to all followers, or to a tag.
    Filter(Value),
    /// Nothing can go: the pending recipients fail with this issue key.
    Fail(&'static str),
}

/// Whether the account is a subscription account: its cap is the
/// account's, once a day (`CapRule`), and WeChat refuses it lists (48001).
fn is_subscription(account: &Account) -> bool {
    CapRule::of(account).scope == CapScope::Account
}

/// How a broadcast's WeChat recipients go out (WX-MASS, PLATFORM-RULES §3.1).
///
/// A service account sends by OpenID list: exact, each subscriber's monthly
/// cap decided by Wicket. A segment that is exactly one tag, when WeChat's
/// account has a tag of that name, goes to the tag in one call instead
/// (`filter: {is_to_all: false, tag_id}`): WeChat's own tag then decides
/// who gets it, and its MASSSENDJOBFINISH totals say how many it reached.
/// A subscription account cannot send by list: to all followers it sends
/// `is_to_all`, to one tag it needs WeChat's tag of that name
/// (`wechat.mass.tag_missing` without one); other segments are refused
/// before they are stored (`broadcast.wechat.segment_needs_tag`).
/// `tag_id` looks a tag's id up by name (`None`: WeChat has none).
fn route_of(account: &Account, audience: &Audience, tag_id: Option<i64>) -> Route {
    let subscription = is_subscription(account);
    let single_tag = match audience {
        Audience::Segment { filter } => filter.single_tag().is_some(),
        Audience::All => false,
    };
    match (audience, tag_id) {
        (Audience::All, _) if subscription => Route::Filter(json!({"is_to_all": true})),
        (_, Some(id)) if single_tag => Route::Filter(json!({"is_to_all": false, "tag_id": id})),
        (_, None) if single_tag && subscription => Route::Fail("wechat.mass.tag_missing"),
        _ => Route::Lists,
    }
}

/// The id of WeChat's tag named `name` (`GET /cgi-bin/tags/get`), asked again
/// while WeChat is busy or out of reach.
async fn find_tag(state: &AppState, connection: &super::Connection, name: &str) -> Result<Option<i64>, &'static str> {
    let wechat = &state.platforms.wechat;
    let mut pause = FIRST_PAUSE;
    loop {
        let now = state.clock.now();
        let answer = wechat.api.get(&connection.account_id, &connection.credentials(), now, TAGS, &[]).await;
        match answer {
            Ok(answer) => {
                let tags = answer["tags"].as_array().cloned().unwrap_or_default();
                return Ok(tags.iter().find(|t| t["name"] == name).and_then(|t| t["id"].as_i64()));
            }
            Err(CallError::Refused { errcode, .. }) if !(errcode == -1 || api::is_token_error(errcode)) => {
                return Err(refusal_key(errcode));
            }
            Err(e) => {
                tracing::warn!(account = %connection.account_id, error = %e, "WeChat's tags not read; asking again shortly");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

/// Sends the broadcast to its pending WeChat recipients (see [`route_of`]),
/// until none is left or the broadcast is cancelled (a call already
/// recorded as made is sent again under its `clientmsgid` either way).
pub async fn send_broadcast(
    state: &AppState,
    broadcast: &Broadcast,
    progress: &mut crate::broadcast::Progress<'_>,
) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let (counts, _) = store.counts(&broadcast.id).await?;
    if !counts.iter().any(|c| c.platform == PLATFORM && c.pending > 0) {
        return Ok(());
    }
    let connection = match state.platforms.wechat.connection(state, &broadcast.account_id).await {
        Ok(connection) => connection,
        Err(e) => return Err(StorageError::Database(e.to_string())),
    };
    let (Some(connection), Some(account)) = (connection, state.storage.account(&broadcast.account_id).await?) else {
        return send_lists(state, broadcast, None, progress).await;
    };
    let tag_id = match &broadcast.audience {
        Audience::Segment { filter } => match filter.single_tag() {
            Some(name) => match find_tag(state, &connection, name).await {
                Ok(id) => id,
                Err(reason) => return fail_all(state, broadcast, reason).await,
            },
            None => None,
        },
        Audience::All => None,
    };
    let route = route_of(&account, &broadcast.audience, tag_id);
    if let Route::Fail(reason) = route {
        return fail_all(state, broadcast, reason).await;
    }
    let part = match content(state, &connection, &broadcast.content).await {
        Ok(part) => part,
        // WeChat busy or out of reach while the material was made: the job runs again shortly.
        Err("platform.call.unavailable") => {
            return Err(StorageError::Database("WeChat could not take the broadcast's article material".into()))
        }
        Err(reason) => return fail_all(state, broadcast, reason).await,
    };
    match route {
        Route::Filter(filter) => send_filter(state, broadcast, &connection, &part, filter, progress).await,
        _ => send_lists(state, broadcast, Some((&connection, &part)), progress).await,
    }
}

/// Every pending WeChat recipient in one batch, failed with `reason`.
async fn fail_all(state: &AppState, broadcast: &Broadcast, reason: &str) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    if let Some((batch, _)) = store.claim_all(&broadcast.id, PLATFORM, state.clock.now()).await? {
        let outcome = BatchOutcome::Failed { reason: reason.into() };
        store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await?;
    }
    Ok(())
}

/// The call's body: `head` (recipients and `clientmsgid`) with the content's part.
fn call_body(mut head: Value, part: &Value) -> Value {
    if let (Value::Object(object), Value::Object(part)) = (&mut head, part) {
        object.extend(part.clone());
    }
    head
}

/// Makes one mass call (within the rate), again while WeChat is busy or the
/// answer was lost: the `clientmsgid` in `body` makes that safe.
async fn make_call(
    state: &AppState,
    connection: &super::Connection,
    broadcast: &Broadcast,
    path: &str,
    body: &Value,
) -> BatchOutcome {
    let wechat = &state.platforms.wechat;
    let mut pause = FIRST_PAUSE;
    loop {
        take_slot(&connection.app_id).await;
        match attempt_of(wechat.call(state, connection, path, body).await) {
            Attempt::Done(outcome) => return outcome,
            Attempt::Again(why) => {
                tracing::warn!(broadcast = %broadcast.id, %why, "mass send again shortly");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

/// Everyone pending in one `sendall` to `filter`, under one `clientmsgid`.
async fn send_filter(
    state: &AppState,
    broadcast: &Broadcast,
    connection: &super::Connection,
    part: &Value,
    filter: Value,
    progress: &mut crate::broadcast::Progress<'_>,
) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    // A batch left sending by a stopped server goes again under its id: WeChat takes it once.
    let Some((batch, _resumed)) = store.claim_all(&broadcast.id, PLATFORM, state.clock.now()).await? else {
        return Ok(());
    };
    let head = json!({"filter": filter, "clientmsgid": batch.client_msg_id, "send_ignore_reprint": 0});
    let outcome = make_call(state, connection, broadcast, SENDALL, &call_body(head, part)).await;
    store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await?;
    progress.tick().await
}

/// The pending recipients by OpenID list, call by call.
async fn send_lists(
    state: &AppState,
    broadcast: &Broadcast,
    connection: Option<(&super::Connection, &Value)>,
    progress: &mut crate::broadcast::Progress<'_>,
) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let max = WECHAT_MASS.max_recipients_per_call.unwrap_or(10_000);
    loop {
        let Some(batch) = store.claim_batch(&broadcast.id, PLATFORM, max, state.clock.now()).await? else {
            return Ok(());
        };
        let head = json!({"touser": batch.user_ids, "clientmsgid": batch.client_msg_id, "send_ignore_reprint": 0});
        let outcome = match connection {
            None => BatchOutcome::Failed { reason: "wechat.connection.missing".into() },
            Some((connection, part)) => make_call(state, connection, broadcast, SEND, &call_body(head, part)).await,
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
    let part = content(state, &connection, content_body).await.map_err(|key| PlatformError {
        key: key.into(),
        message: "the broadcast's content cannot go as a WeChat mass message".into(),
    })?;
    let body = call_body(json!({"touser": open_id}), &part);
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
    fn lists_for_service_accounts_and_to_all_or_a_tag_for_subscription_accounts() {
        use wicket_model::account::{AccountSettings, BroadcastCap, BroadcastPeriod};
        use wicket_model::broadcast::SegmentFilter;
        use wicket_model::PlatformProfile;
        let service = Account {
            id: "shop".into(),
            name: "Shop".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#07c160".into(),
            archived: false,
            created_at: 0,
            updated_at: 0,
            settings: None,
        };
        let mut settings = AccountSettings::defaults_for(PlatformProfile::Wechat);
        settings.broadcast = BroadcastCap { max: 1, period: BroadcastPeriod::Day };
        let subscription = Account { settings: Some(settings), ..service.clone() };
        let vip = Audience::Segment { filter: SegmentFilter { tags_any: vec!["VIP".into()], ..Default::default() } };
        let recent = Audience::Segment { filter: SegmentFilter { followed_after: Some(1), ..Default::default() } };
        assert_eq!(route_of(&service, &Audience::All, None), Route::Lists);
        assert_eq!(route_of(&service, &recent, None), Route::Lists);
        assert_eq!(route_of(&service, &vip, None), Route::Lists, "WeChat has no such tag: lists, exactly");
        assert_eq!(route_of(&service, &vip, Some(101)), Route::Filter(json!({"is_to_all": false, "tag_id": 101})));
        assert_eq!(route_of(&subscription, &Audience::All, None), Route::Filter(json!({"is_to_all": true})));
        assert_eq!(route_of(&subscription, &vip, Some(7)), Route::Filter(json!({"is_to_all": false, "tag_id": 7})));
        assert_eq!(route_of(&subscription, &vip, None), Route::Fail("wechat.mass.tag_missing"));
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
