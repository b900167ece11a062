//! `wixdrop` on networks like offices have: a TLS-inspecting proxy's own CA, a CONNECT proxy,
//! one that wants a password, and the usual ways a connection fails. All on loopback: a
//! throwaway CA made at run time, an HTTPS front (with a leaf from that CA) before the
//! emulator, and small proxies (core/tests/net_support, shared with the core's tests).
//!
//! Trust goes through `SSL_CERT_FILE` in the child's environment, as a user would set it; the
//! system's own store never has the throwaway CA, so "untrusted" is the honest default.

mod common;
#[path = "../../core/tests/net_support/mod.rs"]
mod net_support;

use std::net::SocketAddr;
use std::path::Path;

use common::{assert_no_leak, run, Run, World, ALL};
use net_support::{connect_proxy, refused_port, tls_front, ProxyMode, TestCa, Validity};
use serde_json::json;

/// The support servers' runtime (the emulator runs on the world's own).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn emulator_addr(w: &World) -> SocketAddr {
    let base = w.base_url();
    let host_port = base.trim_start_matches("http://").trim_end_matches('/');
    host_port.parse().expect("the emulator listens on IP:port")
}

/// Run `wixdrop ARGS` against `base` with exactly the trust and proxy settings given (none
/// inherited from the machine running the tests).
fn wixdrop(w: &World, args: &[&str], base: &str, key: &str, env: &[(&str, &str)]) -> Run {
    let mut c = w.command(args);
    for v in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        c.env_remove(v);
    }
    c.env("WIXDROP_API_BASE", base).env("WIX_API_KEY", key);
    for (k, v) in env {
        c.env(k, v);
    }
    let r = run(c, "");
    assert_no_leak(&r.all(), key);
    r
}

fn error_kind(r: &Run) -> String {
    r.json()["error"]["kind"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A CA in SSL_CERT_FILE is trusted; without it the same server gets the "not trusted"
/// diagnosis, in `sites` and in `key verify` (the same words), never as something Wix said.
#[test]
fn a_ca_from_ssl_cert_file_is_trusted_and_an_unknown_one_is_named() {
    let w = World::without_keychain("net-trust");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, ALL, json!("all"));
    let rt = runtime();
    let ca = TestCa::new("Wixdrop Test Inspection CA");
    let front = rt.block_on(tls_front(
        ca.leaf(&["127.0.0.1", "localhost"], Validity::Current),
        emulator_addr(&w),
    ));
    let base = format!("https://{front}");
    let dir = tempfile::tempdir().unwrap();
    let trusted = ca.write_pem(dir.path(), "company-ca.pem");
    let other = TestCa::new("Someone Else").write_pem(dir.path(), "other-ca.pem");
    let trust = |p: &Path| p.to_str().unwrap().to_string();

    let r = wixdrop(
        &w,
        &["sites", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", &trust(&trusted))],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.json()["sites"].as_array().unwrap().len(),
        seed.sites.len()
    );

    // Another CA in the trust store: the front's certificate is not trusted.
    let r = wixdrop(
        &w,
        &["--no-retry", "sites", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", &trust(&other))],
    );
    assert_eq!(
        (r.code, error_kind(&r).as_str()),
        (1, "unreachable"),
        "{r:?}"
    );
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.starts_with("The certificate presented for 127.0.0.1 is not trusted by this computer."),
        "{msg}"
    );
    assert!(
        msg.contains("company proxy or antivirus") && msg.contains("SSL_CERT_FILE"),
        "{msg}"
    );
    assert!(
        msg.contains("(details: invalid peer certificate: UnknownIssuer)"),
        "{msg}"
    );
    assert!(!msg.contains("Wix said"), "{msg}");
    assert!(
        r.stderr.contains("is not trusted by this computer"),
        "{r:?}"
    );

    // key verify: the same diagnosis, machine-readable, and fast (no retries for a
    // certificate: the default retry policy is in force here).
    let started = std::time::Instant::now();
    let r = wixdrop(
        &w,
        &["key", "verify", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", &trust(&other))],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let v = &r.json()["verification"];
    assert_eq!(v["status"], "unreachable", "{r:?}");
    assert_eq!(v["network"], "certificate_untrusted");
    assert_eq!(v["detail_from_wix"], false);
    assert_eq!(v["guide_anchor"], "trouble-network");
    assert!(
        msg.starts_with(v["summary"].as_str().unwrap()),
        "CLI error and verify differ: {msg} / {v}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "retried a certificate failure: {:?}",
        started.elapsed()
    );
    // …and for people: "details", not "Wix said".
    let r = wixdrop(
        &w,
        &["key", "verify"],
        &base,
        &key,
        &[("SSL_CERT_FILE", &trust(&other))],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("unreachable:") && r.stdout.contains("not trusted"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("    details: invalid peer certificate: UnknownIssuer"),
        "{r:?}"
    );
    assert!(!r.all().contains("Wix said"), "{r:?}");

    // A trust store with no certificates at all (an empty SSL_CERT_FILE): nothing is trusted.
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", &trust(&empty))],
    );
    assert_eq!(
        r.json()["verification"]["network"],
        "certificate_untrusted",
        "{r:?}"
    );
}

/// A certificate for another name, and an expired one, from a CA that *is* trusted.
#[test]
fn wrong_host_and_expired_certificates_have_their_own_words() {
    let w = World::without_keychain("net-cert-kinds");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, ALL, json!("all"));
    let rt = runtime();
    let ca = TestCa::new("Wixdrop Test CA");
    let dir = tempfile::tempdir().unwrap();
    let pem = ca.write_pem(dir.path(), "ca.pem");
    let pem = pem.to_str().unwrap();
    let to = emulator_addr(&w);
    let elsewhere = rt.block_on(tls_front(
        ca.leaf(&["files.example.net"], Validity::Current),
        to,
    ));
    let expired = rt.block_on(tls_front(ca.leaf(&["127.0.0.1"], Validity::Expired), to));

    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        &format!("https://{elsewhere}"),
        &key,
        &[("SSL_CERT_FILE", pem)],
    );
    let v = &r.json()["verification"];
    assert_eq!(v["network"], "certificate_wrong_host", "{r:?}");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("made out to a different name"),
        "{v}"
    );

    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        &format!("https://{expired}"),
        &key,
        &[("SSL_CERT_FILE", pem)],
    );
    let v = &r.json()["verification"];
    assert_eq!(v["network"], "certificate_expired", "{r:?}");
    assert!(v["fix"].as_str().unwrap().contains("date and time"), "{v}");
}

/// HTTPS_PROXY to a CONNECT proxy works (the proxy sees the tunnel); a proxy that answers
/// 407 or 403, or is not there, gets the proxy's words, not Wix's.
#[test]
fn connect_proxies_work_and_their_refusals_are_named() {
    let w = World::without_keychain("net-proxy");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, ALL, json!("all"));
    let rt = runtime();
    let ca = TestCa::new("Wixdrop Test CA");
    let dir = tempfile::tempdir().unwrap();
    let pem = ca.write_pem(dir.path(), "ca.pem");
    let pem = pem.to_str().unwrap();
    let front = rt.block_on(tls_front(
        ca.leaf(&["127.0.0.1"], Validity::Current),
        emulator_addr(&w),
    ));
    let base = format!("https://{front}");

    let tunnel = rt.block_on(connect_proxy(ProxyMode::Tunnel));
    let r = wixdrop(
        &w,
        &["sites", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", pem), ("HTTPS_PROXY", &tunnel.url())],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.json()["sites"].as_array().unwrap().len(),
        seed.sites.len()
    );
    assert!(
        tunnel.connects() >= 1,
        "the request did not go through the proxy"
    );
    // NO_PROXY still wins.
    let before = tunnel.connects();
    let r = wixdrop(
        &w,
        &["sites", "--json"],
        &base,
        &key,
        &[
            ("SSL_CERT_FILE", pem),
            ("HTTPS_PROXY", &tunnel.url()),
            ("NO_PROXY", "127.0.0.1"),
        ],
    );
    assert_eq!((r.code, tunnel.connects()), (0, before), "{r:?}");

    let auth = rt.block_on(connect_proxy(ProxyMode::AuthRequired));
    let r = wixdrop(
        &w,
        &["sites", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", pem), ("HTTPS_PROXY", &auth.url())],
    );
    assert_eq!(
        (r.code, error_kind(&r).as_str()),
        (1, "unreachable"),
        "{r:?}"
    );
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("proxy server wants a user name and password (HTTP 407)"),
        "{msg}"
    );
    assert!(
        msg.contains("HTTPS_PROXY=http://user:password@proxy:port") && !msg.contains("Wix said"),
        "{msg}"
    );
    assert_eq!(auth.connects(), 1, "a 407 is not retried");

    let refuse = rt.block_on(connect_proxy(ProxyMode::Refuse));
    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", pem), ("HTTPS_PROXY", &refuse.url())],
    );
    assert_eq!(
        r.json()["verification"]["network"],
        "proxy_refused",
        "{r:?}"
    );

    let gone = format!("http://127.0.0.1:{}", refused_port());
    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        &base,
        &key,
        &[("SSL_CERT_FILE", pem), ("HTTPS_PROXY", &gone)],
    );
    let v = &r.json()["verification"];
    assert_eq!(v["network"], "proxy_unreachable", "{r:?}");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("proxy server could not be reached"),
        "{v}"
    );
}

/// Nothing listening, and a name that cannot resolve (`.invalid` never does, RFC 2606).
#[test]
fn refused_connections_and_unknown_names_say_so() {
    let w = World::without_keychain("net-plain");
    let seed = w.seed();
    let key = w.mint(&seed.account_id, ALL, json!("all"));

    let base = format!("https://127.0.0.1:{}", refused_port());
    let r = wixdrop(&w, &["--no-retry", "sites", "--json"], &base, &key, &[]);
    assert_eq!(
        (r.code, error_kind(&r).as_str()),
        (1, "unreachable"),
        "{r:?}"
    );
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with("127.0.0.1 refused the connection"), "{msg}");

    let r = wixdrop(
        &w,
        &["--no-retry", "key", "verify", "--json"],
        "https://wixapis.invalid",
        &key,
        &[],
    );
    let v = &r.json()["verification"];
    assert_eq!(v["network"], "name_not_resolved", "{r:?}");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .starts_with("The name wixapis.invalid could not be found"),
        "{v}"
    );
    assert_eq!(v["detail_from_wix"], false);
}
