//! Query Sites (account-level): the sites a key's account owns, so nobody copies GUIDs.
//!
//! Shaped after what live Wix does (wix-api.md §3, tested live by Wix staff), not what older
//! docs said: the first request filters on `namespace` `$in [WIX, HEADLESS]` (without it Wix
//! silently hides headless sites) and asks for 100 a page; follow-up requests send only
//! `cursorPaging` (the cursor carries filter and sort). The next cursor is read from `metadata`,
//! falling back to `pagingMetadata` (older docs). Pages are read as loose JSON, one site at a
//! time, so a field of an unexpected type drops that field, not the list. Paging stops at Wix's
//! 1,000 sites, on an empty page, and on a cursor seen before, so a confused server cannot
//! keep Wixdrop looping.

use std::collections::HashSet;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::{Scope, WixClient, WixError};
use crate::secret::ApiKey;

/// Wix returns at most this many sites from Query Sites (wix-api.md §3, §8).
pub const MAX_SITES: usize = super::limits::QUERY_SITES_MAX;
/// Sites per page: the most live Wix returns in one page (wix-api.md §3).
pub const PAGE: usize = 100;
/// The namespace of a headless project (Wix Headless), as Query Sites reports it.
pub const HEADLESS: &str = "HEADLESS";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Site {
    /// The value for `wix-site-id`.
    pub id: String,
    pub display_name: String,
    /// The live site's URL, when published.
    pub url: Option<String>,
    /// Wix's `namespace` as sent: `WIX` for ordinary sites, `HEADLESS` for headless projects,
    /// any other text kept as it came; `null` when Wix did not say (and for sites saved by
    /// older versions).
    #[serde(default)]
    pub namespace: Option<String>,
}

impl Site {
    /// A headless project (no Wix-built site of its own)?
    pub fn is_headless(&self) -> bool {
        self.namespace
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(HEADLESS))
    }
}

/// One page of a Query Sites answer, read leniently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitesPage {
    pub sites: Vec<Site>,
    /// The cursor for the next page, when the answer gave a non-empty one.
    pub next: Option<String>,
    /// `hasNext` when the answer said it.
    pub has_next: Option<bool>,
}

fn text(v: &Value, field: &str) -> Option<String> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A site from one element of `sites`; `None` without a usable `id`.
fn site_of(v: &Value) -> Option<Site> {
    let id = text(v, "id")?;
    Some(Site {
        display_name: text(v, "displayName")
            .or_else(|| text(v, "name"))
            .unwrap_or_else(|| id.clone()),
        url: text(v, "viewUrl"),
        namespace: text(v, "namespace"),
        id,
    })
}

/// Read one page: `sites[]` plus paging from `metadata` (live Wix) or `pagingMetadata`
/// (older docs). Garbage in any part gives an empty list or no cursor, never an error.
pub fn parse_page(body: &Value) -> SitesPage {
    let sites = body
        .get("sites")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(site_of).collect())
        .unwrap_or_default();
    let meta = ["metadata", "pagingMetadata"]
        .iter()
        .filter_map(|k| body.get(*k).filter(|m| m.is_object()))
        .find(|m| m.get("cursors").is_some() || m.get("hasNext").is_some());
    let next = meta
        .and_then(|m| m.get("cursors"))
        .and_then(|c| text(c, "next"));
    let has_next = meta.and_then(|m| match m.get("hasNext") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    });
    SitesPage {
        sites,
        next,
        has_next,
    }
}

/// The first request: every namespace Wixdrop can upload to, 100 a page.
pub fn first_query() -> Value {
    json!({ "query": {
        "filter": { "namespace": { "$in": ["WIX", HEADLESS] } },
        "cursorPaging": { "limit": PAGE },
    } })
}

/// A follow-up request: the cursor alone (it encodes the first request's filter and sort).
pub fn next_query(cursor: &str) -> Value {
    json!({ "query": { "cursorPaging": { "limit": PAGE, "cursor": cursor } } })
}

/// Every site of the account the key can see, headless ones included, in Wix's order (cursor
/// paging, up to Wix's 1,000). Errors are Wix's (401, 403, network), as [`WixClient::call`]
/// reports them.
pub async fn query_sites(
    client: &WixClient,
    key: &ApiKey,
    account_id: &str,
) -> Result<Vec<Site>, WixError> {
    let mut sites: Vec<Site> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut cursors: HashSet<String> = HashSet::new();
    let mut body = first_query();
    loop {
        let raw: Value = client
            .call(
                Method::POST,
                "site-list/v2/sites/query",
                key,
                Scope::Account(account_id),
                Some(&body),
            )
            .await?;
        let page = parse_page(&raw);
        let got = page.sites.len();
        for s in page.sites {
            if ids.insert(s.id.clone()) {
                sites.push(s);
            }
        }
        let next = match (page.has_next, page.next) {
            (Some(false), _) | (_, None) => break,
            (_, Some(n)) => n,
        };
        if got == 0 || sites.len() >= MAX_SITES || !cursors.insert(next.clone()) {
            break;
        }
        body = next_query(&next);
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

    /// A live answer (wix/skills query-sites.md): paging in `metadata`, `cursorPaging` echoed.
    #[test]
    fn live_metadata_shape() {
        let body = json!({
            "sites": [
                {"id": "s-1", "displayName": "Shop", "name": "shop", "viewUrl": "https://x.wixsite.com/shop", "namespace": "WIX"},
                {"id": "s-2", "name": "api-only", "viewUrl": "", "namespace": "HEADLESS"},
            ],
            "cursorPaging": {"limit": 100, "cursor": "abc"},
            "metadata": {"count": 2, "cursors": {"next": "CURSOR-2"}, "hasNext": true}
        });
        let p = parse_page(&body);
        assert_eq!(p.next.as_deref(), Some("CURSOR-2"));
        assert_eq!(p.has_next, Some(true));
        assert_eq!(p.sites.len(), 2);
        assert_eq!(p.sites[1].display_name, "api-only");
        assert_eq!(
            p.sites[1].url, None,
            "an unpublished site's empty viewUrl is no URL"
        );
        assert!(p.sites[1].is_headless() && !p.sites[0].is_headless());
    }

    /// The older documented shape, `pagingMetadata`, as public code captured it.
    #[test]
    fn older_paging_metadata_shape() {
        let body: Value = serde_json::from_str(
            r#"{"sites":[{"id":"0f3c2b1a-1234-4abc-9def-0123456789ab","displayName":"Blog","namespace":"SOMETHING_NEW"}],
                "pagingMetadata":{"count":1,"cursors":{"next":"n2","prev":null},"hasNext":true}}"#,
        )
        .unwrap();
        let p = parse_page(&body);
        assert_eq!((p.next.as_deref(), p.has_next), (Some("n2"), Some(true)));
        assert_eq!(p.sites[0].namespace.as_deref(), Some("SOMETHING_NEW"));
        assert!(!p.sites[0].is_headless());
        // Last page: hasNext false, cursors empty.
        let last = parse_page(
            &json!({"sites": [], "metadata": {"count": 0, "cursors": {}, "hasNext": false}}),
        );
        assert_eq!((last.next, last.has_next), (None, Some(false)));
    }

    #[test]
    fn garbage_pages_are_empty_not_errors() {
        for body in [
            json!(null),
            json!([]),
            json!({"sites": "no"}),
            json!({"sites": [1, null, {"id": 7}, {"id": ""}, {"displayName": "no id"}], "metadata": {"cursors": {"next": 5}, "hasNext": "maybe"}}),
            json!({"metadata": [], "pagingMetadata": "x"}),
        ] {
            let p = parse_page(&body);
            assert!(p.sites.is_empty(), "{body}");
            assert_eq!((p.next, p.has_next), (None, None), "{body}");
        }
        // A bad field drops that field only.
        let p = parse_page(
            &json!({"sites": [{"id": "a", "displayName": 3, "viewUrl": {}, "namespace": 1}]}),
        );
        assert_eq!(
            p.sites,
            vec![Site {
                id: "a".into(),
                display_name: "a".into(),
                url: None,
                namespace: None
            }]
        );
    }

    #[test]
    fn requests_follow_the_live_recipe() {
        assert_eq!(
            first_query(),
            json!({"query": {"filter": {"namespace": {"$in": ["WIX", "HEADLESS"]}}, "cursorPaging": {"limit": 100}}})
        );
        assert_eq!(
            next_query("c"),
            json!({"query": {"cursorPaging": {"limit": 100, "cursor": "c"}}})
        );
    }

    #[test]
    fn sites_saved_before_namespace_still_load() {
        let s: Site = serde_json::from_str(r#"{"id":"a","display_name":"A","url":null}"#).unwrap();
        assert_eq!(s.namespace, None);
    }
}
