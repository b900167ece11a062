//! Keys: inspect what was pasted (offline).

use wixdrop_core::credential::{self, CredentialReport};

/// Called on every keystroke in a paste box: pure, offline, never fails.
#[tauri::command]
pub fn inspect_credential(text: String) -> CredentialReport {
    credential::inspect(&text, time::OffsetDateTime::now_utc())
}
