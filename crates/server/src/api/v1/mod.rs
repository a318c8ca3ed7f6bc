//! The console API, version 1.

mod inbox;
mod layouts;
mod live;

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wicket_model::sync::{PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse};
use wicket_model::{mutation, ErrorCode, StaffUser, WicketError};

use crate::auth::{self, Staff};
use crate::error::ApiError;
use crate::AppState;

/// Sign-in attempts per sign-in name: a burst of 10, then one every 6 s.
pub type SignInLimiter = DefaultKeyedRateLimiter<String>;

pub fn sign_in_limiter() -> SignInLimiter {
    let per_minute = NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(per_minute))
}

/// The most changes one pull returns.
pub const MAX_PULL: u32 = 1000;
/// The most mutations one push may carry.
pub const MAX_PUSH: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/sessions", post(sign_in).delete(sign_out_everywhere))
        .route("/sessions/current", delete(sign_out))
        .route("/me", get(me))
        .route("/push", post(push))
        .route("/changes", get(changes))
        .route("/live", get(live::live))
        .route("/templates", get(layouts::templates))
        .route("/accounts/{account}/layout/draft", get(layouts::draft).put(layouts::save_draft))
        .route("/accounts/{account}/layout/publish", post(layouts::publish))
        .route("/accounts/{account}/layout/versions", get(layouts::versions))
        .route("/accounts/{account}/layout/versions/{version}", get(layouts::version))
        .route("/accounts/{account}/layout/rollback", post(layouts::roll_back))
        .route("/conversations", get(inbox::conversations))
        .route("/conversations/{conversation}/messages", get(inbox::messages).post(inbox::send))
        .route("/subscribers", get(inbox::subscribers))
        .route("/subscribers/{subscriber}", get(inbox::subscriber))
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

#[derive(Serialize)]
struct Health {
    status: &'static str,
    server_time: i64,
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok", server_time: state.clock.now() })
}

async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Json<SignInResponse>, ApiError> {
    let login = request.login.trim().to_lowercase();
    if state.sign_in_limiter.check_key(&login).is_err() {
        return Err(ApiError::new(ErrorCode::RateLimited, "too many sign-in attempts; wait a minute and try again"));
    }
    let found = state.storage.staff_by_login(&login).await?;
    let user = match found {
        Some((user, hash)) if auth::verify_password(&request.password, &hash) => user,
        _ => return Err(ApiError::new(ErrorCode::Unauthorized, "wrong sign-in name or password")),
    };
    Ok(Json(state.open_session(user).await?))
}

async fn sign_out(State(state): State<AppState>, staff: Staff) -> Result<Json<()>, ApiError> {
    state.storage.revoke_session(&staff.token_hash).await?;
    Ok(Json(()))
}

async fn sign_out_everywhere(State(state): State<AppState>, staff: Staff) -> Result<Json<()>, ApiError> {
    state.storage.revoke_all_sessions(&staff.user.id).await?;
    Ok(Json(()))
}

async fn me(staff: Staff) -> Json<StaffUser> {
    Json(staff.user)
}

async fn push(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<PushRequest>,
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
    let touched: Vec<String> = request
        .mutations
        .iter()
        .filter(|m| !matches!(m.mutation.permission(), wicket_model::Permission::ManageAccounts))
        .map(|m| m.mutation.target_id().to_owned())
        .collect();
    let before = state.storage.last_seq().await?;
    let response = state.storage.push(&request.client_id, &staff.user.id, request.mutations, apply, now).await?;
    let after = state.storage.last_seq().await?;
    if after > before {
        state.announce(crate::LiveEvent::Changes { seq: after, conversations: touched });
    }
    Ok(Json(response))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangesQuery {
    client_id: String,
    #[serde(default)]
    after: i64,
    limit: Option<u32>,
}

async fn changes(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    check_client_id(&query.client_id)?;
    let limit = query.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let after = query.after.max(0);
    Ok(Json(state.storage.pull(&query.client_id, after, limit, state.clock.now()).await?))
}

fn check_client_id(client_id: &str) -> Result<(), ApiError> {
    if client_id.is_empty() || client_id.len() > 64 {
        return Err(ApiError::new(ErrorCode::Invalid, "client_id must have 1 to 64 characters"));
    }
    Ok(())
}
