//! Live verification against the emulator: every diagnosis a user can meet.

mod common;

use common::Env;
use serde_json::json;
use wixdrop_core::verify::{verify, VerifyStatus};

const ALL: &[&str] = &["manage_media", "read_media", "read_sites"];

#[tokio::test]
async fn a_good_key_works_and_lists_the_sites() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    let v = verify(&env.client(), &env.seed_key(), &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::Works, "{v:?}");
    assert!(v.ok);
    let sites = v.sites.expect("sites listed");
    assert_eq!(sites.len(), seed.sites.len());
    for s in &seed.sites {
        assert!(
            sites
                .iter()
                .any(|x| x.id == s.id && x.display_name == s.display_name),
            "{s:?}"
        );
    }
    assert!(
        v.site_checked.is_some(),
        "media access was probed on a site"
    );
    assert!(v.summary.contains("works"), "{}", v.summary);
}

#[tokio::test]
async fn revoked_or_unknown_key_is_a_401_diagnosis() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    let key = env.mint(&seed.account_id, ALL, json!("all")).await;
    let kid = wixdrop_core::credential::inspect(key.expose(), time::OffsetDateTime::now_utc())
        .key_id
        .unwrap();
    env.control(
        reqwest::Method::POST,
        &format!("keys/{kid}/revoke"),
        json!({}),
    )
    .await;
    let v = verify(&env.client(), &key, &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::KeyRejected, "{v:?}");
    assert_eq!(v.guide_anchor.as_deref(), Some("trouble-401"));
    assert!(v.summary.contains("revoked"));
    assert!(!v.detail.unwrap_or_default().contains(key.expose().as_str()));

    let unknown = wixdrop_core::secret::ApiKey::new(wixdrop_core::credential::synth::api_key(
        &seed.account_id,
        "k",
        "a",
        1_700_000_000,
    ));
    assert_eq!(
        verify(&env.client(), &unknown, &seed.account_id, None)
            .await
            .status,
        VerifyStatus::KeyRejected
    );
}

#[tokio::test]
async fn wrong_account_id_is_named_as_such() {
    let env = Env::start().await;
    let (other_account, _) = env.new_account_with_site("Elsewhere").await;
    let v = verify(&env.client(), &env.seed_key(), &other_account, None).await;
    assert_eq!(v.status, VerifyStatus::AccountOrSitesPermission, "{v:?}");
    assert!(
        v.summary.contains("not the account this key belongs to"),
        "{}",
        v.summary
    );
    assert_eq!(v.guide_anchor.as_deref(), Some("trouble-403-ids"));
}

#[tokio::test]
async fn no_read_sites_permission_still_works_with_a_site_id() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    let key = env
        .mint(
            &seed.account_id,
            &["manage_media", "read_media"],
            json!("all"),
        )
        .await;
    let v = verify(&env.client(), &key, &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::AccountOrSitesPermission, "{v:?}");
    assert!(v.summary.contains("Read Site Data"));
    let v = verify(
        &env.client(),
        &key,
        &seed.account_id,
        Some(&seed.sites[0].id),
    )
    .await;
    assert_eq!(v.status, VerifyStatus::Works, "{v:?}");
    assert!(v.summary.contains("cannot list"), "{}", v.summary);
    assert!(v.sites.is_none());
}

#[tokio::test]
async fn missing_media_permission_is_diagnosed() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    let key = env
        .mint(&seed.account_id, &["read_sites"], json!("all"))
        .await;
    let v = verify(&env.client(), &key, &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::NoMediaPermission, "{v:?}");
    assert!(v.summary.contains("Manage Media Manager"));
    assert_eq!(v.guide_anchor.as_deref(), Some("trouble-403-permission"));
    assert!(v.sites.is_some(), "sites are still listed");
}

#[tokio::test]
async fn a_site_of_another_account_is_diagnosed() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    let (_, foreign_site) = env.new_account_with_site("Not yours").await;
    let v = verify(
        &env.client(),
        &env.seed_key(),
        &seed.account_id,
        Some(&foreign_site),
    )
    .await;
    assert_eq!(v.status, VerifyStatus::SiteNotReachable, "{v:?}");
    assert_eq!(v.guide_anchor.as_deref(), Some("trouble-403-other-account"));
}

#[tokio::test]
async fn wix_down_says_try_later() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    env.fault(json!({ "path_prefix": "/site-list/", "fault": { "type": "status", "status": 503 }, "times": null })).await;
    let v = verify(&env.client(), &env.seed_key(), &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::WixUnavailable, "{v:?}");
    assert!(v.fix.contains("Try again"));
}

#[tokio::test]
async fn html_error_pages_still_give_a_diagnosis() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    env.fault(json!({ "path_prefix": "/site-list/", "fault": { "type": "status", "status": 403, "body": "html" }, "times": null })).await;
    let v = verify(&env.client(), &env.seed_key(), &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::AccountOrSitesPermission, "{v:?}");
    assert!(v.detail.unwrap().contains("HTML page"));
}

#[tokio::test]
async fn transient_503_is_retried_then_works() {
    let env = Env::start().await;
    let seed = env.emu.seed().clone();
    env.fault(json!({ "path_prefix": "/site-list/", "fault": { "type": "status", "status": 503, "retry_after": 0 }, "times": 1 })).await;
    let v = verify(&env.client(), &env.seed_key(), &seed.account_id, None).await;
    assert_eq!(v.status, VerifyStatus::Works, "{v:?}");
}

#[tokio::test]
async fn many_sites_are_paged_through() {
    let emu = wix_emulator::Emulator::start_with_sites(Default::default(), 130)
        .await
        .unwrap();
    let client = wixdrop_core::wix::WixClient::new(
        wixdrop_core::config::parse_api_base(emu.base_url()).unwrap(),
    );
    let key = wixdrop_core::secret::ApiKey::new(emu.seed().api_key.clone());
    let sites = wixdrop_core::wix::sites::query_sites(&client, &key, &emu.seed().account_id)
        .await
        .unwrap();
    assert_eq!(sites.len(), 130);
    let mut ids: Vec<_> = sites.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 130, "no site twice");
}
