//! Many concurrent uploads, and a large streamed upload that must not grow memory.

mod common;

use common::*;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_uploads() {
    let env = std::sync::Arc::new(start().await);
    let mut tasks = Vec::new();
    for i in 0..24u8 {
        let env = env.clone();
        tasks.push(tokio::spawn(async move {
            let data = bytes(50_000 + i as usize * 997, i);
            if i % 2 == 0 {
                let f = env
                    .upload_plain(&format!("f{i}.png"), "image/png", data.clone())
                    .await;
                (f["id"].as_str().unwrap().to_owned(), sha256_hex(&data))
            } else {
                let (url, token) = env
                    .resumable(&format!("f{i}.mp4"), "video/mp4", data.len())
                    .await;
                let loc = env
                    .tus_create(&url, &token, &format!("f{i}.mp4"), "video/mp4", data.len())
                    .await;
                let mut off = 0;
                for chunk in data.chunks(16_384) {
                    let r = env
                        .tus_patch(&loc, off, chunk.to_vec())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 204);
                    off += chunk.len() as u64;
                }
                let (status, body) = env.finalize(&url, &token, &format!("f{i}.mp4")).await;
                assert_eq!(status, 200, "{body}");
                (
                    body["file"]["id"].as_str().unwrap().to_owned(),
                    sha256_hex(&data),
                )
            }
        }));
    }
    let mut expected = Vec::new();
    for t in tasks {
        expected.push(t.await.unwrap());
    }
    let stored = env.stored(env.site()).await;
    assert_eq!(stored.len(), 24);
    for (id, sha) in expected {
        let s = stored.iter().find(|s| s["id"] == json!(id)).unwrap();
        assert_eq!(s["sha256"], json!(sha));
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_upload_streams_to_disk() {
    const SIZE: u64 = 512 * 1024 * 1024;
    const CHUNK: usize = 1024 * 1024;
    let env = start().await;
    let before = vm_hwm_kib();
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "video/mp4"}))
        .send()
        .await
        .unwrap();
    let url = resp.json::<serde_json::Value>().await.unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let block = std::sync::Arc::new(bytes(CHUNK, 7));
    let body_block = block.clone();
    let stream = futures_util::stream::iter(0..SIZE / CHUNK as u64)
        .map(move |_| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(&body_block)));
    let resp = env
        .http
        .put(format!("{url}?filename=big.mp4"))
        .header("Content-Type", "video/mp4")
        .header("Content-Length", SIZE.to_string())
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let file = resp.json::<serde_json::Value>().await.unwrap();
    assert_eq!(file["file"]["sizeInBytes"], SIZE.to_string());
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    for _ in 0..SIZE / CHUNK as u64 {
        sha2::Digest::update(&mut hasher, block.as_slice());
    }
    let stored = env.stored(env.site()).await;
    assert_eq!(
        stored[0]["sha256"],
        hex::encode(sha2::Digest::finalize(hasher))
    );
    if let (Some(before), Some(after)) = (before, vm_hwm_kib()) {
        let grown_mib = (after.saturating_sub(before)) / 1024;
        assert!(
            grown_mib < 128,
            "peak memory grew by {grown_mib} MiB for a 512 MiB upload"
        );
    }
}
