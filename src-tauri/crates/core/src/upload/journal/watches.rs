//! Watched-folder definitions, kept in the journal so they survive a restart.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{now_ms, Journal, JournalError};
use crate::upload::types::Destination;

/// A local folder whose new and changed files go to one site and folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WatchDef {
    /// Set by [`Journal::add_watch`].
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub path: String,
    pub profile: String,
    pub site_id: String,
    pub folder: Destination,
    /// A file is queued once its size and mtime have not changed for this long.
    #[ts(type = "number")]
    pub settle_ms: u64,
}

impl Journal {
    pub fn add_watch(&self, w: &WatchDef) -> Result<WatchDef, JournalError> {
        let c = self.conn();
        c.execute(
            "INSERT INTO watches (path, profile, site_id, destination, settle_ms, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![w.path, w.profile, w.site_id, serde_json::to_string(&w.folder).unwrap_or_default(), w.settle_ms as i64, now_ms()],
        )?;
        Ok(WatchDef {
            id: Some(c.last_insert_rowid()),
            ..w.clone()
        })
    }

    pub fn watches(&self) -> Result<Vec<WatchDef>, JournalError> {
        let c = self.conn();
        let mut st = c.prepare(
            "SELECT id, path, profile, site_id, destination, settle_ms FROM watches ORDER BY id",
        )?;
        let rows = st
            .query_map([], |r| {
                let dest: String = r.get(4)?;
                Ok(WatchDef {
                    id: Some(r.get(0)?),
                    path: r.get(1)?,
                    profile: r.get(2)?,
                    site_id: r.get(3)?,
                    folder: serde_json::from_str(&dest).unwrap_or_default(),
                    settle_ms: r.get::<_, i64>(5)?.max(0) as u64,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// When the watch was added (unix ms): files changed after it are the watch's business.
    pub fn watch_created_at(&self, id: i64) -> Result<Option<i64>, JournalError> {
        Ok(self
            .conn()
            .query_row("SELECT created_at FROM watches WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Whether this exact file (path, size, mtime) already has a job, or the path has an
    /// unfinished one: a watch starting up must not queue it again.
    pub fn knows_file_version(
        &self,
        path: &std::path::Path,
        size: u64,
        mtime_ns: Option<i64>,
    ) -> Result<bool, JournalError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM jobs WHERE path = ?1 AND (state IN ('queued','hashing','preparing','uploading','processing') OR (size = ?2 AND mtime_ns IS ?3)) LIMIT 1",
                params![path.to_string_lossy(), size as i64, mtime_ns],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// `true` when a watch was removed.
    pub fn remove_watch(&self, id: i64) -> Result<bool, JournalError> {
        Ok(self
            .conn()
            .execute("DELETE FROM watches WHERE id = ?1", [id])?
            > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_round_trip() {
        let j = Journal::in_memory().unwrap();
        let w = WatchDef {
            id: None,
            path: "/tmp/in".into(),
            profile: "p".into(),
            site_id: "s".into(),
            folder: Destination::Path("/a/b".into()),
            settle_ms: 500,
        };
        let saved = j.add_watch(&w).unwrap();
        assert!(saved.id.is_some());
        assert_eq!(j.watches().unwrap(), vec![saved.clone()]);
        assert!(j.remove_watch(saved.id.unwrap()).unwrap());
        assert!(!j.remove_watch(saved.id.unwrap()).unwrap());
        assert!(j.watches().unwrap().is_empty());
    }
}
