//! Wix's limits per media type, kept as data with where each figure comes from and when it was
//! looked at, so a wrong figure is one row to fix, and the pre-flight can say how sure it is.
//!
//! The sizes are the ones `upload::Limits` (Settings) is configured with; this table adds the
//! formats Wix accepts and the provenance. No figure here is confirmed by Wix's own pages in the
//! notes the project was built from (`wix-api.md` §8), so every size is a **warning**, never a
//! refusal, unless the user turns on enforcement in Settings.

use serde::Serialize;

use crate::upload::{Limits, MediaType};

/// One row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct LimitRow {
    pub media_type: MediaType,
    /// File extensions Wix's Media Manager takes for this type (lower case).
    pub formats: &'static [&'static str],
    /// Confirmed by Wix's own documentation (none is, yet).
    pub confirmed: bool,
    /// Where the size figure comes from.
    pub source: &'static str,
    /// When that source was read (YYYY-MM-DD).
    pub checked: &'static str,
}

/// The table. Sizes live in [`Limits`] (configurable); see `wix-api.md` §8.
pub const TABLE: &[LimitRow] = &[
    LimitRow {
        media_type: MediaType::Image,
        formats: &["jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "bmp", "tif", "tiff", "jfif"],
        confirmed: false,
        source: "25 MB in secondary sources citing Wix's support article \"Supported Media File Types and File Sizes\" (one says 50 MB); wix-api.md §8",
        checked: "2026-11-30",
    },
    LimitRow {
        media_type: MediaType::Video,
        formats: &["mp4", "mov", "avi", "wmv", "m4v", "mpg", "mpeg", "mkv", "webm", "3gp", "flv", "mts", "m2ts"],
        confirmed: false,
        source: "500 MB in one generated document (low confidence); wix-api.md §8",
        checked: "2026-11-30",
    },
    LimitRow {
        media_type: MediaType::Audio,
        formats: &["mp3", "wav", "aac", "m4a", "flac", "ogg", "wma", "aif", "aiff"],
        confirmed: false,
        source: "500 MB in one generated document (low confidence); wix-api.md §8",
        checked: "2026-11-30",
    },
    LimitRow {
        media_type: MediaType::Document,
        formats: &["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "rtf", "csv"],
        confirmed: false,
        source: "25 MB in one generated document (low confidence); wix-api.md §8",
        checked: "2026-11-30",
    },
    LimitRow {
        media_type: MediaType::Vector,
        formats: &["svg"],
        confirmed: false,
        source: "no figure known",
        checked: "2026-11-30",
    },
];

/// The row for a media type, if the table has one.
pub fn row(media: MediaType) -> Option<&'static LimitRow> {
    TABLE.iter().find(|r| r.media_type == media)
}

/// What the pre-flight says about one file's size and format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Over the configured size for its type: the limit in bytes.
    pub over: Option<u64>,
    /// The size would be refused locally (enforcement is on); otherwise only a warning.
    pub refused: bool,
    /// The extension is not one the table lists for its type.
    pub unusual_format: bool,
}

/// Check one file against the table and the configured sizes.
pub fn check(limits: &Limits, media: MediaType, size: u64, extension: &str) -> Verdict {
    let over = limits.check(media, size).err().map(|o| o.limit);
    let ext = extension.to_ascii_lowercase();
    let unusual_format =
        row(media).is_some_and(|r| !ext.is_empty() && !r.formats.contains(&ext.as_str()));
    Verdict {
        over,
        refused: over.is_some() && limits.enforce,
        unusual_format,
    }
}
