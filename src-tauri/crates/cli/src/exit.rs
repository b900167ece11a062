//! Exit codes and errors shared by every subcommand, so scripts can branch on them the same way.
//!
//! Two families, on purpose: **1** means the command ran and the world said no (Wix refused the
//! key, the keychain is unavailable, the user declined), **2** means what was given is wrong
//! (usage, input that is not a key, a name that does not exist). With `--json` an error is also
//! printed on stdout as `{"error": {"kind": "...", "message": "..."}}`; stderr always gets the
//! sentence, so a person watching a script still sees why.

use std::fmt;
use std::process::ExitCode;

use serde_json::json;
use wixdrop_core::config::ConfigError;
use wixdrop_core::keys::KeyOpError;
use wixdrop_core::secret::redact_tokens;
use wixdrop_core::vault::VaultError;

/// Shown under `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit status:
  0  success (for `key inspect`: a complete Wix API key, judged offline)
  1  the command ran, but the answer is no: Wix refused the key (a verification that failed;
     `key add` still saved the profile), Wix or the network is down, the keychain is
     unavailable or locked, the confirmation was declined (for `key inspect`: not usable),
     a file failed to upload, or an upload was interrupted (it resumes on the next run)
  2  bad usage or input: unknown option, nothing on stdin, text that is not a Wix API key, a
     key of another account, a malformed account or site ID, an unknown or taken profile
     name, no profile to use, `key rm` without --yes when not on a terminal, a path that
     does not exist, no site to upload to
With --json, errors are also printed on stdout as {\"error\": {\"kind\": \"…\", \"message\": \"…\"}}.";

/// How a command ended.
#[derive(Debug)]
pub enum Exit {
    /// 0
    Success,
    /// 1: ran fine, negative answer; the command already printed why.
    No,
    /// 1 or 2, with a message (and a JSON error object under `--json`).
    Fail(CliError),
}

impl Exit {
    /// Print what still needs printing and turn this into the process exit code.
    pub fn report(self, json: bool) -> ExitCode {
        match self {
            Exit::Success => ExitCode::SUCCESS,
            Exit::No => ExitCode::from(1),
            Exit::Fail(e) => {
                eprintln!("wixdrop: {}", e.message);
                if json {
                    println!("{}", e.to_json());
                }
                ExitCode::from(e.code())
            }
        }
    }
}

impl From<CliError> for Exit {
    fn from(e: CliError) -> Self {
        Exit::Fail(e)
    }
}

/// Which exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// 1: the operation failed.
    Failed,
    /// 2: bad usage or input.
    Usage,
}

/// An error a command reports: a stable `kind` for scripts and a sentence for people. The
/// message never contains the key (every source of text here is redacted or key-free).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub kind: &'static str,
    pub message: String,
    pub class: Class,
}

impl CliError {
    pub fn usage(kind: &'static str, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            class: Class::Usage,
        }
    }

    pub fn failed(kind: &'static str, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            class: Class::Failed,
        }
    }

    pub fn code(&self) -> u8 {
        match self.class {
            Class::Failed => 1,
            Class::Usage => 2,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({ "error": { "kind": self.kind, "message": self.message } })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A problem with what the user gave us (never contains the input itself).
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<UsageError> for CliError {
    fn from(e: UsageError) -> Self {
        CliError::usage("invalid_input", e.0)
    }
}

impl From<UsageError> for Exit {
    fn from(e: UsageError) -> Self {
        Exit::Fail(e.into())
    }
}

impl From<VaultError> for CliError {
    fn from(e: VaultError) -> Self {
        // Defence in depth: an ID field someone pasted a key into is echoed back redacted.
        let message = redact_tokens(&e.to_string());
        let (kind, class) = match e {
            VaultError::NotFound(_) => ("profile_not_found", Class::Usage),
            VaultError::NameTaken(_) => ("name_taken", Class::Usage),
            VaultError::InvalidName => ("invalid_name", Class::Usage),
            VaultError::NotAnApiKey { .. } => ("not_an_api_key", Class::Usage),
            VaultError::MissingAccountId => ("missing_account_id", Class::Usage),
            VaultError::InvalidAccountId(_) => ("invalid_account_id", Class::Usage),
            VaultError::Keychain(_) => ("keychain", Class::Failed),
            VaultError::SecretMissing(_) => ("secret_missing", Class::Failed),
            VaultError::Write { .. } => ("io", Class::Failed),
        };
        CliError {
            kind,
            message,
            class,
        }
    }
}

impl From<KeyOpError> for CliError {
    fn from(e: KeyOpError) -> Self {
        match e {
            KeyOpError::Vault(v) => v.into(),
            KeyOpError::BadSite(_) => {
                CliError::usage("invalid_site", redact_tokens(&e.to_string()))
            }
            KeyOpError::OtherAccount { .. } => CliError::usage("other_account", e.to_string()),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::usage("config", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_errors_map_to_stable_kinds_and_codes() {
        let e: CliError = VaultError::NotFound("x".into()).into();
        assert_eq!((e.kind, e.code()), ("profile_not_found", 2));
        let e: CliError = VaultError::Keychain("no keychain".into()).into();
        assert_eq!((e.kind, e.code()), ("keychain", 1));
        assert_eq!(
            e.to_json(),
            json!({"error": {"kind": "keychain", "message": "no keychain"}})
        );
        let e: CliError = KeyOpError::OtherAccount {
            old: "a".into(),
            new: "b".into(),
        }
        .into();
        assert_eq!((e.kind, e.code()), ("other_account", 2));
    }
}
