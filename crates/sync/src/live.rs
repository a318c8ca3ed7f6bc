//! The live feed: a WebSocket on which the server says where its change feed
//! is. When that is past the cache's cursor, the engine is nudged to pull.
//! It reconnects with jittered backoff; while it is down the engine polls.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::engine::{new_backoff, Shared};

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum LiveEvent {
    Changes {
        seq: i64,
    },
    #[serde(other)]
    Other,
}

pub(crate) async fn follow(shared: Arc<Shared>) {
    let mut backoff = new_backoff();
    loop {
        match connect(&shared).await {
            Ok(mut socket) => {
                backoff = new_backoff();
                shared.live.store(true, Ordering::Relaxed);
                while let Some(Ok(frame)) = socket.next().await {
                    let Message::Text(text) = frame else { continue };
                    if let Ok(LiveEvent::Changes { seq }) = serde_json::from_str::<LiveEvent>(&text) {
                        if seq > shared.cursor() {
                            shared.nudge.notify_one();
                        }
                    }
                }
                shared.live.store(false, Ordering::Relaxed);
                tracing::info!("live feed closed; reconnecting");
            }
            Err(e) => tracing::debug!(error = %e, "live feed unavailable"),
        }
        tokio::time::sleep(backoff.next().unwrap_or(Duration::from_secs(30))).await;
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(shared: &Shared) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = shared.client.live_url().into_client_request()?;
    let bearer = HeaderValue::from_str(&format!("Bearer {}", shared.token))
        .map_err(|e| tokio_tungstenite::tungstenite::Error::HttpFormat(e.into()))?;
    request.headers_mut().insert("authorization", bearer);
    let (socket, _) = tokio_tungstenite::connect_async(request).await?;
    Ok(socket)
}
