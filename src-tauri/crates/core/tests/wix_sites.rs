//! Query Sites over real loopback HTTP, in live Wix's shapes: an agency account of 130 `WIX`
//! and 3 `HEADLESS` sites listed whole through cursor paging (the emulator), and the guards
//! against servers that misbehave (a tiny raw-HTTP server that repeats its cursor, or never
//! stops).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::Env;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wixdrop_core::config::parse_api_base;
use wixdrop_core::secret::ApiKey;
use wixdrop_core::wix::sites::{query_sites, MAX_SITES};
use wixdrop_core::wix::WixClient;

#[tokio::test]
async fn agency_account_lists_all_133_sites_headless_included() {
    let env = Env::start().await;
    let account = env
        .control(reqwest::Method::POST, "accounts", json!({}))
        .await["account_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (ns, n, name) in [("WIX", 130, "Client"), ("HEADLESS", 3, "Headless")] {
        let v = env
            .control(
                reqwest::Method::POST,
                "sites",
                json!({ "account_id": account, "display_name": name, "count": n, "namespace": ns }),
            )
            .await;
        assert_eq!(v["sites"].as_array().unwrap().len(), n);
    }
    let key = env
        .mint(
            &account,
            &["read_sites", "read_media", "manage_media"],
            json!("all"),
        )
        .await;
    env.control(reqwest::Method::DELETE, "log", json!({})).await;

    let sites = query_sites(&env.client(), &key, &account).await.unwrap();
    assert_eq!(sites.len(), 133);
    let mut ids: Vec<_> = sites.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 133, "no site twice");
    let headless: Vec<_> = sites.iter().filter(|s| s.is_headless()).collect();
    assert_eq!(headless.len(), 3);
    assert!(headless
        .iter()
        .all(|s| s.display_name.starts_with("Headless ")));
    assert!(sites
        .iter()
        .filter(|s| !s.is_headless())
        .all(|s| s.namespace.as_deref() == Some("WIX")));

    // 100 a page: two requests, the second carrying the cursor and nothing else.
    let log = env.control(reqwest::Method::GET, "log", json!({})).await;
    let bodies: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/site-list/v2/sites/query")
        .map(|r| &r["body_keys"])
        .collect();
    assert_eq!(
        bodies,
        [
            &json!(["query.cursorPaging.limit", "query.filter.namespace"]),
            &json!(["query.cursorPaging.cursor", "query.cursorPaging.limit"]),
        ]
    );
}

/// A loopback HTTP/1.1 server answering every request with `answer(n)` (n counts from 0), one
/// request per connection.
async fn raw_server(
    answer: impl Fn(usize) -> Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                // Read the head and the Content-Length body, then answer and close.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(k) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if k == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let body = answer(n).to_string();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (base, count)
}

fn site(id: String) -> Value {
    json!({ "id": id, "displayName": "S", "namespace": "WIX" })
}

#[tokio::test]
async fn a_repeating_cursor_ends_the_listing() {
    let (base, count) = raw_server(|n| {
        json!({ "sites": [site(format!("s-{n}"))], "metadata": { "cursors": { "next": "SAME" }, "hasNext": true } })
    })
    .await;
    let client = WixClient::new(parse_api_base(&base).unwrap());
    let sites = query_sites(&client, &ApiKey::new("IST.x.y.z".into()), "acc")
        .await
        .unwrap();
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "first page, then the cursor once"
    );
    assert_eq!(sites.len(), 2);
}

#[tokio::test]
async fn an_endless_server_stops_at_wix_s_1000_sites() {
    // Older `pagingMetadata` shape, fresh cursors and sites forever.
    let (base, count) = raw_server(|n| {
        let sites: Vec<Value> = (0..100).map(|i| site(format!("p{n}-{i}"))).collect();
        json!({ "sites": sites, "pagingMetadata": { "cursors": { "next": format!("c{n}") }, "hasNext": true } })
    })
    .await;
    let client = WixClient::new(parse_api_base(&base).unwrap());
    let sites = query_sites(&client, &ApiKey::new("IST.x.y.z".into()), "acc")
        .await
        .unwrap();
    assert_eq!(sites.len(), MAX_SITES);
    assert_eq!(count.load(Ordering::SeqCst), 10);
}
