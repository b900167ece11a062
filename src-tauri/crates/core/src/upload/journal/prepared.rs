//! What the journal keeps about prepared uploads (issue 13), in columns of their own added
//! without a schema bump (`init` adds them when missing; older writers leave them NULL):
//!
//! - `jobs` / `history`: `sent_size` (bytes actually sent, when a prepared copy was; NULL = the
//!   original's `size`), `location` (`none` | `removed` | `kept` | `unknown`), `width` and
//!   `height` (pixels of what was sent, when known).
//!
//! `sha256` stays the hash of the **original**, so dropping the same photo again is still a
//! duplicate although the bytes sent differ. Also here: the site-wide duplicate look-up the
//! pre-flight uses, and the rows of an export ([`crate::export`]).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::{has_column, Journal, JournalError};
use crate::prepare::Location;
use crate::upload::mime::MediaType;
use crate::upload::types::JobId;

/// Add the columns (idempotent).
pub(super) fn migrate(conn: &Connection) -> Result<(), String> {
    for table in ["jobs", "history"] {
        for (col, ty) in [
            ("sent_size", "INTEGER"),
            ("location", "TEXT"),
            ("width", "INTEGER"),
            ("height", "INTEGER"),
        ] {
            if !has_column(conn, table, col)? {
                conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {col} {ty};"))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// Copy a job's prepared facts onto its history row (inside `finish_done`'s transaction).
pub(super) const CARRY_TO_HISTORY: &str = "UPDATE history SET
    sent_size = (SELECT sent_size FROM jobs WHERE id = ?1),
    location = (SELECT location FROM jobs WHERE id = ?1),
    width = (SELECT width FROM jobs WHERE id = ?1),
    height = (SELECT height FROM jobs WHERE id = ?1)
  WHERE job_id = ?1";

/// One finished upload with everything an export carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub path: String,
    pub profile: String,
    pub mime_type: Option<String>,
    pub file_name: String,
    pub site_id: String,
    pub folder: String,
    pub file_id: String,
    pub url: Option<String>,
    pub media_type: Option<MediaType>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub sent_size: u64,
    pub original_size: u64,
    pub sha256: String,
    pub location: Option<Location>,
    /// Unix milliseconds.
    pub uploaded_ms: i64,
    pub job_id: Option<JobId>,
    /// Uploaded as a private file.
    pub private: bool,
    /// The site's name, when the journal knows it (see `names`).
    pub site_name: Option<String>,
    /// The folder's path below Site Files (`""` = Site Files itself), when known.
    pub folder_path: Option<String>,
}

/// Which history rows to export; all optional.
#[derive(Debug, Clone, Default)]
pub struct ExportQuery {
    pub site_id: Option<String>,
    /// As History's search box.
    pub search: Option<String>,
    /// Uploaded at or after (unix ms).
    pub since_ms: Option<i64>,
    /// Only these jobs (one batch).
    pub job_ids: Option<Vec<JobId>>,
}

impl Journal {
    /// Record how a job's file was prepared.
    pub fn set_prepared(
        &self,
        id: JobId,
        sent_size: u64,
        location: Location,
        width: Option<u32>,
        height: Option<u32>,
    ) -> Result<(), JournalError> {
        self.conn().execute(
            "UPDATE jobs SET sent_size = ?2, location = ?3, width = ?4, height = ?5 WHERE id = ?1",
            params![id.0, sent_size as i64, location.as_str(), width, height],
        )?;
        Ok(())
    }

    /// Is a file of exactly `size` bytes in this site's history (any folder)?
    pub fn has_size_in_site(&self, site_id: &str, size: u64) -> Result<bool, JournalError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM history WHERE site_id = ?1 AND size = ?2 LIMIT 1",
                params![site_id, size as i64],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The newest upload of this content (hash of the original) to this site, any folder:
    /// (file ID, URL).
    pub fn find_in_site(
        &self,
        site_id: &str,
        sha256: &str,
    ) -> Result<Option<(String, Option<String>)>, JournalError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT wix_file_id, url FROM history WHERE site_id = ?1 AND sha256 = ?2 ORDER BY uploaded_at DESC LIMIT 1",
                params![site_id, sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Rows for an export, oldest first.
    pub fn export_rows(&self, q: &ExportQuery) -> Result<Vec<ExportRow>, JournalError> {
        let hq = super::HistoryQuery {
            site_id: q.site_id.clone(),
            search: q.search.clone(),
            ..Default::default()
        };
        let (mut sql, mut args) = super::history::filter_for(&hq);
        if let Some(since) = q.since_ms {
            args.push(Value::Integer(since));
            sql += &format!(" AND uploaded_at >= ?{}", args.len());
        }
        if let Some(ids) = &q.job_ids {
            let list = ids
                .iter()
                .map(|j| j.0.to_string())
                .collect::<Vec<_>>()
                .join(",");
            sql += &format!(" AND job_id IN ({list})");
        }
        let c = self.conn();
        let mut st = c.prepare(&format!(
            "SELECT path, file_name, site_id, folder_label, wix_file_id, url, media_type, width, height, coalesce(sent_size, size), size, sha256, location, uploaded_at, job_id, profile, mime_type, private, site_name, folder_path FROM history {sql} ORDER BY uploaded_at, id"
        ))?;
        let rows = st
            .query_map(params_from_iter(args), |r| {
                Ok(ExportRow {
                    path: r.get(0)?,
                    file_name: r.get(1)?,
                    site_id: r.get(2)?,
                    folder: r.get(3)?,
                    file_id: r.get(4)?,
                    url: r.get(5)?,
                    media_type: r.get::<_, Option<String>>(6)?.map(|m| MediaType::parse(&m)),
                    width: r.get(7)?,
                    height: r.get(8)?,
                    sent_size: r.get::<_, i64>(9)?.max(0) as u64,
                    original_size: r.get::<_, i64>(10)?.max(0) as u64,
                    sha256: r.get(11)?,
                    location: r
                        .get::<_, Option<String>>(12)?
                        .as_deref()
                        .and_then(Location::parse),
                    uploaded_ms: r.get(13)?,
                    job_id: r.get::<_, Option<i64>>(14)?.map(JobId),
                    profile: r.get(15)?,
                    mime_type: r.get(16)?,
                    private: r.get::<_, i64>(17)? != 0,
                    site_name: r.get(18)?,
                    folder_path: r.get(19)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
