//! A WeChat callback as the server receives it: the input is split into the
//! account's mode, the URL's query parameters and the body, and opened with
//! WeChat's sample account at a fixed `now`. Nothing panics; an accepted
//! callback is consistent (encrypted exactly when a reply key is given, its
//! message is what its XML parses to); bodies over the size limit are refused
//! even when properly signed; and a text message derived from the input,
//! sealed with the crate's own encryption and signed, opens to the same
//! message, while one flipped byte of its ciphertext or signature is refused.
//!
//! Input layout (text seeds stay readable): line 1 the mode (`plain`,
//! `compatible`, `safe`, anything else is plain), then one line each for
//! `signature`, `timestamp`, `nonce`, `encrypt_type` and `msg_signature`
//! (`~` for absent), then the body.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wicket_wechat::signature::{msg_signature, signature};
use wicket_wechat::{
    parse_inbound, text_reply, CallbackError, CallbackQuery, CryptoError, Inbound, KeySlot, MessageMode, WechatCrypto,
    XmlError, MAX_BODY_BYTES, MAX_XML_BYTES,
};

// WeChat's sample account (its documentation's safe-mode example).
const TOKEN: &str = "QDG6eK";
const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const APP_ID: &str = "wx5823bf96d3bd56c7";
const NOW: i64 = 1409659813;
const TIMESTAMP: &str = "1409659813";
const NONCE: &str = "1372623149";
const WINDOW: u32 = 300;

fn split(data: &[u8]) -> (MessageMode, [Option<&str>; 5], &[u8]) {
    let mut rest = data;
    let mut line = || {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let (head, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or_default();
        head
    };
    let mode = match line() {
        b"safe" => MessageMode::Safe,
        b"compatible" => MessageMode::Compatible,
        _ => MessageMode::Plain,
    };
    let mut params = [None; 5];
    for param in &mut params {
        let raw = line();
        *param = match std::str::from_utf8(raw) {
            Ok("~") | Err(_) => None,
            Ok(text) => Some(text),
        };
    }
    (mode, params, rest)
}

/// The callback as it arrived: whatever it gives, it never panics, and what it accepts is consistent.
fn open_as_given(crypto: &WechatCrypto, data: &[u8]) {
    let (mode, [signature, timestamp, nonce, encrypt_type, msg_signature], body) = split(data);
    let query = CallbackQuery { signature, timestamp, nonce, encrypt_type, msg_signature };
    let Ok(opened) = crypto.open_callback(mode, &query, body, NOW, WINDOW) else {
        return;
    };
    let encrypted = encrypt_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("aes"));
    assert!(encrypted || mode == MessageMode::Plain, "safe and compatible modes accept only encrypted callbacks");
    assert_eq!(opened.reply_key.is_some(), encrypted, "a reply key exactly when the callback was encrypted");
    assert!(body.len() <= MAX_BODY_BYTES, "an accepted body is within the limit");
    assert!(opened.xml.len() <= MAX_XML_BYTES, "an accepted message is within the limit");
    assert_eq!(
        parse_inbound(opened.xml.as_bytes()).as_ref(),
        Ok(&opened.message),
        "the message is what its XML reads as"
    );
}

/// The safe-mode body WeChat would post for `encrypt`.
fn envelope(encrypt: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{APP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
}

fn safe_query(msg_signature: &str) -> CallbackQuery<'_> {
    CallbackQuery {
        signature: None,
        timestamp: Some(TIMESTAMP),
        nonce: Some(NONCE),
        encrypt_type: Some("aes"),
        msg_signature: Some(msg_signature),
    }
}

/// A text message whose content is taken from the input, sealed and signed as WeChat would.
fn round_trip(crypto: &WechatCrypto, data: &[u8]) {
    let mut random = [0u8; 16];
    for (slot, byte) in random.iter_mut().zip(data.iter().rev()) {
        *slot = *byte;
    }
    // XML reads a carriage return as a line feed: WeChat's text never holds a bare one.
    let content = String::from_utf8_lossy(data).replace('\r', "");
    let xml = text_reply(APP_ID, "oia2TjjewbmiOUlr6X-1crbLOvLw", NOW, &content);
    let encrypt = crypto.encrypt_with_random(&xml, KeySlot::Current, random);
    let signed = msg_signature(TOKEN, TIMESTAMP, NONCE, &encrypt);
    let body = envelope(&encrypt);

    let opened = crypto.open_callback(MessageMode::Safe, &safe_query(&signed), body.as_bytes(), NOW, WINDOW);
    if xml.len() > MAX_XML_BYTES {
        assert_eq!(
            opened,
            Err(CallbackError::Crypto(CryptoError::Envelope(XmlError::TooLarge {
                len: xml.len(),
                max: MAX_XML_BYTES
            }))),
            "a message over the limit is refused"
        );
        return;
    }
    let opened = opened.expect("a message sealed and signed with the account's key opens");
    assert_eq!(opened.xml, xml, "the same XML comes out");
    assert_eq!(opened.reply_key, Some(KeySlot::Current));
    assert_eq!(opened.message.kind, Inbound::Text { content: content.clone() }, "the same text comes out");
    assert_eq!(opened.message.from_user_name, "oia2TjjewbmiOUlr6X-1crbLOvLw");
    assert_eq!(opened.message.create_time, NOW);
    for mode in [MessageMode::Compatible, MessageMode::Plain] {
        let again = crypto.open_callback(mode, &safe_query(&signed), body.as_bytes(), NOW, WINDOW);
        assert_eq!(again.as_ref(), Ok(&opened), "an encrypted callback opens alike in every mode");
    }

    // The same text escaped instead of in CDATA, posted in plain mode: the same message, except
    // that text of whitespace only is layout without CDATA.
    let escaped = content.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let plain_xml = xml.replacen(
        &format!("<Content><![CDATA[{}]]></Content>", content.replace("]]>", "]]]]><![CDATA[>")),
        &format!("<Content>{escaped}</Content>"),
        1,
    );
    let plain_sig = signature(TOKEN, TIMESTAMP, NONCE);
    let plain_query = CallbackQuery {
        signature: Some(&plain_sig),
        timestamp: Some(TIMESTAMP),
        nonce: Some(NONCE),
        ..Default::default()
    };
    match crypto.open_callback(MessageMode::Plain, &plain_query, plain_xml.as_bytes(), NOW, WINDOW) {
        Ok(plain) => {
            let expected = if content.chars().all(char::is_whitespace) { String::new() } else { content.clone() };
            assert_eq!(plain.message.kind, Inbound::Text { content: expected }, "escaped text reads as written");
        }
        Err(refused) => assert!(plain_xml.len() > MAX_XML_BYTES, "escaped text was refused: {refused}"),
    }

    // One flipped byte of the Encrypt value, under the original signature: refused.
    let seed = data.iter().fold(0usize, |acc, &b| acc.wrapping_mul(31).wrapping_add(usize::from(b)));
    let mask = data.first().copied().unwrap_or(1).max(1);
    let mut flipped = encrypt.clone().into_bytes();
    let at = seed % flipped.len();
    flipped[at] ^= mask;
    let flipped_body = {
        let mut b = envelope("").into_bytes();
        let cut = b.len() - "]]></Encrypt></xml>".len();
        b.splice(cut..cut, flipped);
        b
    };
    let tampered = crypto.open_callback(MessageMode::Safe, &safe_query(&signed), &flipped_body, NOW, WINDOW);
    assert!(tampered.is_err(), "a flipped ciphertext byte at {at} (^{mask:#04x}) was accepted: {tampered:?}");

    // One flipped byte of the signature: refused, except an ASCII case change, which is the same hex.
    let mut sig = signed.clone().into_bytes();
    let at = seed % sig.len();
    sig[at] ^= mask;
    let same_hex = sig.to_ascii_lowercase() == signed.as_bytes();
    let sig = String::from_utf8_lossy(&sig).into_owned();
    let tampered = crypto.open_callback(MessageMode::Safe, &safe_query(&sig), body.as_bytes(), NOW, WINDOW);
    if same_hex {
        assert_eq!(tampered.as_ref(), Ok(&opened), "upper-case hex is the same signature");
    } else {
        assert_eq!(
            tampered,
            Err(CallbackError::Crypto(CryptoError::SignatureMismatch)),
            "a flipped signature byte at {at} (^{mask:#04x})"
        );
    }
}

/// Properly signed bodies over the limits are refused before anything is read.
fn oversized(crypto: &WechatCrypto, data: &[u8]) {
    let encrypt = crypto.encrypt_with_random("<xml/>", KeySlot::Current, [7; 16]);
    let signed = msg_signature(TOKEN, TIMESTAMP, NONCE, &encrypt);
    let mut body = envelope(&encrypt).into_bytes();
    let extra = MAX_BODY_BYTES + 1 - body.len() + data.len() % 64;
    body.splice(5..5, std::iter::repeat_n(b' ', extra));
    assert!(body.len() > MAX_BODY_BYTES);
    let refused = crypto.open_callback(MessageMode::Safe, &safe_query(&signed), &body, NOW, WINDOW);
    assert_eq!(
        refused,
        Err(CallbackError::Crypto(CryptoError::Envelope(XmlError::TooLarge { len: body.len(), max: MAX_BODY_BYTES })))
    );

    let plain_sig = signature(TOKEN, TIMESTAMP, NONCE);
    let query = CallbackQuery {
        signature: Some(&plain_sig),
        timestamp: Some(TIMESTAMP),
        nonce: Some(NONCE),
        ..Default::default()
    };
    let mut body = b"<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content></Content></xml>".to_vec();
    let extra = MAX_XML_BYTES + 1 - body.len() + data.len() % 64;
    body.splice(5..5, std::iter::repeat_n(b' ', extra));
    let refused = crypto.open_callback(MessageMode::Plain, &query, &body, NOW, WINDOW);
    assert_eq!(refused, Err(CallbackError::Message(XmlError::TooLarge { len: body.len(), max: MAX_XML_BYTES })));
}

fuzz_target!(|data: &[u8]| {
    let crypto = WechatCrypto::new(TOKEN, KEY, APP_ID).expect("the sample account's key is valid");
    open_as_given(&crypto, data);
    round_trip(&crypto, data);
    if data.len().is_multiple_of(16) {
        oversized(&crypto, data);
    }
    wicket_wechat::fuzz_callback(data);
});
