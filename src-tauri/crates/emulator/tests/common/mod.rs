//! Shared helpers for the integration tests: an emulator on a loopback port, a reqwest client,
//! and thin wrappers for Wix calls and the control API.
#![allow(dead_code)]

use std::time::Duration;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use wix_emulator::{Emulator, Options};

pub struct Env {
    pub emu: Emulator,
    pub http: Client,
}

pub async fn start() -> Env {
    start_with(Duration::from_millis(300)).await
}

pub async fn start_with(delay: Duration) -> Env {
    let opts = Options {
        processing_delay: delay,
        ..Options::default()
    };
    let emu = Emulator::start(opts).await.expect("emulator starts");
    Env {
        emu,
        http: Client::new(),
    }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.emu.base_url(), path)
    }

    pub fn key(&self) -> &str {
        &self.emu.seed().api_key
    }

    pub fn account(&self) -> &str {
        &self.emu.seed().account_id
    }

    pub fn site(&self) -> &str {
        &self.emu.seed().sites[0].id
    }

    /// A site-level request with the seeded key.
    pub fn site_req(&self, method: Method, path: &str) -> RequestBuilder {
        self.site_req_as(method, path, self.key(), self.site())
    }

    pub fn site_req_as(&self, method: Method, path: &str, key: &str, site: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("Authorization", key)
            .header("wix-site-id", site)
    }

    /// Query Sites with the seeded key and account.
    pub async fn query_sites(&self, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url("/site-list/v2/sites/query"))
            .header("Authorization", self.key())
            .header("wix-account-id", self.account())
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(resp).await
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, self.url(path));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        assert!(
            resp.status().is_success(),
            "control {path}: {}",
            resp.status()
        );
        resp.json().await.unwrap()
    }

    pub async fn fault(&self, spec: Value) -> Value {
        self.control(Method::POST, "/__emulator/faults", Some(spec))
            .await
    }

    /// Mints a key for the seeded account.
    pub async fn mint(&self, body: Value) -> String {
        let mut body = body;
        if body.get("account_id").is_none() {
            body["account_id"] = json!(self.account());
        }
        let v = self
            .control(Method::POST, "/__emulator/keys", Some(body))
            .await;
        v["api_key"].as_str().unwrap().to_owned()
    }

    /// The control API's listing of a site's stored files.
    pub async fn stored(&self, site: &str) -> Vec<Value> {
        let v = self
            .control(
                Method::GET,
                &format!("/__emulator/sites/{site}/files"),
                None,
            )
            .await;
        v["files"].as_array().unwrap().clone()
    }

    /// generate-upload-url + PUT; returns the PUT's `file`.
    pub async fn upload_plain(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Value {
        let (status, gen) = json_of(
            self.site_req(Method::POST, "/site-media/v1/files/generate-upload-url")
                .json(&json!({ "mimeType": mime, "fileName": name, "sizeInBytes": bytes.len().to_string() }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{gen}");
        let url = gen["uploadUrl"].as_str().unwrap();
        let (status, body) = json_of(
            self.http
                .put(format!("{url}?filename={name}"))
                .header("Content-Type", mime)
                .body(bytes)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["file"].clone()
    }

    /// generate-resumable-upload-url; returns (uploadUrl, uploadToken).
    pub async fn resumable(&self, name: &str, mime: &str, size: usize) -> (String, String) {
        let (status, gen) = json_of(
            self.site_req(
                Method::POST,
                "/site-media/v1/files/generate-resumable-upload-url",
            )
            .json(&json!({ "mimeType": mime, "fileName": name, "sizeInBytes": size.to_string() }))
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{gen}");
        assert_eq!(gen["uploadProtocol"], "TUS");
        (
            gen["uploadUrl"].as_str().unwrap().into(),
            gen["uploadToken"].as_str().unwrap().into(),
        )
    }

    /// tus POST; returns the absolute Location.
    pub async fn tus_create(
        &self,
        upload_url: &str,
        token: &str,
        name: &str,
        mime: &str,
        len: usize,
    ) -> String {
        let resp = self
            .http
            .post(upload_url)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", len.to_string())
            .header(
                "Upload-Metadata",
                metadata(&[("filename", name), ("contentType", mime), ("token", token)]),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        assert_eq!(resp.headers()["tus-resumable"], "1.0.0");
        resp.headers()["location"].to_str().unwrap().to_owned()
    }

    pub fn tus_patch(&self, location: &str, offset: u64, chunk: Vec<u8>) -> RequestBuilder {
        self.http
            .patch(location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(chunk)
    }

    pub async fn tus_head(&self, location: &str) -> Response {
        self.http
            .head(location)
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
            .unwrap()
    }

    pub async fn finalize(&self, upload_url: &str, token: &str, name: &str) -> (StatusCode, Value) {
        json_of(
            self.http
                .put(format!("{upload_url}/{token}?filename={name}"))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

pub fn metadata(pairs: &[(&str, &str)]) -> String {
    use base64::Engine;
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k} {}",
                base64::engine::general_purpose::STANDARD.encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn json_of(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// Asserts a Wix applicationError body and returns its code.
pub fn app_code(body: &Value) -> String {
    assert!(body["message"].is_string(), "no message in {body}");
    let err = &body["details"]["applicationError"];
    assert!(
        err["description"].is_string(),
        "no applicationError in {body}"
    );
    assert!(err["data"].is_object(), "no data in {body}");
    err["code"].as_str().unwrap().to_owned()
}

/// Asserts a Wix validationError body and returns the violated fields.
pub fn violated_fields(body: &Value) -> Vec<String> {
    assert!(body["message"].is_string(), "no message in {body}");
    let list = body["details"]["validationError"]["fieldViolations"]
        .as_array()
        .expect("fieldViolations");
    list.iter()
        .map(|v| {
            assert!(
                v["description"].is_string() && v["violatedRule"].is_string(),
                "{v}"
            );
            v["field"].as_str().unwrap().to_owned()
        })
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Deterministic pseudo-random bytes.
pub fn bytes(n: usize, seed: u8) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9 ^ seed as u32;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}
