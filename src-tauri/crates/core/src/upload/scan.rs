//! Turning dropped paths into files to upload: folders are walked (their tree becomes folder
//! names below the destination), and files nobody means to upload are left out — temp files of
//! browsers and editors, Office lock files, Finder and Explorer metadata, dotfiles.

use std::path::{Path, PathBuf};

/// A file to upload and the folder names (below the destination) it goes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub path: PathBuf,
    pub sub_path: Vec<String>,
}

/// Names that are never uploaded, from a folder walk or a watched folder.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || [
            ".part",
            ".crdownload",
            ".download",
            ".partial",
            ".tmp",
            ".temp",
            ".swp",
            "~",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Expand one dropped path. A file is itself (even if its name would be ignored in a walk: the
/// user chose it). A folder yields its files, sorted, with its own name as the first folder.
/// Unreadable subfolders are reported in `problems` and skipped.
pub(crate) fn expand(path: &Path, problems: &mut Vec<String>) -> Vec<Found> {
    let mut out = Vec::new();
    expand_each(path, problems, &mut |f| {
        out.push(f);
        true
    });
    out
}

/// [`expand`], one file at a time as the walk finds it (a 20,000-file folder is queued while it
/// is still being walked). `visit` returns false to stop the walk (cancelled); so does this.
pub(crate) fn expand_each(
    path: &Path,
    problems: &mut Vec<String>,
    visit: &mut dyn FnMut(Found) -> bool,
) -> bool {
    let is_dir = std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false);
    if !is_dir {
        return visit(Found {
            path: path.to_path_buf(),
            sub_path: Vec::new(),
        });
    }
    let root = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty());
    walk(path, root.into_iter().collect(), visit, problems, 0)
}

fn walk(
    dir: &Path,
    sub: Vec<String>,
    visit: &mut dyn FnMut(Found) -> bool,
    problems: &mut Vec<String>,
    depth: usize,
) -> bool {
    if depth > 64 {
        problems.push(format!("{} is nested too deeply; skipped.", dir.display()));
        return true;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(format!("Could not read the folder {}: {e}", dir.display()));
            return true;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_ignored(&name) {
            continue;
        }
        // Symlinked folders are not followed (loops); symlinked files are.
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            let mut s = sub.clone();
            s.push(name);
            if !walk(&p, s, visit, problems, depth + 1) {
                return false;
            }
        } else if (ft.is_file() || (ft.is_symlink() && p.is_file()))
            && !visit(Found {
                path: p,
                sub_path: sub.clone(),
            })
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_temp_lock_and_hidden_files() {
        for n in [
            ".DS_Store",
            ".hidden.jpg",
            "movie.mp4.part",
            "x.crdownload",
            "~$report.docx",
            "Thumbs.db",
            "a.tmp",
        ] {
            assert!(is_ignored(n), "{n}");
        }
        for n in ["photo.jpg", "report.docx", "part.jpg", "tmp.png"] {
            assert!(!is_ignored(n), "{n}");
        }
    }

    #[test]
    fn a_folder_becomes_its_tree() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("Holiday");
        std::fs::create_dir_all(root.join("day1/raw")).unwrap();
        std::fs::write(root.join("a.jpg"), b"1").unwrap();
        std::fs::write(root.join("day1/b.jpg"), b"2").unwrap();
        std::fs::write(root.join("day1/raw/c.jpg"), b"3").unwrap();
        std::fs::write(root.join("day1/.DS_Store"), b"x").unwrap();
        let mut problems = Vec::new();
        let found = expand(&root, &mut problems);
        let got: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    f.path.file_name().unwrap().to_string_lossy().into_owned(),
                    f.sub_path.join("/"),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.jpg".into(), "Holiday".into()),
                ("b.jpg".into(), "Holiday/day1".into()),
                ("c.jpg".into(), "Holiday/day1/raw".into())
            ]
        );
        assert!(problems.is_empty());
        assert_eq!(expand(&root.join("a.jpg"), &mut problems).len(), 1);
    }
}
