//! Lookups several console routes begin with, each answering with the same
//! error the console shows whichever route asked.

use wicket_model::{Account, ErrorCode, WicketError};

use crate::error::ApiError;
use crate::platform::connections::ConnectionError;
use crate::AppState;

/// The account, or "not found" naming it.
pub async fn account(state: &AppState, id: &str) -> Result<Account, ApiError> {
    state.storage.account(id).await?.ok_or_else(|| ApiError(WicketError::not_found(format!("account {id}"))))
}

/// A stored platform connection that could not be read or kept: a storage
/// failure as such, anything else logged (never its secrets) and internal.
pub fn connection_error(platform: &str, e: ConnectionError) -> ApiError {
    match e {
        ConnectionError::Storage(e) => e.into(),
        other => {
            tracing::error!(platform, error = %other, "platform connection");
            ApiError::new(ErrorCode::Internal, other.to_string())
        }
    }
}
