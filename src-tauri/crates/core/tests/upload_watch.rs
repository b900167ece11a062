//! Watched folders: a file written slowly is queued once, when complete; temp files are not.

mod upload_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use upload_support::*;
use wixdrop_core::upload::watch::watch_folder;
use wixdrop_core::upload::{Destination, Stage, WatchDef};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_writes_settle_before_the_file_is_reported_and_temp_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let seen: Arc<Mutex<Vec<std::path::PathBuf>>> = Default::default();
    let s2 = seen.clone();
    let cancel = CancellationToken::new();
    let task = watch_folder(
        dir.path(),
        Duration::from_millis(400),
        vec![],
        move |p| s2.lock().unwrap().push(p),
        cancel.clone(),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A file written in pieces over ~1 s, with pauses shorter than the settle time.
    let target = dir.path().join("slow.jpg");
    let mut f = std::fs::File::create(&target).unwrap();
    for i in 0..8 {
        f.write_all(&jpeg(10_000, i)).unwrap();
        f.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(
            seen.lock().unwrap().is_empty(),
            "reported while still being written"
        );
    }
    drop(f);
    // Temp and hidden files, and a file in a new subfolder.
    std::fs::write(dir.path().join("movie.mp4.part"), b"partial").unwrap();
    std::fs::write(dir.path().join("x.crdownload"), b"partial").unwrap();
    std::fs::write(dir.path().join("~$doc.docx"), b"lock").unwrap();
    std::fs::write(dir.path().join(".DS_Store"), b"meta").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/inner.png"), b"\x89PNG\r\n\x1a\nxxxx").unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.iter().filter(|p| **p == target).count(), 1, "{got:?}");
    assert!(got.contains(&dir.path().join("sub/inner.png")), "{got:?}");
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), 80_000);

    // Touching it without changes does not report it again; changing it does.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&target)
        .unwrap()
        .write_all(b"more")
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        seen.lock()
            .unwrap()
            .iter()
            .filter(|p| **p == target)
            .count(),
        2
    );
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(3), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_watch_uploads_into_the_mirrored_folder() {
    let env = start().await;
    let engine = env.engine(settings());
    let watched = env.dir.path().join("inbox");
    std::fs::create_dir_all(watched.join("shoot")).unwrap();
    let def = engine
        .journal()
        .add_watch(&WatchDef {
            id: None,
            path: watched.display().to_string(),
            profile: "test".into(),
            site_id: env.site().into(),
            folder: Destination::Path("/inbox".into()),
            settle_ms: 300,
        })
        .unwrap();
    // Survives a restart: read it back from the journal.
    let def = env
        .journal()
        .watches()
        .unwrap()
        .into_iter()
        .find(|w| w.id == def.id)
        .unwrap();
    let handle = engine.watch(&def).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    std::fs::write(watched.join("shoot/pic.jpg"), jpeg(5000, 9)).unwrap();
    std::fs::write(watched.join("shoot/pic.jpg.crdownload"), b"nope").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while engine.snapshot().iter().all(|v| v.stage != Stage::Done) {
        assert!(
            std::time::Instant::now() < deadline,
            "watched file uploaded in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.stop().await;
    idle(&engine, 10).await;
    let views = engine.snapshot();
    assert_eq!(views.len(), 1, "{views:?}");
    assert_eq!(views[0].folder, "media-root/inbox/shoot");
    assert_eq!(env.stored().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_added_while_closed_are_uploaded_when_the_watch_starts_again() {
    let env = start().await;
    let watched = env.dir.path().join("dropbox");
    std::fs::create_dir_all(&watched).unwrap();
    // There before the watch was added: not the watch's business.
    std::fs::write(watched.join("old.jpg"), jpeg(3000, 1)).unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let engine = env.engine(settings());
    let def = engine
        .journal()
        .add_watch(&WatchDef {
            id: None,
            path: watched.display().to_string(),
            profile: "test".into(),
            site_id: env.site().into(),
            folder: Destination::default(),
            settle_ms: 200,
        })
        .unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    // Uploaded while the watch ran (here: directly), then the app closed.
    let done = watched.join("done.jpg");
    std::fs::write(&done, jpeg(3001, 2)).unwrap();
    engine.enqueue(vec![env.root(&done)]);
    idle(&engine, 30).await;
    drop(engine);
    // Added while Wixdrop was closed, one in a new subfolder.
    std::fs::create_dir_all(watched.join("later")).unwrap();
    std::fs::write(watched.join("new.jpg"), jpeg(3002, 3)).unwrap();
    std::fs::write(watched.join("later/also-new.jpg"), jpeg(3003, 4)).unwrap();
    std::fs::write(watched.join("later/skip.part"), b"partial").unwrap();

    let engine = env.engine(settings());
    let handle = engine.watch(&def).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while engine
        .snapshot()
        .iter()
        .filter(|v| v.stage == Stage::Done)
        .count()
        < 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            engine.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    handle.stop().await;
    idle(&engine, 10).await;
    let mut names: Vec<String> = env
        .stored()
        .await
        .iter()
        .map(|f| f["displayName"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["also-new.jpg", "done.jpg", "new.jpg"],
        "old.jpg predates the watch, done.jpg was uploaded once"
    );
    // Only the two new files got jobs (no skipped duplicate for done.jpg, nothing for old.jpg).
    let jobs = engine.snapshot();
    let mut queued: Vec<&str> = jobs.iter().map(|v| v.file_name.as_str()).collect();
    queued.sort();
    assert_eq!(queued, ["also-new.jpg", "new.jpg"], "{jobs:?}");
    assert!(
        jobs.iter().any(|v| v.folder.ends_with("/later")),
        "{jobs:?}"
    );
}
