//! One engine per run: settings, journal, key resolver and the event loop, shared by
//! `upload`, `resume` and `watch`.
//!
//! **Resuming.** The engine resumes every unfinished job of the journal when it starts, so
//! *any* `wixdrop upload`, `wixdrop resume` or `wixdrop watch` first finishes what an earlier
//! run (or the desktop app) left behind: a tus upload from the server's offset, a plain upload
//! after looking for it on Wix. Keys for those jobs come from where their profile says: the
//! keychain for a saved profile, `WIX_API_KEY` for the environment profile ([`ENV_PROFILE`]).
//! Ctrl-C stops transfers where they stand and leaves the journal as it is, for the next run.

use std::sync::Arc;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use wixdrop_core::config::Paths;
use wixdrop_core::secret::{redact_tokens, ApiKey};
use wixdrop_core::settings::Settings;
use wixdrop_core::upload::{Engine, Journal, KeyResolver, UploadEvent};
use wixdrop_core::vault::{usable_key, Vault};

use super::report::Reporter;
use crate::exit::CliError;
use crate::profile::ENV_KEY;
use crate::{net, Ctx};

/// The profile name the journal records for jobs whose key came from `WIX_API_KEY`.
pub use crate::profile::ENV_PROFILE;

pub fn paths() -> Result<Paths, CliError> {
    Ok(Paths::from_env()?)
}

/// The journal under `WIXDROP_HOME`, with any warning said once on stderr.
pub fn open_journal(paths: &Paths) -> Result<Journal, CliError> {
    let opened = Journal::open(&paths.database_file())
        .map_err(|e| CliError::failed("journal", e.to_string()))?;
    if let Some(w) = opened.warning {
        eprintln!("wixdrop: {w}");
    }
    Ok(opened.journal)
}

/// Settings from `settings.json`, with `--concurrency` on top.
pub fn settings(paths: &Paths, concurrency: Option<u32>) -> Settings {
    let loaded = Settings::load(&paths.settings_file());
    if let Some(w) = loaded.warning {
        eprintln!("wixdrop: {w}");
    }
    let mut s = loaded.settings;
    if let Some(n) = concurrency {
        s.concurrency = n;
    }
    s
}

/// Keys by profile name: the one this run resolved, `WIX_API_KEY` for [`ENV_PROFILE`], else
/// the keychain. Never logged; errors never contain the key.
pub fn resolver(paths: Paths, current: Option<(String, ApiKey)>) -> KeyResolver {
    Arc::new(move |profile: &str| {
        if let Some((name, key)) = &current {
            if name == profile {
                return Ok(key.clone());
            }
        }
        if profile == ENV_PROFILE {
            let text = std::env::var(ENV_KEY)
                .ok()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    format!("it was queued with the key from {ENV_KEY}, which is not set now")
                })?;
            return usable_key(&text)
                .map(|(k, _)| k)
                .map_err(|e| redact_tokens(&e.to_string()));
        }
        Vault::open(&paths)
            .key(profile)
            .map_err(|e| redact_tokens(&e.to_string()))
    })
}

/// A running engine and its events.
pub struct Session {
    pub engine: Engine,
    pub events: UnboundedReceiver<UploadEvent>,
}

/// Start the engine (this resumes the journal's unfinished jobs). Call inside the runtime.
pub fn start(
    ctx: &Ctx,
    paths: &Paths,
    concurrency: Option<u32>,
    current: Option<(String, ApiKey)>,
) -> Result<Session, CliError> {
    start_with(ctx, paths, concurrency, current, |_| {})
}

/// [`start`] with the settings adjusted for this run (e.g. `--optimize`).
pub fn start_with(
    ctx: &Ctx,
    paths: &Paths,
    concurrency: Option<u32>,
    current: Option<(String, ApiKey)>,
    adjust: impl FnOnce(&mut Settings),
) -> Result<Session, CliError> {
    let client = net::client(ctx)?;
    let journal = open_journal(paths)?;
    let mut settings = settings(paths, concurrency);
    adjust(&mut settings);
    let (tx, events) = unbounded_channel();
    let engine = Engine::new(
        client,
        journal,
        settings,
        resolver(paths.clone(), current),
        move |e| {
            let _ = tx.send(e);
        },
    );
    Ok(Session { engine, events })
}

/// How the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Idle,
    Interrupted,
}

impl Session {
    /// Show events until the queue is empty (`until_idle`) or Ctrl-C.
    pub async fn drive(&mut self, report: &mut Reporter, until_idle: bool) -> Ended {
        let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
        loop {
            tokio::select! {
                biased;
                _ = &mut ctrl_c => return Ended::Interrupted,
                Some(e) = self.events.recv() => report.event(e),
                _ = self.engine.wait_idle(), if until_idle => {
                    // Final states are emitted before the queue counts as idle.
                    while let Ok(e) = self.events.try_recv() {
                        report.event(e);
                    }
                    return Ended::Idle;
                }
            }
        }
    }

    /// Ctrl-C: stop every transfer where it stands, journal untouched. Returns the error that
    /// says what was left and how it continues.
    pub async fn interrupt(self, report: &mut Reporter) -> CliError {
        let unfinished = self
            .engine
            .snapshot()
            .iter()
            .filter(|v| !v.stage.is_final())
            .count();
        report.note("Stopping…");
        self.engine.shutdown().await;
        report.finish(false);
        CliError::failed(
            "interrupted",
            format!(
                "Interrupted: {unfinished} upload{} left unfinished. They are kept in the upload journal; `wixdrop resume` (or any `wixdrop upload`) finishes them, continuing resumable uploads where they stopped.",
                if unfinished == 1 { "" } else { "s" }
            ),
        )
    }
}

/// A multi-threaded runtime for a run (transfers, hashing and progress side by side).
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::failed("io", format!("could not start the upload runtime: {e}")))
}
