//! The control API for tests and demonstrations, under `/_double/`. Each route calls the
//! [`Double`] method of the same name; refusals are 400 with `{"error": "..."}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::push::Callback;
use crate::state::{AccountChange, AccountSpec, Delay, Fault};
use crate::Double;

pub(crate) fn routes() -> Router<Double> {
    Router::new()
        .route("/_double/accounts", post(add_account))
        .route("/_double/accounts/{appid}", patch(change_account))
        .route("/_double/accounts/{appid}/followers", post(add_followers))
        .route("/_double/accounts/{appid}/sent", get(sent))
        .route("/_double/accounts/{appid}/menu", get(menu))
        .route("/_double/accounts/{appid}/uploads", get(uploads))
        .route("/_double/accounts/{appid}/callbacks", get(callbacks).post(send_callback))
        .route("/_double/accounts/{appid}/verify-url", post(verify_url))
        .route("/_double/accounts/{appid}/tokens/expire", post(expire_tokens))
        .route("/_double/calls", get(calls))
        .route("/_double/faults", post(fail_next))
        .route("/_double/delay", post(delay))
        .route("/_double/clock/advance", post(advance_clock))
}

fn reply<T: serde::Serialize>(result: Result<T, String>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response(),
    }
}

async fn add_account(State(d): State<Double>, Json(spec): Json<AccountSpec>) -> Response {
    let appid = spec.appid.clone();
    reply(d.add_account(spec).map(|()| json!({ "appid": appid })))
}

async fn change_account(
    State(d): State<Double>,
    Path(appid): Path<String>,
    Json(change): Json<AccountChange>,
) -> Response {
    reply(d.change_account(&appid, change).map(|()| json!({})))
}

#[derive(Deserialize)]
struct Followers {
    openids: Vec<String>,
}

async fn add_followers(State(d): State<Double>, Path(appid): Path<String>, Json(f): Json<Followers>) -> Response {
    reply(d.add_followers(&appid, &f.openids).map(|()| json!({ "added": f.openids.len() })))
}

async fn sent(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.sent(&appid))
}

async fn menu(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.menu(&appid).and_then(|menu| Ok(json!({ "menu": menu, "published": d.menus_published(&appid)? }))))
}

async fn uploads(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.uploads(&appid))
}

async fn callbacks(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.callbacks(&appid))
}

#[derive(Deserialize)]
struct SendCallback {
    openid: String,
    message: Callback,
}

async fn send_callback(State(d): State<Double>, Path(appid): Path<String>, Json(c): Json<SendCallback>) -> Response {
    reply(d.send_callback(&appid, &c.openid, c.message).await)
}

async fn verify_url(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.verify_url(&appid).await)
}

async fn expire_tokens(State(d): State<Double>, Path(appid): Path<String>) -> Response {
    reply(d.expire_tokens(&appid).map(|n| json!({ "expired": n })))
}

async fn calls(State(d): State<Double>) -> Response {
    Json(d.calls()).into_response()
}

async fn fail_next(State(d): State<Double>, Json(fault): Json<Fault>) -> Response {
    d.fail_next(fault);
    Json(json!({})).into_response()
}

async fn delay(State(d): State<Double>, Json(delay): Json<Delay>) -> Response {
    d.delay(delay);
    Json(json!({})).into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance_clock(State(d): State<Double>, Json(a): Json<Advance>) -> Response {
    d.advance_clock(a.seconds);
    Json(json!({})).into_response()
}
