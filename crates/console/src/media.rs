//! Images staff send: read from a file here, kept in the cache until the
//! sync engine uploads them, and sent as a reply naming the image's
//! content address, through the same outbox as text.

use std::io::Read;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use wicket_model::conversation::MessageBody;
use wicket_model::inbox::ThreadMessage;
use wicket_model::media::{self, MAX_IMAGE_BYTES};
use wicket_model::{ErrorCode, Issue, Mutation, WicketError};
use wicket_store::PendingMedia;

use crate::{blocking, internal, now_ms, Console};

/// The newest messages looked through for the one just sent.
const RECENT: u32 = 200;
/// How much of the server's images a workspace keeps for offline use.
const MEDIA_CACHE_BYTES: u64 = 256 * 1024 * 1024;

impl Console {
    /// Sends the image at `path` as a reply. The file must be a PNG, JPEG,
    /// GIF or WebP (told by its bytes, not its name) of at most 2 MiB; a
    /// refused file writes nothing. `client_id` works as for text: the same
    /// id twice is one message.
    pub async fn send_image(
        &self,
        conversation_id: String,
        path: PathBuf,
        client_id: String,
    ) -> Result<ThreadMessage, WicketError> {
        let image = tokio::task::spawn_blocking(move || read_image(&path))
            .await
            .map_err(|e| internal(format!("file task failed: {e}")))??;
        let url = media::media_path(&image.id);
        let id = image.id.clone();
        let cache = self.cache().await?;
        // Kept before the reply is queued: the engine uploads what is kept
        // before it pushes what was queued after.
        let newly_kept = blocking(&cache, move |c| c.keep_media(&image, now_ms())).await?;
        let change = Mutation::SendMessage {
            id: client_id.clone(),
            conversation_id: conversation_id.clone(),
            body: MessageBody::Image { url },
            note: false,
        };
        if let Err(refused) = self.write(change).await {
            // A reply the rules refuse (the window closed, say) leaves no
            // image behind, unless another reply was already waiting on it.
            if newly_kept {
                blocking(&cache, move |c| c.drop_media(&id)).await?;
            }
            return Err(refused);
        }
        let page = self.conversation_messages(conversation_id, None, RECENT).await?;
        page.messages
            .into_iter()
            .rev()
            .find(|m| m.message.id == client_id)
            .ok_or_else(|| WicketError::new(ErrorCode::Internal, "the image did not appear in the thread"))
    }

    /// An image of a thread, by its id: staff's own still waiting to be
    /// uploaded, one kept from earlier, or else fetched from the server now
    /// and kept (so it shows offline next time). `None` when it is none of
    /// these: offline and never seen, or not an image the server has. The
    /// bytes are checked against the id: a server can't swap one image for another.
    pub async fn media(&self, id: String) -> Result<Option<PendingMedia>, WicketError> {
        if !media::is_media_id(&id) {
            return Ok(None);
        }
        let cache = self.cache().await?;
        let wanted = id.clone();
        if let Some(found) = blocking(&cache, move |c| c.shown_media(&wanted, now_ms())).await? {
            return Ok(Some(found));
        }
        let (client, _token) = self.server().await?;
        let bytes = match client.fetch_media(&id).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::debug!(image = %id, error = %e, "an image could not be fetched");
                return Ok(None);
            }
        };
        let Some(mime) = media::image_type(&bytes) else { return Ok(None) };
        if hex::encode(Sha256::digest(&bytes)) != id {
            tracing::warn!(image = %id, "the server sent other bytes than the image's id says");
            return Ok(None);
        }
        let image = PendingMedia { id, mime: mime.to_owned(), bytes };
        let kept = image.clone();
        blocking(&cache, move |c| c.cache_media(&kept, now_ms(), MEDIA_CACHE_BYTES)).await?;
        Ok(Some(image))
    }
}

/// Reads and checks an image file (refused ones are `invalid`, the reason
/// in the issue); its id is the SHA-256 of its bytes.
fn read_image(path: &std::path::Path) -> Result<PendingMedia, WicketError> {
    let refused = |key: &str| WicketError::invalid(vec![Issue::new("path", key)]);
    let too_large =
        || WicketError::invalid(vec![Issue::new("path", "message.image.too_large").with("max", MAX_IMAGE_BYTES)]);
    let file = std::fs::File::open(path).map_err(|e| {
        tracing::info!(path = %path.display(), error = %e, "cannot read the image");
        refused("message.image.unreadable")
    })?;
    // One byte more than allowed is enough to know it is too large.
    let mut bytes = Vec::new();
    file.take(MAX_IMAGE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| {
        tracing::info!(path = %path.display(), error = %e, "cannot read the image");
        refused("message.image.unreadable")
    })?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(too_large());
    }
    let mime = media::image_type(&bytes).ok_or_else(|| refused("message.image.not_image"))?;
    Ok(PendingMedia { id: hex::encode(Sha256::digest(&bytes)), mime: mime.to_owned(), bytes })
}
