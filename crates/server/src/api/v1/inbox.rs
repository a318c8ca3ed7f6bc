//! The conversation view for staff: conversations, messages, subscribers,
//! and sending a reply by its client id.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wicket_model::conversation::{Conversation, ConversationStatus, Message, MessageBody, Subscriber};
use wicket_model::mutation;
use wicket_model::world::Actor;
use wicket_model::{Mutation, Permission, WicketError};

use super::{ApiJson, ApiQuery};
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound, Null, TooLarge, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::storage::{ConversationFilter, MessagePage};
use crate::{AppState, LiveEvent};

const MAX_PAGE: u32 = 200;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// Only this account's conversations.
    account_id: Option<String>,
    /// Only conversations in this state.
    status: Option<ConversationStatus>,
    /// Only conversations assigned to this staff member; `me` for the caller.
    assignee: Option<String>,
    /// Only conversations with this label.
    label: Option<String>,
    /// Only conversations last active before this time (ms since the epoch), for the next page.
    before: Option<i64>,
    /// The most conversations to return, 1 to 200 (default 50).
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct Conversations {
    conversations: Vec<Conversation>,
    /// For each conversation in the same order: the subscriber's messages
    /// the caller has not read yet (see `POST …/read`).
    unread: Vec<u32>,
}

/// The inbox: conversations, most recently active first.
#[utoipa::path(
    get,
    path = "/conversations",
    tag = "inbox",
    security(("bearer" = [])),
    params(ConversationQuery),
    responses(
        (status = 200, description = "One page of conversations.", body = Conversations),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    ),
)]
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
    let conversations = state.storage.conversations(filter).await?;
    let ids = conversations.iter().map(|c| c.id.clone()).collect();
    let unread = state.storage.unread_counts(&staff.user.id, ids).await?;
    Ok(Json(Conversations { conversations, unread }))
}

/// Marks a conversation as read by the caller, up to now.
#[utoipa::path(
    post,
    path = "/conversations/{conversation}/read",
    tag = "inbox",
    security(("bearer" = [])),
    params(("conversation" = String, Path, description = "The conversation's id.")),
    responses(
        (status = 200, description = "Read up to now, for this staff member only. The body is `null`.", body = Null),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn mark_read(
    State(state): State<AppState>,
    staff: Staff,
    Path(conversation): Path<String>,
) -> Result<Json<()>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    state
        .storage
        .conversation(&conversation)
        .await?
        .ok_or_else(|| ApiError(WicketError::not_found(format!("conversation {conversation}"))))?;
    state.storage.mark_read(&staff.user.id, &conversation, state.clock.now()).await?;
    Ok(Json(()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// Keyset: messages older than (before_at, before_id), newest page first.
    before_at: Option<i64>,
    /// With `before_at`: the id of the oldest message already shown.
    before_id: Option<String>,
    /// The most messages to return, 1 to 200 (default 50).
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct Messages {
    messages: Vec<Message>,
}

/// A conversation's messages and notes, newest page first.
#[utoipa::path(
    get,
    path = "/conversations/{conversation}/messages",
    tag = "inbox",
    security(("bearer" = [])),
    params(("conversation" = String, Path, description = "The conversation's id."), MessageQuery),
    responses(
        (status = 200, description = "One page of messages, notes included.", body = Messages),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    ),
)]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SendMessage)]
pub struct Send {
    /// Made by the sender: the same id twice stores one message.
    client_msg_id: String,
    body: MessageBody,
    /// A private note between staff instead of a reply.
    #[serde(default)]
    note: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Sent {
    message: Message,
}

/// Sends a reply (or adds a note) now, through the same rules as a pushed
/// change.
#[utoipa::path(
    post,
    path = "/conversations/{conversation}/messages",
    tag = "inbox",
    security(("bearer" = [])),
    params(("conversation" = String, Path, description = "The conversation's id.")),
    request_body = Send,
    responses(
        (status = 200, description = "The message as stored (the same one again for a repeated `client_msg_id`).", body = Sent),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubscriberQuery {
    /// The account whose subscribers to list.
    account_id: String,
    /// Only subscribers whose name, tags or note contain this text.
    search: Option<String>,
    /// The most subscribers to return, 1 to 200 (default 50).
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct Subscribers {
    subscribers: Vec<Subscriber>,
}

/// An account's subscribers.
#[utoipa::path(
    get,
    path = "/subscribers",
    tag = "inbox",
    security(("bearer" = [])),
    params(SubscriberQuery),
    responses(
        (status = 200, description = "Matching subscribers.", body = Subscribers),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    ),
)]
pub async fn subscribers(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<SubscriberQuery>,
) -> Result<Json<Subscribers>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    Ok(Json(Subscribers { subscribers: state.storage.subscribers(&query.account_id, query.search, limit).await? }))
}

/// One subscriber.
#[utoipa::path(
    get,
    path = "/subscribers/{subscriber}",
    tag = "inbox",
    security(("bearer" = [])),
    params(("subscriber" = String, Path, description = "The subscriber's id.")),
    responses(
        (status = 200, description = "The subscriber.", body = Subscriber),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn subscriber(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Subscriber>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let found = state.storage.subscriber(&id).await?;
    found.map(Json).ok_or_else(|| ApiError(WicketError::not_found(format!("subscriber {id}"))))
}
