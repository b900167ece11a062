//! The CLI's JSON shapes and their human renderings, in one place so they stay stable.
//!
//! JSON is built from these structs rather than from core types directly (except
//! `Verification`, whose fields are the diagnosis contract shared with the desktop app), so a
//! change in how core stores a profile does not silently change what scripts read.

use serde::Serialize;
use wixdrop_core::vault::{LastCheck, Profile};
use wixdrop_core::verify::Verification;
use wixdrop_core::wix::sites::Site;

use crate::output::{good_bad, wrap, wrap_after, Table};

/// A profile as `key list`, `key add`, `key verify`… print it. Never the key.
#[derive(Serialize)]
pub struct ProfileView {
    pub name: String,
    pub account_id: String,
    /// e.g. `IST…1a2b3c4d`: a hash prefix that tells keys apart and reveals nothing.
    pub fingerprint: String,
    pub sites: Vec<SiteView>,
    pub sites_count: usize,
    pub default_site: Option<String>,
    pub added_at: String,
    pub last_check: Option<LastCheck>,
}

/// A site, with whether it is the profile's default.
#[derive(Serialize)]
pub struct SiteView {
    pub id: String,
    pub display_name: String,
    pub url: Option<String>,
    /// Wix's `namespace` (`WIX`, `HEADLESS`, …), when Wix gave one.
    pub namespace: Option<String>,
    /// A headless project (`namespace` `HEADLESS`).
    pub headless: bool,
    pub default: bool,
}

impl ProfileView {
    pub fn of(p: &Profile) -> ProfileView {
        ProfileView {
            name: p.name.clone(),
            account_id: p.account_id.clone(),
            fingerprint: p.fingerprint.clone(),
            sites: sites(&p.sites, p.default_site.as_deref()),
            sites_count: p.sites.len(),
            default_site: p.default_site.clone(),
            added_at: p.added_at.clone(),
            last_check: p.last_check.clone(),
        }
    }
}

pub fn sites(list: &[Site], default: Option<&str>) -> Vec<SiteView> {
    list.iter()
        .map(|s| SiteView {
            id: s.id.clone(),
            display_name: s.display_name.clone(),
            url: s.url.clone(),
            namespace: s.namespace.clone(),
            headless: s.is_headless(),
            default: default.is_some_and(|d| d.eq_ignore_ascii_case(&s.id)),
        })
        .collect()
}

/// The default site by name when it is known, else its ID.
pub fn default_site_label(p: &Profile) -> String {
    match &p.default_site {
        Some(id) => p
            .sites
            .iter()
            .find(|s| &s.id == id)
            .map_or_else(|| id.clone(), |s| s.display_name.clone()),
        None => String::new(),
    }
}

/// `works, 2026-11-23 21:30` (or the failing status).
pub fn last_check_label(c: &Option<LastCheck>) -> String {
    match c {
        Some(c) => format!(
            "{}, {}",
            c.status,
            c.at.get(..16).unwrap_or(&c.at).replace('T', " ")
        ),
        None => "never".into(),
    }
}

/// A table of sites, `*` marking the default.
pub fn sites_table(list: &[SiteView], indent: &str) -> String {
    let mut t = Table::new(&[" ", "NAME", "KIND", "URL", "ID"]);
    for s in list {
        let mark = if s.default { "*" } else { " " };
        t.row(
            vec![
                mark.into(),
                s.display_name.clone(),
                if s.headless { "headless" } else { "site" }.into(),
                s.url.clone().unwrap_or_else(|| "-".into()),
                s.id.clone(),
            ],
            None,
        );
    }
    t.render(indent)
}

/// The diagnosis for people: verdict and summary, advice, Wix's own words, the guide anchor.
pub fn verification_text(v: &Verification) -> String {
    let status = serde_json::to_value(v.status)
        .ok()
        .and_then(|s| s.as_str().map(str::to_owned))
        .unwrap_or_default();
    let label = format!("{status}:");
    let mut out = format!(
        "{}  {}\n",
        good_bad(&label, v.ok),
        wrap_after(&v.summary, 92, "    ", label.chars().count() + 2)
    );
    if !v.fix.is_empty() {
        out.push_str(&format!("    {}\n", wrap(&v.fix, 92, "    ")));
    }
    if let Some(site) = &v.site_checked {
        out.push_str(&format!("    media access checked on site {site}\n"));
    }
    if let Some(d) = &v.detail {
        // Wix's words only when Wix said them; a network failure's cause is just "details".
        let (label, words) = match crate::net::detail_label(v) {
            l @ crate::net::WIX_SAID => (l, wix_words(d)),
            l => (l, d.as_str()),
        };
        out.push_str(&format!(
            "    {label}: {}\n",
            wrap_after(words, 92, "      ", label.chars().count() + 6)
        ));
    }
    if let Some(a) = &v.guide_anchor {
        out.push_str(&format!("    guide: #{a}\n"));
    }
    out
}

/// The server's part of a failure description ("HTTP 403 CODE: message"), without the
/// general advice around it that the diagnosis already gives more precisely.
fn wix_words(detail: &str) -> &str {
    match detail.find("(HTTP ") {
        Some(start) => {
            let rest = &detail[start + 1..];
            rest.rfind(')').map_or(detail, |end| &rest[..end])
        }
        None => detail,
    }
}

/// A profile's headline facts under a title line.
pub fn profile_text(title: &str, p: &Profile) -> String {
    let mut out = format!("{title} \"{}\"\n", p.name);
    out.push_str(&format!("  account       {}\n", p.account_id));
    out.push_str(&format!(
        "  key           {} (in the keychain)\n",
        p.fingerprint
    ));
    let default = default_site_label(p);
    if !default.is_empty() {
        out.push_str(&format!("  default site  {default}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wix_words_keep_the_server_part() {
        let d = "Wix recognised the key but refused this request. (HTTP 403 PERMISSION_DENIED: no (really)) Make sure…";
        assert_eq!(wix_words(d), "HTTP 403 PERMISSION_DENIED: no (really)");
        assert_eq!(
            wix_words("Could not reach host: refused."),
            "Could not reach host: refused."
        );
    }
}
