//! Images attached offline go up before the outbox: a reply naming an image
//! is never applied on the server before the image is there.

use std::sync::Arc;

use wicket_model::ErrorCode;

use crate::client::ClientError;
use crate::engine::{blocking, RoundError, Shared};

/// Uploads every waiting image and forgets each once the server has it.
/// Offline (or any passing failure) ends the round, to be tried again;
/// the outbox waits behind it.
pub(crate) async fn upload_pending_media(shared: &Arc<Shared>) -> Result<(), RoundError> {
    let ids = blocking(shared, |cache| cache.pending_media_ids()).await?;
    for id in ids {
        let wanted = id.clone();
        let Some(media) = blocking(shared, move |cache| cache.pending_media(&wanted)).await? else {
            continue;
        };
        match shared.client.upload_media(&shared.token, &media.mime, media.bytes).await {
            Ok(uploaded) if uploaded.id == id => {}
            Ok(uploaded) => {
                return Err(ClientError::Protocol(format!("image {id} was stored as {}", uploaded.id)).into());
            }
            // Refused for good (not an image the server takes, or a role that
            // may not send images): keeping it would hold the outbox back
            // forever, and the reply naming it is judged on its own.
            Err(ClientError::Server(error))
                if matches!(error.code, ErrorCode::Invalid | ErrorCode::TooLarge | ErrorCode::Forbidden) =>
            {
                tracing::warn!(%id, %error, "the server refused an image; it is not sent");
            }
            Err(error) => return Err(error.into()),
        }
        blocking(shared, move |cache| cache.drop_media(&id)).await?;
    }
    Ok(())
}
