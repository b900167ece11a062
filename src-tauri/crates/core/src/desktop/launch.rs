//! What a launch of `wixdrop-desktop` asks for: the files and folders to queue, and whether to
//! start hidden (start at login).
//!
//! The same arguments arrive three ways: the first process's own `argv`, a second launch's
//! `argv` and working directory handed over by the single-instance plugin, and on macOS
//! `RunEvent::Opened` URLs. File managers pass plain paths (`%F` in a Linux desktop entry),
//! some pass `file://` URLs (`%U`, portals, macOS), and a terminal passes paths relative to *its*
//! working directory — not the running app's. [`parse_launch`] turns all of them into absolute
//! paths without touching the disk; [`parse_launch`]'s caller checks that they exist.

use std::path::{Path, PathBuf};

use url::Url;

/// Start hidden (only the tray): what the autostart entry passes.
pub const HIDDEN_FLAG: &str = "--hidden";

/// What one launch asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// Absolute paths, in the order given, each once.
    pub paths: Vec<PathBuf>,
    /// `--hidden` was given: start in the tray, no window.
    pub hidden: bool,
    /// Arguments that were not files and were left out, in plain words ("not a file: https://…").
    pub ignored: Vec<String>,
}

/// Parse `args` (without the program name) given in the working directory `cwd`.
///
/// - `--hidden` sets [`Launch::hidden`]; other arguments starting with `-` are options of the
///   OS or of WebDriver (`-psn_0_123` on macOS…) and are ignored, unless they follow `--`.
/// - `file://` URLs become paths (percent-decoded: `%20` is a space); any other URL is left out
///   with a reason. A Windows drive path (`C:\…`) is a path, not a URL.
/// - Relative paths are taken from `cwd`; `.` and `..` components are resolved textually so the
///   queue shows a clean name.
/// - Empty arguments and repeats are dropped.
pub fn parse_launch<S: AsRef<str>>(args: &[S], cwd: &Path) -> Launch {
    let mut out = Launch::default();
    let mut options_done = false;
    for raw in args.iter().map(AsRef::as_ref) {
        if raw.is_empty() {
            continue;
        }
        if !options_done && raw == "--" {
            options_done = true;
            continue;
        }
        if !options_done && raw == HIDDEN_FLAG {
            out.hidden = true;
            continue;
        }
        if !options_done && raw.starts_with('-') {
            continue;
        }
        match to_path(raw, cwd) {
            Ok(p) => {
                if !out.paths.contains(&p) {
                    out.paths.push(p);
                }
            }
            Err(why) => out.ignored.push(why),
        }
    }
    out
}

/// One argument → an absolute path, or why it is not one.
fn to_path(raw: &str, cwd: &Path) -> Result<PathBuf, String> {
    if let Some(scheme) = url_scheme(raw) {
        if !scheme.eq_ignore_ascii_case("file") {
            return Err(format!("not a file on this computer: {raw}"));
        }
        let url = Url::parse(raw).map_err(|_| format!("not a valid file:// address: {raw}"))?;
        // `file://host/…` names another machine; only local files can be uploaded.
        return url
            .to_file_path()
            .map_err(|_| format!("not a file on this computer: {raw}"));
    }
    let p = Path::new(raw);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    Ok(normalize(&joined))
}

/// `scheme` of `scheme://…` or `scheme:…`, if `raw` looks like a URL. One letter before `:` is
/// a Windows drive, not a scheme.
fn url_scheme(raw: &str) -> Option<&str> {
    let (scheme, rest) = raw.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && rest.starts_with("//") || valid && scheme.eq_ignore_ascii_case("file"))
        .then_some(scheme)
}

/// Resolve `.` and `..` without asking the disk (a `..` at the root stays at the root).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Launch {
        parse_launch(args, Path::new("/home/ana/Pictures"))
    }

    #[test]
    fn absolute_and_relative_paths_are_taken_from_the_callers_directory() {
        let l = parse(&["/tmp/a.jpg", "b.png", "./trip/c d.mp4", "../Music/song.mp3"]);
        assert_eq!(
            l.paths,
            [
                "/tmp/a.jpg",
                "/home/ana/Pictures/b.png",
                "/home/ana/Pictures/trip/c d.mp4",
                "/home/ana/Music/song.mp3"
            ]
            .map(PathBuf::from)
        );
        assert!(!l.hidden && l.ignored.is_empty());
    }

    #[test]
    fn file_urls_are_decoded_and_other_urls_left_out_with_a_reason() {
        let l = parse(&[
            "file:///home/ana/My%20Photos/caf%C3%A9.jpg",
            "file://localhost/tmp/x.png",
            "https://example.com/a.jpg",
            "file://fileserver/share/a.jpg",
        ]);
        assert_eq!(
            l.paths,
            ["/home/ana/My Photos/café.jpg", "/tmp/x.png"].map(PathBuf::from)
        );
        assert_eq!(l.ignored.len(), 2, "{:?}", l.ignored);
        assert!(l.ignored[0].contains("https://example.com/a.jpg"));
        assert!(l.ignored[1].contains("not a file on this computer"));
    }

    #[test]
    fn folders_spaces_and_names_that_look_like_schemes_stay_paths() {
        let l = parse(&["Holiday 2026", "notes:v2.txt", "C:\\Users\\ana\\a.jpg"]);
        assert_eq!(l.paths[0], PathBuf::from("/home/ana/Pictures/Holiday 2026"));
        // No `//` after the colon: a file name, not a URL.
        assert_eq!(l.paths[1], PathBuf::from("/home/ana/Pictures/notes:v2.txt"));
        // A drive letter is not a scheme (on Linux this is a relative name, on Windows absolute).
        assert!(
            l.paths[2].to_string_lossy().ends_with("a.jpg"),
            "{:?}",
            l.paths[2]
        );
        assert!(l.ignored.is_empty());
    }

    #[test]
    fn flags_are_options_until_double_dash_and_repeats_and_empties_drop() {
        let l = parse(&[
            "--hidden",
            "-psn_0_1234",
            "",
            "a.jpg",
            "a.jpg",
            "--",
            "--hidden",
            "-x.png",
        ]);
        assert!(l.hidden);
        assert_eq!(
            l.paths,
            [
                "/home/ana/Pictures/a.jpg",
                "/home/ana/Pictures/--hidden",
                "/home/ana/Pictures/-x.png"
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn dot_dot_never_climbs_above_the_root_and_nothing_given_is_empty() {
        assert_eq!(parse(&["/../../etc/x"]).paths, [PathBuf::from("/etc/x")]);
        assert_eq!(parse(&[] as &[&str]), Launch::default());
    }
}
