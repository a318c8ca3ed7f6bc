//! Staff management for owners and administrators: who may sign in, with
//! which role. Only an owner makes or unmakes owners, and the server always
//! keeps one.

use axum::extract::{Path, State};
use axum::Json;
use wicket_model::staff::{DISPLAY_NAME_MAX_CHARS, PASSWORD_MIN_CHARS};
use wicket_model::{ErrorCode, Issue, NewStaff, Permission, Role, StaffChange, StaffUser, WicketError};

use super::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound, Null, Unauthorized};
use crate::auth::{self, Staff};
use crate::error::ApiError;
use crate::storage::{StaffUpdate, StaffUpdated};
use crate::AppState;

/// Every staff member of this server.
#[utoipa::path(
    get,
    path = "/staff",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every staff member, oldest first.", body = Vec<StaffUser>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Json<Vec<StaffUser>>, ApiError> {
    staff.require(Permission::ManageStaff)?;
    Ok(Json(state.storage.list_staff().await?))
}

/// Adds a staff member who signs in with the given password.
#[utoipa::path(
    post,
    path = "/staff",
    tag = "staff",
    security(("bearer" = [])),
    request_body = NewStaff,
    responses(
        (status = 200, description = "The new staff member.", body = StaffUser),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<NewStaff>,
) -> Result<Json<StaffUser>, ApiError> {
    staff.require(Permission::ManageStaff)?;
    may_grant(&staff, request.role)?;
    check_display_name(&request.display_name)?;
    check_password(&request.password)?;
    let hash = auth::hash_password_off_thread(request.password.clone()).await?;
    Ok(Json(state.create_staff(&request.login, &request.display_name, request.role, hash).await?))
}

/// Renames a staff member, changes their role, or sets a new password.
#[utoipa::path(
    patch,
    path = "/staff/{staff}",
    tag = "staff",
    security(("bearer" = [])),
    params(("staff" = String, Path, description = "The staff member's id.")),
    request_body = StaffChange,
    responses(
        (status = 200, description = "The staff member as changed.", body = StaffUser),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Invalid),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<StaffChange>,
) -> Result<Json<StaffUser>, ApiError> {
    staff.require(Permission::ManageStaff)?;
    let target = state.storage.staff_by_id(&id).await?.ok_or_else(|| not_found(&id))?;
    // An administrator manages the team, not its owners.
    may_grant(&staff, target.role)?;
    if let Some(role) = change.role {
        may_grant(&staff, role)?;
    }
    if let Some(name) = &change.display_name {
        check_display_name(name)?;
        if name.trim().is_empty() {
            return Err(invalid("display_name", "staff.display_name.empty"));
        }
    }
    let password_hash = match &change.password {
        Some(password) => {
            check_password(password)?;
            Some(auth::hash_password_off_thread(password.clone()).await?)
        }
        None => None,
    };
    let update = StaffUpdate { display_name: change.display_name, role: change.role, password_hash };
    match state.storage.update_staff(&id, update).await? {
        StaffUpdated::Done(user) => Ok(Json(user)),
        StaffUpdated::NotFound => Err(not_found(&id)),
        StaffUpdated::LastOwner => {
            Err(ApiError::new(ErrorCode::Conflict, "the server needs an owner: make someone else owner first"))
        }
    }
}

/// Signs a staff member out of every session (a lost laptop, say).
#[utoipa::path(
    delete,
    path = "/staff/{staff}/sessions",
    tag = "staff",
    security(("bearer" = [])),
    params(("staff" = String, Path, description = "The staff member's id.")),
    responses(
        (status = 200, description = "Every session of that staff member is signed out. The body is `null`.", body = Null),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn sign_out_staff(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<()>, ApiError> {
    staff.require(Permission::ManageStaff)?;
    let target = state.storage.staff_by_id(&id).await?.ok_or_else(|| not_found(&id))?;
    may_grant(&staff, target.role)?;
    state.storage.revoke_all_sessions(&target.id).await?;
    Ok(Json(()))
}

/// Only an owner may make, change or sign out an owner.
fn may_grant(staff: &Staff, role: Role) -> Result<(), ApiError> {
    if role == Role::Owner && staff.user.role != Role::Owner {
        return Err(ApiError::new(ErrorCode::Forbidden, "only an owner can make or change an owner"));
    }
    Ok(())
}

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        let issue = Issue::new("password", "staff.password.too_short").with("min", PASSWORD_MIN_CHARS as i64);
        return Err(WicketError::invalid(vec![issue]).into());
    }
    Ok(())
}

fn check_display_name(name: &str) -> Result<(), ApiError> {
    if name.trim().chars().count() > DISPLAY_NAME_MAX_CHARS {
        let issue =
            Issue::new("display_name", "staff.display_name.too_long").with("max", DISPLAY_NAME_MAX_CHARS as i64);
        return Err(WicketError::invalid(vec![issue]).into());
    }
    Ok(())
}

fn invalid(field: &str, key: &str) -> ApiError {
    WicketError::invalid(vec![Issue::new(field, key)]).into()
}

fn not_found(id: &str) -> ApiError {
    ApiError(WicketError::not_found(format!("staff member {id}")))
}
