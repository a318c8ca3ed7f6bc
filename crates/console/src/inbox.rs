//! The conversation view: what staff read comes from the cache, what they
//! write goes through the outbox like every other change.

use wicket_model::conversation::{ConversationStatus, MessageBody};
use wicket_model::inbox::{
    ConversationListItem, ConversationPage, InboxFilter, InboxScope, MessageCursor, MessagePage, MessageState,
    SearchHit, ThreadInfo, ThreadMessage,
};
use wicket_model::sync::{Connection, PresenceSnapshot};
use wicket_model::{ErrorCode, Mutation, WicketError};

use crate::{blocking, now_ms, Console};

/// The most messages one page of a thread may ask for.
const PAGE_MAX: u32 = 200;
/// The longest page of the conversation list.
const LIST_MAX: u32 = 100_000;
/// The most unread conversations of each kind the alerts look at.
const ATTENTION_MAX: usize = 1_000;
/// The most hits a search returns; the inbox shows the newest.
const SEARCH_LIMIT: usize = 50;

impl Console {
    pub async fn conversations(&self, filter: InboxFilter) -> Result<Vec<ConversationListItem>, WicketError> {
        let cache = self.cache().await?;
        let me = self.staff_id().await;
        blocking(&cache, move |c| c.conversations(&filter, &me)).await
    }

    /// The first `limit` conversations of the list; the inbox asks for a
    /// longer page as staff scroll down it.
    pub async fn conversation_page(&self, filter: InboxFilter, limit: u32) -> Result<ConversationPage, WicketError> {
        let cache = self.cache().await?;
        let me = self.staff_id().await;
        let limit = limit.clamp(1, LIST_MAX) as usize;
        blocking(&cache, move |c| c.conversation_page(&filter, &me, limit)).await
    }

    /// What concerns the signed-in staff member now: their conversations
    /// and unassigned ones with unread messages (for the window title and
    /// desktop notifications), without reading the whole inbox.
    pub async fn attention(&self) -> Result<Vec<ConversationListItem>, WicketError> {
        let cache = self.cache().await?;
        let me = self.staff_id().await;
        blocking(&cache, move |c| {
            let mut items = Vec::new();
            for scope in [InboxScope::Mine, InboxScope::Unassigned] {
                let filter = InboxFilter { account_id: None, scope, status: None, label: None, unread_only: true };
                items.extend(c.conversation_page(&filter, &me, ATTENTION_MAX)?.items);
            }
            Ok(items)
        })
        .await
    }

    /// One page of a thread, oldest first; waiting replies show as
    /// "sending" while the console is online and "queued" while it is not.
    pub async fn conversation_messages(
        &self,
        conversation_id: String,
        before: Option<MessageCursor>,
        limit: u32,
    ) -> Result<MessagePage, WicketError> {
        let cache = self.cache().await?;
        let limit = limit.clamp(1, PAGE_MAX) as usize;
        let mut page = blocking(&cache, move |c| c.messages(&conversation_id, before.as_ref(), limit)).await?;
        if self.sync_status().await.connection == Connection::Online {
            for message in &mut page.messages {
                if message.state == Some(MessageState::Queued) {
                    message.state = Some(MessageState::Sending);
                }
            }
        }
        Ok(page)
    }

    pub async fn thread_info(&self, conversation_id: String) -> Result<ThreadInfo, WicketError> {
        let cache = self.cache().await?;
        let id = conversation_id.clone();
        blocking(&cache, move |c| c.thread(&id, now_ms()))
            .await?
            .ok_or_else(|| WicketError::not_found(format!("conversation {conversation_id}")))
    }

    /// Sends a reply (or keeps a private note). `client_id` is made by the
    /// composer once per message: sending it again — a second Enter, a
    /// retry after a crash — stores one message.
    pub async fn send_reply(
        &self,
        conversation_id: String,
        text: String,
        note: bool,
        client_id: String,
    ) -> Result<ThreadMessage, WicketError> {
        let body = MessageBody::Text { text };
        let change =
            Mutation::SendMessage { id: client_id.clone(), conversation_id: conversation_id.clone(), body, note };
        self.write(change).await?;
        let page = self.conversation_messages(conversation_id, None, PAGE_MAX).await?;
        page.messages
            .into_iter()
            .rev()
            .find(|m| m.message.id == client_id)
            .ok_or_else(|| WicketError::new(ErrorCode::Internal, "the reply did not appear in the thread"))
    }

    /// Sends a failed reply again: it goes back to the end of the outbox.
    pub async fn retry_message(&self, message_id: String) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        let id = message_id.clone();
        let requeued = blocking(&cache, move |c| c.retry_rejected_message(&id, now_ms())).await?;
        if !requeued {
            return Err(WicketError::not_found(format!("failed message {message_id}")));
        }
        self.refresh().await
    }

    pub async fn set_conversation_status(
        &self,
        ids: Vec<String>,
        status: ConversationStatus,
    ) -> Result<(), WicketError> {
        for id in ids {
            self.write(Mutation::SetConversationStatus { id, status }).await?;
        }
        Ok(())
    }

    pub async fn assign_conversations(&self, ids: Vec<String>, assignee: Option<String>) -> Result<(), WicketError> {
        for id in ids {
            self.write(Mutation::AssignConversation { id, assignee: assignee.clone() }).await?;
        }
        Ok(())
    }

    /// Adds and removes labels: set operations on whatever labels the
    /// conversation has when the change reaches the server, so a colleague's
    /// labels (or ones written offline elsewhere) stay.
    pub async fn edit_conversation_labels(
        &self,
        id: String,
        add: Vec<String>,
        remove: Vec<String>,
    ) -> Result<(), WicketError> {
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        self.write(Mutation::EditConversationLabels { id, add, remove }).await
    }

    pub async fn load_draft(&self, conversation_id: String) -> Result<String, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.draft(&conversation_id)).await
    }

    /// Keeps what staff typed, on every keystroke: it survives a restart.
    pub async fn save_draft(&self, conversation_id: String, text: String) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.save_draft(&conversation_id, &text, now_ms())).await
    }

    pub async fn mark_read(&self, conversation_id: String) -> Result<(), WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.mark_read(&conversation_id, now_ms())).await?;
        self.refresh().await
    }

    pub async fn search_messages(&self, query: String) -> Result<Vec<SearchHit>, WicketError> {
        let cache = self.cache().await?;
        blocking(&cache, move |c| c.search(&query, SEARCH_LIMIT)).await
    }

    /// Tells colleagues which conversation is open here (`None`: none) and
    /// whether a reply is being typed. Presence is online-only.
    pub async fn set_presence(&self, conversation_id: Option<String>, typing: bool) {
        if let Some(ws) = &*self.workspace.lock().await {
            ws.engine.set_presence(conversation_id, typing);
        }
    }

    /// Who views or types where; unknown while the live feed is down.
    pub async fn presence(&self) -> PresenceSnapshot {
        match &*self.workspace.lock().await {
            Some(ws) => ws.engine.presence(),
            None => PresenceSnapshot { live: false, entries: Vec::new() },
        }
    }
}
