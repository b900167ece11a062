//! What people and scripts see while files go up.
//!
//! - `--json`: one compact JSON object per file on stdout when that file ends
//!   ([`FileResult`]); nothing else on stdout.
//! - Not `--json`: one line per finished file on stdout, and a summary at the end.
//! - Progress bars (indicatif) on stderr, only when stderr is a terminal: one per active file
//!   (stage, bytes, rate, ETA, from the engine's own smoothed figures) and one overall bar.
//!   Lines and notices are printed around the bars (`suspend`) so the screen stays tidy.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use wixdrop_core::upload::mime::human_bytes;
use wixdrop_core::upload::{JobId, JobView, Stage, TotalProgress, UploadEvent};

/// One finished file, as `--json` prints it (one object per line).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileResult {
    /// The local file (absolute).
    pub path: String,
    /// `uploaded` | `skipped_duplicate` | `failed`.
    pub status: &'static str,
    /// The Wix file ID (for a skipped duplicate: the earlier upload's).
    pub file_id: Option<String>,
    pub url: Option<String>,
    /// The file's size.
    pub bytes: u64,
    /// Why it failed; `null` otherwise.
    pub error: Option<String>,
    /// Not fatal (still processing on Wix, over an unconfirmed size limit, resumed…).
    pub warning: Option<String>,
    /// The original's size when a prepared copy (`bytes`) was sent instead; else `null`.
    pub original_bytes: Option<u64>,
    /// A photo's location: `none`, `removed`, `kept`, `unknown`; `null` when not looked at.
    pub location: Option<&'static str>,
    /// Uploaded as a private file: `url` answers 403; `wixdrop files link FILE_ID` makes a
    /// temporary link.
    pub private: bool,
}

impl FileResult {
    /// The result of a job in a final stage; `None` while it is still going.
    pub fn of(v: &JobView) -> Option<FileResult> {
        let (status, file, error) = match v.stage {
            Stage::Done => ("uploaded", v.file.as_ref(), None),
            Stage::SkippedDuplicate => ("skipped_duplicate", v.duplicate_of.as_ref(), None),
            Stage::Failed => (
                "failed",
                None,
                Some(
                    v.error
                        .as_ref()
                        .map(failure_text)
                        .unwrap_or_else(|| "Failed.".into()),
                ),
            ),
            // Only an explicit cancel ends here (Ctrl-C leaves jobs unfinished instead).
            Stage::Cancelled => ("failed", None, Some("Cancelled.".into())),
            _ => return None,
        };
        Some(FileResult {
            path: v.path.clone(),
            status,
            file_id: file.map(|f| f.file_id.clone()),
            url: file.and_then(|f| f.url.clone()),
            bytes: v.size,
            error,
            warning: v.warning.clone(),
            original_bytes: v
                .prepared
                .as_ref()
                .filter(|p| p.sent_size != p.original_size)
                .map(|p| p.original_size),
            location: v.prepared.as_ref().map(|p| p.location.as_str()),
            private: v.private,
        })
    }

    /// `uploaded  /p/a.jpg  1.2 MB  https://…`
    pub fn line(&self) -> String {
        let word = match self.status {
            "uploaded" => crate::output::good_bad("uploaded", true),
            "failed" => crate::output::good_bad("failed  ", false),
            _ => "skipped ".to_string(),
        };
        let mut l = format!("{word}  {}  {}", self.path, human_bytes(self.bytes));
        if let Some(o) = self.original_bytes {
            l.push_str(&format!(" (was {})", human_bytes(o)));
        }
        match self.location {
            Some("removed") => l.push_str("  location removed"),
            Some("kept") => l.push_str("  has location"),
            _ => {}
        }
        if self.private {
            l.push_str("  private");
        }
        match self.status {
            // A private file's URL answers 403: name the command that makes a link instead.
            "uploaded" if self.private => {
                l.push_str(&format!(
                    "  share it with `wixdrop files link {}`",
                    self.file_id.as_deref().unwrap_or("FILE_ID")
                ));
            }
            "uploaded" => {
                l.push_str("  ");
                l.push_str(
                    self.url
                        .as_deref()
                        .or(self.file_id.as_deref())
                        .unwrap_or("-"),
                );
            }
            "skipped_duplicate" => {
                l.push_str("  already uploaded: ");
                l.push_str(
                    self.url
                        .as_deref()
                        .or(self.file_id.as_deref())
                        .unwrap_or("-"),
                );
            }
            _ => {
                l.push_str("  ");
                l.push_str(self.error.as_deref().unwrap_or(""));
            }
        }
        if let Some(w) = &self.warning {
            l.push_str(&format!("  ({w})"));
        }
        l
    }
}

/// Our sentence, plus Wix's own words when they add something.
fn failure_text(f: &wixdrop_core::upload::JobFailure) -> String {
    match &f.server_message {
        Some(s) if !f.message.contains(s.as_str()) => format!("{} (Wix said: {s})", f.message),
        _ => f.message.clone(),
    }
}

/// What a run did, for the summary and the exit status.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub uploaded: u32,
    pub skipped: u32,
    pub failed: u32,
    pub bytes_uploaded: u64,
}

struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    jobs: HashMap<JobId, ProgressBar>,
}

/// Turns engine events into output. One per run.
pub struct Reporter {
    json: bool,
    bars: Option<Bars>,
    reported: HashSet<JobId>,
    ignored: HashSet<JobId>,
    pub counts: Counts,
    started: Instant,
}

impl Reporter {
    /// Bars when stderr is a terminal (and `WIXDROP_PROGRESS` is not `0`).
    pub fn new(json: bool) -> Reporter {
        let want = std::io::stderr().is_terminal()
            && std::env::var("WIXDROP_PROGRESS").map_or(true, |v| v != "0");
        let bars = want.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            let total = multi.add(ProgressBar::new(0));
            total.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10.bold} [{bar:30.green/white}] {bytes:>10}/{total_bytes:<10} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            total.set_prefix("total");
            total.enable_steady_tick(Duration::from_millis(250));
            Bars {
                multi,
                total,
                jobs: HashMap::new(),
            }
        });
        Reporter {
            json,
            bars,
            reported: HashSet::new(),
            ignored: HashSet::new(),
            counts: Counts::default(),
            started: Instant::now(),
        }
    }

    /// Events of this job are not shown (a duplicate of a resumed job, withdrawn).
    pub fn ignore(&mut self, id: JobId) {
        self.ignored.insert(id);
        if let Some(b) = self.bars.as_mut().and_then(|b| b.jobs.remove(&id)) {
            b.finish_and_clear();
        }
    }

    /// A sentence for people on stderr (never stdout: scripts read that).
    pub fn note(&self, text: &str) {
        let say = || eprintln!("wixdrop: {text}");
        match &self.bars {
            Some(b) => b.multi.suspend(say),
            None => say(),
        }
    }

    pub fn event(&mut self, e: UploadEvent) {
        match e {
            UploadEvent::Job { job } => self.job(*job),
            UploadEvent::Total { total } => self.total(&total),
            UploadEvent::Notice { message } => self.note(&message),
        }
    }

    fn job(&mut self, v: JobView) {
        if self.ignored.contains(&v.id) || self.reported.contains(&v.id) {
            return;
        }
        if let Some(r) = FileResult::of(&v) {
            self.reported.insert(v.id);
            if let Some(b) = self.bars.as_mut().and_then(|b| b.jobs.remove(&v.id)) {
                b.finish_and_clear();
            }
            match r.status {
                "uploaded" => {
                    self.counts.uploaded += 1;
                    self.counts.bytes_uploaded += r.bytes;
                }
                "skipped_duplicate" => self.counts.skipped += 1,
                _ => self.counts.failed += 1,
            }
            self.print(&r);
            return;
        }
        let Some(bars) = self.bars.as_mut() else {
            return;
        };
        if v.stage == Stage::Queued {
            return;
        }
        let bar = bars.jobs.entry(v.id).or_insert_with(|| {
            let b = bars
                .multi
                .insert_before(&bars.total, ProgressBar::new(v.size.max(1)));
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10} [{bar:30.cyan/blue}] {bytes:>10}/{total_bytes:<10} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_prefix(short_name(&v.file_name, 10));
            b
        });
        bar.set_length(v.size.max(1));
        bar.set_position(v.bytes_done.min(v.size));
        bar.set_message(format!(
            "{:<10} {}",
            v.stage.as_str(),
            rate_eta(v.rate, v.eta_secs)
        ));
    }

    fn total(&mut self, t: &TotalProgress) {
        if let Some(b) = &self.bars {
            b.total.set_length(t.bytes_total.max(1));
            b.total.set_position(t.bytes_done.min(t.bytes_total));
            b.total.set_message(format!(
                "{}/{} files  {}",
                t.finished,
                t.jobs,
                rate_eta(t.rate, t.eta_secs)
            ));
        }
    }

    fn print(&self, r: &FileResult) {
        let text = if self.json {
            serde_json::to_string(r).unwrap_or_default()
        } else {
            r.line()
        };
        let out = || {
            let mut o = std::io::stdout().lock();
            let _ = writeln!(o, "{text}");
            let _ = o.flush();
        };
        match &self.bars {
            Some(b) => b.multi.suspend(out),
            None => out(),
        }
    }

    /// Clear the bars; print the summary for people.
    pub fn finish(&mut self, summary: bool) -> Counts {
        if let Some(b) = self.bars.take() {
            for (_, j) in b.jobs {
                j.finish_and_clear();
            }
            b.total.finish_and_clear();
            let _ = b.multi.clear();
        }
        let c = self.counts.clone();
        if summary && !self.json {
            let secs = self.started.elapsed().as_secs_f64();
            let mut s = format!(
                "{} uploaded, {} skipped (already uploaded), {} failed",
                c.uploaded, c.skipped, c.failed
            );
            if c.uploaded > 0 {
                s.push_str(&format!(
                    ": {} in {:.1} s",
                    human_bytes(c.bytes_uploaded),
                    secs
                ));
            }
            println!("{s}");
        }
        c
    }
}

fn rate_eta(rate: f64, eta: Option<f64>) -> String {
    let mut s = String::new();
    if rate > 1.0 {
        s.push_str(&format!("{}/s", human_bytes(rate as u64)));
    }
    if let Some(e) = eta.filter(|e| e.is_finite()) {
        let e = e.round() as u64;
        s.push_str(&format!("  ETA {}:{:02}", e / 60, e % 60));
    }
    s
}

fn short_name(name: &str, width: usize) -> String {
    let n = name.chars().count();
    if n <= width {
        name.to_string()
    } else {
        let tail: String = name.chars().skip(n - (width - 1)).collect();
        format!("…{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wixdrop_core::upload::{JobFailure, UploadedFile};

    fn view(stage: Stage) -> JobView {
        JobView {
            batch: 1,
            id: JobId(1),
            path: "/in/a.jpg".into(),
            file_name: "a.jpg".into(),
            profile: "p".into(),
            site_id: "s".into(),
            folder: "media-root".into(),
            size: 1234,
            mime_type: None,
            media_type: None,
            stage,
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

    #[test]
    fn results_have_a_fixed_shape() {
        assert!(FileResult::of(&view(Stage::Uploading)).is_none());
        let mut v = view(Stage::Done);
        v.file = Some(UploadedFile {
            file_id: "f1".into(),
            url: Some("https://x/f1".into()),
            status: None,
        });
        let j = serde_json::to_value(FileResult::of(&v).unwrap()).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"path": "/in/a.jpg", "status": "uploaded", "file_id": "f1", "url": "https://x/f1", "bytes": 1234, "error": null, "warning": null, "original_bytes": null, "location": null, "private": false})
        );
        let mut v = view(Stage::Failed);
        v.error = Some(JobFailure {
            message: "Bad.".into(),
            server_message: Some("nope".into()),
            status: Some(400),
            diagnosis: None,
        });
        let r = FileResult::of(&v).unwrap();
        assert_eq!(
            (r.status, r.error.as_deref()),
            ("failed", Some("Bad. (Wix said: nope)"))
        );
        assert_eq!(
            FileResult::of(&view(Stage::SkippedDuplicate))
                .unwrap()
                .status,
            "skipped_duplicate"
        );
    }

    #[test]
    fn names_are_shortened_from_the_left() {
        assert_eq!(short_name("a.jpg", 10), "a.jpg");
        assert_eq!(short_name("holiday-0001.jpg", 10), "…-0001.jpg");
    }
}
