//! WeChat's error answers: HTTP 200 with `{"errcode": N, "errmsg": "... rid: ..."}`.
//!
//! The codes are those of WeChat's global return codes (全局返回码) and of each API's page, as
//! PLATFORM-RULES.md cites them; the errmsg texts are WeChat's English ones, with the `rid:` suffix
//! real answers carry, so an adapter that matches on the text instead of the code is caught.

use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::json;

/// A refusal, as WeChat words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WxError {
    pub errcode: i64,
    pub errmsg: String,
}

impl WxError {
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self { errcode, errmsg: errmsg.into() }
    }

    /// 47001: the body is not the JSON the API expects ("data format error").
    pub fn data_format() -> Self {
        Self::new(47001, "data format error")
    }

    pub fn invalid_openid() -> Self {
        Self::new(40003, "invalid openid")
    }

    pub fn invalid_media_id() -> Self {
        Self::new(40007, "invalid media_id")
    }
}

/// A request id in WeChat's shape (`6493e0f1-1a2b3c4d-5e6f7a8b`).
fn rid() -> String {
    let mut rng = rand::thread_rng();
    format!("{:08x}-{:08x}-{:08x}", rng.gen::<u32>(), rng.gen::<u32>(), rng.gen::<u32>())
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        Json(json!({ "errcode": self.errcode, "errmsg": format!("{} rid: {}", self.errmsg, rid()) })).into_response()
    }
}

/// `{"errcode":0,"errmsg":"ok"}`, WeChat's plain success.
pub fn ok() -> serde_json::Value {
    json!({ "errcode": 0, "errmsg": "ok" })
}
