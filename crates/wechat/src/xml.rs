//! WeChat's callback XML: `<xml>` holding named leaf elements, a few of them grouped
//! (`ScanCodeInfo`, `SendPicsInfo/PicList/item`, `SendLocationInfo`). Read and written by the
//! bounded reader both platform adapters share ([`wicket_flat_xml`]), with WeChat's root and limits.

use wicket_flat_xml::{parse_bytes, Limits, Root, Shape};
pub use wicket_flat_xml::{push_cdata, push_text, Fields, XmlError};

/// Largest plaintext callback document accepted (WeChat's messages are a few kilobytes at most).
pub const MAX_XML_BYTES: usize = 64 * 1024;
/// Largest request body accepted: in compatible mode it holds the plaintext and its base64 cipher.
pub const MAX_BODY_BYTES: usize = 192 * 1024;
const MAX_DEPTH: usize = 8;
const MAX_ELEMENTS: usize = 1024;

/// Reads a callback document (root `<xml>`, exactly) into its fields, refusing anything over
/// `max_len` bytes or not UTF-8.
pub fn parse_fields(input: &[u8], max_len: usize) -> Result<Fields, XmlError> {
    let limits = Limits { max_bytes: max_len, max_depth: MAX_DEPTH, max_elements: MAX_ELEMENTS };
    parse_bytes(input, Shape { root: Root { name: "xml", any_case: false }, limits, span_of: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Fields, XmlError> {
        parse_fields(s.as_bytes(), MAX_XML_BYTES)
    }

    #[test]
    fn reads_wechat_groups() {
        let f = parse(
            "<xml><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo>\
             <SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>\
             <item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo></xml>",
        )
        .unwrap();
        assert_eq!(f.get("ScanCodeInfo/ScanType"), Some("qrcode"));
        assert_eq!(f.all("SendPicsInfo/PicList/item/PicMd5Sum").collect::<Vec<_>>(), vec!["a", "b"]);
    }

    #[test]
    fn the_root_is_xml_and_the_limits_are_wechats() {
        assert_eq!(parse("<root><A>1</A></root>"), Err(XmlError::WrongRoot { found: "root".into(), expected: "xml" }));
        let many = format!("<xml>{}</xml>", "<a/>".repeat(MAX_ELEMENTS + 1));
        assert_eq!(parse(&many), Err(XmlError::TooManyElements { max: MAX_ELEMENTS }));
        let body = format!("<xml><A>{}</A></xml>", "a".repeat(MAX_XML_BYTES));
        assert!(matches!(parse(&body), Err(XmlError::TooLarge { .. })), "a plaintext document is held to 64 KiB");
        assert!(parse_fields(body.as_bytes(), MAX_BODY_BYTES).is_ok(), "a whole body may be larger");
        assert_eq!(parse_fields(b"<xml>\xff</xml>", MAX_XML_BYTES), Err(XmlError::NotUtf8));
    }
}
