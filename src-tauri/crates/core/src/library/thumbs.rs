//! Thumbnails for the Library, fetched here (not by the webview, so the content-security policy
//! stays closed to remote hosts) and kept in a bounded on-disk cache.
//!
//! The webview never names a URL: a listing registers each file's `thumbnailUrl` and hands the
//! window an opaque key (the URL's SHA-256); the app's custom protocol asks [`ThumbCache::get`]
//! for that key, and only registered URLs are ever fetched. At most [`PARALLEL`] fetches run at
//! once; a thumbnail must be an image of at most [`MAX_THUMB`] bytes. The cache directory is
//! trimmed to its byte budget oldest-use first (file modification times are refreshed on use).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

/// Fetches at once (the issue: "thumbnails fetched lazily, at most a few at a time").
pub const PARALLEL: usize = 4;
/// The largest thumbnail accepted (bytes).
pub const MAX_THUMB: usize = 4 * 1024 * 1024;
/// Default cache budget (bytes).
pub const DEFAULT_BUDGET: u64 = 64 * 1024 * 1024;
/// Registered URLs kept in memory before the oldest registrations are forgotten.
const MAX_REGISTERED: usize = 100_000;

/// Why a thumbnail is not there.
#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    #[error("unknown thumbnail key")]
    Unknown,
    #[error("the thumbnail could not be fetched: {0}")]
    Fetch(String),
    #[error("the thumbnail is not an image ({0})")]
    NotImage(String),
    #[error("the thumbnail cache could not be written: {0}")]
    Io(#[from] std::io::Error),
}

pub struct ThumbCache {
    dir: PathBuf,
    budget: u64,
    http: reqwest::Client,
    gate: Semaphore,
    urls: Mutex<HashMap<String, String>>,
}

fn key_of(url: &str) -> String {
    hex_lower(&Sha256::digest(url.as_bytes()))
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl ThumbCache {
    /// A cache in `dir` of at most `budget` bytes, fetching with `http`.
    pub fn new(dir: PathBuf, budget: u64, http: reqwest::Client) -> ThumbCache {
        ThumbCache {
            dir,
            budget,
            http,
            gate: Semaphore::new(PARALLEL),
            urls: Mutex::new(HashMap::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Allows `url` to be fetched and returns its key; `None` for a URL that is not http(s).
    pub fn register(&self, url: &str) -> Option<String> {
        let u = url::Url::parse(url).ok()?;
        if !matches!(u.scheme(), "http" | "https") {
            return None;
        }
        let key = key_of(url);
        let mut map = self.urls.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_REGISTERED {
            map.clear();
        }
        map.insert(key.clone(), url.to_owned());
        Some(key)
    }

    /// The thumbnail for `key`: `(bytes, content type)`, from the cache or fetched once.
    pub async fn get(&self, key: &str) -> Result<(Vec<u8>, String), ThumbError> {
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ThumbError::Unknown);
        }
        let path = self.dir.join(key);
        if let Some(hit) = read_hit(&path).await {
            return Ok(hit);
        }
        let url = self
            .urls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
            .ok_or(ThumbError::Unknown)?;
        let _permit = self
            .gate
            .acquire()
            .await
            .map_err(|e| ThumbError::Fetch(e.to_string()))?;
        // Another request may have fetched it while this one waited.
        if let Some(hit) = read_hit(&path).await {
            return Ok(hit);
        }
        let resp = self
            .http
            .get(&url)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| ThumbError::Fetch(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(ThumbError::Fetch(format!("HTTP {}", resp.status())));
        }
        let ct = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ThumbError::Fetch(e.to_string()))?;
        if bytes.len() > MAX_THUMB {
            return Err(ThumbError::NotImage(format!("{} bytes", bytes.len())));
        }
        let kind = infer::get(&bytes)
            .map(|k| k.mime_type().to_owned())
            .filter(|m| m.starts_with("image/"))
            .or_else(|| {
                // SVG has no magic number.
                (ct.starts_with("image/svg") || bytes.starts_with(b"<svg"))
                    .then(|| "image/svg+xml".to_owned())
            })
            .ok_or_else(|| ThumbError::NotImage(ct.clone()))?;
        tokio::fs::create_dir_all(&self.dir).await?;
        let tmp = self.dir.join(format!("{key}.part"));
        tokio::fs::write(&tmp, &bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        let _ = tokio::fs::write(self.dir.join(format!("{key}.type")), &kind).await;
        self.trim().await;
        Ok((bytes.to_vec(), kind))
    }

    /// Bytes on disk now.
    pub fn size(&self) -> u64 {
        entries(&self.dir).iter().map(|(_, len, _)| len).sum()
    }

    /// Deletes least recently used thumbnails until the cache fits its budget.
    async fn trim(&self) {
        let dir = self.dir.clone();
        let budget = self.budget;
        let _ = tokio::task::spawn_blocking(move || trim_dir(&dir, budget)).await;
    }
}

async fn read_hit(path: &Path) -> Option<(Vec<u8>, String)> {
    let bytes = tokio::fs::read(path).await.ok()?;
    let kind = tokio::fs::read_to_string(path.with_extension("type"))
        .await
        .unwrap_or_else(|_| "image/jpeg".into());
    // Refresh the modification time: trimming removes the least recently *used*.
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
    Some((bytes, kind))
}

/// `(path, bytes, modified)` of every cached thumbnail (not the `.type` notes).
fn entries(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_none())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((
                e.path(),
                m.len(),
                m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            ))
        })
        .collect()
}

fn trim_dir(dir: &Path, budget: u64) {
    let mut list = entries(dir);
    let mut total: u64 = list.iter().map(|(_, l, _)| l).sum();
    if total <= budget {
        return;
    }
    list.sort_by_key(|(_, _, t)| *t);
    for (p, len, _) in list {
        if total <= budget {
            break;
        }
        if std::fs::remove_file(&p).is_ok() {
            let _ = std::fs::remove_file(p.with_extension("type"));
            total -= len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_oldest_first_to_budget() {
        let d = tempfile::tempdir().unwrap();
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let p = d.path().join(name);
            std::fs::write(&p, vec![0u8; 100]).unwrap();
            let f = std::fs::File::options().append(true).open(&p).unwrap();
            f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1000 + i as u64))
                .unwrap();
        }
        trim_dir(d.path(), 250);
        assert!(!d.path().join("a").exists());
        assert!(d.path().join("b").exists() && d.path().join("c").exists());
    }

    #[test]
    fn only_registered_http_urls() {
        let c = ThumbCache::new(
            std::env::temp_dir().join("never-used"),
            1,
            reqwest::Client::new(),
        );
        assert!(c.register("file:///etc/passwd").is_none());
        let k = c
            .register("https://static.wixstatic.com/media/a.jpg")
            .unwrap();
        assert_eq!(k.len(), 64);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(matches!(
            rt.block_on(c.get(&"0".repeat(64))),
            Err(ThumbError::Unknown)
        ));
        assert!(matches!(
            rt.block_on(c.get("../x")),
            Err(ThumbError::Unknown)
        ));
    }
}
