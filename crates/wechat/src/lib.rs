//! WeChat official-account (公众号 / 服务号) callback protocol, with no I/O and no server code.
//!
//! The server's WeChat adapter, the WeChat double and the fuzz targets all use this crate.
//!
//! # One callback
//! ```
//! use wicket_wechat::{text_reply, CallbackQuery, Inbound, MessageMode, WechatCrypto, DEFAULT_REPLAY_WINDOW_SECS};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // From the account's settings (Token, EncodingAESKey, AppID); `.with_previous_key(..)` during a rotation.
//! let crypto = WechatCrypto::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")?;
//! # let now = 1409659813;
//! # let body = br#"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"#;
//!
//! // GET verification: answer `echostr` unchanged when `signature` matches.
//! # let sig = wicket_wechat::signature::signature("QDG6eK", "1409659813", "1372623149");
//! assert_eq!(crypto.verify_url(&sig, "1409659813", "1372623149", "echo")?, "echo");
//!
//! // POST: replay window, signature (msg_signature in safe mode), AES and AppID, then the XML.
//! let query = CallbackQuery {
//!     timestamp: Some("1409659813"),
//!     nonce: Some("1372623149"),
//!     encrypt_type: Some("aes"),
//!     msg_signature: Some("477715d11cdb4164915debcba66cb864d751f3e6"),
//!     ..Default::default()
//! };
//! let opened = crypto.open_callback(MessageMode::Safe, &query, body, now, DEFAULT_REPLAY_WINDOW_SECS)?;
//! assert_eq!(opened.message.dedup_key(), "msg:4561255354251345929"); // store once, under this key
//! let answer = match &opened.message.kind {
//!     // A passive reply is sealed with the key that opened the callback.
//!     Inbound::Text { content } => {
//!         let reply = text_reply(&opened.message.from_user_name, &opened.message.to_user_name, now, content);
//!         crypto.seal_reply(&opened, &reply, now, "a-fresh-nonce")
//!     }
//!     _ => wicket_wechat::EMPTY_REPLY.to_owned(), // "success": received, no passive reply
//! };
//! # assert!(answer.contains("<MsgSignature>"));
//! # Ok(()) }
//! ```
//!
//! The pieces are public too: [`signature`] (SHA-1 signatures, constant-time comparison),
//! [`crypto`] (AES envelope, [`WechatCrypto::decrypt_message`], [`WechatCrypto::encrypt_reply`]),
//! [`replay`] ([`check_timestamp`]), [`message`] ([`parse_inbound`], [`text_reply`]) and [`xml`]
//! (the bounded reader: size limit, no DOCTYPE, no entity expansion).
//!
//! Every refusal is a typed error ([`CryptoError`], [`XmlError`], [`ReplayError`], [`KeyError`])
//! whose message says what was wrong without echoing secrets.

pub mod callback;
pub mod crypto;
pub mod message;
pub mod replay;
pub mod signature;
pub mod xml;

pub use callback::{CallbackError, CallbackQuery, MessageMode, OpenedCallback};
pub use crypto::{
    parse_envelope, parse_reply_envelope, CryptoError, Decrypted, Envelope, KeyError, KeySlot, ReplyEnvelope,
    WechatCrypto,
};
pub use message::{
    news_reply, parse_inbound, text_reply, Event, Inbound, InboundMessage, ScanCode, SelectedLocation, SentPictures,
    EMPTY_REPLY,
};
pub use replay::{check_timestamp, ReplayError, DEFAULT_REPLAY_WINDOW_SECS};
pub use xml::{XmlError, MAX_BODY_BYTES, MAX_XML_BYTES};

/// Entry point for fuzzing the callback path with arbitrary bytes. It must never panic; it also
/// checks that sealing the input and opening it again gives the input back.
#[allow(clippy::expect_used, reason = "a fuzz property: one that fails must stop the fuzzer with its words")]
pub fn fuzz_callback(data: &[u8]) {
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    let Ok(crypto) = WechatCrypto::new("pamtest", KEY, "wxb11529c136998cb6") else {
        return;
    };
    let _ = parse_inbound(data);
    if let Ok(envelope) = parse_envelope(data) {
        let _ = crypto.decrypt_unsigned(&envelope.encrypt);
    }
    let query = CallbackQuery {
        signature: Some("0"),
        timestamp: Some("1409304348"),
        nonce: Some("xxxxxx"),
        encrypt_type: None,
        msg_signature: None,
    };
    let _ = crypto.open_callback(MessageMode::Plain, &query, data, 1409304348, DEFAULT_REPLAY_WINDOW_SECS);
    let text = String::from_utf8_lossy(data);
    let _ = crypto.decrypt_unsigned(&text);
    // Measured after the lossy conversion: each invalid byte becomes three.
    if text.len() <= MAX_XML_BYTES {
        let sealed = crypto.encrypt_reply(&text, 1409304348, "xxxxxx", KeySlot::Current);
        let envelope = parse_reply_envelope(sealed.as_bytes()).expect("a reply envelope Wicket wrote is readable");
        let opened = crypto
            .decrypt_message(&envelope.msg_signature, "1409304348", "xxxxxx", sealed.as_bytes())
            .expect("a reply Wicket sealed opens again");
        assert_eq!(opened.xml, text, "sealing and opening returns the same message");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_entry_point_survives_hostile_inputs() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"\xff\xfe\x00",
            b"<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>",
            b"<xml><Encrypt>jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==</Encrypt></xml>",
            b"<!DOCTYPE x [<!ENTITY a \"b\">]><xml>&a;</xml>",
            b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>99999999999999999999</CreateTime><MsgType>text</MsgType></xml>",
            b"<xml><MsgType>event</MsgType><Event>CLICK</Event>",
            b"]]><![CDATA[",
        ];
        for input in inputs {
            fuzz_callback(input);
        }
    }

    #[test]
    fn fuzz_entry_point_measures_the_text_it_seals() {
        // Within the limit as bytes, three times over it as text once each byte becomes U+FFFD.
        fuzz_callback(&[0xff; MAX_XML_BYTES / 2]);
    }
}
