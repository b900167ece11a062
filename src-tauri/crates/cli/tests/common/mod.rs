//! A world for one CLI test: an in-process Wix emulator on its own runtime, a temp
//! WIXDROP_HOME and a keychain service name nobody else uses. The keychain is the real Secret
//! Service of the session, so these tests run inside `dbus-run-session` (see the crate README).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use wix_emulator::{Emulator, Options, SeedInfo};

pub const ALL: &[&str] = &["manage_media", "read_media", "read_sites"];

pub struct World {
    // Field order matters on drop: the emulator stops before its runtime goes.
    emu: Emulator,
    rt: tokio::runtime::Runtime,
    pub home: tempfile::TempDir,
    pub service: String,
    http: reqwest::Client,
}

/// What one run of the binary gave back.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl World {
    pub fn new(test: &str) -> World {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "these tests need a Secret Service: run them inside dbus-run-session with an unlocked \
             gnome-keyring (see src-tauri/crates/cli/README.md)"
        );
        World::without_keychain(test)
    }

    /// A world for tests that use the environment profile (`WIX_API_KEY`) only: no Secret
    /// Service needed.
    pub fn without_keychain(test: &str) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = rt
            .block_on(Emulator::start(Options {
                processing_delay: std::time::Duration::from_millis(100),
                ..Default::default()
            }))
            .expect("emulator starts");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        World {
            emu,
            rt,
            home: tempfile::tempdir().unwrap(),
            service: format!("wixdrop-cli-test {test} {}-{nanos}", std::process::id()),
            http: reqwest::Client::new(),
        }
    }

    pub fn seed(&self) -> SeedInfo {
        self.emu.seed().clone()
    }

    pub fn base_url(&self) -> String {
        self.emu.base_url().to_string()
    }

    /// The binary with this world's home, emulator and keychain service, and no WIX_* from
    /// the outside.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_wixdrop"));
        c.args(args);
        self.world_env(&mut c);
        c
    }

    fn world_env(&self, c: &mut Command) {
        c.env("WIXDROP_HOME", self.home.path())
            .env("WIXDROP_API_BASE", self.emu.base_url())
            .env("WIXDROP_KEYCHAIN_SERVICE", &self.service)
            .env_remove("WIX_API_KEY")
            .env_remove("WIX_ACCOUNT_ID")
            .env_remove("WIX_SITE_ID")
            .env_remove("NO_COLOR");
    }

    /// The binary on a pseudo-terminal (util-linux `script`), stdin typed into it. `args` are
    /// plain words (no quoting needed). stdout and stderr arrive together in `stdout`.
    pub fn on_terminal(&self, args: &str, stdin: &str, env: &[(&str, &str)]) -> Run {
        let mut c = Command::new("script");
        c.args([
            "-q",
            "-e",
            "-c",
            &format!("{} {args}", env!("CARGO_BIN_EXE_wixdrop")),
            "/dev/null",
        ]);
        self.world_env(&mut c);
        for (k, v) in env {
            c.env(k, v);
        }
        run(c, stdin)
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        run(self.command(args), stdin)
    }

    pub fn run_env(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        run(c, stdin)
    }

    pub fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/__emulator/{path}", self.emu.base_url());
        self.rt.block_on(async {
            let resp = self
                .http
                .request(method, url)
                .json(&body)
                .send()
                .await
                .expect("control API answers");
            assert!(
                resp.status().is_success(),
                "control API {path}: {}",
                resp.status()
            );
            resp.json().await.unwrap_or(Value::Null)
        })
    }

    /// A new key for `account`: permissions by the emulator's names, site access "all" or IDs.
    pub fn mint(&self, account: &str, permissions: &[&str], site_access: Value) -> String {
        let v = self.control(reqwest::Method::POST, "keys", json!({ "account_id": account, "permissions": permissions, "site_access": site_access }));
        v["api_key"].as_str().expect("api_key").to_string()
    }

    pub fn revoke(&self, key: &str) {
        let kid = wixdrop_core::credential::inspect(key, time::OffsetDateTime::now_utc())
            .key_id
            .expect("key id");
        self.control(
            reqwest::Method::POST,
            &format!("keys/{kid}/revoke"),
            json!({}),
        );
    }

    /// Another account with one site: (account id, site id).
    pub fn other_account_with_site(&self, name: &str) -> (String, String) {
        let a = self.control(reqwest::Method::POST, "accounts", json!({}))["account_id"]
            .as_str()
            .unwrap()
            .to_string();
        let s = self.control(
            reqwest::Method::POST,
            "sites",
            json!({ "account_id": a, "display_name": name }),
        )["id"]
            .as_str()
            .unwrap()
            .to_string();
        (a, s)
    }

    /// A site-level Wix route, as a client would call it (e.g. `site-media/v1/folders?…`).
    pub fn wix_get(&self, path: &str, key: &str, site: &str) -> Value {
        let url = format!("{}/{path}", self.emu.base_url().trim_end_matches('/'));
        self.rt.block_on(async {
            let resp = self
                .http
                .get(url)
                .header("Authorization", key)
                .header("wix-site-id", site)
                .send()
                .await
                .expect("the emulator answers");
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            resp.json().await.expect("JSON")
        })
    }

    /// What the emulator stored on a site: `[{id, displayName, parentFolderId, size, sha256…}]`.
    pub fn stored_files(&self, site: &str) -> Vec<Value> {
        self.control(
            reqwest::Method::GET,
            &format!("sites/{site}/files"),
            json!({}),
        )["files"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn fault(&self, spec: Value) {
        self.control(reqwest::Method::POST, "faults", spec);
    }

    /// Requests the emulator saw on paths starting with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> usize {
        let log = self.control(reqwest::Method::GET, "log", json!({}));
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"].as_str().unwrap_or("").starts_with(prefix))
            .count()
    }

    /// Entries the real Secret Service holds for this world's service name (secret-tool).
    pub fn keychain_entries(&self) -> usize {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", &self.service])
            .output()
            .expect("secret-tool is installed (libsecret-tools)");
        // Each item lists its attributes; stderr/stdout split varies between versions.
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        text.lines()
            .filter(|l| l.trim_start().starts_with("attribute.service = "))
            .count()
    }

    /// Every file under WIXDROP_HOME, with its bytes.
    pub fn home_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        walk(self.home.path(), &mut out);
        out
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .output();
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
}

pub fn run(mut c: Command, stdin: &str) -> Run {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wixdrop");
    // The command may exit before reading (usage errors): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out: Output = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The parts of a key that must never be shown: the whole, the payload and the signature.
pub fn secret_parts(key: &str) -> Vec<String> {
    let mut parts = vec![key.to_string()];
    parts.extend(key.split('.').skip(2).map(|p| p.chars().take(40).collect()));
    parts
}

pub fn assert_no_leak(text: &str, key: &str) {
    for part in secret_parts(key) {
        assert!(
            !text.contains(&part),
            "a part of the key appears in the output"
        );
    }
}
