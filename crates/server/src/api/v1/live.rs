//! The live feed for signed-in staff: a WebSocket that says "there is more"
//! (the feed's newest position) and relays presence — who is viewing or
//! typing in which conversation.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;
pub(crate) use wicket_model::sync::FromConsole;

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
/// The console may say `FromConsole`: `{"type": "presence",
/// "conversation_id": …, "state": "viewing" | "typing" | "left"}`, which the
/// server relays to every staff socket. Anything else is ignored.
#[utoipa::path(
    get,
    path = "/api/v1/live",
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
    Ok(upgrade.on_upgrade(move |socket| serve(socket, state, staff, seq)))
}

async fn serve(socket: WebSocket, state: AppState, staff: Staff, seq: i64) {
    let mut here: Option<String> = None;
    relay(socket, &state, &staff, seq, &mut here).await;
    // However the socket ended, colleagues stop seeing this staff member
    // where they last were.
    if let Some(conversation_id) = here {
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
    let hello = LiveEvent::Changes { seq, conversations: Vec::new() };
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
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
                    if let Ok(FromConsole::Presence { conversation_id, state: presence }) = serde_json::from_str(&text) {
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
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    return;
                }
            },
            () = state.closing() => return,
        }
    }
}

async fn send(socket: &mut WebSocket, event: &LiveEvent) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}
