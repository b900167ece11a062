//! Folder paths ↔ folder ids. Wix has no "folder by path" call, so `/A/B` is walked one level
//! at a time (List Folders, names matched exactly, then case-insensitively), and a folder's
//! path is read upwards (Get Folder) until `media-root`. Used by `--path`, the breadcrumbs
//! and copying a file into the same folder path on another site.

use super::api::{all_folders, create_folder, get_folder, Site};
use super::error::{LibraryError, LibraryResult};
use super::TRASH_ROOT;
use crate::wix::media::{Folder, MEDIA_ROOT};

/// The names of a `/A/B` path (empty for `/` or ``).
pub fn parts(path: &str) -> Vec<String> {
    path.split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn pick<'a>(folders: &'a [Folder], name: &str) -> Option<&'a Folder> {
    folders.iter().find(|f| f.display_name == name).or_else(|| {
        let lower = crate::fold::fold(name);
        folders
            .iter()
            .find(|f| crate::fold::fold(&f.display_name) == lower)
    })
}

/// The id of the folder at `path` (`/` → `media-root`); [`LibraryError::NoSuchPath`] when
/// a level is missing.
pub async fn resolve(site: &Site<'_>, path: &str) -> LibraryResult<String> {
    let mut current = MEDIA_ROOT.to_owned();
    let mut walked = String::new();
    for name in parts(path) {
        walked.push('/');
        walked.push_str(&name);
        let kids = all_folders(site, &current).await?;
        match pick(&kids, &name) {
            Some(f) => current = f.id.clone(),
            None => return Err(LibraryError::NoSuchPath { path: walked }),
        }
    }
    Ok(current)
}

/// Like [`resolve`], creating missing levels. Returns the deepest folder's id.
pub async fn ensure(site: &Site<'_>, path: &str) -> LibraryResult<String> {
    let mut current = MEDIA_ROOT.to_owned();
    for name in parts(path) {
        let kids = all_folders(site, &current).await?;
        current = match pick(&kids, &name) {
            Some(f) => f.id.clone(),
            None => create_folder(site, &current, &name).await?.id,
        };
    }
    Ok(current)
}

/// The folders from the top level down to `folder_id` (not including `media-root`), for
/// breadcrumbs and for copying into the same path elsewhere. A folder in the trash ends the
/// walk at `trash-root`.
pub async fn chain(site: &Site<'_>, folder_id: &str) -> LibraryResult<Vec<Folder>> {
    let mut out = Vec::new();
    let mut current = folder_id.to_owned();
    for _ in 0..64 {
        if current == MEDIA_ROOT || current == TRASH_ROOT || current.is_empty() {
            break;
        }
        let f = get_folder(site, &current).await?;
        current = f
            .parent_folder_id
            .clone()
            .unwrap_or_else(|| MEDIA_ROOT.into());
        out.push(f);
    }
    out.reverse();
    Ok(out)
}

/// `/A/B` for a folder id (`/` for the top level).
pub async fn path_of(site: &Site<'_>, folder_id: &str) -> LibraryResult<String> {
    let names: Vec<String> = chain(site, folder_id)
        .await?
        .into_iter()
        .map(|f| f.display_name)
        .collect();
    Ok(format!("/{}", names.join("/")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_of_paths() {
        assert_eq!(super::parts("/A/ B//C/"), vec!["A", "B", "C"]);
        assert!(super::parts("/").is_empty());
    }
}
