//! Shared by the `upload_*` integration tests: a real emulator on loopback, a real SQLite
//! journal in a temp dir, real files, and an engine whose events are recorded.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use sha2::{Digest, Sha256};
use wix_emulator::{Emulator, Options};
use wixdrop_core::config::parse_api_base;
use wixdrop_core::retry::RetryPolicy;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::settings::Settings;
use wixdrop_core::upload::{
    Destination, Engine, EngineConfig, JobId, JobView, Journal, Stage, UploadEvent, UploadRequest,
};
use wixdrop_core::wix::WixClient;

pub const MIB: u64 = 1024 * 1024;

pub struct Env {
    pub emu: Emulator,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub events: Arc<Mutex<Vec<UploadEvent>>>,
}

pub async fn start() -> Env {
    start_with(Duration::from_millis(300)).await
}

pub async fn start_with(processing_delay: Duration) -> Env {
    let emu = Emulator::start(Options {
        processing_delay,
        ..Options::default()
    })
    .await
    .expect("emulator starts");
    Env {
        emu,
        dir: tempfile::tempdir().unwrap(),
        http: reqwest::Client::new(),
        events: Default::default(),
    }
}

/// Small thresholds so multi-chunk tus uploads stay fast.
pub fn settings() -> Settings {
    Settings {
        simple_upload_max_bytes: 1_000_000,
        chunk_size_bytes: MIB,
        concurrency: 3,
        ..Settings::default()
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        max_retry_after: Duration::from_secs(10),
    }
}

impl Env {
    pub fn site(&self) -> &str {
        &self.emu.seed().sites[0].id
    }

    pub fn key(&self) -> ApiKey {
        ApiKey::new(self.emu.seed().api_key.clone())
    }

    pub fn client(&self) -> WixClient {
        WixClient::new(parse_api_base(self.emu.base_url()).unwrap()).with_retry(fast_retry())
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/wixdrop.sqlite3")
    }

    pub fn journal(&self) -> Journal {
        Journal::open(&self.db()).unwrap().journal
    }

    pub fn engine(&self, settings: Settings) -> Engine {
        self.engine_with(
            settings,
            EngineConfig {
                poll_initial: Duration::from_millis(100),
                ..EngineConfig::default()
            },
        )
    }

    pub fn engine_with(&self, settings: Settings, config: EngineConfig) -> Engine {
        let key = self.emu.seed().api_key.clone();
        let events = self.events.clone();
        Engine::with_config(
            self.client(),
            self.journal(),
            settings,
            Arc::new(move |_p: &str| Ok(ApiKey::new(key.clone()))),
            move |e| events.lock().unwrap().push(e),
            config,
        )
    }

    pub fn request(&self, path: &Path, folder: Destination) -> UploadRequest {
        UploadRequest {
            path: path.to_path_buf(),
            profile: "test".into(),
            key: self.key(),
            site_id: self.site().into(),
            folder,
            upload_anyway: false,
            private: false,
        }
    }

    pub fn root(&self, path: &Path) -> UploadRequest {
        self.request(path, Destination::default())
    }

    /// A file under the temp dir with these bytes.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join("files").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// A file of `size` pseudo-random bytes (written in pieces; never held in memory).
    pub fn generated(&self, name: &str, size: u64, seed: u64) -> PathBuf {
        let p = self.dir.path().join("files").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1;
        let mut left = size;
        let mut buf = vec![0u8; 64 * 1024];
        while left > 0 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            let n = left.min(buf.len() as u64) as usize;
            f.write_all(&buf[..n]).unwrap();
            left -= n as u64;
        }
        f.flush().unwrap();
        p
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.emu.base_url(), path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        assert!(
            resp.status().is_success(),
            "control {path}: {}",
            resp.status()
        );
        resp.json().await.unwrap()
    }

    pub async fn fault(&self, spec: Value) {
        self.control(Method::POST, "/__emulator/faults", Some(spec))
            .await;
    }

    pub async fn stored(&self) -> Vec<Value> {
        self.control(
            Method::GET,
            &format!("/__emulator/sites/{}/files", self.site()),
            None,
        )
        .await["files"]
            .as_array()
            .unwrap()
            .clone()
    }

    pub async fn log(&self) -> Vec<Value> {
        self.control(Method::GET, "/__emulator/log", None).await["requests"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// The latest view of each job, from the recorded events.
    pub fn last_views(&self) -> Vec<JobView> {
        let mut by_id: std::collections::BTreeMap<JobId, JobView> = Default::default();
        for e in self.events.lock().unwrap().iter() {
            if let UploadEvent::Job { job } = e {
                by_id.insert(job.id, (**job).clone());
            }
        }
        by_id.into_values().collect()
    }

    /// Every stage a job went through, in order, without repeats.
    pub fn stages(&self, id: JobId) -> Vec<Stage> {
        let mut out: Vec<Stage> = Vec::new();
        for e in self.events.lock().unwrap().iter() {
            if let UploadEvent::Job { job } = e {
                if job.id == id && out.last() != Some(&job.stage) {
                    out.push(job.stage);
                }
            }
        }
        out
    }
}

pub fn sha256_file(p: &Path) -> String {
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(p).unwrap();
    std::io::copy(&mut f, &mut h).unwrap();
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Wait for the engine to go idle, with a limit so a hang fails the test instead of CI.
pub async fn idle(engine: &Engine, secs: u64) {
    tokio::time::timeout(Duration::from_secs(secs), engine.wait_idle())
        .await
        .expect("engine went idle in time");
}

pub fn view(engine: &Engine, id: JobId) -> JobView {
    engine
        .snapshot()
        .into_iter()
        .find(|v| v.id == id)
        .expect("job in snapshot")
}

/// A real 1×1 baseline JPEG (made by ImageMagick, no metadata), split after its JFIF header.
const ONE_PIXEL_JPEG: [u8; 159] = [
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10,
    0x0e, 0x0d, 0x0e, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
    0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5c, 0x4e, 0x40,
    0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51, 0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d,
    0x71, 0x79, 0x70, 0x64, 0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01,
    0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x14,
    0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f, 0xff, 0xd9,
];

/// A valid JPEG of `len` bytes (at least 171): a 1×1 picture whose comment segments (COM)
/// carry `len` and then `fill` bytes, so files of different lengths or fills differ, content
/// sniffing says image/jpeg, and its metadata reads cleanly (as a camera's file would).
pub fn jpeg(len: usize, fill: u8) -> Vec<u8> {
    let (head, tail) = ONE_PIXEL_JPEG.split_at(20);
    let target = len.max(ONE_PIXEL_JPEG.len() + 4 + 8);
    let mut remaining = target - ONE_PIXEL_JPEG.len();
    let mut v = Vec::with_capacity(target);
    v.extend_from_slice(head);
    let mut payload: Vec<u8> = (len as u64).to_le_bytes().to_vec();
    while remaining > 0 {
        // A segment is 4 bytes of marker and length plus at most 65,533 bytes of payload.
        let mut seg = remaining.min(65_537);
        if (1..4).contains(&(remaining - seg)) {
            seg -= 4;
        }
        let body = seg - 4;
        payload.resize(body, fill);
        v.extend_from_slice(&[0xff, 0xfe]);
        v.extend_from_slice(&((body + 2) as u16).to_be_bytes());
        v.extend_from_slice(&payload);
        payload.clear();
        remaining -= seg;
    }
    v.extend_from_slice(tail);
    debug_assert_eq!(v.len(), target);
    v
}
