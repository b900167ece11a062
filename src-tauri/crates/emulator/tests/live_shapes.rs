//! The shapes live Wix answers in (wix-api.md §3, §8), which older notes got wrong: Query
//! Sites pages in `metadata` and hides headless sites unless asked; fonts and documents come
//! back with relative URLs; names over the generate calls' limits are a 400.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A fresh account with `wix` + `headless` sites and an all-permission key for it.
async fn agency(env: &Env, wix: usize, headless: usize) -> (String, String) {
    let account = env
        .control(Method::POST, "/__emulator/accounts", Some(json!({})))
        .await["account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = env
        .control(
            Method::POST,
            "/__emulator/sites",
            Some(json!({"account_id": account, "display_name": "Client", "count": wix})),
        )
        .await;
    assert_eq!(v["sites"].as_array().unwrap().len(), wix);
    assert_eq!(v["sites"][0]["displayName"], "Client 001");
    let v = env
        .control(
            Method::POST,
            "/__emulator/sites",
            Some(json!({"account_id": account, "display_name": "Headless", "count": headless, "namespace": "HEADLESS"})),
        )
        .await;
    assert_eq!(v["sites"][0]["namespace"], "HEADLESS");
    let key = env.mint(json!({"account_id": account})).await;
    (account, key)
}

async fn query(env: &Env, key: &str, account: &str, body: Value) -> Value {
    let resp = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .header("Authorization", key)
        .header("wix-account-id", account)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn query_sites_pages_in_metadata_and_hides_headless_unless_asked() {
    let env = start().await;
    let (account, key) = agency(&env, 130, 3).await;

    // No filter: WIX sites only; 100 at most per page, even when more is asked for.
    let body = query(
        &env,
        &key,
        &account,
        json!({"query": {"cursorPaging": {"limit": 500}}}),
    )
    .await;
    assert!(
        body.get("pagingMetadata").is_none(),
        "live Wix sends no pagingMetadata"
    );
    assert_eq!(body["sites"].as_array().unwrap().len(), 100);
    assert_eq!(body["metadata"]["count"], 100);
    assert_eq!(body["metadata"]["hasNext"], true);
    assert_eq!(body["cursorPaging"]["limit"], 100);
    let cursor = body["metadata"]["cursors"]["next"]
        .as_str()
        .unwrap()
        .to_owned();
    // The follow-up sends only the cursor; a filter sent beside it is ignored.
    let body = query(
        &env,
        &key,
        &account,
        json!({"query": {"filter": {"namespace": "HEADLESS"}, "cursorPaging": {"cursor": cursor, "limit": 100}}}),
    )
    .await;
    assert_eq!(body["sites"].as_array().unwrap().len(), 30);
    assert_eq!(body["metadata"]["hasNext"], false);
    assert!(body["metadata"]["cursors"].get("next").is_none());
    assert!(body["sites"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["namespace"] == "WIX"));

    // Asking for both namespaces lists all 133.
    let mut all = Vec::new();
    let mut body = query(
        &env,
        &key,
        &account,
        json!({"query": {"filter": {"namespace": {"$in": ["WIX", "HEADLESS"]}}, "cursorPaging": {"limit": 100}}}),
    )
    .await;
    loop {
        all.extend(body["sites"].as_array().unwrap().iter().cloned());
        let Some(next) = body["metadata"]["cursors"]["next"]
            .as_str()
            .map(str::to_owned)
        else {
            break;
        };
        body = query(
            &env,
            &key,
            &account,
            json!({"query": {"cursorPaging": {"cursor": next}}}),
        )
        .await;
    }
    assert_eq!(all.len(), 133);
    assert_eq!(
        all.iter().filter(|s| s["namespace"] == "HEADLESS").count(),
        3
    );

    // The request log shows the body's key paths, never values.
    let log = env.control(Method::GET, "/__emulator/log", None).await;
    let last = log["requests"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body_keys"], json!(["query.cursorPaging.cursor"]));
}

#[tokio::test]
async fn control_api_refuses_bad_site_batches() {
    let env = start().await;
    for body in [
        json!({"account_id": env.account(), "count": 0}),
        json!({"account_id": env.account(), "count": 5000}),
        json!({"account_id": env.account(), "namespace": ""}),
    ] {
        let resp = env
            .http
            .post(env.url("/__emulator/sites"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
    }
}

#[tokio::test]
async fn fonts_and_documents_come_back_with_relative_urls() {
    let env = start().await;
    let font = env
        .upload_plain("brand.woff2", "font/woff2", bytes(3000, 1))
        .await;
    let id = font["id"].as_str().unwrap();
    let prefix = id.split('_').next().unwrap();
    assert_eq!(font["url"], format!("ufonts/{prefix}/{id}"));
    assert!(!font["thumbnailUrl"].as_str().unwrap().starts_with("http"));
    let doc = env
        .upload_plain("terms.pdf", "application/pdf", bytes(2000, 2))
        .await;
    assert_eq!(doc["url"], format!("ugd/{}", doc["id"].as_str().unwrap()));
    let img = env.upload_plain("p.png", "image/png", bytes(1000, 3)).await;
    assert!(img["url"]
        .as_str()
        .unwrap()
        .starts_with("https://static.wixstatic.com/media/"));
    // The same relative URL from get-file-by-id.
    let resp = env
        .site_req(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={id}"),
        )
        .send()
        .await
        .unwrap();
    let (_, got) = json_of(resp).await;
    assert_eq!(got["file"]["url"], font["url"]);
}

#[tokio::test]
async fn over_long_names_and_paths_are_a_400() {
    let env = start().await;
    let gen = |body: Value, path: &'static str| env.site_req(Method::POST, path).json(&body).send();
    for path in [
        "/site-media/v1/files/generate-upload-url",
        "/site-media/v1/files/generate-resumable-upload-url",
    ] {
        let ok = json!({"mimeType": "image/png", "fileName": format!("{}.png", "a".repeat(196)), "filePath": format!("/{}", "b".repeat(99))});
        let (status, body) = json_of(gen(ok, path).await.unwrap()).await;
        assert_eq!(
            status, 200,
            "200 and 100 characters exactly are fine: {body}"
        );
        for (body, field) in [
            (
                json!({"mimeType": "image/png", "fileName": format!("{}.png", "a".repeat(197))}),
                "fileName",
            ),
            // 99 emoji + ".png" = 103 characters but 202 UTF-16 units: counted the strict way.
            (
                json!({"mimeType": "image/png", "fileName": format!("{}.png", "😀".repeat(99))}),
                "fileName",
            ),
            (
                json!({"mimeType": "image/png", "filePath": format!("/{}", "b".repeat(100))}),
                "filePath",
            ),
            (
                json!({"mimeType": format!("image/{}", "x".repeat(100))}),
                "mimeType",
            ),
            (
                json!({"mimeType": "image/png", "parentFolderId": "f".repeat(101)}),
                "parentFolderId",
            ),
        ] {
            let (status, err) = json_of(gen(body.clone(), path).await.unwrap()).await;
            assert_eq!(status, 400, "{body}");
            assert_eq!(violated_fields(&err), vec![field], "{err}");
            let v = &err["details"]["validationError"]["fieldViolations"][0];
            assert!(
                v["description"].as_str().unwrap().contains("at most"),
                "{err}"
            );
        }
    }
    // labels: 50 on the plain call, 500 on the resumable one.
    let labels: Vec<String> = (0..51).map(|i| format!("l{i}")).collect();
    let (status, _) = json_of(
        gen(
            json!({"mimeType": "image/png", "labels": labels}),
            "/site-media/v1/files/generate-upload-url",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = json_of(
        gen(
            json!({"mimeType": "image/png", "labels": labels}),
            "/site-media/v1/files/generate-resumable-upload-url",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    // Create Folder: displayName at most 200.
    let resp = env
        .site_req(Method::POST, "/site-media/v1/folders")
        .json(&json!({"displayName": "d".repeat(201)}))
        .send()
        .await
        .unwrap();
    let (status, err) = json_of(resp).await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&err), vec!["displayName"]);
}
