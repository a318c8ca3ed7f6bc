//! The inbox as the console shows it: the cached conversations and messages
//! with the staff member's own waiting changes on top. These types cross to
//! the UI; the cache fills them, the console adds what only it knows (whether
//! the sync engine is online, so a waiting reply is "sending" or "queued").

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::account::Account;
use crate::conversation::{Conversation, ConversationStatus, Message, Subscriber};
use crate::platform::PlatformProfile;
use crate::reply_window::ReplyWindow;
use crate::Millis;

/// Whose conversations the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum InboxScope {
    /// Assigned to the signed-in staff member.
    Mine,
    /// Assigned to nobody.
    Unassigned,
    All,
}

/// What the conversation list shows; a saved view is one of these with a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct InboxFilter {
    /// One account, or every account of the workspace.
    pub account_id: Option<String>,
    pub scope: InboxScope,
    pub status: Option<ConversationStatus>,
    pub label: Option<String>,
    /// Only conversations with messages this staff member has not read.
    #[serde(default)]
    pub unread_only: bool,
}

/// The first conversations of a list, newest activity first; `more` says
/// the list goes on (the console asks for a longer page as staff scroll).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ConversationPage {
    pub items: Vec<ConversationListItem>,
    pub more: bool,
}

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ConversationListItem {
    pub conversation: Conversation,
    pub subscriber_name: String,
    pub account_name: String,
    pub platform: PlatformProfile,
    /// Inbound messages newer than what this staff member last read here.
    pub unread: u32,
    /// A change of this staff member's to it is still waiting to sync.
    pub waiting: bool,
}

/// What the subscriber list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct SubscriberFilter {
    /// One account, or every account of the workspace.
    pub account_id: Option<String>,
    /// Found in the name, a tag or the private note, case aside; empty: everyone.
    pub text: String,
    /// Only those following the account now.
    pub following_only: bool,
}

impl SubscriberFilter {
    /// Whether `subscriber` is one the list shows: the one rule, for the
    /// cache's query and anything that checks a row again.
    pub fn selects(&self, subscriber: &Subscriber) -> bool {
        let text = self.text.trim().to_lowercase();
        let found = text.is_empty()
            || subscriber.display_name.to_lowercase().contains(&text)
            || subscriber.note.to_lowercase().contains(&text)
            || subscriber.tags.iter().any(|tag| tag.to_lowercase().contains(&text));
        found
            && (!self.following_only || subscriber.following)
            && self.account_id.as_ref().is_none_or(|id| *id == subscriber.account_id)
    }
}

/// One row of the subscriber list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SubscriberListItem {
    pub subscriber: Subscriber,
    pub account_name: String,
    pub platform: PlatformProfile,
    /// Their most recent conversation, to open from the list.
    pub conversation_id: Option<String>,
    pub last_activity_at: Option<Millis>,
}

/// The first subscribers of a list, most recently followed first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SubscriberPage {
    pub items: Vec<SubscriberListItem>,
    pub more: bool,
}

/// Where a message is on its way to the subscriber, as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Kept in the outbox; the console is offline.
    Queued,
    /// Kept in the outbox; the console is online and sending it.
    Sending,
    Sent,
    Delivered,
    Read,
    /// Refused (by the server, or the reply window closed): see `failure`.
    Failed,
}

/// A message in a thread, with its delivery state when it is outbound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ThreadMessage {
    pub message: Message,
    /// Outbound messages only; notes and inbound messages have none.
    pub state: Option<MessageState>,
    /// Why it failed, as an i18n key or the server's message.
    pub failure: Option<String>,
}

/// A position in a thread, for keyset paging towards older messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct MessageCursor {
    pub created_at: Millis,
    pub id: String,
}

/// One page of a thread, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MessagePage {
    pub messages: Vec<ThreadMessage>,
    /// Where the next older page starts; `None` at the start of the thread.
    pub older: Option<MessageCursor>,
}

/// A run of text in a search snippet; `hit` runs are what matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// What a search found: a message, or a subscriber by name or note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SearchHit {
    pub conversation_id: String,
    /// The message to jump to; `None` when the subscriber matched.
    pub message_id: Option<String>,
    pub subscriber_name: String,
    pub snippet: Vec<SnippetPart>,
    pub created_at: Millis,
}

/// Everything the thread's header and the subscriber sidebar show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ThreadInfo {
    pub conversation: Conversation,
    pub subscriber: Subscriber,
    pub account: Account,
    /// The reply window as of now, from the cache, corrected for the
    /// server's clock.
    pub window: ReplyWindow,
    /// The subscriber's other conversations, newest first.
    pub earlier: Vec<Conversation>,
    /// Notes written here that the server refused because a colleague
    /// changed the note first, oldest first. Each keeps the text typed here
    /// until staff keep it or let it go; the colleague's is `subscriber.note`.
    pub note_conflicts: Vec<NoteConflict>,
}

/// A note of this console's refused because the note had changed since the
/// edit began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct NoteConflict {
    /// The refused change, to keep or dismiss.
    pub id: i64,
    /// What was typed here.
    pub mine: String,
    /// The note as it was when the edit began.
    pub base: String,
    pub created_at: Millis,
}
