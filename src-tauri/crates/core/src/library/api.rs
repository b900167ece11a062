//! The Media Manager calls of the Library, in the shapes of wix-media-library.md: List Files
//! and List Deleted Files (GET, repeated `mediaTypes`), Search Files (POST, a root, never a
//! folder), Update File Descriptor with a comma-separated `fieldMask` string (§5, Wix-live),
//! Bulk Delete / Restore (no per-file results: a batch refused as a whole is retried one id at
//! a time so the rest goes on), Generate File Download URL, and the folder calls.
//!
//! Paging reads `nextCursor.cursors.next` and stops on an empty/absent `next` or `hasNext:
//! false`; answers are read loosely (a file Wixdrop cannot read does not hide the others).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;
use url::form_urlencoded;

use super::error::{LibraryError, LibraryResult, Subject};
use super::file::{file_id_of, LibraryFile};
use super::TRASH_ROOT;
use crate::secret::ApiKey;
use crate::wix::media::{Folder, MEDIA_ROOT};
use crate::wix::{Scope, WixClient};

/// Where a Library call goes: the client, the key and the site.
#[derive(Clone)]
pub struct Site<'a> {
    pub client: &'a WixClient,
    pub key: &'a ApiKey,
    pub site_id: &'a str,
}

impl Site<'_> {
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> LibraryResult<T> {
        self.client
            .call(method, path, self.key, Scope::Site(self.site_id), body)
            .await
            .map_err(|e| LibraryError::from_wix(e, subject))
    }
}

/// Sort keys (REST `sort.fieldName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortBy {
    Name,
    #[default]
    Date,
    Size,
}

impl SortBy {
    fn field(self) -> &'static str {
        match self {
            SortBy::Name => "displayName",
            SortBy::Date => "updatedDate",
            SortBy::Size => "sizeInBytes",
        }
    }
}

/// Filters and order of a listing or search. `media_types` are Wix's (`IMAGE`, `VIDEO`, …);
/// `private`: `Some(true)` only private, `Some(false)` only public, `None` both.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListFilter {
    pub media_types: Vec<String>,
    pub private: Option<bool>,
    pub sort: SortBy,
    /// Ascending; default: names A→Z, dates and sizes newest/largest first.
    pub ascending: Option<bool>,
}

impl ListFilter {
    fn order(&self) -> &'static str {
        let asc = self.ascending.unwrap_or(self.sort == SortBy::Name);
        if asc {
            "ASC"
        } else {
            "DESC"
        }
    }
}

/// One page of files, and the cursor of the next page (`None` on the last).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FilePage {
    pub files: Vec<LibraryFile>,
    pub next_cursor: Option<String>,
    /// Wix's `total`, when it sends one.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// One page of folders.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FolderPage {
    pub folders: Vec<Folder>,
    pub next_cursor: Option<String>,
}

fn next_of(v: &Value) -> Option<String> {
    let nc = v.get("nextCursor")?;
    if nc.get("hasNext").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    nc.pointer("/cursors/next")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn files_of(v: &Value) -> Vec<LibraryFile> {
    v.get("files")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(LibraryFile::from_json).collect())
        .unwrap_or_default()
}

fn page_of(v: &Value) -> FilePage {
    FilePage {
        files: files_of(v),
        next_cursor: next_of(v),
        total: v.pointer("/nextCursor/total").and_then(Value::as_u64),
    }
}

const PAGE: u32 = 100;

fn list_query(
    parent: Option<&str>,
    filter: &ListFilter,
    cursor: Option<&str>,
    limit: u32,
) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    match cursor {
        // A cursor carries the query it continues; only the page size goes with it.
        Some(c) => {
            q.append_pair("paging.cursor", c);
        }
        None => {
            if let Some(p) = parent {
                q.append_pair("parentFolderId", p);
            }
            for t in &filter.media_types {
                q.append_pair("mediaTypes", t);
            }
            if let Some(p) = filter.private {
                q.append_pair("private", if p { "true" } else { "false" });
            }
            q.append_pair("sort.fieldName", filter.sort.field())
                .append_pair("sort.order", filter.order());
        }
    }
    q.append_pair("paging.limit", &limit.clamp(1, PAGE).to_string());
    q.finish()
}

/// List Files: one page of the files directly in `folder_id` (Read Media Manager).
pub async fn list_files(
    site: &Site<'_>,
    folder_id: &str,
    filter: &ListFilter,
    cursor: Option<&str>,
    limit: u32,
) -> LibraryResult<FilePage> {
    let q = list_query(Some(folder_id), filter, cursor, limit);
    let v: Value = site
        .call(
            Method::GET,
            &format!("site-media/v1/files?{q}"),
            None,
            Subject::Folder(folder_id),
        )
        .await?;
    Ok(page_of(&v))
}

/// List Deleted Files: one page of the trash.
pub async fn list_trash(
    site: &Site<'_>,
    filter: &ListFilter,
    cursor: Option<&str>,
    limit: u32,
) -> LibraryResult<FilePage> {
    let q = list_query(None, filter, cursor, limit);
    let v: Value = site
        .call(
            Method::GET,
            &format!("site-media/v1/trash-bin/files?{q}"),
            None,
            Subject::None,
        )
        .await?;
    Ok(page_of(&v))
}

/// Search Files: `text` in names, labels and types, all levels of the site (`trash: false`)
/// or of the trash. Wix's search is fuzzy; callers that need an exact name re-check it.
pub async fn search_files(
    site: &Site<'_>,
    text: &str,
    trash: bool,
    filter: &ListFilter,
    cursor: Option<&str>,
    limit: u32,
) -> LibraryResult<FilePage> {
    let mut body = json!({
        "paging": { "limit": limit.clamp(1, PAGE) },
    });
    match cursor {
        Some(c) => body["paging"]["cursor"] = json!(c),
        None => {
            body["search"] = json!(text.chars().take(200).collect::<String>());
            body["rootFolder"] = json!(if trash { "TRASH_ROOT" } else { "MEDIA_ROOT" });
            if !filter.media_types.is_empty() {
                body["mediaTypes"] = json!(filter.media_types);
            }
            if let Some(p) = filter.private {
                body["private"] = json!(p);
            }
            body["sort"] = json!({ "fieldName": filter.sort.field(), "order": filter.order() });
        }
    }
    let v: Value = site
        .call(
            Method::POST,
            "site-media/v1/files/search",
            Some(&body),
            Subject::None,
        )
        .await?;
    Ok(page_of(&v))
}

/// Every page of a listing (at most `max` files), for the CLI.
pub async fn all_pages<'s, F, Fut>(max: usize, mut page: F) -> LibraryResult<Vec<LibraryFile>>
where
    F: FnMut(Option<String>) -> Fut + 's,
    Fut: std::future::Future<Output = LibraryResult<FilePage>>,
{
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = page(cursor.clone()).await?;
        let got = p.files.len();
        out.extend(p.files);
        match p.next_cursor {
            Some(n) if got > 0 && out.len() < max && cursor.as_deref() != Some(n.as_str()) => {
                cursor = Some(n)
            }
            _ => break,
        }
    }
    out.truncate(max);
    Ok(out)
}

/// Get File Descriptor. `file` may be an id, a `wix:` URI or a static URL.
pub async fn get_file(site: &Site<'_>, file: &str) -> LibraryResult<LibraryFile> {
    let id = need_id(file)?;
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("fileId", &id)
        .finish();
    let v: Value = site
        .call(
            Method::GET,
            &format!("site-media/v1/files/get-file-by-id?{q}"),
            None,
            Subject::File(&id),
        )
        .await?;
    file_in(&v)
}

fn file_in(v: &Value) -> LibraryResult<LibraryFile> {
    v.get("file")
        .and_then(LibraryFile::from_json)
        .ok_or_else(|| {
            LibraryError::Wix(crate::wix::WixError::UnexpectedResponse(
                "a file descriptor without an id".into(),
            ))
        })
}

pub(crate) fn need_id(file: &str) -> LibraryResult<String> {
    file_id_of(file).ok_or_else(|| {
        LibraryError::BadInput("A file is needed: its ID, its wix: URI or its URL.".into())
    })
}

/// What Update File Descriptor changes; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct FileChange {
    pub display_name: Option<String>,
    pub folder_id: Option<String>,
    pub labels: Option<Vec<String>>,
}

/// Update File Descriptor: rename, move, relabel (Manage Media Manager). Sends only the
/// changed fields and names them in `fieldMask` as a comma-separated string (§5).
pub async fn update_file(
    site: &Site<'_>,
    file: &str,
    change: &FileChange,
) -> LibraryResult<LibraryFile> {
    let id = need_id(file)?;
    let mut f = json!({ "id": id });
    let mut mask = Vec::new();
    if let Some(n) = &change.display_name {
        let n = n.trim();
        if n.is_empty() {
            return Err(LibraryError::BadInput(
                "A file name cannot be empty.".into(),
            ));
        }
        if n.chars().count() > 200 {
            return Err(LibraryError::BadInput(format!(
                "A file name may have at most 200 characters; this one has {}.",
                n.chars().count()
            )));
        }
        f["displayName"] = json!(n);
        mask.push("displayName");
    }
    if let Some(p) = &change.folder_id {
        f["parentFolderId"] = json!(p);
        mask.push("parentFolderId");
    }
    if let Some(l) = &change.labels {
        if l.len() > 100 || l.iter().any(|x| x.chars().count() > 200) {
            return Err(LibraryError::BadInput(
                "Wix allows at most 100 labels of at most 200 characters each.".into(),
            ));
        }
        f["labels"] = json!(l);
        mask.push("labels");
    }
    if mask.is_empty() {
        return get_file(site, &id).await;
    }
    let body = json!({ "file": f, "fieldMask": mask.join(",") });
    let v: Value = site
        .call(
            Method::PATCH,
            "site-media/v1/files/update-file-descriptor",
            Some(&body),
            Subject::File(&id),
        )
        .await?;
    file_in(&v)
}

/// The outcome for one id of a bulk call.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ItemResult {
    pub id: String,
    pub ok: bool,
    pub error: Option<String>,
    pub error_kind: Option<String>,
}

/// Bulk Delete Files (`permanent`: for good, else to the trash) or Bulk Restore Files. Wix
/// answers `{}` for the whole batch; when it refuses one (an unknown id), the batch is sent
/// again one id at a time so each gets its own answer and the rest goes on.
pub async fn bulk_files(
    site: &Site<'_>,
    files: &[String],
    action: BulkAction,
) -> LibraryResult<Vec<ItemResult>> {
    let mut ids = Vec::new();
    for f in files {
        ids.push(need_id(f)?);
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(100) {
        match bulk_once(site, chunk, action).await {
            Ok(()) => out.extend(chunk.iter().map(|id| ItemResult {
                id: id.clone(),
                ok: true,
                error: None,
                error_kind: None,
            })),
            Err(e @ LibraryError::Permission { .. }) => return Err(e),
            Err(first) if chunk.len() == 1 => out.push(failed(&chunk[0], &first)),
            Err(_) => {
                for id in chunk {
                    match bulk_once(site, std::slice::from_ref(id), action).await {
                        Ok(()) => out.push(ItemResult {
                            id: id.clone(),
                            ok: true,
                            error: None,
                            error_kind: None,
                        }),
                        Err(e @ LibraryError::Permission { .. }) => return Err(e),
                        Err(e) => out.push(failed(id, &e)),
                    }
                }
            }
        }
    }
    Ok(out)
}

fn failed(id: &str, e: &LibraryError) -> ItemResult {
    ItemResult {
        id: id.to_owned(),
        ok: false,
        error: Some(e.to_string()),
        error_kind: Some(e.kind().into()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Trash,
    DeleteForGood,
    Restore,
}

async fn bulk_once(site: &Site<'_>, ids: &[String], action: BulkAction) -> LibraryResult<()> {
    let (path, body) = match action {
        BulkAction::Trash => (
            "site-media/v1/bulk/files/delete",
            json!({ "fileIds": ids, "permanent": false }),
        ),
        BulkAction::DeleteForGood => (
            "site-media/v1/bulk/files/delete",
            json!({ "fileIds": ids, "permanent": true }),
        ),
        BulkAction::Restore => (
            "site-media/v1/bulk/trash-bin/files/restore",
            json!({ "fileIds": ids }),
        ),
    };
    let subject = match ids {
        [one] => Subject::File(one),
        _ => Subject::None,
    };
    let _: Value = site.call(Method::POST, path, Some(&body), subject).await?;
    Ok(())
}

/// A temporary download link (Generate File Download URL): the only way to share or copy a
/// private file. `minutes`: 1–525600 (Wix's default 600).
pub async fn download_link(site: &Site<'_>, file: &str, minutes: u32) -> LibraryResult<String> {
    let id = need_id(file)?;
    let body = json!({ "fileId": id, "expirationInMinutes": minutes.clamp(1, 525_600) });
    let v: Value = site
        .call(
            Method::POST,
            "site-media/v1/files/generate-file-download-url",
            Some(&body),
            Subject::File(&id),
        )
        .await?;
    v.get("downloadUrls")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|u| u.get("assetKey").and_then(Value::as_str) == Some("src"))
                .or(a.first())
        })
        .and_then(|u| u.get("url"))
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            LibraryError::Wix(crate::wix::WixError::UnexpectedResponse(
                "generate-file-download-url without downloadUrls".into(),
            ))
        })
}

/// List Folders (one page) directly in `parent`, or the trash's folders with `TRASH_ROOT`.
pub async fn list_folders(
    site: &Site<'_>,
    parent: &str,
    cursor: Option<&str>,
) -> LibraryResult<FolderPage> {
    // Built before any await: the serializer is not `Send`.
    let query = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        match cursor {
            Some(c) => q.append_pair("paging.cursor", c),
            None if parent == TRASH_ROOT => &mut q,
            None => q.append_pair("parentFolderId", parent),
        };
        q.append_pair("paging.limit", "100");
        q.finish()
    };
    let path = if parent == TRASH_ROOT {
        "site-media/v1/trash-bin/folders"
    } else {
        "site-media/v1/folders"
    };
    let v: Value = site
        .call(
            Method::GET,
            &format!("{path}?{query}"),
            None,
            Subject::Folder(parent),
        )
        .await?;
    let folders = v
        .get("folders")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| serde_json::from_value::<Folder>(f.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(FolderPage {
        folders,
        next_cursor: next_of(&v),
    })
}

/// Every folder directly in `parent` (all pages, bounded).
pub async fn all_folders(site: &Site<'_>, parent: &str) -> LibraryResult<Vec<Folder>> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..200 {
        let p = list_folders(site, parent, cursor.as_deref()).await?;
        let got = p.folders.len();
        out.extend(p.folders);
        match p.next_cursor {
            Some(n) if got > 0 && cursor.as_deref() != Some(n.as_str()) => cursor = Some(n),
            _ => break,
        }
    }
    Ok(out)
}

/// Get Folder.
pub async fn get_folder(site: &Site<'_>, id: &str) -> LibraryResult<Folder> {
    #[derive(Deserialize)]
    struct Env {
        folder: Folder,
    }
    let q: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let v: Env = site
        .call(
            Method::GET,
            &format!("site-media/v1/folders/{q}"),
            None,
            Subject::Folder(id),
        )
        .await?;
    Ok(v.folder)
}

fn check_folder_name(name: &str) -> LibraryResult<&str> {
    let n = name.trim();
    if n.is_empty() || n.contains('/') {
        return Err(LibraryError::BadInput(
            "A folder name cannot be empty or contain '/'.".into(),
        ));
    }
    if n.chars().count() > 200 {
        return Err(LibraryError::BadInput(
            "A folder name may have at most 200 characters.".into(),
        ));
    }
    Ok(n)
}

/// Create Folder `name` inside `parent`.
pub async fn create_folder(site: &Site<'_>, parent: &str, name: &str) -> LibraryResult<Folder> {
    let name = check_folder_name(name)?;
    #[derive(Deserialize)]
    struct Env {
        folder: Folder,
    }
    let body = json!({ "displayName": name, "parentFolderId": parent });
    let v: Env = site
        .call(
            Method::POST,
            "site-media/v1/folders",
            Some(&body),
            Subject::Folder(parent),
        )
        .await?;
    Ok(v.folder)
}

/// Update Folder: rename (and/or move). `fieldMask` as a string, like files (§9 [guess]).
pub async fn update_folder(
    site: &Site<'_>,
    id: &str,
    name: Option<&str>,
    parent: Option<&str>,
) -> LibraryResult<Folder> {
    #[derive(Deserialize)]
    struct Env {
        folder: Folder,
    }
    let mut folder = json!({ "id": id });
    let mut mask = Vec::new();
    if let Some(n) = name {
        folder["displayName"] = json!(check_folder_name(n)?);
        mask.push("displayName");
    }
    if let Some(p) = parent {
        folder["parentFolderId"] = json!(p);
        mask.push("parentFolderId");
    }
    let body = json!({ "folder": folder, "fieldMask": mask.join(",") });
    let q: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let v: Env = site
        .call(
            Method::PATCH,
            &format!("site-media/v1/folders/{q}"),
            Some(&body),
            Subject::Folder(id),
        )
        .await?;
    Ok(v.folder)
}

/// Bulk Delete Folders (to the trash, or for good) / Bulk Restore Folders.
pub async fn bulk_folders(
    site: &Site<'_>,
    ids: &[String],
    action: BulkAction,
) -> LibraryResult<()> {
    let (path, body) = match action {
        BulkAction::Trash => (
            "site-media/v1/bulk/folders/delete",
            json!({ "folderIds": ids, "permanent": false }),
        ),
        BulkAction::DeleteForGood => (
            "site-media/v1/bulk/folders/delete",
            json!({ "folderIds": ids, "permanent": true }),
        ),
        BulkAction::Restore => (
            "site-media/v1/bulk/trash-bin/folders/restore",
            json!({ "folderIds": ids }),
        ),
    };
    let subject = match ids {
        [one] => Subject::Folder(one),
        _ => Subject::None,
    };
    let _: Value = site.call(Method::POST, path, Some(&body), subject).await?;
    Ok(())
}

/// The top level's id, for callers that need a default.
pub fn root() -> &'static str {
    MEDIA_ROOT
}
