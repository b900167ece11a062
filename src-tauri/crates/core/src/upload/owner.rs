//! Which running Wixdrop owns a job, so that the app and the CLI (or two CLI runs) sharing one
//! journal never send the same file at the same time.
//!
//! Every engine holds an exclusive lock on its own file in `owners/` next to the journal for
//! as long as it lives; the operating system drops the lock when the process ends, however it
//! ends (`kill -9` included). A job records the owner that queued or resumed it. Another engine
//! takes a job over only when the owner's lock can be taken, i.e. that process is gone — a
//! compare-and-swap in SQLite, so two engines starting together cannot both take it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// This engine's identity and the lock that proves it is alive.
#[derive(Debug)]
pub(crate) struct Owner {
    pub id: String,
    dir: Option<PathBuf>,
    lock: Mutex<Option<File>>,
}

impl Owner {
    /// For a journal at `journal_path` (`None`: in memory, nobody else can see it).
    pub fn new(journal_path: Option<&Path>) -> Owner {
        let id = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
        let Some(dir) = journal_path
            .and_then(Path::parent)
            .map(|d| d.join("owners"))
        else {
            return Owner {
                id,
                dir: None,
                lock: Mutex::new(None),
            };
        };
        // Without a lock file this engine still works; others then see it as gone, which is
        // the pre-lock behaviour, never a lost job.
        let lock = std::fs::create_dir_all(&dir)
            .and_then(|_| {
                OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(dir.join(format!("{id}.lock")))
            })
            .and_then(|f| f.try_lock().map(|_| f).map_err(std::io::Error::from))
            .ok();
        Owner {
            id,
            dir: Some(dir),
            lock: Mutex::new(lock),
        }
    }

    /// Is the engine `other` still running (in this or another process)?
    pub fn is_alive(&self, other: &str) -> bool {
        if other == self.id {
            return true;
        }
        let Some(dir) = &self.dir else { return false };
        if other.contains(['/', '\\']) || other.starts_with('.') {
            return false;
        }
        let path = dir.join(format!("{other}.lock"));
        let Ok(f) = OpenOptions::new().write(true).open(&path) else {
            return false;
        };
        match f.try_lock() {
            Ok(()) => {
                // Its process is gone: tidy up after it.
                let _ = std::fs::remove_file(&path);
                false
            }
            Err(TryLockError::WouldBlock) => true,
            Err(TryLockError::Error(_)) => false,
        }
    }
}

impl Owner {
    /// Give the claim up (the engine stopped): others see this owner as gone from now on.
    pub fn release(&self) {
        if let Some(f) = self.lock.lock().unwrap_or_else(|p| p.into_inner()).take() {
            drop(f);
            if let Some(dir) = &self.dir {
                let _ = std::fs::remove_file(dir.join(format!("{}.lock", self.id)));
            }
        }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_owner_is_seen_and_a_dropped_one_is_not() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("journal.sqlite");
        let a = Owner::new(Some(&db));
        let b = Owner::new(Some(&db));
        assert_ne!(a.id, b.id);
        assert!(b.is_alive(&a.id) && a.is_alive(&b.id));
        let gone = a.id.clone();
        drop(a);
        assert!(!b.is_alive(&gone));
        assert!(!b.is_alive("../../etc/passwd"));
        assert!(!b.is_alive("never-existed"));
        // A process killed outright leaves its file behind, unlocked: gone, and tidied away.
        let orphan = d.path().join("owners/99999-dead.lock");
        std::fs::write(&orphan, b"").unwrap();
        assert!(!b.is_alive("99999-dead") && !orphan.exists());
        let mem = Owner::new(None);
        assert!(mem.is_alive(&mem.id) && !mem.is_alive(&b.id));
    }
}
