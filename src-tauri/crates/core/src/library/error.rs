//! Library failures in plain words. Wix's own error (status, code, message) is kept for the
//! details; what a person reads first says what happened and what to do: a key without the
//! Media Manager permissions gets the same diagnosis as when the key is verified, an unknown
//! id says it was deleted or belongs to another site, an expired page cursor says to reload.

use crate::upload::JournalError;
use crate::verify::diagnose_media_error;
use crate::wix::{ErrorKind, WixError};

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// 401/403: the key is refused or lacks Read/Manage Media Manager.
    #[error("{summary} {fix} (Wix said: {detail})")]
    Permission {
        summary: String,
        fix: String,
        detail: String,
        guide_anchor: Option<String>,
    },
    #[error("There is no file {id} on this site: it was deleted for good, or it belongs to another site. Refresh the list; check the site chosen.")]
    FileNotFound { id: String },
    #[error("The folder {id} is no longer there (deleted or moved to the trash meanwhile). Refresh the list and choose the folder again.")]
    FolderNotFound { id: String },
    #[error("There is no folder {path} on this site. Check the spelling (folders are matched by name, one level at a time) or create it with `wixdrop folders mk`.")]
    NoSuchPath { path: String },
    #[error("The list's page link expired, or the list changed while it was being read. Load the list again from the top.")]
    CursorExpired,
    #[error("{0}")]
    BadInput(String),
    #[error("Wix: {0}")]
    Wix(WixError),
    #[error("The Library's job journal could not be used: {0}")]
    Journal(#[from] JournalError),
}

impl LibraryError {
    /// A stable kind for the CLI's `--json` errors and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            LibraryError::Permission { .. } => "permission",
            LibraryError::FileNotFound { .. } => "file_not_found",
            LibraryError::FolderNotFound { .. } => "folder_not_found",
            LibraryError::NoSuchPath { .. } => "no_such_path",
            LibraryError::CursorExpired => "cursor_expired",
            LibraryError::BadInput(_) => "invalid_input",
            LibraryError::Wix(WixError::Network(_)) => "network",
            LibraryError::Wix(_) => "wix",
            LibraryError::Journal(_) => "journal",
        }
    }

    /// Bad input (exit 2 in the CLI) rather than a failure (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            LibraryError::BadInput(_) | LibraryError::NoSuchPath { .. }
        )
    }

    /// A Wix error about `subject` (a file or folder id, when the call was about one).
    pub fn from_wix(e: WixError, subject: Subject<'_>) -> LibraryError {
        let Some(api) = e.api() else {
            return LibraryError::Wix(e);
        };
        match api.kind {
            ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => {
                let v = diagnose_media_error(&e);
                LibraryError::Permission {
                    summary: v.summary,
                    fix: v.fix,
                    detail: api_detail(&e),
                    guide_anchor: v.guide_anchor,
                }
            }
            ErrorKind::NotFound => {
                let code = api.code.as_deref().unwrap_or("");
                match subject {
                    _ if code.contains("FOLDER") => LibraryError::FolderNotFound {
                        id: subject.id().unwrap_or("?").to_owned(),
                    },
                    Subject::File(id) => LibraryError::FileNotFound { id: id.to_owned() },
                    Subject::Folder(id) => LibraryError::FolderNotFound { id: id.to_owned() },
                    Subject::None => LibraryError::Wix(e),
                }
            }
            ErrorKind::BadRequest
                if api.violations.iter().any(|v| v.field.contains("cursor"))
                    || api
                        .server_message
                        .as_deref()
                        .is_some_and(|m| m.contains("cursor")) =>
            {
                LibraryError::CursorExpired
            }
            _ => LibraryError::Wix(e),
        }
    }
}

fn api_detail(e: &WixError) -> String {
    match e.api() {
        Some(a) => {
            let mut s = format!("HTTP {}", a.status);
            if let Some(c) = &a.code {
                s.push_str(&format!(" {c}"));
            }
            if let Some(m) = &a.server_message {
                s.push_str(&format!(": {m}"));
            }
            s
        }
        None => e.to_string(),
    }
}

/// What a call was about, for turning a 404 into the right sentence.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    None,
    File(&'a str),
    Folder(&'a str),
}

impl<'a> Subject<'a> {
    fn id(&self) -> Option<&'a str> {
        match self {
            Subject::File(id) | Subject::Folder(id) => Some(id),
            Subject::None => None,
        }
    }
}

pub type LibraryResult<T> = Result<T, LibraryError>;
