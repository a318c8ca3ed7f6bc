//! The live feed: a WebSocket on which the server says where its change feed
//! is (when that is past the cache's cursor, the engine is nudged to pull)
//! and relays presence — which colleague views or types in which
//! conversation. It reconnects with jittered backoff; while it is down the
//! engine polls and presence is unknown.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use wicket_model::sync::{FromConsole, LiveEvent, Presence, PresenceSnapshot, PresenceState};
use wicket_model::ChangeKind;

use crate::engine::{new_backoff, Shared, SyncEvent};

/// Colleagues by (conversation, staff member), as last announced.
pub(crate) type PresenceBook = BTreeMap<(String, String), Presence>;

pub(crate) async fn follow(shared: Arc<Shared>, mut outgoing: mpsc::UnboundedReceiver<FromConsole>) {
    let mut backoff = new_backoff();
    loop {
        match connect(&shared).await {
            Ok(socket) => {
                backoff = new_backoff();
                shared.live.store(true, Ordering::Relaxed);
                // The server is reachable again: send what waits now rather
                // than when the engine's own backoff ends.
                shared.nudge.notify_one();
                publish_presence(&shared, true);
                serve(&shared, socket, &mut outgoing).await;
                shared.live.store(false, Ordering::Relaxed);
                lock(&shared).clear();
                publish_presence(&shared, false);
                tracing::info!("live feed closed; reconnecting");
            }
            Err(e) => tracing::debug!(error = %e, "live feed unavailable"),
        }
        tokio::time::sleep(backoff.next().unwrap_or(Duration::from_secs(30))).await;
    }
}

async fn serve(shared: &Arc<Shared>, socket: Socket, outgoing: &mut mpsc::UnboundedReceiver<FromConsole>) {
    let (mut sink, mut stream) = socket.split();
    // Say again where this console is, for colleagues who joined meanwhile.
    let here = shared.here.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    if let Some(said) = here {
        if send(&mut sink, &said).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { return };
                let Message::Text(text) = frame else { continue };
                match serde_json::from_str::<LiveEvent>(&text) {
                    Ok(LiveEvent::Changes { seq, .. }) => {
                        if seq > shared.cursor() {
                            shared.nudge.notify_one();
                        }
                    }
                    Ok(LiveEvent::Presence { staff_id, display_name, conversation_id, state }) => {
                        let key = (conversation_id.clone(), staff_id.clone());
                        {
                            let mut book = lock(shared);
                            if state == PresenceState::Left {
                                book.remove(&key);
                            } else {
                                book.insert(key, Presence { conversation_id, staff_id, display_name, state });
                            }
                        }
                        publish_presence(shared, true);
                    }
                    // The role changed: pull now (the feed's scope says
                    // what the cache keeps), and forget who is in which
                    // conversation when the new role sees none.
                    Ok(LiveEvent::Role { role }) => {
                        if !role.allows(ChangeKind::Conversation.permission()) {
                            lock(shared).clear();
                            publish_presence(shared, true);
                        }
                        shared.nudge.notify_one();
                    }
                    Ok(LiveEvent::Broadcast(progress)) => (shared.listener)(SyncEvent::Broadcast(progress)),
                    Err(e) => tracing::debug!(error = %e, "an unknown live event"),
                }
            }
            said = outgoing.recv() => {
                let Some(said) = said else { return };
                if send(&mut sink, &said).await.is_err() {
                    return;
                }
            }
        }
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(
    sink: &mut futures_util::stream::SplitSink<Socket, Message>,
    said: &FromConsole,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let text = serde_json::to_string(said).unwrap_or_default();
    sink.send(Message::Text(text.into())).await
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, PresenceBook> {
    // A panic while holding it leaves a map, never a torn one.
    shared.presence.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn publish_presence(shared: &Shared, live: bool) {
    let entries = lock(shared).values().cloned().collect();
    (shared.listener)(SyncEvent::Presence(PresenceSnapshot { live, entries }));
}

async fn connect(shared: &Shared) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = shared.client.live_url().into_client_request()?;
    let bearer = HeaderValue::from_str(&format!("Bearer {}", shared.token))
        .map_err(|e| tokio_tungstenite::tungstenite::Error::HttpFormat(e.into()))?;
    request.headers_mut().insert("authorization", bearer);
    let (socket, _) = tokio_tungstenite::connect_async(request).await?;
    Ok(socket)
}
