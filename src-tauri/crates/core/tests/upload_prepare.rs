//! Prepared uploads end to end: real photos through the engine to the emulator over loopback.
//! What Wix stores has no location and the same pixels; the journal keeps the original's hash
//! and both sizes, so the same photo dropped again is a duplicate; the temporary folder is
//! empty afterwards, and a crashed run's copies are removed at the next start.

mod photo_support;
mod upload_support;

use photo_support::*;
use upload_support::*;
use wixdrop_core::prepare::Location;
use wixdrop_core::upload::Stage;

fn prepared_dir(env: &Env) -> std::path::PathBuf {
    env.dir.path().join("data/prepared")
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(files_under(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_arrive_without_location_and_a_redrop_is_a_duplicate() {
    let env = start().await;
    let photos = env.dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let set = located_set(&photos);
    let engine = env.engine(settings());
    let ids = engine.enqueue(set.iter().map(|p| env.root(p)).collect());
    idle(&engine, 60).await;

    let stored = env.stored().await;
    assert_eq!(stored.len(), set.len());
    for (id, src) in ids.iter().zip(&set) {
        let v = view(&engine, *id);
        assert_eq!(v.stage, Stage::Done, "{:?}", v);
        assert!(env.stages(*id).contains(&Stage::Preparing));
        let p = v.prepared.expect("prepared");
        assert_eq!(p.location, Location::Removed);
        let name = src.file_name().unwrap().to_str().unwrap();
        let on_wix = stored
            .iter()
            .find(|f| f["displayName"] == name)
            .unwrap_or_else(|| panic!("{name} stored"));
        let path = std::path::PathBuf::from(on_wix["path"].as_str().unwrap());
        // The emulator keeps bytes without an extension; give exiftool and decoders one.
        let copy = env.dir.path().join(format!("from-wix-{name}"));
        std::fs::copy(&path, &copy).unwrap();
        assert_eq!(gps_tags(&copy), Vec::<String>::new(), "{name}");
        let ext = src.extension().unwrap().to_str().unwrap();
        if ext == "heic" || ext == "avif" {
            assert_eq!(
                decoded_with_tool(src, env.dir.path(), &format!("{name}-o")),
                decoded_with_tool(&copy, env.dir.path(), &format!("{name}-w"))
            );
        } else {
            assert_eq!(pixels(src), pixels(&copy), "{name}");
        }
        // The journal: the original's hash, the sent size.
        assert_ne!(on_wix["sha256"].as_str().unwrap(), sha256_file(src));
    }
    let rows = env.journal().export_rows(&Default::default()).unwrap();
    for r in &rows {
        let src = set.iter().find(|p| p.to_string_lossy() == r.path).unwrap();
        assert_eq!(r.sha256, sha256_file(src));
        assert_eq!(r.original_size, std::fs::metadata(src).unwrap().len());
        assert_eq!(r.location, Some(Location::Removed));
    }
    assert!(
        files_under(&prepared_dir(&env)).is_empty(),
        "temporary copies left"
    );

    // The same originals again: duplicates, although Wix has different bytes.
    let again = engine.enqueue(set.iter().map(|p| env.root(p)).collect());
    idle(&engine, 60).await;
    for id in again {
        assert_eq!(view(&engine, id).stage, Stage::SkippedDuplicate);
    }
    assert_eq!(env.stored().await.len(), set.len());
    engine.shutdown().await;
    assert!(files_under(&prepared_dir(&env)).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optimize_sends_a_smaller_upright_photo() {
    let env = start().await;
    let src = env.dir.path().join("big.jpg");
    save(&picture(6000, 4000), &src);
    add_gps(&src, 6);
    let mut s = settings();
    s.prepare.optimize = true;
    let engine = env.engine(s);
    let id = engine.enqueue(vec![env.root(&src)])[0];
    idle(&engine, 60).await;
    let v = view(&engine, id);
    assert_eq!(v.stage, Stage::Done, "{v:?}");
    let p = v.prepared.unwrap();
    assert!(p.sent_size < p.original_size);
    let stored = env.stored().await;
    assert_eq!(stored[0]["size"].as_u64(), Some(p.sent_size));
    let img = image::ImageReader::open(stored[0]["path"].as_str().unwrap())
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap();
    assert_eq!((img.width(), img.height()), (1707, 2560));
    let row = &env.journal().export_rows(&Default::default()).unwrap()[0];
    assert_eq!((row.width, row.height), (Some(1707), Some(2560)));
    assert_eq!(row.sent_size, p.sent_size);
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_of_a_crashed_run_are_removed_at_the_next_start() {
    let env = start().await;
    // A run that died (no live lock in owners/) left a copy behind.
    let stale = prepared_dir(&env).join("12345-00000000deadbeef");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("job-1.jpg"), b"left over").unwrap();
    let engine = env.engine(settings());
    assert!(!stale.exists(), "the stale folder was swept");
    engine.shutdown().await;
}
