//! Where Wixdrop keeps its files and which Wix it talks to.
//!
//! Two environment variables exist so tests (and the demo) never touch a user's real data:
//! `WIXDROP_HOME` puts *everything* under one directory, and `WIXDROP_API_BASE` points the
//! client at a local emulator. The base URL is checked strictly because a key sent over plain
//! HTTP to a non-loopback host would leak it.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use url::Url;

/// Real Wix.
pub const DEFAULT_API_BASE: &str = "https://www.wixapis.com";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("WIXDROP_API_BASE is not a URL ({0:?}); use https://… or http://127.0.0.1:PORT")]
    NotAUrl(String),
    #[error(
        "WIXDROP_API_BASE must be https://… or http:// to a loopback address (localhost, 127.0.0.1, ::1), \
         so a key is never sent in clear text; got {0:?}"
    )]
    InsecureBase(String),
    #[error("WIXDROP_API_BASE must be a plain origin or path, without user, password, query or fragment; got {0:?}")]
    BaseHasExtras(String),
    #[error("no home directory found to keep Wixdrop's settings; set WIXDROP_HOME to a writable directory")]
    NoHomeDir,
}

/// The directories Wixdrop writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Settings and profiles (never secrets: those live in the OS keychain).
    pub config_dir: PathBuf,
    /// The upload journal and history database.
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolve from the process environment.
    pub fn from_env() -> Result<Paths, ConfigError> {
        Self::resolve(std::env::var_os("WIXDROP_HOME").map(PathBuf::from))
    }

    /// `home` = the value of `WIXDROP_HOME`, if set. Empty counts as unset; a relative path is
    /// taken from the current directory so the answer does not change when the process `cd`s.
    pub fn resolve(home: Option<PathBuf>) -> Result<Paths, ConfigError> {
        match home.filter(|h| !h.as_os_str().is_empty()) {
            Some(home) => Ok(Self::under(&absolute(home))),
            None => {
                let dirs = directories::ProjectDirs::from("com", "Wixdrop", "Wixdrop")
                    .ok_or(ConfigError::NoHomeDir)?;
                Ok(Paths {
                    config_dir: dirs.config_dir().to_path_buf(),
                    data_dir: dirs.data_dir().to_path_buf(),
                })
            }
        }
    }

    /// Everything under one directory (what `WIXDROP_HOME` selects).
    pub fn under(home: &Path) -> Paths {
        Paths {
            config_dir: home.join("config"),
            data_dir: home.join("data"),
        }
    }

    /// Profiles (names, account IDs, sites, key fingerprints — never keys).
    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join("profiles.json")
    }

    /// User settings (concurrency, thresholds, limits).
    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.json")
    }

    /// The SQLite upload journal and history.
    pub fn database_file(&self) -> PathBuf {
        self.data_dir.join("wixdrop.sqlite3")
    }
}

fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|cwd| cwd.join(&p)).unwrap_or(p)
    }
}

/// The Wix API base URL from `WIXDROP_API_BASE`, or real Wix when it is unset or empty.
pub fn api_base_from_env() -> Result<Url, ConfigError> {
    match std::env::var("WIXDROP_API_BASE") {
        Ok(v) if !v.trim().is_empty() => parse_api_base(&v),
        _ => Ok(Url::parse(DEFAULT_API_BASE).expect("default base is valid")),
    }
}

/// Accept `https://…` anywhere, or `http://` only to a loopback address.
/// The result always ends in `/` so joining relative paths keeps any path prefix.
pub fn parse_api_base(raw: &str) -> Result<Url, ConfigError> {
    let raw = raw.trim();
    let mut url = Url::parse(raw).map_err(|_| ConfigError::NotAUrl(raw.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(ConfigError::InsecureBase(raw.to_string()));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| ConfigError::NotAUrl(raw.into()))?;
    if url.scheme() == "http" && !is_loopback_host(host) {
        return Err(ConfigError::InsecureBase(raw.to_string()));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(ConfigError::BaseHasExtras(raw.to_string()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wixdrop_home_puts_everything_under_one_dir() {
        let p = Paths::resolve(Some("/tmp/wd-home".into())).unwrap();
        assert_eq!(p.config_dir, PathBuf::from("/tmp/wd-home/config"));
        assert_eq!(p.data_dir, PathBuf::from("/tmp/wd-home/data"));
        assert!(p.profiles_file().starts_with("/tmp/wd-home"));
        assert!(p.database_file().starts_with("/tmp/wd-home"));
        assert!(p.settings_file().starts_with("/tmp/wd-home"));
    }

    #[test]
    fn relative_home_is_made_absolute_and_empty_home_is_unset() {
        let p = Paths::resolve(Some("rel/home".into())).unwrap();
        assert!(p.config_dir.is_absolute());
        assert!(p.config_dir.ends_with("rel/home/config"));
        let os = Paths::resolve(Some("".into()));
        // Falls back to the OS dirs (there is a HOME on every test machine).
        assert!(!os.unwrap().config_dir.starts_with("rel"));
    }

    #[test]
    fn os_dirs_are_per_app() {
        let p = Paths::resolve(None).unwrap();
        let s = p.config_dir.to_string_lossy().to_lowercase();
        assert!(s.contains("wixdrop"), "{s}");
        assert_ne!(p.config_dir, p.data_dir.join("x"));
    }

    #[test]
    fn api_base_accepts_https_and_loopback_http() {
        for ok in [
            "https://www.wixapis.com",
            "https://proxy.example.com/wix/",
            "http://127.0.0.1:8080",
            "http://127.4.5.6:1",
            "http://localhost:9000",
            "http://LOCALHOST:9000",
            "http://[::1]:7000",
            "  http://127.0.0.1:5/  ",
        ] {
            let u = parse_api_base(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(u.path().ends_with('/'), "{u}");
        }
        assert_eq!(
            parse_api_base("https://x.test/a")
                .unwrap()
                .join("site-list/v2")
                .unwrap()
                .as_str(),
            "https://x.test/a/site-list/v2"
        );
    }

    #[test]
    fn api_base_rejects_everything_else_with_a_clear_error() {
        for bad in [
            "http://example.com",
            "http://10.0.0.1:80",
            "http://192.168.1.2",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "file:///etc/passwd",
        ] {
            let e = parse_api_base(bad).unwrap_err();
            assert_eq!(e, ConfigError::InsecureBase(bad.into()), "{bad}");
            assert!(e.to_string().contains("loopback"));
        }
        for bad in ["", "not a url", "127.0.0.1:80", "https://"] {
            assert!(
                matches!(parse_api_base(bad), Err(ConfigError::NotAUrl(_))),
                "{bad}"
            );
        }
        for bad in [
            "https://user:pw@x.test",
            "https://x.test/?a=1",
            "https://x.test/#f",
        ] {
            assert!(
                matches!(parse_api_base(bad), Err(ConfigError::BaseHasExtras(_))),
                "{bad}"
            );
        }
    }
}
