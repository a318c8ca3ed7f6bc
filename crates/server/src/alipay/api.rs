//! Alipay's OpenAPI gateway (`https://openapi.alipay.com/gateway.do`, or the
//! double in tests): every request signed RSA2 with the application's private
//! key, every answer's signature checked with Alipay's public key before
//! anything in it is believed. The protocol is `wicket_alipay::openapi`'s.

use serde_json::Value;
use sha2::Digest;
use wicket_alipay::charset::Charset;
use wicket_alipay::keys::{PrivateKey, PublicKey};
use wicket_alipay::openapi::{self, Request, Response};
use wicket_alipay::sign::SignType;
use wicket_model::Millis;

/// What became of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Alipay answered (a verified answer) with an error.
    Refused { code: String, msg: String, sub_code: Option<String>, sub_msg: Option<String> },
    /// The request did not leave (no connection, Alipay busy): safe to try again.
    NotSent(String),
    /// The request left and no usable answer came back.
    NoAnswer(String),
    /// An answer came whose signature does not check out with Alipay's
    /// public key (or that has none): nothing in it is believed, and the
    /// request may have been carried out.
    Unverified(String),
}

impl CallError {
    /// Alipay's most precise code: `sub_code`, or `code`.
    pub fn code(&self) -> Option<&str> {
        match self {
            CallError::Refused { code, sub_code, .. } => Some(sub_code.as_deref().unwrap_or(code)),
            _ => None,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Refused { code, msg, sub_code, sub_msg } => {
                write!(f, "Alipay answered {code} {msg}")?;
                if let Some(sub_code) = sub_code {
                    write!(f, " ({sub_code}")?;
                    if let Some(sub_msg) = sub_msg {
                        write!(f, ": {sub_msg}")?;
                    }
                    write!(f, ")")?;
                }
                Ok(())
            }
            CallError::NotSent(why) => write!(f, "Alipay could not be reached: {why}"),
            CallError::NoAnswer(why) => write!(f, "Alipay did not answer: {why}"),
            CallError::Unverified(why) => write!(f, "Alipay's answer is not believed: {why}"),
        }
    }
}

/// The keys and settings one call is made with.
pub struct Caller<'a> {
    pub app_id: &'a str,
    pub charset: Charset,
    pub app_key: &'a PrivateKey,
    pub alipay_key: &'a PublicKey,
}

pub struct AlipayApi {
    base: String,
    media_url: String,
    http: reqwest::Client,
}

/// Alipay's multimedia gateway, where the images users send are fetched.
pub const DEFAULT_MEDIA_URL: &str = "https://openfile.alipay.com/chat/multimedia.do";
/// The method the multimedia gateway serves (FWC-PHP `downMediaRequest`; alipay-sdk-java-all
/// `AlipayMobilePublicMultiMediaDownloadRequest`).
pub const MEDIA_DOWNLOAD: &str = "alipay.mobile.public.multimedia.download";

/// The multimedia gateway beside an OpenAPI gateway: Alipay's own for Alipay's, the same host's
/// `/chat/multimedia.do` for another (the double).
pub fn media_url_for(api_base: &str) -> String {
    if api_base == super::DEFAULT_API_BASE {
        return DEFAULT_MEDIA_URL.to_owned();
    }
    match reqwest::Url::parse(api_base) {
        Ok(mut url) => {
            url.set_path("/chat/multimedia.do");
            url.set_query(None);
            url.to_string()
        }
        Err(_) => DEFAULT_MEDIA_URL.to_owned(),
    }
}

/// Why a user's image could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MediaError(pub String);

impl AlipayApi {
    pub fn new(base: &str, timeout: std::time::Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_else(|_| reqwest::Client::new());
        Self { base: base.to_owned(), media_url: media_url_for(base), http }
    }

    /// Uploads an image (`alipay.offline.material.image.upload`, multipart: the common and text
    /// parameters signed, the file not): the verified answer, with `image_id` and `image_url`.
    pub async fn upload_image(
        &self,
        caller: &Caller<'_>,
        now: Millis,
        image_type: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<Response, CallError> {
        let method = "alipay.offline.material.image.upload";
        let timestamp = openapi::timestamp(now);
        let request = Request {
            app_id: caller.app_id,
            method,
            biz_content: "",
            timestamp: &timestamp,
            charset: caller.charset,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        let filename = format!("wicket.{image_type}");
        let name = format!("wicket-{}", &hex::encode(sha2::Sha256::digest(bytes))[..16]);
        let fields = [("image_type", image_type), ("image_name", name.as_str())];
        let file = openapi::FilePart { name: "image_content", filename: &filename, content_type: mime, bytes };
        let call = request.multipart(caller.app_key, &fields, &file);
        let url = format!("{}?{}", self.base, call.query);
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, call.content_type)
            .body(call.body)
            .send()
            .await
            .map_err(request_error)?;
        self.answer(caller, method, response).await
    }

    /// A user's image by its `MediaId`, from the multimedia gateway: its bytes, at most `max` of
    /// them. The gateway answers a refusal as `text/plain` JSON instead of the file (the SDK's
    /// rule); the file itself comes unsigned.
    pub async fn download_media(
        &self,
        caller: &Caller<'_>,
        now: Millis,
        media_id: &str,
        max: usize,
    ) -> Result<Vec<u8>, MediaError> {
        let biz_content = serde_json::json!({ "mediaId": media_id }).to_string();
        let timestamp = openapi::timestamp(now);
        let request = Request {
            app_id: caller.app_id,
            method: MEDIA_DOWNLOAD,
            biz_content: &biz_content,
            timestamp: &timestamp,
            charset: caller.charset,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        let query = String::from_utf8_lossy(&request.form_body(caller.app_key)).into_owned();
        let url = format!("{}?{query}", self.media_url);
        let failed = |e: reqwest::Error| MediaError(format!("Alipay's multimedia gateway: {}", e.without_url()));
        let mut response = self.http.get(url).send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(MediaError(format!("Alipay's multimedia gateway answered HTTP {status}")));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > max {
                return Err(MediaError(format!("the image is larger than {max} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        if content_type.contains("text/plain") || content_type.contains("json") {
            let text = caller.charset.decode(&bytes).unwrap_or_default();
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let key = format!("{}_response", MEDIA_DOWNLOAD.replace('.', "_"));
            let refusal = &answer[key.as_str()];
            let code = refusal["sub_code"].as_str().or(refusal["code"].as_str()).unwrap_or("no code");
            return Err(MediaError(format!("Alipay did not give the image: {code}")));
        }
        Ok(bytes)
    }

    /// Reads an answer: Alipay's verified one, or why it is not believed.
    async fn answer(
        &self,
        caller: &Caller<'_>,
        method: &str,
        response: reqwest::Response,
    ) -> Result<Response, CallError> {
        let status = response.status();
        if status == reqwest::StatusCode::SERVICE_UNAVAILABLE || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(CallError::NotSent(format!("HTTP {status}")));
        }
        if !status.is_success() {
            return Err(CallError::NoAnswer(format!("HTTP {status}")));
        }
        let bytes = response.bytes().await.map_err(request_error)?;
        // Alipay answers in the request's charset.
        let text = caller
            .charset
            .decode(&bytes)
            .map_err(|_| CallError::NoAnswer(format!("an answer that is not {}", caller.charset.name())))?;
        let answer = openapi::verify_response_in(&text, method, caller.alipay_key, SignType::Rsa2, caller.charset)
            .map_err(|e| CallError::Unverified(e.to_string()))?;
        if answer.is_success() {
            Ok(answer)
        } else {
            Err(CallError::Refused {
                code: answer.code,
                msg: answer.msg,
                sub_code: answer.sub_code,
                sub_msg: answer.sub_msg,
            })
        }
    }

    /// Calls `method` with `biz_content`: the verified answer when Alipay
    /// took it (`code` 10000).
    pub async fn call(
        &self,
        caller: &Caller<'_>,
        now: Millis,
        method: &str,
        biz_content: &Value,
    ) -> Result<Response, CallError> {
        let biz_content = biz_content.to_string();
        let timestamp = openapi::timestamp(now);
        let request = Request {
            app_id: caller.app_id,
            method,
            biz_content: &biz_content,
            timestamp: &timestamp,
            charset: caller.charset,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        };
        let body = request.form_body(caller.app_key);
        let content_type = format!("application/x-www-form-urlencoded;charset={}", caller.charset.name());
        let response = self
            .http
            .post(&self.base)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(request_error)?;
        self.answer(caller, method, response).await
    }
}

/// A request that failed before it left can be sent again; one that failed
/// after cannot be known to have failed.
fn request_error(e: reqwest::Error) -> CallError {
    let e = e.without_url();
    if e.is_connect() || e.is_builder() {
        CallError::NotSent(e.to_string())
    } else {
        CallError::NoAnswer(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multimedia_gateway_sits_beside_the_api_gateway() {
        assert_eq!(media_url_for(super::super::DEFAULT_API_BASE), DEFAULT_MEDIA_URL);
        assert_eq!(media_url_for("http://127.0.0.1:9/gateway.do"), "http://127.0.0.1:9/chat/multimedia.do");
    }

    #[test]
    fn a_refusal_says_alipays_codes() {
        let refused = CallError::Refused {
            code: "40004".into(),
            msg: "Business Failed".into(),
            sub_code: Some("isv.invalid-app-id".into()),
            sub_msg: Some("无效的AppID".into()),
        };
        assert_eq!(refused.code(), Some("isv.invalid-app-id"));
        assert_eq!(refused.to_string(), "Alipay answered 40004 Business Failed (isv.invalid-app-id: 无效的AppID)");
    }
}
