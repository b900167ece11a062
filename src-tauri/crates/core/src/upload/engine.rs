//! The upload queue: concurrency, pause/resume, cancel, retry, bandwidth, progress, and
//! resuming what a previous run left unfinished. Tauri-free: the desktop app and the CLI hand
//! it a callback for events and a resolver for keys.
//!
//! Every job is written to the journal at enqueue time, before a byte is sent. A new engine on
//! the same journal resumes unfinished jobs: tus uploads from the server's offset (after a
//! `HEAD`), plain uploads from the start with a fresh URL — after first looking in the
//! destination folder, because the previous run may have finished the upload without living to
//! record it.
//!
//! **Remaining risk of a duplicate**, stated plainly: the look-up needs Read Media Manager and
//! matches name + size + creation time + "not already in history". If the key cannot read the
//! folder, or a plain upload's answer was lost *and* Wix took longer than the look-up to list
//! the new file, the file is sent again and may exist twice. Tus finalises are safe by
//! construction (a spent token is refused, so a repeat never creates a second file); a tus
//! upload whose finalise succeeded unseen and cannot be found ends `failed` with a message
//! saying so, never uploaded twice.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

use super::error::UploadError;
use super::flow::Bandwidth;
use super::folders::FolderCache;
use super::job::{self, Finish};
use super::journal::{JobRecord, Journal, NewJob};

/// Jobs written to the journal per transaction while a drop is prepared.
const ENQUEUE_BATCH: usize = 500;
/// The group of jobs resumed at start-up, and of files from watched folders.
const RESUMED: &str = "Resumed from the last session";
const WATCHED: &str = "From watched folders";
const RETRIED: &str = "Retried";
use super::mime::Limits;
use super::owner::Owner;
use super::progress::{Board, BoardSizes, Slot};
use super::scan;
use super::types::{
    JobId, JobView, QueueOverview, RowPage, RowQuery, Stage, TotalProgress, UploadEvent,
    UploadRequest,
};
use crate::secret::ApiKey;
use crate::settings::Settings;
use crate::wix::WixClient;

/// Gives the key for a profile name (the vault, an environment variable…). Called when a job
/// starts without a key in memory: resumed after a restart, retried, or from a watched folder.
pub type KeyResolver = Arc<dyn Fn(&str) -> Result<ApiKey, String> + Send + Sync>;

/// Tuning that is not a user setting.
#[derive(Clone)]
pub struct EngineConfig {
    pub limits: Limits,
    /// Minimum time between two progress events of one job (and of the total).
    pub progress_interval: Duration,
    /// First wait between `get-file-by-id` polls while a file is `PENDING`; grows ×1.5.
    pub poll_initial: Duration,
    pub poll_max: Duration,
    /// Stop polling (the job ends `done` with a "still processing" warning) after this.
    pub poll_timeout: Duration,
    /// Runtime to spawn jobs on; default: the one `Engine::new` is called from.
    pub runtime: Option<Handle>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            limits: Limits::default(),
            progress_interval: Duration::from_millis(100),
            poll_initial: Duration::from_millis(500),
            poll_max: Duration::from_secs(10),
            poll_timeout: Duration::from_secs(30 * 60),
            runtime: None,
        }
    }
}

struct Sched {
    queue: VecDeque<JobId>,
    running: HashSet<JobId>,
    board: Board,
    /// Keys for this session's jobs, in memory only.
    keys: HashMap<JobId, ApiKey>,
    cancels: HashMap<JobId, CancellationToken>,
    /// Folder walks in progress, by group: cancelling the group stops its walk.
    walks: HashMap<u32, CancellationToken>,
}

pub(crate) struct Inner {
    pub client: WixClient,
    pub journal: Journal,
    pub config: EngineConfig,
    pub keys: KeyResolver,
    pub bandwidth: Arc<Bandwidth>,
    pub folders: FolderCache,
    /// This engine's claim on the jobs it sends (shared journal: app + CLI).
    owner: Owner,
    /// Prepared copies (location removed, web-ready) of this engine's jobs.
    pub workspace: crate::prepare::temp::Workspace,
    /// Files prepared at once (CPU-bound work, one decoded image each: bounded memory).
    pub prepare_slots: tokio::sync::Semaphore,
    settings: Mutex<Settings>,
    emit: Box<dyn Fn(UploadEvent) + Send + Sync>,
    sched: Mutex<Sched>,
    /// Poked by every change the window could show; the overview watcher coalesces them.
    dirty: Arc<Notify>,
    active: watch::Sender<usize>,
    pub paused: watch::Sender<bool>,
    root: CancellationToken,
    rt: Handle,
}

/// The upload engine. Dropping it stops every transfer where it stands and leaves the journal
/// as it is, so the next engine resumes them.
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// Start an engine and resume the journal's unfinished jobs. Must be called within a tokio
    /// runtime (or give one in [`EngineConfig::runtime`]).
    pub fn new(
        client: WixClient,
        journal: Journal,
        settings: Settings,
        keys: KeyResolver,
        on_event: impl Fn(UploadEvent) + Send + Sync + 'static,
    ) -> Engine {
        Self::with_config(
            client,
            journal,
            settings,
            keys,
            on_event,
            EngineConfig::default(),
        )
    }

    pub fn with_config(
        client: WixClient,
        journal: Journal,
        settings: Settings,
        keys: KeyResolver,
        on_event: impl Fn(UploadEvent) + Send + Sync + 'static,
        config: EngineConfig,
    ) -> Engine {
        let rt = config.runtime.clone().unwrap_or_else(|| {
            Handle::try_current()
                .expect("Engine::new needs a tokio runtime (or EngineConfig::runtime)")
        });
        let owner = Owner::new(journal.path());
        // Prepared copies live beside the journal; those of engines that are gone (a crash,
        // kill -9) are removed now.
        let prepared_root = match journal.path().and_then(|p| p.parent()) {
            Some(dir) => dir.join("prepared"),
            None => std::env::temp_dir().join("wixdrop-prepared"),
        };
        crate::prepare::temp::sweep(&prepared_root, |o| owner.is_alive(o));
        let workspace = crate::prepare::temp::Workspace::new(&prepared_root, &owner.id);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let inner = Arc::new(Inner {
            workspace,
            prepare_slots: tokio::sync::Semaphore::new(cores),
            client,
            journal,
            bandwidth: Arc::new(Bandwidth::new(settings.bandwidth_limit_bytes_per_sec)),
            folders: FolderCache::default(),
            owner,
            settings: Mutex::new(settings),
            emit: Box::new(on_event),
            sched: Mutex::new(Sched {
                queue: VecDeque::new(),
                running: HashSet::new(),
                board: Board::new(config.progress_interval),
                keys: Default::default(),
                cancels: Default::default(),
                walks: Default::default(),
            }),
            dirty: Arc::new(Notify::new()),
            active: watch::channel(0).0,
            paused: watch::channel(false).0,
            root: CancellationToken::new(),
            keys,
            config,
            rt,
        });
        spawn_progress_flusher(&inner);
        let engine = Engine { inner };
        engine.resume_unfinished();
        engine
    }

    fn resume_unfinished(&self) {
        let records = match self.inner.journal.unfinished() {
            Ok(r) => r,
            Err(e) => {
                return self.inner.notice(format!(
                    "Unfinished uploads could not be read from the journal: {e}"
                ))
            }
        };
        // Jobs another running Wixdrop is sending stay with it.
        let total = records.len();
        let records: Vec<JobRecord> = records
            .into_iter()
            .filter(|r| {
                self.inner
                    .journal
                    .claim(r.id, &self.inner.owner.id, |o| self.inner.owner.is_alive(o))
                    .unwrap_or(false)
            })
            .collect();
        if records.len() < total {
            let other = total - records.len();
            self.inner.notice(format!(
                "{other} unfinished upload{} being sent by another running Wixdrop (the app or a `wixdrop` command); left to it.",
                if other == 1 { " is" } else { "s are" }
            ));
        }
        if records.is_empty() {
            return;
        }
        let n = records.len();
        let mut events = Vec::new();
        {
            let mut s = self.inner.lock();
            let batch = s.board.named_batch(RESUMED);
            for r in records {
                let mut v = view_of(&r, batch);
                v.warning = Some("Resumed after Wixdrop was closed.".into());
                events.extend(s.board.insert(v));
                s.queue.push_back(r.id);
            }
        }
        self.inner.emit_all(events);
        self.inner.notice(format!(
            "Resuming {n} unfinished upload{} from the last session.",
            if n == 1 { "" } else { "s" }
        ));
        self.inner.update_active();
        self.inner.start_ready();
    }

    /// Queue files and folders (a folder's tree is mirrored below its destination), and return
    /// once all are in the journal. Every file gets a job — also ones that turn out to be
    /// missing or unreadable: they fail on their own. Each dropped folder is a group, and the
    /// loose files of one call another; jobs are written 500 per transaction and start as
    /// soon as their batch is written.
    pub fn enqueue(&self, requests: Vec<UploadRequest>) -> Vec<JobId> {
        let groups = self.inner.groups_for(requests);
        let mut ids = Vec::new();
        for g in groups {
            ids.extend(self.inner.prepare(g, true));
        }
        ids
    }

    /// [`Engine::enqueue`] without waiting: the groups appear at once (as "preparing", with a
    /// count of the files found so far), and the walk and the journal writes go on off the
    /// caller's thread. Returns the new groups' ids; [`Engine::cancel_batch`] stops one.
    pub fn enqueue_background(&self, requests: Vec<UploadRequest>) -> Vec<u32> {
        let groups = self.inner.groups_for(requests);
        let batches = groups.iter().map(|g| g.batch).collect();
        let me = self.inner.clone();
        self.inner.rt.spawn_blocking(move || {
            for g in groups {
                me.prepare(g, false);
            }
        });
        batches
    }

    /// Cancel one group: its folder walk stops, and its queued and running jobs end cancelled.
    pub fn cancel_batch(&self, batch: u32) {
        let ids = {
            let mut s = self.inner.lock();
            if let Some(t) = s.walks.remove(&batch) {
                t.cancel();
            }
            if let Some(b) = s.board.batch_mut(batch) {
                b.preparing = None;
            }
            s.board.unfinished_of(batch)
        };
        self.inner.touch();
        self.inner.cancel_many(&ids);
    }

    /// Cancel one job (queued or running). A file already on Wix stays there.
    pub fn cancel(&self, id: JobId) {
        self.inner.cancel_many(&[id]);
    }

    /// Cancel everything: walks in progress, queued and running jobs.
    pub fn cancel_all(&self) {
        let ids: Vec<JobId> = {
            let mut s = self.inner.lock();
            for (b, t) in std::mem::take(&mut s.walks) {
                t.cancel();
                if let Some(b) = s.board.batch_mut(b) {
                    b.preparing = None;
                }
            }
            s.queue.iter().chain(s.running.iter()).copied().collect()
        };
        self.inner.touch();
        self.inner.cancel_many(&ids);
    }

    /// No new job starts, and running transfers hold at their next piece of data.
    pub fn pause(&self) {
        self.inner.paused.send_replace(true);
        self.inner.emit_total();
        self.inner.touch();
    }

    pub fn resume(&self) {
        self.inner.paused.send_replace(false);
        self.inner.emit_total();
        self.inner.touch();
        self.inner.start_ready();
    }

    pub fn is_paused(&self) -> bool {
        *self.inner.paused.borrow()
    }

    /// Queue a failed or cancelled job again (a tus upload continues where it stopped).
    pub fn retry(&self, id: JobId) -> Result<(), UploadError> {
        self.requeue(id, false, &[Stage::Failed, Stage::Cancelled])
    }

    /// Upload a job that was skipped as a duplicate after all.
    pub fn upload_anyway(&self, id: JobId) -> Result<(), UploadError> {
        self.requeue(
            id,
            true,
            &[Stage::SkippedDuplicate, Stage::Failed, Stage::Cancelled],
        )
    }

    fn requeue(&self, id: JobId, anyway: bool, from: &[Stage]) -> Result<(), UploadError> {
        let rec = self.inner.journal.require(id)?;
        if !from.contains(&rec.state) {
            return Ok(());
        }
        let was = rec.state;
        if !self
            .inner
            .journal
            .claim(id, &self.inner.owner.id, |o| self.inner.owner.is_alive(o))?
        {
            return Err(UploadError::OwnedElsewhere);
        }
        self.inner
            .journal
            .requeue(id, anyway || rec.upload_anyway)?;
        let rec = self.inner.journal.require(id)?;
        {
            let mut s = self.inner.lock();
            if s.running.contains(&id) || s.queue.contains(&id) {
                return Ok(());
            }
            let ev = if let Some(batch) = s.board.batch_of(id) {
                s.board.requeued(view_of(&rec, batch), was)
            } else {
                let batch = s.board.named_batch(RETRIED);
                s.board.insert(view_of(&rec, batch))
            };
            s.queue.push_back(id);
            drop(s);
            self.inner.emit_all(ev);
        }
        self.inner.update_active();
        self.inner.start_ready();
        Ok(())
    }

    /// Every job of this session (and resumed ones), oldest first. For the CLI and tests; the
    /// window uses [`Engine::overview`] and [`Engine::rows`].
    /// Finished jobs are read back from the journal (the board keeps only their ids).
    pub fn snapshot(&self) -> Vec<JobView> {
        let slots = self.inner.lock().board.all_slots();
        self.inner.fill(slots)
    }

    /// How many jobs the board holds in full and as 8-byte summaries (memory tests).
    pub fn board_sizes(&self) -> BoardSizes {
        self.inner.lock().board.sizes()
    }

    /// The queue at a glance: counts, bytes, rate and ETA, overall and per group.
    pub fn overview(&self) -> QueueOverview {
        self.inner.overview()
    }

    /// The rows the window shows (see [`RowQuery`]).
    /// The board plans the page under its lock from its indexes; the finished rows of it are
    /// read from the journal afterwards, in one query.
    pub fn rows(&self, query: &RowQuery) -> RowPage {
        let plan = self.inner.lock().board.page(query);
        RowPage {
            total: plan.total,
            offset: plan.offset,
            revision: plan.revision,
            rows: self.inner.fill(plan.slots),
        }
    }

    /// Call `f` with a fresh [`QueueOverview`] after changes, at most once per progress
    /// interval (~100 ms) however many jobs changed; nothing while nothing changes. Ends with
    /// the engine.
    pub fn watch_overview(&self, f: impl Fn(QueueOverview) + Send + 'static) {
        let me = Arc::downgrade(&self.inner);
        let dirty = self.inner.dirty.clone();
        let root = self.inner.root.clone();
        let interval = self.inner.config.progress_interval;
        // The first one at once: the window shows the current state when it subscribes.
        dirty.notify_one();
        self.inner.rt.spawn(async move {
            loop {
                tokio::select! {
                    _ = dirty.notified() => {}
                    _ = root.cancelled() => return,
                }
                let Some(inner) = me.upgrade() else { return };
                let overview = inner.overview();
                drop(inner);
                f(overview);
                tokio::time::sleep(interval).await;
            }
        });
    }

    pub fn total(&self) -> TotalProgress {
        self.inner.lock().board.total(self.is_paused())
    }

    /// Drop finished jobs from [`Engine::snapshot`] (history keeps them).
    pub fn clear_finished(&self) {
        self.inner.lock().board.clear_finished();
        self.inner.touch();
    }

    /// Apply changed settings: concurrency and the bandwidth cap take effect at once; sizes and
    /// duplicate handling for jobs that start from now on.
    pub fn set_settings(&self, settings: Settings) {
        self.inner
            .bandwidth
            .set_limit(settings.bandwidth_limit_bytes_per_sec);
        *self
            .inner
            .settings
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = settings;
        self.inner.start_ready();
    }

    /// Resolves when nothing is queued or running (a paused queue with jobs is not idle).
    pub async fn wait_idle(&self) {
        let mut rx = self.inner.active.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// Stop every transfer where it stands (journal untouched) and wait for them to end.
    pub async fn shutdown(self) {
        self.inner.root.cancel();
        let mut rx = self.inner.active.subscribe();
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            rx.wait_for(|_| self.inner.lock().running.is_empty()),
        )
        .await;
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.inner.root.cancel();
        // Its transfers stop where they stand; another engine may take the jobs over now.
        self.inner.owner.release();
        self.inner.workspace.clear();
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Sched> {
        self.sched.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    fn emit_all(&self, events: Vec<UploadEvent>) {
        if !events.is_empty() {
            self.touch();
        }
        for e in events {
            (self.emit)(e);
        }
    }

    /// Something the window could show changed.
    fn touch(&self) {
        self.dirty.notify_one();
    }

    /// Rows for slots: the board's views as they are, the summarized ones read from the
    /// journal in one query (a row gone from the journal is left out).
    fn fill(&self, slots: Vec<Slot>) -> Vec<JobView> {
        let ids: Vec<JobId> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Journal(id, _) => Some(*id),
                Slot::View(_) => None,
            })
            .collect();
        let mut records: HashMap<JobId, JobRecord> = if ids.is_empty() {
            HashMap::new()
        } else {
            match self.journal.jobs_by_ids(&ids) {
                Ok(r) => r.into_iter().map(|r| (r.id, r)).collect(),
                Err(e) => {
                    self.notice(format!(
                        "Finished uploads could not be read from the journal: {e}"
                    ));
                    HashMap::new()
                }
            }
        };
        slots
            .into_iter()
            .filter_map(|s| match s {
                Slot::View(v) => Some(*v),
                Slot::Journal(id, batch) => records.remove(&id).map(|r| finished_view(&r, batch)),
            })
            .collect()
    }

    fn overview(&self) -> QueueOverview {
        let paused = self.is_paused();
        self.lock().board.overview(paused)
    }

    /// One group per dropped folder, one for the loose files (named after the file if alone).
    fn groups_for(&self, requests: Vec<UploadRequest>) -> Vec<Group> {
        let (folders, files): (Vec<_>, Vec<_>) = requests
            .into_iter()
            .partition(|r| std::fs::metadata(&r.path).is_ok_and(|m| m.is_dir()));
        let mut s = self.lock();
        let mut out = Vec::new();
        if !files.is_empty() {
            let label = match files.as_slice() {
                [one] => one
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| one.path.display().to_string()),
                many => format!("{} files", many.len()),
            };
            let batch = s.board.new_batch(label, Some(0));
            out.push(Group {
                batch,
                requests: files,
                cancel: self.register_walk(&mut s, batch),
            });
        }
        for r in folders {
            let label = r
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| r.path.display().to_string());
            let batch = s.board.new_batch(label, Some(0));
            out.push(Group {
                batch,
                requests: vec![r],
                cancel: self.register_walk(&mut s, batch),
            });
        }
        drop(s);
        self.touch();
        out
    }

    fn register_walk(&self, s: &mut Sched, batch: u32) -> CancellationToken {
        let t = self.root.child_token();
        s.walks.insert(batch, t.clone());
        t
    }

    /// Walk a group's paths and journal + queue their files, [`ENQUEUE_BATCH`] per
    /// transaction; the group's "preparing" count grows as the walk goes. Stops when the group
    /// is cancelled. `collect`: return the ids (the synchronous [`Engine::enqueue`]).
    fn prepare(self: &Arc<Self>, g: Group, collect: bool) -> Vec<JobId> {
        let mut ids = Vec::new();
        let mut pending: Vec<(NewJob, ApiKey)> = Vec::with_capacity(ENQUEUE_BATCH);
        let mut found = 0u32;
        let mut problems = Vec::new();
        for r in &g.requests {
            let (base, segs) = r.folder.split();
            let go_on = scan::expand_each(&r.path, &mut problems, &mut |f| {
                if g.cancel.is_cancelled() {
                    return false;
                }
                let mut sub = segs.clone();
                sub.extend(f.sub_path);
                let size = std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0);
                pending.push((
                    NewJob {
                        path: f.path,
                        size,
                        profile: r.profile.clone(),
                        site_id: r.site_id.clone(),
                        base_folder_id: base.clone(),
                        sub_path: sub,
                        upload_anyway: r.upload_anyway,
                        private: r.private,
                    },
                    r.key.clone(),
                ));
                found += 1;
                if found.is_multiple_of(50) {
                    if let Some(b) = self.lock().board.batch_mut(g.batch) {
                        b.preparing = Some(found);
                    }
                    self.touch();
                }
                if pending.len() >= ENQUEUE_BATCH {
                    let done = self.queue_jobs(g.batch, std::mem::take(&mut pending));
                    if g.cancel.is_cancelled() {
                        // Cancelled while this batch was being written: it goes too.
                        self.cancel_many(&done);
                    }
                    if collect {
                        ids.extend(done);
                    }
                }
                true
            });
            if !go_on {
                break;
            }
        }
        if !g.cancel.is_cancelled() && !pending.is_empty() {
            let done = self.queue_jobs(g.batch, pending);
            if collect {
                ids.extend(done);
            }
        }
        {
            let mut s = self.lock();
            s.walks.remove(&g.batch);
            if let Some(b) = s.board.batch_mut(g.batch) {
                b.preparing = None;
            }
        }
        self.touch();
        for p in problems {
            self.notice(p);
        }
        ids
    }

    /// Journal a batch of new jobs in one transaction, put them on the board and the queue.
    fn queue_jobs(self: &Arc<Self>, batch: u32, jobs: Vec<(NewJob, ApiKey)>) -> Vec<JobId> {
        let news: Vec<NewJob> = jobs.iter().map(|(j, _)| j.clone()).collect();
        let ids = match self.journal.insert_jobs(&news, &self.owner.id) {
            Ok(ids) => ids,
            Err(e) => {
                self.notice(format!(
                    "{} file{} could not be queued: the upload journal refused them ({e}).",
                    news.len(),
                    if news.len() == 1 { "" } else { "s" }
                ));
                return Vec::new();
            }
        };
        let mut events = Vec::with_capacity(ids.len());
        {
            let mut s = self.lock();
            for (id, (j, key)) in ids.iter().zip(jobs) {
                s.keys.insert(*id, key);
                s.queue.push_back(*id);
                events.extend(s.board.insert(view_of_new(*id, &j, batch)));
            }
        }
        self.emit_all(events);
        self.update_active();
        self.start_ready();
        ids
    }

    /// Cancel jobs: queued ones end at once (one journal transaction for all), running ones
    /// stop at their next piece of data and end through [`Inner::conclude`].
    fn cancel_many(&self, ids: &[JobId]) {
        let wanted: HashSet<JobId> = ids.iter().copied().collect();
        let queued: Vec<JobId> = {
            let mut s = self.lock();
            let mut queued = Vec::new();
            s.queue.retain(|q| {
                let hit = wanted.contains(q);
                if hit {
                    queued.push(*q);
                }
                !hit
            });
            for id in ids {
                if let Some(t) = s.cancels.get(id) {
                    t.cancel();
                }
            }
            for id in &queued {
                s.keys.remove(id);
            }
            queued
        };
        if queued.is_empty() {
            return;
        }
        let _ = self.journal.finish_many(&queued, Stage::Cancelled);
        let paused = self.is_paused();
        let mut events = Vec::new();
        {
            let mut s = self.lock();
            for id in &queued {
                events.extend(s.board.change(*id, paused, |v| v.stage = Stage::Cancelled));
            }
        }
        // A job's own event per job for the CLI; the window gets one overview.
        self.emit_all(events);
        self.update_active();
        self.idle_total();
    }

    /// When nothing is queued or running, send the total the throttle held back.
    fn idle_total(&self) {
        let paused = self.is_paused();
        let ev = {
            let mut s = self.lock();
            if !s.queue.is_empty() || !s.running.is_empty() {
                return;
            }
            s.board.flush_total(paused)
        };
        self.emit_all(ev.into_iter().collect());
    }

    pub fn notice(&self, message: String) {
        (self.emit)(UploadEvent::Notice { message });
    }

    fn emit_total(&self) {
        let t = self.lock().board.total(self.is_paused());
        (self.emit)(UploadEvent::Total { total: t });
    }

    /// Journal one file and queue it.
    #[allow(clippy::too_many_arguments)]
    pub fn enqueue_file(
        self: &Arc<Self>,
        path: PathBuf,
        profile: &str,
        key: &ApiKey,
        site_id: &str,
        base: &str,
        sub_path: Vec<String>,
        upload_anyway: bool,
    ) -> Option<JobId> {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let new = NewJob {
            path,
            size,
            profile: profile.into(),
            site_id: site_id.into(),
            base_folder_id: base.into(),
            sub_path,
            upload_anyway,
            private: false,
        };
        let rec = match self
            .journal
            .insert_job(&new, &self.owner.id)
            .and_then(|id| self.journal.require(id))
        {
            Ok(rec) => rec,
            Err(e) => {
                self.notice(format!("{} could not be queued: {e}", new.path.display()));
                return None;
            }
        };
        let ev = {
            let mut s = self.lock();
            s.keys.insert(rec.id, key.clone());
            s.queue.push_back(rec.id);
            let batch = s.board.named_batch(WATCHED);
            s.board.insert(view_of(&rec, batch))
        };
        self.emit_all(ev);
        self.update_active();
        self.start_ready();
        Some(rec.id)
    }

    /// A visible change to one job (always emitted).
    pub fn change(&self, id: JobId, f: impl FnOnce(&mut JobView)) {
        let paused = self.is_paused();
        let ev = self.lock().board.change(id, paused, f);
        self.emit_all(ev);
    }

    /// Bytes moved (throttled).
    pub fn progress(&self, id: JobId, bytes: u64) {
        let paused = self.is_paused();
        let ev = self.lock().board.progress(id, bytes, paused);
        self.touch();
        self.emit_all(ev);
    }

    fn update_active(&self) {
        let n = {
            let s = self.lock();
            s.queue.len() + s.running.len()
        };
        self.active.send_replace(n);
    }

    /// Start queued jobs while there is room.
    fn start_ready(self: &Arc<Self>) {
        if self.root.is_cancelled() {
            return;
        }
        let limit = self.settings().concurrency.max(1) as usize;
        let paused = self.is_paused();
        let mut s = self.lock();
        while !paused && s.running.len() < limit {
            let Some(id) = s.queue.pop_front() else { break };
            let token = self.root.child_token();
            s.running.insert(id);
            s.cancels.insert(id, token.clone());
            let key = s.keys.get(&id).cloned();
            let me = self.clone();
            self.rt.spawn(async move { me.run(id, key, token).await });
        }
    }

    async fn run(self: Arc<Self>, id: JobId, key: Option<ApiKey>, token: CancellationToken) {
        let result = tokio::select! {
            r = job::run(&self, id, key, token.clone()) => r,
            _ = token.cancelled() => Err(UploadError::Cancelled),
        };
        if !self.root.is_cancelled() {
            self.conclude(id, result);
        }
        {
            let mut s = self.lock();
            s.running.remove(&id);
            s.cancels.remove(&id);
            s.keys.remove(&id);
        }
        self.update_active();
        self.start_ready();
        self.idle_total();
    }

    /// Record a job's end in the journal and on the board.
    fn conclude(&self, id: JobId, result: Result<Finish, UploadError>) {
        match result {
            Ok(Finish::Done { file, warning }) => self.change(id, |v| {
                v.stage = Stage::Done;
                v.bytes_done = v.size;
                v.file = Some(file);
                if warning.is_some() {
                    v.warning = warning;
                }
            }),
            Ok(Finish::Duplicate(earlier)) => {
                let _ = self.journal.finish_duplicate(id, &earlier);
                self.change(id, |v| {
                    v.stage = Stage::SkippedDuplicate;
                    v.duplicate_of = Some(earlier);
                });
            }
            Err(UploadError::Cancelled) => {
                // Cancelled after Wix already had the file: it is uploaded, say so.
                match self
                    .journal
                    .job(id)
                    .ok()
                    .flatten()
                    .filter(|r| r.wix_file_id.is_some())
                {
                    Some(r) => {
                        let _ = self.journal.finish_done(
                            id,
                            r.wix_file_id.as_deref().unwrap_or_default(),
                            r.wix_url.as_deref(),
                            Some("PENDING"),
                        );
                        self.change(id, |v| {
                            v.stage = Stage::Done;
                            v.warning = Some("Cancelled while Wix was still processing the file; it is uploaded.".into());
                        });
                    }
                    None => {
                        let _ = self.journal.finish(id, Stage::Cancelled, None);
                        self.change(id, |v| v.stage = Stage::Cancelled);
                    }
                }
            }
            Err(e) => {
                let failure = e.failure();
                let _ = self
                    .journal
                    .finish(id, Stage::Failed, Some(&failure.message));
                self.change(id, |v| {
                    v.stage = Stage::Failed;
                    v.error = Some(failure);
                });
            }
        }
    }
}

/// While jobs run, send the progress the throttle held back once its interval is over, so a
/// burst that ends inside an interval (a small file's whole body) is still shown. Ends with the
/// engine.
fn spawn_progress_flusher(inner: &Arc<Inner>) {
    let me = Arc::downgrade(inner);
    let mut active = inner.active.subscribe();
    let interval = inner.config.progress_interval;
    inner.rt.spawn(async move {
        // An error here means the engine is gone.
        while active.wait_for(|n| *n > 0).await.is_ok() {
            tokio::time::sleep(interval).await;
            let Some(i) = me.upgrade() else { return };
            let paused = i.is_paused();
            let ev = i.lock().board.flush(paused);
            i.emit_all(ev);
        }
    });
}

/// The board's view of a journal record.
pub(crate) fn view_of(r: &JobRecord, batch: u32) -> JobView {
    JobView {
        id: r.id,
        batch,
        path: r.path.display().to_string(),
        file_name: r.file_name.clone(),
        profile: r.profile.clone(),
        site_id: r.site_id.clone(),
        folder: r.folder_label(),
        size: r.size,
        mime_type: r.mime_type.clone(),
        media_type: r.media_type,
        stage: if r.state.is_final() {
            r.state
        } else {
            Stage::Queued
        },
        bytes_done: 0,
        rate: 0.0,
        eta_secs: None,
        file: None,
        duplicate_of: None,
        error: r.error.as_ref().map(|m| super::types::JobFailure {
            message: m.clone(),
            server_message: None,
            status: None,
            diagnosis: None,
        }),
        warning: None,
        prepared: r.location.map(|location| super::types::PreparedView {
            location,
            sent_size: r.sent_size.unwrap_or(r.size),
            original_size: r.size,
        }),
        private: r.private,
    }
}

/// The row of a finished job the board keeps only as a summary, from its journal record: the
/// Wix file (done) or the earlier upload (skipped) are journaled with the job.
pub(crate) fn finished_view(r: &JobRecord, batch: u32) -> JobView {
    let file = r
        .wix_file_id
        .clone()
        .map(|file_id| super::types::UploadedFile {
            file_id,
            url: r.wix_url.clone(),
            status: r
                .operation_status
                .as_deref()
                .map(crate::wix::media::OperationStatus::parse),
        });
    let done = r.state == Stage::Done;
    JobView {
        stage: r.state,
        bytes_done: if done { r.size } else { 0 },
        file: if done { file.clone() } else { None },
        duplicate_of: if r.state == Stage::SkippedDuplicate {
            file
        } else {
            None
        },
        ..view_of(r, batch)
    }
}

/// The board's view of a job just written to the journal.
fn view_of_new(id: JobId, j: &NewJob, batch: u32) -> JobView {
    JobView {
        id,
        batch,
        path: j.path.display().to_string(),
        file_name: j.file_name(),
        profile: j.profile.clone(),
        site_id: j.site_id.clone(),
        folder: j.folder_label(),
        size: j.size,
        mime_type: None,
        media_type: None,
        stage: Stage::Queued,
        bytes_done: 0,
        rate: 0.0,
        eta_secs: None,
        file: None,
        duplicate_of: None,
        error: None,
        warning: None,
        prepared: None,
        private: j.private,
    }
}

/// One drop's group: its paths and the token that stops its walk.
struct Group {
    batch: u32,
    requests: Vec<UploadRequest>,
    cancel: CancellationToken,
}
