//! User settings, kept as a small JSON file under the config dir.
//!
//! A settings file is the kind of thing people edit by hand and break. A broken one must not
//! stop the app: it is moved aside (so nothing is lost) and the defaults are used, with a
//! message that says where the old file went.

use std::fs;
use std::path::{Path, PathBuf};

use crate::files::{move_aside, write_atomic};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Settings {
    /// The first-run welcome has been dismissed.
    pub welcome_seen: bool,
    /// Files uploaded at the same time.
    pub concurrency: u32,
    /// Files up to this size use one plain PUT; larger ones the resumable (tus) protocol.
    #[ts(type = "number")]
    pub simple_upload_max_bytes: u64,
    /// Size of each resumable chunk.
    #[ts(type = "number")]
    pub chunk_size_bytes: u64,
    /// Optional upload bandwidth cap in bytes per second (`null` = unlimited).
    #[ts(type = "number | null")]
    pub bandwidth_limit_bytes_per_sec: Option<u64>,
    /// Skip files already uploaded to the same site and folder.
    pub skip_duplicates: bool,
    /// Notify when a batch finishes while the window is in the background.
    pub notify_when_done: bool,
    /// Photos before sending: location/metadata removal, web-ready (`prepare`).
    pub prepare: crate::prepare::PrepareOptions,
    /// What closing the window does while uploads run (with nothing running it always quits).
    pub close_action: CloseAction,
}

/// What closing the window does while uploads are running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CloseAction {
    /// Ask once, and remember the answer.
    #[default]
    Ask,
    /// Hide the window; uploads go on, the tray shows them.
    KeepUploading,
    /// Quit; unfinished uploads resume at the next start.
    Quit,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            welcome_seen: false,
            concurrency: 3,
            simple_upload_max_bytes: 10 * 1000 * 1000,
            chunk_size_bytes: 8 * 1024 * 1024,
            bandwidth_limit_bytes_per_sec: None,
            skip_duplicates: true,
            notify_when_done: true,
            close_action: CloseAction::Ask,
            prepare: crate::prepare::PrepareOptions::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("could not save settings to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// Loaded settings plus what happened on the way, for the UI to show once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub settings: Settings,
    pub warning: Option<String>,
}

impl Settings {
    /// Keep values in ranges that make sense; reject what cannot be fixed.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !(1..=16).contains(&self.concurrency) {
            return Err(SettingsError::Invalid(format!(
                "Parallel uploads must be between 1 and 16 (got {}).",
                self.concurrency
            )));
        }
        if !(256 * 1024..=1024 * 1024 * 1024).contains(&self.chunk_size_bytes) {
            return Err(SettingsError::Invalid(
                "The resumable chunk size must be between 256 KiB and 1 GiB.".into(),
            ));
        }
        self.prepare.validate().map_err(SettingsError::Invalid)?;
        if self.bandwidth_limit_bytes_per_sec == Some(0) {
            return Err(SettingsError::Invalid(
                "A bandwidth limit of 0 would stop every upload; leave it empty for no limit."
                    .into(),
            ));
        }
        Ok(())
    }

    pub fn load(path: &Path) -> Loaded {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded {
                    settings: Settings::default(),
                    warning: None,
                }
            }
            Err(e) => {
                return Loaded {
                    settings: Settings::default(),
                    warning: Some(format!(
                        "Could not read settings from {} ({e}); using defaults.",
                        path.display()
                    )),
                }
            }
        };
        match serde_json::from_slice::<Settings>(&bytes) {
            Ok(s) if s.validate().is_ok() => Loaded {
                settings: s,
                warning: None,
            },
            Ok(_) | Err(_) => {
                let aside = move_aside(path);
                let warning = match aside {
                    Some(a) => format!("The settings file was damaged; it was kept as {} and the defaults are in use.", a.display()),
                    None => "The settings file was damaged and could not be moved aside; the defaults are in use.".to_string(),
                };
                Loaded {
                    settings: Settings::default(),
                    warning: Some(warning),
                }
            }
        }
    }

    /// Validate, then write atomically (temp file + rename), so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        self.validate()?;
        let json = serde_json::to_vec_pretty(self).expect("settings serialize");
        write_atomic(path, &json).map_err(|source| SettingsError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_without_warning() {
        let d = tempfile::tempdir().unwrap();
        let l = Settings::load(&d.path().join("settings.json"));
        assert_eq!(
            l,
            Loaded {
                settings: Settings::default(),
                warning: None
            }
        );
    }

    #[test]
    fn save_then_load_round_trips_and_unknown_fields_are_ignored() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("nested/settings.json");
        let s = Settings {
            welcome_seen: true,
            concurrency: 5,
            ..Default::default()
        };
        s.save(&p).unwrap();
        assert_eq!(Settings::load(&p).settings, s);
        fs::write(&p, br#"{"welcome_seen": true, "from_the_future": 1}"#).unwrap();
        let l = Settings::load(&p);
        assert!(l.settings.welcome_seen && l.warning.is_none());
        assert_eq!(l.settings.concurrency, 3);
        // No temp files left behind.
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn damaged_file_is_moved_aside_and_defaults_used() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("settings.json");
        for garbage in [
            &b"{not json"[..],
            b"\xff\xfe\x00",
            br#"{"concurrency": 999}"#,
            b"",
        ] {
            fs::write(&p, garbage).unwrap();
            let l = Settings::load(&p);
            assert_eq!(l.settings, Settings::default());
            let w = l.warning.expect("warns");
            assert!(w.contains("damaged"), "{w}");
            assert!(!p.exists(), "moved aside");
            let kept: Vec<_> = fs::read_dir(d.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .collect();
            assert!(kept.iter().any(|e| e
                .file_name()
                .to_string_lossy()
                .starts_with("settings.json.damaged-")));
            for e in kept {
                fs::remove_file(e.path()).unwrap();
            }
        }
    }

    #[test]
    fn invalid_values_are_refused_with_a_reason() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.json");
        let e = Settings {
            concurrency: 0,
            ..Default::default()
        }
        .save(&p)
        .unwrap_err();
        assert!(e.to_string().contains("between 1 and 16"));
        assert!(Settings {
            bandwidth_limit_bytes_per_sec: Some(0),
            ..Default::default()
        }
        .save(&p)
        .is_err());
        assert!(!p.exists());
    }
}
