//! Media Manager files (wix-api.md §4, §5, §7): generate upload URLs, list files, get one.
//! Upload bytes arrive elsewhere (`upload.rs`, `tus.rs`); this module hands out the tickets
//! they redeem and renders file descriptors with Wix's REST field names.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::auth::{site_level, Scope};
use crate::error::{WixError, WixResult};
use crate::state::AppState;
use crate::store::{FileRecord, StaticHost, TicketKind, UploadTicket, MEDIA_ROOT};
use crate::wire::{self, date, query_get, Fields};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// generate-upload-url / generate-resumable-upload-url request limits (wix-api.md §8).
pub const MAX_FILE_NAME: usize = 200;
pub const MAX_FILE_PATH: usize = 100;
pub const MAX_MIME_TYPE: usize = 100;
pub const MAX_PARENT_FOLDER_ID: usize = 100;
const MAX_LABELS: usize = 50;
const MAX_LABELS_RESUMABLE: usize = 500;

/// A length as a JVM service counts it (UTF-16 code units): never less than `chars()`, so a
/// client that passes here passes either reading of Wix's "characters".
pub fn wix_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Where Wix serves static files; fonts and documents come back relative to it (§8).
const STATIC_BASE: &str = "https://static.wixstatic.com/";
/// The generic icon Wix gives non-visual files as `thumbnailUrl` (wix-media-library.md §10).
const GENERIC_ICON: &str = "media/bed4c36100699ce1870dafd75a05210a.png";

fn is_font(f: &FileRecord) -> bool {
    f.mime_type.starts_with("font/")
        || f.mime_type.contains("font-")
        || crate::mime::extension(&f.id)
            .is_some_and(|e| ["ttf", "otf", "woff", "woff2", "eot"].contains(&e.as_str()))
}

/// `(url, thumbnailUrl)` as live Wix sends them: absolute for media Wix renders itself,
/// relative for fonts (`ufonts/<prefix>/<id>`) and documents (`ugd/<id>`), wix-api.md §8.
/// With the emulator's own static host (`static_base`), every URL is absolute and images get
/// a `fill` rendition as thumbnail, which the static host serves for private files too; with
/// `thumbnails_only`, only the thumbnail is on the static host.
fn urls(f: &FileRecord, static_base: Option<&StaticHost>) -> (String, String) {
    let Some(host) = static_base else {
        return live_urls(f);
    };
    let base = &host.base;
    let thumb = match f.media_type {
        "IMAGE" | "VECTOR" => format!("{base}media/{}/v1/fill/w_300,h_300/file.jpg", f.id),
        _ => format!("{base}{GENERIC_ICON}"),
    };
    if host.thumbnails_only {
        return (live_urls(f).0, thumb);
    }
    let url = match f.media_type {
        "DOCUMENT" => format!("{base}ugd/{}", f.id),
        _ => format!("{base}media/{}", f.id),
    };
    (url, thumb)
}

fn live_urls(f: &FileRecord) -> (String, String) {
    let prefix = f.id.split('_').next().unwrap_or_default();
    if is_font(f) {
        (format!("ufonts/{prefix}/{}", f.id), GENERIC_ICON.to_owned())
    } else if f.media_type == "DOCUMENT" {
        (
            format!("ugd/{}", f.id),
            format!("{STATIC_BASE}{GENERIC_ICON}"),
        )
    } else {
        let url = format!("{STATIC_BASE}media/{}", f.id);
        (url.clone(), url)
    }
}

/// The REST file descriptor.
pub fn descriptor(f: &FileRecord, now: OffsetDateTime, static_base: Option<&StaticHost>) -> Value {
    let (status, updated) = f.status(now);
    let (url, thumbnail) = urls(f, static_base);
    json!({
        "id": f.id,
        "displayName": f.display_name,
        "url": url,
        "parentFolderId": f.parent_folder_id,
        "hash": f.sha256,
        "sizeInBytes": f.size.to_string(),
        "private": f.private,
        "mediaType": f.media_type,
        "mimeType": f.mime_type,
        "operationStatus": status,
        "thumbnailUrl": thumbnail,
        "labels": f.labels,
        "createdDate": date(f.created),
        "updatedDate": date(updated),
        "siteId": f.site_id,
        "state": "OK",
        "sourceUrl": f.source_url,
    })
}

/// Checks the generate body (§4.1 / §5) and records the ticket; returns its token.
fn make_ticket(
    state: &AppState,
    site_id: &str,
    body: &[u8],
    kind: TicketKind,
) -> WixResult<String> {
    let body = wire::json_object(body)?;
    let mut f = Fields::new(&body, "");
    // The documented request limits (wix-api.md §8), counted in UTF-16 code units: the
    // stricter reading of "characters" (see the README).
    let mime_type = f.required_string("mimeType", usize::MAX);
    let file_name = f.string("fileName", usize::MAX);
    let size = f.int64("sizeInBytes");
    let parent = f.string("parentFolderId", usize::MAX);
    let private = f.bool("private").unwrap_or(false);
    let max_labels = match kind {
        TicketKind::Plain => MAX_LABELS,
        TicketKind::Resumable => MAX_LABELS_RESUMABLE,
    };
    let labels = f.strings("labels", max_labels, 200);
    let file_path = f.string("filePath", usize::MAX);
    for (field, value, max) in [
        ("mimeType", &mime_type, MAX_MIME_TYPE),
        ("fileName", &file_name, MAX_FILE_NAME),
        ("parentFolderId", &parent, MAX_PARENT_FOLDER_ID),
        ("filePath", &file_path, MAX_FILE_PATH),
    ] {
        if value.as_deref().is_some_and(|v| wix_len(v) > max) {
            f.violations.push(crate::error::FieldViolation {
                field: field.into(),
                description: format!("must be at most {max} characters"),
                rule: "MAX_LENGTH",
            });
        }
    }
    let _ = f.object("externalInfo");
    if kind == TicketKind::Resumable {
        if let Some(p) = f.string("uploadProtocol", 20) {
            if p != "TUS" {
                f.violations.push(crate::error::FieldViolation {
                    field: "uploadProtocol".into(),
                    description: "must be TUS".into(),
                    rule: "INVALID_ENUM_VALUE",
                });
            }
        }
    }
    if size.is_some_and(|s| s < 0) {
        f.violations.push(crate::error::FieldViolation {
            field: "sizeInBytes".into(),
            description: "must not be negative".into(),
            rule: "MIN",
        });
    }
    if let Some(declared) = mime_type.as_deref().map(crate::mime::essence) {
        // octet-stream asks for detection from the file name's extension, as Wix does.
        let effective = match (
            declared.as_str(),
            file_name.as_deref().and_then(crate::mime::extension),
        ) {
            ("application/octet-stream", Some(ext)) => crate::mime::mime_for_ext(&ext)
                .map(str::to_owned)
                .unwrap_or(declared.clone()),
            _ => declared.clone(),
        };
        if effective == "text/html" || state.store().refused_mime_types.contains(&declared) {
            f.violations.push(crate::error::FieldViolation {
                field: "mimeType".into(),
                description: format!("{effective} is not a supported media type"),
                rule: "INVALID_ARGUMENT",
            });
        }
    }
    f.finish()?;
    let mime_type = crate::mime::essence(&mime_type.unwrap_or_default());
    let parent = parent
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| MEDIA_ROOT.to_owned());
    let mut store = state.store();
    if !store.folder_exists(site_id, &parent) {
        return Err(WixError::not_found(
            "FOLDER_NOT_FOUND",
            format!("Folder {parent} not found"),
        ));
    }
    let parent = match file_path {
        Some(path) => store.ensure_path(site_id, &parent, &path),
        None => parent,
    };
    let token = store.hex(24);
    store.tickets.insert(
        token.clone(),
        UploadTicket {
            kind,
            site_id: site_id.to_owned(),
            file_name,
            mime_type,
            parent_folder_id: parent,
            private,
            labels,
            used: false,
            tus_upload: None,
        },
    );
    Ok(token)
}

pub async fn generate_upload_url(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let token = make_ticket(&state, &ctx.site_id, &body, TicketKind::Plain)?;
    Ok(Json(
        json!({ "uploadUrl": format!("{}/upload/{token}", state.base_url) }),
    ))
}

pub async fn generate_resumable_upload_url(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let token = make_ticket(&state, &ctx.site_id, &body, TicketKind::Resumable)?;
    Ok(Json(json!({
        "uploadProtocol": "TUS",
        "uploadUrl": format!("{}/tus/v1/files", state.base_url),
        "uploadToken": token,
    })))
}

#[derive(Serialize, Deserialize)]
struct ListCursor {
    parent: String,
    types: Vec<String>,
    private: Option<bool>,
    field: String,
    asc: bool,
    offset: usize,
    /// Unix ms when the first page was asked for (cursors expire, see `Store::cursor_ttl`).
    #[serde(default)]
    issued: i64,
}

const MEDIA_TYPES: &[&str] = &[
    "IMAGE", "VIDEO", "AUDIO", "DOCUMENT", "VECTOR", "ARCHIVE", "MODEL3D", "OTHER", "UNKNOWN",
];

fn list_cursor(pairs: &[(String, String)]) -> WixResult<ListCursor> {
    let parent = query_get(pairs, "parentFolderId")
        .unwrap_or(MEDIA_ROOT)
        .to_owned();
    let mut types = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "mediaTypes") {
        for t in v.split(',').filter(|t| !t.is_empty()) {
            if !MEDIA_TYPES.contains(&t) {
                return Err(WixError::invalid(
                    "mediaTypes",
                    "unknown media type",
                    "INVALID_ENUM_VALUE",
                ));
            }
            types.push(t.to_owned());
        }
    }
    let private = match query_get(pairs, "private") {
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
    let field = query_get(pairs, "sort.fieldName")
        .unwrap_or("updatedDate")
        .to_owned();
    if !["displayName", "updatedDate", "sizeInBytes"].contains(&field.as_str()) {
        return Err(WixError::invalid(
            "sort.fieldName",
            "must be displayName, updatedDate or sizeInBytes",
            "INVALID_ENUM_VALUE",
        ));
    }
    let asc = match query_get(pairs, "sort.order") {
        None | Some("DESC") => false,
        Some("ASC") => true,
        Some(_) => {
            return Err(WixError::invalid(
                "sort.order",
                "must be ASC or DESC",
                "INVALID_ENUM_VALUE",
            ))
        }
    };
    Ok(ListCursor {
        parent,
        types,
        private,
        field,
        asc,
        offset: 0,
        issued: wire::now_ms(),
    })
}

fn paging(pairs: &[(String, String)]) -> WixResult<(usize, Option<String>)> {
    let limit = match query_get(pairs, "paging.limit") {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| WixError::invalid("paging.limit", "must be an integer", "FORMAT"))?,
        ),
    };
    let cursor = query_get(pairs, "paging.cursor")
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    Ok((wire::limit(limit, DEFAULT_LIMIT, MAX_LIMIT), cursor))
}

/// `{ "cursors": { "next"? }, "total" }`, Wix's `nextCursor`.
pub fn next_cursor(next: Option<String>, total: usize) -> Value {
    match next {
        Some(next) => json!({ "cursors": { "next": next }, "total": total }),
        None => json!({ "cursors": {}, "total": total }),
    }
}

pub async fn list_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let pairs = wire::query_pairs(query.as_deref());
    let (limit, cursor) = paging(&pairs)?;
    let q = match cursor {
        Some(c) => {
            let c = wire::decode_cursor::<ListCursor>(&c, "paging.cursor")?;
            wire::check_fresh(&state, c.issued)?;
            c
        }
        None => list_cursor(&pairs)?,
    };
    let now = OffsetDateTime::now_utc();
    let (page, total) = {
        let store = state.store();
        let recs: Vec<&FileRecord> = store
            .files
            .values()
            .filter(|f| f.site_id == ctx.site_id && f.parent_folder_id == q.parent)
            .filter(|f| q.types.is_empty() || q.types.iter().any(|t| t == f.media_type))
            .filter(|f| q.private.is_none_or(|p| p == f.private))
            .collect();
        crate::library::sorted_page(
            recs,
            &q.field,
            q.asc,
            q.offset,
            limit,
            now,
            store.static_base.as_ref(),
        )
    };
    let end = q.offset + page.len();
    let next = (end < total).then(|| wire::encode_cursor(&ListCursor { offset: end, ..q }));
    Ok(Json(
        json!({ "files": page, "nextCursor": next_cursor(next, total) }),
    ))
}

/// Accepts a plain file id, a `wix:image://v1/<id>/<name>#…` media URI or a static URL
/// (`https://static.wixstatic.com/media/<id>`, wix-media-library.md §8a: "Wix media URLs are
/// accepted as ids").
pub fn file_id_from(raw: &str) -> &str {
    match raw.split_once("://v1/") {
        Some((_, rest)) => rest.split(['/', '#']).next().unwrap_or(rest),
        None if raw.starts_with("http://") || raw.starts_with("https://") => {
            let path = raw.split(['?', '#']).next().unwrap_or(raw);
            // <host>/<kind>/<id>[/v1/…]; `_static/` is the emulator's own host prefix.
            let mut parts = path
                .splitn(4, '/')
                .nth(3)
                .unwrap_or("")
                .split('/')
                .skip_while(|p| *p == "_static")
                .skip(1);
            parts.next().filter(|id| !id.is_empty()).unwrap_or(raw)
        }
        None => raw,
    }
}

pub async fn get_file_by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let pairs = wire::query_pairs(query.as_deref());
    let Some(raw) = query_get(&pairs, "fileId").filter(|s| !s.is_empty()) else {
        return Err(WixError::invalid("fileId", "is required", "REQUIRED_FIELD"));
    };
    let id = file_id_from(raw);
    let store = state.store();
    match store.files.get(id).filter(|f| f.site_id == ctx.site_id) {
        Some(f) => Ok(Json(
            json!({ "file": descriptor(f, OffsetDateTime::now_utc(), store.static_base.as_ref()) }),
        )),
        None => Err(WixError::app(
            StatusCode::NOT_FOUND,
            "FILE_NOT_FOUND",
            format!("File {id} not found"),
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn media_url_ids() {
        assert_eq!(super::file_id_from("abc~mv2.jpg"), "abc~mv2.jpg");
        assert_eq!(
            super::file_id_from("wix:image://v1/abc~mv2.jpg/a.jpg#originWidth=1"),
            "abc~mv2.jpg"
        );
        assert_eq!(
            super::file_id_from("https://static.wixstatic.com/media/abc~mv2.jpg"),
            "abc~mv2.jpg"
        );
        assert_eq!(
            super::file_id_from("http://127.0.0.1:9/_static/ugd/abc.pdf?dn=x"),
            "abc.pdf"
        );
    }
}
