use super::*;
use crate::account::NewAccount;
use crate::conversation_rules::{receive, Inbound, NewIds};
use crate::error::ErrorCode;
use crate::mutation::{apply, Mutation};
use crate::world::MemoryWorld;

const NOW: Millis = 1_767_225_600_000;
const MINUTE: Millis = 60_000;

fn text(t: &str) -> AutoReplyContent {
    AutoReplyContent::Text { text: t.into() }
}

fn kw(text: &str, mode: KeywordMode) -> Keyword {
    Keyword { text: text.into(), mode }
}

fn rule(
    id: &str,
    priority: i32,
    created_at: Millis,
    trigger: AutoReplyTrigger,
    replies: Vec<AutoReplyContent>,
) -> AutoReplyRule {
    AutoReplyRule {
        id: id.into(),
        account_id: "shop".into(),
        name: id.into(),
        trigger,
        priority,
        replies,
        reply_mode: ReplyMode::All,
        enabled: true,
        deleted: false,
        created_at,
        updated_at: created_at,
    }
}

fn keywords(words: &[(&str, KeywordMode)]) -> AutoReplyTrigger {
    AutoReplyTrigger::Keyword { keywords: words.iter().map(|(t, m)| kw(t, *m)).collect() }
}

fn answering(matcher: &Matcher, message: &str) -> Option<String> {
    matcher.find(&Stimulus::Text(message.into())).map(|m| m.rule.id.clone())
}

#[test]
fn exact_and_contains_keywords_in_chinese_and_english_ignore_latin_case() {
    use KeywordMode::{Contains, Exact};
    let matcher = Matcher::build(&[
        rule("hours", 0, 1, keywords(&[("营业时间", Contains), ("opening hours", Contains)]), vec![text("9-18")]),
        rule("hello", 0, 2, keywords(&[("Hello", Exact), ("你好", Exact)]), vec![text("hi")]),
    ]);
    assert_eq!(answering(&matcher, "请问营业时间是几点？").as_deref(), Some("hours"));
    assert_eq!(answering(&matcher, "What are your OPENING Hours?").as_deref(), Some("hours"));
    assert_eq!(answering(&matcher, "  HELLO ").as_deref(), Some("hello"), "exact ignores case and surrounding spaces");
    assert_eq!(
        answering(&matcher, "ｈｅｌｌｏ").as_deref(),
        Some("hello"),
        "full-width Latin letters are the same word"
    );
    assert_eq!(answering(&matcher, "你好").as_deref(), Some("hello"));
    assert_eq!(answering(&matcher, "你好啊"), None, "an exact keyword is the whole message");
    assert_eq!(answering(&matcher, "hello there"), None);
    assert_eq!(answering(&matcher, "营业"), None, "a part of a keyword is no match");
}

#[test]
fn overlapping_keywords_answer_by_priority_then_by_age() {
    use KeywordMode::{Contains, Exact};
    let matcher = Matcher::build(&[
        // Older, same priority as `card`: wins a tie.
        rule("credit", 0, 1, keywords(&[("信用卡", Contains)]), vec![text("credit")]),
        rule("card", 0, 2, keywords(&[("卡", Contains)]), vec![text("card")]),
        // Higher priority, overlapping "信用卡额度" on "额度".
        rule("limit", 5, 3, keywords(&[("额度", Contains)]), vec![text("limit")]),
        // Exact, lowest priority: loses to any contains rule above it.
        rule("exact", -1, 0, keywords(&[("信用卡", Exact)]), vec![text("exact")]),
    ]);
    assert_eq!(answering(&matcher, "我的信用卡额度").as_deref(), Some("limit"), "priority first");
    assert_eq!(answering(&matcher, "信用卡").as_deref(), Some("credit"), "a tie goes to the older rule");
    assert_eq!(answering(&matcher, "会员卡").as_deref(), Some("card"));
    let found = matcher.find(&Stimulus::Text("我的信用卡额度".into())).unwrap();
    assert_eq!(found.keyword.as_deref(), Some("额度"));
}

#[test]
fn disabled_and_deleted_rules_do_not_answer() {
    let mut off = rule("off", 9, 1, keywords(&[("hi", KeywordMode::Contains)]), vec![text("off")]);
    off.enabled = false;
    let mut gone = rule("gone", 8, 1, keywords(&[("hi", KeywordMode::Contains)]), vec![text("gone")]);
    gone.deleted = true;
    let on = rule("on", 0, 1, keywords(&[("hi", KeywordMode::Contains)]), vec![text("on")]);
    let matcher = Matcher::build(&[off, gone, on]);
    assert_eq!(answering(&matcher, "hi").as_deref(), Some("on"));
}

#[test]
fn menu_taps_greetings_and_scenes() {
    let matcher = Matcher::build(&[
        rule("tap", 0, 1, AutoReplyTrigger::MenuClick { key: "V1001_TODAY".into() }, vec![text("today")]),
        rule("welcome", 0, 1, AutoReplyTrigger::Follow { scene: None }, vec![text("welcome")]),
        rule("store", 0, 1, AutoReplyTrigger::Follow { scene: Some("store_12".into()) }, vec![text("store")]),
    ]);
    let id = |s: Stimulus| matcher.find(&s).map(|m| m.rule.id.clone());
    assert_eq!(id(Stimulus::Click("V1001_TODAY".into())).as_deref(), Some("tap"));
    assert_eq!(id(Stimulus::Click("other".into())), None);
    assert_eq!(id(Stimulus::Followed { scene: None }).as_deref(), Some("welcome"));
    assert_eq!(id(Stimulus::Followed { scene: Some("store_12".into()) }).as_deref(), Some("store"));
    assert_eq!(id(Stimulus::Followed { scene: Some("poster".into()) }).as_deref(), Some("welcome"));
    assert_eq!(id(Stimulus::Scanned { scene: "store_12".into() }).as_deref(), Some("store"));
    assert_eq!(id(Stimulus::Scanned { scene: "poster".into() }), None, "a follower scanning gets no greeting");
    // A menu's "send keyword" action is read as the keyword.
    assert_eq!(
        Stimulus::of(&MessageBody::Event(SubscriberEvent::Keyword { keyword: "Hi".into() })),
        Some(Stimulus::Text("Hi".into()))
    );
}

#[test]
fn many_rules_are_matched_by_one_index() {
    let rules: Vec<AutoReplyRule> = (0..300)
        .map(|n| {
            rule(&format!("r{n}"), 0, n, keywords(&[(&format!("商品{n:03}"), KeywordMode::Contains)]), vec![text("x")])
        })
        .collect();
    let matcher = Matcher::build(&rules);
    assert_eq!(answering(&matcher, "我想买商品299号").as_deref(), Some("r299"));
    assert_eq!(answering(&matcher, "商品").as_deref(), None);
}

#[test]
fn the_default_reply_waits_out_its_quiet_period() {
    assert!(default_reply_due(None, NOW, 60));
    assert!(!default_reply_due(Some(NOW - 59 * MINUTE), NOW, 60));
    assert!(default_reply_due(Some(NOW - 60 * MINUTE), NOW, 60));
    let matcher = Matcher::build(&[rule(
        "default",
        0,
        1,
        AutoReplyTrigger::Default { quiet_minutes: 60 },
        vec![text("We will answer soon")],
    )]);
    let values = TemplateValues::default();
    let decide_at = |last: Option<Millis>, stimulus: Stimulus| {
        decide(&matcher, &stimulus, last, NOW, &values, &mut |_| 0).map(|d| d.rule_id)
    };
    assert_eq!(decide_at(None, Stimulus::Text("?".into())).as_deref(), Some("default"));
    assert_eq!(decide_at(None, Stimulus::OtherMessage).as_deref(), Some("default"), "an image gets it too");
    assert_eq!(decide_at(Some(NOW - 10 * MINUTE), Stimulus::Text("?".into())), None);
    assert_eq!(decide_at(None, Stimulus::Click("x".into())), None, "a menu tap gets no default reply");
    assert_eq!(decide_at(None, Stimulus::Followed { scene: None }), None);
}

#[test]
fn replies_are_all_or_one_picked_and_filled_in() {
    let mut random = rule(
        "r",
        0,
        1,
        keywords(&[("hi", KeywordMode::Exact)]),
        vec![text("Hi {{subscriber.name}}"), text("Hello {{ subscriber.name }}, this is {{account.name}}")],
    );
    random.reply_mode = ReplyMode::Random;
    let values = TemplateValues { subscriber_name: "小王".into(), account_name: "Tea House".into() };
    let matcher = Matcher::build(std::slice::from_ref(&random));
    let mut asked = Vec::new();
    let decision = decide(&matcher, &Stimulus::Text("hi".into()), None, NOW, &values, &mut |n| {
        asked.push(n);
        1
    })
    .unwrap();
    assert_eq!(asked, [2], "picked among both replies");
    assert_eq!(decision.replies, [MessageBody::Text { text: "Hello 小王, this is Tea House".into() }]);
    random.reply_mode = ReplyMode::All;
    let all = chosen(&random, &mut |_| panic!("nothing is picked"));
    assert_eq!(all.len(), 2);
    assert_eq!(render("{{order}} {{subscriber.name}} {{", &values), "{{order}} 小王 {{");
    assert_eq!(template_fields("a {{x}} b {{ account.name }}"), ["x", "account.name"]);
}

fn draft(trigger: AutoReplyTrigger, replies: Vec<AutoReplyContent>) -> AutoReplyRuleDraft {
    AutoReplyRuleDraft {
        id: "new".into(),
        account_id: "shop".into(),
        name: "Rule".into(),
        trigger,
        priority: 0,
        replies,
        reply_mode: ReplyMode::All,
        enabled: true,
    }
}

fn keys(issues: &[Issue]) -> Vec<(String, String)> {
    issues.iter().map(|i| (i.path.clone(), i.key.clone())).collect()
}

#[test]
fn the_platform_limits_are_checked_with_issue_keys() {
    let eleven: Vec<(&str, KeywordMode)> = (0..11).map(|_| ("a", KeywordMode::Exact)).collect();
    let mut long = draft(keywords(&eleven), vec![text("{{coupon}}"); 6]);
    long.name = "名".repeat(61);
    let issues = check(&long, PlatformProfile::Wechat, &[]);
    let found = keys(&issues);
    for expected in [
        ("name", "auto_reply.name.too_long"),
        ("trigger.keywords", "auto_reply.keywords.too_many"),
        ("replies", "auto_reply.replies.too_many"),
        ("replies.0.text", "auto_reply.template.unknown_field"),
    ] {
        assert!(found.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {found:?}");
    }
    let image = draft(
        keywords(&[("图", KeywordMode::Exact)]),
        vec![AutoReplyContent::Image { url: "https://a.cn/x.png".into() }],
    );
    assert!(check(&image, PlatformProfile::Wechat, &[]).is_empty());
    assert_eq!(
        keys(&check(&image, PlatformProfile::Alipay, &[])),
        [("replies.0.type".to_string(), "auto_reply.image.unsupported".to_string())],
        "Alipay sends text and image-text only"
    );
    let key = draft(AutoReplyTrigger::MenuClick { key: "k".repeat(129) }, vec![text("x")]);
    assert_eq!(
        keys(&check(&key, PlatformProfile::Wechat, &[])),
        [("trigger.key".into(), "message.field.too_long".into())]
    );
    let existing = rule("d", 0, 1, AutoReplyTrigger::Default { quiet_minutes: 60 }, vec![text("x")]);
    let second = draft(AutoReplyTrigger::Default { quiet_minutes: 0 }, vec![text("y")]);
    assert_eq!(
        keys(&check(&second, PlatformProfile::Wechat, &[existing])),
        [
            ("trigger.quiet_minutes".into(), "auto_reply.quiet_minutes.out_of_range".into()),
            ("trigger".into(), "auto_reply.default.taken".into())
        ]
    );
}

fn shop() -> MemoryWorld {
    let mut world = MemoryWorld::default();
    let actor = Actor { staff_id: "owner".into(), now: NOW };
    let create = Mutation::CreateAccount(NewAccount {
        id: "shop".into(),
        name: "Tea House".into(),
        platform: PlatformProfile::Wechat,
        category: String::new(),
        description: String::new(),
        avatar_color: "#07c160".into(),
    });
    world.absorb(apply(&world, &create, &actor).unwrap());
    world
}

#[test]
fn rules_are_saved_edited_and_deleted_through_mutations() {
    let mut world = shop();
    let actor = Actor { staff_id: "owner".into(), now: NOW };
    let save = Mutation::SaveAutoReplyRule(draft(keywords(&[("hi", KeywordMode::Exact)]), vec![text("hello")]));
    let changes = apply(&world, &save, &actor).unwrap();
    world.absorb(changes);
    assert!(apply(&world, &save, &actor).unwrap().is_empty(), "the same save twice changes nothing");
    let later = Actor { staff_id: "owner".into(), now: NOW + 1000 };
    let mut edited = draft(keywords(&[("hi", KeywordMode::Exact)]), vec![text("hello again")]);
    edited.priority = 3;
    let changes = apply(&world, &Mutation::SaveAutoReplyRule(edited), &later).unwrap();
    let [Change::AutoReplyRule(rule)] = changes.as_slice() else { panic!("{changes:?}") };
    assert_eq!((rule.created_at, rule.updated_at, rule.priority), (NOW, NOW + 1000, 3));
    world.absorb(changes);
    let bad = Mutation::SaveAutoReplyRule(draft(keywords(&[]), vec![]));
    let refused = apply(&world, &bad, &actor).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    let deleted = apply(&world, &Mutation::DeleteAutoReplyRule { id: "new".into() }, &later).unwrap();
    world.absorb(deleted);
    assert!(world.auto_reply_rules["new"].deleted);
    assert!(Matcher::build(&world.auto_reply_rules("shop").unwrap()).rules().is_empty());
}

fn inbound(platform_msg_id: &str, body: MessageBody) -> Inbound {
    Inbound {
        account_id: "shop".into(),
        platform: "sandbox".into(),
        platform_user_id: "visitor".into(),
        display_name: "小王".into(),
        platform_msg_id: Some(platform_msg_id.into()),
        body,
    }
}

/// Receives `body` and answers it as the server does, inside one decision.
fn receive_and_answer(
    world: &mut MemoryWorld,
    matcher: &Matcher,
    n: u32,
    body: MessageBody,
    now: Millis,
    passive: bool,
) -> Vec<Message> {
    let ids = NewIds { subscriber: "s1".into(), conversation: "c1".into(), message: format!("m{n}") };
    let stimulus = Stimulus::of(&body).unwrap();
    let received = receive(world, &inbound(&format!("p{n}"), body), &ids, now).unwrap();
    let mut replies = answer(world, matcher, &stimulus, &received, passive, now, &mut |_| 0).unwrap();
    let mut all = received;
    all.append(&mut replies);
    world.absorb(all.clone());
    all.into_iter()
        .filter_map(|c| match c {
            Change::Message(m) if m.direction == Direction::Outbound => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn answers_are_stored_in_the_thread_marked_automatic_and_the_default_keeps_quiet() {
    let mut world = shop();
    let rules = [
        rule("hi", 0, 1, keywords(&[("hi", KeywordMode::Exact)]), vec![text("Hello {{subscriber.name}}")]),
        rule("default", 0, 1, AutoReplyTrigger::Default { quiet_minutes: 60 }, vec![text("Soon")]),
    ];
    world.absorb(rules.iter().cloned().map(Change::AutoReplyRule));
    let matcher = Matcher::build(&rules);
    let replies = receive_and_answer(&mut world, &matcher, 1, MessageBody::Text { text: "HI".into() }, NOW, false);
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body, MessageBody::Text { text: "Hello 小王".into() });
    assert_eq!(replies[0].id, "m1~auto0");
    assert_eq!(
        replies[0].auto_reply,
        Some(AutoReplyMark { rule_id: "hi".into(), trigger: "keyword".into(), passive: false })
    );
    assert_eq!(world.conversations["c1"].preview, "Hello 小王");
    let text = |t: &str| MessageBody::Text { text: t.into() };
    assert_eq!(receive_and_answer(&mut world, &matcher, 2, text("?"), NOW + MINUTE, false).len(), 1);
    assert!(receive_and_answer(&mut world, &matcher, 3, text("??"), NOW + 30 * MINUTE, false).is_empty(), "quiet");
    assert_eq!(receive_and_answer(&mut world, &matcher, 4, text("???"), NOW + 61 * MINUTE, false).len(), 1);
}

#[test]
fn a_passive_reply_takes_none_of_the_window_and_the_rest_stay_within_it() {
    let mut world = shop();
    // A follow opens WeChat's 1-minute window for 3 messages.
    let greeting = rule(
        "welcome",
        0,
        1,
        AutoReplyTrigger::Follow { scene: None },
        vec![text("1"), text("2"), text("3"), text("4"), text("5")],
    );
    world.absorb([Change::AutoReplyRule(greeting.clone())]);
    let matcher = Matcher::build(&[greeting]);
    let replies = receive_and_answer(&mut world, &matcher, 1, MessageBody::Event(SubscriberEvent::Follow), NOW, true);
    let passive: Vec<bool> = replies.iter().map(|m| m.auto_reply.as_ref().unwrap().passive).collect();
    assert_eq!(passive, [true, false, false, false], "one passive, then the window's 3");
    let ledger = world.reply_ledger("c1", NOW).unwrap();
    assert_eq!(ledger.replies_since_event, 3, "the passive reply used no quota");
}

#[test]
fn the_try_box_runs_the_same_matcher_with_the_unsaved_draft() {
    let saved = rule("hi", 0, 1, keywords(&[("hi", KeywordMode::Exact)]), vec![text("saved")]);
    let values = TemplateValues { subscriber_name: "Ann".into(), account_name: "Shop".into() };
    let message = TryMessage::Text { text: "HI".into() };
    let before = try_rules(std::slice::from_ref(&saved), None, &message, &values, NOW);
    assert_eq!(before.decision.unwrap().replies, [MessageBody::Text { text: "saved".into() }]);
    let mut draft = saved.draft();
    draft.replies = vec![text("Hello {{subscriber.name}}"), text("Hey")];
    draft.reply_mode = ReplyMode::Random;
    let after = try_rules(std::slice::from_ref(&saved), Some(&draft), &message, &values, NOW);
    assert!(after.random);
    assert_eq!(
        after.decision.unwrap().replies,
        [MessageBody::Text { text: "Hello Ann".into() }, MessageBody::Text { text: "Hey".into() }],
        "every candidate of the draft, filled in"
    );
    let none = try_rules(&[saved], None, &TryMessage::MenuClick { key: "x".into() }, &values, NOW);
    assert_eq!(none.decision, None);
}

/// WeChat's example answer of `get_current_autoreply_info` (its documentation's sample, shortened).
#[test]
fn wechat_console_rules_are_imported_as_rules() {
    let info = serde_json::json!({
        "is_add_friend_reply_open": 1,
        "is_autoreply_open": 1,
        "add_friend_autoreply_info": {"type": "text", "content": "Thanks for your attention!"},
        "message_default_autoreply_info": {"type": "text", "content": "Hello, this is autoreply!"},
        "keyword_autoreply_info": {"list": [
            {"rule_name": "autoreply-news", "create_time": 1423028166, "reply_mode": "reply_all",
             "keyword_list_info": [{"type": "text", "match_mode": "contain", "content": "news测试"}],
             "reply_list_info": [{"type": "news", "news_info": {"list": [{"title": "it's news", "author": "jim",
                 "digest": "it's digest", "show_cover": 1, "cover_url": "https://mmbiz.qpic.cn/a.jpg",
                 "content_url": "https://mp.weixin.qq.com/s?a", "source_url": ""}]}}]},
            {"rule_name": "autoreply-voice", "create_time": 1423027971, "reply_mode": "random_one",
             "keyword_list_info": [{"type": "text", "match_mode": "contain", "content": "voice测试"}],
             "reply_list_info": [{"type": "voice", "content": "NESsxgHEvAcg3egJTtYj4uG1PTL6iPhratdWKDLAXYErhN6oEEfMdVyblWtBY5vp"}]},
            {"rule_name": "autoreply-text", "create_time": 1423027726, "reply_mode": "random_one",
             "keyword_list_info": [{"type": "text", "match_mode": "equal", "content": "text测试"}],
             "reply_list_info": [{"type": "text", "content": "hello!text!"}, {"type": "img", "content": "mediaid"}]}
        ]}
    });
    let imported = from_wechat_autoreply_info(&info, "shop");
    let ids: Vec<&str> = imported.drafts.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["wechat-follow", "wechat-default", "wechat-1423028166-0", "wechat-1423027726-2"]);
    assert_eq!(imported.skipped, ["autoreply-voice: voice", "autoreply-text: img"]);
    let news = &imported.drafts[2];
    assert_eq!(
        news.replies,
        [AutoReplyContent::Article {
            title: "it's news".into(),
            description: "it's digest".into(),
            url: "https://mp.weixin.qq.com/s?a".into(),
            image_url: "https://mmbiz.qpic.cn/a.jpg".into(),
        }]
    );
    let text = &imported.drafts[3];
    assert_eq!(text.reply_mode, ReplyMode::Random);
    assert_eq!(text.trigger, keywords(&[("text测试", KeywordMode::Exact)]));
    assert!(
        imported.drafts.iter().all(|d| check(d, PlatformProfile::Wechat, &[]).is_empty()),
        "each passes the limits"
    );
}
