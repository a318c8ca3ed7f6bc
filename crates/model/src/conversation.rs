//! Subscribers, conversations and messages: the conversation view.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::AccountId;
use crate::Millis;

pub type SubscriberId = String;
pub type ConversationId = String;
pub type MessageId = String;

/// Someone who follows (or followed) a public service account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscriber {
    #[schema(value_type = String)]
    pub id: SubscriberId,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    /// Which platform vouches for this person (`sandbox`, `alipay`, `wechat`).
    pub platform: String,
    /// The platform's id for them (an OpenID, an Alipay user id, …).
    pub platform_user_id: String,
    pub display_name: String,
    pub following: bool,
    #[schema(value_type = Option<i64>)]
    pub followed_at: Option<Millis>,
    pub tags: Vec<String>,
    /// Staff's private note; never shown to the subscriber.
    pub note: String,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Pending,
    Resolved,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Pending => "pending",
            ConversationStatus::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(ConversationStatus::Open),
            "pending" => Some(ConversationStatus::Pending),
            "resolved" => Some(ConversationStatus::Resolved),
            _ => None,
        }
    }
}

/// One conversation per (account, subscriber).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    #[schema(value_type = String)]
    pub id: ConversationId,
    #[schema(value_type = String)]
    pub account_id: AccountId,
    #[schema(value_type = String)]
    pub subscriber_id: SubscriberId,
    pub status: ConversationStatus,
    /// The staff member who answers it, if anyone.
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    /// The newest message or event, for sorting the inbox.
    #[schema(value_type = i64)]
    pub last_activity_at: Millis,
    /// The start of the newest message, as text, for the inbox list.
    pub preview: String,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the subscriber (or the platform on their behalf).
    Inbound,
    /// From staff to the subscriber.
    Outbound,
    /// A private note between staff; never sent.
    Note,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            "note" => Some(Direction::Note),
            _ => None,
        }
    }
}

/// What a subscriber did that was not a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubscriberEvent {
    Follow,
    Unfollow,
    /// Opened the account (Alipay's `enter`).
    Enter,
    /// Scanned a parameter QR code.
    Scan {
        scene: String,
    },
    MenuTap {
        key: String,
        label: String,
    },
    /// A keyword sent by a module or menu action.
    Keyword {
        keyword: String,
    },
}

impl SubscriberEvent {
    /// Events after which the platform lets staff answer briefly (WeChat's
    /// one-minute window: menu tap, follow, scan).
    pub fn opens_event_window(&self) -> bool {
        matches!(
            self,
            SubscriberEvent::Follow
                | SubscriberEvent::Scan { .. }
                | SubscriberEvent::MenuTap { .. }
                | SubscriberEvent::Enter
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum MessageBody {
    Text { text: String },
    Image { url: String },
    Location { latitude: f64, longitude: f64, label: String },
    Article { title: String, description: String, url: String, image_url: String },
    Event(SubscriberEvent),
}

impl MessageBody {
    /// A one-line summary for the inbox list (text, never HTML).
    pub fn preview(&self) -> String {
        let text = match self {
            MessageBody::Text { text } => text.clone(),
            MessageBody::Image { .. } => "[image]".into(),
            MessageBody::Location { label, .. } => format!("[location] {label}"),
            MessageBody::Article { title, .. } => format!("[article] {title}"),
            MessageBody::Event(event) => match event {
                SubscriberEvent::Follow => "[follow]".into(),
                SubscriberEvent::Unfollow => "[unfollow]".into(),
                SubscriberEvent::Enter => "[enter]".into(),
                SubscriberEvent::Scan { .. } => "[scan]".into(),
                SubscriberEvent::MenuTap { label, .. } => format!("[menu] {label}"),
                SubscriberEvent::Keyword { keyword } => keyword.clone(),
            },
        };
        let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        one_line.chars().take(80).collect()
    }
}

/// Where an outbound message is, as far as the server knows. `queued` and
/// `sending` exist only in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    Sent,
    Delivered,
    Read,
    Failed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    #[schema(value_type = String)]
    pub id: MessageId,
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub direction: Direction,
    /// The staff member who wrote an outbound message or a note.
    pub author: Option<String>,
    pub body: MessageBody,
    /// The console's id for an outbound message: the same id twice is one message.
    pub client_msg_id: Option<String>,
    /// The platform's id for an inbound message: platforms retry callbacks.
    pub platform_msg_id: Option<String>,
    /// Outbound messages only.
    pub delivery: Option<Delivery>,
    #[schema(value_type = i64)]
    pub created_at: Millis,
    /// Set on a reply an automatic-reply rule sent (`None` for staff's and
    /// subscribers' messages): the thread shows it as automatic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_reply: Option<crate::auto_reply::AutoReplyMark>,
}

/// Limits on what a message may carry.
pub mod limits {
    /// WeChat documents no limit for customer-service text; 2048 bytes is
    /// the figure its developers report (PLATFORM-RULES §4.1), so Wicket
    /// keeps every text message within it.
    pub const TEXT_MAX_BYTES: usize = 2048;
    pub const LABEL_MAX_CHARS: usize = 20;
    pub const LABELS_MAX: usize = 20;
    /// WeChat: at most 20 tags per user (WX-TAG).
    pub const TAGS_MAX: usize = 20;
    pub const NOTE_MAX_CHARS: usize = 2000;
    pub const URL_MAX_BYTES: usize = 1024;

    // What a subscriber's message or event may carry, field by field: the
    // platforms' own limits where they publish one (PLATFORM-RULES), else
    // Wicket's. A menu tap's key and label follow the account's platform
    // (`platform::MenuRules`: WeChat's key ≤ 128 bytes, labels ≤ 60 bytes).

    /// A parameter QR code's scene: WeChat's `scene_str` has 1–64 characters.
    pub const SCENE_MAX_CHARS: usize = 64;
    /// A keyword a module or the search box sends goes in as a text would.
    pub const KEYWORD_MAX_BYTES: usize = TEXT_MAX_BYTES;
    /// The label of a place a subscriber sends (WeChat's `Label`, an
    /// address): no published limit; Wicket's own.
    pub const LOCATION_LABEL_MAX_CHARS: usize = 256;
    /// The platform's id for the subscriber: a WeChat OpenID has 28
    /// characters, an Alipay user id 16 digits; Wicket allows room.
    pub const PLATFORM_USER_ID_MAX_BYTES: usize = 128;
    /// The name the platform gives for the subscriber.
    pub const DISPLAY_NAME_MAX_CHARS: usize = 64;
    /// The platform's id for a message: WeChat's `MsgId` is a 64-bit
    /// number, its `clientmsgid` ≤ 64 bytes.
    pub const PLATFORM_MSG_ID_MAX_BYTES: usize = 64;
    /// `sandbox`, `alipay` or `wechat`.
    pub const PLATFORM_NAME_MAX_BYTES: usize = 16;
}
