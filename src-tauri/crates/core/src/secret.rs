//! Secrets that cannot leak by accident.
//!
//! `Sensitive<T>` prints `<redacted>` in Debug and Display and implements no `Serialize`, so a
//! key cannot slip into a log line, an error message or an IPC response without someone
//! calling `expose()` on purpose.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }
    /// The only way to read the secret. Grep for it when auditing.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A Wix API key (the raw `IST.…` string as sent in `Authorization`).
pub type ApiKey = Sensitive<String>;

/// Replace anything shaped like a Wix credential in `text` by a marker, so server messages and
/// OS error strings can be shown and logged safely even if they echo a token back.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_token_start(rest) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let prefix_len = ["OauthNG.JWS.", "IST.", "JWS."]
            .iter()
            .find(|p| tail.starts_with(**p))
            .map_or(0, |p| p.len());
        let body_len = tail[prefix_len..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
            .unwrap_or(tail.len() - prefix_len);
        out.push_str(&tail[..prefix_len]);
        out.push_str("<redacted>");
        rest = &tail[prefix_len + body_len..];
    }
    out.push_str(rest);
    out
}

fn find_token_start(s: &str) -> Option<usize> {
    ["OauthNG.JWS.eyJ", "IST.eyJ", "JWS.eyJ"]
        .iter()
        .filter_map(|p| s.find(p))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let k = ApiKey::new("IST.super-secret".into());
        assert_eq!(format!("{k:?}"), "<redacted>");
        assert_eq!(format!("{k}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&k)), "Some(<redacted>)");
        assert_eq!(k.expose(), "IST.super-secret");
    }

    #[test]
    fn tokens_in_text_are_redacted() {
        let t = "bad key IST.eyJhbGc.eyJkYXRh.sig_-x9 for site, and OauthNG.JWS.eyJa.b.c; ok";
        let r = redact_tokens(t);
        assert_eq!(
            r,
            "bad key IST.<redacted> for site, and OauthNG.JWS.<redacted>; ok"
        );
        assert_eq!(redact_tokens("nothing here"), "nothing here");
        assert_eq!(redact_tokens("JWS.eyJ"), "JWS.<redacted>");
        assert_eq!(redact_tokens("ünïcødé IST.eyJ…"), "ünïcødé IST.<redacted>…");
    }
}
