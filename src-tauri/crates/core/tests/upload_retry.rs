//! Failures that go away by themselves are retried (429 with and without Retry-After, 503,
//! dropped connections); a tus upload cut off mid-chunk resumes from the server's offset.

mod upload_support;

use std::time::{Duration, Instant};

use serde_json::json;
use upload_support::*;
use wixdrop_core::upload::Stage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_with_retry_after_is_honoured() {
    let env = start().await;
    env.fault(json!({"method": "POST", "path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "status", "status": 429, "retry_after": 1}, "times": 1})).await;
    let engine = env.engine(settings());
    let p = env.file("a.jpg", &jpeg(10_000, 1));
    let t = Instant::now();
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "waited for Retry-After: {:?}",
        t.elapsed()
    );
    let gens: Vec<_> = env
        .log()
        .await
        .into_iter()
        .filter(|r| r["path"] == "/site-media/v1/files/generate-upload-url")
        .map(|r| r["status"].as_u64())
        .collect();
    assert_eq!(gens, vec![Some(429), Some(200)]);
    assert_eq!(env.stored().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_without_retry_after_backs_off() {
    let env = start().await;
    env.fault(json!({"method": "POST", "path_prefix": "/site-media/v1/files/generate-resumable-upload-url", "fault": {"type": "status", "status": 429}, "times": 2})).await;
    let engine = env.engine(settings());
    let p = env.generated("b.bin", 2 * MIB, 2);
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    let statuses: Vec<_> = env
        .log()
        .await
        .into_iter()
        .filter(|r| r["path"] == "/site-media/v1/files/generate-resumable-upload-url")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![429, 429, 200]);
    assert_eq!(env.stored().await[0]["sha256"], sha256_file(&p));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_on_the_put_and_the_patch_are_retried() {
    let env = start().await;
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "status", "status": 503, "body": "html"}, "times": 2})).await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "status", "status": 503}, "times": 1})).await;
    let engine = env.engine(settings());
    let small = env.file("s.jpg", &jpeg(30_000, 3));
    let big = env.generated("l.bin", 3 * MIB, 3);
    let ids = engine.enqueue(vec![env.root(&small), env.root(&big)]);
    idle(&engine, 30).await;
    for id in &ids {
        assert_eq!(
            view(&engine, *id).stage,
            Stage::Done,
            "{:?}",
            view(&engine, *id)
        );
    }
    let stored = env.stored().await;
    assert_eq!(stored.len(), 2, "no duplicates from the retries");
    let log = env.log().await;
    assert_eq!(
        log.iter()
            .filter(|r| r["method"] == "PUT" && r["path"].as_str().unwrap().starts_with("/upload/"))
            .count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_server_errors_give_up_with_a_diagnosis() {
    let env = start().await;
    env.fault(json!({"method": "POST", "path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "status", "status": 503}, "times": null})).await;
    let engine = env.engine(settings());
    let p = env.file("x.jpg", &jpeg(1000, 1));
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Failed);
    let e = v.error.unwrap();
    assert_eq!(e.status, Some(503));
    assert!(e.message.contains("Wix had a problem"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tus_resumes_after_a_connection_reset_resending_at_most_one_chunk() {
    let env = start().await;
    // Cut the first PATCH after 300 kB (the server keeps what it got).
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "reset", "after_bytes": 300_000}, "times": 1})).await;
    let engine = env.engine(settings());
    let size = 4 * MIB + 777;
    let p = env.generated("r.bin", size, 4);
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 60).await;
    assert_eq!(
        view(&engine, ids[0]).stage,
        Stage::Done,
        "{:?}",
        view(&engine, ids[0])
    );
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    let log = env.log().await;
    let sent: u64 = log
        .iter()
        .filter(|r| r["method"] == "PATCH")
        .map(|r| r["body_bytes"].as_u64().unwrap())
        .sum();
    assert!(
        log.iter()
            .any(|r| r["method"] == "PATCH" && r["status"].is_null()),
        "a PATCH was reset: {log:?}"
    );
    assert!(
        log.iter().any(|r| r["method"] == "HEAD"),
        "asked the server for its offset"
    );
    assert!(
        sent >= size && sent - size <= MIB,
        "re-sent {} bytes",
        sent - size
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_plain_put_is_sent_again_without_a_duplicate() {
    let env = start().await;
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "reset", "after_bytes": 5000}, "times": 1})).await;
    let engine = env.engine(settings());
    let p = env.file("c.jpg", &jpeg(100_000, 9));
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    // A fresh URL after the reset (wix-api.md: the URL is single-use).
    let gens = env
        .log()
        .await
        .iter()
        .filter(|r| r["path"] == "/site-media/v1/files/generate-upload-url")
        .count();
    assert_eq!(gens, 2);
}
