//! The upload engine's vocabulary, shared with the UI (ts-rs) and the CLI.
//!
//! Views and events are plain data: the UI renders them, the CLI prints them, and neither can
//! get a key out of them — requests carry keys in, nothing carries them back.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::mime::MediaType;
use crate::secret::ApiKey;
use crate::wix::media::{OperationStatus, MEDIA_ROOT};
use crate::wix::Diagnosis;

/// A job's id: its row in the journal, stable across restarts.
// A newtype serializes as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export, type = "number")]
pub struct JobId(pub i64);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Where in the Media Manager files go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum Destination {
    /// An existing folder (`media-root` for the top level).
    FolderId(String),
    /// A folder path below the top level (`/events/2024`); missing folders are created.
    Path(String),
}

impl Default for Destination {
    fn default() -> Self {
        Destination::FolderId(MEDIA_ROOT.into())
    }
}

impl Destination {
    /// The base folder id and the folder names below it.
    pub(crate) fn split(&self) -> (String, Vec<String>) {
        match self {
            Destination::FolderId(id) if id.trim().is_empty() => (MEDIA_ROOT.into(), Vec::new()),
            Destination::FolderId(id) => (id.trim().to_string(), Vec::new()),
            Destination::Path(p) => (MEDIA_ROOT.into(), path_segments(p)),
        }
    }
}

/// `/a//b/ ` → `["a", "b"]`.
pub(crate) fn path_segments(p: &str) -> Vec<String> {
    p.split(['/', '\\'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_string)
        .collect()
}

/// One thing to upload: a file, or a folder whose tree is mirrored.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub path: PathBuf,
    /// The profile the key belongs to; the journal keeps this name, never the key.
    pub profile: String,
    pub key: ApiKey,
    pub site_id: String,
    pub folder: Destination,
    /// Upload even when the same content is already in this site and folder.
    pub upload_anyway: bool,
    /// Make private files (`private: true` at upload time; Wix cannot change it later). Only
    /// earlier private uploads count as duplicates of a private one, and public of public.
    pub private: bool,
}

/// Convenience for callers that only have paths: one request per path, same target, public
/// (set [`UploadRequest::private`] on each for private files).
pub fn requests_for(
    paths: Vec<PathBuf>,
    profile: &str,
    key: &ApiKey,
    site_id: &str,
    folder: Destination,
    upload_anyway: bool,
) -> Vec<UploadRequest> {
    paths
        .into_iter()
        .map(|path| UploadRequest {
            path,
            profile: profile.into(),
            key: key.clone(),
            site_id: site_id.into(),
            folder: folder.clone(),
            upload_anyway,
            private: false,
        })
        .collect()
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Stage {
    Queued,
    Hashing,
    /// Location removed / made web-ready into a temporary copy (`prepare`).
    Preparing,
    Uploading,
    /// Uploaded; Wix is still processing (video, audio).
    Processing,
    Done,
    Failed,
    Cancelled,
    SkippedDuplicate,
}

impl Stage {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Stage::Done | Stage::Failed | Stage::Cancelled | Stage::SkippedDuplicate
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Queued => "queued",
            Stage::Hashing => "hashing",
            Stage::Preparing => "preparing",
            Stage::Uploading => "uploading",
            Stage::Processing => "processing",
            Stage::Done => "done",
            Stage::Failed => "failed",
            Stage::Cancelled => "cancelled",
            Stage::SkippedDuplicate => "skipped_duplicate",
        }
    }
    pub fn parse(s: &str) -> Option<Stage> {
        [
            Stage::Queued,
            Stage::Hashing,
            Stage::Preparing,
            Stage::Uploading,
            Stage::Processing,
            Stage::Done,
            Stage::Failed,
            Stage::Cancelled,
            Stage::SkippedDuplicate,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// The file as Wix has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UploadedFile {
    pub file_id: String,
    pub url: Option<String>,
    pub status: Option<OperationStatus>,
}

/// Why a job failed: our sentence, plus the server's own words when it refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JobFailure {
    /// One line for lists and the CLI.
    pub message: String,
    /// Wix's message, unaltered (apart from token redaction), when Wix refused.
    pub server_message: Option<String>,
    /// HTTP status when Wix refused.
    pub status: Option<u16>,
    pub diagnosis: Option<Diagnosis>,
}

/// Everything the UI shows about one job.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct JobView {
    pub id: JobId,
    /// The drop (or resume, or watched folder) this job came from: a [`GroupSummary::batch`].
    pub batch: u32,
    pub path: String,
    pub file_name: String,
    pub profile: String,
    pub site_id: String,
    /// Folder ids/names as requested, e.g. `media-root/holiday/day1`.
    pub folder: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime_type: Option<String>,
    pub media_type: Option<MediaType>,
    pub stage: Stage,
    /// Bytes hashed (while hashing) or confirmed sent (while uploading).
    #[ts(type = "number")]
    pub bytes_done: u64,
    /// Smoothed bytes per second.
    pub rate: f64,
    pub eta_secs: Option<f64>,
    pub file: Option<UploadedFile>,
    /// For `skipped_duplicate`: the earlier upload of the same content.
    pub duplicate_of: Option<UploadedFile>,
    pub error: Option<JobFailure>,
    /// Not fatal: e.g. over a configured (unconfirmed) size limit, or resumed after a restart.
    pub warning: Option<String>,
    /// How the file was prepared (location, web-ready), once it was.
    pub prepared: Option<PreparedView>,
    /// Sent as a private file: its URL answers 403, a temporary download link opens it.
    pub private: bool,
}

/// A job's prepared copy, as the queue shows it ("location removed", bytes saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreparedView {
    pub location: crate::prepare::Location,
    /// Bytes sent (the original's size when it was sent as it is).
    #[ts(type = "number")]
    pub sent_size: u64,
    /// The original's size.
    #[ts(type = "number")]
    pub original_size: u64,
}

/// The whole queue at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TotalProgress {
    pub jobs: u32,
    pub finished: u32,
    pub failed: u32,
    #[ts(type = "number")]
    pub bytes_total: u64,
    #[ts(type = "number")]
    pub bytes_done: u64,
    pub rate: f64,
    pub eta_secs: Option<f64>,
    pub paused: bool,
}

/// Jobs counted by where they are. `active` is hashing, uploading or Wix processing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StageCounts {
    pub queued: u32,
    pub active: u32,
    pub done: u32,
    pub failed: u32,
    pub cancelled: u32,
    pub skipped: u32,
}

impl StageCounts {
    pub fn add(&mut self, stage: Stage) {
        match stage {
            Stage::Queued => self.queued += 1,
            Stage::Hashing | Stage::Preparing | Stage::Uploading | Stage::Processing => {
                self.active += 1
            }
            Stage::Done => self.done += 1,
            Stage::Failed => self.failed += 1,
            Stage::Cancelled => self.cancelled += 1,
            Stage::SkippedDuplicate => self.skipped += 1,
        }
    }
    /// The opposite of [`StageCounts::add`] (a job left this stage).
    pub fn remove(&mut self, stage: Stage) {
        let n = match stage {
            Stage::Queued => &mut self.queued,
            Stage::Hashing | Stage::Preparing | Stage::Uploading | Stage::Processing => {
                &mut self.active
            }
            Stage::Done => &mut self.done,
            Stage::Failed => &mut self.failed,
            Stage::Cancelled => &mut self.cancelled,
            Stage::SkippedDuplicate => &mut self.skipped,
        };
        *n = n.saturating_sub(1);
    }
    /// Every job counted.
    pub fn jobs(&self) -> u32 {
        self.queued + self.active + self.done + self.failed + self.cancelled + self.skipped
    }
    /// Jobs not in a final state.
    pub fn unfinished(&self) -> u32 {
        self.queued + self.active
    }
}

/// One drop (a dropped folder, the loose files of one drop, the jobs resumed at start-up, a
/// watched folder): "Holiday 2026 — 2,412 files, 1,900 done, 3 failed".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GroupSummary {
    /// Stable for the engine's life; [`RowQuery::batch`] names it.
    pub batch: u32,
    /// The dropped folder's name, the file's name, "12 files", "Resumed from the last session"…
    pub label: String,
    /// Files found so far while the folder is still being walked; `None` once it is queued.
    pub preparing: Option<u32>,
    pub counts: StageCounts,
    #[ts(type = "number")]
    pub bytes_total: u64,
    #[ts(type = "number")]
    pub bytes_done: u64,
}

/// The queue as the window shows it, sent at most once per ~100 ms whatever the batch size:
/// its size grows with the number of drops, never with the number of files.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QueueOverview {
    pub counts: StageCounts,
    /// Bytes of the jobs that will be (or were) sent; skipped, cancelled and failed jobs do not
    /// count.
    #[ts(type = "number")]
    pub bytes_total: u64,
    #[ts(type = "number")]
    pub bytes_done: u64,
    /// Smoothed bytes per second over all running transfers.
    pub rate: f64,
    pub eta_secs: Option<f64>,
    pub paused: bool,
    /// Something is queued, running, or still being prepared (a folder walk).
    pub busy: bool,
    /// Files found so far by folder walks still in progress.
    pub preparing: u32,
    /// Groups with failures first, then newest first.
    pub groups: Vec<GroupSummary>,
    /// Grows with every change to any job: rows on screen are asked for again when it moves.
    #[ts(type = "number")]
    pub revision: u64,
}

/// Which rows of the queue the window wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowFilter {
    All,
    /// `failed` only.
    Failed,
    /// Queued, hashing, uploading or processing.
    InProgress,
    /// Done, skipped as a duplicate, or cancelled.
    Done,
}

impl RowFilter {
    pub fn admits(self, s: Stage) -> bool {
        match self {
            RowFilter::All => true,
            RowFilter::Failed => s == Stage::Failed,
            RowFilter::InProgress => !s.is_final(),
            RowFilter::Done => s.is_final() && s != Stage::Failed,
        }
    }
}

/// A window of rows: `limit` rows from `offset` of one group (or all), filtered. In `all`,
/// failures come first, then jobs in progress, then finished ones; oldest first within each.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct RowQuery {
    pub batch: Option<u32>,
    pub filter: RowFilter,
    pub offset: u32,
    /// At most 500 rows are returned.
    pub limit: u32,
}

/// The rows asked for, and how many rows the query has in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RowPage {
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<JobView>,
    /// The [`QueueOverview::revision`] these rows are from.
    #[ts(type = "number")]
    pub revision: u64,
}

/// What the window receives: coalesced overviews, and notices.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum QueueEvent {
    Overview { overview: Box<QueueOverview> },
    Notice { message: String },
}

/// What the engine reports, throttled to about 10 per second per job; stage changes are never
/// dropped.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum UploadEvent {
    Job {
        job: Box<JobView>,
    },
    Total {
        total: TotalProgress,
    },
    /// Something the user should know once (journal recreated, jobs resumed…).
    Notice {
        message: String,
    },
}
