//! Does this key work? Two live probes and a diagnosis in plain words.
//!
//! 1. Query Sites with `wix-account-id`: proves key + account match and lists the sites.
//! 2. A cheap Media Manager read with `wix-site-id` on the chosen (or first) site: proves the
//!    key may reach that site's media, which is exactly what uploading needs.
//!
//! Wix answers most refusals with a bare 403, so the diagnosis uses what the probes together
//! reveal (is the site among the account's sites? does the account match the key's own?).
//! A key limited to selected sites, or without Read Site Data, still works for a site ID the
//! user enters: a failed first probe does not stop the second.

use reqwest::Method;
use serde::Serialize;
use ts_rs::TS;

use crate::credential;
use crate::net::NetFailureKind;
use crate::secret::ApiKey;
use crate::vault::now_rfc3339;
use crate::wix::sites::{query_sites, Site};
use crate::wix::{ErrorKind, Scope, WixClient, WixError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VerifyStatus {
    /// The key works for the account's sites (and for the checked site's media).
    Works,
    /// 401: unknown, revoked or incomplete key.
    KeyRejected,
    /// 403 on Query Sites: wrong account ID, or no Read Site Data permission.
    AccountOrSitesPermission,
    /// 403 on the media probe for a site of this account: no Media Manager permission
    /// (or the key is limited to other sites).
    NoMediaPermission,
    /// The site is not among the account's sites the key can see.
    SiteNotReachable,
    /// 5xx or rate limiting, after retries.
    WixUnavailable,
    /// No connection at all.
    Unreachable,
    Unexpected,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Verification {
    pub status: VerifyStatus,
    pub ok: bool,
    pub summary: String,
    pub fix: String,
    pub guide_anchor: Option<String>,
    /// The account's sites, when Query Sites succeeded.
    pub sites: Option<Vec<Site>>,
    /// The site whose media access was probed.
    pub site_checked: Option<String>,
    /// The failure in technical terms, for the curious and for support: Wix's own words
    /// (status, code, message) when `detail_from_wix`, else the network's or Wixdrop's (e.g.
    /// `invalid peer certificate: UnknownIssuer`).
    pub detail: Option<String>,
    /// Whether `detail` is what Wix answered. False when Wix said nothing (no connection, an
    /// untrusted certificate, a proxy's refusal): then it must not be shown as Wix's words.
    pub detail_from_wix: bool,
    /// Which network fault stopped the check, when the request got no answer at all.
    pub network: Option<NetFailureKind>,
    pub checked_at: String,
}

/// Run the probes. `site_id`: the site to check media access on; defaults to the first site.
pub async fn verify(
    client: &WixClient,
    key: &ApiKey,
    account_id: &str,
    site_id: Option<&str>,
) -> Verification {
    let account_differs = account_differs(key, account_id);

    let listed = query_sites(client, key, account_id).await;
    let sites = listed.as_ref().ok().cloned();
    if let Err(e) = &listed {
        let stop = match e.api().map(|a| a.kind) {
            Some(ErrorKind::PermissionDenied) => site_id.is_none(),
            _ => true,
        };
        if stop {
            let mut v = from_error(e, Probe::Sites, account_differs);
            v.sites = None;
            return v;
        }
    }

    let site = site_id
        .map(str::to_owned)
        .or_else(|| sites.as_ref().and_then(|s| s.first()).map(|s| s.id.clone()));
    let Some(site) = site else {
        // The account has no sites: nothing more to probe.
        return Verification {
            status: VerifyStatus::Works,
            ok: true,
            summary: "The key works for this account, but the account has no sites yet.".into(),
            fix: "Create a site in Wix, then refresh the site list.".into(),
            guide_anchor: None,
            sites,
            site_checked: None,
            detail: None,
            detail_from_wix: false,
            network: None,
            checked_at: now_rfc3339(),
        };
    };

    let probe: Result<serde_json::Value, WixError> = client
        .call::<(), _>(
            Method::GET,
            "site-media/v1/files?paging.limit=1",
            key,
            Scope::Site(&site),
            None,
        )
        .await;
    let known_site = sites
        .as_ref()
        .map(|list| list.iter().any(|s| s.id.eq_ignore_ascii_case(&site)));
    let mut v = match probe {
        Ok(_) => {
            let name = sites
                .as_ref()
                .and_then(|l| l.iter().find(|s| s.id.eq_ignore_ascii_case(&site)))
                .map(|s| s.display_name.clone());
            let (summary, fix) = match (&listed, name) {
                (Ok(list), Some(n)) => (format!("The key works: it sees {} site{} and may upload to \"{n}\".", list.len(), if list.len() == 1 { "" } else { "s" }), String::new()),
                (Ok(_), None) => ("The key works and may upload to this site.".to_string(), String::new()),
                (Err(_), _) => (
                    "The key may upload to this site, but it cannot list the account's sites.".to_string(),
                    "That is fine for a key limited to selected sites. To list sites, give the key the Read Site Data permission and check the account ID.".to_string(),
                ),
            };
            Verification {
                status: VerifyStatus::Works,
                ok: true,
                summary,
                fix,
                guide_anchor: None,
                sites: None,
                site_checked: None,
                detail: None,
                detail_from_wix: false,
                network: None,
                checked_at: now_rfc3339(),
            }
        }
        Err(e) => from_error(&e, Probe::Media { known_site }, account_differs),
    };
    v.sites = sites;
    v.site_checked = Some(site);
    v
}

/// The diagnosis for a failed Query Sites on its own, for callers that only list sites
/// (`wixdrop sites`): the same words `verify` would use for its first probe.
pub fn diagnose_sites_error(e: &WixError, key: &ApiKey, account_id: &str) -> Verification {
    from_error(e, Probe::Sites, account_differs(key, account_id))
}

/// The diagnosis for a failed Media Manager call (a Library command, an import): the words
/// `verify` uses for its media probe, so a key without Read/Manage Media Manager gets the same
/// permission diagnosis (and guide link) wherever it fails first.
pub fn diagnose_media_error(e: &WixError) -> Verification {
    from_error(e, Probe::Media { known_site: None }, false)
}

/// Does the key name an account other than `account_id`? (Unknown counts as no.)
fn account_differs(key: &ApiKey, account_id: &str) -> bool {
    let key_account = credential::inspect(key.expose(), time::OffsetDateTime::now_utc()).account_id;
    key_account
        .as_deref()
        .is_some_and(|k| !k.eq_ignore_ascii_case(account_id))
}

enum Probe {
    Sites,
    Media { known_site: Option<bool> },
}

fn from_error(e: &WixError, probe: Probe, account_differs: bool) -> Verification {
    use VerifyStatus as S;
    if let WixError::Network(f) = e {
        // Wix said nothing: the network's own diagnosis, and its technical cause as details.
        return Verification {
            status: S::Unreachable,
            ok: false,
            summary: f.summary(),
            fix: f.fix(),
            guide_anchor: Some("trouble-network".into()),
            sites: None,
            site_checked: None,
            detail: Some(f.detail.clone()),
            detail_from_wix: false,
            network: Some(f.kind),
            checked_at: now_rfc3339(),
        };
    }
    let detail = Some(e.to_string());
    let (status, summary, fix, anchor): (S, String, &str, &str) = match (e, e.api().map(|a| a.kind)) {
        (_, Some(ErrorKind::Unauthenticated)) => (
            S::KeyRejected,
            "Wix does not accept this key: it is unknown, was revoked or regenerated, or is incomplete.".into(),
            "Copy the key again from the API Keys Manager (it is shown only once — if you no longer have it, generate a new key) and use Replace key.",
            "trouble-401",
        ),
        (_, Some(ErrorKind::RateLimited | ErrorKind::ServerError)) => (S::WixUnavailable, "Wix is not answering properly right now.".into(), "This is on Wix's side and usually passes. Try again in a few minutes.", "trouble-5xx"),
        (_, Some(ErrorKind::PermissionDenied)) => match probe {
            Probe::Sites if account_differs => (
                S::AccountOrSitesPermission,
                "Wix refused to list sites: the account ID entered is not the account this key belongs to.".into(),
                "Use the account ID Wixdrop read from the key (or the one on the API Keys page), then verify again.",
                "trouble-403-ids",
            ),
            Probe::Sites => (
                S::AccountOrSitesPermission,
                "Wix refused to list the account's sites: the account ID is wrong, or the key lacks the Read Site Data permission.".into(),
                "Check the account ID on the API Keys page, or add Read Site Data to the key. You can still upload by entering a site ID or pasting the site's dashboard URL.",
                "trouble-403-ids",
            ),
            Probe::Media { known_site: Some(true) } => (
                S::NoMediaPermission,
                "The key cannot use this site's Media Manager: it lacks the Manage Media Manager or Read Media Manager permission, or it is limited to other sites.".into(),
                "In the API Keys Manager, edit the key: add Manage Media Manager and Read Media Manager (uploads need both: one to send files, one to follow their processing) and allow this site. Then verify again.",
                "trouble-403-permission",
            ),
            Probe::Media { known_site: Some(false) } => (
                S::SiteNotReachable,
                "This site is not one of the sites this key's account can reach: it belongs to another account or is not among the key's selected sites.".into(),
                "Pick one of the listed sites, or use a key from the account that owns this site.",
                "trouble-403-other-account",
            ),
            Probe::Media { known_site: None } => (
                S::NoMediaPermission,
                "Wix refused access to this site's Media Manager: the key lacks Manage Media Manager or Read Media Manager, or the site belongs to another account.".into(),
                "Check the key's permissions (Manage and Read Media Manager) and site access in the API Keys Manager, and that the site ID is right.",
                "trouble-403",
            ),
        },
        (_, Some(ErrorKind::NotFound)) if matches!(probe, Probe::Media { .. }) => (
            S::SiteNotReachable,
            "Wix does not know this site.".into(),
            "Check the site ID, or pick one of the listed sites.",
            "find-ids",
        ),
        _ => (S::Unexpected, "Wix gave an unexpected answer while checking the key.".into(), "Try again; if it keeps happening, the details may show why.", "troubleshooting"),
    };
    Verification {
        status,
        ok: false,
        summary,
        fix: fix.into(),
        guide_anchor: Some(anchor.into()),
        sites: None,
        site_checked: None,
        detail,
        detail_from_wix: e.api().is_some(),
        network: None,
        checked_at: now_rfc3339(),
    }
}
