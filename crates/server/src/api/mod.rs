//! HTTP routes, versioned: everything lives under `/api/v1`.
//!
//! Each route's method and path are written once, in its handler's
//! `#[utoipa::path]`; the modules' `routes()` register handlers with
//! utoipa-axum's `routes!`, which takes the router's route and the OpenAPI
//! document's path from that one place, so a route cannot be served without
//! being documented (or documented without being served).

pub mod alipay;
pub mod openapi;
pub mod sandbox;
pub mod v1;
pub mod wechat;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// No console request needs more; larger bodies are refused before parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where the console API is mounted.
pub const V1_PREFIX: &str = "/api/v1";

/// Every route with its documentation. `sandbox_guard` puts the sandbox's
/// limits in front of its routes (the server passes `sandbox::guard` with
/// its state; the document, built without a state, passes nothing).
fn documented(
    sandbox_guard: impl FnOnce(OpenApiRouter<AppState>) -> OpenApiRouter<AppState>,
) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .nest(V1_PREFIX, v1::routes().layer(axum::middleware::from_fn(v1::protocol)))
        .merge(sandbox_guard(sandbox::routes()))
        .merge(wechat::routes())
        .merge(alipay::routes())
}

/// Routes deliberately left out of the OpenAPI document, as plain axum
/// routes, all here. There are none today: even WeChat's and Alipay's
/// callbacks, the WebSockets and the sandbox's static files are documented.
fn undocumented() -> Router<AppState> {
    Router::new()
}

pub fn routes(state: AppState) -> Router {
    let guard = axum::middleware::from_fn_with_state(state.clone(), sandbox::guard);
    let (documented, _) = documented(|sandbox| sandbox.route_layer(guard)).split_for_parts();
    documented
        .merge(undocumented())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The OpenAPI document's paths, collected with the routes they come from,
/// before the document's finishing touches (`openapi::document`).
pub(crate) fn openapi_of_routes() -> utoipa::openapi::OpenApi {
    documented(|sandbox| sandbox).into_openapi()
}

/// Every documented route `routes` serves, as (method, path), with the
/// paths as mounted and spelled as OpenAPI spells them (axum's `{*path}`
/// becomes `{path}`).
pub fn route_list() -> Vec<(&'static str, String)> {
    let methods = |item: &utoipa::openapi::PathItem| {
        [
            ("GET", item.get.is_some()),
            ("PUT", item.put.is_some()),
            ("POST", item.post.is_some()),
            ("DELETE", item.delete.is_some()),
            ("OPTIONS", item.options.is_some()),
            ("HEAD", item.head.is_some()),
            ("PATCH", item.patch.is_some()),
            ("TRACE", item.trace.is_some()),
        ]
        .into_iter()
        .filter_map(|(method, present)| present.then_some(method))
        .collect::<Vec<_>>()
    };
    openapi_of_routes()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| methods(item).into_iter().map(move |method| (method, openapi::openapi_path(path))))
        .collect()
}
