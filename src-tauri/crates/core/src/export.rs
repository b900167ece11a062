//! History to take away: CSV and JSON with the fields a Stores or CMS import needs.
//!
//! Columns (both formats, same names): `local_path`, `display_name`, `site_id`, `folder`,
//! `file_id`, `static_url`, `wix_uri`, `width`, `height`, `bytes_sent`, `original_bytes`,
//! `sha256` (of the original), `location` (`none`/`removed`/`kept`/`unknown`, empty when not
//! recorded), `uploaded_at` (RFC 3339, UTC), `private` (`true` for a private file: its
//! `static_url` answers 403, a temporary link opens it), and for people rather than programs
//! `site_name` (the site's name) and `folder_path` (the folder as a path below Site Files:
//! `/` for Site Files itself, `/Events/2024` below it), each empty (`null` in JSON) when the
//! journal does not know it. CSV follows RFC 4180 (comma, CRLF, quotes doubled),
//! with a UTF-8 byte-order mark so spreadsheet programs read accents right; a cell starting with
//! `=`, `+`, `-` or `@` gets a leading `'` so a file name is never run as a formula.
//!
//! `wix_uri` is the `wix:image://v1/<id>/<name>#originWidth=…&originHeight=…` form Wix's CMS
//! uses for images (and `wix:video://v1/…`, `wix:document://v1/…` for others), built from the
//! file ID; Wix does not return it from the upload.

use serde::Serialize;

use crate::upload::journal::{ExportQuery, ExportRow};
use crate::upload::{Journal, JournalError, MediaType};

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// One exported row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Record {
    pub local_path: String,
    pub display_name: String,
    pub site_id: String,
    pub folder: String,
    pub file_id: String,
    pub static_url: Option<String>,
    pub wix_uri: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes_sent: u64,
    pub original_bytes: u64,
    pub sha256: String,
    pub location: Option<String>,
    pub uploaded_at: String,
    pub private: bool,
    pub site_name: Option<String>,
    pub folder_path: Option<String>,
}

const HEADER: [&str; 17] = [
    "local_path",
    "display_name",
    "site_id",
    "folder",
    "file_id",
    "static_url",
    "wix_uri",
    "width",
    "height",
    "bytes_sent",
    "original_bytes",
    "sha256",
    "location",
    "uploaded_at",
    "private",
    "site_name",
    "folder_path",
];

/// The `wix:` URI of an uploaded file.
pub fn wix_uri(
    media: Option<MediaType>,
    file_id: &str,
    name: &str,
    w: Option<u32>,
    h: Option<u32>,
) -> String {
    let kind = match media {
        Some(MediaType::Image) => "image",
        Some(MediaType::Video) => "video",
        Some(MediaType::Audio) => "audio",
        Some(MediaType::Vector) => "vector",
        _ => "document",
    };
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let mut u = format!("wix:{kind}://v1/{file_id}/{name}");
    if let (Some("image"), Some(w), Some(h)) = (Some(kind), w, h) {
        u += &format!("#originWidth={w}&originHeight={h}");
    }
    u
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl From<ExportRow> for Record {
    fn from(r: ExportRow) -> Record {
        Record {
            wix_uri: wix_uri(r.media_type, &r.file_id, &r.file_name, r.width, r.height),
            local_path: r.path,
            display_name: r.file_name,
            site_id: r.site_id,
            folder: r.folder,
            file_id: r.file_id,
            static_url: r.url,
            width: r.width,
            height: r.height,
            bytes_sent: r.sent_size,
            original_bytes: r.original_size,
            sha256: r.sha256,
            location: r.location.map(|l| l.as_str().to_string()),
            uploaded_at: rfc3339(r.uploaded_ms),
            private: r.private,
            site_name: r.site_name.filter(|n| !n.is_empty()),
            folder_path: r.folder_path.map(|p| format!("/{p}")),
        }
    }
}

/// The records for a query, oldest first.
pub fn records(journal: &Journal, q: &ExportQuery) -> Result<Vec<Record>, JournalError> {
    Ok(journal
        .export_rows(q)?
        .into_iter()
        .map(Record::from)
        .collect())
}

/// Render records in `format`.
pub fn render(records: &[Record], format: Format) -> String {
    match format {
        Format::Json => {
            serde_json::to_string_pretty(records).unwrap_or_else(|_| "[]".into()) + "\n"
        }
        Format::Csv => {
            let mut out = String::from("\u{feff}");
            line(&mut out, HEADER.iter().map(|s| s.to_string()));
            for r in records {
                let opt = |n: Option<u32>| n.map(|v| v.to_string()).unwrap_or_default();
                line(
                    &mut out,
                    [
                        r.local_path.clone(),
                        r.display_name.clone(),
                        r.site_id.clone(),
                        r.folder.clone(),
                        r.file_id.clone(),
                        r.static_url.clone().unwrap_or_default(),
                        r.wix_uri.clone(),
                        opt(r.width),
                        opt(r.height),
                        r.bytes_sent.to_string(),
                        r.original_bytes.to_string(),
                        r.sha256.clone(),
                        r.location.clone().unwrap_or_default(),
                        r.uploaded_at.clone(),
                        r.private.to_string(),
                        r.site_name.clone().unwrap_or_default(),
                        r.folder_path.clone().unwrap_or_default(),
                    ]
                    .into_iter(),
                );
            }
            out
        }
    }
}

/// The static URLs of records, one per line (for "Copy all URLs"); private files are left
/// out (their URL answers 403).
pub fn urls(records: &[Record]) -> String {
    records
        .iter()
        .filter(|r| !r.private)
        .filter_map(|r| r.static_url.as_deref())
        .collect::<Vec<_>>()
        .join("\n")
}

fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.map(|c| cell(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn wix_uris_follow_the_cms_form() {
        assert_eq!(
            wix_uri(
                Some(MediaType::Image),
                "abc_123~mv2.jpg",
                "Café 1.jpg",
                Some(10),
                Some(20)
            ),
            "wix:image://v1/abc_123~mv2.jpg/Caf%C3%A9%201.jpg#originWidth=10&originHeight=20"
        );
        assert_eq!(
            wix_uri(Some(MediaType::Document), "d1", "a.pdf", None, None),
            "wix:document://v1/d1/a.pdf"
        );
    }
}
