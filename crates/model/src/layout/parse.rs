//! Reading a layout file of any schema version: the version is read first,
//! newer files are refused (an old Wicket must not drop what it does not
//! know), older ones are brought up to date one step at a time.

use serde_json::Value;

use super::types::Layout;
use crate::error::{ErrorCode, Issue, WicketError};
use crate::platform::wicket;

/// The schema version this Wicket writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Turns a document of version `n` into version `n + 1`. It need not touch
/// `schema_version`: the chain sets it after each step.
type Migration = fn(Value) -> Result<Value, String>;

/// `MIGRATIONS[i]` migrates version `i + 1` to `i + 2`. A v1→v2 change is
/// one function added here and `SCHEMA_VERSION` raised by one.
const MIGRATIONS: &[Migration] = &[];

const _: () = assert!(MIGRATIONS.len() + 1 == SCHEMA_VERSION as usize, "one migration per schema version step");

/// Why a file could not be read as a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutParseError {
    #[error("the file is not JSON (line {line}, column {column}): {message}")]
    NotJson { line: u32, column: u32, message: String },
    #[error("the file is not a Wicket layout: {reason}")]
    NotALayout { reason: String },
    #[error(
        "the layout has schema version {found}, newer than this Wicket reads ({supported}); update Wicket to open it"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("the layout could not be brought from schema version {from} to {}: {message}", from + 1)]
    Migration { from: u32, message: String },
    #[error("the layout is invalid at `{path}`: {message}")]
    Invalid { path: String, message: String },
    #[error("the text at `{path}` is too long: at most {max} characters (it has {actual})")]
    TooLong { path: String, max: usize, actual: usize },
}

impl LayoutParseError {
    /// The error as an issue the UI can translate.
    pub fn issue(&self) -> Issue {
        match self {
            LayoutParseError::NotJson { line, column, .. } => {
                Issue::new("", "layout.parse.not_json").with("line", line).with("column", column)
            }
            LayoutParseError::NotALayout { reason } => {
                Issue::new("", "layout.parse.not_a_layout").with("reason", reason)
            }
            LayoutParseError::TooNew { found, supported } => {
                Issue::new("schema_version", "layout.parse.too_new").with("actual", found).with("max", supported)
            }
            LayoutParseError::Migration { from, message } => {
                Issue::new("schema_version", "layout.parse.migration_failed").with("from", from).with("reason", message)
            }
            LayoutParseError::Invalid { path, message } => {
                Issue::new(path.clone(), "layout.parse.invalid").with("reason", message)
            }
            LayoutParseError::TooLong { path, max, actual } => too_long(path, *max, *actual),
        }
    }
}

impl From<LayoutParseError> for WicketError {
    fn from(error: LayoutParseError) -> Self {
        WicketError { code: ErrorCode::Invalid, message: error.to_string(), issues: vec![error.issue()] }
    }
}

/// The column of a JSON error in characters, as a person counts them in
/// their editor: serde_json counts bytes, so each Chinese character before
/// the error would add three.
pub(crate) fn char_column(text: &str, error: &serde_json::Error) -> usize {
    let Some(line) = error.line().checked_sub(1).and_then(|n| text.split('\n').nth(n)) else {
        return error.column();
    };
    let mut end = error.column().min(line.len());
    while !line.is_char_boundary(end) {
        end += 1;
    }
    line[..end].chars().count()
}

/// Reads a layout file, migrating an older schema version.
pub fn parse_layout(json: &str) -> Result<Layout, LayoutParseError> {
    let value: Value = serde_json::from_str(json).map_err(|error| LayoutParseError::NotJson {
        line: u32::try_from(error.line()).unwrap_or(u32::MAX),
        column: u32::try_from(char_column(json, &error)).unwrap_or(u32::MAX),
        message: error.to_string(),
    })?;
    let version = schema_version(&value)?;
    if version > SCHEMA_VERSION {
        return Err(LayoutParseError::TooNew { found: version, supported: SCHEMA_VERSION });
    }
    let value = migrate(value, version, MIGRATIONS)?;
    if let Some((path, max, actual)) = overlong_texts(&value).into_iter().next() {
        return Err(LayoutParseError::TooLong { path, max, actual });
    }
    serde_path_to_error::deserialize(value)
        .map_err(|error| LayoutParseError::Invalid { path: dotted(error.path()), message: error.inner().to_string() })
}

/// The issue of a layout text longer than `platform::wicket` allows.
pub(crate) fn too_long(path: &str, max: usize, actual: usize) -> Issue {
    Issue::new(path, "layout.text.too_long").with("max", max).with("actual", actual)
}

/// Every text of a layout document longer than its field allows
/// (`platform::wicket::layout_text_max_chars`), as `(path, max, actual)`. A text in a list counts as its list's field.
pub(crate) fn overlong_texts(value: &Value) -> Vec<(String, usize, usize)> {
    fn walk(value: &Value, field: &str, path: &mut Vec<String>, found: &mut Vec<(String, usize, usize)>) {
        match value {
            Value::String(text) => {
                let max = wicket::layout_text_max_chars(field);
                let actual = text.chars().count();
                if actual > max {
                    found.push((path.join("."), max, actual));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(index.to_string());
                    walk(item, field, path, found);
                    path.pop();
                }
            }
            Value::Object(object) => {
                for (key, item) in object {
                    path.push(key.clone());
                    walk(item, key, path, found);
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let mut found = Vec::new();
    walk(value, "", &mut Vec::new(), &mut found);
    found
}

fn schema_version(value: &Value) -> Result<u32, LayoutParseError> {
    let not_a_layout = |reason: &str| LayoutParseError::NotALayout { reason: reason.to_owned() };
    let object = value.as_object().ok_or_else(|| not_a_layout("it is not a JSON object"))?;
    let version = object.get("schema_version").ok_or_else(|| not_a_layout("it has no schema_version"))?;
    match version.as_u64().map(u32::try_from) {
        Some(Ok(version)) if version >= 1 => Ok(version),
        _ => Err(not_a_layout("schema_version is not a version number")),
    }
}

/// Runs the steps of `chain` from `from` to the newest version.
fn migrate(mut value: Value, from: u32, chain: &[Migration]) -> Result<Value, LayoutParseError> {
    let first = usize::try_from(from.saturating_sub(1)).unwrap_or(usize::MAX);
    for (index, step) in chain.iter().enumerate().skip(first) {
        let step_from = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let failed = |message: String| LayoutParseError::Migration { from: step_from, message };
        value = step(value).map_err(failed)?;
        value
            .as_object_mut()
            .ok_or_else(|| failed("the step returned no JSON object".to_owned()))?
            .insert("schema_version".to_owned(), Value::from(step_from + 1));
    }
    Ok(value)
}

/// `modules[3].props` → `modules.3.props`, the form `Issue` paths take.
fn dotted(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> Result<Layout, LayoutParseError> {
        parse_layout(&value.to_string())
    }

    fn empty_v1() -> Value {
        json!({"schema_version": 1, "modules": [], "pages": [], "menu": {"items": []}})
    }

    #[test]
    fn an_empty_current_layout_parses() {
        assert_eq!(parse(empty_v1()), Ok(Layout::default()), "an empty v1 layout is the default layout");
    }

    #[test]
    fn broken_json_says_where() {
        let error = parse_layout("{\"schema_version\": 1,\n  \"modules\": [").unwrap_err();
        assert!(
            matches!(error, LayoutParseError::NotJson { line: 2, .. }),
            "a truncated file is not JSON, on line 2: {error:?}"
        );
        assert_eq!(error.issue().key, "layout.parse.not_json", "the issue key names the problem");
        assert!(matches!(parse_layout(""), Err(LayoutParseError::NotJson { .. })), "an empty file is not JSON");
    }

    #[test]
    fn foreign_json_is_not_a_layout() {
        for foreign in [
            json!([1, 2]),
            json!({"button": []}),
            json!({"schema_version": "1"}),
            json!({"schema_version": 0}),
            json!({"schema_version": -1}),
            json!({"schema_version": 1.5}),
            json!({"schema_version": 5_000_000_000u64}),
        ] {
            assert!(
                matches!(parse(foreign.clone()), Err(LayoutParseError::NotALayout { .. })),
                "{foreign} is not a Wicket layout"
            );
        }
    }

    #[test]
    fn a_newer_version_is_refused_with_both_versions() {
        let mut newer = empty_v1();
        newer["schema_version"] = json!(SCHEMA_VERSION + 1);
        newer["something_new"] = json!(true);
        let error = parse(newer).unwrap_err();
        assert_eq!(
            error,
            LayoutParseError::TooNew { found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION },
            "a newer file is refused before its content is read"
        );
        assert!(error.to_string().contains("update Wicket"), "the message tells what to do");
        let wicket: WicketError = error.into();
        assert_eq!(wicket.code, ErrorCode::Invalid, "it crosses the IPC as an invalid input");
    }

    #[test]
    fn unknown_fields_are_refused_with_their_path() {
        let mut layout = empty_v1();
        layout["colour"] = json!("red");
        let error = parse(layout).unwrap_err();
        assert!(
            matches!(&error, LayoutParseError::Invalid { message, .. } if message.contains("colour")),
            "an unknown top-level field is named: {error:?}"
        );

        let mut layout = empty_v1();
        layout["modules"] = json!([{"id": "m1", "props": {"kind": "spacer", "height": 8}},
                                   {"id": "m2", "props": {"kind": "notice", "text": "x", "action": null, "colour": 1}}]);
        let error = parse(layout).unwrap_err();
        match &error {
            LayoutParseError::Invalid { path, message } => {
                assert!(path.starts_with("modules.1"), "the path points at the second module: {path}");
                assert!(message.contains("colour"), "the message names the field: {message}");
            }
            other => panic!("expected an invalid layout, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_type_deep_in_the_menu_has_a_dotted_path() {
        let mut layout = empty_v1();
        layout["menu"] = json!({"items": [{"id": "a", "label": 5, "target": {"kind": "action", "action": {"type": "open_conversation"}}}]});
        let error = parse(layout).unwrap_err();
        assert_eq!(error.issue().path, "menu.items.0.label", "the issue points at the label: {error:?}");
    }

    #[test]
    fn an_unknown_module_kind_is_invalid() {
        let mut layout = empty_v1();
        layout["modules"] = json!([{"id": "m1", "props": {"kind": "video"}}]);
        assert!(
            matches!(parse(layout), Err(LayoutParseError::Invalid { .. })),
            "a module kind Wicket does not know is refused"
        );
    }

    #[test]
    fn the_migration_chain_runs_every_step_from_the_files_version() {
        fn add_a(mut value: Value) -> Result<Value, String> {
            value["steps"].as_array_mut().ok_or("no steps")?.push(json!("1to2"));
            Ok(value)
        }
        fn add_b(mut value: Value) -> Result<Value, String> {
            value["steps"].as_array_mut().ok_or("no steps")?.push(json!("2to3"));
            Ok(value)
        }
        let chain: &[Migration] = &[add_a, add_b];
        let from_v1 = migrate(json!({"schema_version": 1, "steps": []}), 1, chain).unwrap();
        assert_eq!(
            from_v1,
            json!({"schema_version": 3, "steps": ["1to2", "2to3"]}),
            "a v1 file goes through both steps and ends at v3"
        );
        let from_v2 = migrate(json!({"schema_version": 2, "steps": []}), 2, chain).unwrap();
        assert_eq!(from_v2, json!({"schema_version": 3, "steps": ["2to3"]}), "a v2 file skips the first step");
        let failed = migrate(json!({"schema_version": 1}), 1, chain).unwrap_err();
        assert_eq!(
            failed,
            LayoutParseError::Migration { from: 1, message: "no steps".into() },
            "a failing step is reported with the version it started from"
        );
    }

    #[test]
    fn a_json_error_is_placed_in_characters_not_bytes() {
        let text = "{\n  \"name\": \"招商银行\" \"x\": 1\n}";
        let LayoutParseError::NotJson { line, column, .. } = parse_layout(text).unwrap_err() else {
            panic!("broken JSON is reported as such");
        };
        let ascii = parse_layout("{\n  \"name\": \"abcd\" \"x\": 1\n}").unwrap_err();
        let LayoutParseError::NotJson { column: ascii_column, .. } = ascii else { panic!("broken JSON") };
        assert_eq!((line, column), (2, ascii_column), "four Chinese characters count as four, as in an editor");
    }

    #[test]
    fn a_text_over_its_fields_bound_is_refused_with_its_path_and_figures() {
        let mut layout = empty_v1();
        let long_title = "{".repeat(1_000_000);
        layout["modules"] = json!([{"id": "m1", "props": {"kind": "notice", "text": "x", "action": null}},
                                   {"id": "m2", "props": {"kind": "group", "title": long_title, "children": []}}]);
        let error = parse(layout).unwrap_err();
        assert_eq!(
            error,
            LayoutParseError::TooLong {
                path: "modules.1.props.title".into(),
                max: wicket::LAYOUT_OTHER_TEXT_MAX_CHARS,
                actual: 1_000_000
            },
            "a 1 MB title is refused before it is read as a layout"
        );
        let issue = error.issue();
        assert_eq!(issue.key, "layout.text.too_long", "the issue names the problem");
        assert_eq!(issue.path, "modules.1.props.title", "and where it is");
        let wicket: WicketError = error.into();
        assert_eq!(wicket.code, ErrorCode::Invalid, "it crosses as an invalid input");

        let mut layout = empty_v1();
        let text = "通".repeat(wicket::layout_text_max_chars("text"));
        layout["modules"] = json!([{"id": "m1", "props": {"kind": "notice", "text": text, "action": null}}]);
        assert!(parse(layout.clone()).is_ok(), "a text at its bound, counted in characters, is read");
        layout["modules"][0]["props"]["text"] = json!(format!("{text}。"));
        assert!(
            matches!(parse(layout), Err(LayoutParseError::TooLong { max: 1000, actual: 1001, .. })),
            "one character more is refused"
        );
    }
}
