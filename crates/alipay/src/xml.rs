//! The XML Alipay sends (the `biz_content` of a notify, `<XML>…</XML>`) and the XML the
//! application answers with (`<alipay><response>…</response><sign>…</sign></alipay>`), read and
//! written by the bounded reader both platform adapters share ([`wicket_flat_xml`]), with
//! Alipay's limits. A gateway answer is signed over the raw text inside `<response>`, so the
//! reader can note where that child sits in the input.

pub use wicket_flat_xml::{push_cdata, push_text, truncate, Fields, XmlError};
use wicket_flat_xml::{Limits, Root, Shape};

/// Largest document accepted (a notify's biz_content is a few kilobytes).
pub const MAX_XML_BYTES: usize = 64 * 1024;
const LIMITS: Limits = Limits { max_bytes: MAX_XML_BYTES, max_depth: 8, max_elements: 512 };

/// Reads a document whose root is `root` (compared without regard to ASCII case: Alipay writes
/// `<XML>`, its demos `<xml>`), noting the input range inside the root's first child `span_of`.
pub fn parse_fields(input: &str, root: &'static str, span_of: Option<&str>) -> Result<Fields, XmlError> {
    wicket_flat_xml::parse(input, Shape { root: Root { name: root, any_case: true }, limits: LIMITS, span_of })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_case_of_the_root_is_read_and_alipays_limits_hold() {
        let f = parse_fields("<XML><Text><Content>in</Content></Text></XML>", "XML", None).unwrap();
        assert_eq!(f.get("Text/Content"), Some("in"));
        assert!(parse_fields("<xml><A>1</A></xml>", "XML", None).is_ok());
        let many = format!("<XML>{}</XML>", "<a/>".repeat(513));
        assert_eq!(parse_fields(&many, "XML", None), Err(XmlError::TooManyElements { max: 512 }));
    }

    #[test]
    fn notes_the_raw_response_of_a_gateway_answer() {
        let doc = "<alipay><response><success>true</success></response><sign>s</sign></alipay>";
        let f = parse_fields(doc, "alipay", Some("response")).unwrap();
        assert_eq!(&doc[f.span.clone().unwrap()], "<success>true</success>");
    }
}
