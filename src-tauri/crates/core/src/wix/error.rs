//! Wix error bodies → a typed error with a diagnosis a person can act on.
//!
//! Wix answers errors as `{message, details: {applicationError | validationError}}`, but not
//! always: gateways send HTML pages, proxies send nothing, and bodies may not even be UTF-8.
//! `ApiError::parse` accepts any bytes and never fails; whatever it finds, the user gets a
//! sentence that says what happened and what to do, plus a link into the in-app guide.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::ConfigError;
use crate::net::NetFailure;
use crate::secret::redact_tokens;

/// The broad class of a Wix failure; the UI and CLI branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    BadRequest,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    Conflict,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Unexpected,
}

/// One `details.validationError.fieldViolations[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
    pub violated_rule: Option<String>,
}

/// What went wrong, in plain words, and where the guide explains the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Diagnosis {
    pub kind: ErrorKind,
    /// One sentence: what happened.
    pub summary: String,
    /// One or two sentences: what to do about it.
    pub fix: String,
    /// A stable anchor in the in-app guide (`#trouble-403-permission` …).
    pub guide_anchor: Option<String>,
}

/// A non-2xx answer from Wix (or from something pretending to be Wix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub kind: ErrorKind,
    /// `details.applicationError.code`, when Wix sent one.
    pub code: Option<String>,
    /// Wix's own `message` (or an HTML page's title, or the start of a text body), redacted.
    pub server_message: Option<String>,
    pub violations: Vec<FieldViolation>,
    /// From a `Retry-After` header.
    pub retry_after: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum WixError {
    #[error("{}", .0.describe())]
    Api(ApiError),
    /// No HTTP answer at all: the network, a proxy or a certificate stopped the request.
    /// Wix said nothing, so the text never claims it did.
    #[error("{} {} (details: {})", .0.summary(), .0.fix(), .0.detail)]
    Network(NetFailure),
    #[error("Wix sent an answer Wixdrop could not read ({0}).")]
    UnexpectedResponse(String),
    #[error("{0}")]
    InvalidKey(&'static str),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl WixError {
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            WixError::Api(e) => Some(e),
            _ => None,
        }
    }
    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }
    /// The network fault, when the request got no HTTP answer.
    pub fn network(&self) -> Option<&NetFailure> {
        match self {
            WixError::Network(f) => Some(f),
            _ => None,
        }
    }
}

const MAX_TEXT: usize = 300;

#[derive(Deserialize)]
struct Body {
    message: Option<serde_json::Value>,
    // Kept loose: a `details` of the wrong shape must not hide the `message`.
    details: Option<serde_json::Value>,
    // Some gateways use `{ "error": "...", "error_description": "..." }`.
    error: Option<serde_json::Value>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    application_error: Option<AppErr>,
    validation_error: Option<ValErr>,
}

#[derive(Deserialize)]
struct AppErr {
    code: Option<serde_json::Value>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValErr {
    #[serde(default)]
    field_violations: Vec<RawViolation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawViolation {
    field: Option<String>,
    description: Option<String>,
    violated_rule: Option<String>,
}

impl ApiError {
    /// Parse any error body. Never fails, never panics.
    pub fn parse(status: u16, content_type: Option<&str>, body: &[u8]) -> ApiError {
        let mut err = ApiError {
            status,
            kind: kind_for_status(status),
            code: None,
            server_message: None,
            violations: Vec::new(),
            retry_after: None,
        };
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return err;
        }
        if let Ok(b) = serde_json::from_str::<Body>(trimmed) {
            let message = b.message.as_ref().and_then(value_text).or_else(|| {
                let e = b.error.as_ref().and_then(value_text);
                match (e, b.error_description) {
                    (Some(e), Some(d)) => Some(format!("{e}: {d}")),
                    (e, d) => e.or(d),
                }
            });
            if let Some(details) = b
                .details
                .and_then(|d| serde_json::from_value::<Details>(d).ok())
            {
                if let Some(app) = details.application_error {
                    err.code = app
                        .code
                        .as_ref()
                        .and_then(value_text)
                        .filter(|c| !c.is_empty());
                    if message.is_none() {
                        err.server_message = app.description.map(|d| clip(&d));
                    }
                }
                if let Some(v) = details.validation_error {
                    err.violations = v
                        .field_violations
                        .into_iter()
                        .map(|r| FieldViolation {
                            field: clip(&r.field.unwrap_or_default()),
                            description: clip(&r.description.unwrap_or_default()),
                            violated_rule: r.violated_rule.map(|s| clip(&s)),
                        })
                        .collect();
                }
            }
            if let Some(m) = message {
                err.server_message = Some(clip(&m)).filter(|m| !m.is_empty());
            }
            return err;
        }
        let looks_html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
            || trimmed
                .get(..15)
                .is_some_and(|s| s.to_ascii_lowercase().starts_with("<!doctype html"))
            || trimmed
                .get(..5)
                .is_some_and(|s| s.eq_ignore_ascii_case("<html"));
        err.server_message = if looks_html {
            Some(match html_title(trimmed) {
                Some(t) => format!(
                    "an HTML page titled \"{}\" instead of a Wix error",
                    clip(&t)
                ),
                None => "an HTML page instead of a Wix error".to_string(),
            })
        } else {
            Some(clip(trimmed))
        };
        err
    }

    /// Plain words for this error in general. Callers that know more (e.g. key verification
    /// knows whether it used `wix-account-id` or `wix-site-id`) refine it.
    pub fn diagnosis(&self) -> Diagnosis {
        let code = self.code.as_deref().unwrap_or("");
        // Fixes mention Wix's message or fields only when there are some to show: `describe`
        // (the CLI, error toasts) prints them in the same line.
        let has_message = self.server_message.is_some();
        let (summary, fix, anchor) = match self.kind {
            ErrorKind::Unauthenticated => (
                "Wix did not accept the API key: it is unknown, revoked or incomplete.",
                "Check the key is complete (it starts with IST.), or generate a new one in the API Keys Manager and use Replace key.",
                "trouble-401",
            ),
            ErrorKind::PermissionDenied => (
                "Wix recognised the key but refused this request.",
                "Make sure the key has the needed permission (Manage Media Manager for uploads), that it may reach this site, and that the account and site IDs belong to the key's account.",
                "trouble-403",
            ),
            ErrorKind::RateLimited => (
                "Wix is limiting how fast requests may be sent.",
                "Wixdrop waits and retries by itself; if this persists, lower the number of parallel uploads in Settings.",
                "trouble-5xx",
            ),
            ErrorKind::ServerError => (
                "Wix had a problem on its side.",
                "This is usually temporary. Wixdrop retries by itself; try again in a few minutes.",
                "trouble-5xx",
            ),
            ErrorKind::NotFound => ("Wix could not find what was asked for.", "Refresh the list and try again; the item may have been deleted.", "troubleshooting"),
            ErrorKind::BadRequest if !self.violations.is_empty() => ("Wix rejected the request as invalid.", "Correct the field Wix named; if the file is the problem, check its type and size.", "troubleshooting"),
            ErrorKind::BadRequest if has_message => ("Wix rejected the request as invalid.", "Wix's message says what it objected to; if the file is the problem, check its type and size.", "troubleshooting"),
            ErrorKind::BadRequest => ("Wix rejected the request as invalid.", "If the file is the problem, check its type and size.", "troubleshooting"),
            ErrorKind::PreconditionFailed if code == "MISSING_METASITE_ID" => (
                "Wix could not tell which site this request was for.",
                "Choose a site for this profile (or paste its dashboard URL) and try again.",
                "find-ids",
            ),
            ErrorKind::PreconditionFailed if has_message => ("Wix refused the request because a precondition was not met.", "Wix's message says which; some features need a premium plan.", "troubleshooting"),
            ErrorKind::PreconditionFailed => ("Wix refused the request because a precondition was not met.", "Some features need a premium plan: check the site's plan, then try again.", "troubleshooting"),
            ErrorKind::Conflict => ("Wix reported a conflict with the current state.", "Refresh and try again.", "troubleshooting"),
            ErrorKind::Unexpected if has_message => ("Wix gave an unexpected answer.", "Try again; if it keeps happening, Wix's message may say why.", "troubleshooting"),
            ErrorKind::Unexpected => ("Wix gave an unexpected answer.", "Try again; if it keeps happening, note the HTTP status when you ask for help.", "troubleshooting"),
        };
        Diagnosis {
            kind: self.kind,
            summary: summary.into(),
            fix: fix.into(),
            guide_anchor: Some(anchor.into()),
        }
    }

    /// One line for logs, the CLI and error toasts: diagnosis plus the server's own words.
    pub fn describe(&self) -> String {
        let d = self.diagnosis();
        let mut s = format!("{} (HTTP {}", d.summary, self.status);
        if let Some(c) = &self.code {
            s.push(' ');
            s.push_str(c);
        }
        if let Some(m) = &self.server_message {
            s.push_str(": ");
            s.push_str(m);
        }
        s.push(')');
        for v in &self.violations {
            s.push_str(&format!(" [{}: {}]", v.field, v.description));
        }
        s.push(' ');
        s.push_str(&d.fix);
        s
    }
}

pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 | 413 | 415 | 422 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::PermissionDenied,
        404 | 410 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        412 | 428 => ErrorKind::PreconditionFailed,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ServerError,
        _ => ErrorKind::Unexpected,
    }
}

fn value_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let t = html
        .get(open_end..close)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!t.is_empty()).then_some(t)
}

/// Redact tokens, collapse control characters, keep it short.
fn clip(s: &str) -> String {
    let s: String = redact_tokens(s)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let s = s.trim();
    if s.chars().count() <= MAX_TEXT {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX_TEXT).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_error_body() {
        let b = br#"{"message":"FAILED_PRECONDITION: Missing Token","details":{"applicationError":{"code":"MISSING_TOKEN","description":"x","data":{}}}}"#;
        let e = ApiError::parse(401, Some("application/json"), b);
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        assert_eq!(e.code.as_deref(), Some("MISSING_TOKEN"));
        assert_eq!(
            e.server_message.as_deref(),
            Some("FAILED_PRECONDITION: Missing Token")
        );
        assert_eq!(e.diagnosis().guide_anchor.as_deref(), Some("trouble-401"));
        let text = e.describe();
        assert!(
            text.contains("HTTP 401 MISSING_TOKEN") && text.contains("Replace key"),
            "{text}"
        );
    }

    #[test]
    fn validation_error_body_with_several_violations() {
        let b = br#"{"message":"invalid","details":{"validationError":{"fieldViolations":[
            {"field":"mimeType","description":"must not be empty","violatedRule":"REQUIRED_FIELD"},
            {"field":"sizeInBytes","description":"must be a number"}]}}}"#;
        let e = ApiError::parse(400, None, b);
        assert_eq!(e.kind, ErrorKind::BadRequest);
        assert_eq!(e.violations.len(), 2);
        assert_eq!(
            e.violations[0],
            FieldViolation {
                field: "mimeType".into(),
                description: "must not be empty".into(),
                violated_rule: Some("REQUIRED_FIELD".into())
            }
        );
        assert_eq!(e.violations[1].violated_rule, None);
        assert!(e.describe().contains("[mimeType: must not be empty]"));
    }

    #[test]
    fn html_error_pages_are_named_not_dumped() {
        let b = b"<!DOCTYPE html><html><head><title>403\n Forbidden</title></head><body>lots of markup</body></html>";
        let e = ApiError::parse(403, Some("text/html; charset=utf-8"), b);
        assert_eq!(e.kind, ErrorKind::PermissionDenied);
        assert_eq!(
            e.server_message.as_deref(),
            Some("an HTML page titled \"403 Forbidden\" instead of a Wix error")
        );
        let e = ApiError::parse(502, None, b"<html><body>Bad gateway</body></html>");
        assert_eq!(
            e.server_message.as_deref(),
            Some("an HTML page instead of a Wix error")
        );
        assert_eq!(e.kind, ErrorKind::ServerError);
    }

    #[test]
    fn empty_non_utf8_and_odd_bodies_survive() {
        let e = ApiError::parse(503, None, b"");
        assert_eq!(
            (e.kind, e.server_message.clone()),
            (ErrorKind::ServerError, None)
        );
        assert!(
            e.describe()
                .starts_with("Wix had a problem on its side. (HTTP 503)"),
            "{}",
            e.describe()
        );
        let e = ApiError::parse(500, None, &[0xff, 0xfe, b'o', b'k', 0x00, 0x80]);
        assert!(e.server_message.unwrap().contains("ok"));
        let e = ApiError::parse(429, None, b"{\"message\": 42, \"details\": \"weird\"}");
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.server_message.as_deref(), Some("42"));
        let e = ApiError::parse(
            401,
            None,
            br#"{"error":"invalid_token","error_description":"expired"}"#,
        );
        assert_eq!(e.server_message.as_deref(), Some("invalid_token: expired"));
        let e = ApiError::parse(418, None, b"[1,2,3]");
        assert_eq!(e.kind, ErrorKind::Unexpected);
        let long = "x".repeat(10_000);
        assert!(
            ApiError::parse(500, None, long.as_bytes())
                .server_message
                .unwrap()
                .chars()
                .count()
                <= MAX_TEXT + 1
        );
    }

    #[test]
    fn tokens_echoed_by_a_server_are_redacted() {
        let b = br#"{"message":"bad key IST.eyJabc.eyJdef.ghi"}"#;
        let e = ApiError::parse(401, None, b);
        assert_eq!(e.server_message.as_deref(), Some("bad key IST.<redacted>"));
    }

    /// A fix that points at Wix's message or fields is only given when there are some, and
    /// `describe` then prints them; none points "below" (the CLI prints it all in one line).
    #[test]
    fn fixes_point_only_at_words_that_are_shown() {
        for status in [400u16, 412, 418] {
            let bare = ApiError::parse(status, None, b"");
            let d = bare.diagnosis();
            assert!(
                !d.fix.contains("Wix's message") && !d.fix.contains("field Wix named"),
                "{status}: {}",
                d.fix
            );
            let with = ApiError::parse(status, None, br#"{"message":"because"}"#);
            let d = with.diagnosis();
            if d.fix.contains("Wix's message") {
                assert!(
                    with.describe().contains(": because)"),
                    "{}",
                    with.describe()
                );
            }
        }
        let v = ApiError::parse(400, None, br#"{"details":{"validationError":{"fieldViolations":[{"field":"fileName","description":"too long"}]}}}"#);
        assert!(v.diagnosis().fix.contains("field Wix named"));
        assert!(v.describe().contains("[fileName: too long]"));
        for kind_status in [400u16, 401, 403, 404, 409, 412, 428, 429, 500, 418] {
            for body in [&b""[..], br#"{"message":"m"}"#] {
                let e = ApiError::parse(kind_status, None, body);
                let d = e.diagnosis();
                assert!(
                    !d.fix.contains("below") && !d.summary.contains("below"),
                    "{kind_status}: {}",
                    d.fix
                );
            }
        }
    }

    #[test]
    fn missing_metasite_points_at_choosing_a_site() {
        let b = br#"{"message":"Couldn't extract metasiteId","details":{"applicationError":{"code":"MISSING_METASITE_ID"}}}"#;
        let d = ApiError::parse(428, None, b).diagnosis();
        assert_eq!(d.guide_anchor.as_deref(), Some("find-ids"));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_bytes() {
        use proptest::prelude::*;
        proptest!(|(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..400), ct in proptest::option::of("[a-z/;= -]{0,30}"))| {
            let e = ApiError::parse(status, ct.as_deref(), &body);
            let _ = e.describe();
        });
    }
}
