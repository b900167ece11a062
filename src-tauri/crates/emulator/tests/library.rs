//! The Media Manager library routes in their documented shapes (wix-media-library.md): Update
//! File Descriptor's string `fieldMask` and Wix's own 400s, trash that remembers the folder,
//! search by root, download links that expire, private files whose URL answers 403, and
//! imports that really fetch (PENDING → READY / FAILED), bulk results in reverse order.

mod common;

use std::time::Duration;

use common::{json_of, start};
use reqwest::Method;
use serde_json::{json, Value};

async fn seed(env: &common::Env, count: usize, body: Value) -> (String, Vec<String>) {
    let mut b = body;
    b["count"] = json!(count);
    let v = env
        .control(
            Method::POST,
            &format!("/__emulator/sites/{}/files", env.site()),
            Some(b),
        )
        .await;
    let ids = v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    (v["folder_id"].as_str().unwrap().to_owned(), ids)
}

async fn post(env: &common::Env, path: &str, body: Value) -> (u16, Value) {
    let (s, v) = json_of(
        env.site_req(Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (s.as_u16(), v)
}

async fn patch(env: &common::Env, body: Value) -> (u16, Value) {
    let (s, v) = json_of(
        env.site_req(Method::PATCH, "/site-media/v1/files/update-file-descriptor")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (s.as_u16(), v)
}

#[tokio::test]
async fn update_needs_a_string_field_mask_and_changes_only_its_fields() {
    let env = start().await;
    let (_, ids) = seed(&env, 1, json!({})).await;
    let id = &ids[0];
    let (s, v) = patch(&env, json!({"file": {"id": id, "displayName": "a.png"}})).await;
    assert_eq!(s, 400);
    assert_eq!(v["errorCode"], -100);
    assert_eq!(
        v["details"]["validationError"]["fieldViolations"][0]["description"],
        "must be an array"
    );
    for mask in [
        json!(["displayName"]),
        json!({"paths": ["file.displayName"]}),
    ] {
        let (s, v) = patch(
            &env,
            json!({"file": {"id": id, "displayName": "a.png"}, "fieldMask": mask}),
        )
        .await;
        assert_eq!(
            (s, v["message"].clone()),
            (400, json!("Failed to parse request message"))
        );
    }
    // Only what the mask names changes; media edits are ignored.
    let (s, v) = patch(
        &env,
        json!({"file": {"id": id, "displayName": "a.png", "labels": ["x"], "media": {"image": {"altText": "no"}}}, "fieldMask": "labels,media.image.altText"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["file"]["labels"], json!(["x"]));
    assert_ne!(v["file"]["displayName"], "a.png");
    let (s, v) = patch(
        &env,
        json!({"file": {"id": id, "displayName": "b.png"}, "fieldMask": "file.displayName"}),
    )
    .await;
    assert_eq!((s, v["file"]["displayName"].clone()), (200, json!("b.png")));
    let (s, v) = patch(&env, json!({"file": {"id": "nope_0~mv2.png", "displayName": "b.png"}, "fieldMask": "displayName"})).await;
    assert_eq!(
        (s, common::app_code(&v)),
        (404, "FILE_NOT_FOUND".to_string())
    );
}

#[tokio::test]
async fn trash_remembers_the_folder_and_search_is_by_root() {
    let env = start().await;
    let (folder, ids) = seed(&env, 3, json!({"path": "/A/B", "prefix": "Cat"})).await;
    let (s, v) = post(
        &env,
        "/site-media/v1/bulk/files/delete",
        json!({"fileIds": [ids[0], ids[1]]}),
    )
    .await;
    assert_eq!((s, v), (200, json!({})));
    // Twice is fine.
    assert_eq!(
        post(
            &env,
            "/site-media/v1/bulk/files/delete",
            json!({"fileIds": [ids[0]]})
        )
        .await
        .0,
        200
    );
    // An unknown id fails the whole call and changes nothing.
    let (s, _) = post(
        &env,
        "/site-media/v1/bulk/files/delete",
        json!({"fileIds": [ids[2], "nope"]}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, v) = json_of(
        env.site_req(Method::GET, "/site-media/v1/trash-bin/files")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    assert_eq!(v["files"][0]["parentFolderId"], "trash-root");
    assert_eq!(
        v["nextCursor"],
        json!({"cursors": {"next": ""}, "total": 2, "hasNext": false})
    );
    let (_, v) = post(
        &env,
        "/site-media/v1/files/search",
        json!({"search": "cat"}),
    )
    .await;
    assert_eq!(
        v["files"].as_array().unwrap().len(),
        1,
        "all levels of MEDIA_ROOT, trash excluded"
    );
    let (_, v) = post(
        &env,
        "/site-media/v1/files/search",
        json!({"search": "CAT", "rootFolder": "TRASH_ROOT"}),
    )
    .await;
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    let (s, _) = post(
        &env,
        "/site-media/v1/bulk/trash-bin/files/restore",
        json!({"fileIds": [ids[0], ids[1]]}),
    )
    .await;
    assert_eq!(s, 200);
    for f in env.stored(env.site()).await {
        assert_eq!(f["parentFolderId"], folder.as_str());
    }
    // Permanently: gone, bytes too.
    let path = env.stored(env.site()).await[0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let gone = env.stored(env.site()).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        post(
            &env,
            "/site-media/v1/bulk/files/delete",
            json!({"fileIds": [gone], "permanent": true})
        )
        .await
        .0,
        200
    );
    assert_eq!(env.stored(env.site()).await.len(), 2);
    assert!(!std::path::Path::new(&path).exists());
}

#[tokio::test]
async fn private_urls_answer_403_and_download_links_expire() {
    let env = start().await;
    env.control(
        Method::PUT,
        "/__emulator/config",
        Some(json!({"serve_static": true})),
    )
    .await;
    let (_, ids) = seed(&env, 1, json!({"private": true})).await;
    let (_, v) = json_of(
        env.site_req(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={}", ids[0]),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let url = v["file"]["url"].as_str().unwrap();
    assert!(url.starts_with(env.emu.base_url()));
    let r = env.http.get(url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("<html"));
    // The thumbnail (a rendition) is served.
    let thumb = v["file"]["thumbnailUrl"].as_str().unwrap();
    assert_eq!(
        env.http.get(thumb).send().await.unwrap().status().as_u16(),
        200
    );
    let (s, v) = post(
        &env,
        "/site-media/v1/files/generate-file-download-url",
        json!({"fileId": ids[0]}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["downloadUrls"][0]["assetKey"], "src");
    let link = v["downloadUrls"][0]["url"].as_str().unwrap().to_owned();
    let r = env.http.get(&link).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    env.control(
        Method::PUT,
        "/__emulator/config",
        Some(json!({"download_ttl_ms": 1})),
    )
    .await;
    let (_, v) = post(
        &env,
        "/site-media/v1/files/generate-file-download-url",
        json!({"fileId": ids[0]}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let r = env
        .http
        .get(v["downloadUrls"][0]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // Manage only: a read-only key cannot make links.
    let reader = env.mint(json!({"permissions": ["read_media"]})).await;
    let r = env
        .site_req_as(
            Method::POST,
            "/site-media/v1/files/generate-file-download-url",
            &reader,
            env.site(),
        )
        .json(&json!({"fileId": ids[0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

/// A file's `operationStatus` once it is no longer PENDING (5 s at most).
async fn settled(env: &common::Env, id: &str) -> String {
    let mut st = String::new();
    for _ in 0..100 {
        let (_, v) = json_of(
            env.site_req(
                Method::GET,
                &format!("/site-media/v1/files/get-file-by-id?fileId={id}"),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        st = v["file"]["operationStatus"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if st != "PENDING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    st
}

#[tokio::test]
async fn imports_fetch_for_real_and_bulk_results_come_back_reversed() {
    let env = start().await;
    let (_, ids) = seed(&env, 1, json!({"prefix": "Src"})).await;
    let good = format!("{}/_static/media/{}", env.emu.base_url(), ids[0]);
    let bad = format!("{}/_static/media/none_0~mv2.png", env.emu.base_url());
    let (s, v) = post(
        &env,
        "/site-media/v1/files/import",
        json!({"url": good, "filePath": "/Imported/2026"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["file"]["operationStatus"], "PENDING");
    assert!(v["file"].get("media").is_none());
    let id = v["file"]["id"].as_str().unwrap().to_owned();
    assert_eq!(settled(&env, &id).await, "READY");
    let stored = env.stored(env.site()).await;
    let src = stored.iter().find(|f| f["id"] == ids[0].as_str()).unwrap();
    let copy = stored.iter().find(|f| f["id"] == id.as_str()).unwrap();
    assert_eq!(copy["sha256"], src["sha256"]);
    assert_ne!(
        copy["parentFolderId"], "media-root",
        "filePath made folders"
    );

    let (s, v) = post(
        &env,
        "/site-media/v1/bulk/files/import-v2",
        json!({"importFileRequests": [{"url": good}, {"url": "ftp://x"}, {"url": bad}]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let order: Vec<u64> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["itemMetadata"]["originalIndex"].as_u64().unwrap())
        .collect();
    assert_eq!(order, vec![2, 1, 0]);
    assert_eq!(v["bulkActionMetadata"]["totalFailures"], 1);
    assert_eq!(v["results"][1]["itemMetadata"]["success"], false);
    let bad_id = v["results"][0]["item"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        settled(&env, &bad_id).await,
        "FAILED",
        "a source answering 404 fails the import"
    );
    let (s, _) = post(
        &env,
        "/site-media/v1/bulk/files/import-v2",
        json!({"importFileRequests": []}),
    )
    .await;
    assert_eq!(s, 400);
}

/// Demo mode: real thumbnails from the emulator, but the file keeps the URL Wix would give it.
#[tokio::test]
async fn thumbnails_only_static_host_keeps_the_live_url() {
    let env = start().await;
    env.emu.serve_static_thumbnails();
    let (_, ids) = seed(&env, 1, json!({})).await;
    let (_, v) = json_of(
        env.site_req(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={}", ids[0]),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let url = v["file"]["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://static.wixstatic.com/media/"),
        "{url}"
    );
    let thumb = v["file"]["thumbnailUrl"].as_str().unwrap();
    assert!(thumb.starts_with(env.emu.base_url()), "{thumb}");
    let r = env.http.get(thumb).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));

    // Importing that live URL (a copy to another site) reads the emulator's own bytes.
    let (s, v) = post(&env, "/site-media/v1/files/import", json!({"url": url})).await;
    assert_eq!(s, 200, "{v}");
    let id = v["file"]["id"].as_str().unwrap().to_owned();
    assert_eq!(settled(&env, &id).await, "READY");
    let stored = env.stored(env.site()).await;
    let sha = |id: &str| stored.iter().find(|f| f["id"] == id).unwrap()["sha256"].clone();
    assert_eq!(sha(&id), sha(&ids[0]));
}
