//! Keys, accounts and sites: thin adapters over `wixdrop_core::{credential, vault, keys}`.
//! Keys come *in* as pasted text; no command ever sends one back out.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use wixdrop_core::credential::{self, CredentialReport};
use wixdrop_core::keys::{check_profile, rotate};
use wixdrop_core::vault::Profile;
use wixdrop_core::verify::Verification;

use crate::{AppState, IpcError};

/// Called on every keystroke in a paste box: pure, offline, never fails.
#[tauri::command]
pub fn inspect_credential(text: String) -> CredentialReport {
    credential::inspect(&text, time::OffsetDateTime::now_utc())
}

/// A profile with the outcome of the live check that just ran.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyCheck {
    pub profile: Profile,
    pub verification: Verification,
    /// For `replace_key`: whether the new key was stored (false = refused, old key kept).
    pub replaced: bool,
}

#[tauri::command]
pub fn list_profiles(state: State<'_, AppState>) -> Vec<Profile> {
    let s = state.session();
    s.vault.list()
}

/// Save a new profile (key to the keychain). The UI verifies right after with `verify_profile`.
#[tauri::command]
pub fn add_profile(
    state: State<'_, AppState>,
    name: String,
    key_text: String,
    account_id: Option<String>,
) -> Result<Profile, IpcError> {
    let s = state.session();
    let profile = s.vault.add(&name, &key_text, account_id.as_deref())?;
    log::info!(
        "Key saved as {:?} (account {})",
        profile.name,
        profile.account_id
    );
    Ok(profile)
}

/// Live check: list the sites, probe media access on `site` (ID or dashboard URL) or the default.
/// `op`: an id the window can pass to `cancel_wait` to stop it (kind `cancelled`).
#[tauri::command]
pub async fn verify_profile(
    state: State<'_, AppState>,
    name: String,
    site: Option<String>,
    op: Option<u64>,
) -> Result<KeyCheck, IpcError> {
    let s = state.session();
    let check = check_profile(&s.vault, &s.client, &name, site.as_deref());
    let (profile, verification) = state.waits.run(op, check).await??;
    crate::commands::uploads::remember_sites(&s, std::slice::from_ref(&profile));
    log::info!("Key {name:?} checked: {}", verification.summary);
    Ok(KeyCheck {
        profile,
        verification,
        replaced: false,
    })
}

#[tauri::command]
pub fn rename_profile(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> Result<Profile, IpcError> {
    let s = state.session();
    Ok(s.vault.rename(&name, &new_name)?)
}

/// Rotation: the new key is verified before the old one is forgotten. Cancelling (`op`) before
/// Wix answered keeps the old key.
#[tauri::command]
pub async fn replace_key(
    state: State<'_, AppState>,
    name: String,
    key_text: String,
    op: Option<u64>,
) -> Result<KeyCheck, IpcError> {
    let s = state.session();
    let rotation = rotate(&s.vault, &s.client, &name, &key_text);
    let (profile, verification, replaced) = state.waits.run(op, rotation).await??;
    Ok(KeyCheck {
        profile,
        verification,
        replaced,
    })
}

#[tauri::command]
pub fn delete_profile(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    let s = state.session();
    Ok(s.vault.delete(&name)?)
}

#[tauri::command]
pub fn set_default_site(
    state: State<'_, AppState>,
    name: String,
    site_id: String,
) -> Result<Profile, IpcError> {
    let s = state.session();
    let p = s.vault.get(&name)?;
    if !p.sites.iter().any(|s| s.id == site_id) {
        return Err(IpcError::new(
            crate::error::IpcErrorKind::Invalid,
            "That site is not in this profile's list; refresh the sites first.",
        ));
    }
    Ok(s.vault.update(&name, |p| p.default_site = Some(site_id))?)
}
