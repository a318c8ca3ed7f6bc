//! The rules of the conversation view: what a reply or a note may carry, and
//! that a reply goes only while the platform's window is open.

use crate::change::Change;
use crate::conversation::{limits, Conversation, Delivery, Direction, Message, MessageBody};
use crate::error::{ErrorCode, Issue, WicketError};
use crate::mutation::{Actor, World};
use crate::reply_window::{reply_window, ReplyPolicy};

/// A reply or a note written by staff.
pub(crate) fn send<W: World + ?Sized>(
    world: &W,
    id: &str,
    conversation_id: &str,
    body: &MessageBody,
    note: bool,
    actor: &Actor,
) -> Result<Vec<Change>, WicketError> {
    if let Some(existing) = world.message(id) {
        // The same message sent twice (a retry) is stored once.
        return if existing.conversation_id == conversation_id && existing.body == *body {
            Ok(Vec::new())
        } else {
            Err(WicketError::new(
                ErrorCode::Conflict,
                format!("message {id} already exists"),
            ))
        };
    }
    if id.is_empty() || id.len() > 64 {
        return Err(WicketError::invalid(vec![Issue::new(
            "id",
            "message.id.invalid",
        )]));
    }
    check_body(body)?;
    let conversation = world
        .conversation(conversation_id)
        .ok_or_else(|| WicketError::not_found(format!("conversation {conversation_id}")))?;
    if !note {
        let account = world.account(&conversation.account_id).ok_or_else(|| {
            WicketError::not_found(format!("account {}", conversation.account_id))
        })?;
        let policy = ReplyPolicy::for_profile(account.platform);
        let window = reply_window(
            &policy,
            &world.reply_ledger(conversation_id, actor.now),
            actor.now,
        );
        if !window.open {
            let reason = window
                .closed_reason
                .unwrap_or_else(|| "reply_window.expired".into());
            let mut error = WicketError::new(
                ErrorCode::Invalid,
                format!("the reply window is closed ({reason})"),
            );
            error.issues.push(Issue::new("body", reason));
            return Err(error);
        }
    }
    let message = Message {
        id: id.to_owned(),
        conversation_id: conversation_id.to_owned(),
        direction: if note {
            Direction::Note
        } else {
            Direction::Outbound
        },
        author: Some(actor.staff_id.clone()),
        body: body.clone(),
        client_msg_id: Some(id.to_owned()),
        platform_msg_id: None,
        delivery: if note { None } else { Some(Delivery::Sent) },
        created_at: actor.now,
    };
    let touched = Conversation {
        last_activity_at: actor.now.max(conversation.last_activity_at),
        preview: if note {
            conversation.preview.clone()
        } else {
            body.preview()
        },
        updated_at: actor.now,
        ..conversation
    };
    Ok(vec![
        Change::Message(message),
        Change::Conversation(touched),
    ])
}

/// What staff may send: text within the platform's size, https links.
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
        MessageBody::Image { url } => check_url("body.url", url, &mut issues),
        MessageBody::Article {
            title,
            url,
            image_url,
            ..
        } => {
            if title.trim().is_empty() {
                issues.push(Issue::new("body.title", "message.article.title_required"));
            }
            check_url("body.url", url, &mut issues);
            check_url("body.image_url", image_url, &mut issues);
        }
        MessageBody::Location {
            latitude,
            longitude,
            ..
        } => {
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
            return Err(WicketError::invalid(vec![Issue::new(
                path,
                "conversation.label.too_long",
            )
            .with("max", limits::LABEL_MAX_CHARS)]));
        }
        clean.push(label.to_owned());
    }
    let max = if path == "tags" {
        limits::TAGS_MAX
    } else {
        limits::LABELS_MAX
    };
    if clean.len() > max {
        return Err(WicketError::invalid(vec![Issue::new(
            path,
            "conversation.labels.too_many",
        )
        .with("max", max)]));
    }
    Ok(clean)
}

pub fn check_note(note: &str) -> Result<(), WicketError> {
    let length = note.chars().count();
    if length > limits::NOTE_MAX_CHARS {
        return Err(WicketError::invalid(vec![Issue::new(
            "note",
            "subscriber.note.too_long",
        )
        .with("max", limits::NOTE_MAX_CHARS)
        .with("actual", length)]));
    }
    Ok(())
}
