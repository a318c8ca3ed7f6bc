//! Layouts: the server draft with its revision, publishing, versions and
//! rolling back. A stale save or publish gets 409 with the current draft.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use wicket_model::layout::{self, Layout, LayoutTemplate, RuleContext};
use wicket_model::{ErrorCode, Issue, Permission, WicketError};

use super::ApiJson;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::storage::{DraftWrite, LayoutDraft, LayoutVersion};
use crate::AppState;

pub async fn templates(_staff: Staff) -> Json<Vec<LayoutTemplate>> {
    Json(layout::templates())
}

#[derive(Serialize)]
pub struct DraftView {
    #[serde(flatten)]
    draft: LayoutDraft,
    /// What publishing would refuse, so the designer can show it at once.
    issues: Vec<Issue>,
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

pub async fn draft(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<DraftView>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let context = rule_context(&state, &account).await?;
    Ok(Json(view(state.storage.layout_draft(&account).await?, &context)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
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
    let body = serde_json::json!({
        "code": ErrorCode::Conflict,
        "message": "someone saved this layout meanwhile",
        "current": view(current, context),
    });
    (StatusCode::CONFLICT, Json(body)).into_response()
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    revision: i64,
}

#[derive(Serialize)]
pub struct Published {
    version: i64,
}

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
        DraftWrite::Done(version) => Json(Published { version }).into_response(),
        DraftWrite::Stale(current) => conflict(current, &context),
    })
}

pub async fn versions(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<Vec<LayoutVersion>>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    Ok(Json(state.storage.layout_versions(&account).await?))
}

pub async fn version(
    State(state): State<AppState>,
    staff: Staff,
    Path((account, version)): Path<(String, i64)>,
) -> Result<Json<Layout>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let found = state.storage.layout_version(&account, version).await?;
    found.map(Json).ok_or_else(|| ApiError(WicketError::not_found(format!("version {version}"))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollBack {
    version: i64,
}

pub async fn roll_back(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    ApiJson(body): ApiJson<RollBack>,
) -> Result<Json<Published>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    if state.storage.set_live_layout(&account, body.version, state.clock.now()).await? {
        Ok(Json(Published { version: body.version }))
    } else {
        Err(ApiError(WicketError::not_found(format!("version {}", body.version))))
    }
}
