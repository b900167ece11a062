//! Media Manager folders (wix-api.md §7): create (Manage), list and get (Read).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::auth::{site_level, Scope};
use crate::error::{WixError, WixResult};
use crate::media::next_cursor;
use crate::state::AppState;
use crate::store::{Folder, MEDIA_ROOT};
use crate::wire::{self, query_get, Fields};

/// Create Folder's `displayName` limit (wix-media-library.md §9).
const MAX_FOLDER_NAME: usize = 200;

fn folder_json(f: &Folder) -> Value {
    crate::folder_ops::folder_json(f)
}

pub async fn create_folder(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ManageMedia)?;
    let body = wire::json_object(&body)?;
    let mut f = Fields::new(&body, "");
    // Counted in UTF-16 code units, like the generate calls' limits (media.rs).
    let name = f.required_string("displayName", usize::MAX);
    if name
        .as_deref()
        .is_some_and(|n| crate::media::wix_len(n) > MAX_FOLDER_NAME)
    {
        f.violations.push(crate::error::FieldViolation {
            field: "displayName".into(),
            description: format!("must be at most {MAX_FOLDER_NAME} characters"),
            rule: "MAX_LENGTH",
        });
    }
    let parent = f.string("parentFolderId", crate::media::MAX_PARENT_FOLDER_ID);
    f.finish()?;
    let parent = parent
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| MEDIA_ROOT.to_owned());
    let mut store = state.store();
    if !store.folder_exists(&ctx.site_id, &parent) {
        return Err(WixError::not_found(
            "FOLDER_NOT_FOUND",
            format!("Folder {parent} not found"),
        ));
    }
    let folder = store.add_folder(&ctx.site_id, &name.unwrap_or_default(), &parent);
    Ok(Json(json!({ "folder": folder_json(&folder) })))
}

#[derive(Serialize, Deserialize)]
struct FolderCursor {
    parent: String,
    offset: usize,
}

pub async fn list_folders(
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
    let limit = wire::limit(limit, 50, 100);
    let cursor = match query_get(&pairs, "paging.cursor").filter(|c| !c.is_empty()) {
        Some(c) => wire::decode_cursor::<FolderCursor>(c, "paging.cursor")?,
        None => FolderCursor {
            parent: query_get(&pairs, "parentFolderId")
                .unwrap_or(MEDIA_ROOT)
                .to_owned(),
            offset: 0,
        },
    };
    let mut folders: Vec<Folder> = state
        .store()
        .folders
        .values()
        .filter(|f| f.site_id == ctx.site_id && f.parent_folder_id == cursor.parent)
        .cloned()
        .collect();
    folders.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    let total = folders.len();
    let page: Vec<Value> = folders
        .iter()
        .skip(cursor.offset)
        .take(limit)
        .map(folder_json)
        .collect();
    let end = cursor.offset + page.len();
    let next = (end < total).then(|| {
        wire::encode_cursor(&FolderCursor {
            parent: cursor.parent,
            offset: end,
        })
    });
    Ok(Json(
        json!({ "folders": page, "nextCursor": next_cursor(next, total) }),
    ))
}

pub async fn get_folder(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WixResult<Json<Value>> {
    let ctx = site_level(&state, &headers, Scope::ReadMedia)?;
    let store = state.store();
    match store.folders.get(&id).filter(|f| f.site_id == ctx.site_id) {
        Some(f) => Ok(Json(json!({ "folder": folder_json(f) }))),
        None => Err(WixError::not_found(
            "FOLDER_NOT_FOUND",
            format!("Folder {id} not found"),
        )),
    }
}
