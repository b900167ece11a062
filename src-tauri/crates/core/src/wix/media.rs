//! Media Manager calls (site-level, `wix-site-id`): upload URLs, file descriptors, folders.
//!
//! Only the JSON API lives here; the bytes themselves go to the URLs these calls hand out, which
//! take no `Authorization` (see `upload::simple` and `upload::tus`). Field names follow
//! wix-api.md §4–§7 exactly: top-level `fileName`/`mimeType`, `sizeInBytes` as a *string*,
//! and `nextCursor` for paging. Descriptors are read leniently, from loose JSON (numbers or
//! strings, missing fields, `media.image.image` as a string or an object, unknown fields and
//! `mediaType`s), because Wix's own typings disagree about them and live answers differ from
//! both; relative URLs (fonts, some documents) are made absolute here, once, so every caller —
//! the upload result, the history, what the app copies — gets a working link (wix-api.md §8).

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
    /// `private: true` makes a private file (its static URL answers 403; only a temporary
    /// download link opens it). Wix takes it only here, at upload time: it cannot change later.
    /// Left out of the body when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
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

/// Where Wix serves static media from; relative descriptor URLs are relative to it
/// (wix-api.md §8: fonts come back as `ufonts/<prefix>/<id>`).
pub const STATIC_BASE: &str = "https://static.wixstatic.com/";

/// A descriptor URL made absolute: `https://…` and other absolute URLs as they are,
/// `//host/path` with `https:`, a relative path (`ufonts/…`, `/media/…`) under
/// [`STATIC_BASE`]. `None` for an empty or unusable value.
pub fn absolute_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().any(char::is_control) {
        return None;
    }
    if let Some(rest) = raw.strip_prefix("//") {
        return url::Url::parse(&format!("https://{rest}"))
            .ok()
            .map(String::from);
    }
    match url::Url::parse(raw) {
        Ok(u) => Some(u.into()),
        Err(url::ParseError::RelativeUrlWithoutBase) => url::Url::parse(STATIC_BASE)
            .ok()?
            .join(raw.trim_start_matches('/'))
            .ok()
            .map(String::from),
        Err(_) => None,
    }
}

/// What `media.image.image` says about an image: Wix sends either a
/// `wix:image://v1/<id>/<name>#originWidth=…&originHeight=…` string or an object
/// `{url|id, width, height, …}` (wix-api.md §8). Pixels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageMedia {
    /// The `wix:image://…` reference, or the object's `url`/`id`, when given.
    pub uri: Option<String>,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

impl ImageMedia {
    fn of(v: &serde_json::Value) -> Option<ImageMedia> {
        match v {
            serde_json::Value::String(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                let mut m = ImageMedia {
                    uri: Some(s.to_owned()),
                    ..Default::default()
                };
                if let Some((_, frag)) = s.split_once('#') {
                    for (k, v) in form_urlencoded::parse(frag.as_bytes()) {
                        match &*k {
                            "originWidth" => m.width = v.trim().parse().ok(),
                            "originHeight" => m.height = v.trim().parse().ok(),
                            _ => {}
                        }
                    }
                }
                Some(m)
            }
            serde_json::Value::Object(o) => Some(ImageMedia {
                uri: ["url", "id"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(|x| x.as_str()))
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned),
                width: o.get("width").and_then(lenient_u64_of),
                height: o.get("height").and_then(lenient_u64_of),
            }),
            _ => None,
        }
    }
}

/// The parts of Wix's file descriptor Wixdrop uses, read leniently (wix-api.md §4.2, §8;
/// wix-media-library.md §10): every field may be missing, null or of another type than
/// documented, and unknown fields and `mediaType`s are kept or ignored, never an error. Only a
/// descriptor without an `id` is refused. `url` and `thumbnail_url` are always absolute (see
/// [`absolute_url`]); `size_in_bytes` is read from a string or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDescriptor {
    pub id: String,
    pub display_name: String,
    pub url: Option<String>,
    pub parent_folder_id: Option<String>,
    pub hash: Option<String>,
    pub size_in_bytes: Option<u64>,
    /// As Wix sent it (`IMAGE`, `DOCUMENT`, …, or a value newer than Wixdrop).
    pub media_type: Option<String>,
    pub operation_status: Option<OperationStatus>,
    pub created_date: Option<String>,
    pub thumbnail_url: Option<String>,
    /// `media.image.image`, for images.
    pub image: Option<ImageMedia>,
}

fn lenient_u64_of(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        serde_json::Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e19)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

impl FileDescriptor {
    /// A descriptor from any JSON value; `None` when it has no usable `id`.
    pub fn from_json(v: &serde_json::Value) -> Option<FileDescriptor> {
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
        };
        let id = text("id")?;
        Some(FileDescriptor {
            display_name: text("displayName").unwrap_or_default(),
            url: text("url").and_then(|u| absolute_url(&u)),
            parent_folder_id: text("parentFolderId"),
            hash: text("hash"),
            size_in_bytes: v.get("sizeInBytes").and_then(lenient_u64_of),
            media_type: text("mediaType"),
            operation_status: text("operationStatus").map(|s| OperationStatus::parse(&s)),
            created_date: text("createdDate"),
            thumbnail_url: text("thumbnailUrl").and_then(|u| absolute_url(&u)),
            image: v.pointer("/media/image/image").and_then(ImageMedia::of),
            id,
        })
    }
}

impl<'de> Deserialize<'de> for FileDescriptor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        FileDescriptor::from_json(&v)
            .ok_or_else(|| serde::de::Error::custom("a file descriptor without an id"))
    }
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
    /// Loose: one entry Wixdrop cannot read does not hide the others.
    #[serde(default)]
    files: Vec<serde_json::Value>,
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
    Ok(r.files
        .iter()
        .filter_map(FileDescriptor::from_json)
        .collect())
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
            private: false,
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"mimeType": "image/png", "fileName": "a.png", "sizeInBytes": "15359", "parentFolderId": "media-root"})
        );
        let v = serde_json::to_value(UploadTarget { private: true, ..t }).unwrap();
        assert_eq!(v["private"], serde_json::json!(true));
    }

    #[test]
    fn descriptors_are_read_leniently_old() {
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

    fn parse(json: &str) -> FileDescriptor {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn relative_urls_become_absolute() {
        for (raw, want) in [
            (
                "ufonts/2acbb8_ab/2acbb8_cd~mv2.woff2",
                "https://static.wixstatic.com/ufonts/2acbb8_ab/2acbb8_cd~mv2.woff2",
            ),
            (
                "/media/x~mv2.jpg",
                "https://static.wixstatic.com/media/x~mv2.jpg",
            ),
            (
                "ugd/2acbb8_ef.pdf",
                "https://static.wixstatic.com/ugd/2acbb8_ef.pdf",
            ),
            (
                "//static.wixstatic.com/media/y.png",
                "https://static.wixstatic.com/media/y.png",
            ),
            (
                "https://static.wixstatic.com/media/z.png",
                "https://static.wixstatic.com/media/z.png",
            ),
            ("http://example.com/a?b=c", "http://example.com/a?b=c"),
            (
                "  https://video.wixstatic.com/video/v/file  ",
                "https://video.wixstatic.com/video/v/file",
            ),
        ] {
            assert_eq!(absolute_url(raw).as_deref(), Some(want), "{raw}");
        }
        for bad in ["", "   ", "a\nb"] {
            assert_eq!(absolute_url(bad), None, "{bad:?}");
        }
        let f = parse(r#"{"id":"f","url":"ufonts/p/f.woff2","thumbnailUrl":"media/icon.png"}"#);
        assert_eq!(
            f.url.as_deref(),
            Some("https://static.wixstatic.com/ufonts/p/f.woff2")
        );
        assert_eq!(
            f.thumbnail_url.as_deref(),
            Some("https://static.wixstatic.com/media/icon.png")
        );
    }

    #[test]
    fn size_in_bytes_as_string_or_number() {
        assert_eq!(
            parse(r#"{"id":"a","sizeInBytes":"15359"}"#).size_in_bytes,
            Some(15359)
        );
        assert_eq!(
            parse(r#"{"id":"a","sizeInBytes":" 7 "}"#).size_in_bytes,
            Some(7)
        );
        assert_eq!(
            parse(r#"{"id":"a","sizeInBytes":15359}"#).size_in_bytes,
            Some(15359)
        );
        assert_eq!(
            parse(r#"{"id":"a","sizeInBytes":15359.0}"#).size_in_bytes,
            Some(15359)
        );
        for odd in [
            r#""-1""#,
            "-1",
            "1.5",
            r#""lots""#,
            "null",
            "{}",
            "[]",
            "true",
        ] {
            let f = parse(&format!(r#"{{"id":"a","sizeInBytes":{odd}}}"#));
            assert_eq!(f.size_in_bytes, None, "{odd}");
        }
    }

    #[test]
    fn image_media_as_string_or_object() {
        let f = parse(
            r#"{"id":"a","mediaType":"IMAGE","media":{"image":{"image":"wix:image://v1/a~mv2.jpg/a.jpg#originWidth=800&originHeight=600","faces":[]}}}"#,
        );
        assert_eq!(
            f.image,
            Some(ImageMedia {
                uri: Some("wix:image://v1/a~mv2.jpg/a.jpg#originWidth=800&originHeight=600".into()),
                width: Some(800),
                height: Some(600)
            })
        );
        let f = parse(
            r#"{"id":"a","media":{"image":{"image":{"id":"a~mv2.jpg","url":"https://static.wixstatic.com/media/a~mv2.jpg","width":"1024","height":768,"altText":null}}}}"#,
        );
        let img = f.image.unwrap();
        assert_eq!((img.width, img.height), (Some(1024), Some(768)));
        assert_eq!(
            img.uri.as_deref(),
            Some("https://static.wixstatic.com/media/a~mv2.jpg")
        );
        // No fragment, or an object without sizes: what there is, no error.
        let f = parse(r#"{"id":"a","media":{"image":{"image":"wix:image://v1/a~mv2.jpg/a.jpg"}}}"#);
        assert_eq!(f.image.unwrap().width, None);
        for odd in ["null", "7", "[]", r#""""#, r#"{"image":null}"#] {
            let f = parse(&format!(
                r#"{{"id":"a","media":{{"image":{{"image":{odd}}}}}}}"#
            ));
            assert_eq!(f.image.as_ref().and_then(|i| i.width), None, "{odd}");
        }
        // Other media kinds, or a media of the wrong type, are ignored.
        assert_eq!(
            parse(r#"{"id":"a","media":{"video":{"resolutions":[]}}}"#).image,
            None
        );
        assert_eq!(parse(r#"{"id":"a","media":"nope"}"#).image, None);
    }

    #[test]
    fn unknown_media_types_and_fields_never_break_parsing() {
        let f = parse(
            r#"{"id":"a","displayName":null,"mediaType":"HOLOGRAM","operationStatus":42,"labels":"x",
                "internalTags":["_fileOrigin_uploaded"],"namespace":"NO_NAMESPACE","addedBy":{"identityType":"APP"},
                "private":"yes","hash":7,"createdDate":"2026-01-01T00:00:00Z","brandNewField":{"deep":[1,2]}}"#,
        );
        assert_eq!(f.media_type.as_deref(), Some("HOLOGRAM"));
        assert_eq!(f.display_name, "");
        assert_eq!(f.operation_status, None);
        assert_eq!(f.hash, None);
        assert_eq!(f.created_date.as_deref(), Some("2026-01-01T00:00:00Z"));
        // Only a descriptor without an id is refused, with a plain error, not a panic.
        for bad in ["{}", r#"{"id":""}"#, r#"{"id":5}"#, "[]", "null", r#""x""#] {
            let e = serde_json::from_str::<FileDescriptor>(bad).unwrap_err();
            assert!(e.to_string().contains("id") || e.is_data(), "{bad}: {e}");
        }
        let list: FileList = serde_json::from_str(
            r#"{"files":[{"id":"ok"},{"nope":1},7,{"id":"ok2","url":"ugd/x.pdf"}]}"#,
        )
        .unwrap();
        let files: Vec<_> = list
            .files
            .iter()
            .filter_map(FileDescriptor::from_json)
            .collect();
        assert_eq!(files.len(), 2);
        assert_eq!(
            files[1].url.as_deref(),
            Some("https://static.wixstatic.com/ugd/x.pdf")
        );
    }
}
