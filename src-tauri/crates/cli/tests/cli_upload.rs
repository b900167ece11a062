//! `wixdrop upload`, `resume`, `history` and `watch` end to end: the built binary against an
//! in-process Wix emulator, a temp WIXDROP_HOME, and the environment profile (`WIX_API_KEY`,
//! `WIX_SITE_ID`), so no keychain is needed. A small `settings.json` makes files over 100 KB go
//! through tus in 256 KiB chunks, so the resumable path runs with small files.
//!
//! Every upload is checked on the emulator's side: each local file's SHA-256 must be stored,
//! byte-exact, the expected number of times (usually once).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{run, Run, World};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const SIMPLE_MAX: u64 = 100_000;
const CHUNK: u64 = 256 * 1024;

struct T {
    w: World,
    key: String,
    site: String,
    dir: tempfile::TempDir,
}

impl T {
    fn new(name: &str) -> T {
        let w = World::without_keychain(name);
        let seed = w.seed();
        let config = w.home.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("settings.json"),
            json!({"simple_upload_max_bytes": SIMPLE_MAX, "chunk_size_bytes": CHUNK}).to_string(),
        )
        .unwrap();
        T {
            key: seed.api_key.clone(),
            site: seed.sites[0].id.clone(),
            w,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn env(&self) -> [(&str, &str); 2] {
        [("WIX_API_KEY", &self.key), ("WIX_SITE_ID", &self.site)]
    }

    fn run(&self, args: &[&str]) -> Run {
        self.w.run_env(args, "", &self.env())
    }

    /// A file of `size` pseudo-random bytes (distinct per name) under the temp dir.
    fn file(&self, rel: &str, size: usize) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes(rel, size)).unwrap();
        p
    }

    fn spawn(&self, args: &[&str]) -> Child {
        let mut c = self.w.command(args);
        for (k, v) in self.env() {
            c.env(k, v);
        }
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wixdrop")
    }

    /// sha256 → how many times the emulator stored it on the site.
    fn stored(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for f in self.w.stored_files(&self.site) {
            *m.entry(f["sha256"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        m
    }
}

fn bytes(seed: &str, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    let mut block = Sha256::digest(seed.as_bytes()).to_vec();
    while out.len() < size {
        block = Sha256::digest(&block).to_vec();
        out.extend_from_slice(&block);
    }
    out.truncate(size);
    out
}

fn sha_of(p: &Path) -> String {
    hex(&Sha256::digest(std::fs::read(p).unwrap()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The per-file JSON lines of an upload run.
fn lines(r: &Run) -> Vec<Value> {
    r.stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{r:?}"))
        })
        .collect()
}

fn by_path(lines: &[Value]) -> HashMap<String, Value> {
    lines
        .iter()
        .map(|l| (l["path"].as_str().unwrap().to_string(), l.clone()))
        .collect()
}

fn canon(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap().display().to_string()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn sigint(child: &Child) {
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -INT");
}

/// Read a child's stdout lines and stderr text on threads, so its pipes never fill up.
struct Watched {
    lines: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
    err_lines: mpsc::Receiver<String>,
}

fn watch_output(child: &mut Child) -> Watched {
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let (etx, err_lines) = mpsc::channel();
    let stderr = std::thread::spawn(move || {
        let mut all = String::new();
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            all.push_str(&l);
            all.push('\n');
            let _ = etx.send(l);
        }
        all
    });
    Watched {
        lines,
        stderr,
        err_lines,
    }
}

#[test]
fn uploads_byte_exact_skips_duplicates_and_uploads_anyway() {
    let t = T::new("upload-basic");
    let small = t.file("a/small.jpg", 20_000);
    let big = t.file("a/big.bin", 700_000); // tus: 3 chunks of 256 KiB
    let (ps, pb) = (small.to_str().unwrap(), big.to_str().unwrap());

    let r = t.run(&["upload", ps, pb, "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.all().contains(&t.key), "the key is never printed");
    let l = lines(&r);
    assert_eq!(l.len(), 2, "{r:?}");
    assert_eq!(
        keys(&l[0]),
        [
            "bytes",
            "error",
            "file_id",
            "location",
            "original_bytes",
            "path",
            "private",
            "status",
            "url",
            "warning"
        ]
    );
    let m = by_path(&l);
    for (p, size) in [(&small, 20_000), (&big, 700_000)] {
        let v = &m[&canon(p)];
        assert_eq!(v["status"], "uploaded", "{v}");
        assert_eq!(v["bytes"], size);
        assert!(v["error"].is_null());
        assert!(v["file_id"].as_str().unwrap().contains("~mv2"));
        assert!(v["url"].as_str().unwrap().starts_with("https://"));
    }
    let stored = t.stored();
    assert_eq!(stored.get(&sha_of(&small)), Some(&1));
    assert_eq!(stored.get(&sha_of(&big)), Some(&1));
    assert!(
        t.w.requests_to("/tus/") >= 4,
        "the big file went through tus"
    );

    // Again: both skipped as duplicates, with the earlier file's ID; exit 0.
    let r2 = t.run(&["upload", ps, pb, "--json"]);
    assert_eq!(r2.code, 0, "{r2:?}");
    let m2 = by_path(&lines(&r2));
    for p in [&small, &big] {
        let v = &m2[&canon(p)];
        assert_eq!(v["status"], "skipped_duplicate", "{v}");
        assert_eq!(v["file_id"], m[&canon(p)]["file_id"]);
    }
    assert_eq!(t.stored().values().sum::<usize>(), 2);

    // --anyway: sent again.
    let r3 = t.run(&["upload", ps, pb, "--anyway", "--json"]);
    assert_eq!(r3.code, 0, "{r3:?}");
    assert!(lines(&r3).iter().all(|v| v["status"] == "uploaded"));
    let stored = t.stored();
    assert_eq!(stored.get(&sha_of(&small)), Some(&2));
    assert_eq!(stored.get(&sha_of(&big)), Some(&2));

    // Without --json: one line per file and a summary.
    let other = t.file("b/other.png", 3_000);
    let r4 = t.run(&["upload", other.to_str().unwrap()]);
    assert_eq!(r4.code, 0, "{r4:?}");
    assert!(r4.stdout.starts_with("uploaded  "), "{r4:?}");
    assert!(r4.stdout.contains("1 uploaded, 0 skipped"), "{r4:?}");
}

#[test]
fn private_uploads_are_private_on_the_site_and_say_so() {
    let t = T::new("upload-private");
    let small = t.file("p/secret.jpg", 20_000);
    let big = t.file("p/secret.bin", 300_000); // tus
    let r = t.run(&[
        "upload",
        small.to_str().unwrap(),
        big.to_str().unwrap(),
        "--private",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    for v in lines(&r) {
        assert_eq!(v["status"], "uploaded", "{v}");
        assert_eq!(v["private"], true, "{v}");
        let info = t.run(&["files", "info", v["file_id"].as_str().unwrap(), "--json"]);
        assert_eq!(info.code, 0, "{info:?}");
        let info: Value = serde_json::from_str(&info.stdout).unwrap();
        assert_eq!(info["private"], true, "Wix keeps it private: {info}");
    }
    // The same file without --private is a new (public) upload, not a duplicate.
    let r = t.run(&["upload", small.to_str().unwrap(), "--json"]);
    let l = lines(&r);
    assert_eq!(
        (l[0]["status"].as_str(), l[0]["private"].as_bool()),
        (Some("uploaded"), Some(false)),
        "{r:?}"
    );
    let plain = t.run(&["upload", small.to_str().unwrap()]);
    assert!(!plain.stdout.contains("private"), "{plain:?}");
    let again = t.run(&["upload", small.to_str().unwrap(), "--private", "--anyway"]);
    assert!(again.stdout.contains("  private"), "{again:?}");
    assert!(
        again.stdout.contains("share it with `wixdrop files link ")
            && !again.stdout.contains("/_static/"),
        "no URL that answers 403: {again:?}"
    );
    // History says which are private, in JSON and CSV; the table offers the link command.
    let h = t.run(&["history", "--json"]);
    let private: Vec<bool> = h.json()["uploads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["private"].as_bool().unwrap())
        .collect();
    assert_eq!(private.iter().filter(|p| **p).count(), 3, "{h:?}");
    assert_eq!(
        private.len(),
        4,
        "two private, one public, one private again: {h:?}"
    );
    let csv = t.run(&["history", "--csv"]);
    assert!(
        csv.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with(",private,site_name,folder_path"),
        "{csv:?}"
    );
    assert!(t
        .run(&["history"])
        .stdout
        .contains("private (wixdrop files link)"));
}

/// Folder IDs by walking names down from media-root through the Wix folder API.
fn folder_id(t: &T, names: &[&str]) -> String {
    let mut parent = "media-root".to_string();
    for n in names {
        let v = t.w.wix_get(
            &format!("site-media/v1/folders?parentFolderId={parent}"),
            &t.key,
            &t.site,
        );
        parent = v["folders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["displayName"] == *n)
            .unwrap_or_else(|| panic!("no folder {n} under {parent}: {v}"))["id"]
            .as_str()
            .unwrap()
            .to_string();
    }
    parent
}

#[test]
fn a_folder_tree_is_mirrored_below_the_path() {
    let t = T::new("upload-tree");
    let a = t.file("Holiday/a.jpg", 1_000);
    let b = t.file("Holiday/day1/b.jpg", 2_000);
    let c = t.file("Holiday/day1/raw/c.bin", 150_000);
    t.file("Holiday/.DS_Store", 10);
    t.file("Holiday/day1/movie.mp4.part", 10);
    let root = t.dir.path().join("Holiday");

    let r = t.run(&[
        "upload",
        root.to_str().unwrap(),
        "--path",
        "/events/2024",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let l = lines(&r);
    assert_eq!(l.len(), 3, "hidden and partial files are left out: {r:?}");
    let files = t.w.stored_files(&t.site);
    let parent_of = |p: &Path| {
        let sha = sha_of(p);
        files
            .iter()
            .find(|f| f["sha256"] == sha.as_str())
            .unwrap_or_else(|| panic!("{} not stored", p.display()))["parentFolderId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(parent_of(&a), folder_id(&t, &["events", "2024", "Holiday"]));
    assert_eq!(
        parent_of(&b),
        folder_id(&t, &["events", "2024", "Holiday", "day1"])
    );
    assert_eq!(
        parent_of(&c),
        folder_id(&t, &["events", "2024", "Holiday", "day1", "raw"])
    );

    // history: the folder as chosen, newest first, searchable.
    let h = t.run(&["history", "--json"]);
    assert_eq!(h.code, 0, "{h:?}");
    let ups = h.json()["uploads"].as_array().unwrap().clone();
    assert_eq!(ups.len(), 3);
    assert_eq!(
        keys(&ups[0]),
        [
            "bytes_sent",
            "display_name",
            "file_id",
            "file_name",
            "folder",
            "folder_path",
            "height",
            "local_path",
            "location",
            "mime_type",
            "original_bytes",
            "path",
            "private",
            "profile",
            "sha256",
            "site_id",
            "site_name",
            "size",
            "static_url",
            "uploaded_at",
            "url",
            "width",
            "wix_uri"
        ]
    );
    let c_entry = ups
        .iter()
        .find(|u| u["path"] == canon(&c).as_str())
        .unwrap();
    assert_eq!(c_entry["folder"], "media-root/events/2024/Holiday/day1/raw");
    assert_eq!(c_entry["folder_path"], "/events/2024/Holiday/day1/raw");
    assert_eq!(c_entry["profile"], "(environment)");
    assert_eq!(c_entry["site_id"], t.site.as_str());
    assert_eq!(c_entry["size"], 150_000);
    let h = t.run(&["history", "--search", "RAW", "--json"]);
    assert_eq!(h.json()["uploads"].as_array().unwrap().len(), 1);
    // Folded like every search: case and accents do not matter, every word must match.
    let h = t.run(&["history", "--search", "ÉVENTS holiday", "--json"]);
    assert_eq!(h.json()["total"], 3, "{h:?}");
    let h = t.run(&["history", "--search", "évents nowhere", "--json"]);
    assert_eq!(h.json()["total"], 0, "{h:?}");
    let h = t.run(&["history", "--limit", "2", "--json"]);
    assert_eq!(h.json()["uploads"].as_array().unwrap().len(), 2);
    assert_eq!(h.json()["total"], 3);
    let h = t.run(&["history", "--limit", "2"]);
    assert!(h.stdout.contains("2 of 3 uploads shown"), "{h:?}");
    let h = t.run(&[
        "history",
        "--site",
        "00000000-0000-0000-0000-000000000000",
        "--json",
    ]);
    assert_eq!(h.json()["uploads"].as_array().unwrap().len(), 0);
    let h = t.run(&["history"]);
    assert!(
        h.stdout.starts_with("UPLOADED") && h.stdout.contains("c.bin"),
        "{h:?}"
    );
}

#[test]
fn a_failed_file_gives_exit_1_while_the_others_upload() {
    let t = T::new("upload-fail");
    let good = t.file("good.jpg", 5_000);
    let other = t.file("other.jpg", 6_000);
    let empty = t.file("empty.jpg", 0);
    // The first plain generate call is refused with a 400; 400s are not retried.
    t.w.fault(json!({"path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "status", "status": 400}, "times": 1}));

    let r = t.run(&[
        "upload",
        good.to_str().unwrap(),
        other.to_str().unwrap(),
        empty.to_str().unwrap(),
        "--concurrency",
        "1",
        "--json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let m = by_path(&lines(&r));
    assert_eq!(m.len(), 3, "{r:?}");
    let e = &m[&canon(&empty)];
    assert_eq!(e["status"], "failed");
    assert!(e["error"].as_str().unwrap().contains("empty"), "{e}");
    assert!(e["file_id"].is_null());
    let statuses: Vec<&str> = [&good, &other]
        .iter()
        .map(|p| m[&canon(p)]["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"failed") && statuses.contains(&"uploaded"),
        "{statuses:?}"
    );
    assert_eq!(t.stored().values().sum::<usize>(), 1);
}

#[test]
fn usage_errors_exit_2_with_a_json_error() {
    let t = T::new("upload-usage");
    let f = t.file("x.jpg", 100);
    let missing = t.dir.path().join("nope.jpg");
    let r = t.run(&[
        "upload",
        f.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "not_found");
    assert!(
        t.stored().is_empty(),
        "nothing is sent when a path is wrong"
    );

    let r = t.run(&[
        "upload",
        f.to_str().unwrap(),
        "--folder",
        "x",
        "--path",
        "/a",
        "--json",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "usage");

    let r = t.run(&["upload", "--json"]);
    assert_eq!(r.code, 2, "{r:?}");

    // The environment key without a site, and no profile: say how to choose one.
    let mut c = t.w.command(&["upload", f.to_str().unwrap(), "--json"]);
    c.env("WIX_API_KEY", &t.key);
    let r = run(c, "");
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "no_site");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("WIX_SITE_ID"));

    let r = t.run(&["resume", "--json"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{r:?}");
}

/// 20 files (6 of them resumable) uploaded slowly; `kill -9` part-way; the same command again
/// finishes the rest: every file ends up in the Media Manager exactly once.
#[test]
fn killed_mid_way_then_run_again_uploads_each_file_exactly_once() {
    let t = T::new("upload-kill");
    let mut files = Vec::new();
    for i in 0..20 {
        let size = if i % 3 == 0 { 700_000 } else { 60_000 };
        files.push(t.file(&format!("batch/f{i:02}.bin"), size));
    }
    t.w.fault(json!({"path_prefix": "/", "fault": {"type": "bandwidth", "bytes_per_sec": 400_000}, "times": null}));
    let dir = t.dir.path().join("batch");

    let mut child = t.spawn(&["upload", dir.to_str().unwrap(), "--json"]);
    let out = watch_output(&mut child);
    let started = Instant::now();
    let mut done = Vec::new();
    while done.len() < 5 && started.elapsed() < Duration::from_secs(60) {
        if let Ok(l) = out.lines.recv_timeout(Duration::from_millis(100)) {
            done.push(l);
        }
    }
    assert!(done.len() >= 5, "5 files done before the kill: {done:?}");
    // Let the next transfers get under way, then kill -9 (SIGKILL: no clean-up at all).
    std::thread::sleep(Duration::from_millis(400));
    child.kill().unwrap();
    child.wait().unwrap();
    let before = t.stored().values().sum::<usize>();
    assert!(before < 20, "killed before the end ({before} stored)");
    let tus_started = t.w.control(reqwest::Method::GET, "log", json!({}))["requests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["method"] == "PATCH");
    assert!(tus_started, "a tus upload was under way");

    t.w.control(reqwest::Method::DELETE, "faults", json!({}));
    let r = t.run(&["upload", dir.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("unfinished"), "says it resumes: {r:?}");
    let second = lines(&r);
    // The first run's lines plus the second's cover every file; nothing failed.
    let mut reported: Vec<Value> = done
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    reported.extend(second.iter().cloned());
    assert!(
        reported.iter().all(|v| v["status"] != "failed"),
        "{reported:?}"
    );
    let m = by_path(&reported);
    for f in &files {
        assert!(m.contains_key(&canon(f)), "{} reported", f.display());
    }

    let stored = t.stored();
    for f in &files {
        assert_eq!(
            stored.get(&sha_of(f)),
            Some(&1),
            "{} stored exactly once",
            f.display()
        );
    }
    assert_eq!(stored.values().sum::<usize>(), 20, "nothing else stored");

    let h = t.run(&["history", "--json"]);
    let ups = h.json()["uploads"].as_array().unwrap().clone();
    assert_eq!(ups.len(), 20, "{h:?}");
    for f in &files {
        let u = ups.iter().find(|u| u["path"] == canon(f).as_str()).unwrap();
        assert_eq!(u["sha256"], sha_of(f).as_str());
    }

    // A third run: all 20 skipped, nothing sent.
    let r = t.run(&["upload", dir.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(lines(&r).iter().all(|v| v["status"] == "skipped_duplicate"));
    assert_eq!(t.stored().values().sum::<usize>(), 20);
}

#[test]
fn watch_uploads_a_slowly_written_file_once_complete_and_ignores_temp_files() {
    let t = T::new("watch");
    let inbox = t.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    t.file("inbox/already-there.jpg", 1_000);

    let mut child = t.spawn(&[
        "watch",
        inbox.to_str().unwrap(),
        "--settle-ms",
        "800",
        "--save",
        "--json",
    ]);
    let out = watch_output(&mut child);
    let ready = out
        .err_lines
        .recv_timeout(Duration::from_secs(30))
        .expect("says it is watching");
    assert!(ready.contains("Watching"), "{ready}");

    // Written in 5 pieces, 300 ms apart (less than the settle time).
    let content = bytes("slow", 250_000);
    let target = inbox.join("slow.bin");
    let mut f = std::fs::File::create(&target).unwrap();
    for piece in content.chunks(50_000) {
        f.write_all(piece).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(f);
    std::fs::write(inbox.join("download.part"), bytes("part", 5_000)).unwrap();
    std::fs::write(inbox.join(".hidden.jpg"), bytes("hidden", 5_000)).unwrap();

    let line = out
        .lines
        .recv_timeout(Duration::from_secs(30))
        .expect("the file is uploaded");
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["status"], "uploaded", "{v}");
    assert_eq!(v["path"], canon(&target).as_str());
    assert_eq!(v["bytes"], 250_000);
    // Nothing else comes (the temp files settle too, and are ignored).
    assert!(out.lines.recv_timeout(Duration::from_secs(2)).is_err());
    sigint(&child);
    let status = child.wait().unwrap();
    let stderr = out.stderr.join().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");

    let stored = t.stored();
    assert_eq!(
        stored.get(&hex(&Sha256::digest(&content))),
        Some(&1),
        "the whole file, once"
    );
    assert_eq!(stored.values().sum::<usize>(), 1, "{stored:?}");

    // The watch was saved: list, stop, stop again.
    let r = t.run(&["watch", "--list", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let ws = r.json()["watches"].as_array().unwrap().clone();
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0]["dir"], canon(&inbox).as_str());
    assert_eq!(ws[0]["profile"], "(environment)");
    assert_eq!(ws[0]["folder_id"], "media-root");
    assert_eq!(ws[0]["settle_ms"], 800);
    let r = t.run(&["watch", "--stop", inbox.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = t.run(&["watch", "--stop", inbox.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "not_watched");
    let r = t.run(&["watch", "--list", "--json"]);
    assert!(r.json()["watches"].as_array().unwrap().is_empty());
}

#[test]
fn ctrl_c_keeps_unfinished_uploads_for_resume() {
    let t = T::new("upload-sigint");
    let a = t.file("slow/a.bin", 600_000);
    let b = t.file("slow/b.bin", 600_000);
    t.w.fault(json!({"path_prefix": "/", "fault": {"type": "bandwidth", "bytes_per_sec": 200_000}, "times": null}));
    let mut child = t.spawn(&["upload", a.to_str().unwrap(), b.to_str().unwrap(), "--json"]);
    let out = watch_output(&mut child);
    // Wait until bytes are moving.
    let started = Instant::now();
    while t.w.requests_to("/tus/") < 3 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    sigint(&child);
    let status = child.wait().unwrap();
    let stderr = out.stderr.join().unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let last: Vec<String> = out.lines.iter().collect();
    let err: Value = serde_json::from_str(last.last().expect("an error object")).unwrap();
    assert_eq!(err["error"]["kind"], "interrupted", "{last:?}");
    assert!(stderr.contains("wixdrop resume"), "{stderr}");

    t.w.control(reqwest::Method::DELETE, "faults", json!({}));
    let r = t.run(&["resume", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let m = by_path(&lines(&r));
    assert_eq!(m.len(), 2, "{r:?}");
    let stored = t.stored();
    assert_eq!(stored.get(&sha_of(&a)), Some(&1));
    assert_eq!(stored.get(&sha_of(&b)), Some(&1));
}

#[test]
fn on_a_terminal_progress_bars_go_to_stderr_and_lines_stay_readable() {
    let t = T::new("upload-tty");
    let f = t.file("tty/clip.bin", 400_000);
    t.w.fault(json!({"path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 500_000}, "times": null}));
    let r =
        t.w.on_terminal(&format!("upload {}", f.display()), "", &t.env());
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("total"),
        "the overall bar is drawn: {r:?}"
    );
    assert!(
        r.stdout.contains("uploading"),
        "a file bar shows its stage: {r:?}"
    );
    assert!(
        r.stdout
            .contains(&format!("\x1b[32muploaded\x1b[0m  {}", canon(&f))),
        "the result line, coloured on a terminal: {r:?}"
    );
    assert!(r.stdout.contains("1 uploaded, 0 skipped"), "{r:?}");
}
