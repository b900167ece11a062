//! Waits the window can stop, and the small questions it asks while the user types or waits:
//! thin adapters over `wixdrop_core::{waits, fold}` and the client's reachability probe.

use std::time::Duration;

use tauri::State;

use crate::AppState;

/// Stop the wait the window started with this id (`verify_profile`, `replace_key`,
/// `list_folders`): it ends at once with kind `cancelled`. Unknown ids are no error.
#[tauri::command]
pub fn cancel_wait(state: State<'_, AppState>, op: u64) {
    state.waits.cancel(op);
}

/// Which of `texts` hold every word of `query`, case and accents ignored — the same folding
/// as History's search (`wixdrop_core::fold`). Positions, in order. Pure and quick.
#[tauri::command]
pub fn search_matches(texts: Vec<String>, query: String) -> Vec<u32> {
    wixdrop_core::fold::matching(&texts, &query)
}

/// Whether Wix (the session's API base) answers at all within 5 s; for the sidebar badge.
#[tauri::command]
pub async fn wix_reachable(state: State<'_, AppState>) -> Result<bool, crate::IpcError> {
    let s = state.session();
    Ok(s.client.reachable(Duration::from_secs(5)).await)
}
