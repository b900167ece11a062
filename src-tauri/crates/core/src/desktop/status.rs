//! One line that says what the queue is doing, for the tray's menu and tooltip, where there is
//! no room for the window's overview: "Uploading 12 of 40…".

use crate::upload::QueueOverview;

/// The queue in one line. Counts every job the queue holds; a finished one is done, failed,
/// cancelled or skipped.
pub fn tray_line(o: &QueueOverview) -> String {
    let c = &o.counts;
    let total = c.queued + c.active + c.done + c.failed + c.cancelled + c.skipped;
    let finished = total - c.queued - c.active;
    if o.busy && o.paused {
        return format!("Paused: {finished} of {total} finished");
    }
    if o.busy {
        if total == 0 {
            return "Preparing files…".to_string();
        }
        // The file being sent is counted: the first of 40 is "1 of 40".
        return format!("Uploading {} of {total}…", (finished + 1).min(total));
    }
    match (total, c.failed) {
        (0, _) => "Nothing to upload".to_string(),
        (n, 0) => format!("{n} finished"),
        (n, f) => format!("{n} finished, {f} failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::StageCounts;

    fn o(busy: bool, paused: bool, counts: StageCounts) -> QueueOverview {
        QueueOverview {
            busy,
            paused,
            counts,
            bytes_total: 0,
            bytes_done: 0,
            rate: 0.0,
            eta_secs: None,
            preparing: 0,
            groups: Vec::new(),
            revision: 0,
        }
    }

    #[test]
    fn says_which_file_of_how_many() {
        let c = StageCounts {
            queued: 27,
            active: 2,
            done: 10,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(tray_line(&o(true, false, c.clone())), "Uploading 12 of 40…");
        assert_eq!(
            tray_line(&o(true, true, c.clone())),
            "Paused: 11 of 40 finished"
        );
        let done = StageCounts {
            done: 39,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(tray_line(&o(false, false, done)), "40 finished, 1 failed");
        assert_eq!(
            tray_line(&o(false, false, StageCounts::default())),
            "Nothing to upload"
        );
        assert_eq!(
            tray_line(&o(true, false, StageCounts::default())),
            "Preparing files…"
        );
    }
}
