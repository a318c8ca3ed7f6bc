//! The layout document: what the designer edits, the cache and the server
//! store, and the phone mock and the subscriber web app render.
//!
//! Every struct refuses unknown fields, so a typo in a hand-edited or foreign
//! file is an error, not a silently dropped setting. Every module kind has a
//! `Default` with sample content that passes validation, which is what the
//! designer's palette inserts.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::parse::SCHEMA_VERSION;

/// A whole function view: the home page's modules, extra pages, the menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub schema_version: u32,
    /// The home page, top to bottom.
    pub modules: Vec<Module>,
    /// Extra pages that an `open_page` action opens.
    pub pages: Vec<Page>,
    pub menu: Menu,
}

impl Default for Layout {
    /// An empty layout of the current schema version.
    fn default() -> Self {
        Self { schema_version: SCHEMA_VERSION, modules: Vec::new(), pages: Vec::new(), menu: Menu::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub modules: Vec<Module>,
}

/// One module of a page. `id` is unique in the layout, so the designer can
/// select, move and undo by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub id: String,
    pub props: ModuleKind,
}

impl Module {
    pub fn new(id: impl Into<String>, props: impl Into<ModuleKind>) -> Self {
        Self { id: id.into(), props: props.into() }
    }

    /// The lists of child modules of a container, each with its path below
    /// this module (`props.children`, `props.tabs.1.children`).
    pub fn child_lists(&self) -> Vec<(String, &[Module])> {
        match &self.props {
            ModuleKind::Group(group) => vec![("props.children".to_owned(), &group.children[..])],
            ModuleKind::Tabs(tabs) => tabs
                .tabs
                .iter()
                .enumerate()
                .map(|(index, tab)| (format!("props.tabs.{index}.children"), &tab.children[..]))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What a module is, with its properties. In JSON: `{"kind": "notice", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModuleKind {
    ProfileCard(ProfileCardProps),
    StatementList(StatementListProps),
    Reminder(ReminderProps),
    EntryGrid(EntryGridProps),
    Banner(BannerProps),
    Notice(NoticeProps),
    LinkList(LinkListProps),
    Coupon(CouponProps),
    PayButton(PayButtonProps),
    SearchBox(SearchBoxProps),
    Contact(ContactProps),
    Spacer(SpacerProps),
    Group(GroupProps),
    Tabs(TabsProps),
    ExtensionArea(ExtensionAreaProps),
    AdvertCarousel(AdvertCarouselProps),
    MarketingSlots(MarketingSlotsProps),
}

impl ModuleKind {
    /// Every kind's name, in the order the designer's palette lists them.
    pub const NAMES: [&'static str; 17] = [
        "profile_card",
        "statement_list",
        "reminder",
        "entry_grid",
        "banner",
        "notice",
        "link_list",
        "coupon",
        "pay_button",
        "search_box",
        "contact",
        "spacer",
        "group",
        "tabs",
        "extension_area",
        "advert_carousel",
        "marketing_slots",
    ];

    /// The `kind` tag, as in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            ModuleKind::ProfileCard(_) => "profile_card",
            ModuleKind::StatementList(_) => "statement_list",
            ModuleKind::Reminder(_) => "reminder",
            ModuleKind::EntryGrid(_) => "entry_grid",
            ModuleKind::Banner(_) => "banner",
            ModuleKind::Notice(_) => "notice",
            ModuleKind::LinkList(_) => "link_list",
            ModuleKind::Coupon(_) => "coupon",
            ModuleKind::PayButton(_) => "pay_button",
            ModuleKind::SearchBox(_) => "search_box",
            ModuleKind::Contact(_) => "contact",
            ModuleKind::Spacer(_) => "spacer",
            ModuleKind::Group(_) => "group",
            ModuleKind::Tabs(_) => "tabs",
            ModuleKind::ExtensionArea(_) => "extension_area",
            ModuleKind::AdvertCarousel(_) => "advert_carousel",
            ModuleKind::MarketingSlots(_) => "marketing_slots",
        }
    }

    /// A new module of the named kind with sample content, as the palette
    /// inserts it; `None` for a name that is no kind.
    pub fn sample(name: &str) -> Option<ModuleKind> {
        Some(match name {
            "profile_card" => ProfileCardProps::default().into(),
            "statement_list" => StatementListProps::default().into(),
            "reminder" => ReminderProps::default().into(),
            "entry_grid" => EntryGridProps::default().into(),
            "banner" => BannerProps::default().into(),
            "notice" => NoticeProps::default().into(),
            "link_list" => LinkListProps::default().into(),
            "coupon" => CouponProps::default().into(),
            "pay_button" => PayButtonProps::default().into(),
            "search_box" => SearchBoxProps::default().into(),
            "contact" => ContactProps::default().into(),
            "spacer" => SpacerProps::default().into(),
            "group" => GroupProps::default().into(),
            "tabs" => TabsProps::default().into(),
            "extension_area" => ExtensionAreaProps::default().into(),
            "advert_carousel" => AdvertCarouselProps::default().into(),
            "marketing_slots" => MarketingSlotsProps::default().into(),
            _ => return None,
        })
    }

    /// Alipay's own home-page modules, each created by its own API.
    pub fn is_alipay_home_module(&self) -> bool {
        matches!(self, ModuleKind::ExtensionArea(_) | ModuleKind::AdvertCarousel(_) | ModuleKind::MarketingSlots(_))
    }
}

macro_rules! into_module_kind {
    ($($props:ident => $variant:ident),* $(,)?) => {
        $(impl From<$props> for ModuleKind {
            fn from(props: $props) -> Self {
                ModuleKind::$variant(props)
            }
        })*
    };
}

into_module_kind! {
    ProfileCardProps => ProfileCard,
    StatementListProps => StatementList,
    ReminderProps => Reminder,
    EntryGridProps => EntryGrid,
    BannerProps => Banner,
    NoticeProps => Notice,
    LinkListProps => LinkList,
    CouponProps => Coupon,
    PayButtonProps => PayButton,
    SearchBoxProps => SearchBox,
    ContactProps => Contact,
    SpacerProps => Spacer,
    GroupProps => Group,
    TabsProps => Tabs,
    ExtensionAreaProps => ExtensionArea,
    AdvertCarouselProps => AdvertCarousel,
    MarketingSlotsProps => MarketingSlots,
}

/// An image by https URL, with the pixel size the merchant declares (the
/// rules check sizes where a platform requires one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

impl LayoutImage {
    pub fn new(url: impl Into<String>, width: u32, height: u32) -> Self {
        Self { url: url.into(), width, height }
    }
}

/// User info: name, level, masked card number, through `{{field}}` templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileCardProps {
    pub title: String,
    /// May be empty.
    pub subtitle: String,
    pub show_avatar: bool,
    pub action: Option<Action>,
}

impl Default for ProfileCardProps {
    fn default() -> Self {
        Self {
            title: "{{subscriber.name}}".into(),
            subtitle: "{{card.masked_number}}".into(),
            show_avatar: true,
            action: None,
        }
    }
}

/// The last months' statements; the subscriber's own figures come from the
/// server (the mock shows the sample's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementListProps {
    pub title: String,
    pub months: u32,
    /// What tapping a statement does.
    pub action: Option<Action>,
}

impl Default for StatementListProps {
    fn default() -> Self {
        Self { title: "月度账单".into(), months: 6, action: None }
    }
}

/// A highlighted reminder, e.g. repayment due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderProps {
    pub title: String,
    pub text: String,
    pub action: Option<Action>,
}

impl Default for ReminderProps {
    fn default() -> Self {
        Self {
            title: "还款提醒".into(),
            text: "本期应还 ¥{{statement.amount}}，最后还款日 {{statement.due_date}}".into(),
            action: None,
        }
    }
}

/// Icon entries in a grid: card management, inquiry, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryGridProps {
    /// May be empty.
    pub title: String,
    pub columns: u32,
    pub entries: Vec<GridEntry>,
}

impl Default for EntryGridProps {
    fn default() -> Self {
        Self {
            title: String::new(),
            columns: 4,
            entries: vec![
                GridEntry::new("卡片管理", "card", Action::keyword("卡片管理")),
                GridEntry::new("查询", "search", Action::keyword("查询")),
                GridEntry::new("客服", "chat", Action::OpenConversation),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridEntry {
    pub label: String,
    /// A name from the renderer's icon set (`card`, `search`, `chat`, …).
    pub icon: String,
    pub action: Action,
}

impl GridEntry {
    pub fn new(label: impl Into<String>, icon: impl Into<String>, action: Action) -> Self {
        Self { label: label.into(), icon: icon.into(), action }
    }
}

/// An image carousel of the merchant's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerProps {
    pub slides: Vec<BannerSlide>,
}

impl Default for BannerProps {
    fn default() -> Self {
        Self {
            slides: vec![BannerSlide {
                image: LayoutImage::new("https://example.com/banner.png", 750, 300),
                action: None,
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerSlide {
    pub image: LayoutImage,
    pub action: Option<Action>,
}

/// One line of news.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeProps {
    pub text: String,
    pub action: Option<Action>,
}

impl Default for NoticeProps {
    fn default() -> Self {
        Self { text: "系统维护通知：本周日 2:00–4:00 暂停服务".into(), action: None }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkListProps {
    /// May be empty.
    pub title: String,
    pub links: Vec<LinkItem>,
}

impl Default for LinkListProps {
    fn default() -> Self {
        Self {
            title: "常用服务".into(), links: vec![LinkItem::new("常见问题", Action::keyword("常见问题"))]
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkItem {
    pub label: String,
    pub action: Action,
}

impl LinkItem {
    pub fn new(label: impl Into<String>, action: Action) -> Self {
        Self { label: label.into(), action }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponProps {
    pub title: String,
    /// Terms, validity; may be empty.
    pub detail: String,
    pub action: Option<Action>,
}

impl Default for CouponProps {
    fn default() -> Self {
        Self { title: "满 50 减 10".into(), detail: "有效期至本月底".into(), action: None }
    }
}

/// A button that starts a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayButtonProps {
    pub label: String,
    /// A decimal amount (`25.00`) or one `{{field}}` (`{{statement.amount}}`).
    pub amount_template: String,
    pub description: String,
}

impl Default for PayButtonProps {
    fn default() -> Self {
        Self {
            label: "立即还款".into(),
            amount_template: "{{statement.amount}}".into(),
            description: "信用卡还款".into(),
        }
    }
}

/// An inquiry box: what the subscriber types is sent into the conversation
/// as a keyword, after `keyword_prefix`, so auto-replies can answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBoxProps {
    pub placeholder: String,
    /// May be empty.
    pub keyword_prefix: String,
}

impl Default for SearchBoxProps {
    fn default() -> Self {
        Self { placeholder: "查询账单、额度、积分".into(), keyword_prefix: "查询 ".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactProps {
    pub title: String,
    pub phone: String,
    /// Opening hours; may be empty.
    pub hours: String,
    /// Also offer "chat with staff" (opens the conversation view).
    pub chat: bool,
}

impl Default for ContactProps {
    fn default() -> Self {
        Self { title: "联系我们".into(), phone: "400-123-4567".into(), hours: "9:00–21:00".into(), chat: true }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpacerProps {
    /// In px.
    pub height: u32,
}

impl Default for SpacerProps {
    fn default() -> Self {
        Self { height: 16 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupProps {
    /// May be empty.
    pub title: String,
    #[schema(no_recursion)]
    pub children: Vec<Module>,
}

impl Default for GroupProps {
    fn default() -> Self {
        Self {
            title: "分组".into(),
            // Empty: the designer drops modules in, each with a fresh id.
            children: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TabsProps {
    pub tabs: Vec<Tab>,
}

impl Default for TabsProps {
    fn default() -> Self {
        Self { tabs: vec![Tab { label: "全部".into(), children: Vec::new() }] }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tab {
    pub label: String,
    #[schema(no_recursion)]
    pub children: Vec<Module>,
}

/// Alipay's extension area (扩展区): an https h5 page shown in a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionAreaProps {
    pub name: String,
    pub url: String,
    /// In px.
    pub height: u32,
}

impl Default for ExtensionAreaProps {
    fn default() -> Self {
        Self { name: "会员权益".into(), url: "https://example.com/h5/benefits".into(), height: 300 }
    }
}

/// Alipay's advert carousel (广告位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvertCarouselProps {
    pub items: Vec<AdvertItem>,
}

impl Default for AdvertCarouselProps {
    fn default() -> Self {
        Self {
            items: vec![AdvertItem {
                image: LayoutImage::new("https://example.com/advert.png", 996, 240),
                link_url: "https://example.com/promotion".into(),
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvertItem {
    pub image: LayoutImage,
    pub link_url: String,
}

/// Alipay's marketing slots (营销位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketingSlotsProps {
    /// Alipay takes the head's three fields all together or not at all; they
    /// are separate here so a half-filled form can be saved and pointed at.
    pub head: MarketingHead,
    pub items: Vec<MarketingItem>,
}

impl Default for MarketingSlotsProps {
    fn default() -> Self {
        let item = |n: u32| MarketingItem {
            title: format!("精选 {n}"),
            sub_title: String::new(),
            image: LayoutImage::new(format!("https://example.com/slot{n}.png"), 300, 300),
            link_url: format!("https://example.com/slot/{n}"),
        };
        Self { head: MarketingHead::default(), items: (1..=4).map(item).collect() }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketingHead {
    pub sub_title: Option<String>,
    pub image: Option<LayoutImage>,
    pub link_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketingItem {
    pub title: String,
    /// May be empty.
    pub sub_title: String,
    pub image: LayoutImage,
    pub link_url: String,
}

/// What a tap does. In JSON: `{"type": "open_url", "url": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// An https web page; may hold templates (`{{subscriber.id}}`).
    OpenUrl {
        url: String,
    },
    /// Send a keyword into the conversation, where auto-replies answer it.
    SendKeyword {
        keyword: String,
    },
    Call {
        phone: String,
    },
    /// A place; Alipay's menu searches the map for `name`.
    Map {
        name: String,
        latitude: f64,
        longitude: f64,
    },
    /// Start a payment. `amount_template` as in [`PayButtonProps`].
    Pay {
        amount_template: String,
        description: String,
    },
    /// Switch to the conversation view.
    OpenConversation,
    OpenPage {
        page_id: String,
    },
    /// WeChat's menu only: one of its event buttons (scan, photo, location).
    /// The client does the work (opens the scanner, the camera, the map) and
    /// pushes an event carrying `key` to the server.
    WechatEvent {
        event: WechatEvent,
        key: String,
    },
    /// WeChat's menu only (`miniprogram`): opens the mini program's page;
    /// clients without mini programs open `url` instead.
    MiniProgram {
        appid: String,
        pagepath: String,
        url: String,
    },
    /// WeChat's menu only (`media_id`): sends a permanent material.
    SendMedia {
        media_id: String,
    },
    /// WeChat's menu only (`view_limited`): opens an image-text material.
    OpenMedia {
        media_id: String,
    },
    /// WeChat's menu only (`article_id`): sends a published article.
    SendArticle {
        article_id: String,
    },
    /// WeChat's menu only (`article_view_limited`): opens a published article.
    OpenArticle {
        article_id: String,
    },
}

/// WeChat's event buttons; in JSON as WeChat names them (`scancode_push`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WechatEvent {
    /// Scans a code and shows what it read.
    ScancodePush,
    /// Scans a code and waits for the account's answer.
    ScancodeWaitmsg,
    /// Takes a photo with the camera.
    PicSysphoto,
    /// Takes a photo or picks one from the album.
    PicPhotoOrAlbum,
    /// Picks a photo from WeChat's album.
    PicWeixin,
    /// Picks a place on the map.
    LocationSelect,
}

impl WechatEvent {
    pub const ALL: [WechatEvent; 6] = [
        WechatEvent::ScancodePush,
        WechatEvent::ScancodeWaitmsg,
        WechatEvent::PicSysphoto,
        WechatEvent::PicPhotoOrAlbum,
        WechatEvent::PicWeixin,
        WechatEvent::LocationSelect,
    ];

    /// The button `type`, as WeChat names it.
    pub fn name(self) -> &'static str {
        match self {
            WechatEvent::ScancodePush => "scancode_push",
            WechatEvent::ScancodeWaitmsg => "scancode_waitmsg",
            WechatEvent::PicSysphoto => "pic_sysphoto",
            WechatEvent::PicPhotoOrAlbum => "pic_photo_or_album",
            WechatEvent::PicWeixin => "pic_weixin",
            WechatEvent::LocationSelect => "location_select",
        }
    }

    pub fn from_name(name: &str) -> Option<WechatEvent> {
        WechatEvent::ALL.into_iter().find(|event| event.name() == name)
    }
}

impl Action {
    pub fn url(url: impl Into<String>) -> Self {
        Action::OpenUrl { url: url.into() }
    }

    pub fn keyword(keyword: impl Into<String>) -> Self {
        Action::SendKeyword { keyword: keyword.into() }
    }

    pub fn call(phone: impl Into<String>) -> Self {
        Action::Call { phone: phone.into() }
    }

    pub fn page(page_id: impl Into<String>) -> Self {
        Action::OpenPage { page_id: page_id.into() }
    }

    /// A button type only WeChat's menu has (an event button, a mini
    /// program, a material or an article); its WeChat `type`.
    pub fn wechat_only_type(&self) -> Option<&'static str> {
        Some(match self {
            Action::WechatEvent { event, .. } => event.name(),
            Action::MiniProgram { .. } => "miniprogram",
            Action::SendMedia { .. } => "media_id",
            Action::OpenMedia { .. } => "view_limited",
            Action::SendArticle { .. } => "article_id",
            Action::OpenArticle { .. } => "article_view_limited",
            _ => return None,
        })
    }
}

/// The account's bottom menu.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    pub items: Vec<MenuItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub id: String,
    pub label: String,
    pub target: MenuTarget,
}

impl MenuItem {
    pub fn action(id: impl Into<String>, label: impl Into<String>, action: Action) -> Self {
        Self { id: id.into(), label: label.into(), target: MenuTarget::Action { action } }
    }

    pub fn submenu(id: impl Into<String>, label: impl Into<String>, items: Vec<SubMenuItem>) -> Self {
        Self { id: id.into(), label: label.into(), target: MenuTarget::Submenu { items } }
    }
}

/// A top-level item either acts or opens a submenu, never both (both
/// platforms say so). In JSON: `{"kind": "action", "action": …}` or
/// `{"kind": "submenu", "items": […]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum MenuTarget {
    Action { action: Action },
    Submenu { items: Vec<SubMenuItem> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubMenuItem {
    pub id: String,
    pub label: String,
    pub action: Action,
}

impl SubMenuItem {
    pub fn new(id: impl Into<String>, label: impl Into<String>, action: Action) -> Self {
        Self { id: id.into(), label: label.into(), action }
    }
}

/// Text in the two languages the console speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    pub zh_cn: String,
    pub en: String,
}

impl LocalizedText {
    pub fn new(zh_cn: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh_cn: zh_cn.into(), en: en.into() }
    }
}
