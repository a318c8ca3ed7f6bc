//! The built-in sandbox platform: the subscriber web app at `/s/{account}`
//! and its API. A browser is a subscriber, known by an opaque cookie; this is
//! the adapter a real platform (Alipay's gateway, WeChat's callbacks) will sit
//! beside, handing the same `Inbound` messages to the same rules.

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use include_dir::{include_dir, Dir};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wicket_model::api::{
    SandboxAccount, SandboxFollowing, SandboxMessages, SandboxSend, SandboxSendBody, SandboxSent, SandboxSubscriber,
    SandboxView,
};
use wicket_model::conversation::{MessageBody, SubscriberEvent};
use wicket_model::conversation_rules::Inbound;
use wicket_model::layout::SampleSubscriber;
use wicket_model::{ErrorCode, WicketError};

use crate::api::openapi::{Invalid, NotFound, TooLarge};
use crate::auth;
use crate::error::ApiError;
use crate::{AppState, LiveEvent};

const PLATFORM: &str = "sandbox";
const COOKIE: &str = "wicket_sandbox";
/// Images subscribers send, before base64: the same limit as staff images.
const MAX_IMAGE_BYTES: usize = wicket_model::media::MAX_IMAGE_BYTES;

static WEB: Dir = include_dir!("$WICKET_WEB_DIR");

/// The largest body `send` takes: an image as a base64 data URL, and the rest.
const MAX_SEND_BYTES: usize = MAX_IMAGE_BYTES * 4 / 3 + 64 * 1024;

/// The sandbox's routes; each method and path is written once, in its
/// handler's `#[utoipa::path]`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page))
        .routes(routes!(favicon))
        .routes(routes!(asset))
        .routes(routes!(media))
        .routes(routes!(view))
        .routes(routes!(follow))
        .routes(routes!(unfollow))
        .routes(routes!(event))
        .routes(routes!(messages))
        .routes(routes!(send).layer(DefaultBodyLimit::max(MAX_SEND_BYTES)))
        .routes(routes!(live))
}

/// The subscriber web app, for one account.
#[utoipa::path(
    get,
    path = "/s/{account}",
    tag = "sandbox",
    operation_id = "sandbox_page",
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The web app's page; it calls the `/s/api/{account}/…` routes.", body = String, content_type = "text/html"),
        (status = 503, description = "The web app was not built into this server.", body = String, content_type = "text/plain"),
    ),
)]
pub(super) async fn page(Path(_account): Path<String>) -> Response {
    match WEB.get_file("subscriber.html") {
        Some(file) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], file.contents()).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The subscriber web app is not built into this server: run `make ui`, then build the server again.",
        )
            .into_response(),
    }
}

/// Wicket's icon, which browsers ask for beside the subscriber web app.
static FAVICON: &[u8] = include_bytes!("../../../../icons/icon.ico");

/// The site's icon: Wicket's, the desktop app's own.
#[utoipa::path(
    get,
    path = "/favicon.ico",
    tag = "sandbox",
    operation_id = "sandbox_favicon",
    responses(
        (
            status = 200,
            description = "Wicket's icon, cached for a day.",
            content(("image/x-icon")),
            headers(("Cache-Control" = String, description = "`public, max-age=86400`")),
        ),
    ),
)]
pub(super) async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/x-icon"), (header::CACHE_CONTROL, "public, max-age=86400")], FAVICON)
        .into_response()
}

/// A file of the subscriber web app (scripts, styles, images, fonts).
#[utoipa::path(
    get,
    path = "/s/assets/{*path}",
    tag = "sandbox",
    operation_id = "sandbox_asset",
    params(("path" = String, Path, description = "The file's path under `assets/`; it may contain `/`.")),
    responses(
        (
            status = 200,
            description = "The file, with a content type from its extension; names carry a content hash, so it is cached for a year.",
            content(
                ("text/javascript"),
                ("text/css"),
                ("image/svg+xml"),
                ("image/png"),
                ("font/woff2"),
                ("application/octet-stream"),
            ),
            headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`")),
        ),
        (status = 404, description = "No such file (an empty body)."),
    ),
)]
pub(super) async fn asset(Path(path): Path<String>) -> Response {
    let Some(file) = WEB.get_file(format!("assets/{path}")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    // Asset names carry a content hash: they never change.
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], file.contents())
        .into_response()
}

/// An image a subscriber sent, by its id (the SHA-256 of its bytes).
#[utoipa::path(
    get,
    path = "/s/media/{id}",
    tag = "sandbox",
    operation_id = "sandbox_media",
    params(("id" = String, Path, description = "The image's id, as in a message's `/s/media/{id}` URL.")),
    responses(
        (
            status = 200,
            description = "The image, with the content type it was sent with.",
            content(
                ("image/png"),
                ("image/jpeg"),
                ("image/gif"),
                ("image/webp"),
            ),
        ),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn media(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let (mime, bytes) =
        state.storage.media(&id).await?.ok_or_else(|| ApiError(WicketError::not_found(format!("image {id}"))))?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

/// The browser's sandbox identity, made on its first visit.
struct Visitor {
    user_id: String,
    set_cookie: Option<HeaderValue>,
}

impl Visitor {
    fn respond<T: Serialize>(self, body: T) -> Response {
        let mut response = Json(body).into_response();
        if let Some(cookie) = self.set_cookie {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        response
    }

    fn display_name(&self) -> String {
        let tail: String = self.user_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        format!("访客 {}", tail.to_uppercase())
    }
}

/// The browser's sandbox identity. Its id follows from the cookie's token,
/// so reading needs no stored row: `write` stores the visitor (the first
/// follow, event or message does), and a browser with no cookie gets one.
async fn visitor(state: &AppState, headers: &HeaderMap, write: bool) -> Result<Visitor, ApiError> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned))
        .find(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    let (token_hash, set_cookie) = match token {
        Some(token) => (auth::token_hash(&token), None),
        None => {
            let (token, token_hash) = auth::new_token();
            let secure = if is_https(state, headers) { "; Secure" } else { "" };
            let cookie = format!("{COOKIE}={token}; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}");
            let set_cookie =
                HeaderValue::from_str(&cookie).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            (token_hash, Some(set_cookie))
        }
    };
    let user_id = match state.storage.sandbox_visitor(&token_hash).await? {
        Some(user_id) => user_id,
        None => {
            let user_id = format!("sandbox-{}", &token_hash[..16]);
            if write {
                state.storage.create_sandbox_visitor(&token_hash, &user_id, state.clock.now()).await?;
            }
            user_id
        }
    };
    Ok(Visitor { user_id, set_cookie })
}

/// Whether the browser reached the server over https: a flag says so, or
/// the reverse proxy in front (`X-Forwarded-Proto: https`).
fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.options.https
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

async fn open_account(state: &AppState, account: &str) -> Result<wicket_model::Account, ApiError> {
    match state.storage.account(account).await? {
        Some(found) if !found.archived => Ok(found),
        _ => Err(ApiError(WicketError::not_found("this account"))),
    }
}

/// The account and its live layout, as this browser's subscriber sees it.
#[utoipa::path(
    get,
    path = "/s/api/{account}/view",
    tag = "sandbox",
    operation_id = "sandbox_view",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The view.", body = SandboxView, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn view(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, false).await?;
    let live = state.storage.live_layout(&account.id).await?;
    let known = state.storage.subscriber_by_platform_id(&account.id, PLATFORM, &visitor.user_id).await?;
    let subscriber = match known {
        Some(s) => SandboxSubscriber { id: s.id, display_name: s.display_name, following: s.following },
        None => SandboxSubscriber { id: String::new(), display_name: visitor.display_name(), following: false },
    };
    // Template fields show what the server knows of this visitor, never the
    // designer's sample subscriber: what it does not know stays empty.
    let sample = SampleSubscriber {
        name: subscriber.display_name.clone(),
        id: visitor.user_id.clone(),
        level: String::new(),
        card_last4: String::new(),
        card_masked_number: String::new(),
        statement_month: String::new(),
        statement_amount: String::new(),
        statement_min_payment: String::new(),
        statement_due_date: String::new(),
        points_balance: String::new(),
        coupons_count: String::new(),
        flight_number: String::new(),
        flight_date: String::new(),
        order_latest_status: String::new(),
    };
    let view = SandboxView {
        account: SandboxAccount {
            id: account.id,
            name: account.name,
            avatar_color: account.avatar_color,
            platform: account.platform,
            description: account.description,
        },
        version: live.as_ref().map(|(v, _)| *v),
        layout: live.map(|(_, layout)| layout),
        subscriber,
        sample,
    };
    Ok(visitor.respond(view))
}

/// Hands a subscriber's message or event to the rules and tells everyone.
async fn receive(
    state: &AppState,
    account: &str,
    visitor: &Visitor,
    body: MessageBody,
    platform_msg_id: Option<String>,
) -> Result<crate::platform::Received, ApiError> {
    let inbound = Inbound {
        account_id: account.to_owned(),
        platform: PLATFORM.into(),
        platform_user_id: visitor.user_id.clone(),
        display_name: visitor.display_name(),
        platform_msg_id: platform_msg_id.clone(),
        body,
    };
    // A message's id follows from its platform id, so a retry finds it again.
    let message_id = match &platform_msg_id {
        Some(id) => hex::encode(&Sha256::digest(format!("{}\n{id}", visitor.user_id).as_bytes())[..16]),
        None => uuid::Uuid::new_v4().to_string(),
    };
    crate::platform::receive(state, inbound, message_id).await
}

async fn set_following(
    state: AppState,
    account: String,
    headers: HeaderMap,
    follow: bool,
) -> Result<Response, ApiError> {
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, true).await?;
    let known = state.storage.subscriber_by_platform_id(&account.id, PLATFORM, &visitor.user_id).await?;
    if known.map(|s| s.following).unwrap_or(false) != follow {
        let event = if follow { SubscriberEvent::Follow } else { SubscriberEvent::Unfollow };
        receive(&state, &account.id, &visitor, MessageBody::Event(event), None).await?;
    }
    Ok(visitor.respond(SandboxFollowing { following: follow }))
}

/// Follows the account, as the platform's follow event would.
#[utoipa::path(
    post,
    path = "/s/api/{account}/follow",
    tag = "sandbox",
    operation_id = "sandbox_follow",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Following (again, or already).", body = SandboxFollowing, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn follow(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_following(state, account, headers, true).await
}

/// Unfollows the account.
#[utoipa::path(
    post,
    path = "/s/api/{account}/unfollow",
    tag = "sandbox",
    operation_id = "sandbox_unfollow",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Not following (any more, or already not).", body = SandboxFollowing, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn unfollow(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    set_following(state, account, headers, false).await
}

/// Something the subscriber did that is not a message (entering, scanning,
/// tapping the menu, a module's keyword). Follows go to `/follow` and
/// `/unfollow`.
#[utoipa::path(
    post,
    path = "/s/api/{account}/events",
    tag = "sandbox",
    operation_id = "sandbox_event",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = SubscriberEvent,
    responses(
        (status = 200, description = "Received. The body is `{}`.", body = Object, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub(super) async fn event(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    super::v1::ApiJson(event): super::v1::ApiJson<SubscriberEvent>,
) -> Result<Response, ApiError> {
    if matches!(event, SubscriberEvent::Follow | SubscriberEvent::Unfollow) {
        return Err(ApiError::new(ErrorCode::Invalid, "use /follow and /unfollow"));
    }
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, true).await?;
    receive(&state, &account.id, &visitor, MessageBody::Event(event), None).await?;
    Ok(visitor.respond(serde_json::json!({})))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct After {
    /// The `cursor` of the previous answer; 0 (the default) for the whole conversation.
    #[serde(default)]
    after: i64,
}

/// The subscriber's conversation with the account, after a cursor.
#[utoipa::path(
    get,
    path = "/s/api/{account}/messages",
    tag = "sandbox",
    operation_id = "sandbox_messages",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id."), After),
    responses(
        (status = 200, description = "The messages after `after`.", body = SandboxMessages, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 400, description = "A malformed query (a plain-text answer).", body = String, content_type = "text/plain"),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn messages(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Query(after): Query<After>,
) -> Result<Response, ApiError> {
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, false).await?;
    let conversation = my_conversation(&state, &account.id, &visitor.user_id).await?;
    let (messages, cursor) = match conversation {
        Some(id) => state.storage.messages_after(&id, after.after.max(0), 500).await?,
        None => (Vec::new(), after.after),
    };
    Ok(visitor.respond(SandboxMessages { messages, cursor }))
}

async fn my_conversation(state: &AppState, account: &str, user_id: &str) -> Result<Option<String>, ApiError> {
    let Some(subscriber) = state.storage.subscriber_by_platform_id(account, PLATFORM, user_id).await? else {
        return Ok(None);
    };
    Ok(state.storage.conversation_of(&subscriber.id).await?.map(|c| c.id))
}

/// Sends a message to the account, as the subscriber.
#[utoipa::path(
    post,
    path = "/s/api/{account}/messages",
    tag = "sandbox",
    operation_id = "sandbox_send",
    security((), ("wicket_sandbox" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = SandboxSend,
    responses(
        (status = 200, description = "The message as stored (the same one again for a repeated `client_msg_id`).", body = SandboxSent, headers(("Set-Cookie" = String, description = "On a first visit (no valid `wicket_sandbox` cookie): the new cookie, `wicket_sandbox=<token>; Path=/s; HttpOnly; SameSite=Lax; Max-Age=31536000`."))),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub(super) async fn send(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    super::v1::ApiJson(send): super::v1::ApiJson<SandboxSend>,
) -> Result<Response, ApiError> {
    if send.client_msg_id.is_empty() || send.client_msg_id.len() > 64 {
        return Err(ApiError::new(ErrorCode::Invalid, "client_msg_id must have 1 to 64 characters"));
    }
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, true).await?;
    let body = match send.body {
        SandboxSendBody::Text { text } => MessageBody::Text { text },
        SandboxSendBody::Image { data_url } => {
            let (mime, bytes) = decode_image(&data_url)?;
            check_image_quota(&state, &visitor, bytes.len()).await?;
            let id = hex::encode(Sha256::digest(&bytes));
            state.storage.save_media(&id, &mime, bytes, state.clock.now()).await?;
            MessageBody::Image { url: format!("/s/media/{id}") }
        }
    };
    let received =
        receive(&state, &account.id, &visitor, body, Some(format!("sandbox:{}", send.client_msg_id))).await?;
    // A new message comes back from its own commit; one sent before (the
    // same `client_msg_id` again) is read as stored.
    let message = match received.message {
        Some(message) => message,
        None => state
            .storage
            .message(&received.message_id)
            .await?
            .ok_or_else(|| ApiError(WicketError::not_found(format!("message {}", received.message_id))))?,
    };
    Ok(visitor.respond(SandboxSent { message }))
}

fn decode_image(data_url: &str) -> Result<(String, Vec<u8>), ApiError> {
    let invalid =
        || ApiError(WicketError::invalid(vec![wicket_model::Issue::new("body.data_url", "message.image.invalid")]));
    let rest = data_url.strip_prefix("data:").ok_or_else(invalid)?;
    let (mime, data) = rest.split_once(";base64,").ok_or_else(invalid)?;
    if !matches!(mime, "image/png" | "image/jpeg" | "image/gif" | "image/webp") {
        return Err(invalid());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| invalid())?;
    if bytes.len() <= MAX_IMAGE_BYTES && wicket_model::media::image_type(&bytes) != Some(mime) {
        // The bytes must be the kind of image the URL says, as staff uploads.
        return Err(invalid());
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ApiError(WicketError::invalid(vec![wicket_model::Issue::new(
            "body.data_url",
            "message.image.too_large",
        )
        .with("max", MAX_IMAGE_BYTES)])));
    }
    Ok((mime.to_owned(), bytes))
}

/// A visitor's images are bounded an hour, and all images together.
async fn check_image_quota(state: &AppState, visitor: &Visitor, bytes: usize) -> Result<(), ApiError> {
    let quota = || ApiError::new(ErrorCode::RateLimited, "too many images for now; try again later");
    if state.sandbox_limits.check_image(&visitor.user_id, bytes).is_err() {
        return Err(quota());
    }
    if state.storage.media_bytes().await?.saturating_add(bytes as u64) > state.options.media_total_bytes {
        return Err(quota());
    }
    Ok(())
}

/// The sandbox platform's gate: off, its routes answer 404 (images stay:
/// staff replies show them); `/s/api/…` is limited per address; every
/// answer carries the security headers.
pub(super) async fn guard(
    State(state): State<AppState>,
    addr: crate::limits::ClientAddr,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let always_served = path.starts_with("/s/media/") || path == "/favicon.ico";
    if !state.options.sandbox_platform && !always_served {
        return StatusCode::NOT_FOUND.into_response();
    }
    if path.starts_with("/s/api/") {
        let body_bytes = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        if let Err(wait) = state.sandbox_limits.check_request(addr, body_bytes) {
            let mut response =
                ApiError::new(ErrorCode::RateLimited, "too many requests; wait a little and try again").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, crate::limits::retry_after(wait));
            return with_security_headers(response, &path);
        }
    }
    with_security_headers(next.run(request).await, &path)
}

/// The subscriber page may load only its own scripts, styles, images and
/// sockets, and no other site may frame it; the API and images allow nothing.
fn with_security_headers(mut response: Response, path: &str) -> Response {
    let csp = if path.starts_with("/s/api/") || path.starts_with("/s/media/") {
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    } else {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The subscriber's live socket, a WebSocket.
///
/// A GET that upgrades to a WebSocket (`101 Switching Protocols`). The
/// server sends the JSON text frame `{"type": "messages"}` whenever this
/// subscriber's conversation changes (or when it may have: after falling
/// behind); the web app then fetches `/s/api/{account}/messages` after its
/// cursor. What the browser sends is ignored.
#[utoipa::path(
    get,
    path = "/s/api/{account}/live",
    tag = "sandbox",
    operation_id = "sandbox_live",
    security((), ("wicket_sandbox" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("Connection" = String, Header, description = "`Upgrade`"),
        ("Upgrade" = String, Header, description = "`websocket`"),
        ("Sec-WebSocket-Version" = String, Header, description = "`13`"),
        ("Sec-WebSocket-Key" = String, Header, description = "The WebSocket handshake key."),
    ),
    responses(
        (status = 101, description = "Switched to the WebSocket protocol: the server sends `{\"type\": \"messages\"}` frames."),
        (status = 400, description = "Not a WebSocket handshake (a plain-text answer).", body = String, content_type = "text/plain"),
        (status = 404, response = NotFound),
        (status = 426, description = "The connection cannot be upgraded (a plain-text answer).", body = String, content_type = "text/plain"),
    ),
)]
pub(super) async fn live(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let account = open_account(&state, &account).await?;
    let visitor = visitor(&state, &headers, false).await?;
    Ok(upgrade
        .max_message_size(4 * 1024)
        .max_frame_size(4 * 1024)
        .on_upgrade(move |socket| follow_conversation(socket, state, account.id, visitor.user_id)))
}

/// Says `{"type":"messages"}` whenever this subscriber's conversation changes.
async fn follow_conversation(mut socket: WebSocket, state: AppState, account: String, user_id: String) {
    let mut events = state.live.subscribe();
    let mut mine: Option<String> = None;
    loop {
        tokio::select! {
            event = events.recv() => {
                let relevant = match event {
                    Ok(LiveEvent::Changes { conversations, .. }) => {
                        if mine.is_none() {
                            mine = my_conversation(&state, &account, &user_id).await.ok().flatten();
                        }
                        mine.as_ref().is_some_and(|id| conversations.contains(id))
                    }
                    Ok(LiveEvent::Presence { .. } | LiveEvent::Role { .. } | LiveEvent::Broadcast(_)) => false,
                    // Fell behind: a fetch costs little and misses nothing.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                if relevant && socket.send(WsMessage::Text(r#"{"type":"messages"}"#.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                if !matches!(incoming, Some(Ok(_))) {
                    return;
                }
            }
            () = state.closing() => return,
        }
    }
}
