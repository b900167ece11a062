//! Table test of `credential::inspect`: every kind and every problem, from tokens synthesized
//! at run time in the real shapes (no token-shaped literal lives in this file).

use serde_json::json;
use time::OffsetDateTime;
use wixdrop_core::credential::synth::{self, api_key_header, jws, oauth_header};
use wixdrop_core::credential::{clean, fingerprint, inspect, CredentialReport, Kind, Problem};

/// 2025-01-01T00:00:00Z
const NOW: i64 = 1_735_689_600;
/// 2023-11-14T22:13:20Z
const IAT: i64 = 1_700_000_000;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW).unwrap()
}

struct Ids {
    account: String,
    key: String,
    app: String,
    site: String,
}

fn ids() -> Ids {
    Ids {
        account: synth::guid(1),
        key: synth::guid(2),
        app: synth::guid(3),
        site: synth::guid(4),
    }
}

fn key() -> String {
    let i = ids();
    synth::api_key(&i.account, &i.key, &i.app, IAT)
}

fn ist(payload: serde_json::Value) -> String {
    format!("IST.{}", jws(&api_key_header(), &payload, 256))
}

/// What a case expects; `None` fields are not checked.
#[derive(Default)]
struct Expect {
    kind: Option<Kind>,
    usable: bool,
    problems: Vec<Problem>,
    account_id: Option<Option<String>>,
    site_id: Option<Option<String>>,
    guid: Option<Option<String>>,
    expired: Option<Option<bool>>,
    issued_at: Option<Option<&'static str>>,
    headline: Option<&'static str>,
    anchor: Option<Option<&'static str>>,
    says: Vec<&'static str>,
}

fn cases() -> Vec<(&'static str, String, Expect)> {
    use Kind::*;
    use Problem::*;
    let i = ids();
    let k = key();
    let dot = k.rfind('.').unwrap();
    let acct = || Some(Some(ids().account));
    let payload_seg = k.split('.').nth(2).unwrap().to_owned();
    vec![
        (
            "genuine key",
            k.clone(),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                account_id: acct(),
                expired: Some(None),
                issued_at: Some(Some("2023-11-14T22:13:20Z")),
                headline: Some("Wix API key"),
                anchor: Some(None),
                says: vec!["cannot be checked offline", "do not expire"],
                ..Default::default()
            },
        ),
        (
            "whitespace and line breaks",
            format!("  \n{}\r\n{}\t ", &k[..70], &k[70..]),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![WhitespaceRemoved],
                account_id: acct(),
                says: vec!["cleaned key is what gets saved"],
                ..Default::default()
            },
        ),
        (
            "quotes",
            format!("\"{k}\""),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![QuotesRemoved],
                account_id: acct(),
                ..Default::default()
            },
        ),
        (
            "typographic and back quotes",
            format!("“`{k}`”"),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![QuotesRemoved],
                ..Default::default()
            },
        ),
        (
            "bearer",
            format!("Bearer {k}"),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![BearerPrefixRemoved],
                account_id: acct(),
                ..Default::default()
            },
        ),
        (
            "authorization header line",
            format!("authorization: BEARER '{k}'\n"),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![WhitespaceRemoved, QuotesRemoved, BearerPrefixRemoved],
                account_id: acct(),
                ..Default::default()
            },
        ),
        (
            "authorization without bearer",
            format!("Authorization:{k}"),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                problems: vec![BearerPrefixRemoved],
                ..Default::default()
            },
        ),
        (
            "docs-style ... ending",
            format!("{}...", &k[..60]),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                headline: Some("Incomplete Wix API key"),
                anchor: Some(Some("get-api-key")),
                says: vec!["Copy the whole key again"],
                ..Default::default()
            },
        ),
        (
            "… elision in the middle",
            format!("{}…{}", &k[..40], &k[k.len() - 20..]),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                ..Default::default()
            },
        ),
        (
            "last character missing",
            k[..k.len() - 1].to_owned(),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                account_id: acct(),
                ..Default::default()
            },
        ),
        (
            "signature cut short",
            k[..dot + 100].to_owned(),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                ..Default::default()
            },
        ),
        (
            "signature missing",
            k[..dot].to_owned(),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                ..Default::default()
            },
        ),
        (
            "payload cut",
            format!(
                "IST.{}.{}.",
                k.split('.').nth(1).unwrap(),
                &payload_seg[..payload_seg.len() / 2]
            ),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated],
                ..Default::default()
            },
        ),
        (
            "prefix only",
            "IST.".to_owned(),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Truncated, TooShort],
                ..Default::default()
            },
        ),
        (
            "pasted twice",
            format!("{k}{k}"),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Malformed],
                says: vec!["pasted twice"],
                ..Default::default()
            },
        ),
        (
            "odd characters",
            k.replacen('.', ".!", 2),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![Malformed],
                ..Default::default()
            },
        ),
        (
            "key whose tenant is not an account",
            ist(json!({
            "data": json!({"id": i.key, "tenant": {"type": "site", "id": i.site}}).to_string(), "iat": IAT})),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                account_id: Some(None),
                anchor: Some(Some("find-ids")),
                says: vec!["Enter the account ID yourself"],
                ..Default::default()
            },
        ),
        (
            "key with a passed expiry",
            ist(json!({
            "data": json!({"tenant": {"type": "account", "id": i.account}}).to_string(), "iat": IAT, "exp": IAT + 60})),
            Expect {
                kind: Some(WixApiKey),
                expired: Some(Some(true)),
                anchor: Some(Some("troubleshooting")),
                ..Default::default()
            },
        ),
        (
            "oauth access token, valid",
            synth::oauth_access_token(&i.site, NOW - 3600),
            Expect {
                kind: Some(OauthAccessToken),
                expired: Some(Some(false)),
                site_id: Some(Some(i.site.clone())),
                headline: Some("OAuth access token"),
                anchor: Some(Some("which-credential")),
                says: vec!["4 hours", "not an API key", "starts with IST."],
                ..Default::default()
            },
        ),
        (
            "oauth access token, expired",
            synth::oauth_access_token(&i.site, IAT),
            Expect {
                kind: Some(OauthAccessToken),
                expired: Some(Some(true)),
                headline: Some("Expired OAuth access token"),
                says: vec!["expired 2023-11-15 02:13 UTC"],
                ..Default::default()
            },
        ),
        (
            "oauth token cut",
            synth::oauth_access_token(&i.site, IAT)[..90].to_owned(),
            Expect {
                kind: Some(OauthAccessToken),
                problems: vec![Truncated],
                ..Default::default()
            },
        ),
        (
            "refresh token",
            synth::refresh_token(&i.key, IAT),
            Expect {
                kind: Some(OauthRefreshToken),
                expired: Some(Some(true)),
                anchor: Some(Some("which-credential")),
                says: vec!["refresh token", "not an API key"],
                ..Default::default()
            },
        ),
        (
            "refresh token with a plain-string data",
            format!(
                "JWS.{}",
                jws(&oauth_header(), &json!({"data": i.key, "iat": IAT}), 32)
            ),
            Expect {
                kind: Some(OauthRefreshToken),
                expired: Some(None),
                ..Default::default()
            },
        ),
        (
            "member session cookie",
            synth::member_session(&i.site, NOW - 60),
            Expect {
                kind: Some(MemberSession),
                site_id: Some(Some(i.site.clone())),
                says: vec!["smSession"],
                ..Default::default()
            },
        ),
        (
            "other JWS token",
            format!(
                "JWS.{}",
                jws(
                    &oauth_header(),
                    &json!({"data": "{\"foo\":1}", "iat": IAT}),
                    32
                )
            ),
            Expect {
                kind: Some(JwsToken),
                headline: Some("JWS token"),
                ..Default::default()
            },
        ),
        (
            "API key contents behind JWS.",
            format!("JWS.{}", &k[4..]),
            Expect {
                kind: Some(JwsToken),
                account_id: acct(),
                says: vec!["Real Wix API keys start with IST."],
                ..Default::default()
            },
        ),
        (
            "bare GUID",
            i.account.clone(),
            Expect {
                kind: Some(IdNotKey),
                guid: Some(Some(i.account.clone())),
                site_id: Some(None),
                anchor: Some(Some("find-ids")),
                ..Default::default()
            },
        ),
        (
            "braced uppercase GUID",
            format!("{{{}}}", i.account.to_uppercase()),
            Expect {
                kind: Some(IdNotKey),
                guid: Some(Some(i.account.clone())),
                ..Default::default()
            },
        ),
        (
            "dashboard URL",
            format!("https://manage.wix.com/dashboard/{}/home", i.site),
            Expect {
                kind: Some(IdNotKey),
                site_id: Some(Some(i.site.clone())),
                guid: Some(None),
                headline: Some("Site ID, not a key"),
                ..Default::default()
            },
        ),
        (
            "other URL with a GUID",
            format!("https://manage.wix.com/account/{}/settings", i.account),
            Expect {
                kind: Some(IdNotKey),
                guid: Some(Some(i.account.clone())),
                site_id: Some(None),
                ..Default::default()
            },
        ),
        (
            "empty",
            String::new(),
            Expect {
                kind: Some(Unrecognized),
                headline: Some("Nothing pasted"),
                says: vec!["Nothing was pasted"],
                ..Default::default()
            },
        ),
        (
            "only blanks and quotes",
            " \n\"\" ".to_owned(),
            Expect {
                kind: Some(Unrecognized),
                // Nothing recognisable: what cleaning removed is no news (issue 15).
                problems: vec![],
                ..Default::default()
            },
        ),
        (
            "password",
            "hunter2!Secret".to_owned(),
            Expect {
                kind: Some(Unrecognized),
                problems: vec![TooShort],
                says: vec!["password"],
                ..Default::default()
            },
        ),
        (
            "ordinary text",
            "please find my api key for the wix site attached below".to_owned(),
            Expect {
                kind: Some(Unrecognized),
                // Garbage is not "a key with spaces removed".
                problems: vec![],
                says: vec!["ordinary text"],
                ..Default::default()
            },
        ),
        (
            "JWT without IST. prefix",
            k[4..].to_owned(),
            Expect {
                kind: Some(Unrecognized),
                account_id: acct(),
                says: vec!["without its IST. prefix"],
                ..Default::default()
            },
        ),
        (
            "OAuth JWT without prefix",
            synth::oauth_access_token(&i.site, IAT)[12..].to_owned(),
            Expect {
                kind: Some(Unrecognized),
                says: vec!["without its OauthNG.JWS. prefix"],
                ..Default::default()
            },
        ),
        (
            "first character lost",
            k[1..].to_owned(),
            Expect {
                kind: Some(Unrecognized),
                problems: vec![Truncated],
                says: vec!["first characters are missing"],
                ..Default::default()
            },
        ),
        (
            // Was "extra text before the key" (unusable); since issue 11 the key is taken out.
            "env-file line",
            format!("WIX_ACCOUNT_ID={}\nWIX_API_KEY={k}", i.account),
            Expect {
                kind: Some(WixApiKey),
                usable: true,
                account_id: acct(),
                headline: Some("Wix API key"),
                says: vec!["took it from an env line (WIX_API_KEY)"],
                ..Default::default()
            },
        ),
        (
            "two different keys",
            format!(
                "WIX_API_KEY={k}\nOLD_KEY={}",
                synth::api_key(&i.site, &i.key, &i.app, IAT)
            ),
            Expect {
                kind: Some(WixApiKey),
                problems: vec![SeveralKeys],
                account_id: Some(None),
                headline: Some("Several API keys"),
                says: vec!["2 different Wix API keys", "paste only the one"],
                ..Default::default()
            },
        ),
        (
            "app instance",
            synth::app_instance(&i.key, &i.app, &i.account),
            Expect {
                kind: Some(AppInstance),
                headline: Some("App instance token"),
                anchor: Some(Some("which-credential")),
                says: vec!["not an API key"],
                ..Default::default()
            },
        ),
        (
            "API Keys Manager address",
            "https://manage.wix.com/account/api-keys".to_owned(),
            Expect {
                kind: Some(Unrecognized),
                says: vec!["web address"],
                ..Default::default()
            },
        ),
    ]
}

/// Token segments in `input` that must never appear in a report (everything but public headers).
fn secret_parts(input: &str) -> Vec<String> {
    let public = [
        synth::b64url(api_key_header().to_string().as_bytes()),
        synth::b64url(oauth_header().to_string().as_bytes()),
    ];
    input
        .split(|c: char| c == '.' || c.is_whitespace() || c == '"')
        .filter(|s| {
            s.len() >= 20
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .filter(|s| !public.iter().any(|p| p == s))
        .filter(|s| !s.contains("-4") || s.len() > 40) // GUIDs are IDs, reported on purpose
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_kind_and_problem() {
    let mut kinds_seen = std::collections::HashSet::new();
    let mut problems_seen = std::collections::HashSet::new();
    for (name, input, want) in cases() {
        let r: CredentialReport = inspect(&input, now());
        let ctx = format!("case {name:?}: {r:#?}");
        if let Some(kind) = want.kind {
            assert_eq!(r.kind, kind, "{ctx}");
        }
        assert_eq!(r.usable, want.usable, "{ctx}");
        assert_eq!(r.problems, want.problems, "{ctx}");
        assert_eq!(
            r.cleaned,
            want.problems.iter().any(|p| !p.is_blocking()),
            "{ctx}"
        );
        let checks: [(&Option<Option<String>>, &Option<String>); 3] = [
            (&want.account_id, &r.account_id),
            (&want.site_id, &r.site_id),
            (&want.guid, &r.guid),
        ];
        for (want, got) in checks {
            if let Some(w) = want {
                assert_eq!(got, w, "{ctx}");
            }
        }
        if let Some(e) = want.expired {
            assert_eq!(r.expired, e, "{ctx}");
        }
        if let Some(t) = want.issued_at {
            assert_eq!(r.issued_at.as_deref(), t, "{ctx}");
        }
        if let Some(h) = want.headline {
            assert_eq!(r.headline, h, "{ctx}");
        }
        if let Some(a) = want.anchor {
            assert_eq!(r.guide_anchor.as_deref(), a, "{ctx}");
        }
        for phrase in &want.says {
            assert!(
                r.message.contains(phrase),
                "message lacks {phrase:?}: {ctx}"
            );
        }
        assert_invariants(&input, &r, &ctx);
        kinds_seen.insert(r.kind);
        problems_seen.extend(r.problems.iter().copied());
    }
    assert_eq!(kinds_seen.len(), 8, "every kind is covered");
    assert_eq!(problems_seen.len(), 7, "every problem is covered");
}

fn assert_invariants(input: &str, r: &CredentialReport, ctx: &str) {
    let json = serde_json::to_string(r).unwrap();
    for part in secret_parts(input) {
        assert!(!json.contains(&part), "report leaks a token segment: {ctx}");
    }
    if r.kind == Kind::WixApiKey {
        assert!(
            !r.message.contains("not an API key"),
            "an IST. key is never the wrong kind: {ctx}"
        );
    }
    for bad in [
        "should start with JWS",
        "use a JWS",
        "JWS. key",
        "instance token",
    ] {
        assert!(!r.message.contains(bad), "message suggests JWS: {ctx}");
    }
    let anchors = [
        "get-api-key",
        "which-credential",
        "find-ids",
        "troubleshooting",
    ];
    assert!(
        r.guide_anchor
            .as_deref()
            .is_none_or(|a| anchors.contains(&a)),
        "{ctx}"
    );
    for date in [&r.issued_at, &r.expires_at].into_iter().flatten() {
        assert!(
            date.ends_with('Z') && date.len() == 20,
            "RFC 3339 UTC: {ctx}"
        );
    }
    assert_eq!(r.expired.is_some(), r.expires_at.is_some(), "{ctx}");
    assert!(!r.headline.is_empty() && !r.message.is_empty(), "{ctx}");
}

#[test]
fn json_shape_is_pinned() {
    let r = inspect(&key(), now());
    let v = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = vec![
        "kind",
        "usable",
        "account_id",
        "key_id",
        "identity",
        "issued_at",
        "expires_at",
        "expired",
        "site_id",
        "guid",
        "cleaned",
        "problems",
        "headline",
        "message",
        "guide_anchor",
        "found_in",
        "found_name",
        "found_note",
        "others",
    ];
    want.sort();
    let mut got = keys.clone();
    got.sort();
    assert_eq!(got, want);
    let i = ids();
    assert_eq!(v["kind"], "wix_api_key");
    assert_eq!(v["key_id"], json!(i.key));
    assert_eq!(v["identity"], json!(format!("application:{}", i.app)));
    assert_eq!(v["expires_at"], json!(null));
    assert_eq!(v["problems"], json!([]));
    assert_eq!(v["found_in"], json!(null));
    assert_eq!(v["others"], json!([]));
    let env =
        serde_json::to_value(inspect(&format!("export WIX_API_KEY='{}'", key()), now())).unwrap();
    assert_eq!(env["found_in"], "env_line");
    assert_eq!(env["found_name"], "WIX_API_KEY");
    assert_eq!(env["found_note"], "taken from an env line (WIX_API_KEY)");
    let noisy = serde_json::to_value(inspect(&format!(" Bearer {}", key()), now())).unwrap();
    assert_eq!(
        noisy["problems"],
        json!(["whitespace_removed", "bearer_prefix_removed"])
    );
}

#[test]
fn cleaned_value_is_the_key() {
    let k = key();
    let c = clean(&format!(
        "Authorization: Bearer \"{}\n{}\"",
        &k[..100],
        &k[100..]
    ));
    assert_eq!(c.value, k);
    assert!(c.changed());
    assert!(
        !format!("{c:?}").contains(&k[4..40]),
        "Debug must not show the key"
    );
}

#[test]
fn fingerprint_is_stable_short_and_reveals_nothing() {
    // Pinned: profiles store fingerprints, so the formula must not drift.
    assert_eq!(fingerprint("IST.a.b.c"), "IST…1666c7b9");
    assert_eq!(fingerprint("hunter2"), "…f52fbd32");
    let k = key();
    let fp = fingerprint(&k);
    assert_eq!(fp, fingerprint(&k));
    assert_eq!(
        fp,
        fingerprint(&format!(" 'Bearer {k}'\n")),
        "noise does not change the fingerprint"
    );
    assert_ne!(
        fp,
        fingerprint(&synth::api_key(
            &synth::guid(9),
            &synth::guid(2),
            &synth::guid(3),
            IAT
        ))
    );
    assert!(fp.starts_with("IST…"));
    let hex = fp.trim_start_matches("IST…");
    assert!(
        hex.len() == 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{fp}"
    );
    for part in secret_parts(&k) {
        assert!(!fp.contains(&part[..8]));
    }
    assert!(fingerprint(&synth::oauth_access_token(&synth::guid(4), IAT)).starts_with("OauthNG…"));
    assert!(fingerprint(&synth::refresh_token(&synth::guid(4), IAT)).starts_with("JWS…"));
}
