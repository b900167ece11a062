//! Big drops: a folder is walked and journaled in the background (500 jobs per transaction)
//! while its group says how many files were found, the window's overview is coalesced, rows
//! come a page at a time, and a group can be cancelled as a whole.

mod upload_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use upload_support::*;
use wixdrop_core::upload::{QueueOverview, RowFilter, RowQuery, Stage};

const N: usize = 1100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_folder_is_prepared_in_the_background_grouped_and_finishes() {
    let env = start().await;
    let engine = env.engine(settings());
    let seen: Arc<Mutex<Vec<QueueOverview>>> = Arc::default();
    let s = seen.clone();
    engine.watch_overview(move |o| s.lock().unwrap().push(o));

    for i in 0..N {
        env.file(
            &format!("Holiday/day{}/img{i:05}.jpg", i % 2 + 1),
            &jpeg(40 + i, i as u8),
        );
    }
    let loose = [
        env.file("a.jpg", &jpeg(3000, 1)),
        env.file("b.jpg", &jpeg(3001, 2)),
    ];
    let folder = loose[0].parent().unwrap().join("Holiday");
    // Held, so the whole drop can be looked at before anything is sent.
    engine.pause();
    let t = Instant::now();
    let batches = engine.enqueue_background(vec![
        env.root(&folder),
        env.root(&loose[0]),
        env.root(&loose[1]),
    ]);
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "enqueue returned after {:?}",
        t.elapsed()
    );
    assert_eq!(
        batches.len(),
        2,
        "one group for the folder, one for the loose files"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let o = engine.overview();
        if o.preparing == 0 && o.counts.jobs() as usize == N + 2 {
            break;
        }
        assert!(Instant::now() < deadline, "not prepared in time: {o:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        env.journal().unfinished().unwrap().len(),
        N + 2,
        "all journaled"
    );
    let o = engine.overview();
    let labels: Vec<_> = o.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, vec!["Holiday", "2 files"], "newest group first");
    assert!(o.busy && o.paused && o.counts.queued as usize == N + 2);

    let holiday = o.groups[0].batch;
    let page = engine.rows(&RowQuery {
        batch: Some(holiday),
        filter: RowFilter::All,
        offset: 1000,
        limit: 50,
    });
    assert_eq!((page.total as usize, page.rows.len()), (N, 50));
    assert!(page.rows.iter().all(|r| r.batch == holiday));

    // Cancel the loose files as a group; the folder goes on.
    engine.cancel_batch(o.groups[1].batch);
    engine.resume();
    idle(&engine, 120).await;
    let o = engine.overview();
    assert!(!o.busy);
    assert_eq!((o.counts.done as usize, o.counts.cancelled), (N, 2));
    assert_eq!(env.stored().await.len(), N);
    let failed = engine.rows(&RowQuery {
        batch: None,
        filter: RowFilter::Failed,
        offset: 0,
        limit: 10,
    });
    assert_eq!(failed.total, 0);
    assert!(engine
        .snapshot()
        .iter()
        .all(|v| v.stage == Stage::Done || v.stage == Stage::Cancelled));

    // Finished jobs are summaries in memory (an id each), their rows read from the journal:
    // the board holds no job in full, and a page of done rows still has names and files.
    let sizes = engine.board_sizes();
    assert_eq!((sizes.full, sizes.summarized), (0, N + 2), "{sizes:?}");
    let done = engine.rows(&RowQuery {
        batch: Some(holiday),
        filter: RowFilter::Done,
        offset: 1000,
        limit: 50,
    });
    assert_eq!((done.total as usize, done.rows.len()), (N, 50));
    let first = &done.rows[0];
    assert!(
        first.file_name.starts_with("img") && first.stage == Stage::Done,
        "{first:?}"
    );
    assert!(first.file.as_ref().is_some_and(|f| !f.file_id.is_empty()));
    assert!(
        done.rows.windows(2).all(|w| w[0].id < w[1].id),
        "oldest first"
    );
    assert!(done
        .rows
        .iter()
        .all(|r| r.batch == holiday && r.bytes_done == r.size));

    // The window's overviews were coalesced: a handful per 100 ms, not one per job change.
    tokio::time::sleep(Duration::from_millis(250)).await;
    let seen = seen.lock().unwrap();
    let elapsed_ms = t.elapsed().as_millis() as usize;
    assert!(
        seen.len() <= elapsed_ms / 100 + 5,
        "{} overviews in {elapsed_ms} ms",
        seen.len()
    );
    let last = seen.last().unwrap();
    assert!(
        !last.busy && last.counts.done as usize == N,
        "the last overview says done"
    );
    drop(seen);

    // Clear finished: the summaries go too, the memory comes back down.
    engine.clear_finished();
    let sizes = engine.board_sizes();
    assert_eq!(
        (sizes.full, sizes.summarized, sizes.summary_capacity),
        (0, 0, 0)
    );
    assert_eq!(engine.overview().counts.jobs(), 0);
}
