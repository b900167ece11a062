//! Photos before and after the upload: thin adapters over `wixdrop_core::prepare` (the
//! pre-flight report), `wixdrop_core::thumbs` (thumbnails as `data:` URLs, which the CSP's
//! `img-src 'self' data:` already allows) and `wixdrop_core::export` (History as CSV/JSON, and
//! a batch's URLs for the clipboard). All of them read files, so all run off the UI thread.

use std::path::PathBuf;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use wixdrop_core::export::{self, Format};
use wixdrop_core::prepare::preflight::{preflight, PreflightReport};
use wixdrop_core::thumbs::Thumbs;
use wixdrop_core::upload::journal::ExportQuery;
use wixdrop_core::upload::JobId;

use crate::error::IpcErrorKind;
use crate::{AppState, IpcError};

/// The pre-flight check of a drop before anything is sent: limits, location, pixel size,
/// duplicates on `site_id`, web-safe names. Folders are walked.
#[tauri::command(async)]
pub fn preflight_uploads(
    state: State<'_, AppState>,
    paths: Vec<String>,
    site_id: Option<String>,
) -> Result<PreflightReport, IpcError> {
    let s = state.session();
    let settings = s.settings();
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    Ok(preflight(
        &paths,
        &settings.prepare,
        &wixdrop_core::upload::Limits::default(),
        Some(s.uploads.engine.journal()),
        site_id.as_deref(),
    ))
}

/// Thumbnails of local files as `data:image/jpeg;base64,…` URLs, in order; `null` where a file
/// has none (not an image, unreadable).
#[tauri::command(async)]
pub fn thumbnails(state: State<'_, AppState>, paths: Vec<String>) -> Vec<Option<String>> {
    let s = state.session();
    let cache = s
        .paths
        .database_file()
        .parent()
        .map(|d| d.join("thumbs"))
        .unwrap_or_else(|| std::env::temp_dir().join("wixdrop-thumbs"));
    let thumbs = Thumbs::new(cache);
    paths
        .iter()
        .take(200)
        .map(|p| {
            thumbs.get(std::path::Path::new(p)).map(|b| {
                format!(
                    "data:image/jpeg;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(b)
                )
            })
        })
        .collect()
}

/// Which uploads to export: all, a site, a search, or one batch (its job ids).
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ExportRequest {
    pub site_id: Option<String>,
    pub search: Option<String>,
    #[ts(type = "number[] | null")]
    pub job_ids: Option<Vec<i64>>,
}

impl ExportRequest {
    fn query(self) -> ExportQuery {
        ExportQuery {
            site_id: self.site_id,
            search: self.search,
            since_ms: None,
            job_ids: self.job_ids.map(|v| v.into_iter().map(JobId).collect()),
        }
    }
}

/// Write History rows to `path` (chosen in the save dialog) as `format` (`csv` or `json`);
/// how many rows were written. Errors: `Invalid` for another format, `Io` when the file
/// cannot be written.
#[tauri::command(async)]
pub fn export_history(
    state: State<'_, AppState>,
    request: ExportRequest,
    format: String,
    path: String,
) -> Result<u32, IpcError> {
    let format = match format.as_str() {
        "csv" => Format::Csv,
        "json" => Format::Json,
        other => {
            return Err(IpcError::new(
                IpcErrorKind::Invalid,
                format!("Exports are CSV or JSON, not \"{other}\"."),
            ))
        }
    };
    let s = state.session();
    let records = export::records(s.uploads.engine.journal(), &request.query())
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
    std::fs::write(&path, export::render(&records, format)).map_err(|e| {
        IpcError::new(
            IpcErrorKind::Io,
            format!("The export could not be saved to {path}: {e}. Choose another folder."),
        )
    })?;
    Ok(records.len() as u32)
}

/// The Wix URLs of the uploads `request` selects, one per line (for "Copy all URLs").
#[tauri::command(async)]
pub fn export_urls(state: State<'_, AppState>, request: ExportRequest) -> Result<String, IpcError> {
    let s = state.session();
    let records = export::records(s.uploads.engine.journal(), &request.query())
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
    Ok(export::urls(&records))
}
