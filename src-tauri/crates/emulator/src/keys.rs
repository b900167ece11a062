//! API keys of the real Wix shape: `IST.` + a three-part JWS whose payload's `data` string holds
//! the key id, the application identity and the owning account (wix-api.md §2.1).
//!
//! The emulator never verifies signatures: a key is valid when its exact string was minted here
//! and not revoked. The shape still matters, because Wixdrop decodes keys offline (the badge,
//! the pre-filled account id) and must be tested against keys that look like Wix's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The JWS header the emulator puts on its keys. Real keys carry `RS256` and a short `kid`;
/// this `kid` is deliberately not one of Wix's.
pub const KEY_HEADER_JSON: &str = r#"{"kid":"EmU1atoR","alg":"RS256"}"#;

/// What a key says about itself once decoded (no signature check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyClaims {
    pub key_id: String,
    pub identity_id: String,
    pub account_id: String,
    pub iat: i64,
}

/// Why a string does not decode as an `IST.` API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    MissingPrefix,
    WrongPartCount,
    BadBase64,
    BadJson,
    NotAnAccountKey,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    data: String,
    iat: i64,
}

#[derive(Serialize, Deserialize)]
struct Typed {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Serialize, Deserialize)]
struct Data {
    id: String,
    identity: Typed,
    tenant: Typed,
}

/// Builds a key of the real shape from explicit parts.
pub fn make_api_key_parts(
    account_id: &str,
    key_id: &str,
    identity_id: &str,
    iat: i64,
    signature: &[u8],
) -> String {
    let data = Data {
        id: key_id.to_owned(),
        identity: Typed {
            kind: "application".into(),
            id: identity_id.to_owned(),
        },
        tenant: Typed {
            kind: "account".into(),
            id: account_id.to_owned(),
        },
    };
    let payload = Payload {
        data: serde_json::to_string(&data).expect("plain strings"),
        iat,
    };
    let payload = serde_json::to_string(&payload).expect("plain strings");
    format!(
        "IST.{}.{}.{}",
        URL_SAFE_NO_PAD.encode(KEY_HEADER_JSON),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// Builds a key of the real shape; the identity id and the 256-byte "signature" are derived
/// from the inputs (they look random, and the same inputs give the same key).
pub fn make_api_key(account_id: &str, key_id: &str, iat: i64) -> String {
    let mut signature = Vec::with_capacity(256);
    let mut block = Sha256::digest(format!("{account_id}/{key_id}/{iat}"));
    while signature.len() < 256 {
        signature.extend_from_slice(&block);
        block = Sha256::digest(block);
    }
    let identity = derived_uuid(&Sha256::digest(format!("identity/{key_id}")));
    make_api_key_parts(account_id, key_id, &identity, iat, &signature)
}

fn derived_uuid(hash: &[u8]) -> String {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Decodes a key's claims without checking anything but its shape. Never panics.
pub fn decode_api_key(key: &str) -> Result<KeyClaims, KeyError> {
    let rest = key.strip_prefix("IST.").ok_or(KeyError::MissingPrefix)?;
    let parts: Vec<&str> = rest.split('.').collect();
    if parts.len() != 3 {
        return Err(KeyError::WrongPartCount);
    }
    let payload = URL_SAFE_NO_PAD
        .decode(parts[1])
        .map_err(|_| KeyError::BadBase64)?;
    let payload: Payload = serde_json::from_slice(&payload).map_err(|_| KeyError::BadJson)?;
    let data: Data = serde_json::from_str(&payload.data).map_err(|_| KeyError::BadJson)?;
    if data.tenant.kind != "account" {
        return Err(KeyError::NotAnAccountKey);
    }
    Ok(KeyClaims {
        key_id: data.id,
        identity_id: data.identity.id,
        account_id: data.tenant.id,
        iat: payload.iat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let key = make_api_key("acc-1", "key-1", 1_700_000_000);
        assert!(key.starts_with("IST.eyJ"));
        assert_eq!(key.split('.').count(), 4);
        let claims = decode_api_key(&key).unwrap();
        assert_eq!(claims.account_id, "acc-1");
        assert_eq!(claims.key_id, "key-1");
        assert_eq!(claims.iat, 1_700_000_000);
        assert_eq!(key, make_api_key("acc-1", "key-1", 1_700_000_000));
    }

    #[test]
    fn header_segment_decodes() {
        let key = make_api_key("a", "k", 1);
        let header = key.split('.').nth(1).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
        assert_eq!(json["alg"], "RS256");
    }

    #[test]
    fn rejects_other_shapes() {
        assert_eq!(
            decode_api_key("Bearer IST.a.b.c"),
            Err(KeyError::MissingPrefix)
        );
        assert_eq!(decode_api_key("IST.a.b"), Err(KeyError::WrongPartCount));
        assert_eq!(decode_api_key("IST.a.!!.c"), Err(KeyError::BadBase64));
    }

    proptest! {
        #[test]
        fn decode_never_panics(s in ".*") {
            let _ = decode_api_key(&s);
        }

        #[test]
        fn decode_never_panics_on_key_like(a in "[A-Za-z0-9_-]{0,40}", b in "[A-Za-z0-9_-]{0,80}", c in "[A-Za-z0-9_.-]{0,40}") {
            let _ = decode_api_key(&format!("IST.{a}.{b}.{c}"));
        }

        #[test]
        fn round_trips_any_ids(acc in "[ -~]{0,40}", id in "[ -~]{0,40}", iat in any::<i64>()) {
            let claims = decode_api_key(&make_api_key(&acc, &id, iat)).unwrap();
            prop_assert_eq!(claims.account_id, acc);
            prop_assert_eq!(claims.key_id, id);
            prop_assert_eq!(claims.iat, iat);
        }
    }
}
