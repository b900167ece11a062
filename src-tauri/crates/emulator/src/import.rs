//! Import File and Bulk Import File (wix-media-library.md §6): Wix fetches a URL itself. Here
//! the fetch is real (plain HTTP, in practice over loopback): the answer is a PENDING
//! descriptor with no `media`, and a background task turns it READY (bytes stored, processing
//! delay as for uploads) or FAILED (the source answered an error, is HTML, or is unreachable).
//! Wix does not say *why* an import failed; neither does the emulator (`operationStatus` only).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use futures_util::StreamExt;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;

use crate::auth::{site_level, Scope};
use crate::error::{FieldViolation, WixError, WixResult};
use crate::media::{descriptor, wix_len, MAX_PARENT_FOLDER_ID};
use crate::mime;
use crate::state::AppState;
use crate::store::{FileRecord, MEDIA_ROOT};
use crate::wire::{self, Fields};

/// Bulk Import: items per call (§6b).
const MAX_BULK: usize = 100;
/// The most an import may fetch (a guard, not a Wix limit).
const MAX_IMPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Validates one ImportFileRequest, records the PENDING file and starts its fetch.
fn start_import(state: &AppState, site_id: &str, body: &Map<String, Value>) -> WixResult<Value> {
    let mut f = Fields::new(body, "");
    let url = f.required_string("url", 4000);
    let name = f.string("displayName", 200);
    let mime_type = f.string("mimeType", 100);
    let media_type = f.string("mediaType", 20);
    let parent = f.string("parentFolderId", MAX_PARENT_FOLDER_ID);
    let file_path = f.string("filePath", 200);
    let private = f.bool("private").unwrap_or(false);
    let labels = f.strings("labels", 100, 200);
    let _ = f.object("externalInfo");
    let _ = f.object("urlParams");
    let _ = f.object("urlHeaders");
    let parsed = url.as_deref().and_then(|u| url_scheme_ok(u).then_some(u));
    if url.is_some() && parsed.is_none() {
        f.violations.push(FieldViolation {
            field: "url".into(),
            description: "must be an http or https URL".into(),
            rule: "FORMAT",
        });
    }
    f.finish()?;
    let url = url.unwrap_or_default();
    let name = name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| name_from_url(&url));
    if wix_len(&name) > 200 {
        return Err(WixError::invalid(
            "displayName",
            "must be at most 200 characters",
            "MAX_LENGTH",
        ));
    }
    // The type Wix would guess before fetching: mimeType, else the extension.
    let guessed = mime_type
        .as_deref()
        .map(mime::essence)
        .filter(|m| !m.is_empty() && m != "application/octet-stream")
        .or_else(|| {
            mime::extension(&name)
                .or_else(|| mime::extension(&name_from_url(&url)))
                .and_then(|e| mime::mime_for_ext(&e))
                .map(str::to_owned)
        });
    if guessed.as_deref() == Some("text/html") {
        return Err(WixError::invalid(
            "mimeType",
            "text/html is not a supported media type",
            "INVALID_ARGUMENT",
        ));
    }
    let parent = parent
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| MEDIA_ROOT.into());
    let now = OffsetDateTime::now_utc();
    let (record, base) = {
        let mut store = state.store();
        if !store.folder_exists(site_id, &parent) {
            return Err(WixError::not_found(
                "FOLDER_NOT_FOUND",
                format!("Folder {parent} not found"),
            ));
        }
        let folder = match file_path.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => store.ensure_path(site_id, &parent, p),
            None => parent,
        };
        let prefix = store
            .site(site_id)
            .map(|s| s.file_prefix.clone())
            .unwrap_or_default();
        let ext = guessed
            .as_deref()
            .and_then(mime::ext_for_mime)
            .map(str::to_owned)
            .or_else(|| mime::extension(&name))
            .unwrap_or_else(|| "bin".into());
        let id = format!("{prefix}_{}~mv2.{ext}", store.hex(16));
        let mime_type = guessed.unwrap_or_else(|| "application/octet-stream".into());
        let media = media_type
            .as_deref()
            .and_then(|m| {
                [
                    "IMAGE", "VIDEO", "AUDIO", "DOCUMENT", "VECTOR", "ARCHIVE", "MODEL3D",
                ]
                .into_iter()
                .find(|k| *k == m)
            })
            .unwrap_or_else(|| mime::media_type(&mime_type));
        let record = FileRecord {
            id: id.clone(),
            site_id: site_id.to_owned(),
            display_name: name,
            parent_folder_id: folder,
            mime_type,
            media_type: media,
            size: 0,
            sha256: String::new(),
            private,
            labels,
            created: now,
            ready_at: None,
            forced_status: Some("PENDING".into()),
            path: state.storage.join(site_id).join(&id),
            updated: None,
            trashed_from: None,
            source_url: Some(url.clone()),
        };
        store.files.insert(id, record.clone());
        (record, store.static_base.clone())
    };
    let mut desc = descriptor(&record, now, base.as_ref());
    if let Some(o) = desc.as_object_mut() {
        // Import answers carry no media (§6a).
        o.remove("media");
    }
    tokio::spawn(fetch(state.clone(), record.id.clone(), url));
    Ok(desc)
}

fn url_scheme_ok(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")) && lower.len() > 8
}

fn name_from_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let decoded: String = form_urlencoded::parse(format!("x={last}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if decoded.is_empty() || decoded.contains(':') {
        "imported-file".into()
    } else {
        decoded
    }
}

/// Fetches the source, stores its bytes and ends the import READY or FAILED.
async fn fetch(state: AppState, id: String, url: String) {
    let outcome = download(&state, &id, &url).await;
    let delay = state.store().processing_delay;
    // At least one processing delay PENDING, as Wix imports are never instant.
    tokio::time::sleep(delay.min(Duration::from_secs(5))).await;
    let mut store = state.store();
    let Some(rec) = store.files.get_mut(&id) else {
        return;
    };
    match outcome {
        Ok((size, sha, mime_type)) => {
            rec.size = size;
            rec.sha256 = sha;
            if let Some(m) = mime_type {
                if rec.mime_type == "application/octet-stream" {
                    rec.media_type = mime::media_type(&m);
                    rec.mime_type = m;
                }
            }
            rec.forced_status = None;
            let now = OffsetDateTime::now_utc();
            rec.ready_at = Some(if mime::needs_processing(rec.media_type) {
                now + delay
            } else {
                now
            });
        }
        Err(_) => rec.forced_status = Some("FAILED".into()),
    }
}

async fn download(
    state: &AppState,
    id: &str,
    url: &str,
) -> Result<(u64, String, Option<String>), String> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(300))
        .build()
        .map_err(|e| e.to_string())?;
    let resp = client
        .get(own_cdn(&state.base_url, url))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let ct = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(mime::essence);
    if ct.as_deref() == Some("text/html") {
        return Err("an HTML page".into());
    }
    let path = state.storage.join(state_site(state, id)?).join(id);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        size += chunk.len() as u64;
        if size > MAX_IMPORT_BYTES {
            return Err("too large".into());
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|e| e.to_string())?;
    }
    file.flush().await.map_err(|e| e.to_string())?;
    Ok((size, hex::encode(hasher.finalize()), ct))
}

/// Wix importing from its own CDN: the emulator holds those bytes, so a
/// `https://static.wixstatic.com/<kind>/<id>` URL is read from its own static host (the one
/// `serve_static` names). Demo mode copies between its sites this way, with the live URLs
/// its files carry, and nothing is asked of the internet. Other URLs are fetched as given.
fn own_cdn(base_url: &str, url: &str) -> String {
    match url.strip_prefix("https://static.wixstatic.com/") {
        Some(rest) => format!("{}/_static/{rest}", base_url.trim_end_matches('/')),
        None => url.to_owned(),
    }
}

fn state_site(state: &AppState, id: &str) -> Result<String, String> {
    state
        .store()
        .files
        .get(id)
        .map(|f| f.site_id.clone())
        .ok_or_else(|| "deleted meanwhile".to_string())
}

/// `POST /site-media/v1/files/import`.
pub async fn import_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let file = start_import(&state, &ctx.site_id, &body)?;
    Ok(Json(json!({ "file": file })))
}

/// `POST /site-media/v1/bulk/files/import-v2`: 1–100 requests; each succeeds or fails on its
/// own. Results come back in **reverse** order, so a client must match them by
/// `itemMetadata.originalIndex` (§6b: "never by array position").
pub async fn bulk_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let Some(items) = body.get("importFileRequests").and_then(Value::as_array) else {
        return Err(WixError::invalid(
            "importFileRequests",
            "is required",
            "REQUIRED_FIELD",
        ));
    };
    if items.is_empty() || items.len() > MAX_BULK {
        return Err(WixError::invalid(
            "importFileRequests",
            format!("must have 1 to {MAX_BULK} items"),
            "SIZE",
        ));
    }
    let return_entity = body
        .get("returnEntity")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let (mut ok, mut failed) = (0, 0);
    let mut results = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let r = match item.as_object() {
            Some(m) => start_import(&state, &ctx.site_id, m),
            None => Err(WixError::invalid("$", "must be an object", "FORMAT")),
        };
        match r {
            Ok(desc) => {
                ok += 1;
                let mut v = json!({ "itemMetadata": { "id": desc["id"], "originalIndex": i, "success": true } });
                if return_entity {
                    v["item"] = desc;
                }
                results.push(v);
            }
            Err(e) => {
                failed += 1;
                let body = e.body();
                let code = body["details"]["applicationError"]["code"]
                    .as_str()
                    .unwrap_or("INVALID_ARGUMENT")
                    .to_owned();
                results.push(json!({ "itemMetadata": {
                    "id": null, "originalIndex": i, "success": false,
                    "error": { "code": code, "description": body["message"], "data": {} }
                }}));
            }
        }
    }
    results.reverse();
    Ok(Json(json!({
        "results": results,
        "bulkActionMetadata": { "totalSuccesses": ok, "totalFailures": failed, "undetailedFailures": 0 }
    })))
}
