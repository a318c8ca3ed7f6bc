//! The checks of `POST /cgi-bin/menu/create` (PLATFORM-RULES.md §1.1, WX-MENU; codes from WeChat's
//! global return codes, 全局返回码, as developers report them for this API).

use serde_json::Value;

use crate::error::WxError;

/// 1–3 first-level buttons (§1.1 "First-level buttons", WX-MENU).
pub const MAX_TOP_BUTTONS: usize = 3;
/// 1–5 sub-buttons (§1.1 "Sub-buttons per first-level button").
pub const MAX_SUB_BUTTONS: usize = 5;
/// Name bytes, UTF-8 (§1.1 "`name` length (API check)", WX-MENU, WX-CMENU).
pub const TOP_NAME_MAX_BYTES: usize = 16;
pub const SUB_NAME_MAX_BYTES: usize = 60;
/// `key` ≤ 128 bytes, `url` ≤ 1024 bytes (§1.1, WX-MENU).
pub const KEY_MAX_BYTES: usize = 128;
pub const URL_MAX_BYTES: usize = 1024;

/// The button types the API accepts (§1.1 "Button types (API)", WX-CMENU enum, WxJava MenuButtonType).
const KEY_TYPES: &[&str] = &[
    "click",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
];

/// Which level a button sits at: WeChat has a code of each kind per level.
#[derive(Clone, Copy)]
enum Level {
    Top,
    Sub,
}

fn err(level: Level, top: (i64, &str), sub: (i64, &str)) -> WxError {
    match level {
        Level::Top => WxError::new(top.0, top.1),
        Level::Sub => WxError::new(sub.0, sub.1),
    }
}

/// Checks a menu as WeChat's create API does; `Ok` means WeChat would publish it.
pub fn check_menu(menu: &Value) -> Result<(), WxError> {
    let buttons = menu.get("button").and_then(Value::as_array).ok_or_else(WxError::data_format)?;
    // 40016 invalid button size: 1–3 first-level buttons.
    if buttons.is_empty() || buttons.len() > MAX_TOP_BUTTONS {
        return Err(WxError::new(40016, "invalid button size"));
    }
    for button in buttons {
        let button = button.as_object().ok_or_else(WxError::data_format)?;
        check_name(button, Level::Top)?;
        match button.get("sub_button") {
            // `menu/get` gives every leaf an empty sub_button, and SDKs send it back: a leaf.
            None | Some(Value::Null) => check_leaf(button, Level::Top)?,
            Some(Value::Array(subs)) if subs.is_empty() => check_leaf(button, Level::Top)?,
            // "type and sub_button are mutually exclusive" (WX-MENU): with sub-buttons the type is not read.
            Some(Value::Array(subs)) => {
                // 40023 invalid sub button size: 1–5 sub-buttons.
                if subs.len() > MAX_SUB_BUTTONS {
                    return Err(WxError::new(40023, "invalid sub button size"));
                }
                for sub in subs {
                    let sub = sub.as_object().ok_or_else(WxError::data_format)?;
                    check_name(sub, Level::Sub)?;
                    // Menus have two levels at most: 40022 invalid sub menu level.
                    if sub.get("sub_button").and_then(Value::as_array).is_some_and(|s| !s.is_empty()) {
                        return Err(WxError::new(40022, "invalid sub menu level"));
                    }
                    check_leaf(sub, Level::Sub)?;
                }
            }
            Some(_) => return Err(WxError::data_format()),
        }
    }
    Ok(())
}

type Object = serde_json::Map<String, Value>;

/// A string field: absent is `""`, any other JSON type is a format error.
fn text<'a>(button: &'a Object, field: &str) -> Result<&'a str, WxError> {
    match button.get(field) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(WxError::data_format()),
    }
}

/// 40018 invalid button name size (> 16 bytes, §1.1) / 40025 invalid sub button name size (> 60 bytes).
fn check_name(button: &Object, level: Level) -> Result<(), WxError> {
    let name = text(button, "name")?;
    let max = match level {
        Level::Top => TOP_NAME_MAX_BYTES,
        Level::Sub => SUB_NAME_MAX_BYTES,
    };
    if name.is_empty() || name.len() > max {
        return Err(err(level, (40018, "invalid button name size"), (40025, "invalid sub button name size")));
    }
    Ok(())
}

fn check_leaf(button: &Object, level: Level) -> Result<(), WxError> {
    let kind = text(button, "type")?;
    match kind {
        // Event types need `key`, ≤ 128 bytes: 40019 / 40026 invalid (sub) button key size.
        k if KEY_TYPES.contains(&k) => {
            let key = text(button, "key")?;
            if key.is_empty() || key.len() > KEY_MAX_BYTES {
                return Err(err(level, (40019, "invalid button key size"), (40026, "invalid sub button key size")));
            }
        }
        "view" => check_url(button, level)?,
        // `miniprogram` needs appid + pagepath + url (the fallback for old clients) (WX-MENU).
        // WeChat's code for a missing appid or pagepath is not documented: 47001 here.
        "miniprogram" => {
            check_url(button, level)?;
            if text(button, "appid")?.is_empty() || text(button, "pagepath")?.is_empty() {
                return Err(WxError::new(47001, "data format error: miniprogram needs appid and pagepath"));
            }
        }
        // `media_id` / `view_limited` need a permanent material's media_id (WX-MENU); the double
        // holds no permanent material, so it checks only that one is given (40007 invalid media_id).
        "media_id" | "view_limited" => {
            if text(button, "media_id")?.is_empty() {
                return Err(WxError::invalid_media_id());
            }
        }
        // `article_id` types need a published article_id (WX-MENU); code undocumented, 40007 here.
        "article_id" | "article_view_limited" => {
            if text(button, "article_id")?.is_empty() {
                return Err(WxError::new(40007, "invalid media_id: article_id is required"));
            }
        }
        // Missing, unknown, or one of the console-only types (text, img, photo, video, voice; §1.1).
        _ => return Err(err(level, (40017, "invalid button type"), (40024, "invalid sub button type"))),
    }
    Ok(())
}

/// `url` required and ≤ 1024 bytes: 40020 invalid button url size / 40027 invalid sub button url size;
/// a url that is not http(s) with a host: 40055 invalid button url domain / 40054 invalid sub button url domain.
fn check_url(button: &Object, level: Level) -> Result<(), WxError> {
    let url = text(button, "url")?;
    if url.is_empty() || url.len() > URL_MAX_BYTES {
        return Err(err(level, (40020, "invalid button url size"), (40027, "invalid sub button url size")));
    }
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let has_host = host.is_some_and(|rest| rest.split(['/', '?', '#']).next().is_some_and(|h| !h.is_empty()));
    if !has_host {
        return Err(err(level, (40055, "invalid button url domain"), (40054, "invalid sub button url domain")));
    }
    Ok(())
}

/// The menu as `get_current_selfmenu_info` shows it: sub-buttons wrapped as `{"list": [...]}`.
pub fn selfmenu_info(menu: &Value) -> Value {
    let buttons: Vec<Value> = menu
        .get("button")
        .and_then(Value::as_array)
        .map(|buttons| {
            buttons
                .iter()
                .map(|button| {
                    let mut button = button.clone();
                    if let Some(object) = button.as_object_mut() {
                        match object.remove("sub_button") {
                            Some(Value::Array(subs)) if !subs.is_empty() => {
                                object.remove("type");
                                object.insert("sub_button".into(), serde_json::json!({ "list": subs }));
                            }
                            _ => {}
                        }
                    }
                    button
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({ "is_menu_open": 1, "selfmenu_info": { "button": buttons } })
}

/// The menu as `menu/get` shows it: every leaf with an empty `sub_button`.
pub fn menu_get(menu: &Value) -> Value {
    let mut menu = menu.clone();
    if let Some(buttons) = menu.get_mut("button").and_then(Value::as_array_mut) {
        for button in buttons {
            let Some(object) = button.as_object_mut() else { continue };
            let leaf = object.get("sub_button").and_then(Value::as_array).is_none_or(|s| s.is_empty());
            if leaf {
                object.insert("sub_button".into(), Value::Array(Vec::new()));
            } else if let Some(subs) = object.get_mut("sub_button").and_then(Value::as_array_mut) {
                for sub in subs.iter_mut().filter_map(Value::as_object_mut) {
                    sub.insert("sub_button".into(), Value::Array(Vec::new()));
                }
            }
        }
    }
    serde_json::json!({ "menu": menu })
}
