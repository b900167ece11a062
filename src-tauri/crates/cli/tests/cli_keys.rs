//! `wixdrop key …` and `wixdrop sites` end to end: the built binary, a real Secret Service, an
//! in-process Wix emulator over loopback HTTP, a temp WIXDROP_HOME. Keys are minted by the
//! emulator at run time.

mod common;

use common::{assert_no_leak, run, secret_parts, World, ALL};
use serde_json::{json, Value};

fn status(r: &common::Run) -> String {
    r.json()["verification"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn profile(w: &World, name: &str) -> Value {
    let r = w.run(&["key", "list", "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    r.json()["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn add_list_verify_rename_replace_rm() {
    let w = World::new("lifecycle");
    let seed = w.seed();
    let key = seed.api_key.clone();

    // add: saved in the keychain, verified, sites stored
    let r = w.run(&["key", "add", "studio", "--json"], &format!("{key}\n"));
    assert_eq!(r.code, 0, "{r:?}");
    assert_no_leak(&r.all(), &key);
    let v = r.json();
    assert_eq!(v["verification"]["status"], "works");
    assert_eq!(v["verification"]["ok"], true);
    assert_eq!(v["verification"]["sites"].as_array().unwrap().len(), 3);
    let p = &v["profile"];
    assert_eq!(p["name"], "studio");
    assert_eq!(p["account_id"], seed.account_id.as_str());
    assert!(p["fingerprint"].as_str().unwrap().starts_with("IST…"));
    assert_eq!(p["sites_count"], 3);
    assert_eq!(p["last_check"]["status"], "works");
    assert_eq!(w.keychain_entries(), 1, "one keychain entry");
    let first_fp = p["fingerprint"].clone();

    // the JSON shapes are pinned
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["profile", "verification"]);
    assert_eq!(
        keys(p),
        [
            "account_id",
            "added_at",
            "default_site",
            "fingerprint",
            "last_check",
            "name",
            "sites",
            "sites_count"
        ]
    );
    assert_eq!(
        keys(&v["verification"]),
        [
            "checked_at",
            "detail",
            "detail_from_wix",
            "fix",
            "guide_anchor",
            "network",
            "ok",
            "site_checked",
            "sites",
            "status",
            "summary"
        ]
    );
    assert_eq!(
        keys(&p["sites"][0]),
        [
            "default",
            "display_name",
            "headless",
            "id",
            "namespace",
            "url"
        ]
    );

    // human add output: verdict and the sites table
    let r = w.run(&["key", "add", "second"], &key);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("works:  The key works"), "{r:?}");
    assert!(r.stdout.contains("Demo Portfolio"), "{r:?}");
    assert!(!r.stdout.contains('\x1b'), "no colours when not a terminal");
    assert_no_leak(&r.all(), &key);
    assert_eq!(w.run(&["key", "rm", "second", "--yes"], "").code, 0);

    // list: name, account, fingerprint, sites count, default site, last check; never the key
    let r = w.run(&["key", "list"], "");
    assert_eq!(r.code, 0, "{r:?}");
    let header = r.stdout.lines().next().unwrap();
    for col in [
        "NAME",
        "ACCOUNT",
        "KEY",
        "SITES",
        "DEFAULT SITE",
        "LAST CHECK",
    ] {
        assert!(header.contains(col), "{header}");
    }
    let row = r.stdout.lines().nth(1).unwrap();
    assert!(
        row.starts_with("studio  ") && row.contains(&seed.account_id) && row.contains("works, "),
        "{row}"
    );
    let col = |s: &str, pat: &str| s.find(pat).map(|b| s[..b].chars().count());
    assert_eq!(
        col(header, "SITES"),
        col(row, " 3 ").map(|i| i + 1),
        "aligned columns:\n{}",
        r.stdout
    );
    assert_no_leak(&r.all(), &key);
    let r = w.run(&["key", "list", "--json"], "");
    assert_eq!(r.json()["env_key"], false);
    assert_eq!(r.json()["profiles"].as_array().unwrap().len(), 1);

    // verify: works, sites listed and stored
    let r = w.run(&["key", "verify", "studio", "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(status(&r), "works");
    let listed: Vec<String> = r.json()["verification"]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    for s in &seed.sites {
        assert!(listed.contains(&s.id), "{listed:?}");
    }
    assert_eq!(r.json()["profile"]["sites_count"], 3);

    // sites: refresh, set the default, marked in JSON and in the table
    let site = &seed.sites[1];
    let r = w.run(
        &[
            "sites",
            "--profile",
            "studio",
            "--set-default",
            &site.id,
            "--json",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(keys(&v), ["account_id", "default_site", "profile", "sites"]);
    assert_eq!(v["profile"], "studio");
    assert_eq!(v["default_site"], site.id.as_str());
    let marked: Vec<&Value> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["default"] == true)
        .collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["display_name"], site.display_name.as_str());
    assert!(marked[0]["url"].is_string() || marked[0]["url"].is_null());
    let r = w.run(&["sites"], "");
    assert_eq!(r.code, 0, "{r:?}");
    let line = r.stdout.lines().find(|l| l.contains(&site.id)).unwrap();
    assert!(
        line.trim_start()
            .starts_with(&format!("*  {}", site.display_name)),
        "{}",
        r.stdout
    );
    assert_eq!(profile(&w, "studio")["default_site"], site.id.as_str());
    let r = w.run(
        &[
            "sites",
            "--set-default",
            "0f3c2b1a-1234-4abc-9def-0123456789ab",
            "--json",
        ],
        "",
    );
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("unknown_site")),
        "{r:?}"
    );

    // rename
    let r = w.run(&["key", "rename", "studio", "client", "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["profile"]["name"], "client");
    assert_eq!(profile(&w, "studio"), Value::Null);
    assert_eq!(profile(&w, "client")["default_site"], site.id.as_str());
    let r = w.run(&["key", "rename", "nobody", "x", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("profile_not_found"))
    );

    // replace with a good key of the same account: verified, then stored; sites kept
    let new_key = w.mint(&seed.account_id, ALL, json!("all"));
    let r = w.run(&["key", "replace", "client", "--json"], &new_key);
    assert_eq!(r.code, 0, "{r:?}");
    assert_no_leak(&r.all(), &new_key);
    let v = r.json();
    assert_eq!(keys(&v), ["profile", "replaced", "verification"]);
    assert_eq!(v["replaced"], true);
    assert_eq!(v["verification"]["status"], "works");
    assert_eq!(
        v["verification"]["site_checked"],
        site.id.as_str(),
        "the default site was probed"
    );
    assert_ne!(v["profile"]["fingerprint"], first_fp);
    assert_eq!(v["profile"]["sites_count"], 3);
    assert_eq!(v["profile"]["default_site"], site.id.as_str());
    assert_eq!(w.keychain_entries(), 1);
    // The keychain now holds the new key: it works with the old one revoked.
    w.revoke(&key);
    let r = w.run(&["key", "verify", "client", "--json"], "");
    assert_eq!((r.code, status(&r)), (0, "works".into()), "{r:?}");
    let good_fp = profile(&w, "client")["fingerprint"].clone();

    // replace with a revoked key: refused, the old key stays, exit 1
    let r = w.run(&["key", "replace", "client", "--json"], &key);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["replaced"], false);
    assert_eq!(status(&r), "key_rejected");
    assert_eq!(profile(&w, "client")["fingerprint"], good_fp);
    let r = w.run(&["key", "verify", "client", "--json"], "");
    assert_eq!(
        (r.code, status(&r)),
        (0, "works".into()),
        "the old key still works: {r:?}"
    );

    // a key without media permission is refused too (the media probe runs before the swap)
    let weak = w.mint(&seed.account_id, &["read_sites"], json!("all"));
    let r = w.run(&["key", "replace", "client"], &weak);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("NOT saved"), "{r:?}");
    assert_eq!(profile(&w, "client")["fingerprint"], good_fp);

    // a key of another account: refused before asking Wix, exit 2
    let (other, _) = w.other_account_with_site("Elsewhere");
    let foreign = w.mint(&other, ALL, json!("all"));
    let r = w.run(&["key", "replace", "client", "--json"], &foreign);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "other_account");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("new profile"),
        "{r:?}"
    );
    assert_no_leak(&r.all(), &foreign);
    assert_eq!(profile(&w, "client")["fingerprint"], good_fp);

    // not a key at all
    let r = w.run(&["key", "replace", "client", "--json"], &seed.sites[0].id);
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("not_an_api_key")),
        "{r:?}"
    );

    // rm: needs --yes off a terminal; then the keychain entry is gone
    let r = w.run(&["key", "rm", "client", "--json"], "y\n");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("confirmation_required")),
        "{r:?}"
    );
    assert_eq!(w.keychain_entries(), 1);
    let r = w.run(&["key", "rm", "client", "--yes", "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json(), json!({ "removed": "client" }));
    assert_eq!(w.keychain_entries(), 0, "the keychain entry is gone");
    assert_eq!(
        w.run(&["key", "list", "--json"], "").json()["profiles"],
        json!([])
    );
    let r = w.run(&["key", "rm", "client", "--yes"], "");
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn revoked_key_is_diagnosed_and_the_profile_kept() {
    let w = World::new("revoked");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, ALL, json!("all"));
    w.revoke(&key);
    let r = w.run(&["key", "add", "old", "--json"], &key);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "key_rejected");
    assert_eq!(r.json()["verification"]["guide_anchor"], "trouble-401");
    assert_no_leak(&r.all(), &key);
    let p = profile(&w, "old");
    assert_eq!(p["last_check"]["ok"], false);
    assert_eq!(p["last_check"]["status"], "key_rejected");
    // human form says what to do next
    let r = w.run(&["key", "verify", "old"], "");
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("key_rejected") && r.stdout.contains("revoked"),
        "{r:?}"
    );
}

#[test]
fn wrong_account_id_is_a_403_diagnosis() {
    let w = World::new("wrong-account");
    let seed = w.seed();
    let (other, _) = w.other_account_with_site("Elsewhere");
    let r = w.run(
        &["key", "add", "mixed", "--account-id", &other, "--json"],
        &seed.api_key,
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "account_or_sites_permission");
    assert!(
        r.json()["verification"]["summary"]
            .as_str()
            .unwrap()
            .contains("not the account this key belongs to"),
        "{r:?}"
    );
    assert_eq!(profile(&w, "mixed")["account_id"], other.as_str());
    // a malformed account ID is bad input, and nothing is saved
    let r = w.run(
        &["key", "add", "typo", "--account-id", "12345", "--json"],
        &seed.api_key,
    );
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("invalid_account_id")),
        "{r:?}"
    );
    assert_eq!(profile(&w, "typo"), Value::Null);
}

#[test]
fn no_read_sites_permission_still_works_with_a_site() {
    let w = World::new("no-read-sites");
    let seed = w.seed();
    let key = w.mint(
        &seed.account_id,
        &["manage_media", "read_media"],
        json!("all"),
    );
    let r = w.run(&["key", "add", "uploader", "--json"], &key);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "account_or_sites_permission");

    // With a site (dashboard URL form), it works and that site becomes the default.
    let site = &seed.sites[2];
    let url = format!("https://manage.wix.com/dashboard/{}/home", site.id);
    let r = w.run(&["key", "verify", "uploader", "--site", &url, "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(status(&r), "works");
    assert_eq!(r.json()["verification"]["site_checked"], site.id.as_str());
    assert_eq!(r.json()["profile"]["default_site"], site.id.as_str());
    // …and later checks probe that default without being told
    let r = w.run(&["key", "verify", "uploader", "--json"], "");
    assert_eq!((r.code, status(&r)), (0, "works".into()), "{r:?}");

    // `sites` cannot list for this key: exit 1 with the diagnosis as the error kind
    let r = w.run(&["sites", "--json"], "");
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.json()["error"]["kind"], "account_or_sites_permission");
    assert!(r.stderr.contains("Read Site Data"), "{r:?}");
    // …but --set-default still points it at a site it may upload to
    let r = w.run(&["sites", "--set-default", &seed.sites[0].id, "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["default_site"], seed.sites[0].id.as_str());

    // a --site that is not a site ID is bad input, named without echoing secrets
    let r = w.run(&["key", "verify", "uploader", "--site", &key, "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("invalid_site")),
        "{r:?}"
    );
    assert_no_leak(&r.all(), &key);
}

#[test]
fn no_media_permission_is_diagnosed_with_the_sites_listed() {
    let w = World::new("no-media");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, &["read_sites"], json!("all"));
    let r = w.run(&["key", "add", "reader", "--json"], &key);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "no_media_permission");
    assert_eq!(
        r.json()["verification"]["sites"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        r.json()["profile"]["sites_count"],
        3,
        "the sites are stored anyway"
    );
    // listing sites works for this key
    let r = w.run(&["sites", "--json"], "");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["sites"].as_array().unwrap().len(), 3);

    // Manage without Read Media Manager: the advice names the missing one too.
    let key = w.mint(
        &seed.account_id,
        &["manage_media", "read_sites"],
        json!("all"),
    );
    let r = w.run(&["key", "add", "manager", "--json"], &key);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "no_media_permission");
    let fix = r.json()["verification"]["fix"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fix.contains("Read Media Manager"), "{fix}");
}

#[test]
fn a_site_of_another_account_is_not_reachable() {
    let w = World::new("other-site");
    let seed = w.seed();
    let (_, foreign_site) = w.other_account_with_site("Not Yours");
    let r = w.run(&["key", "add", "mine", "--json"], &seed.api_key);
    assert_eq!(r.code, 0, "{r:?}");
    let r = w.run(
        &["key", "verify", "mine", "--site", &foreign_site, "--json"],
        "",
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "site_not_reachable");
    assert_eq!(
        r.json()["verification"]["site_checked"],
        foreign_site.as_str()
    );
    assert_ne!(
        r.json()["profile"]["default_site"],
        foreign_site.as_str(),
        "a failing site does not become the default"
    );
}

#[test]
fn wix_5xx_is_diagnosed_as_unavailable_after_retries() {
    let w = World::new("5xx");
    let seed = w.seed();
    let r = w.run(
        &["key", "add", "later", "--no-verify", "--json"],
        &seed.api_key,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["verification"], Value::Null);
    assert_eq!(r.json()["profile"]["last_check"], Value::Null);
    w.fault(json!({ "path_prefix": "/site-list/", "fault": { "type": "status", "status": 503 }, "times": null }));

    let r = w.run(&["key", "verify", "later", "--no-retry", "--json"], "");
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "wix_unavailable");
    assert_eq!(w.requests_to("/site-list/"), 1, "--no-retry sends once");

    // By default the client retries (5 times) before giving up with the same diagnosis.
    let r = w.run(&["key", "verify", "later", "--json"], "");
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(status(&r), "wix_unavailable");
    assert_eq!(w.requests_to("/site-list/"), 1 + 6);

    let r = w.run(&["sites", "--no-retry", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (1, Some("wix_unavailable")),
        "{r:?}"
    );
}

#[test]
fn environment_key_acts_as_an_unnamed_profile() {
    let w = World::new("env");
    let seed = w.seed();
    let key = seed.api_key.as_str();

    // nothing saved, nothing in the environment: a usage error that names both routes
    let r = w.run(&["sites", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("no_profile")),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("WIX_API_KEY") && r.stderr.contains("key add"),
        "{r:?}"
    );

    // the account comes from the key
    let r = w.run_env(&["sites", "--json"], "", &[("WIX_API_KEY", key)]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["profile"], Value::Null);
    assert_eq!(v["account_id"], seed.account_id.as_str());
    assert_eq!(v["sites"].as_array().unwrap().len(), 3);
    assert_eq!(v["default_site"], Value::Null);
    assert_no_leak(&r.all(), key);

    let site = &seed.sites[1].id;
    let env = [
        ("WIX_API_KEY", key),
        ("WIX_ACCOUNT_ID", seed.account_id.as_str()),
        ("WIX_SITE_ID", site.as_str()),
    ];
    let r = w.run_env(&["key", "verify", "--json"], "", &env);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(status(&r), "works");
    assert_eq!(r.json()["profile"], Value::Null);
    assert_eq!(r.json()["verification"]["site_checked"], site.as_str());
    let r = w.run_env(&["sites", "--json"], "", &env);
    assert_eq!(r.json()["default_site"], site.as_str());
    let r = w.run_env(&["key", "verify"], "", &env);
    assert!(
        r.stdout.contains("WIX_API_KEY") && r.stdout.contains("IST…"),
        "{r:?}"
    );
    assert_no_leak(&r.all(), key);

    // a wrong account in the environment: the 403 diagnosis
    let (other, _) = w.other_account_with_site("Elsewhere");
    let r = w.run_env(
        &["key", "verify", "--json"],
        "",
        &[("WIX_API_KEY", key), ("WIX_ACCOUNT_ID", other.as_str())],
    );
    assert_eq!(
        (r.code, status(&r)),
        (1, "account_or_sites_permission".into()),
        "{r:?}"
    );
    // not a key: bad input
    let r = w.run_env(
        &["sites", "--json"],
        "",
        &[("WIX_API_KEY", &seed.account_id)],
    );
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("not_an_api_key")),
        "{r:?}"
    );
    // --set-default is for saved profiles
    let r = w.run_env(
        &["sites", "--set-default", site, "--json"],
        "",
        &[("WIX_API_KEY", key)],
    );
    assert_eq!(r.code, 2, "{r:?}");

    // The environment touched neither the keychain nor WIXDROP_HOME.
    assert_eq!(w.keychain_entries(), 0);
    assert!(
        w.home_files().is_empty(),
        "{:?}",
        w.home_files().iter().map(|f| &f.0).collect::<Vec<_>>()
    );

    // With saved profiles: the environment wins over the only profile, a name wins over both,
    // and several profiles without either is an error that lists them.
    let other_key = w.mint(
        &seed.account_id,
        &["read_sites", "read_media"],
        json!([seed.sites[0].id]),
    );
    assert_eq!(
        w.run(&["key", "add", "one", "--no-verify"], &other_key)
            .code,
        0
    );
    let r = w.run(&["sites", "--json"], "");
    assert_eq!(
        (r.code, r.json()["profile"].as_str()),
        (0, Some("one")),
        "the only profile: {r:?}"
    );
    assert_eq!(
        r.json()["sites"].as_array().unwrap().len(),
        1,
        "that key sees one site"
    );
    let r = w.run_env(&["sites", "--json"], "", &[("WIX_API_KEY", key)]);
    assert_eq!(
        (
            r.json()["profile"].clone(),
            r.json()["sites"].as_array().unwrap().len()
        ),
        (Value::Null, 3)
    );
    let r = w.run_env(
        &["sites", "--profile", "one", "--json"],
        "",
        &[("WIX_API_KEY", key)],
    );
    assert_eq!(r.json()["profile"], "one");
    assert_eq!(w.run(&["key", "add", "two", "--no-verify"], key).code, 0);
    let r = w.run(&["key", "verify", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("ambiguous_profile")),
        "{r:?}"
    );
    assert!(r.stderr.contains("one, two"), "{r:?}");
    let r = w.run_env(&["key", "list"], "", &[("WIX_API_KEY", key)]);
    assert!(r.stdout.contains("WIX_API_KEY is set"), "{r:?}");
}

#[test]
fn the_key_never_reaches_a_file_or_the_output() {
    let w = World::new("no-leak");
    let seed = w.seed();
    let key = seed.api_key.clone();
    let replacement = w.mint(&seed.account_id, ALL, json!("all"));
    let mut outputs = String::new();
    for (args, stdin) in [
        (&["key", "add", "studio"][..], key.as_str()),
        (&["key", "add", "json", "--json"][..], key.as_str()),
        (&["key", "list"][..], ""),
        (&["key", "list", "--json"][..], ""),
        (&["key", "verify", "studio", "--json"][..], ""),
        (&["sites", "--profile", "studio"][..], ""),
        (
            &["key", "replace", "json", "--json"][..],
            replacement.as_str(),
        ),
        (&["key", "add", "studio", "--json"][..], key.as_str()),
    ] {
        let r = w.run(args, stdin);
        outputs.push_str(&r.all());
    }
    // A key typed as an argument by mistake is not echoed by the usage error either.
    let r = w.run(&["key", "add", "oops", &key], "");
    assert_eq!(r.code, 2, "{r:?}");
    outputs.push_str(&r.all());
    assert_no_leak(&outputs, &key);
    assert_no_leak(&outputs, &replacement);

    let files = w.home_files();
    assert!(
        files.iter().any(|(p, _)| p.ends_with("profiles.json")),
        "profiles were written"
    );
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for k in [&key, &replacement] {
            for part in secret_parts(k) {
                assert!(
                    !text.contains(&part),
                    "{} holds part of a key",
                    path.display()
                );
            }
            // The payload segment alone (the JWT's middle part) must not be there either.
            let payload = k.split('.').nth(2).unwrap();
            assert!(
                !text.contains(payload),
                "{} holds a key's payload",
                path.display()
            );
        }
    }
    assert_eq!(w.keychain_entries(), 2);
}

#[test]
fn without_a_secret_service_nothing_is_saved_and_the_fix_is_named() {
    let w = World::new("no-dbus");
    let seed = w.seed();
    let mut c = w.command(&["key", "add", "studio", "--json"]);
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env_remove("DISPLAY");
    let r = run(c, &seed.api_key);
    assert_eq!(r.code, 1, "{r:?}");
    let err = &r.json()["error"];
    assert_eq!(err["kind"], "keychain");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("WIX_API_KEY") && (msg.contains("Secret Service") || msg.contains("keychain")),
        "{msg}"
    );
    assert_no_leak(&r.all(), &seed.api_key);
    for (path, bytes) in w.home_files() {
        let text = String::from_utf8_lossy(&bytes);
        for part in secret_parts(&seed.api_key) {
            assert!(
                !text.contains(&part),
                "{} holds part of the key",
                path.display()
            );
        }
    }
    assert_eq!(
        w.run(&["key", "list", "--json"], "").json()["profiles"],
        json!([]),
        "no profile without its key"
    );
}

#[test]
fn bad_usage_and_input_exit_2_and_help_documents_it() {
    let w = World::new("usage");
    let seed = w.seed();
    for cmd in [
        &["key", "add", "--help"][..],
        &["sites", "--help"],
        &["key", "replace", "--help"],
        &["--help"],
    ] {
        let r = w.run(cmd, "");
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout.contains("Exit status:") && r.stdout.contains("2  bad usage"),
            "{cmd:?}: {r:?}"
        );
    }
    let r = w.run(&["key", "add", "--help"], "");
    assert!(
        r.stdout.contains("--no-verify")
            && r.stdout.contains("--account-id")
            && r.stdout.contains("--json"),
        "{r:?}"
    );

    // nothing on stdin; not a key; clap errors (with the JSON error under --json)
    let r = w.run(&["key", "add", "x", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("invalid_input")),
        "{r:?}"
    );
    let r = w.run(&["key", "add", "x", "--json"], &seed.account_id);
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("not_an_api_key")),
        "{r:?}"
    );
    let r = w.run(&["key", "add", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("usage")),
        "{r:?}"
    );
    let r = w.run(&["sites", "--bogus"], "");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty() && r.stderr.contains("--bogus"), "{r:?}");
    let r = w.run(&["key", "verify", "nobody", "--json"], "");
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("profile_not_found")),
        "{r:?}"
    );

    // a taken name
    assert_eq!(
        w.run(&["key", "add", "dup", "--no-verify"], &seed.api_key)
            .code,
        0
    );
    let r = w.run(
        &["key", "add", "DUP", "--no-verify", "--json"],
        &seed.api_key,
    );
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("name_taken")),
        "{r:?}"
    );
    assert_eq!(
        w.keychain_entries(),
        1,
        "a refused add leaves no keychain entry"
    );

    // a bad API base is a configuration problem, reported before anything is saved
    let r = w.run_env(
        &["key", "add", "insecure", "--json"],
        &seed.api_key,
        &[("WIXDROP_API_BASE", "http://example.com")],
    );
    assert_eq!(
        (r.code, r.json()["error"]["kind"].as_str()),
        (2, Some("config")),
        "{r:?}"
    );
    assert_eq!(profile(&w, "insecure"), Value::Null);
}

#[test]
fn rm_asks_on_a_terminal_and_colours_only_there() {
    let w = World::new("terminal");
    let seed = w.seed();
    assert_eq!(w.run(&["key", "add", "x"], &seed.api_key).code, 0);

    // colour on a terminal, none with NO_COLOR, none in a pipe (the other tests)
    let r = w.on_terminal("key list", "", &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("\x1b[32mworks"), "{r:?}");
    let r = w.on_terminal("key list", "", &[("NO_COLOR", "1")]);
    assert!(!r.stdout.contains('\x1b'), "{r:?}");

    let r = w.on_terminal("key rm x", "n\n", &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("[y/N]") && r.stdout.contains("Nothing was deleted"),
        "{r:?}"
    );
    assert_eq!(w.keychain_entries(), 1);
    let r = w.on_terminal("key rm x", "y\n", &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(w.keychain_entries(), 0);
    assert_eq!(profile(&w, "x"), Value::Null);
}

/// The secrets the real Secret Service holds for this world (secret-tool prints them).
fn stored_secrets(w: &World) -> Vec<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", &w.service])
        .output()
        .expect("secret-tool is installed (libsecret-tools)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .lines()
    .filter_map(|l| l.trim_start().strip_prefix("secret = "))
    .map(str::to_owned)
    .collect()
}

#[test]
fn add_from_an_env_file_stores_the_bare_key() {
    let w = World::new("env-add");
    let seed = w.seed();
    let key = seed.api_key.clone();
    let token =
        wixdrop_core::credential::synth::oauth_access_token(&seed.sites[0].id, 1_700_000_000);
    let env = format!(
        "# Wix\nWIX_ACCOUNT_ID={}\nexport WIX_API_KEY=\"{key}\"  # production\nWIX_TOKEN={token}\n",
        seed.account_id
    );
    let r = w.run(&["key", "add", "studio"], &env);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Key taken from an env line (WIX_API_KEY)"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("an OAuth access token (in an env line, WIX_TOKEN)"),
        "{r:?}"
    );
    assert_no_leak(&r.all(), &key);
    assert_no_leak(&r.all(), &token);
    assert_eq!(
        stored_secrets(&w),
        vec![key.clone()],
        "exactly the key is stored"
    );
    // Wix (the emulator) accepts the stored key: it is the bare key, not the pasted text.
    let r = w.run(&["key", "verify", "studio", "--json"], "");
    assert_eq!(status(&r), "works", "{r:?}");

    // Rotation from a curl command: the new bare key replaces the old one in the keychain.
    let newer = w.mint(&seed.account_id, ALL, json!("all"));
    let curl = format!(
        "curl -X POST https://www.wixapis.com/site-list/v2/sites/query \\\n  -H 'Authorization: {newer}' \\\n  -H 'wix-account-id: {}'\n",
        seed.account_id
    );
    let r = w.run(&["key", "replace", "studio"], &curl);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Key taken from a curl command (Authorization)."),
        "{r:?}"
    );
    assert_no_leak(&r.all(), &newer);
    assert_eq!(stored_secrets(&w), vec![newer.clone()]);

    // Several different keys: nothing is saved, the user is asked to paste one.
    let other = w.mint(&seed.account_id, ALL, json!("all"));
    let r = w.run(
        &["key", "add", "two", "--json"],
        &format!("WIX_API_KEY={key}\nWIX_API_KEY_OLD={other}\n"),
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.all().contains("2 different Wix API keys"), "{r:?}");
    assert_no_leak(&r.all(), &other);
    assert_eq!(w.keychain_entries(), 1);
}
