//! Query Sites: listing, filters, sort, cursor paging and the 1,000-site cap.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn names(v: &Value) -> Vec<String> {
    v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["displayName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn empty_body_lists_seeded_sites() {
    let env = start().await;
    let (status, body) = env.query_sites(json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["sites"].as_array().unwrap().len(), 3);
    assert_eq!(body["metadata"]["count"], 3);
    assert_eq!(body["metadata"]["hasNext"], false);
    let site = &body["sites"][0];
    for field in [
        "id",
        "name",
        "displayName",
        "createdDate",
        "updatedDate",
        "viewUrl",
        "ownerAccountId",
    ] {
        assert!(site[field].is_string(), "{field} in {site}");
    }
    assert_eq!(site["ownerAccountId"], env.account());
    let mut ids: Vec<String> = body["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().into())
        .collect();
    let mut seeded: Vec<String> = env.emu.seed().sites.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    seeded.sort();
    assert_eq!(ids, seeded);
}

#[tokio::test]
async fn empty_request_body_is_accepted() {
    let env = start().await;
    let resp = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .header("Authorization", env.key())
        .header("wix-account-id", env.account())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn filter_by_id_and_name() {
    let env = start().await;
    let target = &env.emu.seed().sites[1];
    let (_, body) = env
        .query_sites(json!({"query": {"filter": {"id": target.id}}}))
        .await;
    assert_eq!(names(&body), vec![target.display_name.clone()]);
    let (_, body) = env
        .query_sites(json!({"query": {"filter": {"id": {"$in": [target.id, "nope"]}}}}))
        .await;
    assert_eq!(names(&body).len(), 1);
    let (_, body) = env
        .query_sites(json!({"query": {"filter": {"name": {"$eq": "demo-blog"}}}}))
        .await;
    assert_eq!(names(&body), vec!["Demo Blog"]);
    let (_, body) = env
        .query_sites(json!({"query": {"filter": {"searchPhrase": "store"}}}))
        .await;
    assert_eq!(names(&body), vec!["Demo Store"]);
}

#[tokio::test]
async fn unsupported_filter_is_a_validation_error() {
    let env = start().await;
    let (status, body) = env
        .query_sites(json!({"query": {"filter": {"bogus": 1}}}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["query.filter.bogus"]);
}

#[tokio::test]
async fn sort_by_display_name() {
    let env = start().await;
    let (_, body) = env
        .query_sites(json!({"query": {"sort": [{"fieldName": "displayName", "order": "ASC"}]}}))
        .await;
    assert_eq!(
        names(&body),
        vec!["Demo Blog", "Demo Portfolio", "Demo Store"]
    );
    let (status, body) = env
        .query_sites(json!({"query": {"sort": [{"fieldName": "displayName", "order": "UP"}]}}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["query.sort.order"]);
}

#[tokio::test]
async fn cursor_paging_walks_all_sites() {
    let env = start().await;
    for i in 0..4 {
        env.control(
            Method::POST,
            "/__emulator/sites",
            Some(json!({"account_id": env.account(), "display_name": format!("Extra {i}")})),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut paging = json!({"limit": 2});
        if let Some(c) = &cursor {
            paging["cursor"] = json!(c);
        }
        let (status, body) = env
            .query_sites(json!({"query": {"cursorPaging": paging}}))
            .await;
        assert_eq!(status, 200, "{body}");
        seen.extend(names(&body));
        let meta = &body["metadata"];
        assert!(meta["count"].as_u64().unwrap() <= 2);
        if meta["hasNext"] == false {
            assert!(meta["cursors"]["next"].is_null());
            break;
        }
        cursor = Some(meta["cursors"]["next"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 7);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn legacy_paging_limit_is_accepted() {
    let env = start().await;
    let (status, body) = env
        .query_sites(json!({"query": {"paging": {"limit": 1}}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(names(&body).len(), 1);
    assert_eq!(body["metadata"]["hasNext"], true);
}

#[tokio::test]
async fn bad_cursor_is_a_validation_error() {
    let env = start().await;
    let (status, body) = env
        .query_sites(json!({"query": {"cursorPaging": {"cursor": "!!"}}}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["query.cursorPaging.cursor"]);
}

#[tokio::test]
async fn at_most_1000_sites() {
    let env = start().await;
    let account = env
        .control(Method::POST, "/__emulator/accounts", Some(json!({})))
        .await;
    let account = account["account_id"].as_str().unwrap().to_owned();
    for i in 0..1003 {
        env.control(
            Method::POST,
            "/__emulator/sites",
            Some(json!({"account_id": account, "display_name": format!("S{i:04}")})),
        )
        .await;
    }
    let key = env.mint(json!({"account_id": account})).await;
    let mut total = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut paging = json!({"limit": 100});
        if let Some(c) = &cursor {
            paging["cursor"] = json!(c);
        }
        let resp = env
            .http
            .post(env.url("/site-list/v2/sites/query"))
            .header("Authorization", &key)
            .header("wix-account-id", &account)
            .json(&json!({"query": {"cursorPaging": paging}}))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(resp).await;
        assert_eq!(status, 200);
        total += names(&body).len();
        match body["metadata"]["cursors"]["next"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(total, 1000);
}

#[tokio::test]
async fn key_restricted_to_sites_sees_only_those() {
    let env = start().await;
    let only = env.emu.seed().sites[2].id.clone();
    let key = env.mint(json!({"site_access": [only]})).await;
    let resp = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .header("Authorization", &key)
        .header("wix-account-id", env.account())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["sites"].as_array().unwrap().len(), 1);
    assert_eq!(body["sites"][0]["id"], json!(only));
}
