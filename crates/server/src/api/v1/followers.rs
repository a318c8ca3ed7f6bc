//! Importing an account's followers, for owners and administrators: start
//! the import, and read its progress ("12,345 of 40,000") and outcome.

use axum::extract::{Path, State};
use axum::Json;
use wicket_model::follower_import::FollowerImport;
use wicket_model::{Issue, Permission, WicketError};

use crate::api::openapi::{Forbidden, Invalid, NotFound, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::platform::import;
use crate::AppState;

/// The account's follower import: its progress, or how it ended.
#[utoipa::path(
    get,
    path = "/accounts/{account}/followers/import",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The import's progress or outcome.", body = FollowerImport),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn progress(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<FollowerImport>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    super::lookup::account(&state, &account).await?;
    import::progress(&state, &account)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError(WicketError::not_found("this account's follower import".to_string())))
}

/// Starts importing the account's followers from the platform it is
/// connected to, WeChat or Alipay (or answers with the
/// import already running). The import goes on in the server, across
/// restarts; read its progress with `GET`.
#[utoipa::path(
    post,
    path = "/accounts/{account}/followers/import",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The import, running.", body = FollowerImport),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<FollowerImport>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    let Some(found) = state.storage.account(&account).await?.filter(|a| !a.archived) else {
        return Err(ApiError(WicketError::not_found(format!("account {account}"))));
    };
    let internal = |e: String| ApiError(WicketError::new(wicket_model::ErrorCode::Internal, e));
    let wechat = state.platforms.wechat.connection(&state, &account).await.map_err(|e| internal(e.to_string()))?;
    if wechat.is_some() {
        return Ok(Json(import::start(&state, &found, crate::wechat::PLATFORM).await?));
    }
    let alipay = state.platforms.alipay.connection(&state, &account).await.map_err(|e| internal(e.to_string()))?;
    if alipay.is_some() {
        return Ok(Json(import::start(&state, &found, crate::alipay::PLATFORM).await?));
    }
    let key = match found.platform {
        wicket_model::PlatformProfile::Alipay => "alipay.connection.missing",
        _ => "wechat.connection.missing",
    };
    Err(ApiError(WicketError::invalid(vec![Issue::new("account", key)])))
}
