//! Keys pasted from wherever people keep them: each paste kind gives the right key, account and
//! `found_in`, the other credentials alongside are listed by kind only, several different keys
//! are refused, and nothing secret reaches a report. Every token is synthesized at run time in
//! the real shapes (`credential::synth`); no token-shaped literal lives in this file.

use std::time::{Duration, Instant};

use serde_json::json;
use time::OffsetDateTime;
use wixdrop_core::credential::{analyse, inspect, synth, Analysis, Kind, Problem, Source};

/// 2025-01-01T00:00:00Z
fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_735_689_600).unwrap()
}

const IAT: i64 = 1_700_000_000;

fn account(seed: u64) -> String {
    synth::guid(seed)
}

fn key(seed: u64) -> String {
    synth::api_key(
        &account(seed),
        &synth::guid(seed + 100),
        &synth::guid(seed + 200),
        IAT,
    )
}

fn oauth() -> String {
    synth::oauth_access_token(&synth::guid(50), IAT)
}

fn refresh() -> String {
    synth::refresh_token(&synth::guid(51), IAT)
}

fn instance() -> String {
    synth::app_instance(&synth::guid(52), &synth::guid(53), &synth::guid(54))
}

/// Every secret segment of `token` (header segments are public and shared by all keys).
fn secret_parts(token: &str) -> Vec<String> {
    token
        .split('.')
        .filter(|s| s.len() >= 20 && !s.starts_with("eyJraWQ"))
        .map(str::to_owned)
        .collect()
}

/// Nothing of `secrets` appears in the report's JSON or Debug, or in the analysis' Debug.
fn assert_no_leak(a: &Analysis, secrets: &[&str], ctx: &str) {
    let shown = format!(
        "{}\n{:?}\n{:?}",
        serde_json::to_string(&a.report).unwrap(),
        a.report,
        a
    );
    for s in secrets {
        for part in secret_parts(s) {
            assert!(!shown.contains(&part), "{ctx}: a secret segment leaked");
        }
    }
}

/// The text gives `want` as a usable key, from `source` under `name`.
#[track_caller]
fn takes(text: &str, want: &str, seed: u64, source: Source, name: Option<&str>) -> Analysis {
    let a = analyse(text, now());
    let r = &a.report;
    let ctx = format!("{source:?} paste: {r:#?}");
    assert_eq!(r.kind, Kind::WixApiKey, "{ctx}");
    assert!(r.usable, "{ctx}");
    assert_eq!(
        a.value.value, want,
        "{ctx}: the bare key is what gets saved"
    );
    assert_eq!(
        r.account_id.as_deref(),
        Some(account(seed).as_str()),
        "{ctx}"
    );
    assert_eq!(r.found_in, Some(source), "{ctx}");
    assert_eq!(r.found_name.as_deref(), name, "{ctx}");
    let note = r.found_note.as_deref().unwrap();
    assert!(
        note.starts_with("taken from ") && note.contains(source.words()),
        "{ctx}"
    );
    assert!(r.message.contains("only the key itself is saved"), "{ctx}");
    assert!(r.problems.is_empty(), "{ctx}");
    assert_no_leak(&a, &[want], &ctx);
    a
}

#[test]
fn env_lines_with_export_quotes_and_comments() {
    let k = key(1);
    takes(
        &format!("WIX_API_KEY={k}"),
        &k,
        1,
        Source::EnvLine,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!(
            "# Wix\nWIX_ACCOUNT_ID={}\nexport WIX_API_KEY=\"{k}\"  # production\nWIX_SITE_ID={}\n",
            account(1),
            synth::guid(9)
        ),
        &k,
        1,
        Source::EnvLine,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!("WIX_API_KEY='{k}'\r\n"),
        &k,
        1,
        Source::EnvLine,
        Some("WIX_API_KEY"),
    );
}

#[test]
fn windows_set_and_powershell() {
    let k = key(2);
    takes(
        &format!("set WIX_API_KEY={k}"),
        &k,
        2,
        Source::WindowsSet,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!("set \"WIX_API_KEY={k}\"\r\n"),
        &k,
        2,
        Source::WindowsSet,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!("$env:WIX_API_KEY = \"{k}\""),
        &k,
        2,
        Source::Powershell,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!("$Env:WixKey='{k}'"),
        &k,
        2,
        Source::Powershell,
        Some("WixKey"),
    );
}

#[test]
fn json_any_nesting_and_escapes() {
    let k = key(3);
    let doc = json!({"wix": {"prod": {"auth": {"apiKey": k, "accountId": account(3)}}}});
    takes(
        &serde_json::to_string_pretty(&doc).unwrap(),
        &k,
        3,
        Source::Json,
        Some("prod.auth.apiKey"),
    );
    // Escaped dots (`\u002e`) and slashes, as some serializers write them.
    let escaped = format!(
        "{{\"url\":\"https:\\/\\/www.wixapis.com\\/site-list\",\"key\":\"{}\"}}",
        k.replace('.', "\\u002e")
    );
    takes(&escaped, &k, 3, Source::Json, Some("key"));
    // A JSON fragment (not a whole document) is read line by line.
    takes(
        &format!("  \"WIX_API_KEY\": \"{k}\",\n  \"x\": 1"),
        &k,
        3,
        Source::Json,
        Some("WIX_API_KEY"),
    );
}

#[test]
fn javascript_and_yaml() {
    let k = key(4);
    takes(
        &format!("import {{ createClient, ApiKeyStrategy }} from '@wix/sdk';\nconst client = createClient({{\n  auth: ApiKeyStrategy({{\n    apiKey: '{k}',\n    siteId: '{}',\n  }}),\n}});", synth::guid(8)),
        &k,
        4,
        Source::Code,
        Some("apiKey"),
    );
    takes(
        &format!("const WIX_API_KEY = \"{k}\";"),
        &k,
        4,
        Source::Code,
        Some("WIX_API_KEY"),
    );
    takes(
        &format!("wix:\n  account_id: {}\n  api_key: \"{k}\"\n", account(4)),
        &k,
        4,
        Source::Yaml,
        Some("api_key"),
    );
}

#[test]
fn curl_commands_and_http_requests() {
    let k = key(5);
    let curl = format!(
        "curl -X POST \\\n  'https://www.wixapis.com/site-list/v2/sites/query' \\\n  -H 'Content-Type: application/json' \\\n  -H 'Authorization: {k}' \\\n  -H 'wix-account-id: {}' \\\n  -d '{{\"query\":{{}}}}'",
        account(5)
    );
    takes(&curl, &k, 5, Source::Curl, Some("Authorization"));
    takes(
        &format!("$ curl -H \"Authorization: Bearer {k}\" https://www.wixapis.com/x"),
        &k,
        5,
        Source::Curl,
        Some("Authorization"),
    );
    takes(
        &format!("POST /site-list/v2/sites/query HTTP/1.1\r\nHost: www.wixapis.com\r\nAuthorization: {k}\r\nwix-account-id: {}\r\n\r\n{{}}", account(5)),
        &k,
        5,
        Source::HttpRequest,
        Some("Authorization"),
    );
    takes(
        &format!("Authorization: {k}\nwix-site-id: {}", synth::guid(7)),
        &k,
        5,
        Source::Headers,
        Some("Authorization"),
    );
}

#[test]
fn postman_exports_and_url_queries() {
    let k = key(6);
    let env = json!({
        "id": synth::guid(40), "name": "Wix",
        "values": [
            {"key": "accountId", "value": account(6), "enabled": true},
            {"key": "wixApiKey", "value": k, "type": "secret", "enabled": true},
        ],
        "_postman_variable_scope": "environment",
    });
    takes(&env.to_string(), &k, 6, Source::Postman, Some("wixApiKey"));
    let collection = json!({
        "info": {"name": "Wix", "_postman_id": synth::guid(41)},
        "item": [{"request": {"header": [{"key": "Authorization", "value": "{{wixApiKey}}"}]}}],
        "variable": [{"key": "wixApiKey", "value": k}],
    });
    takes(
        &collection.to_string(),
        &k,
        6,
        Source::Postman,
        Some("wixApiKey"),
    );
    takes(
        &format!("https://example.test/callback?state=1&access_token={k}&x=2"),
        &k,
        6,
        Source::UrlQuery,
        Some("access_token"),
    );
    takes(
        &format!("https://example.test/?apiKey={k}"),
        &k,
        6,
        Source::UrlQuery,
        Some("apiKey"),
    );
}

#[test]
fn sdk_token_json_is_an_oauth_token_not_ordinary_text() {
    let (a, r) = (oauth(), refresh());
    let tokens = json!({
        "accessToken": {"value": a, "expiresAt": IAT + 14_400},
        "refreshToken": {"value": r, "role": "visitor"},
    });
    let an = analyse(&serde_json::to_string_pretty(&tokens).unwrap(), now());
    let rep = &an.report;
    assert_eq!(rep.kind, Kind::OauthAccessToken, "{rep:#?}");
    assert!(!rep.usable);
    assert_eq!(rep.found_in, Some(Source::SdkTokens));
    assert_eq!(rep.found_name.as_deref(), Some("accessToken.value"));
    assert_eq!(
        rep.found_note.as_deref(),
        Some("found in the Wix SDK tokens (accessToken.value)")
    );
    assert_eq!(rep.others.len(), 1);
    assert_eq!(rep.others[0].kind, Kind::OauthRefreshToken);
    assert_eq!(rep.others[0].found_in, Source::SdkTokens);
    assert!(
        rep.message
            .contains("It was found in the Wix SDK tokens (accessToken.value)."),
        "{}",
        rep.message
    );
    assert_eq!(
        rep.others[0].note,
        "an OAuth refresh token (in the Wix SDK tokens, refreshToken.value)"
    );
    assert!(!rep.message.contains("ordinary text"));
    assert_no_leak(&an, &[&a, &r], "sdk tokens");
}

#[test]
fn key_with_other_credentials_lists_them_by_kind_and_place() {
    let k = key(7);
    let (a, i) = (oauth(), instance());
    let doc = json!({"apiKey": k, "oauth": {"token": a}, "app": {"instance": i}});
    let an = takes(&doc.to_string(), &k, 7, Source::Json, Some("apiKey"));
    let others: Vec<(Kind, Source, Option<&str>)> = an
        .report
        .others
        .iter()
        .map(|o| (o.kind, o.found_in, o.name.as_deref()))
        .collect();
    assert_eq!(
        others,
        vec![
            (Kind::AppInstance, Source::Json, Some("app.instance")),
            (Kind::OauthAccessToken, Source::Json, Some("oauth.token")),
        ]
    );
    assert!(
        !an.report.message.contains("OAuth"),
        "listed in `others`, not repeated in the message"
    );
    assert_no_leak(&an, &[&k, &a, &i], "key + others");
    let json = serde_json::to_value(&an.report).unwrap();
    assert_eq!(json["found_in"], "json");
    assert_eq!(
        json["others"][1],
        json!({"kind": "oauth_access_token", "found_in": "json", "name": "oauth.token", "note": "an OAuth access token (in the JSON, oauth.token)"})
    );
}

#[test]
fn app_instance_tokens_pasted_alone_or_in_a_url() {
    let i = instance();
    let r = inspect(&i, now());
    assert_eq!(r.kind, Kind::AppInstance, "{r:#?}");
    assert_eq!(r.found_in, None);
    assert!(r.message.contains("not an API key"));
    let url = format!("https://myapp.example/settings?instance={i}&locale=en");
    let r = inspect(&url, now());
    assert_eq!(
        (r.kind, r.found_in, r.found_name.as_deref()),
        (Kind::AppInstance, Some(Source::UrlQuery), Some("instance"))
    );
}

#[test]
fn several_different_keys_are_refused_the_same_key_twice_is_one() {
    let (k1, k2) = (key(8), key(9));
    let text = format!(
        "WIX_API_KEY={k1}\nWIX_API_KEY_STAGING={k2}\nTOKEN={}\n",
        oauth()
    );
    let a = analyse(&text, now());
    let r = &a.report;
    assert_eq!(r.kind, Kind::WixApiKey);
    assert!(!r.usable);
    assert_eq!(r.problems, vec![Problem::SeveralKeys]);
    assert_eq!(r.headline, "Several API keys");
    assert!(
        r.message.contains("2 different Wix API keys"),
        "{}",
        r.message
    );
    assert!(r.message.contains("WIX_API_KEY_STAGING"));
    assert!(r.message.contains("paste only the one"));
    assert_eq!(r.account_id, None);
    let kinds: Vec<Kind> = r.others.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        vec![Kind::WixApiKey, Kind::WixApiKey, Kind::OauthAccessToken]
    );
    assert_no_leak(&a, &[&k1, &k2], "several keys");

    let same = format!("WIX_API_KEY={k1}\n# again\nexport WIX_API_KEY=\"{k1}\"\n");
    takes(&same, &k1, 8, Source::EnvLine, Some("WIX_API_KEY"));
}

#[test]
fn a_docs_placeholder_beside_the_real_key_is_ignored() {
    let k = key(10);
    let text = format!("# from the docs: -H 'Authorization: IST.eyJraWQ...'\nWIX_API_KEY={k}\n");
    let a = takes(&text, &k, 10, Source::EnvLine, Some("WIX_API_KEY"));
    assert!(a.report.others.is_empty());
    // Alone, a cut-off key in a larger text is reported as such, with its place.
    let r = inspect(&format!("WIX_API_KEY={}", &k[..k.len() - 30]), now());
    assert_eq!(r.kind, Kind::WixApiKey);
    assert!(!r.usable);
    assert!(r.problems.contains(&Problem::Truncated), "{r:#?}");
    assert_eq!(r.found_in, Some(Source::EnvLine));
}

#[test]
fn plain_pastes_keep_their_old_path() {
    let k = key(11);
    for text in [
        k.clone(),
        format!(" Bearer \"{k}\"\n"),
        format!("{}\n{}", &k[..90], &k[90..]),
    ] {
        let r = inspect(&text, now());
        assert!(r.usable);
        assert_eq!(r.found_in, None);
        assert!(r.others.is_empty());
    }
    let r = inspect(
        "please find my api key for the wix site attached below",
        now(),
    );
    assert_eq!((r.kind, r.found_in), (Kind::Unrecognized, None));
}

/// A megabyte of text is scanned in linear time: 1 MB costs about ten times 100 kB, not a
/// hundred times (a generous factor of 30, best of three runs each, absorbs noise on a shared
/// machine), and stays under a few seconds even in a debug build.
#[test]
fn a_megabyte_is_linear() {
    let k = key(12);
    let line = |i: usize| format!("VAR_{i}=some value with IST. and eyJ and a.b.c words {i}\n");
    let text = |bytes: usize| {
        let mut t = String::new();
        let mut i = 0;
        while t.len() < bytes {
            t.push_str(&line(i));
            i += 1;
        }
        t.push_str(&format!("WIX_API_KEY={k}\n"));
        t
    };
    let (small, big) = (text(100_000), text(1_000_000));
    // Best of three: on a loaded machine a single run measures the scheduler, not the scan.
    let time = |t: &str| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let a = analyse(t, now());
                assert_eq!(a.value.value, k);
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let (ts, tb) = (time(&small), time(&big));
    assert!(tb < Duration::from_secs(5), "1 MB took {tb:?}");
    assert!(
        tb < ts.max(Duration::from_millis(2)) * 30,
        "100 kB {ts:?}, 1 MB {tb:?}"
    );
    // Worst case for the scanner: a megabyte of candidates and JSON.
    let many: String = (0..100_000).map(|i| format!("k{i}=IST.eyJ{i}\n")).collect();
    assert!(many.len() > 1_000_000);
    let start = Instant::now();
    let _ = inspect(&many, now());
    let arr = serde_json::to_string(&vec![format!("JWS.{}", "a".repeat(40)); 20_000]).unwrap();
    let _ = inspect(&arr, now());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn the_vault_takes_exactly_the_extracted_key() {
    use wixdrop_core::vault::{usable_key, VaultError};
    let k = key(13);
    let curl = format!(
        "curl https://www.wixapis.com/x -H 'Authorization: {k}' -H 'wix-site-id: {}'",
        synth::guid(3)
    );
    let (saved, acc) = usable_key(&curl).unwrap();
    assert_eq!(saved.expose(), &k);
    assert_eq!(acc.as_deref(), Some(account(13).as_str()));
    let two = format!("A={k}\nB={}\n", key(14));
    match usable_key(&two) {
        Err(e @ VaultError::NotAnApiKey { .. }) => {
            let shown = format!("{e} {e:?}");
            assert!(shown.contains("different Wix API keys"), "{shown}");
            for part in secret_parts(&k) {
                assert!(!shown.contains(&part));
            }
        }
        other => panic!("{other:?}"),
    }
}
