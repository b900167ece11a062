//! Decide what a cleaned credential is, read its facts, and write the diagnosis.
//!
//! Order matters: the longest prefix first (`OauthNG.JWS.` before `JWS.`), then IDs, then the
//! guesses for text that is none of these. Messages never quote the pasted text: they name IDs
//! and dates only, so a report can be logged or shown without leaking anything.

use serde_json::Value;
use time::OffsetDateTime;

use super::clean::is_noise_space;
use super::jwt::{self, Data, Jws, Object};
use super::{Kind, Problem};

const IST: &str = "IST.";
const OAUTH: &str = "OauthNG.JWS.";
const JWS: &str = "JWS.";
/// The header `kid` every public API key carries (wix-api.md §2.1).
const API_KEY_KID: &str = "PozH_aC2";
/// Shorter than this is not any Wix credential (a GUID is 36, a key several hundred).
const MIN_LEN: usize = 24;

const GET_KEY: &str =
    "Create an API key in the Wix API Keys Manager (manage.wix.com/account/api-keys) \
and paste that instead: it is a long text that starts with IST.";

#[derive(Default)]
pub(super) struct Facts {
    pub account_id: Option<String>,
    pub key_id: Option<String>,
    pub identity: Option<String>,
    pub issued_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub expired: Option<bool>,
    pub site_id: Option<String>,
    pub guid: Option<String>,
}

pub(super) struct Verdict {
    pub kind: Kind,
    /// The token's structure is whole (only meaningful for tokens).
    pub complete: bool,
    pub facts: Facts,
    pub problems: Vec<Problem>,
    pub headline: String,
    pub message: String,
    pub anchor: Option<&'static str>,
}

impl Verdict {
    pub(super) fn new(
        kind: Kind,
        headline: &str,
        message: String,
        anchor: Option<&'static str>,
    ) -> Self {
        Verdict {
            kind,
            complete: false,
            facts: Facts::default(),
            problems: Vec::new(),
            headline: headline.to_owned(),
            message,
            anchor,
        }
    }
}

/// Classify `s` (already cleaned). `original` is the text as pasted, used only for wording.
pub(super) fn classify(s: &str, original: &str, now: OffsetDateTime) -> Verdict {
    if let Some(body) = s.strip_prefix(OAUTH) {
        return oauth_access_token(body, now);
    }
    if let Some(body) = s.strip_prefix(IST) {
        return api_key(body, now);
    }
    if let Some(body) = s.strip_prefix(JWS) {
        return jws_token(body, now);
    }
    if let Some(v) = app_instance(s) {
        return v;
    }
    // A key with a label in front (`WIX_API_KEY=IST.…`, a whole .env file) is not an ID.
    if !s.contains("IST.eyJ") {
        if let Some(v) = id_not_key(s) {
            return v;
        }
    }
    unrecognized(s, original, now)
}

fn api_key(body: &str, now: OffsetDateTime) -> Verdict {
    let jws = jwt::parse(body);
    let facts = key_facts(&jws, now);
    let mut v = if jws.complete {
        let mut m = String::from("This is a Wix API key, the kind made in the API Keys Manager");
        match &facts.account_id {
            Some(id) => m.push_str(&format!(", for account {id}")),
            None => m.push_str(", but its account ID could not be read from it"),
        }
        if let Some(t) = facts.issued_at {
            m.push_str(&format!(", created {}", day(t)));
        }
        m.push('.');
        match facts.expired {
            Some(true) => m.push_str(" It carries an expiry date that has passed, so Wix will refuse it: create a new key."),
            Some(false) => m.push_str(" It carries an expiry date, which API keys normally do not have."),
            None => m.push_str(" API keys do not expire; they work until someone deletes them."),
        }
        if facts.account_id.is_none() {
            m.push_str(" Enter the account ID yourself: the API Keys Manager shows it.");
        }
        m.push_str(
            " Its signature cannot be checked offline, so whether Wix accepts it is confirmed when \
             Wixdrop first contacts Wix.",
        );
        let anchor = if facts.expired == Some(true) {
            Some("troubleshooting")
        } else if facts.account_id.is_none() {
            Some("find-ids")
        } else {
            None
        };
        Verdict::new(Kind::WixApiKey, "Wix API key", m, anchor)
    } else if jws.malformed && body.contains(IST) {
        Verdict::new(
            Kind::WixApiKey,
            "Wix API key, pasted twice?",
            "This starts like a Wix API key, but it contains \"IST.\" more than once: the key was \
             probably pasted twice. Clear the box and paste the key once."
                .to_owned(),
            Some("get-api-key"),
        )
    } else {
        let what = if jws.malformed {
            "has characters or parts a key never has"
        } else {
            "is incomplete"
        };
        Verdict::new(
            Kind::WixApiKey,
            "Incomplete Wix API key",
            format!(
                "This starts like a Wix API key but {what}: it was probably cut off or changed \
                 while copying. Copy the whole key again from the Wix API Keys Manager (it is \
                 several hundred characters long and starts with IST.). If you cannot copy it \
                 again, create a new key there."
            ),
            Some("get-api-key"),
        )
    };
    v.complete = jws.complete;
    v.problems = structure_problems(&jws, body.len() + IST.len());
    v.facts = facts;
    v
}

fn oauth_access_token(body: &str, now: OffsetDateTime) -> Verdict {
    let jws = jwt::parse(body);
    let mut facts = timed_facts(&jws, now);
    if let Data::Object(d) = jws.data() {
        facts.site_id = text_at(&d, &["instance", "metaSiteId"]);
    }
    let when = match (facts.expires_at, facts.expired) {
        (Some(t), Some(true)) => format!(" This one expired {}.", minute(t)),
        (Some(t), _) => format!(" This one expires {}.", minute(t)),
        _ => String::new(),
    };
    let site = facts
        .site_id
        .as_ref()
        .map(|s| format!(" It belongs to site {s}."))
        .unwrap_or_default();
    let headline = if facts.expired == Some(true) {
        "Expired OAuth access token"
    } else {
        "OAuth access token"
    };
    let mut v = Verdict::new(
        Kind::OauthAccessToken,
        headline,
        format!(
            "This is an OAuth access token (it starts with OauthNG.JWS.): a temporary token a Wix \
             app gets, valid for 4 hours. It is not an API key, so Wixdrop cannot keep using it.\
             {when}{site} {GET_KEY}"
        ),
        Some("which-credential"),
    );
    v.complete = jws.complete;
    v.problems = structure_problems(&jws, body.len() + OAUTH.len());
    v.facts = facts;
    v
}

fn jws_token(body: &str, now: OffsetDateTime) -> Verdict {
    let jws = jwt::parse(body);
    let mut facts = timed_facts(&jws, now);
    let data = jws.data();
    let (kind, headline, what) = match &data {
        Data::Object(d)
            if d.contains_key("tenant") || jws.header_str("kid") == Some(API_KEY_KID) =>
        {
            let k = key_facts(&jws, now);
            facts.account_id = k.account_id;
            facts.key_id = k.key_id;
            facts.identity = k.identity;
            (
                Kind::JwsToken,
                "Altered API key",
                "This looks like the inside of a Wix API key, but it starts with JWS. instead of \
                 IST. Real Wix API keys start with IST.: copy the key again exactly as the API \
                 Keys Manager shows it, without editing its beginning."
                    .to_owned(),
            )
        }
        Data::Object(d)
            if ["metaSiteId", "collectionId", "owner"]
                .iter()
                .any(|k| d.contains_key(*k)) =>
        {
            facts.site_id = text_at(d, &["metaSiteId"]);
            (
                Kind::MemberSession,
                "Member session cookie",
                format!(
                    "This is a site member's login session (the smSession cookie of a Wix site), \
                     not an API key. It signs a visitor in to one site and cannot manage media. \
                     Keep it private. {GET_KEY}"
                ),
            )
        }
        Data::Text => (
            Kind::OauthRefreshToken,
            "OAuth refresh token",
            format!(
                "This is an OAuth refresh token (a JWS. token apps use to get new 4-hour access \
                 tokens), not an API key. {GET_KEY}"
            ),
        ),
        _ => (
            Kind::JwsToken,
            "JWS token",
            format!(
                "This is a Wix JWS. token (a token or cookie from a Wix site or app), not an API \
                 key. {GET_KEY}"
            ),
        ),
    };
    let mut v = Verdict::new(kind, headline, what, Some("which-credential"));
    v.complete = jws.complete;
    v.problems = structure_problems(&jws, body.len() + JWS.len());
    v.facts = facts;
    v
}

/// `<signature>.<payload>`: the signed `instance` query parameter a Wix app's iframe receives
/// (HMAC-SHA256 signature, base64url JSON with `instanceId`, `appDefId`, `signDate`, …).
fn app_instance(s: &str) -> Option<Verdict> {
    if !super::extract::app_instance_shape(s) {
        return None;
    }
    let (sig, payload) = s.split_once('.')?;
    let data = jwt::decode_segment(payload)?;
    if !(data.contains_key("instanceId") || data.contains_key("appDefId")) {
        return None;
    }
    let mut v = Verdict::new(
        Kind::AppInstance,
        "App instance token",
        format!(
            "This is a Wix app instance (the signed \"instance\" value a Wix app receives when \
             it opens in a site's dashboard or editor). It identifies the app on one site; it is \
             not an API key. {GET_KEY}"
        ),
        Some("which-credential"),
    );
    v.complete = jwt::decode_bytes(sig).is_some_and(|b| b.len() == 32);
    v.facts.site_id = text_at(&data, &["metaSiteId"]);
    Some(v)
}

/// A bare GUID, or text (usually a dashboard URL) holding one.
fn id_not_key(s: &str) -> Option<Verdict> {
    let (at, guid) = find_guid(s)?;
    let guid = guid.to_ascii_lowercase();
    let bare = s.trim_matches(|c| c == '{' || c == '}').len() == guid.len();
    let from_dashboard = s[..at].ends_with("/dashboard/");
    let v = if from_dashboard {
        let mut v = Verdict::new(
            Kind::IdNotKey,
            "Site ID, not a key",
            format!(
                "This is a Wix dashboard address. The ID in it, {guid}, is that site's ID, not a \
                 key: you will pick the site after adding a key. {GET_KEY}"
            ),
            Some("get-api-key"),
        );
        v.facts.site_id = Some(guid);
        v
    } else {
        let source = if bare {
            "This is an ID"
        } else {
            "This holds an ID"
        };
        let mut v = Verdict::new(
            Kind::IdNotKey,
            "An ID, not a key",
            format!(
                "{source} ({guid}): an account ID, site ID or app ID, not an API key. \
                 {GET_KEY}"
            ),
            Some("find-ids"),
        );
        v.facts.guid = Some(guid);
        v
    };
    Some(v)
}

fn unrecognized(s: &str, original: &str, now: OffsetDateTime) -> Verdict {
    let mut problems = Vec::new();
    let mut facts = Facts::default();
    let chars = s.chars().count();
    if chars > 0 && chars < MIN_LEN {
        problems.push(Problem::TooShort);
    }
    let reason = if s.is_empty() {
        "Nothing was pasted.".to_owned()
    } else if s.contains("IST.eyJ") {
        "There is extra text before the key. Paste only the key itself, from IST. to the end."
            .to_owned()
    } else if jwt::looks_like_jwt(s) {
        let jws = jwt::parse(s);
        let k = key_facts(&jws, now);
        let is_key = jws.header_str("kid") == Some(API_KEY_KID) || k.account_id.is_some();
        let is_oauth = matches!(jws.data(), Data::Object(ref d) if d.contains_key("instance"));
        let msg = if is_key {
            facts = k;
            "This looks like a Wix API key without its IST. prefix: the beginning was lost while \
             copying. Copy the whole key again; it starts with IST."
        } else if is_oauth {
            "This looks like an OAuth access token without its OauthNG.JWS. prefix. Tokens like \
             this are temporary and are not API keys."
        } else {
            "This is a JWT, but not one Wix issues as an API key."
        };
        msg.to_owned()
    } else if ["ST.eyJ", "T.eyJ", ".eyJ"].iter().any(|p| s.starts_with(p)) {
        problems.push(Problem::Truncated);
        "This looks like a Wix API key whose first characters are missing: it should start with \
         IST. Copy the whole key again."
            .to_owned()
    } else if s.contains("api-keys") || s.starts_with("http") || s.contains("wix.com") {
        "This is a web address, not a key.".to_owned()
    } else if original
        .split(is_noise_space)
        .filter(|w| !w.is_empty())
        .count()
        >= 3
    {
        "This looks like ordinary text, not a key.".to_owned()
    } else if chars < 64 {
        "This does not look like a Wix credential; it may be a password or another service's \
         key. Wix API keys are several hundred characters long."
            .to_owned()
    } else {
        "This does not look like any Wix credential.".to_owned()
    };
    let mut v = Verdict::new(
        Kind::Unrecognized,
        if s.is_empty() {
            "Nothing pasted"
        } else {
            "Not recognized"
        },
        format!("{reason} {GET_KEY}"),
        Some("get-api-key"),
    );
    v.problems = problems;
    v.facts = facts;
    v
}

/// Account, key id, identity and dates of an API-key-shaped payload.
fn key_facts(jws: &Jws, now: OffsetDateTime) -> Facts {
    let mut f = timed_facts(jws, now);
    if let Data::Object(d) = jws.data() {
        if text_at(&d, &["tenant", "type"]).as_deref() == Some("account") {
            f.account_id = text_at(&d, &["tenant", "id"]);
        }
        f.key_id = text_at(&d, &["id"]);
        f.identity = match (
            text_at(&d, &["identity", "type"]),
            text_at(&d, &["identity", "id"]),
        ) {
            (Some(t), Some(id)) => Some(format!("{t}:{id}")),
            (Some(t), None) => Some(t),
            (None, Some(id)) => Some(id),
            (None, None) => None,
        };
    }
    f
}

fn timed_facts(jws: &Jws, now: OffsetDateTime) -> Facts {
    let expires_at = jws.time_claim("exp");
    Facts {
        issued_at: jws.time_claim("iat"),
        expires_at,
        expired: expires_at.map(|t| now >= t),
        ..Facts::default()
    }
}

fn structure_problems(jws: &Jws, len: usize) -> Vec<Problem> {
    let mut p = Vec::new();
    if jws.truncated {
        p.push(Problem::Truncated);
    }
    if jws.malformed {
        p.push(Problem::Malformed);
    }
    if len < MIN_LEN {
        p.push(Problem::TooShort);
    }
    p
}

/// A short string (an ID) at `path` in a JSON object; anything long or odd is ignored so a
/// report never carries more than an identifier.
fn text_at(obj: &Object, path: &[&str]) -> Option<String> {
    let (last, parents) = path.split_last()?;
    let mut cur = obj;
    for key in parents {
        cur = cur.get(*key)?.as_object()?;
    }
    let s = match cur.get(*last)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && s.len() <= 100 && !s.chars().any(char::is_control)).then_some(s)
}

/// The first standalone 8-4-4-4-12 hex GUID in `s`, with its byte offset.
fn find_guid(s: &str) -> Option<(usize, &str)> {
    let b = s.as_bytes();
    let is_word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    (0..b.len().saturating_sub(35)).find_map(|i| {
        let cand = b.get(i..i + 36)?;
        let shape = cand.iter().enumerate().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
        let alone = (i == 0 || !is_word(i - 1)) && !is_word(i + 36);
        // All 36 bytes are ASCII, so `i` and `i + 36` are char boundaries.
        (shape && alone).then(|| (i, &s[i..i + 36]))
    })
}

fn day(t: OffsetDateTime) -> String {
    format!("{}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn minute(t: OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", day(t), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_search() {
        let g = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        assert_eq!(find_guid(g).map(|x| x.1), Some(g));
        assert_eq!(
            find_guid(&format!("https://manage.wix.com/dashboard/{g}/home")).map(|x| x.0),
            Some(33)
        );
        assert!(find_guid(&format!("a{g}")).is_none());
        assert!(find_guid("é0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f").is_none());
        assert!(find_guid("").is_none());
    }
}
