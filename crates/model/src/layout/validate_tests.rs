//! Every rule at its edges: exactly at the limit passes, one over fails.

use super::*;
use crate::error::Issue;
use crate::platform::PlatformProfile;

const WECHAT: RuleContext = RuleContext { profile: PlatformProfile::Wechat, alipay_chat_switch: false };
const ALIPAY: RuleContext = RuleContext { profile: PlatformProfile::Alipay, alipay_chat_switch: false };
const ALIPAY_CHAT: RuleContext = RuleContext { profile: PlatformProfile::Alipay, alipay_chat_switch: true };

fn with_modules(modules: Vec<Module>) -> Layout {
    Layout { modules, ..Layout::default() }
}

fn with_menu(items: Vec<MenuItem>) -> Layout {
    Layout { menu: Menu { items }, ..Layout::default() }
}

fn keyword_items(count: usize) -> Vec<MenuItem> {
    (0..count).map(|n| MenuItem::action(format!("m{n}"), "菜单", Action::keyword("hi"))).collect()
}

fn top(label: &str) -> Layout {
    with_menu(vec![MenuItem::action("m", label, Action::keyword("hi"))])
}

fn sub_label(label: &str) -> Layout {
    with_menu(vec![MenuItem::submenu("m", "更多", vec![SubMenuItem::new("s", label, Action::keyword("hi"))])])
}

fn keys(issues: &[Issue]) -> Vec<&str> {
    issues.iter().map(|issue| issue.key.as_str()).collect()
}

fn found(issues: &[Issue]) -> Vec<(&str, &str)> {
    issues.iter().map(|issue| (issue.path.as_str(), issue.key.as_str())).collect()
}

fn valid(layout: &Layout, context: RuleContext) -> bool {
    validate(layout, &context).is_empty()
}

#[test]
fn an_empty_layout_is_valid_everywhere() {
    for context in [WECHAT, ALIPAY, ALIPAY_CHAT] {
        assert_eq!(validate(&Layout::default(), &context), vec![], "an empty layout has no problems");
    }
}

#[test]
fn every_module_kinds_sample_is_valid_on_both_platforms() {
    for name in ModuleKind::NAMES {
        let props = ModuleKind::sample(name).expect("every listed kind has a sample");
        assert_eq!(props.name(), name, "the sample is of the kind asked for");
        let layout = with_modules(vec![Module::new("m", props)]);
        for context in [WECHAT, ALIPAY] {
            assert_eq!(validate(&layout, &context), vec![], "the {name} sample is valid for {context:?}");
        }
    }
    assert_eq!(ModuleKind::sample("video"), None, "an unknown kind has no sample");
}

#[test]
fn top_level_menu_counts_follow_each_platform() {
    assert!(valid(&with_menu(keyword_items(3)), WECHAT), "WeChat allows 3 top items");
    let issues = validate(&with_menu(keyword_items(4)), &WECHAT);
    assert_eq!(found(&issues), vec![("menu.items", "layout.menu.too_many_items")], "WeChat refuses a 4th");
    assert_eq!((issues[0].param("max"), issues[0].param("actual")), (Some("3"), Some("4")), "max and actual are given");

    assert!(valid(&with_menu(keyword_items(4)), ALIPAY), "Alipay allows 4 top items");
    assert_eq!(
        keys(&validate(&with_menu(keyword_items(5)), &ALIPAY)),
        vec!["layout.menu.too_many_items"],
        "Alipay refuses a 5th"
    );
    assert!(valid(&with_menu(keyword_items(3)), ALIPAY_CHAT), "with the chat switch on, 3 still fit");
    let issues = validate(&with_menu(keyword_items(4)), &ALIPAY_CHAT);
    assert_eq!(issues[0].param("max"), Some("3"), "with the chat switch on, Alipay allows only 3");
}

#[test]
fn submenus_hold_one_to_five_items() {
    let submenu = |count: usize| {
        with_menu(vec![MenuItem::submenu(
            "m",
            "更多",
            (0..count).map(|n| SubMenuItem::new(format!("s{n}"), "子菜单", Action::keyword("hi"))).collect(),
        )])
    };
    for context in [WECHAT, ALIPAY] {
        assert!(valid(&submenu(1), context), "one sub-item is fine");
        assert!(valid(&submenu(5), context), "five sub-items are fine");
        assert_eq!(
            found(&validate(&submenu(6), &context)),
            vec![("menu.items.0.target.items", "layout.menu.submenu.too_many_items")],
            "a sixth sub-item is refused"
        );
        assert_eq!(
            found(&validate(&submenu(0), &context)),
            vec![("menu.items.0.target.items", "layout.menu.submenu.empty")],
            "an empty submenu is refused"
        );
    }
}

#[test]
fn wechat_counts_top_labels_in_utf8_bytes() {
    assert!(valid(&top(&"a".repeat(16)), WECHAT), "16 ASCII bytes fit");
    let issues = validate(&top(&"a".repeat(17)), &WECHAT);
    assert_eq!(found(&issues), vec![("menu.items.0.label", "layout.menu.label.too_long")], "17 bytes do not");
    assert_eq!(
        (issues[0].param("max"), issues[0].param("actual"), issues[0].param("unit")),
        (Some("16"), Some("17"), Some("utf8_bytes")),
        "the issue says how WeChat counts"
    );
    assert!(valid(&top("五个汉字啊"), WECHAT), "5 CJK characters are 15 bytes and fit");
}

#[test]
fn a_six_character_chinese_label_fails_wechat_but_passes_alipay() {
    let layout = top("信用卡服务区");
    let wechat = validate(&layout, &WECHAT);
    assert_eq!(keys(&wechat), vec!["layout.menu.label.too_long"], "18 UTF-8 bytes exceed WeChat's 16");
    assert_eq!(wechat[0].param("actual"), Some("18"), "WeChat counts 3 bytes per CJK character");
    assert!(valid(&layout, ALIPAY), "12 GBK bytes are within Alipay's 18");
}

#[test]
fn alipay_counts_labels_in_gbk_bytes_top_and_sub() {
    assert!(valid(&top(&"账".repeat(9)), ALIPAY), "9 CJK characters fit a top label");
    let issues = validate(&top(&"账".repeat(10)), &ALIPAY);
    assert_eq!(keys(&issues), vec!["layout.menu.label.too_long"], "10 CJK characters do not");
    assert_eq!(
        (issues[0].param("max"), issues[0].param("actual"), issues[0].param("unit")),
        (Some("18"), Some("20"), Some("gbk_bytes")),
        "the issue says how Alipay counts"
    );
    assert!(valid(&top(&"a".repeat(18)), ALIPAY), "18 ASCII characters fit");
    assert!(!valid(&top(&"a".repeat(19)), ALIPAY), "19 ASCII characters do not");
    assert!(valid(&sub_label(&"账".repeat(9)), ALIPAY), "9 CJK characters fit a sub label");
    assert_eq!(
        found(&validate(&sub_label(&"账".repeat(10)), &ALIPAY)),
        vec![("menu.items.0.target.items.0.label", "layout.menu.label.too_long")],
        "10 CJK characters do not fit a sub label"
    );
    assert!(valid(&top("VIP会员专享服务"), ALIPAY), "3 ASCII + 6 CJK = 15 GBK bytes fit");
}

#[test]
fn wechat_sub_labels_allow_sixty_bytes() {
    assert!(valid(&sub_label(&"账".repeat(20)), WECHAT), "20 CJK characters are 60 bytes and fit");
    assert!(valid(&sub_label(&format!("{}a", "账".repeat(19))), WECHAT), "58 bytes fit");
    let issues = validate(&sub_label(&format!("{}a", "账".repeat(20))), &WECHAT);
    assert_eq!(issues[0].param("actual"), Some("61"), "61 bytes are one too many");
}

#[test]
fn menu_labels_are_required_and_plain_text() {
    let issues = validate(&top("  "), &WECHAT);
    assert_eq!(keys(&issues), vec!["layout.menu.label.required"], "a blank label is missing");
    let issues = validate(&top("{{card.last4}}"), &ALIPAY);
    assert_eq!(keys(&issues), vec!["layout.template.not_allowed"], "platforms show menu labels verbatim");
}

#[test]
fn wechat_keys_are_at_most_128_bytes() {
    let keyword = |keyword: String| with_menu(vec![MenuItem::action("m", "查询", Action::keyword(keyword))]);
    assert!(valid(&keyword("k".repeat(128)), WECHAT), "a 128-byte key fits");
    let issues = validate(&keyword("k".repeat(129)), &WECHAT);
    assert_eq!(
        found(&issues),
        vec![("menu.items.0.target.action.keyword", "layout.menu.key.too_long")],
        "a 129-byte key does not"
    );
    assert_eq!(issues[0].param("unit"), Some("utf8_bytes"), "keys are counted in bytes");
    assert!(!valid(&keyword("账".repeat(43)), WECHAT), "43 CJK characters are 129 bytes");
}

#[test]
fn keys_wicket_makes_up_are_checked_too() {
    // `WICKET_PAGE_` + 64 CJK characters is far over 128 bytes.
    let page_id = "页".repeat(64);
    let layout = Layout {
        pages: vec![Page { id: page_id.clone(), title: "页".into(), modules: Vec::new() }],
        ..with_menu(vec![MenuItem::action("m", "页面", Action::page(page_id))])
    };
    assert_eq!(
        found(&validate(&layout, &WECHAT)),
        vec![("menu.items.0.target.action", "layout.menu.key.too_long")],
        "the click key a page action becomes must fit WeChat's limit"
    );
    assert!(valid(&layout, ALIPAY), "on Alipay the same key is 76 characters and fits");
}

#[test]
fn alipay_params_are_at_most_255_characters_without_colons() {
    let keyword = |keyword: String| with_menu(vec![MenuItem::action("m", "查询", Action::keyword(keyword))]);
    assert!(valid(&keyword("账".repeat(255)), ALIPAY), "255 characters fit");
    let issues = validate(&keyword("账".repeat(256)), &ALIPAY);
    assert_eq!(keys(&issues), vec!["layout.menu.key.too_long"], "256 characters do not");
    assert_eq!(issues[0].param("unit"), Some("chars"), "Alipay counts characters here");
    let issues = validate(&keyword("a:b".into()), &ALIPAY);
    assert_eq!(keys(&issues), vec!["layout.menu.key.forbidden_char"], "Alipay refuses a colon in a key");
    assert_eq!(issues[0].param("char"), Some(":"), "the character is named");
    assert!(valid(&keyword("a:b".into()), WECHAT), "WeChat keys may hold a colon");
}

#[test]
fn menu_urls_follow_each_platforms_length() {
    let base = "https://example.com/";
    let url = |length: usize| {
        with_menu(vec![MenuItem::action(
            "m",
            "官网",
            Action::url(format!("{base}{}", "a".repeat(length - base.len()))),
        )])
    };
    assert!(valid(&url(1024), WECHAT), "a 1024-byte URL fits WeChat");
    assert_eq!(
        found(&validate(&url(1025), &WECHAT)),
        vec![("menu.items.0.target.action.url", "layout.menu.url.too_long")],
        "a 1025-byte URL does not"
    );
    assert!(valid(&url(255), ALIPAY), "a 255-character URL fits Alipay");
    assert_eq!(keys(&validate(&url(256), &ALIPAY)), vec!["layout.menu.url.too_long"], "256 characters do not");
    assert!(valid(&url(300), WECHAT), "WeChat takes what Alipay refuses");
}

#[test]
fn web_links_must_be_https() {
    let link = |url: &str| {
        with_modules(vec![Module::new("n", NoticeProps { text: "通知".into(), action: Some(Action::url(url)) })])
    };
    for good in ["https://example.com", "HTTPS://EXAMPLE.COM/x?a=1#f", "https://example.com/u/{{subscriber.id}}"] {
        assert!(valid(&link(good), WECHAT), "{good} is a usable link");
    }
    for (bad, key) in [
        ("http://example.com", "layout.url.not_https"),
        ("javascript:alert(1)", "layout.url.not_https"),
        ("ftp://example.com", "layout.url.not_https"),
        ("example.com", "layout.url.invalid"),
        ("https://", "layout.url.invalid"),
        ("https:example.com", "layout.url.invalid"),
        ("https://exa mple.com", "layout.url.invalid"),
        ("://example.com", "layout.url.invalid"),
    ] {
        assert_eq!(
            found(&validate(&link(bad), &ALIPAY)),
            vec![("modules.0.props.action.url", key)],
            "{bad} is refused as {key}"
        );
    }
    assert_eq!(keys(&validate(&link(""), &ALIPAY)), vec!["layout.action.required"], "an empty URL is a missing field");
}

#[test]
fn open_page_needs_an_existing_page() {
    let layout =
        |pages: Vec<Page>| Layout { pages, ..with_menu(vec![MenuItem::action("m", "卡片", Action::page("cards"))]) };
    let issues = validate(&layout(Vec::new()), &WECHAT);
    assert_eq!(
        found(&issues),
        vec![("menu.items.0.target.action.page_id", "layout.action.page.missing")],
        "a page that does not exist is reported"
    );
    assert_eq!(issues[0].param("page_id"), Some("cards"), "the missing page is named");
    let cards = Page { id: "cards".into(), title: "卡片".into(), modules: Vec::new() };
    assert!(valid(&layout(vec![cards]), WECHAT), "an existing page is fine");
}

#[test]
fn duplicate_ids_are_reported_per_namespace_with_the_first_place() {
    let notice = |id: &str| Module::new(id, NoticeProps::default());
    let layout = Layout {
        modules: vec![notice("a"), Module::new("g", GroupProps { title: String::new(), children: vec![notice("a")] })],
        pages: vec![
            Page { id: "p".into(), title: "一".into(), modules: vec![notice("g")] },
            Page { id: "p".into(), title: "二".into(), modules: Vec::new() },
        ],
        menu: Menu {
            items: vec![
                MenuItem::action("a", "一", Action::keyword("1")),
                MenuItem::submenu("s", "二", vec![SubMenuItem::new("a", "三", Action::keyword("3"))]),
            ],
        },
        ..Layout::default()
    };
    let issues = validate(&layout, &WECHAT);
    assert_eq!(
        found(&issues),
        vec![
            ("modules.1.props.children.0.id", "layout.id.duplicate"),
            ("pages.0.modules.0.id", "layout.id.duplicate"),
            ("pages.1.id", "layout.id.duplicate"),
            ("menu.items.1.target.items.0.id", "layout.id.duplicate"),
        ],
        "module ids are unique across home and pages; page and menu ids in their own namespaces"
    );
    assert_eq!(issues[0].param("first"), Some("modules.0.id"), "the first use is named");
    assert_eq!(issues[2].param("id"), Some("p"), "the duplicate id is named");
}

#[test]
fn ids_are_required_and_short() {
    let layout = with_modules(vec![
        Module::new(" ", SpacerProps::default()),
        Module::new("x".repeat(64), SpacerProps::default()),
        Module::new("y".repeat(65), SpacerProps::default()),
    ]);
    assert_eq!(
        found(&validate(&layout, &WECHAT)),
        vec![("modules.0.id", "layout.id.required"), ("modules.2.id", "layout.id.too_long")],
        "a blank id is missing, 64 characters fit, 65 do not"
    );
}

#[test]
fn unknown_and_malformed_template_fields_are_reported() {
    let layout = with_modules(vec![Module::new(
        "r",
        ReminderProps {
            title: "{{subscriber.nmae}}".into(),
            text: "应还 {{statement.amount}".into(),
            action: Some(Action::url("https://example.com/{{member.no}}")),
        },
    )]);
    let issues = validate(&layout, &ALIPAY);
    assert_eq!(
        found(&issues),
        vec![
            ("modules.0.props.title", "layout.template.unknown_field"),
            ("modules.0.props.text", "layout.template.malformed"),
            ("modules.0.props.action.url", "layout.template.unknown_field"),
        ],
        "misspelt, unclosed and unknown fields are all found"
    );
    assert_eq!(issues[0].param("field"), Some("subscriber.nmae"), "the unknown field is named");
}

#[test]
fn required_module_fields_are_reported_at_their_paths() {
    let layout = with_modules(vec![
        Module::new("p", ProfileCardProps { title: "".into(), ..ProfileCardProps::default() }),
        Module::new("c", ContactProps { title: " ".into(), phone: "".into(), ..ContactProps::default() }),
        Module::new(
            "e",
            EntryGridProps { entries: vec![GridEntry::new("", "", Action::keyword(""))], ..EntryGridProps::default() },
        ),
    ]);
    assert_eq!(
        found(&validate(&layout, &WECHAT)),
        vec![
            ("modules.0.props.title", "layout.module.required"),
            ("modules.1.props.title", "layout.module.required"),
            ("modules.1.props.phone", "layout.module.required"),
            ("modules.2.props.entries.0.label", "layout.module.required"),
            ("modules.2.props.entries.0.icon", "layout.module.required"),
            ("modules.2.props.entries.0.action.keyword", "layout.action.required"),
        ],
        "every empty required field is reported"
    );
}

#[test]
fn entry_grids_have_three_to_five_columns() {
    let grid =
        |columns: u32| with_modules(vec![Module::new("g", EntryGridProps { columns, ..EntryGridProps::default() })]);
    assert!(valid(&grid(3), WECHAT), "3 columns fit");
    assert!(valid(&grid(5), WECHAT), "5 columns fit");
    for columns in [2, 6, 0, u32::MAX] {
        let issues = validate(&grid(columns), &WECHAT);
        assert_eq!(
            found(&issues),
            vec![("modules.0.props.columns", "layout.value.out_of_range")],
            "{columns} columns are refused"
        );
    }
}

#[test]
fn lists_have_bounded_lengths() {
    let links = |count: usize| {
        with_modules(vec![Module::new(
            "l",
            LinkListProps {
                title: String::new(),
                links: (0..count).map(|_| LinkItem::new("链接", Action::keyword("k"))).collect(),
            },
        )])
    };
    assert!(valid(&links(20), WECHAT), "20 links fit");
    assert_eq!(keys(&validate(&links(21), &WECHAT)), vec!["layout.items.too_many"], "21 do not");
    assert_eq!(keys(&validate(&links(0), &WECHAT)), vec!["layout.items.too_few"], "an empty list shows nothing");
}

fn extension(id: &str, height: u32) -> Module {
    Module::new(id, ExtensionAreaProps { height, ..ExtensionAreaProps::default() })
}

#[test]
fn at_most_three_extension_areas_of_200_to_500_px() {
    let three = with_modules(vec![extension("a", 200), extension("b", 500), extension("c", 300)]);
    assert!(valid(&three, ALIPAY), "three areas at the height limits fit");
    let four = with_modules(vec![extension("a", 200), extension("b", 500), extension("c", 300), extension("d", 300)]);
    let issues = validate(&four, &ALIPAY);
    assert_eq!(found(&issues), vec![("modules.3", "layout.extension_area.too_many")], "the fourth area is refused");
    assert_eq!((issues[0].param("max"), issues[0].param("actual")), (Some("3"), Some("4")), "max and actual are given");
    let heights = with_modules(vec![extension("a", 199), extension("b", 501)]);
    assert_eq!(
        found(&validate(&heights, &WECHAT)),
        vec![
            ("modules.0.props.height", "layout.value.out_of_range"),
            ("modules.1.props.height", "layout.value.out_of_range"),
        ],
        "199 px and 501 px are outside 200–500"
    );
}

#[test]
fn advert_carousels_hold_one_to_five_996_by_240_images() {
    let item = |width: u32, height: u32| AdvertItem {
        image: LayoutImage::new("https://example.com/a.png", width, height),
        link_url: "https://example.com".into(),
    };
    let carousel = |items: Vec<AdvertItem>| with_modules(vec![Module::new("a", AdvertCarouselProps { items })]);
    assert!(valid(&carousel(vec![item(996, 240)]), ALIPAY), "one advert fits");
    assert!(valid(&carousel(vec![item(996, 240); 5]), ALIPAY), "five adverts fit");
    assert_eq!(
        keys(&validate(&carousel(vec![item(996, 240); 6]), &ALIPAY)),
        vec!["layout.items.too_many"],
        "six do not"
    );
    assert_eq!(keys(&validate(&carousel(Vec::new()), &ALIPAY)), vec!["layout.items.too_few"], "none is not a carousel");
    let issues = validate(&carousel(vec![item(996, 241)]), &ALIPAY);
    assert_eq!(
        found(&issues),
        vec![("modules.0.props.items.0.image", "layout.image.wrong_size")],
        "996×241 is the wrong size"
    );
    assert_eq!(
        (issues[0].param("width"), issues[0].param("height"), issues[0].param("actual_height")),
        (Some("996"), Some("240"), Some("241")),
        "the required and the actual size are given"
    );
}

fn marketing(items: usize, head: MarketingHead) -> Layout {
    let item = MarketingItem {
        title: "精选".into(),
        sub_title: String::new(),
        image: LayoutImage::new("https://example.com/s.png", 300, 300),
        link_url: "https://example.com/s".into(),
    };
    with_modules(vec![Module::new("m", MarketingSlotsProps { head, items: vec![item; items] })])
}

#[test]
fn marketing_slots_hold_four_to_eight_items() {
    assert!(valid(&marketing(4, MarketingHead::default()), ALIPAY), "four items fit");
    assert!(valid(&marketing(8, MarketingHead::default()), ALIPAY), "eight items fit");
    assert_eq!(
        keys(&validate(&marketing(3, MarketingHead::default()), &ALIPAY)),
        vec!["layout.items.too_few"],
        "three are too few"
    );
    assert_eq!(
        keys(&validate(&marketing(9, MarketingHead::default()), &ALIPAY)),
        vec!["layout.items.too_many"],
        "nine are too many"
    );
}

#[test]
fn a_marketing_head_is_complete_or_absent() {
    let full = MarketingHead {
        sub_title: Some("本周精选".into()),
        image: Some(LayoutImage::new("https://example.com/h.png", 996, 450)),
        link_url: Some("https://example.com/h".into()),
    };
    assert!(valid(&marketing(4, full.clone()), ALIPAY), "a head with all three fields is fine");
    let partial = MarketingHead { link_url: None, sub_title: Some(" ".into()), ..full.clone() };
    let issues = validate(&marketing(4, partial), &ALIPAY);
    assert_eq!(
        found(&issues),
        vec![("modules.0.props.head", "layout.marketing.head.incomplete")],
        "a half-filled head is refused"
    );
    assert_eq!(
        issues[0].param("missing"),
        Some("sub_title,link_url"),
        "the missing fields are named; blank counts as missing"
    );
    let small = MarketingHead { image: Some(LayoutImage::new("https://example.com/h.png", 996, 240)), ..full };
    assert_eq!(
        found(&validate(&marketing(4, small), &ALIPAY)),
        vec![("modules.0.props.head.image", "layout.image.wrong_size")],
        "the head image must be 996×450"
    );
}

#[test]
fn alipay_home_modules_stay_at_the_top_of_the_home_page_on_alipay() {
    let nested =
        with_modules(vec![Module::new("g", GroupProps { title: String::new(), children: vec![extension("e", 300)] })]);
    assert_eq!(
        found(&validate(&nested, &ALIPAY)),
        vec![("modules.0.props.children.0", "layout.module.home_top_level_only")],
        "Alipay places extension areas on the home page itself"
    );
    assert!(valid(&nested, WECHAT), "Wicket's own web app can show it anywhere");
}

fn nested(depth: usize) -> Module {
    let mut module = Module::new(format!("n{depth}"), NoticeProps::default());
    for level in (1..depth).rev() {
        module = Module::new(format!("g{level}"), GroupProps { title: String::new(), children: vec![module] });
    }
    module
}

#[test]
fn modules_nest_at_most_three_levels() {
    assert!(valid(&with_modules(vec![nested(3)]), WECHAT), "three levels fit");
    assert_eq!(
        found(&validate(&with_modules(vec![nested(4)]), &WECHAT)),
        vec![("modules.0.props.children.0.props.children.0.props.children.0", "layout.module.too_deep")],
        "the fourth level is reported once, where it starts"
    );
    assert_eq!(
        keys(&validate(&with_modules(vec![nested(6)]), &WECHAT)),
        vec!["layout.module.too_deep"],
        "deeper levels are the same problem"
    );
    let tabs = with_modules(vec![Module::new(
        "t",
        TabsProps { tabs: vec![Tab { label: "甲".into(), children: vec![nested(3)] }] },
    )]);
    assert_eq!(
        found(&validate(&tabs, &WECHAT)),
        vec![("modules.0.props.tabs.0.children.0.props.children.0.props.children.0", "layout.module.too_deep")],
        "a tab's children are one level down"
    );
}

#[test]
fn a_layout_holds_at_most_300_modules_and_20_pages() {
    let spacers = |count: usize| -> Vec<Module> {
        (0..count).map(|n| Module::new(format!("s{n}"), SpacerProps::default())).collect()
    };
    assert!(valid(&with_modules(spacers(300)), WECHAT), "300 modules fit");
    let mut over = with_modules(spacers(299));
    over.pages.push(Page {
        id: "p".into(),
        title: "页".into(),
        modules: vec![Module::new("extra", SpacerProps::default()), Module::new("extra2", SpacerProps::default())],
    });
    let issues = validate(&over, &WECHAT);
    assert_eq!(found(&issues), vec![("modules", "layout.modules.too_many")], "modules on pages count too");
    assert_eq!(issues[0].param("actual"), Some("301"), "all 301 are counted");

    let pages = |count: usize| Layout {
        pages: (0..count).map(|n| Page { id: format!("p{n}"), title: "页".into(), modules: Vec::new() }).collect(),
        ..Layout::default()
    };
    assert!(valid(&pages(20), WECHAT), "20 pages fit");
    assert_eq!(found(&validate(&pages(21), &WECHAT)), vec![("pages", "layout.pages.too_many")], "21 pages do not");
}

#[test]
fn phones_amounts_coordinates_and_keywords_are_checked() {
    let actions = vec![
        LinkItem::new("a", Action::call("95555")),
        LinkItem::new("b", Action::call("+86 (21) 6888-0000")),
        LinkItem::new("c", Action::call("12")),
        LinkItem::new("d", Action::call("call me")),
        LinkItem::new("e", Action::Pay { amount_template: "25.00".into(), description: "d".into() }),
        LinkItem::new("f", Action::Pay { amount_template: "¥{{statement.amount}}".into(), description: "d".into() }),
        LinkItem::new("g", Action::Pay { amount_template: "0".into(), description: "d".into() }),
        LinkItem::new("h", Action::Pay { amount_template: "1.234".into(), description: "".into() }),
        LinkItem::new("i", Action::Map { name: "店".into(), latitude: 90.0, longitude: -180.0 }),
        LinkItem::new("j", Action::Map { name: "店".into(), latitude: 90.5, longitude: f64::NAN }),
        LinkItem::new("k", Action::keyword("WICKET_CHAT")),
        LinkItem::new("l", Action::Pay { amount_template: "{{points.nope}}".into(), description: "d".into() }),
    ];
    let layout = with_modules(vec![Module::new("l", LinkListProps { title: String::new(), links: actions })]);
    assert_eq!(
        found(&validate(&layout, &WECHAT)),
        vec![
            ("modules.0.props.links.2.action.phone", "layout.phone.invalid"),
            ("modules.0.props.links.3.action.phone", "layout.phone.invalid"),
            ("modules.0.props.links.5.action.amount_template", "layout.amount.invalid"),
            ("modules.0.props.links.6.action.amount_template", "layout.amount.invalid"),
            ("modules.0.props.links.7.action.amount_template", "layout.amount.invalid"),
            ("modules.0.props.links.7.action.description", "layout.action.required"),
            ("modules.0.props.links.9.action.latitude", "layout.value.out_of_range"),
            ("modules.0.props.links.9.action.longitude", "layout.value.out_of_range"),
            ("modules.0.props.links.10.action.keyword", "layout.action.keyword.reserved"),
            ("modules.0.props.links.11.action.amount_template", "layout.template.unknown_field"),
        ],
        "short or wordy phones, malformed or zero amounts, out-of-range or NaN coordinates and reserved keywords are refused"
    );
}

#[test]
fn a_foreign_schema_version_is_reported() {
    let layout = Layout { schema_version: 7, ..Layout::default() };
    let issues = validate(&layout, &WECHAT);
    assert_eq!(
        found(&issues),
        vec![("schema_version", "layout.schema_version.unsupported")],
        "validation only knows the current version"
    );
}

#[test]
fn every_problem_is_reported_at_once_in_document_order() {
    let layout = Layout {
        modules: vec![
            Module::new("", NoticeProps { text: "".into(), action: None }),
            Module::new(
                "g",
                GroupProps {
                    title: String::new(),
                    children: vec![
                        Module::new(
                            "b",
                            BannerProps {
                                slides: vec![BannerSlide {
                                    image: LayoutImage::new("http://example.com/b.png", 1, 1),
                                    action: Some(Action::url("https://example.com")),
                                }],
                            },
                        ),
                        Module::new(
                            "x",
                            NoticeProps { text: "x".into(), action: Some(Action::url("http://x.example")) },
                        ),
                    ],
                },
            ),
        ],
        menu: Menu { items: keyword_items(4) },
        ..Layout::default()
    };
    assert_eq!(
        found(&validate(&layout, &WECHAT)),
        vec![
            ("modules.0.id", "layout.id.required"),
            ("modules.0.props.text", "layout.module.required"),
            ("modules.1.props.children.0.props.slides.0.image.url", "layout.url.not_https"),
            ("modules.1.props.children.1.props.action.url", "layout.url.not_https"),
            ("menu.items", "layout.menu.too_many_items"),
        ],
        "module, nested and menu problems come together, in order"
    );
}

#[test]
fn texts_over_wickets_bound_are_reported_inline_at_their_paths() {
    let layout = with_modules(vec![Module::new(
        "r",
        ReminderProps {
            title: "{".repeat(1_000_000),
            text: "还".repeat(crate::platform::wicket::layout_text_max_chars("text")),
            action: Some(Action::url(format!("https://example.com/{}", "a".repeat(2100)))),
        },
    )]);
    let issues = validate(&layout, &WECHAT);
    let long: Vec<&Issue> = issues.iter().filter(|issue| issue.key == "layout.text.too_long").collect();
    assert_eq!(
        long.iter().map(|issue| issue.path.as_str()).collect::<Vec<_>>(),
        vec!["modules.0.props.action.url", "modules.0.props.title"],
        "the 1 MB title and the long link are over their bounds, a text at its bound is not"
    );
    assert_eq!(long[1].param("max"), Some("256"), "the title's bound is named");
    assert_eq!(long[1].param("actual"), Some("1000000"), "and its length");
}
