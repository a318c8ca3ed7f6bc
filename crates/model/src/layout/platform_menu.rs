//! The menu in each platform's own JSON (PLATFORM-RULES §1), and WeChat's
//! JSON read back into a menu.
//!
//! A keyword becomes the event key itself, so the platform's click event
//! reads like the subscriber typed it. Actions a platform has no button type
//! for become event keys that start with `WICKET_` and carry what the server
//! needs: `WICKET_CHAT`, `WICKET_PAGE_<page id>`, `WICKET_CALL_<phone>`,
//! `WICKET_MAP_<lat>_<lon>_<name>`, and `WICKET_PAY_<menu item id>` (an
//! amount template does not fit in a key, so the server looks the item up in
//! the published layout). Validation checks these keys against each
//! platform's limits, since they are what gets sent.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use specta::Type;

use super::types::{Action, Menu, MenuItem, MenuTarget, SubMenuItem, WechatEvent};
use crate::error::Issue;
use crate::platform::wicket;

/// Keywords may not start with this: a key that does is Wicket's own.
pub const RESERVED_KEY_PREFIX: &str = "WICKET_";
const CHAT_KEY: &str = "WICKET_CHAT";
const PAGE_PREFIX: &str = "WICKET_PAGE_";
const CALL_PREFIX: &str = "WICKET_CALL_";
const MAP_PREFIX: &str = "WICKET_MAP_";
const PAY_PREFIX: &str = "WICKET_PAY_";

/// A leaf of WeChat's menu (PLATFORM-RULES §1.1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WechatLeaf {
    /// `type: view` with this `url`.
    View(String),
    /// `type: click` with this `key`.
    Click(String),
    /// An event button (`scancode_push`, …) with this `key`.
    Event(WechatEvent, String),
    /// `type: miniprogram`; `url` is for clients without mini programs.
    MiniProgram { appid: String, pagepath: String, url: String },
    /// `media_id`, `view_limited`, `article_id` or `article_view_limited`:
    /// the `type`, the name of the field with the id, and the id.
    Material { kind: &'static str, field: &'static str, id: String },
}

impl WechatLeaf {
    /// The button's fields besides `name`, as WeChat takes them.
    fn fields(&self) -> Vec<(&'static str, &str)> {
        match self {
            WechatLeaf::View(url) => vec![("type", "view"), ("url", url)],
            WechatLeaf::Click(key) => vec![("type", "click"), ("key", key)],
            WechatLeaf::Event(event, key) => vec![("type", event.name()), ("key", key)],
            WechatLeaf::MiniProgram { appid, pagepath, url } => {
                vec![("type", "miniprogram"), ("url", url), ("appid", appid), ("pagepath", pagepath)]
            }
            WechatLeaf::Material { kind, field, id } => vec![("type", kind), (field, id)],
        }
    }
}

pub(crate) fn wechat_leaf(item_id: &str, action: &Action) -> WechatLeaf {
    let material = |kind, field, id: &String| WechatLeaf::Material { kind, field, id: id.clone() };
    match action {
        Action::OpenUrl { url } => WechatLeaf::View(url.clone()),
        Action::SendKeyword { keyword } => WechatLeaf::Click(keyword.clone()),
        Action::WechatEvent { event, key } => WechatLeaf::Event(*event, key.clone()),
        Action::MiniProgram { appid, pagepath, url } => {
            WechatLeaf::MiniProgram { appid: appid.clone(), pagepath: pagepath.clone(), url: url.clone() }
        }
        Action::SendMedia { media_id } => material("media_id", "media_id", media_id),
        Action::OpenMedia { media_id } => material("view_limited", "media_id", media_id),
        Action::SendArticle { article_id } => material("article_id", "article_id", article_id),
        Action::OpenArticle { article_id } => material("article_view_limited", "article_id", article_id),
        other => WechatLeaf::Click(wicket_key(item_id, other)),
    }
}

/// A leaf of Alipay's menu: `action_type` and `action_param`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AlipayLeaf {
    pub action_type: &'static str,
    pub param: String,
}

impl AlipayLeaf {
    pub fn is_link(&self) -> bool {
        self.action_type == "link"
    }
}

/// WeChat's own button types have no Alipay counterpart (validation says
/// so); they map to the nearest: a mini program to its web page, the rest to
/// an event carrying their key or id.
pub(crate) fn alipay_leaf(item_id: &str, action: &Action) -> AlipayLeaf {
    let (action_type, param) = match action {
        Action::OpenUrl { url } | Action::MiniProgram { url, .. } => ("link", url.clone()),
        Action::SendKeyword { keyword } => ("out", keyword.clone()),
        Action::Call { phone } => ("tel", phone.clone()),
        Action::Map { name, .. } => ("map", name.clone()),
        Action::WechatEvent { key, .. } => ("out", key.clone()),
        Action::SendMedia { media_id } | Action::OpenMedia { media_id } => ("out", media_id.clone()),
        Action::SendArticle { article_id } | Action::OpenArticle { article_id } => ("out", article_id.clone()),
        other => ("out", wicket_key(item_id, other)),
    };
    AlipayLeaf { action_type, param }
}

fn wicket_key(item_id: &str, action: &Action) -> String {
    match action {
        Action::OpenConversation => CHAT_KEY.to_owned(),
        Action::OpenPage { page_id } => format!("{PAGE_PREFIX}{page_id}"),
        Action::Call { phone } => format!("{CALL_PREFIX}{phone}"),
        Action::Map { name, latitude, longitude } => format!("{MAP_PREFIX}{latitude}_{longitude}_{name}"),
        Action::Pay { .. } => format!("{PAY_PREFIX}{item_id}"),
        // Native on the platforms; kept total for safety.
        Action::SendKeyword { keyword } => keyword.clone(),
        Action::OpenUrl { url } | Action::MiniProgram { url, .. } => url.clone(),
        Action::WechatEvent { key, .. } => key.clone(),
        Action::SendMedia { media_id } | Action::OpenMedia { media_id } => media_id.clone(),
        Action::SendArticle { article_id } | Action::OpenArticle { article_id } => article_id.clone(),
    }
}

/// The body of WeChat's `POST /cgi-bin/menu/create`.
pub fn wechat_menu_json(menu: &Menu) -> Value {
    let wechat_button = |id: &str, label: &str, action: &Action| -> Value {
        let leaf = wechat_leaf(id, action);
        let mut button = Map::new();
        button.insert("name".to_owned(), Value::from(label));
        for (field, value) in leaf.fields() {
            button.insert(field.to_owned(), Value::from(value));
        }
        Value::Object(button)
    };
    let buttons: Vec<Value> = menu
        .items
        .iter()
        .map(|item| match &item.target {
            MenuTarget::Action { action } => wechat_button(&item.id, &item.label, action),
            MenuTarget::Submenu { items } => json!({
                "name": item.label,
                "sub_button": items
                    .iter()
                    .map(|sub| wechat_button(&sub.id, &sub.label, &sub.action))
                    .collect::<Vec<_>>(),
            }),
        })
        .collect();
    json!({ "button": buttons })
}

/// The biz content of Alipay's `alipay.open.public.menu.create` (a text menu).
pub fn alipay_menu_json(menu: &Menu) -> Value {
    let alipay_button = |id: &str, label: &str, action: &Action| -> Value {
        let leaf = alipay_leaf(id, action);
        json!({"name": label, "action_type": leaf.action_type, "action_param": leaf.param})
    };
    let buttons: Vec<Value> = menu
        .items
        .iter()
        .map(|item| match &item.target {
            MenuTarget::Action { action } => alipay_button(&item.id, &item.label, action),
            MenuTarget::Submenu { items } => json!({
                "name": item.label,
                "sub_button": items
                    .iter()
                    .map(|sub| alipay_button(&sub.id, &sub.label, &sub.action))
                    .collect::<Vec<_>>(),
            }),
        })
        .collect();
    json!({ "type": "text", "button": buttons })
}

/// A WeChat menu read in, with what the reading left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct MenuImport {
    pub menu: Menu,
    /// What the menu had that Wicket does not keep (a personalized menu's
    /// `matchrule`, the personalized menus beside a default one, fields a
    /// button does not use), each at its JSON path, for the merchant to read
    /// before the menu is used. Empty when nothing was left out.
    pub notices: Vec<Issue>,
}

/// Reads a WeChat menu, as `menu/create` takes it (`{"button": […]}`),
/// `addconditionalmenu` does (`matchrule` beside the buttons: left out, with
/// a notice), `menu/get` gives it (`{"menu": {"button": […]}}`; personalized
/// menus beside it are left out, with a notice) or
/// `get_current_selfmenu_info` does (`{"selfmenu_info": {"button": […]}}`,
/// submenus as `{"list": […]}`). Every button type of WeChat's API is read.
/// Item ids are `m1`, `m2`, … and `m1_1`, `m1_2`, … for submenu items.
/// Anything that cannot become a Wicket menu is an issue, with its JSON path.
pub fn import_wechat_menu(json: &str) -> Result<MenuImport, Vec<Issue>> {
    import_wechat_menu_with(json, None)
}

/// [`import_wechat_menu`] of a menu Wicket published from `published`: a
/// pay button's key names its item there, whose amount and description the
/// button comes back with (and its id). Without it, a pay key cannot be read.
pub fn import_wechat_menu_with(json: &str, published: Option<&Menu>) -> Result<MenuImport, Vec<Issue>> {
    let value: Value = serde_json::from_str(json).map_err(|error| {
        let column = super::parse::char_column(json, &error);
        vec![Issue::new("", "layout.import.not_json").with("line", error.line()).with("column", column)]
    })?;
    let (path, holder) = find_buttons(&value).ok_or_else(|| vec![Issue::new("", "layout.import.no_buttons")])?;
    let mut reader = Reader::default();
    if let Some(menu) = published {
        let top = menu.items.iter().filter_map(|item| match &item.target {
            MenuTarget::Action { action } => Some((&item.id, action)),
            MenuTarget::Submenu { .. } => None,
        });
        let subs = menu.items.iter().flat_map(|item| match &item.target {
            MenuTarget::Submenu { items } => items.iter().map(|sub| (&sub.id, &sub.action)).collect(),
            MenuTarget::Action { .. } => Vec::new(),
        });
        reader.pay = top
            .chain(subs)
            .filter(|(_, action)| matches!(action, Action::Pay { .. }))
            .map(|(id, action)| (id.clone(), action.clone()))
            .collect();
    }
    if let Some(rule) = holder.get("matchrule").filter(|rule| !rule.is_null()) {
        let at = if path == "button" { "matchrule".to_owned() } else { format!("{}.matchrule", parent(path)) };
        reader.notices.push(Issue::new(at, "layout.import.matchrule.dropped").with("rule", rule.to_string()));
    }
    let personalized = value.get("conditionalmenu").and_then(Value::as_array).map_or(0, Vec::len);
    if path != "button" && personalized > 0 {
        reader
            .notices
            .push(Issue::new("conditionalmenu", "layout.import.conditional.dropped").with("count", personalized));
    }
    let buttons = holder.get("button").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut items = Vec::new();
    for (index, button) in buttons.iter().enumerate() {
        if let Some(item) = reader.top(button, index, &format!("{path}.{index}")) {
            items.push(item);
        }
    }
    if reader.issues.is_empty() {
        Ok(MenuImport { menu: Menu { items }, notices: reader.notices })
    } else {
        Err(reader.issues)
    }
}

/// The JSON path of the button list, and the object that holds it.
fn find_buttons(value: &Value) -> Option<(&'static str, &Value)> {
    let has_buttons = |holder: &Value| holder.get("button").is_some_and(Value::is_array);
    if has_buttons(value) {
        return Some(("button", value));
    }
    if let Some(menu) = value.get("menu").filter(|menu| has_buttons(menu)) {
        return Some(("menu.button", menu));
    }
    value.get("selfmenu_info").filter(|info| has_buttons(info)).map(|info| ("selfmenu_info.button", info))
}

fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(parent, _)| parent)
}

#[derive(Default)]
struct Reader {
    issues: Vec<Issue>,
    notices: Vec<Issue>,
    /// The pay items of the layout the menu was published from, by id.
    pay: std::collections::HashMap<String, Action>,
    /// The id of the pay item just read, kept for the item read in.
    pay_id: Option<String>,
}

/// An id `import_wechat_menu` gives (`m1`, `m1_2`): a kept id must not be one.
fn generated_id(id: &str) -> bool {
    id.strip_prefix('m').is_some_and(|rest| !rest.is_empty() && rest.split('_').all(|part| part.parse::<u32>().is_ok()))
}

impl Reader {
    fn top(&mut self, button: &Value, index: usize, path: &str) -> Option<MenuItem> {
        let Some(object) = button.as_object() else {
            self.issues.push(Issue::new(path, "layout.import.not_an_object"));
            return None;
        };
        let id = format!("m{}", index + 1);
        let label = self.string(object, "name", path);
        let sub_path = format!("{path}.sub_button");
        let subs = match object.get("sub_button") {
            Some(Value::Array(list)) => Some((sub_path, list)),
            // `get_current_selfmenu_info` wraps the list.
            Some(Value::Object(wrapper)) => match wrapper.get("list") {
                Some(Value::Array(list)) => Some((format!("{sub_path}.list"), list)),
                _ => {
                    self.issues.push(
                        Issue::new(format!("{sub_path}.list"), "layout.import.field.missing").with("field", "list"),
                    );
                    return None;
                }
            },
            Some(Value::Null) | None => None,
            Some(_) => {
                self.issues.push(Issue::new(sub_path, "layout.import.not_an_array"));
                return None;
            }
        };
        // `menu/get` gives every leaf an empty `sub_button`.
        let target = match subs {
            Some((sub_path, list)) if !list.is_empty() => {
                // "type and sub_button are mutually exclusive": a type beside
                // a submenu is left out, and said so.
                self.ignored(object, path, &[]);
                let items = list
                    .iter()
                    .enumerate()
                    .filter_map(|(sub_index, sub)| {
                        self.sub(sub, &format!("{id}_{}", sub_index + 1), &format!("{sub_path}.{sub_index}"))
                    })
                    .collect();
                MenuTarget::Submenu { items }
            }
            _ => {
                let (action, used) = self.action(object, path)?;
                self.ignored(object, path, used);
                MenuTarget::Action { action }
            }
        };
        let id = self.pay_id.take().unwrap_or(id);
        Some(MenuItem { id, label: label?, target })
    }

    fn sub(&mut self, button: &Value, id: &str, path: &str) -> Option<SubMenuItem> {
        let Some(object) = button.as_object() else {
            self.issues.push(Issue::new(path, "layout.import.not_an_object"));
            return None;
        };
        let label = self.string(object, "name", path);
        let nested = match object.get("sub_button") {
            Some(Value::Array(list)) => !list.is_empty(),
            Some(Value::Object(wrapper)) => {
                wrapper.get("list").and_then(Value::as_array).is_some_and(|list| !list.is_empty())
            }
            _ => false,
        };
        if nested {
            self.issues.push(Issue::new(format!("{path}.sub_button"), "layout.import.too_deep"));
            return None;
        }
        let (action, used) = self.action(object, path)?;
        self.ignored(object, path, used);
        let id = self.pay_id.take().unwrap_or_else(|| id.to_owned());
        Some(SubMenuItem { id, label: label?, action })
    }

    /// The button's action, and the fields it was read from besides `type`.
    fn action(&mut self, object: &Map<String, Value>, path: &str) -> Option<(Action, &'static [&'static str])> {
        let kind = self.string(object, "type", path)?;
        let mut field = |name: &str| self.string(object, name, path);
        let read = match kind.as_str() {
            "view" => (Action::url(field("url")?), &["url"][..]),
            "click" => {
                let key = field("key")?;
                let known =
                    key.strip_prefix(PAY_PREFIX).and_then(|id| Some((id.to_owned(), self.pay.get(id)?.clone())));
                let action = match known {
                    Some((id, action)) => {
                        // Its id unless it is one the reading gives another item.
                        self.pay_id = Some(id).filter(|id| !generated_id(id));
                        action
                    }
                    None => decode_key(&key)
                        .map_err(|key_issue| self.issues.push(Issue::new(format!("{path}.key"), key_issue)))
                        .ok()?,
                };
                (action, &["key"][..])
            }
            "miniprogram" => {
                let (url, appid, pagepath) = (field("url"), field("appid"), field("pagepath"));
                (
                    Action::MiniProgram { appid: appid?, pagepath: pagepath?, url: url? },
                    &["url", "appid", "pagepath"][..],
                )
            }
            "media_id" => (Action::SendMedia { media_id: field("media_id")? }, &["media_id"][..]),
            "view_limited" => (Action::OpenMedia { media_id: field("media_id")? }, &["media_id"][..]),
            "article_id" => (Action::SendArticle { article_id: field("article_id")? }, &["article_id"][..]),
            "article_view_limited" => (Action::OpenArticle { article_id: field("article_id")? }, &["article_id"][..]),
            other => match WechatEvent::from_name(other) {
                Some(event) => (Action::WechatEvent { event, key: field("key")? }, &["key"][..]),
                None => {
                    self.issues.push(
                        Issue::new(format!("{path}.type"), "layout.import.button.unsupported_type").with("type", other),
                    );
                    return None;
                }
            },
        };
        Some(read)
    }

    /// A notice for each field of the button that Wicket does not keep:
    /// not its `name`, its (empty) `sub_button`, its `type` when it acts, nor
    /// the fields its type uses.
    fn ignored(&mut self, object: &Map<String, Value>, path: &str, used: &[&str]) {
        let acts = !used.is_empty();
        for field in object.keys() {
            let kept =
                field == "name" || field == "sub_button" || (acts && field == "type") || used.contains(&field.as_str());
            if !kept {
                self.notices
                    .push(Issue::new(format!("{path}.{field}"), "layout.import.field.ignored").with("field", field));
            }
        }
    }

    /// A text field of the button. It becomes a layout text (`name` the
    /// label, `key` a key or keyword, …) whose field of the same name has
    /// the same bound, so what is read here can be saved in a layout.
    fn string(&mut self, object: &Map<String, Value>, field: &str, path: &str) -> Option<String> {
        match object.get(field).and_then(Value::as_str) {
            Some(text) => {
                let (max, actual) = (wicket::layout_text_max_chars(field), text.chars().count());
                if actual > max {
                    self.issues.push(super::parse::too_long(&format!("{path}.{field}"), max, actual));
                    return None;
                }
                Some(text.to_owned())
            }
            None => {
                self.issues
                    .push(Issue::new(format!("{path}.{field}"), "layout.import.field.missing").with("field", field));
                None
            }
        }
    }
}

/// A click key back into the action it stands for; the error is an issue key.
fn decode_key(key: &str) -> Result<Action, &'static str> {
    if !key.starts_with(RESERVED_KEY_PREFIX) {
        return Ok(Action::keyword(key));
    }
    let non_empty = |rest: &str| (!rest.is_empty()).then(|| rest.to_owned()).ok_or("layout.import.key.malformed");
    if key == CHAT_KEY {
        Ok(Action::OpenConversation)
    } else if let Some(rest) = key.strip_prefix(PAGE_PREFIX) {
        non_empty(rest).map(Action::page)
    } else if let Some(rest) = key.strip_prefix(CALL_PREFIX) {
        non_empty(rest).map(Action::call)
    } else if let Some(rest) = key.strip_prefix(MAP_PREFIX) {
        let mut parts = rest.splitn(3, '_');
        // A place on Earth: `NaN` and `inf` parse too but are no place (and
        // JSON cannot hold them), nor is a latitude of 971. And a number
        // written back never grows (`1e-300` would come back as 300 digits),
        // so a key exported from what was imported still fits WeChat's limit.
        let coordinate = |part: Option<&str>, limit: f64| {
            part.and_then(|text| {
                let value = text.parse::<f64>().ok()?;
                (value.is_finite() && value.abs() <= limit && value.to_string().len() <= text.len()).then_some(value)
            })
        };
        match (coordinate(parts.next(), 90.0), coordinate(parts.next(), 180.0), parts.next()) {
            (Some(latitude), Some(longitude), Some(name)) if !name.is_empty() => {
                Ok(Action::Map { name: name.to_owned(), latitude, longitude })
            }
            _ => Err("layout.import.key.malformed"),
        }
    } else if key.starts_with(PAY_PREFIX) {
        Err("layout.import.key.needs_layout")
    } else {
        Err("layout.import.key.unknown")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_menu() -> Menu {
        Menu {
            items: vec![
                MenuItem::action("m1", "官网", Action::url("https://example.com/?uid={{subscriber.id}}")),
                MenuItem::action("m2", "账单", Action::keyword("账单")),
                MenuItem::submenu(
                    "m3",
                    "更多",
                    vec![
                        SubMenuItem::new("m3_1", "积分查询", Action::keyword("积分")),
                        SubMenuItem::new("m3_2", "帮助", Action::url("https://example.com/help")),
                    ],
                ),
            ],
        }
    }

    #[test]
    fn wechat_json_has_view_click_and_sub_buttons() {
        assert_eq!(
            wechat_menu_json(&sample_menu()),
            json!({"button": [
                {"type": "view", "name": "官网", "url": "https://example.com/?uid={{subscriber.id}}"},
                {"type": "click", "name": "账单", "key": "账单"},
                {"name": "更多", "sub_button": [
                    {"type": "click", "name": "积分查询", "key": "积分"},
                    {"type": "view", "name": "帮助", "url": "https://example.com/help"},
                ]},
            ]}),
            "URLs are view buttons, keywords click buttons keyed by the keyword, submenus have no type"
        );
    }

    #[test]
    fn alipay_json_maps_every_action_to_an_action_type() {
        let menu = Menu {
            items: vec![
                MenuItem::action("a", "官网", Action::url("https://example.com")),
                MenuItem::action("b", "账单", Action::keyword("账单")),
                MenuItem::submenu(
                    "c",
                    "更多",
                    vec![
                        SubMenuItem::new("c1", "客服电话", Action::call("95555")),
                        SubMenuItem::new(
                            "c2",
                            "门店",
                            Action::Map { name: "人民广场店".into(), latitude: 31.2304, longitude: 121.4737 },
                        ),
                        SubMenuItem::new(
                            "c3",
                            "还款",
                            Action::Pay {
                                amount_template: "{{statement.amount}}".into(), description: "还款".into()
                            },
                        ),
                        SubMenuItem::new("c4", "在线客服", Action::OpenConversation),
                        SubMenuItem::new("c5", "卡片", Action::page("cards")),
                    ],
                ),
            ],
        };
        assert_eq!(
            alipay_menu_json(&menu),
            json!({"type": "text", "button": [
                {"name": "官网", "action_type": "link", "action_param": "https://example.com"},
                {"name": "账单", "action_type": "out", "action_param": "账单"},
                {"name": "更多", "sub_button": [
                    {"name": "客服电话", "action_type": "tel", "action_param": "95555"},
                    {"name": "门店", "action_type": "map", "action_param": "人民广场店"},
                    {"name": "还款", "action_type": "out", "action_param": "WICKET_PAY_c3"},
                    {"name": "在线客服", "action_type": "out", "action_param": "WICKET_CHAT"},
                    {"name": "卡片", "action_type": "out", "action_param": "WICKET_PAGE_cards"},
                ]},
            ]}),
            "links, keywords (out), phones (tel), places (map) and Wicket's own keys"
        );
    }

    #[test]
    fn keyword_and_url_items_survive_a_wechat_round_trip() {
        let menu = sample_menu();
        let exported = wechat_menu_json(&menu).to_string();
        assert_eq!(
            import_wechat_menu(&exported).map(|import| import.menu),
            Ok(menu),
            "export then import gives the same menu"
        );
    }

    #[test]
    fn wicket_keys_survive_a_wechat_round_trip() {
        let menu = Menu {
            items: vec![
                MenuItem::action("m1", "客服", Action::OpenConversation),
                MenuItem::action(
                    "m2",
                    "门店",
                    Action::Map { name: "门店_一号".into(), latitude: -31.25, longitude: 121.5 },
                ),
                MenuItem::submenu(
                    "m3",
                    "更多",
                    vec![
                        SubMenuItem::new("m3_1", "电话", Action::call("+86 400-123-4567")),
                        SubMenuItem::new("m3_2", "卡片", Action::page("cards")),
                    ],
                ),
            ],
        };
        let exported = wechat_menu_json(&menu).to_string();
        assert_eq!(
            import_wechat_menu(&exported).map(|import| import.menu),
            Ok(menu),
            "chat, map, call and page keys decode back"
        );
    }

    #[test]
    fn menu_get_output_with_empty_sub_buttons_is_read() {
        let menu_get = r#"{"menu":{"button":[
            {"type":"click","name":"今日歌曲","key":"V1001_TODAY_MUSIC","sub_button":[]},
            {"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"https://www.soso.com/","sub_button":[]}]}
        ],"menuid":208396938},"conditionalmenu":[]}"#;
        let menu = import_wechat_menu(menu_get).unwrap().menu;
        assert_eq!(
            menu,
            Menu {
                items: vec![
                    MenuItem::action("m1", "今日歌曲", Action::keyword("V1001_TODAY_MUSIC")),
                    MenuItem::submenu(
                        "m2",
                        "菜单",
                        vec![SubMenuItem::new("m2_1", "搜索", Action::url("https://www.soso.com/"))]
                    ),
                ]
            },
            "a leaf's empty sub_button is no submenu; menuid and conditional menus are left out"
        );
    }

    #[test]
    fn selfmenu_info_with_list_wrapped_submenus_is_read() {
        let info = r#"{"is_menu_open":1,"selfmenu_info":{"button":[
            {"name":"更多","sub_button":{"list":[{"type":"click","name":"积分","key":"积分"}]}}]}}"#;
        let menu = import_wechat_menu(info).unwrap().menu;
        assert_eq!(
            menu.items[0].target,
            MenuTarget::Submenu { items: vec![SubMenuItem::new("m1_1", "积分", Action::keyword("积分"))] },
            "the list inside sub_button becomes the submenu"
        );
    }

    #[test]
    fn what_cannot_be_imported_is_reported_with_paths() {
        let json = r#"{"button":[
            {"type":"text","name":"欢迎语","value":"你好"},
            {"type":"click","key":"x"},
            {"name":"更多","sub_button":[{"type":"view","name":"无链接"},{"type":"click","name":"付","key":"WICKET_PAY_m3_2"},{"type":"click","name":"?","key":"WICKET_NEW"}]},
            "text"
        ]}"#;
        let issues = import_wechat_menu(json).unwrap_err();
        let found: Vec<(&str, &str)> = issues.iter().map(|i| (i.path.as_str(), i.key.as_str())).collect();
        assert_eq!(
            found,
            vec![
                ("button.0.type", "layout.import.button.unsupported_type"),
                ("button.1.name", "layout.import.field.missing"),
                ("button.2.sub_button.0.url", "layout.import.field.missing"),
                ("button.2.sub_button.1.key", "layout.import.key.needs_layout"),
                ("button.2.sub_button.2.key", "layout.import.key.unknown"),
                ("button.3", "layout.import.not_an_object"),
            ],
            "every problem is reported at its place"
        );
        assert_eq!(issues[0].param("type"), Some("text"), "the unsupported type is named");
    }

    #[test]
    fn broken_or_foreign_json_is_refused_clearly() {
        let not_json = import_wechat_menu("{button").unwrap_err();
        assert_eq!(not_json[0].key, "layout.import.not_json", "broken JSON is reported as such");
        let foreign = import_wechat_menu(r#"{"type":"text","buttons":[]}"#).unwrap_err();
        assert_eq!(foreign[0].key, "layout.import.no_buttons", "JSON without a button list is no WeChat menu");
        let nested = import_wechat_menu(r#"{"button":[{"name":"a","sub_button":[{"name":"b","sub_button":[{"type":"click","name":"c","key":"c"}]}]}]}"#).unwrap_err();
        assert_eq!(nested[0].key, "layout.import.too_deep", "WeChat menus have two levels only");
    }

    #[test]
    fn malformed_wicket_keys_are_reported() {
        for key in ["WICKET_PAGE_", "WICKET_MAP_1_x_店", "WICKET_MAP_1_2", "WICKET_CALL_"] {
            assert_eq!(decode_key(key), Err("layout.import.key.malformed"), "{key} is a malformed Wicket key");
        }
    }
}
