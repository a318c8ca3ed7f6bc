//! Layouts: the server draft with its revision, publishing, versions and
//! rolling back. A stale save or publish gets 409 with the current draft.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use wicket_model::api::{DraftConflict, DraftView, Published};
use wicket_model::layout::{self, Layout, LayoutTemplate, RuleContext};
use wicket_model::{ErrorCode, Issue, Permission, WicketError};

use super::ApiJson;
use crate::api::openapi::{Forbidden, Invalid, NotFound, TooLarge, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::storage::{DraftWrite, LayoutDraft, LayoutVersion};
use crate::AppState;
use wicket_model::layout::MenuImport;
use wicket_model::wechat::WechatMenuPublish;

/// The starting layouts the designer offers, for common industries.
#[utoipa::path(
    get,
    path = "/templates",
    tag = "layouts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every template.", body = Vec<LayoutTemplate>),
        (status = 401, response = Unauthorized),
    ),
)]
pub async fn templates(_staff: Staff) -> Json<Vec<LayoutTemplate>> {
    Json(layout::templates())
}

async fn rule_context(state: &AppState, account_id: &str) -> Result<RuleContext, ApiError> {
    let account = state
        .storage
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found(format!("account {account_id}"))))?;
    Ok(RuleContext::new(account.platform))
}

fn view(draft: LayoutDraft, context: &RuleContext) -> DraftView {
    let issues = layout::validate(&draft.layout, context);
    DraftView { draft, issues }
}

/// The account's layout draft, with its revision (for `If-Match`) and its
/// problems.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/draft",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The draft (revision 0 and an empty layout before the first save).", body = DraftView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn draft(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<DraftView>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let context = rule_context(&state, &account).await?;
    Ok(Json(view(state.storage.layout_draft(&account).await?, &context)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// The whole layout document. Its rules are checked on publish, so an
    /// unfinished draft can be saved; it must still be a layout.
    #[schema(value_type = Layout)]
    layout: serde_json::Value,
}

/// The revision a write is based on, from `If-Match` (a number, quoted or not).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let value = headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::Invalid, "send the revision you edited in If-Match"))?;
    value
        .trim()
        .trim_matches('"')
        .parse()
        .map_err(|_| ApiError::new(ErrorCode::Invalid, "If-Match must be a revision number"))
}

fn conflict(current: LayoutDraft, context: &RuleContext) -> Response {
    let body = DraftConflict {
        code: ErrorCode::Conflict,
        message: "someone saved this layout meanwhile".into(),
        current: view(current, context),
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// Saves the account's layout draft, if nobody saved it since the revision
/// named in `If-Match`.
#[utoipa::path(
    put,
    path = "/accounts/{account}/layout/draft",
    tag = "layouts",
    security(("bearer" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("If-Match" = String, Header, description = "The revision the edit started from, as a number (quoted or not)."),
    ),
    request_body = SaveDraft,
    responses(
        (status = 200, description = "Saved: the new draft, with its new revision and its problems.", body = DraftView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "Someone saved the draft meanwhile: the current draft comes with the error.", body = DraftConflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn save_draft(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SaveDraft>,
) -> Result<Response, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let expected = if_match(&headers)?;
    let context = rule_context(&state, &account).await?;
    // The document must be a layout; its rules are checked on publish, so an
    // unfinished draft can still be saved.
    let layout: Layout = layout::parse_layout(&body.layout.to_string()).map_err(|e| ApiError(e.into()))?;
    let written =
        state.storage.save_layout_draft(&account, expected, layout, &staff.user.id, state.clock.now()).await?;
    Ok(match written {
        DraftWrite::Done(draft) => Json(view(draft, &context)).into_response(),
        DraftWrite::Stale(current) => conflict(current, &context),
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// The draft revision to publish.
    revision: i64,
}

/// Sends the live `version`'s menu to WeChat when the account is connected
/// to it; `None` otherwise. Called after the publish is stored.
async fn send_menu(state: &AppState, account: &str, version: i64) -> Result<Option<WechatMenuPublish>, ApiError> {
    let wechat = &state.platforms.wechat;
    let connection = match wechat.connection(state, account).await {
        Ok(Some(connection)) => connection,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::error!(account = %account, error = %e, "cannot open the account's WeChat connection");
            return Err(ApiError::new(ErrorCode::Internal, e.to_string()));
        }
    };
    let Some(layout) = state.storage.layout_version(account, version).await? else { return Ok(None) };
    Ok(Some(wechat.publish_menu_version(state, &connection, version, &layout).await))
}

/// Publishes the draft as a new version that subscribers see at once, if it
/// is still at `revision` and breaks no rule of the account's platform.
#[utoipa::path(
    post,
    path = "/accounts/{account}/layout/publish",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = Publish,
    responses(
        (status = 200, description = "Published: the new version number.", body = Published),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "The draft changed since `revision`: the current draft comes with the error.", body = DraftConflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    ApiJson(body): ApiJson<Publish>,
) -> Result<Response, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let context = rule_context(&state, &account).await?;
    let rules = context;
    let check = Box::new(move |layout: &Layout| {
        let issues = layout::validate(layout, &rules);
        if issues.is_empty() {
            Ok(())
        } else {
            Err(WicketError::invalid(issues))
        }
    });
    let published =
        state.storage.publish_layout(&account, body.revision, &staff.user.id, state.clock.now(), check).await?;
    Ok(match published.map_err(ApiError)? {
        DraftWrite::Done(version) => {
            let wechat = send_menu(&state, &account, version).await?;
            let alipay = super::alipay::send_home(&state, &account, version).await?;
            Json(Published { version, wechat, alipay }).into_response()
        }
        DraftWrite::Stale(current) => conflict(current, &context),
    })
}

/// The account's published versions, and which one is live.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/versions",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Every published version.", body = Vec<LayoutVersion>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn versions(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<Vec<LayoutVersion>>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    Ok(Json(state.storage.layout_versions(&account).await?))
}

/// One published version's layout.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/versions/{version}",
    tag = "layouts",
    security(("bearer" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("version" = i64, Path, description = "The version number."),
    ),
    responses(
        (status = 200, description = "The layout as published.", body = Layout),
        (status = 400, description = "`version` is not a number (a plain-text answer from the router).", body = String, content_type = "text/plain"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn version(
    State(state): State<AppState>,
    staff: Staff,
    Path((account, version)): Path<(String, i64)>,
) -> Result<Json<Layout>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let found = state.storage.layout_version(&account, version).await?;
    found.map(Json).ok_or_else(|| ApiError(WicketError::not_found(format!("version {version}"))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollBack {
    /// A version published before.
    version: i64,
}

/// Makes an earlier published version the one subscribers see.
#[utoipa::path(
    post,
    path = "/accounts/{account}/layout/rollback",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = RollBack,
    responses(
        (status = 200, description = "That version is live again.", body = Published),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn roll_back(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    ApiJson(body): ApiJson<RollBack>,
) -> Result<Json<Published>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    if state.storage.set_live_layout(&account, body.version, state.clock.now()).await? {
        let wechat = send_menu(&state, &account, body.version).await?;
        let alipay = super::alipay::send_home(&state, &account, body.version).await?;
        Ok(Json(Published { version: body.version, wechat, alipay }))
    } else {
        Err(ApiError(WicketError::not_found(format!("version {}", body.version))))
    }
}

pub(super) async fn wechat_connection(state: &AppState, account: &str) -> Result<crate::wechat::Connection, ApiError> {
    match state.platforms.wechat.connection(state, account).await {
        Ok(Some(connection)) => Ok(connection),
        Ok(None) => Err(ApiError(WicketError::not_found("this account's WeChat connection".to_string()))),
        Err(e) => {
            tracing::error!(account = %account, error = %e, "cannot open the account's WeChat connection");
            Err(ApiError::new(ErrorCode::Internal, e.to_string()))
        }
    }
}

/// What came of sending the last published menu to WeChat (`null` before any).
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/wechat",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The last outcome, or null.", body = Option<WechatMenuPublish>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn wechat_menu(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<Option<WechatMenuPublish>>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    Ok(Json(wechat_connection(&state, &account).await?.state.menu))
}

/// Sends the live layout's menu to WeChat again (after a refusal or a failure).
#[utoipa::path(
    post,
    path = "/accounts/{account}/layout/wechat",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "What WeChat made of it.", body = WechatMenuPublish),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn retry_wechat_menu(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<WechatMenuPublish>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let connection = wechat_connection(&state, &account).await?;
    let (version, layout) = state
        .storage
        .live_layout(&account)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found("a published layout".to_string())))?;
    Ok(Json(state.platforms.wechat.publish_menu_version(&state, &connection, version, &layout).await))
}

/// The menu WeChat shows the account's subscribers now (`menu/get`), read as
/// Wicket's menu with notices for what Wicket does not keep.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/wechat/live",
    tag = "layouts",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The live menu (empty when the account has none).", body = MenuImportView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 503, description = "WeChat refused or could not be reached; the message says what it answered.", body = wicket_model::WicketError),
    ),
)]
pub async fn live_wechat_menu(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<MenuImport>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let connection = wechat_connection(&state, &account).await?;
    let published = state.storage.live_layout(&account).await?.map(|(_, layout)| layout.menu);
    let read = state.platforms.wechat.live_menu(&state, &connection, published.as_ref()).await.map_err(|e| {
        tracing::warn!(account = %account, error = %e, "cannot read the live WeChat menu");
        ApiError::new(ErrorCode::Offline, format!("WeChat did not give the live menu: {e}"))
    })?;
    read.map(Json).map_err(|issues| ApiError(WicketError::invalid(issues)))
}

/// A menu read from WeChat (the model's `MenuImport`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MenuImportView {
    menu: wicket_model::layout::Menu,
    notices: Vec<Issue>,
}
