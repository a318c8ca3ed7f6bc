//! The parts of WeChat's official-account API (api.weixin.qq.com) that Wicket uses.

use std::collections::HashMap;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::error::WxError;
use crate::state::CallRecord;
use crate::Double;

type Params = Query<HashMap<String, String>>;

pub(crate) fn routes(double: Double) -> Router<Double> {
    Router::new()
        .route("/cgi-bin/stable_token", post(stable_token))
        .route("/cgi-bin/token", get(token))
        .route("/cgi-bin/message/custom/send", post(custom_send))
        .route("/cgi-bin/message/mass/send", post(mass_send))
        .route("/cgi-bin/message/mass/sendall", post(mass_sendall))
        .route("/cgi-bin/message/mass/preview", post(mass_preview))
        .route("/cgi-bin/menu/create", post(menu_create))
        .route("/cgi-bin/menu/get", get(menu_get))
        .route("/cgi-bin/get_current_selfmenu_info", get(selfmenu_info))
        .route("/cgi-bin/get_current_autoreply_info", get(autoreply_info))
        .route("/cgi-bin/user/get", get(user_get))
        .route("/cgi-bin/tags/get", get(tags_get))
        .route("/cgi-bin/media/uploadnews", post(upload_news))
        .route("/cgi-bin/user/info/batchget", post(batchget))
        // Room for a 10 MB image and more, so the size check is WeChat's and not the framework's.
        .route("/cgi-bin/media/upload", post(upload).layer(DefaultBodyLimit::max(24 << 20)))
        .layer(middleware::from_fn_with_state(double, faults_delays_and_log))
}

/// Before a call: a fault the test set answers instead. After it: the call is logged with its
/// errcode, and a delay the test set holds the answer back.
async fn faults_delays_and_log(State(double): State<Double>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let fault = double.lock().take_fault(&path);
    let response = match fault {
        Some(error) => error.into_response(),
        None => next.run(request).await,
    };
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let errcode = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("errcode").and_then(Value::as_i64))
        .unwrap_or(0);
    let delay = {
        let mut state = double.lock();
        state.calls.push(CallRecord { path: path.clone(), errcode });
        state.delay_for(&path)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn answer(result: Result<Value, WxError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => error.into_response(),
    }
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(String::as_str)
}

async fn stable_token(State(double): State<Double>, body: Bytes) -> Response {
    answer(double.lock().stable_token(&body))
}

async fn token(State(double): State<Double>, params: Params) -> Response {
    let result =
        double.lock().plain_token(param(&params, "grant_type"), param(&params, "appid"), param(&params, "secret"));
    answer(result)
}

/// Runs `act` for the account the `access_token` belongs to.
fn authorized(
    double: &Double,
    params: &Params,
    act: impl FnOnce(&mut crate::state::State, &str) -> Result<Value, WxError>,
) -> Response {
    let mut state = double.lock();
    let result = state.authorize(param(params, "access_token")).and_then(|appid| act(&mut state, &appid));
    answer(result)
}

async fn custom_send(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    authorized(&double, &params, |state, appid| state.custom_send(appid, &body))
}

async fn menu_create(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    authorized(&double, &params, |state, appid| state.create_menu(appid, &body))
}

async fn menu_get(State(double): State<Double>, params: Params) -> Response {
    authorized(&double, &params, |state, appid| state.get_menu(appid))
}

async fn selfmenu_info(State(double): State<Double>, params: Params) -> Response {
    authorized(&double, &params, |state, appid| Ok(state.selfmenu_info(appid)))
}

async fn autoreply_info(State(double): State<Double>, params: Params) -> Response {
    authorized(&double, &params, |state, appid| Ok(state.autoreply_info(appid)))
}

async fn user_get(State(double): State<Double>, params: Params) -> Response {
    let next = params.get("next_openid").cloned();
    authorized(&double, &params, |state, appid| state.user_get(appid, next.as_deref()))
}

async fn upload_news(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    authorized(&double, &params, |state, appid| state.upload_news(appid, &body))
}

async fn tags_get(State(double): State<Double>, params: Params) -> Response {
    authorized(&double, &params, |state, appid| state.tags_get(appid))
}

async fn batchget(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    authorized(&double, &params, |state, appid| state.batchget(appid, &body))
}

/// The upload's `media` part (WeChat's form field name), read before the state is locked.
async fn upload(
    State(double): State<Double>,
    params: Params,
    mut multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut file = None;
    // Not a multipart body: no `media` part (41005).
    while let Ok(multipart) = &mut multipart {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("media") => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) => file = Some((filename, content_type, bytes.to_vec())),
                    Err(_) => return WxError::data_format().into_response(),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return WxError::data_format().into_response(),
        }
    }
    let kind = params.get("type").cloned();
    authorized(&double, &params, |state, appid| state.upload(appid, kind.as_deref(), file))
}

async fn mass_send(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    mass(double, params, body, true)
}

async fn mass_sendall(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    mass(double, params, body, false)
}

/// A mass send; once answered, its `MASSSENDJOBFINISH` is pushed to the account's callback URL.
fn mass(double: Double, params: Params, body: Bytes, to_list: bool) -> Response {
    let result = {
        let mut state = double.lock();
        state.authorize(param(&params, "access_token")).and_then(|appid| {
            let (answer, report) = state.mass_send(&appid, &body, to_list)?;
            Ok((appid, answer, report))
        })
    };
    match result {
        Ok((appid, answer, report)) => {
            let double = double.clone();
            tokio::spawn(async move { double.report_mass_send(&appid, report).await });
            Json(answer).into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn mass_preview(State(double): State<Double>, params: Params, body: Bytes) -> Response {
    authorized(&double, &params, |state, appid| state.mass_preview(appid, &body))
}
