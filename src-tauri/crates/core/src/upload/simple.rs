//! Small files: generate-upload-url, then one streamed `PUT` of the raw bytes (wix-api.md §4).
//!
//! A plain upload cannot resume, so every failure is a question: did Wix keep the file? A
//! refusal with a status means no, and the same URL is tried again (it is spent only by a
//! success). A dropped connection or a spent token means maybe: look in the destination folder
//! first, and only then send the whole file again with a fresh URL.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use url::Url;

use super::error::UploadError;
use super::journal::Protocol;
use super::source::{body, ReadFailure};
use super::transfer::{backoff, find_uploaded, read_file, send, Ctx, Failure};
use crate::retry::Outcome;
use crate::wix::media::{generate_upload_url, FileDescriptor};

/// `resumed`: the journal says a previous run may have sent this file already.
pub(crate) async fn upload(
    ctx: &Ctx<'_>,
    resumed: bool,
    attempt_started: Option<i64>,
) -> Result<FileDescriptor, UploadError> {
    if resumed {
        if let Some(f) = find_uploaded(ctx, attempt_started).await {
            return Ok(f);
        }
    }
    let mut url: Option<Url> = None;
    let mut started: Option<i64> = None;
    let mut retry = 0;
    let mut fresh_urls = 0;
    loop {
        ctx.flow.gate().await?;
        let u = match &url {
            Some(u) => u.clone(),
            None => {
                let raw =
                    generate_upload_url(ctx.client, ctx.key, ctx.site_id, &ctx.target).await?;
                let u = Url::parse(&raw).map_err(|e| {
                    UploadError::Protocol(format!("the upload URL is not a URL ({e})"))
                })?;
                ctx.journal
                    .begin_transfer(ctx.id, Protocol::Simple, u.as_str(), None)?;
                started = ctx.journal.require(ctx.id)?.attempt_started;
                url = Some(u.clone());
                u
            }
        };
        ctx.flow.set_bytes(0);
        let failure = ReadFailure::default();
        let b = body(ctx.path, 0, ctx.size, &ctx.flow, &failure).await?;
        let req = ctx
            .client
            .http()
            .put(u.clone())
            .header(CONTENT_TYPE, &ctx.target.mime_type)
            .header(CONTENT_LENGTH, ctx.size)
            .body(b);
        let f: Failure = match send(req, &u, Some(&failure)).await {
            Ok(resp) => match read_file(resp, &u).await {
                Ok(file) => return Ok(file),
                Err(f) => f,
            },
            Err(f) => f,
        };
        let spent = f.status() == Some(403) && f.code() == Some("UPLOAD_TOKEN_ALREADY_USED");
        if f.outcome == Outcome::ConnectionFailed || spent {
            // The bytes may have arrived and only the answer was lost.
            if let Some(found) = find_uploaded(ctx, started).await {
                return Ok(found);
            }
            url = None;
        }
        if spent && fresh_urls < 2 {
            fresh_urls += 1;
            continue;
        }
        backoff(ctx, &mut retry, f).await?;
    }
}
