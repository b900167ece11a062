//! Shared test helpers: an in-process Wix emulator and its control API.
#![allow(dead_code)]

use serde_json::{json, Value};
use wix_emulator::{Emulator, Options};
use wixdrop_core::config::parse_api_base;
use wixdrop_core::retry::RetryPolicy;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::wix::WixClient;

pub struct Env {
    pub emu: Emulator,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn start() -> Env {
        let emu = Emulator::start(Options {
            processing_delay: std::time::Duration::from_millis(200),
            ..Default::default()
        })
        .await
        .expect("emulator starts");
        Env {
            emu,
            http: reqwest::Client::new(),
        }
    }

    /// A client that retries quickly, so fault tests stay fast.
    pub fn client(&self) -> WixClient {
        let policy = RetryPolicy {
            max_retries: 2,
            base_delay: std::time::Duration::from_millis(5),
            max_delay: std::time::Duration::from_millis(20),
            ..Default::default()
        };
        WixClient::new(parse_api_base(self.emu.base_url()).unwrap()).with_retry(policy)
    }

    pub fn seed_key(&self) -> ApiKey {
        ApiKey::new(self.emu.seed().api_key.clone())
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/__emulator/{}", self.emu.base_url(), path);
        let resp = self
            .http
            .request(method, url)
            .json(&body)
            .send()
            .await
            .expect("control API answers");
        assert!(
            resp.status().is_success(),
            "control API {path}: {}",
            resp.status()
        );
        resp.json().await.unwrap_or(Value::Null)
    }

    /// Mint a key for `account` with the given permissions and site access.
    pub async fn mint(&self, account: &str, permissions: &[&str], site_access: Value) -> ApiKey {
        let v = self.control(reqwest::Method::POST, "keys", json!({ "account_id": account, "permissions": permissions, "site_access": site_access })).await;
        ApiKey::new(v["api_key"].as_str().expect("api_key").to_string())
    }

    pub async fn new_account_with_site(&self, name: &str) -> (String, String) {
        let a = self
            .control(reqwest::Method::POST, "accounts", json!({}))
            .await["account_id"]
            .as_str()
            .unwrap()
            .to_string();
        let s = self
            .control(
                reqwest::Method::POST,
                "sites",
                json!({ "account_id": a, "display_name": name }),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        (a, s)
    }

    pub async fn fault(&self, spec: Value) {
        self.control(reqwest::Method::POST, "faults", spec).await;
    }
}
