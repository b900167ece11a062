//! Classify a pasted credential, offline, and say in plain words what it is.
//!
//! People paste all sorts of things into a "Wix API key" box: the key itself (often with quotes,
//! line breaks or a `Bearer ` prefix picked up on the way), an OAuth token copied from a network
//! tab, a session cookie, a site ID from the dashboard URL, half a key. This module turns any of
//! those into the facts the key badge shows — what the text *is*, which account it belongs to,
//! what is wrong with it and what to do next — without touching the network.
//!
//! Why it is shaped like this:
//! - **Real API keys are `IST.` + a three-part JWT** (docs: `/work/shared/wix-api.md` §2). The
//!   popular claim that `JWS.` keys are the "right" kind is false; nothing here ever calls an
//!   `IST.` key the wrong kind or suggests a `JWS.` prefix.
//! - **Offline facts are hints.** The signature cannot be verified without Wix, and the payload
//!   layout is undocumented, so `usable` means "complete and well formed", not "works". The live
//!   probe (vault verify) is the authority.
//! - **Pure and total.** No I/O, no panics on any input (fuzzed in `tests/credential_props.rs`),
//!   and the report never contains the key: only IDs, dates and prose.
//!
//! - **Keys live inside other text.** A paste that is not just a token (an env line, JSON, a
//!   curl command…) is scanned for every Wix credential in it (`extract`), each is classified
//!   on its own, and `pick` decides which one the report is about. A text that is just a token
//!   (with noise) keeps the plain path, so its diagnosis stays exactly what it was.
//!
//! Layout: [`clean`] (noise removal) → `jwt` (segment decoding) → `classify` (kinds, facts,
//! messages); `extract` (candidates in a larger text, and where) → `pick` (one answer).
//! [`synth`] builds tokens in the real shapes for tests and the emulator.

mod classify;
mod clean;
mod extract;
mod jwt;
mod pick;
pub mod synth;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use ts_rs::TS;

pub use clean::clean;
pub use extract::Source;

/// What a pasted credential is, judged from its text alone.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "CredentialKind")]
pub enum Kind {
    /// `IST.` + JWT, made in the Wix API Keys Manager: the credential Wixdrop needs.
    WixApiKey,
    /// `OauthNG.JWS.` + JWT: a 4-hour OAuth access token of a Wix app.
    OauthAccessToken,
    /// `JWS.` + JWT whose data is a bare id: a long-lived OAuth refresh token.
    OauthRefreshToken,
    /// `JWS.` + JWT whose data describes a site member: the `smSession` login cookie.
    MemberSession,
    /// Any other `JWS.` token.
    JwsToken,
    /// `<signature>.<payload>`: the signed `instance` a Wix app receives in its iframe.
    AppInstance,
    /// A GUID (or a URL holding one): an account, site or app ID, not a key.
    IdNotKey,
    /// Anything else, including empty input.
    Unrecognized,
}

impl Kind {
    /// The kind with an article, for sentences: "an OAuth access token".
    pub fn words(self) -> &'static str {
        match self {
            Kind::WixApiKey => "a Wix API key",
            Kind::OauthAccessToken => "an OAuth access token",
            Kind::OauthRefreshToken => "an OAuth refresh token",
            Kind::MemberSession => "a member session cookie",
            Kind::JwsToken => "a JWS token",
            Kind::AppInstance => "an app instance token",
            Kind::IdNotKey => "an ID",
            Kind::Unrecognized => "an unrecognized value",
        }
    }
}

/// Something that was wrong with the pasted text. The first three make a key unusable; the
/// others record what cleaning removed (the cleaned key is still fine to save).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "CredentialProblem")]
pub enum Problem {
    /// Part of the token is missing: a segment that does not decode, a `...`/`…` ending, too
    /// few segments, a signature shorter than its algorithm produces.
    Truncated,
    /// Far too short to be any Wix credential.
    TooShort,
    /// The wrong shape for its kind: extra segments (often the key pasted twice) or characters
    /// a token never contains.
    Malformed,
    /// Surrounding or inner whitespace / line breaks / zero-width characters were removed.
    WhitespaceRemoved,
    /// Surrounding quotes (`'`, `"`, `` ` ``, typographic quotes) were removed.
    QuotesRemoved,
    /// A leading `Bearer ` and/or `Authorization:` header name was removed.
    BearerPrefixRemoved,
    /// The text holds several different API keys; which one to save is the user's choice.
    SeveralKeys,
}

impl Problem {
    /// True for the problems that make a key unusable (as opposed to noise that was cleaned).
    pub fn is_blocking(self) -> bool {
        matches!(
            self,
            Problem::Truncated | Problem::TooShort | Problem::Malformed | Problem::SeveralKeys
        )
    }

    /// A few plain words for lists ("whitespace removed").
    pub fn label(self) -> &'static str {
        match self {
            Problem::Truncated => "incomplete (cut off)",
            Problem::TooShort => "too short",
            Problem::Malformed => "unexpected characters or parts",
            Problem::WhitespaceRemoved => "spaces or line breaks removed",
            Problem::QuotesRemoved => "quotes removed",
            Problem::BearerPrefixRemoved => "\"Bearer\"/\"Authorization:\" prefix removed",
            Problem::SeveralKeys => "several different API keys",
        }
    }
}

/// The badge facts for a pasted credential. Never contains the credential itself.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct CredentialReport {
    pub kind: Kind,
    /// Complete, decodable Wix API key with no blocking problem. Not proof that Wix accepts it.
    pub usable: bool,
    /// The key's `tenant.id` when its tenant is an account (undocumented by Wix: a pre-fill).
    pub account_id: Option<String>,
    /// The key's own id (`data.id`).
    pub key_id: Option<String>,
    /// `"<type>:<id>"` of the identity the key was made for, e.g. `application:<uuid>`.
    pub identity: Option<String>,
    /// RFC 3339, UTC.
    pub issued_at: Option<String>,
    /// RFC 3339, UTC. API keys have none.
    pub expires_at: Option<String>,
    /// Whether the expiry is past (as of the `now` given to `inspect`); null without an expiry.
    pub expired: Option<bool>,
    /// A site ID: an OAuth token's `metaSiteId`, a session's site, or the GUID of a dashboard URL.
    pub site_id: Option<String>,
    /// A GUID that was pasted instead of a key (when it is not known to be a site ID).
    pub guid: Option<String>,
    /// True when cleaning removed anything (whitespace, quotes, a Bearer prefix).
    pub cleaned: bool,
    /// Most serious first: truncated, too_short, malformed, then what cleaning removed.
    pub problems: Vec<Problem>,
    /// Badge text, e.g. "Wix API key".
    pub headline: String,
    /// What it is, what is wrong, what to do — in plain words.
    pub message: String,
    /// Anchor in the in-app guide: `get-api-key`, `which-credential`, `find-ids`, `troubleshooting`.
    pub guide_anchor: Option<String>,
    /// Where the credential this report is about was taken from, when it sat inside a larger
    /// text (an env line, JSON, a curl command…); null when the text was the credential itself.
    /// Stable codes: see [`Source`].
    pub found_in: Option<Source>,
    /// The variable, field, header or query parameter it was under (`WIX_API_KEY`,
    /// `accessToken.value`, `Authorization`), when there was one. A short identifier.
    pub found_name: Option<String>,
    /// `found_in` in words: "taken from an env line (WIX_API_KEY)" for a key, "found in …" for
    /// another credential.
    pub found_note: Option<String>,
    /// Other credentials in the same text, by kind and place (never their value). For several
    /// API keys, every key found is listed here.
    pub others: Vec<FoundCredential>,
}

/// A credential found beside the one a report is about: what and where, never its value.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export, rename = "CredentialFound")]
pub struct FoundCredential {
    pub kind: Kind,
    pub found_in: Source,
    /// The variable, field, header or parameter name it was under, when there was one.
    pub name: Option<String>,
    /// In words: "an OAuth access token (in the JSON, accessToken.value)".
    pub note: String,
}

/// The pasted text with its noise removed: `value` is what the vault stores.
#[derive(Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The cleaned secret. Not shown by `Debug`.
    pub value: String,
    /// What was removed, in [`Problem`] order; empty when the text was already clean.
    pub problems: Vec<Problem>,
}

impl Cleaned {
    fn untouched(value: &str) -> Cleaned {
        Cleaned {
            value: value.to_owned(),
            problems: Vec::new(),
        }
    }

    /// True when anything was removed.
    pub fn changed(&self) -> bool {
        !self.problems.is_empty()
    }
}

impl fmt::Debug for Cleaned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cleaned")
            .field(
                "value",
                &format_args!("<redacted, {} chars>", self.value.chars().count()),
            )
            .field("problems", &self.problems)
            .finish()
    }
}

/// Inspect pasted text: clean it, classify it, decode what can be decoded offline.
/// `now` decides whether a token with an expiry has expired.
pub fn inspect(text: &str, now: OffsetDateTime) -> CredentialReport {
    analyse(text, now).report
}

/// The report on a pasted text and the secret it is about: the cleaned token for a plain
/// paste, the key taken out of a larger text (env line, JSON, curl…) otherwise. `value` is
/// what the vault stores when `report.usable`.
pub struct Analysis {
    pub report: CredentialReport,
    pub value: Cleaned,
}

impl fmt::Debug for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("report", &self.report)
            .field("value", &self.value)
            .finish()
    }
}

/// [`inspect`], keeping the secret the report is about. See [`Analysis`].
pub fn analyse(text: &str, now: OffsetDateTime) -> Analysis {
    let cleaned = clean(text);
    if !is_plain(&cleaned.value) {
        if let Some(found) = pick::from_text(text, now) {
            return found;
        }
    }
    let verdict = classify::classify(&cleaned.value, text, now);
    Analysis {
        report: build(verdict, &cleaned),
        value: cleaned,
    }
}

/// Is the cleaned text just one token (possibly damaged), as opposed to a text holding one?
fn is_plain(value: &str) -> bool {
    let b = value.as_bytes();
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '…'))
        && b.iter()
            .enumerate()
            .all(|(i, c)| *c != b'=' || matches!(b.get(i + 1), None | Some(b'=') | Some(b'.')))
}

/// The report for one classified credential; `cleaning` says what noise was removed.
fn build(verdict: classify::Verdict, cleaning: &Cleaned) -> CredentialReport {
    // What cleaning removed is news only about something recognised: for plain garbage
    // "spaces or line breaks removed" would suggest the text was nearly right (issue 15).
    let tidied = verdict.kind != Kind::Unrecognized;
    let removed: &[Problem] = if tidied { &cleaning.problems } else { &[] };
    let mut problems: Vec<Problem> = removed.iter().chain(&verdict.problems).copied().collect();
    problems.sort();
    problems.dedup();

    let blocking = problems.iter().any(|p| p.is_blocking());
    let usable = verdict.kind == Kind::WixApiKey
        && verdict.complete
        && !blocking
        && verdict.facts.expired != Some(true);

    let mut message = verdict.message;
    if cleaning.changed() && verdict.kind == Kind::WixApiKey && usable {
        let removed: Vec<&str> = cleaning.problems.iter().map(|p| p.label()).collect();
        message.push_str(&format!(
            " Wixdrop tidied the pasted text ({}); the cleaned key is what gets saved.",
            removed.join(", ")
        ));
    }

    let f = verdict.facts;
    CredentialReport {
        kind: verdict.kind,
        usable,
        account_id: f.account_id,
        key_id: f.key_id,
        identity: f.identity,
        issued_at: f.issued_at.and_then(rfc3339),
        expires_at: f.expires_at.and_then(rfc3339),
        expired: f.expired,
        site_id: f.site_id,
        guid: f.guid,
        cleaned: tidied && cleaning.changed(),
        problems,
        headline: verdict.headline,
        message,
        guide_anchor: verdict.anchor.map(str::to_owned),
        found_in: None,
        found_name: None,
        found_note: None,
        others: Vec::new(),
    }
}

/// A short display fingerprint of a key, e.g. `IST…1a2b3c4d`: a known public prefix plus the
/// first 8 hex digits of the SHA-256 of the *cleaned* key. It tells two keys apart in a list
/// and survives re-pasting with different noise; it reveals nothing of the key.
pub fn fingerprint(key: &str) -> String {
    let value = clean(key).value;
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let label = if value.starts_with("OauthNG.JWS.") {
        "OauthNG"
    } else if value.starts_with("IST.") {
        "IST"
    } else if value.starts_with("JWS.") {
        "JWS"
    } else {
        ""
    };
    format!("{label}…{hex}")
}

fn rfc3339(t: OffsetDateTime) -> Option<String> {
    // Every instant here comes from `from_unix_timestamp`, so it is already UTC ("…Z").
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}
