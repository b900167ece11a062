//! History: a thin adapter over `Journal::history_page`. The History screen is a virtualized
//! list that asks for one page at a time as the user scrolls or jumps; searching, counting and
//! paging all happen in SQLite (see `wixdrop_core::upload::journal::history`), so the webview
//! never holds more than the pages it shows.

use tauri::State;
use wixdrop_core::upload::{HistoryPage, HistoryQuery};

use crate::error::IpcErrorKind;
use crate::{AppState, IpcError};

/// One page of finished uploads, newest first, with the number matching `query` (`total`) and
/// the number without its search (`all`); with `months: true` also per-month counts for a jump.
/// Errors: `Io` when the journal cannot be read, in its own words.
#[tauri::command(async)]
pub fn upload_history(
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> Result<HistoryPage, IpcError> {
    let s = state.session();
    let journal = s.uploads.engine.journal().clone();
    let page = journal
        .history_page(&query)
        .map_err(|e| IpcError::new(IpcErrorKind::Io, e.to_string()))?;
    // New entries get their search text in the background once the rows are on screen, so the
    // first search does not pay for folding thousands of fresh uploads.
    if query.offset.unwrap_or(0) == 0 {
        tauri::async_runtime::spawn_blocking(move || {
            let _ = journal.fold_pending();
        });
    }
    Ok(page)
}
