//! HTTP routes, versioned: everything lives under `/api/v1`.

pub mod sandbox;
pub mod v1;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// No console request needs more; larger bodies are refused before parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", v1::routes())
        .merge(sandbox::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
