//! RSA keys as merchants paste them: Alipay's key tool exports bare base64 (PKCS#8 for Java,
//! PKCS#1 for the other languages), OpenSSL writes PEM; both are accepted.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

/// Smallest modulus accepted: Alipay's RSA2 keys are 2048 bits.
pub const MIN_BITS: usize = 2048;
/// Largest modulus accepted, so a hostile key cannot make every verification slow.
pub const MAX_BITS: usize = 4096;
/// Below this nothing is accepted, not even by [`PrivateKey::parse_with_min_bits`].
const FLOOR_BITS: usize = 1024;

/// Why a key was refused. Never carries the key's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty")]
    Empty,
    #[error("the key is neither PEM nor base64")]
    NotBase64,
    #[error("the PEM block is not closed by its END line")]
    UnclosedPem,
    #[error("the PEM block holds a {0}, not an RSA key")]
    UnsupportedPem(String),
    #[error("the private key is encrypted with a password; export it without one")]
    Encrypted,
    #[error("the key decodes but is not an RSA key in PKCS#1 or PKCS#8 form")]
    NotRsa,
    #[error("this is a public key where the private key is expected")]
    PublicNotPrivate,
    #[error("this is a private key where a public key is expected; paste only the public key")]
    PrivateNotPublic,
    #[error("the RSA key is not consistent (its numbers do not form a valid key)")]
    Invalid,
    #[error("the key is {bits} bits; Alipay's RSA2 keys are at least {min}")]
    TooShort { bits: usize, min: usize },
    #[error("the key is {bits} bits, more than the {max} accepted")]
    TooLong { bits: usize, max: usize },
}

impl KeyError {
    /// A stable name for the kind of refusal, for an issue key per kind (`alipay.key.{kind}`):
    /// the message above is English, and the console speaks the staff's language.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyError::Empty => "empty",
            KeyError::NotBase64 => "not_base64",
            KeyError::UnclosedPem => "unclosed_pem",
            KeyError::UnsupportedPem(_) => "unsupported_pem",
            KeyError::Encrypted => "encrypted",
            KeyError::NotRsa => "not_rsa",
            KeyError::PublicNotPrivate => "public_not_private",
            KeyError::PrivateNotPublic => "private_not_public",
            KeyError::Invalid => "inconsistent",
            KeyError::TooShort { .. } => "too_short",
            KeyError::TooLong { .. } => "too_long",
        }
    }
}

/// An RSA private key (the application's, or the double's stand-in for Alipay's).
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    pub(crate) inner: RsaPrivateKey,
}

/// An RSA public key (Alipay's, or the application's as uploaded to Alipay).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) inner: RsaPublicKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey(RSA {} bits)", self.bits())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(RSA {} bits)", self.bits())
    }
}

/// What a pasted key text holds: DER bytes, and the PEM label when it was PEM.
struct Decoded {
    label: Option<String>,
    der: Vec<u8>,
}

fn decode_text(text: &str) -> Result<Decoded, KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let (label, rest) = rest.split_once("-----").ok_or(KeyError::UnclosedPem)?;
        let end = format!("-----END {label}-----");
        let (body, _) = rest.split_once(&end).ok_or(KeyError::UnclosedPem)?;
        // Headers such as `Proc-Type: 4,ENCRYPTED` mark OpenSSL's legacy encrypted keys.
        if body.contains(':') {
            return Err(KeyError::Encrypted);
        }
        let der = base64_body(body)?;
        return Ok(Decoded { label: Some(label.to_owned()), der });
    }
    Ok(Decoded { label: None, der: base64_body(text)? })
}

fn base64_body(body: &str) -> Result<Vec<u8>, KeyError> {
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(KeyError::Empty);
    }
    STANDARD.decode(compact.as_bytes()).map_err(|_| KeyError::NotBase64)
}

fn check_bits(bits: usize, min: usize) -> Result<(), KeyError> {
    if bits < min {
        return Err(KeyError::TooShort { bits, min });
    }
    if bits > MAX_BITS {
        return Err(KeyError::TooLong { bits, max: MAX_BITS });
    }
    Ok(())
}

fn public_from_der(der: &[u8]) -> Option<RsaPublicKey> {
    RsaPublicKey::from_public_key_der(der).or_else(|_| RsaPublicKey::from_pkcs1_der(der)).ok()
}

fn private_from_der(der: &[u8]) -> Option<RsaPrivateKey> {
    RsaPrivateKey::from_pkcs8_der(der).or_else(|_| RsaPrivateKey::from_pkcs1_der(der)).ok()
}

impl PrivateKey {
    /// Reads a private key: PEM (`RSA PRIVATE KEY` or `PRIVATE KEY`) or bare base64 of either DER form.
    pub fn parse(text: &str) -> Result<PrivateKey, KeyError> {
        Self::parse_with_min_bits(text, MIN_BITS)
    }

    /// As [`PrivateKey::parse`] with another minimum size, for legacy 1024-bit `RSA` keys and
    /// published test vectors. Nothing under 1024 bits is accepted.
    pub fn parse_with_min_bits(text: &str, min_bits: usize) -> Result<PrivateKey, KeyError> {
        let decoded = decode_text(text)?;
        match decoded.label.as_deref() {
            None | Some("RSA PRIVATE KEY" | "PRIVATE KEY") => {}
            Some("ENCRYPTED PRIVATE KEY") => return Err(KeyError::Encrypted),
            Some("PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE") => return Err(KeyError::PublicNotPrivate),
            Some(other) => return Err(KeyError::UnsupportedPem(truncate(other))),
        }
        let Some(inner) = private_from_der(&decoded.der) else {
            if public_from_der(&decoded.der).is_some() {
                return Err(KeyError::PublicNotPrivate);
            }
            return Err(KeyError::NotRsa);
        };
        // Size first: validating a huge key is itself slow.
        check_bits(inner.n().bits(), min_bits.max(FLOOR_BITS))?;
        inner.validate().map_err(|_| KeyError::Invalid)?;
        Ok(PrivateKey { inner })
    }

    /// The matching public key as bare base64 SubjectPublicKeyInfo: what the merchant uploads to
    /// Alipay and what the gateway check answers with.
    pub fn public_key_base64(&self) -> String {
        self.public_key().to_base64()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey { inner: self.inner.to_public_key() }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.n().bits()
    }
}

impl PublicKey {
    /// Reads a public key: PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or bare base64 of either DER form.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        Self::parse_with_min_bits(text, MIN_BITS)
    }

    /// As [`PublicKey::parse`] with another minimum size (see [`PrivateKey::parse_with_min_bits`]).
    pub fn parse_with_min_bits(text: &str, min_bits: usize) -> Result<PublicKey, KeyError> {
        let decoded = decode_text(text)?;
        match decoded.label.as_deref() {
            None | Some("PUBLIC KEY" | "RSA PUBLIC KEY") => {}
            Some("RSA PRIVATE KEY" | "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY") => {
                return Err(KeyError::PrivateNotPublic)
            }
            Some(other) => return Err(KeyError::UnsupportedPem(truncate(other))),
        }
        let Some(inner) = public_from_der(&decoded.der) else {
            if private_from_der(&decoded.der).is_some() {
                return Err(KeyError::PrivateNotPublic);
            }
            return Err(KeyError::NotRsa);
        };
        check_bits(inner.n().bits(), min_bits.max(FLOOR_BITS))?;
        Ok(PublicKey { inner })
    }

    /// A short fingerprint that names the key without showing any of it: the first 8 hex
    /// digits of the SHA-256 of its SubjectPublicKeyInfo DER.
    #[allow(
        clippy::expect_used,
        reason = "SPKI DER of an RSA public key is two integers in fixed ASN.1: it always encodes"
    )]
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let der = self.inner.to_public_key_der().expect("an RSA public key always encodes as SPKI");
        Sha256::digest(der.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect()
    }

    /// Bare base64 of the SubjectPublicKeyInfo DER, as Alipay's console shows keys.
    #[allow(
        clippy::expect_used,
        reason = "SPKI DER of an RSA public key is two integers in fixed ASN.1: it always encodes"
    )]
    pub fn to_base64(&self) -> String {
        let der = self.inner.to_public_key_der().expect("an RSA public key always encodes as SPKI");
        STANDARD.encode(der.as_bytes())
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.n().bits()
    }
}

fn truncate(label: &str) -> String {
    label.chars().take(40).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    use std::sync::OnceLock;

    /// One 2048-bit key for the crate's unit tests, generated once per test binary.
    pub(crate) fn test_key() -> &'static PrivateKey {
        static KEY: OnceLock<PrivateKey> = OnceLock::new();
        KEY.get_or_init(|| {
            let inner = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("key generation");
            PrivateKey { inner }
        })
    }

    #[test]
    fn reads_pkcs1_and_pkcs8_as_pem_and_as_bare_base64() {
        let key = test_key();
        let pkcs1 = key.inner.to_pkcs1_pem(LineEnding::LF).unwrap();
        let pkcs8 = key.inner.to_pkcs8_pem(LineEnding::CRLF).unwrap();
        let pkcs1_bare = STANDARD.encode(key.inner.to_pkcs1_der().unwrap().as_bytes());
        let pkcs8_bare = STANDARD.encode(key.inner.to_pkcs8_der().unwrap().as_bytes());
        for text in [pkcs1.as_str(), pkcs8.as_str(), &pkcs1_bare, &pkcs8_bare, &format!("  {pkcs8_bare}\n")] {
            assert_eq!(&PrivateKey::parse(text).unwrap(), key, "every export form reads as the same key");
        }
    }

    #[test]
    fn reads_public_keys_in_spki_and_pkcs1() {
        let public = test_key().public_key();
        let spki_pem = public.inner.to_public_key_pem(LineEnding::LF).unwrap();
        let pkcs1_pem = public.inner.to_pkcs1_pem(LineEnding::LF).unwrap();
        let bare = test_key().public_key_base64();
        for text in [spki_pem.as_str(), pkcs1_pem.as_str(), bare.as_str()] {
            assert_eq!(PublicKey::parse(text).unwrap(), public);
        }
        assert_eq!(PublicKey::parse(&bare).unwrap().to_base64(), bare, "base64 round-trips");
    }

    #[test]
    fn the_wrong_kind_of_key_is_named() {
        let key = test_key();
        let public = key.public_key_base64();
        let private = STANDARD.encode(key.inner.to_pkcs8_der().unwrap().as_bytes());
        assert_eq!(PrivateKey::parse(&public), Err(KeyError::PublicNotPrivate));
        assert_eq!(PublicKey::parse(&private), Err(KeyError::PrivateNotPublic));
        let pem = key.public_key().inner.to_public_key_pem(LineEnding::LF).unwrap();
        assert_eq!(PrivateKey::parse(&pem), Err(KeyError::PublicNotPrivate));
    }

    #[test]
    fn malformed_text_is_refused_with_the_reason() {
        assert_eq!(PrivateKey::parse("  "), Err(KeyError::Empty));
        assert_eq!(PrivateKey::parse("not a key!"), Err(KeyError::NotBase64));
        assert_eq!(PrivateKey::parse("aGVsbG8gd29ybGQ="), Err(KeyError::NotRsa));
        assert_eq!(PrivateKey::parse("-----BEGIN PRIVATE KEY-----\nMIIB"), Err(KeyError::UnclosedPem));
        assert_eq!(
            PrivateKey::parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----"),
            Err(KeyError::Encrypted)
        );
        assert_eq!(
            PrivateKey::parse("-----BEGIN EC PRIVATE KEY-----\nMIIB\n-----END EC PRIVATE KEY-----"),
            Err(KeyError::UnsupportedPem("EC PRIVATE KEY".into()))
        );
    }

    #[test]
    fn short_keys_are_refused_unless_asked_for() {
        let small = RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
        let text = STANDARD.encode(small.to_pkcs8_der().unwrap().as_bytes());
        assert_eq!(PrivateKey::parse(&text), Err(KeyError::TooShort { bits: 1024, min: 2048 }));
        assert_eq!(PrivateKey::parse_with_min_bits(&text, 1024).unwrap().bits(), 1024);
        assert_eq!(PrivateKey::parse_with_min_bits(&text, 512).unwrap().bits(), 1024, "1024 is the floor");
    }

    #[test]
    fn neither_debug_nor_errors_show_key_material() {
        let key = test_key();
        let bare = key.public_key_base64();
        assert_eq!(format!("{key:?}"), "PrivateKey(RSA 2048 bits)");
        assert_eq!(format!("{:?}", key.public_key()), "PublicKey(RSA 2048 bits)");
        let err = PrivateKey::parse(&bare).unwrap_err().to_string();
        assert!(!err.contains(&bare[..20]), "the error does not echo the key: {err}");
    }
}
