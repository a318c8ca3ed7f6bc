//! The two charsets Alipay speaks. Signatures are computed over the bytes in the request's
//! charset, so text is encoded before hashing, never hashed as UTF-8 by accident.

use std::borrow::Cow;

/// The `charset` parameter of a request: `UTF-8`, or `GBK` (the 2014 服务窗's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Charset {
    #[default]
    Utf8,
    Gbk,
}

/// A charset name that is not one of Alipay's, or text that does not fit the charset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharsetError {
    #[error("the charset {0:?} is not one Alipay uses (UTF-8 or GBK)")]
    Unknown(String),
    #[error("the text has characters that {0} cannot represent")]
    Unencodable(&'static str),
    #[error("the bytes are not valid {0}")]
    Malformed(&'static str),
}

impl Charset {
    /// Reads a `charset` parameter, ignoring case; `gb2312` is read as GBK, its superset.
    pub fn from_name(name: &str) -> Result<Charset, CharsetError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Charset::Utf8),
            "gbk" | "gb2312" => Ok(Charset::Gbk),
            _ => Err(CharsetError::Unknown(name.chars().take(32).collect())),
        }
    }

    /// The name Alipay's SDKs send: `UTF-8` or `GBK`.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Gbk => "GBK",
        }
    }

    /// The text's bytes in this charset; refuses characters GBK lacks (emoji, for one).
    pub fn encode(self, text: &str) -> Result<Vec<u8>, CharsetError> {
        match self {
            Charset::Utf8 => Ok(text.as_bytes().to_vec()),
            Charset::Gbk => {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
                if unmappable {
                    return Err(CharsetError::Unencodable(self.name()));
                }
                Ok(bytes.into_owned())
            }
        }
    }

    /// The text's bytes in this charset, characters GBK lacks written as `&#NNNN;` (what
    /// browsers and encoding_rs do). Used where the same bytes are both signed and sent.
    pub fn encode_lossy(self, text: &str) -> Cow<'_, [u8]> {
        match self {
            Charset::Utf8 => Cow::Borrowed(text.as_bytes()),
            Charset::Gbk => encoding_rs::GBK.encode(text).0,
        }
    }

    /// The text these bytes hold; refuses bytes that are not valid in this charset.
    pub fn decode(self, bytes: &[u8]) -> Result<String, CharsetError> {
        let decoded = match self {
            Charset::Utf8 => encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(bytes),
            Charset::Gbk => encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes),
        };
        decoded.map(Cow::into_owned).ok_or(CharsetError::Malformed(self.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_without_regard_to_case() {
        assert_eq!(Charset::from_name("utf-8"), Ok(Charset::Utf8));
        assert_eq!(Charset::from_name("UTF8"), Ok(Charset::Utf8));
        assert_eq!(Charset::from_name("GBK"), Ok(Charset::Gbk));
        assert_eq!(Charset::from_name("gb2312"), Ok(Charset::Gbk));
        assert_eq!(Charset::from_name("latin1"), Err(CharsetError::Unknown("latin1".into())));
    }

    #[test]
    fn gbk_round_trips_chinese_and_refuses_what_it_lacks() {
        let bytes = Charset::Gbk.encode("支付宝 abc").unwrap();
        assert_eq!(bytes, b"\xd6\xa7\xb8\xb6\xb1\xa6 abc", "GBK bytes of 支付宝");
        assert_eq!(Charset::Gbk.decode(&bytes).unwrap(), "支付宝 abc");
        assert_eq!(Charset::Gbk.encode("😀"), Err(CharsetError::Unencodable("GBK")));
        assert_eq!(&*Charset::Gbk.encode_lossy("a😀"), b"a&#128512;");
        assert_eq!(Charset::Utf8.decode(b"\xd6\xd0"), Err(CharsetError::Malformed("UTF-8")));
        assert_eq!(Charset::Gbk.decode(b"\xd6"), Err(CharsetError::Malformed("GBK")), "a truncated pair");
    }
}
