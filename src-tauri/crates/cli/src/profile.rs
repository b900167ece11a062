//! Which key a command uses: one rule for every command that talks to Wix.
//!
//! Order: an explicit `--profile NAME` > the environment (`WIX_API_KEY`, with optional
//! `WIX_ACCOUNT_ID` and `WIX_SITE_ID`) > the only saved profile when exactly one exists > an
//! error that lists the choices. The environment route is for automation without a keychain
//! (CI, servers, containers): nothing is read from or written to the keychain or WIXDROP_HOME.

use wixdrop_core::config::Paths;
use wixdrop_core::secret::{redact_tokens, ApiKey};
use wixdrop_core::vault::{is_guid, usable_key, Vault, VaultError};
use wixdrop_core::wix::sites::parse_site_ref;

use crate::exit::CliError;

pub const ENV_KEY: &str = "WIX_API_KEY";
pub const ENV_ACCOUNT: &str = "WIX_ACCOUNT_ID";
pub const ENV_SITE: &str = "WIX_SITE_ID";
/// The profile name shown (and journaled) for a key from `WIX_API_KEY`.
pub const ENV_PROFILE: &str = "(environment)";

/// A key ready to use, and where it came from.
#[derive(Debug)]
pub struct Resolved {
    /// The saved profile's name; `None` for the environment.
    pub name: Option<String>,
    pub key: ApiKey,
    pub account_id: String,
    /// The profile's default site, or `WIX_SITE_ID`.
    pub site_id: Option<String>,
}

/// The vault under `WIXDROP_HOME` (or the OS default), with any warning about a damaged
/// profiles file said once on stderr.
pub fn open_vault() -> Result<Vault, CliError> {
    let vault = Vault::open(&Paths::from_env()?);
    if let Some(w) = vault.take_warning() {
        eprintln!("wixdrop: {w}");
    }
    Ok(vault)
}

/// Resolve from the process environment and the saved profiles. (The key commands hold a
/// vault already and call [`resolve_in`]; the upload commands call this.)
pub fn resolve(profile: Option<&str>) -> Result<Resolved, CliError> {
    resolve_in(&open_vault()?, profile, &|name| std::env::var(name).ok())
}

/// [`resolve`] with the vault and the environment given (for tests and callers that hold a
/// vault already).
pub fn resolve_in(
    vault: &Vault,
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CliError> {
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let names = || vault.list().into_iter().map(|p| p.name).collect::<Vec<_>>();
    let name = match choose(profile, env(ENV_KEY).is_some(), names)? {
        Choice::Env => return from_env(&env),
        Choice::Named(name) => name,
    };
    let p = vault.get(&name)?;
    let key = vault.key(&name)?;
    Ok(Resolved {
        name: Some(p.name),
        key,
        account_id: p.account_id,
        site_id: p.default_site,
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Choice {
    Named(String),
    Env,
}

/// The precedence rule alone, without I/O. `names` is only asked for when needed.
fn choose(
    profile: Option<&str>,
    env_key: bool,
    names: impl FnOnce() -> Vec<String>,
) -> Result<Choice, CliError> {
    if let Some(p) = profile {
        return Ok(Choice::Named(p.to_string()));
    }
    if env_key {
        return Ok(Choice::Env);
    }
    let mut names = names();
    match names.len() {
        1 => Ok(Choice::Named(names.remove(0))),
        0 => Err(CliError::usage(
            "no_profile",
            format!("No profile to use: save a key with `wixdrop key add NAME` (the key on stdin), or set {ENV_KEY} (and optionally {ENV_ACCOUNT}, {ENV_SITE}) for scripts."),
        )),
        _ => Err(CliError::usage(
            "ambiguous_profile",
            format!("Several profiles exist ({}): choose one with --profile NAME (or a NAME argument), or set {ENV_KEY}.", names.join(", ")),
        )),
    }
}

fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Resolved, CliError> {
    let text = env(ENV_KEY).unwrap_or_default();
    let (key, from_key) = usable_key(&text).map_err(|e| match e {
        VaultError::NotAnApiKey {
            headline, message, ..
        } => CliError::usage(
            "not_an_api_key",
            format!("{ENV_KEY} does not hold a usable Wix API key ({headline}): {message}"),
        ),
        other => other.into(),
    })?;
    let account_id = match env(ENV_ACCOUNT).map(|a| a.trim().to_string()) {
        Some(a) if is_guid(&a) => a.to_ascii_lowercase(),
        Some(a) => {
            return Err(CliError::usage(
                "invalid_account_id",
                format!(
                    "{ENV_ACCOUNT} is not an account ID (\"{}\"); it should look like 8-4-4-4-12 hexadecimal digits.",
                    redact_tokens(&a.chars().take(60).collect::<String>())
                ),
            ))
        }
        None => from_key.ok_or_else(|| {
            CliError::usage("missing_account_id", format!("The key in {ENV_KEY} does not name its account: set {ENV_ACCOUNT} to the account ID shown on the Wix API Keys page."))
        })?,
    };
    let site_id = match env(ENV_SITE) {
        Some(s) => Some(parse_site_ref(&s).ok_or_else(|| {
            CliError::usage("invalid_site", format!("{ENV_SITE} is not a site ID: use the site's ID or its dashboard URL (…/dashboard/<site id>/…)."))
        })?),
        None => None,
    };
    Ok(Resolved {
        name: None,
        key,
        account_id,
        site_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use wixdrop_core::credential::synth;

    fn names(n: &[&str]) -> impl FnOnce() -> Vec<String> {
        let v: Vec<String> = n.iter().map(|s| s.to_string()).collect();
        move || v
    }

    #[test]
    fn explicit_beats_env_beats_the_only_profile() {
        assert_eq!(
            choose(Some("a"), true, names(&["b"])).unwrap(),
            Choice::Named("a".into())
        );
        assert_eq!(choose(None, true, names(&["b"])).unwrap(), Choice::Env);
        assert_eq!(
            choose(None, false, names(&["b"])).unwrap(),
            Choice::Named("b".into())
        );
        let e = choose(None, false, names(&[])).unwrap_err();
        assert_eq!((e.kind, e.code()), ("no_profile", 2));
        assert!(e.message.contains("WIX_API_KEY"));
        let e = choose(None, false, names(&["a", "b"])).unwrap_err();
        assert_eq!(e.kind, "ambiguous_profile");
        assert!(e.message.contains("a, b"), "{}", e.message);
    }

    fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn env_profile_takes_the_account_from_the_key_unless_given() {
        let acc = synth::guid(1);
        let key = synth::api_key(&acc, &synth::guid(2), &synth::guid(3), 1_700_000_000);
        let r = from_env(&env_of(&[(ENV_KEY, format!("{key}\n"))])).unwrap();
        assert_eq!(
            (r.name, r.account_id.as_str(), r.site_id),
            (None, acc.as_str(), None)
        );
        assert_eq!(r.key.expose(), &key);

        let other = synth::guid(4).to_uppercase();
        let site = synth::guid(5);
        let r = from_env(&env_of(&[
            (ENV_KEY, key.clone()),
            (ENV_ACCOUNT, other.clone()),
            (
                ENV_SITE,
                format!("https://manage.wix.com/dashboard/{site}/home"),
            ),
        ]))
        .unwrap();
        assert_eq!(r.account_id, other.to_lowercase());
        assert_eq!(r.site_id, Some(site));
    }

    #[test]
    fn bad_env_values_are_usage_errors_without_the_key() {
        let key = synth::oauth_access_token(&synth::guid(1), 1_700_000_000);
        let e = from_env(&env_of(&[(ENV_KEY, key.clone())])).unwrap_err();
        assert_eq!((e.kind, e.code()), ("not_an_api_key", 2));
        assert!(!e.message.contains(&key[12..40]));
        let good = synth::api_key(
            &synth::guid(1),
            &synth::guid(2),
            &synth::guid(3),
            1_700_000_000,
        );
        let e = from_env(&env_of(&[
            (ENV_KEY, good.clone()),
            (ENV_ACCOUNT, "nope".into()),
        ]))
        .unwrap_err();
        assert_eq!(e.kind, "invalid_account_id");
        let e = from_env(&env_of(&[(ENV_KEY, good), (ENV_SITE, "my site".into())])).unwrap_err();
        assert_eq!(e.kind, "invalid_site");
    }
}
