//! Safe mode (消息加解密): WeChat's AES-256-CBC envelope around callback and reply XML.
//!
//! - AESKey = Base64_Decode(EncodingAESKey + "="): 43 characters become 32 bytes; IV = AESKey[..16].
//! - plaintext = random(16) ‖ len(msg) as u32 big-endian ‖ msg ‖ AppID, PKCS#7-padded to 32-byte blocks.
//! - `Encrypt` = base64(ciphertext); `msg_signature` = sha1(sort(token, timestamp, nonce, Encrypt)).
//!
//! The signature is checked before anything is decrypted, so a forged body never reaches the
//! cipher (and padding errors cannot be used as an oracle).

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use rand::Rng;

use crate::signature::{msg_signature, signature, signatures_match};
use crate::xml::{self, parse_fields, XmlError, MAX_BODY_BYTES, MAX_XML_BYTES};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// WeChat's keys are 43 characters, so the last one carries 2 bits that the 32-byte key drops;
/// they are rarely zero, and a strict decoder would refuse most real keys.
const KEY_ENGINE: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

const RANDOM_LEN: usize = 16;
const PAD_BLOCK: usize = 32;
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Why an EncodingAESKey was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the EncodingAESKey has {0} characters; WeChat's keys have exactly 43")]
    WrongLength(usize),
    #[error("the EncodingAESKey may hold only letters a-z, A-Z and digits 0-9")]
    NotAlphanumeric,
}

/// Why a callback was refused or a ciphertext could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the signature does not match this account's Token")]
    SignatureMismatch,
    #[error("the encrypted envelope could not be read: {0}")]
    Envelope(#[from] XmlError),
    #[error("the Encrypt field is not valid base64")]
    Base64,
    #[error("the ciphertext is {0} bytes, not a non-empty multiple of the 16-byte AES block")]
    CiphertextLength(usize),
    #[error("the decrypted data has invalid PKCS#7 padding (wrong EncodingAESKey?)")]
    Padding,
    #[error("the decrypted data declares a {declared}-byte message but holds only {available} bytes")]
    MessageLength { declared: usize, available: usize },
    #[error("the message is addressed to AppID {found:?}, not this account's")]
    AppIdMismatch { found: String },
    #[error("the decrypted message is not UTF-8")]
    NotUtf8,
}

/// Which EncodingAESKey opened a message (and so must seal the passive reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    Current,
    Previous,
}

/// A decrypted callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    /// The message XML, as WeChat encrypted it.
    pub xml: String,
    /// The key that opened it; encrypt the passive reply with the same one.
    pub key: KeySlot,
    random: [u8; RANDOM_LEN],
}

impl Decrypted {
    /// The 16 random bytes WeChat put before the message (kept for tests that re-encrypt a vector).
    pub fn random_prefix(&self) -> [u8; RANDOM_LEN] {
        self.random
    }
}

/// The parts of an opened ciphertext.
struct Opened {
    random: [u8; RANDOM_LEN],
    msg: Vec<u8>,
    app_id: Vec<u8>,
}

/// A parsed EncodingAESKey: the 32-byte AES key.
#[derive(Clone, PartialEq, Eq)]
struct AesKey([u8; 32]);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(<redacted>)")
    }
}

impl AesKey {
    fn parse(encoding_aes_key: &str) -> Result<Self, KeyError> {
        let trimmed = encoding_aes_key.trim();
        let count = trimmed.chars().count();
        if count != 43 {
            return Err(KeyError::WrongLength(count));
        }
        if !trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(KeyError::NotAlphanumeric);
        }
        let mut padded = String::with_capacity(44);
        padded.push_str(trimmed);
        padded.push('=');
        let bytes = KEY_ENGINE.decode(padded).map_err(|_| KeyError::NotAlphanumeric)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::WrongLength(count))?;
        Ok(Self(key))
    }

    fn iv(&self) -> &[u8] {
        &self.0[..16]
    }

    fn seal(&self, random: &[u8; RANDOM_LEN], msg: &[u8], app_id: &[u8]) -> Vec<u8> {
        let mut buf = Vec::with_capacity(RANDOM_LEN + 4 + msg.len() + app_id.len() + PAD_BLOCK);
        buf.extend_from_slice(random);
        buf.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(app_id);
        let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
        buf.resize(buf.len() + pad, pad as u8);
        let mut enc = Aes256CbcEnc::new(GenericArray::from_slice(&self.0), GenericArray::from_slice(self.iv()));
        for block in buf.chunks_exact_mut(16) {
            enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        buf
    }

    fn open(&self, ciphertext: &[u8]) -> Result<Opened, CryptoError> {
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
            return Err(CryptoError::CiphertextLength(ciphertext.len()));
        }
        let mut buf = ciphertext.to_vec();
        let mut dec = Aes256CbcDec::new(GenericArray::from_slice(&self.0), GenericArray::from_slice(self.iv()));
        for block in buf.chunks_exact_mut(16) {
            dec.decrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        let pad = usize::from(buf[buf.len() - 1]);
        if pad == 0
            || pad > PAD_BLOCK
            || pad > buf.len()
            || !buf[buf.len() - pad..].iter().all(|&b| usize::from(b) == pad)
        {
            return Err(CryptoError::Padding);
        }
        buf.truncate(buf.len() - pad);
        if buf.len() < RANDOM_LEN + 4 {
            return Err(CryptoError::MessageLength { declared: 0, available: buf.len().saturating_sub(RANDOM_LEN) });
        }
        let mut random = [0u8; RANDOM_LEN];
        random.copy_from_slice(&buf[..RANDOM_LEN]);
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(&buf[RANDOM_LEN..RANDOM_LEN + 4]);
        let declared = u32::from_be_bytes(len_bytes) as usize;
        let rest = &buf[RANDOM_LEN + 4..];
        if declared > rest.len() {
            return Err(CryptoError::MessageLength { declared, available: rest.len() });
        }
        Ok(Opened { random, msg: rest[..declared].to_vec(), app_id: rest[declared..].to_vec() })
    }
}

/// One official account's callback security: its Token, AppID and EncodingAESKey (and the
/// previous EncodingAESKey during a rotation).
///
/// ```
/// use wicket_wechat::{WechatCrypto, KeySlot};
/// let crypto = WechatCrypto::new("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6")?;
/// let sealed = crypto.encrypt_reply("<xml><Content><![CDATA[hi]]></Content></xml>", 1409304348, "xxxxxx", KeySlot::Current);
/// let envelope = wicket_wechat::parse_reply_envelope(sealed.as_bytes())?;
/// let opened = crypto.decrypt_message(&envelope.msg_signature, "1409304348", "xxxxxx", sealed.as_bytes())?;
/// assert_eq!(opened.xml, "<xml><Content><![CDATA[hi]]></Content></xml>");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WechatCrypto {
    token: String,
    app_id: String,
    current: AesKey,
    previous: Option<AesKey>,
}

impl std::fmt::Debug for WechatCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatCrypto")
            .field("app_id", &self.app_id)
            .field("token", &"<redacted>")
            .field("keys", &if self.previous.is_some() { "<current and previous>" } else { "<current>" })
            .finish()
    }
}

impl WechatCrypto {
    /// Builds the account's crypto from the values pasted in WeChat's console.
    pub fn new(token: &str, encoding_aes_key: &str, app_id: &str) -> Result<Self, KeyError> {
        Ok(Self {
            token: token.to_owned(),
            app_id: app_id.to_owned(),
            current: AesKey::parse(encoding_aes_key)?,
            previous: None,
        })
    }

    /// Keeps the EncodingAESKey that was replaced, so messages sealed with it still open.
    pub fn with_previous_key(mut self, encoding_aes_key: &str) -> Result<Self, KeyError> {
        self.previous = Some(AesKey::parse(encoding_aes_key)?);
        Ok(self)
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// Checks the `signature` query parameter of a GET verification or a plain-mode POST.
    pub fn verify_signature(&self, signature_param: &str, timestamp: &str, nonce: &str) -> Result<(), CryptoError> {
        if signatures_match(&signature(&self.token, timestamp, nonce), signature_param) {
            Ok(())
        } else {
            Err(CryptoError::SignatureMismatch)
        }
    }

    /// The GET verification: on a good signature the answer is `echostr`, unchanged.
    pub fn verify_url<'a>(
        &self,
        signature_param: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &'a str,
    ) -> Result<&'a str, CryptoError> {
        self.verify_signature(signature_param, timestamp, nonce)?;
        Ok(echostr)
    }

    /// Opens a safe- or compatible-mode POST body: reads the envelope, checks `msg_signature`,
    /// decrypts with the current key and then the previous one, and checks the AppID.
    pub fn decrypt_message(
        &self,
        msg_signature_param: &str,
        timestamp: &str,
        nonce: &str,
        body: &[u8],
    ) -> Result<Decrypted, CryptoError> {
        let envelope = parse_envelope(body)?;
        self.decrypt_encrypted(msg_signature_param, timestamp, nonce, &envelope.encrypt)
    }

    /// Like [`decrypt_message`](Self::decrypt_message), given the `Encrypt` value itself.
    pub fn decrypt_encrypted(
        &self,
        msg_signature_param: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<Decrypted, CryptoError> {
        let expected = msg_signature(&self.token, timestamp, nonce, encrypt);
        if !signatures_match(&expected, msg_signature_param) {
            return Err(CryptoError::SignatureMismatch);
        }
        self.decrypt_unsigned(encrypt)
    }

    /// Decrypts an `Encrypt` value whose signature the caller has already checked.
    pub fn decrypt_unsigned(&self, encrypt: &str) -> Result<Decrypted, CryptoError> {
        let ciphertext = STANDARD.decode(encrypt.trim()).map_err(|_| CryptoError::Base64)?;
        match self.open_with(&self.current, &ciphertext) {
            Ok((random, xml)) => Ok(Decrypted { xml, key: KeySlot::Current, random }),
            Err(first) => match &self.previous {
                Some(previous) => match self.open_with(previous, &ciphertext) {
                    Ok((random, xml)) => Ok(Decrypted { xml, key: KeySlot::Previous, random }),
                    Err(_) => Err(first),
                },
                None => Err(first),
            },
        }
    }

    fn open_with(&self, key: &AesKey, ciphertext: &[u8]) -> Result<([u8; RANDOM_LEN], String), CryptoError> {
        let Opened { random, msg, app_id } = key.open(ciphertext)?;
        if app_id != self.app_id.as_bytes() {
            let found: String = String::from_utf8_lossy(&app_id).chars().take(64).collect();
            return Err(CryptoError::AppIdMismatch { found });
        }
        if msg.len() > MAX_XML_BYTES {
            return Err(CryptoError::Envelope(XmlError::TooLarge { len: msg.len(), max: MAX_XML_BYTES }));
        }
        let xml = String::from_utf8(msg).map_err(|_| CryptoError::NotUtf8)?;
        Ok((random, xml))
    }

    fn key(&self, slot: KeySlot) -> &AesKey {
        match (slot, &self.previous) {
            (KeySlot::Previous, Some(previous)) => previous,
            _ => &self.current,
        }
    }

    /// The `Encrypt` value for `msg` with the given random prefix (byte-exact, for tests and vectors).
    pub fn encrypt_with_random(&self, msg: &str, key: KeySlot, random: [u8; RANDOM_LEN]) -> String {
        STANDARD.encode(self.key(key).seal(&random, msg.as_bytes(), self.app_id.as_bytes()))
    }

    /// The reply envelope for a passive reply, with a fresh random prefix.
    pub fn encrypt_reply(&self, reply_xml: &str, timestamp: i64, nonce: &str, key: KeySlot) -> String {
        let mut rng = rand::thread_rng();
        let mut random = [0u8; RANDOM_LEN];
        for byte in &mut random {
            *byte = ALPHANUMERIC[rng.gen_range(0..ALPHANUMERIC.len())];
        }
        self.encrypt_reply_with_random(reply_xml, timestamp, nonce, key, random)
    }

    /// The reply envelope with a given random prefix:
    /// `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`, laid out as WeChat's sample code does.
    pub fn encrypt_reply_with_random(
        &self,
        reply_xml: &str,
        timestamp: i64,
        nonce: &str,
        key: KeySlot,
        random: [u8; RANDOM_LEN],
    ) -> String {
        let encrypt = self.encrypt_with_random(reply_xml, key, random);
        let timestamp = timestamp.to_string();
        let signature = msg_signature(&self.token, &timestamp, nonce, &encrypt);
        let mut out = String::with_capacity(encrypt.len() + 200);
        out.push_str("<xml>\n");
        xml::push_cdata(&mut out, "Encrypt", &encrypt);
        out.push('\n');
        xml::push_cdata(&mut out, "MsgSignature", &signature);
        out.push('\n');
        xml::push_text(&mut out, "TimeStamp", &timestamp);
        out.push('\n');
        xml::push_cdata(&mut out, "Nonce", nonce);
        out.push_str("\n</xml>");
        out
    }
}

/// The body of a safe- or compatible-mode POST: `<xml><ToUserName/><Encrypt/></xml>`
/// (compatible mode adds the plaintext fields beside them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub to_user_name: Option<String>,
    pub encrypt: String,
}

/// Reads the encrypted envelope of a callback body.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, XmlError> {
    let fields = parse_fields(body, MAX_BODY_BYTES)?;
    let encrypt = fields.require("Encrypt")?.trim().to_owned();
    if encrypt.is_empty() {
        return Err(XmlError::MissingField("Encrypt"));
    }
    Ok(Envelope { to_user_name: fields.opt("ToUserName"), encrypt })
}

/// A reply envelope as Wicket sends it (and as the WeChat double reads it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyEnvelope {
    pub encrypt: String,
    pub msg_signature: String,
    pub timestamp: String,
    pub nonce: String,
}

/// Reads a reply envelope (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`).
pub fn parse_reply_envelope(body: &[u8]) -> Result<ReplyEnvelope, XmlError> {
    let fields = parse_fields(body, MAX_BODY_BYTES)?;
    Ok(ReplyEnvelope {
        encrypt: fields.require("Encrypt")?.trim().to_owned(),
        msg_signature: fields.require("MsgSignature")?.trim().to_owned(),
        timestamp: fields.require("TimeStamp")?.trim().to_owned(),
        nonce: fields.require("Nonce")?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const OTHER_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    fn crypto() -> WechatCrypto {
        WechatCrypto::new("pamtest", KEY, "wxb11529c136998cb6").unwrap()
    }

    #[test]
    fn key_is_base64_of_the_43_characters_plus_padding() {
        // 43 characters carry 258 bits; the last character's 2 spare bits are dropped, not refused.
        let key = AesKey::parse(KEY).unwrap();
        assert_eq!(key.0.to_vec(), STANDARD.decode("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFE=").unwrap());
        assert!(AesKey::parse(OTHER_KEY).is_ok(), "a key whose last character has spare bits set is accepted");
        assert_eq!(AesKey::parse(&KEY[..42]), Err(KeyError::WrongLength(42)));
        assert_eq!(AesKey::parse("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+"), Err(KeyError::NotAlphanumeric));
        assert!(AesKey::parse(&format!(" {KEY}\n")).is_ok(), "whitespace around a pasted key is ignored");
    }

    #[test]
    fn padding_fills_to_32_byte_blocks() {
        let key = AesKey::parse(KEY).unwrap();
        // 16 + 4 + 0 + 18 = 38 bytes -> 64 bytes (pad 26); 16 + 4 + 12 + 0 = 32 -> 64 (a whole block of 32).
        assert_eq!(key.seal(&[0; 16], b"", b"wxb11529c136998cb6").len(), 64);
        assert_eq!(key.seal(&[0; 16], b"123456789012", b"").len(), 64);
    }

    #[test]
    fn round_trip_with_previous_key_reports_the_slot() {
        let old = WechatCrypto::new("pamtest", OTHER_KEY, "wxb11529c136998cb6").unwrap();
        let sealed = old.encrypt_reply("<xml>old</xml>", 1, "n", KeySlot::Current);
        let env = parse_reply_envelope(sealed.as_bytes()).unwrap();

        let rotated = crypto();
        assert_eq!(
            rotated.decrypt_message(&env.msg_signature, "1", "n", sealed.as_bytes()),
            Err(CryptoError::Padding),
            "without the previous key, a message sealed with it does not open"
        );
        let rotated = rotated.with_previous_key(OTHER_KEY).unwrap();
        let opened = rotated.decrypt_message(&env.msg_signature, "1", "n", sealed.as_bytes()).unwrap();
        assert_eq!(opened.xml, "<xml>old</xml>");
        assert_eq!(opened.key, KeySlot::Previous);

        // The reply goes out under the key that opened the message.
        let reply = rotated.encrypt_reply("<xml>r</xml>", 2, "m", opened.key);
        let env = parse_reply_envelope(reply.as_bytes()).unwrap();
        assert_eq!(old.decrypt_message(&env.msg_signature, "2", "m", reply.as_bytes()).unwrap().xml, "<xml>r</xml>");
    }

    #[test]
    fn errors_are_precise() {
        let c = crypto();
        let good = c.encrypt_with_random("<xml/>", KeySlot::Current, *b"aaaabbbbccccdddd");

        assert_eq!(c.decrypt_unsigned("not base64!"), Err(CryptoError::Base64));
        assert_eq!(c.decrypt_unsigned(&STANDARD.encode([0u8; 15])), Err(CryptoError::CiphertextLength(15)));
        assert_eq!(c.decrypt_unsigned(""), Err(CryptoError::CiphertextLength(0)));

        let other_app = WechatCrypto::new("pamtest", KEY, "wx0000000000000000").unwrap();
        assert_eq!(
            other_app.decrypt_unsigned(&good),
            Err(CryptoError::AppIdMismatch { found: "wxb11529c136998cb6".into() })
        );

        // A plaintext whose length field claims more than it holds.
        let key = AesKey::parse(KEY).unwrap();
        let mut plain = Vec::new();
        plain.extend_from_slice(b"aaaabbbbccccdddd");
        plain.extend_from_slice(&1000u32.to_be_bytes());
        plain.extend_from_slice(b"<xml/>");
        plain.resize(32, 32 - 26);
        let mut bytes = plain.clone();
        let mut enc = Aes256CbcEnc::new(GenericArray::from_slice(&key.0), GenericArray::from_slice(key.iv()));
        for block in bytes.chunks_exact_mut(16) {
            enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
        }
        assert_eq!(
            c.decrypt_unsigned(&STANDARD.encode(&bytes)),
            Err(CryptoError::MessageLength { declared: 1000, available: 6 })
        );

        // A tampered last block breaks the padding.
        let mut raw = STANDARD.decode(&good).unwrap();
        let n = raw.len();
        raw[n - 17] ^= 0x01;
        assert_eq!(c.decrypt_unsigned(&STANDARD.encode(&raw)), Err(CryptoError::Padding));
    }

    #[test]
    fn signature_is_checked_before_decryption() {
        let c = crypto();
        let sealed = c.encrypt_reply("<xml/>", 1409304348, "xxxxxx", KeySlot::Current);
        assert_eq!(
            c.decrypt_message("0000000000000000000000000000000000000000", "1409304348", "xxxxxx", sealed.as_bytes()),
            Err(CryptoError::SignatureMismatch)
        );
        let env = parse_reply_envelope(sealed.as_bytes()).unwrap();
        assert_eq!(
            c.decrypt_message(&env.msg_signature, "1409304349", "xxxxxx", sealed.as_bytes()),
            Err(CryptoError::SignatureMismatch),
            "the timestamp is part of the signature"
        );
        assert_eq!(c.verify_url(&signature("pamtest", "1", "2"), "1", "2", "echo"), Ok("echo"));
        assert_eq!(c.verify_url(&signature("other", "1", "2"), "1", "2", "echo"), Err(CryptoError::SignatureMismatch));
    }

    #[test]
    fn envelope_without_encrypt_is_refused() {
        assert_eq!(parse_envelope(b"<xml><ToUserName>a</ToUserName></xml>"), Err(XmlError::MissingField("Encrypt")));
        assert_eq!(
            parse_envelope(b"<xml><Encrypt><![CDATA[]]></Encrypt></xml>"),
            Err(XmlError::MissingField("Encrypt"))
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let shown = format!("{:?}", crypto());
        assert!(!shown.contains("pamtest"), "the token is not printed: {shown}");
        assert!(shown.contains("wxb11529c136998cb6"));
    }

    #[test]
    fn random_prefix_is_alphanumeric_and_fresh() {
        let c = crypto();
        let a = c
            .decrypt_unsigned(
                &parse_reply_envelope(c.encrypt_reply("<xml/>", 1, "n", KeySlot::Current).as_bytes()).unwrap().encrypt,
            )
            .unwrap();
        let b = c
            .decrypt_unsigned(
                &parse_reply_envelope(c.encrypt_reply("<xml/>", 1, "n", KeySlot::Current).as_bytes()).unwrap().encrypt,
            )
            .unwrap();
        assert!(a.random_prefix().iter().all(u8::is_ascii_alphanumeric));
        assert_ne!(a.random_prefix(), b.random_prefix(), "two replies do not share a prefix");
    }
}
