//! One shared HTTP client for every Wix call, with Wix's auth headers and the retry policy.
//!
//! Wix wants the raw key in `Authorization` (no `Bearer`) and exactly one of `wix-account-id`
//! (account-level APIs such as Query Sites) or `wix-site-id` (site-level APIs such as the
//! Media Manager) — never both. `Scope` makes sending both impossible.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use super::error::{ApiError, WixError};
use crate::config::{api_base_from_env, ConfigError};
use crate::net::NetFailure;
use crate::retry::{parse_retry_after, Outcome, RetryPolicy};
use crate::secret::ApiKey;

/// Which tenant a call is about: the header Wix uses to pick it.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Account(&'a str),
    Site(&'a str),
}

#[derive(Debug, Clone)]
pub struct WixClient {
    http: reqwest::Client,
    base: Url,
    retry: RetryPolicy,
}

/// How long one JSON call (one attempt) may take, from sending to the last byte of the answer.
pub const JSON_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The user agent Wix sees: product and version, nothing about the user.
pub const USER_AGENT: &str = concat!("Wixdrop/", env!("CARGO_PKG_VERSION"));

impl WixClient {
    /// A client for `base` (already validated by [`crate::config::parse_api_base`]).
    pub fn new(base: Url) -> WixClient {
        let http = crate::net::client_builder()
            .user_agent(USER_AGENT)
            // A connection not made in 10 s is not coming (no network, a black-holed route).
            .connect_timeout(Duration::from_secs(10))
            // A read that stalls this long is a dead connection, not a slow one.
            .read_timeout(Duration::from_secs(120))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .expect("the HTTP client builds (rustls with the platform verifier)");
        WixClient {
            http,
            base,
            retry: RetryPolicy::default(),
        }
    }

    /// Real Wix, or `WIXDROP_API_BASE` when set.
    pub fn from_env() -> Result<WixClient, ConfigError> {
        Ok(WixClient::new(api_base_from_env()?))
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> WixClient {
        self.retry = retry;
        self
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Whether the API base answers at all — any HTTP status counts — within `within`: what
    /// the window's "Wix" badge shows. Sends no key. Never fails; false on any network error.
    pub async fn reachable(&self, within: Duration) -> bool {
        let probe = self.http.head(self.base.clone()).timeout(within).send();
        matches!(tokio::time::timeout(within, probe).await, Ok(Ok(_)))
    }

    /// The shared connection pool, for requests to URLs Wix hands out (upload URLs).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `path` is relative to the base, e.g. `site-list/v2/sites/query`.
    pub fn url(&self, path: &str) -> Url {
        self.base
            .join(path.trim_start_matches('/'))
            .expect("relative API paths always join")
    }

    /// Call a Wix endpoint with JSON in and out, retrying what is worth retrying.
    pub async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        key: &ApiKey,
        scope: Scope<'_>,
        body: Option<&B>,
    ) -> Result<T, WixError> {
        let headers = auth_headers(key, scope)?;
        let url = self.url(path);
        let mut retry = 0;
        loop {
            // JSON calls are small: an answer not complete in 30 s is not coming either. (Uploads
            // go through `http()` without this, bounded by the read timeout instead.)
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .timeout(JSON_CALL_TIMEOUT)
                .headers(headers.clone());
            if let Some(b) = body {
                req = req.json(b);
            }
            let (outcome, retry_after, err) = match req.send().await {
                Ok(resp) if resp.status().is_success() => {
                    let bytes = resp.bytes().await.map_err(|e| network_error(&url, &e))?;
                    return serde_json::from_slice(&bytes)
                        .map_err(|e| WixError::UnexpectedResponse(format!("{}: {e}", url.path())));
                }
                Ok(resp) => {
                    let err = read_error(resp).await;
                    (
                        Outcome::Status(err.status),
                        err.retry_after,
                        WixError::Api(err),
                    )
                }
                Err(e) if is_connection_failure(&e) => {
                    (Outcome::ConnectionFailed, None, network_error(&url, &e))
                }
                Err(e) => return Err(network_error(&url, &e)),
            };
            match self.retry.delay(retry, outcome, retry_after) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => return Err(err),
            }
        }
    }
}

/// `Authorization: <raw key>` plus exactly one tenant header.
pub fn auth_headers(key: &ApiKey, scope: Scope<'_>) -> Result<HeaderMap, WixError> {
    let mut h = HeaderMap::new();
    let mut auth = HeaderValue::from_str(key.expose()).map_err(|_| WixError::InvalidKey("The API key contains characters that cannot be sent in an HTTP header; paste it again."))?;
    auth.set_sensitive(true);
    h.insert(AUTHORIZATION, auth);
    let (name, id) = match scope {
        Scope::Account(id) => ("wix-account-id", id),
        Scope::Site(id) => ("wix-site-id", id),
    };
    let value = HeaderValue::from_str(id.trim()).map_err(|_| WixError::InvalidKey("The account or site ID contains characters that cannot be sent; it should look like 8-4-4-4-12 hex digits."))?;
    h.insert(name, value);
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(h)
}

/// Turn a non-success response into an [`ApiError`], keeping `Retry-After`.
pub async fn read_error(resp: reqwest::Response) -> ApiError {
    let status = resp.status();
    let ct = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    // Error bodies are small; cap what we read so a hostile server cannot exhaust memory.
    let body = read_capped(resp, 64 * 1024).await;
    let mut e = ApiError::parse(status.as_u16(), ct.as_deref(), &body);
    e.retry_after = retry_after;
    e
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = cap.saturating_sub(out.len());
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= cap {
            break;
        }
    }
    out
}

/// Worth retrying: the request may not have reached Wix, or the answer never came back, and
/// the same request may fare better (an untrusted certificate or a proxy's 407 will not).
pub fn is_connection_failure(e: &reqwest::Error) -> bool {
    (e.is_connect() || e.is_timeout() || e.is_request() || e.is_body())
        && crate::net::failure::classify(e).is_retryable()
}

/// A request to `url` that got no HTTP answer → [`WixError::Network`] with the fault named
/// (see [`crate::net::failure`]).
pub fn network_error(url: &Url, e: &reqwest::Error) -> WixError {
    let host = url.host_str().unwrap_or("Wix");
    WixError::Network(NetFailure::from_reqwest(host, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_tenant_header_and_the_raw_key() {
        let key = ApiKey::new("IST.abc.def.ghi".into());
        let h = auth_headers(&key, Scope::Site("s-1")).unwrap();
        assert_eq!(h.get(AUTHORIZATION).unwrap(), "IST.abc.def.ghi");
        assert!(h.get(AUTHORIZATION).unwrap().is_sensitive());
        assert_eq!(h.get("wix-site-id").unwrap(), "s-1");
        assert!(h.get("wix-account-id").is_none());
        let h = auth_headers(&key, Scope::Account("a-1")).unwrap();
        assert_eq!(h.get("wix-account-id").unwrap(), "a-1");
        assert!(h.get("wix-site-id").is_none());
        assert!(
            format!("{h:?}").contains("Sensitive"),
            "header debug must hide the key"
        );
        assert!(!format!("{h:?}").contains("IST.abc"));
    }

    #[test]
    fn bad_header_values_are_clear_errors() {
        let e = auth_headers(&ApiKey::new("IST.a\nb".into()), Scope::Site("s")).unwrap_err();
        assert!(e.to_string().contains("paste it again"));
        assert!(auth_headers(&ApiKey::new("IST.ok".into()), Scope::Account("a\u{0}b")).is_err());
    }

    #[test]
    fn urls_join_under_the_base_path() {
        let c = WixClient::new(crate::config::parse_api_base("http://127.0.0.1:9/prefix").unwrap());
        assert_eq!(
            c.url("/site-list/v2/sites/query").as_str(),
            "http://127.0.0.1:9/prefix/site-list/v2/sites/query"
        );
        assert_eq!(
            c.url("site-media/v1/files").as_str(),
            "http://127.0.0.1:9/prefix/site-media/v1/files"
        );
    }

    #[tokio::test]
    async fn connection_refused_is_a_network_error_after_retries() {
        // Bind then drop to get a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = crate::config::parse_api_base(&format!("http://127.0.0.1:{port}")).unwrap();
        let policy = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..Default::default()
        };
        let c = WixClient::new(base).with_retry(policy);
        let key = ApiKey::new("IST.x".into());
        let r: Result<serde_json::Value, _> = c
            .call(
                Method::POST,
                "site-list/v2/sites/query",
                &key,
                Scope::Account("a"),
                Some(&serde_json::json!({})),
            )
            .await;
        match r {
            Err(WixError::Network(f)) => {
                assert_eq!(f.host, "127.0.0.1");
                assert_eq!(f.kind, crate::net::NetFailureKind::ConnectionRefused);
            }
            other => panic!("{other:?}"),
        }
    }
}
