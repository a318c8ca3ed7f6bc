//! HTTP routes, versioned: everything lives under `/api/v1`.

/// Declares a router's routes once, in one table: it makes the module's
/// `routes()`, which registers them, and `ROUTES`, which lists them as
/// (method, path) for the OpenAPI document's test. Every route goes through
/// such a table, never through a bare `.route(…)`, so a route without
/// documentation fails `tests/openapi.rs`.
///
/// ```text
/// route_table! {
///     GET "/health" => health;
///     POST "/upload" => upload, layer = DefaultBodyLimit::max(1 << 20);
/// }
/// ```
macro_rules! route_table {
    ($( $method:ident $path:literal => $handler:expr $(, layer = $layer:expr)? ;)*) => {
        /// Every route that `routes()` registers, as (method, path), paths as
        /// axum spells them and relative to where the router is mounted.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn routes() -> axum::Router<crate::AppState> {
            axum::Router::new()
                $(.route($path, axum::routing::on(axum::routing::MethodFilter::$method, $handler)$(.layer($layer))?))*
        }
    };
}

pub mod alipay;
pub mod openapi;
pub mod sandbox;
pub mod v1;
pub mod wechat;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// No console request needs more; larger bodies are refused before parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where the console API is mounted.
pub const V1_PREFIX: &str = "/api/v1";

pub fn routes(state: AppState) -> Router {
    Router::new()
        .nest(V1_PREFIX, v1::routes().layer(axum::middleware::from_fn(v1::protocol)))
        .merge(sandbox::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), sandbox::guard)))
        .merge(wechat::routes())
        .merge(alipay::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every route `routes` serves, as (method, path), with the paths as mounted
/// and spelled as OpenAPI spells them (axum's `{*path}` becomes `{path}`).
pub fn route_list() -> Vec<(&'static str, String)> {
    let v1 = v1::ROUTES.iter().map(|(method, path)| (*method, format!("{V1_PREFIX}{path}")));
    let sandbox = sandbox::ROUTES.iter().map(|(method, path)| (*method, (*path).to_owned()));
    let wechat = wechat::ROUTES.iter().map(|(method, path)| (*method, (*path).to_owned()));
    let alipay = alipay::ROUTES.iter().map(|(method, path)| (*method, (*path).to_owned()));
    v1.chain(sandbox).chain(wechat).chain(alipay).map(|(method, path)| (method, path.replace("{*", "{"))).collect()
}
