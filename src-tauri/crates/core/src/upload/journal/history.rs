//! History: every finished upload, for the History screen, `wixdrop history`, and duplicates.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Journal, JournalError};
use crate::upload::mime::MediaType;
use crate::upload::types::JobId;

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub job_id: Option<JobId>,
    pub path: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
    pub profile: String,
    pub site_id: String,
    /// The destination as chosen (`media-root/holiday/day1`).
    pub folder: String,
    pub file_id: String,
    pub url: Option<String>,
    pub mime_type: Option<String>,
    pub media_type: Option<MediaType>,
    /// RFC 3339, UTC.
    pub uploaded_at: String,
}

/// Filters for [`Journal::history`]; all optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HistoryQuery {
    pub site_id: Option<String>,
    /// Matched (case-insensitively) against the file name, local path, folder and Wix URL.
    pub search: Option<String>,
    /// Newest first; default 200.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

const COLUMNS: &str = "id, job_id, path, file_name, size, sha256, profile, site_id, folder_label, wix_file_id, url, mime_type, media_type, uploaded_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let ms: i64 = r.get(13)?;
    Ok(HistoryEntry {
        id: r.get(0)?,
        job_id: r.get::<_, Option<i64>>(1)?.map(JobId),
        path: r.get(2)?,
        file_name: r.get(3)?,
        size: r.get::<_, i64>(4)?.max(0) as u64,
        sha256: r.get(5)?,
        profile: r.get(6)?,
        site_id: r.get(7)?,
        folder: r.get(8)?,
        file_id: r.get(9)?,
        url: r.get(10)?,
        mime_type: r.get(11)?,
        media_type: r
            .get::<_, Option<String>>(12)?
            .map(|m| MediaType::parse(&m)),
        uploaded_at: rfc3339(ms),
    })
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

fn like_pattern(s: &str) -> String {
    let mut p = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Journal {
    /// Finished uploads, newest first.
    pub fn history(&self, q: &HistoryQuery) -> Result<Vec<HistoryEntry>, JournalError> {
        let search = q
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(like_pattern);
        let c = self.conn();
        let mut st = c.prepare(&format!(
            "SELECT {COLUMNS} FROM history
             WHERE (?1 IS NULL OR site_id = ?1)
               AND (?2 IS NULL OR file_name LIKE ?2 ESCAPE '\\' OR path LIKE ?2 ESCAPE '\\' OR folder_label LIKE ?2 ESCAPE '\\' OR url LIKE ?2 ESCAPE '\\')
             ORDER BY uploaded_at DESC, id DESC LIMIT ?3 OFFSET ?4"
        ))?;
        let rows = st
            .query_map(
                params![
                    q.site_id,
                    search,
                    q.limit.unwrap_or(200) as i64,
                    q.offset.unwrap_or(0) as i64
                ],
                from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Whether anything of exactly this size was uploaded to this site and folder: when not,
    /// the file cannot be a duplicate and need not be hashed before it is sent.
    pub fn has_size(
        &self,
        site_id: &str,
        folder_key: &str,
        size: u64,
    ) -> Result<bool, JournalError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM history WHERE site_id = ?1 AND folder_key = ?2 AND size = ?3 LIMIT 1", params![site_id, folder_key, size as i64], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The earlier upload of the same content to the same site and folder, if any.
    pub fn find_duplicate(
        &self,
        site_id: &str,
        folder_key: &str,
        sha256: &str,
    ) -> Result<Option<HistoryEntry>, JournalError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM history WHERE site_id = ?1 AND folder_key = ?2 AND sha256 = ?3 ORDER BY uploaded_at DESC LIMIT 1"),
                params![site_id, folder_key, sha256],
                from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
