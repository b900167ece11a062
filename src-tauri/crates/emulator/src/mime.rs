//! MIME type ↔ extension ↔ Wix `mediaType`. Small on purpose: enough for the types Wixdrop
//! uploads; anything unknown is `OTHER` and keeps the extension it came with.

/// `(extension, mime)`, first match wins in both directions.
const TABLE: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("heic", "image/heic"),
    ("avif", "image/avif"),
    ("tiff", "image/tiff"),
    ("bmp", "image/bmp"),
    ("svg", "image/svg+xml"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("mp4", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("mkv", "video/x-matroska"),
    ("avi", "video/x-msvideo"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("m4a", "audio/mp4"),
    ("ogg", "audio/ogg"),
    ("flac", "audio/flac"),
    ("aac", "audio/aac"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
    ("7z", "application/x-7z-compressed"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("glb", "model/gltf-binary"),
    ("gltf", "model/gltf+json"),
];

/// The lower-case extension of a file name, if any.
pub fn extension(file_name: &str) -> Option<String> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() || ext.len() > 10 {
        return None;
    }
    ext.chars()
        .all(|c| c.is_ascii_alphanumeric())
        .then(|| ext.to_ascii_lowercase())
}

pub fn mime_for_ext(ext: &str) -> Option<&'static str> {
    TABLE.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m)
}

pub fn ext_for_mime(mime: &str) -> Option<&'static str> {
    TABLE.iter().find(|(_, m)| *m == mime).map(|(e, _)| *e)
}

/// The essence of a Content-Type: `image/JPEG; charset=x` → `image/jpeg`.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Wix's `mediaType` for a MIME type.
pub fn media_type(mime: &str) -> &'static str {
    let (top, sub) = mime.split_once('/').unwrap_or((mime, ""));
    match top {
        "image" if sub == "svg+xml" => "VECTOR",
        "image" => "IMAGE",
        "video" => "VIDEO",
        "audio" => "AUDIO",
        "model" => "MODEL3D",
        "text" => "DOCUMENT",
        "application" => match sub {
            "zip" | "vnd.rar" | "x-7z-compressed" | "x-tar" | "gzip" => "ARCHIVE",
            "octet-stream" => "OTHER",
            _ => "DOCUMENT",
        },
        _ => "OTHER",
    }
}

/// Video and audio are transcoded by Wix and stay PENDING for a while.
pub fn needs_processing(media_type: &str) -> bool {
    matches!(media_type, "VIDEO" | "AUDIO")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(extension("a.JPG").as_deref(), Some("jpg"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("noext"), None);
        assert_eq!(media_type("image/svg+xml"), "VECTOR");
        assert_eq!(media_type("video/mp4"), "VIDEO");
        assert_eq!(media_type("application/pdf"), "DOCUMENT");
        assert_eq!(essence("Image/JPEG; q=1"), "image/jpeg");
    }
}
