//! Cursor pagination shared by the growing lists (`?limit=&cursor=` → `{items, next_cursor}`).
//!
//! Cursors are opaque to clients: base64url of the position of the last item returned.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> AppResult<u64> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(l) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
            Some(_) => Err(AppError::validation(
                "limit",
                format!("`limit` must be between 1 and {MAX_LIMIT}."),
            )),
        }
    }
}

fn bad_cursor() -> AppError {
    AppError::validation("cursor", "The cursor is not valid.")
}

/// Encodes an id position.
pub fn encode_id(id: i64) -> String {
    B64URL.encode(format!("i:{id}"))
}

/// Decodes an id position.
pub fn decode_id(cursor: &str) -> AppResult<i64> {
    let raw = decode(cursor)?;
    raw.strip_prefix("i:")
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad_cursor)
}

/// Encodes a `(time, key)` position.
pub fn encode_time<K: std::fmt::Display>(at: DateTime<Utc>, key: K) -> String {
    B64URL.encode(format!(
        "t:{}:{key}",
        at.timestamp_nanos_opt().unwrap_or(i64::MAX)
    ))
}

/// Decodes a `(time, key)` position.
pub fn decode_time<K: std::str::FromStr>(cursor: &str) -> AppResult<(DateTime<Utc>, K)> {
    let raw = decode(cursor)?;
    let rest = raw.strip_prefix("t:").ok_or_else(bad_cursor)?;
    let (nanos, key) = rest.split_once(':').ok_or_else(bad_cursor)?;
    let nanos: i64 = nanos.parse().map_err(|_| bad_cursor())?;
    let key = key.parse().map_err(|_| bad_cursor())?;
    Ok((DateTime::from_timestamp_nanos(nanos), key))
}

fn decode(cursor: &str) -> AppResult<String> {
    if cursor.len() > 200 {
        return Err(bad_cursor());
    }
    B64URL
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad_cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(decode_id(&encode_id(42)).unwrap(), 42);
        let at = Utc::now();
        let (t, id): (DateTime<Utc>, i64) = decode_time(&encode_time(at, 7)).unwrap();
        assert_eq!((t, id), (at, 7));
        assert!(decode_id("!!").is_err());
        assert!(decode_id(&encode_time(at, 1)).is_err());
    }
}
