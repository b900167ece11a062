//! A Media Manager file as the Library shows it, read leniently from Wix's descriptor
//! (wix-media-library.md §10), plus the `wix:` URI CMS and Stores expect (§10.3) and the
//! ways a person names a file (an id, a `wix:` URI, a static URL).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::wix::media::{FileDescriptor, OperationStatus};

/// One file: the CLI's `--json` shape and what the Library screen renders.
///
/// `size` in bytes; `width`/`height` in pixels (images, once READY); `created`/`updated` as
/// Wix sent them (RFC 3339). `status` is `PENDING`, `READY`, `FAILED` or `UNKNOWN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LibraryFile {
    pub id: String,
    pub display_name: String,
    pub url: Option<String>,
    pub wix_uri: Option<String>,
    pub media_type: String,
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    pub folder_id: String,
    pub private: bool,
    pub status: String,
    #[ts(type = "number | null")]
    pub width: Option<u64>,
    #[ts(type = "number | null")]
    pub height: Option<u64>,
    pub labels: Vec<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub thumbnail_url: Option<String>,
    /// Where an import fetched it from.
    pub source_url: Option<String>,
}

impl LibraryFile {
    /// From any JSON value; `None` without a usable `id`. Unknown fields and types are
    /// ignored; `private` reads `true`/`"true"`, anything else is public.
    pub fn from_json(v: &serde_json::Value) -> Option<LibraryFile> {
        let d = FileDescriptor::from_json(v)?;
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
        };
        let private = match v.get("private") {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        let labels = v
            .get("labels")
            .and_then(|l| l.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let media_type = d.media_type.clone().unwrap_or_else(|| "UNKNOWN".into());
        let (width, height) = d
            .image
            .as_ref()
            .map(|i| (i.width, i.height))
            .unwrap_or((None, None));
        let mut f = LibraryFile {
            id: d.id.clone(),
            display_name: d.display_name.clone(),
            url: d.url.clone(),
            wix_uri: None,
            media_type,
            size: d.size_in_bytes,
            folder_id: d
                .parent_folder_id
                .clone()
                .unwrap_or_else(|| crate::wix::media::MEDIA_ROOT.into()),
            private,
            status: d
                .operation_status
                .unwrap_or(OperationStatus::Unknown)
                .as_str()
                .into(),
            width,
            height,
            labels,
            created: d.created_date.clone(),
            updated: text("updatedDate"),
            thumbnail_url: d.thumbnail_url.clone(),
            source_url: text("sourceUrl"),
        };
        f.wix_uri = wix_uri(&f);
        Some(f)
    }

    pub fn is_trashed(&self) -> bool {
        self.folder_id == super::TRASH_ROOT
    }
}

/// URL-encodes a file name for a `wix:` URI (spaces as `%20`).
fn encode_name(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `wix:` media URI CMS and Stores take (wix-media-library.md §10.3):
/// `wix:image://v1/<id>/<name>#originWidth=<w>&originHeight=<h>`, `wix:video://…`,
/// `wix:audio://…`, `wix:vector://…`, `wix:document://…`. `None` for other media types.
pub fn wix_uri(f: &LibraryFile) -> Option<String> {
    let kind = match f.media_type.as_str() {
        "IMAGE" => "image",
        "VIDEO" => "video",
        "AUDIO" => "audio",
        "VECTOR" => "vector",
        "DOCUMENT" => "document",
        _ => return None,
    };
    let name = if f.display_name.is_empty() {
        f.id.clone()
    } else {
        f.display_name.clone()
    };
    let mut uri = format!("wix:{kind}://v1/{}/{}", f.id, encode_name(&name));
    if kind == "image" {
        if let (Some(w), Some(h)) = (f.width, f.height) {
            uri.push_str(&format!("#originWidth={w}&originHeight={h}"));
        }
    }
    Some(uri)
}

/// The file id inside what a person gave: a plain id, a `wix:<kind>://v1/<id>/<name>#…` URI,
/// or a static URL (`https://static.wixstatic.com/media/<id>`, `…/ugd/<id>`,
/// `https://video.wixstatic.com/video/<id>/…`). Wix accepts media URLs as ids in several
/// calls (§8a); reading the id here makes every call accept them. `None` for empty input.
pub fn file_id_of(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some((_, rest)) = raw.split_once("://v1/") {
        if raw.starts_with("wix:") {
            return rest
                .split(['/', '#', '?'])
                .next()
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
        }
    }
    if raw.starts_with("http://") || raw.starts_with("https://") {
        let u = url::Url::parse(raw).ok()?;
        let segs: Vec<&str> = u.path_segments()?.filter(|s| !s.is_empty()).collect();
        // [_static?] <kind> <id> [rest…]
        let segs: Vec<&str> = segs.into_iter().skip_while(|s| *s == "_static").collect();
        return segs.get(1).map(|s| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| s.to_string())
        });
    }
    Some(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_refs() {
        assert_eq!(file_id_of(" abc~mv2.jpg ").as_deref(), Some("abc~mv2.jpg"));
        assert_eq!(
            file_id_of("wix:image://v1/3f72369f2219e2ee853e9e3df0217ce1.jpg/Colorful%20Business%20Cards.jpg#originWidth=1&originHeight=2").as_deref(),
            Some("3f72369f2219e2ee853e9e3df0217ce1.jpg")
        );
        assert_eq!(
            file_id_of(
                "https://static.wixstatic.com/media/2acbb8_66~mv2.jpg/v1/fill/w_3,h_3/file.jpg"
            )
            .as_deref(),
            Some("2acbb8_66~mv2.jpg")
        );
        assert_eq!(
            file_id_of("https://static.wixstatic.com/ugd/dc45d4_93.pdf?dn=x.pdf").as_deref(),
            Some("dc45d4_93.pdf")
        );
        assert_eq!(
            file_id_of("http://127.0.0.1:4/_static/media/ab_c~mv2.png").as_deref(),
            Some("ab_c~mv2.png")
        );
        assert_eq!(file_id_of("  "), None);
    }

    #[test]
    fn lenient_file_and_wix_uri() {
        let v = serde_json::json!({
            "id": "2acbb8_66~mv2.jpg", "displayName": "My logo.jpg", "sizeInBytes": "7108",
            "mediaType": "IMAGE", "private": "true", "labels": ["cat", 5], "parentFolderId": "f1",
            "operationStatus": "READY", "updatedDate": "2023-01-14T13:12:52Z",
            "media": {"image": {"image": {"width": 544, "height": "184"}}}
        });
        let f = LibraryFile::from_json(&v).unwrap();
        assert!(f.private);
        assert_eq!(f.labels, vec!["cat"]);
        assert_eq!(
            (f.width, f.height, f.size),
            (Some(544), Some(184), Some(7108))
        );
        assert_eq!(
            f.wix_uri.as_deref(),
            Some("wix:image://v1/2acbb8_66~mv2.jpg/My%20logo.jpg#originWidth=544&originHeight=184")
        );
        let f = LibraryFile::from_json(&serde_json::json!({"id": "x", "mediaType": "ARCHIVE"}))
            .unwrap();
        assert_eq!(
            (f.wix_uri, f.status.as_str(), f.folder_id.as_str()),
            (None, "UNKNOWN", "media-root")
        );
        assert!(LibraryFile::from_json(&serde_json::json!({"displayName": "no id"})).is_none());
    }
}
