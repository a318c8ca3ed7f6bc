//! The conversation view for staff: conversations, messages, subscribers,
//! and sending a reply by its client id.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use wicket_model::conversation::{Conversation, ConversationStatus, Message, MessageBody, Subscriber};
use wicket_model::mutation::{self, Actor};
use wicket_model::{Mutation, Permission, WicketError};

use super::{ApiJson, ApiQuery};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::storage::{ConversationFilter, MessagePage};
use crate::{AppState, LiveEvent};

const MAX_PAGE: u32 = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    account_id: Option<String>,
    status: Option<ConversationStatus>,
    assignee: Option<String>,
    label: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

#[derive(Serialize)]
pub struct Conversations {
    conversations: Vec<Conversation>,
}

pub async fn conversations(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> Result<Json<Conversations>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let assignee = match query.assignee.as_deref() {
        Some("me") => Some(staff.user.id.clone()),
        other => other.map(str::to_owned),
    };
    let filter = ConversationFilter {
        account_id: query.account_id,
        status: query.status,
        assignee,
        label: query.label,
        before: query.before,
        limit: query.limit.unwrap_or(50).clamp(1, MAX_PAGE),
    };
    Ok(Json(Conversations { conversations: state.storage.conversations(filter).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// Keyset: messages older than (before_at, before_id), newest page first.
    before_at: Option<i64>,
    before_id: Option<String>,
    limit: Option<u32>,
}

#[derive(Serialize)]
pub struct Messages {
    messages: Vec<Message>,
}

pub async fn messages(
    State(state): State<AppState>,
    staff: Staff,
    Path(conversation): Path<String>,
    ApiQuery(query): ApiQuery<MessageQuery>,
) -> Result<Json<Messages>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    if state.storage.conversation(&conversation).await?.is_none() {
        return Err(ApiError(WicketError::not_found(format!("conversation {conversation}"))));
    }
    let page = MessagePage {
        before: query.before_at.map(|at| (at, query.before_id.unwrap_or_else(|| "\u{10ffff}".into()))),
        after: None,
        limit: query.limit.unwrap_or(50).clamp(1, MAX_PAGE),
        include_notes: true,
    };
    Ok(Json(Messages { messages: state.storage.messages(&conversation, page).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    /// Made by the sender: the same id twice stores one message.
    client_msg_id: String,
    body: MessageBody,
    #[serde(default)]
    note: bool,
}

#[derive(Serialize)]
pub struct Sent {
    message: Message,
}

/// Sends a reply (or adds a note) now, through the same rules as a pushed
/// change.
pub async fn send(
    State(state): State<AppState>,
    staff: Staff,
    Path(conversation): Path<String>,
    ApiJson(body): ApiJson<Send>,
) -> Result<Json<Sent>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let id = body.client_msg_id.clone();
    let change = Mutation::SendMessage {
        id: id.clone(),
        conversation_id: conversation.clone(),
        body: body.body,
        note: body.note,
    };
    let actor = Actor { staff_id: staff.user.id.clone(), now: state.clock.now() };
    let decide = Box::new(move |world: &dyn wicket_model::World| mutation::apply(world, &change, &actor));
    let recorded = state.storage.record(decide, state.clock.now()).await?.map_err(ApiError)?;
    if !recorded.changes.is_empty() {
        state.announce(LiveEvent::Changes { seq: recorded.last_seq, conversations: vec![conversation.clone()] });
    }
    let message =
        state.storage.message(&id).await?.ok_or_else(|| ApiError(WicketError::not_found(format!("message {id}"))))?;
    Ok(Json(Sent { message }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberQuery {
    account_id: String,
    search: Option<String>,
    limit: Option<u32>,
}

#[derive(Serialize)]
pub struct Subscribers {
    subscribers: Vec<Subscriber>,
}

pub async fn subscribers(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<SubscriberQuery>,
) -> Result<Json<Subscribers>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    Ok(Json(Subscribers { subscribers: state.storage.subscribers(&query.account_id, query.search, limit).await? }))
}

pub async fn subscriber(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Subscriber>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let found = state.storage.subscriber(&id).await?;
    found.map(Json).ok_or_else(|| ApiError(WicketError::not_found(format!("subscriber {id}"))))
}
