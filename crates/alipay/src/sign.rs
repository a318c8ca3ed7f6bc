//! Alipay's signature rule: the parameters sorted by name, empty ones left out, joined as
//! `k=v&k=v` with raw (not URL-encoded) values, signed RSA PKCS#1 v1.5 and sent as base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::Pkcs1v15Sign;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::keys::{PrivateKey, PublicKey};

/// The `sign_type` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignType {
    /// `RSA2`: SHA256withRSA, what Alipay asks of every current application.
    #[default]
    Rsa2,
    /// `RSA`: SHA1withRSA, the legacy type.
    Rsa,
}

/// A `sign_type` that is neither `RSA2` nor `RSA`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sign type {0:?} is not one Alipay uses (RSA2 or RSA)")]
pub struct UnknownSignType(pub String);

impl SignType {
    pub fn from_name(name: &str) -> Result<SignType, UnknownSignType> {
        match name.trim().to_ascii_uppercase().as_str() {
            "RSA2" => Ok(SignType::Rsa2),
            "RSA" => Ok(SignType::Rsa),
            _ => Err(UnknownSignType(name.chars().take(16).collect())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SignType::Rsa2 => "RSA2",
            SignType::Rsa => "RSA",
        }
    }
}

/// Which parameters the signed content leaves out (AlipaySignature.getSignCheckContentV1/V2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentRule {
    /// Leaves out `sign` and `sign_type`: payment notifications, the legacy gateway.
    V1,
    /// Leaves out only `sign`: OpenAPI requests and the current application gateway.
    V2,
}

/// Why a signature was refused. Never carries the signature or the content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature is empty")]
    Empty,
    #[error("the signature is not base64")]
    NotBase64,
    #[error("the signature does not match the content and Alipay's public key")]
    Mismatch,
}

/// The content to sign: sorted by name (byte order), empty names and values left out, `k=v&k=v`.
pub fn sign_content<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>, rule: ContentRule) -> String {
    content(params, rule, false)
}

/// As [`sign_content`], empty values kept as `k=`: the check content of the official SDKs
/// (AlipaySignature.getSignCheckContentV1/V2, the Node SDK's checkNotifySign) keeps them, while
/// the signing rule and yansongda/pay leave them out; a gateway request is checked both ways.
pub fn check_content_keeping_empty<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    rule: ContentRule,
) -> String {
    content(params, rule, true)
}

fn content<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>, rule: ContentRule, keep_empty: bool) -> String {
    let mut kept: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(k, v)| !k.is_empty() && (keep_empty || !v.is_empty()))
        .filter(|(k, _)| *k != "sign" && !(rule == ContentRule::V1 && *k == "sign_type"))
        .collect();
    kept.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::new();
    for (i, (k, v)) in kept.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The check content built from the bytes a request carried (each value percent-decoded, never
/// decoded and re-encoded), so the bytes checked are exactly the bytes sent: sorted by name
/// (byte order), `sign` (and for V1 `sign_type`) left out, empty values kept when `keep_empty`.
pub fn check_content_bytes<'a>(
    params: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    rule: ContentRule,
    keep_empty: bool,
) -> Vec<u8> {
    let mut kept: Vec<(&[u8], &[u8])> = params
        .into_iter()
        .filter(|(k, v)| !k.is_empty() && (keep_empty || !v.is_empty()))
        .filter(|(k, _)| *k != b"sign" && !(rule == ContentRule::V1 && *k == b"sign_type"))
        .collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for (i, (k, v)) in kept.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

fn padding_and_digest(sign_type: SignType, content: &[u8]) -> (Pkcs1v15Sign, Vec<u8>) {
    match sign_type {
        SignType::Rsa2 => (Pkcs1v15Sign::new::<Sha256>(), Sha256::digest(content).to_vec()),
        SignType::Rsa => (Pkcs1v15Sign::new::<Sha1>(), Sha1::digest(content).to_vec()),
    }
}

/// Signs `content` (already in the request's charset) and returns the base64 signature.
/// PKCS#1 v1.5 is deterministic: the same key and content always give the same signature.
#[allow(
    clippy::expect_used,
    reason = "PKCS#1 v1.5 fails only when the digest does not fit the key; keys are checked to be 1024 bits or more"
)]
pub fn sign(key: &PrivateKey, sign_type: SignType, content: &[u8]) -> String {
    let (padding, digest) = padding_and_digest(sign_type, content);
    // Blinded, so the time taken does not depend on the key.
    let signature = key
        .inner
        .sign_with_rng(&mut rand::thread_rng(), padding, &digest)
        .expect("a validated key of at least 1024 bits signs any SHA-256 or SHA-1 digest");
    STANDARD.encode(signature)
}

/// Checks a base64 signature over `content` (already in the request's charset).
pub fn verify(key: &PublicKey, sign_type: SignType, content: &[u8], signature_b64: &str) -> Result<(), VerifyError> {
    if signature_b64.is_empty() {
        return Err(VerifyError::Empty);
    }
    let signature = STANDARD.decode(signature_b64.as_bytes()).map_err(|_| VerifyError::NotBase64)?;
    let (padding, digest) = padding_and_digest(sign_type, content);
    key.inner.verify(padding, &digest, &signature).map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::test_key;

    #[test]
    fn content_is_sorted_without_empty_values_and_without_sign() {
        let params = [("b", "2"), ("sign", "xx"), ("a", "1"), ("sign_type", "RSA2"), ("c", ""), ("A", "0")];
        assert_eq!(sign_content(params, ContentRule::V2), "A=0&a=1&b=2&sign_type=RSA2");
        assert_eq!(sign_content(params, ContentRule::V1), "A=0&a=1&b=2");
        assert_eq!(check_content_keeping_empty(params, ContentRule::V1), "A=0&a=1&b=2&c=");
    }

    #[test]
    fn values_are_raw_not_url_encoded() {
        let params = [("biz_content", "{\"a\":\"x y&z=中\"}"), ("timestamp", "2014-07-24 03:07:50")];
        assert_eq!(
            sign_content(params, ContentRule::V2),
            "biz_content={\"a\":\"x y&z=中\"}&timestamp=2014-07-24 03:07:50"
        );
    }

    #[test]
    fn a_signature_verifies_and_any_change_is_refused() {
        let key = test_key();
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            let sig = sign(key, sign_type, b"a=1&b=2");
            assert_eq!(sig, sign(key, sign_type, b"a=1&b=2"), "PKCS#1 v1.5 is deterministic");
            assert_eq!(verify(&key.public_key(), sign_type, b"a=1&b=2", &sig), Ok(()));
            assert_eq!(verify(&key.public_key(), sign_type, b"a=1&b=3", &sig), Err(VerifyError::Mismatch));
            let other = if sign_type == SignType::Rsa2 { SignType::Rsa } else { SignType::Rsa2 };
            assert_eq!(verify(&key.public_key(), other, b"a=1&b=2", &sig), Err(VerifyError::Mismatch));
        }
        assert_eq!(verify(&key.public_key(), SignType::Rsa2, b"x", ""), Err(VerifyError::Empty));
        assert_eq!(verify(&key.public_key(), SignType::Rsa2, b"x", "not base64!"), Err(VerifyError::NotBase64));
        assert_eq!(verify(&key.public_key(), SignType::Rsa2, b"x", "AAAA"), Err(VerifyError::Mismatch));
    }

    #[test]
    fn sign_type_names() {
        assert_eq!(SignType::from_name("RSA2"), Ok(SignType::Rsa2));
        assert_eq!(SignType::from_name("rsa"), Ok(SignType::Rsa));
        assert!(SignType::from_name("SM2").is_err());
        assert_eq!(SignType::Rsa2.name(), "RSA2");
    }
}
