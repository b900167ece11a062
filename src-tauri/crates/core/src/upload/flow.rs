//! Flow control shared by every transfer: a bandwidth cap (one token bucket for all jobs, so
//! the cap is the app's total, not per file), the queue's pause switch, a job's cancel signal,
//! and its byte counter for progress.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::error::UploadError;

/// A token bucket shared across jobs. `0` = unlimited; changeable while uploads run.
#[derive(Debug)]
pub(crate) struct Bandwidth {
    limit: AtomicU64,
    bucket: Mutex<(f64, Instant)>,
}

impl Bandwidth {
    pub fn new(limit: Option<u64>) -> Bandwidth {
        Bandwidth {
            limit: AtomicU64::new(limit.unwrap_or(0)),
            bucket: Mutex::new((0.0, Instant::now())),
        }
    }

    pub fn set_limit(&self, limit: Option<u64>) {
        self.limit.store(limit.unwrap_or(0), Ordering::Relaxed);
    }

    /// Wait until `n` bytes may be sent.
    pub async fn take(&self, n: usize) {
        let limit = self.limit.load(Ordering::Relaxed);
        if limit == 0 {
            return;
        }
        let wait = {
            let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            // A quarter-second burst at most, so the cap holds over short windows too; after
            // a second or more with nothing sent (a new batch) none at all, so a batch's first
            // bytes go at the limit too, not in a burst above it.
            let burst = (limit as f64 / 4.0).max(64.0 * 1024.0);
            let gap = now.duration_since(b.1).as_secs_f64();
            b.0 = (b.0 + gap * limit as f64).min(burst);
            if gap >= 1.0 {
                b.0 = b.0.min(0.0);
            }
            b.1 = now;
            b.0 -= n as f64;
            // Going negative is the queue: later callers wait for earlier debts too.
            if b.0 >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-b.0 / limit as f64)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// What a transfer needs to respect: pause, cancel, the cap; and where it reports bytes.
#[derive(Clone)]
pub(crate) struct Flow {
    pub bandwidth: Arc<Bandwidth>,
    pub paused: watch::Receiver<bool>,
    pub cancel: CancellationToken,
    /// Bytes confirmed or in flight for the current stage.
    pub bytes: Arc<AtomicU64>,
    /// Called (cheaply, often) whenever `bytes` moves; the engine throttles what it emits.
    pub on_progress: Arc<dyn Fn(u64) + Send + Sync>,
    /// Hashes the file as request bodies read it, when its hash is not known yet.
    pub hash: Option<Arc<super::source::StreamHash>>,
}

impl Flow {
    /// Wait while the queue is paused; fail if the job was cancelled.
    pub async fn gate(&self) -> Result<(), UploadError> {
        let mut rx = self.paused.clone();
        tokio::select! {
            _ = self.cancel.cancelled() => Err(UploadError::Cancelled),
            r = rx.wait_for(|p| !*p) => { let _ = r; if self.cancel.is_cancelled() { Err(UploadError::Cancelled) } else { Ok(()) } }
        }
    }

    /// Sleep for a retry backoff, or until cancelled.
    pub async fn sleep(&self, d: Duration) -> Result<(), UploadError> {
        tokio::select! {
            _ = self.cancel.cancelled() => Err(UploadError::Cancelled),
            _ = tokio::time::sleep(d) => Ok(()),
        }
    }

    pub fn set_bytes(&self, n: u64) {
        self.bytes.store(n, Ordering::Relaxed);
        (self.on_progress)(n);
    }

    pub fn add_bytes(&self, n: u64) {
        let v = self.bytes.fetch_add(n, Ordering::Relaxed) + n;
        (self.on_progress)(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_cap_holds_across_callers() {
        let bw = Arc::new(Bandwidth::new(Some(1_000_000)));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let bw = bw.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..8 {
                    bw.take(64 * 1024).await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        // 2 MiB at 1 MB/s, minus the initial burst of 250 kB: at least ~1.8 s.
        let took = start.elapsed().as_secs_f64();
        assert!(took > 1.7 && took < 3.5, "{took}");
        let free = Bandwidth::new(None);
        let t = Instant::now();
        free.take(100_000_000).await;
        assert!(t.elapsed() < Duration::from_millis(5));
    }

    #[tokio::test]
    async fn after_an_idle_second_there_is_no_burst() {
        let bw = Bandwidth::new(Some(1_000_000));
        tokio::time::sleep(Duration::from_millis(1100)).await;
        // Idle long enough to have filled the 250 kB burst: the first 200 kB still wait.
        let t = Instant::now();
        bw.take(200_000).await;
        let took = t.elapsed().as_secs_f64();
        assert!((0.18..0.6).contains(&took), "{took}");
        // Sending on (no gap), the cap holds as before.
        let t = Instant::now();
        bw.take(100_000).await;
        let took = t.elapsed().as_secs_f64();
        assert!((0.08..0.4).contains(&took), "{took}");
    }
}
