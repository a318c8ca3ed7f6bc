//! Alipay's application gateway (应用网关): `POST /alipay/{account}`. Every
//! request is a signed form (`service`, `sign`, `sign_type`, `charset`,
//! `biz_content`); `wicket_alipay` parses it in the charset it names (GBK
//! included) and checks its RSA2 signature with the account's Alipay public
//! key. A refused request is logged without keys, noted as the connection's
//! last error and changes nothing. `alipay.service.check` (verifygw) is
//! answered with the signed XML holding the application public key; a
//! message notify is stored durably, once however often Alipay sends it,
//! before the signed acknowledgement answers it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wicket_alipay::charset::Charset;
use wicket_alipay::gateway::{self, GatewayError, GatewayRequest};
use wicket_alipay::notify::NotifyKind;
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::conversation_rules::Inbound;

use crate::alipay::{self, ConnectionError, Opened, PLATFORM};
use crate::platform;
use crate::AppState;

/// Alipay's gateway route; its method and path are written once, in its
/// handler's `#[utoipa::path]`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(gateway).layer(DefaultBodyLimit::max(wicket_alipay::gateway::MAX_BODY_BYTES)))
}

/// The service of Alipay's gateway check.
pub const SERVICE_CHECK: &str = "alipay.service.check";
/// The service of messages and events.
pub const SERVICE_NOTIFY: &str = "alipay.mobile.public.message.notify";

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Signed XML in `charset`, as Alipay reads it.
fn xml(status: StatusCode, charset: Charset, text: String) -> Response {
    let bytes = charset.encode(&text).unwrap_or_else(|_| text.into_bytes());
    (status, [(header::CONTENT_TYPE, format!("text/xml; charset={}", charset.name()))], bytes).into_response()
}

/// A refusal: logged and noted on the connection (in memory) as a fixed
/// reason key, never the request's text, and answered with a fixed, unsigned
/// 403: a request anyone can send costs no private-key signature.
fn refuse(state: &AppState, account: &str, reason: &'static str) -> Response {
    tracing::warn!(account = %account, reason, "refused an Alipay gateway request");
    state.platforms.alipay.note_refusal(account, state.clock.now(), reason.to_owned());
    plain(StatusCode::FORBIDDEN, "refused")
}

async fn connection_of(state: &AppState, account: &str) -> Result<Arc<Opened>, Response> {
    match state.platforms.alipay.opened(state, account).await {
        Ok(Some(opened)) => Ok(opened),
        Err(ConnectionError::Unusable(_)) => Err(refuse(state, account, "alipay.gateway.keys_unusable")),
        Ok(None) => Err(plain(StatusCode::NOT_FOUND, "this account is not connected to Alipay")),
        Err(e) => {
            tracing::error!(account = %account, error = %e, "cannot open the account's Alipay connection");
            Err(plain(StatusCode::INTERNAL_SERVER_ERROR, "the server cannot read this connection"))
        }
    }
}

/// A request from Alipay to the account's application gateway.
#[utoipa::path(
    post,
    path = "/alipay/{account}",
    tag = "alipay",
    operation_id = "alipay_gateway",
    params(("account" = String, Path, description = "The account's id.")),
    request_body(content = String, description = "Alipay's signed form: `service`, `sign`, `sign_type`, `charset`, `biz_content` (XML).", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Answered (the gateway check) or stored (or stored before: a repeat): Alipay's signed XML, in the request's charset.", body = String, content_type = "text/xml"),
        (status = 403, description = "Refused: a form that cannot be read, a signature that does not match the account's Alipay public key, another application's notify. Nothing was stored; the body is a fixed, unsigned `refused`.", body = String, content_type = "text/plain"),
        (status = 404, description = "The account is not connected to Alipay.", body = String, content_type = "text/plain"),
        (status = 413, description = "The body is larger than Alipay sends.", body = String, content_type = "text/plain"),
        (status = 503, description = "The message could not be stored; Alipay sends it again.", body = String, content_type = "text/plain"),
    ),
)]
pub(super) async fn gateway(
    State(state): State<AppState>,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let opened = match connection_of(&state, &account).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let (connection, keys) = (&opened.connection, &opened.keys);
    // The 2014 服务窗 put `charset` in the gateway URL's query string, and signed it (§5.2).
    let query = query.unwrap_or_default();
    let request: GatewayRequest = match gateway::parse_form_with_query(query.as_bytes(), &body) {
        Ok(request) => request,
        Err(_) => return refuse(&state, &account, "alipay.gateway.unreadable"),
    };
    let charset = request.charset;
    let notify = match request.open(&keys.alipay_key) {
        Ok(notify) => notify,
        Err(GatewayError::Notify(_)) => return refuse(&state, &account, "alipay.gateway.unreadable"),
        Err(_) => return refuse(&state, &account, "alipay.gateway.unverified"),
    };
    if notify.app_id != connection.app_id {
        return refuse(&state, &account, "alipay.gateway.other_app");
    }
    let now = state.clock.now();
    if request.service == SERVICE_CHECK || matches!(notify.kind, NotifyKind::Verifygw) {
        state.platforms.alipay.update_state(&state, &account, |s| s.last_callback_at = Some(now)).await;
        tracing::info!(account = %account, "answered Alipay's gateway check");
        return xml(StatusCode::OK, charset, gateway::verifygw_response(&keys.app_key, charset));
    }
    if request.service != SERVICE_NOTIFY {
        tracing::info!(account = %account, service = %request.service, "an Alipay gateway service Wicket does not handle");
    }
    for (mut body, part) in alipay::to_bodies(&notify.kind) {
        if let MessageBody::Event(SubscriberEvent::MenuTap { key, label }) = &mut body {
            // The tap shows the button's name, as the published menu has it.
            if let Ok(Some((_, layout))) = state.storage.live_layout(&account).await {
                let menu = wicket_model::layout::alipay_menu_json(&layout.menu);
                if let Some(name) = alipay::menu_label(&menu, key) {
                    *label = name;
                }
            }
        }
        let mut inbound = Inbound {
            account_id: account.clone(),
            platform: PLATFORM.into(),
            platform_user_id: notify.from_user_id.clone(),
            display_name: alipay::display_name(&notify.from_user_id),
            platform_msg_id: Some(alipay::platform_msg_id(&notify, part)),
            body,
        };
        let id = alipay::message_id(&account, &notify, part);
        if let NotifyKind::Image { media_id, .. } = &notify.kind {
            // A repeat is not fetched again; a failed fetch keeps the message with its marker.
            if !matches!(state.storage.message(&id).await, Ok(Some(_))) {
                match state.platforms.alipay.fetch_image(&state, connection, media_id).await {
                    Ok(url) => inbound.body = MessageBody::Image { url },
                    Err(e) => {
                        tracing::warn!(account = %account, error = %e, "an Alipay user's image could not be fetched")
                    }
                }
            }
        }
        match platform::receive(&state, inbound, id).await {
            Ok(received) if !received.new => {
                tracing::debug!(account = %account, key = %notify.dedup_key(), "a notify Alipay sent again");
            }
            Ok(_) => {}
            Err(e) => {
                // Not acknowledged: Alipay sends it again.
                tracing::warn!(account = %account, error = %e.0.message, "an Alipay message could not be stored");
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
        later.platforms.alipay.update_state(&later, &account, |s| s.last_callback_at = Some(now)).await;
    });
    // Alipay's 服务窗 demos answer a notify with the signed ack message; without it Alipay sends
    // the notify again.
    xml(StatusCode::OK, charset, gateway::notify_ack_for(&keys.app_key, charset, &notify, now.div_euclid(1000)))
}
