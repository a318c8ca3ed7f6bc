//! A small, bounded reader for the flat XML documents the platforms exchange, and the writer
//! of the few elements Wicket answers with.
//!
//! WeChat's callbacks (`<xml>…</xml>`) and Alipay's notifies and gateway answers
//! (`<XML>…</XML>`, `<alipay><response>…</response><sign>…</sign></alipay>`) are flat: a root
//! holding named leaf elements, a few of them grouped. The reader turns a document into
//! `(path, text)` pairs, paths joined with `/` below the root, and can note where one child of
//! the root starts and ends in the input (Alipay signs the raw text inside `<response>`).
//!
//! It refuses what neither platform sends and an attacker might: oversized input, a
//! `<!DOCTYPE>` (so no entity can be declared, let alone expanded), entities other than XML's
//! five and character references, deep nesting, too many elements, text outside the root and
//! more than one root. Both adapters share this one reader so that a hardening found by one
//! fuzz target protects the other.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

/// How much a document may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_elements: usize,
}

/// The root element a document must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Root {
    pub name: &'static str,
    /// Compare without regard to ASCII case (Alipay writes `<XML>`, its demos `<xml>`).
    pub any_case: bool,
}

/// What to read: the root, the limits, and the root's child whose raw span to note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape<'a> {
    pub root: Root,
    pub limits: Limits,
    pub span_of: Option<&'a str>,
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the document is {len} bytes, more than the {max} accepted")]
    TooLarge { len: usize, max: usize },
    #[error("the document is not UTF-8")]
    NotUtf8,
    #[error("the document declares a DOCTYPE, which the platforms never send")]
    DocType,
    #[error("the document refers to the entity &{0}; which is not one of XML's predefined entities")]
    UnknownEntity(String),
    #[error("the document nests elements deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("the document has more than {max} elements")]
    TooManyElements { max: usize },
    #[error("the document's root element is <{found}>, not <{expected}>")]
    WrongRoot { found: String, expected: &'static str },
    #[error("the document has no root element")]
    Empty,
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the document has no {0} element")]
    MissingField(&'static str),
    #[error("the {field} element holds {value:?}, which is not a whole number")]
    BadNumber { field: &'static str, value: String },
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

    /// The text at `path`, or the empty string when the element is absent.
    pub fn text(&self, path: &str) -> String {
        self.get(path).unwrap_or_default().to_owned()
    }

    /// The text at `path` when present and not empty.
    pub fn opt(&self, path: &str) -> Option<String> {
        self.get(path).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// The text at `path` when present and not blank, trimmed.
    pub fn opt_trimmed(&self, path: &str) -> Option<String> {
        self.get(path).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// The whole number at `path` (`CreateTime`, ...).
    pub fn number(&self, path: &'static str) -> Result<i64, XmlError> {
        let raw = self.require(path)?;
        raw.trim().parse().map_err(|_| XmlError::BadNumber { field: path, value: truncate(raw, 32) })
    }
}

/// Reads a document given as bytes, refusing what is not UTF-8.
pub fn parse_bytes(input: &[u8], shape: Shape<'_>) -> Result<Fields, XmlError> {
    if input.len() > shape.limits.max_bytes {
        return Err(XmlError::TooLarge { len: input.len(), max: shape.limits.max_bytes });
    }
    parse(std::str::from_utf8(input).map_err(|_| XmlError::NotUtf8)?, shape)
}

/// Reads a document into its fields.
pub fn parse(input: &str, shape: Shape<'_>) -> Result<Fields, XmlError> {
    let Shape { root, limits, span_of } = shape;
    if input.len() > limits.max_bytes {
        return Err(XmlError::TooLarge { len: input.len(), max: limits.max_bytes });
    }
    let bom = if input.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut reader = Reader::from_str(&input[bom..]);
    reader.config_mut().check_end_names = true;

    let mut fields = Fields::default();
    // Names of the open elements below the root, and the text gathered for the innermost one.
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
    let outside_root = || XmlError::Malformed("text outside the root element".into());

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
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements { max: limits.max_elements });
                }
                let name = truncate(start.name().as_ref(), 64);
                let empty = matches!(event, Event::Empty(_));
                if !in_root {
                    let matches = if root.any_case { name.eq_ignore_ascii_case(root.name) } else { name == root.name };
                    if !matches {
                        return Err(XmlError::WrongRoot { found: name, expected: root.name });
                    }
                    in_root = !empty;
                    root_done = empty;
                    continue;
                }
                if stack.len() + 1 >= limits.max_depth {
                    return Err(XmlError::TooDeep { max: limits.max_depth });
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
                        fields.entries.push((join(&stack, &name), std::mem::take(&mut current)));
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
                    return Err(outside_root());
                }
                current.push_str(&t);
            }
            Event::CData(c) => {
                if !in_root {
                    return Err(outside_root());
                }
                current.push_str(&c.xml10_content());
            }
            Event::GeneralRef(r) => {
                if !in_root {
                    return Err(outside_root());
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

/// The first `max_chars` characters of `s`, for quoting untrusted text in an error.
pub fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Appends `<Name><![CDATA[value]]></Name>`, splitting any `]]>` in the value so it cannot end the section.
pub fn push_cdata(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// Appends `<Name>value</Name>` with the value escaped.
pub fn push_text(out: &mut String, name: &str, value: &str) {
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
mod tests;
