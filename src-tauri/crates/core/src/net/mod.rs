//! How Wixdrop reaches the network: one place that builds HTTP clients, and one that puts
//! network failures into words.
//!
//! Offices put TLS-inspecting proxies (Zscaler, Cloudflare Gateway, Palo Alto…) between people
//! and the internet; IT installs the proxy's root certificate in the operating system's trust
//! store, and every program that asks the OS works. A CA list built into the binary (webpki
//! roots) does not have that certificate, so every call failed with `UnknownIssuer`. Hence:
//!
//! - **Certificates are checked by the operating system's verifier** through
//!   `rustls-platform-verifier` (Rustls' own crate): Security.framework on macOS (Keychain,
//!   including IT-managed profiles), CryptoAPI on Windows (the certificate store), and on
//!   Linux the system bundle read by `rustls-native-certs`, which honours `SSL_CERT_FILE` and
//!   `SSL_CERT_DIR` (as OpenSSL and curl do). It adds no built-in roots of its own on these
//!   platforms, so neither do we: what the OS trusts is what Wixdrop trusts.
//! - **Proxies**: `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY` from the environment,
//!   and (reqwest's `system-proxy` feature) the system proxy settings on macOS and Windows.
//!   Loopback addresses are *not* exempt unless `NO_PROXY` says so (reqwest's rule).
//! - Every HTTPS client in Wixdrop comes from [`client_builder`], so the rules above cannot be
//!   forgotten by one caller. [`failure`] turns a failed request into a [`NetFailure`]:
//!   which of the usual network faults it was, in plain words, with what to do.

pub mod failure;

use std::sync::Arc;

pub use failure::{NetFailure, NetFailureKind};

/// A `reqwest::ClientBuilder` that verifies certificates with the operating system's verifier
/// and follows the environment's and the system's proxy settings. Callers add their own
/// timeouts and user agent.
///
/// When the system has no trust store at all (Linux without CA certificates, or
/// `SSL_CERT_FILE` pointing at an empty file), the platform verifier cannot start; the client
/// then trusts nothing, so every HTTPS request fails as "certificate not trusted", which is
/// named and explained, instead of the program stopping.
pub fn client_builder() -> reqwest::ClientBuilder {
    match tls_config() {
        Ok(config) => reqwest::Client::builder().use_preconfigured_tls(config),
        Err(_) => reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false),
    }
}

/// Rustls with the ring provider (the one reqwest itself is built with, so exactly one
/// provider is compiled in) and the platform verifier; ALPN offers HTTP/2 and HTTP/1.1, as
/// reqwest does with its own configuration.
///
/// Errors: the platform verifier's, e.g. `No CA certificates were loaded from the system`.
fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
