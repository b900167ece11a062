//! Photos from the command line (issue 13), the built binary against the in-process emulator:
//! `upload --dry-run [--json]` sends nothing and says what needs a decision; `--optimize` sends a
//! smaller photo without its location; `history --csv|--json --since` export what was sent; a
//! run killed with SIGKILL while a prepared copy is on its way leaves the copy behind, and the
//! next run removes it. Photos are made by ImageMagick and located by exiftool.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, World};
use serde_json::{json, Value};

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
        // Files over 100 KB go through tus (whose PATCH a bandwidth fault slows down).
        let config = w.home.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("settings.json"),
            json!({"simple_upload_max_bytes": 100_000, "chunk_size_bytes": 262_144}).to_string(),
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
    /// A `w` × `h` JPEG; with a GPS position when `located`.
    fn photo(&self, name: &str, w: u32, h: u32, located: bool) -> PathBuf {
        let p = self.dir.path().join(name);
        tool(
            "convert",
            &[
                "-size",
                &format!("{w}x{h}"),
                "gradient:#2e86de-#f6b93b",
                "-quality",
                "92",
                p.to_str().unwrap(),
            ],
        );
        if located {
            tool(
                "exiftool",
                &[
                    "-q",
                    "-overwrite_original",
                    "-GPSLatitude=48.8584",
                    "-GPSLatitudeRef=N",
                    "-GPSLongitude=2.2945",
                    "-GPSLongitudeRef=E",
                    p.to_str().unwrap(),
                ],
            );
        }
        p
    }
    fn prepared_files(&self) -> Vec<PathBuf> {
        let root = self.w.home.path().join("data/prepared");
        let mut out = Vec::new();
        for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
            for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
                out.push(f.path());
            }
        }
        out
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed ({e}): scripts/setup.sh --test installs it"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn gps_tags(p: &Path) -> usize {
    let out = tool("exiftool", &["-j", "-gps:all", p.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v[0].as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("GPS"))
        .count()
}

#[test]
fn dry_run_reports_and_sends_nothing() {
    let t = T::new("photos-dry");
    let located = t.photo("beach.jpg", 1200, 800, true);
    let big = t.photo("Big Café Photo.jpg", 3000, 2000, false);
    let r = t.run(&[
        "--json",
        "upload",
        "--dry-run",
        "--web-safe-names",
        located.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let rep = &r.json()["report"];
    assert_eq!(rep["with_location"], 1, "{rep}");
    assert_eq!(rep["oversize"], 1);
    assert_eq!(rep["needs_decision"], true);
    let files = rep["files"].as_array().unwrap();
    let b = files
        .iter()
        .find(|f| f["file_name"] == "Big Café Photo.jpg")
        .unwrap();
    assert_eq!(
        (b["width"].as_u64(), b["height"].as_u64()),
        (Some(3000), Some(2000))
    );
    assert_eq!(b["send_name"], "big-cafe-photo.jpg");
    let msgs = rep["messages"].to_string();
    assert!(
        msgs.contains("1 photo carries a location: it will be removed."),
        "{msgs}"
    );
    assert!(msgs.contains("make it web-ready?"), "{msgs}");
    assert!(
        t.w.stored_files(&t.site).is_empty(),
        "a dry run sends nothing"
    );

    let r = t.run(&[
        "upload",
        "--dry-run",
        "--keep-location",
        located.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("has location (kept)"), "{r:?}");
    assert!(
        r.stdout.contains("sent with it (Wix files are public)"),
        "{r:?}"
    );
}

#[test]
fn optimize_then_history_csv_and_json() {
    let t = T::new("photos-upload");
    let located = t.photo("beach.jpg", 1200, 800, true);
    let big = t.photo("big.jpg", 3000, 2000, true);
    let r = t.run(&[
        "--json",
        "upload",
        "--optimize",
        located.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    for l in &lines {
        assert_eq!(l["status"], "uploaded");
        assert_eq!(l["location"], "removed");
    }
    let b = lines
        .iter()
        .find(|l| l["path"].as_str().unwrap().ends_with("big.jpg"))
        .unwrap();
    assert!(b["bytes"].as_u64() < b["original_bytes"].as_u64(), "{b}");
    for f in t.w.stored_files(&t.site) {
        assert_eq!(gps_tags(Path::new(f["path"].as_str().unwrap())), 0, "{f}");
    }
    assert!(
        t.prepared_files().is_empty(),
        "copies left: {:?}",
        t.prepared_files()
    );

    let csv = t.run(&["history", "--csv"]);
    assert_eq!(csv.code, 0, "{csv:?}");
    let rows: Vec<&str> = csv.stdout.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows.len(), 3, "{csv:?}");
    assert!(rows[0].starts_with("local_path,display_name,site_id,folder,file_id,static_url,wix_uri,width,height,bytes_sent,original_bytes,sha256,location,uploaded_at"));
    assert!(
        rows.iter()
            .any(|r| r.contains(",2560,1707,") && r.contains(",removed,")),
        "{rows:?}"
    );

    let j = t.run(&["--json", "history", "--since", "2000-01-01"]);
    assert_eq!(j.json()["total"], 2, "{j:?}");
    let up = &j.json()["uploads"][0];
    assert!(up["wix_uri"]
        .as_str()
        .unwrap()
        .starts_with("wix:image://v1/"));
    let j = t.run(&["--json", "history", "--since", "2999-01-01"]);
    assert_eq!(j.json()["total"], 0);
    let bad = t.run(&["--json", "history", "--since", "last tuesday"]);
    assert_eq!(bad.code, 2, "{bad:?}");

    // The same originals again: duplicates, although Wix has other bytes.
    let again = t.run(&["--json", "upload", "--optimize", big.to_str().unwrap()]);
    assert!(again.stdout.contains("skipped_duplicate"), "{again:?}");
}

#[test]
fn a_killed_run_leaves_its_copy_and_the_next_run_removes_it() {
    let t = T::new("photos-kill");
    let big = t.photo("big.jpg", 3000, 2000, true);
    // Slow enough that the prepared copy is still on its way when the run is killed.
    t.w.fault(json!({"path_prefix": "/", "fault": {"type": "bandwidth", "bytes_per_sec": 20_000}, "times": null}));
    let mut c = t.w.command(&["upload", big.to_str().unwrap()]);
    for (k, v) in t.env() {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while t.prepared_files().is_empty() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(t.prepared_files().len(), 1, "a prepared copy while sending");
    child.kill().unwrap(); // SIGKILL: no clean-up at all
    child.wait().unwrap();
    assert_eq!(t.prepared_files().len(), 1, "the killed run left its copy");

    t.w.control(reqwest::Method::DELETE, "faults", json!({}));
    let r = t.run(&["resume"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        t.prepared_files().is_empty(),
        "copies left: {:?}",
        t.prepared_files()
    );
    let stored = t.w.stored_files(&t.site);
    assert_eq!(stored.len(), 1, "{stored:?} {r:?}");
    assert_eq!(gps_tags(Path::new(stored[0]["path"].as_str().unwrap())), 0);
}
