//! Query Sites (account-level): the sites a key's account owns, so nobody copies GUIDs.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::{Scope, WixClient, WixError};
use crate::secret::ApiKey;

/// Wix returns at most this many sites from Query Sites.
pub const MAX_SITES: usize = 1000;
const PAGE: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Site {
    /// The value for `wix-site-id`.
    pub id: String,
    pub display_name: String,
    /// The live site's URL, when published.
    pub url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSite {
    id: Option<String>,
    display_name: Option<String>,
    name: Option<String>,
    view_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResponse {
    #[serde(default)]
    sites: Vec<RawSite>,
    paging_metadata: Option<PagingMetadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PagingMetadata {
    has_next: Option<bool>,
    cursors: Option<Cursors>,
}

#[derive(Deserialize)]
struct Cursors {
    next: Option<String>,
}

/// Every site of the account the key can see (cursor paging, up to Wix's 1,000).
pub async fn query_sites(
    client: &WixClient,
    key: &ApiKey,
    account_id: &str,
) -> Result<Vec<Site>, WixError> {
    let mut sites = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut paging = json!({ "limit": PAGE });
        if let Some(c) = &cursor {
            paging["cursor"] = json!(c);
        }
        let body = json!({ "query": { "sort": [{ "fieldName": "displayName", "order": "ASC" }], "cursorPaging": paging } });
        let page: QueryResponse = client
            .call(
                Method::POST,
                "site-list/v2/sites/query",
                key,
                Scope::Account(account_id),
                Some(&body),
            )
            .await?;
        let got = page.sites.len();
        sites.extend(page.sites.into_iter().filter_map(|s| {
            let id = s.id.filter(|i| !i.is_empty())?;
            let display_name = s.display_name.or(s.name).unwrap_or_else(|| id.clone());
            Some(Site {
                id,
                display_name,
                url: s.view_url.filter(|u| !u.is_empty()),
            })
        }));
        let next = page.paging_metadata.and_then(|m| {
            if m.has_next == Some(false) {
                None
            } else {
                m.cursors.and_then(|c| c.next)
            }
        });
        match next {
            Some(n) if got > 0 && sites.len() < MAX_SITES && cursor.as_deref() != Some(&n) => {
                cursor = Some(n)
            }
            _ => break,
        }
    }
    sites.truncate(MAX_SITES);
    Ok(sites)
}

/// A site ID from what a user typed: a bare GUID or a dashboard URL containing one.
pub fn parse_site_ref(text: &str) -> Option<String> {
    let r = crate::credential::inspect(text, time::OffsetDateTime::now_utc());
    match r.kind {
        crate::credential::Kind::IdNotKey => r.site_id.or(r.guid).map(|g| g.to_ascii_lowercase()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_refs_from_guids_and_dashboard_urls() {
        let g = "0f3c2b1a-1234-4abc-9def-0123456789ab";
        assert_eq!(parse_site_ref(g).as_deref(), Some(g));
        assert_eq!(
            parse_site_ref(&format!("  {}  ", g.to_uppercase())).as_deref(),
            Some(g)
        );
        assert_eq!(
            parse_site_ref(&format!("https://manage.wix.com/dashboard/{g}/home")).as_deref(),
            Some(g)
        );
        assert_eq!(parse_site_ref("my site"), None);
        assert_eq!(parse_site_ref(""), None);
    }
}
