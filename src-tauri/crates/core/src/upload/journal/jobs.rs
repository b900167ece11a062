//! Job rows: created before the first byte, updated at every step that matters for a resume.

use std::path::PathBuf;

use rusqlite::{params, OptionalExtension, Row};

use super::{now_ms, Journal, JournalError};
use crate::upload::mime::MediaType;
use crate::upload::types::{JobId, Stage};
use crate::wix::media::FileDescriptor;

/// How the bytes travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Simple,
    Tus,
}

/// What is known about a job when it is enqueued.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub path: PathBuf,
    pub size: u64,
    pub profile: String,
    pub site_id: String,
    pub base_folder_id: String,
    pub sub_path: Vec<String>,
    pub upload_anyway: bool,
    /// Upload as a private file (`private: true`; cannot change after upload).
    pub private: bool,
}

/// One row of `jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: JobId,
    pub path: PathBuf,
    pub file_name: String,
    pub size: u64,
    pub mtime_ns: Option<i64>,
    pub sha256: Option<String>,
    pub profile: String,
    pub site_id: String,
    pub base_folder_id: String,
    pub sub_path: Vec<String>,
    pub folder_id: Option<String>,
    pub file_path: Option<String>,
    pub folder_key: Option<String>,
    pub mime_type: Option<String>,
    pub media_type: Option<MediaType>,
    pub upload_anyway: bool,
    pub state: Stage,
    pub protocol: Option<Protocol>,
    pub upload_url: Option<String>,
    pub upload_token: Option<String>,
    pub tus_location: Option<String>,
    pub confirmed_offset: u64,
    pub attempt_started: Option<i64>,
    pub wix_file_id: Option<String>,
    pub wix_url: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
    /// Wix's `operationStatus` when the file was last seen (`PENDING`, `READY`, `FAILED`).
    pub operation_status: Option<String>,
    /// Bytes sent when a prepared copy was (`prepared.rs`).
    pub sent_size: Option<u64>,
    /// What happened to its location data, once prepared.
    pub location: Option<crate::prepare::Location>,
    /// Sent with `private: true` (a private file on Wix).
    pub private: bool,
}

impl NewJob {
    /// The file's name as the queue shows it.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// `media-root/a/b`, as [`JobRecord::folder_label`].
    pub fn folder_label(&self) -> String {
        std::iter::once(self.base_folder_id.as_str())
            .chain(self.sub_path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl JobRecord {
    /// `media-root/a/b` — the destination as the user chose it.
    pub fn folder_label(&self) -> String {
        std::iter::once(self.base_folder_id.as_str())
            .chain(self.sub_path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }
}

const COLUMNS: &str = "id, path, file_name, size, mtime_ns, sha256, profile, site_id, base_folder_id, sub_path, folder_id, file_path, folder_key, mime_type, media_type, upload_anyway, state, protocol, upload_url, upload_token, tus_location, confirmed_offset, attempt_started, wix_file_id, wix_url, error, created_at, operation_status, sent_size, location, private";

fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    let sub: String = r.get(9)?;
    let state: String = r.get(16)?;
    let protocol: Option<String> = r.get(17)?;
    Ok(JobRecord {
        id: JobId(r.get(0)?),
        path: PathBuf::from(r.get::<_, String>(1)?),
        file_name: r.get(2)?,
        size: r.get::<_, i64>(3)?.max(0) as u64,
        mtime_ns: r.get(4)?,
        sha256: r.get(5)?,
        profile: r.get(6)?,
        site_id: r.get(7)?,
        base_folder_id: r.get(8)?,
        sub_path: serde_json::from_str(&sub).unwrap_or_default(),
        folder_id: r.get(10)?,
        file_path: r.get(11)?,
        folder_key: r.get(12)?,
        mime_type: r.get(13)?,
        media_type: r
            .get::<_, Option<String>>(14)?
            .map(|m| MediaType::parse(&m)),
        upload_anyway: r.get::<_, i64>(15)? != 0,
        state: Stage::parse(&state).unwrap_or(Stage::Failed),
        protocol: match protocol.as_deref() {
            Some("simple") => Some(Protocol::Simple),
            Some("tus") => Some(Protocol::Tus),
            _ => None,
        },
        upload_url: r.get(18)?,
        upload_token: r.get(19)?,
        tus_location: r.get(20)?,
        confirmed_offset: r.get::<_, i64>(21)?.max(0) as u64,
        attempt_started: r.get(22)?,
        wix_file_id: r.get(23)?,
        wix_url: r.get(24)?,
        error: r.get(25)?,
        created_at: r.get(26)?,
        operation_status: r.get(27)?,
        sent_size: r.get::<_, Option<i64>>(28)?.map(|n| n.max(0) as u64),
        location: r
            .get::<_, Option<String>>(29)?
            .as_deref()
            .and_then(crate::prepare::Location::parse),
        private: r.get::<_, i64>(30)? != 0,
    })
}

impl Journal {
    pub(crate) fn insert_job(&self, j: &NewJob, owner: &str) -> Result<JobId, JournalError> {
        let now = now_ms();
        let name = j
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| j.path.display().to_string());
        let c = self.conn();
        c.execute(
            "INSERT INTO jobs (path, file_name, size, profile, site_id, base_folder_id, sub_path, upload_anyway, state, created_at, updated_at, owner, private)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9, ?10, ?11)",
            params![j.path.to_string_lossy(), name, j.size as i64, j.profile, j.site_id, j.base_folder_id, serde_json::to_string(&j.sub_path).unwrap_or_else(|_| "[]".into()), j.upload_anyway as i64, now, owner, j.private as i64],
        )?;
        Ok(JobId(c.last_insert_rowid()))
    }

    /// Journal many new jobs in one transaction (a dropped folder is written 500 at a time,
    /// not one commit per file). Ids in the order given.
    pub(crate) fn insert_jobs(
        &self,
        jobs: &[NewJob],
        owner: &str,
    ) -> Result<Vec<JobId>, JournalError> {
        let now = now_ms();
        let mut c = self.conn();
        let tx = c.transaction()?;
        let mut ids = Vec::with_capacity(jobs.len());
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO jobs (path, file_name, size, profile, site_id, base_folder_id, sub_path, upload_anyway, state, created_at, updated_at, owner, private)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9, ?10, ?11)",
            )?;
            for j in jobs {
                st.execute(params![
                    j.path.to_string_lossy(),
                    j.file_name(),
                    j.size as i64,
                    j.profile,
                    j.site_id,
                    j.base_folder_id,
                    serde_json::to_string(&j.sub_path).unwrap_or_else(|_| "[]".into()),
                    j.upload_anyway as i64,
                    now,
                    owner,
                    j.private as i64
                ])?;
                ids.push(JobId(tx.last_insert_rowid()));
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// End many jobs in one transaction (cancelling a batch of thousands).
    pub(crate) fn finish_many(&self, ids: &[JobId], stage: Stage) -> Result<(), JournalError> {
        let now = now_ms();
        let mut c = self.conn();
        let tx = c.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "UPDATE jobs SET state = ?2, finished_at = ?3, updated_at = ?3 WHERE id = ?1",
            )?;
            for id in ids {
                st.execute(params![id.0, stage.as_str(), now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn job(&self, id: JobId) -> Result<Option<JobRecord>, JournalError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
                [id.0],
                from_row,
            )
            .optional()?)
    }

    /// Many jobs by id, in one query per 500 ids (a page of the queue's finished rows), in no
    /// particular order; ids not in the journal are left out.
    pub fn jobs_by_ids(&self, ids: &[JobId]) -> Result<Vec<JobRecord>, JournalError> {
        let c = self.conn();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM jobs WHERE id IN ({marks})"))?;
            let rows = st.query_map(
                rusqlite::params_from_iter(chunk.iter().map(|id| id.0)),
                from_row,
            )?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    pub(crate) fn require(&self, id: JobId) -> Result<JobRecord, JournalError> {
        self.job(id)?.ok_or(JournalError::NoSuchJob(id.0))
    }

    /// Jobs that were neither finished nor given up: what a restart resumes, oldest first.
    pub fn unfinished(&self) -> Result<Vec<JobRecord>, JournalError> {
        let c = self.conn();
        let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM jobs WHERE state IN ('queued','hashing','preparing','uploading','processing') ORDER BY id"))?;
        let rows = st.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Make `me` the job's owner unless another engine that `alive` says is running owns it.
    /// Compare-and-swap on the owner seen, so two engines cannot both take a job.
    pub(crate) fn claim(
        &self,
        id: JobId,
        me: &str,
        alive: impl Fn(&str) -> bool,
    ) -> Result<bool, JournalError> {
        let current: Option<String> = self
            .conn()
            .query_row("SELECT owner FROM jobs WHERE id = ?1", [id.0], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten();
        match current.as_deref() {
            Some(o) if o == me => return Ok(true),
            Some(o) if alive(o) => return Ok(false),
            _ => {}
        }
        let n = self.conn().execute(
            "UPDATE jobs SET owner = ?2 WHERE id = ?1 AND owner IS ?3",
            params![id.0, me, current],
        )?;
        Ok(n == 1)
    }

    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<(), JournalError> {
        self.conn().execute(sql, p)?;
        Ok(())
    }

    pub(crate) fn set_stage(&self, id: JobId, stage: Stage) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET state = ?2, finished_at = ?3, updated_at = ?3 WHERE id = ?1",
            params![id.0, stage.as_str(), now_ms()],
        )
    }

    /// What the file looked like before its first byte went out; the size and mtime let a
    /// resume notice a changed file. The content hash comes later (`set_sha256`).
    pub(crate) fn set_facts(
        &self,
        id: JobId,
        size: u64,
        mtime_ns: Option<i64>,
        mime: &str,
        media: MediaType,
    ) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET size = ?2, mtime_ns = ?3, sha256 = NULL, mime_type = ?4, media_type = ?5, updated_at = ?6 WHERE id = ?1",
            params![id.0, size as i64, mtime_ns, mime, media.as_str(), now_ms()],
        )
    }

    pub(crate) fn set_sha256(&self, id: JobId, sha256: &str) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET sha256 = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.0, sha256, now_ms()],
        )
    }

    pub(crate) fn set_folder(
        &self,
        id: JobId,
        folder_id: Option<&str>,
        file_path: Option<&str>,
        folder_key: &str,
    ) -> Result<(), JournalError> {
        self.exec("UPDATE jobs SET folder_id = ?2, file_path = ?3, folder_key = ?4, updated_at = ?5 WHERE id = ?1", params![id.0, folder_id, file_path, folder_key, now_ms()])
    }

    /// A new transfer attempt: forget old URLs and offsets, note when bytes start to go out.
    pub(crate) fn begin_transfer(
        &self,
        id: JobId,
        protocol: Protocol,
        upload_url: &str,
        upload_token: Option<&str>,
    ) -> Result<(), JournalError> {
        let p = match protocol {
            Protocol::Simple => "simple",
            Protocol::Tus => "tus",
        };
        self.exec(
            "UPDATE jobs SET state = 'uploading', protocol = ?2, upload_url = ?3, upload_token = ?4, tus_location = NULL, confirmed_offset = 0, attempt_started = ?5, updated_at = ?5 WHERE id = ?1",
            params![id.0, p, upload_url, upload_token, now_ms()],
        )
    }

    pub(crate) fn set_tus_location(&self, id: JobId, location: &str) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET tus_location = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.0, location, now_ms()],
        )
    }

    pub(crate) fn set_offset(&self, id: JobId, offset: u64) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET confirmed_offset = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.0, offset as i64, now_ms()],
        )
    }

    /// Wix has the file (maybe still processing).
    pub(crate) fn set_uploaded(&self, id: JobId, f: &FileDescriptor) -> Result<(), JournalError> {
        let status = f.operation_status.map(|s| s.as_str());
        self.exec(
            "UPDATE jobs SET state = 'processing', wix_file_id = ?2, wix_url = ?3, operation_status = ?4, upload_token = NULL, upload_url = NULL, updated_at = ?5 WHERE id = ?1",
            params![id.0, f.id, f.url, status, now_ms()],
        )
    }

    /// Done: the job row and its history entry in one transaction.
    pub(crate) fn finish_done(
        &self,
        id: JobId,
        file_id: &str,
        url: Option<&str>,
        status: Option<&str>,
    ) -> Result<(), JournalError> {
        let job = self.require(id)?;
        let now = now_ms();
        let mut c = self.conn();
        let tx = c.transaction()?;
        tx.execute(
            "UPDATE jobs SET state = 'done', wix_file_id = ?2, wix_url = ?3, operation_status = ?4, upload_token = NULL, upload_url = NULL, tus_location = NULL, error = NULL, finished_at = ?5, updated_at = ?5 WHERE id = ?1",
            params![id.0, file_id, url, status, now],
        )?;
        let label = job.folder_label();
        let site_name = super::names::site_name(&tx, &job.site_id);
        let folder_path = super::names::path_of(&tx, &job.site_id, &label);
        tx.execute(
            "INSERT INTO history (job_id, path, file_name, size, sha256, profile, site_id, folder_key, folder_label, wix_file_id, url, mime_type, media_type, uploaded_at, site_name, folder_path, private)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                id.0,
                job.path.to_string_lossy(),
                job.file_name,
                job.size as i64,
                job.sha256.clone().unwrap_or_default(),
                job.profile,
                job.site_id,
                job.folder_key.clone().unwrap_or_else(|| label.clone()),
                label,
                file_id,
                url,
                job.mime_type,
                job.media_type.map(|m| m.as_str()),
                now,
                site_name,
                folder_path,
                job.private as i64
            ],
        )?;
        tx.execute(super::prepared::CARRY_TO_HISTORY, params![id.0])?;
        tx.commit()?;
        Ok(())
    }

    /// Failed, cancelled or skipped: final, with the reason.
    pub(crate) fn finish(
        &self,
        id: JobId,
        stage: Stage,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        self.exec("UPDATE jobs SET state = ?2, error = ?3, finished_at = ?4, updated_at = ?4 WHERE id = ?1", params![id.0, stage.as_str(), error, now_ms()])
    }

    /// Skipped as a duplicate of `earlier`, which is noted on the job (its row in the queue
    /// names the earlier upload once the board keeps only a summary of it).
    pub(crate) fn finish_duplicate(
        &self,
        id: JobId,
        earlier: &crate::upload::types::UploadedFile,
    ) -> Result<(), JournalError> {
        self.exec("UPDATE jobs SET state = 'skipped_duplicate', error = NULL, wix_file_id = ?2, wix_url = ?3, operation_status = ?4, finished_at = ?5, updated_at = ?5 WHERE id = ?1", params![id.0, earlier.file_id, earlier.url, earlier.status.map(|s| s.as_str()), now_ms()])
    }

    /// Put a failed or cancelled job back in the queue (retry). A tus upload keeps its location
    /// and offset, so a retry after a long outage continues rather than starts over.
    pub(crate) fn requeue(&self, id: JobId, upload_anyway: bool) -> Result<(), JournalError> {
        self.exec(
            "UPDATE jobs SET state = 'queued', error = NULL, finished_at = NULL, upload_anyway = ?2, wix_file_id = NULL, wix_url = NULL, updated_at = ?3 WHERE id = ?1",
            params![id.0, upload_anyway as i64, now_ms()],
        )
    }

    /// Whether this Wix file id is already recorded as someone's upload (so a look-up for a
    /// lost answer never claims an older upload).
    pub(crate) fn knows_file(&self, site_id: &str, file_id: &str) -> Result<bool, JournalError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM history WHERE site_id = ?1 AND wix_file_id = ?2",
            params![site_id, file_id],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}
