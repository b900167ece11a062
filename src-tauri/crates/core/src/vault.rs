//! Named profiles, each with its account, sites and a key that lives only in the OS keychain.
//!
//! `profiles.json` holds what is safe to read: names, account IDs, sites, a key *fingerprint*,
//! dates and the last verification. The key itself goes to the keychain under a random entry
//! id, so renaming a profile never touches the secret. There is no plaintext fallback: with no
//! keychain, saving fails with a message that names the fix (and the CLI's env-var route).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::config::Paths;
use crate::credential::{self, Kind};
use crate::files::{move_aside, write_atomic};
use crate::secret::ApiKey;
use crate::wix::sites::Site;

/// Keychain service for release builds; dev and test builds never see these entries.
pub const RELEASE_SERVICE: &str = "Wixdrop";
pub const DEV_SERVICE: &str = "Wixdrop (development)";

/// The outcome of the last live check, kept with the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LastCheck {
    pub ok: bool,
    /// Stable code (see `verify::VerifyStatus`).
    pub status: String,
    pub summary: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Profile {
    pub name: String,
    pub account_id: String,
    #[serde(default)]
    pub sites: Vec<Site>,
    pub default_site: Option<String>,
    /// e.g. `IST…1a2b3c4d` — tells keys apart, reveals nothing.
    pub fingerprint: String,
    pub added_at: String,
    pub last_check: Option<LastCheck>,
    /// The keychain entry's user name (random, not secret).
    #[ts(skip)]
    pub secret_ref: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("No profile named \"{0}\".")]
    NotFound(String),
    #[error("A profile named \"{0}\" already exists; choose another name.")]
    NameTaken(String),
    #[error("A profile name must be 1–64 characters without line breaks.")]
    InvalidName,
    #[error("{headline}: {message}")]
    NotAnApiKey {
        headline: String,
        message: String,
        guide_anchor: Option<String>,
    },
    #[error("The account ID is missing: enter the account ID shown on the Wix API Keys page.")]
    MissingAccountId,
    #[error("\"{0}\" is not an account ID; it should look like 8-4-4-4-12 hexadecimal digits.")]
    InvalidAccountId(String),
    #[error("{0}")]
    Keychain(String),
    #[error("The key for \"{0}\" is missing from the keychain (it may have been deleted outside Wixdrop). Use Replace key to store it again.")]
    SecretMissing(String),
    #[error("Could not save profiles to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct Vault {
    file: PathBuf,
    service: String,
    /// A message about a damaged profiles file that was moved aside, until someone takes it.
    warning: std::sync::Mutex<Option<String>>,
}

pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl Vault {
    /// The vault for these paths; the keychain service depends on the build (and
    /// `WIXDROP_KEYCHAIN_SERVICE`, which tests use to stay apart from each other).
    pub fn open(paths: &Paths) -> Vault {
        let service = std::env::var("WIXDROP_KEYCHAIN_SERVICE")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                if cfg!(debug_assertions) {
                    DEV_SERVICE
                } else {
                    RELEASE_SERVICE
                }
                .to_string()
            });
        Vault::with_service(paths, service)
    }

    pub fn with_service(paths: &Paths, service: String) -> Vault {
        let v = Vault {
            file: paths.profiles_file(),
            service,
            warning: Default::default(),
        };
        // Load once up front so a damaged file is moved aside and reported at start-up.
        let _ = v.read();
        v
    }

    /// Said once: the profiles file was damaged and moved aside.
    pub fn take_warning(&self) -> Option<String> {
        self.warning.lock().ok()?.take()
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn read(&self) -> ProfilesFile {
        let bytes = match std::fs::read(&self.file) {
            Ok(b) => b,
            Err(_) => return ProfilesFile::default(),
        };
        match serde_json::from_slice::<ProfilesFile>(&bytes) {
            Ok(f) => f,
            Err(_) => {
                let msg = match move_aside(&self.file) {
                    Some(a) => format!("The profiles file was damaged; it was kept as {} and Wixdrop started without profiles. Keys are still in the keychain: add them again.", a.display()),
                    None => "The profiles file was damaged and could not be moved aside.".to_string(),
                };
                if let Ok(mut w) = self.warning.lock() {
                    *w = Some(msg);
                }
                ProfilesFile::default()
            }
        }
    }

    fn write(&self, f: &ProfilesFile) -> Result<(), VaultError> {
        let json = serde_json::to_vec_pretty(f).expect("profiles serialize");
        write_atomic(&self.file, &json).map_err(|source| VaultError::Write {
            path: self.file.clone(),
            source,
        })
    }

    pub fn list(&self) -> Vec<Profile> {
        self.read().profiles
    }

    pub fn get(&self, name: &str) -> Result<Profile, VaultError> {
        self.read()
            .profiles
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| VaultError::NotFound(name.into()))
    }

    /// The key of a profile, from the keychain.
    pub fn key(&self, name: &str) -> Result<ApiKey, VaultError> {
        let p = self.get(name)?;
        match self.entry(&p.secret_ref)?.get_password() {
            Ok(k) => Ok(ApiKey::new(k)),
            Err(keyring::Error::NoEntry) => Err(VaultError::SecretMissing(name.into())),
            Err(e) => Err(keychain_error(e)),
        }
    }

    /// Save a new profile. The pasted text is cleaned and must be a complete API key; the
    /// account ID defaults to the one inside the key. Not verified here (that needs network).
    pub fn add(
        &self,
        name: &str,
        key_text: &str,
        account_id: Option<&str>,
    ) -> Result<Profile, VaultError> {
        let name = valid_name(name)?;
        let mut file = self.read();
        if file
            .profiles
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&name))
        {
            return Err(VaultError::NameTaken(name));
        }
        let (key, from_key) = usable_key(key_text)?;
        let account_id = pick_account(account_id, from_key)?;
        let secret_ref = format!("profile-{}", uuid::Uuid::new_v4());
        self.entry(&secret_ref)?
            .set_password(key.expose())
            .map_err(keychain_error)?;
        let profile = Profile {
            name,
            account_id,
            sites: Vec::new(),
            default_site: None,
            fingerprint: credential::fingerprint(key.expose()),
            added_at: now_rfc3339(),
            last_check: None,
            secret_ref: secret_ref.clone(),
        };
        file.profiles.push(profile.clone());
        if let Err(e) = self.write(&file) {
            // Leave no orphan secret behind.
            let _ = self.entry(&secret_ref).map(|e| e.delete_credential());
            return Err(e);
        }
        Ok(profile)
    }

    pub fn rename(&self, old: &str, new: &str) -> Result<Profile, VaultError> {
        let new = valid_name(new)?;
        let mut file = self.read();
        if file
            .profiles
            .iter()
            .any(|p| p.name != old && p.name.eq_ignore_ascii_case(&new))
        {
            return Err(VaultError::NameTaken(new));
        }
        let p = file
            .profiles
            .iter_mut()
            .find(|p| p.name == old)
            .ok_or_else(|| VaultError::NotFound(old.into()))?;
        p.name = new;
        let out = p.clone();
        self.write(&file)?;
        Ok(out)
    }

    /// Store a new key for an existing profile (the caller has verified it). Sites, default
    /// site and name stay; the fingerprint changes; the old key is overwritten in place.
    pub fn replace_key(&self, name: &str, new_key: &ApiKey) -> Result<Profile, VaultError> {
        let mut file = self.read();
        let p = file
            .profiles
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(|| VaultError::NotFound(name.into()))?;
        self.entry(&p.secret_ref)?
            .set_password(new_key.expose())
            .map_err(keychain_error)?;
        p.fingerprint = credential::fingerprint(new_key.expose());
        let out = p.clone();
        self.write(&file)?;
        Ok(out)
    }

    /// Remove the profile and its keychain entry.
    pub fn delete(&self, name: &str) -> Result<(), VaultError> {
        let mut file = self.read();
        let idx = file
            .profiles
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| VaultError::NotFound(name.into()))?;
        match self
            .entry(&file.profiles[idx].secret_ref)?
            .delete_credential()
        {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(keychain_error(e)),
        }
        file.profiles.remove(idx);
        self.write(&file)
    }

    /// Change the non-secret parts of a profile (sites, default site, account, last check).
    pub fn update(
        &self,
        name: &str,
        change: impl FnOnce(&mut Profile),
    ) -> Result<Profile, VaultError> {
        let mut file = self.read();
        let p = file
            .profiles
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(|| VaultError::NotFound(name.into()))?;
        let (keep_name, keep_ref) = (p.name.clone(), p.secret_ref.clone());
        change(p);
        p.name = keep_name;
        p.secret_ref = keep_ref;
        let out = p.clone();
        self.write(&file)?;
        Ok(out)
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, user).map_err(keychain_error)
    }
}

/// Take the key out of the pasted text (cleaned, or out of an env line, JSON, curl command…)
/// and insist on a complete API key. Returns exactly that key and the account ID inside it.
pub fn usable_key(text: &str) -> Result<(ApiKey, Option<String>), VaultError> {
    let credential::Analysis { report, value } =
        credential::analyse(text, OffsetDateTime::now_utc());
    if !report.usable || report.kind != Kind::WixApiKey {
        return Err(VaultError::NotAnApiKey {
            headline: report.headline,
            message: report.message,
            guide_anchor: report.guide_anchor,
        });
    }
    Ok((ApiKey::new(value.value), report.account_id))
}

fn pick_account(given: Option<&str>, from_key: Option<String>) -> Result<String, VaultError> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) if is_guid(a) => Ok(a.to_ascii_lowercase()),
        Some(a) => Err(VaultError::InvalidAccountId(a.chars().take(60).collect())),
        None => from_key.ok_or(VaultError::MissingAccountId),
    }
}

pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn valid_name(name: &str) -> Result<String, VaultError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 64 || n.chars().any(char::is_control) {
        return Err(VaultError::InvalidName);
    }
    Ok(n.to_string())
}

/// Keychain failures in words that name the fix. Never includes the secret.
fn keychain_error(e: keyring::Error) -> VaultError {
    let detail = crate::secret::redact_tokens(&e.to_string());
    let msg = match e {
        keyring::Error::NoStorageAccess(_) => format!(
            "The keychain is locked or refused access ({detail}). Unlock it — on Linux, log in to your desktop session or unlock the \"login\" keyring of your Secret Service — and try again. For scripts and servers, the wixdrop CLI reads the key from the WIX_API_KEY environment variable instead."
        ),
        keyring::Error::PlatformFailure(_) => format!(
            "No keychain is available ({detail}). Wixdrop keeps keys only in the OS keychain: on Linux install and start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session. For scripts and servers, the wixdrop CLI reads the key from the WIX_API_KEY environment variable instead."
        ),
        _ => format!("The keychain reported an error: {detail}"),
    };
    VaultError::Keychain(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_account_ids_are_checked() {
        assert!(valid_name("  Studio  ").is_ok());
        assert!(matches!(valid_name(""), Err(VaultError::InvalidName)));
        assert!(matches!(valid_name("a\nb"), Err(VaultError::InvalidName)));
        assert!(matches!(
            valid_name(&"x".repeat(65)),
            Err(VaultError::InvalidName)
        ));
        let g = "0F3C2B1A-1234-4ABC-9DEF-0123456789AB";
        assert_eq!(pick_account(Some(g), None).unwrap(), g.to_lowercase());
        assert_eq!(
            pick_account(Some(" "), Some("from-key".into())).unwrap(),
            "from-key"
        );
        assert!(matches!(
            pick_account(None, None),
            Err(VaultError::MissingAccountId)
        ));
        assert!(matches!(
            pick_account(Some("nope"), None),
            Err(VaultError::InvalidAccountId(_))
        ));
    }

    #[test]
    fn only_complete_api_keys_are_accepted() {
        let acc = credential::synth::guid(1);
        let key = credential::synth::api_key(
            &acc,
            &credential::synth::guid(2),
            &credential::synth::guid(3),
            1_700_000_000,
        );
        let (k, a) = usable_key(&format!("  \"Bearer {key}\"\n")).unwrap();
        assert_eq!(k.expose(), &key);
        assert_eq!(a.as_deref(), Some(acc.as_str()));
        let oauth =
            credential::synth::oauth_access_token(&credential::synth::guid(4), 1_700_000_000);
        match usable_key(&oauth) {
            Err(VaultError::NotAnApiKey { message, .. }) => assert!(!message.contains(&oauth)),
            other => panic!("{other:?}"),
        }
        assert!(usable_key(&key[..key.len() - 30]).is_err());
    }
}
