//! An Alipay application-gateway POST as the server receives it: the input is the form body,
//! read with `parse_form` and opened with a fixed Alipay public key (a published test key of
//! the Java SDK; its 1024-bit one, because RSA under coverage instrumentation dominates the
//! time of a run and the signing rule does not depend on the key's size). Nothing panics and
//! what is accepted is consistent (within the size limit, signed, its notify is what its
//! biz_content reads as). A text notify made from the input, signed by `signed_gateway_form`
//! (UTF-8 and GBK, RSA2 and RSA, V2 and V1), opens to the same notify; one changed character of
//! any signed parameter, or one flipped bit of the signature, is refused; and a signed body over
//! `MAX_BODY_BYTES` is refused before anything is read.
//!
//! The same bytes also go through the notify reader (the form's biz_content, unsigned: a notify
//! read is written back alike), the gateway-answer and OpenAPI-answer readers, and the query
//! string reader (the first line as the gateway URL's query string).

#![no_main]

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use wicket_alipay::form::FormError;
use wicket_alipay::gateway::{signed_gateway_form_with_rule, SERVICE_NOTIFY};
use wicket_alipay::{
    notify_xml, open_request, parse_form, parse_form_with_query, parse_gateway_response, parse_notify, verify_response,
    Charset, ContentRule, GatewayError, GatewayRequest, Notify, NotifyKind, PrivateKey, PublicKey, SignType,
    MAX_BODY_BYTES,
};

/// alipay/alipay-sdk-java-all's src/test/resources/fixture/privateKey.json (read at
/// 72e688789a2e), "DevLoadTest": bare base64 PKCS#8, 1024 bits.
const KEY: &str = "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAKUkTROQQ/FMtYXn6nWHzawNbRQSbF3rGhTGiCm+M2pxrGBfW6WI0D3VQLW8G7eb+6Xs2+FPp/+FO3MuYpbpNsDp3fSwXU/WjcEx8HBS43WO6Fr+5/STxbles+OB/Pyak29Z/IErjJK/kd7H/oCWg6DJLaw+6lXsadZgel8iJBrdAgMBAAECgYBTm5laOkPrusZ8UPonHuZGIVYEP3+V3R2LPyhY2e72CS8Ya67ek/G6HGlymRX/U32Id+6ql8WaXD3JBsbrWI9bMP8Bg34o966+uurZL6hEnF08Xgz7gQ7sO00/K6WJHO+F98DQfODQG11cZ5QR5kDejA7twAQfqKyHnDSWFEhhAQJBAPKX4p6CaaKywE+0V0NuC8k3YSLDZL+mmToMW9Fzjq6OfzpseCTe6Kzm0uzX3jkIXnV6L2cta65Uu48OGnWUENECQQCuRKmVLN10VA5rV6A/UHgmJs0lfcWTC7v6m+goPrTqkFmVjqzrwbeO6DdtCCGXU4iXrbu/X5dHhlXKI1LlDUxNAkBxznFA/VtDOWpgufDKMGEVF4bZQSMNicGOaufUPcrs9uqW5PYEDhLHsk23UJnu1Y9Cu3xrgfJnSVboCKy/BiRRAkAcl9V/TXI0gQowoJsBaHGeSOWGDkHZo6Y/M09/MvK6Pd8FA/jpYcp9Xyqg8CGa07Doui/A8a0/phHzbaJPRMRNAkEApoXZ3ys8LmBbMvECjFA7wbgQAfTRYyXJcY8Gv3wJW1RN9+VwdDakrf1LLXmB21BNDRYi9RrJ9p4VlDkvady6Bg==";

fn keys() -> &'static (PrivateKey, PublicKey) {
    static KEYS: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = PrivateKey::parse_with_min_bits(KEY, 1024).expect("the Java SDK's test key reads");
        let public = key.public_key();
        (key, public)
    })
}

/// The body as it arrived: whatever it holds, nothing panics, and what opens is consistent.
fn open_as_given(public: &PublicKey, data: &[u8]) {
    let Ok(request) = parse_form(data) else { return };
    assert!(data.len() <= MAX_BODY_BYTES, "a form read is within the limit");
    // Mutated biz_content rarely keeps its signature: read it unsigned too, so the XML reader
    // sees what the mutations make of the seeds' notifies.
    if let Some(biz) = request.param("biz_content") {
        if let Ok(notify) = parse_notify(biz) {
            assert_eq!(parse_notify(&notify_xml(&notify)), Ok(notify), "a notify read is written back alike");
        }
    }
    let Ok(notify) = request.open(public) else { return };
    assert!(request.param("sign").is_some_and(|s| !s.is_empty()), "an opened request was signed");
    let biz = request.param("biz_content").expect("an opened request has a biz_content");
    assert_eq!(parse_notify(biz).as_ref(), Ok(&notify), "the notify is what its biz_content reads as");
}

/// The other readers, with the input as text.
fn read_as_text(public: &PublicKey, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = parse_notify(&text);
    let _ = parse_gateway_response(&text, public);
    let _ = verify_response(&text, "alipay.open.public.message.custom.send", public, SignType::Rsa2);
    let _ = open_request(data, |_| Some(public.clone()));
    // The first line as a gateway URL's query string, the rest as the body.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    if let Ok(request) = parse_form_with_query(&data[..split], data.get(split + 1..).unwrap_or_default()) {
        let _ = request.open(public);
    }
}

fn seed(data: &[u8]) -> usize {
    data.iter().fold(17usize, |acc, &b| acc.wrapping_mul(31).wrapping_add(usize::from(b)))
}

/// The text a notify made from the input carries in `charset`: XML reads a carriage return as a
/// line feed (Alipay's text never holds a bare one), and GBK has no emoji.
fn content_for(data: &[u8], charset: Charset) -> String {
    let text = String::from_utf8_lossy(data).replace('\r', "");
    match charset {
        Charset::Utf8 => text,
        Charset::Gbk => text.chars().filter(|c| Charset::Gbk.encode(c.encode_utf8(&mut [0; 4])).is_ok()).collect(),
    }
}

/// A text notify from the input, signed as Alipay would, opens to itself; tampering is refused.
fn round_trip(key: &PrivateKey, public: &PublicKey, data: &[u8]) {
    let s = seed(data) / 4;
    let charset = if s & 1 == 0 { Charset::Utf8 } else { Charset::Gbk };
    let sign_type = if s & 2 == 0 { SignType::Rsa2 } else { SignType::Rsa };
    let rule = if s & 4 == 0 { ContentRule::V2 } else { ContentRule::V1 };
    let notify = Notify {
        app_id: "2019091767145019".into(),
        from_user_id: "2088102122524333".into(),
        create_time: Some(i64::from(u32::from_le_bytes([s as u8, (s >> 8) as u8, 3, 0]))),
        msg_id: Some(format!("{:016}", s % 10_000_000_000_000_000)),
        user_info: None,
        kind: NotifyKind::Text { content: content_for(data, charset) },
    };
    let biz = notify_xml(&notify);
    let extra = [("notify_id", "2019081500222155624068450559358070")];
    let body = signed_gateway_form_with_rule(SERVICE_NOTIFY, &biz, charset, sign_type, key, &extra, rule);
    let opened = parse_form(&body).and_then(|r| r.open(public).map(|n| (r, n)));
    if sign_type == SignType::Rsa && body.len() <= MAX_BODY_BYTES {
        assert_eq!(opened.map(|(_, n)| n), Err(GatewayError::Sha1Refused), "RSA (SHA-1) is refused");
        return;
    }
    if body.len() > MAX_BODY_BYTES {
        assert_eq!(
            opened.map(|(_, n)| n),
            Err(GatewayError::Form(FormError::TooLarge { len: body.len(), max: MAX_BODY_BYTES })),
            "a signed body over the limit is refused"
        );
        return;
    }
    let (request, got) = match opened {
        Ok(opened) => opened,
        Err(GatewayError::Notify(refused)) => {
            assert!(biz.len() > wicket_alipay::xml::MAX_XML_BYTES, "a notify Wicket wrote was refused: {refused}");
            return;
        }
        Err(refused) => {
            panic!("a form signed with the key was refused ({charset:?}, {sign_type:?}, {rule:?}): {refused}")
        }
    };
    assert_eq!(got, notify, "the same notify comes out ({charset:?})");
    assert_eq!(request.charset, charset);
    assert_eq!(request.sign_type, sign_type);

    // One signed parameter with one character changed: refused.
    let signed: Vec<usize> = (0..request.params.len())
        .filter(|&i| request.params[i].0 != "sign" && !(rule == ContentRule::V1 && request.params[i].0 == "sign_type"))
        .collect();
    let mut changed = request.clone();
    let at = signed[s % signed.len()];
    let value = &mut changed.params[at].1;
    let chars: Vec<char> = value.chars().collect();
    *value = if chars.is_empty() {
        "a".to_owned()
    } else {
        let i = (s / 7) % chars.len();
        let mut chars = chars;
        chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        chars.into_iter().collect()
    };
    let name = changed.params[at].0.clone();
    assert!(resent(&changed).and_then(|r| r.verify(public)).is_err(), "a changed {name} was accepted");

    // One flipped bit of the signature: refused.
    let mut tampered = request.clone();
    let sign = tampered.params.iter_mut().find(|(k, _)| k == "sign").expect("signed");
    let mut raw = STANDARD.decode(&sign.1).expect("base64");
    let bit = s % (raw.len() * 8);
    raw[bit / 8] ^= 1 << (bit % 8);
    sign.1 = STANDARD.encode(raw);
    assert!(tampered.verify(public).is_err(), "a signature with bit {bit} flipped was accepted");
}

/// The request sent again with its parameters as they are now: the signature covers the bytes
/// a body carries, so a changed parameter has to travel in a body to be checked. (A changed
/// `charset` may name no charset: then the form itself is refused.)
fn resent(request: &GatewayRequest) -> Result<GatewayRequest, GatewayError> {
    let params = request.params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    parse_form(&wicket_alipay::form::serialize(params, request.charset))
}

/// A properly signed body padded over the limit is refused as too large.
fn oversized(key: &PrivateKey, data: &[u8]) {
    let padding = "a".repeat(MAX_BODY_BYTES + data.len() % 64);
    let extra = [("padding", padding.as_str())];
    let biz = "<XML><MsgType>event</MsgType><EventType>verifygw</EventType></XML>";
    let body = signed_gateway_form_with_rule(
        "alipay.service.check",
        biz,
        Charset::Utf8,
        SignType::Rsa2,
        key,
        &extra,
        ContentRule::V2,
    );
    assert_eq!(
        parse_form(&body),
        Err(GatewayError::Form(FormError::TooLarge { len: body.len(), max: MAX_BODY_BYTES }))
    );
}

fuzz_target!(|data: &[u8]| {
    let (key, public) = keys();
    open_as_given(public, data);
    read_as_text(public, data);
    // Signing under coverage instrumentation is slow: a quarter of the inputs make a notify,
    // so the parsers see four times as many.
    if seed(data) % 4 == 0 {
        round_trip(key, public, data);
    }
    if data.len() % 64 == 7 {
        oversized(key, data);
    }
});
