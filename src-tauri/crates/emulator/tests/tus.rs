//! The resumable flow: tus 1.0.0 (OPTIONS, POST, HEAD, PATCH, DELETE) and the finalising PUT.

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn options_advertises_tus() {
    let env = start().await;
    let (url, _) = env.resumable("v.mp4", "video/mp4", 10).await;
    let resp = env
        .http
        .request(Method::OPTIONS, &url)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["tus-resumable"], "1.0.0");
    assert_eq!(resp.headers()["tus-version"], "1.0.0");
    assert!(resp.headers()["tus-extension"]
        .to_str()
        .unwrap()
        .contains("creation"));
}

#[tokio::test]
async fn full_flow_in_chunks_is_byte_exact() {
    let env = start_with(Duration::from_millis(200)).await;
    let data = bytes(3 * 1024 * 1024 + 17, 9);
    let (url, token) = env.resumable("movie.mp4", "video/mp4", data.len()).await;
    let location = env
        .tus_create(&url, &token, "movie.mp4", "video/mp4", data.len())
        .await;
    assert!(
        location.starts_with(env.emu.base_url()),
        "absolute Location: {location}"
    );
    let mut offset = 0u64;
    for chunk in data.chunks(1024 * 1024) {
        let resp = env
            .tus_patch(&location, offset, chunk.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
        assert_eq!(resp.headers()["tus-resumable"], "1.0.0");
        offset = resp.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
    }
    assert_eq!(offset, data.len() as u64);
    let head = env.tus_head(&location).await;
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["upload-offset"],
        data.len().to_string().as_str()
    );
    assert_eq!(
        head.headers()["upload-length"],
        data.len().to_string().as_str()
    );
    assert_eq!(head.headers()["cache-control"], "no-store");
    let (status, body) = env.finalize(&url, &token, "movie.mp4").await;
    assert_eq!(status, 200, "{body}");
    let file = &body["file"];
    assert_eq!(file["displayName"], "movie.mp4");
    assert_eq!(file["sizeInBytes"], data.len().to_string());
    assert_eq!(file["operationStatus"], "PENDING");
    assert_eq!(file["mediaType"], "VIDEO");
    assert_eq!(file["mimeType"], "video/mp4");
    let stored = env.stored(env.site()).await;
    assert_eq!(stored[0]["sha256"], sha256_hex(&data));
    // The token is spent and the upload resource is gone.
    let (status, _) = env.finalize(&url, &token, "movie.mp4").await;
    assert_eq!(status, 403);
    assert_eq!(env.tus_head(&location).await.status(), 404);
}

#[tokio::test]
async fn protocol_errors() {
    let env = start().await;
    let (url, token) = env.resumable("v.mp4", "video/mp4", 100).await;
    let meta = metadata(&[("filename", "v.mp4"), ("token", &token)]);
    // 412 without or with a wrong Tus-Resumable.
    let resp = env
        .http
        .post(&url)
        .header("Upload-Length", "100")
        .header("Upload-Metadata", &meta)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 412);
    assert_eq!(resp.headers()["tus-version"], "1.0.0");
    let resp = env
        .http
        .post(&url)
        .header("Tus-Resumable", "0.2.2")
        .header("Upload-Length", "100")
        .header("Upload-Metadata", &meta)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 412);
    // 400 on a bad Upload-Length or Upload-Metadata; 403 on a missing or unknown token.
    let create = |len: &str, meta: &str| {
        env.http
            .post(&url)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", len.to_owned())
            .header("Upload-Metadata", meta.to_owned())
            .send()
    };
    assert_eq!(create("-5", &meta).await.unwrap().status(), 400);
    assert_eq!(create("abc", &meta).await.unwrap().status(), 400);
    assert_eq!(create("100", "filename !!!").await.unwrap().status(), 400);
    assert_eq!(
        create("100", &metadata(&[("filename", "v.mp4")]))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        create("100", &metadata(&[("token", "nope")]))
            .await
            .unwrap()
            .status(),
        403
    );
    let resp = env
        .http
        .post(&url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Metadata", &meta)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "missing Upload-Length");
    let resp = env
        .http
        .post(&url)
        .header("Tus-Resumable", "1.0.0")
        .header("Authorization", env.key())
        .header("Upload-Length", "100")
        .header("Upload-Metadata", &meta)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "no key to the tus server");
    // A plain upload token is not a resumable one.
    let gen = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "image/png"}))
        .send()
        .await
        .unwrap();
    let plain_url = gen.json::<serde_json::Value>().await.unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let plain_token = plain_url.rsplit('/').next().unwrap();
    assert_eq!(
        create("100", &metadata(&[("token", plain_token)]))
            .await
            .unwrap()
            .status(),
        403
    );

    let location = env
        .tus_create(&url, &token, "v.mp4", "video/mp4", 100)
        .await;
    // 415 without the tus content type.
    let resp = env
        .http
        .patch(&location)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/octet-stream")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    // 412 on PATCH and HEAD too.
    let resp = env
        .http
        .patch(&location)
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 412);
    assert_eq!(env.http.head(&location).send().await.unwrap().status(), 412);
    // 409 on a wrong offset; 400 on a missing one.
    let resp = env
        .tus_patch(&location, 5, vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let resp = env
        .http
        .patch(&location)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    // 400 past Upload-Length, and nothing is kept.
    let resp = env
        .tus_patch(&location, 0, vec![0u8; 101])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        env.tus_head(&location).await.headers()["upload-offset"],
        "0"
    );
    // 404 for an unknown upload.
    let resp = env
        .tus_patch(&format!("{url}/nope"), 0, vec![1])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    // Finalising early is refused.
    env.tus_patch(&location, 0, vec![0u8; 50])
        .send()
        .await
        .unwrap();
    let (status, body) = env.finalize(&url, &token, "v.mp4").await;
    assert_eq!(status, 400);
    assert_eq!(app_code(&body), "UPLOAD_INCOMPLETE");
}

#[tokio::test]
async fn resume_after_a_reset_patch() {
    let env = start().await;
    let data = bytes(2 * 1024 * 1024, 4);
    let (url, token) = env.resumable("big.mp4", "video/mp4", data.len()).await;
    let location = env
        .tus_create(&url, &token, "big.mp4", "video/mp4", data.len())
        .await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "reset", "after_bytes": 700_000}})).await;
    let err = env.tus_patch(&location, 0, data.clone()).send().await;
    assert!(
        err.is_err(),
        "the PATCH must fail with a reset, got {:?}",
        err.map(|r| r.status())
    );
    let head = env.tus_head(&location).await;
    let offset: u64 = head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(offset, 700_000, "bytes before the reset are kept");
    let resp = env
        .tus_patch(&location, offset, data[offset as usize..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let (status, body) = env.finalize(&url, &token, "big.mp4").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(env.stored(env.site()).await[0]["sha256"], sha256_hex(&data));
    let log = env.control(Method::GET, "/__emulator/log", None).await;
    assert!(log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["fault"] == "reset"));
}

#[tokio::test]
async fn zero_length_upload_and_termination() {
    let env = start().await;
    let (url, token) = env.resumable("empty.txt", "text/plain", 0).await;
    let location = env
        .tus_create(&url, &token, "empty.txt", "text/plain", 0)
        .await;
    let (status, body) = env.finalize(&url, &token, "empty.txt").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["file"]["sizeInBytes"], "0");
    assert_eq!(env.tus_head(&location).await.status(), 404);

    let (url, token) = env.resumable("gone.mp4", "video/mp4", 10).await;
    let location = env
        .tus_create(&url, &token, "gone.mp4", "video/mp4", 10)
        .await;
    let resp = env
        .http
        .delete(&location)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(env.tus_head(&location).await.status(), 404);
}

#[tokio::test]
async fn filename_comes_from_metadata_when_the_put_has_none() {
    let env = start().await;
    let (url, token) = env.resumable("", "audio/mpeg", 4).await;
    let location = env
        .tus_create(&url, &token, "from-meta.mp3", "audio/mpeg", 4)
        .await;
    env.tus_patch(&location, 0, vec![1, 2, 3, 4])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(
        env.http
            .put(format!("{url}/{token}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["file"]["displayName"], "from-meta.mp3");
    assert_eq!(body["file"]["mediaType"], "AUDIO");
}
