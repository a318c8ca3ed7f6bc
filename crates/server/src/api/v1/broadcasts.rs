//! Broadcasts, for staff who answer subscribers: forecast one, send it now
//! or at a time the server keeps, follow its progress and results, cancel
//! it, and send a WeChat preview to one user first.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wicket_model::broadcast::{Audience, Broadcast, Forecast, NewBroadcast};
use wicket_model::conversation::MessageBody;
use wicket_model::{Issue, Permission, WicketError};

use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound, Null, Unauthorized};
use crate::auth::Staff;
use crate::broadcast;
use crate::error::ApiError;
use crate::AppState;

/// A test of a broadcast's content, sent to one WeChat user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub content: MessageBody,
    /// The user's OpenID for this account.
    pub open_id: String,
}

/// The account's broadcasts, newest first, with their counts.
#[utoipa::path(
    get,
    path = "/accounts/{account}/broadcasts",
    operation_id = "list_broadcasts",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The broadcasts, newest first (at most 100).", body = Vec<Broadcast>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<Vec<Broadcast>>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    broadcast::active_account(&state, &account).await?;
    let mut out = Vec::new();
    for stored in state.storage.broadcasts().broadcasts(&account, 100).await? {
        if let Some(found) = broadcast::view(&state, &stored.broadcast.id).await? {
            out.push(found);
        }
    }
    Ok(Json(out))
}

/// Sends a broadcast now, or at `send_at` (kept by the server). The same
/// request again (the same id) answers with the broadcast already made.
#[utoipa::path(
    post,
    path = "/accounts/{account}/broadcasts",
    operation_id = "create_broadcast",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = NewBroadcast,
    responses(
        (status = 200, description = "The broadcast, scheduled or sending.", body = Broadcast),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    super::ApiJson(new): super::ApiJson<NewBroadcast>,
) -> Result<Json<Broadcast>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    Ok(Json(broadcast::create(&state, &staff.user.id, &account, new).await?))
}

/// One broadcast: its status, its counts per platform (targeted, sent,
/// skipped by a cap, unfollowed, failed with reasons, still to go) and what
/// the platforms reported.
#[utoipa::path(
    get,
    path = "/accounts/{account}/broadcasts/{id}",
    operation_id = "get_broadcast",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("id" = String, Path, description = "The broadcast's id."),
    ),
    responses(
        (status = 200, description = "The broadcast.", body = Broadcast),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path((account, id)): Path<(String, String)>,
) -> Result<Json<Broadcast>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    broadcast::view(&state, &id)
        .await?
        .filter(|b| b.account_id == account)
        .map(Json)
        .ok_or_else(|| ApiError(WicketError::not_found(format!("broadcast {id}"))))
}

/// Cancels a scheduled or sending broadcast: nobody not yet sent to gets it.
#[utoipa::path(
    post,
    path = "/accounts/{account}/broadcasts/{id}/cancel",
    operation_id = "cancel_broadcast",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("id" = String, Path, description = "The broadcast's id."),
    ),
    responses(
        (status = 200, description = "The broadcast after the cancel.", body = Broadcast),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    Path((account, id)): Path<(String, String)>,
) -> Result<Json<Broadcast>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let found = broadcast::view(&state, &id).await?.filter(|b| b.account_id == account);
    if found.is_none() {
        return Err(ApiError(WicketError::not_found(format!("broadcast {id}"))));
    }
    broadcast::cancel(&state, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(WicketError::not_found(format!("broadcast {id}"))))
}

/// Who a broadcast to this audience would reach now, per platform: how many
/// receive it, how many a cap skips and why, how many no longer follow.
#[utoipa::path(
    post,
    path = "/accounts/{account}/broadcasts/forecast",
    operation_id = "forecast_broadcast",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = Audience,
    responses(
        (status = 200, description = "The forecast.", body = Forecast),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn forecast(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    super::ApiJson(audience): super::ApiJson<Audience>,
) -> Result<Json<Forecast>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    Ok(Json(broadcast::forecast(&state, &account, &audience).await?))
}

/// Sends the content to one WeChat user as a mass-message preview.
#[utoipa::path(
    post,
    path = "/accounts/{account}/broadcasts/preview",
    operation_id = "preview_broadcast",
    tag = "broadcasts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = PreviewRequest,
    responses(
        (status = 200, description = "WeChat took the preview. The body is `null`.", body = Null),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    super::ApiJson(request): super::ApiJson<PreviewRequest>,
) -> Result<Json<()>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    broadcast::active_account(&state, &account).await?;
    crate::wechat::mass::preview(&state, &account, &request.open_id, &request.content).await.map_err(|e| {
        let mut error = WicketError::invalid(vec![Issue::new("open_id", e.key.clone())]);
        error.message = e.message;
        ApiError(error)
    })?;
    Ok(Json(()))
}
