//! The rules of the conversation view: what a reply or a note may carry, and
//! that a reply goes only while the platform's window is open.

use crate::change::Change;
use crate::conversation::{
    limits, Conversation, ConversationStatus, Delivery, Direction, Message, MessageBody, Subscriber, SubscriberEvent,
};
use crate::error::{ErrorCode, Issue, WicketError};
use crate::platform::{self, LengthRule, LengthUnit, PlatformRules};
use crate::reply_window::reply_window;
use crate::world::{Actor, World};
use crate::Millis;

/// A message or event from a subscriber, as a platform adapter hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    pub account_id: String,
    /// `sandbox`, `alipay` or `wechat`.
    pub platform: String,
    pub platform_user_id: String,
    pub display_name: String,
    /// The platform's id for the message; platforms retry their callbacks.
    pub platform_msg_id: Option<String>,
    pub body: MessageBody,
}

/// Ids for whatever a received message creates, made by the caller.
#[derive(Debug, Clone)]
pub struct NewIds {
    pub subscriber: String,
    pub conversation: String,
    pub message: String,
}

/// What receiving `inbound` changes: the subscriber and conversation made
/// on first contact, the message, follow state, and a resolved conversation
/// opened again. A message already received (same platform id) changes
/// nothing.
pub fn receive<W: World + ?Sized>(
    world: &W,
    inbound: &Inbound,
    ids: &NewIds,
    now: Millis,
) -> Result<Vec<Change>, WicketError> {
    let account = world
        .account(&inbound.account_id)?
        .ok_or_else(|| WicketError::not_found(format!("account {}", inbound.account_id)))?;
    if account.archived {
        return Err(WicketError::new(ErrorCode::NotFound, "this account is no longer in service"));
    }
    check_inbound(inbound, platform::for_profile(account.platform))?;
    let existing =
        world.subscriber_by_platform_id(&inbound.account_id, &inbound.platform, &inbound.platform_user_id)?;
    let mut subscriber = existing.clone().unwrap_or_else(|| Subscriber {
        id: ids.subscriber.clone(),
        account_id: inbound.account_id.clone(),
        platform: inbound.platform.clone(),
        platform_user_id: inbound.platform_user_id.clone(),
        display_name: inbound.display_name.clone(),
        following: false,
        followed_at: None,
        tags: Vec::new(),
        note: String::new(),
        created_at: now,
        updated_at: now,
    });
    let conversation = world.conversation_of(&subscriber.id)?;
    if let (Some(conversation), Some(platform_id)) = (&conversation, &inbound.platform_msg_id) {
        if world.message_by_platform_id(&conversation.id, platform_id)?.is_some() {
            return Ok(Vec::new());
        }
    }
    let mut changes = Vec::new();
    match &inbound.body {
        MessageBody::Event(SubscriberEvent::Follow) if !subscriber.following => {
            subscriber.following = true;
            subscriber.followed_at = Some(now);
        }
        MessageBody::Event(SubscriberEvent::Unfollow) if subscriber.following => subscriber.following = false,
        _ => {}
    }
    if existing.as_ref() != Some(&subscriber) {
        subscriber.updated_at = now;
        changes.push(Change::Subscriber(subscriber.clone()));
    }
    let conversation = conversation.unwrap_or_else(|| Conversation {
        id: ids.conversation.clone(),
        account_id: inbound.account_id.clone(),
        subscriber_id: subscriber.id.clone(),
        status: ConversationStatus::Open,
        assignee: None,
        labels: Vec::new(),
        last_activity_at: now,
        preview: String::new(),
        created_at: now,
        updated_at: now,
    });
    let message = Message {
        id: ids.message.clone(),
        conversation_id: conversation.id.clone(),
        direction: Direction::Inbound,
        author: None,
        body: inbound.body.clone(),
        client_msg_id: None,
        platform_msg_id: inbound.platform_msg_id.clone(),
        delivery: None,
        created_at: now,
        auto_reply: None,
    };
    let reopened = match conversation.status {
        // A new message from the subscriber brings a closed case back.
        ConversationStatus::Resolved if !matches!(inbound.body, MessageBody::Event(SubscriberEvent::Unfollow)) => {
            ConversationStatus::Open
        }
        status => status,
    };
    // The conversation goes first: the message belongs to it.
    changes.push(Change::Conversation(Conversation {
        status: reopened,
        last_activity_at: now.max(conversation.last_activity_at),
        preview: message.body.preview(),
        updated_at: now,
        ..conversation
    }));
    changes.push(Change::Message(message));
    Ok(changes)
}

/// What a subscriber may send: text within the size limit, an image, a
/// place, or an event; and every string it carries within its bound
/// (`limits`, and the account's platform for a menu tap), so nothing of any
/// length reaches the messages and the change feed.
fn check_inbound(inbound: &Inbound, rules: &PlatformRules) -> Result<(), WicketError> {
    let mut issues = Vec::new();
    match &inbound.body {
        MessageBody::Text { text } if text.trim().is_empty() => {
            issues.push(Issue::new("body.text", "message.text.required"));
        }
        MessageBody::Text { text } if text.len() > limits::TEXT_MAX_BYTES => {
            issues.push(
                Issue::new("body.text", "message.text.too_long")
                    .with("max", limits::TEXT_MAX_BYTES)
                    .with("actual", text.len()),
            );
        }
        MessageBody::Text { .. } => {}
        MessageBody::Article { .. } => issues.push(Issue::new("body", "message.article.not_from_subscribers")),
        MessageBody::Image { url } => within("body.url", url, bytes(limits::URL_MAX_BYTES), &mut issues),
        MessageBody::Location { label, .. } => {
            within("body.label", label, chars(limits::LOCATION_LABEL_MAX_CHARS), &mut issues);
        }
        MessageBody::Event(event) => match event {
            SubscriberEvent::Follow | SubscriberEvent::Unfollow | SubscriberEvent::Enter => {}
            SubscriberEvent::Scan { scene } => {
                within("body.scene", scene, chars(limits::SCENE_MAX_CHARS), &mut issues);
            }
            SubscriberEvent::MenuTap { key, label } => {
                let menu = rules.menu;
                let label_rule = if menu.sub_label.max >= menu.top_label.max { menu.sub_label } else { menu.top_label };
                within("body.key", key, menu.key, &mut issues);
                within("body.label", label, label_rule, &mut issues);
            }
            SubscriberEvent::Keyword { keyword } => {
                within("body.keyword", keyword, bytes(limits::KEYWORD_MAX_BYTES), &mut issues);
            }
        },
    }
    within("platform", &inbound.platform, bytes(limits::PLATFORM_NAME_MAX_BYTES), &mut issues);
    within("platform_user_id", &inbound.platform_user_id, bytes(limits::PLATFORM_USER_ID_MAX_BYTES), &mut issues);
    within("display_name", &inbound.display_name, chars(limits::DISPLAY_NAME_MAX_CHARS), &mut issues);
    if let Some(id) = &inbound.platform_msg_id {
        within("platform_msg_id", id, bytes(limits::PLATFORM_MSG_ID_MAX_BYTES), &mut issues);
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(WicketError::invalid(issues))
    }
}

fn bytes(max: usize) -> LengthRule {
    LengthRule { min: 0, max, unit: LengthUnit::Utf8Bytes }
}

fn chars(max: usize) -> LengthRule {
    LengthRule { min: 0, max, unit: LengthUnit::Chars }
}

/// A string a subscriber's message carries, within `rule`'s maximum.
fn within(path: &str, text: &str, rule: LengthRule, issues: &mut Vec<Issue>) {
    let length = rule.unit.measure(text);
    if length > rule.max {
        issues.push(
            Issue::new(path, "message.field.too_long")
                .with("max", rule.max)
                .with("actual", length)
                .with("unit", rule.unit.as_str()),
        );
    }
}

/// A reply or a note written by staff.
pub(crate) fn send<W: World + ?Sized>(
    world: &W,
    id: &str,
    conversation_id: &str,
    body: &MessageBody,
    note: bool,
    actor: &Actor,
) -> Result<Vec<Change>, WicketError> {
    if let Some(existing) = world.message(id)? {
        // The same message sent twice (a retry) is stored once.
        return if existing.conversation_id == conversation_id && existing.body == *body {
            Ok(Vec::new())
        } else {
            Err(WicketError::new(ErrorCode::Conflict, format!("message {id} already exists")))
        };
    }
    if id.is_empty() || id.len() > 64 {
        return Err(WicketError::invalid(vec![Issue::new("id", "message.id.invalid")]));
    }
    check_body(body)?;
    let conversation = world
        .conversation(conversation_id)?
        .ok_or_else(|| WicketError::not_found(format!("conversation {conversation_id}")))?;
    if !note {
        let account = world
            .account(&conversation.account_id)?
            .ok_or_else(|| WicketError::not_found(format!("account {}", conversation.account_id)))?;
        let policy = account.reply_policy();
        let window = reply_window(&policy, &world.reply_ledger(conversation_id, actor.now)?, actor.now);
        if !window.open {
            let reason = window.closed_reason.unwrap_or_else(|| "reply_window.expired".into());
            let mut error = WicketError::new(ErrorCode::Invalid, format!("the reply window is closed ({reason})"));
            error.issues.push(Issue::new("body", reason));
            return Err(error);
        }
    }
    let message = Message {
        id: id.to_owned(),
        conversation_id: conversation_id.to_owned(),
        direction: if note { Direction::Note } else { Direction::Outbound },
        author: Some(actor.staff_id.clone()),
        body: body.clone(),
        client_msg_id: Some(id.to_owned()),
        platform_msg_id: None,
        delivery: if note { None } else { Some(Delivery::Sent) },
        created_at: actor.now,
        auto_reply: None,
    };
    let touched = Conversation {
        last_activity_at: actor.now.max(conversation.last_activity_at),
        preview: if note { conversation.preview.clone() } else { body.preview() },
        updated_at: actor.now,
        ..conversation
    };
    Ok(vec![Change::Message(message), Change::Conversation(touched)])
}

/// What staff may send: text within the platform's size, https links, and
/// images on this server (`/s/media/{sha256}`).
pub fn check_body(body: &MessageBody) -> Result<(), WicketError> {
    let mut issues = Vec::new();
    match body {
        MessageBody::Text { text } => {
            if text.trim().is_empty() {
                issues.push(Issue::new("body.text", "message.text.required"));
            } else if text.len() > limits::TEXT_MAX_BYTES {
                issues.push(
                    Issue::new("body.text", "message.text.too_long")
                        .with("max", limits::TEXT_MAX_BYTES)
                        .with("actual", text.len()),
                );
            }
        }
        // A staff image is uploaded to the server first and named by its own path.
        MessageBody::Image { url } if crate::media::is_media_path(url) => {}
        MessageBody::Image { url } => check_url("body.url", url, &mut issues),
        MessageBody::Article { title, url, image_url, .. } => {
            if title.trim().is_empty() {
                issues.push(Issue::new("body.title", "message.article.title_required"));
            }
            check_url("body.url", url, &mut issues);
            check_url("body.image_url", image_url, &mut issues);
        }
        MessageBody::Location { latitude, longitude, .. } => {
            if !(-90.0..=90.0).contains(latitude) || !(-180.0..=180.0).contains(longitude) {
                issues.push(Issue::new("body", "message.location.invalid"));
            }
        }
        MessageBody::Event(_) => issues.push(Issue::new("body", "message.event.not_sendable")),
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(WicketError::invalid(issues))
    }
}

fn check_url(path: &str, url: &str, issues: &mut Vec<Issue>) {
    if !url.starts_with("https://") {
        issues.push(Issue::new(path, "message.url.not_https"));
    } else if url.len() > limits::URL_MAX_BYTES {
        issues.push(Issue::new(path, "message.url.too_long").with("max", limits::URL_MAX_BYTES));
    }
}

/// Trims, drops duplicates and checks labels or tags.
pub fn clean_labels(labels: &[String], path: &str) -> Result<Vec<String>, WicketError> {
    let mut clean: Vec<String> = Vec::new();
    for label in labels {
        let label = label.trim();
        if label.is_empty() || clean.iter().any(|l| l == label) {
            continue;
        }
        if label.chars().count() > limits::LABEL_MAX_CHARS {
            return Err(WicketError::invalid(vec![
                Issue::new(path, "conversation.label.too_long").with("max", limits::LABEL_MAX_CHARS)
            ]));
        }
        clean.push(label.to_owned());
    }
    let max = if path == "tags" { limits::TAGS_MAX } else { limits::LABELS_MAX };
    if clean.len() > max {
        return Err(WicketError::invalid(vec![Issue::new(path, "conversation.labels.too_many").with("max", max)]));
    }
    Ok(clean)
}

pub fn check_note(note: &str) -> Result<(), WicketError> {
    let length = note.chars().count();
    if length > limits::NOTE_MAX_CHARS {
        return Err(WicketError::invalid(vec![Issue::new("note", "subscriber.note.too_long")
            .with("max", limits::NOTE_MAX_CHARS)
            .with("actual", length)]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NewAccount;
    use crate::platform::PlatformProfile;
    use crate::world::MemoryWorld;

    fn world() -> MemoryWorld {
        let mut world = MemoryWorld::default();
        let account = NewAccount {
            id: "acc".into(),
            name: "Bank".into(),
            platform: PlatformProfile::Wechat,
            category: String::new(),
            description: String::new(),
            avatar_color: "#1677ff".into(),
        };
        world.absorb([Change::Account(account.normalized().unwrap().into_account(0))]);
        world
    }

    fn inbound(platform_msg_id: &str, body: MessageBody) -> Inbound {
        Inbound {
            account_id: "acc".into(),
            platform: "sandbox".into(),
            platform_user_id: "visitor-1".into(),
            display_name: "访客".into(),
            platform_msg_id: Some(platform_msg_id.into()),
            body,
        }
    }

    fn ids(n: u32) -> NewIds {
        NewIds { subscriber: format!("s{n}"), conversation: format!("c{n}"), message: format!("m{n}") }
    }

    fn receive_into(world: &mut MemoryWorld, message: &Inbound, n: u32, now: Millis) -> usize {
        let changes = receive(world, message, &ids(n), now).unwrap();
        let count = changes.len();
        world.absorb(changes);
        count
    }

    #[test]
    fn first_contact_makes_a_subscriber_and_a_conversation() {
        let mut world = world();
        let count = receive_into(&mut world, &inbound("p1", MessageBody::Text { text: "你好".into() }), 1, 10);
        assert_eq!(count, 3, "subscriber, message and conversation");
        assert_eq!(world.conversations["c1"].preview, "你好");
        receive_into(&mut world, &inbound("p2", MessageBody::Text { text: "在吗".into() }), 2, 20);
        assert_eq!(world.subscribers.len(), 1, "the same person is one subscriber");
        assert_eq!(world.conversations.len(), 1, "with one conversation");
        assert_eq!(world.messages.len(), 2);
    }

    #[test]
    fn a_retried_callback_is_stored_once() {
        let mut world = world();
        let hello = inbound("p1", MessageBody::Text { text: "你好".into() });
        receive_into(&mut world, &hello, 1, 10);
        assert_eq!(receive_into(&mut world, &hello, 2, 11), 0, "the platform's retry changes nothing");
        assert_eq!(world.messages.len(), 1);
    }

    #[test]
    fn follow_and_unfollow_change_the_subscriber() {
        let mut world = world();
        receive_into(&mut world, &inbound("p1", MessageBody::Event(SubscriberEvent::Follow)), 1, 10);
        assert!(world.subscribers["s1"].following);
        assert_eq!(world.subscribers["s1"].followed_at, Some(10));
        receive_into(&mut world, &inbound("p2", MessageBody::Event(SubscriberEvent::Unfollow)), 2, 20);
        assert!(!world.subscribers["s1"].following);
    }

    #[test]
    fn a_new_message_reopens_a_resolved_conversation() {
        let mut world = world();
        receive_into(&mut world, &inbound("p1", MessageBody::Text { text: "a".into() }), 1, 10);
        let mut resolved = world.conversations["c1"].clone();
        resolved.status = ConversationStatus::Resolved;
        world.absorb([Change::Conversation(resolved)]);
        receive_into(&mut world, &inbound("p2", MessageBody::Text { text: "b".into() }), 2, 20);
        assert_eq!(world.conversations["c1"].status, ConversationStatus::Open);
    }

    #[test]
    fn staff_images_are_this_servers_media_or_https() {
        let image = |url: String| check_body(&MessageBody::Image { url });
        assert!(image(crate::media::media_path(&"0f".repeat(32))).is_ok(), "an uploaded image's own path");
        assert!(image("https://cdn.example.com/a.png".into()).is_ok(), "an https image");
        for bad in [format!("/s/media/{}", "0f".repeat(31)), "/s/media/../secret".into(), "http://x/a.png".into()] {
            let err = image(bad.clone()).unwrap_err();
            assert_eq!(err.issues[0].key, "message.url.not_https", "{bad} is refused");
        }
    }

    #[test]
    fn empty_or_oversized_text_is_refused() {
        let world = world();
        let empty = receive(&world, &inbound("p1", MessageBody::Text { text: " ".into() }), &ids(1), 1).unwrap_err();
        assert_eq!(empty.issues[0].key, "message.text.required");
        let big = "字".repeat(700);
        let err = receive(&world, &inbound("p1", MessageBody::Text { text: big }), &ids(1), 1).unwrap_err();
        assert_eq!(err.issues[0].key, "message.text.too_long", "2,100 bytes is over the limit");
    }

    #[test]
    fn every_string_a_subscriber_sends_is_bounded_at_its_limit() {
        let world = world();
        let accepted = |message: &Inbound| receive(&world, message, &ids(1), 1).map(|_| ()).map_err(|e| e.issues);
        let event = |event: SubscriberEvent| inbound("p1", MessageBody::Event(event));
        let menu_tap = |key: String, label: String| event(SubscriberEvent::MenuTap { key, label });
        // At the limit: WeChat's key of 128 bytes, a sub-label of 60 bytes.
        let at_limit = [
            menu_tap("k".repeat(128), "菜".repeat(20)),
            event(SubscriberEvent::Scan { scene: "场".repeat(64) }),
            event(SubscriberEvent::Keyword { keyword: format!("{}ab", "查".repeat(682)) }),
            inbound("p1", MessageBody::Location { latitude: 1.0, longitude: 1.0, label: "路".repeat(256) }),
        ];
        for message in &at_limit {
            assert_eq!(accepted(message), Ok(()), "{:?} is at its limit", message.body.preview());
        }
        let mut long_sender = inbound(&"p".repeat(65), MessageBody::Event(SubscriberEvent::Enter));
        long_sender.platform_user_id = "u".repeat(129);
        long_sender.display_name = "名".repeat(65);
        let over = [
            (menu_tap("k".repeat(129), "菜单".into()), vec![("body.key", "129", "utf8_bytes")]),
            (
                menu_tap("键".repeat(43), "菜".repeat(21)),
                vec![("body.key", "129", "utf8_bytes"), ("body.label", "63", "utf8_bytes")],
            ),
            (event(SubscriberEvent::Scan { scene: "场".repeat(65) }), vec![("body.scene", "65", "chars")]),
            (
                event(SubscriberEvent::Keyword { keyword: "k".repeat(1 << 20) }),
                vec![("body.keyword", "1048576", "utf8_bytes")],
            ),
            (
                inbound("p1", MessageBody::Location { latitude: 1.0, longitude: 1.0, label: "路".repeat(257) }),
                vec![("body.label", "257", "chars")],
            ),
            (
                inbound("p1", MessageBody::Image { url: format!("/s/media/{}", "a".repeat(1100)) }),
                vec![("body.url", "1109", "utf8_bytes")],
            ),
            (
                long_sender,
                vec![
                    ("platform_user_id", "129", "utf8_bytes"),
                    ("display_name", "65", "chars"),
                    ("platform_msg_id", "65", "utf8_bytes"),
                ],
            ),
        ];
        for (message, expected) in over {
            let issues = accepted(&message).unwrap_err();
            let found: Vec<(&str, &str, &str)> = issues
                .iter()
                .map(|issue| {
                    assert_eq!(issue.key, "message.field.too_long", "{issue:?}");
                    (issue.path.as_str(), issue.param("actual").unwrap(), issue.param("unit").unwrap())
                })
                .collect();
            assert_eq!(found, expected, "each over-long string is named with its length and unit");
        }
    }

    #[test]
    fn a_menu_tap_on_alipay_follows_alipays_limits() {
        let mut world = world();
        let mut account = world.accounts["acc"].clone();
        account.platform = PlatformProfile::Alipay;
        world.absorb([Change::Account(account)]);
        let tap =
            |key: String, label: String| inbound("p1", MessageBody::Event(SubscriberEvent::MenuTap { key, label }));
        assert!(receive(&world, &tap("k".repeat(255), "账".repeat(9)), &ids(1), 1).is_ok(), "255 characters, 9 CJK");
        let issues = receive(&world, &tap("k".repeat(256), "账".repeat(10)), &ids(1), 1).unwrap_err().issues;
        let found: Vec<(&str, Option<&str>)> = issues.iter().map(|i| (i.path.as_str(), i.param("max"))).collect();
        assert_eq!(found, vec![("body.key", Some("255")), ("body.label", Some("18"))], "Alipay's figures apply");
    }
}
