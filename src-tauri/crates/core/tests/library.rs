//! `wixdrop_core::library` against the in-process emulator over real loopback HTTP, with a real
//! SQLite journal: imports matched by `originalIndex`, a retried import that adopts the file of
//! its earlier attempt instead of importing twice, Update File Descriptor's string mask and its
//! errors in plain words, and thumbnails through the bounded disk cache.

mod common;

use common::Env;
use reqwest::Method;
use serde_json::json;
use wixdrop_core::library::api::{self, update_file, FileChange, ListFilter};
use wixdrop_core::library::import::{import_file, ImportRequest};
use wixdrop_core::library::jobs::{run_jobs, ImportJournal, ImportStage, NewImport};
use wixdrop_core::library::thumbs::ThumbCache;
use wixdrop_core::library::{LibraryError, Site};
use wixdrop_core::upload::Journal;

async fn seed(env: &Env, site: &str, count: usize, body: serde_json::Value) -> Vec<String> {
    let mut b = body;
    b["count"] = json!(count);
    env.control(Method::POST, &format!("sites/{site}/files"), b)
        .await["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

async fn stored(env: &Env, site: &str) -> Vec<serde_json::Value> {
    env.control(Method::GET, &format!("sites/{site}/files"), json!({}))
        .await["files"]
        .as_array()
        .unwrap()
        .clone()
}

fn new_import(site: &str, url: &str) -> NewImport {
    NewImport {
        kind: "import",
        profile: "p".into(),
        site_id: site.into(),
        request: ImportRequest {
            url: url.into(),
            ..Default::default()
        },
        source_site: None,
        source_file_id: None,
    }
}

#[tokio::test]
async fn bulk_imports_are_matched_by_original_index_and_failures_explained() {
    let env = Env::start().await;
    let (client, key) = (env.client(), env.seed_key());
    let site_id = env.emu.seed().sites[0].id.clone();
    let other = env.emu.seed().sites[1].id.clone();
    let src = seed(&env, &other, 2, json!({"prefix": "Src"})).await;
    let base = env.emu.base_url();
    let journal = Journal::in_memory().unwrap();
    let store = ImportJournal(&journal);
    // Good, missing, good: the emulator answers in reverse order.
    let urls = [
        format!("{base}/_static/media/{}", src[0]),
        format!("{base}/_static/media/nope_0~mv2.png"),
        format!("{base}/_static/media/{}", src[1]),
    ];
    let ids: Vec<i64> = urls
        .iter()
        .map(|u| store.add(&new_import(&site_id, u)).unwrap())
        .collect();
    let site = Site {
        client: &client,
        key: &key,
        site_id: &site_id,
    };
    let jobs = run_jobs(&journal, &site, &ids, &|_| {}).await.unwrap();
    let stage = |id: i64| jobs.iter().find(|j| j.id == id).unwrap().clone();
    assert_eq!(stage(ids[0]).stage, ImportStage::Done);
    assert_eq!(stage(ids[2]).stage, ImportStage::Done);
    let failed = stage(ids[1]);
    assert_eq!(failed.stage, ImportStage::Failed);
    assert!(
        failed.error.as_deref().unwrap().contains("404"),
        "{failed:?}"
    );
    // Each done job names the file of its own URL.
    let files = stored(&env, &site_id).await;
    for (i, src_id) in [(0, &src[0]), (2, &src[1])] {
        let f = files
            .iter()
            .find(|f| f["id"] == stage(ids[i]).wix_file_id.unwrap().as_str())
            .unwrap();
        assert_eq!(f["displayName"], src_id.as_str(), "named after its own URL");
    }
    // Recorded in the journal.
    assert_eq!(store.get(ids[0]).unwrap().unwrap().stage, ImportStage::Done);
    assert!(store.unfinished().unwrap().is_empty());
}

#[tokio::test]
async fn a_retried_import_adopts_the_file_of_its_earlier_attempt() {
    let env = Env::start().await;
    let (client, key) = (env.client(), env.seed_key());
    let site_id = env.emu.seed().sites[0].id.clone();
    let src = seed(
        &env,
        &env.emu.seed().sites[1].id.clone(),
        1,
        json!({"prefix": "Once"}),
    )
    .await;
    let url = format!("{}/_static/media/{}", env.emu.base_url(), src[0]);
    let journal = Journal::in_memory().unwrap();
    let store = ImportJournal(&journal);
    let id = store.add(&new_import(&site_id, &url)).unwrap();
    let site = Site {
        client: &client,
        key: &key,
        site_id: &site_id,
    };
    // The first attempt reached Wix, but its answer never got written down (a crash).
    store.begin_attempt(id, &url).unwrap();
    let job = store.get(id).unwrap().unwrap();
    import_file(
        &site,
        &ImportRequest {
            url: url.clone(),
            display_name: Some(job.display_name.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let jobs = run_jobs(&journal, &site, &[id], &|_| {}).await.unwrap();
    assert_eq!(jobs[0].stage, ImportStage::Done, "{jobs:?}");
    let copies = stored(&env, &site_id)
        .await
        .into_iter()
        .filter(|f| f["displayName"] == job.display_name.as_str())
        .count();
    assert_eq!(copies, 1, "imported once, not twice");
}

#[tokio::test]
async fn updates_send_a_string_mask_and_errors_say_what_to_do() {
    let env = Env::start().await;
    let (client, key) = (env.client(), env.seed_key());
    let site_id = env.emu.seed().sites[0].id.clone();
    let ids = seed(&env, &site_id, 2, json!({"prefix": "Pic"})).await;
    let site = Site {
        client: &client,
        key: &key,
        site_id: &site_id,
    };
    let f = update_file(
        &site,
        &ids[0],
        &FileChange {
            display_name: Some("Cover.png".into()),
            labels: Some(vec!["cover".into()]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (f.display_name.as_str(), f.labels.clone()),
        ("Cover.png", vec!["cover".to_string()])
    );
    let found = api::search_files(&site, "cover", false, &ListFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(found.files.len(), 1);

    // Foreign id, vanished folder, empty name: each its own plain error.
    let e = update_file(
        &site,
        "abc_0~mv2.jpg",
        &FileChange {
            display_name: Some("x.png".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, LibraryError::FileNotFound { .. }), "{e}");
    let e = update_file(
        &site,
        &ids[1],
        &FileChange {
            folder_id: Some("0123456789abcdef0123456789abcdef".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, LibraryError::FolderNotFound { .. }), "{e}");
    assert!(e.to_string().contains("no longer there"), "{e}");
    let e = update_file(
        &site,
        &ids[1],
        &FileChange {
            display_name: Some("  ".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(e.is_usage(), "{e}");

    // A key that may only read: the permission diagnosis, naming the permission.
    let reader = env
        .mint(&env.emu.seed().account_id, &["read_media"], json!("all"))
        .await;
    let ro = Site {
        client: &client,
        key: &reader,
        site_id: &site_id,
    };
    let e = update_file(
        &ro,
        &ids[1],
        &FileChange {
            display_name: Some("y.png".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), "permission");
    assert!(e.to_string().contains("Manage Media Manager"), "{e}");
}

#[tokio::test]
async fn thumbnails_are_fetched_once_and_kept_within_the_budget() {
    let env = Env::start().await;
    env.emu.serve_static();
    let (client, key) = (env.client(), env.seed_key());
    let site_id = env.emu.seed().sites[0].id.clone();
    seed(&env, &site_id, 3, json!({"prefix": "T", "private": true})).await;
    let site = Site {
        client: &client,
        key: &key,
        site_id: &site_id,
    };
    let page = api::list_files(&site, "media-root", &ListFilter::default(), None, 10)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A budget of two of the emulator's seeded PNGs (48×48, stored deflate: about 7 KB each).
    let one = 7_050;
    let cache = ThumbCache::new(dir.path().join("t"), 2 * one as u64, client.http().clone());
    let keys: Vec<String> = page
        .files
        .iter()
        .map(|f| cache.register(f.thumbnail_url.as_deref().unwrap()).unwrap())
        .collect();
    // Private images have thumbnails too (their URL itself answers 403).
    let (bytes, kind) = cache.get(&keys[0]).await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(kind, "image/png");
    let before = env.control(Method::GET, "log", json!({})).await["requests"]
        .as_array()
        .unwrap()
        .len();
    cache.get(&keys[0]).await.unwrap();
    let after = env.control(Method::GET, "log", json!({})).await["requests"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "the second look is served from disk");
    for k in &keys {
        cache.get(k).await.unwrap();
    }
    assert!(
        cache.size() <= 2 * one as u64 && cache.size() > 0,
        "trimmed to budget: {}",
        cache.size()
    );
    // The file's own URL answers 403.
    let url = page.files[0].url.clone().unwrap();
    assert_eq!(reqwest::get(&url).await.unwrap().status().as_u16(), 403);
}

#[tokio::test]
async fn a_failed_job_is_retried_on_request_and_finished_ones_can_be_cleared() {
    let env = Env::start().await;
    let (client, key) = (env.client(), env.seed_key());
    let site_id = env.emu.seed().sites[0].id.clone();
    let src = seed(
        &env,
        &env.emu.seed().sites[1].id.clone(),
        2,
        json!({"prefix": "Again"}),
    )
    .await;
    let base = env.emu.base_url();
    let good = format!("{base}/_static/media/{}", src[0]);
    let missing = format!("{base}/_static/media/gone_0~mv2.png");
    let journal = Journal::in_memory().unwrap();
    let store = ImportJournal(&journal);
    let site = Site {
        client: &client,
        key: &key,
        site_id: &site_id,
    };
    // Wix refuses the first import call (a per-URL refusal, not worth a retry by itself).
    env.control(
        Method::POST,
        "faults",
        json!({"path_prefix": "/site-media/v1/files/import", "fault": {"type": "status", "status": 400}}),
    )
    .await;
    let a = store.add(&new_import(&site_id, &good)).unwrap();
    let jobs = run_jobs(&journal, &site, &[a], &|_| {}).await.unwrap();
    assert_eq!(jobs[0].stage, ImportStage::Failed, "{jobs:?}");
    // The missing file fails on Wix's side: its file ends FAILED.
    let b = store.add(&new_import(&site_id, &missing)).unwrap();
    let jobs = run_jobs(&journal, &site, &[b], &|_| {}).await.unwrap();
    assert_eq!(jobs[0].stage, ImportStage::Failed, "{jobs:?}");
    assert!(jobs[0].wix_file_id.is_some());
    let other = format!("{base}/_static/media/{}", src[1]);
    let done = store.add(&new_import(&site_id, &other)).unwrap();
    run_jobs(&journal, &site, &[done], &|_| {}).await.unwrap();

    // Retry takes failed jobs only, back to queued with no error and no file.
    let queued = store.retry(&[a, b, done, 9_999]).unwrap();
    assert_eq!(queued.iter().map(|j| j.id).collect::<Vec<_>>(), vec![a, b]);
    assert!(queued
        .iter()
        .all(|j| j.stage == ImportStage::Queued && j.error.is_none() && j.wix_file_id.is_none()));
    assert_eq!(store.get(done).unwrap().unwrap().stage, ImportStage::Done);
    let jobs = run_jobs(&journal, &site, &[a, b], &|_| {}).await.unwrap();
    let by = |id: i64| jobs.iter().find(|j| j.id == id).unwrap().clone();
    assert_eq!(by(a).stage, ImportStage::Done, "{jobs:?}");
    // The missing one is asked for again (a new import call), not matched to the failed one;
    // the broken FAILED file each failure left on Wix is deleted, so none is left.
    assert_eq!(by(b).stage, ImportStage::Failed, "{jobs:?}");
    assert!(by(b).error.as_deref().unwrap().contains("404"), "{jobs:?}");
    let log = env.control(Method::GET, "log", json!({})).await;
    let imports: Vec<(String, u64)> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap().contains("files/import"))
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_owned(),
                r["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // a (refused), b, done, then a and b again together through Bulk Import.
    assert_eq!(
        imports,
        vec![
            ("/site-media/v1/files/import".to_owned(), 400),
            ("/site-media/v1/files/import".to_owned(), 200),
            ("/site-media/v1/files/import".to_owned(), 200),
            ("/site-media/v1/bulk/files/import-v2".to_owned(), 200),
        ]
    );
    let name = by(b).display_name;
    let left = stored(&env, &site_id)
        .await
        .into_iter()
        .filter(|f| f["displayName"] == name.as_str())
        .count();
    assert_eq!(left, 0, "no broken file left on the site");

    // Clearing forgets the finished jobs and keeps an unfinished one.
    let open = store.add(&new_import(&site_id, &good)).unwrap();
    assert_eq!(store.clear_finished().unwrap(), 3);
    let left: Vec<i64> = store.recent(10).unwrap().iter().map(|j| j.id).collect();
    assert_eq!(left, vec![open]);
}
