//! API-key authentication and authorisation, in the order Wix documents its checks
//! (wix-api.md §1): the key itself (401), then the context header, the account that owns the
//! site, the key's site access and its permissions (all 403).
//!
//! Decisions where Wix is silent (README "Differences"):
//! - `Authorization` must hold the raw key. `Bearer <key>` is just an unknown key: 401.
//! - Exactly one of `wix-account-id` / `wix-site-id`; both → 403, the wrong one → 403.
//! - Permissions are strict: Manage Media Manager does *not* imply Read Media Manager.

use axum::http::HeaderMap;

use crate::error::{WixError, WixResult};
use crate::state::Shared;
use crate::store::KeyRecord;

/// The permission a route needs (wix-api.md §9).
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// "Read Site Data": Query Sites.
    ReadSites,
    /// `SCOPE.DC-MEDIA.READ-MEDIAMANAGER`: list/get files and folders.
    ReadMedia,
    /// `SCOPE.DC-MEDIA.MANAGE-MEDIAMANAGER`: generate upload URLs, create folders.
    ManageMedia,
}

impl Scope {
    fn allowed(self, key: &KeyRecord) -> bool {
        match self {
            Scope::ReadSites => key.permissions.read_sites,
            Scope::ReadMedia => key.permissions.read_media,
            Scope::ManageMedia => key.permissions.manage_media,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scope::ReadSites => "Read Site Data",
            Scope::ReadMedia => "SCOPE.DC-MEDIA.READ-MEDIAMANAGER",
            Scope::ManageMedia => "SCOPE.DC-MEDIA.MANAGE-MEDIAMANAGER",
        }
    }
}

/// An authorised account-level caller.
pub struct AccountCtx {
    pub account_id: String,
    pub key: KeyRecord,
}

/// An authorised site-level caller.
pub struct SiteCtx {
    pub site_id: String,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

fn authenticate(state: &Shared, headers: &HeaderMap) -> WixResult<KeyRecord> {
    let Some(raw) = headers.get("authorization") else {
        return Err(WixError::unauthenticated("Missing Authorization header"));
    };
    let raw = raw.to_str().unwrap_or_default();
    if raw.is_empty() {
        return Err(WixError::unauthenticated("Missing Authorization header"));
    }
    let store = state.store();
    match store.keys.get(raw) {
        Some(key) if key.revoked => Err(WixError::unauthenticated("Invalid or revoked token")),
        Some(key) => Ok(key.clone()),
        None => Err(WixError::unauthenticated("Invalid or revoked token")),
    }
}

fn check_scope(key: &KeyRecord, scope: Scope) -> WixResult<()> {
    if scope.allowed(key) {
        Ok(())
    } else {
        Err(WixError::forbidden(format!(
            "Missing permission {}",
            scope.name()
        )))
    }
}

/// Authorises an account-level call (`wix-account-id`).
pub fn account_level(state: &Shared, headers: &HeaderMap, scope: Scope) -> WixResult<AccountCtx> {
    let key = authenticate(state, headers)?;
    if headers.contains_key("wix-site-id") {
        return Err(WixError::forbidden(
            "Account-level API: send wix-account-id only, not wix-site-id",
        ));
    }
    let Some(account) = header(headers, "wix-account-id") else {
        return Err(WixError::forbidden("Missing wix-account-id header"));
    };
    if account != key.account_id {
        return Err(WixError::forbidden(
            "The API key does not belong to this account",
        ));
    }
    check_scope(&key, scope)?;
    Ok(AccountCtx {
        account_id: account.to_owned(),
        key,
    })
}

/// Authorises a site-level call (`wix-site-id`).
pub fn site_level(state: &Shared, headers: &HeaderMap, scope: Scope) -> WixResult<SiteCtx> {
    let key = authenticate(state, headers)?;
    if headers.contains_key("wix-account-id") {
        return Err(WixError::forbidden(
            "Site-level API: send wix-site-id only, not wix-account-id",
        ));
    }
    let Some(site_id) = header(headers, "wix-site-id") else {
        return Err(WixError::forbidden("Missing wix-site-id header"));
    };
    let owned = state
        .store()
        .site(site_id)
        .is_some_and(|s| s.account_id == key.account_id);
    if !owned {
        return Err(WixError::forbidden(
            "The API key's account does not own this site",
        ));
    }
    if let Some(allowed) = &key.site_access {
        if !allowed.iter().any(|s| s == site_id) {
            return Err(WixError::forbidden(
                "The API key has no access to this site",
            ));
        }
    }
    check_scope(&key, scope)?;
    Ok(SiteCtx {
        site_id: site_id.to_owned(),
    })
}

/// Upload hosts take a token in the URL, never a key: refuse one so a client that leaks its
/// key to the upload host fails here first.
pub fn refuse_key_on_upload(headers: &HeaderMap) -> WixResult<()> {
    if headers.contains_key("authorization") {
        return Err(WixError::invalid(
            "Authorization",
            "must not be sent to an upload URL (the URL carries its own token)",
            "FORBIDDEN_HEADER",
        ));
    }
    Ok(())
}
