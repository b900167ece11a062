//! Copy files to another site (same profile or another): Wix's "from your other sites", done
//! by import so the bytes never pass through this computer. A public file is imported from its
//! static URL; a private one (whose URL answers 403) from a short-lived download link of the
//! source site. The folder path is kept (`filePath` on the target creates missing folders),
//! and so is the privacy. Each copy is a journal job ([`super::jobs`]) on the target site.

use super::api::{download_link, get_file, Site};
use super::error::{LibraryError, LibraryResult};
use super::import::ImportRequest;
use super::jobs::{ImportJournal, NewImport};
use super::paths;
use crate::upload::Journal;

/// How long the download link a private file is copied through stays valid (minutes): long
/// enough for a retry after a restart.
pub const LINK_MINUTES: u32 = 24 * 60;

/// Where copies go.
pub struct CopyTarget<'a> {
    pub profile: &'a str,
    pub site_id: &'a str,
    /// `/A/B` on the target; `None` keeps each file's own folder path.
    pub path: Option<&'a str>,
}

/// Records one copy job per file on the target (after reading each file on the source).
/// Returns, per given file, the job id or why it could not be prepared (a missing file, a
/// link Wix refused); a refused key stops everything.
pub async fn enqueue_copies(
    journal: &Journal,
    source: &Site<'_>,
    files: &[String],
    target: &CopyTarget<'_>,
) -> LibraryResult<Vec<Result<i64, LibraryError>>> {
    let mut out = Vec::new();
    for raw in files {
        match prepare(journal, source, raw, target).await {
            Ok(id) => out.push(Ok(id)),
            Err(e @ LibraryError::Permission { .. }) => return Err(e),
            Err(e @ LibraryError::Journal(_)) => return Err(e),
            Err(e) => out.push(Err(e)),
        }
    }
    Ok(out)
}

async fn prepare(
    journal: &Journal,
    source: &Site<'_>,
    raw: &str,
    target: &CopyTarget<'_>,
) -> LibraryResult<i64> {
    let f = get_file(source, raw).await?;
    if f.is_trashed() {
        return Err(LibraryError::BadInput(format!(
            "{} is in the trash; restore it before copying it.",
            f.display_name
        )));
    }
    let url = if f.private {
        download_link(source, &f.id, LINK_MINUTES).await?
    } else {
        f.url.clone().ok_or_else(|| {
            LibraryError::BadInput(format!("Wix gave no URL for {}.", f.display_name))
        })?
    };
    let file_path = match target.path {
        Some(p) => p.to_owned(),
        None => paths::path_of(source, &f.folder_id).await?,
    };
    let id = ImportJournal(journal).add(&NewImport {
        kind: "copy",
        profile: target.profile.to_owned(),
        site_id: target.site_id.to_owned(),
        request: ImportRequest {
            url,
            display_name: Some(f.display_name.clone()),
            folder_id: None,
            file_path: Some(file_path).filter(|p| !p.trim_matches('/').is_empty()),
            private: f.private,
            mime_type: None,
        },
        source_site: Some(source.site_id.to_owned()),
        source_file_id: Some(f.id.clone()),
    })?;
    Ok(id)
}
