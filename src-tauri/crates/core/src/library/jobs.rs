//! Library writes that must survive a restart: imports from URLs and copies to another site,
//! as rows of the journal's `library_jobs` table (added with `CREATE TABLE IF NOT EXISTS`; the
//! schema version is untouched, see `upload::journal::init`).
//!
//! A job goes `queued → importing → processing → done | failed`. Because an import is not
//! idempotent, the attempt is counted in the journal *before* the import call; a job found with
//! an attempt but no Wix file id (the app or CLI died between the call and its answer) first
//! searches the site for a file of the same name and source URL, and adopts it instead of
//! importing again. A copy of a private file records the download link it imports from, so the
//! same check works for it. Polling resumes from `processing` with the recorded id.

use std::time::Duration;

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::api::{bulk_files, BulkAction, Site};
use super::error::{LibraryError, LibraryResult};
use super::file::LibraryFile;
use super::import::{
    bulk_import, explain_failure, find_imported, import_file, name_from_url, wait_ready,
    ImportRequest,
};
use crate::upload::journal::now_ms;
use crate::upload::{Journal, JournalError};

/// The table, created by the journal's `init` (additive, no version bump).
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS library_jobs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,            -- import | copy
    profile        TEXT NOT NULL,
    site_id        TEXT NOT NULL,            -- where the file is imported
    url            TEXT NOT NULL,            -- what Wix fetches (a copy's download link once made)
    display_name   TEXT NOT NULL,
    folder_id      TEXT,
    file_path      TEXT,
    private        INTEGER NOT NULL DEFAULT 0,
    source_site    TEXT,                     -- copy: the site it comes from
    source_file_id TEXT,                     -- copy: the file there
    state          TEXT NOT NULL,            -- queued | importing | processing | done | failed
    attempts       INTEGER NOT NULL DEFAULT 0,
    wix_file_id    TEXT,
    wix_url        TEXT,
    error          TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS library_jobs_state ON library_jobs(state);
"#;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportStage {
    Queued,
    Importing,
    Processing,
    Done,
    Failed,
}

impl ImportStage {
    fn as_str(self) -> &'static str {
        match self {
            ImportStage::Queued => "queued",
            ImportStage::Importing => "importing",
            ImportStage::Processing => "processing",
            ImportStage::Done => "done",
            ImportStage::Failed => "failed",
        }
    }
    fn parse(s: &str) -> ImportStage {
        match s {
            "queued" => ImportStage::Queued,
            "importing" => ImportStage::Importing,
            "processing" => ImportStage::Processing,
            "done" => ImportStage::Done,
            _ => ImportStage::Failed,
        }
    }
    pub fn is_final(self) -> bool {
        matches!(self, ImportStage::Done | ImportStage::Failed)
    }
}

/// A job as the journal holds it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportJob {
    #[ts(type = "number")]
    pub id: i64,
    /// `import` or `copy`.
    pub kind: String,
    pub profile: String,
    pub site_id: String,
    pub url: String,
    pub display_name: String,
    pub folder_id: Option<String>,
    pub file_path: Option<String>,
    pub private: bool,
    pub source_site: Option<String>,
    pub source_file_id: Option<String>,
    pub stage: ImportStage,
    #[ts(type = "number")]
    pub attempts: i64,
    pub wix_file_id: Option<String>,
    pub wix_url: Option<String>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
}

/// A new job.
#[derive(Debug, Clone, Default)]
pub struct NewImport {
    pub kind: &'static str,
    pub profile: String,
    pub site_id: String,
    pub request: ImportRequest,
    pub source_site: Option<String>,
    pub source_file_id: Option<String>,
}

const COLS: &str = "id, kind, profile, site_id, url, display_name, folder_id, file_path, private, source_site, source_file_id, state, attempts, wix_file_id, wix_url, error";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ImportJob> {
    Ok(ImportJob {
        id: r.get(0)?,
        kind: r.get(1)?,
        profile: r.get(2)?,
        site_id: r.get(3)?,
        url: r.get(4)?,
        display_name: r.get(5)?,
        folder_id: r.get(6)?,
        file_path: r.get(7)?,
        private: r.get::<_, i64>(8)? != 0,
        source_site: r.get(9)?,
        source_file_id: r.get(10)?,
        stage: ImportStage::parse(&r.get::<_, String>(11)?),
        attempts: r.get(12)?,
        wix_file_id: r.get(13)?,
        wix_url: r.get(14)?,
        error: r.get(15)?,
    })
}

/// The journal's Library jobs.
pub struct ImportJournal<'a>(pub &'a Journal);

impl ImportJournal<'_> {
    /// Records a job (queued) and returns its id.
    pub fn add(&self, j: &NewImport) -> Result<i64, JournalError> {
        let now = now_ms();
        let name = j
            .request
            .display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| name_from_url(&j.request.url));
        let conn = self.0.conn();
        conn.execute(
            "INSERT INTO library_jobs (kind, profile, site_id, url, display_name, folder_id, file_path, private, source_site, source_file_id, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', ?11, ?11)",
            params![
                j.kind,
                j.profile,
                j.site_id,
                j.request.url.trim(),
                name.trim(),
                j.request.folder_id,
                j.request.file_path,
                j.request.private as i64,
                j.source_site,
                j.source_file_id,
                now
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    pub fn get(&self, id: i64) -> Result<Option<ImportJob>, JournalError> {
        Ok(self
            .0
            .conn()
            .query_row(
                &format!("SELECT {COLS} FROM library_jobs WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    /// Jobs not yet done or failed, oldest first.
    pub fn unfinished(&self) -> Result<Vec<ImportJob>, JournalError> {
        let conn = self.0.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {COLS} FROM library_jobs WHERE state NOT IN ('done', 'failed') ORDER BY id"
        ))?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The most recent jobs (newest first), for the queue view.
    pub fn recent(&self, limit: u32) -> Result<Vec<ImportJob>, JournalError> {
        let conn = self.0.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {COLS} FROM library_jobs ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = st.query_map([limit], from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn set(
        &self,
        id: i64,
        stage: ImportStage,
        file: Option<&LibraryFile>,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        self.0.conn().execute(
            "UPDATE library_jobs SET state = ?2, wix_file_id = COALESCE(?3, wix_file_id), wix_url = COALESCE(?4, wix_url), error = ?5, updated_at = ?6 WHERE id = ?1",
            params![
                id,
                stage.as_str(),
                file.map(|f| f.id.clone()),
                file.and_then(|f| f.url.clone()),
                error,
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// Ends an unfinished job as failed, with why (a run that could not go on).
    pub fn fail(&self, id: i64, why: &str) -> Result<(), JournalError> {
        self.0.conn().execute(
            "UPDATE library_jobs SET state = 'failed', error = ?2, updated_at = ?3 WHERE id = ?1 AND state NOT IN ('done', 'failed')",
            params![id, why, now_ms()],
        )?;
        Ok(())
    }

    /// Puts failed jobs back in the queue for another run, forgetting the file of a failed
    /// attempt (so Wix is asked to fetch it again) and the error. Jobs not failed are left
    /// alone. Returns the jobs now queued, for the caller to run.
    pub fn retry(&self, ids: &[i64]) -> Result<Vec<ImportJob>, JournalError> {
        let mut out = Vec::new();
        for id in ids {
            let changed = self.0.conn().execute(
                "UPDATE library_jobs SET state = 'queued', error = NULL, wix_file_id = NULL, wix_url = NULL, updated_at = ?2 WHERE id = ?1 AND state = 'failed'",
                params![id, now_ms()],
            )?;
            if changed == 1 {
                out.extend(self.get(*id)?);
            }
        }
        Ok(out)
    }

    /// Forgets the finished jobs (done or failed): they leave the list (a done one stays in
    /// History). Unfinished jobs are kept. Returns how many were forgotten.
    pub fn clear_finished(&self) -> Result<usize, JournalError> {
        Ok(self.0.conn().execute(
            "DELETE FROM library_jobs WHERE state IN ('done', 'failed')",
            [],
        )?)
    }

    /// Counts an attempt (before the import call) and, for a copy, the URL it imports from.
    pub fn begin_attempt(&self, id: i64, url: &str) -> Result<(), JournalError> {
        self.0.conn().execute(
            "UPDATE library_jobs SET attempts = attempts + 1, state = 'importing', url = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, url, now_ms()],
        )?;
        Ok(())
    }
}

/// How long a run waits for Wix to finish processing before leaving the job `processing`
/// (the next run picks the polling up again).
pub const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// The progress a runner reports: the job as it now stands.
pub type Report<'r> = &'r (dyn Fn(&ImportJob) + Send + Sync);

/// Runs jobs of one site to the end (or to [`READY_TIMEOUT`]): those never attempted go
/// through Bulk Import in batches of up to 100; those attempted before are first looked for on
/// the site; then every imported file is polled until READY or FAILED, and a FAILED one is
/// explained. Per-job failures are recorded and reported, never returned: only a refusal that
/// would fail them all (the key, the network) is an `Err`.
pub async fn run_jobs(
    journal: &Journal,
    site: &Site<'_>,
    ids: &[i64],
    report: Report<'_>,
) -> LibraryResult<Vec<ImportJob>> {
    let store = ImportJournal(journal);
    let mut jobs = Vec::new();
    for id in ids {
        if let Some(j) = store.get(*id)? {
            if !j.stage.is_final() {
                jobs.push(j);
            }
        }
    }
    // 1–2. Import what has no file yet, 100 a call. A call that fails as a whole (the network,
    // Wix busy) is tried again a few times with backoff; before each try, jobs attempted earlier
    // (in this run or one that died) are looked for on the site first.
    let fresh: Vec<usize> = (0..jobs.len())
        .filter(|i| jobs[*i].wix_file_id.is_none())
        .collect();
    for chunk in fresh.chunks(100) {
        let mut round = 0u32;
        loop {
            for i in chunk {
                let j = &mut jobs[*i];
                if j.wix_file_id.is_some() || j.attempts == 0 || j.stage.is_final() {
                    continue;
                }
                if let Some(f) = find_imported(site, &j.display_name, &j.url).await? {
                    store.set(j.id, ImportStage::Processing, Some(&f), None)?;
                    j.wix_file_id = Some(f.id);
                    j.stage = ImportStage::Processing;
                    report(j);
                }
            }
            let todo: Vec<usize> = chunk
                .iter()
                .copied()
                .filter(|i| jobs[*i].wix_file_id.is_none() && !jobs[*i].stage.is_final())
                .collect();
            if todo.is_empty() {
                break;
            }
            match import_batch(&store, site, &mut jobs, &todo, report).await {
                Ok(()) => break,
                Err(e) if retryable(&e) && round < 3 => {
                    round += 1;
                    tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(round))).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    // 3. Poll every imported file until it is ready or failed.
    for j in jobs.iter_mut().filter(|j| !j.stage.is_final()) {
        let Some(id) = j.wix_file_id.clone() else {
            continue;
        };
        match wait_ready(site, &id, READY_TIMEOUT).await {
            Ok(f) if f.status == "READY" => {
                store.set(j.id, ImportStage::Done, Some(&f), None)?;
                // In History beside uploads.
                let source = match (&j.source_site, &j.source_file_id) {
                    (Some(site), Some(file)) => format!("{site}/{file}"),
                    _ => j.url.clone(),
                };
                store
                    .0
                    .add_imported(&crate::upload::journal::ImportedEntry {
                        source: &source,
                        file_name: &f.display_name,
                        size: f.size.unwrap_or(0),
                        profile: &j.profile,
                        site_id: &j.site_id,
                        folder_id: &f.folder_id,
                        file_id: &f.id,
                        url: f.url.as_deref(),
                        media_type: &f.media_type,
                        private: f.private,
                    })?;
                j.stage = ImportStage::Done;
                j.wix_url = f.url.clone();
            }
            Ok(f) if f.status == "FAILED" => {
                let why = explain_failure(site.client.http(), &j.url).await;
                let msg = format!("Wix could not import {}: {why}", j.display_name);
                // Wix keeps a failed import as a broken file (`FAILED`, no bytes). It goes
                // for good, so the site is left as it was and a retry never adds a second
                // one; if Wix refuses, it stays, and the job still says why it failed.
                let _ =
                    bulk_files(site, std::slice::from_ref(&f.id), BulkAction::DeleteForGood).await;
                store.set(j.id, ImportStage::Failed, Some(&f), Some(&msg))?;
                j.stage = ImportStage::Failed;
                j.error = Some(msg);
            }
            Ok(_) => {} // still processing: left for the next run
            Err(LibraryError::FileNotFound { .. }) => {
                let msg = "The imported file was deleted on the site before it was ready.";
                store.set(j.id, ImportStage::Failed, None, Some(msg))?;
                j.stage = ImportStage::Failed;
                j.error = Some(msg.into());
            }
            Err(e) => return Err(e),
        }
        report(j);
    }
    Ok(jobs)
}

/// Counts the attempts (durably, before the call), imports `todo` (one Import File, or Bulk
/// Import for several) and records each answer. Per-URL refusals fail their job; a failure of
/// the whole call is returned.
async fn import_batch(
    store: &ImportJournal<'_>,
    site: &Site<'_>,
    jobs: &mut [ImportJob],
    todo: &[usize],
    report: Report<'_>,
) -> LibraryResult<()> {
    let reqs: Vec<ImportRequest> = todo.iter().map(|i| request_of(&jobs[*i])).collect();
    for i in todo {
        store.begin_attempt(jobs[*i].id, &jobs[*i].url)?;
        jobs[*i].attempts += 1;
        jobs[*i].stage = ImportStage::Importing;
        report(&jobs[*i]);
    }
    let results = if reqs.len() == 1 {
        match import_file(site, &reqs[0]).await {
            Ok(f) => vec![Ok(f)],
            Err(e) if stops_all(&e) => return Err(e),
            Err(e) => vec![Err(e.to_string())],
        }
    } else {
        bulk_import(site, &reqs).await?
    };
    for (i, r) in todo.iter().zip(results) {
        let j = &mut jobs[*i];
        match r {
            Ok(f) => {
                store.set(j.id, ImportStage::Processing, Some(&f), None)?;
                j.wix_file_id = Some(f.id.clone());
                j.wix_url = f.url.clone();
                j.stage = ImportStage::Processing;
            }
            Err(msg) => {
                store.set(j.id, ImportStage::Failed, None, Some(&msg))?;
                j.stage = ImportStage::Failed;
                j.error = Some(msg);
            }
        }
        report(j);
    }
    Ok(())
}

/// Worth another try of the same call: no answer, or Wix busy.
fn retryable(e: &LibraryError) -> bool {
    matches!(e, LibraryError::Wix(_)) && stops_all(e)
}

/// A failure that would fail every job of the run: the key, the network, Wix being down.
fn stops_all(e: &LibraryError) -> bool {
    match e {
        LibraryError::Permission { .. } | LibraryError::Journal(_) => true,
        LibraryError::Wix(w) => {
            w.network().is_some()
                || w.api().is_some_and(|a| {
                    matches!(
                        a.kind,
                        crate::wix::ErrorKind::ServerError | crate::wix::ErrorKind::RateLimited
                    )
                })
        }
        _ => false,
    }
}

fn request_of(j: &ImportJob) -> ImportRequest {
    ImportRequest {
        url: j.url.clone(),
        display_name: Some(j.display_name.clone()),
        folder_id: j.folder_id.clone(),
        file_path: j.file_path.clone(),
        private: j.private,
        mime_type: None,
    }
}
