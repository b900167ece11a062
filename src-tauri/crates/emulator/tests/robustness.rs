//! Malformed input never crashes the server or turns into a 5xx; the binary prints its seed
//! line and is deterministic with --seed; shutdown stops serving.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// Sends raw bytes and returns the status code of the answer, if any.
fn raw_request(base: &str, request: &[u8]) -> Option<u16> {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(request).ok()?;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_4xx() {
    let env = start().await;
    let (url, token) = env.resumable("v.mp4", "video/mp4", 10).await;
    let location = env.tus_create(&url, &token, "v.mp4", "video/mp4", 10).await;
    let loc_path = location.trim_start_matches(env.emu.base_url()).to_owned();
    let base = env.emu.base_url().to_owned();
    let key = env.key().to_owned();
    let site = env.site().to_owned();
    let cases: Vec<Vec<u8>> = vec![
        b"POST /site-list/v2/sites/query HTTP/1.1\r\nHost: x\r\nAuthorization: \xff\xfe\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
        [b"GET /site-media/v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: ".as_slice(), key.as_bytes(), b"\r\nwix-site-id: \xff\r\nConnection: close\r\n\r\n"].concat(),
        format!("GET /site-media/v1/files?paging.limit=99999999999999999999999&paging.cursor=%%%% HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\nwix-site-id: {site}\r\nConnection: close\r\n\r\n").into_bytes(),
        format!("PATCH {loc_path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 18446744073709551616\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx").into_bytes(),
        format!("PATCH {loc_path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 99\r\nConnection: close\r\n\r\nx").into_bytes(),
        b"POST /tus/v1/files HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 1\r\nUpload-Metadata: token ,,, \xff\r\nConnection: close\r\n\r\n".to_vec(),
        b"PUT /upload/%ff%fe?filename=%ff HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx".to_vec(),
        b"POST /__emulator/faults HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{\"a\":".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
    ];
    let statuses = tokio::task::spawn_blocking(move || {
        cases
            .iter()
            .map(|c| raw_request(&base, c))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    eprintln!("raw statuses: {statuses:?}");
    for (i, status) in statuses.iter().enumerate() {
        if let Some(status) = status {
            assert!(*status < 500, "case {i} got {status}");
        }
    }
    // Still serving.
    let (status, _) = env.query_sites(json!({})).await;
    assert_eq!(status, 200);
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .body(vec![0xffu8; 100])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let env = start().await;
    let base = env.emu.base_url().to_owned();
    let storage = env.emu.storage_dir().to_path_buf();
    assert!(storage.exists());
    env.emu.shutdown().await;
    let err = reqwest::Client::new()
        .get(format!("{base}/__emulator/health"))
        .send()
        .await;
    assert!(err.is_err());
    assert!(!storage.exists(), "the temp storage dir is removed");
}

fn run_binary(args: &[&str]) -> (std::process::Child, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wix-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, serde_json::from_str(&line).expect("one JSON line"))
}

#[test]
fn binary_prints_seed_line_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let storage = dir.path().to_str().unwrap();
    let (mut a, first) = run_binary(&[
        "--port",
        "0",
        "--seed",
        "42",
        "--sites",
        "2",
        "--storage-dir",
        storage,
    ]);
    let dir_b = tempfile::tempdir().unwrap();
    let (mut b, second) = run_binary(&[
        "--port",
        "0",
        "--seed",
        "42",
        "--sites",
        "2",
        "--processing-delay-ms",
        "10",
        "--storage-dir",
        dir_b.path().to_str().unwrap(),
    ]);
    assert!(first["base_url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert!(first["api_key"].as_str().unwrap().starts_with("IST."));
    assert_eq!(first["sites"].as_array().unwrap().len(), 2);
    assert!(first["sites"][0]["displayName"].is_string());
    assert_eq!(first["account_id"], second["account_id"]);
    assert_eq!(first["api_key"], second["api_key"]);
    assert_eq!(first["sites"], second["sites"]);
    assert_ne!(first["base_url"], second["base_url"]);
    let health = reqwest::blocking_get(&format!(
        "{}/__emulator/health",
        first["base_url"].as_str().unwrap()
    ));
    assert!(health);
    assert!(
        dir.path().join(".partial").exists(),
        "--storage-dir is used"
    );
    a.kill().unwrap();
    b.kill().unwrap();
    let _ = a.wait();
    let _ = b.wait();
}

mod reqwest {
    pub use ::reqwest::*;

    /// A tiny blocking GET without reqwest's blocking feature.
    pub fn blocking_get(url: &str) -> bool {
        let addr = url.trim_start_matches("http://");
        let (host, path) = addr.split_once('/').unwrap();
        let Ok(mut s) = std::net::TcpStream::connect(host) else {
            return false;
        };
        use std::io::{Read, Write};
        let _ = write!(
            s,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf.starts_with("HTTP/1.1 200")
    }
}
