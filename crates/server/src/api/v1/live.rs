//! The live feed for signed-in staff: a WebSocket that says "there is more"
//! (the feed's newest position) and relays presence — who is viewing or
//! typing in which conversation.

use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use governor::{Quota, RateLimiter};
use tokio::sync::broadcast::error::RecvError;
pub(crate) use wicket_model::sync::FromConsole;
use wicket_model::ChangeKind;

use crate::api::openapi::Unauthorized;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::{AppState, LiveEvent, PresenceState};

/// The staff live feed, a WebSocket.
///
/// A GET that upgrades to a WebSocket (`101 Switching Protocols`). Every
/// message is a JSON text frame.
///
/// The server says `LiveEvent`s: first `{"type": "changes", "seq": N,
/// "conversations": []}` with the feed's newest position, then a `changes`
/// event whenever the feed moves (pull `/api/v1/changes` to catch up; the
/// listed conversations changed) and a `presence` event whenever a staff
/// member views, types in or leaves a conversation. A console that falls
/// behind gets a `changes` event with the newest position.
///
/// What a socket carries follows the staff member's role: a role that does
/// not answer subscribers (a designer) hears `changes` events without their
/// conversations and no `presence`. When the role changes while the socket
/// is open, the server says `{"type": "role", "role": …}` (within about a
/// second) and relays by the new role from then on; the console pulls, and
/// the pull's `scope` says what its cache now holds.
///
/// The console may say `FromConsole`: `{"type": "presence",
/// "conversation_id": …, "state": "viewing" | "typing" | "left"}`, which the
/// server relays to every staff socket whose role sees conversations (a
/// role that does not is in none, and its presence is ignored). Anything
/// else is ignored, as are presence updates beyond a few a second or with a
/// malformed conversation id.
/// A message or frame over 4 KiB closes the socket (code 1009), and so does
/// the session ending — signed out, expired, or the password changed (code
/// 1008, within about a second).
#[utoipa::path(
    get,
    path = "/live",
    tag = "live",
    security(("bearer" = [])),
    params(
        ("Connection" = String, Header, description = "`Upgrade`"),
        ("Upgrade" = String, Header, description = "`websocket`"),
        ("Sec-WebSocket-Version" = String, Header, description = "`13`"),
        ("Sec-WebSocket-Key" = String, Header, description = "The WebSocket handshake key."),
    ),
    responses(
        (status = 101, description = "Switched to the WebSocket protocol: the server sends `LiveEvent` JSON frames, the console may send `FromConsole` JSON frames."),
        (status = 400, description = "Not a WebSocket handshake (a plain-text answer).", body = String, content_type = "text/plain"),
        (status = 401, response = Unauthorized),
        (status = 426, description = "The connection cannot be upgraded (a plain-text answer).", body = String, content_type = "text/plain"),
    ),
)]
pub async fn live(
    State(state): State<AppState>,
    staff: Staff,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let seq = state.storage.last_seq().await?;
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(socket, state, staff, seq)))
}

/// The largest message (and frame) a console may send: a presence update
/// is under 200 bytes.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024;
/// How often a socket checks that its session still stands.
const SESSION_CHECK: Duration = Duration::from_secs(1);
/// Presence updates per socket: a burst of 20, then five a second.
const PRESENCE_PER_SECOND: u32 = 5;
const PRESENCE_BURST: u32 = 20;

/// A conversation id as the server makes them: 1 to 64 letters, digits,
/// `-`, `_`, `.` or `:`.
fn valid_conversation_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

async fn serve(socket: WebSocket, state: AppState, staff: Staff, seq: i64) {
    let mut here: Option<String> = None;
    relay(socket, &state, &staff, seq, &mut here).await;
    // However the socket ended, colleagues stop seeing this staff member
    // where they last were.
    leave(&state, &staff, &mut here);
}

/// Tells colleagues this staff member left the conversation they were in.
fn leave(state: &AppState, staff: &Staff, here: &mut Option<String>) {
    if let Some(conversation_id) = here.take() {
        state.announce(LiveEvent::Presence {
            staff_id: staff.user.id.clone(),
            display_name: staff.user.display_name.clone(),
            conversation_id,
            state: PresenceState::Left,
        });
    }
}

async fn relay(mut socket: WebSocket, state: &AppState, staff: &Staff, seq: i64, here: &mut Option<String>) {
    let mut events = state.live.subscribe();
    // What this socket relays follows the staff member's role as it is now,
    // read again with every session check.
    let mut role = staff.user.role;
    let hello = LiveEvent::Changes { seq, conversations: Vec::new() };
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    let presence_quota = Quota::per_second(NonZeroU32::new(PRESENCE_PER_SECOND).unwrap_or(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(PRESENCE_BURST).unwrap_or(NonZeroU32::MIN));
    let presence_limit = RateLimiter::direct(presence_quota);
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    session_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    let Some(event) = event.for_role(role) else { continue };
                    if send(&mut socket, &event).await.is_err() {
                        return;
                    }
                }
                // Fell behind: tell the console to pull; the feed has it all.
                Err(RecvError::Lagged(_)) => {
                    let Ok(seq) = state.storage.last_seq().await else { return };
                    if send(&mut socket, &LiveEvent::Changes { seq, conversations: Vec::new() }).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(FromConsole::Presence { conversation_id, state: presence }) = serde_json::from_str(&text) else {
                        continue;
                    };
                    // Only a role that sees conversations is in one.
                    let in_inbox = role.allows(ChangeKind::Conversation.permission());
                    if !in_inbox || !valid_conversation_id(&conversation_id) || presence_limit.check().is_err() {
                        continue;
                    }
                    if let Some(previous) = here.take().filter(|previous| *previous != conversation_id) {
                        state.announce(LiveEvent::Presence {
                            staff_id: staff.user.id.clone(),
                            display_name: staff.user.display_name.clone(),
                            conversation_id: previous,
                            state: PresenceState::Left,
                        });
                    }
                    if presence != PresenceState::Left {
                        *here = Some(conversation_id.clone());
                    }
                    state.announce(LiveEvent::Presence {
                        staff_id: staff.user.id.clone(),
                        display_name: staff.user.display_name.clone(),
                        conversation_id,
                        state: presence,
                    });
                }
                Some(Ok(_)) => {}
                // Over the size limits, or broken: the socket ends here.
                Some(Err(_)) | None => {
                    let _ = socket.send(close(close_code::SIZE, "message too large or malformed")).await;
                    return;
                }
            },
            _ = session_check.tick() => {
                // Signed out (here or everywhere), expired, password changed:
                // the session is gone, and so is the socket.
                match state.storage.session(&staff.token_hash, state.clock.now()).await {
                    Ok(Some(user)) if user.role != role => {
                        role = user.role;
                        if !role.allows(ChangeKind::Conversation.permission()) {
                            leave(state, staff, here);
                        }
                        // The console pulls, and the feed's new scope tells
                        // it what to drop and what to fetch.
                        if send(&mut socket, &LiveEvent::Role { role }).await.is_err() {
                            return;
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        let _ = socket.send(close(close_code::POLICY, "the session has ended")).await;
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot check a live socket's session"),
                }
            }
            () = state.closing() => return,
        }
    }
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
}

async fn send(socket: &mut WebSocket, event: &LiveEvent) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}
