//! The queue: concurrency, cancel, pause/resume, duplicates, folder trees, and files that
//! cannot be uploaded failing alone.

mod upload_support;

use std::time::Duration;

use serde_json::json;
use upload_support::*;
use wixdrop_core::upload::{Destination, Stage, UploadEvent};
use wixdrop_core::wix::media::list_folders;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_is_honoured() {
    let env = start().await;
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "latency", "ms": 300}, "times": null})).await;
    let engine = env.engine(wixdrop_core::settings::Settings {
        concurrency: 2,
        ..settings()
    });
    let reqs: Vec<_> = (0..6)
        .map(|i| env.root(&env.file(&format!("f{i}.jpg"), &jpeg(5000 + i, i as u8))))
        .collect();
    let ids = engine.enqueue(reqs);
    // Sample the snapshot while it runs.
    let mut max_active = 0;
    while engine.snapshot().iter().any(|v| !v.stage.is_final()) {
        let active = engine
            .snapshot()
            .iter()
            .filter(|v| {
                matches!(
                    v.stage,
                    Stage::Hashing | Stage::Uploading | Stage::Processing
                )
            })
            .count();
        max_active = max_active.max(active);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    idle(&engine, 30).await;
    assert_eq!(max_active, 2);
    assert!(ids.iter().all(|id| view(&engine, *id).stage == Stage::Done));
    assert_eq!(env.stored().await.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_one_and_cancel_all() {
    let env = start().await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 1_000_000}, "times": null})).await;
    let engine = env.engine(wixdrop_core::settings::Settings {
        concurrency: 1,
        ..settings()
    });
    let slow = env.generated("slow.bin", 4 * MIB, 5);
    let quick = env.file("quick.jpg", &jpeg(2000, 1));
    let later = env.file("later.jpg", &jpeg(3000, 2));
    let ids = engine.enqueue(vec![env.root(&slow), env.root(&quick), env.root(&later)]);
    // Wait until the slow one is sending, then cancel it; the queue moves on.
    while view(&engine, ids[0]).bytes_done == 0 || view(&engine, ids[0]).stage != Stage::Uploading {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    engine.cancel(ids[0]);
    engine.cancel(ids[2]); // still queued
    idle(&engine, 30).await;
    assert_eq!(view(&engine, ids[0]).stage, Stage::Cancelled);
    assert_eq!(view(&engine, ids[1]).stage, Stage::Done);
    assert_eq!(view(&engine, ids[2]).stage, Stage::Cancelled);
    let stored = env.stored().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["displayName"], "quick.jpg");
    assert_eq!(
        env.journal().job(ids[0]).unwrap().unwrap().state,
        Stage::Cancelled
    );

    // cancel_all, then retry one: it finishes.
    let more = engine.enqueue(vec![env.root(&slow), env.root(&later)]);
    engine.cancel_all();
    idle(&engine, 30).await;
    assert!(more
        .iter()
        .all(|id| view(&engine, *id).stage == Stage::Cancelled));
    engine.retry(more[1]).unwrap();
    idle(&engine, 30).await;
    assert_eq!(view(&engine, more[1]).stage, Stage::Done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_holds_the_queue_and_resume_finishes_it() {
    let env = start().await;
    env.fault(json!({"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 2_000_000}, "times": null})).await;
    let engine = env.engine(wixdrop_core::settings::Settings {
        concurrency: 1,
        ..settings()
    });
    let a = env.generated("a.bin", 3 * MIB, 6);
    let b = env.file("b.jpg", &jpeg(4000, 3));
    let ids = engine.enqueue(vec![env.root(&a), env.root(&b)]);
    while view(&engine, ids[0]).bytes_done < MIB / 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    engine.pause();
    assert!(engine.is_paused());
    tokio::time::sleep(Duration::from_millis(400)).await;
    let at_pause = view(&engine, ids[0]).bytes_done;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let later = view(&engine, ids[0]).bytes_done;
    // At most what was already in flight moves while paused.
    assert!(later <= at_pause + 256 * 1024, "{at_pause} → {later}");
    assert_eq!(
        view(&engine, ids[1]).stage,
        Stage::Queued,
        "no new job starts while paused"
    );
    assert!(engine.total().paused);
    engine.resume();
    idle(&engine, 60).await;
    assert!(ids.iter().all(|id| view(&engine, *id).stage == Stage::Done));
    let stored = env.stored().await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().any(|f| f["sha256"] == sha256_file(&a)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_skipped_unless_uploaded_anyway() {
    let env = start().await;
    let engine = env.engine(settings());
    let p = env.file("dup.jpg", &jpeg(8000, 4));
    let copy = env.file("copy-of-dup.jpg", &jpeg(8000, 4));
    let first = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 30).await;
    let url = view(&engine, first[0]).file.unwrap().url;
    // Same content (another name) into the same folder: skipped with the earlier URL.
    let second = engine.enqueue(vec![env.root(&copy)]);
    idle(&engine, 30).await;
    let v = view(&engine, second[0]);
    assert_eq!(v.stage, Stage::SkippedDuplicate);
    assert_eq!(v.duplicate_of.unwrap().url, url);
    // Same size, other content: hashed before sending (it might have been a duplicate), then sent.
    let same_size = engine.enqueue(vec![env.root(&env.file("same-size.jpg", &jpeg(8000, 9)))]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, same_size[0]).stage, Stage::Done);
    // An image is looked at for location data before it goes (`preparing`, issue 13).
    assert_eq!(
        env.stages(same_size[0]),
        vec![
            Stage::Queued,
            Stage::Hashing,
            Stage::Preparing,
            Stage::Uploading,
            Stage::Processing,
            Stage::Done
        ]
    );
    // Another folder is not a duplicate.
    let elsewhere = engine.enqueue(vec![env.request(&p, Destination::Path("/other".into()))]);
    // Forced.
    let mut forced = env.root(&p);
    forced.upload_anyway = true;
    let forced = engine.enqueue(vec![forced]);
    idle(&engine, 30).await;
    assert_eq!(view(&engine, elsewhere[0]).stage, Stage::Done);
    assert_eq!(view(&engine, forced[0]).stage, Stage::Done);
    // And a skipped one can be uploaded after all.
    engine.upload_anyway(second[0]).unwrap();
    idle(&engine, 30).await;
    assert_eq!(view(&engine, second[0]).stage, Stage::Done);
    assert_eq!(env.stored().await.len(), 5);
    assert!(env
        .events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, UploadEvent::Job { job } if job.stage == Stage::SkippedDuplicate)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_tree_is_mirrored_once() {
    let env = start().await;
    let engine = env.engine(settings());
    let root = env.dir.path().join("files/Holiday");
    std::fs::create_dir_all(root.join("day1/raw")).unwrap();
    std::fs::create_dir_all(root.join("day2")).unwrap();
    std::fs::write(root.join("cover.jpg"), jpeg(1000, 1)).unwrap();
    std::fs::write(root.join("day1/a.jpg"), jpeg(1001, 2)).unwrap();
    std::fs::write(root.join("day1/b.jpg"), jpeg(1002, 3)).unwrap();
    std::fs::write(root.join("day1/raw/c.jpg"), jpeg(1003, 4)).unwrap();
    std::fs::write(root.join("day2/d.jpg"), jpeg(1004, 5)).unwrap();
    std::fs::write(root.join("day2/.DS_Store"), b"junk").unwrap();
    std::fs::write(root.join("day2/e.jpg.part"), b"junk").unwrap();
    let ids = engine.enqueue(vec![
        env.request(&root, Destination::Path("/trips/2024".into()))
    ]);
    assert_eq!(ids.len(), 5);
    idle(&engine, 30).await;
    assert!(ids.iter().all(|id| view(&engine, *id).stage == Stage::Done));
    // Walk the folders through the API: trips/2024/Holiday/{day1/raw, day2}, each created once.
    let (c, k, s) = (env.client(), env.key(), env.site().to_string());
    let find = |list: Vec<wixdrop_core::wix::media::Folder>, name: &str| {
        let m: Vec<_> = list
            .into_iter()
            .filter(|f| f.display_name == name)
            .collect();
        assert_eq!(m.len(), 1, "exactly one folder {name}");
        m[0].id.clone()
    };
    let trips = find(
        list_folders(&c, &k, &s, "media-root").await.unwrap(),
        "trips",
    );
    let y = find(list_folders(&c, &k, &s, &trips).await.unwrap(), "2024");
    let hol = find(list_folders(&c, &k, &s, &y).await.unwrap(), "Holiday");
    let day1 = find(list_folders(&c, &k, &s, &hol).await.unwrap(), "day1");
    let raw = find(list_folders(&c, &k, &s, &day1).await.unwrap(), "raw");
    let day2 = find(list_folders(&c, &k, &s, &hol).await.unwrap(), "day2");
    let stored = env.stored().await;
    let parent_of = |name: &str| {
        stored.iter().find(|f| f["displayName"] == name).unwrap()["parentFolderId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(parent_of("cover.jpg"), hol);
    assert_eq!(parent_of("a.jpg"), day1);
    assert_eq!(parent_of("b.jpg"), day1);
    assert_eq!(parent_of("c.jpg"), raw);
    assert_eq!(parent_of("d.jpg"), day2);
    assert_eq!(
        view(&engine, ids[3]).folder,
        "media-root/trips/2024/Holiday/day1/raw"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vanished_empty_and_unreadable_files_fail_alone() {
    let env = start().await;
    let engine = env.engine(settings());
    let gone = env.dir.path().join("files/gone.jpg");
    let empty = env.file("empty.jpg", b"");
    let locked = env.file("locked.jpg", &jpeg(500, 1));
    let good = env.file("good.jpg", &jpeg(600, 2));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let running_as_root = std::fs::read(&locked).is_ok();
    let ids = engine.enqueue(vec![
        env.root(&gone),
        env.root(&empty),
        env.root(&locked),
        env.root(&good),
    ]);
    idle(&engine, 30).await;
    let msg = |i: usize| {
        view(&engine, ids[i])
            .error
            .map(|e| e.message)
            .unwrap_or_default()
    };
    assert_eq!(view(&engine, ids[0]).stage, Stage::Failed);
    assert!(
        msg(0).contains("gone") && msg(0).contains("moved or deleted"),
        "{}",
        msg(0)
    );
    assert_eq!(view(&engine, ids[1]).stage, Stage::Failed);
    assert!(msg(1).contains("empty"), "{}", msg(1));
    if !running_as_root {
        assert_eq!(view(&engine, ids[2]).stage, Stage::Failed);
        assert!(msg(2).contains("cannot read"), "{}", msg(2));
    }
    assert_eq!(view(&engine, ids[3]).stage, Stage::Done);
    assert!(env
        .stored()
        .await
        .iter()
        .any(|f| f["displayName"] == "good.jpg"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_shows_the_last_bytes_while_the_server_answers() {
    // A 1 MB body leaves in well under the 100 ms throttle; the server then takes 800 ms to
    // answer. The held-back count must still be shown during that wait.
    let env = start().await;
    env.fault(json!({"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "latency", "ms": 800}, "times": null})).await;
    let engine = env.engine(settings());
    let size = 1_000_000;
    let f = env.file("burst.jpg", &jpeg(size, 9));
    let id = engine.enqueue(vec![env.root(&f)])[0];
    idle(&engine, 30).await;
    assert_eq!(view(&engine, id).stage, Stage::Done);
    let uploading: Vec<u64> = env
        .events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            UploadEvent::Job { job } if job.id == id && job.stage == Stage::Uploading => {
                Some(job.bytes_done)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        uploading.last(),
        Some(&(size as u64)),
        "uploading events: {uploading:?}"
    );
}
