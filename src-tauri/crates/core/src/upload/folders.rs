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
//!
//! Wix's limits (`wix::limits`, wix-api.md §8) shape both ways: a folder name over 200
//! characters is shortened the same way every time (so it is found again), and a path over
//! `filePath`'s 100 characters is never sent as one: without Read Media Manager such a path is
//! created folder by folder with Create Folder (`parentFolderId`), remembered for this engine's
//! life. (Without Read, folders created by an earlier run cannot be looked up, so a later run
//! creates that deep path again; with Read, existing folders are always reused.)

use std::collections::HashMap;

use tokio::sync::Mutex;

use super::error::UploadError;
use crate::secret::ApiKey;
use crate::wix::limits::{file_path_fits, fit_folder_name};
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
        let names: Vec<String> = segments
            .iter()
            .map(|s| fit_folder_name(s).into_owned())
            .collect();
        let mut cache = self.0.lock().await;
        let mut parent = base.to_string();
        // Without Read Media Manager: create each missing folder blindly (paths too long for
        // `filePath` only).
        let mut blind = false;
        for name in &names {
            let k = (site_id.to_string(), parent.clone(), name.clone());
            if let Some(id) = cache.get(&k) {
                parent = id.clone();
                continue;
            }
            let existing = if blind {
                None
            } else {
                match list_folders(client, key, site_id, &parent).await {
                    Ok(list) => list.into_iter().find(|f| f.display_name == *name),
                    Err(WixError::Api(e)) if e.kind == ErrorKind::PermissionDenied => {
                        let path = format!("/{}", names.join("/"));
                        if file_path_fits(&path) {
                            return Ok(Resolved {
                                folder_id: None,
                                parent_id: base.into(),
                                key: format!("{base}:{path}"),
                                file_path: Some(path),
                            });
                        }
                        blind = true;
                        None
                    }
                    Err(e) => return Err(e.into()),
                }
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
