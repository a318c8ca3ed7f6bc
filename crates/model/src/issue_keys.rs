//! Every issue key the Rust side can send to the UI, with the names of the
//! params it carries. The UI shows an issue as `issue.<key>` of its language
//! files, filled with those params; `make bindings` writes this list to
//! `ui/src/shared/issue-keys.json` and a UI test checks that both languages
//! have every key with every param. A test here reads the workspace's sources
//! and fails on a key that is sent but not listed, or listed but never sent.

use crate::platform::LengthUnit;

/// One key the UI has to translate, and the params its text may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueKey {
    pub key: &'static str,
    pub params: &'static [&'static str],
}

const fn k(key: &'static str, params: &'static [&'static str]) -> IssueKey {
    IssueKey { key, params }
}

const MAX_ACTUAL: &[&str] = &["max", "actual"];
const LENGTH: &[&str] = &["max", "actual", "unit"];
const RANGE: &[&str] = &["min", "max", "actual"];

/// The keys, grouped by where they come from.
pub const ISSUE_KEYS: &[IssueKey] = &[
    // Accounts (`account.rs`).
    k("account.name.required", &[]),
    k("account.name.too_short", &["min", "actual"]),
    k("account.name.too_long", MAX_ACTUAL),
    k("account.name.control_chars", &[]),
    k("account.category.too_long", MAX_ACTUAL),
    k("account.description.too_long", MAX_ACTUAL),
    k("account.avatar_color.invalid", &[]),
    k("account.id.invalid", &[]),
    k("account.settings.out_of_range", &["min", "max"]),
    // No browser opened for the subscriber page (the desktop app's command).
    k("account.subscriber_page.no_browser", &["url"]),
    // Broadcasts and segments (`broadcast.rs`, the server's fan-out).
    k("broadcast.id.invalid", &[]),
    k("broadcast.text.required", &[]),
    k("broadcast.text.too_long", MAX_ACTUAL),
    k("broadcast.image.required", &[]),
    k("broadcast.article.title_required", &[]),
    k("broadcast.article.link_invalid", &[]),
    k("broadcast.content.kind", &[]),
    k("broadcast.content.unsupported", &["platform", "kind"]),
    k("broadcast.schedule.past", &[]),
    k("broadcast.schedule.too_far", &[]),
    k("broadcast.wechat.segment_needs_tag", &[]),
    k("alipay.broadcast.refused", &[]),
    k("alipay.broadcast.unknown", &[]),
    k("alipay.broadcast.user_unknown", &[]),
    k("wechat.mass.recipients", &[]),
    k("wechat.mass.quota", &[]),
    k("wechat.mass.not_authorised", &[]),
    k("wechat.mass.refused", &[]),
    k("wechat.mass.preview_user", &[]),
    k("wechat.mass.tag_missing", &[]),
    k("wechat.mass.cover_unsuitable", &[]),
    k("segment.tags.too_many", MAX_ACTUAL),
    k("segment.platform.unknown", &[]),
    k("segment.range.empty", &[]),
    // Saved segments (`segment.rs`).
    k("segment.id.invalid", &[]),
    k("segment.name.required", &[]),
    k("segment.name.too_long", MAX_ACTUAL),
    k("segment.name.taken", &[]),
    k("segment.saved.too_many", &["max"]),
    // Broadcast drafts (`broadcast_draft.rs`).
    k("broadcast_draft.id.invalid", &[]),
    k("broadcast_draft.field.too_long", MAX_ACTUAL),
    k("broadcast_draft.saved.too_many", &["max"]),
    // Canned replies (`canned.rs`).
    k("canned.title.required", &[]),
    k("canned.title.too_long", MAX_ACTUAL),
    k("canned.body.required", &[]),
    k("canned.body.too_long", MAX_ACTUAL),
    k("canned.shortcut.required", &[]),
    k("canned.shortcut.too_long", MAX_ACTUAL),
    k("canned.shortcut.invalid_chars", &[]),
    k("canned.shortcut.taken", &["shortcut"]),
    // Automatic replies (`auto_reply.rs`): a rule's limits, per platform.
    k("auto_reply.id.invalid", &[]),
    k("auto_reply.name.required", &[]),
    k("auto_reply.name.too_long", MAX_ACTUAL),
    k("auto_reply.rules.too_many", &["max"]),
    k("auto_reply.keywords.required", &[]),
    k("auto_reply.keywords.too_many", MAX_ACTUAL),
    k("auto_reply.keyword.required", &[]),
    k("auto_reply.keyword.too_long", MAX_ACTUAL),
    k("auto_reply.click_key.required", &[]),
    k("auto_reply.scene.required", &[]),
    k("auto_reply.scene.too_long", MAX_ACTUAL),
    k("auto_reply.follow.taken", &[]),
    k("auto_reply.default.taken", &[]),
    k("auto_reply.quiet_minutes.out_of_range", &["min", "max"]),
    k("auto_reply.replies.required", &[]),
    k("auto_reply.replies.too_many", MAX_ACTUAL),
    k("auto_reply.template.unknown_field", &["field"]),
    k("auto_reply.image.unsupported", &[]),
    k("auto_reply.article.title_too_long", MAX_ACTUAL),
    k("auto_reply.article.description_too_long", MAX_ACTUAL),
    // Conversations, messages and the reply window (`conversation_rules.rs`,
    // `reply_window.rs`, the server's and the console's media).
    k("conversation.label.too_long", &["max"]),
    k("conversation.labels.too_many", &["max"]),
    k("subscriber.note.too_long", MAX_ACTUAL),
    k("subscriber.note.conflict", &[]),
    k("message.text.required", &[]),
    k("message.text.too_long", MAX_ACTUAL),
    k("message.field.too_long", LENGTH),
    k("message.article.not_from_subscribers", &[]),
    k("message.article.title_required", &[]),
    k("message.location.invalid", &[]),
    k("message.event.not_sendable", &[]),
    k("message.url.not_https", &[]),
    k("message.url.too_long", &["max"]),
    k("message.id.invalid", &[]),
    k("message.image.invalid", &[]),
    k("message.image.too_large", &["max"]),
    k("message.image.unreadable", &[]),
    k("message.image.not_image", &[]),
    k("reply_window.no_interaction", &[]),
    k("reply_window.expired", &[]),
    k("reply_window.quota_used", &[]),
    k("reply_window.daily_cap", &[]),
    // Platform adapters (the server's `platform/` and `wechat/`): a reply's
    // failed state, a connection's form.
    k("wechat.send.window_closed", &[]),
    k("wechat.send.quota", &[]),
    k("wechat.send.not_authorised", &[]),
    k("wechat.send.daily_limit", &[]),
    k("wechat.send.refused", &[]),
    k("wechat.send.unsupported", &[]),
    k("wechat.connection.missing", &[]),
    k("wechat.menu.too_many_buttons", &[]),
    k("wechat.menu.name_too_long", &[]),
    k("wechat.menu.bad_url", &[]),
    k("wechat.menu.refused", &[]),
    k("wechat.app_id.invalid", &[]),
    k("wechat.secret.required", &[]),
    k("wechat.app_secret.invalid", &[]),
    k("wechat.token.invalid", &[]),
    k("wechat.encoding_aes_key.invalid", &[]),
    k("alipay.app_id.invalid", &[]),
    k("alipay.key.required", &[]),
    // A malformed key, one key per kind of the parser's refusal.
    k("alipay.key.empty", &[]),
    k("alipay.key.not_base64", &[]),
    k("alipay.key.unclosed_pem", &[]),
    k("alipay.key.unsupported_pem", &["label"]),
    k("alipay.key.encrypted", &[]),
    k("alipay.key.not_rsa", &[]),
    k("alipay.key.public_not_private", &[]),
    k("alipay.key.private_not_public", &[]),
    k("alipay.key.inconsistent", &[]),
    k("alipay.key.too_short", &["bits", "min"]),
    k("alipay.key.too_long", &["bits", "max"]),
    k("alipay.key.own_public_key", &[]),
    // A refused gateway request, as the connection's last error (never the request's text).
    k("alipay.gateway.unreadable", &[]),
    k("alipay.gateway.unverified", &[]),
    k("alipay.gateway.other_app", &[]),
    k("alipay.gateway.keys_unusable", &[]),
    // An OpenAPI call without Alipay's verified answer (the connection test, the last error).
    k("alipay.call.refused", &[]),
    k("alipay.call.not_sent", &[]),
    k("alipay.call.no_answer", &[]),
    k("alipay.call.unverified", &[]),
    k("alipay.connection.missing", &[]),
    k("alipay.send.window_closed", &[]),
    k("alipay.send.quota", &[]),
    k("alipay.send.not_following", &[]),
    k("alipay.send.refused", &[]),
    k("alipay.send.unsupported", &[]),
    k("alipay.home.refused", &[]),
    k("alipay.home.invalid", &[]),
    k("alipay.home.unverified", &[]),
    k("alipay.import.area_not_h5", &["type"]),
    k("alipay.import.refused", &[]),
    k("platform.send.outcome_unknown", &[]),
    k("platform.send.unavailable", &[]),
    k("platform.call.unavailable", &[]),
    // Importing followers (`platform/import.rs`): why an import stopped.
    k("wechat.import.not_authorised", &[]),
    k("wechat.import.refused", &[]),
    k("wechat.import.account_gone", &[]),
    // Layouts (`layout/validate.rs`).
    k("layout.schema_version.unsupported", &["expected", "actual"]),
    k("layout.pages.too_many", MAX_ACTUAL),
    k("layout.page.title.required", &[]),
    k("layout.modules.too_many", MAX_ACTUAL),
    k("layout.extension_area.too_many", MAX_ACTUAL),
    k("layout.module.too_deep", MAX_ACTUAL),
    k("layout.module.home_top_level_only", &["kind"]),
    k("layout.module.required", &[]),
    k("layout.marketing.head.incomplete", &["missing"]),
    k("layout.menu.too_many_items", MAX_ACTUAL),
    k("layout.menu.submenu.empty", &[]),
    k("layout.menu.submenu.too_many_items", MAX_ACTUAL),
    k("layout.menu.label.required", &[]),
    k("layout.menu.label.too_long", LENGTH),
    k("layout.menu.url.too_long", LENGTH),
    k("layout.menu.key.too_long", LENGTH),
    k("layout.menu.key.forbidden_char", &["char"]),
    k("layout.template.not_allowed", &[]),
    k("layout.template.unknown_field", &["field"]),
    k("layout.template.malformed", &[]),
    k("layout.text.too_long", MAX_ACTUAL),
    k("layout.action.required", &[]),
    k("layout.action.page.missing", &["page_id"]),
    k("layout.action.keyword.reserved", &["prefix"]),
    k("layout.rule.wechat_only", &["type"]),
    k("layout.rule.menu_only", &["type"]),
    k("layout.id.required", &[]),
    k("layout.id.too_long", MAX_ACTUAL),
    k("layout.id.duplicate", &["id", "first"]),
    k("layout.image.wrong_size", &["width", "height", "actual_width", "actual_height"]),
    k("layout.phone.invalid", &[]),
    k("layout.amount.invalid", &[]),
    k("layout.value.out_of_range", RANGE),
    k("layout.items.too_few", RANGE),
    k("layout.items.too_many", RANGE),
    k("layout.url.invalid", &[]),
    k("layout.url.not_https", &[]),
    // Layout files (`layout/parse.rs`, the console's import).
    k("layout.parse.not_json", &["line", "column"]),
    k("layout.parse.not_a_layout", &["reason"]),
    k("layout.parse.too_new", &["actual", "max"]),
    k("layout.parse.migration_failed", &["from", "reason"]),
    k("layout.parse.invalid", &["reason"]),
    k("layout.file.unreadable", &["reason"]),
    k("layout.file.invalid", &[]),
    // A file path the native dialog did not return (the console's files).
    k("file.not_chosen", &[]),
    // A platform's menu brought in (`layout/platform_menu.rs`).
    k("layout.import.not_json", &["line", "column"]),
    k("layout.import.no_buttons", &[]),
    k("layout.import.matchrule.dropped", &["rule"]),
    k("layout.import.conditional.dropped", &["count"]),
    k("layout.import.not_an_object", &[]),
    k("layout.import.not_an_array", &[]),
    k("layout.import.too_deep", &[]),
    k("layout.import.field.missing", &["field"]),
    k("layout.import.field.ignored", &["field"]),
    k("layout.import.button.unsupported_type", &["type"]),
    k("layout.import.key.malformed", &[]),
    k("layout.import.key.needs_layout", &[]),
    k("layout.import.key.unknown", &[]),
    // Staff, sign-in and settings (server and console).
    k("staff.login.length", &["max"]),
    k("staff.password.too_short", &["min"]),
    k("staff.display_name.empty", &[]),
    k("staff.display_name.too_long", &["max"]),
    k("sign_in.display_name.too_long", &["max"]),
    k("settings.server_url.invalid", &[]),
    k("sign_in.server_url.plain_http", &["host"]),
    // A console's client id used by another staff member (the server's sync).
    k("sync.client_id.taken", &[]),
    // A pushed change the server cannot judge (from a newer console), one
    // whose number it saw with other content, and a console and server that
    // speak different versions of the sync protocol.
    k("sync.mutation.unreadable", &[]),
    k("sync.mutation.number_reused", &[]),
    k("sync.protocol.mismatch", &["console", "server"]),
];

/// The values of the `unit` param (`LengthUnit::as_str`), which the UI
/// translates too.
pub fn length_units() -> Vec<&'static str> {
    // A new unit fails to compile here until it is listed.
    let listed = |unit: LengthUnit| match unit {
        LengthUnit::Chars | LengthUnit::Utf8Bytes | LengthUnit::GbkBytes => unit.as_str(),
    };
    [LengthUnit::Chars, LengthUnit::Utf8Bytes, LengthUnit::GbkBytes].into_iter().map(listed).collect()
}

/// The list as the UI reads it: `{"keys": {key: [params]}, "units": [...]}`.
pub fn issue_keys_json() -> String {
    let keys: serde_json::Map<String, serde_json::Value> =
        ISSUE_KEYS.iter().map(|k| (k.key.to_owned(), serde_json::json!(k.params))).collect();
    let value = serde_json::json!({ "keys": keys, "units": length_units() });
    // A Value's alternate form is serde_json's pretty printing, and cannot fail.
    format!("{value:#}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// The sources that build the console and the server, without tests.
    fn sources() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("src-tauri/src")];
        for entry in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != "e2e" && name != "bench" {
                dirs.push(entry.path().join("src"));
            }
        }
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    if name != "tests" {
                        dirs.push(path);
                    }
                } else if name.ends_with(".rs") && !name.ends_with("tests.rs") && name != "issue_keys.rs" {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // A file's unit tests come last, after `#[cfg(test)]`.
                    let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
                    files.push((path, code));
                }
            }
        }
        files
    }

    /// Alipay's API method names (`alipay.open.public.menu.create`,
    /// `alipay.service.check`, …) share the `alipay` namespace's shape but are
    /// no issue keys: their second part names one of Alipay's API families.
    fn is_alipay_method(parts: &[&str]) -> bool {
        const FAMILIES: &[&str] = &["open", "mobile", "service", "offline", "system", "user", "trade", "fund"];
        parts.len() >= 3 && parts[0] == "alipay" && FAMILIES.contains(&parts[1])
    }

    /// Every string literal in `code` that is shaped like a key of one of
    /// the `namespaces` (`a.b` or longer, lower case), with where it starts.
    fn key_literals(code: &str, namespaces: &BTreeSet<&str>) -> Vec<(usize, String)> {
        // Every quote is tried as an opening one, so an escaped quote or a
        // `'"'` elsewhere cannot hide a key.
        // Two-part keys exist only in some namespaces (`reply_window.expired`);
        // elsewhere `subscriber.name` or `settings.json` are no keys.
        let short: BTreeSet<&str> = ISSUE_KEYS
            .iter()
            .filter(|k| k.key.split('.').count() == 2)
            .filter_map(|k| k.key.split('.').next())
            .collect();
        let quotes: Vec<usize> = code.match_indices('"').map(|(at, _)| at).collect();
        quotes
            .windows(2)
            .filter_map(|pair| {
                let literal = &code[pair[0] + 1..pair[1]];
                let parts: Vec<&str> = literal.split('.').collect();
                let long_enough = parts.len() >= 3 || (parts.len() == 2 && short.contains(parts[0]));
                let shaped = long_enough
                    && parts.iter().all(|part| {
                        !part.is_empty()
                            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    });
                (shaped && namespaces.contains(parts[0]) && !is_alipay_method(&parts))
                    .then(|| (pair[0], literal.to_owned()))
            })
            .collect()
    }

    /// `.with("name"` calls right after a key, up to the end of its statement,
    /// block or match arm.
    fn params_after(code: &str, at: usize) -> Vec<String> {
        let tail = &code[at..];
        let end = [";", "}", "=>"].iter().filter_map(|stop| tail.find(stop)).min().unwrap_or(tail.len());
        let statement = &tail[..end.min(400)];
        statement.split(".with(\"").skip(1).filter_map(|call| call.split('"').next()).map(str::to_owned).collect()
    }

    #[test]
    fn every_key_the_sources_send_is_listed_and_every_listed_key_is_sent() {
        let listed: BTreeMap<&str, &[&str]> = ISSUE_KEYS.iter().map(|k| (k.key, k.params)).collect();
        assert_eq!(listed.len(), ISSUE_KEYS.len(), "no key is listed twice");
        let namespaces: BTreeSet<&str> = ISSUE_KEYS.iter().filter_map(|k| k.key.split('.').next()).collect();
        let mut sent = BTreeSet::new();
        let mut problems = Vec::new();
        for (path, code) in sources() {
            for (at, key) in key_literals(&code, &namespaces) {
                match listed.get(key.as_str()) {
                    None => problems.push(format!("{}: `{key}` is sent but not in ISSUE_KEYS", path.display())),
                    Some(params) => {
                        for param in params_after(&code, at) {
                            if !params.contains(&param.as_str()) {
                                problems.push(format!(
                                    "{}: `{key}` is sent with param `{param}` that ISSUE_KEYS does not list",
                                    path.display()
                                ));
                            }
                        }
                    }
                }
                sent.insert(key);
            }
        }
        for key in listed.keys() {
            if !sent.contains(*key) {
                problems.push(format!("`{key}` is in ISSUE_KEYS but no source sends it"));
            }
        }
        assert!(problems.is_empty(), "issue keys out of step with the sources:\n{}", problems.join("\n"));
    }

    #[test]
    fn the_scan_sees_keys_and_their_params() {
        let namespaces = BTreeSet::from(["layout"]);
        let code = r#"x.push(Issue::new("", "layout.import.not_json").with("line", 1).with("column", 2)); "a.b.c"; "layout.json""#;
        let keys = key_literals(code, &namespaces);
        assert_eq!(keys.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), ["layout.import.not_json"]);
        assert_eq!(params_after(code, keys[0].0), ["line", "column"]);
    }

    #[test]
    fn alipay_method_names_are_no_issue_keys() {
        let namespaces = BTreeSet::from(["alipay"]);
        let code = r#"call("alipay.open.public.menu.create"); "alipay.service.check"; key("alipay.send.quota")"#;
        let keys = key_literals(code, &namespaces);
        assert_eq!(keys.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(), ["alipay.send.quota"]);
    }

    #[test]
    fn the_json_lists_every_key_with_its_params_and_every_unit() {
        let value: serde_json::Value = serde_json::from_str(&issue_keys_json()).unwrap();
        assert_eq!(value["keys"].as_object().unwrap().len(), ISSUE_KEYS.len());
        assert_eq!(value["keys"]["layout.import.not_json"], serde_json::json!(["line", "column"]));
        assert_eq!(value["units"], serde_json::json!(["chars", "utf8_bytes", "gbk_bytes"]));
    }
}
