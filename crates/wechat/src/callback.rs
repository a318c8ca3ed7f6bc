//! One call for a whole POST callback: query parameters and body in, a checked message out.
//!
//! The order is: required parameters and mode, replay window, signature, decryption, parsing. A request
//! that fails any step is refused with the step's error and nothing of it should be kept.
//!
//! An account configured for safe or compatible mode refuses plaintext requests: the plain
//! `signature` covers only token, timestamp and nonce, not the body, so accepting it would let
//! anyone who saw one signed URL post any body during the replay window.

use crate::crypto::{CryptoError, KeySlot, WechatCrypto};
use crate::message::{parse_inbound, InboundMessage};
use crate::replay::{check_timestamp, ReplayError};
use crate::xml::XmlError;

/// The account's message mode, as chosen in WeChat's console (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageMode {
    /// 明文模式: plaintext bodies, `signature` only.
    Plain,
    /// 兼容模式: plaintext and ciphertext side by side; Wicket uses the ciphertext.
    Compatible,
    /// 安全模式: ciphertext only.
    Safe,
}

/// The query parameters WeChat adds to a callback URL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallbackQuery<'a> {
    pub signature: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    /// `aes` when the body is encrypted.
    pub encrypt_type: Option<&'a str>,
    pub msg_signature: Option<&'a str>,
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback URL has no {0} parameter")]
    MissingParameter(&'static str),
    #[error("the account is in safe or compatible mode but the callback is not encrypted")]
    NotEncrypted,
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the callback's message could not be read: {0}")]
    Message(#[from] XmlError),
}

/// A callback that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCallback {
    pub message: InboundMessage,
    /// The plaintext XML, to store as received.
    pub xml: String,
    /// `Some` when the callback came encrypted: a passive reply must then be sealed with this key.
    pub reply_key: Option<KeySlot>,
}

impl WechatCrypto {
    /// Checks and opens a POST callback for an account in `mode`.
    pub fn open_callback(
        &self,
        mode: MessageMode,
        query: &CallbackQuery<'_>,
        body: &[u8],
        now_unix: i64,
        replay_window_secs: u32,
    ) -> Result<OpenedCallback, CallbackError> {
        let timestamp = query.timestamp.ok_or(CallbackError::MissingParameter("timestamp"))?;
        let nonce = query.nonce.ok_or(CallbackError::MissingParameter("nonce"))?;
        let encrypted = query.encrypt_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("aes"));
        if !encrypted && mode != MessageMode::Plain {
            return Err(CallbackError::NotEncrypted);
        }
        check_timestamp(timestamp, now_unix, replay_window_secs)?;
        if encrypted {
            let msg_signature = query.msg_signature.ok_or(CallbackError::MissingParameter("msg_signature"))?;
            let opened = self.decrypt_message(msg_signature, timestamp, nonce, body)?;
            let message = parse_inbound(opened.xml.as_bytes())?;
            Ok(OpenedCallback { message, xml: opened.xml, reply_key: Some(opened.key) })
        } else {
            let signature = query.signature.ok_or(CallbackError::MissingParameter("signature"))?;
            self.verify_signature(signature, timestamp, nonce)?;
            let message = parse_inbound(body)?;
            let xml = String::from_utf8_lossy(body).into_owned();
            Ok(OpenedCallback { message, xml, reply_key: None })
        }
    }

    /// The HTTP body answering `opened` with a passive reply: sealed when the callback was.
    pub fn seal_reply(&self, opened: &OpenedCallback, reply_xml: &str, now_unix: i64, nonce: &str) -> String {
        match opened.reply_key {
            Some(key) => self.encrypt_reply(reply_xml, now_unix, nonce, key),
            None => reply_xml.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::parse_reply_envelope;
    use crate::message::{text_reply, Inbound};
    use crate::signature::signature;

    // WeChat's sample (see tests/vectors.rs): token QDG6eK, msg_signature 477715d1…, 1409659813, 1372623149.
    const SAMPLE_BODY: &str = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt></xml>";
    const NOW: i64 = 1409659813;

    fn crypto() -> WechatCrypto {
        WechatCrypto::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7").unwrap()
    }

    fn safe_query() -> CallbackQuery<'static> {
        CallbackQuery {
            signature: Some("ignored-in-safe-mode"),
            timestamp: Some("1409659813"),
            nonce: Some("1372623149"),
            encrypt_type: Some("aes"),
            msg_signature: Some("477715d11cdb4164915debcba66cb864d751f3e6"),
        }
    }

    #[test]
    fn safe_mode_callback_opens_and_the_reply_is_sealed() {
        let opened =
            crypto().open_callback(MessageMode::Safe, &safe_query(), SAMPLE_BODY.as_bytes(), NOW, 300).unwrap();
        assert_eq!(opened.message.kind, Inbound::Text { content: "hello".into() });
        assert_eq!(opened.reply_key, Some(KeySlot::Current));
        assert!(opened.xml.contains("<MsgId>4561255354251345929</MsgId>"));

        let reply = text_reply(&opened.message.from_user_name, &opened.message.to_user_name, NOW, "hi");
        let body = crypto().seal_reply(&opened, &reply, NOW, "n1");
        let envelope = parse_reply_envelope(body.as_bytes()).unwrap();
        let back = crypto().decrypt_message(&envelope.msg_signature, &NOW.to_string(), "n1", body.as_bytes()).unwrap();
        assert_eq!(back.xml, reply);
    }

    #[test]
    fn safe_mode_refuses_a_plaintext_request_even_with_a_good_signature() {
        let body = b"<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>forged</Content></xml>";
        let sig = signature("QDG6eK", "1409659813", "1372623149");
        let query = CallbackQuery {
            signature: Some(&sig),
            timestamp: Some("1409659813"),
            nonce: Some("1372623149"),
            ..Default::default()
        };
        for mode in [MessageMode::Safe, MessageMode::Compatible] {
            assert_eq!(crypto().open_callback(mode, &query, body, NOW, 300), Err(CallbackError::NotEncrypted));
        }
        let opened = crypto().open_callback(MessageMode::Plain, &query, body, NOW, 300).unwrap();
        assert_eq!(opened.message.kind, Inbound::Text { content: "forged".into() }, "plain mode accepts it");
        assert_eq!(opened.reply_key, None);
        assert_eq!(crypto().seal_reply(&opened, "success", NOW, "n"), "success", "a plain reply stays plain");
    }

    #[test]
    fn stale_missing_or_tampered_requests_are_refused() {
        let c = crypto();
        assert_eq!(
            c.open_callback(MessageMode::Safe, &safe_query(), SAMPLE_BODY.as_bytes(), NOW + 301, 300),
            Err(CallbackError::Replay(ReplayError::TooOld { age_secs: 301, window_secs: 300 }))
        );
        let no_sig = CallbackQuery { msg_signature: None, ..safe_query() };
        assert_eq!(
            c.open_callback(MessageMode::Safe, &no_sig, SAMPLE_BODY.as_bytes(), NOW, 300),
            Err(CallbackError::MissingParameter("msg_signature"))
        );
        let no_nonce = CallbackQuery { nonce: None, ..safe_query() };
        assert_eq!(
            c.open_callback(MessageMode::Safe, &no_nonce, SAMPLE_BODY.as_bytes(), NOW, 300),
            Err(CallbackError::MissingParameter("nonce"))
        );
        let tampered = SAMPLE_BODY.replace("RypEvHKD8", "RypEvHKD9");
        assert_eq!(
            c.open_callback(MessageMode::Safe, &safe_query(), tampered.as_bytes(), NOW, 300),
            Err(CallbackError::Crypto(CryptoError::SignatureMismatch))
        );
        let plain = CallbackQuery { encrypt_type: None, msg_signature: None, signature: Some("0"), ..safe_query() };
        assert_eq!(
            c.open_callback(MessageMode::Plain, &plain, b"<xml/>", NOW, 300),
            Err(CallbackError::Crypto(CryptoError::SignatureMismatch))
        );
    }
}
