//! The one error that crosses IPC: `{kind, message}`.
//!
//! `kind` is a stable code the UI may branch on; `message` is for people. Neither ever holds a
//! secret: core errors are built without keys, and server text is redacted before it gets here.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IpcErrorKind {
    /// Bad input from the UI (a form value out of range, a name already taken…).
    Invalid,
    /// What was pasted is not a usable Wix API key.
    NotAnApiKey,
    /// No such profile (it may have been removed by the CLI meanwhile).
    NotFound,
    /// The OS keychain is missing, locked or refused; the message names the fix.
    Keychain,
    /// Wix refused or could not be reached; the message holds the diagnosis and Wix's words.
    Wix,
    /// Reading or writing local files failed.
    Io,
    /// The user cancelled the wait (verify, folder listing…): nothing to show.
    Cancelled,
    /// Anything else.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub kind: IpcErrorKind,
    pub message: String,
}

impl IpcError {
    /// Also logged (redacted on its way to the file), so support sees what the user saw.
    pub fn new(kind: IpcErrorKind, message: impl Into<String>) -> Self {
        let message = message.into();
        log::info!("Answered with an error ({kind:?}): {message}");
        IpcError { kind, message }
    }
}

impl From<wixdrop_core::settings::SettingsError> for IpcError {
    fn from(e: wixdrop_core::settings::SettingsError) -> Self {
        use wixdrop_core::settings::SettingsError as E;
        let kind = match e {
            E::Invalid(_) => IpcErrorKind::Invalid,
            E::Write { .. } => IpcErrorKind::Io,
        };
        IpcError::new(kind, e.to_string())
    }
}

impl From<wixdrop_core::vault::VaultError> for IpcError {
    fn from(e: wixdrop_core::vault::VaultError) -> Self {
        use wixdrop_core::vault::VaultError as E;
        let kind = match e {
            E::NotFound(_) => IpcErrorKind::NotFound,
            E::NotAnApiKey { .. } => IpcErrorKind::NotAnApiKey,
            E::Keychain(_) | E::SecretMissing(_) => IpcErrorKind::Keychain,
            E::Write { .. } => IpcErrorKind::Io,
            E::NameTaken(_) | E::InvalidName | E::MissingAccountId | E::InvalidAccountId(_) => {
                IpcErrorKind::Invalid
            }
        };
        IpcError::new(kind, e.to_string())
    }
}

impl From<wixdrop_core::keys::KeyOpError> for IpcError {
    fn from(e: wixdrop_core::keys::KeyOpError) -> Self {
        use wixdrop_core::keys::KeyOpError as E;
        match e {
            E::Vault(v) => v.into(),
            other => IpcError::new(IpcErrorKind::Invalid, other.to_string()),
        }
    }
}

impl From<wixdrop_core::waits::Cancelled> for IpcError {
    fn from(e: wixdrop_core::waits::Cancelled) -> Self {
        IpcError::new(IpcErrorKind::Cancelled, e.to_string())
    }
}

impl From<wixdrop_core::wix::WixError> for IpcError {
    fn from(e: wixdrop_core::wix::WixError) -> Self {
        IpcError::new(IpcErrorKind::Wix, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI's error handling depends on this exact shape.
    #[test]
    fn json_shape_is_pinned() {
        let e = IpcError::new(
            IpcErrorKind::Invalid,
            "Parallel uploads must be between 1 and 16 (got 0).",
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"kind":"invalid","message":"Parallel uploads must be between 1 and 16 (got 0)."}"#
        );
    }

    /// The window tells a cancelled wait from a failure by this kind (and shows nothing).
    #[test]
    fn a_cancelled_wait_has_its_own_kind() {
        let e: IpcError = wixdrop_core::waits::Cancelled.into();
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "cancelled");
    }

    /// Wix's refusals (folder listing, folder creation) keep their diagnosis in the message.
    #[test]
    fn wix_errors_have_their_own_kind() {
        let e: IpcError = wixdrop_core::wix::WixError::Network(wixdrop_core::net::NetFailure {
            kind: wixdrop_core::net::NetFailureKind::TimedOut,
            host: "www.wixapis.com".into(),
            detail: "operation timed out".into(),
        })
        .into();
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "wix");
        assert!(
            e.message.contains("www.wixapis.com did not answer in time")
                && e.message.contains("(details: operation timed out)"),
            "{}",
            e.message
        );
    }
}
