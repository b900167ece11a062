//! Fuzzing `credential::inspect` and `clean`: no input panics, cleaning is idempotent, noise
//! never changes what a genuine key is, damage never makes a key look usable, and no report
//! carries the secret parts of what was pasted. The extraction of keys from larger texts is
//! fuzzed too: any wrapping gives back exactly the key, and arbitrary text around any tokens
//! never leaks them into a report or its Debug text.

use proptest::prelude::*;
use proptest::sample::{select, Index};
use time::OffsetDateTime;
use wixdrop_core::credential::{
    analyse, clean, fingerprint, inspect, synth, CredentialReport, Kind,
};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_735_689_600).unwrap()
}

/// A genuine-shape key for a seeded account, and that account's ID.
fn key_for(seed: u64, iat: i64) -> (String, String) {
    let account = synth::guid(seed);
    let key = synth::api_key(
        &account,
        &synth::guid(seed ^ 0xA5A5),
        &synth::guid(seed ^ 0x5A5A),
        iat,
    );
    (key, account)
}

fn genuine_key() -> impl Strategy<Value = (String, String)> {
    (any::<u64>(), 1_400_000_000i64..1_800_000_000).prop_map(|(seed, iat)| key_for(seed, iat))
}

/// Any of the tokens the module knows, in their real shapes.
fn any_token() -> impl Strategy<Value = String> {
    (any::<u64>(), 0u8..5).prop_map(|(seed, which)| {
        let id = synth::guid(seed);
        match which {
            0 => key_for(seed, 1_700_000_000).0,
            1 => synth::oauth_access_token(&id, 1_700_000_000),
            2 => synth::refresh_token(&id, 1_700_000_000),
            3 => synth::app_instance(&id, &synth::guid(seed ^ 1), &synth::guid(seed ^ 2)),
            _ => synth::member_session(&id, 1_700_000_000),
        }
    })
}

const LEAD: &[&str] = &[
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{FEFF}",
    "\u{200B}",
    "\"",
    "'",
    "`",
    "\u{201C}",
    "Bearer ",
    "bearer\t",
    "BEARER:",
    "Authorization: ",
    "authorization:Bearer ",
    "\"Authorization\": ",
];
const TRAIL: &[&str] = &[
    " ", "\n", "\r\n", "\t", "\u{200B}", "\"", "'", "`", "\u{201D}",
];
const INNER: &[&str] = &[" ", "\n", "\r\n", "\t", "\u{00A0}", "\u{200B}"];

/// The key wrapped in leading/trailing noise, with blanks inserted at a few places inside.
fn noisy(key: &str, lead: &[&str], trail: &[&str], breaks: &[(Index, &str)]) -> String {
    let mut body: Vec<String> = key.chars().map(String::from).collect();
    for (at, blank) in breaks {
        let i = at.index(body.len());
        body[i].push_str(blank);
    }
    format!("{}{}{}", lead.concat(), body.concat(), trail.concat())
}

/// Ways people keep a key; `{}` is where the key goes.
const WRAPPINGS: &[&str] = &[
    "WIX_API_KEY={}",
    "export WIX_API_KEY=\"{}\" # prod",
    "set WIX_API_KEY={}",
    "$env:WIX_API_KEY = '{}'",
    "{\"auth\":{\"apiKey\":\"{}\"}}",
    "apiKey: {}",
    "const key = `{}`;",
    "curl -H 'Authorization: {}' https://www.wixapis.com/x",
    "GET /x HTTP/1.1\nAuthorization: Bearer {}\n",
    "https://x.test/?a=1&access_token={}",
    "[{\"key\":\"k\",\"value\":\"{}\"}]",
    "note: the key is {} (do not share)",
];

/// Secret segments of a token (everything but the public, shared API-key header).
fn secret_segments(token: &str) -> Vec<&str> {
    token
        .split('.')
        .filter(|s| s.len() >= 16 && !s.starts_with("eyJraWQ"))
        .collect()
}

/// Every invariant that holds for any input.
fn check_report(input: &str, r: &CredentialReport) -> Result<(), TestCaseError> {
    prop_assert!(!r.usable || r.kind == Kind::WixApiKey);
    let mut sorted = r.problems.clone();
    sorted.sort();
    sorted.dedup();
    prop_assert_eq!(&sorted, &r.problems);
    prop_assert_eq!(r.cleaned, r.problems.iter().any(|p| !p.is_blocking()));
    prop_assert!(!r.message.is_empty() && !r.headline.is_empty());
    prop_assert_eq!(r.expired.is_some(), r.expires_at.is_some());
    let json = serde_json::to_string(r).expect("report serializes");
    // Long base64url runs of the input (payloads, signatures) never appear in the report.
    for part in input.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if part.len() >= 40 {
            prop_assert!(!json.contains(part), "report leaks part of the input");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        let r = inspect(&s, now());
        check_report(&s, &r)?;
    }

    #[test]
    fn never_panics_on_token_like_text(s in "(IST\\.|JWS\\.|OauthNG\\.JWS\\.)?(eyJ[A-Za-z0-9_=-]{0,60}[.…]{0,3}){0,4}[ \"'`\n]{0,2}") {
        let r = inspect(&s, now());
        check_report(&s, &r)?;
    }

    #[test]
    fn cleaning_is_idempotent(s in any::<String>()) {
        let once = clean(&s);
        let twice = clean(&once.value);
        prop_assert_eq!(&twice.value, &once.value);
        prop_assert!(twice.problems.is_empty(), "second clean found {:?}", twice.problems);
    }

    #[test]
    fn cleaning_noisy_keys_is_idempotent_and_exact(
        (key, _) in genuine_key(),
        lead in prop::collection::vec(select(LEAD), 0..4),
        trail in prop::collection::vec(select(TRAIL), 0..3),
        breaks in prop::collection::vec((any::<Index>(), select(INNER)), 0..4),
    ) {
        let once = clean(&noisy(&key, &lead, &trail, &breaks));
        prop_assert_eq!(&once.value, &key);
        prop_assert!(clean(&once.value).problems.is_empty());
    }

    #[test]
    fn noise_never_changes_a_genuine_key(
        (key, account) in genuine_key(),
        lead in prop::collection::vec(select(LEAD), 0..4),
        trail in prop::collection::vec(select(TRAIL), 0..3),
        breaks in prop::collection::vec((any::<Index>(), select(INNER)), 0..4),
    ) {
        let pasted = noisy(&key, &lead, &trail, &breaks);
        let r = inspect(&pasted, now());
        prop_assert_eq!(r.kind, Kind::WixApiKey);
        prop_assert!(r.usable, "{:?}", r);
        prop_assert_eq!(r.account_id.as_deref(), Some(account.as_str()));
        prop_assert_eq!(r.cleaned, pasted != key);
        prop_assert_eq!(fingerprint(&pasted), fingerprint(&key));
        check_report(&pasted, &r)?;
    }

    #[test]
    fn a_cut_key_is_never_usable((key, _) in genuine_key(), cut in any::<Index>()) {
        let short = &key[..cut.index(key.len())]; // keys are ASCII: every index is a boundary
        let r = inspect(short, now());
        prop_assert!(!r.usable, "{} of {} chars judged usable", short.len(), key.len());
        check_report(short, &r)?;
    }

    #[test]
    fn a_docs_style_elision_is_truncated((key, _) in genuine_key(), cut in any::<Index>(), dots in select(&["...", "…"][..])) {
        let at = 4 + cut.index(key.len() - 4);
        let pasted = format!("{}{}", &key[..at], dots);
        let r = inspect(&pasted, now());
        prop_assert!(!r.usable);
        prop_assert!(r.problems.contains(&wixdrop_core::credential::Problem::Truncated));
    }

    #[test]
    fn mutated_tokens_never_panic(
        token in any_token(),
        edits in prop::collection::vec((any::<Index>(), 0u8..3, any::<char>()), 1..6),
    ) {
        let mut chars: Vec<char> = token.chars().collect();
        for (at, op, c) in edits {
            if chars.is_empty() { break; }
            let i = at.index(chars.len());
            match op {
                0 => { chars.remove(i); }
                1 => chars[i] = c,
                _ => chars.insert(i, c),
            }
        }
        let s: String = chars.into_iter().collect();
        let r = inspect(&s, now());
        check_report(&s, &r)?;
    }

    #[test]
    fn any_wrapping_gives_exactly_the_key(
        (key, account) in genuine_key(),
        wrap in select(WRAPPINGS),
        above in "[a-z #=:]{0,40}\n",
        below in "\n[a-z #=:]{0,40}",
    ) {
        let text = format!("{above}{}{below}", wrap.replace("{}", &key));
        let a = analyse(&text, now());
        prop_assert!(a.report.usable, "{:?} in {:?}", a.report, wrap);
        prop_assert_eq!(&a.value.value, &key);
        prop_assert_eq!(a.report.account_id.as_deref(), Some(account.as_str()));
        prop_assert!(a.report.found_in.is_some());
        check_report(&text, &a.report)?;
    }

    #[test]
    fn tokens_in_arbitrary_text_never_leak(
        tokens in prop::collection::vec(any_token(), 1..4),
        junk in prop::collection::vec(any::<String>(), 1..5),
        seps in prop::collection::vec(select(&["=", ": ", "\n", " Bearer ", "?t=", "\"", ","][..]), 4),
    ) {
        let mut text = String::new();
        for (i, j) in junk.iter().enumerate() {
            text.push_str(j);
            text.push_str(seps[i % seps.len()]);
            if let Some(t) = tokens.get(i) {
                text.push_str(t);
                text.push(' ');
            }
        }
        let a = analyse(&text, now());
        check_report(&text, &a.report)?;
        let shown = format!("{}\n{:?}\n{:?}", serde_json::to_string(&a.report).unwrap(), a.report, a);
        for t in &tokens {
            for part in secret_segments(t) {
                prop_assert!(!shown.contains(part), "a token segment leaked");
            }
        }
        // Only a usable key is ever handed to the vault, and it is one of the tokens given.
        if a.report.usable {
            prop_assert!(tokens.contains(&a.value.value));
        }
    }
}
