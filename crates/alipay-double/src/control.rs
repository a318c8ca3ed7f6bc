//! The control API for tests and demonstrations, under `/_double/`. Each route calls the
//! [`Double`] method of the same name; refusals are 400 with `{"error": "..."}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::push::Push;
use crate::state::{AccountChange, AccountSpec, Delay, Fault};
use crate::Double;

pub(crate) fn routes() -> Router<Double> {
    Router::new()
        .route("/_double/alipay-public-key", get(alipay_public_key))
        .route("/_double/accounts", post(add_account))
        .route("/_double/accounts/{app_id}", patch(change_account))
        .route("/_double/accounts/{app_id}/followers", get(followers).post(add_followers))
        .route("/_double/accounts/{app_id}/sent", get(sent))
        .route("/_double/accounts/{app_id}/mass-sends", get(mass_sends))
        .route("/_double/accounts/{app_id}/labels", get(labels))
        .route("/_double/accounts/{app_id}/label-sends", get(label_sends))
        .route("/_double/accounts/{app_id}/menus", get(menus))
        .route("/_double/accounts/{app_id}/extension", get(extension))
        .route("/_double/accounts/{app_id}/adverts", get(adverts))
        .route("/_double/accounts/{app_id}/topics", get(topics))
        .route("/_double/accounts/{app_id}/images", get(images))
        .route("/_double/accounts/{app_id}/notifies", get(notifies).post(send_notify))
        .route("/_double/accounts/{app_id}/media/{media_id}", axum::routing::put(add_media))
        .route("/_double/accounts/{app_id}/notifies/{msg_id}/resend", post(resend_notify))
        .route("/_double/accounts/{app_id}/verify-gateway", post(verify_gateway))
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

async fn alipay_public_key(State(d): State<Double>) -> Response {
    Json(json!({ "alipay_public_key": d.alipay_public_key_base64() })).into_response()
}

async fn add_account(State(d): State<Double>, Json(spec): Json<AccountSpec>) -> Response {
    let app_id = spec.app_id.clone();
    reply(d.add_account(spec).map(|()| json!({ "app_id": app_id })))
}

async fn change_account(
    State(d): State<Double>,
    Path(app_id): Path<String>,
    Json(change): Json<AccountChange>,
) -> Response {
    reply(d.change_account(&app_id, change).map(|()| json!({})))
}

#[derive(Deserialize)]
struct Followers {
    user_ids: Vec<String>,
}

async fn followers(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.followers(&app_id))
}

async fn add_followers(State(d): State<Double>, Path(app_id): Path<String>, Json(f): Json<Followers>) -> Response {
    reply(d.add_followers(&app_id, &f.user_ids).map(|()| json!({ "added": f.user_ids.len() })))
}

async fn sent(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.sent(&app_id))
}

async fn mass_sends(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.mass_sends(&app_id))
}

async fn labels(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.labels(&app_id))
}

async fn label_sends(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.label_sends(&app_id))
}

async fn menus(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.menus(&app_id))
}

async fn extension(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.extension_areas(&app_id).map(|areas| json!({ "areas": areas })))
}

async fn adverts(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.adverts(&app_id))
}

async fn topics(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.topics(&app_id))
}

async fn images(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.images(&app_id))
}

async fn notifies(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.notifies(&app_id))
}

#[derive(Deserialize)]
struct MediaFormat {
    #[serde(default)]
    format: Option<String>,
}

async fn add_media(
    State(d): State<Double>,
    Path((app_id, media_id)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<MediaFormat>,
    body: axum::body::Bytes,
) -> Response {
    let format = q.format.unwrap_or_else(|| "jpg".into());
    reply(d.add_media(&app_id, &media_id, &format, body.to_vec()).map(|()| json!({ "media_id": media_id })))
}

#[derive(Deserialize)]
struct SendNotify {
    user_id: String,
    push: Push,
}

async fn send_notify(State(d): State<Double>, Path(app_id): Path<String>, Json(n): Json<SendNotify>) -> Response {
    reply(d.send_notify(&app_id, &n.user_id, n.push).await)
}

async fn resend_notify(State(d): State<Double>, Path((app_id, msg_id)): Path<(String, String)>) -> Response {
    reply(d.resend_notify(&app_id, &msg_id).await)
}

async fn verify_gateway(State(d): State<Double>, Path(app_id): Path<String>) -> Response {
    reply(d.verify_gateway(&app_id).await)
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
