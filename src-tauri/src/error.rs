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
    /// Bad input from the UI (a form value out of range…).
    Invalid,
    /// Reading or writing local files failed.
    Io,
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
    pub fn new(kind: IpcErrorKind, message: impl Into<String>) -> Self {
        IpcError { kind, message: message.into() }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI's error handling depends on this exact shape.
    #[test]
    fn json_shape_is_pinned() {
        let e = IpcError::new(IpcErrorKind::Invalid, "Parallel uploads must be between 1 and 16 (got 0).");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"kind":"invalid","message":"Parallel uploads must be between 1 and 16 (got 0)."}"#
        );
    }
}
