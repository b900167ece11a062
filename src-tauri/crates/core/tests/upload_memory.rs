//! Memory stays flat whatever the file size: a ~200 MiB upload (hash + tus, in-process emulator
//! included) must not grow the process's peak RSS by more than a few chunks. Its own test
//! binary, so nothing else shares the high-water mark.

mod upload_support;

use upload_support::*;
use wixdrop_core::upload::Stage;

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_upload_keeps_memory_flat() {
    let Some(_) = vm_hwm_kib() else {
        eprintln!("no /proc/self/status here; skipping");
        return;
    };
    let env = start().await;
    let size = 200 * MIB + 17;
    // Generated content (not all zeros), written in pieces.
    let p = env.generated("huge.bin", size, 11);
    // Warm up the engine, client, emulator and journal with a small upload first.
    let engine = env.engine(wixdrop_core::settings::Settings {
        chunk_size_bytes: 8 * MIB,
        ..settings()
    });
    engine.enqueue(vec![env.root(&env.generated("warm.bin", 9 * MIB, 12))]);
    idle(&engine, 60).await;
    let before = vm_hwm_kib().unwrap();
    let t = std::time::Instant::now();
    let ids = engine.enqueue(vec![env.root(&p)]);
    idle(&engine, 300).await;
    let after = vm_hwm_kib().unwrap();
    assert_eq!(view(&engine, ids[0]).stage, Stage::Done);
    let stored = env.stored().await;
    let f = stored
        .iter()
        .find(|f| f["displayName"] == "huge.bin")
        .unwrap();
    assert_eq!(f["size"], size);
    let growth_mib = (after.saturating_sub(before)) as f64 / 1024.0;
    println!(
        "200 MiB upload: peak RSS {before} KiB → {after} KiB (+{growth_mib:.1} MiB) in {:.1}s",
        t.elapsed().as_secs_f64()
    );
    assert!(growth_mib < 48.0, "peak RSS grew by {growth_mib:.1} MiB");
}
