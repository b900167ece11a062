//! The control API under `/__emulator/`: what tests use to arrange a world (accounts, sites,
//! keys), break it (faults) and look inside it (request log, stored files with SHA-256).
//! Off the Wix paths, unauthenticated (loopback only), never called by Wixdrop itself.
//! Every route and its JSON is documented in the crate README.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::faults::FaultSpec;
use crate::sites::site_json;
use crate::state::AppState;
use crate::store::{Permissions, StaticHost};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/__emulator/health",
            get(|| async { Json(json!({ "ok": true })) }),
        )
        .route("/__emulator/seed", get(seed))
        .route("/__emulator/accounts", post(create_account))
        .route("/__emulator/sites", post(create_site))
        .route(
            "/__emulator/sites/{site_id}/files",
            get(site_files).post(seed_files),
        )
        .route("/__emulator/keys", post(mint_key))
        .route("/__emulator/keys/{key_id}/revoke", post(revoke_key))
        .route("/__emulator/log", get(read_log).delete(clear_log))
        .route(
            "/__emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/__emulator/faults/{id}",
            axum::routing::delete(remove_fault),
        )
        .route("/__emulator/config", put(set_config))
        .route("/__emulator/files/{file_id}/status", post(set_status))
}

fn fail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// Parses a control body; the control API answers bad input with `{"error": …}` and 400.
#[allow(clippy::result_large_err)] // an early-return response, axum style
fn body<T: serde::de::DeserializeOwned>(raw: &[u8]) -> Result<T, Response> {
    let raw = if raw.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        raw
    };
    serde_json::from_slice(raw).map_err(|e| fail(StatusCode::BAD_REQUEST, e.to_string()))
}

async fn seed(State(state): State<AppState>) -> Response {
    match state.seed.get() {
        Some(seed) => Json(seed).into_response(),
        None => fail(StatusCode::NOT_FOUND, "not seeded"),
    }
}

#[derive(Deserialize)]
struct NewAccount {
    id: Option<String>,
}

async fn create_account(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let req: NewAccount = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let account = state.store().add_account(req.id);
    Json(json!({ "account_id": account.id })).into_response()
}

#[derive(Deserialize)]
struct NewSite {
    account_id: String,
    display_name: Option<String>,
    /// `WIX` (default), `HEADLESS`, or any other text Wix may add.
    namespace: Option<String>,
    /// Add this many sites at once, named `<display_name> 001`, `… 002`, …
    count: Option<usize>,
}

/// Most sites one request may add: past Query Sites' 1,000 with room to spare.
const MAX_BATCH: usize = 2000;

async fn create_site(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let req: NewSite = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let namespace = req.namespace.unwrap_or_else(|| "WIX".into());
    if namespace.is_empty() || namespace.len() > 100 {
        return fail(
            StatusCode::BAD_REQUEST,
            "namespace must be 1-100 characters",
        );
    }
    let mut store = state.store();
    if !store.accounts.contains_key(&req.account_id) {
        return fail(StatusCode::NOT_FOUND, "unknown account_id");
    }
    match req.count {
        None => {
            let n = store.sites.len() + 1;
            let name = req.display_name.unwrap_or_else(|| format!("Site {n}"));
            let site = store.add_site_in(&req.account_id, &name, &namespace);
            Json(site_json(&site, &state.base_url)).into_response()
        }
        Some(count) if count == 0 || count > MAX_BATCH => fail(
            StatusCode::BAD_REQUEST,
            format!("count must be 1-{MAX_BATCH}"),
        ),
        Some(count) => {
            let prefix = req.display_name.unwrap_or_else(|| "Site".into());
            let sites: Vec<Value> = (1..=count)
                .map(|i| {
                    let site =
                        store.add_site_in(&req.account_id, &format!("{prefix} {i:03}"), &namespace);
                    site_json(&site, &state.base_url)
                })
                .collect();
            Json(json!({ "sites": sites })).into_response()
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SiteAccess {
    All(String),
    Selected(Vec<String>),
}

#[derive(Deserialize)]
struct NewKey {
    account_id: String,
    permissions: Option<Vec<String>>,
    site_access: Option<SiteAccess>,
    #[serde(default)]
    revoked: bool,
}

fn permissions(names: Option<Vec<String>>) -> Result<Permissions, String> {
    let Some(names) = names else {
        return Ok(Permissions::ALL);
    };
    let mut p = Permissions::default();
    for name in names {
        match name.as_str() {
            "manage_media" | "SCOPE.DC-MEDIA.MANAGE-MEDIAMANAGER" => p.manage_media = true,
            "read_media" | "SCOPE.DC-MEDIA.READ-MEDIAMANAGER" => p.read_media = true,
            "read_sites" => p.read_sites = true,
            other => return Err(format!("unknown permission {other}")),
        }
    }
    Ok(p)
}

async fn mint_key(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let req: NewKey = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let perms = match permissions(req.permissions) {
        Ok(p) => p,
        Err(e) => return fail(StatusCode::BAD_REQUEST, e),
    };
    let access = match req.site_access {
        None => None,
        Some(SiteAccess::All(s)) if s == "all" => None,
        Some(SiteAccess::All(s)) => {
            return fail(StatusCode::BAD_REQUEST, format!("site_access {s}"))
        }
        Some(SiteAccess::Selected(ids)) => Some(ids),
    };
    if !state.store().accounts.contains_key(&req.account_id) {
        return fail(StatusCode::NOT_FOUND, "unknown account_id");
    }
    let (key_id, key) = state.mint_key(&req.account_id, perms, access, req.revoked);
    Json(json!({ "key_id": key_id, "api_key": key, "account_id": req.account_id, "permissions": perms }))
        .into_response()
}

async fn revoke_key(State(state): State<AppState>, Path(key_id): Path<String>) -> Response {
    let mut store = state.store();
    match store.keys.values_mut().find(|k| k.key_id == key_id) {
        Some(k) => {
            k.revoked = true;
            Json(json!({ "key_id": key_id, "revoked": true })).into_response()
        }
        None => fail(StatusCode::NOT_FOUND, "unknown key_id"),
    }
}

async fn read_log(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "requests": state.log.to_json() }))
}

async fn clear_log(State(state): State<AppState>) -> Json<Value> {
    state.log.clear();
    Json(json!({ "ok": true }))
}

async fn site_files(State(state): State<AppState>, Path(site_id): Path<String>) -> Response {
    let store = state.store();
    if store.site(&site_id).is_none() {
        return fail(StatusCode::NOT_FOUND, "unknown site");
    }
    let now = OffsetDateTime::now_utc();
    let mut files: Vec<_> = store
        .files
        .values()
        .filter(|f| f.site_id == site_id)
        .collect();
    files.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let list: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "id": f.id, "displayName": f.display_name, "parentFolderId": f.parent_folder_id,
                "mimeType": f.mime_type, "mediaType": f.media_type, "size": f.size,
                "sha256": f.sha256, "operationStatus": f.status(now).0,
                "path": f.path.display().to_string(), "private": f.private,
            })
        })
        .collect();
    Json(json!({ "files": list })).into_response()
}

async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "faults": state.faults().list() }))
}

async fn add_fault(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let spec: FaultSpec = match body(&raw) {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !(0.0..=1.0).contains(&spec.probability) {
        return fail(StatusCode::BAD_REQUEST, "probability must be in 0..=1");
    }
    if let crate::faults::Action::Status { status, .. } = spec.fault {
        if !(400..=599).contains(&status) {
            return fail(StatusCode::BAD_REQUEST, "status must be 400..=599");
        }
    }
    Json(state.faults().add(spec)).into_response()
}

async fn clear_faults(State(state): State<AppState>) -> Json<Value> {
    state.faults().clear();
    Json(json!({ "ok": true }))
}

async fn remove_fault(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if state.faults().remove(&id) {
        Json(json!({ "ok": true })).into_response()
    } else {
        fail(StatusCode::NOT_FOUND, "unknown fault id")
    }
}

#[derive(Deserialize)]
struct Config {
    processing_delay_ms: Option<u64>,
    refused_mime_types: Option<Vec<String>>,
    /// Descriptor URLs on the emulator's own static host (see `Emulator::serve_static`).
    serve_static: Option<bool>,
    /// List/search cursors older than this are refused (400 on `paging.cursor`); 0 = never.
    cursor_ttl_ms: Option<u64>,
    /// Every new download link expires after this long; 0 = as the request asks.
    download_ttl_ms: Option<u64>,
}

async fn set_config(State(state): State<AppState>, raw: axum::body::Bytes) -> Response {
    let req: Config = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let mut store = state.store();
    if let Some(ms) = req.processing_delay_ms {
        store.processing_delay = Duration::from_millis(ms);
    }
    if let Some(types) = req.refused_mime_types {
        store.refused_mime_types = types.iter().map(|t| crate::mime::essence(t)).collect();
    }
    if let Some(on) = req.serve_static {
        store.static_base = on.then(|| StaticHost {
            base: format!("{}/_static/", state.base_url),
            thumbnails_only: false,
        });
    }
    if let Some(ms) = req.cursor_ttl_ms {
        store.cursor_ttl = (ms > 0).then(|| Duration::from_millis(ms));
    }
    if let Some(ms) = req.download_ttl_ms {
        store.download_ttl = (ms > 0).then(|| Duration::from_millis(ms));
    }
    Json(json!({
        "processing_delay_ms": store.processing_delay.as_millis() as u64,
        "refused_mime_types": store.refused_mime_types,
        "serve_static": store.static_base.is_some(),
        "cursor_ttl_ms": store.cursor_ttl.map(|d| d.as_millis() as u64).unwrap_or(0),
        "download_ttl_ms": store.download_ttl.map(|d| d.as_millis() as u64).unwrap_or(0),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct SetStatus {
    #[serde(rename = "operationStatus")]
    operation_status: Option<String>,
}

async fn set_status(
    State(state): State<AppState>,
    Path(file_id): Path<String>,
    raw: axum::body::Bytes,
) -> Response {
    let req: SetStatus = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if let Some(s) = &req.operation_status {
        if !["PENDING", "READY", "FAILED"].contains(&s.as_str()) {
            return fail(
                StatusCode::BAD_REQUEST,
                "operationStatus must be PENDING, READY or FAILED",
            );
        }
    }
    match state.store().files.get_mut(&file_id) {
        Some(f) => {
            f.forced_status = req.operation_status;
            Json(json!({ "ok": true })).into_response()
        }
        None => fail(StatusCode::NOT_FOUND, "unknown file id"),
    }
}

/// A small real PNG (48×48, RGB, a diagonal gradient of a colour picked by `n`), written with
/// stored (uncompressed) deflate blocks so no image library is needed: seeded images decode,
/// and thumbnails of different files look different.
pub fn seed_png(n: usize) -> Vec<u8> {
    const W: usize = 48;
    let hues = [
        (79u8, 70u8, 229u8),
        (14, 165, 233),
        (21, 128, 61),
        (180, 83, 9),
        (194, 37, 60),
        (124, 58, 237),
    ];
    let (r, g, b) = hues[n % hues.len()];
    let mut raw = Vec::with_capacity(W * (W * 3 + 1));
    for y in 0..W {
        raw.push(0); // filter: none
        for x in 0..W {
            let t = ((x + y) * 255 / (2 * W)) as u16;
            let mix = |c: u8| ((c as u16 * (255 - t) + 255 * t) / 255) as u8;
            raw.extend_from_slice(&[mix(r), mix(g), mix(b)]);
        }
    }
    // zlib: header, stored blocks of ≤ 65535 bytes, Adler-32.
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut bb) = (1u32, 0u32);
    for &x in &raw {
        a = (a + x as u32) % 65521;
        bb = (bb + a) % 65521;
    }
    z.extend_from_slice(&((bb << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(W as u32).to_be_bytes());
    ihdr.extend_from_slice(&(W as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(&data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[derive(Deserialize)]
struct SeedFiles {
    /// How many (1–20000); names are `<prefix> 00001.<ext>`…
    count: usize,
    #[serde(default)]
    prefix: Option<String>,
    /// `image/png` (default; a real 48×48 PNG) or any other type (a few text bytes).
    #[serde(default)]
    mime_type: Option<String>,
    /// A folder id; or `path` (`/A/B`, created when missing).
    #[serde(default)]
    folder_id: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    labels: Vec<String>,
}

/// `POST /__emulator/sites/{site}/files`: files made directly (no upload), READY at once, with
/// real bytes on disk (PNGs from [`seed_png`]): for tests and benchmarks of listing, paging and thumbnails.
async fn seed_files(
    State(state): State<AppState>,
    Path(site_id): Path<String>,
    raw: axum::body::Bytes,
) -> Response {
    let req: SeedFiles = match body(&raw) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if req.count == 0 || req.count > 20_000 {
        return fail(StatusCode::BAD_REQUEST, "count must be 1-20000");
    }
    let mime = crate::mime::essence(req.mime_type.as_deref().unwrap_or("image/png"));
    let media_type = crate::mime::media_type(&mime);
    let ext = crate::mime::ext_for_mime(&mime).unwrap_or("bin").to_owned();
    let png = mime == "image/png";
    let dir = state.storage.join(&site_id);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    let mut store = state.store();
    let Some(site) = store.site(&site_id).cloned() else {
        return fail(StatusCode::NOT_FOUND, "unknown site");
    };
    let folder = match (&req.folder_id, &req.path) {
        (Some(f), _) => f.clone(),
        (None, Some(p)) => store.ensure_path(&site_id, crate::store::MEDIA_ROOT, p),
        _ => crate::store::MEDIA_ROOT.to_owned(),
    };
    let prefix = req.prefix.unwrap_or_else(|| "Seeded".into());
    let base = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let mut ids = Vec::with_capacity(req.count);
    for i in 0..req.count {
        let id = format!("{}_{}~mv2.{ext}", site.file_prefix, store.hex(16));
        let path = dir.join(&id);
        let bytes: Vec<u8> = if png {
            seed_png(i)
        } else {
            format!("wix emulator seeded file {i}\n").into_bytes()
        };
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        if let Err(e) = std::fs::write(&path, &bytes) {
            return fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
        }
        let created = base + time::Duration::milliseconds(i as i64);
        store.files.insert(
            id.clone(),
            crate::store::FileRecord {
                id: id.clone(),
                site_id: site_id.clone(),
                display_name: format!("{prefix} {:05}.{ext}", i + 1),
                parent_folder_id: folder.clone(),
                mime_type: mime.clone(),
                media_type,
                size: bytes.len() as u64,
                sha256: sha,
                private: req.private,
                labels: req.labels.clone(),
                created,
                ready_at: None,
                forced_status: None,
                path,
                updated: None,
                trashed_from: None,
                source_url: None,
            },
        );
        ids.push(id);
    }
    Json(json!({ "folder_id": folder, "ids": ids })).into_response()
}
