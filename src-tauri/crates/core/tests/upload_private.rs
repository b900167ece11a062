//! Private uploads: `private: true` goes with the upload URL request (plain and tus), the
//! journal keeps it so a resumed job stays private, Wix (the emulator) stores a private file
//! whose static URL answers 403, and a temporary download link opens it.

mod upload_support;

use std::time::Duration;

use serde_json::json;
use upload_support::*;
use wixdrop_core::library::api::{download_link, get_file, Site};
use wixdrop_core::upload::{Stage, UploadRequest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_upload_stays_private_across_a_resume_and_opens_only_by_link() {
    let env = start().await;
    env.emu.serve_static();
    // Slow tus chunks so the first engine can be dropped mid-upload.
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 3_000_000}, "times": null})).await;
    let big = env.generated("private-big.bin", 3 * MIB + 77, 3);
    let small = env.file("private-small.jpg", &jpeg(2_000, 5));
    let public = env.file("public.jpg", &jpeg(2_100, 6));
    let private = |p: &std::path::Path| UploadRequest {
        private: true,
        ..env.root(p)
    };
    let engine = env.engine(settings());
    let ids = engine.enqueue(vec![private(&big)]);
    let journal = env.journal();
    let id = ids[0];
    while journal.job(id).unwrap().unwrap().confirmed_offset < MIB {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(engine);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rec = journal.job(id).unwrap().unwrap();
    assert_eq!(rec.state, Stage::Uploading);
    assert!(rec.private, "the journal keeps the job private");
    env.control(reqwest::Method::DELETE, "/__emulator/faults", None)
        .await;

    // A new engine on the same journal resumes it (and sends two more, one private).
    let engine = env.engine(settings());
    let more = engine.enqueue(vec![private(&small), env.root(&public)]);
    idle(&engine, 60).await;
    let (client, key) = (env.client(), env.key());
    let site = Site {
        client: &client,
        key: &key,
        site_id: env.site(),
    };
    for (job, want_private) in [(id, true), (more[0], true), (more[1], false)] {
        let v = view(&engine, job);
        assert_eq!(v.stage, Stage::Done, "{v:?}");
        assert_eq!(v.private, want_private, "{v:?}");
        let file_id = v.file.clone().unwrap().file_id;
        let f = get_file(&site, &file_id).await.unwrap();
        assert_eq!(f.private, want_private, "Wix stored {f:?}");
        let url = f.url.clone().expect("a static url");
        let status = reqwest::get(&url).await.unwrap().status().as_u16();
        assert_eq!(status, if want_private { 403 } else { 200 }, "{url}");
        if want_private {
            let link = download_link(&site, &file_id, 10).await.unwrap();
            let got = reqwest::get(&link).await.unwrap();
            assert_eq!(got.status().as_u16(), 200, "{link}");
            let bytes = got.bytes().await.unwrap();
            if v.id == id {
                assert_eq!(bytes.len() as u64, 3 * MIB + 77, "the whole resumed file");
            } else {
                assert!(!bytes.is_empty());
            }
        }
    }
    assert_eq!(env.stored().await.len(), 3, "each exactly once");
    // History says which are private (its screen offers a temporary link for those).
    let history = env.journal().history(&Default::default()).unwrap();
    for (job, want_private) in [(id, true), (more[0], true), (more[1], false)] {
        let h = history
            .iter()
            .find(|h| h.job_id == Some(job))
            .expect("in history");
        assert_eq!(h.private, want_private, "{h:?}");
    }
    // Both protocols asked for a private file (one plain generate, one resumable).
    let log = env.log().await;
    for path in [
        "/site-media/v1/files/generate-upload-url",
        "/site-media/v1/files/generate-resumable-upload-url",
    ] {
        assert!(log.iter().any(|r| r["path"] == path), "{path} called");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_upload_is_not_a_duplicate_of_the_same_public_file() {
    let env = start().await;
    let p = env.file("same.jpg", &jpeg(1_500, 9));
    let engine = env.engine(settings());
    let first = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let second = engine.enqueue(vec![UploadRequest {
        private: true,
        ..env.root(&p)
    }]);
    let third = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, first[0]).stage, Stage::Done);
    assert_eq!(
        view(&engine, second[0]).stage,
        Stage::Done,
        "sent as private"
    );
    assert_eq!(
        view(&engine, third[0]).stage,
        Stage::SkippedDuplicate,
        "public again: the public one is there"
    );
    assert_eq!(env.stored().await.len(), 2);
}
