//! The durable upload journal: every job is written down before its first byte leaves, and
//! every acknowledged tus chunk moves its confirmed offset, so a crash or a closed laptop loses
//! nothing and resumes where the server says it stands.
//!
//! One SQLite file (`Paths::database_file()`), WAL mode, `synchronous=NORMAL`: a power cut can
//! lose the last few commits (never corrupt the file), and every such loss is covered by the
//! resume logic, which asks the server (tus `HEAD`, a look into the destination folder) before
//! sending anything again. A file that is not a database, or fails its integrity check, is moved
//! aside (`*.damaged-<secs>`) and a fresh journal is created: the app always starts.
//!
//! Upload tokens and tus locations are stored (they are what makes a resume possible); API keys
//! never are — jobs name their *profile*, and the engine asks the caller for the key.

mod history;
mod jobs;
mod names;
mod prepared;
mod watches;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

pub(crate) use history::ImportedEntry;
pub use history::{HistoryEntry, HistoryMonth, HistoryPage, HistoryQuery};
pub use jobs::{JobRecord, NewJob, Protocol};
pub use prepared::{ExportQuery, ExportRow};
pub use watches::WatchDef;

use crate::files::move_aside;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("The upload journal ({path}) could not be opened: {detail}")]
    Open { path: PathBuf, detail: String },
    #[error("The upload journal could not be updated: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("No upload {0} in the journal.")]
    NoSuchJob(i64),
}

/// A handle to the journal; clones share one connection.
#[derive(Clone)]
pub struct Journal {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

/// A journal plus what happened while opening it, for the UI to show once.
#[derive(Debug)]
pub struct Opened {
    pub journal: Journal,
    /// Set when a damaged database was moved aside.
    pub warning: Option<String>,
}

/// 2: `jobs.owner` (which running engine sends the job).
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS jobs (
    id               INTEGER PRIMARY KEY,
    path             TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    size             INTEGER NOT NULL DEFAULT 0,
    mtime_ns         INTEGER,
    sha256           TEXT,
    profile          TEXT NOT NULL,
    site_id          TEXT NOT NULL,
    base_folder_id   TEXT NOT NULL,
    sub_path         TEXT NOT NULL DEFAULT '[]',   -- JSON array of folder names below base
    folder_id        TEXT,                         -- resolved destination folder
    file_path        TEXT,                         -- or Wix's filePath when folders could not be listed
    folder_key       TEXT,                         -- what duplicates are matched on
    mime_type        TEXT,
    media_type       TEXT,
    upload_anyway    INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL,
    protocol         TEXT,                         -- simple | tus
    upload_url       TEXT,
    upload_token     TEXT,
    tus_location     TEXT,
    confirmed_offset INTEGER NOT NULL DEFAULT 0,
    attempt_started  INTEGER,                      -- unix ms: when bytes started to go out
    wix_file_id      TEXT,
    wix_url          TEXT,
    operation_status TEXT,
    error            TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    owner            TEXT                          -- the engine sending it, see upload::owner
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE TABLE IF NOT EXISTS history (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER,
    path         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    profile      TEXT NOT NULL,
    site_id      TEXT NOT NULL,
    folder_key   TEXT NOT NULL,
    folder_label TEXT NOT NULL,
    wix_file_id  TEXT NOT NULL,
    url          TEXT,
    mime_type    TEXT,
    media_type   TEXT,
    uploaded_at  INTEGER NOT NULL,
    search_text  TEXT                           -- folded for search, filled lazily (history.rs)
);
CREATE INDEX IF NOT EXISTS history_dup ON history(site_id, folder_key, sha256);
CREATE INDEX IF NOT EXISTS history_size ON history(site_id, folder_key, size);
CREATE INDEX IF NOT EXISTS history_time ON history(uploaded_at);
CREATE TABLE IF NOT EXISTS watches (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL,
    profile        TEXT NOT NULL,
    site_id        TEXT NOT NULL,
    destination    TEXT NOT NULL,                  -- JSON Destination
    settle_ms      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
"#;

impl Journal {
    /// Open (or create) the journal at `path`; a damaged file is moved aside and replaced.
    pub fn open(path: &Path) -> Result<Opened, JournalError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| JournalError::Open {
                path: path.into(),
                detail: e.to_string(),
            })?;
        }
        match Self::try_open(path) {
            Ok(journal) => Ok(Opened {
                journal,
                warning: None,
            }),
            Err(first) => {
                let aside = move_aside(path);
                for ext in ["-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{ext}", path.display()));
                    if side.exists() {
                        let _ = move_aside(&side)
                            .or_else(|| std::fs::remove_file(&side).ok().map(|_| side.clone()));
                    }
                }
                let journal = Self::try_open(path).map_err(|e| JournalError::Open {
                    path: path.into(),
                    detail: format!("{e} (after moving a damaged file aside: {first})"),
                })?;
                let warning = match aside {
                    Some(a) => format!("The upload history database was damaged ({first}); it was kept as {} and a new, empty one was started. Unfinished uploads from before could not be resumed.", a.display()),
                    None => format!("The upload history database was damaged ({first}) and could not be moved aside; a new one was started."),
                };
                Ok(Opened {
                    journal,
                    warning: Some(warning),
                })
            }
        }
    }

    /// A journal that lives in memory (tests, `--no-journal` runs).
    pub fn in_memory() -> Result<Journal, JournalError> {
        let conn = Connection::open_in_memory()?;
        init(&conn).map_err(|e| JournalError::Open {
            path: ":memory:".into(),
            detail: e,
        })?;
        Ok(Journal {
            conn: Arc::new(Mutex::new(conn)),
            path: None,
        })
    }

    fn try_open(path: &Path) -> Result<Journal, String> {
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        init(&conn)?;
        Ok(Journal {
            conn: Arc::new(Mutex::new(conn)),
            path: Some(path.to_path_buf()),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent; keep going.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn init(conn: &Connection) -> Result<(), String> {
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(format!("could not switch to WAL mode (got {mode})"));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| e.to_string())?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if check != "ok" {
        return Err(format!("integrity check failed: {check}"));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "it was written by a newer Wixdrop (schema {version})"
        ));
    }
    conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
    // The Library's import/copy jobs: a table of its own (additive, no version bump).
    conn.execute_batch(crate::library::jobs::SCHEMA)
        .map_err(|e| e.to_string())?;
    if version == 1 {
        conn.execute_batch("ALTER TABLE jobs ADD COLUMN owner TEXT;")
            .map_err(|e| e.to_string())?;
    }
    // History search (additive, no version bump: a writer that does not know the column leaves
    // it NULL, and history.rs folds such rows before it searches).
    if !has_column(conn, "history", "search_text")? {
        conn.execute_batch("ALTER TABLE history ADD COLUMN search_text TEXT;")
            .map_err(|e| e.to_string())?;
    }
    // Prepared uploads (issue 13): sent size, location, pixel size; additive (prepared.rs).
    prepared::migrate(conn)?;
    // Private uploads (issue 12): Wix takes `private` only at upload time, so the job keeps it
    // and a resumed or retried job stays private (additive; older writers leave it 0, public).
    if !has_column(conn, "jobs", "private")? {
        conn.execute_batch("ALTER TABLE jobs ADD COLUMN private INTEGER NOT NULL DEFAULT 0;")
            .map_err(|e| e.to_string())?;
    }
    // ...and its history entry too, so History offers a temporary link, not a URL that 403s.
    if !has_column(conn, "history", "private")? {
        conn.execute_batch("ALTER TABLE history ADD COLUMN private INTEGER NOT NULL DEFAULT 0;")
            .map_err(|e| e.to_string())?;
    }
    // Look-ups that ran over whole tables once a journal held thousands of uploads:
    // `knows_file` (a listing's files matched against history) and a watched folder's
    // `knows_file_version` (by path). Additive: an index only speeds reads up.
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS history_unfolded ON history(id) WHERE search_text IS NULL;
         CREATE INDEX IF NOT EXISTS history_file ON history(site_id, wix_file_id);
         CREATE INDEX IF NOT EXISTS jobs_path ON jobs(path);",
    )
    .map_err(|e| e.to_string())?;
    // Names instead of IDs (additive, see names.rs): the site's name and the folder's path with
    // each entry, and what is known about names; older entries are filled from what is known.
    conn.execute_batch(names::SCHEMA)
        .map_err(|e| e.to_string())?;
    if !has_column(conn, "history", "folder_path")? {
        conn.execute_batch(
            "ALTER TABLE history ADD COLUMN site_name TEXT;
             ALTER TABLE history ADD COLUMN folder_path TEXT;",
        )
        .map_err(|e| e.to_string())?;
        conn.execute_batch(names::BACKFILL)
            .map_err(|e| e.to_string())?;
    }
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool, String> {
    let mut st = conn
        .prepare(&format!("PRAGMA table_info({table})"))
        .map_err(|e| e.to_string())?;
    let names = st
        .query_map([], |r| r.get::<_, String>(1))
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok(names.iter().any(|n| n == column))
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_moved_aside_and_a_fresh_journal_works() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("wixdrop.sqlite3");
        std::fs::write(&p, b"this is not a database, just some bytes that are long enough to look like a header....").unwrap();
        let o = Journal::open(&p).unwrap();
        let w = o.warning.clone().expect("warned");
        assert!(w.contains("damaged") && w.contains(".damaged-"), "{w}");
        assert!(o.journal.unfinished().unwrap().is_empty());
        let kept = std::fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert_eq!(kept, 1);
        // Re-opening the fresh one is quiet.
        drop(o);
        assert!(Journal::open(&p).unwrap().warning.is_none());
    }

    #[test]
    fn file_and_path_look_ups_use_an_index() {
        let d = tempfile::tempdir().unwrap();
        let o = Journal::open(&d.path().join("j.sqlite3")).unwrap();
        let plan = |sql: &str| -> String {
            let conn = o.journal.conn();
            let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = st.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
        };
        let p = plan("SELECT COUNT(*) FROM history WHERE site_id = 's' AND wix_file_id = 'f'");
        assert!(p.contains("history_file"), "{p}");
        let p = plan("SELECT 1 FROM jobs WHERE path = '/a' AND (state IN ('queued') OR (size = 1 AND mtime_ns IS NULL)) LIMIT 1");
        assert!(p.contains("jobs_path"), "{p}");
    }
}
