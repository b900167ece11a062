//! When to try a Wix request again, and how long to wait first.
//!
//! Only failures that can go away by themselves are retried: 429 (rate limited), 5xx (a Wix-side
//! fault) and connection failures. 400/401/403/404 are answers about the request or the key,
//! and retrying them only hides the problem from the user. Waits grow exponentially with full
//! jitter so many concurrent uploads do not retry in lock-step; a server's `Retry-After` wins.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// The first backoff ceiling; doubled per retry.
    pub base_delay: Duration,
    /// No computed wait exceeds this.
    pub max_delay: Duration,
    /// A server's `Retry-After` is honoured up to this; beyond it we give up rather than
    /// sleep for an hour with the user staring at a spinner.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Status(u16),
    /// Could not connect, the connection dropped, or a timeout.
    ConnectionFailed,
    /// Anything else (a bad body we sent, an unreadable file…): never retried.
    Permanent,
}

impl Outcome {
    pub fn is_retryable(self) -> bool {
        match self {
            Outcome::Status(s) => s == 429 || (500..=599).contains(&s),
            Outcome::ConnectionFailed => true,
            Outcome::Permanent => false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (for the CLI's `--no-retry` and for tests of first answers).
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How long to wait before retry number `retry` (0-based), or `None` to give up.
    /// `retry_after` is the server's `Retry-After`, already parsed.
    pub fn delay(
        &self,
        retry: u32,
        outcome: Outcome,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if !outcome.is_retryable() || retry >= self.max_retries {
            return None;
        }
        if let Some(wait) = retry_after {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_delay);
        // Full jitter, with a floor of a tenth of the ceiling so a retry is never instant.
        let floor = ceiling / 10;
        let span = ceiling.saturating_sub(floor).as_millis() as u64;
        let jitter = if span == 0 {
            0
        } else {
            rand::random_range(0..=span)
        };
        Some(floor + Duration::from_millis(jitter))
    }
}

/// Parse a `Retry-After` header: delta-seconds or an HTTP date. Garbage → `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_429_5xx_and_connection_failures_are_retried() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(Outcome::Status(s).is_retryable(), "{s}");
        }
        for s in [200, 201, 301, 400, 401, 403, 404, 409, 412, 428] {
            assert!(!Outcome::Status(s).is_retryable(), "{s}");
        }
        assert!(Outcome::ConnectionFailed.is_retryable());
        assert!(!Outcome::Permanent.is_retryable());
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0, Outcome::Status(403), None), None);
        assert_eq!(
            p.delay(0, Outcome::Status(401), Some(Duration::from_secs(1))),
            None
        );
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy {
            max_retries: 30,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            ..Default::default()
        };
        for retry in 0..30 {
            let ceiling = Duration::from_millis(100)
                .saturating_mul(1 << retry.min(20))
                .min(Duration::from_secs(5));
            for _ in 0..50 {
                let d = p.delay(retry, Outcome::Status(503), None).unwrap();
                assert!(
                    d <= ceiling && d >= ceiling / 10,
                    "retry {retry}: {d:?} vs {ceiling:?}"
                );
            }
        }
        // Jitter: 200 draws at the cap are not all the same.
        let draws: std::collections::HashSet<_> = (0..200)
            .map(|_| p.delay(10, Outcome::ConnectionFailed, None).unwrap())
            .collect();
        assert!(draws.len() > 20, "{}", draws.len());
    }

    #[test]
    fn gives_up_after_max_retries() {
        let p = RetryPolicy {
            max_retries: 2,
            ..Default::default()
        };
        assert!(p.delay(0, Outcome::Status(500), None).is_some());
        assert!(p.delay(1, Outcome::Status(500), None).is_some());
        assert!(p.delay(2, Outcome::Status(500), None).is_none());
        assert!(RetryPolicy::none()
            .delay(0, Outcome::Status(500), None)
            .is_none());
    }

    #[test]
    fn retry_after_is_honoured_exactly_but_not_forever() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, Outcome::Status(429), Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            p.delay(3, Outcome::Status(503), Some(Duration::ZERO)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            p.delay(0, Outcome::Status(429), Some(Duration::from_secs(3600))),
            None
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates_and_survives_garbage() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for junk in ["", "soon", "-5", "1.5", "99999999999999999999999", "\u{0}"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }
}
