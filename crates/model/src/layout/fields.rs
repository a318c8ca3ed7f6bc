//! `{{field}}` templates: the subscriber data a layout may show. The list of
//! fields is fixed, so a typo is caught by validation instead of showing
//! `{{subscriber.nmae}}` to every subscriber. The phone mock fills them from
//! a sample subscriber that the designer can edit.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One field a template may name, with what the designer's picker calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub struct TemplateField {
    pub name: &'static str,
    pub zh_cn: &'static str,
    pub en: &'static str,
}

const fn field(name: &'static str, zh_cn: &'static str, en: &'static str) -> TemplateField {
    TemplateField { name, zh_cn, en }
}

/// Every field, in the order the designer's field picker lists them.
pub const TEMPLATE_FIELDS: &[TemplateField] = &[
    field("subscriber.name", "用户姓名", "Subscriber name"),
    field("subscriber.id", "用户 ID", "Subscriber id"),
    field("subscriber.level", "会员等级", "Member level"),
    field("card.last4", "卡号后四位", "Card, last 4 digits"),
    field("card.masked_number", "卡号（掩码）", "Card number, masked"),
    field("statement.month", "账单月份", "Statement month"),
    field("statement.amount", "本期应还", "Statement amount"),
    field("statement.min_payment", "最低还款", "Minimum payment"),
    field("statement.due_date", "最后还款日", "Due date"),
    field("points.balance", "积分/里程", "Points or miles"),
    field("coupons.count", "可用优惠券", "Coupons available"),
    field("flight.number", "航班号", "Flight number"),
    field("flight.date", "航班日期", "Flight date"),
    field("order.latest_status", "最新订单状态", "Latest order status"),
];

pub fn is_known_field(name: &str) -> bool {
    TEMPLATE_FIELDS.iter().any(|field| field.name == name)
}

/// The values the phone mock shows for each field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleSubscriber {
    pub name: String,
    pub id: String,
    pub level: String,
    pub card_last4: String,
    pub card_masked_number: String,
    pub statement_month: String,
    pub statement_amount: String,
    pub statement_min_payment: String,
    pub statement_due_date: String,
    pub points_balance: String,
    pub coupons_count: String,
    pub flight_number: String,
    pub flight_date: String,
    pub order_latest_status: String,
}

impl Default for SampleSubscriber {
    fn default() -> Self {
        Self {
            name: "张三".into(),
            id: "2088102146225135".into(),
            level: "金卡会员".into(),
            card_last4: "8848".into(),
            card_masked_number: "6225 **** **** 8848".into(),
            statement_month: "2024年5月".into(),
            statement_amount: "3280.50".into(),
            statement_min_payment: "328.05".into(),
            statement_due_date: "6月25日".into(),
            points_balance: "12560".into(),
            coupons_count: "3".into(),
            flight_number: "MU5101".into(),
            flight_date: "6月18日".into(),
            order_latest_status: "已发货".into(),
        }
    }
}

impl SampleSubscriber {
    /// The sample's value of a field; `None` for a field not in the list.
    pub fn value(&self, field: &str) -> Option<&str> {
        let value = match field {
            "subscriber.name" => &self.name,
            "subscriber.id" => &self.id,
            "subscriber.level" => &self.level,
            "card.last4" => &self.card_last4,
            "card.masked_number" => &self.card_masked_number,
            "statement.month" => &self.statement_month,
            "statement.amount" => &self.statement_amount,
            "statement.min_payment" => &self.statement_min_payment,
            "statement.due_date" => &self.statement_due_date,
            "points.balance" => &self.points_balance,
            "coupons.count" => &self.coupons_count,
            "flight.number" => &self.flight_number,
            "flight.date" => &self.flight_date,
            "order.latest_status" => &self.order_latest_status,
            _ => return None,
        };
        Some(value)
    }
}

/// Replaces every known `{{field}}` with the sample's value. Unknown fields
/// and stray braces stay as they are, so a mistake is visible in the mock.
pub fn fill(text: &str, sample: &SampleSubscriber) -> String {
    let mut filled = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(text) => filled.push_str(text),
            Piece::Field { name, raw } => filled.push_str(sample.value(name).unwrap_or(raw)),
        }
    }
    filled
}

/// The field names a text uses, known or not, in order of appearance.
pub fn fields_used(text: &str) -> Vec<&str> {
    pieces(text)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Field { name, .. } => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// A `{{` that opens no well-formed field (`{{subscriber.name}`, `{{ }}`).
pub fn has_malformed_template(text: &str) -> bool {
    pieces(text).into_iter().any(|piece| match piece {
        Piece::Text(text) => text.contains("{{"),
        Piece::Field { .. } => false,
    })
}

/// The text is exactly one field (spaces around allowed), e.g. an amount.
pub(crate) fn single_field(text: &str) -> Option<&str> {
    match pieces(text.trim())[..] {
        [Piece::Field { name, .. }] => Some(name),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    /// `name` is trimmed; `raw` is the placeholder as written.
    Field {
        name: &'a str,
        raw: &'a str,
    },
}

/// Splits a text into literal runs and `{{ name }}` placeholders. A `{{`
/// whose content is no field name stays literal.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    pieces_counted(text, &mut 0)
}

/// `pieces` in one pass, counting in `steps` every byte or character it
/// looks at. A placeholder is read only as far as the first character that
/// cannot be in one, and no `{` can, so no byte is read by more than two
/// attempts: `{{{{…` or `{{ ` over and over take linear work, not quadratic.
fn pieces_counted<'a>(text: &'a str, steps: &mut usize) -> Vec<Piece<'a>> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut literal_start = 0;
    let mut cursor = 0;
    while cursor + 1 < bytes.len() {
        *steps += 1;
        if bytes[cursor] != b'{' || bytes[cursor + 1] != b'{' {
            cursor += 1;
            continue;
        }
        let open = cursor;
        if let Some((name, end)) = placeholder(text, open + 2, steps) {
            if literal_start < open {
                pieces.push(Piece::Text(&text[literal_start..open]));
            }
            pieces.push(Piece::Field { name, raw: &text[open..end] });
            literal_start = end;
            cursor = end;
        } else {
            // `{` is one byte, so this stays on a character boundary.
            cursor = open + 1;
        }
    }
    if literal_start < text.len() {
        pieces.push(Piece::Text(&text[literal_start..]));
    }
    pieces
}

/// The placeholder whose body starts at byte `start` (just after `{{`): its
/// trimmed name and the byte after its `}}`, if the body up to the first
/// `}}` is a field name with spaces around. Gives up at the first character
/// that rules that out (a `{`, a lone `}`, a space inside the name, any
/// other character), so it never reads past where the caller's scan would
/// find the next `{{`.
fn placeholder<'a>(text: &'a str, start: usize, steps: &mut usize) -> Option<(&'a str, usize)> {
    let mut name_start = None;
    let mut name_end = None;
    for (offset, c) in text.get(start..)?.char_indices() {
        *steps += 1;
        let at = start + offset;
        if c == '}' {
            if text.as_bytes().get(at + 1) != Some(&b'}') {
                return None;
            }
            let name = name_start.map_or("", |from| &text[from..name_end.unwrap_or(at)]);
            return is_field_name(name).then_some((name, at + 2));
        }
        if c.is_whitespace() {
            if name_start.is_some() && name_end.is_none() {
                name_end = Some(at);
            }
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.' {
            if name_end.is_some() {
                return None; // A space inside the name.
            }
            name_start.get_or_insert(at);
        } else {
            return None;
        }
    }
    None
}

/// `word(.word)*` in lower-case ASCII, digits and `_`.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_field_has_a_sample_value() {
        let sample = SampleSubscriber::default();
        for field in TEMPLATE_FIELDS {
            let value = sample.value(field.name);
            assert!(value.is_some_and(|v| !v.is_empty()), "the default sample has a value for {}", field.name);
            assert!(is_field_name(field.name), "{} is a well-formed field name", field.name);
        }
    }

    #[test]
    fn fill_replaces_known_fields_with_the_sample() {
        let sample = SampleSubscriber::default();
        assert_eq!(
            fill("您好，{{subscriber.name}}！尾号 {{ card.last4 }}", &sample),
            "您好，张三！尾号 8848",
            "known fields are filled, spaces inside the braces allowed"
        );
        assert_eq!(fill("无模板的文字", &sample), "无模板的文字", "text without templates is unchanged");
        assert_eq!(fill("", &sample), "", "empty text stays empty");
    }

    #[test]
    fn fill_leaves_unknown_fields_and_stray_braces_visible() {
        let sample = SampleSubscriber::default();
        assert_eq!(
            fill("{{subscriber.nmae}} / {{subscriber.name}", &sample),
            "{{subscriber.nmae}} / {{subscriber.name}",
            "a misspelt field and an unclosed one are shown as written"
        );
        assert_eq!(
            fill("{{{subscriber.name}}}", &sample),
            "{张三}",
            "extra braces around a field stay as literal braces"
        );
        assert_eq!(fill("{{张三}}", &sample), "{{张三}}", "non-field content between braces is literal");
    }

    #[test]
    fn fill_uses_edited_sample_values() {
        let sample = SampleSubscriber { name: "李四".into(), ..SampleSubscriber::default() };
        assert_eq!(fill("{{subscriber.name}}", &sample), "李四", "the edited sample name is shown");
    }

    #[test]
    fn fields_used_lists_known_and_unknown_fields_in_order() {
        assert_eq!(
            fields_used("{{card.last4}} {{nope.field}} {{card.last4}} {{ bad"),
            vec!["card.last4", "nope.field", "card.last4"],
            "every placeholder is listed, unclosed ones are not"
        );
        assert!(fields_used("").is_empty(), "empty text uses no fields");
    }

    #[test]
    fn malformed_templates_are_detected() {
        assert!(has_malformed_template("{{subscriber.name}"), "a missing closing brace is malformed");
        assert!(has_malformed_template("{{ }}"), "an empty placeholder is malformed");
        assert!(!has_malformed_template("{{subscriber.name}} 元"), "a well-formed field is fine");
        assert!(!has_malformed_template("{a} }}"), "single braces and a lone closing pair are fine");
    }

    #[test]
    fn single_field_recognises_a_text_that_is_only_a_field() {
        assert_eq!(single_field(" {{statement.amount}} "), Some("statement.amount"), "one field with spaces around");
        assert_eq!(single_field("¥{{statement.amount}}"), None, "a field with text around is not a single field");
    }

    /// Work done on a text that is nothing but opening braces, or a
    /// placeholder opened again and again and never closed: at most a few
    /// looks per byte, so a long title cannot stall whoever scans it.
    #[test]
    fn scanning_is_linear_in_the_length_of_the_text() {
        let shapes: [(&str, &str); 5] = [("{", ""), ("{{ ", ""), ("{{a", ""), ("{{subscriber", "}}"), ("{{   ", " }}")];
        for (unit, tail) in shapes {
            let mut per_byte = Vec::new();
            for size in [100_000, 1_000_000] {
                let text = format!("{}{tail}", unit.repeat(size / unit.len()));
                let mut steps = 0;
                let pieces = pieces_counted(&text, &mut steps);
                assert!(!pieces.is_empty(), "the text is scanned");
                assert!(
                    steps <= 3 * text.len(),
                    "{unit:?} x {size}: {steps} steps for {} bytes, more than 3 a byte",
                    text.len()
                );
                per_byte.push(steps as f64 / text.len() as f64);
            }
            assert!(
                per_byte[1] <= per_byte[0] * 1.1,
                "{unit:?}: work per byte stays the same from 100 kB to 1 MB ({per_byte:?})"
            );
        }
    }

    /// The scan before it was made linear, kept to check the new one against.
    fn reference_pieces(text: &str) -> Vec<Piece<'_>> {
        let mut pieces = Vec::new();
        let mut literal_start = 0;
        let mut cursor = 0;
        while let Some(found) = text[cursor..].find("{{") {
            let open = cursor + found;
            let body_start = open + 2;
            if let Some(body_len) = text[body_start..].find("}}") {
                let name = text[body_start..body_start + body_len].trim();
                if is_field_name(name) {
                    let end = body_start + body_len + 2;
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

    proptest::proptest! {
        #[test]
        fn the_linear_scan_splits_every_text_as_before(text in "[{} a._Z9\u{3000}\u{4e00}\n]{0,40}") {
            proptest::prop_assert_eq!(pieces(&text), reference_pieces(&text));
        }
    }
}
