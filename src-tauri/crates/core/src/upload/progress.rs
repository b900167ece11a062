//! The board: every job of this session as the UI sees it, with smoothed rates and ETAs, and
//! the throttle that keeps events to about 10 per second per job (and for the total) without
//! ever dropping a stage change or a final state.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::{Duration, Instant};

use super::types::{JobId, JobView, Stage, TotalProgress, UploadEvent};

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

pub(crate) struct Board {
    jobs: BTreeMap<JobId, Entry>,
    last_total: Option<Instant>,
    total_unsent: bool,
    interval: Duration,
}

impl Board {
    pub fn new(interval: Duration) -> Board {
        Board {
            jobs: BTreeMap::new(),
            last_total: None,
            total_unsent: false,
            interval,
        }
    }

    pub fn insert(&mut self, view: JobView) -> Vec<UploadEvent> {
        let id = view.id;
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

    /// Forget finished jobs (the UI's "Clear finished").
    pub fn clear_finished(&mut self) {
        self.jobs.retain(|_, e| !e.view.stage.is_final());
    }

    /// A change that must be seen: emitted at once, with a fresh total.
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
        e.meter.last_emit = Some(Instant::now());
        e.meter.unsent = false;
        let job = e.view.clone();
        let mut out = vec![UploadEvent::Job { job: Box::new(job) }];
        self.last_total = Some(Instant::now());
        self.total_unsent = false;
        out.push(UploadEvent::Total {
            total: self.total(paused),
        });
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
        self.due(now, paused, Some(id))
    }

    /// The updates the throttle held back, once their interval is over. Called on a timer, so
    /// the last bytes of a burst (a small file sent within one interval) are shown too.
    pub fn flush(&mut self, paused: bool) -> Vec<UploadEvent> {
        self.due(Instant::now(), paused, None)
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
        if self.total_unsent && old_enough(self.last_total) {
            self.last_total = Some(now);
            self.total_unsent = false;
            out.push(UploadEvent::Total {
                total: self.total(paused),
            });
        }
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
            match v.stage {
                Stage::Done => {
                    t.finished += 1;
                    t.bytes_total += v.size;
                    t.bytes_done += v.size;
                }
                Stage::Failed | Stage::Cancelled | Stage::SkippedDuplicate => {
                    t.finished += 1;
                    t.failed += u32::from(v.stage == Stage::Failed);
                }
                Stage::Processing => {
                    t.bytes_total += v.size;
                    t.bytes_done += v.size;
                }
                Stage::Uploading => {
                    t.bytes_total += v.size;
                    t.bytes_done += v.bytes_done.min(v.size);
                    t.rate += v.rate;
                }
                Stage::Queued | Stage::Hashing => t.bytes_total += v.size,
            }
        }
        t.eta_secs =
            (t.rate > 1.0).then(|| t.bytes_total.saturating_sub(t.bytes_done) as f64 / t.rate);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(id: i64) -> JobView {
        JobView {
            id: JobId(id),
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
        assert!(
            matches!(&ev[1], UploadEvent::Total { total } if total.finished == 1 && total.bytes_done == 1000)
        );
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
}
