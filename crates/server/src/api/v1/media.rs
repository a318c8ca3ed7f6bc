//! Images staff send: uploaded once, before the message that shows them.
//! The id is the SHA-256 of the bytes, so a console knows the image's path
//! while offline, and uploading the same image twice stores it once.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use sha2::{Digest, Sha256};
use wicket_model::api::UploadedMedia;
use wicket_model::media::{self, IMAGE_TYPES, MAX_IMAGE_BYTES};
use wicket_model::{ErrorCode, Issue, Permission, WicketError};

use crate::api::openapi::{Forbidden, Invalid, TooLarge, Unauthorized};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::AppState;

/// Uploads an image for a reply. The body is the image's bytes; uploading
/// the same bytes again answers the same id.
#[utoipa::path(
    post,
    path = "/media",
    tag = "inbox",
    security(("bearer" = [])),
    request_body(
        description = "The raw bytes of a PNG, JPEG, GIF or WebP image of at most 2 MiB; they must start as the `Content-Type` says.",
        content(
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/gif"),
            (Vec<u8> = "image/webp"),
        ),
    ),
    responses(
        (status = 200, description = "Stored (or already there).", body = UploadedMedia),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
        (status = 422, response = Invalid),
    ),
)]
pub async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<UploadedMedia>, ApiError> {
    staff.require(Permission::AnswerSubscribers)?;
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(ErrorCode::Invalid, rejection.body_text())
        }
    })?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(too_large());
    }
    let claimed = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default();
    // The bytes must be what the header says, and one of the accepted kinds.
    if !IMAGE_TYPES.contains(&claimed.as_str()) || media::image_type(&bytes) != Some(claimed.as_str()) {
        return Err(ApiError(WicketError::invalid(vec![Issue::new("body", "message.image.invalid")])));
    }
    let id = hex::encode(Sha256::digest(&bytes));
    state.storage.save_media(&id, &claimed, bytes.to_vec(), state.clock.now()).await?;
    Ok(Json(UploadedMedia { url: media::media_path(&id), id }))
}

fn too_large() -> ApiError {
    ApiError(WicketError {
        issues: vec![Issue::new("body", "message.image.too_large").with("max", MAX_IMAGE_BYTES)],
        ..WicketError::new(ErrorCode::TooLarge, format!("an image may have at most {MAX_IMAGE_BYTES} bytes"))
    })
}
