//! Media Manager calls (site-level, `wix-site-id`): upload URLs, file descriptors, folders.
//!
//! Only the JSON API lives here; the bytes themselves go to the URLs these calls hand out, which
//! take no `Authorization` (see `upload::simple` and `upload::tus`). Field names follow
//! wix-api.md §4–§7 exactly: top-level `fileName`/`mimeType`, `sizeInBytes` as a *string*,
//! and `nextCursor` for paging. Descriptors are read leniently (numbers or strings, missing
//! fields) because Wix's own typings disagree about them.

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize};
use ts_rs::TS;
use url::form_urlencoded;

use super::{Scope, WixClient, WixError};
use crate::secret::ApiKey;

/// The root level of "Site Files".
pub const MEDIA_ROOT: &str = "media-root";

/// What the generate calls need to know about a file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadTarget {
    pub mime_type: String,
    pub file_name: String,
    /// int64 sent as a string, as Wix documents it.
    pub size_in_bytes: String,
    pub parent_folder_id: String,
    /// Folders below `parent_folder_id` that Wix creates when missing (`/a/b`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
}

/// `generate-resumable-upload-url`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumableUrl {
    pub upload_url: String,
    pub upload_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainUrl {
    upload_url: String,
}

/// Processing state of an uploaded file (anything new from Wix reads as `UNKNOWN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum OperationStatus {
    Pending,
    Ready,
    Failed,
    Unknown,
}

impl OperationStatus {
    pub fn parse(s: &str) -> OperationStatus {
        match s {
            "PENDING" => OperationStatus::Pending,
            "READY" => OperationStatus::Ready,
            "FAILED" => OperationStatus::Failed,
            _ => OperationStatus::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OperationStatus::Pending => "PENDING",
            OperationStatus::Ready => "READY",
            OperationStatus::Failed => "FAILED",
            OperationStatus::Unknown => "UNKNOWN",
        }
    }
}

fn lenient_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OperationStatus>, D::Error> {
    Ok(Option::<serde_json::Value>::deserialize(d)?
        .and_then(|v| v.as_str().map(OperationStatus::parse)))
}

/// The parts of Wix's file descriptor Wixdrop uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDescriptor {
    pub id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub parent_folder_id: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub size_in_bytes: Option<u64>,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_status")]
    pub operation_status: Option<OperationStatus>,
    #[serde(default)]
    pub created_date: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct FileEnvelope {
    pub file: FileDescriptor,
}

/// A Media Manager folder (for the destination picker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Folder {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub parent_folder_id: Option<String>,
}

#[derive(Deserialize)]
struct FolderList {
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default, rename = "nextCursor")]
    next_cursor: Option<NextCursor>,
}

#[derive(Deserialize)]
struct FileList {
    #[serde(default)]
    files: Vec<FileDescriptor>,
}

#[derive(Deserialize)]
struct NextCursor {
    cursors: Option<Cursors>,
}

#[derive(Deserialize)]
struct Cursors {
    next: Option<String>,
}

#[derive(Deserialize)]
struct FolderEnvelope {
    folder: Folder,
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        _ => None,
    })
}

/// A single-use URL for one plain `PUT` of the whole file.
pub async fn generate_upload_url(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    target: &UploadTarget,
) -> Result<String, WixError> {
    let r: PlainUrl = client
        .call(
            Method::POST,
            "site-media/v1/files/generate-upload-url",
            key,
            Scope::Site(site_id),
            Some(target),
        )
        .await?;
    Ok(r.upload_url)
}

/// A tus creation endpoint and the single-use token that authorises it.
pub async fn generate_resumable_upload_url(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    target: &UploadTarget,
) -> Result<ResumableUrl, WixError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Body<'a> {
        #[serde(flatten)]
        target: &'a UploadTarget,
        upload_protocol: &'static str,
    }
    let body = Body {
        target,
        upload_protocol: "TUS",
    };
    client
        .call(
            Method::POST,
            "site-media/v1/files/generate-resumable-upload-url",
            key,
            Scope::Site(site_id),
            Some(&body),
        )
        .await
}

/// `get-file-by-id` (Read Media Manager).
pub async fn get_file(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    file_id: &str,
) -> Result<FileDescriptor, WixError> {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("fileId", file_id)
        .finish();
    let r: FileEnvelope = client
        .call::<(), _>(
            Method::GET,
            &format!("site-media/v1/files/get-file-by-id?{q}"),
            key,
            Scope::Site(site_id),
            None,
        )
        .await?;
    Ok(r.file)
}

/// The most recently updated files directly in `folder_id` (one page, newest first).
pub async fn recent_files(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    folder_id: &str,
    limit: u32,
) -> Result<Vec<FileDescriptor>, WixError> {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("parentFolderId", folder_id)
        .append_pair("sort.fieldName", "updatedDate")
        .append_pair("sort.order", "DESC")
        .append_pair("paging.limit", &limit.to_string())
        .finish();
    let r: FileList = client
        .call::<(), _>(
            Method::GET,
            &format!("site-media/v1/files?{q}"),
            key,
            Scope::Site(site_id),
            None,
        )
        .await?;
    Ok(r.files)
}

/// Every folder directly inside `parent_folder_id` (all pages).
pub async fn list_folders(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    parent_folder_id: &str,
) -> Result<Vec<Folder>, WixError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    // A server that keeps answering with cursors must not loop forever.
    for _ in 0..200 {
        let query = {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("parentFolderId", parent_folder_id)
                .append_pair("paging.limit", "100");
            if let Some(c) = &cursor {
                q.append_pair("paging.cursor", c);
            }
            q.finish()
        };
        let page: FolderList = client
            .call::<(), _>(
                Method::GET,
                &format!("site-media/v1/folders?{query}"),
                key,
                Scope::Site(site_id),
                None,
            )
            .await?;
        let got = page.folders.len();
        out.extend(page.folders);
        match page
            .next_cursor
            .and_then(|n| n.cursors)
            .and_then(|c| c.next)
            .filter(|n| !n.is_empty())
        {
            Some(next) if got > 0 && cursor.as_deref() != Some(&next) => cursor = Some(next),
            _ => break,
        }
    }
    Ok(out)
}

/// Create `display_name` inside `parent_folder_id` (Manage Media Manager).
pub async fn create_folder(
    client: &WixClient,
    key: &ApiKey,
    site_id: &str,
    parent_folder_id: &str,
    display_name: &str,
) -> Result<Folder, WixError> {
    let body =
        serde_json::json!({ "displayName": display_name, "parentFolderId": parent_folder_id });
    let r: FolderEnvelope = client
        .call(
            Method::POST,
            "site-media/v1/folders",
            key,
            Scope::Site(site_id),
            Some(&body),
        )
        .await?;
    Ok(r.folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_body_is_flat_and_size_is_a_string() {
        let t = UploadTarget {
            mime_type: "image/png".into(),
            file_name: "a.png".into(),
            size_in_bytes: "15359".into(),
            parent_folder_id: MEDIA_ROOT.into(),
            file_path: None,
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"mimeType": "image/png", "fileName": "a.png", "sizeInBytes": "15359", "parentFolderId": "media-root"})
        );
    }

    #[test]
    fn descriptors_are_read_leniently() {
        let f: FileDescriptor =
            serde_json::from_str(r#"{"id":"x","sizeInBytes":"12","operationStatus":"PENDING"}"#)
                .unwrap();
        assert_eq!(f.size_in_bytes, Some(12));
        assert_eq!(f.operation_status, Some(OperationStatus::Pending));
        let f: FileDescriptor =
            serde_json::from_str(r#"{"id":"x","sizeInBytes":12,"operationStatus":"NEW_THING"}"#)
                .unwrap();
        assert_eq!(
            (f.size_in_bytes, f.operation_status),
            (Some(12), Some(OperationStatus::Unknown))
        );
    }
}
