//! Alipay's OpenAPI gateway (`https://openapi.alipay.com/gateway.do`, or the
//! double in tests): every request signed RSA2 with the application's private
//! key, every answer's signature checked with Alipay's public key before
//! anything in it is believed. The protocol is `wicket_alipay::openapi`'s.

use serde_json::Value;
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
    http: reqwest::Client,
}

impl AlipayApi {
    pub fn new(base: &str, timeout: std::time::Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_else(|_| reqwest::Client::new());
        Self { base: base.to_owned(), http }
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
