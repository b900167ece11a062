//! The board: every job of this session as the UI sees it, with smoothed rates and ETAs, and
//! the throttle that keeps events to about 10 per second per job (and for the total) without
//! ever dropping a stage change or a final state. The window does not get these per-job
//! events: it gets [`Board::overview`] (counts per stage and per drop, O(groups) in size) at
//! most every ~100 ms, and asks for the rows it shows with [`Board::page`].

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::{Duration, Instant};

use super::types::{
    GroupSummary, JobId, JobView, QueueOverview, RowFilter, RowPage, RowQuery, Stage, StageCounts,
    TotalProgress, UploadEvent,
};

/// Smoothed bytes per second: an exponential moving average over samples ≥ 100 ms apart.
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
        if dt < 0.1 {
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

/// One drop's name and, while its folder is walked, how many files were found so far.
pub(crate) struct Batch {
    pub label: String,
    pub preparing: Option<u32>,
}

pub(crate) struct Board {
    jobs: BTreeMap<JobId, Entry>,
    batches: BTreeMap<u32, Batch>,
    next_batch: u32,
    /// Bumped by every change the window could show.
    revision: u64,
    last_total: Option<Instant>,
    total_unsent: bool,
    interval: Duration,
}

impl Board {
    pub fn new(interval: Duration) -> Board {
        Board {
            jobs: BTreeMap::new(),
            batches: BTreeMap::new(),
            next_batch: 1,
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
        self.batches.insert(id, Batch { label, preparing });
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

    /// Unfinished jobs of one group.
    pub fn unfinished_of(&self, batch: u32) -> Vec<JobId> {
        self.jobs
            .values()
            .filter(|e| e.view.batch == batch && !e.view.stage.is_final())
            .map(|e| e.view.id)
            .collect()
    }

    #[cfg(test)]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn insert(&mut self, view: JobView) -> Vec<UploadEvent> {
        let id = view.id;
        self.revision += 1;
        self.total_unsent = true;
        self.jobs.insert(
            id,
            Entry {
                view: view.clone(),
                meter: Meter::new(),
            },
        );
        vec![UploadEvent::Job {
            job: Box::new(view),
        }]
    }

    pub fn view(&self, id: JobId) -> Option<&JobView> {
        self.jobs.get(&id).map(|e| &e.view)
    }

    pub fn views(&self) -> Vec<JobView> {
        self.jobs.values().map(|e| e.view.clone()).collect()
    }

    /// Forget finished jobs (the UI's "Clear finished") and the groups left empty.
    pub fn clear_finished(&mut self) {
        self.jobs.retain(|_, e| !e.view.stage.is_final());
        let live: std::collections::HashSet<u32> =
            self.jobs.values().map(|e| e.view.batch).collect();
        self.batches
            .retain(|id, b| b.preparing.is_some() || live.contains(id));
        self.revision += 1;
        self.total_unsent = true;
    }

    /// A change that must be seen: the job's event at once; the total when its interval is
    /// over (a fresh total per change would cost a pass over every job, per job).
    pub fn change(
        &mut self,
        id: JobId,
        paused: bool,
        f: impl FnOnce(&mut JobView),
    ) -> Vec<UploadEvent> {
        let Some(e) = self.jobs.get_mut(&id) else {
            return Vec::new();
        };
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
        self.revision += 1;
        self.total_unsent = true;
        let mut out = vec![UploadEvent::Job { job: Box::new(job) }];
        out.extend(self.due_total(now, paused));
        out
    }

    /// Bytes moved: update rate and ETA; emit only if this job's last event is old enough.
    pub fn progress(&mut self, id: JobId, bytes: u64, paused: bool) -> Vec<UploadEvent> {
        let now = Instant::now();
        let Some(e) = self.jobs.get_mut(&id) else {
            return Vec::new();
        };
        if e.view.stage.is_final() {
            return Vec::new();
        }
        e.view.bytes_done = bytes;
        e.meter.sample(bytes, now);
        e.view.rate = e.meter.rate;
        e.view.eta_secs =
            (e.meter.rate > 1.0).then(|| e.view.size.saturating_sub(bytes) as f64 / e.meter.rate);
        e.meter.unsent = true;
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

    /// Events for unsent changes whose interval is over: job `only`, or every job.
    fn due(&mut self, now: Instant, paused: bool, only: Option<JobId>) -> Vec<UploadEvent> {
        let interval = self.interval;
        let old_enough = |t: Option<Instant>| t.is_none_or(|t| now.duration_since(t) >= interval);
        let range = match only {
            Some(id) => (Bound::Included(id), Bound::Included(id)),
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        let mut out = Vec::new();
        for (_, e) in self.jobs.range_mut(range) {
            if e.meter.unsent && old_enough(e.meter.last_emit) {
                e.meter.last_emit = Some(now);
                e.meter.unsent = false;
                out.push(UploadEvent::Job {
                    job: Box::new(e.view.clone()),
                });
            }
        }
        out.extend(self.due_total(now, paused));
        out
    }

    pub fn total(&self, paused: bool) -> TotalProgress {
        let mut t = TotalProgress {
            jobs: 0,
            finished: 0,
            failed: 0,
            bytes_total: 0,
            bytes_done: 0,
            rate: 0.0,
            eta_secs: None,
            paused,
        };
        for e in self.jobs.values() {
            let v = &e.view;
            t.jobs += 1;
            if v.stage.is_final() {
                t.finished += 1;
                t.failed += u32::from(v.stage == Stage::Failed);
            }
            let (total, done) = bytes_of(v);
            t.bytes_total += total;
            t.bytes_done += done;
            if v.stage == Stage::Uploading {
                t.rate += v.rate;
            }
        }
        t.eta_secs =
            (t.rate > 1.0).then(|| t.bytes_total.saturating_sub(t.bytes_done) as f64 / t.rate);
        t
    }

    /// The window's summary: counts, bytes, rate and ETA overall and per group. One pass over
    /// the jobs; its size grows with the number of groups only.
    pub fn overview(&self, paused: bool) -> QueueOverview {
        let mut groups: BTreeMap<u32, GroupSummary> = self
            .batches
            .iter()
            .map(|(id, b)| {
                (
                    *id,
                    GroupSummary {
                        batch: *id,
                        label: b.label.clone(),
                        preparing: b.preparing,
                        counts: StageCounts::default(),
                        bytes_total: 0,
                        bytes_done: 0,
                    },
                )
            })
            .collect();
        let mut counts = StageCounts::default();
        let (mut bytes_total, mut bytes_done, mut rate) = (0u64, 0u64, 0f64);
        for e in self.jobs.values() {
            let v = &e.view;
            let (t, d) = bytes_of(v);
            counts.add(v.stage);
            bytes_total += t;
            bytes_done += d;
            if v.stage == Stage::Uploading {
                rate += v.rate;
            }
            if let Some(g) = groups.get_mut(&v.batch) {
                g.counts.add(v.stage);
                g.bytes_total += t;
                g.bytes_done += d;
            }
        }
        let preparing: u32 = self.batches.values().filter_map(|b| b.preparing).sum();
        let mut groups: Vec<GroupSummary> = groups
            .into_values()
            .filter(|g| g.preparing.is_some() || g.counts.jobs() > 0)
            .collect();
        groups.sort_by_key(|g| (g.counts.failed == 0, std::cmp::Reverse(g.batch)));
        let busy = counts.unfinished() > 0 || self.batches.values().any(|b| b.preparing.is_some());
        QueueOverview {
            eta_secs: (rate > 1.0 && !paused)
                .then(|| bytes_total.saturating_sub(bytes_done) as f64 / rate),
            counts,
            bytes_total,
            bytes_done,
            rate: if paused { 0.0 } else { rate },
            paused,
            busy,
            preparing,
            groups,
            revision: self.revision,
        }
    }

    /// A window of rows (see [`RowQuery`]): failures first, then jobs in progress, then
    /// finished ones, oldest first within each.
    pub fn page(&self, q: &RowQuery) -> RowPage {
        let cats: &[RowFilter] = match q.filter {
            RowFilter::All => &[RowFilter::Failed, RowFilter::InProgress, RowFilter::Done],
            RowFilter::Failed => &[RowFilter::Failed],
            RowFilter::InProgress => &[RowFilter::InProgress],
            RowFilter::Done => &[RowFilter::Done],
        };
        let limit = q.limit.min(500) as usize;
        let mut total = 0u32;
        let mut rows = Vec::new();
        for c in cats {
            for e in self.jobs.values() {
                let v = &e.view;
                if q.batch.is_some_and(|b| b != v.batch) || !c.admits(v.stage) {
                    continue;
                }
                if total >= q.offset && rows.len() < limit {
                    rows.push(v.clone());
                }
                total += 1;
            }
        }
        RowPage {
            total,
            offset: q.offset,
            rows,
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
        Stage::Queued | Stage::Hashing => (v.size, 0),
        Stage::Failed | Stage::Cancelled | Stage::SkippedDuplicate => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        }
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
        let ids: Vec<i64> = p.rows.iter().map(|r| r.id.0).collect();
        assert_eq!(
            ids,
            vec![950, 990, 999, 901, 902],
            "failures, then in progress"
        );
        let p = b.page(&q(RowFilter::Done, 899, 10));
        assert_eq!((p.total, p.rows.len(), p.rows[0].id.0), (900, 1, 900));
        assert_eq!(b.page(&q(RowFilter::Failed, 0, 10)).total, 3);
        assert_eq!(b.page(&q(RowFilter::InProgress, 0, 10_000)).rows.len(), 97);
        let all = b.page(&RowQuery {
            batch: None,
            filter: RowFilter::All,
            offset: 0,
            limit: 10_000,
        });
        assert_eq!((all.total, all.rows.len()), (1002, 500), "pages are capped");

        b.clear_finished();
        let o = b.overview(false);
        assert_eq!(o.counts.jobs(), 99, "97 queued + 2 loose");
        assert_eq!(b.page(&q(RowFilter::All, 0, 10)).total, 97);
    }
}
