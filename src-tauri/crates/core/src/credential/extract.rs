//! Find every Wix credential inside a larger pasted text, and say where each one sat.
//!
//! People copy keys out of wherever they keep them: a `.env` file, a Windows `set` or PowerShell
//! `$env:` line, a JSON/JS/YAML config, a curl command or raw HTTP request from the docs, a
//! Postman export, a URL with `?access_token=…`, the Wix SDK's token JSON. Rather than one parser
//! per format (each brittle on the next variant), this is a *scanner*:
//!
//! 1. If the whole text is JSON, it is parsed and walked, so nesting and escapes (`\/`,
//!    `\u002e`) are handled by a real JSON parser and each string knows its path.
//! 2. Otherwise JSON-style escapes are undone and the text is cut into runs of token characters
//!    (base64url and `.`); a run that starts with a Wix prefix (`IST.`, `OauthNG.JWS.`, `JWS.`,
//!    also right after `Bearer`) or has the app-instance shape (`<signature>.<payload>`) is a
//!    candidate. One pass, linear in the text.
//! 3. The context of each candidate is read from its own line only (`NAME=`, `export`, `set`,
//!    `$env:`, `name:`, `?param=`, a header) plus two facts about the whole text (is it a curl
//!    command, an HTTP request). That is enough to name the place in words people recognise.
//!
//! What a candidate *is* is not decided here: the classifier judges each one. Candidates hold
//! secrets, so their `Debug` is redacted; names (variables, fields, headers) are kept only when
//! they are short identifiers, so a name can never carry part of a token.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

/// Where in a pasted text a credential was found.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "CredentialSource")]
pub enum Source {
    /// `NAME=value` / `export NAME="value"` (a `.env` file or a shell line).
    EnvLine,
    /// `set NAME=value` / `set "NAME=value"` (Windows cmd).
    WindowsSet,
    /// `$env:NAME = "value"` (PowerShell).
    Powershell,
    /// A string in a JSON document (any nesting), or a `"name": "value"` line.
    Json,
    /// The Wix SDK's token JSON: `accessToken.value` / `refreshToken.value`.
    SdkTokens,
    /// A Postman-style `{"key": …, "value": …}` pair (environments, collection headers).
    Postman,
    /// `name: value` in YAML.
    Yaml,
    /// An assignment or object field in code (JavaScript, TypeScript, Python…).
    Code,
    /// A curl command (`-H 'Authorization: …'`, or in its URL).
    Curl,
    /// A raw HTTP request (`POST /… HTTP/1.1` and its headers).
    HttpRequest,
    /// A request header line such as `Authorization: …` among other headers.
    Headers,
    /// A URL query parameter (`?access_token=…`, `&apiKey=…`).
    UrlQuery,
    /// Somewhere in other text.
    Text,
}

impl Source {
    /// The place in plain words, e.g. "an env line", "a curl command".
    pub fn words(self) -> &'static str {
        match self {
            Source::EnvLine => "an env line",
            Source::WindowsSet => "a Windows set command",
            Source::Powershell => "a PowerShell line",
            Source::Json => "the JSON",
            Source::SdkTokens => "the Wix SDK tokens",
            Source::Postman => "the Postman export",
            Source::Yaml => "the YAML",
            Source::Code => "the code",
            Source::Curl => "a curl command",
            Source::HttpRequest => "the HTTP request",
            Source::Headers => "the request headers",
            Source::UrlQuery => "a URL's query string",
            Source::Text => "the text",
        }
    }

    /// "an env line (WIX_API_KEY)" — the place and, when known, the name it was under.
    pub fn describe(self, name: Option<&str>) -> String {
        match name {
            Some(n) => format!("{} ({n})", self.words()),
            None => self.words().to_owned(),
        }
    }
}

/// A token-shaped run found in the text, with where it was. `value` is a secret.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub value: String,
    pub source: Source,
    /// The variable, field, header or parameter name it was under (a short identifier).
    pub name: Option<String>,
}

impl fmt::Debug for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Candidate")
            .field(
                "value",
                &format_args!("<redacted, {} chars>", self.value.len()),
            )
            .field("source", &self.source)
            .field("name", &self.name)
            .finish()
    }
}

/// At most this many distinct candidates are collected; the rest of a huge text is ignored
/// (nobody pastes hundreds of credentials, and it keeps the report and the work bounded).
pub(super) const MAX_CANDIDATES: usize = 64;

/// Longest name kept (shorter than any secret segment worth protecting).
const MAX_NAME: usize = 39;

const PREFIXES: &[&str] = &["OauthNG.JWS.", "IST.", "JWS."];

/// Every distinct candidate in `text`, in order of appearance (the same value twice is one).
pub(super) fn scan(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(doc) = serde_json::from_str::<Value>(trimmed) {
            let mut path = Vec::new();
            walk_json(&doc, &mut path, None, &mut |c: Candidate| {
                push(&mut out, &mut seen, c)
            });
            return out;
        }
    }
    let norm = unescape(text);
    let doc = Doc::of(&norm);
    for (start, end) in token_runs(&norm) {
        let (source, name) = context(&norm, start, &doc);
        push(
            &mut out,
            &mut seen,
            Candidate {
                value: norm[start..end].to_owned(),
                source,
                name,
            },
        );
        if out.len() >= MAX_CANDIDATES {
            break;
        }
    }
    out
}

fn push(out: &mut Vec<Candidate>, seen: &mut HashSet<String>, c: Candidate) {
    if out.len() < MAX_CANDIDATES && seen.insert(c.value.clone()) {
        out.push(c);
    }
}

/// Walk a JSON document; every string is scanned for tokens and named by its path.
fn walk_json(
    v: &Value,
    path: &mut Vec<String>,
    parent: Option<&Map<String, Value>>,
    found: &mut dyn FnMut(Candidate),
) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                path.push(k.clone());
                walk_json(child, path, Some(o), found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                walk_json(child, path, None, found);
                path.pop();
            }
        }
        Value::String(s) => {
            let runs = token_runs(s);
            if runs.is_empty() {
                return;
            }
            let (source, name) = json_place(path, parent);
            for (start, end) in runs {
                found(Candidate {
                    value: s[start..end].to_owned(),
                    source,
                    name: name.clone(),
                });
            }
        }
        _ => {}
    }
}

/// Postman pair, SDK tokens, or a plain JSON path (its last three steps).
fn json_place(path: &[String], parent: Option<&Map<String, Value>>) -> (Source, Option<String>) {
    let last = path.last().map(String::as_str);
    if last == Some("value") {
        if let Some(Value::String(key)) = parent.and_then(|p| p.get("key")) {
            return (Source::Postman, safe_name(key));
        }
        if let [.., holder, _] = path {
            if holder == "accessToken" || holder == "refreshToken" {
                return (Source::SdkTokens, Some(format!("{holder}.value")));
            }
        }
    }
    let tail = &path[path.len().saturating_sub(3)..];
    let mut name = String::new();
    for step in tail {
        if step.starts_with('[') {
            name.push_str(step);
        } else {
            let Some(step) = safe_name(step) else {
                return (Source::Json, None);
            };
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&step);
        }
    }
    (Source::Json, (!name.is_empty()).then_some(name))
}

/// Undo the escapes JSON and JS strings put inside tokens: `\/` and `\uXXXX` for printable
/// ASCII (`\u002e` is a dot). Everything else is left as it is. Linear.
fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("\\/") {
            out.push('/');
            rest = after;
            continue;
        }
        let hex = tail
            .get(2..6)
            .filter(|_| tail.as_bytes().get(1) == Some(&b'u'));
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(b) if (0x20..0x7f).contains(&b) => {
                out.push(b as char);
                rest = &tail[6..];
            }
            _ => {
                out.push('\\');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// Byte spans of the credential-shaped runs in `s`.
fn token_runs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_token_char(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_token_char(b[i]) {
            i += 1;
        }
        // All bytes of the run are ASCII, so the slices below are on char boundaries.
        let run = s[start..i].trim_end_matches('.');
        let mut at = start;
        let mut body = run;
        if body.len() > 6 && body[..6].eq_ignore_ascii_case("bearer") {
            let rest = &body[6..];
            if PREFIXES.iter().any(|p| rest.starts_with(p)) {
                at += 6;
                body = rest;
            }
        }
        let prefixed = PREFIXES
            .iter()
            .any(|p| body.len() > p.len() && body.starts_with(p));
        if prefixed || app_instance_shape(body) {
            spans.push((at, at + body.len()));
        }
    }
    spans
}

/// `<43-character base64url signature>.<base64url JSON payload>`: the signed `instance` a Wix
/// app receives. The classifier decides from the payload whether it really is one.
pub(super) fn app_instance_shape(s: &str) -> bool {
    let Some((sig, payload)) = s.split_once('.') else {
        return false;
    };
    sig.len() == 43
        && payload.starts_with("eyJ")
        && !payload.contains('.')
        && sig
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
}

/// Facts about the whole (unescaped) text that decide how a line is read.
struct Doc {
    curl: bool,
    http: bool,
    code: bool,
}

impl Doc {
    fn of(text: &str) -> Doc {
        let curl = text.lines().any(|l| {
            let l = l
                .trim_start()
                .trim_start_matches(['$', '>', '%'])
                .trim_start();
            l.starts_with("curl ") || l.starts_with("curl\t") || l.starts_with("curl.exe ")
        });
        let http = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.len() == 3
                    && ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(&w[0])
                    && w[2].starts_with("HTTP/")
            });
        // Markers of code only (prose in a .env comment, "# new key", must not count).
        let code = [
            "const ",
            "let ",
            "var ",
            "=>",
            "import ",
            "require(",
            "});",
            "def ",
            "os.environ",
            "process.env",
        ]
        .iter()
        .any(|m| text.contains(m));
        Doc { curl, http, code }
    }
}

/// Where the token starting at byte `start` sits, read from its own line.
fn context(text: &str, start: usize, doc: &Doc) -> (Source, Option<String>) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // Only the last 200 bytes before the token matter (keeps this bounded on one huge line).
    let mut from = line_start.max(start.saturating_sub(200));
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..start];
    let after = text[start..].split('\n').next().unwrap_or("");
    let fallback = if doc.curl {
        Source::Curl
    } else if doc.http {
        Source::HttpRequest
    } else {
        Source::Text
    };

    let quotes: &[char] = &['"', '\'', '`', ' ', '\t'];
    let mut b = before.trim_end_matches(quotes);
    if b.len() >= 6
        && b.is_char_boundary(b.len() - 6)
        && b[b.len() - 6..].eq_ignore_ascii_case("bearer")
    {
        b = b[..b.len() - 6].trim_end_matches(quotes);
    }
    let op = match b.chars().last() {
        Some(c @ (':' | '=')) => c,
        _ => return (fallback, None),
    };
    let b = b[..b.len() - 1].trim_end_matches([' ', '\t']);
    let quoted = b.ends_with('"') || b.ends_with('\'');
    let b = b.trim_end_matches(['"', '\'']);
    let name_start = b
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let raw_name = &b[name_start..];
    // The opening quote of a quoted name belongs to the name, not to what leads up to it.
    let lead = b[..name_start]
        .strip_suffix(['"', '\''])
        .unwrap_or(&b[..name_start]);
    // A "name" glued to a dot is the tail of another token, never a label.
    let name = if lead.ends_with('.') {
        None
    } else {
        safe_name(raw_name)
    };
    let lead_t = lead.trim();

    if op == '=' {
        if lead.ends_with('?') || lead.ends_with('&') {
            return (
                if doc.curl {
                    Source::Curl
                } else {
                    Source::UrlQuery
                },
                name,
            );
        }
        if lead.to_ascii_lowercase().ends_with("$env:") {
            return (Source::Powershell, name);
        }
        if doc.curl {
            return (Source::Curl, name);
        }
        let lead_word = lead_t.trim_end_matches(['"', '\'']).trim_end();
        if lead_word == "export" {
            return (Source::EnvLine, name);
        }
        if lead_word.eq_ignore_ascii_case("set") {
            return (Source::WindowsSet, name);
        }
        // `NAME=value` with nothing around the `=` is an env line even inside a larger text.
        if lead_t.is_empty() && !before.contains(" =") && !before.contains("= ") {
            return (Source::EnvLine, name);
        }
        if name.is_some() {
            return (Source::Code, name);
        }
        return (fallback, None);
    }

    // op == ':'
    if doc.curl {
        return (Source::Curl, name);
    }
    if doc.http {
        return (Source::HttpRequest, name);
    }
    let structural = lead_t
        .chars()
        .all(|c| matches!(c, '-' | '{' | ',' | '[' | ' '));
    if raw_name.eq_ignore_ascii_case("authorization") && lead_t.is_empty() {
        return (Source::Headers, name);
    }
    if !structural || name.is_none() {
        return (fallback, None);
    }
    let code_like = doc.code
        || lead_t.contains('{')
        || after
            .trim_start_matches(|c: char| is_token_char(c as u8) && c.is_ascii())
            .trim_start_matches(['"', '\'', '`'])
            .starts_with(',');
    if quoted && !doc.code {
        (Source::Json, name)
    } else if code_like {
        (Source::Code, name)
    } else {
        (Source::Yaml, name)
    }
}

/// A name worth showing: a short identifier (never long enough to hold part of a secret).
fn safe_name(s: &str) -> Option<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= MAX_NAME
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'))
        && !s.contains("eyJ");
    ok.then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Source, Option<String>, String) {
        let c = scan(text);
        assert_eq!(c.len(), 1, "{text:?} → {c:?}");
        let c = c.into_iter().next().unwrap();
        (c.source, c.name, c.value)
    }

    const K: &str = "IST.eyJa.eyJb.c";

    #[test]
    fn reads_the_place_from_the_line() {
        let cases: &[(&str, Source, Option<&str>)] = &[
            (
                "WIX_API_KEY=IST.eyJa.eyJb.c",
                Source::EnvLine,
                Some("WIX_API_KEY"),
            ),
            (
                "export WIX_API_KEY=\"IST.eyJa.eyJb.c\" # prod",
                Source::EnvLine,
                Some("WIX_API_KEY"),
            ),
            (
                "set WIX_API_KEY=IST.eyJa.eyJb.c",
                Source::WindowsSet,
                Some("WIX_API_KEY"),
            ),
            (
                "set \"WIX_API_KEY=IST.eyJa.eyJb.c\"",
                Source::WindowsSet,
                Some("WIX_API_KEY"),
            ),
            (
                "$env:WIX_API_KEY = \"IST.eyJa.eyJb.c\"",
                Source::Powershell,
                Some("WIX_API_KEY"),
            ),
            (
                "wix:\n  apiKey: IST.eyJa.eyJb.c\n",
                Source::Yaml,
                Some("apiKey"),
            ),
            (
                "const apiKey = 'IST.eyJa.eyJb.c';",
                Source::Code,
                Some("apiKey"),
            ),
            (
                "  \"apiKey\": \"IST.eyJa.eyJb.c\",",
                Source::Json,
                Some("apiKey"),
            ),
            (
                "https://x.test/a?b=1&access_token=IST.eyJa.eyJb.c&c=2",
                Source::UrlQuery,
                Some("access_token"),
            ),
            (
                "curl -X POST https://x.test \\\n  -H 'Authorization: IST.eyJa.eyJb.c'",
                Source::Curl,
                Some("Authorization"),
            ),
            (
                "POST /x HTTP/1.1\nAuthorization: Bearer IST.eyJa.eyJb.c\n",
                Source::HttpRequest,
                Some("Authorization"),
            ),
            (
                "Authorization: IST.eyJa.eyJb.c\nwix-site-id: x",
                Source::Headers,
                Some("Authorization"),
            ),
            ("my key is IST.eyJa.eyJb.c.", Source::Text, None),
            (
                "# new key for the function below\nWIX_API_KEY=IST.eyJa.eyJb.c",
                Source::EnvLine,
                Some("WIX_API_KEY"),
            ),
            (
                "import os\nWIX_API_KEY = \"IST.eyJa.eyJb.c\"",
                Source::Code,
                Some("WIX_API_KEY"),
            ),
        ];
        for (text, source, name) in cases {
            let (s, n, v) = one(text);
            assert_eq!(
                (s, n.as_deref(), v.as_str()),
                (*source, *name, K),
                "{text:?}"
            );
        }
    }

    #[test]
    fn json_walk_names_paths_pairs_and_sdk_tokens() {
        let (s, n, v) = one(r#"{"a":{"b":[{"apiKey":"IST\u002eeyJa.eyJb.c"}]}}"#);
        assert_eq!(
            (s, n.as_deref(), v.as_str()),
            (Source::Json, Some("b[0].apiKey"), K)
        );
        let (s, n, _) =
            one(r#"{"values":[{"key":"wixKey","value":"IST.eyJa.eyJb.c","enabled":true}]}"#);
        assert_eq!((s, n.as_deref()), (Source::Postman, Some("wixKey")));
        let (s, n, _) = one(r#"{"accessToken":{"value":"IST.eyJa.eyJb.c","expiresAt":1}}"#);
        assert_eq!(
            (s, n.as_deref()),
            (Source::SdkTokens, Some("accessToken.value"))
        );
    }

    #[test]
    fn escapes_prefixes_and_duplicates() {
        assert_eq!(unescape(r"a\/b\u002ec\u0000\x"), "a/b.c\\u0000\\x");
        assert_eq!(scan("IST.eyJa.eyJb.c IST.eyJa.eyJb.c").len(), 1);
        assert_eq!(one("Authorization: BearerIST.eyJa.eyJb.c\nX: y").2, K);
        assert!(scan("xIST.eyJa plain words IST. JWS").is_empty());
        let t = scan("OauthNG.JWS.eyJa.eyJb.c");
        assert_eq!(t.len(), 1);
        assert!(t[0].value.starts_with("OauthNG."));
    }

    #[test]
    fn names_never_hold_token_parts() {
        let c = scan("IST.eyJx.eyJy.zzzzzzzzzz=JWS.eyJa.eyJb.c");
        assert_eq!(c.len(), 2);
        assert!(c[1].name.is_none(), "{c:?}");
        assert!(format!("{:?}", scan(K)).contains("redacted"));
        assert!(!format!("{:?}", scan(K)).contains("eyJa"));
    }
}
