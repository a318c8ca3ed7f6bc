//! An account's Alipay connection, for owners and administrators: the app
//! id, the application's private key and Alipay's public key (sent in, never
//! back: masked), the charset, the gateway URL to paste into Alipay's console
//! and the application public key to upload there, the connection's state,
//! and a test that makes one signed, harmless call. And, for designers, the
//! home page as Alipay took it part by part, a retry per part, and the live
//! home page read back as a layout.

use axum::extract::{Path, State};
use axum::Json;
use wicket_alipay::keys::{KeyError, PrivateKey, PublicKey};
use wicket_model::alipay::{
    import_alipay_home, is_app_id, AlipayConnect, AlipayConnection, AlipayHomeImport, AlipayPart, AlipayPartPublish,
    AlipayTest,
};
use wicket_model::{ErrorCode, Issue, Permission, WicketError};

use super::{lookup, ApiJson};
use crate::alipay::api::CallError;
use crate::alipay::{call_failure_key, mask_private_key, mask_public_key, Connection, Secrets, TEST_METHOD};
use crate::api::openapi::{Forbidden, Invalid, NotFound, TooLarge, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::AppState;

/// A connection as the console sees it: keys masked, the application public key whole.
fn view(connection: &Connection) -> AlipayConnection {
    let app_public_key =
        PrivateKey::parse(&connection.secrets.app_private_key).map(|key| key.public_key_base64()).unwrap_or_default();
    AlipayConnection {
        app_id: connection.app_id.clone(),
        app_private_key: mask_private_key(&connection.secrets.app_private_key),
        alipay_public_key: mask_public_key(&connection.secrets.alipay_public_key),
        app_public_key,
        charset: connection.charset,
        gateway_path: format!("/alipay/{}", connection.account_id),
        state: connection.state.clone(),
    }
}

async fn current(state: &AppState, account: &str) -> Result<Option<Connection>, ApiError> {
    state.platforms.alipay.connection(state, account).await.map_err(|e| lookup::connection_error("Alipay", e))
}

async fn required(state: &AppState, account: &str) -> Result<Connection, ApiError> {
    current(state, account)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found("this account's Alipay connection".to_string())))
}

/// The account's Alipay connection (keys masked).
#[utoipa::path(
    get,
    path = "/accounts/{account}/alipay",
    tag = "alipay",
    operation_id = "alipay_connection",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The connection.", body = AlipayConnection),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn connection(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<AlipayConnection>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    Ok(Json(view(&required(&state, &account).await?)))
}

/// The keys to keep: each given one parsed (a malformed one is an issue on
/// its field, with the parser's reason, which never echoes the key), each
/// left out taken from the stored connection.
fn check(connect: &AlipayConnect, existing: Option<&Connection>) -> Result<Secrets, ApiError> {
    let mut issues = Vec::new();
    if !is_app_id(&connect.app_id) {
        issues.push(Issue::new("app_id", "alipay.app_id.invalid"));
    }
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let stored = existing.map(|c| &c.secrets);
    let app_private_key = match given(&connect.app_private_key) {
        Some(text) => {
            if let Err(e) = PrivateKey::parse(&text) {
                issues.push(key_issue("app_private_key", &e));
            }
            text
        }
        None => match stored {
            Some(secrets) => secrets.app_private_key.clone(),
            None => {
                issues.push(Issue::new("app_private_key", "alipay.key.required"));
                String::new()
            }
        },
    };
    let alipay_public_key = match given(&connect.alipay_public_key) {
        Some(text) => {
            if let Err(e) = PublicKey::parse(&text) {
                issues.push(key_issue("alipay_public_key", &e));
            }
            text
        }
        None => match stored {
            Some(secrets) => secrets.alipay_public_key.clone(),
            None => {
                issues.push(Issue::new("alipay_public_key", "alipay.key.required"));
                String::new()
            }
        },
    };
    // The application's own public key pasted as Alipay's: every answer would then fail as
    // not believed, so it is refused where it was typed.
    if let (Ok(app), Ok(alipay)) = (PrivateKey::parse(&app_private_key), PublicKey::parse(&alipay_public_key)) {
        if app.public_key() == alipay {
            issues.push(Issue::new("alipay_public_key", "alipay.key.own_public_key"));
        }
    }
    if !issues.is_empty() {
        return Err(ApiError(WicketError::invalid(issues)));
    }
    Ok(Secrets { app_private_key, alipay_public_key })
}

/// A malformed key as an issue on its field, one key per kind of refusal (the
/// parser's English words never reach the console).
fn key_issue(field: &str, e: &KeyError) -> Issue {
    let issue = |key: &str| Issue::new(field, key);
    match e {
        KeyError::Empty => issue("alipay.key.empty"),
        KeyError::NotBase64 => issue("alipay.key.not_base64"),
        KeyError::UnclosedPem => issue("alipay.key.unclosed_pem"),
        KeyError::UnsupportedPem(label) => issue("alipay.key.unsupported_pem").with("label", label),
        KeyError::Encrypted => issue("alipay.key.encrypted"),
        KeyError::NotRsa => issue("alipay.key.not_rsa"),
        KeyError::PublicNotPrivate => issue("alipay.key.public_not_private"),
        KeyError::PrivateNotPublic => issue("alipay.key.private_not_public"),
        KeyError::Invalid => issue("alipay.key.inconsistent"),
        KeyError::TooShort { bits, min } => issue("alipay.key.too_short").with("bits", bits).with("min", min),
        KeyError::TooLong { bits, max } => issue("alipay.key.too_long").with("bits", bits).with("max", max),
    }
}

/// Connects the account to Alipay, or changes its connection.
#[utoipa::path(
    put,
    path = "/accounts/{account}/alipay",
    tag = "alipay",
    operation_id = "alipay_connect",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    request_body = AlipayConnect,
    responses(
        (status = 200, description = "The connection as saved (keys masked).", body = AlipayConnection),
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
    ApiJson(connect): ApiJson<AlipayConnect>,
) -> Result<Json<AlipayConnection>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let existing = current(&state, &account).await?;
    let secrets = check(&connect, existing.as_ref())?;
    let connection = Connection {
        account_id: account.clone(),
        app_id: connect.app_id.clone(),
        charset: connect.charset,
        secrets,
        state: existing.map(|c| c.state).unwrap_or_default(),
    };
    state.platforms.alipay.save(&state, &connection).await.map_err(|e| lookup::connection_error("Alipay", e))?;
    tracing::info!(account = %account, app_id = %connection.app_id, charset = ?connection.charset, "Alipay connection saved");
    Ok(Json(view(&connection)))
}

/// Disconnects the account from Alipay: its keys are forgotten.
#[utoipa::path(
    delete,
    path = "/accounts/{account}/alipay",
    tag = "alipay",
    operation_id = "alipay_disconnect",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Disconnected: the connection that was removed (keys masked).", body = AlipayConnection),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn disconnect(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<AlipayConnection>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let removed = required(&state, &account).await?;
    state.storage.platforms().delete_connection(&account).await?;
    state.platforms.alipay.forget(&account);
    tracing::info!(account = %account, "Alipay connection removed");
    Ok(Json(view(&removed)))
}

/// Tests the connection: one signed, harmless call (the account's basic
/// information), its answer's signature checked, and what Alipay answered.
#[utoipa::path(
    post,
    path = "/accounts/{account}/alipay/test",
    tag = "alipay",
    operation_id = "alipay_test",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Alipay's answer (`ok` false when it refused, could not be reached or its answer's signature did not check out).", body = AlipayTest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn test(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<AlipayTest>, ApiError> {
    staff.require(Permission::ManageAccounts)?;
    lookup::account(&state, &account).await?;
    let connection = required(&state, &account).await?;
    let method = TEST_METHOD.to_owned();
    let answer = match state.platforms.alipay.test(&state, &connection).await {
        Ok(response) => AlipayTest {
            ok: true,
            method,
            code: Some(response.code),
            sub_code: None,
            message: format!("Alipay answered {} (signature verified)", response.msg),
        },
        Err(CallError::Refused { code, msg, sub_code, sub_msg }) => AlipayTest {
            ok: false,
            method,
            code: Some(code),
            message: match &sub_msg {
                Some(sub_msg) => format!("{msg}: {sub_msg}"),
                None => msg,
            },
            sub_code,
        },
        // Wicket's own words travel as an issue key the console translates.
        Err(other) => {
            let message = call_failure_key(&other).to_owned();
            AlipayTest { ok: false, method, code: None, sub_code: None, message }
        }
    };
    Ok(Json(answer))
}

/// Publishes the live `version`'s home page to Alipay when the account is
/// connected to it; `None` otherwise. Called after the publish is stored.
pub async fn send_home(
    state: &AppState,
    account: &str,
    version: i64,
) -> Result<Option<Vec<AlipayPartPublish>>, ApiError> {
    let connection = match state.platforms.alipay.connection(state, account).await {
        Ok(Some(connection)) => connection,
        Ok(None) => return Ok(None),
        Err(e) => return Err(lookup::connection_error("Alipay", e)),
    };
    let Some(layout) = state.storage.layout_version(account, version).await? else { return Ok(None) };
    Ok(Some(state.platforms.alipay.publish_home(state, &connection, version, &layout).await))
}

/// What came of publishing each part of the last published layout to Alipay.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/alipay",
    tag = "layouts",
    operation_id = "alipay_home",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Each part's last outcome (empty before any publish).", body = Vec<AlipayPartPublish>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn home(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<Vec<AlipayPartPublish>>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    Ok(Json(required(&state, &account).await?.state.home))
}

/// Publishes one part of the live layout to Alipay again (after a refusal or
/// a failure); a part the layout does not use is removed from the account.
#[utoipa::path(
    post,
    path = "/accounts/{account}/layout/alipay/{part}",
    tag = "layouts",
    operation_id = "retry_alipay_part",
    security(("bearer" = [])),
    params(
        ("account" = String, Path, description = "The account's id."),
        ("part" = String, Path, description = "`menu`, `extension_areas`, `advert_carousel` or `marketing_slots`."),
    ),
    responses(
        (status = 200, description = "What Alipay made of it (null when there was nothing to do).", body = Option<AlipayPartPublish>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn retry_part(
    State(state): State<AppState>,
    staff: Staff,
    Path((account, part)): Path<(String, String)>,
) -> Result<Json<Option<AlipayPartPublish>>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let part = AlipayPart::from_name(&part)
        .ok_or_else(|| ApiError(WicketError::not_found(format!("home page part {part}"))))?;
    let connection = required(&state, &account).await?;
    let (version, layout) = state
        .storage
        .live_layout(&account)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found("a published layout".to_string())))?;
    Ok(Json(state.platforms.alipay.publish_part(&state, &connection, version, &layout, part).await))
}

/// The menu and home modules Alipay shows the account's subscribers now,
/// read as a layout with notices for what Wicket does not keep.
#[utoipa::path(
    get,
    path = "/accounts/{account}/layout/alipay/live",
    tag = "layouts",
    operation_id = "live_alipay_home",
    security(("bearer" = [])),
    params(("account" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The live home page.", body = AlipayHomeImport),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 503, description = "Alipay refused or could not be reached; the message says what it answered.", body = wicket_model::WicketError),
    ),
)]
pub async fn live_home(
    State(state): State<AppState>,
    staff: Staff,
    Path(account): Path<String>,
) -> Result<Json<AlipayHomeImport>, ApiError> {
    staff.require(Permission::DesignLayouts)?;
    let connection = required(&state, &account).await?;
    let published = state.storage.live_layout(&account).await?.map(|(_, layout)| layout);
    let live = state.platforms.alipay.live_home(&state, &connection).await.map_err(|e| {
        tracing::warn!(account = %account, error = %e, "cannot read the live Alipay home page");
        ApiError::new(ErrorCode::Offline, format!("Alipay did not give the live home page: {e}"))
    })?;
    let (layout, notices) =
        import_alipay_home(&live, published.as_ref()).map_err(|issues| ApiError(WicketError::invalid(issues)))?;
    Ok(Json(AlipayHomeImport { layout, notices }))
}
