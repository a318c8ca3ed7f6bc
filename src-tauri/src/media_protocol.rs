//! `wicket-media://localhost/<id>`: the images of threads, served to the
//! webview by the core (from the outbox, the cache, or the server once and
//! then the cache), so they show offline and from any team server.

use std::sync::Arc;

use tauri::http::{header, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};
use wicket_console::Console;

/// The scheme's name; the UI builds its URLs with `convertFileSrc(id, MEDIA_SCHEME)`.
pub const MEDIA_SCHEME: &str = "wicket-media";

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let Some(console) = ctx.app_handle().try_state::<Arc<Console>>().map(|state| state.inner().clone()) else {
        responder.respond(status(StatusCode::SERVICE_UNAVAILABLE));
        return;
    };
    let id = request.uri().path().trim_start_matches('/').to_owned();
    tauri::async_runtime::spawn(async move {
        let response = match console.media(id).await {
            Ok(Some(image)) => Response::builder()
                .header(header::CONTENT_TYPE, image.mime)
                // Content-addressed: the same id is always the same image.
                .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                .body(image.bytes)
                .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
            Ok(None) => status(StatusCode::NOT_FOUND),
            Err(error) => {
                tracing::debug!(error = %error.message, "an image could not be read");
                status(StatusCode::NOT_FOUND)
            }
        };
        responder.respond(response);
    });
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}
