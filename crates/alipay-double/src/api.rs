//! Alipay's OpenAPI gateway, `POST /gateway.do`: the request form is parsed and its signature
//! checked with the application's public key as Alipay does (wicket-alipay's `open_request`),
//! then the method runs and the answer is signed with the double's Alipay key.
//!
//! The gateway's own refusals are those of Alipay's public error codes (公共错误码, see
//! `crate::error`): missing parameters 40001 `isv.missing-*`; an unknown app id 40002
//! `isv.invalid-app-id` in an unsigned `error_response` (Alipay cannot know which key to sign
//! with); a bad signature 40002 `isv.invalid-signature` with the content the gateway checked, as
//! Alipay words it; an unknown method 40002 `isv.invalid-method`.

use axum::body::{to_bytes, Body};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use time::macros::{format_description, offset};
use time::PrimitiveDateTime;
use wicket_alipay::charset::Charset;
use wicket_alipay::form;
use wicket_alipay::openapi::{open_request, signed_response_in, RequestError};
use wicket_alipay::sign::{sign_content, ContentRule, SignType};

use crate::error::AliError;
use crate::state::{invalid_app_id, wall_clock, CallRecord, FaultKind, Image, Upload};
use crate::Double;

/// How far a request's `timestamp` may be from the double's wall clock. Alipay documents only the
/// format ("yyyy-MM-dd HH:mm:ss", isv.invalid-timestamp "非法的时间戳参数"); the window is the
/// double's choice (L), wide enough for any honest clock.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 15 * 60;
/// Uploaded images: ≤ 10 MB, jpg/jpeg/png/gif/bmp (the double's bound; the models that use the
/// image cap it lower, 3–5 MB, PLATFORM-RULES §7).
pub const IMAGE_MAX_BYTES: usize = 10 << 20;
const IMAGE_TYPES: &[&str] = &["jpg", "jpeg", "png", "gif", "bmp"];

/// The method the legacy multimedia gateway serves.
pub const MEDIA_DOWNLOAD_METHOD: &str = "alipay.mobile.public.multimedia.download";

pub(crate) fn routes() -> Router<Double> {
    Router::new()
        .route("/gateway.do", post(gateway).layer(DefaultBodyLimit::max(24 << 20)))
        .route("/chat/multimedia.do", axum::routing::get(media_download).post(media_download))
}

/// The multimedia gateway (`https://openfile.alipay.com/chat/multimedia.do`) that serves the
/// images users send, as Alipay's 服务窗 demo (FWC-PHP `downMediaRequest`) and the official SDK's
/// `AlipayMobilePublicMultiMediaClient` call it: `method` =
/// `alipay.mobile.public.multimedia.download`, `biz_content` = `{"mediaId": "…"}`, the common
/// parameters and `sign` (RSA2, all parameters but `sign`), in the query string (GET) or as a
/// form (POST). The image comes back as its bytes; a refusal is `text/plain` JSON
/// (`alipay_mobile_public_multimedia_download_response` with Alipay's codes), which the SDK reads
/// instead of the file. The answer is not signed (the SDK checks none). A media id is served to
/// the application whose user sent it, and to no other.
async fn media_download(State(double): State<Double>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default().as_bytes().to_vec();
    let form_body = if query.is_empty() {
        match to_bytes(request.into_body(), 64 << 10).await {
            Ok(bytes) => bytes.to_vec(),
            Err(_) => Vec::new(),
        }
    } else {
        query
    };
    match double.media(&form_body) {
        Ok((format, bytes)) => {
            let mime = match format.as_str() {
                "png" => "image/png",
                "gif" => "image/gif",
                _ => "image/jpeg",
            };
            ([(header::CONTENT_TYPE, mime)], bytes).into_response()
        }
        Err(error) => {
            let key = format!("{}_response", MEDIA_DOWNLOAD_METHOD.replace('.', "_"));
            let body = serde_json::json!({ key: error.to_json() }).to_string();
            ([(header::CONTENT_TYPE, "text/plain;charset=UTF-8")], body).into_response()
        }
    }
}

/// The outcome of one call, decided under the lock.
struct Answer {
    method: String,
    body: String,
    charset: Charset,
    drop: bool,
}

async fn gateway(State(double): State<Double>, request: Request) -> Response {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let (form_body, upload) = if multipart {
        match read_upload(&double, request).await {
            Ok(parts) => parts,
            Err(error) => return plain_error(&error),
        }
    } else {
        match to_bytes(request.into_body(), 24 << 20).await {
            Ok(bytes) => (bytes.to_vec(), None),
            Err(_) => return plain_error(&AliError::parameter("the request body could not be read")),
        }
    };
    let answer = double.answer(&form_body, upload);
    let delay = double.lock().delay_for(&answer.method);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if answer.drop {
        // The call took effect; the caller gets no answer (the connection closes).
        std::panic::resume_unwind(Box::new("the double drops this connection"));
    }
    let content_type = format!("application/json;charset={}", answer.charset.name());
    let mut response = Body::from(answer.charset.encode_lossy(&answer.body).into_owned()).into_response();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// An unsigned `error_response`, for requests the double cannot attribute to an account.
fn plain_error(error: &AliError) -> Response {
    let body = serde_json::json!({ "error_response": error.to_json() }).to_string();
    ([(header::CONTENT_TYPE, "application/json;charset=UTF-8")], body).into_response()
}

/// `alipay.offline.material.image.upload` as the SDKs send it: the common parameters and `sign`
/// in the URL's query, `image_type`, `image_name` and the `image_content` file as multipart parts;
/// the signature covers every text parameter. Returns them as one form body, and the file.
async fn read_upload(double: &Double, request: Request) -> Result<(Vec<u8>, Option<Upload>), AliError> {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let charset = form::parse(query.as_bytes()).map(|f| f.charset).unwrap_or_default();
    let mut multipart = Multipart::from_request(request, double)
        .await
        .map_err(|_| AliError::parameter("the multipart body could not be read"))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file = None;
    while let Some(field) =
        multipart.next_field().await.map_err(|_| AliError::parameter("the multipart body could not be read"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() || name == "image_content" {
            let filename = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| AliError::parameter("the file could not be read"))?;
            file = Some((filename, bytes.to_vec()));
        } else {
            let bytes = field.bytes().await.map_err(|_| AliError::parameter("a part could not be read"))?;
            let value = charset.decode(&bytes).map_err(|_| AliError::invalid("isv.invalid-charset", "字符集错误"))?;
            fields.push((name, value));
        }
    }
    let mut body = query.into_bytes();
    let text = form::serialize(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())), charset);
    if !text.is_empty() {
        if !body.is_empty() {
            body.push(b'&');
        }
        body.extend_from_slice(&text);
    }
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let upload = file.map(|(filename, bytes)| Upload {
        image_type: get("image_type"),
        image_name: get("image_name"),
        filename,
        bytes,
    });
    Ok((body, upload))
}

/// Checks an upload (ALI-J2 `AlipayOfflineMaterialImageUploadModel`: image_type, image_name,
/// image_content) and makes the image Alipay would host.
pub(crate) fn accept_image(upload: Upload, id: &str) -> Result<Image, AliError> {
    let image_type = upload.image_type.to_ascii_lowercase();
    if !IMAGE_TYPES.contains(&image_type.as_str()) {
        return Err(AliError::parameter(format!("image_type {:?}: jpg, jpeg, png, gif or bmp", upload.image_type)));
    }
    if upload.image_name.trim().is_empty() {
        return Err(AliError::missing("isv.missing-parameter", "image_name is required"));
    }
    if upload.bytes.is_empty() {
        return Err(AliError::missing("isv.missing-parameter", "image_content is empty"));
    }
    if upload.bytes.len() > IMAGE_MAX_BYTES {
        return Err(AliError::invalid("isv.invalid-file-size", "文件大小无效"));
    }
    Ok(Image {
        image_id: id.to_owned(),
        image_url: format!("https://oalipay-dl-django.alicdn.com/rest/1.0/image?fileIds={id}&zoom=original"),
        image_type,
        image_name: upload.image_name,
        filename: upload.filename,
        size: upload.bytes.len(),
        bytes: upload.bytes,
    })
}

/// Reads `yyyy-MM-dd HH:mm:ss` as Beijing time; Unix seconds.
fn beijing_timestamp(text: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let local = PrimitiveDateTime::parse(text, format).ok()?;
    Some(local.assume_offset(offset!(+8)).unix_timestamp())
}

impl Double {
    /// Checks one multimedia download and finds the image: its format and bytes.
    fn media(&self, body: &[u8]) -> Result<(String, Vec<u8>), AliError> {
        let mut state = self.lock();
        let result = (|| {
            let form = form::parse(body).map_err(|e| AliError::parameter(format!("the request: {e}")))?;
            let app_id = form.get("app_id").filter(|v| !v.is_empty()).unwrap_or_default().to_owned();
            if app_id.is_empty() {
                return Err(AliError::missing("isv.missing-app-id", "缺少AppID参数"));
            }
            let key = state.accounts.get(&app_id).map(|a| a.app_public_key.clone()).ok_or_else(invalid_app_id)?;
            if form.get("method") != Some(MEDIA_DOWNLOAD_METHOD) {
                return Err(AliError::invalid("isv.invalid-method", "不存在的方法名"));
            }
            let opened = open_request(body, |id| (id == app_id).then(|| key.clone())).map_err(|e| match e {
                RequestError::Signature(_) => AliError::invalid("isv.invalid-signature", "验签出错"),
                RequestError::Missing(name) => AliError::missing("isv.missing-parameter", format!("缺少{name}参数")),
                other => AliError::parameter(other.to_string()),
            })?;
            let biz: Value = serde_json::from_str(&opened.biz_content)
                .map_err(|_| AliError::parameter("biz_content 不是合法的JSON"))?;
            let media_id = biz["mediaId"]
                .as_str()
                .filter(|m| !m.is_empty())
                .ok_or_else(|| AliError::missing("isv.missing-parameter", "mediaId is required in biz_content"))?;
            if let Some(FaultKind::UnknownError | FaultKind::Drop) = state.take_fault(MEDIA_DOWNLOAD_METHOD) {
                return Err(AliError::unknown());
            }
            let account = state.accounts.get(&app_id).ok_or_else(invalid_app_id)?;
            account
                .media
                .get(media_id)
                .cloned()
                .ok_or_else(|| AliError::business("MEDIA_NOT_EXIST", format!("多媒体文件不存在: {media_id}")))
        })();
        let (code, sub_code) = match &result {
            Ok(_) => ("10000".to_owned(), None),
            Err(e) => (e.code.clone(), Some(e.sub_code.clone())),
        };
        let app_id = form::parse(body).ok().and_then(|f| f.get("app_id").map(str::to_owned)).unwrap_or_default();
        state.calls.push(CallRecord { app_id, method: MEDIA_DOWNLOAD_METHOD.into(), code, sub_code, change: None });
        result
    }

    /// Decides one gateway call under the lock: the answer's body, signed, and what to do with it.
    fn answer(&self, body: &[u8], upload: Option<Upload>) -> Answer {
        let mut state = self.lock();
        let form = match form::parse(body) {
            Ok(form) => form,
            Err(e) => {
                let error = match e {
                    form::FormError::Charset(_) => AliError::invalid("isv.invalid-charset", "字符集错误"),
                    other => AliError::parameter(format!("the request form: {other}")),
                };
                return self.unsigned(&mut state, "", "", error);
            }
        };
        let get = |name: &str| form.get(name).filter(|v| !v.is_empty());
        let app_id = get("app_id").unwrap_or_default().to_owned();
        let method = get("method").unwrap_or_default().to_owned();
        if app_id.is_empty() {
            return self.unsigned(
                &mut state,
                &app_id,
                &method,
                AliError::missing("isv.missing-app-id", "缺少AppID参数"),
            );
        }
        let Some(key) = state.accounts.get(&app_id).map(|a| a.app_public_key.clone()) else {
            return self.unsigned(&mut state, &app_id, &method, invalid_app_id());
        };
        let charset = form.charset;
        // From here Alipay knows the app and signs its answers.
        let refuse = |state: &mut crate::state::State, error: AliError| {
            self.signed(state, &app_id, &method, charset, Err(error), false)
        };
        let missing = [
            ("method", "isv.missing-method", "缺少方法名参数"),
            ("sign", "isv.missing-signature", "缺少签名参数"),
            ("sign_type", "isv.missing-signature-type", "缺少签名类型参数"),
            ("timestamp", "isv.missing-timestamp", "缺少时间戳参数"),
            ("version", "isv.missing-version", "缺少版本参数"),
        ]
        .into_iter()
        .find(|(name, _, _)| get(name).is_none());
        if let Some((_, sub_code, sub_msg)) = missing {
            return refuse(&mut state, AliError::missing(sub_code, sub_msg));
        }
        match SignType::from_name(get("sign_type").unwrap_or_default()) {
            Ok(SignType::Rsa2) => {}
            // The account holds an RSA2 key only (public-key mode, PLATFORM-RULES §5.2).
            Ok(SignType::Rsa) => {
                return refuse(
                    &mut state,
                    AliError::invalid("isv.missing-signature-config", "验签出错, 未配置对应签名算法的公钥或者证书"),
                )
            }
            Err(_) => return refuse(&mut state, AliError::invalid("isv.invalid-signature-type", "无效签名类型")),
        }
        let fresh = beijing_timestamp(get("timestamp").unwrap_or_default())
            .is_some_and(|at| (at - wall_clock()).abs() <= TIMESTAMP_TOLERANCE_SECS);
        if !fresh {
            return refuse(
                &mut state,
                AliError::invalid("isv.invalid-timestamp", "非法的时间戳参数: 时间戳参数timestamp非法，格式需要为yyyy-MM-dd HH:mm:ss，且与当前时间相差不超过15分钟"),
            );
        }
        let opened = match open_request(body, |id| (id == app_id).then(|| key.clone())) {
            Ok(opened) => opened,
            Err(RequestError::Signature(_)) => {
                let content = sign_content(form.params.iter().map(|(k, v)| (k.as_str(), v.as_str())), ContentRule::V2);
                let sub_msg = format!(
                    "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：{}",
                    content.replace('&', "&amp;")
                );
                return refuse(&mut state, AliError::invalid("isv.invalid-signature", sub_msg));
            }
            Err(other) => return refuse(&mut state, AliError::parameter(other.to_string())),
        };
        let biz: Value = if opened.biz_content.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            match serde_json::from_str(&opened.biz_content) {
                Ok(value) => value,
                Err(_) => return refuse(&mut state, AliError::parameter("biz_content 不是合法的JSON")),
            }
        };
        let mut drop = false;
        let mut applied_then_unknown = false;
        match state.take_fault(&method) {
            Some(FaultKind::UnknownError) => return refuse(&mut state, AliError::unknown()),
            Some(FaultKind::AppliedThenUnknownError) => applied_then_unknown = true,
            Some(FaultKind::Error { code, msg, sub_code, sub_msg }) => {
                return refuse(&mut state, AliError::new(&code, &msg, &sub_code, sub_msg))
            }
            Some(FaultKind::Drop) => drop = true,
            None => {}
        }
        let mut result = state.dispatch(&app_id, &method, &biz, upload);
        if applied_then_unknown {
            result = result.and(Err(AliError::unknown()));
        }
        self.signed(&mut state, &app_id, &method, charset, result, drop)
    }

    fn unsigned(&self, state: &mut crate::state::State, app_id: &str, method: &str, error: AliError) -> Answer {
        state.calls.push(CallRecord {
            app_id: app_id.to_owned(),
            method: method.to_owned(),
            code: error.code.clone(),
            sub_code: Some(error.sub_code.clone()),
            change: None,
        });
        let body = serde_json::json!({ "error_response": error.to_json() }).to_string();
        Answer { method: method.to_owned(), body, charset: Charset::Utf8, drop: false }
    }

    fn signed(
        &self,
        state: &mut crate::state::State,
        app_id: &str,
        method: &str,
        charset: Charset,
        result: Result<(Value, Option<String>), AliError>,
        drop: bool,
    ) -> Answer {
        let (response, record) = match result {
            Ok((response, change)) => {
                let code = response.get("code").and_then(Value::as_str).unwrap_or("10000").to_owned();
                (response, CallRecord { app_id: app_id.into(), method: method.into(), code, sub_code: None, change })
            }
            Err(error) => {
                let record = CallRecord {
                    app_id: app_id.into(),
                    method: method.into(),
                    code: error.code.clone(),
                    sub_code: Some(error.sub_code.clone()),
                    change: None,
                };
                (error.to_json(), record)
            }
        };
        state.calls.push(record);
        // Alipay signs its answers RSA2 with its own key, in the request's charset; without a
        // method the answer is an `error_response` ("error" + "_response").
        let key = if method.is_empty() { "error" } else { method };
        let body = signed_response_in(key, &response, &self.alipay_key, SignType::Rsa2, charset);
        Answer { method: method.to_owned(), body, charset, drop }
    }
}
