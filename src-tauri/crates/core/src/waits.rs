//! Waits a person can stop. Checking a key, listing folders or replacing a key go to the
//! network; without one they can take as long as the timeouts allow (tens of seconds), and the
//! window must offer Cancel meanwhile (issue 15). Each such call carries an id chosen by its
//! caller; [`Waits::run`] races the call against that id's cancellation, and
//! [`Waits::cancel`] — from another call, typically another IPC command — ends it at once:
//! the future is dropped, which closes its connection. Nothing half-done stays behind: the
//! calls run here only read, or (key replacement) store the new key only after Wix said yes.
//!
//! A cancel that arrives before its call started (two IPC commands can overtake each other)
//! is kept and stops the call as soon as it starts.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

/// The call was stopped by [`Waits::cancel`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Stopped: you cancelled it before it finished.")]
pub struct Cancelled;

/// The running (and early-cancelled) waits, by the caller's id.
#[derive(Debug, Default)]
pub struct Waits {
    running: Mutex<HashMap<u64, CancellationToken>>,
}

impl Waits {
    pub fn new() -> Waits {
        Waits::default()
    }

    fn token(&self, op: u64) -> CancellationToken {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(op)
            .or_default()
            .clone()
    }

    /// Run `fut` as wait `op` (none: not cancellable); `Err(Cancelled)` if [`Waits::cancel`]
    /// was called for `op` before it finished.
    pub async fn run<T>(
        &self,
        op: Option<u64>,
        fut: impl Future<Output = T>,
    ) -> Result<T, Cancelled> {
        let Some(op) = op else {
            return Ok(fut.await);
        };
        let token = self.token(op);
        let out = tokio::select! {
            biased;
            _ = token.cancelled() => Err(Cancelled),
            v = fut => Ok(v),
        };
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&op);
        out
    }

    /// Stop wait `op` (or, if it has not started yet, stop it as it starts).
    pub fn cancel(&self, op: u64) {
        self.token(op).cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn a_hanging_call_ends_at_once_when_cancelled() {
        let waits = Arc::new(Waits::new());
        let w = waits.clone();
        let t = Instant::now();
        let call = tokio::spawn(async move {
            w.run(Some(7), tokio::time::sleep(Duration::from_secs(60)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        waits.cancel(7);
        assert_eq!(call.await.unwrap(), Err(Cancelled));
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        // Finished waits are forgotten; other ids are not affected.
        assert!(waits.running.lock().unwrap().is_empty());
        assert_eq!(waits.run(Some(8), async { 3 }).await, Ok(3));
        assert_eq!(waits.run(None, async { 4 }).await, Ok(4));
    }

    #[tokio::test]
    async fn a_cancel_that_overtakes_its_call_still_stops_it() {
        let waits = Waits::new();
        waits.cancel(9);
        let got = waits
            .run(Some(9), tokio::time::sleep(Duration::from_secs(60)))
            .await;
        assert_eq!(got, Err(Cancelled));
    }
}
