//! The request log the control API exposes: what a client sent, never the secrets in it.
//! Only header *names* are kept, so an API key can never end up in the log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::Request;
use serde_json::{json, Value};

/// Oldest entries are dropped past this, so a long benchmark cannot grow memory.
const MAX_ENTRIES: usize = 100_000;

pub struct LogEntry {
    seq: u64,
    method: String,
    path: String,
    query: Option<String>,
    header_names: Vec<String>,
    /// Request body bytes the server actually read.
    pub body_bytes: Arc<AtomicU64>,
    status: AtomicU16,
    /// When the request came in, and how long the emulator took to answer it (µs, 0 until
    /// answered): its own share of a client's wait, without the network or the client.
    started: Instant,
    answer_us: AtomicU64,
    outcome: Mutex<Option<String>>,
    /// For JSON calls that record it: the body's key paths, never its values.
    body_keys: Mutex<Option<Vec<String>>>,
}

impl LogEntry {
    pub fn set_body_keys(&self, keys: Vec<String>) {
        *self.body_keys.lock().unwrap_or_else(|e| e.into_inner()) = Some(keys);
    }

    pub fn finish(&self, status: u16) {
        let us = self.started.elapsed().as_micros().max(1);
        self.answer_us
            .store(u64::try_from(us).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.status.store(status, Ordering::Relaxed);
    }

    pub fn note(&self, outcome: &str) {
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome.to_owned());
    }

    fn to_json(&self) -> Value {
        let status = self.status.load(Ordering::Relaxed);
        json!({
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": if status == 0 { Value::Null } else { json!(status) },
            "answer_ms": match self.answer_us.load(Ordering::Relaxed) {
                0 => Value::Null,
                us => json!(us as f64 / 1000.0),
            },
            "header_names": self.header_names,
            "body_bytes": self.body_bytes.load(Ordering::Relaxed),
            "fault": *self.outcome.lock().unwrap_or_else(|e| e.into_inner()),
            "body_keys": self.body_keys.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        })
    }
}

#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Arc<LogEntry>>>,
    seq: AtomicU64,
}

impl RequestLog {
    pub fn start(&self, req: &Request) -> Arc<LogEntry> {
        let mut header_names: Vec<String> = req
            .headers()
            .keys()
            .map(|k| k.as_str().to_owned())
            .collect();
        header_names.sort();
        header_names.dedup();
        let entry = Arc::new(LogEntry {
            seq: self.seq.fetch_add(1, Ordering::Relaxed) + 1,
            method: req.method().to_string(),
            path: req.uri().path().to_owned(),
            query: req.uri().query().map(str::to_owned),
            header_names,
            body_bytes: Arc::new(AtomicU64::new(0)),
            status: AtomicU16::new(0),
            started: Instant::now(),
            answer_us: AtomicU64::new(0),
            outcome: Mutex::new(None),
            body_keys: Mutex::new(None),
        });
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(entry.clone());
        entry
    }

    pub fn to_json(&self) -> Value {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        Value::Array(entries.iter().map(|e| e.to_json()).collect())
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
