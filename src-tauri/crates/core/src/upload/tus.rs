//! Large files: generate-resumable-upload-url, tus 1.0.0, then the finalising `PUT`
//! (wix-api.md §5), with no tus library: the protocol is four requests.
//!
//! - `POST uploadUrl` (Upload-Length, Upload-Metadata filename/contentType/token) → `Location`,
//!   resolved relative to `uploadUrl`, written to the journal at once.
//! - `PATCH Location` per chunk (`chunk_size_bytes`), each streamed from disk; the offset the
//!   server acknowledges is written to the journal.
//! - On any interruption: `HEAD Location` and continue from the server's `Upload-Offset` — the
//!   server is the truth, the journal only says where to ask.
//! - `PUT {uploadUrl}/{uploadToken}?filename=` with `{}` turns the bytes into a Media Manager
//!   file. If that answer is lost, the token is spent: a repeat is refused, and the file is
//!   looked up in its folder instead of being uploaded a second time. A resumed session whose
//!   tus resource is gone (404) is probed the same way before anything is sent again.

use base64::Engine as _;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::Method;
use url::Url;

use super::error::UploadError;
use super::journal::{JobRecord, Protocol};
use super::source::{body, ReadFailure};
use super::transfer::{backoff, find_uploaded, read_file, send, Ctx, Failure};
use crate::wix::media::{generate_resumable_upload_url, FileDescriptor};

const TUS: &str = "1.0.0";

/// A tus upload in progress.
#[derive(Debug, Clone)]
struct Session {
    upload_url: Url,
    token: String,
    location: Url,
}

/// Upload (or continue uploading) the file. `prior`: the journal's record of an earlier run;
/// its session is resumed when it has one and the file is unchanged (`prior_valid`).
pub(crate) async fn upload(
    ctx: &Ctx<'_>,
    prior: Option<&JobRecord>,
) -> Result<FileDescriptor, UploadError> {
    let mut session = prior.and_then(saved_session);
    let mut started = prior.and_then(|p| p.attempt_started);
    let mut need_head = session.is_some();
    let mut offset = 0u64;
    let mut retry = 0u32;
    let mut restarts = 0u32;
    loop {
        ctx.flow.gate().await?;
        let step = async {
            let s = match &session {
                Some(s) => s.clone(),
                None => {
                    let s = create(ctx).await?;
                    started = ctx.journal.require(ctx.id)?.attempt_started;
                    session = Some(s.clone());
                    need_head = false;
                    offset = 0;
                    ctx.flow.set_bytes(0);
                    s
                }
            };
            if need_head {
                offset = head(ctx, &s).await?;
                need_head = false;
                ctx.journal.set_offset(ctx.id, offset)?;
                ctx.flow.set_bytes(offset);
            }
            if offset >= ctx.size {
                return finalise(ctx, &s).await.map(Some);
            }
            let n = ctx.chunk_size.min(ctx.size - offset);
            let new = patch(ctx, &s, offset, n).await?;
            if new <= offset || new > ctx.size {
                return Err(Failure::permanent(UploadError::Protocol(format!(
                    "the tus server moved the offset from {offset} to {new}"
                ))));
            }
            offset = new;
            ctx.journal.set_offset(ctx.id, offset)?;
            ctx.flow.set_bytes(offset);
            Ok::<_, Failure>(None)
        };
        match step.await {
            Ok(Some(file)) => return Ok(file),
            Ok(None) => retry = 0,
            Err(f) => {
                if matches!(f.error, UploadError::Cancelled) {
                    return Err(f.error);
                }
                // The upload resource is gone. Either it expired, or it was finalised (a tus
                // server may drop it then) by a run that did not live to record it: the spent
                // token tells them apart. Only a never-finalised upload starts over.
                if matches!(f.status(), Some(404 | 410))
                    && f.code() != Some("UPLOAD_INCOMPLETE")
                    && restarts < 2
                {
                    if let Some(s) = session.take() {
                        match finalise(ctx, &s).await {
                            Ok(file) => return Ok(file),
                            Err(g)
                                if g.status() == Some(403)
                                    && g.code() == Some("UPLOAD_TOKEN_ALREADY_USED") =>
                            {
                                return find_uploaded(ctx, started)
                                    .await
                                    .ok_or(UploadError::Unconfirmed);
                            }
                            Err(_) => {}
                        }
                        restarts += 1;
                        continue;
                    }
                }
                match (f.status(), f.code()) {
                    // Someone else's offset (409) or an incomplete upload at finalise: ask again.
                    (Some(409), _) | (Some(400), Some("UPLOAD_INCOMPLETE")) => {
                        need_head = true;
                        backoff(
                            ctx,
                            &mut retry,
                            Failure {
                                outcome: crate::retry::Outcome::Status(503),
                                ..f
                            },
                        )
                        .await?;
                    }
                    // The finalise token is spent: an earlier finalise succeeded unseen.
                    (Some(403), Some("UPLOAD_TOKEN_ALREADY_USED")) => {
                        return find_uploaded(ctx, started)
                            .await
                            .ok_or(UploadError::Unconfirmed);
                    }
                    _ => {
                        need_head = session.is_some();
                        backoff(ctx, &mut retry, f).await?;
                    }
                }
            }
        }
    }
}

fn saved_session(p: &JobRecord) -> Option<Session> {
    if p.protocol != Some(Protocol::Tus) {
        return None;
    }
    let upload_url = Url::parse(p.upload_url.as_deref()?).ok()?;
    let location = Url::parse(p.tus_location.as_deref()?).ok()?;
    Some(Session {
        upload_url,
        token: p.upload_token.clone()?,
        location,
    })
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

async fn create(ctx: &Ctx<'_>) -> Result<Session, Failure> {
    let r = generate_resumable_upload_url(ctx.client, ctx.key, ctx.site_id, &ctx.target)
        .await
        .map_err(UploadError::from)?;
    let upload_url = Url::parse(&r.upload_url).map_err(|e| {
        UploadError::Protocol(format!("the resumable upload URL is not a URL ({e})"))
    })?;
    ctx.journal.begin_transfer(
        ctx.id,
        Protocol::Tus,
        upload_url.as_str(),
        Some(&r.upload_token),
    )?;
    let metadata = format!(
        "filename {},contentType {},token {}",
        b64(&ctx.target.file_name),
        b64(&ctx.target.mime_type),
        b64(&r.upload_token)
    );
    let mut retry = 0;
    loop {
        let req = ctx
            .client
            .http()
            .post(upload_url.clone())
            .header("Tus-Resumable", TUS)
            .header("Upload-Length", ctx.size)
            .header("Upload-Metadata", &metadata)
            .header(CONTENT_LENGTH, 0);
        match send(req, &upload_url, None).await {
            Ok(resp) => {
                let loc = resp
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        UploadError::Protocol(
                            "the tus server created an upload but sent no Location".into(),
                        )
                    })?;
                let location = upload_url.join(loc).map_err(|e| {
                    UploadError::Protocol(format!("the tus Location {loc:?} is not a URL ({e})"))
                })?;
                ctx.journal.set_tus_location(ctx.id, location.as_str())?;
                return Ok(Session {
                    upload_url,
                    token: r.upload_token,
                    location,
                });
            }
            Err(f) => backoff(ctx, &mut retry, f).await?,
        }
    }
}

async fn head(ctx: &Ctx<'_>, s: &Session) -> Result<u64, Failure> {
    let req = ctx
        .client
        .http()
        .request(Method::HEAD, s.location.clone())
        .header("Tus-Resumable", TUS);
    let resp = send(req, &s.location, None).await?;
    offset_header(&resp)
}

fn offset_header(resp: &reqwest::Response) -> Result<u64, Failure> {
    resp.headers()
        .get("Upload-Offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            Failure::permanent(UploadError::Protocol(
                "the tus server sent no Upload-Offset".into(),
            ))
        })
}

async fn patch(ctx: &Ctx<'_>, s: &Session, offset: u64, len: u64) -> Result<u64, Failure> {
    let failure = ReadFailure::default();
    let b = body(ctx.path, offset, len, &ctx.flow, &failure).await?;
    let req = ctx
        .client
        .http()
        .patch(s.location.clone())
        .header("Tus-Resumable", TUS)
        .header("Upload-Offset", offset)
        .header(CONTENT_TYPE, "application/offset+octet-stream")
        .header(CONTENT_LENGTH, len)
        .body(b);
    let resp = send(req, &s.location, Some(&failure)).await;
    if resp.is_err() {
        // Whatever was counted in flight is unconfirmed; the next HEAD says what arrived.
        ctx.flow.set_bytes(offset);
    }
    offset_header(&resp?)
}

async fn finalise(ctx: &Ctx<'_>, s: &Session) -> Result<FileDescriptor, Failure> {
    let mut url = s.upload_url.clone();
    url.path_segments_mut()
        .map_err(|_| UploadError::Protocol("the resumable upload URL cannot take a path".into()))?
        .pop_if_empty()
        .push(&s.token);
    url.query_pairs_mut()
        .append_pair("filename", &ctx.target.file_name);
    let req = ctx
        .client
        .http()
        .put(url.clone())
        .header(CONTENT_TYPE, "application/json")
        .body("{}");
    let resp = send(req, &url, None).await?;
    read_file(resp, &url).await
}
