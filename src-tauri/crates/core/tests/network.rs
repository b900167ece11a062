//! Network failures, for real: each kind the core names is produced by a real failure on
//! loopback (a refused port, an unresolvable `.invalid` name, a server that never answers, a
//! certificate from a CA nobody trusts, CONNECT proxies that refuse) and classified from the
//! error reqwest actually returns, so a change in how reqwest, hyper-util or rustls report
//! them fails here. The trusted-CA cases (`SSL_CERT_FILE`, wrong host, expired) need the
//! variable set before the process starts, so they live in the CLI's tests/cli_network.rs.

mod net_support;

use std::time::Duration;

use net_support::{
    connect_proxy, refused_port, silent_server, tls_front, ProxyMode, TestCa, Validity,
};
use wixdrop_core::net::{client_builder, failure::classify, NetFailure, NetFailureKind as K};
use wixdrop_core::retry::RetryPolicy;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::verify::{verify, VerifyStatus};
use wixdrop_core::wix::WixClient;

/// A client like Wixdrop's, with no proxy from the environment unless given one.
fn client(proxy: Option<&str>) -> reqwest::Client {
    let b = client_builder().timeout(Duration::from_secs(10));
    match proxy {
        Some(p) => b.proxy(reqwest::Proxy::all(p).unwrap()),
        None => b.no_proxy(),
    }
    .build()
    .unwrap()
}

async fn failure(c: &reqwest::Client, url: &str) -> NetFailure {
    let e = c.get(url).send().await.expect_err("the request must fail");
    let host = reqwest::Url::parse(url)
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    let f = NetFailure::from_reqwest(&host, &e);
    assert_eq!(f.kind, classify(&e));
    f
}

#[tokio::test]
async fn a_refused_port_is_connection_refused() {
    let f = failure(
        &client(None),
        &format!("https://127.0.0.1:{}/", refused_port()),
    )
    .await;
    assert_eq!(f.kind, K::ConnectionRefused, "{f:?}");
    assert!(f.summary().starts_with("127.0.0.1 refused the connection"));
}

#[tokio::test]
async fn an_unresolvable_name_is_dns() {
    let f = failure(&client(None), "https://wixdrop-test.invalid/").await;
    assert_eq!(f.kind, K::NameNotResolved, "{f:?}");
    assert!(f.summary().contains("(DNS)"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let addr = silent_server().await;
    let c = client_builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let f = failure(&c, &format!("http://{addr}/")).await;
    assert_eq!(f.kind, K::TimedOut, "{f:?}");
}

#[tokio::test]
async fn a_ca_the_system_does_not_trust_is_certificate_untrusted() {
    let ca = TestCa::new("Wixdrop Test Inspection CA");
    let front = tls_front(
        ca.leaf(&["127.0.0.1"], Validity::Current),
        silent_server().await,
    )
    .await;
    let f = failure(&client(None), &format!("https://{front}/")).await;
    assert_eq!(f.kind, K::CertificateUntrusted, "{f:?}");
    assert_eq!(f.detail, "invalid peer certificate: UnknownIssuer");
    assert!(f.summary().contains("not trusted") && f.summary().contains("company proxy"));
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_a_tls_failure() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut s, _)) = l.accept().await {
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let f = failure(&client(None), &format!("https://{addr}/")).await;
    assert_eq!(f.kind, K::TlsFailed, "{f:?}");
}

#[tokio::test]
async fn proxies_that_refuse_want_a_password_or_are_gone() {
    let target = format!("https://127.0.0.1:{}/", refused_port());

    let p = connect_proxy(ProxyMode::AuthRequired).await;
    let f = failure(&client(Some(&p.url())), &target).await;
    assert_eq!(f.kind, K::ProxyAuthRequired, "{f:?}");
    assert_eq!(p.connects(), 1);

    let p = connect_proxy(ProxyMode::Refuse).await;
    let f = failure(&client(Some(&p.url())), &target).await;
    assert_eq!(f.kind, K::ProxyRefused, "{f:?}");

    let gone = format!("http://127.0.0.1:{}", refused_port());
    let f = failure(&client(Some(&gone)), &target).await;
    assert_eq!(f.kind, K::ProxyUnreachable, "{f:?}");

    // The tunnel itself works; what is behind it decides (here: an untrusted certificate).
    let p = connect_proxy(ProxyMode::Tunnel).await;
    let ca = TestCa::new("Wixdrop Test CA");
    let front = tls_front(
        ca.leaf(&["127.0.0.1"], Validity::Current),
        silent_server().await,
    )
    .await;
    let f = failure(&client(Some(&p.url())), &format!("https://{front}/")).await;
    assert_eq!(
        (f.kind, p.connects()),
        (K::CertificateUntrusted, 1),
        "{f:?}"
    );
}

/// The whole way up: `verify` against an untrusted HTTPS "Wix" says so once, without
/// retrying and without calling it Wix's words.
#[tokio::test]
async fn verify_names_an_untrusted_certificate_without_retrying() {
    let ca = TestCa::new("Wixdrop Test Inspection CA");
    let front = tls_front(
        ca.leaf(&["127.0.0.1"], Validity::Current),
        silent_server().await,
    )
    .await;
    let base = wixdrop_core::config::parse_api_base(&format!("https://{front}")).unwrap();
    // Generous retries: if a certificate failure were retried, this would take seconds.
    let policy = RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(2),
        ..Default::default()
    };
    let client = WixClient::new(base).with_retry(policy);
    let started = std::time::Instant::now();
    let key = ApiKey::new("IST.eyJraWQiOiJ4In0.eyJkYXRhIjoie30ifQ.c2ln".into());
    let v = verify(&client, &key, "9e2b1b3a-0000-4000-8000-000000000001", None).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(v.status, VerifyStatus::Unreachable);
    assert_eq!(v.network, Some(K::CertificateUntrusted));
    assert!(!v.ok && !v.detail_from_wix);
    assert_eq!(
        v.detail.as_deref(),
        Some("invalid peer certificate: UnknownIssuer")
    );
    assert!(
        v.summary.contains("is not trusted by this computer"),
        "{}",
        v.summary
    );
    assert!(v.fix.contains("trust store"), "{}", v.fix);
    assert_eq!(v.guide_anchor.as_deref(), Some("trouble-network"));
}
