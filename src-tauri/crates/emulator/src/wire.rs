//! Small pieces of Wix's wire format shared by the routes: dates, JSON request parsing with
//! Wix-shaped field violations, query strings with repeated keys, and opaque cursors.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::{FieldViolation, WixError, WixResult};

/// `2024-12-01T10:20:30.123Z`, as Wix writes dates.
pub fn date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses a JSON object body; an empty body counts as `{}`.
pub fn json_object(body: &[u8]) -> WixResult<Map<String, Value>> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(WixError::invalid(
            "$",
            "request body must be a JSON object",
            "FORMAT",
        )),
        Err(e) => Err(WixError::invalid(
            "$",
            format!("malformed JSON: {e}"),
            "FORMAT",
        )),
    }
}

/// Reads typed fields out of a JSON object, collecting every violation at once.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
    pub violations: Vec<FieldViolation>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, prefix: &'a str) -> Self {
        Fields {
            map,
            prefix,
            violations: Vec::new(),
        }
    }

    fn violate(&mut self, name: &str, description: &str, rule: &'static str) {
        self.violations.push(FieldViolation {
            field: format!("{}{}", self.prefix, name),
            description: description.to_owned(),
            rule,
        });
    }

    pub fn string(&mut self, name: &str, max_len: usize) -> Option<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.chars().count() > max_len => {
                self.violate(
                    name,
                    &format!("must be at most {max_len} characters"),
                    "MAX_LENGTH",
                );
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.violate(name, "must be a string", "FORMAT");
                None
            }
        }
    }

    pub fn required_string(&mut self, name: &str, max_len: usize) -> Option<String> {
        let value = self.string(name, max_len);
        if matches!(self.map.get(name), None | Some(Value::Null)) || value.as_deref() == Some("") {
            self.violate(name, "is required", "REQUIRED_FIELD");
            return None;
        }
        value
    }

    pub fn bool(&mut self, name: &str) -> Option<bool> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.violate(name, "must be a boolean", "FORMAT");
                None
            }
        }
    }

    /// An int64: proto3 JSON sends it as a string, but a number is accepted too.
    pub fn int64(&mut self, name: &str) -> Option<i64> {
        let parsed = match self.map.get(name) {
            None | Some(Value::Null) => return None,
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(Value::Number(n)) => n.as_i64(),
            Some(_) => None,
        };
        if parsed.is_none() {
            self.violate(name, "must be an int64 (a decimal string)", "FORMAT");
        }
        parsed
    }

    pub fn strings(&mut self, name: &str, max_items: usize, max_len: usize) -> Vec<String> {
        let items = match self.map.get(name) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.violate(name, "must be an array of strings", "FORMAT");
                return Vec::new();
            }
        };
        if items.len() > max_items {
            self.violate(
                name,
                &format!("must have at most {max_items} items"),
                "MAX_SIZE",
            );
        }
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::String(s) if s.chars().count() <= max_len => out.push(s.clone()),
                Value::String(_) => self.violate(
                    name,
                    &format!("items must be at most {max_len} characters"),
                    "MAX_LENGTH",
                ),
                _ => self.violate(name, "must be an array of strings", "FORMAT"),
            }
        }
        out
    }

    pub fn object(&mut self, name: &str) -> Option<&'a Map<String, Value>> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.violate(name, "must be an object", "FORMAT");
                None
            }
        }
    }

    pub fn finish(self) -> WixResult<()> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(WixError::violations(self.violations))
        }
    }
}

/// Query-string pairs, keeping repeated keys (`mediaTypes=IMAGE&mediaTypes=VIDEO`).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub fn query_get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// An opaque cursor: the query it continues, base64url-encoded JSON.
pub fn encode_cursor<T: Serialize>(state: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(state).unwrap_or_default())
}

pub fn decode_cursor<T: DeserializeOwned>(cursor: &str, field: &str) -> WixResult<T> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| WixError::invalid(field, "invalid cursor", "FORMAT"))
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A cursor issued at `issued` (unix ms) is refused once the store's cursor lifetime has
/// passed: 400 on `paging.cursor`, as an invalid cursor is.
pub fn check_fresh(state: &crate::state::Shared, issued: i64) -> WixResult<()> {
    let ttl = state.store().cursor_ttl;
    match ttl {
        Some(ttl) if issued > 0 && now_ms() - issued > ttl.as_millis() as i64 => Err(
            WixError::invalid("paging.cursor", "cursor expired", "EXPIRED_CURSOR"),
        ),
        _ => Ok(()),
    }
}

/// A paging limit: default when absent, clamped to `1..=max`.
pub fn limit(raw: Option<i64>, default: usize, max: usize) -> usize {
    match raw {
        None => default,
        Some(n) => (n.max(1) as usize).min(max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_shape() {
        let t = time::macros::datetime!(2024-12-01 10:20:30.123 UTC);
        assert_eq!(date(t), "2024-12-01T10:20:30.123Z");
    }

    #[test]
    fn violations_collected() {
        let map = json_object(br#"{"a": 1, "b": "x"}"#).unwrap();
        let mut f = Fields::new(&map, "");
        assert_eq!(f.string("a", 10), None);
        assert_eq!(f.required_string("c", 10), None);
        assert_eq!(f.int64("b"), None);
        assert_eq!(f.violations.len(), 3);
    }

    #[test]
    fn bad_json() {
        assert!(json_object(b"{").is_err());
        assert!(json_object(b"[]").is_err());
        assert!(json_object(b"  ").unwrap().is_empty());
    }
}
