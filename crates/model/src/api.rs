//! The server's HTTP answers and requests that are not already domain types:
//! one definition each, for the server that writes them, the sync client
//! and the subscriber web app that read them (its TypeScript is generated
//! from these), and the OpenAPI document (the schema names are the ones the
//! document has always used).
//!
//! The console API's other bodies are domain types of their own modules
//! (`sync`, `layout`, `wechat`, …).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::PlatformProfile;
use crate::alipay::AlipayPartPublish;
use crate::conversation::Message;
use crate::error::{ErrorCode, Issue};
use crate::layout::{Layout, LayoutDraft, SampleSubscriber};
use crate::wechat::WechatMenuPublish;

// ---- The sandbox platform's subscriber web app (`/s/api/{account}/…`) ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxAccount {
    pub id: String,
    pub name: String,
    pub avatar_color: String,
    pub platform: PlatformProfile,
    pub description: String,
}

/// The browser's subscriber; `id` is empty until they first follow or write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxSubscriber {
    pub id: String,
    pub display_name: String,
    pub following: bool,
}

/// What the subscriber web app shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxView {
    pub account: SandboxAccount,
    /// The live layout; none before the first publish.
    pub layout: Option<Layout>,
    /// The live layout's version.
    pub version: Option<i64>,
    pub subscriber: SandboxSubscriber,
    pub sample: SampleSubscriber,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxFollowing {
    pub following: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxMessages {
    /// The conversation's messages in the order they were stored (at most 500; notes left out).
    pub messages: Vec<Message>,
    /// Where the next fetch starts.
    pub cursor: i64,
}

/// What a subscriber may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SandboxSendBody {
    Text {
        text: String,
    },
    /// A PNG, JPEG, GIF or WebP image of at most 2 MiB, as a `data:image/…;base64,…` URL.
    Image {
        data_url: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxSend {
    /// Made by the web app: the same id twice stores one message.
    pub client_msg_id: String,
    pub body: SandboxSendBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SandboxSent {
    pub message: Message,
}

// ---- Layouts (`/api/v1/accounts/{account}/layout/…`) ----

/// The server's draft of an account's layout, with its revision and what
/// publishing it would refuse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct DraftView {
    #[serde(flatten)]
    pub draft: LayoutDraft,
    /// What publishing would refuse, so the designer can show it at once.
    pub issues: Vec<Issue>,
}

/// A stale save or publish: the error, with the draft as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct DraftConflict {
    /// Always `conflict`.
    pub code: ErrorCode,
    pub message: String,
    /// The current draft, to merge with and save again.
    pub current: DraftView,
}

/// A save or publish that named a revision: done, or refused because the
/// draft moved on since (with the draft as it is now).
#[derive(Debug, Clone, PartialEq)]
pub enum DraftWrite<T> {
    Done(T),
    Stale(LayoutDraft),
}

/// The version subscribers now see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Published {
    pub version: i64,
    /// What WeChat made of its menu, on an account connected to WeChat.
    pub wechat: Option<WechatMenuPublish>,
    /// What Alipay made of each part of the home page, on an account
    /// connected to Alipay (a part the layout and the account both lack is absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alipay: Option<Vec<AlipayPartPublish>>,
}

// ---- Media (`/api/v1/media`) ----

/// An image the server now has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct UploadedMedia {
    /// The hex SHA-256 of the image's bytes.
    pub id: String,
    /// Where it is served (`/s/media/{id}`): the `url` of an image message.
    pub url: String,
}

#[cfg(test)]
mod tests {
    //! Each answer against a sample recorded from the server: a renamed or
    //! retyped field fails here before it reaches a client.

    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    use super::*;

    /// Reads the sample as `T` and writes it back unchanged.
    fn round_trip<T: Serialize + DeserializeOwned>(sample: Value) -> T {
        let read: T = serde_json::from_value(sample.clone()).expect("the sample reads");
        assert_eq!(serde_json::to_value(&read).expect("it writes"), sample, "it writes back as the sample");
        read
    }

    fn empty_layout() -> Value {
        json!({
            "schema_version": 1,
            "modules": [],
            "pages": [],
            "menu": { "items": [] }
        })
    }

    fn message() -> Value {
        json!({
            "id": "m1",
            "conversation_id": "c1",
            "direction": "inbound",
            "author": null,
            "body": { "type": "text", "text": "你好" },
            "client_msg_id": null,
            "platform_msg_id": "sandbox:3f0c",
            "delivery": null,
            "created_at": 1_764_000_000_000_i64
        })
    }

    #[test]
    fn the_sandbox_view_reads_and_writes_as_recorded() {
        let view: SandboxView = round_trip(json!({
            "account": {
                "id": "a1",
                "name": "Tea House",
                "avatar_color": "#1677ff",
                "platform": "alipay",
                "description": "Fresh tea"
            },
            "layout": empty_layout(),
            "version": 3,
            "subscriber": { "id": "", "display_name": "访客 3F0C", "following": false },
            "sample": {
                "name": "访客 3F0C",
                "id": "sandbox-3f0c",
                "level": "",
                "card_last4": "",
                "card_masked_number": "",
                "statement_month": "",
                "statement_amount": "",
                "statement_min_payment": "",
                "statement_due_date": "",
                "points_balance": "",
                "coupons_count": "",
                "flight_number": "",
                "flight_date": "",
                "order_latest_status": ""
            }
        }));
        assert_eq!(view.account.platform, PlatformProfile::Alipay);
        assert_eq!(view.version, Some(3));
    }

    #[test]
    fn the_sandbox_answers_and_requests_read_and_write_as_recorded() {
        round_trip::<SandboxFollowing>(json!({ "following": true }));
        let page: SandboxMessages = round_trip(json!({ "messages": [message()], "cursor": 42 }));
        assert_eq!(page.cursor, 42);
        round_trip::<SandboxSent>(json!({ "message": message() }));
        let send: SandboxSend = round_trip(json!({
            "client_msg_id": "5d6c",
            "body": { "type": "image", "data_url": "data:image/png;base64,iVBORw0KGgo=" }
        }));
        assert!(matches!(send.body, SandboxSendBody::Image { .. }));
        round_trip::<SandboxSendBody>(json!({ "type": "text", "text": "hi" }));
        let extra = json!({ "client_msg_id": "x", "body": { "type": "text", "text": "hi" }, "more": 1 });
        assert!(serde_json::from_value::<SandboxSend>(extra).is_err(), "a send with an unknown field is refused");
    }

    #[test]
    fn the_layout_and_media_answers_read_and_write_as_recorded() {
        let draft = json!({
            "revision": 7,
            "layout": empty_layout(),
            "updated_by": "Li",
            "updated_at": 1_764_000_000_000_i64,
            "issues": [{ "path": "menu", "key": "layout.menu.empty", "params": [["max", "3"]] }]
        });
        let view: DraftView = round_trip(draft.clone());
        assert_eq!(view.draft.revision, 7, "the draft's fields sit beside `issues`");
        let conflict: DraftConflict = round_trip(json!({
            "code": "conflict",
            "message": "someone saved this layout meanwhile",
            "current": draft
        }));
        assert_eq!(conflict.code, ErrorCode::Conflict);
        round_trip::<UploadedMedia>(json!({ "id": "ab12", "url": "/s/media/ab12" }));
        let published: Published = round_trip(json!({
            "version": 4,
            "wechat": {
                "version": 4,
                "state": "refused",
                "at": 1_764_000_000_000_i64,
                "errcode": 40016,
                "reason": "wechat.menu.too_many_buttons",
                "message": "invalid button size"
            },
            "alipay": [{
                "part": "menu",
                "version": 4,
                "state": "published",
                "at": 1_764_000_000_000_i64,
                "code": null,
                "reason": null,
                "message": null
            }]
        }));
        assert_eq!(published.version, 4);
        let plain: Published = round_trip(json!({ "version": 5, "wechat": null }));
        assert_eq!(plain.alipay, None, "an account without Alipay has no `alipay` at all");
    }
}
