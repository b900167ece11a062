//! The board: every job of this session as the UI sees it, with smoothed rates and ETAs, and
//! the throttle that keeps events to about 10 per second per job (and for the total) without
//! ever dropping a stage change or a final state. The window does not get these per-job
//! events: it gets [`Board::overview`] (counts per stage and per drop, O(groups) in size) at
//! most every ~100 ms, and asks for the rows it shows with [`Board::page`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::types::{
    GroupSummary, JobId, JobView, QueueOverview, RowFilter, RowQuery, Stage, StageCounts,
    TotalProgress, UploadEvent,
};

/// How long a transfer runs before its speed is first shown.
const FIRST_SAMPLE: Duration = Duration::from_millis(600);

/// Smoothed bytes per second: an exponential moving average over samples ≥ 100 ms apart, the
/// first one over at least [`FIRST_SAMPLE`] (a transfer's first moments are a burst: the speed
/// limit's bucket, socket buffers), so a new transfer does not show a speed above the limit.
#[derive(Debug, Clone)]
struct Meter {
    last_emit: Option<Instant>,
    sample_at: Instant,
    sample_bytes: u64,
    rate: f64,
    /// Bytes moved since the last event: the next flush sends them.
    unsent: bool,
}

impl Meter {
    fn new() -> Meter {
        Meter {
            last_emit: None,
            sample_at: Instant::now(),
            sample_bytes: 0,
            rate: 0.0,
            unsent: false,
        }
    }

    fn reset(&mut self, bytes: u64) {
        self.sample_at = Instant::now();
        self.sample_bytes = bytes;
        self.rate = 0.0;
    }

    fn sample(&mut self, bytes: u64, now: Instant) {
        let dt = now.duration_since(self.sample_at).as_secs_f64();
        let least = if self.rate == 0.0 {
            FIRST_SAMPLE.as_secs_f64()
        } else {
            0.1
        };
        if dt < least {
            return;
        }
        let inst = bytes.saturating_sub(self.sample_bytes) as f64 / dt;
        self.rate = if self.rate == 0.0 {
            inst
        } else {
            0.3 * inst + 0.7 * self.rate
        };
        self.sample_at = now;
        self.sample_bytes = bytes;
    }
}

struct Entry {
    view: JobView,
    meter: Meter,
}

/// One drop: its name, while its folder is walked how many files were found so far, and its
/// jobs indexed by where they are in the row order (failures, in progress, finished), with
/// counters kept up to date on every state change so nothing counts by walking the jobs.
pub(crate) struct Batch {
    pub label: String,
    pub preparing: Option<u32>,
    counts: StageCounts,
    bytes_total: u64,
    bytes_done: u64,
    /// Unfinished jobs (their full detail is in [`Board::full`]).
    live: BTreeSet<JobId>,
    /// Failed jobs, kept in full: their failure (Wix's words, the diagnosis) is not journaled.
    failed: BTreeSet<JobId>,
    /// Done, skipped and cancelled jobs, ascending: 8 bytes each, their rows are read back
    /// from the journal a page at a time.
    finished: Vec<JobId>,
}

impl Batch {
    fn new(label: String, preparing: Option<u32>) -> Batch {
        Batch {
            label,
            preparing,
            counts: StageCounts::default(),
            bytes_total: 0,
            bytes_done: 0,
            live: BTreeSet::new(),
            failed: BTreeSet::new(),
            finished: Vec::new(),
        }
    }
}

/// One row of a [`PagePlan`]: shown from memory, or to be read from the journal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Slot {
    View(Box<JobView>),
    /// A finished job of this group, summarized in memory: its row is in the journal.
    Journal(JobId, u32),
}

/// A page of rows before the finished ones are read from the journal (the engine does that
/// outside the board's lock, one query per page).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PagePlan {
    pub total: u32,
    pub offset: u32,
    pub slots: Vec<Slot>,
    pub revision: u64,
}

/// Sizes of the board's per-job structures, for tests that pin its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardSizes {
    /// Jobs held with their full detail (names, paths, descriptors).
    pub full: usize,
    /// Finished jobs held as an 8-byte id only.
    pub summarized: usize,
    /// Capacity of the summaries' vectors (what they occupy, in ids).
    pub summary_capacity: usize,
}

pub(crate) struct Board {
    /// Jobs with their full detail: unfinished ones, failed ones, and finished ones that carry
    /// a warning (not journaled). Every other finished job is only an id in its group.
    full: BTreeMap<JobId, Entry>,
    batches: BTreeMap<u32, Batch>,
    next_batch: u32,
    counts: StageCounts,
    bytes_total: u64,
    bytes_done: u64,
    /// Jobs uploading now (their rates add up to the queue's).
    uploading: BTreeSet<JobId>,
    /// Jobs whose progress the throttle held back.
    unsent: BTreeSet<JobId>,
    /// Bumped by every change the window could show.
    revision: u64,
    last_total: Option<Instant>,
    total_unsent: bool,
    interval: Duration,
}

impl Board {
    pub fn new(interval: Duration) -> Board {
        Board {
            full: BTreeMap::new(),
            batches: BTreeMap::new(),
            next_batch: 1,
            counts: StageCounts::default(),
            bytes_total: 0,
            bytes_done: 0,
            uploading: BTreeSet::new(),
            unsent: BTreeSet::new(),
            revision: 0,
            last_total: None,
            total_unsent: false,
            interval,
        }
    }

    /// A new group for a drop.
    pub fn new_batch(&mut self, label: String, preparing: Option<u32>) -> u32 {
        let id = self.next_batch;
        self.next_batch += 1;
        self.batches.insert(id, Batch::new(label, preparing));
        self.revision += 1;
        id
    }

    /// The group with this label that is not being prepared (resumed jobs, a watched folder),
    /// made if there is none.
    pub fn named_batch(&mut self, label: &str) -> u32 {
        match self
            .batches
            .iter()
            .find(|(_, b)| b.label == label && b.preparing.is_none())
        {
            Some((id, _)) => *id,
            None => self.new_batch(label.to_string(), None),
        }
    }

    pub fn batch_mut(&mut self, id: u32) -> Option<&mut Batch> {
        self.revision += 1;
        self.batches.get_mut(&id)
    }

    /// The group a job of this session is in (finished ones too).
    pub fn batch_of(&self, id: JobId) -> Option<u32> {
        if let Some(e) = self.full.get(&id) {
            return Some(e.view.batch);
        }
        self.batches
            .iter()
            .find(|(_, b)| b.finished.binary_search(&id).is_ok())
            .map(|(k, _)| *k)
    }

    /// Unfinished jobs of one group.
    pub fn unfinished_of(&self, batch: u32) -> Vec<JobId> {
        self.batches
            .get(&batch)
            .map(|b| b.live.iter().copied().collect())
            .unwrap_or_default()
    }

    #[cfg(test)]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many jobs are held in full and as summaries.
    pub fn sizes(&self) -> BoardSizes {
        let (summarized, summary_capacity) = self.batches.values().fold((0, 0), |(n, c), b| {
            (n + b.finished.len(), c + b.finished.capacity())
        });
        BoardSizes {
            full: self.full.len(),
            summarized,
            summary_capacity,
        }
    }

    /// Add (`add`) or take away a job's share of its group's and the queue's counters.
    fn account(&mut self, batch: u32, stage: Stage, bytes: (u64, u64), add: bool) {
        let (t, d) = bytes;
        let apply = |c: &mut StageCounts, bt: &mut u64, bd: &mut u64| {
            if add {
                c.add(stage);
                *bt += t;
                *bd += d;
            } else {
                c.remove(stage);
                *bt = bt.saturating_sub(t);
                *bd = bd.saturating_sub(d);
            }
        };
        apply(
            &mut self.counts,
            &mut self.bytes_total,
            &mut self.bytes_done,
        );
        if let Some(b) = self.batches.get_mut(&batch) {
            apply(&mut b.counts, &mut b.bytes_total, &mut b.bytes_done);
        }
    }

    /// Put a job in its group's index for its stage, and count it.
    fn place(&mut self, v: &JobView) {
        self.account(v.batch, v.stage, bytes_of(v), true);
        if v.stage == Stage::Uploading {
            self.uploading.insert(v.id);
        } else {
            self.uploading.remove(&v.id);
        }
        let Some(b) = self.batches.get_mut(&v.batch) else {
            return;
        };
        match v.stage {
            Stage::Failed => {
                b.failed.insert(v.id);
            }
            s if s.is_final() => {
                if let Err(i) = b.finished.binary_search(&v.id) {
                    b.finished.insert(i, v.id);
                }
            }
            _ => {
                b.live.insert(v.id);
            }
        }
    }

    /// Take a job out of its group's index and counters (it is placed again after a change).
    fn unplace(&mut self, v: &JobView) {
        self.account(v.batch, v.stage, bytes_of(v), false);
        self.uploading.remove(&v.id);
        if let Some(b) = self.batches.get_mut(&v.batch) {
            b.live.remove(&v.id);
            b.failed.remove(&v.id);
        }
    }

    /// A finished job leaves memory but for its id, unless its row needs more than the
    /// journal keeps (a failure's detail, a warning).
    fn keeps_full(v: &JobView) -> bool {
        !v.stage.is_final() || v.stage == Stage::Failed || v.warning.is_some()
    }

    /// A job of this session goes (its summary too): it is about to be placed anew. `was`:
    /// the stage a summarized job ended in (summaries keep none; the journal had it).
    fn forget(&mut self, id: JobId, was: Option<(Stage, u64)>) {
        if let Some(e) = self.full.remove(&id) {
            self.unplace(&e.view);
            self.unsent.remove(&id);
            if let Some(b) = self.batches.get_mut(&e.view.batch) {
                if let Ok(i) = b.finished.binary_search(&id) {
                    b.finished.remove(i);
                }
            }
            return;
        }
        let hit = self.batches.iter_mut().find_map(|(k, b)| {
            let i = b.finished.binary_search(&id).ok()?;
            b.finished.remove(i);
            Some(*k)
        });
        if let (Some(batch), Some((stage, size))) = (hit, was) {
            let bytes = if stage == Stage::Done {
                (size, size)
            } else {
                (0, 0)
            };
            self.account(batch, stage, bytes, false);
        }
    }

    /// A finished job queued again (retry, upload anyway): `was` is the stage it had ended
    /// in, so its summary's share of the counters goes.
    pub fn requeued(&mut self, view: JobView, was: Stage) -> Vec<UploadEvent> {
        self.forget(view.id, Some((was, view.size)));
        self.insert(view)
    }

    pub fn insert(&mut self, view: JobView) -> Vec<UploadEvent> {
        let id = view.id;
        self.revision += 1;
        self.total_unsent = true;
        self.forget(id, None);
        self.place(&view);
        if Self::keeps_full(&view) {
            self.full.insert(
                id,
                Entry {
                    view: view.clone(),
                    meter: Meter::new(),
                },
            );
        }
        vec![UploadEvent::Job {
            job: Box::new(view),
        }]
    }

    /// Every job: the full ones as views, the summarized ones as ids to read from the journal.
    pub fn all_slots(&self) -> Vec<Slot> {
        let mut out: Vec<(JobId, Slot)> = self
            .full
            .values()
            .map(|e| (e.view.id, Slot::View(Box::new(e.view.clone()))))
            .collect();
        for (k, b) in &self.batches {
            for id in &b.finished {
                if !self.full.contains_key(id) {
                    out.push((*id, Slot::Journal(*id, *k)));
                }
            }
        }
        out.sort_by_key(|(id, _)| *id);
        out.into_iter().map(|(_, s)| s).collect()
    }

    /// Forget finished jobs (the UI's "Clear finished") and the groups left empty.
    pub fn clear_finished(&mut self) {
        let gone: Vec<JobView> = self
            .full
            .values()
            .filter(|e| e.view.stage.is_final())
            .map(|e| e.view.clone())
            .collect();
        for v in gone {
            self.full.remove(&v.id);
            self.unplace(&v);
        }
        for b in self.batches.values_mut() {
            b.finished = Vec::new();
            let c = &mut b.counts;
            (c.done, c.failed, c.cancelled, c.skipped) = (0, 0, 0, 0);
        }
        let c = &mut self.counts;
        (c.done, c.failed, c.cancelled, c.skipped) = (0, 0, 0, 0);
        // Finished jobs count no bytes but done ones: recount the bytes from what is left.
        self.bytes_total = 0;
        self.bytes_done = 0;
        for b in self.batches.values_mut() {
            b.bytes_total = 0;
            b.bytes_done = 0;
        }
        let live: Vec<(u32, (u64, u64))> = self
            .full
            .values()
            .map(|e| (e.view.batch, bytes_of(&e.view)))
            .collect();
        for (batch, (t, d)) in live {
            self.bytes_total += t;
            self.bytes_done += d;
            if let Some(b) = self.batches.get_mut(&batch) {
                b.bytes_total += t;
                b.bytes_done += d;
            }
        }
        self.batches
            .retain(|_, b| b.preparing.is_some() || b.counts.jobs() > 0);
        self.revision += 1;
        self.total_unsent = true;
    }

    /// A change that must be seen: the job's event at once; the total when its interval is
    /// over. The counters move by this job's difference only.
    pub fn change(
        &mut self,
        id: JobId,
        paused: bool,
        f: impl FnOnce(&mut JobView),
    ) -> Vec<UploadEvent> {
        let Some(old) = self.full.get(&id).map(|e| e.view.clone()) else {
            return Vec::new();
        };
        self.unplace(&old);
        let e = self.full.get_mut(&id).expect("just seen");
        let before = e.view.stage;
        f(&mut e.view);
        if e.view.stage != before {
            e.meter.reset(e.view.bytes_done);
        }
        if e.view.stage.is_final() {
            e.view.rate = 0.0;
            e.view.eta_secs = None;
        }
        let now = Instant::now();
        e.meter.last_emit = Some(now);
        e.meter.unsent = false;
        let job = e.view.clone();
        self.unsent.remove(&id);
        self.place(&job);
        if !Self::keeps_full(&job) {
            self.full.remove(&id);
        }
        self.revision += 1;
        self.total_unsent = true;
        let mut out = vec![UploadEvent::Job { job: Box::new(job) }];
        out.extend(self.due_total(now, paused));
        out
    }

    /// Bytes moved: update rate and ETA; emit only if this job's last event is old enough.
    pub fn progress(&mut self, id: JobId, bytes: u64, paused: bool) -> Vec<UploadEvent> {
        let now = Instant::now();
        let Some(e) = self.full.get_mut(&id) else {
            return Vec::new();
        };
        if e.view.stage.is_final() {
            return Vec::new();
        }
        let (_, before) = bytes_of(&e.view);
        e.view.bytes_done = bytes;
        let (_, after) = bytes_of(&e.view);
        e.meter.sample(bytes, now);
        e.view.rate = e.meter.rate;
        e.view.eta_secs =
            (e.meter.rate > 1.0).then(|| e.view.size.saturating_sub(bytes) as f64 / e.meter.rate);
        e.meter.unsent = true;
        let batch = e.view.batch;
        self.unsent.insert(id);
        self.bytes_done = (self.bytes_done + after).saturating_sub(before);
        if let Some(b) = self.batches.get_mut(&batch) {
            b.bytes_done = (b.bytes_done + after).saturating_sub(before);
        }
        self.total_unsent = true;
        self.revision += 1;
        self.due(now, paused, Some(id))
    }

    /// The updates the throttle held back, once their interval is over. Called on a timer, so
    /// the last bytes of a burst (a small file sent within one interval) are shown too.
    pub fn flush(&mut self, paused: bool) -> Vec<UploadEvent> {
        self.due(Instant::now(), paused, None)
    }

    /// The total now if a change since the last one was held back (the queue fell idle).
    pub fn flush_total(&mut self, paused: bool) -> Option<UploadEvent> {
        self.total_unsent.then(|| {
            self.last_total = Some(Instant::now());
            self.total_unsent = false;
            UploadEvent::Total {
                total: self.total(paused),
            }
        })
    }

    fn due_total(&mut self, now: Instant, paused: bool) -> Option<UploadEvent> {
        let old_enough = self
            .last_total
            .is_none_or(|t| now.duration_since(t) >= self.interval);
        if self.total_unsent && old_enough {
            self.last_total = Some(now);
            self.total_unsent = false;
            Some(UploadEvent::Total {
                total: self.total(paused),
            })
        } else {
            None
        }
    }

    /// Events for unsent changes whose interval is over: job `only`, or every job with
    /// progress held back (never a pass over all jobs).
    fn due(&mut self, now: Instant, paused: bool, only: Option<JobId>) -> Vec<UploadEvent> {
        let interval = self.interval;
        let old_enough = |t: Option<Instant>| t.is_none_or(|t| now.duration_since(t) >= interval);
        let ids: Vec<JobId> = match only {
            Some(id) => vec![id],
            None => self.unsent.iter().copied().collect(),
        };
        let mut out = Vec::new();
        for id in ids {
            let Some(e) = self.full.get_mut(&id) else {
                self.unsent.remove(&id);
                continue;
            };
            if e.meter.unsent && old_enough(e.meter.last_emit) {
                e.meter.last_emit = Some(now);
                e.meter.unsent = false;
                self.unsent.remove(&id);
                out.push(UploadEvent::Job {
                    job: Box::new(e.view.clone()),
                });
            }
        }
        out.extend(self.due_total(now, paused));
        out
    }

    /// Sum of the rates of the jobs uploading now.
    fn rate(&self) -> f64 {
        self.uploading
            .iter()
            .filter_map(|id| self.full.get(id))
            .map(|e| e.view.rate)
            .sum()
    }

    pub fn total(&self, paused: bool) -> TotalProgress {
        let rate = self.rate();
        let c = &self.counts;
        TotalProgress {
            jobs: c.jobs(),
            finished: c.jobs() - c.unfinished(),
            failed: c.failed,
            bytes_total: self.bytes_total,
            bytes_done: self.bytes_done,
            rate,
            eta_secs: (rate > 1.0)
                .then(|| self.bytes_total.saturating_sub(self.bytes_done) as f64 / rate),
            paused,
        }
    }

    /// The window's summary: counts, bytes, rate and ETA overall and per group, from counters
    /// kept on each change: its cost and size grow with the number of groups only.
    pub fn overview(&self, paused: bool) -> QueueOverview {
        let mut groups: Vec<GroupSummary> = self
            .batches
            .iter()
            .filter(|(_, b)| b.preparing.is_some() || b.counts.jobs() > 0)
            .map(|(id, b)| GroupSummary {
                batch: *id,
                label: b.label.clone(),
                preparing: b.preparing,
                counts: b.counts.clone(),
                bytes_total: b.bytes_total,
                bytes_done: b.bytes_done,
            })
            .collect();
        let preparing: u32 = self.batches.values().filter_map(|b| b.preparing).sum();
        groups.sort_by_key(|g| (g.counts.failed == 0, std::cmp::Reverse(g.batch)));
        let busy =
            self.counts.unfinished() > 0 || self.batches.values().any(|b| b.preparing.is_some());
        let rate = self.rate();
        QueueOverview {
            eta_secs: (rate > 1.0 && !paused)
                .then(|| self.bytes_total.saturating_sub(self.bytes_done) as f64 / rate),
            counts: self.counts.clone(),
            bytes_total: self.bytes_total,
            bytes_done: self.bytes_done,
            rate: if paused { 0.0 } else { rate },
            paused,
            busy,
            preparing,
            groups,
            revision: self.revision,
        }
    }

    /// A window of rows (see [`RowQuery`]): failures first, then jobs in progress, then
    /// finished ones, oldest first within each (with no group given: group by group within
    /// each). Walks the group indexes from the offset, never every job; finished rows come as
    /// [`Slot::Journal`] for the engine to read in one query.
    pub fn page(&self, q: &RowQuery) -> PagePlan {
        let cats: &[RowFilter] = match q.filter {
            RowFilter::All => &[RowFilter::Failed, RowFilter::InProgress, RowFilter::Done],
            RowFilter::Failed => &[RowFilter::Failed],
            RowFilter::InProgress => &[RowFilter::InProgress],
            RowFilter::Done => &[RowFilter::Done],
        };
        let limit = q.limit.min(500) as usize;
        let groups: Vec<(u32, &Batch)> = match q.batch {
            Some(id) => self.batches.get(&id).map(|b| (id, b)).into_iter().collect(),
            None => self.batches.iter().map(|(k, b)| (*k, b)).collect(),
        };
        let mut total = 0usize;
        let mut slots = Vec::new();
        let offset = q.offset as usize;
        let full = |id: &JobId| -> Option<Slot> {
            self.full
                .get(id)
                .map(|e| Slot::View(Box::new(e.view.clone())))
        };
        for c in cats {
            for (k, b) in &groups {
                let n = match c {
                    RowFilter::Failed => b.failed.len(),
                    RowFilter::InProgress => b.live.len(),
                    _ => b.finished.len(),
                };
                // The part of [total, total + n) that falls in [offset + taken, offset + limit).
                let from = (offset + slots.len()).max(total);
                let want = limit - slots.len();
                if want > 0 && from < total + n {
                    let skip = from - total;
                    match c {
                        RowFilter::Failed => {
                            slots.extend(b.failed.iter().skip(skip).take(want).filter_map(full))
                        }
                        RowFilter::InProgress => {
                            slots.extend(b.live.iter().skip(skip).take(want).filter_map(full))
                        }
                        _ => {
                            let end = (skip + want).min(n);
                            slots.extend(
                                b.finished[skip..end]
                                    .iter()
                                    .map(|id| full(id).unwrap_or(Slot::Journal(*id, *k))),
                            )
                        }
                    }
                }
                total += n;
            }
        }
        PagePlan {
            total: total as u32,
            offset: q.offset,
            slots,
            revision: self.revision,
        }
    }
}

/// (bytes that count, bytes of them sent) for one job: skipped, cancelled and failed jobs
/// count for nothing; processing and done ones in full.
fn bytes_of(v: &JobView) -> (u64, u64) {
    match v.stage {
        Stage::Done | Stage::Processing => (v.size, v.size),
        Stage::Uploading => (v.size, v.bytes_done.min(v.size)),
        Stage::Queued | Stage::Hashing | Stage::Preparing => (v.size, 0),
        Stage::Failed | Stage::Cancelled | Stage::SkippedDuplicate => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_transfer_shows_no_speed_before_its_first_sample_window() {
        let mut m = Meter::new();
        let t0 = Instant::now();
        m.reset(0);
        // A burst in the first moments (buffers, the limit's bucket) is not shown as the speed.
        m.sample(300_000, t0 + Duration::from_millis(200));
        assert_eq!(m.rate, 0.0);
        m.sample(1_400_000, t0 + Duration::from_millis(700));
        assert!((m.rate - 2_000_000.0).abs() < 50_000.0, "{}", m.rate);
        // Then every 100 ms, smoothed.
        m.sample(1_600_000, t0 + Duration::from_millis(800));
        assert!((m.rate - 2_000_000.0).abs() < 50_000.0, "{}", m.rate);
    }

    fn view(id: i64) -> JobView {
        JobView {
            id: JobId(id),
            batch: 1,
            path: "/x".into(),
            file_name: "x".into(),
            profile: "p".into(),
            site_id: "s".into(),
            folder: "media-root".into(),
            size: 1000,
            mime_type: None,
            media_type: None,
            stage: Stage::Uploading,
            bytes_done: 0,
            rate: 0.0,
            eta_secs: None,
            file: None,
            duplicate_of: None,
            error: None,
            warning: None,
            prepared: None,
            private: false,
        }
    }

    fn slot_ids(p: &PagePlan) -> Vec<i64> {
        p.slots
            .iter()
            .map(|s| match s {
                Slot::View(v) => v.id.0,
                Slot::Journal(id, _) => id.0,
            })
            .collect()
    }

    /// Finished jobs leave the board but for an 8-byte id each (their names, paths and
    /// descriptors are in the journal); counters stay right; *Clear finished* gives the memory
    /// back. Counts structures, not time.
    #[test]
    fn finished_jobs_are_summaries_and_clear_finished_frees_them() {
        let mut b = Board::new(Duration::from_millis(100));
        let g = b.new_batch("Shoot".into(), None);
        for i in 1..=5000 {
            b.insert(JobView {
                batch: g,
                stage: Stage::Queued,
                file: None,
                ..view(i)
            });
        }
        assert_eq!(b.sizes().full, 5000, "unfinished jobs keep their detail");
        for i in 1..=5000 {
            b.change(JobId(i), false, |v| v.stage = Stage::Uploading);
            b.change(JobId(i), false, |v| {
                v.stage = if i % 1000 == 0 {
                    Stage::Failed
                } else if i % 10 == 0 {
                    Stage::SkippedDuplicate
                } else {
                    Stage::Done
                };
                v.file = Some(super::super::types::UploadedFile {
                    file_id: format!("file-{i}"),
                    url: Some(format!("https://static.example/{i}")),
                    status: None,
                });
            });
        }
        let sizes = b.sizes();
        assert_eq!(sizes.full, 5, "only the 5 failures are held in full");
        assert_eq!(sizes.summarized, 4995);
        assert!(sizes.summary_capacity <= 2 * 4995, "{sizes:?}");
        let o = b.overview(false);
        assert_eq!(
            (
                o.counts.done,
                o.counts.skipped,
                o.counts.failed,
                o.counts.unfinished()
            ),
            (4500, 495, 5, 0)
        );
        assert_eq!((o.bytes_total, o.bytes_done), (4500 * 1000, 4500 * 1000));
        assert_eq!(b.total(false).finished, 5000);
        let p = b.page(&RowQuery {
            batch: Some(g),
            filter: RowFilter::All,
            offset: 3,
            limit: 4,
        });
        assert_eq!(
            slot_ids(&p),
            vec![4000, 5000, 1, 2],
            "failures, then finished"
        );
        assert!(matches!(p.slots[1], Slot::View(_)) && matches!(p.slots[2], Slot::Journal(..)));

        // A skipped job queued again (upload anyway) leaves its summary and counts once.
        b.requeued(
            JobView {
                batch: g,
                stage: Stage::Queued,
                ..view(10)
            },
            Stage::SkippedDuplicate,
        );
        let o = b.overview(false);
        assert_eq!(
            (o.counts.skipped, o.counts.queued, o.counts.jobs()),
            (494, 1, 5000)
        );
        assert_eq!(b.sizes().summarized, 4994);

        b.clear_finished();
        let sizes = b.sizes();
        assert_eq!(
            (sizes.full, sizes.summarized, sizes.summary_capacity),
            (1, 0, 0),
            "memory back down"
        );
        let o = b.overview(false);
        assert_eq!(
            (o.counts.jobs(), o.bytes_total, o.groups.len()),
            (1, 1000, 1)
        );
    }

    #[test]
    fn progress_is_throttled_but_stage_changes_are_not() {
        let mut b = Board::new(Duration::from_millis(100));
        b.insert(view(1));
        let mut jobs = 0;
        for i in 0..1000 {
            jobs += b
                .progress(JobId(1), i, false)
                .iter()
                .filter(|e| matches!(e, UploadEvent::Job { .. }))
                .count();
        }
        assert!(jobs <= 2, "{jobs}");
        let ev = b.change(JobId(1), false, |v| v.stage = Stage::Done);
        assert!(matches!(&ev[0], UploadEvent::Job { job } if job.stage == Stage::Done));
        // The total is throttled too; the engine flushes it when the queue falls idle.
        assert!(
            matches!(b.flush_total(false), Some(UploadEvent::Total { total }) if total.finished == 1 && total.bytes_done == 1000)
        );
        assert!(b.flush_total(false).is_none(), "sent once");
        assert!(
            b.progress(JobId(1), 5, false).is_empty(),
            "nothing after the final state"
        );
    }

    #[test]
    fn held_back_bytes_are_flushed_once_the_interval_is_over() {
        let mut b = Board::new(Duration::from_millis(30));
        b.insert(view(1));
        assert_eq!(
            b.progress(JobId(1), 10, false).len(),
            2,
            "first bytes go at once"
        );
        assert!(b.progress(JobId(1), 1000, false).is_empty(), "throttled");
        assert!(b.flush(false).is_empty(), "not before the interval is over");
        std::thread::sleep(Duration::from_millis(40));
        let ev = b.flush(false);
        assert!(
            matches!(&ev[0], UploadEvent::Job { job } if job.bytes_done == 1000),
            "{ev:?}"
        );
        assert!(matches!(&ev[1], UploadEvent::Total { total } if total.bytes_done == 1000));
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.flush(false).is_empty(), "nothing new, nothing sent");
    }

    #[test]
    fn the_overview_counts_per_group_and_pages_put_failures_first() {
        let mut b = Board::new(Duration::from_millis(100));
        let holiday = b.new_batch("Holiday 2026".into(), Some(0));
        let loose = b.new_batch("2 files".into(), None);
        for i in 1..=1000 {
            b.insert(JobView {
                batch: holiday,
                stage: Stage::Queued,
                ..view(i)
            });
        }
        b.insert(JobView {
            batch: loose,
            stage: Stage::Queued,
            ..view(2001)
        });
        b.insert(JobView {
            batch: loose,
            stage: Stage::Queued,
            ..view(2002)
        });
        b.batch_mut(holiday).unwrap().preparing = Some(1000);
        for i in 1..=900 {
            b.change(JobId(i), false, |v| v.stage = Stage::Done);
        }
        for i in [950, 990, 999] {
            b.change(JobId(i), false, |v| v.stage = Stage::Failed);
        }
        b.change(JobId(2001), false, |v| v.stage = Stage::Uploading);
        let rev = b.revision();
        let o = b.overview(false);
        assert!(o.busy && o.preparing == 1000);
        assert_eq!(o.counts.done, 900);
        assert_eq!(o.counts.jobs(), 1002);
        assert_eq!(o.groups.len(), 2);
        let g = &o.groups[0];
        assert_eq!(
            (g.batch, g.label.as_str()),
            (holiday, "Holiday 2026"),
            "failures first"
        );
        assert_eq!(
            (g.counts.done, g.counts.failed, g.counts.queued),
            (900, 3, 97)
        );
        assert_eq!(o.groups[1].counts.active, 1);
        assert_eq!(o.revision, rev);

        let q = |filter, offset, limit| RowQuery {
            batch: Some(holiday),
            filter,
            offset,
            limit,
        };
        let p = b.page(&q(RowFilter::All, 0, 5));
        assert_eq!(p.total, 1000);
        let ids = slot_ids(&p);
        assert_eq!(
            ids,
            vec![950, 990, 999, 901, 902],
            "failures, then in progress"
        );
        let p = b.page(&q(RowFilter::Done, 899, 10));
        assert_eq!((p.total, slot_ids(&p)), (900, vec![900]));
        assert!(
            matches!(p.slots[0], Slot::Journal(JobId(900), b) if b == holiday),
            "a finished row is read from the journal"
        );
        assert_eq!(b.page(&q(RowFilter::Failed, 0, 10)).total, 3);
        assert_eq!(b.page(&q(RowFilter::InProgress, 0, 10_000)).slots.len(), 97);
        let all = b.page(&RowQuery {
            batch: None,
            filter: RowFilter::All,
            offset: 0,
            limit: 10_000,
        });
        assert_eq!(
            (all.total, all.slots.len()),
            (1002, 500),
            "pages are capped"
        );

        b.clear_finished();
        let o = b.overview(false);
        assert_eq!(o.counts.jobs(), 99, "97 queued + 2 loose");
        assert_eq!(b.page(&q(RowFilter::All, 0, 10)).total, 97);
    }
}
