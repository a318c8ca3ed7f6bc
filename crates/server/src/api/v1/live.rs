//! The live feed for signed-in staff: a WebSocket that says "there is more"
//! (the feed's newest position) and relays presence — who is viewing or
//! typing in which conversation.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Staff;
use crate::error::ApiError;
use crate::{AppState, LiveEvent, PresenceState};

pub async fn live(
    State(state): State<AppState>,
    staff: Staff,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let seq = state.storage.last_seq().await?;
    Ok(upgrade.on_upgrade(move |socket| serve(socket, state, staff, seq)))
}

/// What a console may say on the socket.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum FromConsole {
    Presence { conversation_id: String, state: PresenceState },
}

async fn serve(mut socket: WebSocket, state: AppState, staff: Staff, seq: i64) {
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
        }
    }
}

async fn send(socket: &mut WebSocket, event: &LiveEvent) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}
