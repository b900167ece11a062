//! Watched folders: new or changed files are queued once they have *settled* — their size and
//! modification time unchanged for a while — so a file still being copied, downloaded or
//! exported is never uploaded half-written. Temp and lock files (`.part`, `.crdownload`,
//! `~$…`, `.DS_Store`, dotfiles) are ignored, see [`scan::is_ignored`].
//!
//! [`watch_folder`] is Tauri-free (Yaak's `watch.rs` shape): a path, a callback, a cancel
//! signal; the caller owns the handle and stops it. Filesystem events only say "look here";
//! the decision is made by polling `stat` on the paths they named, which is what makes slow
//! writers and editors that save in several steps safe. [`Engine::watch`] wires a definition
//! from the journal to the upload queue.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::engine::Engine;
use super::journal::WatchDef;
use super::scan::{self, is_ignored};
use super::source;
use super::types::path_segments;

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{0} is not a folder that can be watched.")]
    NotADirectory(String),
    #[error("Could not watch {path}: {detail}")]
    Watch { path: String, detail: String },
}

/// A running watch; stops when dropped or on [`WatchHandle::stop`].
pub struct WatchHandle {
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl WatchHandle {
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// `(size, mtime)`: what "unchanged" compares.
type Sig = (u64, Option<SystemTime>);

fn sig(p: &Path) -> Option<Sig> {
    let md = std::fs::metadata(p).ok()?;
    md.is_file().then(|| (md.len(), md.modified().ok()))
}

/// Watch `root` recursively; call `on_ready` once for every file that appears or changes, once
/// it has been still for `settle`. `initial` files (found by a scan at start) go through the
/// same settling. Runs on the current tokio runtime until `cancel` fires.
pub fn watch_folder(
    root: &Path,
    settle: Duration,
    initial: Vec<PathBuf>,
    on_ready: impl Fn(PathBuf) + Send + Sync + 'static,
    cancel: CancellationToken,
) -> Result<JoinHandle<()>, WatchError> {
    if !root.is_dir() {
        return Err(WatchError::NotADirectory(root.display().to_string()));
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<DebounceEventResult>();
    let debounce = (settle / 4).clamp(Duration::from_millis(50), Duration::from_millis(500));
    let mut debouncer = new_debouncer(debounce, None, move |r: DebounceEventResult| {
        let _ = tx.send(r);
    })
    .map_err(|e| WatchError::Watch {
        path: root.display().to_string(),
        detail: e.to_string(),
    })?;
    debouncer
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| WatchError::Watch {
            path: root.display().to_string(),
            detail: e.to_string(),
        })?;
    let root = root.to_path_buf();
    let tick = (settle / 4).clamp(Duration::from_millis(25), Duration::from_millis(1000));
    Ok(tokio::spawn(async move {
        let _debouncer = debouncer; // lives as long as the task
        let mut pending: HashMap<PathBuf, (Option<Sig>, Instant)> = initial
            .into_iter()
            .map(|p| (p, (None, Instant::now())))
            .collect();
        let mut sent: HashMap<PathBuf, Sig> = HashMap::new();
        let mut ticker = tokio::time::interval(tick);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                r = rx.recv() => {
                    let Some(Ok(events)) = r else { if r.is_none() { break } else { continue } };
                    for ev in events {
                        if matches!(ev.kind, EventKind::Access(_) | EventKind::Remove(_)) {
                            continue;
                        }
                        for p in &ev.paths {
                            note(&root, p, &mut pending);
                        }
                    }
                }
                _ = ticker.tick() => {
                    let now = Instant::now();
                    let mut ready = Vec::new();
                    pending.retain(|p, (last, since)| {
                        let Some(s) = sig(p) else { return false };
                        if *last != Some(s) {
                            *last = Some(s);
                            *since = now;
                            return true;
                        }
                        if now.duration_since(*since) < settle {
                            return true;
                        }
                        if s.0 > 0 && sent.get(p) != Some(&s) {
                            ready.push((p.clone(), s));
                        }
                        false
                    });
                    for (p, s) in ready {
                        sent.insert(p.clone(), s);
                        on_ready(p);
                    }
                }
            }
        }
    }))
}

/// Remember a path an event named; a new folder's files are noted too (their own events may
/// have fired before the folder was being watched).
fn note(root: &Path, p: &Path, pending: &mut HashMap<PathBuf, (Option<Sig>, Instant)>) {
    let Ok(rel) = p.strip_prefix(root) else {
        return;
    };
    if rel
        .components()
        .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
    {
        return;
    }
    if p.is_dir() {
        let mut problems = Vec::new();
        for f in scan::expand(p, &mut problems) {
            pending.entry(f.path).or_insert((None, Instant::now()));
        }
    } else {
        pending.insert(p.to_path_buf(), (None, Instant::now()));
    }
}

impl Engine {
    /// Start a saved watch: settled files are queued for `def`'s site and folder, with the
    /// folder tree below the watched root mirrored. Keys come from the engine's resolver.
    pub fn watch(&self, def: &WatchDef) -> Result<WatchHandle, WatchError> {
        let cancel = CancellationToken::new();
        let inner = Arc::downgrade(self.inner());
        let root = PathBuf::from(&def.path);
        let def2 = def.clone();
        let root2 = root.clone();
        let initial = self.missed_while_closed(def, &root);
        let task = watch_folder(
            &root,
            Duration::from_millis(def.settle_ms.max(50)),
            initial,
            move |path| {
                let Some(inner) = inner.upgrade() else { return };
                let (base, mut segs) = def2.folder.split();
                if let Some(parent) = path.parent().and_then(|d| d.strip_prefix(&root2).ok()) {
                    segs.extend(path_segments(&parent.to_string_lossy()));
                }
                match (inner.keys)(&def2.profile) {
                    Ok(key) => {
                        inner.enqueue_file(path, &def2.profile, &key, &def2.site_id, &base, segs, false);
                    }
                    Err(e) => inner.notice(format!("A new file in the watched folder {} was not uploaded: no key for profile \"{}\" ({e}).", def2.path, def2.profile)),
                }
            },
            cancel.clone(),
        )?;
        Ok(WatchHandle {
            cancel,
            task: Some(task),
        })
    }

    /// Files added to or changed in the watched folder while no watch ran (the app was
    /// closed): changed after the watch was added, and not already uploaded or queued.
    fn missed_while_closed(&self, def: &WatchDef, root: &Path) -> Vec<PathBuf> {
        let journal = &self.inner().journal;
        let Some(since_ms) = def
            .id
            .and_then(|id| journal.watch_created_at(id).ok().flatten())
        else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        scan::expand(root, &mut problems)
            .into_iter()
            .map(|f| f.path)
            .filter(|p| match source::probe(p) {
                Ok(facts) => {
                    facts.mtime_ns.is_some_and(|ns| ns / 1_000_000 > since_ms)
                        && !journal
                            .knows_file_version(p, facts.size, facts.mtime_ns)
                            .unwrap_or(true)
                }
                Err(_) => false,
            })
            .collect()
    }
}
