//! Images staff and subscribers send: which kinds are accepted, how large,
//! and the content-addressed path the server serves them at.
//!
//! An image's id is the hex SHA-256 of its bytes (callers hash; the model
//! stays free of I/O and crypto), so its path is known before it is
//! uploaded and uploading the same bytes twice stores one image.

/// The largest image anyone may send, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The image types accepted, each with the bytes every such file starts with.
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Where the server serves images, before the id.
const MEDIA_PREFIX: &str = "/s/media/";

/// The type of an image, read from its first bytes (never from a file name
/// or a claimed type); `None` for anything that is not a PNG, JPEG, GIF or
/// WebP.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The path an image with this id is served at.
pub fn media_path(id: &str) -> String {
    format!("{MEDIA_PREFIX}{id}")
}

/// Whether `id` is an image id: 64 lower-case hex digits.
pub fn is_media_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `url` is exactly the server's own path for an image id.
pub fn is_media_path(url: &str) -> bool {
    media_id_of(url).is_some()
}

/// The image id in the server's own path for it, if `url` is one.
pub fn media_id_of(url: &str) -> Option<&str> {
    url.strip_prefix(MEDIA_PREFIX).filter(|id| is_media_id(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_first_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        for other in [&b""[..], b"hello", b"RIFF\0\0\0\0WAVE", b"<svg xmlns", b"\x89PN"] {
            assert_eq!(image_type(other), None, "{other:?} is not an accepted image");
        }
    }

    #[test]
    fn only_the_servers_own_path_with_a_full_id_is_a_media_path() {
        let id = "a".repeat(64);
        assert!(is_media_path(&media_path(&id)));
        for bad in [
            format!("/s/media/{}", "a".repeat(63)),
            format!("/s/media/{}", "A".repeat(64)),
            format!("/s/media/{id}/x"),
            format!("/s/media/{id}?x"),
            format!("//evil.example/s/media/{id}"),
            format!("/s/media/../{id}"),
            format!("http://host/s/media/{id}"),
        ] {
            assert!(!is_media_path(&bad), "{bad} is not a media path");
        }
    }
}
