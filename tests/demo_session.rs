//! Demo mode's lifecycle with real parts: the in-process emulator over loopback HTTP, the real
//! upload engine and SQLite journal, and a real Secret Service (scripts/test.sh runs a
//! throwaway gnome-keyring in a private D-Bus session). Each test has its own real home, temp
//! root and keychain service. Linux only: it counts keychain items through the Secret Service.
#![cfg(target_os = "linux")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dbus_secret_service::{EncryptionType, SecretService};
use wixdrop_core::config::{parse_api_base, Paths};
use wixdrop_core::keys::check_profile;
use wixdrop_core::upload::{requests_for, Destination, HistoryQuery};
use wixdrop_core::vault::Vault;
use wixdrop_core::wix::WixClient;
use wixdrop_desktop_lib::AppState;

struct World {
    home: tempfile::TempDir,
    temp_root: tempfile::TempDir,
    service: String,
}

impl World {
    fn new(test: &str) -> World {
        World {
            home: tempfile::tempdir().unwrap(),
            temp_root: tempfile::tempdir().unwrap(),
            service: format!("Wixdrop test {test} {}", std::process::id()),
        }
    }

    fn paths(&self) -> Paths {
        Paths::under(self.home.path())
    }

    /// The app as `from_env` builds it, pointed at this world (real Wix is never called).
    fn app(&self) -> AppState {
        let paths = self.paths();
        let vault = Vault::with_service(&paths, self.service.clone());
        let client = WixClient::new(parse_api_base("https://www.wixapis.com").unwrap());
        AppState::new(paths, client, vault, self.temp_root.path().to_path_buf())
    }

    fn demo_service(&self) -> String {
        format!("{} (demo)", self.service)
    }

    fn marker(&self) -> PathBuf {
        self.paths().data_dir.join("demo-in-progress.json")
    }
}

/// How many Secret Service items carry this service name (what `secret-tool search` sees).
fn keychain_items(service: &str) -> usize {
    let ss = SecretService::connect(EncryptionType::Plain)
        .expect("a Secret Service (run inside scripts/test.sh)");
    let found = ss
        .search_items(HashMap::from([("service", service)]))
        .unwrap();
    found.unlocked.len() + found.locked.len()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tauri::async_runtime::block_on(f)
}

fn png(path: &Path, size: usize) -> PathBuf {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    bytes.resize(size, 7);
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Add the demo key, verify it against the emulator and upload one file; returns the demo dir.
fn use_the_demo(app: &AppState, files: &Path) -> PathBuf {
    let s = app.session();
    let demo = s.demo.as_ref().expect("demo session");
    let key = demo.seed.api_key.clone();
    assert!(key.starts_with("IST."), "real shape: {key}");
    s.vault.add("Demo", &key, None).unwrap();
    let (profile, v) = block_on(check_profile(&s.vault, &s.client, "Demo", None)).unwrap();
    assert!(v.ok, "{v:?}");
    let names: Vec<_> = profile
        .sites
        .iter()
        .map(|x| x.display_name.as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Demo Portfolio"), "{names:?}");

    let site = profile.sites[0].id.clone();
    let file = png(&files.join("demo-photo.png"), 20_000);
    let key = s.vault.key("Demo").unwrap();
    s.uploads.engine.enqueue(requests_for(
        vec![file],
        "Demo",
        &key,
        &site,
        Destination::default(),
        false,
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let h = s
            .uploads
            .engine
            .journal()
            .history(&HistoryQuery::default())
            .unwrap();
        if h.len() == 1 {
            assert_eq!(h[0].file_name, "demo-photo.png");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the upload did not finish: {:?}",
            s.uploads.engine.snapshot()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    demo.dir.clone()
}

#[test]
fn demo_starts_in_a_temp_dir_and_leaving_removes_every_trace() {
    let w = World::new("demo lifecycle");
    let files = tempfile::tempdir().unwrap();
    let app = w.app();
    let real = app.session();
    assert!(real.demo.is_none());
    // A real profile (real keychain service) that the demo must not touch.
    let real_key = wixdrop_core::credential::synth::api_key(
        &wixdrop_core::credential::synth::guid(1),
        &wixdrop_core::credential::synth::guid(2),
        &wixdrop_core::credential::synth::guid(3),
        1_700_000_000,
    );
    real.vault.add("Studio", &real_key, None).unwrap();
    let real_profiles = std::fs::read(w.paths().profiles_file()).unwrap();

    block_on(app.start_demo()).unwrap();
    let s = app.session();
    let demo = s.demo.as_ref().expect("demo session");
    // Everything of the demo lives in a fresh dir under the temp root, keys in their own service.
    assert!(
        demo.dir.starts_with(w.temp_root.path()),
        "{}",
        demo.dir.display()
    );
    assert!(demo
        .dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("wixdrop-demo-"));
    assert!(s.paths.config_dir.starts_with(&demo.dir) && s.paths.data_dir.starts_with(&demo.dir));
    assert_eq!(s.vault.service(), w.demo_service());
    assert_eq!(
        s.client.base().as_str().trim_end_matches('/'),
        demo.seed.base_url
    );
    assert!(
        demo.seed.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        demo.seed.base_url
    );
    assert!(s.settings().welcome_seen, "no welcome inside the demo");
    assert!(
        s.vault.list().is_empty(),
        "the demo starts without profiles"
    );
    assert!(
        w.marker().exists(),
        "the marker is written before anything else of the demo"
    );
    // Starting again while it runs keeps the same demo.
    block_on(app.start_demo()).unwrap();
    assert!(Arc::ptr_eq(&s, &app.session()));

    let dir = use_the_demo(&app, files.path());
    assert_eq!(keychain_items(&w.demo_service()), 1);
    let base = demo.seed.base_url.clone();
    drop(s);

    block_on(app.leave_demo());
    let after = app.session();
    assert!(
        Arc::ptr_eq(&after, &real),
        "back on the very same real session"
    );
    assert!(!dir.exists(), "demo dir {} is still there", dir.display());
    assert!(
        entries(w.temp_root.path()).is_empty(),
        "{:?}",
        entries(w.temp_root.path())
    );
    assert!(!w.marker().exists());
    assert_eq!(
        keychain_items(&w.demo_service()),
        0,
        "demo keys left in the keychain"
    );
    let addr = base.trim_start_matches("http://");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the emulator still answers on {addr}"
    );
    // The real configuration is exactly as it was.
    assert_eq!(
        std::fs::read(w.paths().profiles_file()).unwrap(),
        real_profiles
    );
    assert_eq!(after.vault.key("Studio").unwrap().expose(), &real_key);
    assert!(after
        .uploads
        .engine
        .journal()
        .history(&HistoryQuery::default())
        .unwrap()
        .is_empty());
    assert!(app.take_startup_warnings().is_empty());
    // Leaving again is harmless.
    block_on(app.leave_demo());

    after.vault.delete("Studio").unwrap();
}

#[test]
fn a_demo_left_open_is_removed_at_the_next_start() {
    let w = World::new("demo leftovers");
    let files = tempfile::tempdir().unwrap();
    let app = w.app();
    block_on(app.start_demo()).unwrap();
    let dir = use_the_demo(&app, files.path());
    assert_eq!(keychain_items(&w.demo_service()), 1);
    // The window closes (or the app dies) in demo mode: no leave_demo.
    drop(app);
    assert!(dir.exists() && w.marker().exists());

    let app = w.app();
    assert!(
        app.session().demo.is_none(),
        "the next start is a normal one"
    );
    assert!(!dir.exists());
    assert!(!w.marker().exists());
    assert_eq!(keychain_items(&w.demo_service()), 0);
    assert!(app.take_startup_warnings().is_empty());
}

#[test]
fn demo_keys_are_removed_even_when_the_os_already_emptied_the_temp_dir() {
    let w = World::new("demo after reboot");
    let files = tempfile::tempdir().unwrap();
    let app = w.app();
    block_on(app.start_demo()).unwrap();
    let dir = use_the_demo(&app, files.path());
    drop(app);
    // A reboot cleared /tmp: the profiles file that named the key is gone, the key is not.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(keychain_items(&w.demo_service()), 1);

    let app = w.app();
    assert_eq!(keychain_items(&w.demo_service()), 0);
    assert!(!w.marker().exists());
    assert!(app.take_startup_warnings().is_empty());
}
