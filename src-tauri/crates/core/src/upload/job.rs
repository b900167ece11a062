//! One job from start to finish: check the file, hash it, decide where it goes, skip it if it
//! is a duplicate, send it (plain or tus), and wait for Wix to finish processing it.
//!
//! Each step reads the journal first, so the same function serves a fresh job and one resumed
//! after a crash: a known hash of an unchanged file is reused, a resolved folder is kept, a
//! tus session continues, and an upload already on Wix only waits for processing.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::engine::Inner;
use super::error::UploadError;
use super::flow::Flow;
use super::folders::Resolved;
use super::journal::{JobRecord, Protocol};
use super::mime::{self, MediaType};
use super::source;
use super::transfer::Ctx;
use super::types::{JobId, Stage, UploadedFile};
use super::{simple, tus};
use crate::secret::ApiKey;
use crate::wix::limits::fit_file_name;
use crate::wix::media::{get_file, FileDescriptor, OperationStatus, UploadTarget};

/// How a job ended well.
pub(crate) enum Finish {
    Done {
        file: UploadedFile,
        warning: Option<String>,
    },
    Duplicate(UploadedFile),
}

pub(crate) async fn run(
    inner: &Arc<Inner>,
    id: JobId,
    key: Option<ApiKey>,
    cancel: CancellationToken,
) -> Result<Finish, UploadError> {
    let rec = inner.journal.require(id)?;
    let key = match key {
        Some(k) => k,
        None => (inner.keys)(&rec.profile).map_err(|detail| UploadError::NoKey {
            profile: rec.profile.clone(),
            detail,
        })?,
    };
    let flow = {
        let me = Arc::downgrade(inner);
        Flow {
            bandwidth: inner.bandwidth.clone(),
            paused: inner.paused.subscribe(),
            cancel: cancel.clone(),
            bytes: Arc::new(AtomicU64::new(0)),
            on_progress: Arc::new(move |n| {
                if let Some(i) = me.upgrade() {
                    i.progress(id, n)
                }
            }),
            hash: None,
        }
    };
    let mut warning: Option<String> = None;

    // Already on Wix from an earlier run: only processing is left.
    if rec.state == Stage::Processing {
        if let Some(file_id) = rec.wix_file_id.clone() {
            let file = FileDescriptor {
                id: file_id,
                display_name: rec.file_name.clone(),
                url: rec.wix_url.clone(),
                parent_folder_id: None,
                hash: None,
                size_in_bytes: Some(rec.size),
                media_type: None,
                operation_status: Some(OperationStatus::Pending),
                created_date: None,
                thumbnail_url: None,
                image: None,
            };
            return processed(inner, &rec, &key, &flow, file, warning).await;
        }
    }

    let facts = source::probe(&rec.path)?;
    // A transfer left by an earlier run is only continued for the very same file.
    let unchanged = rec.mime_type.is_some()
        && rec.size == facts.size
        && rec.mtime_ns == facts.mtime_ns
        && facts.mtime_ns.is_some();
    let (mime_type, media) = if unchanged {
        let m = rec
            .mime_type
            .clone()
            .unwrap_or_else(|| mime::UNKNOWN_MIME.into());
        let media = rec.media_type.unwrap_or_else(|| MediaType::of_mime(&m));
        (m, media)
    } else {
        let m = mime::detect_file(&rec.path).map_err(|e| UploadError::from_io(&rec.path, &e))?;
        let media = MediaType::of_mime(&m);
        inner
            .journal
            .set_facts(id, facts.size, facts.mtime_ns, &m, media)?;
        if rec.protocol.is_some() {
            warning = Some("The file changed since the interrupted upload; it is being sent again from the start.".into());
        }
        (m, media)
    };
    let prior = if unchanged { Some(&rec) } else { None };
    inner.change(id, |v| {
        v.mime_type = Some(mime_type.clone());
        v.media_type = Some(media);
        v.size = facts.size;
    });

    // Over a configured limit: refused or warned about, unless a web-ready copy may bring it
    // under (checked again below with the size that is sent).
    let may_shrink = media == MediaType::Image && inner.settings().prepare.optimize;
    if let Err(over) = inner.config.limits.check(media, facts.size) {
        if inner.config.limits.enforce && !may_shrink {
            return Err(UploadError::OverLimit(over));
        }
        if !may_shrink {
            warning = Some(over.to_string());
        }
    }

    let resolved = match (&rec.folder_key, &rec.folder_id, &rec.file_path) {
        (Some(k), folder_id, file_path) => Resolved {
            folder_id: folder_id.clone(),
            parent_id: folder_id
                .clone()
                .unwrap_or_else(|| rec.base_folder_id.clone()),
            file_path: file_path.clone(),
            key: k.clone(),
        },
        _ => {
            let mut r = inner
                .folders
                .resolve(
                    &inner.client,
                    &key,
                    &rec.site_id,
                    &rec.base_folder_id,
                    &rec.sub_path,
                )
                .await?;
            if rec.private {
                // Duplicates are matched on this key: private files only among private ones.
                r.key = format!("{}#private", r.key);
            }
            inner
                .journal
                .set_folder(id, r.folder_id.as_deref(), r.file_path.as_deref(), &r.key)?;
            r
        }
    };

    // Duplicates: only a file whose size matches an earlier upload to this folder can be one,
    // so only such a file is hashed before sending; every other file is hashed as it is sent.
    let settings = inner.settings();
    let mut sha = prior.and_then(|p| p.sha256.clone());

    // A tus upload resumed from an earlier run sends only its tail: hash the file first.
    if sha.is_none()
        && prior.is_some_and(|p| p.protocol == Some(Protocol::Tus) && p.tus_location.is_some())
    {
        let d = hash_file(inner, id, &rec, facts, &flow).await?;
        inner.journal.set_sha256(id, &d)?;
        sha = Some(d);
    }
    if settings.skip_duplicates
        && !rec.upload_anyway
        && prior.is_none_or(|p| p.protocol.is_none())
        && inner
            .journal
            .has_size(&rec.site_id, &resolved.key, facts.size)?
    {
        let digest = match sha.clone() {
            Some(d) => d,
            None => {
                let d = hash_file(inner, id, &rec, facts, &flow).await?;
                inner.journal.set_sha256(id, &d)?;
                sha = Some(d.clone());
                d
            }
        };
        if let Some(earlier) = inner
            .journal
            .find_duplicate(&rec.site_id, &resolved.key, &digest)?
        {
            return Ok(Finish::Duplicate(UploadedFile {
                file_id: earlier.file_id,
                url: earlier.url,
                status: None,
            }));
        }
    }
    // Preparing: a photo's location removed (or it made web-ready) into a temporary copy. The
    // original is what duplicates are matched on; the copy is what is sent.
    let mut send = Outgoing {
        path: rec.path.clone(),
        size: facts.size,
        copy: None,
    };
    let mut send_name = fit_file_name(&rec.file_name).into_owned();
    if settings.prepare.web_safe_names {
        send_name = fit_file_name(&crate::prepare::names::web_safe(&rec.file_name)).into_owned();
    }
    if media == MediaType::Image && settings.prepare.does_anything() {
        let p = prepare(inner, id, &rec, &settings.prepare, &flow).await?;
        if let Some(d) = p.original_sha256.clone().filter(|_| sha.is_none()) {
            inner.journal.set_sha256(id, &d)?;
            sha = Some(d);
        }
        inner
            .journal
            .set_prepared(id, p.sent_size, p.location, p.width, p.height)?;
        if !p.notes.is_empty() {
            warning = Some(p.notes.join(" "));
        }
        inner.change(id, |v| {
            v.prepared = Some(super::types::PreparedView {
                location: p.location,
                sent_size: p.sent_size,
                original_size: facts.size,
            });
        });
        if p.is_copy {
            inner.change(id, |v| v.size = p.sent_size);
            send = Outgoing {
                path: p.send.clone(),
                size: p.sent_size,
                copy: Some(CopyGuard(inner.clone(), p.send)),
            };
        }
    }
    if may_shrink {
        if let Err(over) = inner.config.limits.check(media, send.size) {
            if inner.config.limits.enforce {
                return Err(UploadError::OverLimit(over));
            }
            warning = Some(over.to_string());
        }
    }
    // A prepared copy is made anew each run: an earlier run's tus session is not continued
    // (a plain upload that may have landed is still looked for, as for any file).
    let tus_prior = if send.copy.is_some() { None } else { prior };
    let stream_hash =
        (sha.is_none() && send.copy.is_none()).then(|| Arc::new(source::StreamHash::default()));
    let flow = Flow {
        hash: stream_hash.clone(),
        ..flow
    };

    inner.change(id, |v| {
        v.stage = Stage::Uploading;
        v.bytes_done = prior.map(|p| p.confirmed_offset).unwrap_or(0);
    });
    let mut ctx = Ctx {
        client: &inner.client,
        journal: &inner.journal,
        id,
        key: &key,
        site_id: &rec.site_id,
        path: &send.path,
        size: send.size,
        target: UploadTarget {
            mime_type: mime_type.clone(),
            // Within Wix's 200 characters; the journal and history keep the full local name.
            file_name: send_name,
            size_in_bytes: send.size.to_string(),
            parent_folder_id: resolved.parent_id.clone(),
            file_path: resolved.file_path.clone(),
            private: rec.private,
        },
        folder_id: resolved.folder_id.clone(),
        chunk_size: settings.chunk_size_bytes.max(256 * 1024),
        flow: flow.clone(),
    };
    let prior_protocol = prior.and_then(|p| p.protocol);
    let tus = prior_protocol == Some(Protocol::Tus)
        || (prior_protocol.is_none() && send.size > settings.simple_upload_max_bytes);
    let attempt = if tus {
        tus::upload(&ctx, tus_prior).await
    } else {
        simple::upload(
            &ctx,
            prior_protocol == Some(Protocol::Simple),
            prior.and_then(|p| p.attempt_started),
        )
        .await
    };
    let file = match attempt {
        // Wix's advice when it refuses a file's type: send it as octet-stream and let it
        // detect the type from the file name's extension (wix-api.md §4.2). Once.
        Err(e) if is_type_refusal(&e) && ctx.target.mime_type != OCTET_STREAM => {
            let refused = std::mem::replace(&mut ctx.target.mime_type, OCTET_STREAM.into());
            warning = Some(format!("Wix refused the type {refused} ({e}); the file was sent as {OCTET_STREAM} so that Wix works the type out from its name."));
            if tus {
                tus::upload(&ctx, None).await?
            } else {
                simple::upload(&ctx, false, None).await?
            }
        }
        other => other?,
    };
    if sha.is_none() {
        // Hashed on the way out; from disk only if the stream somehow missed a range.
        let d = match stream_hash.as_ref().and_then(|h| h.finish(facts.size)) {
            Some(d) => d,
            None => hash_file(inner, id, &rec, facts, &flow).await?,
        };
        inner.journal.set_sha256(id, &d)?;
    }
    inner.journal.set_uploaded(id, &file)?;
    if source::probe(&rec.path).ok() != Some(facts) {
        warning = Some("The file changed while it was being uploaded; Wix has the version that was read. Upload it again if that matters.".into());
    }
    processed(inner, &rec, &key, &flow, file, warning).await
}

const OCTET_STREAM: &str = "application/octet-stream";

/// What goes out: the original, or a prepared copy (removed when the job ends, however).
struct Outgoing {
    path: std::path::PathBuf,
    size: u64,
    copy: Option<CopyGuard>,
}

struct CopyGuard(Arc<Inner>, std::path::PathBuf);

impl Drop for CopyGuard {
    fn drop(&mut self) {
        self.0.workspace.remove(&self.1);
    }
}

/// Stage "preparing": the copy made on a blocking thread, a few at a time.
async fn prepare(
    inner: &Arc<Inner>,
    id: JobId,
    rec: &JobRecord,
    opts: &crate::prepare::PrepareOptions,
    flow: &Flow,
) -> Result<crate::prepare::Prepared, UploadError> {
    inner.change(id, |v| {
        v.stage = Stage::Preparing;
        v.bytes_done = 0;
    });
    inner.journal.set_stage(id, Stage::Preparing)?;
    let _slot = tokio::select! {
        s = inner.prepare_slots.acquire() => s.map_err(|_| UploadError::Cancelled)?,
        _ = flow.cancel.cancelled() => return Err(UploadError::Cancelled),
    };
    let dir = inner
        .workspace
        .dir()
        .map_err(|e| UploadError::Prepare(format!("The temporary folder for prepared copies could not be made: {e}. Check free disk space.")))?
        .to_path_buf();
    let (src, opts) = (rec.path.clone(), opts.clone());
    let stem = format!("job-{}", id.0);
    tokio::task::spawn_blocking(move || crate::prepare::prepare(&src, &opts, &dir, &stem))
        .await
        .map_err(|e| UploadError::Prepare(format!("preparing the file stopped unexpectedly: {e}")))?
        .map_err(|e| UploadError::Prepare(e.to_string()))
}

/// Did Wix refuse the upload because of its MIME type?
fn is_type_refusal(e: &UploadError) -> bool {
    let Some(api) = (match e {
        UploadError::Wix(w) => w.api(),
        _ => None,
    }) else {
        return false;
    };
    let mentions_type = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.contains("mimetype")
            || t.contains("mime type")
            || t.contains("media type")
            || t.contains("content-type")
    };
    api.status == 415
        || (api.status == 400
            && (api
                .violations
                .iter()
                .any(|v| mentions_type(&v.field) || mentions_type(&v.description))
                || api.server_message.as_deref().is_some_and(mentions_type)))
}

/// Hash the whole file from disk (stage "hashing"), failing if it changes meanwhile.
async fn hash_file(
    inner: &Arc<Inner>,
    id: JobId,
    rec: &JobRecord,
    facts: source::Facts,
    flow: &Flow,
) -> Result<String, UploadError> {
    inner.change(id, |v| {
        v.stage = Stage::Hashing;
        v.bytes_done = 0;
    });
    inner.journal.set_stage(id, Stage::Hashing)?;
    let f = flow.clone();
    let sha = source::sha256(
        rec.path.clone(),
        facts.size,
        flow.cancel.clone(),
        move |n| f.set_bytes(n),
    )
    .await?;
    if source::probe(&rec.path)? != facts {
        return Err(UploadError::Changed(rec.path.display().to_string()));
    }
    Ok(sha)
}

/// Poll `get-file-by-id` while the file is `PENDING`, backing off, then finish.
async fn processed(
    inner: &Arc<Inner>,
    rec: &JobRecord,
    key: &ApiKey,
    flow: &Flow,
    mut file: FileDescriptor,
    mut warning: Option<String>,
) -> Result<Finish, UploadError> {
    let id = rec.id;
    let shown = UploadedFile {
        file_id: file.id.clone(),
        url: file.url.clone(),
        status: file.operation_status,
    };
    inner.change(id, |v| {
        v.stage = Stage::Processing;
        v.bytes_done = v.size;
        v.file = Some(shown);
    });
    let started = Instant::now();
    let mut wait = inner.config.poll_initial;
    while file.operation_status == Some(OperationStatus::Pending) {
        if started.elapsed() > inner.config.poll_timeout {
            warning = Some("Wix is still processing this file; it will appear in the Media Manager when it is ready.".into());
            break;
        }
        flow.sleep(wait).await?;
        wait = (wait.mul_f64(1.5)).min(inner.config.poll_max);
        match get_file(&inner.client, key, &rec.site_id, &file.id).await {
            Ok(f) => {
                file = FileDescriptor {
                    url: f.url.clone().or(file.url.clone()),
                    ..f
                }
            }
            Err(e) => {
                warning = Some(format!(
                    "Uploaded, but its processing could not be checked: {e}"
                ));
                break;
            }
        }
    }
    if file.operation_status == Some(OperationStatus::Failed) {
        return Err(UploadError::ProcessingFailed(rec.file_name.clone()));
    }
    inner.journal.finish_done(
        id,
        &file.id,
        file.url.as_deref(),
        file.operation_status.map(|s| s.as_str()),
    )?;
    Ok(Finish::Done {
        file: UploadedFile {
            file_id: file.id,
            url: file.url,
            status: file.operation_status,
        },
        warning,
    })
}
