//! Mirroring local folders as Media Manager folders.
//!
//! Folders are resolved to real folder IDs through the API (list, create when missing) before
//! a file is uploaded, rather than handing Wix a `filePath`. Knowing the exact folder ID up
//! front is what lets duplicates be matched per folder and a lost upload answer be looked up in
//! the right place. Resolution is serialised per engine and cached, so files uploaded in
//! parallel into a new folder create it once, not once each.
//!
//! Listing folders needs Read Media Manager. A key with only Manage Media Manager gets the
//! documented fallback: `filePath` in the generate call (Wix creates missing folders), with
//! duplicates matched on the path instead of the ID.

use std::collections::HashMap;

use tokio::sync::Mutex;

use super::error::UploadError;
use crate::secret::ApiKey;
use crate::wix::media::{create_folder, list_folders};
use crate::wix::{ErrorKind, WixClient, WixError};

/// Where a job's file goes, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The folder's ID, when known.
    pub folder_id: Option<String>,
    /// Otherwise: the base folder and a `filePath` below it.
    pub parent_id: String,
    pub file_path: Option<String>,
    /// What duplicates are matched on.
    pub key: String,
}

/// `(site, parent folder id, display name) → folder id`.
#[derive(Default)]
pub(crate) struct FolderCache(Mutex<HashMap<(String, String, String), String>>);

impl FolderCache {
    pub async fn resolve(
        &self,
        client: &WixClient,
        key: &ApiKey,
        site_id: &str,
        base: &str,
        segments: &[String],
    ) -> Result<Resolved, UploadError> {
        if segments.is_empty() {
            return Ok(Resolved {
                folder_id: Some(base.into()),
                parent_id: base.into(),
                file_path: None,
                key: base.into(),
            });
        }
        let mut cache = self.0.lock().await;
        let mut parent = base.to_string();
        for name in segments {
            let k = (site_id.to_string(), parent.clone(), name.clone());
            if let Some(id) = cache.get(&k) {
                parent = id.clone();
                continue;
            }
            let existing = match list_folders(client, key, site_id, &parent).await {
                Ok(list) => list.into_iter().find(|f| f.display_name == *name),
                Err(WixError::Api(e)) if e.kind == ErrorKind::PermissionDenied => {
                    let path = format!("/{}", segments.join("/"));
                    return Ok(Resolved {
                        folder_id: None,
                        parent_id: base.into(),
                        key: format!("{base}:{path}"),
                        file_path: Some(path),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            let id = match existing {
                Some(f) => f.id,
                None => create_folder(client, key, site_id, &parent, name).await?.id,
            };
            cache.insert(k, id.clone());
            parent = id;
        }
        Ok(Resolved {
            folder_id: Some(parent.clone()),
            parent_id: parent.clone(),
            file_path: None,
            key: parent,
        })
    }
}
