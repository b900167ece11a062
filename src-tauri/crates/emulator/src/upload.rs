//! The plain upload (`PUT <uploadUrl>?filename=`, wix-api.md §4.2) and the step both upload
//! flows end with: turning a fully written temp file into a stored Media Manager file.
//!
//! The token in the URL is the only credential; it is spent by a successful upload only, so a
//! client may retry an upload that was cut off.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::auth::refuse_key_on_upload;
use crate::body::copy_to_file;
use crate::error::{WixError, WixResult};
use crate::media::descriptor;
use crate::mime;
use crate::state::{AppState, Shared};
use crate::store::{FileRecord, TicketKind, UploadTicket};
use crate::wire::{self, query_get};

/// Finds an unspent ticket of the given kind.
pub fn ticket(state: &Shared, token: &str, kind: TicketKind) -> WixResult<UploadTicket> {
    match state.store().tickets.get(token) {
        Some(t) if t.kind != kind => Err(invalid_token()),
        Some(t) if t.used => Err(WixError::app(
            StatusCode::FORBIDDEN,
            "UPLOAD_TOKEN_ALREADY_USED",
            "This upload URL was already used",
        )),
        Some(t) => Ok(t.clone()),
        None => Err(invalid_token()),
    }
}

fn invalid_token() -> WixError {
    WixError::app(
        StatusCode::FORBIDDEN,
        "INVALID_UPLOAD_TOKEN",
        "Unknown upload token",
    )
}

/// A fresh temp path for an upload in progress.
pub fn partial_path(state: &Shared, name: &str) -> PathBuf {
    state.storage.join(".partial").join(name)
}

/// What a finished upload knows about its bytes.
pub struct Received {
    pub temp: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub file_name: String,
    /// The MIME type the upload itself declared (Content-Type or tus metadata), if any.
    pub content_type: Option<String>,
}

/// Picks the MIME type: the upload's own, then the generate call's, then the extension;
/// `application/octet-stream` defers to the next source, as Wix's type detection does.
fn choose_mime(declared: Option<&str>, ticket: &str, file_name: &str) -> String {
    let octet = "application/octet-stream";
    for candidate in [declared.map(mime::essence), Some(mime::essence(ticket))]
        .into_iter()
        .flatten()
    {
        if !candidate.is_empty() && candidate != octet {
            return candidate;
        }
    }
    mime::extension(file_name)
        .and_then(|e| mime::mime_for_ext(&e))
        .unwrap_or(octet)
        .to_owned()
}

/// Moves the temp file into the site's storage, records it and spends the token.
pub async fn store_file(
    state: &AppState,
    token: &str,
    ticket: &UploadTicket,
    got: Received,
) -> WixResult<Value> {
    let mime = choose_mime(
        got.content_type.as_deref(),
        &ticket.mime_type,
        &got.file_name,
    );
    let ext = mime::extension(&got.file_name)
        .or_else(|| mime::ext_for_mime(&mime).map(str::to_owned))
        .unwrap_or_else(|| "bin".to_owned());
    let (id, delay) = {
        let mut store = state.store();
        let prefix = store
            .site(&ticket.site_id)
            .map(|s| s.file_prefix.clone())
            .unwrap_or_default();
        (
            format!("{prefix}_{}~mv2.{ext}", store.hex(16)),
            store.processing_delay,
        )
    };
    let dir = state.storage.join(&ticket.site_id);
    let path = dir.join(&id);
    let moved = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::rename(&got.temp, &path).await
    };
    if let Err(e) = moved.await {
        let _ = tokio::fs::remove_file(&got.temp).await;
        return Err(internal(e));
    }
    let media_type = mime::media_type(&mime);
    let now = OffsetDateTime::now_utc();
    let record = FileRecord {
        id: id.clone(),
        site_id: ticket.site_id.clone(),
        display_name: got.file_name,
        parent_folder_id: ticket.parent_folder_id.clone(),
        mime_type: mime,
        media_type,
        size: got.size,
        sha256: got.sha256,
        private: ticket.private,
        labels: ticket.labels.clone(),
        created: now,
        ready_at: mime::needs_processing(media_type).then(|| now + delay),
        forced_status: None,
        path: path.clone(),
        updated: None,
        trashed_from: None,
        source_url: None,
    };
    let static_base = state.store().static_base.clone();
    let desc = descriptor(&record, now, static_base.as_ref());
    let spent = {
        let mut store = state.store();
        let spent = match store.tickets.get_mut(token) {
            Some(t) if !t.used => {
                t.used = true;
                true
            }
            _ => false,
        };
        if spent {
            store.files.insert(id, record);
        }
        spent
    };
    if !spent {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(ticket_race());
    }
    Ok(desc)
}

fn ticket_race() -> WixError {
    WixError::app(
        StatusCode::FORBIDDEN,
        "UPLOAD_TOKEN_ALREADY_USED",
        "This upload URL was already used",
    )
}

pub fn internal(e: impl std::fmt::Display) -> WixError {
    WixError::app(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        format!("storage error: {e}"),
    )
}

/// `PUT /upload/{token}?filename=`: raw bytes, streamed to disk.
pub async fn put_upload(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> WixResult<Json<Value>> {
    refuse_key_on_upload(&headers)?;
    let ticket = ticket(&state, &token, TicketKind::Plain)?;
    let pairs = wire::query_pairs(query.as_deref());
    let file_name = query_get(&pairs, "filename")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| ticket.file_name.clone())
        .ok_or_else(|| {
            WixError::invalid(
                "filename",
                "is required when fileName was not generated",
                "REQUIRED_FIELD",
            )
        })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type.is_some_and(|c| mime::essence(c).starts_with("multipart/")) {
        return Err(WixError::invalid(
            "Content-Type",
            "the body must be the raw file bytes, not multipart",
            "FORMAT",
        ));
    }
    let name = format!("put-{}", state.store().hex(16));
    let temp = partial_path(&state, &name);
    let file = tokio::fs::File::create(&temp).await.map_err(internal)?;
    let copied = copy_to_file(body, file, Sha256::new(), None).await;
    if let Some(e) = copied.io_error {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(internal(e));
    }
    if let Some(e) = copied.body_error {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(WixError::invalid(
            "body",
            format!("upload interrupted: {e}"),
            "INCOMPLETE",
        ));
    }
    let got = Received {
        temp,
        size: copied.bytes,
        sha256: hex::encode(copied.hasher.finalize()),
        file_name,
        content_type: content_type.map(str::to_owned),
    };
    let file = store_file(&state, &token, &ticket, got).await?;
    Ok(Json(json!({ "file": file })))
}

#[cfg(test)]
mod tests {
    use super::choose_mime;

    #[test]
    fn mime_choice() {
        assert_eq!(
            choose_mime(Some("image/png"), "image/jpeg", "a.jpg"),
            "image/png"
        );
        assert_eq!(
            choose_mime(Some("application/octet-stream"), "video/mp4", "a"),
            "video/mp4"
        );
        assert_eq!(
            choose_mime(
                Some("application/octet-stream"),
                "application/octet-stream",
                "a.mp3"
            ),
            "audio/mpeg"
        );
        assert_eq!(choose_mime(None, "", "noext"), "application/octet-stream");
    }
}
