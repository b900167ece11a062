//! Why one upload failed, in words a person can act on. One file's failure never stops the
//! batch: the engine records it on that job and moves on.

use super::journal::JournalError;
use super::mime::OverLimit;
use super::types::JobFailure;
use crate::wix::WixError;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0} is gone: it was moved or deleted before it could be uploaded.")]
    Vanished(String),
    #[error("{0} is empty (0 bytes); Wix does not accept empty files.")]
    Empty(String),
    #[error("Wixdrop cannot read {path}: {detail}. Check the file's permissions.")]
    Unreadable { path: String, detail: String },
    #[error("{0} is not a regular file.")]
    NotAFile(String),
    #[error("{0} changed while it was being read; upload it again once it is complete.")]
    Changed(String),
    #[error("{0}")]
    OverLimit(OverLimit),
    #[error("{0}")]
    Wix(#[from] WixError),
    #[error("{0}")]
    Journal(#[from] JournalError),
    #[error("No API key for profile \"{profile}\": {detail}")]
    NoKey { profile: String, detail: String },
    #[error("The upload server answered in a way Wixdrop does not understand: {0}")]
    Protocol(String),
    #[error("Wix received {0} but could not process it (status FAILED). Try re-exporting the file in a common format.")]
    ProcessingFailed(String),
    #[error("The upload reached Wix, but Wixdrop could not confirm which file it became; check the Media Manager before uploading it again.")]
    Unconfirmed,
    #[error("{0}")]
    Prepare(String),
    #[error("Cancelled.")]
    Cancelled,
    #[error("Another running Wixdrop (the app or a `wixdrop` command) is sending this upload; it is left to that one.")]
    OwnedElsewhere,
}

impl UploadError {
    /// The serializable form for views and events.
    pub fn failure(&self) -> JobFailure {
        let api = match self {
            UploadError::Wix(w) => w.api(),
            _ => None,
        };
        JobFailure {
            message: self.to_string(),
            server_message: api.and_then(|a| {
                let mut m = a.server_message.clone()?;
                for v in &a.violations {
                    m.push_str(&format!(" [{}: {}]", v.field, v.description));
                }
                Some(m)
            }),
            status: api.map(|a| a.status),
            diagnosis: api.map(|a| a.diagnosis()),
        }
    }

    pub(crate) fn from_io(path: &std::path::Path, e: &std::io::Error) -> UploadError {
        let p = path.display().to_string();
        match e.kind() {
            std::io::ErrorKind::NotFound => UploadError::Vanished(p),
            _ => UploadError::Unreadable {
                path: p,
                detail: e.to_string(),
            },
        }
    }
}
