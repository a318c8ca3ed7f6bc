//! An account's WeChat connection, for owners and administrators: AppID,
//! secrets (sent in, never back: masked), message mode, the callback URL to
//! paste into WeChat's console, the connection's state, and a test that
//! fetches an access token.

use axum::extract::{Path, State};
use axum::Json;
use wicket_model::wechat::{WechatConnect, WechatConnection, WechatTest};
use wicket_model::{Issue, Permission, WicketError};

use super::{lookup, ApiJson};
use crate::api::openapi::{Forbidden, Invalid, NotFound, TooLarge, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::platform::secrets::mask;
use crate::wechat::api::CallError;
use crate::wechat::{Connection, Secrets};
use crate::AppState;

/// A connection as the console sees it: secrets masked.
fn view(connection: &Connection) -> WechatConnection {
    WechatConnection {
        app_id: connection.app_id.clone(),
        app_secret: mask(&connection.secrets.app_secret),
        token: mask(&connection.secrets.token),
        encoding_aes_key: mask(&connection.secrets.encoding_aes_key),
        has_previous_key: connection.secrets.previous_encoding_aes_key.is_some(),
        mode: connection.mode,
        callback_path: format!("/wechat/{}", connection.account_id),
        state: connection.state.clone(),
    }
}

async fn current(state: &AppState, account: &str) -> Result<Option<Connection>, ApiError> {
    state.platforms.wechat.connection(state, account).await.map_err(|e| lookup::connection_error("WeChat", e))
}

/// The account's WeChat connection (secrets masked).
#[utoipa::path(
    get,
    path = "/accounts/{account}/wechat",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The connection.", body = WechatConnection),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn connection(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<WechatConnection>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let found = current(&state, &account).await?;
    found
        .map(|c| Json(view(&c)))
        .ok_or_else(|| ApiError(WicketError::not_found("this account's WeChat connection".to_string())))
}

fn check(connect: &WechatConnect, existing: Option<&Connection>) -> Result<Secrets, ApiError> {
    let mut issues = Vec::new();
    let app_id_ok = connect.app_id.len() == 18
        && connect.app_id.starts_with("wx")
        && connect.app_id[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if !app_id_ok {
        issues.push(Issue::new("app_id", "wechat.app_id.invalid"));
    }
    let pick = |given: &Option<String>, stored: Option<&String>, path: &str, issues: &mut Vec<Issue>| match given
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(value) => value.to_owned(),
        None => match stored {
            Some(value) => value.clone(),
            None => {
                issues.push(Issue::new(path, "wechat.secret.required"));
                String::new()
            }
        },
    };
    let stored = existing.map(|c| &c.secrets);
    let app_secret = pick(&connect.app_secret, stored.map(|s| &s.app_secret), "app_secret", &mut issues);
    let token = pick(&connect.token, stored.map(|s| &s.token), "token", &mut issues);
    let key = pick(&connect.encoding_aes_key, stored.map(|s| &s.encoding_aes_key), "encoding_aes_key", &mut issues);
    if !app_secret.is_empty() && (app_secret.len() > 64 || !app_secret.bytes().all(|b| b.is_ascii_alphanumeric())) {
        issues.push(Issue::new("app_secret", "wechat.app_secret.invalid"));
    }
    if !token.is_empty() && (!(3..=32).contains(&token.len()) || !token.bytes().all(|b| b.is_ascii_alphanumeric())) {
        issues.push(Issue::new("token", "wechat.token.invalid"));
    }
    if !key.is_empty() && (key.len() != 43 || !key.bytes().all(|b| b.is_ascii_alphanumeric())) {
        issues.push(Issue::new("encoding_aes_key", "wechat.encoding_aes_key.invalid"));
    }
    if !issues.is_empty() {
        return Err(ApiError(WicketError::invalid(issues)));
    }
    // A new EncodingAESKey keeps the one before it: WeChat may still send with it.
    let previous_encoding_aes_key = match stored {
        Some(old) if old.encoding_aes_key != key => Some(old.encoding_aes_key.clone()),
        Some(old) => old.previous_encoding_aes_key.clone(),
        None => None,
    };
    Ok(Secrets { app_secret, token, encoding_aes_key: key, previous_encoding_aes_key })
}

/// Connects the account to WeChat, or changes its connection.
#[utoipa::path(
    put,
    path = "/accounts/{account}/wechat",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = WechatConnect,
    responses(
        (status = 200, description = "The connection as saved (secrets masked).", body = WechatConnection),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn connect(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
    ApiJson(connect): ApiJson<WechatConnect>,
) -> Result<Json<WechatConnection>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let existing = current(&state, &account).await?;
    let secrets = check(&connect, existing.as_ref())?;
    let connection = Connection {
        account_id: account.clone(),
        app_id: connect.app_id.clone(),
        mode: connect.mode,
        secrets,
        state: existing.map(|c| c.state).unwrap_or_default(),
    };
    state.platforms.wechat.save(&state, &connection).await.map_err(|e| lookup::connection_error("WeChat", e))?;
    tracing::info!(account = %account, app_id = %connection.app_id, mode = ?connection.mode, "WeChat connection saved");
    Ok(Json(view(&connection)))
}

/// Tests the connection: fetches an access token and says what WeChat answered.
#[utoipa::path(
    post,
    path = "/accounts/{account}/wechat/test",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "WeChat's answer (`ok` false when it refused or could not be reached).", body = WechatTest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn test(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<WechatTest>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let connection = current(&state, &account)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found("this account's WeChat connection".to_string())))?;
    let answer = match state.platforms.wechat.test(&state, &connection).await {
        Ok(until) => WechatTest {
            ok: true,
            errcode: None,
            message: "WeChat gave an access token".into(),
            token_valid_until: Some(until),
        },
        Err(CallError::Refused { errcode, errmsg }) => {
            WechatTest { ok: false, errcode: Some(errcode), message: errmsg, token_valid_until: None }
        }
        Err(other) => WechatTest { ok: false, errcode: None, message: other.to_string(), token_valid_until: None },
    };
    Ok(Json(answer))
}

/// The automatic replies set in the account's WeChat console
/// (`get_current_autoreply_info`), read as Wicket's rules for the console to
/// save, with what could not come along.
#[utoipa::path(
    get,
    path = "/accounts/{account}/wechat/auto-replies",
    tag = "wechat",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The rules read from WeChat.", body = wicket_model::auto_reply::AutoReplyImport),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, description = "WeChat refused or could not be reached; the message says what it answered.", body = WicketError),
    ),
)]
pub async fn auto_replies(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<wicket_model::auto_reply::AutoReplyImport>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    let connection = super::layouts::wechat_connection(&state, &account).await?;
    let info = state.platforms.wechat.autoreply_info(&state, &connection).await.map_err(|e| {
        tracing::warn!(account = %account, error = %e, "cannot read the WeChat console's automatic replies");
        ApiError::new(wicket_model::ErrorCode::Offline, format!("WeChat did not give its automatic replies: {e}"))
    })?;
    Ok(Json(wicket_model::auto_reply::from_wechat_autoreply_info(&info, &account)))
}
