//! Plain and resumable uploads against the emulator: bytes arrive exactly, Wix's requests are
//! shaped as documented, processing is awaited, and refusals reach the user verbatim.

mod upload_support;

use std::time::Duration;

use upload_support::*;
use wixdrop_core::upload::{Journal, MediaType, Stage};
use wixdrop_core::wix::media::OperationStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_upload_is_byte_exact_and_recorded_in_history() {
    let env = start().await;
    let engine = env.engine(settings());
    let p = env.file("photo.jpg", &jpeg(200_000, 7));
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    assert_eq!(v.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(v.media_type, Some(MediaType::Image));
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    assert_eq!(stored[0]["displayName"], "photo.jpg");
    let file = v.file.unwrap();
    assert_eq!(stored[0]["id"], file.file_id);
    assert_eq!(file.status, Some(OperationStatus::Ready));
    // Nothing of this size was uploaded before, so it cannot be a duplicate: no hashing pass,
    // the hash is taken from the bytes as they go out (and checked against the emulator's).
    // An image is looked at for location data first (`preparing`; this one has none).
    assert_eq!(
        env.stages(ids[0]),
        vec![
            Stage::Queued,
            Stage::Preparing,
            Stage::Uploading,
            Stage::Processing,
            Stage::Done
        ]
    );

    // One generate + one PUT, and the PUT carried neither the key nor the site header.
    let log = env.log().await;
    let puts: Vec<_> = log.iter().filter(|r| r["method"] == "PUT").collect();
    assert_eq!(puts.len(), 1);
    let headers = puts[0]["header_names"].to_string().to_ascii_lowercase();
    assert!(
        !headers.contains("authorization") && !headers.contains("wix-site-id"),
        "{headers}"
    );
    assert!(
        headers.contains("content-length"),
        "streamed with a known length: {headers}"
    );

    let h = env.journal().history(&Default::default()).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        (h[0].sha256.as_str(), h[0].file_id.as_str(), h[0].size),
        (sha256_file(&p).as_str(), file.file_id.as_str(), 200_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tus_upload_is_byte_exact_in_chunks() {
    let env = start().await;
    let engine = env.engine(settings());
    let size = 5 * MIB + 12_345;
    let p = env.generated("big.bin", size, 1);
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 60).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    assert_eq!(stored[0]["size"], size);
    let log = env.log().await;
    let patches: Vec<_> = log.iter().filter(|r| r["method"] == "PATCH").collect();
    assert_eq!(patches.len(), 6, "1 MiB chunks");
    assert!(patches
        .iter()
        .all(|r| r["body_bytes"].as_u64().unwrap() <= MIB));
    assert!(
        log.iter()
            .any(|r| r["method"] == "PUT" && r["path"].as_str().unwrap().starts_with("/tus/")),
        "finalised"
    );
    assert!(log
        .iter()
        .all(|r| !(r["path"].as_str().unwrap().starts_with("/tus/")
            && r["header_names"]
                .to_string()
                .to_ascii_lowercase()
                .contains("authorization"))));
    // The journal forgot the single-use token once done.
    let rec = env.journal().job(ids[0]).unwrap().unwrap();
    assert_eq!((rec.upload_token, rec.state), (None, Stage::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn video_is_polled_from_pending_to_ready() {
    let env = start_with(Duration::from_millis(800)).await;
    let engine = env.engine(settings());
    let mut mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    mp4.resize(50_000, 1);
    let p = env.file("clip.mp4", &mp4);
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(
        (v.stage, v.media_type),
        (Stage::Done, Some(MediaType::Video)),
        "{v:?}"
    );
    assert_eq!(v.file.unwrap().status, Some(OperationStatus::Ready));
    let processing_views: Vec<_> = env.last_views();
    assert_eq!(processing_views.len(), 1);
    let gets = env
        .log()
        .await
        .iter()
        .filter(|r| r["path"] == "/site-media/v1/files/get-file-by-id")
        .count();
    assert!(gets >= 1, "polled");
    assert!(env.stages(ids[0]).contains(&Stage::Processing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processing_failure_is_reported() {
    let env = start_with(Duration::from_secs(60)).await;
    let engine = env.engine(settings());
    let mut mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    mp3.resize(20_000, 2);
    let p = env.file("song.mp3", &mp3);
    let ids = engine.enqueue(vec![env.root(&p)]);
    // Wait for the file to exist on the emulator, then make its processing fail.
    let id = loop {
        if let Some(f) = env.stored().await.first() {
            break f["id"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    env.control(
        reqwest::Method::POST,
        &format!("/__emulator/files/{id}/status"),
        Some(serde_json::json!({"operationStatus": "FAILED"})),
    )
    .await;
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Failed);
    assert!(v.error.unwrap().message.contains("could not process"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_rejection_is_shown_verbatim_and_the_batch_goes_on() {
    let env = start().await;
    let engine = env.engine(settings());
    let html = env.file("page.html", b"<!doctype html><html><body>hi</body></html>");
    let ok = env.file("ok.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR0123456789");
    let ids = engine.enqueue(vec![env.root(&html), env.root(&ok)]);
    idle(&engine, 30).await;
    let bad = view(&engine, ids[0]);
    assert_eq!(bad.stage, Stage::Failed);
    let err = bad.error.unwrap();
    assert_eq!(err.status, Some(400));
    // The emulator's own words, as sent.
    let log = env.log().await;
    assert!(log
        .iter()
        .any(|r| r["path"] == "/site-media/v1/files/generate-upload-url" && r["status"] == 400));
    let server = err.server_message.expect("server words kept");
    assert!(
        server.to_lowercase().contains("html") || server.to_lowercase().contains("mime"),
        "{server}"
    );
    assert!(
        err.message.contains(&server[..server.len().min(20)]),
        "{} / {server}",
        err.message
    );
    assert_eq!(view(&engine, ids[1]).stage, Stage::Done);
    // Failures are kept in the journal too.
    let rec = Journal::open(&env.db())
        .unwrap()
        .journal
        .job(ids[0])
        .unwrap()
        .unwrap();
    assert_eq!(rec.state, Stage::Failed);
    assert!(rec.error.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_type_is_sent_again_as_octet_stream_with_a_warning() {
    let env = start().await;
    // Wix may refuse a declared type it would accept when it detects it itself.
    env.control(
        reqwest::Method::PUT,
        "/__emulator/config",
        Some(serde_json::json!({"refused_mime_types": ["image/png"]})),
    )
    .await;
    let engine = env.engine(settings());
    let p = env.file("diagram.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR0123456789");
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    let w = v.warning.unwrap_or_default();
    assert!(
        w.contains("image/png") && w.contains("application/octet-stream"),
        "{w}"
    );
    let log = env.log().await;
    let generates: Vec<_> = log
        .iter()
        .filter(|r| r["path"] == "/site-media/v1/files/generate-upload-url")
        .collect();
    assert_eq!(
        generates.len(),
        2,
        "refused once, then sent as octet-stream"
    );
    assert_eq!(generates[0]["status"], 400);
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    assert_eq!(
        stored[0]["mimeType"], "image/png",
        "typed by Wix from the extension"
    );
}
