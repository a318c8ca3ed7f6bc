//! The application gateway (应用网关): the form Alipay POSTs, checked by Alipay's rule, and the
//! signed XML the application answers with. Also the double's side of both.

use crate::charset::Charset;
use crate::form::{self, FormError};
use crate::keys::{PrivateKey, PublicKey};
use crate::notify::{parse_notify, Notify, NotifyError};
use crate::sign::{self, check_content_bytes, sign_content, ContentRule, SignType, UnknownSignType, VerifyError};
use crate::xml::{parse_fields, push_cdata, push_text, XmlError};

pub use crate::form::MAX_BODY_BYTES;

/// `service` of a message notify (events and messages from subscribers).
pub const SERVICE_NOTIFY: &str = "alipay.mobile.public.message.notify";
/// `service` of the gateway check Alipay makes when the gateway URL is saved (verifygw).
pub const SERVICE_CHECK: &str = "alipay.service.check";

/// One POST from Alipay to the application gateway, decoded in its charset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRequest {
    pub service: String,
    pub charset: Charset,
    pub sign_type: SignType,
    /// Every parameter, `sign` included, in the order sent.
    pub params: Vec<(String, String)>,
    /// The same parameters as the bytes sent (percent-decoded only): what the signature covers.
    pub raw: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Why a gateway request or answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("the gateway form: {0}")]
    Form(#[from] FormError),
    #[error("the gateway request has no {0} parameter")]
    Missing(&'static str),
    #[error("the gateway request's sign type: {0}")]
    SignType(#[from] UnknownSignType),
    #[error("the sign type RSA (SHA-1) is refused: Wicket accepts only RSA2 (SHA-256), what Alipay asks of every application")]
    Sha1Refused,
    #[error("the signature: {0}")]
    Signature(VerifyError),
    #[error("the biz_content: {0}")]
    Notify(#[from] NotifyError),
    #[error("the gateway answer: {0}")]
    Xml(#[from] XmlError),
    #[error("the gateway answer has no {0} element")]
    MissingElement(&'static str),
    #[error("the gateway answer's charset: {0}")]
    Charset(#[from] crate::charset::CharsetError),
}

/// Parses an `application/x-www-form-urlencoded` body: values percent-decoded to bytes, then
/// decoded in the charset the `charset` parameter names (UTF-8 when absent; GBK and gb2312).
pub fn parse_form(body: &[u8]) -> Result<GatewayRequest, GatewayError> {
    request(form::parse(body)?)
}

/// As [`parse_form`], with the parameters of the gateway URL's query string too (the 2014
/// 服务窗 put `charset` there, and signed it).
pub fn parse_form_with_query(query: &[u8], body: &[u8]) -> Result<GatewayRequest, GatewayError> {
    request(form::parse_with_query(query, body)?)
}

fn request(form: form::Form) -> Result<GatewayRequest, GatewayError> {
    let service = form.get("service").filter(|s| !s.is_empty()).ok_or(GatewayError::Missing("service"))?;
    let sign_type = form.get("sign_type").filter(|s| !s.is_empty()).ok_or(GatewayError::Missing("sign_type"))?;
    let sign_type = SignType::from_name(sign_type)?;
    if sign_type != SignType::Rsa2 {
        return Err(GatewayError::Sha1Refused);
    }
    Ok(GatewayRequest {
        service: service.to_owned(),
        sign_type,
        charset: form.charset,
        params: form.params,
        raw: form.raw,
    })
}

impl GatewayRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Checks `sign` with Alipay's public key: the V2 content (keeping `sign_type`) first, then V1
    /// (alipay-sdk-nodejs-all's checkNotifySign does the same), each joined from the bytes the
    /// request carried (the charset's bytes Alipay signed, never decoded and encoded again). When
    /// a parameter is empty, the contents that keep it (the official SDKs' check rule) are tried
    /// as well.
    pub fn verify(&self, alipay_public_key: &PublicKey) -> Result<(), GatewayError> {
        let signature = self.param("sign").filter(|s| !s.is_empty()).ok_or(GatewayError::Missing("sign"))?;
        let raw = || self.raw.iter().map(|(k, v)| (k.as_slice(), v.as_slice()));
        let mut contents = vec![
            check_content_bytes(raw(), ContentRule::V2, false),
            check_content_bytes(raw(), ContentRule::V1, false),
        ];
        if raw().any(|(k, v)| v.is_empty() && !k.is_empty()) {
            contents.push(check_content_bytes(raw(), ContentRule::V2, true));
            contents.push(check_content_bytes(raw(), ContentRule::V1, true));
        }
        let mut result = Ok(());
        for content in contents {
            result = sign::verify(alipay_public_key, self.sign_type, &content, signature);
            if result.is_ok() {
                return Ok(());
            }
        }
        result.map_err(GatewayError::Signature)
    }

    /// [`GatewayRequest::verify`], then the biz_content read as a notify (both services).
    pub fn open(&self, alipay_public_key: &PublicKey) -> Result<Notify, GatewayError> {
        self.verify(alipay_public_key)?;
        let biz_content = self.param("biz_content").ok_or(GatewayError::Missing("biz_content"))?;
        Ok(parse_notify(biz_content)?)
    }
}

/// Wraps `inner` as Alipay expects an answer: `<alipay><response>inner</response><sign>…` with
/// the RSA2 signature of `inner`'s bytes in `charset`. The caller sends it encoded in `charset`.
fn signed_answer(app_key: &PrivateKey, charset: Charset, inner: &str) -> String {
    let signature = sign::sign(app_key, SignType::Rsa2, &charset.encode_lossy(inner));
    format!(
        "<?xml version=\"1.0\" encoding=\"{}\"?><alipay><response>{inner}</response><sign>{signature}</sign><sign_type>RSA2</sign_type></alipay>",
        charset.name()
    )
}

/// The answer to `alipay.service.check` (verifygw): success, and the application public key.
pub fn verifygw_response(app_key: &PrivateKey, charset: Charset) -> String {
    let inner = format!("<success>true</success><biz_content>{}</biz_content>", app_key.public_key_base64());
    signed_answer(app_key, charset, &inner)
}

/// The plain acknowledgement of a message notify: a signed `<success>true</success>`.
/// Alipay's own 服务窗 demos answer with the ack message instead; see [`notify_ack_for`].
pub fn notify_ack(app_key: &PrivateKey, charset: Charset) -> String {
    signed_answer(app_key, charset, "<success>true</success>")
}

/// The acknowledgement Alipay's 服务窗 demos send after a message notify (without one Alipay
/// sends the notify again): `<XML><ToUserId/><AppId/><CreateTime/><MsgType>ack</MsgType></XML>`.
pub fn notify_ack_for(app_key: &PrivateKey, charset: Charset, notify: &Notify, now_secs: i64) -> String {
    let mut inner = String::from("<XML>");
    push_cdata(&mut inner, "ToUserId", &notify.from_user_id);
    push_cdata(&mut inner, "AppId", &notify.app_id);
    inner.push_str(&format!("<CreateTime>{now_secs}</CreateTime>"));
    push_cdata(&mut inner, "MsgType", "ack");
    inner.push_str("</XML>");
    signed_answer(app_key, charset, &inner)
}

/// A refusal (`<success>false</success><error_code>…</error_code>` and the application public
/// key, as yansongda/pay answers), signed.
pub fn failure_response(app_key: &PrivateKey, charset: Charset, error_code: &str) -> String {
    let mut inner = String::from("<success>false</success>");
    push_text(&mut inner, "error_code", error_code);
    push_text(&mut inner, "biz_content", &app_key.public_key_base64());
    signed_answer(app_key, charset, &inner)
}

/// The application's answer as the double reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayResponse {
    /// `<success>true</success>`, or an ack message.
    pub success: bool,
    /// The application public key of a verifygw answer.
    pub biz_content: Option<String>,
    pub error_code: Option<String>,
    /// `ToUserId` of an ack message.
    pub ack_to_user_id: Option<String>,
    /// `AppId` of an ack message.
    pub ack_app_id: Option<String>,
    pub sign_type: SignType,
    pub charset: Charset,
}

/// The double's side: parses an answer and checks its signature over the raw text inside
/// `<response>`, in the charset its XML declaration names, with the application public key.
pub fn parse_gateway_response(xml: &str, app_public_key: &PublicKey) -> Result<GatewayResponse, GatewayError> {
    let f = parse_fields(xml, "alipay", Some("response"))?;
    let span = f.span.clone().ok_or(GatewayError::MissingElement("response"))?;
    let signature = f.opt_trimmed("sign").ok_or(GatewayError::MissingElement("sign"))?;
    let sign_type = SignType::from_name(f.get("sign_type").unwrap_or("RSA2"))?;
    let charset = match &f.encoding {
        Some(name) => Charset::from_name(name)?,
        None => Charset::Utf8,
    };
    sign::verify(app_public_key, sign_type, &charset.encode_lossy(&xml[span]), &signature)
        .map_err(GatewayError::Signature)?;
    let ack = f.get("response/XML/MsgType").map(str::trim) == Some("ack");
    Ok(GatewayResponse {
        success: ack || f.get("response/success").map(str::trim) == Some("true"),
        biz_content: f.opt_trimmed("response/biz_content"),
        error_code: f.opt_trimmed("response/error_code"),
        ack_to_user_id: if ack { f.opt_trimmed("response/XML/ToUserId") } else { None },
        ack_app_id: if ack { f.opt_trimmed("response/XML/AppId") } else { None },
        sign_type,
        charset,
    })
}

/// The double's side: a signed gateway POST body (V2 rule: `sign_type` is signed too), values
/// encoded in `charset`. `extra` parameters (e.g. `app_id`, `notify_id`) are signed as well.
pub fn signed_gateway_form(
    service: &str,
    biz_content: &str,
    charset: Charset,
    sign_type: SignType,
    alipay_key: &PrivateKey,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    signed_gateway_form_with_rule(service, biz_content, charset, sign_type, alipay_key, extra, ContentRule::V2)
}

/// As [`signed_gateway_form`] with the content rule chosen (V1 for a legacy gateway).
pub fn signed_gateway_form_with_rule(
    service: &str,
    biz_content: &str,
    charset: Charset,
    sign_type: SignType,
    alipay_key: &PrivateKey,
    extra: &[(&str, &str)],
    rule: ContentRule,
) -> Vec<u8> {
    let mut params: Vec<(&str, &str)> = vec![
        ("service", service),
        ("charset", charset.name()),
        ("sign_type", sign_type.name()),
        ("biz_content", biz_content),
    ];
    params.extend_from_slice(extra);
    let content = sign_content(params.iter().copied(), rule);
    let signature = sign::sign(alipay_key, sign_type, &charset.encode_lossy(&content));
    params.push(("sign", &signature));
    form::serialize(params, charset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::test_key;
    use crate::notify::NotifyKind;
    use crate::sign::check_content_keeping_empty;

    const TEXT: &str = "<XML><AppId>2021000000000001</AppId><FromAlipayUserId>2088102122524333</FromAlipayUserId>\
        <CreateTime>1700000000000</CreateTime><MsgType>text</MsgType><Text><Content><![CDATA[你好，支付宝]]></Content></Text>\
        <MsgId>m-1</MsgId></XML>";

    #[test]
    fn a_signed_form_opens_in_utf8_and_gbk() {
        let alipay = test_key();
        for charset in [Charset::Utf8, Charset::Gbk] {
            let body = signed_gateway_form(SERVICE_NOTIFY, TEXT, charset, SignType::Rsa2, alipay, &[]);
            let request = parse_form(&body).unwrap();
            assert_eq!(request.charset, charset);
            assert_eq!(request.service, SERVICE_NOTIFY);
            let notify = request.open(&alipay.public_key()).unwrap();
            assert_eq!(notify.kind, NotifyKind::Text { content: "你好，支付宝".into() });
        }
    }

    #[test]
    fn the_gbk_signature_is_over_gbk_bytes() {
        let alipay = test_key();
        let body = signed_gateway_form(SERVICE_NOTIFY, TEXT, Charset::Gbk, SignType::Rsa2, alipay, &[]);
        let request = parse_form(&body).unwrap();
        let content = sign_content(request.params.iter().map(|(k, v)| (k.as_str(), v.as_str())), ContentRule::V2);
        let signature = request.param("sign").unwrap();
        assert!(sign::verify(&alipay.public_key(), SignType::Rsa2, &Charset::Gbk.encode(&content).unwrap(), signature)
            .is_ok());
        assert!(
            sign::verify(&alipay.public_key(), SignType::Rsa2, content.as_bytes(), signature).is_err(),
            "the UTF-8 bytes of the same text do not verify"
        );
    }

    #[test]
    fn v1_signed_forms_verify_too_and_tampering_is_refused() {
        let alipay = test_key();
        let v1 = signed_gateway_form_with_rule(
            SERVICE_CHECK,
            TEXT,
            Charset::Utf8,
            SignType::Rsa2,
            alipay,
            &[],
            ContentRule::V1,
        );
        assert!(parse_form(&v1).unwrap().verify(&alipay.public_key()).is_ok());
        let body =
            String::from_utf8(signed_gateway_form(SERVICE_NOTIFY, TEXT, Charset::Utf8, SignType::Rsa2, alipay, &[]))
                .unwrap();
        let tampered = body.replace("2088102122524333", "2088102122524334");
        assert!(matches!(
            parse_form(tampered.as_bytes()).unwrap().open(&alipay.public_key()),
            Err(GatewayError::Signature(VerifyError::Mismatch))
        ));
        let downgraded = body.replace("sign_type=RSA2", "sign_type=RSA");
        assert_eq!(parse_form(downgraded.as_bytes()), Err(GatewayError::Sha1Refused));
        let unsigned = body.split("&sign=").next().unwrap();
        assert_eq!(
            parse_form(unsigned.as_bytes()).unwrap().verify(&alipay.public_key()),
            Err(GatewayError::Missing("sign"))
        );
    }

    #[test]
    fn a_charset_in_the_query_string_is_signed_and_decodes_the_body() {
        let alipay = test_key();
        let full = signed_gateway_form(SERVICE_NOTIFY, TEXT, Charset::Gbk, SignType::Rsa2, alipay, &[]);
        let full = String::from_utf8(full).unwrap();
        // The same signed parameters, `charset` moved to the URL.
        let body = full.replace("&charset=GBK", "");
        assert!(parse_form(body.as_bytes()).is_err(), "without the query string the GBK body is not UTF-8");
        let request = parse_form_with_query(b"charset=GBK", body.as_bytes()).unwrap();
        assert_eq!(
            request.open(&alipay.public_key()).unwrap().kind,
            NotifyKind::Text { content: "你好，支付宝".into() }
        );
    }

    #[test]
    fn a_request_signed_rsa_sha1_is_refused_even_when_its_signature_holds() {
        let alipay = test_key();
        let body = signed_gateway_form(SERVICE_NOTIFY, TEXT, Charset::Utf8, SignType::Rsa, alipay, &[]);
        let refused = parse_form(&body).unwrap_err();
        assert_eq!(refused, GatewayError::Sha1Refused);
        assert!(refused.to_string().contains("only RSA2"), "{refused}");
    }

    /// A GBK form signed over its bytes, `sign` appended percent-encoded.
    fn gbk_body_signed_over(key: &PrivateKey, value: &[u8], sent: &[u8]) -> Vec<u8> {
        let pct = |b: &[u8]| b.iter().map(|b| format!("%{b:02X}")).collect::<String>();
        let mut content = b"biz_content=".to_vec();
        content.extend_from_slice(value);
        content.extend_from_slice(format!("&charset=GBK&service={SERVICE_CHECK}&sign_type=RSA2").as_bytes());
        let signature = sign::sign(key, SignType::Rsa2, &content);
        format!(
            "service={SERVICE_CHECK}&charset=GBK&sign_type=RSA2&biz_content={}&sign={}",
            pct(sent),
            pct(signature.as_bytes())
        )
        .into_bytes()
    }

    #[test]
    fn the_signature_covers_the_bytes_sent_not_the_text_they_decode_to() {
        let alipay = test_key();
        // GBK's decoder (GB18030's) reads A2 E3 and 80 both as €, and 81 30 81 30 as U+0080,
        // which GBK's encoder writes back as `&#128;`.
        let with = |bytes: &[u8]| {
            let mut xml = b"<XML><MsgType>event</MsgType><EventType>verifygw</EventType><X>".to_vec();
            xml.extend_from_slice(bytes);
            xml.extend_from_slice(b"</X></XML>");
            xml
        };
        let (euro, euro_80) = (with(&[0xA2, 0xE3]), with(&[0x80]));
        let request = parse_form(&gbk_body_signed_over(alipay, &euro, &euro)).unwrap();
        assert!(request.param("biz_content").unwrap().contains('€'));
        assert_eq!(request.verify(&alipay.public_key()), Ok(()), "signed over the bytes sent");
        let swapped = parse_form(&gbk_body_signed_over(alipay, &euro, &euro_80)).unwrap();
        assert_eq!(swapped.param("biz_content"), request.param("biz_content"), "the same text");
        assert_eq!(
            swapped.verify(&alipay.public_key()),
            Err(GatewayError::Signature(VerifyError::Mismatch)),
            "other bytes under the same signature"
        );
        let (four, escaped) = (with(&[0x81, 0x30, 0x81, 0x30]), with(b"&#128;"));
        let request = parse_form(&gbk_body_signed_over(alipay, &four, &four)).unwrap();
        assert_eq!(request.verify(&alipay.public_key()), Ok(()), "a four-byte sequence, signed as sent");
        let swapped = parse_form(&gbk_body_signed_over(alipay, &escaped, &four)).unwrap();
        assert!(swapped.verify(&alipay.public_key()).is_err(), "the signature of its re-encoding does not hold");
    }

    #[test]
    fn an_empty_parameter_is_checked_as_the_official_sdks_check_it() {
        let alipay = test_key();
        let params = [("service", SERVICE_NOTIFY), ("sign_type", "RSA2"), ("biz_content", TEXT), ("notify_id", "")];
        let kept = check_content_keeping_empty(params, ContentRule::V2);
        assert!(kept.ends_with("&notify_id=&service=alipay.mobile.public.message.notify&sign_type=RSA2"));
        let signature = sign::sign(alipay, SignType::Rsa2, kept.as_bytes());
        let mut body = form::serialize(params, Charset::Utf8);
        body.extend_from_slice(
            format!("&sign={}", signature.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")).as_bytes(),
        );
        let request = parse_form(&body).unwrap();
        assert_eq!(request.param("notify_id"), Some(""));
        assert_eq!(request.verify(&alipay.public_key()), Ok(()));
    }

    #[test]
    fn required_parameters_are_named() {
        assert_eq!(parse_form(b"sign_type=RSA2"), Err(GatewayError::Missing("service")));
        assert_eq!(parse_form(b"service=x"), Err(GatewayError::Missing("sign_type")));
        assert!(matches!(parse_form(b"service=x&sign_type=MD5"), Err(GatewayError::SignType(_))));
    }

    #[test]
    fn answers_verify_on_the_doubles_side() {
        let app = test_key();
        for charset in [Charset::Utf8, Charset::Gbk] {
            let answer = parse_gateway_response(&verifygw_response(app, charset), &app.public_key()).unwrap();
            assert!(answer.success);
            assert_eq!(answer.biz_content, Some(app.public_key_base64()), "verifygw carries the app public key");
            assert_eq!(answer.charset, charset);
            let ack = parse_gateway_response(&notify_ack(app, charset), &app.public_key()).unwrap();
            assert!(ack.success);
            let failure =
                parse_gateway_response(&failure_response(app, charset, "VERIFY_FAILED"), &app.public_key()).unwrap();
            assert!(!failure.success);
            assert_eq!(failure.error_code.as_deref(), Some("VERIFY_FAILED"));
        }
        let notify = parse_notify(TEXT).unwrap();
        let ack = parse_gateway_response(&notify_ack_for(app, Charset::Gbk, &notify, 1_700_000_001), &app.public_key())
            .unwrap();
        assert!(ack.success);
        assert_eq!(ack.ack_to_user_id.as_deref(), Some("2088102122524333"));
        assert_eq!(ack.ack_app_id.as_deref(), Some("2021000000000001"));
    }

    #[test]
    fn a_tampered_answer_is_refused() {
        let app = test_key();
        let answer = failure_response(app, Charset::Utf8, "VERIFY_FAILED").replace("false", "true");
        assert!(matches!(parse_gateway_response(&answer, &app.public_key()), Err(GatewayError::Signature(_))));
        let unsigned = "<alipay><response><success>true</success></response></alipay>";
        assert_eq!(parse_gateway_response(unsigned, &app.public_key()), Err(GatewayError::MissingElement("sign")));
    }

    #[test]
    fn the_verifygw_answer_has_alipays_shape() {
        let app = test_key();
        let answer = verifygw_response(app, Charset::Utf8);
        let expected_start = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><alipay><response><success>true</success><biz_content>{}</biz_content></response><sign>",
            app.public_key_base64()
        );
        assert!(answer.starts_with(&expected_start), "{answer}");
        assert!(answer.ends_with("</sign><sign_type>RSA2</sign_type></alipay>"));
    }
}
