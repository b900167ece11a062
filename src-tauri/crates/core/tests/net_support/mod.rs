//! Loopback stand-ins for what sits between people and Wix on real networks, for the network
//! tests of the core and the CLI (the CLI includes this file by path, so there is one copy):
//!
//! - [`TestCa`]: a throwaway certificate authority made at run time (rcgen), and leaf
//!   certificates from it: current, expired, or for another name.
//! - [`tls_front`]: an HTTPS listener on 127.0.0.1 with such a leaf that forwards the
//!   decrypted bytes to a plain-HTTP target (the emulator), like a TLS-inspecting proxy or a
//!   real HTTPS Wix would look.
//! - [`connect_proxy`]: a plain HTTP CONNECT proxy that tunnels (only to loopback), answers
//!   407, or refuses; it counts the CONNECTs it saw.
//! - [`silent_server`]: accepts connections and never answers (timeouts).
//!
//! Nothing here touches anything beyond 127.0.0.1. Everything runs on the caller's Tokio
//! runtime and lives until that runtime shuts down.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A certificate authority nobody trusts until a test says so (`SSL_CERT_FILE`).
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate, PEM.
    pub pem: String,
}

/// A leaf certificate and its key, ready for a TLS server.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Current,
    /// Expired yesterday.
    Expired,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("CA self-signs");
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf for `names` (host names or IP addresses), signed by this CA.
    pub fn leaf(&self, names: &[&str], validity: Validity) -> Leaf {
        let key = KeyPair::generate().expect("leaf key");
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, names[0]);
        let now = time::OffsetDateTime::now_utc();
        (params.not_before, params.not_after) = match validity {
            Validity::Current => (
                now - time::Duration::hours(1),
                now + time::Duration::days(1),
            ),
            Validity::Expired => (
                now - time::Duration::days(30),
                now - time::Duration::days(1),
            ),
        };
        let cert = params.signed_by(&key, &self.issuer).expect("leaf signed");
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// Write the CA certificate to `dir/name` (for `SSL_CERT_FILE`).
    pub fn write_pem(&self, dir: &Path, name: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, &self.pem).expect("write CA PEM");
        p
    }
}

/// An HTTPS listener on 127.0.0.1 presenting `leaf`, forwarding each connection to `target`.
/// Handshakes the client rejects are simply dropped (the client reports why).
pub async fn tls_front(leaf: Leaf, target: SocketAddr) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind TLS front");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut upstream) = TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
                }
            });
        }
    });
    addr
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    /// `200 Connection established`, then a tunnel (to loopback targets only).
    Tunnel,
    /// `407 Proxy Authentication Required`.
    AuthRequired,
    /// `403 Forbidden`.
    Refuse,
}

pub struct Proxy {
    pub addr: SocketAddr,
    connects: Arc<AtomicUsize>,
}

impl Proxy {
    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// CONNECT requests seen so far.
    pub fn connects(&self) -> usize {
        self.connects.load(Ordering::SeqCst)
    }
}

/// A CONNECT proxy on 127.0.0.1.
pub async fn connect_proxy(mode: ProxyMode) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().unwrap();
    let connects = Arc::new(AtomicUsize::new(0));
    let seen = connects.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else {
                    return;
                };
                let mut words = head.split_whitespace();
                if words.next() != Some("CONNECT") {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                        .await;
                    return;
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let target = words.next().unwrap_or("").to_string();
                match mode {
                    ProxyMode::AuthRequired => {
                        let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n").await;
                    }
                    ProxyMode::Refuse => {
                        let _ = client
                            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                            .await;
                    }
                    ProxyMode::Tunnel => {
                        let loopback = target
                            .parse::<SocketAddr>()
                            .ok()
                            .filter(|a| a.ip().is_loopback());
                        let Some(to) = loopback else {
                            let _ = client
                                .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                                .await;
                            return;
                        };
                        let Ok(mut upstream) = TcpStream::connect(to).await else {
                            let _ = client
                                .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                                .await;
                            return;
                        };
                        if client
                            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                            .await
                            .is_ok()
                        {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                        }
                    }
                }
            });
        }
    });
    Proxy { addr, connects }
}

/// The request head up to the blank line (at most 8 KiB).
async fn read_head(s: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if buf.len() > 8192 || s.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    String::from_utf8(buf).ok()
}

/// Accepts connections and never answers; each connection is held until the runtime ends.
pub async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    addr
}

/// A 127.0.0.1 port nobody listens on.
pub fn refused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
