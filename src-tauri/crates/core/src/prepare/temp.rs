//! The temporary folder prepared copies live in, and its clean-up.
//!
//! Each running engine (the app, or one `wixdrop` run) gets its own folder,
//! `<data dir>/prepared/<owner id>/`, named like its lock in `owners/` (`upload::owner`), so
//! the app and the CLI sharing one data dir never remove each other's copies. A copy is removed
//! as soon as its job ends; the folder when the engine shuts down; and at start-up every folder
//! whose owner is no longer running (it crashed, or was `kill -9`ed) is removed.

use std::path::{Path, PathBuf};

/// One engine's folder of prepared copies.
#[derive(Debug)]
pub struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    /// The folder for `owner` under `root` (`<data dir>/prepared`), created on first use.
    pub fn new(root: &Path, owner: &str) -> Workspace {
        Workspace {
            dir: root.join(owner),
        }
    }

    /// The folder, created if needed.
    pub fn dir(&self) -> std::io::Result<&Path> {
        std::fs::create_dir_all(&self.dir)?;
        Ok(&self.dir)
    }

    /// Remove one prepared copy (quietly: a missing file is fine).
    pub fn remove(&self, path: &Path) {
        if path.starts_with(&self.dir) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Remove the whole folder (the engine is shutting down).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Remove the folders under `root` whose owner `is_alive` says is gone; how many were removed.
pub fn sweep(root: &Path, is_alive: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_alive(&name) && std::fs::remove_dir_all(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_owners_folders_go_live_ones_stay() {
        let d = tempfile::tempdir().unwrap();
        for o in ["alive", "dead"] {
            let w = Workspace::new(d.path(), o);
            std::fs::write(w.dir().unwrap().join("x.jpg"), b"x").unwrap();
        }
        assert_eq!(sweep(d.path(), |o| o == "alive"), 1);
        assert!(d.path().join("alive/x.jpg").exists());
        assert!(!d.path().join("dead").exists());
    }
}
