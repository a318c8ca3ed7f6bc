//! Outbound OpenAPI calls: the signed request form, and the verification of Alipay's answer
//! before anything in it is believed. Also the double's side of both.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::charset::Charset;
use crate::form::{self, FormError};
use crate::keys::{PrivateKey, PublicKey};
use crate::sign::{self, check_content_bytes, sign_content, ContentRule, SignType, UnknownSignType, VerifyError};

/// The code of a successful OpenAPI call.
pub const SUCCESS_CODE: &str = "10000";

/// One OpenAPI call before signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    pub app_id: &'a str,
    /// E.g. `alipay.open.public.message.custom.send`.
    pub method: &'a str,
    /// The call's JSON arguments.
    pub biz_content: &'a str,
    /// `yyyy-MM-dd HH:mm:ss` in Beijing time; see [`timestamp`].
    pub timestamp: &'a str,
    pub charset: Charset,
    pub sign_type: SignType,
    /// For calls made on behalf of another merchant (third-party authorization).
    pub app_auth_token: Option<&'a str>,
}

impl Request<'_> {
    /// All common parameters (app_id, method, format=JSON, charset, sign_type, timestamp,
    /// version=1.0, app_auth_token when given, biz_content) and `sign` last. The content is
    /// signed in the request's charset, the bytes [`Request::form_body`] sends.
    pub fn signed_params(&self, key: &PrivateKey) -> Vec<(String, String)> {
        self.signed_with(key, &[])
    }

    /// The common parameters and `sign`, the signature covering `extra` too (the text parts of a
    /// multipart call, which travel apart).
    fn signed_with(&self, key: &PrivateKey, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut params: Vec<(&str, &str)> = vec![
            ("app_id", self.app_id),
            ("method", self.method),
            ("format", "JSON"),
            ("charset", self.charset.name()),
            ("sign_type", self.sign_type.name()),
            ("timestamp", self.timestamp),
            ("version", "1.0"),
        ];
        if let Some(token) = self.app_auth_token.filter(|t| !t.is_empty()) {
            params.push(("app_auth_token", token));
        }
        if !self.biz_content.is_empty() {
            params.push(("biz_content", self.biz_content));
        }
        let content = sign_content(params.iter().chain(extra).copied(), ContentRule::V2);
        let signature = sign::sign(key, self.sign_type, &self.charset.encode_lossy(&content));
        let mut owned: Vec<(String, String)> = params.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        owned.push(("sign".to_owned(), signature));
        owned
    }

    /// The POST body: `application/x-www-form-urlencoded`, values in the request's charset.
    pub fn form_body(&self, key: &PrivateKey) -> Vec<u8> {
        let params = self.signed_params(key);
        form::serialize(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), self.charset)
    }
}

/// A file sent with a multipart call (`image_content` of `alipay.offline.material.image.upload`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePart<'a> {
    /// The parameter's name.
    pub name: &'a str,
    pub filename: &'a str,
    /// E.g. `image/png`.
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A multipart OpenAPI call, as the official SDKs send a file (alipay-sdk-java-all
/// `DefaultAlipayClient`, `WebUtils.doPost` with `FileItem` parameters): the common parameters
/// and `sign` in the URL's query string, the text parameters and the file as `multipart/form-data`
/// parts. The signature covers the common and the text parameters, never the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartRequest {
    /// The query string to add to the gateway URL (after `?`), in the request's charset.
    pub query: String,
    /// `multipart/form-data; boundary=…`.
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Request<'_> {
    /// The multipart call of `fields` (signed) and `file` (not signed). `biz_content` is left out
    /// when empty, as for `alipay.offline.material.image.upload`, whose arguments are parts.
    pub fn multipart(&self, key: &PrivateKey, fields: &[(&str, &str)], file: &FilePart<'_>) -> MultipartRequest {
        let common = self.signed_with(key, fields);
        let query = String::from_utf8_lossy(&form::serialize(
            common.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            self.charset,
        ))
        .into_owned();
        let boundary = format!("----AlipaySdkBoundary{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\nContent-Type: text/plain; charset={}\r\n\r\n",
                    quoted(name),
                    self.charset.name()
                )
                .as_bytes(),
            );
            body.extend_from_slice(&self.charset.encode_lossy(value));
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                quoted(file.name),
                quoted(file.filename),
                quoted(file.content_type)
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        MultipartRequest { query, content_type: format!("multipart/form-data; boundary={boundary}"), body }
    }
}

/// A header parameter's value with nothing that could end it (quotes, line breaks).
fn quoted(value: &str) -> String {
    value.chars().filter(|c| !matches!(c, '"' | '\\' | '\r' | '\n')).collect()
}

/// Beijing time (UTC+8, no daylight saving) for an instant in ms since the epoch, formatted as
/// Alipay's `timestamp` parameter: `yyyy-MM-dd HH:mm:ss`.
pub fn timestamp(ms_since_epoch: i64) -> String {
    let secs = ms_since_epoch.div_euclid(1000) + 8 * 3600;
    let (days, secs_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60,
        secs_of_day % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A verified OpenAPI answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `10000` on success; empty when the answer has no code.
    pub code: String,
    pub msg: String,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
    /// The whole `*_response` (or `error_response`) object.
    pub body: Value,
}

impl Response {
    pub fn is_success(&self) -> bool {
        self.code == SUCCESS_CODE
    }

    fn from_value(body: Value) -> Result<Response, ResponseError> {
        let Value::Object(map) = &body else { return Err(ResponseError::NotAnObject) };
        let text = |name: &str| match map.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(Response {
            code: text("code").unwrap_or_default(),
            msg: text("msg").unwrap_or_default(),
            sub_code: text("sub_code"),
            sub_msg: text("sub_msg"),
            body,
        })
    }
}

/// Why an OpenAPI answer was not believed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResponseError {
    #[error("the answer is not JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error("the answer has the member {0:?} more than once")]
    Duplicate(String),
    #[error("the answer has neither {expected} nor error_response")]
    NoResponse { expected: String },
    #[error("the answer's response is not a JSON object")]
    NotAnObject,
    #[error("the answer carries no signature, so it cannot be believed")]
    Unsigned,
    #[error("Alipay refused the call without signing its answer: {} {}", .0.code, .0.sub_code.as_deref().unwrap_or(""))]
    UnsignedError(Box<Response>),
    #[error("the answer's signature: {0}")]
    Signature(VerifyError),
    #[error("the sign type RSA (SHA-1) is refused: Wicket accepts only RSA2 (SHA-256) answers")]
    Sha1Refused,
}

/// Verifies an OpenAPI answer sent in UTF-8; see [`verify_response_in`].
pub fn verify_response(
    body: &str,
    method: &str,
    alipay_public_key: &PublicKey,
    sign_type: SignType,
) -> Result<Response, ResponseError> {
    verify_response_in(body, method, alipay_public_key, sign_type, Charset::Utf8)
}

/// Verifies an OpenAPI answer: the raw text of `"<method, dots as underscores>_response"` (or
/// `error_response`), exactly as it appears in the body and encoded in the request's charset,
/// against `sign`. An unsigned `error_response` (Alipay sends one for an unknown app id) comes
/// back as [`ResponseError::UnsignedError`], never as a believed answer.
pub fn verify_response_in(
    body: &str,
    method: &str,
    alipay_public_key: &PublicKey,
    sign_type: SignType,
    charset: Charset,
) -> Result<Response, ResponseError> {
    if sign_type != SignType::Rsa2 {
        return Err(ResponseError::Sha1Refused);
    }
    let members = top_level_members(body)?;
    let expected = response_key(method);
    let find = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let (raw, is_error) = match (find(&expected), find("error_response")) {
        (Some(raw), _) => (raw, false),
        (None, Some(raw)) => (raw, true),
        (None, None) => return Err(ResponseError::NoResponse { expected }),
    };
    let parsed: Value = serde_json::from_str(raw.get()).map_err(|_| ResponseError::NotAnObject)?;
    let response = Response::from_value(parsed)?;
    let signature = match find("sign").map(|v| serde_json::from_str::<String>(v.get())) {
        Some(Ok(s)) if !s.is_empty() => s,
        _ if is_error => return Err(ResponseError::UnsignedError(Box::new(response))),
        _ => return Err(ResponseError::Unsigned),
    };
    sign::verify(alipay_public_key, sign_type, &charset.encode_lossy(raw.get()), &signature)
        .map_err(ResponseError::Signature)?;
    Ok(response)
}

fn response_key(method: &str) -> String {
    format!("{}_response", method.replace('.', "_"))
}

/// The members of the body's top-level object with their values' raw text, duplicates refused.
fn top_level_members(body: &str) -> Result<Vec<(String, &RawValue)>, ResponseError> {
    struct Members<'a>(Vec<(String, &'a RawValue)>);
    struct MembersVisitor;
    impl<'de> Visitor<'de> for MembersVisitor {
        type Value = Members<'de>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let value: &'de RawValue = map.next_value()?;
                out.push((key, value));
            }
            Ok(Members(out))
        }
    }
    impl<'de> Deserialize<'de> for Members<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(MembersVisitor)
        }
    }
    let members: Members =
        serde_json::from_str(body).map_err(|e| ResponseError::NotJson { line: e.line(), column: e.column() })?;
    for (i, (key, _)) in members.0.iter().enumerate() {
        if members.0[..i].iter().any(|(k, _)| k == key) {
            return Err(ResponseError::Duplicate(key.chars().take(64).collect()));
        }
    }
    Ok(members.0)
}

/// The double's side: `{"<method>_response":{…},"sign":"…"}`, signed in UTF-8.
pub fn signed_response(method: &str, response: &Value, alipay_key: &PrivateKey, sign_type: SignType) -> String {
    signed_member(&response_key(method), response, alipay_key, sign_type, Charset::Utf8)
}

/// The double's side: a signed `{"error_response":{…},"sign":"…"}`.
pub fn signed_error_response(response: &Value, alipay_key: &PrivateKey, sign_type: SignType) -> String {
    signed_member("error_response", response, alipay_key, sign_type, Charset::Utf8)
}

/// As [`signed_response`], the content signed in `charset` (the double answering a GBK request).
pub fn signed_response_in(
    method: &str,
    response: &Value,
    alipay_key: &PrivateKey,
    sign_type: SignType,
    charset: Charset,
) -> String {
    signed_member(&response_key(method), response, alipay_key, sign_type, charset)
}

fn signed_member(
    key: &str,
    response: &Value,
    alipay_key: &PrivateKey,
    sign_type: SignType,
    charset: Charset,
) -> String {
    let raw = response.to_string();
    let signature = sign::sign(alipay_key, sign_type, &charset.encode_lossy(&raw));
    format!("{{{}:{raw},\"sign\":{}}}", Value::from(key), Value::from(signature))
}

/// An OpenAPI request the double received, its signature checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedRequest {
    pub app_id: String,
    pub method: String,
    /// Empty when the request has none.
    pub biz_content: String,
    pub charset: Charset,
    pub sign_type: SignType,
    pub timestamp: String,
    /// Every parameter, `sign` included.
    pub params: Vec<(String, String)>,
}

/// Why the double refused an OpenAPI request (its codes: missing parameter, invalid app id,
/// invalid signature).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request form: {0}")]
    Form(#[from] FormError),
    #[error("the request has no {0} parameter")]
    Missing(&'static str),
    #[error("the request's sign type: {0}")]
    SignType(#[from] UnknownSignType),
    #[error("no application with the app id {0:?} is known")]
    UnknownApp(String),
    #[error("the request's signature: {0}")]
    Signature(VerifyError),
}

/// The double's side: parses an OpenAPI request form and checks its signature (all parameters
/// but `sign`, the V2 rule, in the request's charset) with the application's public key.
pub fn open_request(
    body: &[u8],
    app_public_key: impl Fn(&str) -> Option<PublicKey>,
) -> Result<OpenedRequest, RequestError> {
    let form = form::parse(body)?;
    let required = |name: &'static str| form.get(name).filter(|v| !v.is_empty()).ok_or(RequestError::Missing(name));
    let app_id = required("app_id")?;
    let method = required("method")?;
    let sign_type = SignType::from_name(required("sign_type")?)?;
    let signature = required("sign")?;
    let timestamp = required("timestamp")?;
    let key = app_public_key(app_id).ok_or_else(|| RequestError::UnknownApp(app_id.chars().take(32).collect()))?;
    // Over the bytes sent, not the text they decode to (see `form::Form::raw`).
    let content =
        check_content_bytes(form.raw.iter().map(|(k, v)| (k.as_slice(), v.as_slice())), ContentRule::V2, false);
    sign::verify(&key, sign_type, &content, signature).map_err(RequestError::Signature)?;
    Ok(OpenedRequest {
        app_id: app_id.to_owned(),
        method: method.to_owned(),
        biz_content: form.get("biz_content").unwrap_or_default().to_owned(),
        charset: form.charset,
        sign_type,
        timestamp: timestamp.to_owned(),
        params: form.params.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::test_key;
    use serde_json::json;

    const METHOD: &str = "alipay.open.public.message.custom.send";

    fn request(charset: Charset) -> Request<'static> {
        Request {
            app_id: "2021000000000001",
            method: METHOD,
            biz_content: r#"{"to_user_id":"2088102122524333","msg_type":"text","text":{"content":"你好 & 再见"}}"#,
            timestamp: "2026-12-03 23:00:00",
            charset,
            sign_type: SignType::Rsa2,
            app_auth_token: None,
        }
    }

    #[test]
    fn timestamps_are_beijing_time() {
        assert_eq!(timestamp(0), "1970-01-01 08:00:00");
        assert_eq!(timestamp(1_406_142_470_999), "2014-07-24 03:07:50");
        assert_eq!(timestamp(951_782_400_000 - 8 * 3_600_000), "2000-02-29 00:00:00", "a leap day");
        assert_eq!(timestamp(-1), "1970-01-01 07:59:59");
        let _ = timestamp(i64::MAX);
        let _ = timestamp(i64::MIN);
    }

    #[test]
    fn signed_params_hold_the_common_parameters_and_open_on_the_other_side() {
        let key = test_key();
        for charset in [Charset::Utf8, Charset::Gbk] {
            let req = request(charset);
            let params = req.signed_params(key);
            let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(
                names,
                ["app_id", "method", "format", "charset", "sign_type", "timestamp", "version", "biz_content", "sign"]
            );
            let opened = open_request(&req.form_body(key), |id| (id == req.app_id).then(|| key.public_key())).unwrap();
            assert_eq!(opened.biz_content, req.biz_content, "the Chinese text arrives unchanged in {charset:?}");
            assert_eq!(opened.charset, charset);
            assert_eq!(opened.method, METHOD);
            assert_eq!(opened.timestamp, req.timestamp);
        }
    }

    #[test]
    fn a_multipart_upload_signs_the_common_and_text_parameters_and_not_the_file() {
        let key = test_key();
        for charset in [Charset::Utf8, Charset::Gbk] {
            let req = Request { method: "alipay.offline.material.image.upload", biz_content: "", ..request(charset) };
            let png = b"\x89PNG\r\n\x1a\n not really";
            let file = FilePart { name: "image_content", filename: "reply.png", content_type: "image/png", bytes: png };
            let fields = [("image_type", "png"), ("image_name", "回复图片")];
            let call = req.multipart(key, &fields, &file);
            let boundary = call.content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
            let query = form::parse(call.query.as_bytes()).unwrap();
            let names: Vec<&str> = query.params.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["app_id", "method", "format", "charset", "sign_type", "timestamp", "version", "sign"]);
            // The text parts, read back in the request's charset, complete the signed content.
            let body = &call.body;
            let part = |name: &str| {
                let head = format!("name=\"{name}\"");
                let at = body.windows(head.len()).position(|w| w == head.as_bytes()).expect(name);
                let start = at + body[at..].windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let next = format!("\r\n--{boundary}");
                let end = start + body[start..].windows(next.len()).position(|w| w == next.as_bytes()).unwrap();
                body[start..end].to_vec()
            };
            let image_name = charset.decode(&part("image_name")).unwrap();
            assert_eq!(image_name, "回复图片");
            assert_eq!(part("image_content"), png, "the file travels as it is");
            assert!(body.ends_with(format!("\r\n--{boundary}--\r\n").as_bytes()));
            let mut form = call.query.clone().into_bytes();
            form.push(b'&');
            form.extend(form::serialize([("image_type", "png"), ("image_name", image_name.as_str())], charset));
            let opened = open_request(&form, |_| Some(key.public_key())).unwrap();
            assert_eq!(opened.method, "alipay.offline.material.image.upload");
            // Without its text parts the query's signature does not hold: they are signed.
            assert!(matches!(
                open_request(call.query.as_bytes(), |_| Some(key.public_key())),
                Err(RequestError::Signature(_))
            ));
        }
    }

    #[test]
    fn a_tampered_or_foreign_request_is_refused() {
        let key = test_key();
        let req = request(Charset::Utf8);
        let body = String::from_utf8(req.form_body(key)).unwrap();
        let tampered = body.replace("2088102122524333", "2088102122524334");
        let lookup = |_: &str| Some(key.public_key());
        assert!(matches!(open_request(tampered.as_bytes(), lookup), Err(RequestError::Signature(_))));
        assert!(matches!(open_request(body.as_bytes(), |_| None), Err(RequestError::UnknownApp(_))));
        let unsigned = body.split("&sign=").next().unwrap();
        assert_eq!(open_request(unsigned.as_bytes(), lookup), Err(RequestError::Missing("sign")));
    }

    #[test]
    fn a_signed_response_verifies_and_yields_its_fields() {
        let key = test_key();
        let inner = json!({"code": "10000", "msg": "Success", "data": "中文"});
        let body = signed_response(METHOD, &inner, key, SignType::Rsa2);
        let response = verify_response(&body, METHOD, &key.public_key(), SignType::Rsa2).unwrap();
        assert!(response.is_success());
        assert_eq!(response.body, inner);
        let gbk = signed_response_in(METHOD, &inner, key, SignType::Rsa2, Charset::Gbk);
        assert!(verify_response_in(&gbk, METHOD, &key.public_key(), SignType::Rsa2, Charset::Gbk).is_ok());
        assert!(
            verify_response(&gbk, METHOD, &key.public_key(), SignType::Rsa2).is_err(),
            "GBK-signed Chinese does not verify as UTF-8"
        );
    }

    #[test]
    fn an_answer_signed_rsa_sha1_is_refused_even_when_its_signature_holds() {
        let key = test_key();
        let body = signed_response(METHOD, &json!({"code": "10000", "msg": "Success"}), key, SignType::Rsa);
        assert_eq!(verify_response(&body, METHOD, &key.public_key(), SignType::Rsa), Err(ResponseError::Sha1Refused));
    }

    #[test]
    fn the_raw_text_is_what_is_verified() {
        let key = test_key();
        let raw = r#"{"msg":"Success","code":"10000", "x":1.0}"#;
        let sig = sign::sign(key, SignType::Rsa2, raw.as_bytes());
        let body = format!(r#"{{"alipay_open_public_message_custom_send_response":{raw},"sign":"{sig}"}}"#);
        assert!(verify_response(&body, METHOD, &key.public_key(), SignType::Rsa2).is_ok(), "order, spaces, 1.0 kept");
        let tampered = body.replace("Success", "Sucbess");
        assert!(matches!(
            verify_response(&tampered, METHOD, &key.public_key(), SignType::Rsa2),
            Err(ResponseError::Signature(VerifyError::Mismatch))
        ));
    }

    /// The layouts of alipay-sdk-nodejs-all's getSignStr tests: whitespace and newlines around
    /// the members, and a "sign" member inside the response, which is signed content.
    #[test]
    fn the_response_is_found_whatever_the_layout() {
        let key = test_key();
        let raw = r#"{"code":"10000","sign":"xxx","msg":"Success","image_url":"http:\/\/oalipay-dl-django.alicdn.com\/rest"}"#;
        let sig = sign::sign(key, SignType::Rsa2, raw.as_bytes());
        let method = "alipay.offline.material.image.upload";
        let body = format!("{{\"alipay_offline_material_image_upload_response\"\n        :\n        {raw},\n\n          \"sign\"  :  \"{sig}\"}}");
        let response = verify_response(&body, method, &key.public_key(), SignType::Rsa2).unwrap();
        assert_eq!(response.body["image_url"], "http://oalipay-dl-django.alicdn.com/rest");
    }

    #[test]
    fn unsigned_and_malformed_answers_are_refused() {
        let key = test_key().public_key();
        let ok = r#"{"alipay_open_public_message_custom_send_response":{"code":"10000","msg":"Success"}}"#;
        assert_eq!(verify_response(ok, METHOD, &key, SignType::Rsa2), Err(ResponseError::Unsigned));
        let error = r#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}}"#;
        match verify_response(error, METHOD, &key, SignType::Rsa2) {
            Err(ResponseError::UnsignedError(r)) => assert_eq!(r.sub_code.as_deref(), Some("isv.invalid-app-id")),
            other => panic!("expected an unsigned error, got {other:?}"),
        }
        assert!(matches!(verify_response("nope", METHOD, &key, SignType::Rsa2), Err(ResponseError::NotJson { .. })));
        assert!(matches!(verify_response("{}", METHOD, &key, SignType::Rsa2), Err(ResponseError::NoResponse { .. })));
        let twice = r#"{"error_response":{},"error_response":{}}"#;
        assert!(matches!(verify_response(twice, METHOD, &key, SignType::Rsa2), Err(ResponseError::Duplicate(_))));
    }

    #[test]
    fn a_signed_error_response_is_believed_as_a_failure() {
        let key = test_key();
        let body = signed_error_response(&json!({"code": "40004", "msg": "Business Failed"}), key, SignType::Rsa2);
        let response = verify_response(&body, METHOD, &key.public_key(), SignType::Rsa2).unwrap();
        assert!(!response.is_success());
        assert_eq!(response.code, "40004");
    }
}
