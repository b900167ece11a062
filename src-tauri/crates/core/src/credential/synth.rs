//! Synthetic Wix credentials in the real shapes, for tests, fuzzing and the local emulator.
//!
//! Headers and claim layouts follow the decoded public examples in `wix-api.md` §2; the IDs are
//! whatever the caller passes and the "signature" is filler derived from the content (right
//! length, no key behind it), so nothing made here is valid at Wix. Tests build every token at
//! run time with these helpers instead of committing token-shaped literals.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Header of API keys from the API Keys Manager (RS256).
pub fn api_key_header() -> Value {
    json!({"kid": "PozH_aC2", "alg": "RS256"})
}

/// Header of OAuth access and refresh tokens (HS256).
pub fn oauth_header() -> Value {
    json!({"kid": "YHBsuJpH", "alg": "HS256"})
}

/// Header of the site-member `smSession` cookie (HS256).
pub fn session_header() -> Value {
    json!({"kid": "PIzodbbB", "alg": "HS256"})
}

/// base64url without padding, as in JWTs.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A deterministic lowercase GUID (version-4 shaped) for `seed`.
pub fn guid(seed: u64) -> String {
    let h = Sha256::digest(seed.to_le_bytes());
    let x: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// `header.payload.signature` with `sig_len` bytes of filler signature.
pub fn jws(header: &Value, payload: &Value, sig_len: usize) -> String {
    let h = b64url(header.to_string().as_bytes());
    let p = b64url(payload.to_string().as_bytes());
    let mut sig = Vec::with_capacity(sig_len + 32);
    let mut counter = 0u32;
    while sig.len() < sig_len {
        sig.extend_from_slice(
            &Sha256::new()
                .chain_update(&p)
                .chain_update(counter.to_le_bytes())
                .finalize(),
        );
        counter += 1;
    }
    sig.truncate(sig_len);
    format!("{h}.{p}.{}", b64url(&sig))
}

/// The payload of an API key: `data` is a JSON *string*, there is `iat` and no `exp`.
pub fn api_key_payload(account_id: &str, key_id: &str, app_id: &str, iat: i64) -> Value {
    let data = json!({
        "id": key_id,
        "identity": {"type": "application", "id": app_id},
        "tenant": {"type": "account", "id": account_id},
    });
    json!({"data": data.to_string(), "iat": iat})
}

/// `IST.` + RS256 JWS (256-byte signature), as the API Keys Manager issues.
pub fn api_key(account_id: &str, key_id: &str, app_id: &str, iat: i64) -> String {
    format!(
        "IST.{}",
        jws(
            &api_key_header(),
            &api_key_payload(account_id, key_id, app_id, iat),
            256
        )
    )
}

/// `OauthNG.JWS.` + HS256 JWS, valid for 4 hours from `iat`, for site `meta_site_id`.
pub fn oauth_access_token(meta_site_id: &str, iat: i64) -> String {
    let instance = json!({"instance": {
        "instanceId": guid(iat as u64 ^ 1),
        "appDefId": guid(iat as u64 ^ 2),
        "signDate": "2024-01-01T00:00:00.000Z",
        "permissions": "",
        "demoMode": false,
        "siteOwnerId": guid(iat as u64 ^ 3),
        "metaSiteId": meta_site_id,
        "expirationDate": "2024-01-01T04:00:00.000Z",
        "hasUserRole": false,
    }});
    let payload = json!({"data": instance.to_string(), "iat": iat, "exp": iat + 14_400});
    format!("OauthNG.JWS.{}", jws(&oauth_header(), &payload, 32))
}

/// `JWS.` refresh token: `data` is a quoted id, valid for a year.
pub fn refresh_token(id: &str, iat: i64) -> String {
    let payload = json!({"data": Value::String(id.to_owned()).to_string(), "iat": iat, "exp": iat + 31_536_000});
    format!("JWS.{}", jws(&oauth_header(), &payload, 32))
}

/// `JWS.` site-member session cookie (`smSession`) for site `meta_site_id`.
pub fn member_session(meta_site_id: &str, iat: i64) -> String {
    let data = json!({
        "id": guid(iat as u64 ^ 4),
        "metaSiteId": meta_site_id,
        "collectionId": guid(iat as u64 ^ 5),
        "owner": false,
        "admin": false,
    });
    let payload = json!({"data": data.to_string(), "iat": iat, "exp": iat + 1_209_600});
    format!("JWS.{}", jws(&session_header(), &payload, 32))
}

/// A Wix app instance (`<signature>.<payload>`, the signed `instance` parameter of an app's
/// iframe): 32-byte HMAC-SHA256-sized filler signature, base64url JSON payload.
pub fn app_instance(instance_id: &str, app_def_id: &str, site_owner_id: &str) -> String {
    let payload = json!({
        "instanceId": instance_id,
        "appDefId": app_def_id,
        "signDate": "2024-01-01T00:00:00.000Z",
        "uid": null,
        "permissions": "OWNER",
        "demoMode": false,
        "siteOwnerId": site_owner_id,
        "aid": guid(7),
    });
    let p = b64url(payload.to_string().as_bytes());
    let sig = Sha256::digest(p.as_bytes());
    format!("{}.{p}", b64url(&sig))
}
