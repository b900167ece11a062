//! The Media Manager beyond uploads (wix-media-library.md §2, §5, §7a, §8): search, Update File
//! Descriptor with its string `fieldMask`, trash (soft delete that remembers the old folder),
//! restore, permanent delete, expiring download links; and the two hosts Wix serves bytes
//! from, emulated under `/_static/` (static URLs; a private file answers 403) and
//! `/_download/` (pre-signed links, 403 once expired).

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::auth::{site_level, Scope};
use crate::error::{html_page, FieldViolation, WixError, WixResult};
use crate::media::{descriptor, file_id_from, next_cursor};
use crate::state::AppState;
use crate::store::{FileRecord, StaticHost, Store, MEDIA_ROOT, TRASH_ROOT};
use crate::wire::{self, query_get, Fields};

const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 50;
/// Bulk Delete / Restore Files: ids per call (wix-media-library.md §12).
const MAX_BULK_IDS: usize = 1000;
const MAX_LABELS: usize = 100;
const MAX_DISPLAY_NAME: usize = 200;

/// Filters, sort and position of a file list or search; the cursor is this, encoded.
#[derive(Serialize, Deserialize, Clone)]
pub struct FileQuery {
    /// `MEDIA_ROOT` / `TRASH_ROOT` for a search (all levels), else a folder (direct children).
    pub root: Option<String>,
    pub parent: Option<String>,
    /// List Deleted Files: only trashed files (optionally from `parent`).
    #[serde(default)]
    pub trash: bool,
    pub search: Option<String>,
    pub types: Vec<String>,
    pub private: Option<bool>,
    pub field: String,
    pub asc: bool,
    pub offset: usize,
    #[serde(default)]
    pub issued: i64,
}

const MEDIA_TYPES: &[&str] = &[
    "IMAGE", "VIDEO", "AUDIO", "DOCUMENT", "VECTOR", "ARCHIVE", "MODEL3D", "OTHER", "UNKNOWN",
];

fn check_sort(field: &str, asc: Option<&str>) -> WixResult<bool> {
    if !["displayName", "updatedDate", "sizeInBytes"].contains(&field) {
        return Err(WixError::invalid(
            "sort.fieldName",
            "must be displayName, updatedDate or sizeInBytes",
            "INVALID_ENUM_VALUE",
        ));
    }
    match asc {
        None | Some("DESC") => Ok(false),
        Some("ASC") => Ok(true),
        Some(_) => Err(WixError::invalid(
            "sort.order",
            "must be ASC or DESC",
            "INVALID_ENUM_VALUE",
        )),
    }
}

fn check_types(types: &[String]) -> WixResult<()> {
    if types.iter().any(|t| !MEDIA_TYPES.contains(&t.as_str())) {
        return Err(WixError::invalid(
            "mediaTypes",
            "unknown media type",
            "INVALID_ENUM_VALUE",
        ));
    }
    Ok(())
}

fn matches(store: &Store, site: &str, q: &FileQuery, f: &FileRecord) -> bool {
    if f.site_id != site {
        return false;
    }
    if q.trash {
        if f.trashed_from.is_none() {
            return false;
        }
        if let Some(p) = &q.parent {
            if p != MEDIA_ROOT && f.trashed_from.as_deref() != Some(p) {
                return false;
            }
        }
    } else if let Some(root) = &q.root {
        if &store.root_of(&f.parent_folder_id) != root {
            return false;
        }
    } else if let Some(p) = &q.parent {
        if &f.parent_folder_id != p {
            return false;
        }
    }
    if !q.types.is_empty() && !q.types.iter().any(|t| t == f.media_type) {
        return false;
    }
    if q.private.is_some_and(|p| p != f.private) {
        return false;
    }
    if let Some(text) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let text = text.trim().to_lowercase();
        let hit = f.display_name.to_lowercase().contains(&text)
            || f.mime_type.to_lowercase().contains(&text)
            || f.labels.iter().any(|l| l.to_lowercase().contains(&text));
        if !hit {
            return false;
        }
    }
    true
}

/// Sorts matching records by `field` (then id) and renders only the page asked for: a folder
/// of thousands answers as fast as a small one. Dates compare at millisecond resolution, as
/// their wire form does. Returns the page and the number of matches.
pub fn sorted_page(
    mut recs: Vec<&FileRecord>,
    field: &str,
    asc: bool,
    offset: usize,
    limit: usize,
    now: OffsetDateTime,
    static_base: Option<&StaticHost>,
) -> (Vec<Value>, usize) {
    let ms = |f: &FileRecord| f.status(now).1.unix_timestamp_nanos() / 1_000_000;
    recs.sort_by(|a, b| {
        let ord = match field {
            "sizeInBytes" => a.size.cmp(&b.size),
            "displayName" => a.display_name.cmp(&b.display_name),
            _ => ms(a).cmp(&ms(b)),
        };
        let ord = if asc { ord } else { ord.reverse() };
        ord.then_with(|| a.id.cmp(&b.id))
    });
    let total = recs.len();
    let page = recs
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|f| descriptor(f, now, static_base))
        .collect();
    (page, total)
}

/// One page of files for `q`, and the cursor of the next (`None` on the last page).
pub fn page(state: &AppState, site: &str, q: FileQuery, limit: usize) -> Value {
    let now = OffsetDateTime::now_utc();
    let store = state.store();
    let recs: Vec<&FileRecord> = store
        .files
        .values()
        .filter(|f| matches(&store, site, &q, f))
        .collect();
    let (list, total) = sorted_page(
        recs,
        &q.field,
        q.asc,
        q.offset,
        limit,
        now,
        store.static_base.as_ref(),
    );
    drop(store);
    let end = q.offset + list.len();
    let next = (end < total).then(|| wire::encode_cursor(&FileQuery { offset: end, ..q }));
    json!({ "files": list, "nextCursor": with_has_next(next_cursor(next, total)) })
}

/// Adds `hasNext` and an empty `next` on the last page, as the docs' examples show (§0.3).
pub fn with_has_next(mut v: Value) -> Value {
    let has = v["cursors"]["next"].as_str().is_some_and(|n| !n.is_empty());
    v["hasNext"] = json!(has);
    if !has {
        v["cursors"] = json!({ "next": "" });
    }
    v
}

/// `paging` of a search body: `{limit, cursor}`.
fn body_paging(body: &Map<String, Value>) -> WixResult<(usize, Option<String>)> {
    let Some(p) = body.get("paging") else {
        return Ok((DEFAULT_LIMIT, None));
    };
    let Some(p) = p.as_object() else {
        return Err(WixError::invalid("paging", "must be an object", "FORMAT"));
    };
    let mut f = Fields::new(p, "paging.");
    let limit = match p.get("limit") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(n) => Some(n),
            None => {
                return Err(WixError::invalid(
                    "paging.limit",
                    "must be an integer",
                    "FORMAT",
                ))
            }
        },
    };
    let cursor = f.string("cursor", 16000).filter(|c| !c.is_empty());
    f.finish()?;
    Ok((wire::limit(limit, DEFAULT_LIMIT, MAX_LIMIT), cursor))
}

/// `POST /site-media/v1/files/search` (§2): all levels under a root, never one folder.
pub async fn search_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let body = wire::json_object(&body)?;
    let (limit, cursor) = body_paging(&body)?;
    let q = match cursor {
        Some(c) => {
            let q: FileQuery = wire::decode_cursor(&c, "paging.cursor")?;
            wire::check_fresh(&state, q.issued)?;
            q
        }
        None => {
            let mut f = Fields::new(&body, "");
            let search = f.string("search", 200);
            let root = f
                .string("rootFolder", 40)
                .unwrap_or_else(|| "MEDIA_ROOT".into());
            let types = f.strings("mediaTypes", 30, 40);
            let private = f.bool("private");
            let sort = f.object("sort");
            f.finish()?;
            let root = match root.as_str() {
                "MEDIA_ROOT" => MEDIA_ROOT,
                "TRASH_ROOT" => TRASH_ROOT,
                "VISITOR_UPLOADS_ROOT" => "visitor-uploads",
                _ => {
                    return Err(WixError::invalid(
                        "rootFolder",
                        "must be MEDIA_ROOT, TRASH_ROOT or VISITOR_UPLOADS_ROOT",
                        "INVALID_ENUM_VALUE",
                    ))
                }
            };
            check_types(&types)?;
            let field = sort
                .and_then(|s| s.get("fieldName"))
                .and_then(Value::as_str)
                .unwrap_or("updatedDate")
                .to_owned();
            let asc = check_sort(
                &field,
                sort.and_then(|s| s.get("order")).and_then(Value::as_str),
            )?;
            FileQuery {
                root: Some(root.to_owned()),
                parent: None,
                trash: false,
                search,
                types,
                private,
                field,
                asc,
                offset: 0,
                issued: wire::now_ms(),
            }
        }
    };
    Ok(Json(page(&state, &ctx.site_id, q, limit)))
}

/// `GET /site-media/v1/trash-bin/files` (§8c).
pub async fn list_deleted_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let pairs = wire::query_pairs(query.as_deref());
    let limit = match query_get(&pairs, "paging.limit") {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| WixError::invalid("paging.limit", "must be an integer", "FORMAT"))?,
        ),
    };
    let limit = wire::limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
    let q = match query_get(&pairs, "paging.cursor").filter(|c| !c.is_empty()) {
        Some(c) => {
            let q: FileQuery = wire::decode_cursor(c, "paging.cursor")?;
            wire::check_fresh(&state, q.issued)?;
            q
        }
        None => {
            let types: Vec<String> = pairs
                .iter()
                .filter(|(k, _)| k == "mediaTypes")
                .flat_map(|(_, v)| v.split(',').map(str::to_owned))
                .filter(|t| !t.is_empty())
                .collect();
            check_types(&types)?;
            let private = match query_get(&pairs, "private") {
                None => None,
                Some("true") => Some(true),
                Some("false") => Some(false),
                Some(_) => {
                    return Err(WixError::invalid(
                        "private",
                        "must be true or false",
                        "FORMAT",
                    ))
                }
            };
            let field = query_get(&pairs, "sort.fieldName")
                .unwrap_or("updatedDate")
                .to_owned();
            let asc = check_sort(&field, query_get(&pairs, "sort.order"))?;
            FileQuery {
                root: None,
                parent: query_get(&pairs, "parentFolderId").map(str::to_owned),
                trash: true,
                search: None,
                types,
                private,
                field,
                asc,
                offset: 0,
                issued: wire::now_ms(),
            }
        }
    };
    Ok(Json(page(&state, &ctx.site_id, q, limit)))
}

/// The 400 live Wix gives an update without `fieldMask` (wix-media-library.md §0.2): note
/// the extra top-level `errorCode` and the misleading "must be an array".
fn missing_mask() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "message": "Invalid request message",
            "errorCode": -100,
            "details": {"validationError": {"fieldViolations": [
                {"field": "fieldMask", "description": "must be an array"}
            ]}}
        })),
    )
        .into_response()
}

fn parse_failure() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"message": "Failed to parse request message", "details": {}})),
    )
        .into_response()
}

/// The paths of a `fieldMask`: a comma-separated string (`"displayName,labels"`), as Wix-live
/// requires; `strict` refuses the array and `{paths}` forms with Wix's parse error (files),
/// otherwise they are accepted too (folders: the live format is unconfirmed, §9).
#[allow(clippy::result_large_err)]
pub fn field_mask(
    body: &Map<String, Value>,
    entity: &str,
    strict: bool,
) -> Result<Vec<String>, Response> {
    let strip = |p: &str| {
        let p = p.trim();
        p.strip_prefix(&format!("{entity}."))
            .unwrap_or(p)
            .to_owned()
    };
    match body.get("fieldMask") {
        None | Some(Value::Null) => Err(missing_mask()),
        Some(Value::String(s)) => Ok(s.split(',').map(strip).filter(|p| !p.is_empty()).collect()),
        Some(Value::Object(o)) if !strict => Ok(o
            .get("paths")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(strip).collect())
            .unwrap_or_default()),
        Some(_) => Err(parse_failure()),
    }
}

fn not_found_file(id: &str) -> WixError {
    WixError::not_found("FILE_NOT_FOUND", format!("File {id} not found"))
}

/// `PATCH /site-media/v1/files/update-file-descriptor` (§5): only `displayName`,
/// `parentFolderId` and `labels` change; anything else in the mask is a silent no-op.
pub async fn update_file_descriptor(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Response> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia).map_err(|e| e.into_response())?;
    let body = wire::json_object(&body).map_err(|e| e.into_response())?;
    let mask = field_mask(&body, "file", true)?;
    let Some(file) = body.get("file").and_then(Value::as_object) else {
        return Err(WixError::invalid("file", "is required", "REQUIRED_FIELD").into_response());
    };
    let mut f = Fields::new(file, "file.");
    let id = f.required_string("id", 1000);
    let name = f.string("displayName", usize::MAX);
    let parent = f.string("parentFolderId", 100);
    let labels = f.strings("labels", MAX_LABELS, 200);
    let wants = |p: &str| mask.iter().any(|m| m == p);
    if wants("displayName") {
        match name.as_deref().map(str::trim) {
            None | Some("") => f.violations.push(FieldViolation {
                field: "file.displayName".into(),
                description: "must not be empty".into(),
                rule: "REQUIRED_FIELD",
            }),
            Some(n) if crate::media::wix_len(n) > MAX_DISPLAY_NAME => {
                f.violations.push(FieldViolation {
                    field: "file.displayName".into(),
                    description: format!("must be at most {MAX_DISPLAY_NAME} characters"),
                    rule: "MAX_LENGTH",
                })
            }
            _ => {}
        }
    }
    f.finish().map_err(|e| e.into_response())?;
    let id = file_id_from(id.as_deref().unwrap_or_default()).to_owned();
    let now = OffsetDateTime::now_utc();
    let mut store = state.store();
    if wants("parentFolderId") {
        let p = parent.clone().unwrap_or_else(|| MEDIA_ROOT.into());
        if !store.folder_exists(&ctx.site_id, &p) {
            return Err(
                WixError::not_found("FOLDER_NOT_FOUND", format!("Folder {p} not found"))
                    .into_response(),
            );
        }
    }
    let base = store.static_base.clone();
    let Some(rec) = store
        .files
        .get_mut(&id)
        .filter(|r| r.site_id == ctx.site_id)
    else {
        return Err(not_found_file(&id).into_response());
    };
    let mut changed = false;
    if wants("displayName") {
        rec.display_name = name.unwrap_or_default().trim().to_owned();
        changed = true;
    }
    if wants("parentFolderId") {
        rec.parent_folder_id = parent.unwrap_or_else(|| MEDIA_ROOT.into());
        rec.trashed_from = None;
        changed = true;
    }
    if wants("labels") {
        rec.labels = labels;
        changed = true;
    }
    if changed {
        rec.updated = Some(now);
    }
    Ok(Json(json!({ "file": descriptor(rec, now, base.as_ref()) })))
}

fn ids_of(body: &Map<String, Value>, field: &str) -> WixResult<Vec<String>> {
    let mut f = Fields::new(body, "");
    let ids = f.strings(field, MAX_BULK_IDS, 1000);
    f.finish()?;
    if ids.is_empty() {
        return Err(WixError::invalid(
            field,
            "must have at least 1 item",
            "MIN_SIZE",
        ));
    }
    Ok(ids.iter().map(|i| file_id_from(i).to_owned()).collect())
}

/// `POST /site-media/v1/bulk/files/delete` (§8a): to the trash (remembering the folder), or
/// for good with `permanent: true`. `{}` back, no per-file results. An unknown id fails the
/// whole call (404, nothing changed), so a client can tell which one by retrying singly.
pub async fn bulk_delete_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let ids = ids_of(&body, "fileIds")?;
    let mut f = Fields::new(&body, "");
    let permanent = f.bool("permanent").unwrap_or(false);
    f.finish()?;
    let now = OffsetDateTime::now_utc();
    let mut gone = Vec::new();
    {
        let mut store = state.store();
        if let Some(bad) = ids.iter().find(|id| {
            store
                .files
                .get(id.as_str())
                .is_none_or(|r| r.site_id != ctx.site_id)
        }) {
            return Err(not_found_file(bad));
        }
        for id in &ids {
            if permanent {
                if let Some(r) = store.files.remove(id) {
                    gone.push(r.path);
                }
            } else if let Some(r) = store.files.get_mut(id) {
                if r.trashed_from.is_none() {
                    r.trashed_from = Some(std::mem::replace(
                        &mut r.parent_folder_id,
                        TRASH_ROOT.into(),
                    ));
                    r.updated = Some(now);
                }
            }
        }
    }
    for path in gone {
        let _ = tokio::fs::remove_file(path).await;
    }
    Ok(Json(json!({})))
}

/// `POST /site-media/v1/bulk/trash-bin/files/restore` (§8b): back to the original folder, or
/// to the top level when that folder is gone for good.
pub async fn bulk_restore_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let ids = ids_of(&body, "fileIds")?;
    let now = OffsetDateTime::now_utc();
    let mut store = state.store();
    if let Some(bad) = ids.iter().find(|id| {
        store
            .files
            .get(id.as_str())
            .is_none_or(|r| r.site_id != ctx.site_id)
    }) {
        return Err(not_found_file(bad));
    }
    for id in &ids {
        let from = store.files.get(id).and_then(|r| r.trashed_from.clone());
        if let Some(from) = from {
            let back = if store.folder_exists(&ctx.site_id, &from) {
                from
            } else {
                MEDIA_ROOT.to_owned()
            };
            if let Some(r) = store.files.get_mut(id) {
                r.parent_folder_id = back;
                r.trashed_from = None;
                r.updated = Some(now);
            }
        }
    }
    Ok(Json(json!({})))
}

/// `POST /site-media/v1/files/generate-file-download-url` (§7a): a pre-signed link that
/// needs no key and expires (`expirationInMinutes`, default 600; `PUT /__emulator/config
/// {"download_ttl_ms"}` overrides it for tests).
pub async fn generate_file_download_url(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let mut f = Fields::new(&body, "");
    let id = f.required_string("fileId", 1000);
    let minutes = f.int64("expirationInMinutes");
    let name = f.string("downloadFileName", 200);
    let _ = f.strings("assetKeys", 100, 100);
    let _ = f.string("contentDisposition", 20);
    if minutes.is_some_and(|m| !(1..=525_600).contains(&m)) {
        f.violations.push(FieldViolation {
            field: "expirationInMinutes".into(),
            description: "must be between 1 and 525600".into(),
            rule: "RANGE",
        });
    }
    f.finish()?;
    let id = file_id_from(id.as_deref().unwrap_or_default()).to_owned();
    let mut store = state.store();
    if store
        .files
        .get(&id)
        .is_none_or(|r| r.site_id != ctx.site_id)
    {
        return Err(not_found_file(&id));
    }
    let ttl = store.download_ttl.unwrap_or(std::time::Duration::from_secs(
        60 * minutes.unwrap_or(600) as u64,
    ));
    let token = store.hex(20);
    let expires = OffsetDateTime::now_utc() + ttl;
    store.downloads.insert(token.clone(), (id, expires));
    let mut url = format!("{}/_download/{token}", state.base_url);
    if let Some(n) = name {
        url.push_str(&format!(
            "?dn={}",
            form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
        ));
    }
    Ok(Json(
        json!({ "downloadUrls": [{ "url": url, "assetKey": "src" }] }),
    ))
}

fn html(status: StatusCode) -> Response {
    let mut r = (status, html_page(status)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

async fn send_file(f: &FileRecord, disposition: Option<String>) -> Response {
    match tokio::fs::File::open(&f.path).await {
        Ok(file) => {
            let stream = tokio_util_stream(file);
            let mut r = Response::new(Body::from_stream(stream));
            if let Ok(v) = HeaderValue::from_str(&f.mime_type) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&f.size.to_string()) {
                r.headers_mut().insert(header::CONTENT_LENGTH, v);
            }
            if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, d);
            }
            r
        }
        Err(_) => html(StatusCode::NOT_FOUND),
    }
}

/// A file's bytes as a stream of chunks (no whole-file buffering).
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// `GET /_static/<kind>/<fileId>[/v1/…]`: the emulator's stand-in for static.wixstatic.com.
/// A private file answers 403 (an HTML page, as Wix's CDN does), except its `/v1/…`
/// renditions, which stand for the preview/thumbnail Wix gives private files too.
pub async fn serve_static(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let mut parts = path.split('/');
    let _kind = parts.next();
    let id = parts.next().unwrap_or_default().to_owned();
    let rendition = parts.next() == Some("v1");
    let rec = state.store().files.get(&id).cloned();
    match rec {
        None => html(StatusCode::NOT_FOUND),
        Some(r) if r.private && !rendition => html(StatusCode::FORBIDDEN),
        Some(r) if r.forced_status.as_deref() == Some("PENDING") && r.size == 0 => {
            html(StatusCode::NOT_FOUND)
        }
        Some(r) if rendition && r.media_type == "IMAGE" => match rendition_of(&r).await {
            Some(resp) => resp,
            None => send_file(&r, None).await,
        },
        Some(r) => send_file(&r, None).await,
    }
}

/// An image's `/v1/fill/w_300,h_300/…` rendition (the descriptors' `thumbnailUrl`): a larger
/// image scaled and cropped to 300×300 as Wix's CDN serves it, never the original (a
/// 6000×4000 photo's thumbnail is a few kB, not the whole file). None (the file itself is
/// sent) for an image already that small, or bytes that do not decode.
async fn rendition_of(f: &FileRecord) -> Option<Response> {
    let path = f.path.clone();
    let png = f.mime_type == "image/png";
    let bytes = tokio::task::spawn_blocking(move || scaled(&std::fs::read(path).ok()?, png))
        .await
        .ok()??;
    let mime = if png { "image/png" } else { "image/jpeg" };
    Some(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

/// RENDITION×RENDITION cropped to fill, PNG for a PNG (transparency), else JPEG; None when
/// neither side is larger than that or the bytes are not an image.
fn scaled(data: &[u8], png: bool) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    if img.width() <= RENDITION && img.height() <= RENDITION {
        return None;
    }
    let img = img.resize_to_fill(
        RENDITION.min(img.width()),
        RENDITION.min(img.height()),
        image::imageops::FilterType::Triangle,
    );
    let mut out = std::io::Cursor::new(Vec::new());
    if png {
        img.write_to(&mut out, image::ImageFormat::Png).ok()?;
    } else {
        img.to_rgb8()
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .ok()?;
    }
    Some(out.into_inner())
}

/// The side of the `thumbnailUrl` rendition (`w_300,h_300`).
const RENDITION: u32 = 300;

/// `GET /_download/<token>`: a download link's bytes until it expires (then 403).
pub async fn serve_download(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (entry, rec) = {
        let store = state.store();
        let entry = store.downloads.get(&token).cloned();
        let rec = entry
            .as_ref()
            .and_then(|(id, _)| store.files.get(id).cloned());
        (entry, rec)
    };
    let Some((_, expires)) = entry else {
        return html(StatusCode::NOT_FOUND);
    };
    if OffsetDateTime::now_utc() > expires {
        return html(StatusCode::FORBIDDEN);
    }
    let Some(rec) = rec else {
        return html(StatusCode::NOT_FOUND);
    };
    let pairs = wire::query_pairs(query.as_deref());
    let name = query_get(&pairs, "dn").unwrap_or(&rec.display_name);
    let safe: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    send_file(&rec, Some(format!("attachment; filename=\"{safe}\""))).await
}

#[cfg(test)]
mod rendition_tests {
    use super::*;

    fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_photo_becomes_a_small_300_square_and_a_small_image_stays() {
        let big = encoded(1800, 1200, image::ImageFormat::Jpeg);
        let thumb = scaled(&big, false).unwrap();
        let img = image::load_from_memory(&thumb).unwrap();
        assert_eq!((img.width(), img.height()), (300, 300));
        assert!(
            thumb.len() < big.len() / 4,
            "{} of {}",
            thumb.len(),
            big.len()
        );
        let wide = scaled(&encoded(900, 120, image::ImageFormat::Png), true).unwrap();
        assert!(wide.starts_with(b"\x89PNG"));
        let img = image::load_from_memory(&wide).unwrap();
        assert_eq!((img.width(), img.height()), (300, 120), "never enlarged");
        assert!(scaled(&encoded(48, 48, image::ImageFormat::Png), true).is_none());
        assert!(scaled(b"not an image", false).is_none());
    }
}
