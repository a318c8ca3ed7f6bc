//! WeChat's callbacks: `GET /wechat/{account}` (the URL check, `echostr`)
//! and `POST /wechat/{account}` (every message and event). Each is checked
//! by `wicket_wechat` (replay window, signature, AES and AppID, bounded XML);
//! a refused request is logged without secrets and changes nothing. An
//! accepted message is stored durably, once however often WeChat retries,
//! before "success" answers WeChat (which waits 5 s); slower work comes after.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wicket_model::auto_reply::{self, Stimulus};
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::conversation_rules::Inbound;
use wicket_wechat::{CallbackQuery, Event, Inbound as Inbound_, DEFAULT_REPLAY_WINDOW_SECS, EMPTY_REPLY};

use crate::platform;
use crate::wechat::{self, Connection, PLATFORM};
use crate::AppState;

/// WeChat's callback routes; each method and path is written once, in its
/// handler's `#[utoipa::path]`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify))
        .routes(routes!(callback).layer(DefaultBodyLimit::max(wicket_wechat::MAX_BODY_BYTES)))
}

/// The query WeChat adds to the callback URL.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct WechatQuery {
    /// SHA-1 of the sorted Token, timestamp and nonce.
    signature: Option<String>,
    /// Unix seconds; refused outside the replay window (5 minutes).
    timestamp: Option<String>,
    nonce: Option<String>,
    /// The URL check's challenge, answered unchanged (GET only).
    echostr: Option<String>,
    /// `aes` when the body is encrypted (safe and compatible modes).
    encrypt_type: Option<String>,
    /// SHA-1 over Token, timestamp, nonce and the ciphertext (encrypted bodies).
    msg_signature: Option<String>,
    /// The subscriber's OpenID (WeChat adds it; not trusted: the signed body says who).
    #[allow(dead_code)]
    openid: Option<String>,
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn connection_of(state: &AppState, account: &str) -> Result<Connection, Response> {
    match state.platforms.wechat.connection(state, account).await {
        Ok(Some(connection)) => Ok(connection),
        Ok(None) => Err(plain(StatusCode::NOT_FOUND, "this account is not connected to WeChat")),
        Err(e) => {
            tracing::error!(account = %account, error = %e, "cannot open the account's WeChat connection");
            Err(plain(StatusCode::INTERNAL_SERVER_ERROR, "the server cannot read this connection"))
        }
    }
}

fn refuse(state: &AppState, account: &str, why: String) -> Response {
    // `why` comes from wicket_wechat's errors, which never echo secrets.
    tracing::warn!(account = %account, reason = %why, "refused a WeChat callback");
    state.platforms.wechat.note_refusal(account, state.clock.now(), format!("refused a callback: {why}"));
    plain(StatusCode::FORBIDDEN, "refused")
}

/// WeChat's check of the callback URL: `echostr` back when the signature matches the Token.
#[utoipa::path(
    get,
    path = "/wechat/{account}",
    tag = "wechat",
    operation_id = "wechat_verify",
    params(("account" = String, Path, description = "The account's id."), WechatQuery),
    responses(
        (status = 200, description = "`echostr`, unchanged.", body = String, content_type = "text/plain"),
        (status = 400, description = "A malformed query (a plain-text answer).", body = String, content_type = "text/plain"),
        (status = 403, description = "The signature does not match the account's Token (`refused`).", body = String, content_type = "text/plain"),
        (status = 404, description = "The account is not connected to WeChat.", body = String, content_type = "text/plain"),
    ),
)]
pub(super) async fn verify(
    State(state): State<AppState>,
    Path(account): Path<String>,
    Query(query): Query<WechatQuery>,
) -> Response {
    let connection = match connection_of(&state, &account).await {
        Ok(connection) => connection,
        Err(response) => return response,
    };
    let crypto = match connection.crypto() {
        Ok(crypto) => crypto,
        Err(e) => return refuse(&state, &account, format!("the stored EncodingAESKey is unusable: {e}")),
    };
    let (Some(signature), Some(timestamp), Some(nonce), Some(echostr)) =
        (&query.signature, &query.timestamp, &query.nonce, &query.echostr)
    else {
        return refuse(&state, &account, "the URL check lacks signature, timestamp, nonce or echostr".into());
    };
    match crypto.verify_url(signature, timestamp, nonce, echostr) {
        Ok(echo) => {
            let echo = echo.to_owned();
            let now = state.clock.now();
            state.platforms.wechat.update_state(&state, &account, |s| s.last_callback_at = Some(now)).await;
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], echo).into_response()
        }
        Err(e) => refuse(&state, &account, e.to_string()),
    }
}

/// A message or event from WeChat, in the account's message mode.
#[utoipa::path(
    post,
    path = "/wechat/{account}",
    tag = "wechat",
    operation_id = "wechat_callback",
    params(("account" = String, Path, description = "The account's id."), WechatQuery),
    request_body(content = String, description = "WeChat's XML: plaintext, or the `<Encrypt>` envelope.", content_type = "text/xml"),
    responses(
        (status = 200, description = "Stored (or stored before: a retry): `success`.", body = String, content_type = "text/plain"),
        (status = 400, description = "A malformed query (a plain-text answer).", body = String, content_type = "text/plain"),
        (status = 403, description = "Refused: outside the replay window, a wrong signature, a body that does not decrypt or names another AppID, an unencrypted body in safe mode, or XML that cannot be read. Nothing was stored.", body = String, content_type = "text/plain"),
        (status = 404, description = "The account is not connected to WeChat.", body = String, content_type = "text/plain"),
        (status = 413, description = "The body is larger than WeChat sends.", body = String, content_type = "text/plain"),
        (status = 503, description = "The message could not be stored; WeChat sends it again.", body = String, content_type = "text/plain"),
    ),
)]
pub(super) async fn callback(
    State(state): State<AppState>,
    Path(account): Path<String>,
    Query(query): Query<WechatQuery>,
    body: Bytes,
) -> Response {
    let connection = match connection_of(&state, &account).await {
        Ok(connection) => connection,
        Err(response) => return response,
    };
    let crypto = match connection.crypto() {
        Ok(crypto) => crypto,
        Err(e) => return refuse(&state, &account, format!("the stored EncodingAESKey is unusable: {e}")),
    };
    let callback_query = CallbackQuery {
        signature: query.signature.as_deref(),
        timestamp: query.timestamp.as_deref(),
        nonce: query.nonce.as_deref(),
        encrypt_type: query.encrypt_type.as_deref(),
        msg_signature: query.msg_signature.as_deref(),
    };
    let now = state.clock.now();
    let opened = match crypto.open_callback(
        crate::wechat::message_mode(connection.mode),
        &callback_query,
        &body,
        now.div_euclid(1000),
        DEFAULT_REPLAY_WINDOW_SECS,
    ) {
        Ok(opened) => opened,
        Err(e) => return refuse(&state, &account, e.to_string()),
    };
    let message = &opened.message;
    let mut bodies: Vec<(MessageBody, &str)> = wechat::to_body(&message.kind).map(|b| (b, "")).into_iter().collect();
    // A follow through a parameter QR code is greeted once, for its scene.
    let mut follow_scene: Option<String> = None;
    if bodies.is_empty() {
        tracing::info!(account = %account, kind = ?message.kind, "a WeChat platform report, not a subscriber's message");
    }
    if let Inbound_::Event(event @ Event::MassSendJobFinish { .. }) = &message.kind {
        crate::wechat::mass::record_report(&state, event).await;
    }
    if let Inbound_::Event(Event::Subscribe { scene: Some(scene), .. }) = &message.kind {
        // Followed through a parameter QR code (`qrscene_…`): the follow, then the scan.
        if !scene.is_empty() {
            let scene: String = scene.chars().take(wicket_model::conversation::limits::SCENE_MAX_CHARS).collect();
            follow_scene = Some(scene.clone());
            bodies.push((MessageBody::Event(SubscriberEvent::Scan { scene }), "#scan"));
        }
    }
    let mut passive: Option<wicket_model::conversation::Message> = None;
    for (mut body, part) in bodies {
        if let MessageBody::Event(SubscriberEvent::MenuTap { key, label }) = &mut body {
            // The tap shows the button's name, as the published menu has it.
            if let Ok(Some((_, layout))) = state.storage.live_layout(&account).await {
                let menu = wicket_model::layout::wechat_menu_json(&layout.menu);
                if let Some(name) = wechat::menu_label(&menu, key) {
                    *label = name;
                }
            }
        }
        let inbound = Inbound {
            account_id: account.clone(),
            platform: PLATFORM.into(),
            platform_user_id: message.from_user_name.clone(),
            display_name: wechat::display_name(&message.from_user_name),
            platform_msg_id: Some(wechat::platform_msg_id(message, part)),
            body,
        };
        let stimulus = match (&inbound.body, &follow_scene) {
            (MessageBody::Event(SubscriberEvent::Follow), Some(scene)) => {
                Some(Stimulus::Followed { scene: Some(scene.clone()) })
            }
            (MessageBody::Event(SubscriberEvent::Scan { .. }), Some(_)) => None,
            (body, _) => Stimulus::of(body),
        };
        let id = wechat::message_id(&account, message, part);
        match platform::receive_answering(&state, inbound, id.clone(), stimulus, true).await {
            Ok(received) if !received.new => {
                tracing::debug!(account = %account, key = %message.dedup_key(), "a callback WeChat sent again");
                // The answer to the first try may not have arrived: the
                // same passive reply again.
                if passive.is_none() {
                    passive = match state.storage.message(&auto_reply::reply_id(&id, 0)).await {
                        Ok(found) => found.filter(|m| m.auto_reply.as_ref().is_some_and(|mark| mark.passive)),
                        Err(_) => None,
                    };
                }
            }
            Ok(received) => {
                if passive.is_none() {
                    passive = received.replies.into_iter().find(|m| m.auto_reply.as_ref().is_some_and(|a| a.passive));
                }
            }
            Err(e) => {
                // Not "success": WeChat sends it again.
                tracing::warn!(account = %account, error = %e.0.message, "a WeChat message could not be stored");
                let status = if e.0.code == wicket_model::ErrorCode::Invalid {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                };
                return plain(status, "not stored");
            }
        }
    }
    // The connection's state is slow work: after the answer.
    let later = state.clone();
    tokio::spawn(async move {
        later.platforms.wechat.update_state(&later, &account, |s| s.last_callback_at = Some(now)).await;
    });
    match passive.and_then(|reply| passive_xml(message, &reply.body, now.div_euclid(1000))) {
        Some(xml) => {
            let nonce = uuid::Uuid::new_v4().simple().to_string();
            let body = crypto.seal_reply(&opened, &xml, now.div_euclid(1000), &nonce[..16]);
            ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
        }
        None => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], EMPTY_REPLY).into_response(),
    }
}

/// The passive reply's XML for an automatic reply: to the subscriber, from
/// the account's original ID (the callback's ToUserName).
fn passive_xml(message: &wicket_wechat::InboundMessage, body: &MessageBody, now_unix: i64) -> Option<String> {
    let (to, from) = (&message.from_user_name, &message.to_user_name);
    match body {
        MessageBody::Text { text } => Some(wicket_wechat::text_reply(to, from, now_unix, text)),
        MessageBody::Article { title, description, url, image_url } => {
            Some(wicket_wechat::news_reply(to, from, now_unix, title, description, image_url, url))
        }
        _ => None,
    }
}
