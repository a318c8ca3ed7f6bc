//! Which platform an account is on, and that platform's rules as data: one
//! table per platform profile. Every check in Wicket reads its figures from
//! here; the figures and their sources are in the project's PLATFORM-RULES
//! notes. Nothing here depends on another module of the model.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Which platform's rules an account follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformProfile {
    /// An Alipay 生活号 (public service account).
    Alipay,
    /// A WeChat official account (公众号).
    Wechat,
}

impl PlatformProfile {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformProfile::Alipay => "alipay",
            PlatformProfile::Wechat => "wechat",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "alipay" => Some(PlatformProfile::Alipay),
            "wechat" => Some(PlatformProfile::Wechat),
            _ => None,
        }
    }
}

/// An account's reply rules; defaults come from its platform profile and
/// staff may adjust them per account (PLATFORM-RULES §2: WX-KF, ALI-J3
/// AlipayOpenPublicMessageCustomApi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyPolicy {
    /// Hours after a subscriber's message (or, with
    /// `events_open_message_window`, any interaction) that staff may reply.
    pub message_window_hours: u32,
    /// Replies allowed within that window; `None` for no count.
    pub message_quota: Option<u32>,
    /// Seconds after a menu tap, follow or scan that staff may reply; 0 when
    /// such events open no window of their own.
    pub event_window_seconds: u32,
    pub event_quota: Option<u32>,
    /// Alipay: entering the account or tapping a menu opens the same 48 hours.
    pub events_open_message_window: bool,
    /// Replies per subscriber per calendar day (China time); `None` for no cap.
    pub daily_cap: Option<u32>,
}

impl ReplyPolicy {
    pub fn for_profile(profile: PlatformProfile) -> Self {
        match profile {
            // WX-KF: 5 replies within 48 h of a message; 3 within 1 min of a
            // menu tap, follow or scan.
            PlatformProfile::Wechat => ReplyPolicy {
                message_window_hours: 48,
                message_quota: Some(5),
                event_window_seconds: 60,
                event_quota: Some(3),
                events_open_message_window: false,
                daily_cap: None,
            },
            // ALI-J3: within 48 h of any interaction; at most 100 a day.
            PlatformProfile::Alipay => ReplyPolicy {
                message_window_hours: 48,
                message_quota: None,
                event_window_seconds: 0,
                event_quota: None,
                events_open_message_window: true,
                daily_cap: Some(100),
            },
        }
    }
}

/// How a platform counts the length of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Unicode characters (what a person counts).
    Chars,
    /// Bytes of UTF-8 (WeChat's menu names).
    Utf8Bytes,
    /// Bytes of GBK (Alipay's menu names: "编码格式为GBK", so a CJK
    /// character is 2). A character GBK cannot encode counts as 2, the width
    /// Alipay's own counter gives a CJK character.
    GbkBytes,
}

impl LengthUnit {
    pub fn measure(self, text: &str) -> usize {
        match self {
            LengthUnit::Chars => text.chars().count(),
            LengthUnit::Utf8Bytes => text.len(),
            LengthUnit::GbkBytes => text.chars().map(gbk_width).sum(),
        }
    }

    /// The name the UI shows next to a length (`unit` in an issue's params).
    pub fn as_str(self) -> &'static str {
        match self {
            LengthUnit::Chars => "chars",
            LengthUnit::Utf8Bytes => "utf8_bytes",
            LengthUnit::GbkBytes => "gbk_bytes",
        }
    }
}

fn gbk_width(c: char) -> usize {
    if c.is_ascii() {
        return 1;
    }
    let mut buffer = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buffer));
    if unmappable {
        2
    } else {
        bytes.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthRule {
    pub min: usize,
    pub max: usize,
    pub unit: LengthUnit,
}

/// How many of something are allowed, or which whole numbers (pixels,
/// columns), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: usize,
    pub max: usize,
}

impl Bounds {
    pub fn contains(self, value: usize) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// An image size a platform requires exactly, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// The rules of one platform profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformRules {
    /// The public name of the account. Alipay: 2–20 characters
    /// (`alipay.open.public.info.modify`). WeChat publishes no API rule for
    /// the name; Wicket keeps it to 30 characters so it fits the profile page.
    pub account_name: LengthRule,
    /// Web links (menu `view`/`link`, module links) must be https. Neither
    /// menu API demands it, but Alipay's extension areas do (ALI-J2
    /// `ExtensionArea`) and Wicket's design allows https only.
    pub https_only: bool,
    pub menu: MenuRules,
    pub home: HomeModuleRules,
}

/// The bottom menu (PLATFORM-RULES §1, §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuRules {
    /// Top-level items.
    pub max_top_items: usize,
    /// Top-level items when Alipay's chat switch (咨询反馈) is on.
    pub max_top_items_with_chat_switch: usize,
    /// Items in one submenu (at least 1 when there is a submenu).
    pub max_sub_items: usize,
    pub top_label: LengthRule,
    pub sub_label: LengthRule,
    /// What a tap sends back as an event: WeChat's `key`, Alipay's
    /// `action_param` for `out`, `tel` and `map`.
    pub key: LengthRule,
    /// A web link: WeChat's `url`, Alipay's `action_param` for `link`.
    pub url: LengthRule,
    /// Characters an event key may not hold.
    pub key_forbidden_chars: &'static [char],
    /// Whether the menu shows WeChat's own button types: its event buttons
    /// (scan, photo, location), mini programs, materials and articles.
    pub wechat_buttons: bool,
}

/// Alipay's home-page modules (PLATFORM-RULES §7). WeChat has no such API;
/// Wicket's own subscriber web app renders them with the same figures, so a
/// layout moves between profiles unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeModuleRules {
    /// Only on Alipay: the modules are created by their own APIs for the
    /// home page, so they cannot sit inside a group, a tab or a page.
    pub top_level_only: bool,
    pub max_extension_areas: usize,
    /// Extension area height in px.
    pub extension_height: Bounds,
    pub advert_items: Bounds,
    pub advert_image: ImageSize,
    pub marketing_items: Bounds,
    pub marketing_item_image: ImageSize,
    pub marketing_head_image: ImageSize,
}

/// ALI-J2 `AlipayOpenPublicDefaultExtensionCreateModel`, `ExtensionArea`,
/// `AlipayOpenPublicAdvertCreateModel`, `AdvertItem`,
/// `AlipayOpenPublicTopicCreateModel`, `TopicItem`.
const HOME_MODULES: HomeModuleRules = HomeModuleRules {
    top_level_only: false,
    // ALI-J2 ExtensionArea: at most 3 areas.
    max_extension_areas: 3,
    // ALI-J2 ExtensionArea: height 200–500 px.
    extension_height: Bounds { min: 200, max: 500 },
    // ALI-J2 AdvertCreateModel: "大于1个，小于5个" is ambiguous; allow 1–5
    // and let the API decide (PLATFORM-RULES open item 3).
    advert_items: Bounds { min: 1, max: 5 },
    // ALI-J2 AdvertItem: 996×240.
    advert_image: ImageSize { width: 996, height: 240 },
    // ALI-J2 TopicCreateModel: 4–8 items.
    marketing_items: Bounds { min: 4, max: 8 },
    // ALI-J2 TopicItem: 300×300.
    marketing_item_image: ImageSize { width: 300, height: 300 },
    // ALI-J2 TopicCreateModel: head image 996×450.
    marketing_head_image: ImageSize { width: 996, height: 450 },
};

/// Rules that are Wicket's own, the same on every platform.
pub mod wicket {
    use super::Bounds;

    /// The merchant's own category label (e.g. "Credit cards").
    pub const CATEGORY_MAX_CHARS: usize = 40;
    /// The description staff see in the console.
    pub const DESCRIPTION_MAX_CHARS: usize = 200;

    /// Modules in one layout, home and pages, nested ones included: keeps
    /// the designer and the phone mock fast (USER-NEEDS C3: editors slow
    /// down with thousands of nodes).
    pub const LAYOUT_MAX_MODULES: usize = 300;
    /// Nesting levels: a top-level module is level 1, a group's child 2.
    pub const LAYOUT_MAX_DEPTH: usize = 3;
    /// Extra pages an action can open.
    pub const LAYOUT_MAX_PAGES: usize = 20;
    /// Ids of modules, pages and menu items.
    pub const LAYOUT_ID_MAX_CHARS: usize = 64;
    /// The longest text a layout's field may hold, in characters, by the
    /// field's name: checked when a layout is read (a file, a save on the
    /// server) and again by validation, so no draft holds a text long
    /// enough to stall the server or a designer that scans it. Generous:
    /// the platforms' own, shorter limits (menu labels, keys, links) are
    /// checked on top.
    pub const LAYOUT_TEXT_MAX_CHARS: &[(&str, usize)] = &[
        // Links: above WeChat's 1024 bytes, so that rule names the problem.
        ("url", 2048),
        ("link_url", 2048),
        ("pagepath", 2048),
        // Running text: a notice, a reminder, a description.
        ("text", 1000),
        ("description", 1000),
        ("detail", 1000),
    ];
    /// Every other text of a layout: titles, labels, names, keywords, keys,
    /// ids, phone numbers.
    pub const LAYOUT_OTHER_TEXT_MAX_CHARS: usize = 256;

    /// The longest text the layout field `field` may hold, in characters.
    pub fn layout_text_max_chars(field: &str) -> usize {
        LAYOUT_TEXT_MAX_CHARS
            .iter()
            .find(|(name, _)| *name == field)
            .map_or(LAYOUT_OTHER_TEXT_MAX_CHARS, |(_, max)| *max)
    }
    /// Columns of an entry grid (a phone is too narrow for more).
    pub const ENTRY_GRID_COLUMNS: Bounds = Bounds { min: 3, max: 5 };
    /// Entries in one grid, links in one list.
    pub const LIST_ITEMS: Bounds = Bounds { min: 1, max: 20 };
    /// Slides of a banner carousel.
    pub const BANNER_SLIDES: Bounds = Bounds { min: 1, max: 5 };
    /// Tabs of one tabs container.
    pub const TABS: Bounds = Bounds { min: 1, max: 5 };
    /// Children of a group or a tab. Empty is allowed: the designer shows
    /// a fresh container as a drop target.
    pub const CONTAINER_CHILDREN: Bounds = Bounds { min: 0, max: 50 };
    /// Months a statement list shows.
    pub const STATEMENT_MONTHS: Bounds = Bounds { min: 1, max: 12 };
    /// Height of a spacer in px.
    pub const SPACER_HEIGHT: Bounds = Bounds { min: 4, max: 200 };
    /// Digits of a phone number (short service numbers such as 95555 up to
    /// international numbers).
    pub const PHONE_DIGITS: Bounds = Bounds { min: 3, max: 20 };
}

pub const ALIPAY: PlatformRules = PlatformRules {
    account_name: LengthRule { min: 2, max: 20, unit: LengthUnit::Chars },
    https_only: true,
    menu: MenuRules {
        // ALI-J2 AlipayOpenPublicMenuCreateModel: text menu ≤ 4 top items…
        max_top_items: 4,
        // …and 3 when the 咨询反馈 switch is on.
        max_top_items_with_chat_switch: 3,
        // ALI-J2 ButtonObject: 1–5 sub-buttons.
        max_sub_items: 5,
        // ALI-J2 ButtonObject: text menu name ≤ 9 CJK characters, GBK.
        top_label: LengthRule { min: 1, max: 18, unit: LengthUnit::GbkBytes },
        // ALI-J2 SubButton: ≤ 9 CJK characters, GBK (legacy FWC2014: 12).
        sub_label: LengthRule { min: 1, max: 18, unit: LengthUnit::GbkBytes },
        // ALI-J2 ButtonObject: action_param ≤ 255 characters…
        key: LengthRule { min: 1, max: 255, unit: LengthUnit::Chars },
        url: LengthRule { min: 1, max: 255, unit: LengthUnit::Chars },
        // …with no colon ("不能包含冒号等特殊字符"); a link's URL needs its own.
        key_forbidden_chars: &[':'],
        // ALI-J2 ButtonObject: action_type is out, link, tel, map or consumption.
        wechat_buttons: false,
    },
    home: HomeModuleRules { top_level_only: true, ..HOME_MODULES },
};

pub const WECHAT: PlatformRules = PlatformRules {
    account_name: LengthRule { min: 1, max: 30, unit: LengthUnit::Chars },
    https_only: true,
    menu: MenuRules {
        // WX-MENU: 1–3 first-level buttons.
        max_top_items: 3,
        // WeChat has no chat switch.
        max_top_items_with_chat_switch: 3,
        // WX-MENU (legacy official text, every SDK): 1–5 sub-buttons.
        max_sub_items: 5,
        // WX-MENU: first-level name ≤ 16 bytes (UTF-8).
        top_label: LengthRule { min: 1, max: 16, unit: LengthUnit::Utf8Bytes },
        // WX-MENU: sub-button name ≤ 60 bytes (older docs: 40).
        sub_label: LengthRule { min: 1, max: 60, unit: LengthUnit::Utf8Bytes },
        // WX-MENU: key ≤ 128 bytes.
        key: LengthRule { min: 1, max: 128, unit: LengthUnit::Utf8Bytes },
        // WX-MENU: url ≤ 1024 bytes (older docs: 256).
        url: LengthRule { min: 1, max: 1024, unit: LengthUnit::Utf8Bytes },
        key_forbidden_chars: &[],
        // WX-MENU, WX-CMENU: the API's button types.
        wechat_buttons: true,
    },
    home: HOME_MODULES,
};

pub fn for_profile(profile: PlatformProfile) -> &'static PlatformRules {
    match profile {
        PlatformProfile::Alipay => &ALIPAY,
        PlatformProfile::Wechat => &WECHAT,
    }
}

/// Whom a broadcast cap counts: each subscriber's broadcasts, or the
/// account's own sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapScope {
    Subscriber,
    Account,
}

/// A platform's rules for mass messages (PLATFORM-RULES §3, §8 `mass.cap`).
/// How many a subscriber may receive is the account's setting
/// (`AccountSettings::broadcast`), whose defaults are the platform's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MassSendRules {
    /// Recipients one send call may name; `None` when the platform sends
    /// to a group or to all followers rather than to a list.
    pub max_recipients_per_call: Option<usize>,
    /// Send calls a minute.
    pub calls_per_minute: Option<u32>,
    /// The longest dedupe id a send call takes, in bytes.
    pub client_msg_id_max_bytes: Option<usize>,
    /// A cap of one period `Day` counts the account's sends, not each
    /// subscriber's: WeChat's subscription accounts send once a day, to
    /// all or to a tag (WX-MASS); service accounts are capped per
    /// subscriber (4 a calendar month).
    pub daily_cap_per_account: bool,
    /// Every cap counts the account's sends, whatever its period: Alipay's
    /// send to all followers (`message.total.send`) reaches everyone at
    /// once, so its "once per week" (2014 服务窗: "推送消息给所有关注的用户，
    /// 频率为每周一次", PLATFORM-RULES §3.2, L–M) is the account's, and a
    /// subscriber cannot be left out of it.
    pub cap_per_account: bool,
    /// The calendar the caps count in, minutes east of UTC: both platforms
    /// are Chinese and count in China time (UTC+8).
    pub utc_offset_minutes: i32,
    /// The broadcast contents Wicket sends on this platform: WeChat's mass
    /// text, and article cards as mpnews (a material made first); Alipay's
    /// total send takes text and image-text but no bare image
    /// ("纯图片消息，暂时不支持").
    pub content_kinds: &'static [&'static str],
    /// The smallest group a group send may target (Alipay: more than 50).
    pub min_group_size: Option<usize>,
}

pub const WECHAT_MASS: MassSendRules = MassSendRules {
    // WXJ WxMpMassOpenIdsMessage; CXH ToUserCountLimit=10000.
    max_recipients_per_call: Some(10_000),
    // WX-MASS: at most 60 requests a minute on the mass API.
    calls_per_minute: Some(60),
    // WX-MASS: clientmsgid at most 64 bytes.
    client_msg_id_max_bytes: Some(64),
    daily_cap_per_account: true,
    cap_per_account: false,
    utc_offset_minutes: 480,
    // An article card goes as mpnews: its cover uploaded as a thumb, then
    // an article material (media/uploadnews).
    content_kinds: &["text", "article"],
    min_group_size: None,
};

pub const ALIPAY_MASS: MassSendRules = MassSendRules {
    max_recipients_per_call: None,
    calls_per_minute: None,
    client_msg_id_max_bytes: None,
    daily_cap_per_account: false,
    cap_per_account: true,
    utc_offset_minutes: 480,
    content_kinds: &["text", "article"],
    // ALI-J3 AlipayOpenPublicGroupApi: a group holds more than 50 users.
    min_group_size: Some(51),
};

pub fn mass_send_rules(profile: PlatformProfile) -> &'static MassSendRules {
    match profile {
        PlatformProfile::Alipay => &ALIPAY_MASS,
        PlatformProfile::Wechat => &WECHAT_MASS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_counts_chinese_as_two_bytes_and_ascii_as_one() {
        assert_eq!(LengthUnit::GbkBytes.measure("账单"), 4, "two CJK characters are 4 GBK bytes");
        assert_eq!(LengthUnit::GbkBytes.measure("VIP会员"), 7, "3 ASCII + 2 CJK = 7 GBK bytes");
        assert_eq!(LengthUnit::Utf8Bytes.measure("VIP会员"), 9, "the same text is 9 UTF-8 bytes");
        assert_eq!(LengthUnit::GbkBytes.measure(""), 0, "empty text is 0 bytes");
    }

    #[test]
    fn characters_gbk_cannot_encode_count_as_two() {
        assert_eq!(LengthUnit::GbkBytes.measure("😀"), 2, "an emoji is outside GBK and counts as 2");
        assert_eq!(LengthUnit::GbkBytes.measure("한"), 2, "a Hangul syllable is outside GBK and counts as 2");
        assert_eq!(LengthUnit::Utf8Bytes.measure("😀"), 4, "the emoji is 4 UTF-8 bytes");
    }

    #[test]
    fn alipay_counts_nine_chinese_characters_as_its_limit() {
        let rule = ALIPAY.menu.top_label;
        assert_eq!(rule.unit.measure(&"账".repeat(9)), rule.max, "9 CJK characters are exactly Alipay's limit");
    }
}
