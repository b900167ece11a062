//! The rules that keep secrets out of log files and the diagnostics text.
//!
//! Keys never reach a log on purpose (they live in `Sensitive<…>`, whose Debug prints
//! `<redacted>`), but a log also carries text from elsewhere: a server's error body that echoes
//! a token, an OS error, a proxy URL with its password. So every line is passed through
//! [`redact_log`] on its way to the file. It masks, by shape:
//!
//! - Wix credentials: `IST.…`, `OauthNG.JWS.…`, `JWS.…` ([`crate::secret::redact_tokens`]);
//! - any other JWT (`eyJ…​.…​.…`), wherever it stands;
//! - the value after `Bearer ` and after an `Authorization:` / `authorization=` header name;
//! - the password in a URL's user info (`http://user:password@proxy:3128`).

use crate::secret::redact_tokens;

/// The marker that replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// `text` with every secret of the shapes above replaced by [`REDACTED`].
pub fn redact_log(text: &str) -> String {
    let t = redact_tokens(text);
    let t = redact_bare_jwts(&t);
    let t = redact_after_names(&t);
    redact_userinfo(&t)
}

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/')
}

/// `eyJ…` runs with at least one dot (a JWT's header is base64url JSON, so it starts `eyJ`).
fn redact_bare_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("eyJ") {
        let at_boundary = rest[..pos]
            .chars()
            .next_back()
            .is_none_or(|c| !token_char(c));
        let len = rest[pos..]
            .find(|c: char| !token_char(c))
            .unwrap_or(rest.len() - pos);
        out.push_str(&rest[..pos]);
        let token = &rest[pos..pos + len];
        if at_boundary && token.contains('.') {
            out.push_str(REDACTED);
        } else {
            out.push_str(token);
        }
        rest = &rest[pos + len.max(3)..];
    }
    out.push_str(rest);
    out
}

/// The word after `Bearer ` / `Authorization:` / `authorization=` (any case).
fn redact_after_names(text: &str) -> String {
    const NAMES: [&str; 4] = [
        "bearer ",
        "authorization:",
        "authorization=",
        "\"authorization\":",
    ];
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let found = NAMES
            .iter()
            .filter_map(|n| lower[i..].find(n).map(|p| (i + p, n.len())))
            .min();
        let Some((at, n)) = found else { break };
        let mut v = at + n;
        // Spaces and an opening quote before the value stay as they are.
        v += text[v..].len() - text[v..].trim_start_matches([' ', '"']).len();
        // `Authorization: Bearer …`: the scheme word stays, the credential after it goes.
        if lower[v..].starts_with("bearer ") || lower[v..].starts_with("basic ") {
            v += lower[v..].find(' ').unwrap_or(0) + 1;
        }
        let end = text[v..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | ',' | ';'))
            .map_or(text.len(), |e| v + e);
        out.push_str(&text[i..v]);
        if end > v && &text[v..end] != REDACTED {
            out.push_str(REDACTED);
        } else {
            out.push_str(&text[v..end]);
        }
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// `scheme://user:password@host` → `scheme://user:<redacted>@host`.
fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let start = pos + 3;
        out.push_str(&rest[..start]);
        let authority_end = rest[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '>' | ')'))
            .map_or(rest.len(), |e| start + e);
        let authority = &rest[start..authority_end];
        match authority
            .rfind('@')
            .map(|at| (at, authority[..at].find(':')))
        {
            Some((at, Some(colon))) => {
                out.push_str(&authority[..=colon]);
                out.push_str(REDACTED);
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &rest[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJkYXRhIjoie319.c2lnbmF0dXJlLXBhcnQ_-";

    #[test]
    fn wix_keys_and_bare_jwts_are_masked_wherever_they_stand() {
        let line = format!("verify failed for IST.{JWT}; echoed token {JWT}, again({JWT})");
        let r = redact_log(&line);
        assert_eq!(
            r,
            "verify failed for IST.<redacted>; echoed token <redacted>, again(<redacted>)"
        );
        for piece in JWT.split('.') {
            assert!(!r.contains(piece), "{piece} leaked: {r}");
        }
        // Words that merely contain eyJ, or an eyJ with no dot, are not secrets.
        assert_eq!(redact_log("keyJar eyJust"), "keyJar eyJust");
    }

    #[test]
    fn header_values_and_bearer_tokens_are_masked() {
        assert_eq!(
            redact_log("Authorization: Bearer abc.def-123 next"),
            "Authorization: Bearer <redacted> next"
        );
        assert_eq!(
            redact_log(r#"{"authorization": "opaque-secret", "x": 1}"#),
            r#"{"authorization": "<redacted>", "x": 1}"#
        );
        assert_eq!(
            redact_log("authorization=s3cr3t;"),
            "authorization=<redacted>;"
        );
        assert_eq!(redact_log("bearer zzz"), "bearer <redacted>");
    }

    #[test]
    fn url_passwords_are_masked_and_plain_urls_kept() {
        assert_eq!(
            redact_log("proxy http://ana:hunter2@10.0.0.1:3128 refused"),
            "proxy http://ana:<redacted>@10.0.0.1:3128 refused"
        );
        let plain = "GET https://www.wixapis.com/site-media/v1/files?x=1 → 200";
        assert_eq!(redact_log(plain), plain);
        assert_eq!(redact_log("ünïcødé ok"), "ünïcødé ok");
    }
}
