//! The checks of the 生活号 APIs on their `biz_content`, each citing PLATFORM-RULES.md
//! (`../../shared/PLATFORM-RULES.md`) and the official SDK model it comes from (ALI-J2:
//! alipay-sdk-java-all `com.alipay.api.domain.*`). `Ok` means Alipay would take it.
//!
//! Field shapes and limits are Alipay's; the sub_codes of `40004 Business Failed` are the
//! double's own (Alipay publishes none for these APIs), named after the rule they enforce.

use serde_json::{Map, Value};

use crate::error::AliError;

type Object = Map<String, Value>;

/// Text menu: ≤ 4 first-level buttons, 3 when the 咨询反馈 switch is on (§1.2, §8 menu.maxTopLevel;
/// ALI-J2 `AlipayOpenPublicMenuCreateModel.button`).
pub const TEXT_MENU_MAX_TOP: usize = 4;
pub const TEXT_MENU_MAX_TOP_WITH_CHAT: usize = 3;
/// Icon menu: ≤ 80 first-level buttons, sub-menus ignored (§1.2; same model).
pub const ICON_MENU_MAX_TOP: usize = 80;
/// 1–5 sub-buttons (§1.2 "Sub-buttons"; ALI-J2 `ButtonObject.sub_button`).
pub const MAX_SUB_BUTTONS: usize = 5;
/// Names: text ≤ 9 CJK, icon ≤ 5 CJK, "编码格式为GBK": 18 / 10 GBK bytes (§1.2 "`name` length (current)";
/// ALI-J2 `ButtonObject.name`, `SubButton.name`).
pub const TEXT_NAME_MAX_GBK_BYTES: usize = 18;
pub const ICON_NAME_MAX_GBK_BYTES: usize = 10;
/// `action_param` ≤ 255 characters (§1.2; ALI-J2 `ButtonObject.action_param`).
pub const ACTION_PARAM_MAX_CHARS: usize = 255;
/// The action types (§1.2 "`action_type`", §8 menu.actionTypes).
pub const ACTION_TYPES: &[&str] = &["out", "link", "tel", "map", "consumption"];
/// Extension areas: ≤ 3 per set (§7; ALI-J2 `AlipayOpenPublicDefaultExtensionCreateModel`).
pub const MAX_EXTENSION_AREAS: usize = 3;
/// Extension height 200–500 px, an integer (§7; ALI-J2 `ExtensionArea.height`).
pub const EXTENSION_HEIGHT: std::ops::RangeInclusive<i64> = 200..=500;
/// Advert carousel items: the model says "大于1个，小于5个" (older copies "小于3个"); §7 open item 3
/// reads it loosely: 1–5 accepted (ALI-J2 `AlipayOpenPublicAdvertCreateModel.advert_items`).
pub const ADVERT_ITEMS: std::ops::RangeInclusive<usize> = 1..=5;
/// Marketing slot items: 4–8 (§7; ALI-J2 `AlipayOpenPublicTopicCreateModel.topic_items` "大于4个，小于8个").
pub const TOPIC_ITEMS: std::ops::RangeInclusive<usize> = 4..=8;
/// `link_type` of adverts and topics: HTTP (default) or APP (mini-program) (§7).
pub const LINK_TYPES: &[&str] = &["HTTP", "APP"];

/// The menu kind (`type`): `text` (default) or `icon` (§1.2 "Menu kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKind {
    Text,
    Icon,
}

impl MenuKind {
    /// The key Alipay gives the default menu: "文本菜单为“default”，icon菜单为“iconDefault”"
    /// (ALI-J2 `AlipayOpenPublicMenuCreateResponse.menu_key`).
    pub fn menu_key(self) -> &'static str {
        match self {
            MenuKind::Text => "default",
            MenuKind::Icon => "iconDefault",
        }
    }
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Object, AliError> {
    value.as_object().ok_or_else(|| AliError::parameter(format!("{what} must be a JSON object")))
}

/// A string field: absent or null is `""`, another JSON type is a shape error.
pub fn text<'a>(object: &'a Object, field: &str) -> Result<&'a str, AliError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(AliError::parameter(format!("{field} must be a string"))),
    }
}

fn required<'a>(object: &'a Object, field: &str, what: &str) -> Result<&'a str, AliError> {
    let value = text(object, field)?;
    if value.trim().is_empty() {
        return Err(AliError::parameter(format!("{what}: {field} is required")));
    }
    Ok(value)
}

/// A list field: absent or null is empty, another JSON type is a shape error.
fn list<'a>(object: &'a Object, field: &str) -> Result<&'a [Value], AliError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(AliError::parameter(format!("{field} must be a list"))),
    }
}

/// How many bytes `name` takes in GBK, or `None` when GBK cannot hold it.
pub fn gbk_len(name: &str) -> Option<usize> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(name);
    (!unmappable).then_some(bytes.len())
}

fn is_url(value: &str, schemes: &[&str]) -> bool {
    schemes.iter().any(|scheme| {
        value.strip_prefix(scheme).and_then(|rest| rest.strip_prefix("://")).is_some_and(|rest| {
            rest.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty() && !host.contains(' '))
        })
    })
}

// ---- menus (§1.2) ----

/// Checks a `alipay.open.public.menu.create` / `.modify` model; returns its kind.
pub fn check_menu(model: &Value, chat_switch_on: bool) -> Result<MenuKind, AliError> {
    let model = object(model, "biz_content")?;
    let kind = match text(model, "type")? {
        "" | "text" => MenuKind::Text,
        "icon" => MenuKind::Icon,
        other => return Err(AliError::parameter(format!("type {other:?} is not a menu type: text or icon"))),
    };
    let buttons = list(model, "button")?;
    if buttons.is_empty() {
        return Err(AliError::parameter("button is required: a menu has at least one first-level button"));
    }
    let max_top = match (kind, chat_switch_on) {
        (MenuKind::Icon, _) => ICON_MENU_MAX_TOP,
        (MenuKind::Text, true) => TEXT_MENU_MAX_TOP_WITH_CHAT,
        (MenuKind::Text, false) => TEXT_MENU_MAX_TOP,
    };
    if buttons.len() > max_top {
        let why = match (kind, chat_switch_on) {
            (MenuKind::Icon, _) => "an icon menu has at most 80 first-level buttons",
            (MenuKind::Text, true) => "with 咨询反馈 on, a text menu has at most 3 first-level buttons",
            (MenuKind::Text, false) => "a text menu has at most 4 first-level buttons",
        };
        return Err(AliError::business("MENU_TOP_BUTTONS_OUT_OF_LIMIT", format!("一级菜单个数超限: {why}")));
    }
    for button in buttons {
        let button = object(button, "button")?;
        check_name(button, kind)?;
        if kind == MenuKind::Icon {
            // Every node of an icon menu has an http(s) icon of 60×60 (ALI-J2 `ButtonObject.icon`).
            let icon = required(button, "icon", "an icon menu button")?;
            if !is_url(icon, &["http", "https"]) {
                return Err(AliError::parameter(
                    "icon must be an http(s) URL from alipay.offline.material.image.upload",
                ));
            }
        }
        let subs = list(button, "sub_button")?;
        // Icon menus ignore sub-menus ("最多有80个一级菜单(忽略二级菜单)").
        if subs.is_empty() || kind == MenuKind::Icon {
            check_action(button)?;
            continue;
        }
        if subs.len() > MAX_SUB_BUTTONS {
            return Err(AliError::business(
                "MENU_SUB_BUTTONS_OUT_OF_LIMIT",
                "二级菜单个数超限: a first-level button has 1 to 5 sub-buttons",
            ));
        }
        for sub in subs {
            let sub = object(sub, "sub_button")?;
            check_name(sub, kind)?;
            if !list(sub, "sub_button")?.is_empty() {
                return Err(AliError::parameter("menus have two levels at most"));
            }
            check_action(sub)?;
        }
    }
    Ok(kind)
}

fn check_name(button: &Object, kind: MenuKind) -> Result<(), AliError> {
    let name = required(button, "name", "a menu button")?;
    let max = match kind {
        MenuKind::Text => TEXT_NAME_MAX_GBK_BYTES,
        MenuKind::Icon => ICON_NAME_MAX_GBK_BYTES,
    };
    match gbk_len(name) {
        None => Err(AliError::parameter(format!("the menu name {name:?} has characters GBK cannot hold"))),
        Some(len) if len > max => Err(AliError::business(
            "MENU_NAME_TOO_LONG",
            format!("菜单名称过长: {name:?} is {len} GBK bytes, at most {max} ({} CJK characters)", max / 2),
        )),
        Some(_) => Ok(()),
    }
}

/// A leaf's `action_type` and `action_param` (§1.2; ALI-J2 `ButtonObject`, `SubButton`).
fn check_action(button: &Object) -> Result<(), AliError> {
    let kind = text(button, "action_type")?;
    if kind.is_empty() {
        return Err(AliError::parameter("a button without sub-buttons needs action_type and action_param"));
    }
    if !ACTION_TYPES.contains(&kind) {
        return Err(AliError::parameter(format!(
            "action_type {kind:?} is not one of out, link, tel, map, consumption"
        )));
    }
    let param = text(button, "action_param")?;
    // "当action_type为consumption时，该参数可不传".
    if param.is_empty() {
        if kind == "consumption" {
            return Ok(());
        }
        return Err(AliError::parameter(format!("action_type {kind} needs an action_param")));
    }
    let chars = param.chars().count();
    if chars > ACTION_PARAM_MAX_CHARS {
        return Err(AliError::business(
            "MENU_ACTION_PARAM_TOO_LONG",
            format!("action_param is {chars} characters, at most {ACTION_PARAM_MAX_CHARS}"),
        ));
    }
    // "不允许冒号等特殊字符" — except in a link's URL, whose scheme needs one (an inference: the
    // model says the param of a link "为url链接").
    if kind == "link" {
        if !is_url(param, &["http", "https", "alipays"]) {
            return Err(AliError::parameter(format!("a link's action_param must be a URL, not {param:?}")));
        }
    } else if param.contains(':') {
        return Err(AliError::business(
            "MENU_ACTION_PARAM_ILLEGAL",
            format!("action_param 不允许冒号等特殊字符: {param:?}"),
        ));
    }
    Ok(())
}

// ---- home modules (§7) ----

/// `alipay.open.public.default.extension.create`: `areas`, ≤ 3, each `type` h5 with an https
/// `url`, an integer `height` 200–500 and a `name` (ALI-J2 `ExtensionArea`; the `image` type and
/// `goto_url` are deprecated, §7).
pub fn check_extension_areas(model: &Value) -> Result<Vec<Value>, AliError> {
    let model = object(model, "biz_content")?;
    let areas = list(model, "areas")?;
    if areas.is_empty() {
        return Err(AliError::parameter("areas is required: 1 to 3 extension areas"));
    }
    if areas.len() > MAX_EXTENSION_AREAS {
        return Err(AliError::business("EXTENSION_AREAS_OUT_OF_LIMIT", "扩展区最多3个"));
    }
    for area in areas {
        let area = object(area, "an extension area")?;
        required(area, "name", "an extension area")?;
        match text(area, "type")? {
            "h5" => {}
            "image" => {
                return Err(AliError::business(
                    "EXTENSION_TYPE_NOT_SUPPORTED",
                    "the image extension type is no longer supported: use h5",
                ))
            }
            other => return Err(AliError::parameter(format!("extension type {other:?}: only h5"))),
        }
        let url = required(area, "url", "an extension area")?;
        if !is_url(url, &["https"]) {
            return Err(AliError::parameter(format!("extension url must start with https: {url:?}")));
        }
        let height = match area.get("height") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            _ => None,
        };
        match height {
            Some(h) if EXTENSION_HEIGHT.contains(&h) => {}
            Some(h) => {
                return Err(AliError::business(
                    "EXTENSION_HEIGHT_OUT_OF_RANGE",
                    format!("扩展区高度取值范围为200-500的整数, not {h}"),
                ))
            }
            None => return Err(AliError::parameter("height is required for an h5 area: an integer from 200 to 500")),
        }
    }
    Ok(areas.to_vec())
}

fn check_link_type(object: &Object) -> Result<(), AliError> {
    let link_type = text(object, "link_type")?;
    if !link_type.is_empty() && !LINK_TYPES.contains(&link_type) {
        return Err(AliError::parameter(format!("link_type {link_type:?}: HTTP or APP")));
    }
    Ok(())
}

fn check_image(object: &Object, what: &str) -> Result<(), AliError> {
    let url = required(object, "img_url", what)?;
    if !is_url(url, &["http", "https"]) {
        return Err(AliError::parameter(format!("{what}: img_url must be an http(s) URL, not {url:?}")));
    }
    Ok(())
}

/// `alipay.open.public.advert.create` / `.modify`: 1–5 `advert_items` with `img_url` (996×240),
/// `link_url` and an optional `link_type` (ALI-J2 `AdvertItem`, §7).
pub fn check_advert_items(model: &Value) -> Result<Vec<Value>, AliError> {
    let model = object(model, "biz_content")?;
    let items = list(model, "advert_items")?;
    if !ADVERT_ITEMS.contains(&items.len()) {
        return Err(AliError::business(
            "ADVERT_ITEMS_OUT_OF_LIMIT",
            format!("广告位轮播内容数量不合法: {} items, 1 to 5", items.len()),
        ));
    }
    for item in items {
        let item = object(item, "an advert item")?;
        check_image(item, "an advert item")?;
        check_link_type(item)?;
    }
    Ok(items.to_vec())
}

/// `alipay.open.public.topic.create` / `.modify`: 4–8 `topic_items` (title, img_url 300×300,
/// link_url, sub_title); the head image's `sub_title`, `img_url` and `link_url` all set or all
/// absent; `link_type` HTTP/APP (ALI-J2 `AlipayOpenPublicTopicCreateModel`, `TopicItem`, §7).
pub fn check_topic(model: &Value) -> Result<(), AliError> {
    let model = object(model, "biz_content")?;
    required(model, "title", "a marketing slot")?;
    check_link_type(model)?;
    let head: Vec<bool> = ["sub_title", "img_url", "link_url"]
        .iter()
        .map(|f| text(model, f).map(|v| !v.trim().is_empty()))
        .collect::<Result<_, _>>()?;
    if head.iter().any(|set| *set) && !head.iter().all(|set| *set) {
        return Err(AliError::business(
            "TOPIC_HEAD_IMAGE_INCOMPLETE",
            "营销位需要展示头图时，sub_title、img_url、link_url 必须都填写",
        ));
    }
    if head[1] {
        check_image(model, "a marketing slot's head image")?;
    }
    let items = list(model, "topic_items")?;
    if !TOPIC_ITEMS.contains(&items.len()) {
        return Err(AliError::business(
            "TOPIC_ITEMS_OUT_OF_LIMIT",
            format!("营销位内容数量不合法: {} items, 4 to 8", items.len()),
        ));
    }
    for item in items {
        let item = object(item, "a marketing slot item")?;
        required(item, "title", "a marketing slot item")?;
        check_image(item, "a marketing slot item")?;
        required(item, "link_url", "a marketing slot item")?;
    }
    Ok(())
}

// ---- custom send (§2.2, §4.2) ----

/// The message of `alipay.open.public.message.custom.send`, checked for shape (ALI-J2
/// `AlipayOpenPublicMessageCustomSendModel`, `Text`, `Article`); returns `to_user_id` and `msg_type`.
pub fn check_custom_message(model: &Value) -> Result<(String, String), AliError> {
    let model = object(model, "biz_content")?;
    let to = required(model, "to_user_id", "a custom message")?.to_owned();
    let msg_type = check_message_body(model)?;
    match text(model, "chat")? {
        "" | "0" | "1" => {}
        other => return Err(AliError::parameter(format!("chat {other:?}: 0 or 1"))),
    }
    match text(model, "event_type")? {
        "" | "follow" | "click" | "enter_ppchat" => {}
        other => return Err(AliError::parameter(format!("event_type {other:?}: follow, click or enter_ppchat"))),
    }
    Ok((to, msg_type))
}

/// Checks a `alipay.open.public.message.total.send` model (a message to every follower): `msg_type`
/// `text` with `text.content`, or `image-text` with `articles` (ALI-J2
/// `AlipayOpenPublicMessageTotalSendModel`: "当msg_type为text，必须设置该值", "当msg_type为image-text，该值必须设置";
/// PLATFORM-RULES §3.2). It names no user: a `to_user_id` is refused rather than ignored, so a
/// caller that meant a custom send finds out. Returns the `msg_type`.
pub fn check_total_message(model: &Value) -> Result<String, AliError> {
    let model = object(model, "biz_content")?;
    if !text(model, "to_user_id")?.is_empty() {
        return Err(AliError::parameter("total.send goes to every follower: to_user_id is not one of its fields"));
    }
    check_message_body(model)
}

/// A label send's `material` (ALI-J2 `Material`: "支持文本消息和图文消息"), the message part of
/// the send APIs.
pub fn check_material(material: &Value) -> Result<String, AliError> {
    check_message_body(object(material, "material")?)
}

/// The message part shared by the send APIs: `text` or `image-text` (§4.2 "Account → user").
fn check_message_body(model: &Object) -> Result<String, AliError> {
    let msg_type = text(model, "msg_type")?.to_owned();
    match msg_type.as_str() {
        "text" => {
            let content = model.get("text").and_then(Value::as_object).map(|t| text(t, "content")).transpose()?;
            if content.unwrap_or("").is_empty() {
                return Err(AliError::parameter("msg_type text needs text.content"));
            }
        }
        "image-text" => {
            let articles = list(model, "articles")?;
            if articles.is_empty() {
                return Err(AliError::parameter("msg_type image-text needs articles"));
            }
            for article in articles {
                let article = object(article, "an article")?;
                for field in ["title", "desc", "image_url", "url", "action_name"] {
                    text(article, field)?;
                }
                if text(article, "title")?.is_empty() && text(article, "desc")?.is_empty() {
                    return Err(AliError::parameter("an article needs a title or a desc"));
                }
            }
        }
        "" => return Err(AliError::parameter("msg_type is required: text or image-text")),
        // Only text and image-text go from an account to a user (§4.2 "Account → user"); a bare
        // image is declared but "纯图片消息，暂时不支持" (§3.2).
        other => return Err(AliError::parameter(format!("msg_type {other:?}: text or image-text"))),
    }
    Ok(msg_type)
}
