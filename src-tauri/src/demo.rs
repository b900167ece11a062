//! Demo mode: Wixdrop against a pretend Wix that runs inside the app.
//!
//! "Try the demo" starts the `wix-emulator` in-process on a loopback port, seeded with a demo
//! account, a few friendly-named sites and an all-permission key of the real shape. The demo
//! session keeps everything of its own in a throwaway directory (settings, profiles, journal,
//! history, the emulator's stored bytes) and its keys under a separate keychain service, so the
//! user's real configuration is never read or written while they play.
//!
//! Leaving must leave nothing behind, including after a crash or a closed window. So before
//! anything of the demo exists, a small marker in the *real* data directory records where the
//! throwaway directory is and which keychain service it uses; the next start finds the marker
//! and finishes the clean-up. The marker is the one file outside the temp dir, and it goes last.
//! On Linux the clean-up also sweeps the demo keychain service as a whole (Secret Service
//! search), which catches entries whose temp dir the OS already emptied (a reboot).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wix_emulator::{Emulator, Options, SeedInfo};
use wixdrop_core::config::Paths;
use wixdrop_core::vault::Vault;

/// Every demo directory's name starts with this; clean-up refuses any other directory.
pub const DIR_PREFIX: &str = "wixdrop-demo-";
/// Demo keychain services end with this; clean-up refuses to sweep any other service.
const SERVICE_SUFFIX: &str = " (demo)";
/// In the real data dir while a demo may have left something behind.
const MARKER: &str = "demo-in-progress.json";

/// The keychain service for demo keys, beside (never equal to) the real one:
/// "Wixdrop" → "Wixdrop (demo)".
pub fn service_for(real_service: &str) -> String {
    format!("{real_service}{SERVICE_SUFFIX}")
}

fn marker_file(real: &Paths) -> PathBuf {
    real.data_dir.join(MARKER)
}

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    dir: PathBuf,
    keychain_service: String,
}

/// A running demo: the emulator and where its session keeps things.
pub struct Demo {
    /// The throwaway directory (config, data and the emulator's storage).
    pub dir: PathBuf,
    /// The keychain service that holds demo keys.
    pub service: String,
    /// The demo account: base URL, account ID, key, sites.
    pub seed: SeedInfo,
    emulator: Mutex<Option<Emulator>>,
}

impl Demo {
    /// Create the throwaway directory under `temp_root`, record it in the marker, and start the
    /// emulator (must run inside a tokio runtime). On failure nothing is left behind.
    pub async fn start(real: &Paths, temp_root: &Path, service: String) -> Result<Demo, String> {
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir_in(temp_root)
            .map_err(|e| {
                format!(
                    "could not create a temporary folder in {}: {e}",
                    temp_root.display()
                )
            })?
            .keep();
        let marker = Marker {
            dir: dir.clone(),
            keychain_service: service.clone(),
        };
        let json = serde_json::to_vec_pretty(&marker).expect("marker serializes");
        if let Err(e) = wixdrop_core::files::write_atomic(&marker_file(real), &json) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!(
                "could not write {}: {e}",
                marker_file(real).display()
            ));
        }
        let opts = Options {
            storage_dir: Some(dir.join("emulator")),
            // Videos and audio show "Wix is processing" for a moment, as on Wix.
            processing_delay: Duration::from_millis(1500),
            ..Options::default()
        };
        match Emulator::start(opts).await {
            Ok(emulator) => {
                // Thumbnails from the demo server itself: the Library shows the real pictures
                // and nothing is asked of Wix's CDN; files keep the URLs a real upload gets.
                emulator.serve_static_thumbnails();
                Ok(Demo {
                    dir,
                    service,
                    seed: emulator.seed().clone(),
                    emulator: Mutex::new(Some(emulator)),
                })
            }
            Err(e) => {
                let _ = clean_up(real, &dir, &service);
                Err(format!("the demo server could not start: {e}"))
            }
        }
    }

    /// Where the demo session keeps settings, profiles and history.
    pub fn paths(&self) -> Paths {
        Paths::under(&self.dir)
    }

    /// Stop the emulator and wait for it (open connections are dropped).
    pub async fn stop_emulator(&self) {
        let emulator = self
            .emulator
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(emulator) = emulator {
            emulator.shutdown().await;
        }
    }
}

/// Remove what a demo left: its keys from the keychain, its directory, then the marker.
/// Blocking (keychain and file calls). The marker stays if something could not be removed, so
/// the next start tries again.
pub fn clean_up(real: &Paths, dir: &Path, service: &str) -> Result<(), String> {
    let mut problems = Vec::new();
    if !service.ends_with(SERVICE_SUFFIX) {
        problems.push(format!("refused to clear keychain service {service:?}"));
    } else {
        problems.extend(forget_keys(dir, service));
    }
    let is_demo_dir = dir
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(DIR_PREFIX));
    if !is_demo_dir {
        problems.push(format!("refused to delete {}", dir.display()));
    } else if let Err(e) = remove_dir(dir) {
        problems.push(format!("could not delete {}: {e}", dir.display()));
    }
    if problems.is_empty() {
        match std::fs::remove_file(marker_file(real)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => problems.push(format!("could not delete the demo marker: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// At start-up: finish the clean-up of a demo the last run did not leave (closed or crashed in
/// demo mode). Returns a message for the user only if something could not be removed.
pub fn clean_leftovers(real: &Paths) -> Option<String> {
    let bytes = std::fs::read(marker_file(real)).ok()?;
    let result = match serde_json::from_slice::<Marker>(&bytes) {
        Ok(m) => clean_up(real, &m.dir, &m.keychain_service),
        Err(_) => {
            // Unreadable: nothing to act on safely; drop it so it is not tried forever.
            let _ = std::fs::remove_file(marker_file(real));
            Ok(())
        }
    };
    result.err().map(|e| {
        format!("The last demo could not be removed completely ({e}). Wixdrop tries again at the next start.")
    })
}

/// Delete the keychain entries of the demo's profiles, and on Linux every entry of the demo
/// service (also those whose profiles file is gone).
fn forget_keys(dir: &Path, service: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let paths = Paths::under(dir);
    if paths.profiles_file().exists() {
        let vault = Vault::with_service(&paths, service.to_string());
        for p in vault.list() {
            if let Err(e) = vault.delete(&p.name) {
                problems.push(e.to_string());
            }
        }
    }
    #[cfg(target_os = "linux")]
    if let Err(e) = sweep_service(service) {
        problems.push(e);
    }
    problems
}

/// Every Secret Service item of `service` (keyring stores the service as an attribute).
#[cfg(target_os = "linux")]
fn sweep_service(service: &str) -> Result<(), String> {
    use dbus_secret_service::{EncryptionType, SecretService};
    // No Secret Service at all: no demo key can have been stored in it either.
    let Ok(ss) = SecretService::connect(EncryptionType::Plain) else {
        return Ok(());
    };
    let found = ss
        .search_items(std::collections::HashMap::from([("service", service)]))
        .map_err(|e| format!("could not search the keychain: {e}"))?;
    for item in found.unlocked.iter().chain(found.locked.iter()) {
        item.delete()
            .map_err(|e| format!("could not delete a demo key from the keychain: {e}"))?;
    }
    Ok(())
}

/// `remove_dir_all`, retried briefly: a file may still be open for a moment on Windows.
fn remove_dir(dir: &Path) -> std::io::Result<()> {
    let mut last = Ok(());
    for attempt in 0..5 {
        last = match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            other => other,
        };
        if last.is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100 * (attempt + 1)));
    }
    last
}
