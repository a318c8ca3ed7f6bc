//! Full-text search that works for Chinese. FTS5's own tokenizers either glue
//! a run of Chinese into one token (`unicode61`) or miss 1- and 2-character
//! queries (`trigram`), so the text is tokenized here before it reaches FTS5:
//! CJK as single characters and as overlapping pairs, in two columns, other
//! words lower-cased. A query is tokenized the same way: one CJK character
//! matches a unigram, two or more match their pairs as a phrase.

use wicket_model::conversation::{MessageBody, Subscriber};
use wicket_model::inbox::SnippetPart;

/// What one text contributes to the index, as space-separated tokens.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IndexTokens {
    /// Single CJK characters and whole other words.
    pub unigrams: String,
    /// Overlapping pairs of CJK characters, in text order.
    pub bigrams: String,
}

/// A run of the text that is one kind of thing.
#[derive(Debug, PartialEq, Eq)]
enum Run {
    Cjk(Vec<char>),
    Word(String),
}

/// Scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3FFFF) // Extensions B and later
}

fn runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut cjk = Vec::new();
    let mut word = String::new();
    let flush = |runs: &mut Vec<Run>, cjk: &mut Vec<char>, word: &mut String| {
        if !cjk.is_empty() {
            runs.push(Run::Cjk(std::mem::take(cjk)));
        }
        if !word.is_empty() {
            runs.push(Run::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut runs, &mut cjk, &mut word);
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush(&mut runs, &mut cjk, &mut word);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut runs, &mut cjk, &mut word);
        }
    }
    flush(&mut runs, &mut cjk, &mut word);
    runs
}

/// Tokens of `text` for the index.
pub fn index_tokens(text: &str) -> IndexTokens {
    let mut unigrams = Vec::new();
    let mut bigrams = Vec::new();
    for run in runs(text) {
        match run {
            Run::Cjk(chars) => {
                unigrams.extend(chars.iter().map(char::to_string));
                bigrams.extend(chars.windows(2).map(|pair| pair.iter().collect::<String>()));
            }
            Run::Word(word) => unigrams.push(word),
        }
    }
    IndexTokens { unigrams: unigrams.join(" "), bigrams: bigrams.join(" ") }
}

/// The FTS5 `MATCH` expression for what staff typed; `None` when it holds
/// nothing searchable. Every part must match (AND). Tokens hold only letters
/// and digits, so quoting them is enough to keep FTS5 syntax out.
pub fn match_expression(query: &str) -> Option<String> {
    let parts: Vec<String> = runs(query)
        .into_iter()
        .map(|run| match run {
            Run::Cjk(chars) if chars.len() == 1 => format!("unigrams:\"{}\"", chars[0]),
            Run::Cjk(chars) => {
                let pairs: Vec<String> = chars.windows(2).map(|pair| pair.iter().collect()).collect();
                format!("bigrams:\"{}\"", pairs.join(" "))
            }
            Run::Word(word) => format!("unigrams:\"{word}\""),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The text of a message that search finds it by.
pub fn message_text(body: &MessageBody) -> Option<&str> {
    match body {
        MessageBody::Text { text } => Some(text),
        MessageBody::Article { title, .. } => Some(title),
        MessageBody::Location { label, .. } => Some(label),
        MessageBody::Image { .. } | MessageBody::Event(_) => None,
    }
}

/// The text of a subscriber that search finds them by: name and note, on
/// separate lines so no pair of characters spans the two.
pub fn subscriber_text(subscriber: &Subscriber) -> String {
    format!("{}\n{}", subscriber.display_name, subscriber.note)
}

/// Characters shown before the first hit of a long text.
const LEAD: usize = 20;
/// The longest snippet, in characters.
const SNIPPET_CHARS: usize = 100;

/// `text` cut around its first hit, with the parts that match `query` marked.
pub fn snippet(text: &str, query: &str) -> Vec<SnippetPart> {
    let chars: Vec<char> = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let hits = hit_mask(&chars, &runs(query));
    let first = hits.iter().position(|&h| h).unwrap_or(0);
    let start = if chars.len() <= SNIPPET_CHARS { 0 } else { first.saturating_sub(LEAD) };
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut parts: Vec<SnippetPart> = Vec::new();
    if start > 0 {
        parts.push(SnippetPart { text: "…".into(), hit: false });
    }
    for i in start..end {
        match parts.last_mut() {
            Some(last) if last.hit == hits[i] && !(i == start && start > 0) => last.text.push(chars[i]),
            _ => parts.push(SnippetPart { text: chars[i].to_string(), hit: hits[i] }),
        }
    }
    if end < chars.len() {
        match parts.last_mut() {
            Some(last) if !last.hit => last.text.push('…'),
            _ => parts.push(SnippetPart { text: "…".into(), hit: false }),
        }
    }
    parts
}

/// Which characters of `chars` are part of a match of one of `runs`. Words
/// match whole words, ignoring case, as FTS5 does; CJK matches anywhere.
fn hit_mask(chars: &[char], runs: &[Run]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let is_word_char = |c: char| c.is_alphanumeric() && !is_cjk(c);
    for run in runs {
        let (needle, whole_word): (Vec<char>, bool) = match run {
            Run::Cjk(chars) => (chars.clone(), false),
            Run::Word(word) => (word.chars().collect(), true),
        };
        if needle.is_empty() || needle.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - needle.len() {
            let end = start + needle.len();
            let same = chars[start..end].iter().zip(&needle).all(|(&c, &n)| c == n || c.to_lowercase().eq([n]));
            let bounded = !whole_word
                || ((start == 0 || !is_word_char(chars[start - 1]))
                    && (end == chars.len() || !is_word_char(chars[end])));
            if same && bounded {
                mask[start..end].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(snippet: &[SnippetPart]) -> Vec<(&str, bool)> {
        snippet.iter().map(|p| (p.text.as_str(), p.hit)).collect()
    }

    #[test]
    fn chinese_is_indexed_as_characters_and_pairs() {
        let tokens = index_tokens("还款日是5号，Credit Card!");
        assert_eq!(tokens.unigrams, "还 款 日 是 5 号 credit card", "CJK characters and lower-cased words");
        assert_eq!(tokens.bigrams, "还款 款日 日是", "pairs do not span a digit; a lone character has none");
    }

    #[test]
    fn a_lone_character_between_other_text_makes_no_pair() {
        assert_eq!(index_tokens("5号").bigrams, "", "one CJK character makes no pair");
        assert_eq!(index_tokens("还款日是").bigrams, "还款 款日 日是");
    }

    #[test]
    fn queries_use_the_unigram_for_one_character_and_the_pair_phrase_for_more() {
        assert_eq!(match_expression("还").as_deref(), Some("unigrams:\"还\""));
        assert_eq!(match_expression("还款").as_deref(), Some("bigrams:\"还款\""));
        assert_eq!(match_expression("还款日").as_deref(), Some("bigrams:\"还款 款日\""));
        assert_eq!(match_expression("Refund 订单").as_deref(), Some("unigrams:\"refund\" AND bigrams:\"订单\""));
        assert_eq!(match_expression(" \"*) ").as_deref(), None, "punctuation alone searches nothing");
    }

    #[test]
    fn the_snippet_marks_what_matched() {
        let snippet = snippet("请问还款日是哪天？", "还款日");
        assert_eq!(parts(&snippet), [("请问", false), ("还款日", true), ("是哪天？", false)]);
        let english = super::snippet("Where is my Refund? refunding", "refund");
        assert_eq!(
            parts(&english),
            [("Where is my ", false), ("Refund", true), ("? refunding", false)],
            "whole words, any case"
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_hit() {
        let text = format!("{}还款{}", "前".repeat(150), "后".repeat(150));
        let snippet = snippet(&text, "还款");
        assert_eq!(snippet[0].text, "…", "the cut start is shown");
        assert_eq!(snippet[1].text, "前".repeat(LEAD));
        assert_eq!((snippet[2].text.as_str(), snippet[2].hit), ("还款", true));
        assert!(snippet[3].text.ends_with('…'), "the cut end is shown");
        let shown: usize = snippet.iter().map(|p| p.text.chars().count()).sum();
        assert!(shown <= SNIPPET_CHARS + 2, "at most {SNIPPET_CHARS} characters and two ellipses");
    }
}
