//! The `{{field}}` scanner against a plain reference reading of the same
//! text: the fields it finds, what filling them gives and whether a `{{` is
//! left malformed all agree, and every field found is really in the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wicket_model::layout::{fields_used, fill, has_malformed_template, is_known_field, SampleSubscriber};

/// A placeholder or a literal run, as the reference reads them.
enum Piece<'a> {
    Text(&'a str),
    Field { name: &'a str, raw: &'a str },
}

/// The obvious (quadratic) reading: at each `{{`, the text up to the next
/// `}}`, trimmed, is a field if it is `word(.word)*` in lower-case ASCII,
/// digits and `_`, at most 64 bytes; otherwise the `{` is literal.
fn reference(text: &str) -> Vec<Piece<'_>> {
    let is_name = |name: &str| {
        !name.is_empty()
            && name.len() <= 64
            && name.split('.').all(|part| {
                part.starts_with(|c: char| c.is_ascii_lowercase())
                    && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
    };
    let mut pieces = Vec::new();
    let (mut literal_start, mut cursor) = (0, 0);
    while let Some(found) = text[cursor..].find("{{") {
        let open = cursor + found;
        let body = open + 2;
        if let Some(len) = text[body..].find("}}") {
            let name = text[body..body + len].trim();
            if is_name(name) {
                let end = body + len + 2;
                if literal_start < open {
                    pieces.push(Piece::Text(&text[literal_start..open]));
                }
                pieces.push(Piece::Field { name, raw: &text[open..end] });
                literal_start = end;
                cursor = end;
                continue;
            }
        }
        cursor = open + 1;
    }
    if literal_start < text.len() {
        pieces.push(Piece::Text(&text[literal_start..]));
    }
    pieces
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pieces = reference(text);

    let expected: Vec<&str> =
        pieces.iter().filter_map(|p| if let Piece::Field { name, .. } = p { Some(*name) } else { None }).collect();
    let found = fields_used(text);
    assert_eq!(found, expected, "the fields of {text:?}");
    let mut rest = text;
    for name in &found {
        // Each field is in the text between `{{` and `}}`, in order.
        let end = rest
            .match_indices(name)
            .map(|(at, _)| (at, at + name.len()))
            .find(|&(at, end)| rest[..at].trim_end().ends_with("{{") && rest[end..].trim_start().starts_with("}}"))
            .unwrap_or_else(|| panic!("{name:?} is between braces in {text:?}"))
            .1;
        rest = &rest[end..];
    }

    let malformed = pieces.iter().any(|p| matches!(p, Piece::Text(t) if t.contains("{{")));
    assert_eq!(has_malformed_template(text), malformed, "whether {text:?} has a malformed template");

    let sample = SampleSubscriber::default();
    let filled: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => *t,
            Piece::Field { name, raw } => sample.value(name).unwrap_or(raw),
        })
        .collect();
    assert_eq!(fill(text, &sample), filled, "{text:?} filled");
    if !found.iter().any(|name| is_known_field(name)) {
        assert_eq!(fill(text, &sample), text, "a text without known fields is shown as written");
    }
});
