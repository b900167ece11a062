//! A tus 1.0.0 server (core + creation + termination) and Wix's finalising `PUT`
//! (wix-api.md §5). Strict where the protocol is: every request but OPTIONS needs
//! `Tus-Resumable: 1.0.0` (412), PATCH needs `application/offset+octet-stream` (415) and the
//! exact current offset (409). Bytes a dropped PATCH delivered are kept, so HEAD + PATCH resumes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncSeekExt;

use crate::auth::refuse_key_on_upload;
use crate::body::copy_to_file;
use crate::error::{WixError, WixResult};
use crate::state::AppState;
use crate::store::TicketKind;
use crate::upload::{internal, partial_path, store_file, ticket, Received};
use crate::wire::{self, query_get};

pub const TUS_VERSION: &str = "1.0.0";
/// How long HEAD/PATCH wait for a PATCH still writing the same upload.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// One upload resource (`Location`).
pub struct TusUpload {
    pub token: String,
    pub length: u64,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub path: PathBuf,
    progress: tokio::sync::Mutex<Progress>,
    committed: AtomicU64,
}

struct Progress {
    offset: u64,
    hasher: Sha256,
}

/// Parses `Upload-Offset` / `Upload-Length`: plain decimal digits, nothing else.
pub fn parse_u64_header(raw: &str) -> Option<u64> {
    if raw.is_empty() || raw.len() > 20 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// Parses `Upload-Metadata`: `key base64,key base64,key` (a key may have no value).
pub fn parse_metadata(raw: &str) -> Option<HashMap<String, Vec<u8>>> {
    let mut out = HashMap::new();
    if raw.trim().is_empty() {
        return Some(out);
    }
    for pair in raw.split(',') {
        let pair = pair.trim();
        let (key, value) = match pair.split_once(' ') {
            Some((k, v)) => (k, v.trim()),
            None => (pair, ""),
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        if value.contains(' ') {
            return None;
        }
        let decoded = STANDARD
            .decode(value)
            .or_else(|_| STANDARD_NO_PAD.decode(value))
            .ok()?;
        if out.insert(key.to_owned(), decoded).is_some() {
            return None;
        }
    }
    Some(out)
}

fn tus_headers(resp: &mut Response) {
    resp.headers_mut()
        .insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
}

fn with_tus(status: StatusCode, headers: &[(&'static str, String)]) -> Response {
    let mut resp = status.into_response();
    tus_headers(&mut resp);
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            resp.headers_mut().insert(*name, v);
        }
    }
    resp
}

fn tus_error(err: WixError) -> Response {
    let mut resp = err.into_response();
    tus_headers(&mut resp);
    resp
}

#[allow(clippy::result_large_err)] // an early-return response, axum style
fn check_version(headers: &HeaderMap) -> Result<(), Response> {
    let ok = headers
        .get("tus-resumable")
        .is_some_and(|v| v.as_bytes() == TUS_VERSION.as_bytes());
    if ok {
        return Ok(());
    }
    let mut resp = tus_error(WixError::app(
        StatusCode::PRECONDITION_FAILED,
        "UNSUPPORTED_TUS_VERSION",
        "Tus-Resumable must be 1.0.0",
    ));
    resp.headers_mut()
        .insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    Err(resp)
}

fn bad(field: &str, description: &str) -> Response {
    tus_error(WixError::invalid(field, description, "FORMAT"))
}

fn text(map: &HashMap<String, Vec<u8>>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(|v| String::from_utf8(v.clone()).ok())
        .filter(|s| !s.is_empty())
}

/// `OPTIONS`: what this server speaks.
pub async fn options() -> Response {
    with_tus(
        StatusCode::NO_CONTENT,
        &[
            ("tus-version", TUS_VERSION.into()),
            ("tus-extension", "creation,termination".into()),
        ],
    )
}

/// `POST {uploadUrl}`: creates an upload resource from the token in `Upload-Metadata`.
pub async fn create(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(resp) = check_version(&headers) {
        return resp;
    }
    if let Err(e) = refuse_key_on_upload(&headers) {
        return tus_error(e);
    }
    if headers.contains_key("upload-defer-length") {
        return bad("Upload-Defer-Length", "deferred length is not supported");
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(length) = header("upload-length").and_then(parse_u64_header) else {
        return bad("Upload-Length", "must be a non-negative integer");
    };
    let Some(meta) = parse_metadata(header("upload-metadata").unwrap_or_default()) else {
        return bad(
            "Upload-Metadata",
            "must be comma-separated `key base64` pairs",
        );
    };
    let Some(token) = text(&meta, "token") else {
        return tus_error(WixError::forbidden("Upload-Metadata has no token"));
    };
    if let Err(e) = ticket(&state, &token, TicketKind::Resumable) {
        return tus_error(e);
    }
    let id = state.store().hex(16);
    let path = partial_path(&state, &format!("tus-{id}"));
    if let Err(e) = tokio::fs::File::create(&path).await {
        return tus_error(internal(e));
    }
    let upload = TusUpload {
        token: token.clone(),
        length,
        filename: text(&meta, "filename"),
        content_type: text(&meta, "contentType").or_else(|| text(&meta, "filetype")),
        path,
        progress: tokio::sync::Mutex::new(Progress {
            offset: 0,
            hasher: Sha256::new(),
        }),
        committed: AtomicU64::new(0),
    };
    state.tus_uploads().insert(id.clone(), Arc::new(upload));
    if let Some(t) = state.store().tickets.get_mut(&token) {
        t.tus_upload = Some(id.clone());
    }
    let location = format!("{}/tus/v1/files/{id}", state.base_url);
    with_tus(
        StatusCode::CREATED,
        &[("location", location), ("upload-offset", "0".into())],
    )
}

fn find(state: &AppState, id: &str) -> Option<Arc<TusUpload>> {
    state.tus_uploads().get(id).cloned()
}

fn not_found() -> Response {
    tus_error(WixError::not_found("UPLOAD_NOT_FOUND", "No such upload"))
}

/// `HEAD {Location}`: the offset to resume from.
pub async fn head(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = check_version(&headers) {
        return resp;
    }
    let Some(upload) = find(&state, &id) else {
        return with_tus(
            StatusCode::NOT_FOUND,
            &[("cache-control", "no-store".into())],
        );
    };
    // Wait for a PATCH still flushing, so the offset is the truth; fall back to the last commit.
    let offset = match tokio::time::timeout(LOCK_WAIT, upload.progress.lock()).await {
        Ok(p) => p.offset,
        Err(_) => upload.committed.load(Ordering::SeqCst),
    };
    with_tus(
        StatusCode::OK,
        &[
            ("upload-offset", offset.to_string()),
            ("upload-length", upload.length.to_string()),
            ("cache-control", "no-store".into()),
        ],
    )
}

/// `PATCH {Location}`: appends the body at `Upload-Offset`.
pub async fn patch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(resp) = check_version(&headers) {
        return resp;
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if crate::mime::essence(ct) != "application/offset+octet-stream" {
        return tus_error(WixError::app(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "PATCH needs Content-Type: application/offset+octet-stream",
        ));
    }
    let Some(upload) = find(&state, &id) else {
        return not_found();
    };
    let raw = headers.get("upload-offset").and_then(|v| v.to_str().ok());
    let Some(offset) = raw.and_then(parse_u64_header) else {
        return bad("Upload-Offset", "must be a non-negative integer");
    };
    let Ok(mut progress) = tokio::time::timeout(LOCK_WAIT, upload.progress.lock()).await else {
        return tus_error(WixError::app(
            StatusCode::LOCKED,
            "LOCKED",
            "Another PATCH is running",
        ));
    };
    if offset != progress.offset {
        return tus_error(WixError::app(
            StatusCode::CONFLICT,
            "OFFSET_MISMATCH",
            format!(
                "Upload-Offset {offset} does not match the current offset {}",
                progress.offset
            ),
        ));
    }
    let file = async {
        let mut f = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&upload.path)
            .await?;
        f.set_len(offset).await?;
        f.seek(std::io::SeekFrom::Start(offset)).await?;
        Ok::<_, std::io::Error>(f)
    };
    let file = match file.await {
        Ok(f) => f,
        Err(e) => return tus_error(internal(e)),
    };
    let room = upload.length - offset;
    let copied = copy_to_file(body, file, progress.hasher.clone(), Some(room)).await;
    if let Some(e) = copied.io_error {
        return tus_error(internal(e));
    }
    if copied.overflow {
        return bad("body", "the body goes past Upload-Length");
    }
    progress.offset += copied.bytes;
    progress.hasher = copied.hasher;
    upload.committed.store(progress.offset, Ordering::SeqCst);
    if let Some(e) = copied.body_error {
        return tus_error(WixError::invalid(
            "body",
            format!("interrupted: {e}"),
            "INCOMPLETE",
        ));
    }
    with_tus(
        StatusCode::NO_CONTENT,
        &[("upload-offset", progress.offset.to_string())],
    )
}

/// `DELETE {Location}` (termination).
pub async fn terminate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(resp) = check_version(&headers) {
        return resp;
    }
    let Some(upload) = state.tus_uploads().remove(&id) else {
        return not_found();
    };
    let _guard = upload.progress.lock().await;
    let _ = tokio::fs::remove_file(&upload.path).await;
    with_tus(StatusCode::NO_CONTENT, &[])
}

/// `PUT {uploadUrl}/{uploadToken}?filename=`: turns the finished upload into a file.
pub async fn finalize(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> WixResult<Json<serde_json::Value>> {
    refuse_key_on_upload(&headers)?;
    let ticket = ticket(&state, &token, TicketKind::Resumable)?;
    let incomplete = |d: String| WixError::app(StatusCode::BAD_REQUEST, "UPLOAD_INCOMPLETE", d);
    let id = ticket
        .tus_upload
        .clone()
        .ok_or_else(|| incomplete("No tus upload was created".into()))?;
    let upload = find(&state, &id).ok_or_else(|| incomplete("The tus upload is gone".into()))?;
    let progress = upload.progress.lock().await;
    if progress.offset != upload.length {
        return Err(incomplete(format!(
            "{} of {} bytes received",
            progress.offset, upload.length
        )));
    }
    let pairs = wire::query_pairs(query.as_deref());
    let file_name = query_get(&pairs, "filename")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| upload.filename.clone())
        .or_else(|| ticket.file_name.clone())
        .ok_or_else(|| WixError::invalid("filename", "is required", "REQUIRED_FIELD"))?;
    let got = Received {
        temp: upload.path.clone(),
        size: progress.offset,
        sha256: hex::encode(progress.hasher.clone().finalize()),
        file_name,
        content_type: upload.content_type.clone(),
    };
    let file = store_file(&state, &token, &ticket, got).await?;
    drop(progress);
    state.tus_uploads().remove(&id);
    debug_assert_eq!(upload.token, token);
    Ok(Json(json!({ "file": file })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn metadata() {
        let m = parse_metadata("filename dmlkZW8ubXA0,contentType dmlkZW8vbXA0,token YWJj,empty")
            .unwrap();
        assert_eq!(m["filename"], b"video.mp4");
        assert_eq!(m["token"], b"abc");
        assert!(m["empty"].is_empty());
        assert!(parse_metadata("a !!!").is_none());
        assert!(parse_metadata("a YQ==,a YQ==").is_none());
        assert!(parse_metadata("").unwrap().is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64_header("0"), Some(0));
        assert_eq!(parse_u64_header("123"), Some(123));
        assert_eq!(parse_u64_header("-1"), None);
        assert_eq!(parse_u64_header("+1"), None);
        assert_eq!(parse_u64_header(" 1"), None);
        assert_eq!(parse_u64_header("99999999999999999999"), None);
    }

    proptest! {
        #[test]
        fn metadata_never_panics(s in ".*") {
            let _ = parse_metadata(&s);
        }

        #[test]
        fn metadata_round_trips(pairs in proptest::collection::hash_map("[a-zA-Z0-9_]{1,12}", proptest::collection::vec(any::<u8>(), 0..40), 0..6)) {
            let raw: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} {}", STANDARD.encode(v))).collect();
            let parsed = parse_metadata(&raw.join(",")).unwrap();
            prop_assert_eq!(parsed, pairs);
        }

        #[test]
        fn numbers_never_panic(s in ".*") {
            let _ = parse_u64_header(&s);
        }

        #[test]
        fn numbers_round_trip(n in any::<u64>()) {
            prop_assert_eq!(parse_u64_header(&n.to_string()), Some(n));
        }
    }
}
