//! Folder writes and searches beyond create/list/get (wix-media-library.md §9): Update Folder
//! (rename/move, `fieldMask` as a string or `{paths}`: the live form is unconfirmed), Bulk
//! Delete Folders (trash remembers the old parent; permanent removes the subtree and its files),
//! Bulk Restore Folders, Search Folders and List Deleted Folders.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::auth::{site_level, Scope};
use crate::error::{FieldViolation, WixError, WixResult};
use crate::library::{field_mask, with_has_next};
use crate::media::next_cursor;
use crate::state::AppState;
use crate::store::{Folder, MEDIA_ROOT, TRASH_ROOT};
use crate::wire::{self, date, query_get, Fields};

pub fn folder_json(f: &Folder) -> Value {
    json!({
        "id": f.id,
        "displayName": f.display_name,
        "parentFolderId": f.parent_folder_id,
        "createdDate": date(f.created),
        "updatedDate": date(f.updated.unwrap_or(f.created)),
        "state": "OK",
    })
}

fn not_found(id: &str) -> WixError {
    WixError::not_found("FOLDER_NOT_FOUND", format!("Folder {id} not found"))
}

/// `PATCH /site-media/v1/folders/{id}`.
pub async fn update_folder(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Response> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia).map_err(|e| e.into_response())?;
    let body = wire::json_object(&body).map_err(|e| e.into_response())?;
    let mask = field_mask(&body, "folder", false)?;
    let empty = serde_json::Map::new();
    let folder = body
        .get("folder")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut f = Fields::new(folder, "folder.");
    let name = f.string("displayName", 200);
    let parent = f.string("parentFolderId", 100);
    let wants = |p: &str| mask.iter().any(|m| m == p);
    if wants("displayName") && name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        f.violations.push(FieldViolation {
            field: "folder.displayName".into(),
            description: "must not be empty".into(),
            rule: "REQUIRED_FIELD",
        });
    }
    f.finish().map_err(|e| e.into_response())?;
    let mut store = state.store();
    if store
        .folders
        .get(&id)
        .is_none_or(|f| f.site_id != ctx.site_id)
    {
        return Err(not_found(&id).into_response());
    }
    if wants("parentFolderId") {
        let p = parent.clone().unwrap_or_else(|| MEDIA_ROOT.into());
        if !store.folder_exists(&ctx.site_id, &p) {
            return Err(not_found(&p).into_response());
        }
        // Not into itself or below itself.
        let mut cur = p.clone();
        for _ in 0..1000 {
            if cur == id {
                return Err(WixError::invalid(
                    "folder.parentFolderId",
                    "a folder cannot move into itself",
                    "INVALID_ARGUMENT",
                )
                .into_response());
            }
            match store.folders.get(&cur) {
                Some(f) => cur = f.parent_folder_id.clone(),
                None => break,
            }
        }
    }
    let now = OffsetDateTime::now_utc();
    let Some(rec) = store.folders.get_mut(&id) else {
        return Err(not_found(&id).into_response());
    };
    if wants("displayName") {
        rec.display_name = name.unwrap_or_default().trim().to_owned();
    }
    if wants("parentFolderId") {
        rec.parent_folder_id = parent.unwrap_or_else(|| MEDIA_ROOT.into());
        rec.trashed_from = None;
    }
    rec.updated = Some(now);
    Ok(Json(json!({ "folder": folder_json(rec) })))
}

#[derive(Deserialize)]
struct IdsBody {
    #[serde(rename = "folderIds", default)]
    folder_ids: Vec<String>,
    #[serde(default)]
    permanent: bool,
}

fn ids_body(raw: &[u8]) -> WixResult<IdsBody> {
    let map = wire::json_object(raw)?;
    let b: IdsBody = serde_json::from_value(Value::Object(map))
        .map_err(|_| WixError::invalid("folderIds", "must be an array of strings", "FORMAT"))?;
    if b.folder_ids.is_empty() {
        return Err(WixError::invalid(
            "folderIds",
            "must have at least 1 item",
            "MIN_SIZE",
        ));
    }
    Ok(b)
}

/// `POST /site-media/v1/bulk/folders/delete`.
pub async fn bulk_delete_folders(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let b = ids_body(&body)?;
    let now = OffsetDateTime::now_utc();
    let mut gone_files = Vec::new();
    {
        let mut store = state.store();
        if let Some(bad) = b.folder_ids.iter().find(|id| {
            store
                .folders
                .get(id.as_str())
                .is_none_or(|f| f.site_id != ctx.site_id)
        }) {
            return Err(not_found(bad));
        }
        for id in &b.folder_ids {
            if b.permanent {
                // The subtree, then every file in it.
                let mut doomed = vec![id.clone()];
                let mut i = 0;
                while i < doomed.len() {
                    let kids: Vec<String> = store
                        .folders
                        .values()
                        .filter(|f| f.parent_folder_id == doomed[i])
                        .map(|f| f.id.clone())
                        .collect();
                    doomed.extend(kids);
                    i += 1;
                }
                let files: Vec<String> = store
                    .files
                    .values()
                    .filter(|f| {
                        doomed.contains(&f.parent_folder_id)
                            || f.trashed_from.as_ref().is_some_and(|t| doomed.contains(t))
                    })
                    .map(|f| f.id.clone())
                    .collect();
                for fid in files {
                    if let Some(r) = store.files.remove(&fid) {
                        gone_files.push(r.path);
                    }
                }
                for d in doomed {
                    store.folders.remove(&d);
                }
            } else if let Some(f) = store.folders.get_mut(id) {
                if f.trashed_from.is_none() {
                    f.trashed_from = Some(std::mem::replace(
                        &mut f.parent_folder_id,
                        TRASH_ROOT.into(),
                    ));
                    f.updated = Some(now);
                }
            }
        }
    }
    for p in gone_files {
        let _ = tokio::fs::remove_file(p).await;
    }
    Ok(Json(json!({})))
}

/// `POST /site-media/v1/bulk/trash-bin/folders/restore`.
pub async fn bulk_restore_folders(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let b = ids_body(&body)?;
    let mut store = state.store();
    for id in &b.folder_ids {
        let from = match store.folders.get(id).filter(|f| f.site_id == ctx.site_id) {
            Some(f) => f.trashed_from.clone(),
            None => return Err(not_found(id)),
        };
        if let Some(from) = from {
            let back = if store.folder_exists(&ctx.site_id, &from) {
                from
            } else {
                MEDIA_ROOT.to_owned()
            };
            if let Some(f) = store.folders.get_mut(id) {
                f.parent_folder_id = back;
                f.trashed_from = None;
                f.updated = Some(OffsetDateTime::now_utc());
            }
        }
    }
    Ok(Json(json!({})))
}

#[derive(Serialize, Deserialize)]
struct FolderQuery {
    root: Option<String>,
    trash: bool,
    search: Option<String>,
    offset: usize,
    #[serde(default)]
    issued: i64,
}

fn folder_page(state: &AppState, site: &str, q: FolderQuery, limit: usize) -> Value {
    let store = state.store();
    let mut list: Vec<Folder> = store
        .folders
        .values()
        .filter(|f| f.site_id == site)
        .filter(|f| {
            if q.trash {
                f.trashed_from.is_some()
            } else {
                q.root
                    .as_deref()
                    .is_none_or(|r| store.root_of(&f.parent_folder_id) == r)
            }
        })
        .filter(|f| {
            q.search.as_deref().is_none_or(|s| {
                f.display_name
                    .to_lowercase()
                    .contains(&s.trim().to_lowercase())
            })
        })
        .cloned()
        .collect();
    drop(store);
    list.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
    let total = list.len();
    let page: Vec<Value> = list
        .iter()
        .skip(q.offset)
        .take(limit)
        .map(folder_json)
        .collect();
    let end = q.offset + page.len();
    let next = (end < total).then(|| wire::encode_cursor(&FolderQuery { offset: end, ..q }));
    json!({ "folders": page, "nextCursor": with_has_next(next_cursor(next, total)) })
}

/// `POST /site-media/v1/folders/search`: all levels under a root.
pub async fn search_folders(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let body = wire::json_object(&body)?;
    let paging = body.get("paging").and_then(Value::as_object);
    let limit = wire::limit(
        paging.and_then(|p| p.get("limit")).and_then(Value::as_i64),
        50,
        100,
    );
    let cursor = paging
        .and_then(|p| p.get("cursor"))
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty());
    let q = match cursor {
        Some(c) => {
            let q: FolderQuery = wire::decode_cursor(c, "paging.cursor")?;
            wire::check_fresh(&state, q.issued)?;
            q
        }
        None => {
            let mut f = Fields::new(&body, "");
            let search = f.string("search", 200);
            let root = f.string("rootFolder", 40);
            f.finish()?;
            let root = match root.as_deref().unwrap_or("MEDIA_ROOT") {
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
            FolderQuery {
                root: Some(root.into()),
                trash: false,
                search,
                offset: 0,
                issued: wire::now_ms(),
            }
        }
    };
    Ok(Json(folder_page(&state, &ctx.site_id, q, limit)))
}

/// `GET /site-media/v1/trash-bin/folders`.
pub async fn list_deleted_folders(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let pairs = wire::query_pairs(query.as_deref());
    let limit = wire::limit(
        query_get(&pairs, "paging.limit").and_then(|s| s.parse().ok()),
        50,
        100,
    );
    let q = match query_get(&pairs, "paging.cursor").filter(|c| !c.is_empty()) {
        Some(c) => wire::decode_cursor(c, "paging.cursor")?,
        None => FolderQuery {
            root: None,
            trash: true,
            search: None,
            offset: 0,
            issued: wire::now_ms(),
        },
    };
    Ok(Json(folder_page(&state, &ctx.site_id, q, limit)))
}
