//! WeChat's request signatures: SHA-1 over the lexicographically sorted parts, concatenated.
//!
//! - `signature` (GET verification and every plain-mode POST): parts = token, timestamp, nonce.
//! - `msg_signature` (safe and compatible mode): parts = token, timestamp, nonce, Encrypt.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// Lower-case hex SHA-1 of the parts sorted byte-wise and joined without separator.
pub fn sorted_sha1_hex(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha1::new();
    for part in sorted {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The `signature` WeChat puts on GET verification and plain-mode POSTs.
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sorted_sha1_hex(&[token, timestamp, nonce])
}

/// The `msg_signature` of safe and compatible mode (also the `MsgSignature` of a reply envelope).
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    sorted_sha1_hex(&[token, timestamp, nonce, encrypt])
}

/// Compares a received hex signature with the expected one in constant time.
/// Upper-case hex is accepted (WeChat sends lower case; some proxies rewrite it).
pub fn signatures_match(expected_lower_hex: &str, received: &str) -> bool {
    if received.len() != expected_lower_hex.len() {
        return false;
    }
    let received = received.to_ascii_lowercase();
    expected_lower_hex.as_bytes().ct_eq(received.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The official docs' worked example for plain mode: Token "AAAAA", timestamp 1714037059,
    /// nonce 486452656, sorted to "1714037059486452656AAAAA".
    /// Source: https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md (接入指引, 明文模式).
    #[test]
    fn official_docs_plain_mode_signature() {
        assert_eq!(
            signature("AAAAA", "1714037059", "486452656"),
            "899cf89e464efb63f54ddac96b0a0a235f53aa78",
            "the docs' worked example signs the sorted token, timestamp and nonce"
        );
    }

    /// silenceper/wechat util/signature_test.go: Signature("a", "b", "c") == sha1("abc").
    #[test]
    fn silenceper_signature_of_abc() {
        assert_eq!(sorted_sha1_hex(&["c", "a", "b"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn sorting_is_bytewise_not_numeric() {
        // "10" < "9" byte-wise; a numeric sort would put 9 first.
        assert_eq!(sorted_sha1_hex(&["9", "10"]), sorted_sha1_hex(&["10", "9"]));
        assert_eq!(sorted_sha1_hex(&["9", "10"]), hex::encode(Sha1::digest(b"109")));
    }

    #[test]
    fn match_requires_same_length_and_content() {
        let good = signature("AAAAA", "1714037059", "486452656");
        assert!(signatures_match(&good, &good));
        assert!(signatures_match(&good, &good.to_ascii_uppercase()), "hex case does not matter");
        assert!(!signatures_match(&good, &good[..39]), "a truncated signature is refused");
        assert!(!signatures_match(&good, ""), "an empty signature is refused");
        let mut flipped = good.clone().into_bytes();
        flipped[39] = if flipped[39] == b'0' { b'1' } else { b'0' };
        assert!(!signatures_match(&good, std::str::from_utf8(&flipped).unwrap()));
    }
}
