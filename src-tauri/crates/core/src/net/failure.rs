//! A request that never got an answer from Wix → which network fault it was, in plain words.
//!
//! reqwest reports all of these as one error type whose text is the innermost cause
//! (`invalid peer certificate: UnknownIssuer`, `Connection refused (os error 111)`, …): true,
//! but no help to someone behind a company proxy, and it was shown as if Wix had said it. Here
//! the error's source chain is walked and the cause is picked out by type where a public type
//! exists: `rustls::Error` (certificates, handshakes), `std::io::ErrorKind` (refused, reset,
//! unreachable, timed out) and reqwest's own timeout flag. Two causes come only as text,
//! because their types are private to `hyper-util`: its connector's `"dns error"` and its
//! proxy tunnel's `"tunnel error: …"` (407, refused tunnel, proxy unreachable). Those strings
//! are matched exactly and pinned by tests against real failures, so an upgrade that changes
//! them fails a test instead of silently losing the words.
//!
//! Each kind has one summary (what happened) and one fix (what to do, and whom to ask); the
//! CLI and the app show exactly these, so both say the same thing.

use std::error::Error as StdError;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::redact_tokens;

/// Which network fault stopped a request. Stable snake_case names: the CLI's `--json` output
/// and the app carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NetFailureKind {
    /// DNS: the host name could not be resolved.
    NameNotResolved,
    /// The host (or nothing at that port) refused the TCP connection.
    ConnectionRefused,
    /// No answer within the time limit (connecting or reading).
    TimedOut,
    /// No route: the network is down or the host is unreachable.
    NetworkUnreachable,
    /// The connection was reset or closed before an answer came.
    ConnectionLost,
    /// The configured proxy could not be reached at all.
    ProxyUnreachable,
    /// The proxy answered the CONNECT with a refusal (any status but 200 and 407).
    ProxyRefused,
    /// The proxy answered the CONNECT with 407 Proxy Authentication Required.
    ProxyAuthRequired,
    /// The server's certificate chains to no root this computer trusts (`UnknownIssuer`,
    /// a bad signature, a revoked certificate): typically a TLS-inspecting proxy.
    CertificateUntrusted,
    /// The certificate is valid but for another host name.
    CertificateWrongHost,
    /// The certificate has expired or is not valid yet (or the computer's clock is wrong).
    CertificateExpired,
    /// The TLS handshake failed for another reason (protocol, alert, interference).
    TlsFailed,
    /// Something else below HTTP.
    Other,
}

/// A classified network failure: what kind, which host, and the technical cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetFailure {
    pub kind: NetFailureKind,
    /// The host the request was for (`www.wixapis.com`, an upload host…).
    pub host: String,
    /// The innermost cause as the libraries word it (`invalid peer certificate:
    /// UnknownIssuer`), tokens redacted. Technical; shown as "details", never as Wix's words.
    pub detail: String,
}

impl NetFailure {
    /// Classify a failed reqwest request to `host`.
    pub fn from_reqwest(host: &str, e: &reqwest::Error) -> NetFailure {
        NetFailure {
            kind: classify(e),
            host: host.to_string(),
            detail: redact_tokens(&root_cause(e)),
        }
    }

    /// One sentence: what happened.
    pub fn summary(&self) -> String {
        let h = &self.host;
        use NetFailureKind as K;
        match self.kind {
            K::NameNotResolved => format!("The name {h} could not be found: this computer could not look up its address (DNS)."),
            K::ConnectionRefused => format!("{h} refused the connection: nothing is accepting connections at that address."),
            K::TimedOut => format!("{h} did not answer in time."),
            K::NetworkUnreachable => format!("This computer has no route to {h}: the network is down or not connected."),
            K::ConnectionLost => format!("The connection to {h} was cut off before an answer came."),
            K::ProxyUnreachable => "The proxy server could not be reached.".to_string(),
            K::ProxyRefused => format!("The proxy server refused to connect Wixdrop to {h}."),
            K::ProxyAuthRequired => format!("The proxy server wants a user name and password (HTTP 407) before it lets Wixdrop reach {h}."),
            K::CertificateUntrusted => format!("The certificate presented for {h} is not trusted by this computer. A network device such as a company proxy or antivirus may be inspecting encrypted traffic."),
            K::CertificateWrongHost => format!("The certificate presented for {h} was made out to a different name. A network device may be intercepting the connection, or the address is wrong."),
            K::CertificateExpired => format!("The certificate presented for {h} has expired or is not valid yet."),
            K::TlsFailed => format!("A secure connection to {h} could not be set up."),
            K::Other => format!("Could not reach {h}."),
        }
    }

    /// One or two sentences: what to do about it, and whom to ask.
    pub fn fix(&self) -> String {
        let h = &self.host;
        use NetFailureKind as K;
        match self.kind {
            K::NameNotResolved => "Check that this computer is online. On a company network, connect the VPN if one is needed; if you set WIXDROP_API_BASE, check the address.".to_string(),
            K::ConnectionRefused => "Check the internet connection; a firewall may be blocking Wixdrop. If you set WIXDROP_API_BASE, check the address and port.".to_string(),
            K::TimedOut => "The network may be slow, or a firewall may be dropping the connection. Check the internet connection and try again.".to_string(),
            K::NetworkUnreachable => "Connect to the internet (or the VPN) and try again.".to_string(),
            K::ConnectionLost => "Try again. If it keeps happening on a company network, a proxy or firewall may be closing connections: ask IT.".to_string(),
            K::ProxyUnreachable => "Check the proxy settings (HTTPS_PROXY, or the system's proxy settings): the proxy may be down or its address wrong. Ask IT for the right proxy.".to_string(),
            K::ProxyRefused => format!("Ask IT to allow connections to {h} through the proxy, or check the proxy settings (HTTPS_PROXY, or the system's proxy settings)."),
            K::ProxyAuthRequired => format!("Put the proxy's user name and password in the proxy address (HTTPS_PROXY=http://user:password@proxy:port), or ask IT to let {h} through without signing in."),
            K::CertificateUntrusted => "Ask IT to install the network's root certificate in this computer's trust store (or point SSL_CERT_FILE at a file holding it), then try again. Not on a managed network? Do not continue: someone may be intercepting the connection.".to_string(),
            K::CertificateWrongHost => format!("If you set WIXDROP_API_BASE, check the address. On a company network, ask IT whether a proxy inspects traffic to {h}."),
            K::CertificateExpired => "Check that this computer's date and time are right. If they are, a network device may be presenting an outdated certificate: tell IT.".to_string(),
            K::TlsFailed => "A proxy, firewall or antivirus may be interfering with encrypted connections: ask IT, or try another network.".to_string(),
            K::Other => "Check the internet connection (and any proxy or firewall), then try again.".to_string(),
        }
    }

    /// Is this about trust in a certificate?
    pub fn is_certificate(&self) -> bool {
        self.kind.is_certificate()
    }
}

impl NetFailureKind {
    /// Is this about trust in a certificate?
    pub fn is_certificate(self) -> bool {
        matches!(
            self,
            NetFailureKind::CertificateUntrusted
                | NetFailureKind::CertificateWrongHost
                | NetFailureKind::CertificateExpired
        )
    }

    /// Could trying again help? Not for an untrusted certificate or a proxy that wants a
    /// password: the same request gets the same answer, and retries only make the user wait.
    pub fn is_retryable(self) -> bool {
        !(self.is_certificate() || self == NetFailureKind::ProxyAuthRequired)
    }
}

/// Hyper-util's connector error text for a failed name lookup (its `ConnectError` is private).
const DNS_ERROR: &str = "dns error";
/// Hyper-util's proxy tunnel error texts (its `TunnelError` is private).
const TUNNEL_AUTH: &str = "tunnel error: proxy authorization required";
const TUNNEL_CONNECT_FAILED: &str = "tunnel error: failed to create underlying connection";
const TUNNEL_PREFIX: &str = "tunnel error: ";
/// rustls-platform-verifier's error when the system has no CA certificates to load.
const NO_SYSTEM_ROOTS: &str = "No CA certificates were loaded from the system";

/// Walk `e`'s source chain and name the fault. Never panics; unknown chains are `Other`.
pub fn classify(e: &reqwest::Error) -> NetFailureKind {
    use NetFailureKind as K;
    // Once the chain passes through "could not connect to the proxy", a refusal or a failed
    // lookup below it is about the proxy, not about Wix.
    let mut via_proxy_connect = false;
    let mut found: Option<K> = None;
    for err in chain(e) {
        if let Some(k) = rustls_kind(err) {
            return k;
        }
        let text = err.to_string();
        if text == TUNNEL_AUTH {
            return K::ProxyAuthRequired;
        }
        if text == TUNNEL_CONNECT_FAILED {
            via_proxy_connect = true;
            continue;
        }
        if text.starts_with(TUNNEL_PREFIX) {
            found.get_or_insert(K::ProxyRefused);
            continue;
        }
        if text == DNS_ERROR {
            found.get_or_insert(K::NameNotResolved);
            continue;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as I;
            let k = match io.kind() {
                I::ConnectionRefused => Some(K::ConnectionRefused),
                I::TimedOut => Some(K::TimedOut),
                I::HostUnreachable | I::NetworkUnreachable | I::NetworkDown => {
                    Some(K::NetworkUnreachable)
                }
                I::ConnectionReset | I::ConnectionAborted | I::BrokenPipe | I::UnexpectedEof => {
                    Some(K::ConnectionLost)
                }
                _ => None,
            };
            if let Some(k) = k {
                found = Some(k);
                break;
            }
        }
    }
    if via_proxy_connect {
        return match found {
            Some(K::TimedOut) => K::TimedOut,
            _ => K::ProxyUnreachable,
        };
    }
    if e.is_timeout() {
        return K::TimedOut;
    }
    found.unwrap_or(K::Other)
}

/// The error and its sources, including what an `io::Error` wraps: `io::Error::source()`
/// skips the wrapped error itself (it returns the wrapped error's *source*), and rustls'
/// errors arrive wrapped in an `io::Error` by tokio-rustls.
fn chain<'a>(e: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if out.len() >= 32 {
            break; // a cycle or an absurd chain: what we have is enough
        }
        out.push(err);
        // Layers of io::Error around the cause (hyper-rustls wraps tokio-rustls' io::Error,
        // which wraps the rustls::Error): look through all of them.
        let mut cur = err;
        while let Some(inner) = cur
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            let inner: &(dyn StdError + 'static) = inner;
            if out.len() >= 32 {
                break;
            }
            out.push(inner);
            cur = inner;
        }
        next = err.source();
    }
    out
}

fn rustls_kind(err: &(dyn StdError + 'static)) -> Option<NetFailureKind> {
    use rustls::CertificateError as C;
    use NetFailureKind as K;
    let e = err.downcast_ref::<rustls::Error>()?;
    Some(match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => K::CertificateWrongHost,
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => K::CertificateExpired,
            _ => K::CertificateUntrusted,
        },
        // The platform verifier on Linux found no CA certificates at all (no ca-certificates
        // package, or SSL_CERT_FILE pointing at nothing): no certificate can be trusted. Its
        // only sign is this text (rustls::Error::General).
        rustls::Error::General(m) if m.contains(NO_SYSTEM_ROOTS) => K::CertificateUntrusted,
        _ => K::TlsFailed,
    })
}

/// The innermost cause's text (reqwest's own text repeats the URL; the root is what helps).
fn root_cause(e: &reqwest::Error) -> String {
    chain(e)
        .last()
        .map(|c| c.to_string())
        .unwrap_or_else(|| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(kind: NetFailureKind) -> NetFailure {
        NetFailure {
            kind,
            host: "www.wixapis.com".into(),
            detail: "x".into(),
        }
    }

    /// Every kind has its own words, names the host where it matters, and never claims Wix
    /// said anything.
    #[test]
    fn every_kind_has_its_own_words() {
        use NetFailureKind as K;
        let all = [
            K::NameNotResolved,
            K::ConnectionRefused,
            K::TimedOut,
            K::NetworkUnreachable,
            K::ConnectionLost,
            K::ProxyUnreachable,
            K::ProxyRefused,
            K::ProxyAuthRequired,
            K::CertificateUntrusted,
            K::CertificateWrongHost,
            K::CertificateExpired,
            K::TlsFailed,
            K::Other,
        ];
        let mut seen = std::collections::HashSet::new();
        for k in all {
            let (s, x) = (f(k).summary(), f(k).fix());
            assert!(seen.insert(s.clone()), "{k:?} shares its summary");
            assert!(!s.is_empty() && !x.is_empty());
            for t in [&s, &x] {
                assert!(!t.contains("Wix said"), "{k:?}: {t}");
                assert!(!t.contains("below"), "{k:?} points at nothing: {t}");
            }
        }
        assert!(f(K::NameNotResolved).summary().contains("DNS"));
        assert!(f(K::ConnectionRefused)
            .summary()
            .contains("refused the connection"));
        assert!(f(K::ProxyAuthRequired).summary().contains("407"));
        assert!(f(K::ProxyAuthRequired).fix().contains("HTTPS_PROXY"));
        let c = f(K::CertificateUntrusted);
        assert!(c.summary().contains("not trusted"), "{}", c.summary());
        assert!(c.summary().contains("proxy or antivirus"));
        assert!(c.fix().contains("ask IT") || c.fix().contains("Ask IT"));
        assert!(c.fix().contains("trust store") && c.fix().contains("SSL_CERT_FILE"));
        assert!(c.is_certificate() && !f(K::TimedOut).is_certificate());
        assert!(f(K::CertificateExpired).fix().contains("date and time"));
        assert!(f(K::CertificateWrongHost)
            .summary()
            .contains("different name"));
    }

    #[test]
    fn kinds_serialize_as_stable_snake_case() {
        assert_eq!(
            serde_json::to_value(NetFailureKind::CertificateUntrusted).unwrap(),
            "certificate_untrusted"
        );
        assert_eq!(
            serde_json::to_value(NetFailureKind::ProxyAuthRequired).unwrap(),
            "proxy_auth_required"
        );
        assert_eq!(
            serde_json::to_value(NetFailureKind::NameNotResolved).unwrap(),
            "name_not_resolved"
        );
    }

    #[test]
    fn rustls_certificate_errors_map_by_type() {
        use rustls::CertificateError as C;
        let k = |c: C| {
            let e = rustls::Error::InvalidCertificate(c);
            rustls_kind(&e)
        };
        assert_eq!(
            k(C::UnknownIssuer),
            Some(NetFailureKind::CertificateUntrusted)
        );
        assert_eq!(
            k(C::BadSignature),
            Some(NetFailureKind::CertificateUntrusted)
        );
        assert_eq!(k(C::Revoked), Some(NetFailureKind::CertificateUntrusted));
        assert_eq!(
            k(C::NotValidForName),
            Some(NetFailureKind::CertificateWrongHost)
        );
        assert_eq!(k(C::Expired), Some(NetFailureKind::CertificateExpired));
        assert_eq!(k(C::NotValidYet), Some(NetFailureKind::CertificateExpired));
        let e = rustls::Error::General("No CA certificates were loaded from the system".to_owned());
        assert_eq!(rustls_kind(&e), Some(NetFailureKind::CertificateUntrusted));
        let e = rustls::Error::HandshakeNotComplete;
        assert_eq!(rustls_kind(&e), Some(NetFailureKind::TlsFailed));
        let io = std::io::Error::other("plain");
        assert_eq!(rustls_kind(&io), None);
    }

    /// rustls errors reach us wrapped in `io::Error`, whose `source()` skips them.
    #[test]
    fn the_chain_looks_inside_io_errors() {
        let wrapped = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let c = chain(&wrapped);
        assert_eq!(c.len(), 2);
        assert_eq!(
            rustls_kind(c[1]),
            Some(NetFailureKind::CertificateUntrusted)
        );
        // …and inside an io::Error that wraps another one.
        let twice = std::io::Error::other(wrapped);
        let c = chain(&twice);
        assert_eq!(c.len(), 3);
        assert!(c.iter().any(|e| rustls_kind(*e).is_some()));
    }
}
