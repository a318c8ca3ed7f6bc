//! Alipay broadcasts (PLATFORM-RULES §3.2): to all followers, or to a
//! segment through a custom label. Text or image-text only (§4.2: a bare
//! image is declared but not supported).
//!
//! **To all followers**: one `alipay.open.public.message.total.send`. The
//! call names nobody, so the ledger's Alipay recipients (the followers
//! Wicket knows, each decided against the account's cap) go into one batch,
//! committed before the call leaves.
//!
//! **To a segment**: Wicket decides the recipients exactly as for any
//! broadcast (the ledger: the cap, who unfollowed), then hands Alipay a
//! label that holds exactly them (§6):
//! 1. `alipay.open.public.life.label.create` makes a custom label for this
//!    broadcast (data type string); its id is stored
//!    (`BroadcastStore::save_label`) before anyone is tagged, so a restart
//!    uses it instead of making another. One label per broadcast, not one
//!    per account reused: two broadcasts running at once would otherwise
//!    overwrite each other's value on the users they share.
//! 2. `alipay.open.public.matchuser.label.create` puts it on the pending
//!    Alipay recipients, at most 10 user matchers a call, in subscriber
//!    order; after each call the last one tagged is stored, so a restart
//!    resumes after it. A call made twice does no harm (setting a label's
//!    value on a user is idempotent), so an unanswered one is made again.
//! 3. One `alipay.open.public.message.label.send` whose filter is that
//!    label. It is made like a total send (below): never twice by itself.
//! 4. `alipay.open.public.life.label.delete` gives the label back, since an
//!    account has at most 100 custom labels, but not right after the send:
//!    a label or group send is delivered some time after the call ("请求成功后
//!    一段时间用户才能收到", PLATFORM-RULES §3), and a label deleted while
//!    Alipay still reads it could shrink the audience. Once nobody is left
//!    to send to, the time the label may go ([`LABEL_KEEP`] after, by
//!    default) is stored (`BroadcastStore::label_delete_after`); the labels
//!    whose time has come are deleted by the broadcast runner's periodic
//!    sweep ([`sweep_labels`], under a lease, so one process on PostgreSQL),
//!    and before a new label is made for the same account, so Wicket's own
//!    old labels never fill the 100. A label whose delete fails stays
//!    recorded and is tried again at the next sweep. (The double reads the
//!    label when label.send is called; Alipay's timing is not verified.)
//!
//! The label's name is made from the broadcast's id, so a label.create
//! whose answer was lost does not leave a second label: before each try,
//! `alipay.open.public.life.label.batchquery` is asked for a custom label of
//! that name, and one found is used.
//!
//! Why not `message.group.send`: a group is made from label rules and must
//! hold more than 50 users (§3.2, §6), so a small segment could not be sent,
//! and the group would be one more thing to make and delete. Why not one
//! `custom.send` each: that reaches only those who interacted in the last
//! 48 hours, at most 100 a day each (§2.2): replying, not broadcasting.
//!
//! **Sends are never made twice by themselves.** Alipay takes no dedupe id
//! on total.send or label.send: a batch found still sending after a
//! restart, or a call whose answer was lost or was Alipay's "unknown
//! error", may have gone out, so it is recorded as unknown
//! (`alipay.broadcast.unknown`) and never made again by itself. Only a call
//! that never left is made again.
//!
//! The "once per week" send-to-all note is the account's cap (its setting,
//! `AccountSettings::broadcast`, counted per account: `ALIPAY_MASS`),
//! decided when the broadcast is planned, for a segment as for all.
//!
//! The field names are those of Alipay's own SDK (ALI-J2, alipay-sdk-java-all
//! `v2/src/main/java/com/alipay/api/domain/`): `AlipayOpenPublicLifeLabelCreateModel`
//! (`label_name`, `data_type`; the answer's `label_id` in
//! `response/AlipayOpenPublicLifeLabelCreateResponse`), the batchquery's
//! `labels` of `LifeLabel` (`label_id`, `label_name`, `type` `custom`),
//! `AlipayOpenPublicMatchuserLabelCreateModel` (`label_id`, `label_value`,
//! `matchers` of at most 10 `Matcher`s by `user_id`; the answer's
//! `error_count`, `error_matchers`), `AlipayOpenPublicMessageLabelSendModel`
//! (`filter`: `Filter` with `template` and `context.a`, a `LabelFilter` of
//! `column_name`, `op`, `values`, where a merchant's custom labels are the
//! column `label_id_list`; `material`: `Material` with `msg_type`, `text`,
//! `articles`), and `AlipayOpenPublicLifeLabelDeleteModel` (`label_id`).

use std::time::Duration;

use serde_json::{json, Value};
use wicket_model::broadcast::{Audience, Broadcast};
use wicket_model::conversation::MessageBody;
use wicket_model::Millis;

use super::api::CallError;
use super::{is_transient, Connection, PLATFORM};
use crate::broadcast::store::{BatchOutcome, DueLabel, Pending};
use crate::storage::StorageError;
use crate::AppState;

/// A message to every follower of the account.
pub const TOTAL_SEND: &str = "alipay.open.public.message.total.send";
/// Makes a custom label of the account.
pub const LABEL_CREATE: &str = "alipay.open.public.life.label.create";
/// Lists the account's labels.
pub const LABEL_BATCHQUERY: &str = "alipay.open.public.life.label.batchquery";
/// Puts a label, with a value, on users.
pub const TAG_USERS: &str = "alipay.open.public.matchuser.label.create";
/// A message to the users a label filter holds.
pub const LABEL_SEND: &str = "alipay.open.public.message.label.send";
/// Deletes a custom label of the account.
pub const LABEL_DELETE: &str = "alipay.open.public.life.label.delete";
/// User matchers per tagging call ("最多传入10条", PLATFORM-RULES §6).
pub const MATCHERS_MAX: usize = 10;
/// The value a broadcast's label holds on its recipients. The label is the
/// broadcast's own, so any value would do; the filter asks for the label.
pub const LABEL_VALUE: &str = "1";
/// The column Alipay's label filter names a merchant's custom labels by
/// ("商户自定义的标签固定为label_id_list", ALI-J2 `LabelFilter`).
pub const CUSTOM_LABELS: &str = "label_id_list";
/// Why a recipient Alipay could not label did not get a segment broadcast.
pub const USER_UNKNOWN: &str = "alipay.broadcast.user_unknown";
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// Tries at deleting a label in one go; one still there is tried again at
/// the next sweep.
const DELETE_TRIES: u32 = 5;
/// How long a broadcast's label is kept after its send, by default
/// (`ServerOptions::alipay_label_keep`). Alipay delivers a label or group
/// send some time after the call ("请求成功后一段时间用户才能收到",
/// PLATFORM-RULES §3) and does not say how long, nor when it reads the
/// label; deleting it before could leave recipients out. A day is far more
/// than any delivery, and an account makes few segment broadcasts a day
/// against its 100 labels.
pub const LABEL_KEEP: Duration = Duration::from_secs(24 * 60 * 60);
/// One deleter of due labels at a time in this process, so the sweep and a
/// job about to make a label do not both delete the same one (across
/// processes deleting twice does no harm: Alipay refuses the second).
static DELETING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The message part of an Alipay broadcast, for the content Alipay
/// broadcasts take: text, or an article card as image-text. `None` for any
/// other content. The same shape is total.send's `biz_content`
/// (`AlipayOpenPublicMessageTotalSendModel`) and label.send's `material`
/// (`Material`).
pub fn message_body(body: &MessageBody) -> Option<Value> {
    match body {
        MessageBody::Text { text } => Some(json!({"msg_type": "text", "text": {"content": text}})),
        MessageBody::Article { title, description, url, image_url } => Some(json!({
            "msg_type": "image-text",
            "articles": [{"title": title, "desc": description, "url": url, "image_url": image_url}],
        })),
        _ => None,
    }
}

/// The `biz_content` of a send to all followers.
pub fn total_send_body(body: &MessageBody) -> Option<Value> {
    message_body(body)
}

/// The name of broadcast `broadcast_id`'s label: letters, digits and `_`
/// only (Alipay's label names), short whatever the broadcast's id, and the
/// same for the same broadcast.
pub fn label_name(broadcast_id: &str) -> String {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(broadcast_id.as_bytes()));
    format!("wicket_{}", &digest[..16])
}

/// The `biz_content` of `life.label.create`: a string label.
pub fn label_create_body(name: &str) -> Value {
    json!({"label_name": name, "data_type": "string"})
}

/// The id of the custom label named `name` in a `life.label.batchquery`
/// answer (its `labels`; a label whose `type` is given must be `custom`).
pub fn custom_label_named(answer: &Value, name: &str) -> Option<String> {
    let labels = answer.get("labels")?.as_array()?;
    let found = labels.iter().find(|l| {
        l.get("label_name").and_then(Value::as_str) == Some(name)
            && l.get("type").and_then(Value::as_str).is_none_or(|t| t == "custom")
    })?;
    found.get("label_id").and_then(Value::as_str).filter(|id| !id.is_empty()).map(str::to_owned)
}

/// The `biz_content` of `matchuser.label.create`: `label_id` with
/// [`LABEL_VALUE`] on each user (at most [`MATCHERS_MAX`]).
pub fn tag_body(label_id: &str, user_ids: &[String]) -> Value {
    let matchers: Vec<Value> = user_ids.iter().map(|id| json!({"user_id": id})).collect();
    json!({"label_id": label_id, "label_value": LABEL_VALUE, "matchers": matchers})
}

/// The `biz_content` of `message.label.send`: the users who carry
/// `label_id`, and the message. `None` for content Alipay does not take.
pub fn label_send_body(label_id: &str, body: &MessageBody) -> Option<Value> {
    let material = message_body(body)?;
    Some(json!({
        "filter": {
            "template": "${a}",
            "context": {"a": {"column_name": CUSTOM_LABELS, "op": "=", "values": [label_id]}},
        },
        "material": material,
    }))
}

/// The subscribers among `tagged` whose matcher a tagging answer lists in
/// its `error_matchers` (each with the `matcher` sent and an `error_msg`).
pub fn unlabelled(answer: &Value, tagged: &[Pending]) -> Vec<String> {
    let failed: Vec<&str> = answer
        .get("error_matchers")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().filter_map(|e| e.get("matcher")?.get("user_id")?.as_str()).collect())
        .unwrap_or_default();
    tagged.iter().filter(|p| failed.contains(&p.platform_user_id.as_str())).map(|p| p.subscriber_id.clone()).collect()
}

/// The `biz_content` of `life.label.delete`.
pub fn label_delete_body(label_id: &str) -> Value {
    json!({"label_id": label_id})
}

/// What came of one try of a send call.
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

/// Whether a call that may have been carried out may be made again: it
/// did not leave, or it does no harm twice (`idempotent`) and its outcome
/// is not known.
fn again(result: &Result<wicket_alipay::openapi::Response, CallError>, idempotent: bool) -> bool {
    match result {
        Ok(_) => false,
        Err(CallError::NotSent(_)) => true,
        Err(CallError::NoAnswer(_) | CallError::Unverified(_)) => idempotent,
        Err(CallError::Refused { code, sub_code, .. }) => idempotent && is_transient(code, sub_code.as_deref()),
    }
}

/// Sends the broadcast to its pending Alipay recipients: to all followers,
/// or to a segment through a label (see the module's comment for what a
/// restart does).
pub async fn send_broadcast(state: &AppState, broadcast: &Broadcast) -> Result<(), StorageError> {
    match broadcast.audience {
        Audience::All => send_to_all(state, broadcast).await,
        Audience::Segment { .. } => send_to_segment(state, broadcast).await,
    }
}

async fn send_to_all(state: &AppState, broadcast: &Broadcast) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let Some((batch, resumed)) = store.claim_all(&broadcast.id, PLATFORM, state.clock.now()).await? else {
        return Ok(());
    };
    let outcome = if resumed {
        tracing::warn!(broadcast = %broadcast.id, "an Alipay broadcast call was under way when the job stopped; not made again");
        BatchOutcome::Failed { reason: "alipay.broadcast.unknown".into() }
    } else {
        match connection(state, broadcast).await? {
            Err(reason) => BatchOutcome::Failed { reason },
            Ok(connection) => match total_send_body(&broadcast.content) {
                None => BatchOutcome::Failed { reason: "broadcast.content.unsupported".into() },
                Some(body) => send_once(state, broadcast, &connection, TOTAL_SEND, &body).await,
            },
        }
    };
    store.finish_batch(&broadcast.id, batch.number, outcome, state.clock.now()).await
}

/// The account's connection, or the failure reason when it has none.
async fn connection(state: &AppState, broadcast: &Broadcast) -> Result<Result<Connection, String>, StorageError> {
    match state.platforms.alipay.connection(state, &broadcast.account_id).await {
        Ok(Some(connection)) => Ok(Ok(connection)),
        Ok(None) => Ok(Err("alipay.connection.missing".into())),
        Err(e) => Err(StorageError::Database(e.to_string())),
    }
}

/// Makes a send call until it leaves, once (see [`attempt_of`]).
async fn send_once(
    state: &AppState,
    broadcast: &Broadcast,
    connection: &Connection,
    method: &str,
    body: &Value,
) -> BatchOutcome {
    let mut pause = FIRST_PAUSE;
    loop {
        match attempt_of(state.platforms.alipay.call(state, connection, method, body).await) {
            Attempt::Done(outcome) => return outcome,
            Attempt::Again(why) => {
                tracing::warn!(broadcast = %broadcast.id, %why, "Alipay broadcast not sent; trying again shortly");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
}

/// Makes a call that prepares a send (it reaches no user) until Alipay
/// answers it, making it again while [`again`] allows, at most `tries`
/// times in all (`None`: until it is answered).
async fn call_answered(
    state: &AppState,
    connection: &Connection,
    method: &str,
    body: &Value,
    tries: Option<u32>,
) -> Result<wicket_alipay::openapi::Response, CallError> {
    let mut pause = FIRST_PAUSE;
    let mut tried = 0;
    loop {
        let result = state.platforms.alipay.call(state, connection, method, body).await;
        tried += 1;
        if !again(&result, true) || tries.is_some_and(|max| tried >= max) {
            return result;
        }
        if let Err(e) = &result {
            tracing::warn!(method, error = ?e, "Alipay call not answered; making it again shortly");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Why Alipay refused a call that prepares a segment send: the
/// broadcast's recipients there fail with `alipay.broadcast.refused`.
fn refused(broadcast: &Broadcast, method: &str, error: &CallError) -> String {
    tracing::info!(broadcast = %broadcast.id, method, error = ?error, "Alipay refused a step of a segment broadcast");
    "alipay.broadcast.refused".into()
}

/// A segment broadcast: label, tag, one label send, and when the label may
/// be deleted.
async fn send_to_segment(state: &AppState, broadcast: &Broadcast) -> Result<(), StorageError> {
    let store = state.storage.broadcasts();
    let id = &broadcast.id;
    if let Some(reason) = tag_recipients(state, broadcast).await? {
        store.fail_pending(id, PLATFORM, &reason, state.clock.now()).await?;
    }
    // Every pending recipient carries the label now: the one send. A batch
    // left sending by an earlier run may have gone, and is not made again.
    if let Some((batch, resumed)) = store.claim_all(id, PLATFORM, state.clock.now()).await? {
        let outcome = match (resumed, store.label(id).await?) {
            (true, _) => {
                tracing::warn!(broadcast = %id, "an Alipay label send was under way when the job stopped; not made again");
                BatchOutcome::Failed { reason: "alipay.broadcast.unknown".into() }
            }
            (false, None) => {
                return Err(StorageError::Corrupt(format!("broadcast {id}: Alipay recipients with no label")))
            }
            (false, Some(label)) => {
                match (connection(state, broadcast).await?, label_send_body(&label.label_id, &broadcast.content)) {
                    (Err(reason), _) => BatchOutcome::Failed { reason },
                    (_, None) => BatchOutcome::Failed { reason: "broadcast.content.unsupported".into() },
                    (Ok(connection), Some(body)) => send_once(state, broadcast, &connection, LABEL_SEND, &body).await,
                }
            }
        };
        store.finish_batch(id, batch.number, outcome, state.clock.now()).await?;
    }
    // Nobody is left to send to (sent, failed or cancelled). The send is
    // delivered some time after the call: the label stays for a delivery
    // period, then a sweep (or the account's next label) deletes it.
    if store.label(id).await?.is_some_and(|l| !l.deleted && l.delete_after.is_none()) {
        let keep = Millis::try_from(state.options.alipay_label_keep.as_millis()).unwrap_or(Millis::MAX);
        store.label_delete_after(id, state.clock.now().saturating_add(keep)).await?;
    }
    Ok(())
}

/// Deletes the labels whose delivery period is over, of every account: the
/// broadcast runner's periodic sweep. How many Alipay deleted.
pub async fn sweep_labels(state: &AppState) -> Result<usize, StorageError> {
    delete_due_labels(state, None).await
}

/// Deletes the due labels of `account_id` (every account: `None`). A label
/// whose delete fails stays, tried again next time. How many went.
async fn delete_due_labels(state: &AppState, account_id: Option<&str>) -> Result<usize, StorageError> {
    let _one_at_a_time = DELETING.lock().await;
    let store = state.storage.broadcasts();
    let mut deleted = 0;
    for due in store.labels_due(account_id, state.clock.now()).await? {
        if delete_label(state, &due).await? {
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Makes the broadcast's label if it has none, and puts it on every
/// pending Alipay recipient not tagged yet. `Some(reason)` when they
/// cannot be sent to.
async fn tag_recipients(state: &AppState, broadcast: &Broadcast) -> Result<Option<String>, StorageError> {
    let store = state.storage.broadcasts();
    let id = &broadcast.id;
    let label = store.label(id).await?;
    if label.as_ref().is_some_and(|l| l.deleted) {
        return Ok(None);
    }
    let after = label.as_ref().and_then(|l| l.tagged_through.clone());
    let mut next: Vec<Pending> = store.pending_after(id, PLATFORM, after.as_deref(), MATCHERS_MAX).await?;
    if next.is_empty() {
        return Ok(None);
    }
    let connection = match connection(state, broadcast).await? {
        Ok(connection) => connection,
        Err(reason) => return Ok(Some(reason)),
    };
    if message_body(&broadcast.content).is_none() {
        return Ok(Some("broadcast.content.unsupported".into()));
    }
    let label_id = match label {
        Some(label) => label.label_id,
        None => {
            // The account's old labels whose time has come go first, so
            // Wicket's own never fill its 100.
            delete_due_labels(state, Some(&broadcast.account_id)).await?;
            match find_or_create_label(state, &connection, broadcast).await {
                Ok(label_id) => {
                    store.save_label(id, &label_id).await?;
                    label_id
                }
                Err(reason) => return Ok(Some(reason)),
            }
        }
    };
    while let Some(last) = next.last().map(|p| p.subscriber_id.clone()) {
        let user_ids: Vec<String> = next.iter().map(|p| p.platform_user_id.clone()).collect();
        match call_answered(state, &connection, TAG_USERS, &tag_body(&label_id, &user_ids), None).await {
            Ok(answer) => {
                // Those Alipay could not label, the label send cannot reach:
                // they fail here, so the ledger says who it went to.
                let unlabelled = unlabelled(&answer.body, &next);
                if !unlabelled.is_empty() {
                    tracing::warn!(broadcast = %id, answer = %answer.body, "Alipay could not label some recipients");
                    store.fail_recipients(id, &unlabelled, USER_UNKNOWN, state.clock.now()).await?;
                }
            }
            Err(e) => return Ok(Some(refused(broadcast, TAG_USERS, &e))),
        }
        store.label_tagged_through(id, &last).await?;
        next = store.pending_after(id, PLATFORM, Some(&last), MATCHERS_MAX).await?;
    }
    Ok(None)
}

/// The broadcast's label on Alipay: one of its name made by an earlier try
/// whose answer was lost, or a new one. `Err` with the failure reason.
async fn find_or_create_label(
    state: &AppState,
    connection: &Connection,
    broadcast: &Broadcast,
) -> Result<String, String> {
    let name = label_name(&broadcast.id);
    let mut pause = FIRST_PAUSE;
    loop {
        let listed = call_answered(state, connection, LABEL_BATCHQUERY, &json!({}), None).await;
        match listed {
            Ok(answer) => {
                if let Some(found) = custom_label_named(&answer.body, &name) {
                    return Ok(found);
                }
            }
            Err(e) => return Err(refused(broadcast, LABEL_BATCHQUERY, &e)),
        }
        let made = state.platforms.alipay.call(state, connection, LABEL_CREATE, &label_create_body(&name)).await;
        match made {
            Ok(answer) => {
                return match answer.body.get("label_id").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                    Some(label_id) => Ok(label_id.to_owned()),
                    None => {
                        tracing::warn!(broadcast = %broadcast.id, "Alipay made a label but gave no label_id");
                        Err("alipay.broadcast.refused".into())
                    }
                };
            }
            // It may have been made: look for it before making it again.
            Err(e) if again(&Err(e.clone()), true) => {
                tracing::warn!(broadcast = %broadcast.id, error = ?e, "Alipay's answer to a label.create was lost");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            Err(e) => return Err(refused(broadcast, LABEL_CREATE, &e)),
        }
    }
}

/// Gives a label whose time has come back to Alipay; true when it is gone.
/// Deleting twice does no harm, so an unanswered call is made again, a few
/// times; a label Alipay no longer has (it refuses the call) counts as
/// deleted. One still there stays recorded, tried again at the next sweep.
async fn delete_label(state: &AppState, due: &DueLabel) -> Result<bool, StorageError> {
    let (broadcast, label_id) = (&due.broadcast_id, due.label_id.as_str());
    let connection = match state.platforms.alipay.connection(state, &due.account_id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => {
            tracing::warn!(%broadcast, label_id, "cannot delete the broadcast's Alipay label: no connection");
            return Ok(false);
        }
        Err(e) => return Err(StorageError::Database(e.to_string())),
    };
    let result =
        call_answered(state, &connection, LABEL_DELETE, &label_delete_body(label_id), Some(DELETE_TRIES)).await;
    let gone = match &result {
        Ok(_) => true,
        // Refused for good: most likely deleted by an earlier call whose answer was lost.
        Err(CallError::Refused { code, sub_code, .. }) => !is_transient(code, sub_code.as_deref()),
        Err(_) => false,
    };
    if let Err(e) = &result {
        tracing::warn!(%broadcast, label_id, error = ?e, gone, "Alipay did not delete the broadcast's label");
    }
    if gone {
        state.storage.broadcasts().label_deleted(broadcast).await?;
    }
    Ok(gone)
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

    #[test]
    fn a_label_is_named_per_broadcast_with_letters_digits_and_underscores() {
        let name = label_name("spring-2026-vip");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}");
        assert_eq!(name.len(), "wicket_".len() + 16);
        assert_eq!(name, label_name("spring-2026-vip"), "a restart names it the same");
        assert_ne!(name, label_name("spring-2026-all"));
        assert!(label_name(&"b".repeat(64)).len() <= 32, "short whatever the broadcast's id");
        assert_eq!(label_create_body(&name), json!({"label_name": name, "data_type": "string"}));
        assert_eq!(label_delete_body("L1"), json!({"label_id": "L1"}));
    }

    #[test]
    fn a_label_made_by_an_earlier_try_is_found_by_its_name_among_the_custom_labels() {
        let name = label_name("vip");
        let answer = json!({"labels": [
            {"label_id": "C1", "label_name": name, "type": "common"},
            {"label_id": "L0", "label_name": "other", "type": "custom"},
            {"label_id": "L1", "label_name": name, "type": "custom"},
        ]});
        assert_eq!(custom_label_named(&answer, &name).as_deref(), Some("L1"));
        assert_eq!(custom_label_named(&answer, &label_name("spring")), None);
        assert_eq!(custom_label_named(&json!({}), &name), None);
    }

    #[test]
    fn the_users_alipay_could_not_label_are_named_by_their_subscribers() {
        let tagged = [
            Pending { subscriber_id: "s1".into(), platform_user_id: "2088000000000001".into() },
            Pending { subscriber_id: "s2".into(), platform_user_id: "2088000000000002".into() },
        ];
        let answer = json!({"error_count": 1, "error_matchers": [
            {"matcher": {"user_id": "2088000000000002"}, "error_msg": "用户不存在"}]});
        assert_eq!(unlabelled(&answer, &tagged), ["s2"]);
        assert!(unlabelled(&json!({"error_count": 0, "error_matchers": []}), &tagged).is_empty());
        assert!(unlabelled(&json!({}), &tagged).is_empty());
    }

    #[test]
    fn a_tagging_call_names_each_user_by_user_id_with_the_labels_value() {
        let users: Vec<String> = (0..MATCHERS_MAX).map(|i| format!("2088{i:012}")).collect();
        let body = tag_body("L1", &users);
        assert_eq!((&body["label_id"], &body["label_value"]), (&json!("L1"), &json!(LABEL_VALUE)));
        let matchers = body["matchers"].as_array().unwrap();
        assert_eq!(matchers.len(), 10);
        assert_eq!(matchers[3], json!({"user_id": "2088000000000003"}));
    }

    #[test]
    fn a_label_send_filters_on_the_custom_label_and_carries_text_or_image_text() {
        let body = label_send_body("L1", &MessageBody::Text { text: "VIP 专享".into() }).unwrap();
        assert_eq!(
            body["filter"],
            json!({"template": "${a}", "context": {"a": {"column_name": "label_id_list", "op": "=", "values": ["L1"]}}})
        );
        assert_eq!(body["material"], json!({"msg_type": "text", "text": {"content": "VIP 专享"}}));
        let card = MessageBody::Article {
            title: "新品".into(),
            description: "春季".into(),
            url: "https://shop.example/new".into(),
            image_url: "https://shop.example/cover.jpg".into(),
        };
        assert_eq!(label_send_body("L1", &card).unwrap()["material"]["msg_type"], "image-text");
        assert_eq!(label_send_body("L1", &MessageBody::Image { url: "https://x/y.png".into() }), None);
    }

    #[test]
    fn a_preparing_call_is_made_again_when_unanswered_a_send_only_when_it_never_left() {
        let lost: Result<wicket_alipay::openapi::Response, CallError> = Err(CallError::NoAnswer("timeout".into()));
        assert!(again(&lost, true), "tagging twice does no harm");
        assert!(!again(&lost, false), "a send may have gone");
        assert!(again(&Err(CallError::NotSent("refused".into())), false));
        assert!(again(&refused("20000", Some("isp.unknow-error")), true));
        assert!(!again(&refused("40004", Some("LABEL_NOT_EXIST")), true), "a refusal is an answer");
    }
}
