//! A small, bounded reader for WeChat's callback XML and the writer of the XML Wicket answers.
//!
//! WeChat's documents are flat: `<xml>` holding named leaf elements, a few of them grouped
//! (`ScanCodeInfo`, `SendPicsInfo/PicList/item`, `SendLocationInfo`). The reader turns a document
//! into `(path, text)` pairs, paths joined with `/` below the root. It refuses what WeChat never
//! sends and an attacker might: oversized input, a `<!DOCTYPE>` (so no entity can be declared, let
//! alone expanded), references to entities other than XML's five and character references, deep
//! nesting, too many elements, and more than one root.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Largest plaintext callback document accepted (WeChat's messages are a few kilobytes at most).
pub const MAX_XML_BYTES: usize = 64 * 1024;
/// Largest request body accepted: in compatible mode it holds the plaintext and its base64 cipher.
pub const MAX_BODY_BYTES: usize = 192 * 1024;
const MAX_DEPTH: usize = 8;
const MAX_ELEMENTS: usize = 1024;

/// Why a callback document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the document is {len} bytes, more than the {max} accepted")]
    TooLarge { len: usize, max: usize },
    #[error("the document is not UTF-8")]
    NotUtf8,
    #[error("the document declares a DOCTYPE, which WeChat never sends")]
    DocType,
    #[error("the document refers to the entity &{0}; which is not one of XML's predefined entities")]
    UnknownEntity(String),
    #[error("the document nests elements deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the document has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("the document's root element is <{0}>, not <xml>")]
    WrongRoot(String),
    #[error("the document has no root element")]
    Empty,
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the document has no {0} element")]
    MissingField(&'static str),
    #[error("the {field} element holds {value:?}, which is not a whole number")]
    BadNumber { field: &'static str, value: String },
}

/// The leaf texts of a callback document, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    entries: Vec<(String, String)>,
}

impl Fields {
    /// The text of the first element at `path` (e.g. `"Content"`, `"ScanCodeInfo/ScanResult"`).
    pub fn get(&self, path: &str) -> Option<&str> {
        self.entries.iter().find(|(p, _)| p == path).map(|(_, v)| v.as_str())
    }

    /// The texts of every element at `path`, in document order.
    pub fn all<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries.iter().filter(move |(p, _)| p == path).map(|(_, v)| v.as_str())
    }

    /// The text at `path`, or an error naming the missing element.
    pub fn require(&self, path: &'static str) -> Result<&str, XmlError> {
        self.get(path).ok_or(XmlError::MissingField(path))
    }

    /// The text at `path`, or the empty string when WeChat left it out.
    pub fn text(&self, path: &str) -> String {
        self.get(path).unwrap_or_default().to_owned()
    }

    /// The text at `path` when present and not empty.
    pub fn opt(&self, path: &str) -> Option<String> {
        self.get(path).filter(|v| !v.is_empty()).map(str::to_owned)
    }
}

/// Reads a callback document into its fields, refusing anything over `max_len` bytes.
pub fn parse_fields(input: &[u8], max_len: usize) -> Result<Fields, XmlError> {
    if input.len() > max_len {
        return Err(XmlError::TooLarge { len: input.len(), max: max_len });
    }
    let text = std::str::from_utf8(input).map_err(|_| XmlError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut fields = Fields::default();
    // Names of the open elements below the root, and the text gathered for the innermost one.
    let mut stack: Vec<String> = Vec::new();
    let mut current = String::new();
    // Whitespace-only text is layout around elements and CDATA, except beside a reference, where
    // it is part of the value ("a &amp; &amp; b"): held until the next event says which.
    let mut pending_space = String::new();
    let mut after_ref = false;
    let mut in_root = false;
    let mut root_done = false;
    let mut elements = 0usize;

    loop {
        let event = reader.read_event().map_err(|e| XmlError::Malformed(e.to_string()))?;
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
            Event::Start(start) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let name = element_name(start.name().as_ref())?;
                if !in_root {
                    if name != "xml" {
                        return Err(XmlError::WrongRoot(name));
                    }
                    in_root = true;
                } else {
                    if stack.len() + 1 >= MAX_DEPTH {
                        return Err(XmlError::TooDeep);
                    }
                    stack.push(name);
                }
                current.clear();
            }
            Event::Empty(start) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let name = element_name(start.name().as_ref())?;
                if !in_root {
                    if name != "xml" {
                        return Err(XmlError::WrongRoot(name));
                    }
                    root_done = true;
                    continue;
                }
                if stack.len() + 1 >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                let path = join_path(&stack, Some(&name));
                fields.entries.push((path, String::new()));
                current.clear();
            }
            Event::End(_) => {
                if let Some(name) = stack.pop() {
                    let mut path = join_path(&stack, None);
                    if !path.is_empty() {
                        path.push('/');
                    }
                    path.push_str(&name);
                    fields.entries.push((path, std::mem::take(&mut current)));
                } else {
                    in_root = false;
                    root_done = true;
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
                    Err(e) => return Err(XmlError::Malformed(e.to_string())),
                }
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
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

fn element_name(raw: &str) -> Result<String, XmlError> {
    Ok(truncate(raw, 64))
}

fn join_path(stack: &[String], last: Option<&str>) -> String {
    let mut path = stack.join("/");
    if let Some(last) = last {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(last);
    }
    path
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Parses a whole number field (`CreateTime`, ...).
pub(crate) fn number(fields: &Fields, path: &'static str) -> Result<i64, XmlError> {
    let raw = fields.require(path)?;
    raw.trim().parse().map_err(|_| XmlError::BadNumber { field: path, value: truncate(raw, 32) })
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

/// Appends `<Name>value</Name>` for values that are digits only.
pub(crate) fn push_plain(out: &mut String, name: &str, digits: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(digits);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Fields, XmlError> {
        parse_fields(s.as_bytes(), MAX_XML_BYTES)
    }

    #[test]
    fn reads_cdata_text_and_groups() {
        let f = parse(
            "<?xml version=\"1.0\"?><xml><A><![CDATA[x < y]]></A><B>12</B>\
             <G><H>in</H><L><item><P>1</P></item><item><P>2</P></item></L></G><E/></xml>",
        )
        .unwrap();
        assert_eq!(f.get("A"), Some("x < y"));
        assert_eq!(f.get("B"), Some("12"));
        assert_eq!(f.get("G/H"), Some("in"));
        assert_eq!(f.all("G/L/item/P").collect::<Vec<_>>(), vec!["1", "2"]);
        assert_eq!(f.get("E"), Some(""), "an empty element is present with empty text");
    }

    #[test]
    fn whitespace_around_cdata_is_ignored_but_cdata_is_kept_verbatim() {
        // The official sample writes `<MsgType>  <![CDATA[video]]></MsgType>`.
        let f = parse("<xml><MsgType>  <![CDATA[video]]></MsgType><C><![CDATA[ two  spaces ]]></C></xml>").unwrap();
        assert_eq!(f.get("MsgType"), Some("video"));
        assert_eq!(f.get("C"), Some(" two  spaces "));
    }

    #[test]
    fn predefined_and_character_references_resolve() {
        let f = parse("<xml><A>a&amp;b&lt;&#x4e2d;&#25991;</A></xml>").unwrap();
        assert_eq!(f.get("A"), Some("a&b<中文"));
    }

    #[test]
    fn spaces_between_references_are_kept() {
        // A plain-mode text of "<< >>" or "a & & b", escaped rather than in CDATA.
        let f = parse("<xml><A>&lt;&lt; &gt;&gt;</A><B>a &amp; &amp; b</B><C>&amp; </C><D> &#x41;</D></xml>").unwrap();
        assert_eq!(f.get("A"), Some("<< >>"));
        assert_eq!(f.get("B"), Some("a & & b"));
        assert_eq!(f.get("C"), Some("& "));
        assert_eq!(f.get("D"), Some(" A"));
    }

    #[test]
    fn doctype_is_refused_so_no_entity_can_be_declared() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
                    <xml><Content>&b;</Content></xml>";
        assert_eq!(parse(bomb), Err(XmlError::DocType));
    }

    #[test]
    fn unknown_entity_is_refused() {
        assert_eq!(parse("<xml><A>&xxe;</A></xml>"), Err(XmlError::UnknownEntity("xxe".into())));
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = format!("<xml><A>{}</A></xml>", "a".repeat(MAX_XML_BYTES));
        assert!(matches!(parse(&big), Err(XmlError::TooLarge { .. })));
    }

    #[test]
    fn deep_nesting_and_element_floods_are_refused() {
        let deep = format!("<xml>{}{}</xml>", "<a>".repeat(20), "</a>".repeat(20));
        assert_eq!(parse(&deep), Err(XmlError::TooDeep));
        let many = format!("<xml>{}</xml>", "<a/>".repeat(MAX_ELEMENTS + 1));
        assert_eq!(parse(&many), Err(XmlError::TooManyElements));
    }

    #[test]
    fn structure_errors_are_named() {
        assert_eq!(parse("<root><A>1</A></root>"), Err(XmlError::WrongRoot("root".into())));
        assert_eq!(parse(""), Err(XmlError::Empty));
        assert!(matches!(parse("<xml><A>1</B></xml>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("<xml><A>1</A>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("<xml></xml><xml></xml>"), Err(XmlError::Malformed(_))));
        assert_eq!(parse_fields(b"<xml>\xff</xml>", MAX_XML_BYTES), Err(XmlError::NotUtf8));
    }

    #[test]
    fn cdata_writer_cannot_be_broken_out_of() {
        let mut out = String::from("<xml>");
        push_cdata(&mut out, "Content", "a]]><Evil/>b");
        out.push_str("</xml>");
        let f = parse(&out).unwrap();
        assert_eq!(f.get("Content"), Some("a]]><Evil/>b"), "the value round-trips unchanged");
        assert_eq!(f.get("Evil"), None, "no element was injected");
    }
}
