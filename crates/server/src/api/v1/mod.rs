//! The console API, version 1.

pub(super) mod alipay;
pub(super) mod broadcasts;
pub(super) mod followers;
pub(super) mod inbox;
pub(super) mod layouts;
pub(super) mod live;
mod lookup;
pub(super) mod media;
pub(super) mod staff;
pub(super) mod wechat;

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wicket_model::sync::{PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse};
use wicket_model::{mutation, ChangeKind, ErrorCode, StaffUser, WicketError};

use super::openapi::{Invalid, Null, RateLimited, TooLarge, Unauthorized};
use crate::auth::{self, Staff};
use crate::error::ApiError;
use crate::limits::{self, ClientAddr};
use crate::storage::PushedMutation;
use crate::AppState;

/// The most changes one pull returns.
pub const MAX_PULL: u32 = 1000;
/// The most mutations one push may carry.
pub const MAX_PUSH: usize = 500;

/// The console API's routes, relative to where it is mounted: each method and
/// path is written once, in its handler's `#[utoipa::path]`, and `routes!`
/// takes both the route and its documentation from there.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
        .routes(routes!(super::openapi::openapi_json))
        .routes(routes!(sign_in, sign_out_everywhere))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(push))
        .routes(routes!(changes))
        .routes(routes!(live::live))
        .routes(routes!(layouts::templates))
        .routes(routes!(layouts::draft, layouts::save_draft))
        .routes(routes!(layouts::publish))
        .routes(routes!(layouts::versions))
        .routes(routes!(layouts::version))
        .routes(routes!(layouts::roll_back))
        .routes(routes!(layouts::wechat_menu, layouts::retry_wechat_menu))
        .routes(routes!(layouts::live_wechat_menu))
        .routes(routes!(inbox::conversations))
        .routes(routes!(inbox::messages, inbox::send))
        .routes(routes!(inbox::mark_read))
        .routes(routes!(media::upload).layer(DefaultBodyLimit::max(wicket_model::media::MAX_IMAGE_BYTES)))
        .routes(routes!(inbox::subscribers))
        .routes(routes!(inbox::subscriber))
        .routes(routes!(staff::list, staff::create))
        .routes(routes!(staff::update))
        .routes(routes!(staff::sign_out_staff))
        .routes(routes!(wechat::connection, wechat::connect))
        .routes(routes!(wechat::test))
        .routes(routes!(wechat::auto_replies))
        .routes(routes!(followers::progress, followers::start))
        .routes(routes!(alipay::connection, alipay::connect, alipay::disconnect))
        .routes(routes!(alipay::test))
        .routes(routes!(alipay::home))
        .routes(routes!(alipay::live_home))
        .routes(routes!(alipay::retry_part))
        .routes(routes!(broadcasts::list, broadcasts::create))
        .routes(routes!(broadcasts::get))
        .routes(routes!(broadcasts::cancel))
        .routes(routes!(broadcasts::forecast))
        .routes(routes!(broadcasts::preview))
}

/// JSON bodies, with malformed or unknown input answered in Wicket's error
/// shape rather than axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let code = if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ErrorCode::TooLarge
    } else {
        ErrorCode::Invalid
    };
    ApiError::new(code, rejection.body_text())
}

pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection: QueryRejection| ApiError::new(ErrorCode::Invalid, rejection.body_text()))
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct Health {
    /// Always `ok`.
    status: &'static str,
    /// The server's clock, in milliseconds since the Unix epoch.
    server_time: i64,
}

/// Whether the server is up, and its clock.
#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    responses((status = 200, description = "The server is up.", body = Health)),
)]
pub(super) async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", server_time: state.clock.now() })
}

/// Whether this process takes new requests.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum ReadyStatus {
    /// The storage answers and the server is not stopping.
    Ready,
    /// The server is stopping: requests in flight finish, new ones go elsewhere.
    ShuttingDown,
    /// The database did not answer a trivial query.
    StorageUnavailable,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Readiness {
    status: ReadyStatus,
}

/// Whether a load balancer should send this process requests: 200 when the
/// storage answers a trivial query and the server is not shutting down, 503
/// otherwise (at once when it starts stopping).
#[utoipa::path(
    get,
    path = "/ready",
    tag = "meta",
    responses(
        (status = 200, description = "Ready for requests.", body = Readiness),
        (status = 503, description = "Shutting down, or the database does not answer.", body = Readiness),
    ),
)]
pub(super) async fn ready(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Readiness>) {
    let status = if state.is_closing() {
        ReadyStatus::ShuttingDown
    } else if let Err(e) = state.storage.last_seq().await {
        tracing::warn!(error = %e, "not ready: the storage does not answer");
        ReadyStatus::StorageUnavailable
    } else if state.is_closing() {
        ReadyStatus::ShuttingDown
    } else {
        ReadyStatus::Ready
    };
    let code = match status {
        ReadyStatus::Ready => axum::http::StatusCode::OK,
        _ => axum::http::StatusCode::SERVICE_UNAVAILABLE,
    };
    (code, Json(Readiness { status }))
}

/// Signs a staff member in: a bearer token for every other console route.
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "sessions",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; send `Authorization: Bearer <token>` from now on.", body = SignInResponse),
        (status = 401, response = Unauthorized),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited),
    ),
)]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Response, ApiError> {
    // Capped before anything keeps it: a name longer than any login is wrong.
    let login: String = request.login.trim().chars().take(wicket_model::staff::LOGIN_MAX_CHARS + 1).collect();
    let key = auth::login_key(&login);
    if let Err(wait) = state.sign_in_limiter.check_shared(state.storage.as_ref(), &key, addr).await {
        let error = ApiError::new(ErrorCode::RateLimited, "too many sign-in attempts; wait a minute and try again");
        let mut response = error.into_response();
        response.headers_mut().insert(header::RETRY_AFTER, limits::retry_after(wait));
        return Ok(response);
    }
    let found = match login.chars().count() > wicket_model::staff::LOGIN_MAX_CHARS {
        true => None,
        false => state.storage.staff_by_login(&login).await?,
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // Unknown names are checked against a dummy hash: the same work, the
    // same wait, so the answer's timing does not tell which names exist.
    let matches = auth::check_password_off_thread(request.password, hash).await;
    match user {
        Some(user) if matches => Ok(Json(state.open_session(user).await?).into_response()),
        _ => Err(ApiError::new(ErrorCode::Unauthorized, "wrong sign-in name or password")),
    }
}

/// Signs this session out: its token stops working.
#[utoipa::path(
    delete,
    path = "/sessions/current",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed out. The body is `null`.", body = Null),
        (status = 401, response = Unauthorized),
    ),
)]
pub(super) async fn sign_out(State(state): State<AppState>, staff: Staff) -> Result<Json<()>, ApiError> {
    state.storage.revoke_session(&staff.token_hash).await?;
    Ok(Json(()))
}

/// Signs the staff member out of every session they have.
#[utoipa::path(
    delete,
    path = "/sessions",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every session of this staff member is signed out. The body is `null`.", body = Null),
        (status = 401, response = Unauthorized),
    ),
)]
pub(super) async fn sign_out_everywhere(State(state): State<AppState>, staff: Staff) -> Result<Json<()>, ApiError> {
    state.storage.revoke_all_sessions(&staff.user.id).await?;
    Ok(Json(()))
}

/// The signed-in staff member.
#[utoipa::path(
    get,
    path = "/me",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Who is signed in, with their role.", body = StaffUser),
        (status = 401, response = Unauthorized),
    ),
)]
pub(super) async fn me(staff: Staff) -> Json<StaffUser> {
    Json(staff.user)
}

/// Applies a console's numbered mutations, each exactly once and in order.
///
/// Each mutation is judged on its own: one the server refuses for good
/// (invalid, not allowed for the staff member's role, or of a kind this
/// server cannot read, issue `sync.mutation.unreadable`) still counts as
/// processed: it is listed in `rejected` with its error, and the ones behind
/// it are applied. A number the server processed before with other content
/// (the console's numbering went back: a restored or copied cache) is
/// refused with issue `sync.mutation.number_reused` and not recorded; the
/// mutations after it in the push are left for the console to number again
/// after `last_mutation_id`.
#[utoipa::path(
    post,
    path = "/push",
    tag = "sync",
    security(("bearer" = [])),
    request_body(content = PushRequest, description = "At most 500 mutations, numbered in increasing order."),
    responses(
        (status = 200, description = "Processed up to `last_mutation_id`.", body = PushResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "`client_id` belongs to another staff member's console (`forbidden`, issue `sync.client_id.taken`): the first staff member whose changes the server recorded under it owns it.", body = WicketError),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub(super) async fn push(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<PushBody>,
) -> Result<Json<PushResponse>, ApiError> {
    check_client_id(&request.client_id)?;
    if request.mutations.len() > MAX_PUSH {
        return Err(ApiError::new(ErrorCode::Invalid, format!("a push carries at most {MAX_PUSH} changes")));
    }
    if request.mutations.windows(2).any(|pair| pair[0].id >= pair[1].id) {
        return Err(ApiError::new(ErrorCode::Invalid, "changes must be numbered in increasing order"));
    }
    let role = staff.user.role;
    let now = state.clock.now();
    let actor = mutation::Actor { staff_id: staff.user.id.clone(), now };
    let apply = Arc::new(move |world: &dyn wicket_model::World, change: &wicket_model::Mutation| {
        if !role.allows(change.permission()) {
            return Err(WicketError::new(
                ErrorCode::Forbidden,
                format!("a {} cannot {}", role.as_str(), change.name()),
            ));
        }
        mutation::apply(world, change, &actor)
    });
    let mutations: Vec<PushedMutation> = request.mutations.into_iter().map(PushBodyEntry::judge).collect();
    let touched: Vec<String> = mutations
        .iter()
        .filter_map(|m| m.mutation.as_ref().ok())
        .filter(|m| !matches!(m.permission(), wicket_model::Permission::ManageAccounts))
        // A saved segment is no conversation's.
        .filter(|m| !matches!(m, wicket_model::Mutation::SaveSegment(_) | wicket_model::Mutation::DeleteSegment { .. }))
        // Nor is a broadcast draft.
        .filter(|m| {
            !matches!(
                m,
                wicket_model::Mutation::SaveBroadcastDraft(_) | wicket_model::Mutation::DeleteBroadcastDraft { .. }
            )
        })
        .map(|m| m.target_id().to_owned())
        .collect();
    let rules_changed = mutations.iter().any(|m| {
        matches!(
            m.mutation,
            Ok(wicket_model::Mutation::SaveAutoReplyRule(_) | wicket_model::Mutation::DeleteAutoReplyRule { .. })
        )
    });
    let before = state.storage.last_seq().await?;
    let response = state.storage.push(&request.client_id, &staff.user.id, mutations, apply, now).await?;
    let after = state.storage.last_seq().await?;
    if rules_changed {
        state.auto_replies.forget();
    }
    if after > before {
        state.announce(crate::LiveEvent::Changes { seq: after, conversations: touched });
    }
    Ok(Json(response))
}

/// A push as it arrives: each mutation is read on its own, so one this
/// server cannot read (a kind from a newer console) is refused alone. The
/// envelope itself is strict, as the model's `PushRequest` is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PushBody {
    client_id: String,
    mutations: Vec<PushBodyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PushBodyEntry {
    id: i64,
    mutation: serde_json::Value,
}

impl PushBodyEntry {
    /// The mutation, or why it cannot be read, with the digest of what was
    /// sent (its JSON with keys in order, so the same change sent again has
    /// the same digest).
    fn judge(self) -> PushedMutation {
        let digest = crate::storage::mutation_digest(&self.mutation);
        let mutation = serde_json::from_value(self.mutation).map_err(|e| {
            let issue = wicket_model::Issue::new("mutation", "sync.mutation.unreadable");
            WicketError {
                code: ErrorCode::Invalid,
                message: format!(
                    "the server cannot read this change ({e}); it may come from a newer version of Wicket than the server's"
                ),
                issues: vec![issue],
            }
        });
        PushedMutation { id: self.id, digest, mutation }
    }
}

/// Every answer of the console API says the server's sync protocol, and a
/// console that says one this server cannot serve is refused at once with
/// `sync.protocol.mismatch` (409), before anything is read or applied, so
/// it shows one plain message instead of retrying for ever.
pub(super) async fn protocol(request: Request, next: axum::middleware::Next) -> Response {
    use wicket_model::sync::{MIN_CONSOLE_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION};
    let said = request.headers().get(PROTOCOL_HEADER).map(|value| value.to_str().ok().and_then(|v| v.parse().ok()));
    let mut response = match said {
        Some(Some(version)) if (MIN_CONSOLE_PROTOCOL..=PROTOCOL_VERSION).contains(&version) => next.run(request).await,
        None => next.run(request).await,
        Some(console) => {
            let console = console.map_or_else(|| "?".to_owned(), |v: u32| v.to_string());
            let issue = wicket_model::Issue::new("console", "sync.protocol.mismatch")
                .with("console", &console)
                .with("server", PROTOCOL_VERSION);
            let message = format!(
                "this console speaks sync protocol {console} and this server {PROTOCOL_VERSION}: update the older one"
            );
            ApiError(WicketError { code: ErrorCode::Conflict, message, issues: vec![issue] }).into_response()
        }
    };
    response.headers_mut().insert(PROTOCOL_HEADER, header::HeaderValue::from(PROTOCOL_VERSION));
    response
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ChangesQuery {
    /// The console installation, 1 to 64 characters.
    client_id: String,
    /// The cursor of the previous pull; 0 (the default) starts from the beginning.
    #[serde(default)]
    after: i64,
    /// The most changes to return, 1 to 1000 (the default).
    limit: Option<u32>,
}

/// Reads the change feed after a cursor.
#[utoipa::path(
    get,
    path = "/changes",
    tag = "sync",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "The changes after `after` that the staff member's role may read (`scope`: a designer receives accounts, not subscribers, conversations or messages), the next cursor, and whether more follow.", body = PullResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "`client_id` belongs to another staff member's console (`forbidden`, issue `sync.client_id.taken`).", body = WicketError),
        (status = 422, response = Invalid),
    ),
)]
pub(super) async fn changes(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    check_client_id(&query.client_id)?;
    let limit = query.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let after = query.after.max(0);
    // The feed carries what the role may read, as the routes do: no
    // subscribers, conversations or messages for a role outside the inbox.
    let scope = ChangeKind::visible_to(staff.user.role);
    let pulled = state.storage.pull(&query.client_id, &staff.user.id, &scope, after, limit, state.clock.now()).await?;
    Ok(Json(pulled))
}

fn check_client_id(client_id: &str) -> Result<(), ApiError> {
    if client_id.is_empty() || client_id.len() > 64 {
        return Err(ApiError::new(ErrorCode::Invalid, "client_id must have 1 to 64 characters"));
    }
    Ok(())
}
