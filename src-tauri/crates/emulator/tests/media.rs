//! Media Manager: generate-upload-url + PUT, list, get, folders, filePath, processing delay.

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn list(env: &Env, query: &str) -> Value {
    let resp = env
        .site_req(Method::GET, &format!("/site-media/v1/files{query}"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn ids(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn plain_upload_returns_a_wix_descriptor_and_stores_bytes_exactly() {
    let env = start().await;
    let data = bytes(15_359, 1);
    let file = env
        .upload_plain("photo.jpg", "image/jpeg", data.clone())
        .await;
    let id = file["id"].as_str().unwrap();
    let (prefix, rest) = id.split_once('_').unwrap();
    assert_eq!(prefix.len(), 6);
    assert!(rest.ends_with("~mv2.jpg"), "{id}");
    assert_eq!(rest.len(), 32 + "~mv2.jpg".len());
    assert_eq!(file["displayName"], "photo.jpg");
    assert_eq!(file["sizeInBytes"], "15359", "sizeInBytes is a string");
    assert_eq!(file["mediaType"], "IMAGE");
    assert_eq!(file["mimeType"], "image/jpeg");
    assert_eq!(file["operationStatus"], "READY");
    assert_eq!(file["parentFolderId"], "media-root");
    assert_eq!(file["private"], false);
    assert_eq!(file["state"], "OK");
    assert_eq!(file["siteId"], env.site());
    assert_eq!(
        file["url"],
        format!("https://static.wixstatic.com/media/{id}")
    );
    for f in ["hash", "thumbnailUrl", "createdDate", "updatedDate"] {
        assert!(file[f].is_string(), "{f}");
    }
    assert!(file["labels"].is_array());
    let stored = env.stored(env.site()).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_hex(&data));
    assert_eq!(stored[0]["size"], 15_359);
    let on_disk = std::fs::read(stored[0]["path"].as_str().unwrap()).unwrap();
    assert_eq!(on_disk, data);
    assert!(stored[0]["path"]
        .as_str()
        .unwrap()
        .starts_with(env.emu.storage_dir().to_str().unwrap()));
}

#[tokio::test]
async fn generate_returns_only_an_upload_url() {
    let env = start().await;
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "image/png"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 200);
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["uploadUrl"]
    );
}

#[tokio::test]
async fn generate_validation_errors() {
    let env = start().await;
    let gen = |body: &'static str| {
        env.site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let (status, body) = json_of(gen("{}").await.unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["mimeType"]);
    let (status, body) = json_of(gen("{\"mimeType\": ").await.unwrap()).await;
    assert_eq!(status, 400);
    violated_fields(&body);
    let (status, body) = json_of(
        gen(r#"{"options": {"mimeType": "image/png", "filename": "a.png"}}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "nested options are not the REST body");
    assert_eq!(violated_fields(&body), vec!["mimeType"]);
    let (status, body) = json_of(
        gen(r#"{"mimeType": 5, "sizeInBytes": "12x", "private": "no"}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    let fields = violated_fields(&body);
    assert!(
        fields.contains(&"mimeType".to_string())
            && fields.contains(&"sizeInBytes".to_string())
            && fields.contains(&"private".to_string()),
        "{fields:?}"
    );
    let (status, _) = json_of(
        gen(r#"{"mimeType": "image/png", "sizeInBytes": 42}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "int64 as a JSON number is accepted too");
    let (status, _) = json_of(gen(r#"{"mimeType": "text/html"}"#).await.unwrap()).await;
    assert_eq!(status, 400);
    let (status, body) = json_of(
        gen(r#"{"mimeType": "image/png", "parentFolderId": "nope"}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(app_code(&body), "FOLDER_NOT_FOUND");
}

#[tokio::test]
async fn upload_token_is_single_use_and_needs_no_key() {
    let env = start().await;
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "image/png"}))
        .send()
        .await
        .unwrap();
    let url = resp.json::<Value>().await.unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let with_key = env
        .http
        .put(format!("{url}?filename=a.png"))
        .header("Authorization", env.key())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        with_key.status(),
        400,
        "a key sent to the upload URL is refused"
    );
    let no_name = env.http.put(&url).body("x").send().await.unwrap();
    assert_eq!(
        no_name.status(),
        400,
        "filename needed when fileName was not generated"
    );
    let multipart = env
        .http
        .put(format!("{url}?filename=a.png"))
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(multipart.status(), 400);
    let ok = env
        .http
        .put(format!("{url}?filename=a.png"))
        .header("Content-Type", "image/png")
        .body("png")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let again = env
        .http
        .put(format!("{url}?filename=a.png"))
        .header("Content-Type", "image/png")
        .body("png")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(again).await;
    assert_eq!(status, 403);
    assert_eq!(app_code(&body), "UPLOAD_TOKEN_ALREADY_USED");
    let bogus = env
        .http
        .put(env.url("/upload/deadbeef?filename=a.png"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 403);
}

#[tokio::test]
async fn octet_stream_is_detected_from_the_extension() {
    let env = start().await;
    let file = env
        .upload_plain("song.mp3", "application/octet-stream", bytes(100, 2))
        .await;
    assert_eq!(file["mimeType"], "audio/mpeg");
    assert_eq!(file["mediaType"], "AUDIO");
    assert!(file["id"].as_str().unwrap().ends_with(".mp3"));
}

#[tokio::test]
async fn video_is_pending_then_ready() {
    let env = start_with(Duration::from_millis(400)).await;
    let file = env
        .upload_plain("clip.mp4", "video/mp4", bytes(1000, 3))
        .await;
    assert_eq!(file["operationStatus"], "PENDING");
    assert_eq!(file["mediaType"], "VIDEO");
    let id = file["id"].as_str().unwrap();
    let get = || {
        env.site_req(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={id}"),
        )
        .send()
    };
    let (status, body) = json_of(get().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body["file"]["operationStatus"], "PENDING");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, body) = json_of(get().await.unwrap()).await;
    assert_eq!(body["file"]["operationStatus"], "READY");
    assert_ne!(body["file"]["updatedDate"], body["file"]["createdDate"]);
    let doc = env
        .upload_plain("a.pdf", "application/pdf", bytes(10, 4))
        .await;
    assert_eq!(doc["operationStatus"], "READY");
    assert_eq!(doc["mediaType"], "DOCUMENT");
}

#[tokio::test]
async fn processing_delay_and_status_are_controllable() {
    let env = start_with(Duration::from_secs(3600)).await;
    let v = env
        .control(
            Method::PUT,
            "/__emulator/config",
            Some(json!({"processing_delay_ms": 0})),
        )
        .await;
    assert_eq!(v["processing_delay_ms"], 0);
    let file = env
        .upload_plain("clip.mov", "video/quicktime", bytes(10, 5))
        .await;
    assert_eq!(file["operationStatus"], "READY");
    let id = file["id"].as_str().unwrap();
    env.control(
        Method::POST,
        &format!("/__emulator/files/{id}/status"),
        Some(json!({"operationStatus": "FAILED"})),
    )
    .await;
    let resp = env
        .site_req(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap()["file"]["operationStatus"],
        "FAILED"
    );
}

#[tokio::test]
async fn get_file_by_id_errors() {
    let env = start().await;
    let (status, body) = json_of(
        env.site_req(
            Method::GET,
            "/site-media/v1/files/get-file-by-id?fileId=abc~mv2.jpg",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(app_code(&body), "FILE_NOT_FOUND");
    let (status, body) = json_of(
        env.site_req(Method::GET, "/site-media/v1/files/get-file-by-id")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["fileId"]);
    // A file of another site of the same account is not found from this site.
    let file = env.upload_plain("a.png", "image/png", bytes(5, 6)).await;
    let other = env.emu.seed().sites[1].id.clone();
    let id = file["id"].as_str().unwrap();
    let resp = env
        .site_req_as(
            Method::GET,
            &format!("/site-media/v1/files/get-file-by-id?fileId={id}"),
            env.key(),
            &other,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let media_url = format!("wix:image://v1/{id}/a.png#originWidth=1&originHeight=1");
    let resp = env
        .site_req(Method::GET, "/site-media/v1/files/get-file-by-id")
        .query(&[("fileId", media_url)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn list_files_filters_sorts_and_pages() {
    let env = start_with(Duration::ZERO).await;
    env.upload_plain("b.png", "image/png", bytes(300, 1)).await;
    env.upload_plain("a.png", "image/png", bytes(100, 2)).await;
    env.upload_plain("c.mp4", "video/mp4", bytes(200, 3)).await;
    let all = list(&env, "").await;
    assert_eq!(ids(&all).len(), 3);
    assert_eq!(all["nextCursor"]["total"], 3);
    let images = list(&env, "?parentFolderId=media-root&mediaTypes=IMAGE").await;
    assert_eq!(ids(&images).len(), 2);
    let both = list(&env, "?mediaTypes=IMAGE&mediaTypes=VIDEO").await;
    assert_eq!(ids(&both).len(), 3);
    let by_name = list(&env, "?sort.fieldName=displayName&sort.order=ASC").await;
    let names: Vec<&str> = by_name["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["a.png", "b.png", "c.mp4"]);
    let by_size = list(&env, "?sort.fieldName=sizeInBytes&sort.order=DESC").await;
    let sizes: Vec<&str> = by_size["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["sizeInBytes"].as_str().unwrap())
        .collect();
    assert_eq!(sizes, vec!["300", "200", "100"]);
    // Paging with nextCursor.
    let mut seen = Vec::new();
    let mut query = "?paging.limit=2&sort.fieldName=displayName&sort.order=ASC".to_owned();
    loop {
        let page = list(&env, &query).await;
        assert!(ids(&page).len() <= 2);
        seen.extend(ids(&page));
        match page["nextCursor"]["cursors"]["next"].as_str() {
            Some(next) => query = format!("?paging.limit=2&paging.cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    let resp = env
        .site_req(Method::GET, "/site-media/v1/files?sort.fieldName=bogus")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = env
        .site_req(Method::GET, "/site-media/v1/files?mediaTypes=PICTURE")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn folders_create_list_get() {
    let env = start().await;
    let create = |body: Value| {
        env.site_req(Method::POST, "/site-media/v1/folders")
            .json(&body)
            .send()
    };
    let (status, body) = json_of(create(json!({"displayName": "Holidays"})).await.unwrap()).await;
    assert_eq!(status, 200);
    let folder = body["folder"].clone();
    assert_eq!(folder["parentFolderId"], "media-root");
    assert_eq!(folder["displayName"], "Holidays");
    for f in ["id", "createdDate", "updatedDate", "state"] {
        assert!(folder[f].is_string(), "{f}");
    }
    let parent = folder["id"].as_str().unwrap();
    let (status, _) = json_of(
        create(json!({"displayName": "2024", "parentFolderId": parent}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = json_of(create(json!({})).await.unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(violated_fields(&body), vec!["displayName"]);
    let (status, _) = json_of(
        create(json!({"displayName": "x", "parentFolderId": "missing"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    let (status, root) = json_of(
        env.site_req(Method::GET, "/site-media/v1/folders")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(root["folders"].as_array().unwrap().len(), 1);
    assert!(root["nextCursor"].is_object());
    let (_, sub) = json_of(
        env.site_req(
            Method::GET,
            &format!("/site-media/v1/folders?parentFolderId={parent}"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(sub["folders"][0]["displayName"], "2024");
    let (status, got) = json_of(
        env.site_req(Method::GET, &format!("/site-media/v1/folders/{parent}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["folder"]["id"], json!(parent));
    let (status, _) = json_of(
        env.site_req(Method::GET, "/site-media/v1/folders/nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn parent_folder_and_file_path_are_honoured() {
    let env = start().await;
    let folder = env
        .site_req(Method::POST, "/site-media/v1/folders")
        .json(&json!({"displayName": "Shots"}))
        .send()
        .await
        .unwrap();
    let folder = folder.json::<Value>().await.unwrap()["folder"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gen = |body: Value| {
        env.site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
            .json(&body)
            .send()
    };
    let put = |url: String| {
        env.http
            .put(format!("{url}?filename=x.png"))
            .header("Content-Type", "image/png")
            .body("x")
            .send()
    };

    let url = gen(json!({"mimeType": "image/png", "parentFolderId": folder}))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = put(url).await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(file["file"]["parentFolderId"], json!(folder));

    let url = gen(json!({"mimeType": "image/png", "filePath": "/videos/2024/december"}))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = put(url).await.unwrap().json::<Value>().await.unwrap();
    let deepest = file["file"]["parentFolderId"].as_str().unwrap().to_owned();
    let (_, got) = json_of(
        env.site_req(Method::GET, &format!("/site-media/v1/folders/{deepest}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(got["folder"]["displayName"], "december");
    // The same path again reuses the folders.
    let url = gen(json!({"mimeType": "image/png", "filePath": "videos/2024/december"}))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = put(url).await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(again["file"]["parentFolderId"], json!(deepest));
    let listed = list(&env, &format!("?parentFolderId={deepest}")).await;
    assert_eq!(ids(&listed).len(), 2);
    let root = list(&env, "").await;
    assert_eq!(ids(&root).len(), 0, "media-root lists its own level only");
}

#[tokio::test]
async fn unknown_routes_are_wix_shaped_404() {
    let env = start().await;
    let (status, body) = json_of(
        env.site_req(Method::GET, "/site-media/v2/nothing")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    app_code(&body);
}
