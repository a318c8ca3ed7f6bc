//! An account's Alipay 生活号 connection as it crosses the wire between the
//! console and the server (keys go in, never back: masked; the application
//! public key to upload to Alipay is shown whole, it is public), and the
//! account's home page as Alipay's APIs take it: each part (the bottom menu,
//! the extension areas, the advert carousel, the marketing slots) published
//! through its own API, with its own outcome (PLATFORM-RULES §1.2, §7).
//!
//! The mapping between a [`Layout`] and the parts' `biz_content` is here,
//! pure, both ways: [`alipay_home`] for publishing, [`import_alipay_home`]
//! for reading the live home page back into a layout.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use specta::Type;

use crate::error::Issue;
use crate::layout::{
    alipay_menu_json, import_wechat_menu_with, AdvertCarouselProps, AdvertItem, ExtensionAreaProps, Layout,
    LayoutImage, MarketingHead, MarketingItem, MarketingSlotsProps, Menu, MenuImport, Module, ModuleKind,
};
use crate::Millis;

/// An Alipay application id: 16 digits.
pub fn is_app_id(app_id: &str) -> bool {
    app_id.len() == 16 && app_id.bytes().all(|b| b.is_ascii_digit())
}

/// The charset the application signs and Alipay sends in (chosen when the
/// application is made; old 服务窗 applications use GBK).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub enum AlipayCharset {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "gbk")]
    Gbk,
}

impl AlipayCharset {
    /// The name Alipay uses in its `charset` parameter.
    pub fn name(self) -> &'static str {
        match self {
            AlipayCharset::Utf8 => "utf-8",
            AlipayCharset::Gbk => "gbk",
        }
    }
}

/// What the console sends. A key left out keeps the one stored (both are
/// needed the first time). `Debug` shows no key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlipayConnect {
    /// 16 digits.
    pub app_id: String,
    /// The application's RSA private key (2048 bits or more), as Alipay's key
    /// tool exports it: bare base64 (PKCS#8 or PKCS#1) or PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_private_key: Option<String>,
    /// Alipay's public key for this application (支付宝公钥), bare base64 or PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alipay_public_key: Option<String>,
    #[serde(default)]
    pub charset: AlipayCharset,
}

impl std::fmt::Debug for AlipayConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlipayConnect")
            .field("app_id", &self.app_id)
            .field("charset", &self.charset)
            .finish_non_exhaustive()
    }
}

/// A part of an Alipay 生活号's home page, each published through its own API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlipayPart {
    /// The bottom menu (`alipay.open.public.menu.create` / `.modify`).
    Menu,
    /// The extension areas (`alipay.open.public.default.extension.create`).
    ExtensionAreas,
    /// The advert carousel (`alipay.open.public.advert.*`).
    AdvertCarousel,
    /// The marketing slots (`alipay.open.public.topic.*`).
    MarketingSlots,
}

impl AlipayPart {
    pub const ALL: [AlipayPart; 4] =
        [AlipayPart::Menu, AlipayPart::ExtensionAreas, AlipayPart::AdvertCarousel, AlipayPart::MarketingSlots];

    pub fn name(self) -> &'static str {
        match self {
            AlipayPart::Menu => "menu",
            AlipayPart::ExtensionAreas => "extension_areas",
            AlipayPart::AdvertCarousel => "advert_carousel",
            AlipayPart::MarketingSlots => "marketing_slots",
        }
    }

    pub fn from_name(name: &str) -> Option<AlipayPart> {
        AlipayPart::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Where a published layout's part is with Alipay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlipayPartState {
    /// Alipay took it: subscribers see it.
    Published,
    /// Alipay refused it (`code`, `reason`): it will not take it as it is.
    Refused,
    /// Alipay could not be reached, was busy, or its answer could not be
    /// believed (a bad signature): try again.
    Failed,
    /// The layout does not use this part, and Alipay no longer shows it.
    Removed,
}

/// What came of publishing one part of a layout to Alipay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AlipayPartPublish {
    pub part: AlipayPart,
    /// The published layout version sent.
    pub version: i64,
    pub state: AlipayPartState,
    /// When Alipay answered (or the attempt ended).
    #[schema(value_type = i64)]
    pub at: Millis,
    /// Alipay's `sub_code` (or `code`) when it refused.
    pub code: Option<String>,
    /// An issue key the console translates (`alipay.home.refused`, …).
    pub reason: Option<String>,
    /// What Alipay (or the network) said.
    pub message: Option<String>,
}

/// How the connection is doing, as the console shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AlipayConnectionState {
    /// When Alipay's last accepted gateway request arrived (ms since the epoch).
    #[schema(value_type = Option<i64>)]
    pub last_callback_at: Option<Millis>,
    /// The last thing that went wrong: a refused gateway request or a failed
    /// call (never a key).
    pub last_error: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub last_error_at: Option<Millis>,
    /// Per part of the home page, what came of publishing it last (in
    /// [`AlipayPart::ALL`] order; a part never published is absent).
    #[serde(default)]
    pub home: Vec<AlipayPartPublish>,
}

impl AlipayConnectionState {
    /// Keeps `outcome` as its part's state.
    pub fn record(&mut self, outcome: AlipayPartPublish) {
        self.home.retain(|p| p.part != outcome.part);
        self.home.push(outcome);
        self.home.sort_by_key(|p| p.part);
    }

    pub fn part(&self, part: AlipayPart) -> Option<&AlipayPartPublish> {
        self.home.iter().find(|p| p.part == part)
    }
}

/// A connection as the console sees it: keys masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AlipayConnection {
    pub app_id: String,
    /// The last four characters, the rest masked.
    pub app_private_key: String,
    pub alipay_public_key: String,
    /// The application's public key, whole: what to upload to Alipay's console
    /// (it is public), bare base64.
    pub app_public_key: String,
    pub charset: AlipayCharset,
    /// The path of the application gateway (应用网关) to paste into Alipay's
    /// console, after this server's address.
    pub gateway_path: String,
    pub state: AlipayConnectionState,
}

/// What Alipay answered to a test of the connection (one signed, harmless
/// call whose answer's signature was checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AlipayTest {
    pub ok: bool,
    /// The method called.
    pub method: String,
    /// Alipay's `code` (`10000` when it succeeded) and `sub_code`.
    pub code: Option<String>,
    pub sub_code: Option<String>,
    /// What Alipay (or the network, or the signature check) said.
    pub message: String,
}

/// A layout's home page as Alipay's APIs take it: each part's `biz_content`,
/// `None` for a part the layout does not use.
#[derive(Debug, Clone, PartialEq)]
pub struct AlipayHome {
    /// `alipay.open.public.menu.create` / `.modify`.
    pub menu: Option<Value>,
    /// `alipay.open.public.default.extension.create`: `{"areas": […]}`.
    pub extension_areas: Option<Value>,
    /// `alipay.open.public.advert.create`: `{"advert_items": […]}` (`.modify` adds `advert_id`).
    pub advert_carousel: Option<Value>,
    /// `alipay.open.public.topic.create`: the topic (`.modify` adds `topic_id`).
    pub marketing_slots: Option<Value>,
}

impl AlipayHome {
    pub fn part(&self, part: AlipayPart) -> Option<&Value> {
        match part {
            AlipayPart::Menu => self.menu.as_ref(),
            AlipayPart::ExtensionAreas => self.extension_areas.as_ref(),
            AlipayPart::AdvertCarousel => self.advert_carousel.as_ref(),
            AlipayPart::MarketingSlots => self.marketing_slots.as_ref(),
        }
    }
}

/// The name Alipay requires on a topic; Wicket's marketing slots have none of
/// their own, so the head's description serves, or this.
pub const DEFAULT_TOPIC_TITLE: &str = "精选推荐";

/// The home page of `layout` as Alipay's APIs take it. Alipay's modules are
/// top-level modules of the home page (validation keeps them there); the
/// first carousel and the first marketing slots are the account's (Alipay
/// has one of each), extension areas in order up to Alipay's three.
pub fn alipay_home(layout: &Layout) -> AlipayHome {
    let menu = (!layout.menu.items.is_empty()).then(|| alipay_menu_json(&layout.menu));
    let areas: Vec<Value> = layout
        .modules
        .iter()
        .filter_map(|m| match &m.props {
            ModuleKind::ExtensionArea(area) => Some(extension_json(area)),
            _ => None,
        })
        .take(3)
        .collect();
    let extension_areas = (!areas.is_empty()).then(|| json!({ "areas": areas }));
    let advert_carousel = layout.modules.iter().find_map(|m| match &m.props {
        ModuleKind::AdvertCarousel(carousel) => Some(advert_json(carousel)),
        _ => None,
    });
    let marketing_slots = layout.modules.iter().find_map(|m| match &m.props {
        ModuleKind::MarketingSlots(slots) => Some(topic_json(slots)),
        _ => None,
    });
    AlipayHome { menu, extension_areas, advert_carousel, marketing_slots }
}

fn extension_json(area: &ExtensionAreaProps) -> Value {
    json!({"type": "h5", "name": area.name, "url": area.url, "height": area.height})
}

fn advert_json(carousel: &AdvertCarouselProps) -> Value {
    let items: Vec<Value> =
        carousel.items.iter().map(|item| json!({"img_url": item.image.url, "link_url": item.link_url})).collect();
    json!({ "advert_items": items })
}

fn topic_json(slots: &MarketingSlotsProps) -> Value {
    let mut topic = Map::new();
    let title = slots.head.sub_title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(DEFAULT_TOPIC_TITLE);
    topic.insert("title".into(), Value::from(title));
    // The head is all three fields or none (PLATFORM-RULES §7).
    if let (Some(sub_title), Some(image), Some(link_url)) =
        (&slots.head.sub_title, &slots.head.image, &slots.head.link_url)
    {
        topic.insert("sub_title".into(), Value::from(sub_title.as_str()));
        topic.insert("img_url".into(), Value::from(image.url.as_str()));
        topic.insert("link_url".into(), Value::from(link_url.as_str()));
    }
    let items: Vec<Value> = slots
        .items
        .iter()
        .map(|item| {
            let mut object = json!({"title": item.title, "img_url": item.image.url, "link_url": item.link_url});
            if !item.sub_title.is_empty() {
                object["sub_title"] = Value::from(item.sub_title.as_str());
            }
            object
        })
        .collect();
    topic.insert("topic_items".into(), Value::Array(items));
    Value::Object(topic)
}

/// The live home page as Alipay gives it, for [`import_alipay_home`]: each
/// part's object as the create API takes it (`{"button": …}`, `{"areas": …}`,
/// `{"advert_items": …}`, the topic), `None` when the account has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlipayLiveHome {
    pub menu: Option<Value>,
    pub extension_areas: Option<Value>,
    pub advert_carousel: Option<Value>,
    pub marketing_slots: Option<Value>,
}

/// The live home page as the designer imports it: the layout read from
/// Alipay and what the reading left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct AlipayHomeImport {
    /// The live menu and home modules (extension areas, the carousel, the marketing slots).
    pub layout: Layout,
    /// What the reading left out, each at its path.
    pub notices: Vec<Issue>,
}

/// The live home page read into a layout: the menu (through the same reading
/// as WeChat's, so Wicket's own keys come back as their actions and
/// `published` gives back pay buttons and map places), the extension areas,
/// the carousel and the marketing slots as home modules (ids `alipay_ext_1`,
/// `alipay_advert`, `alipay_topic`), with notices for what was left out.
pub fn import_alipay_home(
    live: &AlipayLiveHome,
    published: Option<&Layout>,
) -> Result<(Layout, Vec<Issue>), Vec<Issue>> {
    let mut layout = Layout::default();
    let mut notices = Vec::new();
    if let Some(menu) = &live.menu {
        let MenuImport { menu, notices: menu_notices } =
            import_alipay_menu(menu, published.map(|l| &l.menu)).map_err(|issues| issues.to_vec())?;
        layout.menu = menu;
        notices.extend(menu_notices);
    }
    let text = |value: &Value, field: &str| value[field].as_str().unwrap_or_default().to_owned();
    let image = |url: String, width, height| LayoutImage::new(url, width, height);
    if let Some(areas) = live.extension_areas.as_ref().and_then(|a| a["areas"].as_array()) {
        for (index, area) in areas.iter().enumerate() {
            if area["type"].as_str().is_some_and(|t| t != "h5") {
                notices.push(
                    Issue::new(format!("areas.{index}.type"), "alipay.import.area_not_h5")
                        .with("type", area["type"].as_str().unwrap_or_default()),
                );
                continue;
            }
            let props = ExtensionAreaProps {
                name: text(area, "name"),
                url: text(area, "url"),
                height: area["height"].as_u64().or_else(|| area["height"].as_str()?.parse().ok()).unwrap_or(0) as u32,
            };
            layout.modules.push(Module::new(format!("alipay_ext_{}", index + 1), props));
        }
    }
    if let Some(items) = live.advert_carousel.as_ref().and_then(|a| a["advert_items"].as_array()) {
        let items = items
            .iter()
            .map(|item| AdvertItem { image: image(text(item, "img_url"), 996, 240), link_url: text(item, "link_url") })
            .collect();
        layout.modules.push(Module::new("alipay_advert", AdvertCarouselProps { items }));
    }
    if let Some(topic) = &live.marketing_slots {
        let optional = |field: &str| topic[field].as_str().filter(|v| !v.is_empty()).map(str::to_owned);
        let head = match (optional("sub_title"), optional("img_url"), optional("link_url")) {
            (Some(sub_title), Some(img), Some(link_url)) => MarketingHead {
                sub_title: Some(sub_title),
                image: Some(image(img, 996, 450)),
                link_url: Some(link_url),
            },
            _ => MarketingHead::default(),
        };
        let items = topic["topic_items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| MarketingItem {
                        title: text(item, "title"),
                        sub_title: text(item, "sub_title"),
                        image: image(text(item, "img_url"), 300, 300),
                        link_url: text(item, "link_url"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        layout.modules.push(Module::new("alipay_topic", MarketingSlotsProps { head, items }));
    }
    Ok((layout, notices))
}

/// Reads Alipay's menu (`{"button": […]}`, as `menu.create` takes it and
/// `menu.query` gives it) into Wicket's. Each button becomes the WeChat button
/// of the same meaning and is read by WeChat's reading, so both platforms read
/// Wicket's keys alike: `link` a web page, `out` a keyword or Wicket's key,
/// `tel` a call, `map` a place (its coordinates from `published`'s place of
/// that name, when there is one). `consumption` has no Wicket action: an issue.
pub fn import_alipay_menu(menu: &Value, published: Option<&Menu>) -> Result<MenuImport, Vec<Issue>> {
    let mut issues = Vec::new();
    let place = |name: &str| -> (f64, f64) {
        let all = published.into_iter().flat_map(|m| m.items.iter()).flat_map(|item| match &item.target {
            crate::layout::MenuTarget::Action { action } => vec![action.clone()],
            crate::layout::MenuTarget::Submenu { items } => items.iter().map(|s| s.action.clone()).collect(),
        });
        all.into_iter()
            .find_map(|action| match action {
                crate::layout::Action::Map { name: n, latitude, longitude } if n == name => Some((latitude, longitude)),
                _ => None,
            })
            .unwrap_or((0.0, 0.0))
    };
    let mut convert = |button: &Value, path: String| -> Value {
        let mut out = Map::new();
        if let Some(name) = button.get("name") {
            out.insert("name".into(), name.clone());
        }
        if button["sub_button"].as_array().is_some_and(|s| !s.is_empty()) {
            return Value::Object(out);
        }
        let param = button["action_param"].as_str().unwrap_or_default();
        match button["action_type"].as_str().unwrap_or("out") {
            "link" => {
                out.insert("type".into(), "view".into());
                out.insert("url".into(), param.into());
            }
            "out" => {
                out.insert("type".into(), "click".into());
                out.insert("key".into(), param.into());
            }
            "tel" => {
                out.insert("type".into(), "click".into());
                out.insert("key".into(), format!("WICKET_CALL_{param}").into());
            }
            "map" => {
                let (latitude, longitude) = place(param);
                out.insert("type".into(), "click".into());
                out.insert("key".into(), format!("WICKET_MAP_{latitude}_{longitude}_{param}").into());
            }
            other => {
                issues.push(
                    Issue::new(format!("{path}.action_type"), "layout.import.button.unsupported_type")
                        .with("type", other),
                );
                out.insert("type".into(), "click".into());
                out.insert("key".into(), param.into());
            }
        }
        Value::Object(out)
    };
    let mut buttons = Vec::new();
    for (index, button) in menu["button"].as_array().into_iter().flatten().enumerate() {
        let path = format!("button.{index}");
        let mut top = convert(button, path.clone());
        if let Some(subs) = button["sub_button"].as_array().filter(|s| !s.is_empty()) {
            let subs: Vec<Value> =
                subs.iter().enumerate().map(|(i, sub)| convert(sub, format!("{path}.sub_button.{i}"))).collect();
            top["sub_button"] = Value::Array(subs);
        }
        buttons.push(top);
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    import_wechat_menu_with(&json!({ "button": buttons }).to_string(), published)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Action, MenuItem, SubMenuItem};

    fn home_layout() -> Layout {
        let mut layout = Layout::default();
        layout.modules.push(Module::new(
            "ext1",
            ExtensionAreaProps { name: "会员".into(), url: "https://example.com/a".into(), height: 300 },
        ));
        layout.modules.push(Module::new("ad", AdvertCarouselProps::default()));
        layout.modules.push(Module::new(
            "ext2",
            ExtensionAreaProps { name: "积分".into(), url: "https://example.com/b".into(), height: 200 },
        ));
        let slots = MarketingSlotsProps {
            head: MarketingHead {
                sub_title: Some("本周精选".into()),
                image: Some(LayoutImage::new("https://example.com/head.png", 996, 450)),
                link_url: Some("https://example.com/week".into()),
            },
            ..MarketingSlotsProps::default()
        };
        layout.modules.push(Module::new("slots", slots));
        layout.menu = Menu {
            items: vec![
                MenuItem::action("m1", "官网", Action::url("https://example.com/")),
                MenuItem::submenu(
                    "m2",
                    "服务",
                    vec![
                        SubMenuItem {
                            id: "m2_1".into(),
                            label: "营业时间".into(),
                            action: Action::keyword("营业时间"),
                        },
                        SubMenuItem { id: "m2_2".into(), label: "电话".into(), action: Action::call("95188") },
                        SubMenuItem {
                            id: "m2_3".into(),
                            label: "门店".into(),
                            action: Action::Map { name: "西湖店".into(), latitude: 30.25, longitude: 120.15 },
                        },
                    ],
                ),
            ],
        };
        layout
    }

    #[test]
    fn every_part_of_the_home_page_becomes_its_apis_biz_content() {
        let home = alipay_home(&home_layout());
        assert_eq!(
            home.extension_areas,
            Some(json!({"areas": [
                {"type": "h5", "name": "会员", "url": "https://example.com/a", "height": 300},
                {"type": "h5", "name": "积分", "url": "https://example.com/b", "height": 200},
            ]}))
        );
        assert_eq!(
            home.advert_carousel,
            Some(json!({"advert_items": [
                {"img_url": "https://example.com/advert.png", "link_url": "https://example.com/promotion"}
            ]}))
        );
        let topic = home.marketing_slots.unwrap();
        assert_eq!(topic["title"], "本周精选");
        assert_eq!(topic["img_url"], "https://example.com/head.png");
        assert_eq!(topic["topic_items"].as_array().unwrap().len(), 4);
        assert!(topic["topic_items"][0].get("sub_title").is_none(), "an empty description is left out");
        let menu = home.menu.unwrap();
        assert_eq!(menu["type"], "text");
        assert_eq!(
            menu["button"][1]["sub_button"][1],
            json!({"name": "电话", "action_type": "tel", "action_param": "95188"})
        );
    }

    #[test]
    fn a_layout_without_alipay_modules_uses_no_such_part() {
        let home = alipay_home(&Layout::default());
        for part in AlipayPart::ALL {
            assert!(home.part(part).is_none(), "{part:?}");
        }
        let slots = MarketingSlotsProps {
            head: MarketingHead { sub_title: Some("只有描述".into()), image: None, link_url: None },
            ..MarketingSlotsProps::default()
        };
        let mut layout = Layout::default();
        layout.modules.push(Module::new("s", slots));
        let topic = alipay_home(&layout).marketing_slots.unwrap();
        assert!(topic.get("img_url").is_none() && topic.get("sub_title").is_none(), "a half head is not sent: {topic}");
    }

    #[test]
    fn the_live_home_page_reads_back_into_the_layout_it_was_published_from() {
        let layout = home_layout();
        let home = alipay_home(&layout);
        let live = AlipayLiveHome {
            menu: home.menu.clone(),
            extension_areas: home.extension_areas.clone(),
            advert_carousel: home.advert_carousel.clone(),
            marketing_slots: home.marketing_slots.clone(),
        };
        let (read, notices) = import_alipay_home(&live, Some(&layout)).unwrap();
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(alipay_home(&read), home, "what is read publishes as the same parts");
        let labels: Vec<&str> = read.menu.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["官网", "服务"]);
        let crate::layout::MenuTarget::Submenu { items } = &read.menu.items[1].target else { panic!("a submenu") };
        assert_eq!(items[2].action, Action::Map { name: "西湖店".into(), latitude: 30.25, longitude: 120.15 });
        assert_eq!(items[1].action, Action::call("95188"));
    }

    #[test]
    fn a_consumption_button_cannot_be_read_and_says_where() {
        let menu = json!({"button": [{"name": "账单", "action_type": "consumption", "action_param": ""}]});
        let issues = import_alipay_menu(&menu, None).unwrap_err();
        assert_eq!(issues[0].path, "button.0.action_type");
        assert_eq!(issues[0].key, "layout.import.button.unsupported_type");
    }

    #[test]
    fn app_ids_are_sixteen_digits() {
        assert!(is_app_id("2021000000000001"));
        assert!(!is_app_id("202100000000001"));
        assert!(!is_app_id("2021000000000a01"));
    }

    #[test]
    fn debug_of_what_the_console_sends_shows_no_key_and_a_key_left_out_is_not_sent() {
        let connect = AlipayConnect {
            app_id: "2021000000000001".into(),
            app_private_key: Some("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC".into()),
            alipay_public_key: Some("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx".into()),
            charset: AlipayCharset::Gbk,
        };
        let shown = format!("{connect:?}");
        assert!(shown.contains("2021000000000001"), "{shown}");
        assert!(!shown.contains("MIIE") && !shown.contains("MIIB"), "{shown}");
        let left_out = AlipayConnect { app_private_key: None, alipay_public_key: None, ..connect };
        assert_eq!(serde_json::to_value(&left_out).unwrap(), json!({"app_id": "2021000000000001", "charset": "gbk"}));
    }

    #[test]
    fn a_parts_outcome_replaces_its_last_one_only() {
        let mut state = AlipayConnectionState::default();
        let outcome =
            |part, state| AlipayPartPublish { part, version: 1, state, at: 0, code: None, reason: None, message: None };
        state.record(outcome(AlipayPart::MarketingSlots, AlipayPartState::Refused));
        state.record(outcome(AlipayPart::Menu, AlipayPartState::Published));
        state.record(outcome(AlipayPart::MarketingSlots, AlipayPartState::Published));
        let parts: Vec<_> = state.home.iter().map(|p| (p.part, p.state)).collect();
        assert_eq!(
            parts,
            [(AlipayPart::Menu, AlipayPartState::Published), (AlipayPart::MarketingSlots, AlipayPartState::Published)]
        );
    }
}
