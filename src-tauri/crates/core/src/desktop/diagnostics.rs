//! "Copy diagnostics": one block of text a person can paste into a support request, saying
//! what runs where — app and OS versions, the settings, where files are, the last log lines —
//! and nothing secret. Every part goes through [`redact_log`] once more at the end, so even a
//! log line written before a redaction rule existed cannot carry a key out.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::redact::redact_log;

/// What the shell knows about this installation; all plain facts, no secrets.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub app_version: String,
    /// `linux`, `macos`, `windows` and the CPU (`x86_64`…).
    pub os: String,
    pub arch: String,
    /// The OS's own name and version ("Debian GNU/Linux 12 (bookworm)"), if known.
    pub os_release: Option<String>,
    /// The webview engine's version (WebKitGTK, WebView2, WKWebView).
    pub webview: Option<String>,
    /// Where Wix requests go.
    pub api_base: String,
    pub demo: bool,
    /// "shown", or why there is none ("no tray host on this desktop").
    pub tray: String,
    /// Where the web view paints ([`super::painting::Painting::describe`]).
    pub painting: String,
    /// The settings as saved (JSON).
    pub settings: serde_json::Value,
    /// How many keys (profiles) are saved; never their names' secrets, which they do not hold.
    pub profiles: usize,
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    /// The user's home folder ([`home_dir`]): written as `~` wherever it appears, so the text
    /// carries no user name.
    pub home: Option<PathBuf>,
}

/// How many log lines the text ends with.
pub const LOG_LINES: usize = 60;

/// The diagnostics text for `facts` and the end of the log (`log_tail`, see [`log_tail`]).
pub fn diagnostics_text(facts: &Facts, log_tail: &str) -> String {
    let settings = serde_json::to_string_pretty(&facts.settings).unwrap_or_default();
    let mut t = String::new();
    t.push_str("Wixdrop diagnostics (keys and passwords are never included)\n");
    t.push_str(&format!("App: Wixdrop {}\n", facts.app_version));
    t.push_str(&format!(
        "OS: {} {}{}\n",
        facts.os,
        facts.arch,
        facts
            .os_release
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default()
    ));
    t.push_str(&format!(
        "Webview: {}\n",
        facts.webview.as_deref().unwrap_or("unknown")
    ));
    t.push_str(&format!(
        "Wix API: {}{}\n",
        facts.api_base,
        if facts.demo { " (demo)" } else { "" }
    ));
    t.push_str(&format!("Tray: {}\n", facts.tray));
    if !facts.painting.is_empty() {
        t.push_str(&format!("Painting: {}\n", facts.painting));
    }
    t.push_str(&format!("Saved keys: {}\n", facts.profiles));
    t.push_str(&format!(
        "Settings folder: {}\n",
        facts.config_dir.display()
    ));
    t.push_str(&format!("Data folder: {}\n", facts.data_dir.display()));
    t.push_str(&format!("Log folder: {}\n", facts.log_dir.display()));
    t.push_str("Settings:\n");
    t.push_str(&indent(&settings));
    t.push_str(&format!("Last log lines (up to {LOG_LINES}):\n"));
    if log_tail.trim().is_empty() {
        t.push_str("  (none yet)\n");
    } else {
        t.push_str(&indent(log_tail));
    }
    let t = match facts.home.as_deref() {
        Some(home) => shorten_home(&t, home),
        None => t,
    };
    redact_log(&t)
}

/// `text` with every path under `home` (and `home` itself) written from `~`:
/// `/home/ana/.config/wixdrop` → `~/.config/wixdrop`. Only whole path elements match
/// (`/home/anabel` stays as it is for `/home/ana`); a home of `/` or "" changes nothing.
pub fn shorten_home(text: &str, home: &Path) -> String {
    let home = home.to_string_lossy();
    let home = home.trim_end_matches(['/', '\\']);
    if home.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(home) {
        let after = &rest[i + home.len()..];
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '/' | '\\' | '"' | '\'' | ')' | ',') || c.is_whitespace());
        out.push_str(&rest[..i]);
        out.push_str(if whole { "~" } else { home });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The webview engine Tauri uses on this OS, to name its version.
pub fn webview_engine() -> &'static str {
    if cfg!(target_os = "windows") {
        "WebView2"
    } else if cfg!(target_os = "macos") {
        "WKWebView"
    } else {
        "WebKitGTK"
    }
}

/// The user's home folder, if the OS says where it is.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// The last `lines` lines of the newest `*.log` file in `dir` (reading at most its last 64 KiB),
/// or an empty string if there is none.
pub fn log_tail(dir: &Path, lines: usize) -> String {
    let newest = fs::read_dir(dir).ok().and_then(|rd| {
        rd.filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .max()
            .map(|(_, p)| p)
    });
    let Some(path) = newest else {
        return String::new();
    };
    let Ok(mut f) = fs::File::open(path) else {
        return String::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The OS's own name and version where it says so in a file (`/etc/os-release` on Linux).
pub fn os_release() -> Option<String> {
    let text = fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_runs_where_with_the_log_tail_and_no_secret() {
        let d = tempfile::tempdir().unwrap();
        let key = "IST.eyJhbGciOiJSUzI1NiJ9.eyJkYXRhIjoie319.c2lnbmF0dXJl";
        let older = d.path().join("old.log");
        fs::write(&older, "old line\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let lines: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        fs::write(
            d.path().join("Wixdrop.log"),
            format!("{lines}echo {key}\nproxy http://u:pw@h:1\n"),
        )
        .unwrap();
        let tail = log_tail(d.path(), LOG_LINES);
        assert!(
            tail.starts_with("line 43\n") && !tail.contains("old line"),
            "{tail}"
        );
        let facts = Facts {
            app_version: "0.1.0".into(),
            os: "linux".into(),
            arch: "x86_64".into(),
            os_release: Some("Debian GNU/Linux 12 (bookworm)".into()),
            api_base: "https://www.wixapis.com".into(),
            tray: "no tray host on this desktop".into(),
            painting: "on the CPU (no GPU: no render node in /dev/dri)".into(),
            settings: serde_json::json!({"concurrency": 3, "close_action": "ask"}),
            profiles: 2,
            ..Facts::default()
        };
        let t = diagnostics_text(&facts, &tail);
        for want in [
            "App: Wixdrop 0.1.0",
            "OS: linux x86_64 — Debian GNU/Linux 12",
            "Tray: no tray host",
            "Painting: on the CPU (no GPU",
            "\"concurrency\": 3",
            "Saved keys: 2",
            "  line 100",
        ] {
            assert!(t.contains(want), "missing {want:?} in\n{t}");
        }
        assert!(!t.contains("eyJ") && !t.contains(":pw@"), "{t}");
        assert!(t.contains("(keys and passwords are never included)"));
    }

    #[test]
    fn the_home_folder_is_written_as_a_tilde() {
        let home = Path::new("/home/ana");
        assert_eq!(
            shorten_home(
                "Data folder: /home/ana/.local/share/wixdrop\nwatch \"/home/ana\", /home/anabel/x\n",
                home
            ),
            "Data folder: ~/.local/share/wixdrop\nwatch \"~\", /home/anabel/x\n"
        );
        assert_eq!(shorten_home("at /x", Path::new("/")), "at /x");
        let facts = Facts {
            config_dir: "/home/ana/.config/wixdrop".into(),
            home: Some("/home/ana/".into()),
            ..Facts::default()
        };
        let t = diagnostics_text(&facts, "queued /home/ana/Pictures/a.jpg");
        assert!(t.contains("Settings folder: ~/.config/wixdrop\n"), "{t}");
        assert!(
            t.contains("queued ~/Pictures/a.jpg") && !t.contains("/home/ana"),
            "{t}"
        );
    }

    #[test]
    fn no_log_yet_says_so() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(log_tail(&d.path().join("missing"), 5), "");
        let t = diagnostics_text(&Facts::default(), "");
        assert!(t.contains("(none yet)"));
    }
}
