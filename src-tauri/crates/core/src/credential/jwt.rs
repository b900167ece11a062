//! Decode the `header.payload.signature` part of a token, offline and without verifying it.
//!
//! We only need to *read* the claims and to notice a token that was cut off. A cut-off token
//! shows up as too few segments, a docs-style `...`/`…`, a segment that no longer decodes, or a
//! signature shorter than its algorithm always produces (RSA: at least 256 bytes; HMAC-SHA256:
//! 32), which catches a key missing even its last character.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// base64url, padding optional (JWTs omit it; some copies add it).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub(super) type Object = Map<String, Value>;

/// What could be read from a JWS body, and what is wrong with it.
#[derive(Default)]
pub(super) struct Jws {
    pub header: Option<Object>,
    pub payload: Option<Object>,
    /// Three segments, header and payload decode, signature plausible.
    pub complete: bool,
    pub truncated: bool,
    pub malformed: bool,
}

impl Jws {
    pub fn header_str(&self, key: &str) -> Option<&str> {
        self.header.as_ref()?.get(key)?.as_str()
    }

    /// The payload's `data` claim: a JSON string holding JSON (or, for refresh tokens, a bare id).
    pub fn data(&self) -> Data {
        match self.payload.as_ref().and_then(|p| p.get("data")) {
            Some(Value::Object(o)) => Data::Object(o.clone()),
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(o)) => Data::Object(o),
                Ok(Value::String(_)) => Data::Text,
                Ok(_) => Data::Other,
                Err(_) => Data::Text,
            },
            Some(_) => Data::Other,
            None => Data::Missing,
        }
    }

    /// A numeric-date claim (`iat`, `exp`) as a time, if it is a representable Unix time.
    pub fn time_claim(&self, key: &str) -> Option<OffsetDateTime> {
        unix_time(self.payload.as_ref()?.get(key)?)
    }
}

pub(super) enum Data {
    Object(Object),
    Text,
    Other,
    Missing,
}

/// Parse `body` (the token without its `IST.`/`JWS.` prefix).
pub(super) fn parse(body: &str) -> Jws {
    let mut jws = Jws::default();
    let body = match ellipsis_at(body) {
        Some(i) => {
            jws.truncated = true;
            &body[..i]
        }
        None => body,
    };
    let segments: Vec<&str> = body.split('.').collect();
    match segments.len() {
        0..=2 => jws.truncated = true,
        3 => {}
        _ => jws.malformed = true,
    }

    jws.header = segments.first().and_then(|s| decode_object(s));
    jws.payload = segments.get(1).and_then(|s| decode_object(s));
    for (segment, decoded) in segments
        .iter()
        .zip([jws.header.is_some(), jws.payload.is_some()])
    {
        if !decoded {
            note_bad_segment(&mut jws, segment);
        }
    }

    let signature_ok = match segments.get(2) {
        // With extra segments the third one is not a whole signature; `malformed` says it all.
        _ if segments.len() > 3 => false,
        None => false,
        Some(sig) if !is_b64url(sig) => {
            note_bad_segment(&mut jws, sig);
            false
        }
        Some(sig) => match B64URL.decode(sig) {
            Ok(bytes) if bytes.len() >= min_signature_len(jws.header_str("alg")) => true,
            _ => {
                jws.truncated = true;
                false
            }
        },
    };
    jws.complete = segments.len() == 3
        && jws.header.is_some()
        && jws.payload.is_some()
        && signature_ok
        && !jws.truncated
        && !jws.malformed;
    jws
}

/// Does `text` look like a bare JWT (`eyJ….eyJ….…`) with a JSON header naming an algorithm?
pub(super) fn looks_like_jwt(text: &str) -> bool {
    let mut parts = text.split('.');
    let header = parts.next().unwrap_or("");
    header.starts_with("eyJ")
        && parts.next().is_some_and(|p| p.starts_with("eyJ"))
        && decode_object(header).is_some_and(|h| h.contains_key("alg"))
}

/// An empty or undecodable segment is a cut-off one, unless it holds characters no
/// base64url text contains.
fn note_bad_segment(jws: &mut Jws, segment: &str) {
    if is_b64url(segment) {
        jws.truncated = true;
    } else {
        jws.malformed = true;
    }
}

/// A base64url segment holding a JSON object (for tokens that are not three-part JWS).
pub(super) fn decode_segment(segment: &str) -> Option<Object> {
    decode_object(segment)
}

/// The bytes of a base64url segment.
pub(super) fn decode_bytes(segment: &str) -> Option<Vec<u8>> {
    B64URL.decode(segment).ok()
}

fn decode_object(segment: &str) -> Option<Object> {
    let bytes = B64URL.decode(segment).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

fn is_b64url(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
}

/// The shortest signature each algorithm family produces (in bytes). RSA below 2048 bits is not
/// used by Wix or accepted by modern libraries; unknown algorithms only need a signature at all.
fn min_signature_len(alg: Option<&str>) -> usize {
    match alg {
        Some(a) if a.starts_with("RS") || a.starts_with("PS") => 256,
        Some("HS256") => 32,
        Some("HS384") => 48,
        Some("HS512") => 64,
        Some("ES256") => 64,
        _ => 1,
    }
}

/// Byte index of a `...` or `…` (docs-style elision), which no token contains.
fn ellipsis_at(text: &str) -> Option<usize> {
    [text.find("..."), text.find('…')]
        .into_iter()
        .flatten()
        .min()
}

fn unix_time(v: &Value) -> Option<OffsetDateTime> {
    let secs = match v.as_i64() {
        Some(s) => s,
        None => {
            let f = v.as_f64()?;
            if !f.is_finite() || f.abs() > 1e15 {
                return None;
            }
            f.trunc() as i64
        }
    };
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_survives_odd_numbers() {
        assert!(unix_time(&serde_json::json!(i64::MAX)).is_none());
        assert!(unix_time(&serde_json::json!(-1e300)).is_none());
        assert!(unix_time(&serde_json::json!("1700000000")).is_none());
        assert_eq!(
            unix_time(&serde_json::json!(1.7e9)).map(|t| t.unix_timestamp()),
            Some(1_700_000_000)
        );
    }

    #[test]
    fn ellipsis_and_segments() {
        assert!(parse("abc...").truncated);
        assert!(parse("abc…").truncated);
        assert!(parse("a.b").truncated);
        assert!(parse("a.b.c.d").malformed);
        assert!(parse("a!.b.c").malformed);
    }
}
