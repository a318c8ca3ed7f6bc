//! One error type for every handler. It answers with the shared
//! `{code, message, issues}` body and never leaks internals: storage failures
//! are logged here and reported as `internal`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use wicket_model::{ErrorCode, WicketError};

use crate::storage::StorageError;

#[derive(Debug)]
pub struct ApiError(pub WicketError);

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(WicketError::new(code, message))
    }
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "sign in to continue")
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "your role does not allow this")
    }
}

impl From<WicketError> for ApiError {
    fn from(error: WicketError) -> Self {
        Self(error)
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::LoginTaken(_) => Self::new(ErrorCode::Conflict, error.to_string()),
            StorageError::ClientTaken(_) => {
                let issue = wicket_model::Issue::new("client_id", "sync.client_id.taken");
                Self(WicketError { code: ErrorCode::Forbidden, message: error.to_string(), issues: vec![issue] })
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                Self::new(ErrorCode::Internal, "the server could not complete this request")
            }
        }
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Offline => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Storage | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (status_of(self.0.code), Json(self.0)).into_response()
    }
}
