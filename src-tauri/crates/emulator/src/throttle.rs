//! Wraps a request body so faults can act on it while it streams: count the bytes read, cap the
//! bandwidth, or cut the body after N bytes (the middleware then resets the connection).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, BodyDataStream};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

#[derive(Default)]
pub struct BodyPlan {
    pub counter: Arc<AtomicU64>,
    pub bytes_per_sec: Option<u64>,
    pub reset_after: Option<u64>,
    pub tripped: Arc<AtomicBool>,
}

struct Wrapped {
    inner: BodyDataStream,
    plan: BodyPlan,
    pending: Bytes,
    delivered: u64,
    started: Instant,
    done: bool,
}

/// The wrapped body as a stream of chunks.
pub fn wrap_body(body: Body, plan: BodyPlan) -> impl Stream<Item = std::io::Result<Bytes>> {
    let state = Wrapped {
        inner: body.into_data_stream(),
        plan,
        pending: Bytes::new(),
        delivered: 0,
        started: Instant::now(),
        done: false,
    };
    futures_util::stream::unfold(state, |mut s| async move {
        let item = s.next_piece().await?;
        Some((item, s))
    })
}

impl Wrapped {
    async fn next_piece(&mut self) -> Option<std::io::Result<Bytes>> {
        if self.done {
            return None;
        }
        if let Some(limit) = self.plan.reset_after {
            if self.delivered >= limit {
                self.done = true;
                self.plan.tripped.store(true, Ordering::SeqCst);
                return Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset (injected fault)",
                )));
            }
        }
        if self.pending.is_empty() {
            match self.inner.next().await {
                Some(Ok(chunk)) => self.pending = chunk,
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(std::io::Error::other(e)));
                }
                None => {
                    self.done = true;
                    return None;
                }
            }
        }
        let mut size = self.pending.len();
        if let Some(limit) = self.plan.reset_after {
            size = size.min((limit - self.delivered) as usize);
        }
        if let Some(rate) = self.plan.bytes_per_sec {
            let rate = rate.max(1);
            // Small slices keep the cap smooth instead of bursty.
            size = size.min((rate / 20).max(1) as usize);
            let due = (self.delivered + size as u64) as f64 / rate as f64;
            if let Ok(due) = Duration::try_from_secs_f64(due) {
                tokio::time::sleep_until((self.started + due).into()).await;
            }
        }
        let piece = self.pending.split_to(size);
        self.delivered += piece.len() as u64;
        self.plan
            .counter
            .fetch_add(piece.len() as u64, Ordering::Relaxed);
        Some(Ok(piece))
    }
}
