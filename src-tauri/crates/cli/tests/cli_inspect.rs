//! `wixdrop key inspect` end to end: the built binary, input on stdin or as an argument, JSON
//! shape and exit codes. Keys are synthesized at run time in the real shape.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use wixdrop_core::credential::synth;

fn key() -> String {
    synth::api_key(
        &synth::guid(11),
        &synth::guid(12),
        &synth::guid(13),
        1_700_000_000,
    )
}

fn wixdrop(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wixdrop"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wixdrop");
    // The command may exit before reading (usage errors): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out:?}"))
}

/// Neither stdout nor stderr may carry the secret parts of the key.
fn assert_no_leak(out: &Output, key: &str) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for part in key.split('.').skip(2) {
        assert!(
            !all.contains(&part[..part.len().min(30)]),
            "output leaks the key"
        );
    }
}

#[test]
fn genuine_key_on_stdin_is_usable() {
    let k = key();
    let out = wixdrop(&["key", "inspect", "--json"], format!("{k}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json_of(&out);
    for field in [
        "kind",
        "usable",
        "account_id",
        "key_id",
        "issued_at",
        "expires_at",
        "expired",
        "site_id",
        "cleaned",
        "problems",
        "message",
    ] {
        assert!(v.get(field).is_some(), "missing {field}: {v}");
    }
    assert_eq!(v["kind"], "wix_api_key");
    assert_eq!(v["usable"], true);
    assert_eq!(v["account_id"], synth::guid(11));
    assert_eq!(v["key_id"], synth::guid(12));
    assert_eq!(v["issued_at"], "2023-11-14T22:13:20Z");
    assert_eq!(v["expires_at"], Value::Null);
    assert_eq!(v["expired"], Value::Null);
    // The newline a pipe adds is not reported; other blanks are.
    assert_eq!(v["cleaned"], false);
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_no_leak(&out, &k);

    let out = wixdrop(
        &["key", "inspect", "--json"],
        format!("  {k} \r\n\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["cleaned"], true);
    assert_eq!(v["problems"], serde_json::json!(["whitespace_removed"]));
}

#[test]
fn key_as_argument_and_dash_for_stdin() {
    let k = key();
    let out = wixdrop(&["key", "inspect", "--json", &format!("Bearer {k}")], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        json_of(&out)["problems"],
        serde_json::json!(["bearer_prefix_removed"])
    );
    let out = wixdrop(&["key", "inspect", "-", "--json"], k.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json_of(&out)["cleaned"], false);
}

#[test]
fn unusable_credentials_exit_1_with_a_report() {
    let k = key();
    let cut = &k[..k.len() - 5];
    let out = wixdrop(&["key", "inspect", "--json"], cut.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["kind"], "wix_api_key");
    assert_eq!(v["usable"], false);
    assert_eq!(v["problems"], serde_json::json!(["truncated"]));

    let token = synth::oauth_access_token(&synth::guid(14), 1_700_000_000);
    let out = wixdrop(&["key", "inspect", "--json"], token.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["kind"], "oauth_access_token");
    assert_eq!(v["expired"], true);
    assert_eq!(v["site_id"], synth::guid(14));
    assert_no_leak(&out, &token);

    let out = wixdrop(&["key", "inspect", "--json"], synth::guid(15).as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["kind"], "id_not_key");
}

#[test]
fn human_summary() {
    let k = key();
    let out = wixdrop(&["key", "inspect"], format!("\"{k}\"").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with("Wix API key — usable"), "{text}");
    assert!(text.contains(&synth::guid(11)), "{text}");
    assert!(text.contains("2023-11-14"), "{text}");
    assert!(text.contains("quotes removed"), "{text}");
    assert!(text.contains("IST…"), "shows the fingerprint: {text}");
    assert_no_leak(&out, &k);
}

#[test]
fn bad_input_exits_2() {
    for (args, stdin) in [
        (&["key", "inspect"][..], &b""[..]),
        (&["key", "inspect", "--json"][..], &b" \n\t\n"[..]),
        (&["key", "inspect", "-"][..], &b"\xff\xfe not utf-8"[..]),
        (&["key", "inspect", ""][..], &b""[..]),
        (&["key", "inspect", "--bogus"][..], &b""[..]),
        (&["key"][..], &b""[..]),
    ] {
        let out = wixdrop(args, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself on stderr");
    }
    let out = wixdrop(&["key", "inspect"], b"");
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key given"));
}

#[test]
fn help_documents_exit_codes() {
    let out = wixdrop(&["key", "inspect", "--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("Exit status:")
            && help.contains("0  success")
            && help.contains("2  bad usage"),
        "{help}"
    );
}

#[test]
fn keys_inside_other_text_report_found_in_and_others() {
    let k = key();
    let token = synth::oauth_access_token(&synth::guid(14), 1_700_000_000);
    let curl = format!(
        "curl -X POST 'https://www.wixapis.com/site-list/v2/sites/query' \\\n  -H 'Authorization: {k}' \\\n  -H 'wix-account-id: {}'\n",
        synth::guid(11)
    );
    let out = wixdrop(&["key", "inspect", "--json"], curl.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["kind"], "wix_api_key");
    assert_eq!(v["usable"], true);
    assert_eq!(v["account_id"], synth::guid(11));
    assert_eq!(v["found_in"], "curl");
    assert_eq!(v["found_name"], "Authorization");
    assert_eq!(v["found_note"], "taken from a curl command (Authorization)");
    assert_eq!(v["others"], serde_json::json!([]));
    assert_no_leak(&out, &k);

    // SDK token JSON with a key beside it: the key, and the tokens listed by kind and place.
    let json = serde_json::json!({
        "apiKey": k,
        "tokens": {"accessToken": {"value": token, "expiresAt": 1}},
    })
    .to_string();
    let out = wixdrop(&["key", "inspect", "--json"], json.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["found_in"], "json");
    assert_eq!(v["found_name"], "apiKey");
    assert_eq!(
        v["others"],
        serde_json::json!([{
            "kind": "oauth_access_token",
            "found_in": "sdk_tokens",
            "name": "accessToken.value",
            "note": "an OAuth access token (in the Wix SDK tokens, accessToken.value)"
        }])
    );
    assert_no_leak(&out, &k);
    assert_no_leak(&out, &token);

    // A plain paste has neither.
    let v = json_of(&wixdrop(&["key", "inspect", "--json"], k.as_bytes()));
    assert_eq!(v["found_in"], Value::Null);
    assert_eq!(v["others"], serde_json::json!([]));

    // Human output says the same in words, and the fingerprint is the key's.
    let env = format!("export WIX_API_KEY=\"{k}\" # prod\nWIX_TOKEN={token}\n");
    let out = wixdrop(&["key", "inspect"], env.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("found       taken from an env line (WIX_API_KEY)"),
        "{text}"
    );
    assert!(
        text.contains("also found  an OAuth access token (in an env line, WIX_TOKEN)"),
        "{text}"
    );
    let plain = wixdrop(&["key", "inspect"], k.as_bytes());
    let fp = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.contains("fingerprint"))
            .map(str::to_owned)
    };
    assert_eq!(fp(&out), fp(&plain));
    assert!(fp(&out).is_some());
    assert_no_leak(&out, &k);
    assert_no_leak(&out, &token);
}

#[test]
fn several_keys_are_not_usable_and_every_one_is_listed() {
    let (k1, k2) = (
        key(),
        synth::api_key(
            &synth::guid(21),
            &synth::guid(22),
            &synth::guid(23),
            1_700_000_000,
        ),
    );
    let text = format!("$env:WIX_API_KEY = \"{k1}\"\n$env:WIX_API_KEY_2 = \"{k2}\"\n");
    let out = wixdrop(&["key", "inspect", "--json"], text.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["usable"], false);
    assert_eq!(v["problems"], serde_json::json!(["several_keys"]));
    assert_eq!(v["found_in"], Value::Null);
    let others: Vec<(String, String)> = v["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap().into(),
                o["found_in"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        others,
        vec![
            ("wix_api_key".into(), "powershell".into()),
            ("wix_api_key".into(), "powershell".into())
        ]
    );
    assert_no_leak(&out, &k1);
    assert_no_leak(&out, &k2);
}

/// `wixdrop … | head`: the reader goes away before the output is written. The program must end
/// quietly (killed by SIGPIPE, as `ls` or `grep` are), not panic with a backtrace.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wixdrop"))
        .args(["key", "inspect"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wixdrop");
    drop(child.stdout.take()); // the reader (`head`) has already gone
    let _ = child.stdin.take().unwrap().write_all(key().as_bytes());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(libc_sigpipe()),
        "{:?}",
        out.status
    );
}

#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13 // SIGPIPE on Linux and macOS
}
