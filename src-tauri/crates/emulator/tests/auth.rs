//! Authentication (401) and authorisation (403) as wix-api.md §1 describes them.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn sites_with(
    env: &Env,
    auth: Option<&str>,
    account: Option<&str>,
    site: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let mut req = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .json(&json!({}));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if let Some(a) = account {
        req = req.header("wix-account-id", a);
    }
    if let Some(s) = site {
        req = req.header("wix-site-id", s);
    }
    json_of(req.send().await.unwrap()).await
}

#[tokio::test]
async fn missing_key_is_401_wix_shaped() {
    let env = start().await;
    let (status, body) = sites_with(&env, None, Some(env.account()), None).await;
    assert_eq!(status, 401);
    assert_eq!(app_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn bearer_prefix_is_an_unknown_key() {
    let env = start().await;
    let bearer = format!("Bearer {}", env.key());
    let (status, body) = sites_with(&env, Some(&bearer), Some(env.account()), None).await;
    assert_eq!(status, 401);
    assert_eq!(app_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn unknown_key_of_the_right_shape_is_401() {
    let env = start().await;
    let forged =
        wix_emulator::keys::make_api_key(env.account(), "00000000-0000-4000-8000-000000000000", 1);
    let (status, body) = sites_with(&env, Some(&forged), Some(env.account()), None).await;
    assert_eq!(status, 401);
    app_code(&body);
}

#[tokio::test]
async fn revoked_key_is_401() {
    let env = start().await;
    let resp = env
        .control(
            Method::POST,
            "/__emulator/keys",
            Some(json!({"account_id": env.account()})),
        )
        .await;
    let key = resp["api_key"].as_str().unwrap();
    let (status, _) = sites_with(&env, Some(key), Some(env.account()), None).await;
    assert_eq!(status, 200);
    let key_id = resp["key_id"].as_str().unwrap();
    env.control(
        Method::POST,
        &format!("/__emulator/keys/{key_id}/revoke"),
        None,
    )
    .await;
    let (status, body) = sites_with(&env, Some(key), Some(env.account()), None).await;
    assert_eq!(status, 401);
    app_code(&body);
    let born_revoked = env.mint(json!({"revoked": true})).await;
    let (status, _) = sites_with(&env, Some(&born_revoked), Some(env.account()), None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn minted_keys_have_the_real_shape() {
    let env = start().await;
    let claims = wix_emulator::keys::decode_api_key(env.key()).unwrap();
    assert_eq!(claims.account_id, env.account());
    let resp = env
        .control(
            Method::POST,
            "/__emulator/keys",
            Some(json!({"account_id": env.account()})),
        )
        .await;
    let claims = wix_emulator::keys::decode_api_key(resp["api_key"].as_str().unwrap()).unwrap();
    assert_eq!(claims.key_id, resp["key_id"].as_str().unwrap());
}

#[tokio::test]
async fn account_level_header_rules() {
    let env = start().await;
    let (status, body) = sites_with(&env, Some(env.key()), None, None).await;
    assert_eq!(
        (status, app_code(&body).as_str()),
        (StatusCode::FORBIDDEN, "PERMISSION_DENIED")
    );
    let (status, _) =
        sites_with(&env, Some(env.key()), Some(env.account()), Some(env.site())).await;
    assert_eq!(status, 403, "both headers");
    let (status, _) = sites_with(&env, Some(env.key()), None, Some(env.site())).await;
    assert_eq!(status, 403, "site header on an account-level API");
    let (status, _) = sites_with(
        &env,
        Some(env.key()),
        Some("11111111-1111-4111-8111-111111111111"),
        None,
    )
    .await;
    assert_eq!(status, 403, "wrong account");
}

#[tokio::test]
async fn site_level_header_rules() {
    let env = start().await;
    let list = |auth: &str, account: Option<&str>, site: Option<&str>| {
        let mut req = env
            .http
            .get(env.url("/site-media/v1/files"))
            .header("Authorization", auth.to_owned());
        if let Some(a) = account {
            req = req.header("wix-account-id", a.to_owned());
        }
        if let Some(s) = site {
            req = req.header("wix-site-id", s.to_owned());
        }
        req
    };
    let key = env.key();
    assert_eq!(
        list(key, None, Some(env.site()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (status, body) = json_of(list(key, None, None).send().await.unwrap()).await;
    assert_eq!(status, 403);
    app_code(&body);
    assert_eq!(
        list(key, Some(env.account()), None)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        list(key, Some(env.account()), Some(env.site()))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        list(key, None, Some("no-such-site"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        list("nope", None, Some(env.site()))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn site_of_another_account_is_403() {
    let env = start().await;
    let other = env
        .control(Method::POST, "/__emulator/accounts", Some(json!({})))
        .await;
    let other = other["account_id"].as_str().unwrap();
    let site = env
        .control(
            Method::POST,
            "/__emulator/sites",
            Some(json!({"account_id": other})),
        )
        .await;
    let site = site["id"].as_str().unwrap();
    let resp = env
        .site_req_as(Method::GET, "/site-media/v1/files", env.key(), site)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 403);
    app_code(&body);
}

#[tokio::test]
async fn site_access_is_enforced() {
    let env = start().await;
    let allowed = env.emu.seed().sites[0].id.clone();
    let denied = env.emu.seed().sites[1].id.clone();
    let key = env.mint(json!({"site_access": [allowed]})).await;
    let ok = env
        .site_req_as(Method::GET, "/site-media/v1/files", &key, &allowed)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let no = env
        .site_req_as(Method::GET, "/site-media/v1/files", &key, &denied)
        .send()
        .await
        .unwrap();
    assert_eq!(no.status(), 403);
}

#[tokio::test]
async fn permissions_are_per_route() {
    let env = start().await;
    let read_only = env.mint(json!({"permissions": ["read_media"]})).await;
    let manage_only = env
        .mint(json!({"permissions": ["SCOPE.DC-MEDIA.MANAGE-MEDIAMANAGER"]}))
        .await;
    let sites_only = env.mint(json!({"permissions": ["read_sites"]})).await;
    let site = env.site().to_owned();
    let gen = |key: &str| {
        env.site_req_as(
            Method::POST,
            "/site-media/v1/files/generate-upload-url",
            key,
            &site,
        )
        .json(&json!({"mimeType": "image/png"}))
    };
    let list = |key: &str| env.site_req_as(Method::GET, "/site-media/v1/files", key, &site);
    let folder = |key: &str| {
        env.site_req_as(Method::POST, "/site-media/v1/folders", key, &site)
            .json(&json!({"displayName": "x"}))
    };
    let resumable = |key: &str| {
        env.site_req_as(
            Method::POST,
            "/site-media/v1/files/generate-resumable-upload-url",
            key,
            &site,
        )
        .json(&json!({"mimeType": "video/mp4"}))
    };
    assert_eq!(list(&read_only).send().await.unwrap().status(), 200);
    let (status, body) = json_of(gen(&read_only).send().await.unwrap()).await;
    assert_eq!(status, 403);
    assert_eq!(app_code(&body), "PERMISSION_DENIED");
    assert_eq!(folder(&read_only).send().await.unwrap().status(), 403);
    assert_eq!(resumable(&read_only).send().await.unwrap().status(), 403);

    assert_eq!(gen(&manage_only).send().await.unwrap().status(), 200);
    assert_eq!(folder(&manage_only).send().await.unwrap().status(), 200);
    assert_eq!(resumable(&manage_only).send().await.unwrap().status(), 200);
    assert_eq!(
        list(&manage_only).send().await.unwrap().status(),
        403,
        "manage does not imply read"
    );
    let folders = env.site_req_as(Method::GET, "/site-media/v1/folders", &manage_only, &site);
    assert_eq!(folders.send().await.unwrap().status(), 403);

    assert_eq!(list(&sites_only).send().await.unwrap().status(), 403);
    let q = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .header("Authorization", &read_only)
        .header("wix-account-id", env.account())
        .json(&json!({}));
    assert_eq!(
        q.send().await.unwrap().status(),
        403,
        "read media cannot query sites"
    );
    let q = env
        .http
        .post(env.url("/site-list/v2/sites/query"))
        .header("Authorization", &sites_only)
        .header("wix-account-id", env.account())
        .json(&json!({}));
    assert_eq!(q.send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn auth_is_checked_before_validation() {
    let env = start().await;
    let resp = env
        .http
        .post(env.url("/site-media/v1/files/generate-upload-url"))
        .header("wix-site-id", env.site())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}
