//! A small, bounded reader for the XML Alipay sends (the `biz_content` of a notify) and the XML
//! the application answers with (`<alipay><response>…</response><sign>…</sign></alipay>`).
//!
//! Both are flat documents. The reader turns one into `(path, text)` pairs, paths joined with
//! `/` below the root, and can note where one child of the root starts and ends in the input,
//! since a gateway answer is signed over the raw text inside `<response>`. It refuses what Alipay
//! never sends and an attacker might: oversized input, a `<!DOCTYPE>` (so no entity can be
//! declared, let alone expanded), entities other than XML's five and character references,
//! deep nesting, too many elements, and more than one root.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

/// Largest document accepted (a notify's biz_content is a few kilobytes).
pub const MAX_XML_BYTES: usize = 64 * 1024;
const MAX_DEPTH: usize = 8;
const MAX_ELEMENTS: usize = 512;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the document is {len} bytes, more than the {max} accepted")]
    TooLarge { len: usize, max: usize },
    #[error("the document declares a DOCTYPE, which Alipay never sends")]
    DocType,
    #[error("the document refers to the entity &{0}; which is not one of XML's predefined entities")]
    UnknownEntity(String),
    #[error("the document nests elements deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the document has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("the document's root element is <{found}>, not <{expected}>")]
    WrongRoot { found: String, expected: &'static str },
    #[error("the document has no root element")]
    Empty,
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
}

/// The leaf texts of a document in document order, the encoding its declaration names, and
/// where the root's child asked for sits in the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    entries: Vec<(String, String)>,
    pub encoding: Option<String>,
    pub span: Option<Range<usize>>,
}

impl Fields {
    /// The text of the first element at `path` (e.g. `"MsgType"`, `"Text/Content"`).
    pub fn get(&self, path: &str) -> Option<&str> {
        self.entries.iter().find(|(p, _)| p == path).map(|(_, v)| v.as_str())
    }

    /// The text at `path` when present and not blank, trimmed.
    pub fn opt(&self, path: &str) -> Option<String> {
        self.get(path).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }
}

/// Reads a document whose root is `root` (compared without regard to ASCII case: Alipay writes
/// `<XML>`, demos `<xml>`), noting the input range inside the root's first child `span_of`.
pub fn parse_fields(input: &str, root: &'static str, span_of: Option<&str>) -> Result<Fields, XmlError> {
    if input.len() > MAX_XML_BYTES {
        return Err(XmlError::TooLarge { len: input.len(), max: MAX_XML_BYTES });
    }
    let bom = if input.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let text = &input[bom..];
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut fields = Fields::default();
    let mut stack: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_root = false;
    let mut root_done = false;
    let mut elements = 0usize;
    let mut span_start: Option<usize> = None;
    // Whitespace-only text is layout around elements and CDATA, except beside a reference, where
    // it is part of the value ("a &amp; &amp; b"): held until the next event says which.
    let mut pending_space = String::new();
    let mut after_ref = false;

    loop {
        let before = bom + position(&reader);
        let event = reader.read_event().map_err(|e| XmlError::Malformed(truncate(&e.to_string(), 120)))?;
        let is_ref = matches!(event, Event::GeneralRef(_));
        let is_space = matches!(&event, Event::Text(t) if t.xml10_content().chars().all(char::is_whitespace));
        if !is_ref && !is_space {
            pending_space.clear();
        }
        if !is_space {
            after_ref = is_ref;
        }
        match event {
            Event::Start(_) | Event::Empty(_) if root_done => {
                return Err(XmlError::Malformed("content after the root element".into()));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let name = truncate(start.name().as_ref(), 64);
                let empty = matches!(event, Event::Empty(_));
                if !in_root {
                    if !name.eq_ignore_ascii_case(root) {
                        return Err(XmlError::WrongRoot { found: name, expected: root });
                    }
                    in_root = !empty;
                    root_done = empty;
                    continue;
                }
                if stack.len() + 1 >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                if stack.is_empty() && fields.span.is_none() && span_start.is_none() && Some(name.as_str()) == span_of {
                    let after = bom + position(&reader);
                    if empty {
                        fields.span = Some(after..after);
                    } else {
                        span_start = Some(after);
                    }
                }
                if empty {
                    fields.entries.push((join(&stack, &name), String::new()));
                } else {
                    stack.push(name);
                }
                current.clear();
            }
            Event::End(_) => {
                match stack.pop() {
                    Some(name) => {
                        if stack.is_empty() {
                            if let Some(start) = span_start.take() {
                                fields.span = Some(start..before);
                            }
                        }
                        let path = join(&stack, &name);
                        fields.entries.push((path, std::mem::take(&mut current)));
                    }
                    None => {
                        in_root = false;
                        root_done = true;
                    }
                }
                current.clear();
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                if is_space {
                    if after_ref {
                        current.push_str(&t);
                    } else {
                        pending_space.push_str(&t);
                    }
                    continue;
                }
                if !in_root {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                current.push_str(&t);
            }
            Event::CData(c) => {
                if !in_root {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                current.push_str(&c.xml10_content());
            }
            Event::GeneralRef(r) => {
                if !in_root {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
                current.push_str(&std::mem::take(&mut pending_space));
                match r.resolve_char_ref() {
                    Ok(Some(ch)) => current.push(ch),
                    Ok(None) => match &*r {
                        "amp" => current.push('&'),
                        "lt" => current.push('<'),
                        "gt" => current.push('>'),
                        "quot" => current.push('"'),
                        "apos" => current.push('\''),
                        other => return Err(XmlError::UnknownEntity(truncate(other, 32))),
                    },
                    Err(e) => return Err(XmlError::Malformed(truncate(&e.to_string(), 120))),
                }
            }
            Event::Decl(decl) => {
                if let Some(Ok(encoding)) = decl.encoding() {
                    fields.encoding = Some(truncate(&encoding, 32));
                }
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if in_root {
        return Err(XmlError::Malformed("the root element is not closed".into()));
    }
    if !root_done {
        return Err(XmlError::Empty);
    }
    Ok(fields)
}

fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn join(stack: &[String], last: &str) -> String {
    let mut path = stack.join("/");
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(last);
    path
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Appends `<Name><![CDATA[value]]></Name>`, splitting any `]]>` in the value so it cannot end the section.
pub(crate) fn push_cdata(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// Appends `<Name>value</Name>` with the value escaped.
pub(crate) fn push_text(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Fields, XmlError> {
        parse_fields(s, "XML", None)
    }

    #[test]
    fn reads_cdata_text_groups_and_either_case_of_root() {
        let f = parse("<XML><A><![CDATA[x < y]]></A><B>12</B><Text><Content>in</Content></Text><E/></XML>").unwrap();
        assert_eq!(f.get("A"), Some("x < y"));
        assert_eq!(f.get("B"), Some("12"));
        assert_eq!(f.get("Text/Content"), Some("in"));
        assert_eq!(f.get("E"), Some(""));
        assert!(parse("<xml><A>1</A></xml>").is_ok());
    }

    #[test]
    fn references_resolve_and_unknown_entities_are_refused() {
        assert_eq!(parse("<XML><A>a&amp;b&lt;&#x4e2d;&#25991;</A></XML>").unwrap().get("A"), Some("a&b<中文"));
        assert_eq!(parse("<XML><A>&xxe;</A></XML>"), Err(XmlError::UnknownEntity("xxe".into())));
    }

    #[test]
    fn layout_whitespace_is_dropped_but_spaces_between_references_are_kept() {
        let f = parse("<XML><M>  <![CDATA[text]]></M><A>&lt;&lt; &gt;&gt;</A><B>a &amp; &amp; b</B></XML>").unwrap();
        assert_eq!(f.get("M"), Some("text"));
        assert_eq!(f.get("A"), Some("<< >>"));
        assert_eq!(f.get("B"), Some("a & & b"));
    }

    #[test]
    fn doctype_is_refused_so_no_entity_can_be_declared() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE XML [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>\
                    <XML><Content>&b;</Content></XML>";
        assert_eq!(parse(bomb), Err(XmlError::DocType));
    }

    #[test]
    fn size_depth_floods_and_structure_are_bounded() {
        let big = format!("<XML><A>{}</A></XML>", "a".repeat(MAX_XML_BYTES));
        assert!(matches!(parse(&big), Err(XmlError::TooLarge { .. })));
        let deep = format!("<XML>{}{}</XML>", "<a>".repeat(20), "</a>".repeat(20));
        assert_eq!(parse(&deep), Err(XmlError::TooDeep));
        let many = format!("<XML>{}</XML>", "<a/>".repeat(MAX_ELEMENTS + 1));
        assert_eq!(parse(&many), Err(XmlError::TooManyElements));
        assert!(matches!(parse("<root/>"), Err(XmlError::WrongRoot { .. })));
        assert_eq!(parse(""), Err(XmlError::Empty));
        assert!(matches!(parse("<XML><A>1</B></XML>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("<XML><A>1</A>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("<XML></XML><XML></XML>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("x<XML></XML>"), Err(XmlError::Malformed(_))));
    }

    #[test]
    fn notes_the_raw_span_of_a_child_and_the_declared_encoding() {
        let doc = "<?xml version=\"1.0\" encoding=\"GBK\"?><alipay><response><success>true</success><x>a&amp;b</x></response><sign>s</sign></alipay>";
        let f = parse_fields(doc, "alipay", Some("response")).unwrap();
        assert_eq!(&doc[f.span.clone().unwrap()], "<success>true</success><x>a&amp;b</x>");
        assert_eq!(f.encoding.as_deref(), Some("GBK"));
        assert_eq!(f.get("response/x"), Some("a&b"));
        assert_eq!(f.get("sign"), Some("s"));
    }

    #[test]
    fn cdata_writer_cannot_be_broken_out_of() {
        let mut out = String::from("<XML>");
        push_cdata(&mut out, "Content", "a]]><Evil/>b");
        push_text(&mut out, "T", "<&>");
        out.push_str("</XML>");
        let f = parse(&out).unwrap();
        assert_eq!(f.get("Content"), Some("a]]><Evil/>b"));
        assert_eq!(f.get("T"), Some("<&>"));
        assert_eq!(f.get("Evil"), None, "no element was injected");
    }
}
