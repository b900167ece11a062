//! The upload engine: files from disk to a Wix site's Media Manager, fast and honest.
//!
//! - [`engine::Engine`]: the queue (concurrency, pause, cancel, retry, bandwidth cap, progress
//!   events) and the resume of unfinished jobs after a restart.
//! - [`journal::Journal`]: the SQLite journal every job is written to before its first byte,
//!   plus the upload history and the watched-folder definitions.
//! - [`mime`]: what a file is (content first, then extension) and the configurable size limits.
//! - `simple` / `tus`: the two transfer protocols (one streamed `PUT`; tus 1.0.0 + finalise).
//! - [`watch`]: watched folders, queued once a file's size has settled.
//!
//! Keys flow in through [`UploadRequest`] or the engine's key resolver and are never written
//! down: the journal names the profile.

pub mod engine;
pub mod error;
mod flow;
mod folders;
mod job;
pub mod journal;
pub mod mime;
mod owner;
mod progress;
pub mod scan;
mod simple;
mod source;
mod transfer;
mod tus;
pub mod types;
pub mod watch;

pub use engine::{Engine, EngineConfig, KeyResolver};
pub use error::UploadError;
pub use journal::{
    HistoryEntry, HistoryMonth, HistoryPage, HistoryQuery, Journal, JournalError, Opened, WatchDef,
};
pub use mime::{Limits, MediaType};
pub use progress::BoardSizes;
pub use types::{
    requests_for, Destination, GroupSummary, JobFailure, JobId, JobView, QueueEvent, QueueOverview,
    RowFilter, RowPage, RowQuery, Stage, StageCounts, TotalProgress, UploadEvent, UploadRequest,
    UploadedFile,
};
