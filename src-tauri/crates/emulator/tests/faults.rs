//! Faults on demand and the request log, through the control API.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::json;

async fn list_status(env: &Env) -> reqwest::Response {
    env.site_req(Method::GET, "/site-media/v1/files")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn status_429_with_and_without_retry_after() {
    let env = start().await;
    env.fault(json!({"method": "GET", "path_prefix": "/site-media/", "fault": {"type": "status", "status": 429, "retry_after": 7}})).await;
    let resp = list_status(&env).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let (_, body) = json_of(resp).await;
    assert_eq!(app_code(&body), "RESOURCE_EXHAUSTED");
    assert_eq!(
        list_status(&env).await.status(),
        200,
        "fires once by default"
    );
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 429}}))
        .await;
    let resp = list_status(&env).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn server_errors_n_times() {
    let env = start().await;
    env.fault(json!({"path_prefix": "/site-media/v1/files", "fault": {"type": "status", "status": 503}, "times": 2})).await;
    assert_eq!(list_status(&env).await.status(), 503);
    assert_eq!(list_status(&env).await.status(), 503);
    assert_eq!(list_status(&env).await.status(), 200);
    env.fault(json!({"path_prefix": "/", "fault": {"type": "status", "status": 500}}))
        .await;
    let (status, body) = json_of(list_status(&env).await).await;
    assert_eq!(status, 500);
    app_code(&body);
    let faults = env.control(Method::GET, "/__emulator/faults", None).await;
    let list = faults["faults"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["fired"], 2);
    assert_eq!(list[0]["times"], 0);
}

#[tokio::test]
async fn method_must_match() {
    let env = start().await;
    env.fault(json!({"method": "POST", "path_prefix": "/site-media/", "fault": {"type": "status", "status": 500}})).await;
    assert_eq!(list_status(&env).await.status(), 200);
}

#[tokio::test]
async fn always_and_never() {
    let env = start().await;
    let f = env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 502}, "times": null})).await;
    for _ in 0..5 {
        assert_eq!(list_status(&env).await.status(), 502);
    }
    let id = f["id"].as_str().unwrap();
    env.control(Method::DELETE, &format!("/__emulator/faults/{id}"), None)
        .await;
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 502}, "times": null, "probability": 0.0})).await;
    for _ in 0..5 {
        assert_eq!(list_status(&env).await.status(), 200);
    }
    env.control(Method::DELETE, "/__emulator/faults", None)
        .await;
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 502}, "times": null, "probability": 0.5})).await;
    let mut failed = 0;
    for _ in 0..60 {
        if list_status(&env).await.status() == 502 {
            failed += 1;
        }
    }
    assert!((10..=50).contains(&failed), "about half fail: {failed}");
}

#[tokio::test]
async fn html_and_empty_bodies() {
    let env = start().await;
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 403, "body": "html"}})).await;
    let resp = list_status(&env).await;
    assert_eq!(resp.status(), 403);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("<html>"));
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "status", "status": 500, "body": "empty"}})).await;
    let resp = list_status(&env).await;
    assert_eq!(resp.status(), 500);
    assert!(resp.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn html_errors_wrap_real_errors_only() {
    let env = start().await;
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "html_errors"}, "times": 2}))
        .await;
    assert_eq!(
        list_status(&env).await.status(),
        200,
        "a success stays JSON"
    );
    let resp = env
        .http
        .get(env.url("/site-media/v1/files"))
        .header("wix-site-id", env.site())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn latency_is_added() {
    let env = start().await;
    env.fault(json!({"path_prefix": "/site-media/", "fault": {"type": "latency", "ms": 300}}))
        .await;
    let t = Instant::now();
    assert_eq!(list_status(&env).await.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn bandwidth_cap_slows_request_bodies() {
    let env = start().await;
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "image/png"}))
        .send()
        .await
        .unwrap();
    let url = resp.json::<serde_json::Value>().await.unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "bandwidth", "bytes_per_sec": 200_000}})).await;
    let data = bytes(100_000, 1);
    let t = Instant::now();
    let resp = env
        .http
        .put(format!("{url}?filename=a.png"))
        .header("Content-Type", "image/png")
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(450),
        "100 kB at 200 kB/s took {took:?}"
    );
    assert_eq!(env.stored(env.site()).await[0]["sha256"], sha256_hex(&data));
}

#[tokio::test]
async fn reset_drops_a_plain_upload_and_the_url_still_works() {
    let env = start().await;
    let resp = env
        .site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
        .json(&json!({"mimeType": "image/png"}))
        .send()
        .await
        .unwrap();
    let url = resp.json::<serde_json::Value>().await.unwrap()["uploadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "reset", "after_bytes": 1000}})).await;
    let data = bytes(500_000, 2);
    let first = env
        .http
        .put(format!("{url}?filename=a.png"))
        .body(data.clone())
        .send()
        .await;
    assert!(first.is_err(), "reset expected");
    assert!(
        env.stored(env.site()).await.is_empty(),
        "nothing stored from a cut upload"
    );
    let second = env
        .http
        .put(format!("{url}?filename=a.png"))
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(env.stored(env.site()).await[0]["sha256"], sha256_hex(&data));
}

#[tokio::test]
async fn request_log_keeps_names_not_secrets() {
    let env = start().await;
    env.control(Method::DELETE, "/__emulator/log", None).await;
    assert_eq!(list_status(&env).await.status(), 200);
    env.upload_plain("a.png", "image/png", bytes(1234, 3)).await;
    let log = env.control(Method::GET, "/__emulator/log", None).await;
    let text = log.to_string();
    assert!(!text.contains(env.key()), "the key must never be logged");
    let key_sig = env.key().rsplit('.').next().unwrap();
    assert!(!text.contains(key_sig));
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3, "control routes are not logged: {log}");
    let first = &requests[0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/site-media/v1/files");
    assert_eq!(first["status"], 200);
    let names: Vec<&str> = first["header_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"authorization") && names.contains(&"wix-site-id"));
    let put = &requests[2];
    assert_eq!(put["method"], "PUT");
    assert_eq!(put["body_bytes"], 1234);
    assert_eq!(put["query"], "filename=a.png");
}

#[tokio::test]
async fn control_api_rejects_bad_specs() {
    let env = start().await;
    let resp = env
        .http
        .post(env.url("/__emulator/faults"))
        .json(&json!({"path_prefix": "/", "fault": {"type": "explode"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = env
        .http
        .post(env.url("/__emulator/faults"))
        .json(
            &json!({"path_prefix": "/", "fault": {"type": "latency", "ms": 1}, "probability": 2.0}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = env
        .http
        .post(env.url("/__emulator/keys"))
        .json(&json!({"account_id": env.account(), "permissions": ["root"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = env
        .http
        .post(env.url("/__emulator/keys"))
        .json(&json!({"account_id": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let seed = env.control(Method::GET, "/__emulator/seed", None).await;
    assert_eq!(seed["api_key"], env.key());
    assert_eq!(
        env.control(Method::GET, "/__emulator/health", None).await["ok"],
        true
    );
}
