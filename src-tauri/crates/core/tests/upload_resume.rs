//! Nothing lost, nothing uploaded twice: a new engine on the same journal finishes what a
//! dropped one left, lost answers are looked up instead of re-sent, and a damaged journal is
//! moved aside.

mod upload_support;

use std::time::Duration;

use serde_json::json;
use upload_support::*;
use wixdrop_core::upload::{Journal, Stage, UploadEvent};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_engine_finishes_a_dropped_tus_upload_from_the_confirmed_offset() {
    let env = start().await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 3_000_000}, "times": null})).await;
    let size = 6 * MIB + 4321;
    let p = env.generated("crash.bin", size, 7);
    let engine = env.engine(settings());
    let ids = engine.enqueue(vec![env.root(&p)]);
    let id = ids[0];
    // Let two chunks be acknowledged, then "crash".
    let journal = env.journal();
    while journal.job(id).unwrap().unwrap().confirmed_offset < 2 * MIB {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(engine);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rec = journal.job(id).unwrap().unwrap();
    assert_eq!(rec.state, Stage::Uploading);
    assert!(rec.tus_location.is_some() && rec.upload_token.is_some());
    let confirmed = rec.confirmed_offset;
    let before = env.log().await.len();
    env.control(reqwest::Method::DELETE, "/__emulator/faults", None)
        .await;

    let engine = env.engine(settings());
    idle(&engine, 60).await;
    let v = view(&engine, id);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    assert!(v.warning.unwrap_or_default().contains("Resumed"));
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1, "exactly once on the server");
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
    let log = env.log().await;
    let after = &log[before..];
    assert!(
        after.iter().any(|r| r["method"] == "HEAD"),
        "asked for the offset first"
    );
    assert!(
        !after
            .iter()
            .any(|r| r["path"] == "/site-media/v1/files/generate-resumable-upload-url"),
        "same session, no new upload"
    );
    let resent: u64 = after
        .iter()
        .filter(|r| r["method"] == "PATCH")
        .map(|r| r["body_bytes"].as_u64().unwrap())
        .sum();
    assert!(
        resent <= size - confirmed,
        "sent {resent} after restart, {} were missing by the journal",
        size - confirmed
    );
    assert!(env
        .events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, UploadEvent::Notice { message } if message.contains("Resuming 1"))));
    // Only the tail went out in this run, so the history's hash was read from disk, not the stream.
    let h = env.journal().history(&Default::default()).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].sha256, sha256_file(&p));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_upload_done_but_not_recorded_is_found_not_sent_again() {
    let env = start().await;
    let engine = env.engine(settings());
    let p = env.file("once.jpg", &jpeg(40_000, 5));
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    drop(engine);
    // Rewind the journal to "PUT sent, answer not recorded".
    let c = rusqlite::Connection::open(env.db()).unwrap();
    c.execute("UPDATE jobs SET state = 'uploading', wix_file_id = NULL, wix_url = NULL, finished_at = NULL WHERE id = ?1", [ids[0].0]).unwrap();
    c.execute("DELETE FROM history", []).unwrap();
    drop(c);
    let engine = env.engine(settings());
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    assert_eq!(env.stored().await.len(), 1, "found, not uploaded twice");
    assert_eq!(env.journal().history(&Default::default()).unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tus_finalise_done_but_not_recorded_is_found_not_sent_again() {
    let env = start().await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 8_000_000}, "times": null})).await;
    let engine = env.engine(settings());
    let size = 2 * MIB;
    let p = env.generated("final.bin", size, 8);
    let ids = engine.enqueue(vec![env.root(&p)]);
    // Keep the session the journal had while uploading.
    let journal = env.journal();
    let session = loop {
        let r = journal.job(ids[0]).unwrap().unwrap();
        if let (Some(u), Some(t), Some(l)) = (r.upload_url, r.upload_token, r.tus_location) {
            break (u, t, l);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    idle(&engine, 30).await;
    drop(engine);
    // Rewind to "finalise succeeded, answer never recorded" (the crash window).
    let c = rusqlite::Connection::open(env.db()).unwrap();
    c.execute(
        "UPDATE jobs SET state = 'uploading', upload_url = ?2, upload_token = ?3, tus_location = ?4, confirmed_offset = ?5, wix_file_id = NULL, wix_url = NULL, finished_at = NULL WHERE id = ?1",
        rusqlite::params![ids[0].0, session.0, session.1, session.2, size as i64],
    )
    .unwrap();
    c.execute("DELETE FROM history", []).unwrap();
    drop(c);
    let before = env.log().await.len();
    let engine = env.engine(settings());
    idle(&engine, 30).await;
    let v = view(&engine, ids[0]);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1, "found, not uploaded twice");
    assert_eq!(v.file.unwrap().file_id, stored[0]["id"].as_str().unwrap());
    // HEAD said complete, the repeated finalise was refused (token spent), no bytes re-sent.
    let after: Vec<_> = env.log().await.into_iter().skip(before).collect();
    assert!(after
        .iter()
        .any(|r| r["method"] == "PUT" && r["status"] == 403));
    assert!(!after.iter().any(|r| r["method"] == "PATCH"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_journal_is_moved_aside_and_uploads_still_work() {
    let env = start().await;
    let db = env.db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    std::fs::write(&db, vec![0x5a; 8192]).unwrap();
    let opened = Journal::open(&db).unwrap();
    let w = opened.warning.expect("the user is told");
    assert!(w.contains("damaged") && w.contains("kept as"), "{w}");
    let aside: Vec<_> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read(aside[0].path()).unwrap(),
        vec![0x5a; 8192],
        "the old bytes are kept"
    );
    let engine = env.engine(settings());
    let ids = engine.enqueue(vec![env.root(&env.file("after.jpg", &jpeg(3000, 1)))]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    assert_eq!(env.journal().history(&Default::default()).unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_is_queryable_by_site_and_text() {
    let env = start().await;
    let engine = env.engine(settings());
    let a = env.file("Beach_50%.jpg", &jpeg(1000, 1));
    let b = env.file("mountain.jpg", &jpeg(1001, 2));
    let mut other = env.root(&env.file("city.jpg", &jpeg(1002, 3)));
    other.site_id = env.emu.seed().sites[1].id.clone();
    engine.enqueue(vec![env.root(&a), env.root(&b), other]);
    idle(&engine, 30).await;
    let j = env.journal();
    use wixdrop_core::upload::HistoryQuery;
    assert_eq!(j.history(&HistoryQuery::default()).unwrap().len(), 3);
    let site0 = j
        .history(&HistoryQuery {
            site_id: Some(env.site().into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(site0.len(), 2);
    let hits = j
        .history(&HistoryQuery {
            search: Some("50%".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].file_name, "Beach_50%.jpg");
    assert!(hits[0]
        .url
        .as_deref()
        .unwrap_or_default()
        .starts_with("https://"));
    assert_eq!(
        j.history(&HistoryQuery {
            search: Some("MOUNT".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_journal_leaves_a_running_engines_jobs_alone() {
    let env = start().await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 2_000_000}, "times": null})).await;
    let size = 4 * MIB;
    let p = env.generated("shared.bin", size, 3);
    let app = env.engine(settings());
    let ids = app.enqueue(vec![env.root(&p)]);
    let journal = env.journal();
    while journal.job(ids[0]).unwrap().unwrap().confirmed_offset < MIB {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A CLI run starting now must not send the same file.
    let cli = env.engine(settings());
    assert!(
        cli.snapshot().is_empty(),
        "took a job another engine is sending"
    );
    assert!(env.events.lock().unwrap().iter().any(|e| matches!(e, UploadEvent::Notice { message } if message.contains("another running Wixdrop"))));
    drop(cli);
    // Once the owner stops, the next engine takes the job over and finishes it, once.
    drop(app);
    env.control(reqwest::Method::DELETE, "/__emulator/faults", None)
        .await;
    let next = env.engine(settings());
    idle(&next, 60).await;
    assert_eq!(view(&next, ids[0]).stage, Stage::Done);
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1, "exactly once on the server");
    assert_eq!(stored[0]["sha256"], sha256_file(&p));
}

#[test]
fn a_version_1_journal_gains_the_owner_column() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("old.sqlite3");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY, path TEXT NOT NULL, file_name TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0, mtime_ns INTEGER, sha256 TEXT, profile TEXT NOT NULL, site_id TEXT NOT NULL, base_folder_id TEXT NOT NULL, sub_path TEXT NOT NULL DEFAULT '[]', folder_id TEXT, file_path TEXT, folder_key TEXT, mime_type TEXT, media_type TEXT, upload_anyway INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, protocol TEXT, upload_url TEXT, upload_token TEXT, tus_location TEXT, confirmed_offset INTEGER NOT NULL DEFAULT 0, attempt_started INTEGER, wix_file_id TEXT, wix_url TEXT, operation_status TEXT, error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER);
             INSERT INTO jobs (path, file_name, profile, site_id, base_folder_id, state, created_at, updated_at) VALUES ('/x/a.jpg', 'a.jpg', 'p', 's', '', 'queued', 1, 1);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let opened = Journal::open(&db).unwrap();
    assert!(opened.warning.is_none(), "{:?}", opened.warning);
    let jobs = opened.journal.unfinished().unwrap();
    assert_eq!(jobs.len(), 1, "the old job survives the upgrade");
    assert!(
        !jobs[0].private,
        "an older job is public (the added column's default)"
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let owner: Option<String> = c
        .query_row("SELECT owner FROM jobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(owner, None);
    assert_eq!(
        c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        2
    );
}
