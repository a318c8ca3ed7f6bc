//! `application/x-www-form-urlencoded` read as bytes: values are percent-decoded first and then
//! decoded in the charset the `charset` parameter names, so a GBK body reads as the text Alipay
//! signed (a UTF-8-only form parser would garble it and every signature would fail).

use percent_encoding::percent_decode;

use crate::charset::{Charset, CharsetError};

/// Largest form body accepted (a notify with its biz_content is a few kilobytes).
pub const MAX_BODY_BYTES: usize = 128 * 1024;
/// Most parameters accepted in one form; Alipay sends about ten.
pub const MAX_PARAMS: usize = 64;

/// A decoded form: its charset and every parameter in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub charset: Charset,
    pub params: Vec<(String, String)>,
    /// The same parameters as the percent-decoded bytes sent, before the charset decoded them:
    /// a signature is checked over these (GBK's decoder reads GB18030 sequences that would be
    /// encoded back differently, so the text's bytes are not always the bytes sent).
    pub raw: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why a form body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the body is {len} bytes, more than the {max} accepted")]
    TooLarge { len: usize, max: usize },
    #[error("the body has more than {MAX_PARAMS} parameters")]
    TooManyParams,
    #[error("the parameter {0:?} appears more than once")]
    Duplicate(String),
    #[error("the charset parameter: {0}")]
    Charset(CharsetError),
    #[error("the parameter {name:?} is not valid {charset}")]
    Undecodable { name: String, charset: &'static str },
    #[error("a parameter name is not valid {0}")]
    BadName(&'static str),
}

/// Parses a form body; the `charset` parameter (UTF-8 when absent) decodes every name and value.
pub fn parse(body: &[u8]) -> Result<Form, FormError> {
    decode(raw_pairs(body, 0)?)
}

/// Parses a URL's query string and a form body as one set of parameters, as the 2014 服务窗
/// sent `charset` in the query string and signed it with the rest. A parameter in both is
/// accepted only with the same value.
pub fn parse_with_query(query: &[u8], body: &[u8]) -> Result<Form, FormError> {
    let mut pairs = raw_pairs(query, 0)?;
    let from_query = pairs.len();
    for (name, value) in raw_pairs(body, query.len())? {
        match pairs[..from_query].iter().find(|(k, _)| *k == name) {
            Some((_, v)) if *v == value => {}
            Some(_) => return Err(FormError::Duplicate(truncate(&String::from_utf8_lossy(&name)))),
            None => pairs.push((name, value)),
        }
    }
    if pairs.len() > MAX_PARAMS {
        return Err(FormError::TooManyParams);
    }
    decode(pairs)
}

type RawPairs = Vec<(Vec<u8>, Vec<u8>)>;

/// The percent-decoded pairs, `already` bytes counted against the size limit.
fn raw_pairs(input: &[u8], already: usize) -> Result<RawPairs, FormError> {
    let len = input.len() + already;
    if len > MAX_BODY_BYTES {
        return Err(FormError::TooLarge { len, max: MAX_BODY_BYTES });
    }
    let mut raw: RawPairs = Vec::new();
    for pair in input.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if raw.len() == MAX_PARAMS {
            return Err(FormError::TooManyParams);
        }
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        raw.push((decode_bytes(name), decode_bytes(value)));
    }
    Ok(raw)
}

fn decode(raw: RawPairs) -> Result<Form, FormError> {
    // Names are ASCII in every charset Alipay uses, so `charset` is found before decoding.
    let charset = match raw.iter().find(|(k, _)| k == b"charset") {
        Some((_, v)) => Charset::from_name(&String::from_utf8_lossy(v)).map_err(FormError::Charset)?,
        None => Charset::Utf8,
    };
    let mut params: Vec<(String, String)> = Vec::with_capacity(raw.len());
    for (name, value) in &raw {
        let name = charset.decode(name).map_err(|_| FormError::BadName(charset.name()))?;
        if params.iter().any(|(k, _)| *k == name) {
            // One copy verified and another used would be a way around the signature.
            return Err(FormError::Duplicate(truncate(&name)));
        }
        let value = charset
            .decode(value)
            .map_err(|_| FormError::Undecodable { name: truncate(&name), charset: charset.name() })?;
        params.push((name, value));
    }
    Ok(Form { charset, params, raw })
}

/// Writes a form body, values encoded in `charset` (characters GBK lacks as `&#NNNN;`, the
/// same bytes [`Charset::encode_lossy`] gives for signing).
pub fn serialize<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>, charset: Charset) -> Vec<u8> {
    fn in_charset(charset: Charset) -> impl Fn(&str) -> std::borrow::Cow<'_, [u8]> {
        move |s| charset.encode_lossy(s)
    }
    let encode = in_charset(charset);
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.encoding_override(Some(&encode));
    for (k, v) in params {
        out.append_pair(k, v);
    }
    out.finish().into_bytes()
}

fn decode_bytes(input: &[u8]) -> Vec<u8> {
    let plus_as_space: Vec<u8> = input.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_decode(&plus_as_space).collect()
}

fn truncate(name: &str) -> String {
    name.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_gbk_form_as_its_text() {
        // 中文 in GBK is D6 D0 CE C4.
        let form = parse(b"charset=GBK&content=%D6%D0%CE%C4+a%2Bb&empty=&bare").unwrap();
        assert_eq!(form.charset, Charset::Gbk);
        assert_eq!(form.get("content"), Some("中文 a+b"));
        assert_eq!(form.get("empty"), Some(""));
        assert_eq!(form.get("bare"), Some(""));
    }

    #[test]
    fn utf8_is_the_default_and_bytes_invalid_in_the_charset_are_refused() {
        assert_eq!(parse(b"a=%E4%B8%AD").unwrap().get("a"), Some("中"));
        assert_eq!(
            parse(b"a=%D6%D0").unwrap_err(),
            FormError::Undecodable { name: "a".into(), charset: "UTF-8" },
            "GBK bytes in a form that names no charset"
        );
        assert!(matches!(parse(b"charset=big5&a=1"), Err(FormError::Charset(_))));
    }

    #[test]
    fn duplicates_floods_and_large_bodies_are_refused() {
        assert_eq!(parse(b"sign=a&x=1&sign=b"), Err(FormError::Duplicate("sign".into())));
        let flood = "a=1&".repeat(MAX_PARAMS + 1).replace("a=1", "a");
        assert!(parse(flood.as_bytes()).is_err());
        let many: String = (0..=MAX_PARAMS).map(|i| format!("p{i}=1&")).collect();
        assert_eq!(parse(many.as_bytes()), Err(FormError::TooManyParams));
        let big = vec![b'a'; MAX_BODY_BYTES + 1];
        assert_eq!(parse(&big), Err(FormError::TooLarge { len: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES }));
    }

    #[test]
    fn the_query_strings_charset_decodes_the_body() {
        let form = parse_with_query(b"charset=GBK", b"charset=GBK&content=%D6%D0%CE%C4").unwrap();
        assert_eq!(form.charset, Charset::Gbk);
        assert_eq!(form.params, [("charset".to_owned(), "GBK".to_owned()), ("content".to_owned(), "中文".to_owned())]);
        assert_eq!(parse_with_query(b"", b"a=1").unwrap(), parse(b"a=1").unwrap());
        assert_eq!(parse_with_query(b"charset=GBK", b"charset=UTF-8"), Err(FormError::Duplicate("charset".into())));
        let big = vec![b'a'; MAX_BODY_BYTES];
        assert!(matches!(parse_with_query(b"q=1", &big), Err(FormError::TooLarge { .. })));
    }

    #[test]
    fn serialize_then_parse_round_trips_in_both_charsets() {
        for charset in [Charset::Utf8, Charset::Gbk] {
            let params = [("charset", charset.name()), ("biz", "{\"t\":\"中文 &=+%\"}")];
            let body = serialize(params, charset);
            assert!(body.is_ascii(), "the body is percent-encoded");
            let form = parse(&body).unwrap();
            assert_eq!(form.get("biz"), Some("{\"t\":\"中文 &=+%\"}"));
        }
    }
}
