//! Starting layouts for common industries. Labels are in Chinese, as the
//! merchants write them; every template passes validation for both profiles
//! (three top-level menu items, so Alipay's chat switch does not matter).
//! URLs and phone numbers are placeholders the merchant replaces.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::types::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutTemplate {
    pub id: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub layout: Layout,
}

pub fn templates() -> Vec<LayoutTemplate> {
    vec![credit_card(), airline(), fast_food(), retail()]
}

const HOTLINE: &str = "400-123-4567";

fn module(id: &str, props: impl Into<ModuleKind>) -> Module {
    Module::new(id, props)
}

fn layout(modules: Vec<Module>, pages: Vec<Page>, menu: Vec<MenuItem>) -> Layout {
    Layout { modules, pages, menu: Menu { items: menu }, ..Layout::default() }
}

fn page(id: &str, title: &str, modules: Vec<Module>) -> Page {
    Page { id: id.into(), title: title.into(), modules }
}

fn entry(label: &str, icon: &str, action: Action) -> GridEntry {
    GridEntry::new(label, icon, action)
}

fn grid(columns: u32, entries: Vec<GridEntry>) -> EntryGridProps {
    EntryGridProps { title: String::new(), columns, entries }
}

fn links(title: &str, links: Vec<LinkItem>) -> LinkListProps {
    LinkListProps { title: title.into(), links }
}

fn pay(amount_template: &str, description: &str) -> Action {
    Action::Pay { amount_template: amount_template.into(), description: description.into() }
}

fn sub(id: &str, label: &str, action: Action) -> SubMenuItem {
    SubMenuItem::new(id, label, action)
}

fn credit_card() -> LayoutTemplate {
    let repay = || pay("{{statement.amount}}", "信用卡还款");
    LayoutTemplate {
        id: "credit_card".into(),
        name: LocalizedText::new("信用卡", "Credit card"),
        description: LocalizedText::new(
            "用户信息、月度账单、还款提醒、卡片管理、还款与查询。",
            "User info, monthly statements, repayment reminder, card management, repayment and inquiry.",
        ),
        layout: layout(
            vec![
                module(
                    "profile",
                    ProfileCardProps {
                        title: "{{subscriber.name}}".into(),
                        subtitle: "{{card.masked_number}} · {{subscriber.level}}".into(),
                        show_avatar: true,
                        action: Some(Action::page("cards")),
                    },
                ),
                module(
                    "reminder",
                    ReminderProps {
                        title: "还款提醒".into(),
                        text: "本期应还 ¥{{statement.amount}}，最低还款 ¥{{statement.min_payment}}，最后还款日 {{statement.due_date}}".into(),
                        action: Some(repay()),
                    },
                ),
                module(
                    "statements",
                    StatementListProps {
                        title: "月度账单".into(),
                        months: 6,
                        action: Some(Action::keyword("账单")),
                    },
                ),
                module(
                    "entries",
                    grid(
                        4,
                        vec![
                            entry("卡片管理", "card", Action::page("cards")),
                            entry("还款", "pay", repay()),
                            entry("账单查询", "bill", Action::keyword("账单")),
                            entry("积分", "points", Action::keyword("积分")),
                            entry("分期", "installment", Action::url("https://example.com/installment?uid={{subscriber.id}}")),
                            entry("在线客服", "chat", Action::OpenConversation),
                        ],
                    ),
                ),
                module(
                    "repay",
                    PayButtonProps {
                        label: "立即还款".into(),
                        amount_template: "{{statement.amount}}".into(),
                        description: "信用卡还款".into(),
                    },
                ),
                module(
                    "inquiry",
                    SearchBoxProps {
                        placeholder: "查询账单、额度、积分".into(),
                        keyword_prefix: "查询 ".into(),
                    },
                ),
                module(
                    "contact",
                    ContactProps {
                        title: "客服热线".into(),
                        phone: HOTLINE.into(),
                        hours: "7×24 小时".into(),
                        chat: true,
                    },
                ),
            ],
            vec![page(
                "cards",
                "卡片管理",
                vec![module(
                    "card_links",
                    links(
                        "卡片服务",
                        vec![
                            LinkItem::new("激活新卡", Action::url("https://example.com/card/activate?uid={{subscriber.id}}")),
                            LinkItem::new("挂失补卡", Action::keyword("挂失")),
                            LinkItem::new("修改密码", Action::url("https://example.com/card/password")),
                            LinkItem::new("临时额度", Action::keyword("额度")),
                        ],
                    ),
                )],
            )],
            vec![
                MenuItem::action("bill", "账单", Action::keyword("账单")),
                MenuItem::action("repay", "还款", repay()),
                MenuItem::submenu(
                    "more",
                    "更多",
                    vec![
                        sub("more_cards", "卡片管理", Action::page("cards")),
                        sub("more_points", "积分查询", Action::keyword("积分")),
                        sub("more_hotline", "客服热线", Action::call(HOTLINE)),
                        sub("more_chat", "在线客服", Action::OpenConversation),
                    ],
                ),
            ],
        ),
    }
}

fn airline() -> LayoutTemplate {
    LayoutTemplate {
        id: "airline".into(),
        name: LocalizedText::new("航空公司", "Airline"),
        description: LocalizedText::new(
            "值机、航班动态、登机牌与里程。",
            "Check-in, flight status, boarding pass and miles.",
        ),
        layout: layout(
            vec![
                module(
                    "profile",
                    ProfileCardProps {
                        title: "{{subscriber.name}}".into(),
                        subtitle: "{{subscriber.level}} · 里程 {{points.balance}}".into(),
                        show_avatar: true,
                        action: Some(Action::page("miles")),
                    },
                ),
                module(
                    "next_flight",
                    ReminderProps {
                        title: "即将出行".into(),
                        text: "{{flight.date}} {{flight.number}}，请提前办理值机".into(),
                        action: Some(Action::url("https://example.com/checkin?uid={{subscriber.id}}")),
                    },
                ),
                module(
                    "entries",
                    grid(
                        4,
                        vec![
                            entry("值机", "checkin", Action::url("https://example.com/checkin?uid={{subscriber.id}}")),
                            entry("航班动态", "flight", Action::keyword("航班动态")),
                            entry(
                                "登机牌",
                                "ticket",
                                Action::url("https://example.com/boarding-pass?uid={{subscriber.id}}"),
                            ),
                            entry("里程", "points", Action::page("miles")),
                        ],
                    ),
                ),
                module(
                    "flight_search",
                    SearchBoxProps {
                        placeholder: "输入航班号查询动态".into(), keyword_prefix: "航班 ".into()
                    },
                ),
                module("notice", NoticeProps { text: "国际航班请提前 3 小时到达机场".into(), action: None }),
                module(
                    "trips",
                    TabsProps {
                        tabs: vec![
                            Tab {
                                label: "即将出行".into(),
                                children: vec![module(
                                    "upcoming",
                                    links(
                                        "",
                                        vec![LinkItem::new(
                                            "{{flight.date}} {{flight.number}}",
                                            Action::url("https://example.com/trips/next"),
                                        )],
                                    ),
                                )],
                            },
                            Tab {
                                label: "历史行程".into(),
                                children: vec![module(
                                    "history",
                                    links(
                                        "",
                                        vec![LinkItem::new("查看全部行程", Action::url("https://example.com/trips"))],
                                    ),
                                )],
                            },
                        ],
                    },
                ),
            ],
            vec![page(
                "miles",
                "我的里程",
                vec![
                    module(
                        "miles_balance",
                        ReminderProps {
                            title: "里程余额".into(),
                            text: "当前可用里程 {{points.balance}}".into(),
                            action: None,
                        },
                    ),
                    module(
                        "miles_links",
                        links(
                            "里程服务",
                            vec![
                                LinkItem::new("里程兑换", Action::url("https://example.com/miles/redeem")),
                                LinkItem::new("补登里程", Action::keyword("补登里程")),
                            ],
                        ),
                    ),
                ],
            )],
            vec![
                MenuItem::action("checkin", "值机", Action::url("https://example.com/checkin?uid={{subscriber.id}}")),
                MenuItem::action("status", "航班动态", Action::keyword("航班动态")),
                MenuItem::submenu(
                    "mine",
                    "我的",
                    vec![
                        sub(
                            "mine_pass",
                            "登机牌",
                            Action::url("https://example.com/boarding-pass?uid={{subscriber.id}}"),
                        ),
                        sub("mine_miles", "里程查询", Action::page("miles")),
                        sub("mine_hotline", "客服热线", Action::call(HOTLINE)),
                        sub("mine_chat", "在线客服", Action::OpenConversation),
                    ],
                ),
            ],
        ),
    }
}

fn fast_food() -> LayoutTemplate {
    let store = || Action::Map { name: "人民广场店".into(), latitude: 31.2304, longitude: 121.4737 };
    let advert = |n: u32| AdvertItem {
        image: LayoutImage::new(format!("https://example.com/ads/{n}.jpg"), 996, 240),
        link_url: format!("https://example.com/promo/{n}"),
    };
    LayoutTemplate {
        id: "fast_food".into(),
        name: LocalizedText::new("快餐连锁", "Fast-food chain"),
        description: LocalizedText::new(
            "点餐、优惠券、附近门店与会员。",
            "Ordering, coupons, nearby stores and membership.",
        ),
        layout: layout(
            vec![
                module("adverts", AdvertCarouselProps { items: vec![advert(1), advert(2)] }),
                module(
                    "entries",
                    grid(
                        4,
                        vec![
                            entry("到店点餐", "order", Action::url("https://example.com/order?uid={{subscriber.id}}")),
                            entry("外送", "delivery", Action::url("https://example.com/delivery")),
                            entry("优惠券", "coupon", Action::page("coupons")),
                            entry("附近门店", "store", store()),
                        ],
                    ),
                ),
                module(
                    "welcome_coupon",
                    CouponProps {
                        title: "新人专享 满 30 减 10".into(),
                        detail: "首次点餐可用，7 天内有效".into(),
                        action: Some(Action::url("https://example.com/coupons/new")),
                    },
                ),
                module(
                    "member",
                    GroupProps {
                        title: "会员专区".into(),
                        children: vec![
                            module(
                                "member_card",
                                ProfileCardProps {
                                    title: "{{subscriber.name}}".into(),
                                    subtitle: "{{subscriber.level}} · 积分 {{points.balance}}".into(),
                                    show_avatar: true,
                                    action: Some(Action::page("member")),
                                },
                            ),
                            module(
                                "member_coupons",
                                NoticeProps {
                                    text: "您有 {{coupons.count}} 张优惠券可用".into(),
                                    action: Some(Action::page("coupons")),
                                },
                            ),
                        ],
                    },
                ),
            ],
            vec![
                page(
                    "coupons",
                    "我的优惠券",
                    vec![
                        module(
                            "coupon_burger",
                            CouponProps {
                                title: "汉堡第二个半价".into(),
                                detail: "周一至周五可用".into(),
                                action: Some(Action::url("https://example.com/coupons/burger")),
                            },
                        ),
                        module(
                            "coupon_drink",
                            CouponProps {
                                title: "饮品买一送一".into(), detail: "会员专享".into(), action: None
                            },
                        ),
                    ],
                ),
                page(
                    "member",
                    "会员中心",
                    vec![module(
                        "member_links",
                        links(
                            "会员服务",
                            vec![
                                LinkItem::new("积分商城", Action::url("https://example.com/points-mall")),
                                LinkItem::new("会员规则", Action::keyword("会员规则")),
                            ],
                        ),
                    )],
                ),
            ],
            vec![
                MenuItem::action("order", "点餐", Action::url("https://example.com/order?uid={{subscriber.id}}")),
                MenuItem::action("coupons", "优惠券", Action::page("coupons")),
                MenuItem::submenu(
                    "member",
                    "会员",
                    vec![
                        sub("member_center", "会员中心", Action::page("member")),
                        sub("member_store", "附近门店", store()),
                        sub("member_chat", "联系客服", Action::OpenConversation),
                    ],
                ),
            ],
        ),
    }
}

fn retail() -> LayoutTemplate {
    let slot = |n: u32, title: &str| MarketingItem {
        title: title.into(),
        sub_title: String::new(),
        image: LayoutImage::new(format!("https://example.com/slots/{n}.jpg"), 300, 300),
        link_url: format!("https://example.com/products/{n}"),
    };
    let orders = || Action::url("https://example.com/orders?uid={{subscriber.id}}");
    LayoutTemplate {
        id: "retail".into(),
        name: LocalizedText::new("零售商城", "Retailer"),
        description: LocalizedText::new(
            "商品、订单、优惠券与客服。",
            "Products, orders, coupons and customer service.",
        ),
        layout: layout(
            vec![
                module("search", SearchBoxProps { placeholder: "搜索商品".into(), keyword_prefix: "搜索 ".into() }),
                module(
                    "banner",
                    BannerProps {
                        slides: vec![BannerSlide {
                            image: LayoutImage::new("https://example.com/banners/summer.jpg", 750, 300),
                            action: Some(Action::url("https://example.com/summer")),
                        }],
                    },
                ),
                module(
                    "slots",
                    MarketingSlotsProps {
                        head: MarketingHead {
                            sub_title: Some("本周精选".into()),
                            image: Some(LayoutImage::new("https://example.com/slots/head.jpg", 996, 450)),
                            link_url: Some("https://example.com/weekly".into()),
                        },
                        items: vec![slot(1, "新品上市"), slot(2, "限时折扣"), slot(3, "人气榜单"), slot(4, "会员专享")],
                    },
                ),
                module(
                    "entries",
                    grid(
                        4,
                        vec![
                            entry("全部商品", "shop", Action::url("https://example.com/products")),
                            entry("我的订单", "order", orders()),
                            entry("优惠券", "coupon", Action::keyword("优惠券")),
                            entry("联系客服", "chat", Action::OpenConversation),
                        ],
                    ),
                ),
                module(
                    "order_status",
                    NoticeProps { text: "最新订单：{{order.latest_status}}".into(), action: Some(orders()) },
                ),
                module(
                    "benefits",
                    ExtensionAreaProps {
                        name: "会员权益".into(),
                        url: "https://example.com/h5/benefits".into(),
                        height: 300,
                    },
                ),
                module(
                    "coupon",
                    CouponProps {
                        title: "全场满 199 减 30".into(),
                        detail: "可用优惠券 {{coupons.count}} 张".into(),
                        action: Some(Action::keyword("优惠券")),
                    },
                ),
            ],
            Vec::new(),
            vec![
                MenuItem::action("products", "商品", Action::url("https://example.com/products")),
                MenuItem::action("orders", "订单", orders()),
                MenuItem::submenu(
                    "mine",
                    "我的",
                    vec![
                        sub("mine_coupons", "优惠券", Action::keyword("优惠券")),
                        sub("mine_points", "会员积分", Action::keyword("积分")),
                        sub("mine_chat", "在线客服", Action::OpenConversation),
                        sub("mine_hotline", "客服电话", Action::call(HOTLINE)),
                    ],
                ),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{parse_layout, validate, RuleContext};
    use crate::platform::PlatformProfile;

    fn contexts() -> [RuleContext; 3] {
        [
            RuleContext::new(PlatformProfile::Wechat),
            RuleContext::new(PlatformProfile::Alipay),
            RuleContext { profile: PlatformProfile::Alipay, alipay_chat_switch: true },
        ]
    }

    #[test]
    fn every_template_passes_validation_on_both_platforms() {
        let templates = templates();
        assert!(templates.len() >= 4, "at least four industries are offered");
        for template in &templates {
            for context in contexts() {
                assert_eq!(
                    validate(&template.layout, &context),
                    vec![],
                    "template {} is valid for {context:?}",
                    template.id
                );
            }
        }
    }

    #[test]
    fn templates_have_unique_ids_and_both_languages() {
        let templates = templates();
        let mut ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), templates.len(), "template ids are unique");
        for template in &templates {
            for text in [&template.name, &template.description] {
                assert!(!text.zh_cn.is_empty() && !text.en.is_empty(), "{} has Chinese and English text", template.id);
            }
        }
    }

    #[test]
    fn templates_survive_a_json_round_trip() {
        for template in templates() {
            let json = serde_json::to_string(&template.layout).unwrap();
            assert_eq!(parse_layout(&json), Ok(template.layout), "template {} reads back as written", template.id);
        }
    }
}
