//! Properties: valid layouts survive JSON unchanged, and nothing a file or a
//! caller can hold makes parsing or validation panic.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::Value;

use super::*;
use crate::platform::PlatformProfile;

const CONTEXTS: [RuleContext; 3] = [
    RuleContext { profile: PlatformProfile::Wechat, alipay_chat_switch: false },
    RuleContext { profile: PlatformProfile::Alipay, alipay_chat_switch: false },
    RuleContext { profile: PlatformProfile::Alipay, alipay_chat_switch: true },
];

/// Non-blank text without braces, Chinese and ASCII.
fn text() -> impl Strategy<Value = String> {
    "[a-z0-9\u{4e00}-\u{9fa5}][a-z0-9 \u{4e00}-\u{9fa5}]{0,11}"
}

/// Text that may hold known template fields.
fn template_text() -> impl Strategy<Value = String> {
    (text(), prop::sample::select(TEMPLATE_FIELDS.to_vec()), text())
        .prop_map(|(before, field, after)| format!("{before}{{{{{}}}}}{after}", field.name))
}

fn url() -> impl Strategy<Value = String> {
    "https://example\\.com/[a-z0-9/]{0,10}"
}

fn image(width: u32, height: u32) -> impl Strategy<Value = LayoutImage> {
    url().prop_map(move |url| LayoutImage::new(url, width, height))
}

fn phone() -> impl Strategy<Value = String> {
    "[0-9]{3,12}"
}

fn coordinate(limit: i32) -> impl Strategy<Value = f64> {
    (-limit * 10_000..=limit * 10_000).prop_map(|n| f64::from(n) / 10_000.0)
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        url().prop_map(Action::url),
        text().prop_map(Action::keyword),
        phone().prop_map(Action::call),
        (text(), coordinate(90), coordinate(180))
            .prop_map(|(name, latitude, longitude)| { Action::Map { name, latitude, longitude } }),
        ("[1-9][0-9]{0,5}(\\.[0-9]{2})?", text())
            .prop_map(|(amount_template, description)| { Action::Pay { amount_template, description } }),
        Just(Action::OpenConversation),
        Just(Action::page("p0")),
    ]
}

fn leaf() -> impl Strategy<Value = ModuleKind> {
    let kinds: Vec<BoxedStrategy<ModuleKind>> = vec![
        (template_text(), text(), any::<bool>(), prop::option::of(action()))
            .prop_map(|(title, subtitle, show_avatar, action)| {
                ProfileCardProps { title, subtitle, show_avatar, action }.into()
            })
            .boxed(),
        (text(), 1..=12u32, prop::option::of(action()))
            .prop_map(|(title, months, action)| StatementListProps { title, months, action }.into())
            .boxed(),
        (text(), template_text(), prop::option::of(action()))
            .prop_map(|(title, text, action)| ReminderProps { title, text, action }.into())
            .boxed(),
        (text(), 3..=5u32, vec((text(), text(), action()), 1..6))
            .prop_map(|(title, columns, entries)| {
                let entries =
                    entries.into_iter().map(|(label, icon, action)| GridEntry::new(label, icon, action)).collect();
                EntryGridProps { title, columns, entries }.into()
            })
            .boxed(),
        vec((image(750, 300), prop::option::of(action())), 1..=5)
            .prop_map(|slides| {
                let slides = slides.into_iter().map(|(image, action)| BannerSlide { image, action }).collect();
                BannerProps { slides }.into()
            })
            .boxed(),
        (template_text(), prop::option::of(action()))
            .prop_map(|(text, action)| NoticeProps { text, action }.into())
            .boxed(),
        (text(), vec((text(), action()), 1..6))
            .prop_map(|(title, links)| {
                let links = links.into_iter().map(|(label, action)| LinkItem::new(label, action)).collect();
                LinkListProps { title, links }.into()
            })
            .boxed(),
        (text(), text(), prop::option::of(action()))
            .prop_map(|(title, detail, action)| CouponProps { title, detail, action }.into())
            .boxed(),
        (text(), text())
            .prop_map(|(label, description)| {
                PayButtonProps { label, amount_template: "{{statement.amount}}".into(), description }.into()
            })
            .boxed(),
        (text(), text())
            .prop_map(|(placeholder, keyword_prefix)| SearchBoxProps { placeholder, keyword_prefix }.into())
            .boxed(),
        (text(), phone(), text(), any::<bool>())
            .prop_map(|(title, phone, hours, chat)| ContactProps { title, phone, hours, chat }.into())
            .boxed(),
        (4..=200u32).prop_map(|height| SpacerProps { height }.into()).boxed(),
    ];
    Union::new(kinds)
}

fn module_kind() -> impl Strategy<Value = ModuleKind> {
    // Two container levels below the top: three levels in all.
    leaf().prop_recursive(2, 24, 4, |inner| {
        let children = vec(inner.prop_map(|props| Module::new("", props)), 0..4);
        prop_oneof![
            (text(), children.clone()).prop_map(|(title, children)| GroupProps { title, children }.into()),
            vec((text(), children), 1..=3).prop_map(|tabs| {
                let tabs = tabs.into_iter().map(|(label, children)| Tab { label, children }).collect();
                TabsProps { tabs }.into()
            }),
        ]
    })
}

/// Alipay's home modules, which go at the top of the home page.
fn home_modules() -> impl Strategy<Value = Vec<ModuleKind>> {
    let extension = (text(), url(), 200..=500u32)
        .prop_map(|(name, url, height)| ModuleKind::from(ExtensionAreaProps { name, url, height }));
    let advert = vec((image(996, 240), url()), 1..=5).prop_map(|items| {
        let items = items.into_iter().map(|(image, link_url)| AdvertItem { image, link_url }).collect();
        ModuleKind::from(AdvertCarouselProps { items })
    });
    let head = prop_oneof![
        Just(MarketingHead::default()),
        (text(), image(996, 450), url()).prop_map(|(sub_title, image, link_url)| MarketingHead {
            sub_title: Some(sub_title),
            image: Some(image),
            link_url: Some(link_url),
        }),
    ];
    let marketing = (head, vec((text(), text(), image(300, 300), url()), 4..=8)).prop_map(|(head, items)| {
        let items = items
            .into_iter()
            .map(|(title, sub_title, image, link_url)| MarketingItem { title, sub_title, image, link_url })
            .collect();
        ModuleKind::from(MarketingSlotsProps { head, items })
    });
    (vec(extension, 0..=3), prop::option::of(advert), prop::option::of(marketing)).prop_map(
        |(mut all, advert, marketing)| {
            all.extend(advert);
            all.extend(marketing);
            all
        },
    )
}

fn menu() -> impl Strategy<Value = Menu> {
    let top_label = "[a-z\u{4e00}-\u{9fa5}]{1,5}";
    let sub_label = "[a-z\u{4e00}-\u{9fa5}]{1,9}";
    let target = prop_oneof![
        action().prop_map(|action| MenuTarget::Action { action }),
        vec((sub_label, action()), 1..=5).prop_map(|items| MenuTarget::Submenu {
            items: items.into_iter().map(|(label, action)| SubMenuItem::new("", label, action)).collect()
        }),
    ];
    vec((top_label, target), 0..=3).prop_map(|items| Menu {
        items: items.into_iter().map(|(label, target)| MenuItem { id: String::new(), label, target }).collect(),
    })
}

/// Gives every module and menu item a unique id.
fn number(modules: &mut [Module], next: &mut usize) {
    for module in modules {
        *next += 1;
        module.id = format!("m{next}");
        match &mut module.props {
            ModuleKind::Group(group) => number(&mut group.children, next),
            ModuleKind::Tabs(tabs) => {
                for tab in &mut tabs.tabs {
                    number(&mut tab.children, next);
                }
            }
            _ => {}
        }
    }
}

fn valid_layout() -> impl Strategy<Value = Layout> {
    (vec(module_kind(), 0..6), home_modules(), vec(vec(module_kind(), 0..3), 0..3), menu()).prop_map(
        |(kinds, home, page_kinds, mut menu)| {
            let modules = home.into_iter().chain(kinds).map(|props| Module::new("", props)).collect();
            // Page p0 always exists: generated actions may open it.
            let pages = std::iter::once(Vec::new())
                .chain(page_kinds)
                .enumerate()
                .map(|(index, kinds)| Page {
                    id: format!("p{index}"),
                    title: format!("页面{index}"),
                    modules: kinds.into_iter().map(|props| Module::new("", props)).collect(),
                })
                .collect();
            let mut layout = Layout { modules, pages, ..Layout::default() };
            let mut next = 0;
            number(&mut layout.modules, &mut next);
            for page in &mut layout.pages {
                number(&mut page.modules, &mut next);
            }
            for (index, item) in menu.items.iter_mut().enumerate() {
                item.id = format!("i{index}");
                if let MenuTarget::Submenu { items } = &mut item.target {
                    for (sub_index, sub) in items.iter_mut().enumerate() {
                        sub.id = format!("i{index}_{sub_index}");
                    }
                }
            }
            layout.menu = menu;
            layout
        },
    )
}

/// Keys a layout uses, so arbitrary objects sometimes look like one.
const KEYS: &[&str] = &[
    "schema_version",
    "modules",
    "pages",
    "menu",
    "items",
    "id",
    "props",
    "kind",
    "type",
    "label",
    "target",
    "action",
    "url",
    "title",
    "children",
    "tabs",
    "height",
    "columns",
    "entries",
    "keyword",
    "page_id",
    "latitude",
    "longitude",
    "name",
    "image",
    "width",
    "head",
    "text",
    "notice",
    "group",
    "open_url",
];

fn json_value() -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        prop::sample::select(KEYS).prop_map(str::to_owned),
        prop::sample::select(ModuleKind::NAMES.to_vec()).prop_map(str::to_owned),
        "\\PC{0,12}",
        "\\{\\{[a-z.]{0,12}\\}?\\}?",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        string.clone().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(string.clone(), inner, 0..6).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer in a value, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                pointers(item, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// One change to a valid layout's JSON. Most keep the value's type, so the
/// result often still parses and reaches validation.
#[derive(Debug, Clone)]
struct Mutation {
    at: prop::sample::Index,
    text: String,
    number: Value,
    other: Value,
    duplicate: bool,
    retype: bool,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let number = prop_oneof![
        any::<u32>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (0..600u32).prop_map(Value::from),
    ];
    let text = prop_oneof!["\\PC{0,40}", "[{}a-z._ ]{0,20}", Just(String::new()), Just("WICKET_PAY_x".to_owned())];
    (any::<prop::sample::Index>(), text, number, json_value(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(
        |(at, text, number, other, duplicate, retype)| Mutation { at, text, number, other, duplicate, retype },
    )
}

impl Mutation {
    fn apply(self, value: &mut Value) {
        let mut found: Vec<String> = Vec::new();
        pointers(value, String::new(), &mut found);
        let pointer = self.at.get(&found[..]).clone();
        let Some(slot) = value.pointer_mut(&pointer) else {
            return;
        };
        if self.retype {
            *slot = self.other;
            return;
        }
        match slot {
            Value::String(text) => *text = self.text,
            Value::Number(_) => *slot = self.number,
            Value::Bool(flag) => *flag = !*flag,
            // Duplicated items repeat ids and overflow counts; removed ones
            // leave lists short and pages missing.
            Value::Array(items) if self.duplicate => {
                if let Some(item) = items.first().cloned() {
                    items.extend(std::iter::repeat_n(item, 6));
                }
            }
            Value::Array(items) => {
                items.pop();
            }
            Value::Object(map) if self.duplicate => {
                map.insert("unknown".into(), Value::Null);
            }
            Value::Object(map) => {
                let first = map.keys().next().cloned();
                if let Some(key) = first {
                    map.remove(&key);
                }
            }
            Value::Null => *slot = self.other,
        }
    }
}

fn parse_and_validate(json: &str) {
    if let Ok(layout) = parse_layout(json) {
        for context in CONTEXTS {
            let _ = validate(&layout, &context);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_layouts_are_valid_and_survive_json_unchanged(layout in valid_layout()) {
        for context in CONTEXTS {
            prop_assert_eq!(validate(&layout, &context), vec![], "a generated layout is valid for {:?}", context);
        }
        let json = serde_json::to_string(&layout).unwrap();
        prop_assert_eq!(parse_layout(&json), Ok(layout.clone()), "parse_layout reads back what was written");
        let pretty = serde_json::to_string_pretty(&layout).unwrap();
        prop_assert_eq!(serde_json::from_str::<Layout>(&pretty).ok(), Some(layout), "pretty JSON reads back too");
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), as_layout in any::<bool>()) {
        let mut value = value;
        if as_layout {
            if let Some(object) = value.as_object_mut() {
                object.insert("schema_version".into(), Value::from(SCHEMA_VERSION));
            }
        }
        parse_and_validate(&value.to_string());
        let _ = import_wechat_menu(&value.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}|.{0,64}") {
        parse_and_validate(&text);
        let _ = import_wechat_menu(&text);
        let filled = fill(&text, &SampleSubscriber::default());
        if !text.contains("{{") {
            prop_assert_eq!(filled, text, "text without a placeholder is left as it is");
        }
    }

    #[test]
    fn wechat_menus_of_every_button_type_survive_a_round_trip(
        items in vec(("[a-z\u{4e00}-\u{9fa5}]{1,5}", prop::option::of(vec(("[a-z\u{4e00}-\u{9fa5}]{1,9}", 0..13usize, text()), 1..=5)), 0..13usize, text()), 0..=3)
    ) {
        // Keywords and links, each of WeChat's event buttons, a mini program,
        // materials and articles.
        let leaf = |kind: usize, value: String| match kind {
            0 => Action::url(format!("https://example.com/{value}")),
            1 => Action::keyword(value),
            2..=7 => Action::WechatEvent { event: WechatEvent::ALL[kind - 2], key: value },
            8 => Action::MiniProgram { appid: format!("wx{value}"), pagepath: format!("pages/{value}"), url: format!("https://example.com/{value}") },
            9 => Action::SendMedia { media_id: value },
            10 => Action::OpenMedia { media_id: value },
            11 => Action::SendArticle { article_id: value },
            _ => Action::OpenArticle { article_id: value },
        };
        let menu = Menu {
            items: items
                .into_iter()
                .enumerate()
                .map(|(index, (label, subs, kind, value))| {
                    let id = format!("m{}", index + 1);
                    match subs {
                        Some(subs) => {
                            let subs = subs
                                .into_iter()
                                .enumerate()
                                .map(|(sub_index, (label, kind, value))| SubMenuItem::new(format!("{id}_{}", sub_index + 1), label, leaf(kind, value)))
                                .collect();
                            MenuItem::submenu(id, label, subs)
                        }
                        None => MenuItem::action(id, label, leaf(kind, value)),
                    }
                })
                .collect(),
        };
        let exported = wechat_menu_json(&menu).to_string();
        prop_assert_eq!(import_wechat_menu(&exported).map(|import| import.menu), Ok(menu), "export then import gives the same menu");
    }
}

proptest! {
    // Cheap cases, and most mutations break parsing: run more of them.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn mutated_templates_never_panic(template in 0..4usize, mutations in vec(mutation(), 1..4)) {
        let all = templates();
        let mut value = serde_json::to_value(&all[template % all.len()].layout).unwrap();
        for mutation in mutations {
            mutation.apply(&mut value);
        }
        parse_and_validate(&value.to_string());
    }
}
