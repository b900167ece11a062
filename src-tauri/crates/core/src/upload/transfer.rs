//! What both transfer protocols share: the job's context, sending a request to an upload host
//! and classifying what went wrong, and the look-up that stops a lost answer from turning into
//! a second copy of the file.
//!
//! Upload hosts get no `Authorization` and no `wix-site-id`: the URLs and tokens Wix hands out
//! are the only credentials they see, so a key never leaves for a host it was not meant for.

use std::path::Path;
use std::time::Duration;

use reqwest::{RequestBuilder, Response};
use url::Url;

use super::error::UploadError;
use super::flow::Flow;
use super::journal::Journal;
use super::source::ReadFailure;
use super::types::JobId;
use crate::retry::{Outcome, RetryPolicy};
use crate::secret::ApiKey;
use crate::wix::client::{is_connection_failure, network_error, read_error};
use crate::wix::media::{recent_files, FileDescriptor, FileEnvelope, UploadTarget};
use crate::wix::{WixClient, WixError};

/// Everything a transfer needs about its job.
pub(crate) struct Ctx<'a> {
    pub client: &'a WixClient,
    pub journal: &'a Journal,
    pub id: JobId,
    pub key: &'a ApiKey,
    pub site_id: &'a str,
    pub path: &'a Path,
    pub size: u64,
    pub target: UploadTarget,
    /// The resolved destination folder, for looking up a file whose answer was lost.
    pub folder_id: Option<String>,
    pub chunk_size: u64,
    pub flow: Flow,
}

impl Ctx<'_> {
    pub fn retry(&self) -> &RetryPolicy {
        self.client.retry_policy()
    }
}

/// One failed attempt: the error to report if we give up, and what retrying needs to know.
pub(crate) struct Failure {
    pub error: UploadError,
    pub outcome: Outcome,
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn permanent(error: UploadError) -> Failure {
        Failure {
            error,
            outcome: Outcome::Permanent,
            retry_after: None,
        }
    }
    pub fn status(&self) -> Option<u16> {
        match self.outcome {
            Outcome::Status(s) => Some(s),
            _ => None,
        }
    }
    pub fn code(&self) -> Option<&str> {
        match &self.error {
            UploadError::Wix(w) => w.api().and_then(|a| a.code.as_deref()),
            _ => None,
        }
    }
}

impl From<super::journal::JournalError> for Failure {
    fn from(e: super::journal::JournalError) -> Failure {
        Failure::permanent(e.into())
    }
}

impl From<UploadError> for Failure {
    fn from(e: UploadError) -> Failure {
        Failure::permanent(e)
    }
}

/// Send, and sort the outcome: success, a Wix-shaped refusal, a network failure, or a local
/// read failure inside the body (the file vanished or changed mid-upload).
pub(crate) async fn send(
    req: RequestBuilder,
    url: &Url,
    body_failure: Option<&ReadFailure>,
) -> Result<Response, Failure> {
    match req.send().await {
        Ok(resp) if resp.status().is_success() => Ok(resp),
        Ok(resp) => {
            let e = read_error(resp).await;
            Err(Failure {
                outcome: Outcome::Status(e.status),
                retry_after: e.retry_after,
                error: UploadError::Wix(WixError::Api(e)),
            })
        }
        Err(e) => {
            if let Some(local) = body_failure.and_then(ReadFailure::take) {
                return Err(Failure::permanent(local));
            }
            let outcome = if is_connection_failure(&e) {
                Outcome::ConnectionFailed
            } else {
                Outcome::Permanent
            };
            Err(Failure {
                error: UploadError::Wix(network_error(url, &e)),
                outcome,
                retry_after: None,
            })
        }
    }
}

/// Read `{ "file": {...} }` from an upload host's answer.
pub(crate) async fn read_file(resp: Response, url: &Url) -> Result<FileDescriptor, Failure> {
    let bytes = resp.bytes().await.map_err(|e| Failure {
        error: UploadError::Wix(network_error(url, &e)),
        outcome: Outcome::ConnectionFailed,
        retry_after: None,
    })?;
    serde_json::from_slice::<FileEnvelope>(&bytes)
        .map(|e| e.file)
        .map_err(|e| {
            Failure::permanent(UploadError::Protocol(format!(
                "the upload answer had no file descriptor ({e})"
            )))
        })
}

/// After an answer was lost (connection dropped after the bytes went out, or a token turned
/// out to be spent): is our file already in the destination folder?
///
/// A match is a file with the same name and size, created after this attempt started, that no
/// earlier upload in the history claims. Needs Read Media Manager; without it (or without a
/// resolved folder) this answers `None` and the caller uploads again — the remaining risk of a
/// duplicate, documented in the engine's module docs.
pub(crate) async fn find_uploaded(
    ctx: &Ctx<'_>,
    attempt_started_ms: Option<i64>,
) -> Option<FileDescriptor> {
    let folder = ctx.folder_id.as_deref()?;
    let files = recent_files(ctx.client, ctx.key, ctx.site_id, folder, 100)
        .await
        .ok()?;
    let since = attempt_started_ms.map(|ms| ms - 10 * 60 * 1000);
    files.into_iter().find(|f| {
        f.display_name == ctx.target.file_name
            && f.size_in_bytes.is_none_or(|s| s == ctx.size)
            && !ctx.journal.knows_file(ctx.site_id, &f.id).unwrap_or(true)
            && match (since, f.created_date.as_deref().and_then(parse_ms)) {
                (Some(since), Some(created)) => created >= since,
                _ => true,
            }
    })
}

fn parse_ms(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Wait as the retry policy says, or give up with the failure's error.
pub(crate) async fn backoff(ctx: &Ctx<'_>, retry: &mut u32, f: Failure) -> Result<(), UploadError> {
    match ctx.retry().delay(*retry, f.outcome, f.retry_after) {
        Some(wait) => {
            *retry += 1;
            ctx.flow.sleep(wait).await
        }
        None => Err(f.error),
    }
}
