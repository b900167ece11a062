//! What a file is: its MIME type, Wix media type, and whether it fits the size limits.
//!
//! Content decides first (magic bytes via `infer`), because extensions lie — a `.jpg` that is
//! really a PNG uploads fine as `image/png` but can be rejected as `image/jpeg`. Formats with no
//! magic (SVG, CSV, text) fall back to the extension table, then `application/octet-stream`
//! with the extension in the file name, which Wix documents as "detect it yourself".
//!
//! Per-type size limits are **not confirmed** (wix-api.md §8 quotes conflicting secondary
//! sources), so [`Limits`] is configuration, not truth: by default an oversized file gets a
//! warning and is still sent, and the server's own rejection, if any, is shown verbatim.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Wix's `mediaType` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum MediaType {
    Image,
    Video,
    Audio,
    Document,
    Vector,
    Archive,
    Model3d,
    Other,
}

impl MediaType {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Image => "IMAGE",
            MediaType::Video => "VIDEO",
            MediaType::Audio => "AUDIO",
            MediaType::Document => "DOCUMENT",
            MediaType::Vector => "VECTOR",
            MediaType::Archive => "ARCHIVE",
            MediaType::Model3d => "MODEL3D",
            MediaType::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> MediaType {
        match s {
            "IMAGE" => MediaType::Image,
            "VIDEO" => MediaType::Video,
            "AUDIO" => MediaType::Audio,
            "DOCUMENT" => MediaType::Document,
            "VECTOR" => MediaType::Vector,
            "ARCHIVE" => MediaType::Archive,
            "MODEL3D" => MediaType::Model3d,
            _ => MediaType::Other,
        }
    }

    /// The media type Wix files a MIME type under.
    pub fn of_mime(mime: &str) -> MediaType {
        let m = mime.to_ascii_lowercase();
        if m == "image/svg+xml" {
            return MediaType::Vector;
        }
        match m.split('/').next().unwrap_or("") {
            "image" => return MediaType::Image,
            "video" => return MediaType::Video,
            "audio" => return MediaType::Audio,
            "model" => return MediaType::Model3d,
            "text" => return MediaType::Document,
            _ => {}
        }
        if ARCHIVES.contains(&m.as_str()) {
            MediaType::Archive
        } else if m == "application/pdf"
            || m.starts_with("application/vnd.openxmlformats")
            || m.starts_with("application/vnd.ms-")
            || m == "application/msword"
            || m == "application/rtf"
            || m.starts_with("application/vnd.oasis.opendocument")
        {
            MediaType::Document
        } else if m == "application/postscript" {
            MediaType::Vector
        } else {
            MediaType::Other
        }
    }
}

const ARCHIVES: &[&str] = &[
    "application/zip",
    "application/x-zip-compressed",
    "application/vnd.rar",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-tar",
    "application/x-bzip2",
    "application/x-xz",
];

/// `(extension, MIME)`: the fallback when content sniffing finds nothing.
const BY_EXTENSION: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("heic", "image/heic"),
    ("heif", "image/heif"),
    ("avif", "image/avif"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("bmp", "image/bmp"),
    ("ico", "image/x-icon"),
    ("svg", "image/svg+xml"),
    ("eps", "application/postscript"),
    ("ai", "application/postscript"),
    ("mp4", "video/mp4"),
    ("m4v", "video/x-m4v"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("mkv", "video/x-matroska"),
    ("avi", "video/x-msvideo"),
    ("mpg", "video/mpeg"),
    ("mpeg", "video/mpeg"),
    ("wmv", "video/x-ms-wmv"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("m4a", "audio/mp4"),
    ("aac", "audio/aac"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("flac", "audio/flac"),
    ("aif", "audio/aiff"),
    ("aiff", "audio/aiff"),
    ("wma", "audio/x-ms-wma"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("rtf", "application/rtf"),
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
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
    ("7z", "application/x-7z-compressed"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("glb", "model/gltf-binary"),
    ("gltf", "model/gltf+json"),
    ("obj", "model/obj"),
    ("stl", "model/stl"),
    ("html", "text/html"),
    ("htm", "text/html"),
];

/// When neither content nor extension says anything.
pub const UNKNOWN_MIME: &str = "application/octet-stream";

/// The lower-case extension of a file name, if it has a sensible one.
pub fn extension(file_name: &str) -> Option<String> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    (!stem.is_empty()
        && !ext.is_empty()
        && ext.len() <= 10
        && ext.chars().all(|c| c.is_ascii_alphanumeric()))
    .then(|| ext.to_ascii_lowercase())
}

pub fn mime_for_extension(ext: &str) -> Option<&'static str> {
    let ext = ext.to_ascii_lowercase();
    BY_EXTENSION
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, m)| *m)
}

/// MIME from the first bytes of a file, falling back to its name.
pub fn detect(head: &[u8], file_name: &str) -> String {
    let by_ext = extension(file_name).and_then(|e| mime_for_extension(&e));
    if let Some(t) = infer::get(head) {
        let sniffed = t.mime_type();
        // Zip containers (docx, xlsx, glb-in-zip…) sniff as zip; the extension knows better.
        if sniffed == "application/zip" {
            if let Some(e) = by_ext.filter(|m| *m != "application/zip") {
                return e.to_string();
            }
        }
        return sniffed.to_string();
    }
    by_ext.unwrap_or(UNKNOWN_MIME).to_string()
}

/// Read the head of a file (up to 8 KiB) and detect its MIME type.
pub fn detect_file(path: &Path) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)?
        .take(8192)
        .read_to_end(&mut head)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(detect(&head, &name))
}

/// Maximum file size per media type. Values are unconfirmed guesses (wix-api.md §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Limits {
    /// `true`: refuse oversized files locally. `false` (default): warn and let Wix decide,
    /// because a wrong guess here would block uploads Wix accepts.
    pub enforce: bool,
    #[ts(type = "number | null")]
    pub image: Option<u64>,
    #[ts(type = "number | null")]
    pub video: Option<u64>,
    #[ts(type = "number | null")]
    pub audio: Option<u64>,
    #[ts(type = "number | null")]
    pub document: Option<u64>,
    #[ts(type = "number | null")]
    pub vector: Option<u64>,
    #[ts(type = "number | null")]
    pub archive: Option<u64>,
    #[ts(type = "number | null")]
    pub model3d: Option<u64>,
    #[ts(type = "number | null")]
    pub other: Option<u64>,
}

const MB: u64 = 1000 * 1000;

impl Default for Limits {
    /// Images 25 MB, documents 25 MB, video and audio 500 MB: the figures wix-api.md §8 found
    /// in secondary sources, all **[UNCERTAIN]**. Other types: no limit known.
    fn default() -> Self {
        Limits {
            enforce: false,
            image: Some(25 * MB),
            video: Some(500 * MB),
            audio: Some(500 * MB),
            document: Some(25 * MB),
            vector: None,
            archive: None,
            model3d: None,
            other: None,
        }
    }
}

/// A file bigger than its configured limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    pub media_type: MediaType,
    pub limit: u64,
    pub size: u64,
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "This {} is {}, over the {} limit configured for {} files (a figure Wix has not confirmed; change it in Settings if Wix accepts larger files).",
            self.media_type.as_str().to_ascii_lowercase(),
            human_bytes(self.size),
            human_bytes(self.limit),
            self.media_type.as_str().to_ascii_lowercase()
        )
    }
}

impl Limits {
    pub fn for_type(&self, t: MediaType) -> Option<u64> {
        match t {
            MediaType::Image => self.image,
            MediaType::Video => self.video,
            MediaType::Audio => self.audio,
            MediaType::Document => self.document,
            MediaType::Vector => self.vector,
            MediaType::Archive => self.archive,
            MediaType::Model3d => self.model3d,
            MediaType::Other => self.other,
        }
    }

    pub fn check(&self, t: MediaType, size: u64) -> Result<(), OverLimit> {
        match self.for_type(t) {
            Some(limit) if size > limit => Err(OverLimit {
                media_type: t,
                limit,
                size,
            }),
            _ => Ok(()),
        }
    }
}

/// `12.3 MB` style sizes (decimal units, as Wix quotes its limits).
pub fn human_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["bytes", "KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} bytes");
    }
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";

    #[test]
    fn content_wins_over_a_lying_extension() {
        assert_eq!(detect(PNG, "photo.jpg"), "image/png");
        assert_eq!(detect(JPEG, "IMG_0001.JPG"), "image/jpeg");
        assert_eq!(detect(JPEG, "no-extension"), "image/jpeg");
        assert_eq!(detect(b"%PDF-1.7\n", "x.bin"), "application/pdf");
    }

    #[test]
    fn extension_is_the_fallback_then_octet_stream() {
        assert_eq!(
            detect(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "logo.SVG"),
            "image/svg+xml"
        );
        assert_eq!(detect(b"a,b\n1,2\n", "t.csv"), "text/csv");
        assert_eq!(detect(b"\x00\x01\x02", "blob"), UNKNOWN_MIME);
        assert_eq!(detect(b"\x00\x01\x02", ".hidden"), UNKNOWN_MIME);
        // docx is a zip; the extension refines it.
        assert_eq!(
            detect(b"PK\x03\x04\x14\0\0\0", "report.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(
            detect(b"PK\x03\x04\x14\0\0\0", "bundle.zip"),
            "application/zip"
        );
    }

    #[test]
    fn media_types() {
        for (m, t) in [
            ("image/jpeg", MediaType::Image),
            ("image/svg+xml", MediaType::Vector),
            ("video/mp4", MediaType::Video),
            ("audio/mpeg", MediaType::Audio),
            ("application/pdf", MediaType::Document),
            ("text/plain", MediaType::Document),
            ("application/zip", MediaType::Archive),
            ("model/gltf-binary", MediaType::Model3d),
            ("application/octet-stream", MediaType::Other),
        ] {
            assert_eq!(MediaType::of_mime(m), t, "{m}");
            assert_eq!(MediaType::parse(t.as_str()), t);
        }
    }

    #[test]
    fn limits_are_configurable_and_explain_themselves() {
        let l = Limits::default();
        assert!(!l.enforce);
        assert!(l.check(MediaType::Image, 25 * MB).is_ok());
        let e = l.check(MediaType::Image, 30 * MB).unwrap_err();
        assert!(
            e.to_string().contains("30.0 MB")
                && e.to_string().contains("25.0 MB")
                && e.to_string().contains("not confirmed"),
            "{e}"
        );
        assert!(l.check(MediaType::Other, u64::MAX).is_ok());
        let l: Limits = serde_json::from_str(r#"{"enforce": true, "image": null}"#).unwrap();
        assert!(
            l.enforce && l.check(MediaType::Image, u64::MAX).is_ok() && l.video == Some(500 * MB)
        );
    }
}
