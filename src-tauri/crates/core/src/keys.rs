//! What people do with a saved key: check it (and remember the answer and the sites), and
//! rotate it. Shared by the desktop app and the CLI so both behave the same.

use crate::vault::{usable_key, LastCheck, Profile, Vault, VaultError};
use crate::verify::{verify, Verification, VerifyStatus};
use crate::wix::sites::{parse_site_ref, Site};
use crate::wix::WixClient;

#[derive(Debug, thiserror::Error)]
pub enum KeyOpError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("\"{0}\" is not a site ID: paste the site's ID or its dashboard URL (…/dashboard/<site id>/…).")]
    BadSite(String),
    #[error("This key belongs to account {new}, but the profile is for account {old}. Add it as a new profile instead.")]
    OtherAccount { old: String, new: String },
}

/// Verify a profile's key live, store the outcome and the sites, and keep the default site
/// sensible. `site` (an ID or dashboard URL) selects the site whose media access is probed;
/// a site that works but is not listed (keys limited to selected sites) is remembered too.
pub async fn check_profile(
    vault: &Vault,
    client: &WixClient,
    name: &str,
    site: Option<&str>,
) -> Result<(Profile, Verification), KeyOpError> {
    let site = match site.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            parse_site_ref(s).ok_or_else(|| KeyOpError::BadSite(s.chars().take(80).collect()))?,
        ),
        None => None,
    };
    let key = vault.key(name)?;
    let profile = vault.get(name)?;
    let probe_site = site.clone().or(profile.default_site.clone());
    let v = verify(client, &key, &profile.account_id, probe_site.as_deref()).await;
    let profile = vault.update(name, |p| record(p, &v, site.as_deref()))?;
    Ok((profile, v))
}

fn record(p: &mut Profile, v: &Verification, chosen: Option<&str>) {
    p.last_check = Some(LastCheck {
        ok: v.ok,
        status: status_code(v.status).into(),
        summary: v.summary.clone(),
        at: v.checked_at.clone(),
    });
    if let Some(list) = &v.sites {
        p.sites = list.clone();
    }
    if let (Some(id), true) = (chosen, v.ok) {
        if !p.sites.iter().any(|s| s.id == id) {
            p.sites.push(Site {
                id: id.to_string(),
                display_name: id.to_string(),
                url: None,
                namespace: None,
            });
        }
        p.default_site = Some(id.to_string());
    }
    let default_ok = p
        .default_site
        .as_ref()
        .is_some_and(|d| p.sites.iter().any(|s| &s.id == d));
    // No valid default: the first site, the one verification probed and uploads go to.
    if !default_ok {
        p.default_site = p.sites.first().map(|s| s.id.clone());
    }
}

/// Replace a profile's key, verifying the new one first: if Wix refuses it, the old key stays
/// and the diagnosis comes back with `replaced: false`. The profile keeps its name and sites.
pub async fn rotate(
    vault: &Vault,
    client: &WixClient,
    name: &str,
    key_text: &str,
) -> Result<(Profile, Verification, bool), KeyOpError> {
    let profile = vault.get(name)?;
    let (new_key, key_account) = usable_key(key_text)?;
    if let Some(acc) = key_account.filter(|a| !a.eq_ignore_ascii_case(&profile.account_id)) {
        return Err(KeyOpError::OtherAccount {
            old: profile.account_id,
            new: acc,
        });
    }
    let v = verify(
        client,
        &new_key,
        &profile.account_id,
        profile.default_site.as_deref(),
    )
    .await;
    if !v.ok {
        return Ok((profile, v, false));
    }
    vault.replace_key(name, &new_key)?;
    let profile = vault.update(name, |p| record(p, &v, None))?;
    Ok((profile, v, true))
}

/// The stable string of a status (as serialized), for storing in profiles.
pub fn status_code(s: VerifyStatus) -> &'static str {
    match s {
        VerifyStatus::Works => "works",
        VerifyStatus::KeyRejected => "key_rejected",
        VerifyStatus::AccountOrSitesPermission => "account_or_sites_permission",
        VerifyStatus::NoMediaPermission => "no_media_permission",
        VerifyStatus::SiteNotReachable => "site_not_reachable",
        VerifyStatus::WixUnavailable => "wix_unavailable",
        VerifyStatus::Unreachable => "unreachable",
        VerifyStatus::Unexpected => "unexpected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_match_serde() {
        for s in [
            VerifyStatus::Works,
            VerifyStatus::KeyRejected,
            VerifyStatus::AccountOrSitesPermission,
            VerifyStatus::NoMediaPermission,
            VerifyStatus::SiteNotReachable,
            VerifyStatus::WixUnavailable,
            VerifyStatus::Unreachable,
            VerifyStatus::Unexpected,
        ] {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(status_code(s))
            );
        }
    }
}
