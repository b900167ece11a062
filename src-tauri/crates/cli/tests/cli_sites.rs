//! `wixdrop sites` against an agency-sized account: 130 `WIX` + 3 `HEADLESS` sites, served by
//! the emulator in live Wix's paging shape (`metadata`, headless hidden unless asked for).
//! Uses the environment profile (`WIX_API_KEY`), so no Secret Service is needed.

mod common;

use common::*;
use serde_json::{json, Value};

/// A fresh account with `wix` ordinary and `headless` headless sites, and a key for it.
fn agency(w: &World, wix: usize, headless: usize) -> (String, String) {
    let account = w.control(reqwest::Method::POST, "accounts", json!({}))["account_id"]
        .as_str()
        .unwrap()
        .to_string();
    w.control(
        reqwest::Method::POST,
        "sites",
        json!({ "account_id": account, "display_name": "Client", "count": wix }),
    );
    w.control(
        reqwest::Method::POST,
        "sites",
        json!({ "account_id": account, "display_name": "Headless shop", "count": headless, "namespace": "HEADLESS" }),
    );
    let key = w.mint(&account, ALL, json!("all"));
    (account, key)
}

#[test]
fn lists_all_133_sites_with_the_headless_ones_marked() {
    let w = World::without_keychain("sites-133");
    let (account, key) = agency(&w, 130, 3);
    let env = [
        ("WIX_API_KEY", key.as_str()),
        ("WIX_ACCOUNT_ID", account.as_str()),
    ];
    w.control(reqwest::Method::DELETE, "log", json!({}));

    let r = w.run_env(&["sites", "--json"], "", &env);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let sites = v["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 133, "every site, over two pages");
    let mut ids: Vec<&str> = sites.iter().map(|s| s["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 133, "no site twice");
    let headless: Vec<&Value> = sites.iter().filter(|s| s["headless"] == true).collect();
    assert_eq!(headless.len(), 3);
    for s in &headless {
        assert_eq!(s["namespace"], "HEADLESS");
        assert!(s["display_name"]
            .as_str()
            .unwrap()
            .starts_with("Headless shop"));
    }
    assert!(sites
        .iter()
        .filter(|s| s["headless"] == false)
        .all(|s| s["namespace"] == "WIX"));

    // Two requests: the first with the namespace filter, the second with the cursor only.
    let log = w.control(reqwest::Method::GET, "log", json!({}));
    let queries: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/site-list/v2/sites/query")
        .collect();
    assert_eq!(queries.len(), 2, "{log}");
    assert_eq!(
        queries[0]["body_keys"],
        json!(["query.cursorPaging.limit", "query.filter.namespace"])
    );
    assert_eq!(
        queries[1]["body_keys"],
        json!(["query.cursorPaging.cursor", "query.cursorPaging.limit"])
    );

    // The table marks the same three.
    let r = w.run_env(&["sites"], "", &env);
    assert_eq!(r.code, 0, "{r:?}");
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains(" Client ") || l.contains("Headless shop"))
        .collect();
    assert_eq!(rows.len(), 133, "{}", r.stdout);
    let marked: Vec<&&str> = rows.iter().filter(|l| l.contains(" headless ")).collect();
    assert_eq!(marked.len(), 3, "{}", r.stdout);
    assert!(marked.iter().all(|l| l.contains("Headless shop")));
    assert_no_leak(&r.all(), &key);
}
