//! Checks a layout against one platform profile's rules (`crate::platform`) and
//! Wicket's own. It reports every problem at once, each at the dotted path of
//! the JSON field it is about, so the designer can mark it inline; and it
//! never panics, whatever the layout holds.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::fields::{fields_used, has_malformed_template, is_known_field, single_field};
use super::parse::{overlong_texts, too_long, SCHEMA_VERSION};
use super::platform_menu::{alipay_leaf, wechat_leaf, WechatLeaf, RESERVED_KEY_PREFIX};
use super::types::{Action, Layout, LayoutImage, Menu, MenuTarget, Module, ModuleKind};
use crate::error::Issue;
use crate::platform::PlatformProfile;
use crate::platform::{self, wicket, Bounds, ImageSize, LengthRule, PlatformRules};

/// What the rules depend on besides the layout itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleContext {
    pub profile: PlatformProfile,
    /// Alipay's 咨询反馈 switch; when on, the menu loses a top-level slot.
    pub alipay_chat_switch: bool,
}

impl RuleContext {
    pub fn new(profile: PlatformProfile) -> Self {
        Self { profile, alipay_chat_switch: false }
    }
}

/// Every problem of `layout` under `context`, in document order.
pub fn validate(layout: &Layout, context: &RuleContext) -> Vec<Issue> {
    let mut check = Check {
        rules: platform::for_profile(context.profile),
        context: *context,
        issues: Vec::new(),
        pages: layout.pages.iter().map(|page| page.id.as_str()).collect(),
        module_ids: HashMap::new(),
        page_ids: HashMap::new(),
        menu_ids: HashMap::new(),
        module_count: 0,
        extension_areas: Vec::new(),
    };
    // Texts over Wicket's bound first: the server refuses to save them.
    if let Ok(value) = serde_json::to_value(layout) {
        for (path, max, actual) in overlong_texts(&value) {
            check.push(too_long(&path, max, actual));
        }
    }
    check.layout(layout);
    check.issues
}

/// The id namespaces: each must be unique within its own.
#[derive(Clone, Copy)]
enum Ids {
    Module,
    Page,
    Menu,
}

struct Check<'a> {
    rules: &'static PlatformRules,
    context: RuleContext,
    issues: Vec<Issue>,
    /// The pages an `open_page` may name.
    pages: HashSet<&'a str>,
    /// Each id with the path where it first appeared.
    module_ids: HashMap<&'a str, String>,
    page_ids: HashMap<&'a str, String>,
    menu_ids: HashMap<&'a str, String>,
    module_count: usize,
    extension_areas: Vec<String>,
}

impl<'a> Check<'a> {
    fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn layout(&mut self, layout: &'a Layout) {
        if layout.schema_version != SCHEMA_VERSION {
            self.push(
                Issue::new("schema_version", "layout.schema_version.unsupported")
                    .with("expected", SCHEMA_VERSION)
                    .with("actual", layout.schema_version),
            );
        }
        self.modules(&layout.modules, "modules", 1, true);
        if layout.pages.len() > wicket::LAYOUT_MAX_PAGES {
            self.push(
                Issue::new("pages", "layout.pages.too_many")
                    .with("max", wicket::LAYOUT_MAX_PAGES)
                    .with("actual", layout.pages.len()),
            );
        }
        for (index, page) in layout.pages.iter().enumerate() {
            let path = format!("pages.{index}");
            self.id(Ids::Page, &page.id, format!("{path}.id"));
            self.text(&format!("{path}.title"), &page.title, Some("layout.page.title.required"));
            self.modules(&page.modules, &format!("{path}.modules"), 1, false);
        }
        if self.module_count > wicket::LAYOUT_MAX_MODULES {
            self.push(
                Issue::new("modules", "layout.modules.too_many")
                    .with("max", wicket::LAYOUT_MAX_MODULES)
                    .with("actual", self.module_count),
            );
        }
        let max_areas = self.rules.home.max_extension_areas;
        let areas = std::mem::take(&mut self.extension_areas);
        for path in areas.iter().skip(max_areas) {
            self.push(
                Issue::new(path.clone(), "layout.extension_area.too_many")
                    .with("max", max_areas)
                    .with("actual", areas.len()),
            );
        }
        self.menu(&layout.menu);
    }

    fn modules(&mut self, modules: &'a [Module], path: &str, depth: usize, home_top: bool) {
        for (index, module) in modules.iter().enumerate() {
            self.module(module, &format!("{path}.{index}"), depth, home_top);
        }
    }

    fn module(&mut self, module: &'a Module, path: &str, depth: usize, home_top: bool) {
        self.module_count += 1;
        self.id(Ids::Module, &module.id, format!("{path}.id"));
        // Only the module that crosses the line: its children are the same problem.
        if depth == wicket::LAYOUT_MAX_DEPTH + 1 {
            self.push(
                Issue::new(path, "layout.module.too_deep").with("max", wicket::LAYOUT_MAX_DEPTH).with("actual", depth),
            );
        }
        if self.rules.home.top_level_only && module.props.is_alipay_home_module() && !home_top {
            self.push(Issue::new(path, "layout.module.home_top_level_only").with("kind", module.props.name()));
        }
        self.props(&module.props, &format!("{path}.props"), path);
        for (suffix, children) in module.child_lists() {
            self.count(&format!("{path}.{suffix}"), children.len(), wicket::CONTAINER_CHILDREN);
            self.modules(children, &format!("{path}.{suffix}"), depth.saturating_add(1), false);
        }
    }

    fn props(&mut self, props: &ModuleKind, path: &str, module_path: &str) {
        let at = |field: &str| format!("{path}.{field}");
        let home = self.rules.home;
        match props {
            ModuleKind::ProfileCard(p) => {
                self.required_text(&at("title"), &p.title);
                self.text(&at("subtitle"), &p.subtitle, None);
                self.optional_action(&at("action"), &p.action);
            }
            ModuleKind::StatementList(p) => {
                self.required_text(&at("title"), &p.title);
                self.value(&at("months"), p.months, wicket::STATEMENT_MONTHS);
                self.optional_action(&at("action"), &p.action);
            }
            ModuleKind::Reminder(p) => {
                self.required_text(&at("title"), &p.title);
                self.required_text(&at("text"), &p.text);
                self.optional_action(&at("action"), &p.action);
            }
            ModuleKind::EntryGrid(p) => {
                self.text(&at("title"), &p.title, None);
                self.value(&at("columns"), p.columns, wicket::ENTRY_GRID_COLUMNS);
                self.count(&at("entries"), p.entries.len(), wicket::LIST_ITEMS);
                for (index, entry) in p.entries.iter().enumerate() {
                    let entry_path = at(&format!("entries.{index}"));
                    self.required_text(&format!("{entry_path}.label"), &entry.label);
                    self.required_text(&format!("{entry_path}.icon"), &entry.icon);
                    self.module_action(&format!("{entry_path}.action"), &entry.action);
                }
            }
            ModuleKind::Banner(p) => {
                self.count(&at("slides"), p.slides.len(), wicket::BANNER_SLIDES);
                for (index, slide) in p.slides.iter().enumerate() {
                    let slide_path = at(&format!("slides.{index}"));
                    self.image(&format!("{slide_path}.image"), &slide.image, None);
                    self.optional_action(&format!("{slide_path}.action"), &slide.action);
                }
            }
            ModuleKind::Notice(p) => {
                self.required_text(&at("text"), &p.text);
                self.optional_action(&at("action"), &p.action);
            }
            ModuleKind::LinkList(p) => {
                self.text(&at("title"), &p.title, None);
                self.count(&at("links"), p.links.len(), wicket::LIST_ITEMS);
                for (index, link) in p.links.iter().enumerate() {
                    let link_path = at(&format!("links.{index}"));
                    self.required_text(&format!("{link_path}.label"), &link.label);
                    self.module_action(&format!("{link_path}.action"), &link.action);
                }
            }
            ModuleKind::Coupon(p) => {
                self.required_text(&at("title"), &p.title);
                self.text(&at("detail"), &p.detail, None);
                self.optional_action(&at("action"), &p.action);
            }
            ModuleKind::PayButton(p) => {
                self.required_text(&at("label"), &p.label);
                self.amount(&at("amount_template"), &p.amount_template, "layout.module.required");
                self.required_text(&at("description"), &p.description);
            }
            ModuleKind::SearchBox(p) => {
                self.required_text(&at("placeholder"), &p.placeholder);
                self.text(&at("keyword_prefix"), &p.keyword_prefix, None);
                self.not_reserved(&at("keyword_prefix"), &p.keyword_prefix);
            }
            ModuleKind::Contact(p) => {
                self.required_text(&at("title"), &p.title);
                self.phone(&at("phone"), &p.phone, "layout.module.required");
                self.text(&at("hours"), &p.hours, None);
            }
            ModuleKind::Spacer(p) => self.value(&at("height"), p.height, wicket::SPACER_HEIGHT),
            ModuleKind::Group(p) => self.text(&at("title"), &p.title, None),
            ModuleKind::Tabs(p) => {
                self.count(&at("tabs"), p.tabs.len(), wicket::TABS);
                for (index, tab) in p.tabs.iter().enumerate() {
                    self.required_text(&at(&format!("tabs.{index}.label")), &tab.label);
                }
            }
            ModuleKind::ExtensionArea(p) => {
                self.extension_areas.push(module_path.to_owned());
                self.required_text(&at("name"), &p.name);
                self.url(&at("url"), &p.url, "layout.module.required");
                self.value(&at("height"), p.height, home.extension_height);
            }
            ModuleKind::AdvertCarousel(p) => {
                self.count(&at("items"), p.items.len(), home.advert_items);
                for (index, item) in p.items.iter().enumerate() {
                    let item_path = at(&format!("items.{index}"));
                    self.image(&format!("{item_path}.image"), &item.image, Some(home.advert_image));
                    self.url(&format!("{item_path}.link_url"), &item.link_url, "layout.module.required");
                }
            }
            ModuleKind::MarketingSlots(p) => {
                let head = &p.head;
                let filled = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
                let parts = [
                    ("sub_title", filled(&head.sub_title)),
                    ("image", head.image.is_some()),
                    ("link_url", filled(&head.link_url)),
                ];
                let missing: Vec<&str> = parts.iter().filter(|(_, set)| !set).map(|(name, _)| *name).collect();
                if !missing.is_empty() && missing.len() < parts.len() {
                    self.push(
                        Issue::new(at("head"), "layout.marketing.head.incomplete").with("missing", missing.join(",")),
                    );
                }
                if let Some(sub_title) = &head.sub_title {
                    self.text(&at("head.sub_title"), sub_title, None);
                }
                if let Some(image) = &head.image {
                    self.image(&at("head.image"), image, Some(home.marketing_head_image));
                }
                if let Some(link_url) = head.link_url.as_deref().filter(|url| !url.trim().is_empty()) {
                    self.url(&at("head.link_url"), link_url, "layout.module.required");
                }
                self.count(&at("items"), p.items.len(), home.marketing_items);
                for (index, item) in p.items.iter().enumerate() {
                    let item_path = at(&format!("items.{index}"));
                    self.required_text(&format!("{item_path}.title"), &item.title);
                    self.text(&format!("{item_path}.sub_title"), &item.sub_title, None);
                    self.image(&format!("{item_path}.image"), &item.image, Some(home.marketing_item_image));
                    self.url(&format!("{item_path}.link_url"), &item.link_url, "layout.module.required");
                }
            }
        }
    }

    fn menu(&mut self, menu: &'a Menu) {
        let menu_rules = self.rules.menu;
        let max_top = if self.context.profile == PlatformProfile::Alipay && self.context.alipay_chat_switch {
            menu_rules.max_top_items_with_chat_switch
        } else {
            menu_rules.max_top_items
        };
        if menu.items.len() > max_top {
            self.push(
                Issue::new("menu.items", "layout.menu.too_many_items")
                    .with("max", max_top)
                    .with("actual", menu.items.len()),
            );
        }
        for (index, item) in menu.items.iter().enumerate() {
            let path = format!("menu.items.{index}");
            self.id(Ids::Menu, &item.id, format!("{path}.id"));
            self.menu_label(&format!("{path}.label"), &item.label, menu_rules.top_label);
            match &item.target {
                MenuTarget::Action { action } => self.menu_action(&format!("{path}.target.action"), &item.id, action),
                MenuTarget::Submenu { items } => {
                    let subs_path = format!("{path}.target.items");
                    if items.is_empty() {
                        self.push(Issue::new(subs_path.clone(), "layout.menu.submenu.empty"));
                    } else if items.len() > menu_rules.max_sub_items {
                        self.push(
                            Issue::new(subs_path.clone(), "layout.menu.submenu.too_many_items")
                                .with("max", menu_rules.max_sub_items)
                                .with("actual", items.len()),
                        );
                    }
                    for (sub_index, sub) in items.iter().enumerate() {
                        let sub_path = format!("{subs_path}.{sub_index}");
                        self.id(Ids::Menu, &sub.id, format!("{sub_path}.id"));
                        self.menu_label(&format!("{sub_path}.label"), &sub.label, menu_rules.sub_label);
                        self.menu_action(&format!("{sub_path}.action"), &sub.id, &sub.action);
                    }
                }
            }
        }
    }

    /// Platforms show menu labels as they are: no templates, and a length
    /// counted the platform's way.
    fn menu_label(&mut self, path: &str, label: &str, rule: LengthRule) {
        if label.trim().is_empty() {
            self.push(Issue::new(path, "layout.menu.label.required"));
            return;
        }
        let length = rule.unit.measure(label);
        if length > rule.max {
            self.push(
                Issue::new(path, "layout.menu.label.too_long")
                    .with("max", rule.max)
                    .with("actual", length)
                    .with("unit", rule.unit.as_str()),
            );
        }
        if !fields_used(label).is_empty() || has_malformed_template(label) {
            self.push(Issue::new(path, "layout.template.not_allowed"));
        }
    }

    /// The action's own rules, then the limits of what the platform is sent
    /// for it (see `platform_menu`).
    fn menu_action(&mut self, path: &str, item_id: &str, action: &Action) {
        self.action(path, action);
        let menu_rules = self.rules.menu;
        if let Some(kind) = action.wechat_only_type().filter(|_| !menu_rules.wechat_buttons) {
            self.push(Issue::new(path, "layout.rule.wechat_only").with("type", kind));
            return;
        }
        let field_path = match leaf_field(action) {
            Some(field) => format!("{path}.{field}"),
            None => path.to_owned(),
        };
        let (is_url, sent) = match self.context.profile {
            PlatformProfile::Wechat => match wechat_leaf(item_id, action) {
                WechatLeaf::View(url) | WechatLeaf::MiniProgram { url, .. } => (true, url),
                WechatLeaf::Click(key) | WechatLeaf::Event(_, key) => (false, key),
                // WeChat gives no limit for a material's or an article's id.
                WechatLeaf::Material { .. } => return,
            },
            PlatformProfile::Alipay => {
                let leaf = alipay_leaf(item_id, action);
                (leaf.is_link(), leaf.param)
            }
        };
        if sent.is_empty() {
            return; // Already reported as a required field.
        }
        let (rule, key) = if is_url {
            (menu_rules.url, "layout.menu.url.too_long")
        } else {
            (menu_rules.key, "layout.menu.key.too_long")
        };
        let length = rule.unit.measure(&sent);
        if length > rule.max {
            self.push(
                Issue::new(field_path.clone(), key)
                    .with("max", rule.max)
                    .with("actual", length)
                    .with("unit", rule.unit.as_str()),
            );
        }
        if !is_url {
            if let Some(c) = sent.chars().find(|c| menu_rules.key_forbidden_chars.contains(c)) {
                self.push(Issue::new(field_path, "layout.menu.key.forbidden_char").with("char", c));
            }
        }
    }

    fn optional_action(&mut self, path: &str, action: &Option<Action>) {
        if let Some(action) = action {
            self.module_action(path, action);
        }
    }

    /// A module's action: the page is a web page, where WeChat's own menu
    /// buttons (scan, photo, mini program, …) do nothing.
    fn module_action(&mut self, path: &str, action: &Action) {
        self.action(path, action);
        if let Some(kind) = action.wechat_only_type() {
            self.push(Issue::new(path, "layout.rule.menu_only").with("type", kind));
        }
    }

    fn action(&mut self, path: &str, action: &Action) {
        const REQUIRED: &str = "layout.action.required";
        let at = |field: &str| format!("{path}.{field}");
        match action {
            Action::OpenUrl { url } => self.url(&at("url"), url, REQUIRED),
            Action::SendKeyword { keyword } => {
                self.text(&at("keyword"), keyword, Some(REQUIRED));
                self.not_reserved(&at("keyword"), keyword);
            }
            Action::Call { phone } => self.phone(&at("phone"), phone, REQUIRED),
            Action::Map { name, latitude, longitude } => {
                self.text(&at("name"), name, Some(REQUIRED));
                self.coordinate(&at("latitude"), *latitude, 90.0);
                self.coordinate(&at("longitude"), *longitude, 180.0);
            }
            Action::Pay { amount_template, description } => {
                self.amount(&at("amount_template"), amount_template, REQUIRED);
                self.text(&at("description"), description, Some(REQUIRED));
            }
            Action::OpenConversation => {}
            Action::WechatEvent { key, .. } => {
                self.text(&at("key"), key, Some(REQUIRED));
                self.not_reserved(&at("key"), key);
            }
            Action::MiniProgram { appid, pagepath, url } => {
                self.required(&at("appid"), appid, REQUIRED);
                self.required(&at("pagepath"), pagepath, REQUIRED);
                self.url(&at("url"), url, REQUIRED);
            }
            Action::SendMedia { media_id } | Action::OpenMedia { media_id } => {
                self.required(&at("media_id"), media_id, REQUIRED);
            }
            Action::SendArticle { article_id } | Action::OpenArticle { article_id } => {
                self.required(&at("article_id"), article_id, REQUIRED);
            }
            Action::OpenPage { page_id } => {
                if page_id.trim().is_empty() {
                    self.push(Issue::new(at("page_id"), REQUIRED));
                } else if !self.pages.contains(page_id.as_str()) {
                    self.push(Issue::new(at("page_id"), "layout.action.page.missing").with("page_id", page_id));
                }
            }
        }
    }

    fn id(&mut self, space: Ids, id: &'a str, path: String) {
        if id.trim().is_empty() {
            self.push(Issue::new(path, "layout.id.required"));
            return;
        }
        let length = id.chars().count();
        if length > wicket::LAYOUT_ID_MAX_CHARS {
            self.push(
                Issue::new(path.clone(), "layout.id.too_long")
                    .with("max", wicket::LAYOUT_ID_MAX_CHARS)
                    .with("actual", length),
            );
        }
        let seen = match space {
            Ids::Module => &mut self.module_ids,
            Ids::Page => &mut self.page_ids,
            Ids::Menu => &mut self.menu_ids,
        };
        if let Some(first) = seen.get(id) {
            let issue = Issue::new(path, "layout.id.duplicate").with("id", id).with("first", first);
            self.push(issue);
        } else {
            seen.insert(id, path);
        }
    }

    /// Text the platform takes as it is (an id, a path): only that it is there.
    fn required(&mut self, path: &str, text: &str, key: &str) {
        if text.trim().is_empty() {
            self.push(Issue::new(path, key));
        }
    }

    fn required_text(&mut self, path: &str, text: &str) {
        self.text(path, text, Some("layout.module.required"));
    }

    /// Checks templates, and that the text is there when `required` (the
    /// issue key to report if not) is given.
    fn text(&mut self, path: &str, text: &str, required: Option<&str>) {
        if let Some(key) = required {
            if text.trim().is_empty() {
                self.push(Issue::new(path, key));
                return;
            }
        }
        for field in fields_used(text) {
            if !is_known_field(field) {
                self.push(Issue::new(path, "layout.template.unknown_field").with("field", field));
            }
        }
        if has_malformed_template(text) {
            self.push(Issue::new(path, "layout.template.malformed"));
        }
    }

    fn url(&mut self, path: &str, url: &str, required: &str) {
        if url.trim().is_empty() {
            self.push(Issue::new(path, required));
            return;
        }
        self.text(path, url, None);
        if let Some(key) = url_problem(url, self.rules.https_only) {
            self.push(Issue::new(path, key));
        }
    }

    fn image(&mut self, path: &str, image: &LayoutImage, size: Option<ImageSize>) {
        self.url(&format!("{path}.url"), &image.url, "layout.module.required");
        if let Some(size) = size {
            if (image.width, image.height) != (size.width, size.height) {
                self.push(
                    Issue::new(path, "layout.image.wrong_size")
                        .with("width", size.width)
                        .with("height", size.height)
                        .with("actual_width", image.width)
                        .with("actual_height", image.height),
                );
            }
        }
    }

    fn phone(&mut self, path: &str, phone: &str, required: &str) {
        if phone.trim().is_empty() {
            self.push(Issue::new(path, required));
            return;
        }
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c));
        if !allowed || !wicket::PHONE_DIGITS.contains(digits) {
            self.push(Issue::new(path, "layout.phone.invalid"));
        }
    }

    /// An amount is a positive decimal with at most 2 places, or one field.
    fn amount(&mut self, path: &str, amount: &str, required: &str) {
        if amount.trim().is_empty() {
            self.push(Issue::new(path, required));
        } else if single_field(amount).is_some() {
            self.text(path, amount, None);
        } else if !is_amount(amount.trim()) {
            self.push(Issue::new(path, "layout.amount.invalid"));
        }
    }

    fn not_reserved(&mut self, path: &str, text: &str) {
        if text.trim_start().starts_with(RESERVED_KEY_PREFIX) {
            self.push(Issue::new(path, "layout.action.keyword.reserved").with("prefix", RESERVED_KEY_PREFIX));
        }
    }

    fn coordinate(&mut self, path: &str, value: f64, limit: f64) {
        // A NaN is outside every range too.
        if !(-limit..=limit).contains(&value) {
            self.push(
                Issue::new(path, "layout.value.out_of_range")
                    .with("min", -limit)
                    .with("max", limit)
                    .with("actual", value),
            );
        }
    }

    fn value(&mut self, path: &str, value: u32, bounds: Bounds) {
        let fits = usize::try_from(value).is_ok_and(|value| bounds.contains(value));
        if !fits {
            self.push(
                Issue::new(path, "layout.value.out_of_range")
                    .with("min", bounds.min)
                    .with("max", bounds.max)
                    .with("actual", value),
            );
        }
    }

    fn count(&mut self, path: &str, count: usize, bounds: Bounds) {
        let key = if count < bounds.min {
            "layout.items.too_few"
        } else if count > bounds.max {
            "layout.items.too_many"
        } else {
            return;
        };
        self.push(Issue::new(path, key).with("min", bounds.min).with("max", bounds.max).with("actual", count));
    }
}

/// The field of an action that holds what a menu sends to the platform.
fn leaf_field(action: &Action) -> Option<&'static str> {
    match action {
        Action::OpenUrl { .. } => Some("url"),
        Action::SendKeyword { .. } => Some("keyword"),
        Action::Call { .. } => Some("phone"),
        Action::Map { .. } => Some("name"),
        Action::WechatEvent { .. } => Some("key"),
        Action::MiniProgram { .. } => Some("url"),
        _ => None,
    }
}

/// `None` for a usable web link. Templates count as text of the link.
fn url_problem(url: &str, https_only: bool) -> Option<&'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("layout.url.invalid");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return Some("layout.url.invalid");
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !is_scheme {
        return Some("layout.url.invalid");
    }
    let allowed = scheme.eq_ignore_ascii_case("https") || (!https_only && scheme.eq_ignore_ascii_case("http"));
    if !allowed {
        return Some("layout.url.not_https");
    }
    let host = rest.strip_prefix("//").map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if !host.is_empty() => None,
        _ => Some("layout.url.invalid"),
    }
}

fn is_amount(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |part: &str, max: usize| (1..=max).contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit());
    digits(whole, 9)
        && fraction.is_none_or(|fraction| digits(fraction, 2))
        && text.chars().any(|c| matches!(c, '1'..='9'))
}
