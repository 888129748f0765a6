//! Cursor pagination shared by the growing lists (`?limit=&cursor=` → `{items, next_cursor}`).
//!
//! Cursors are opaque to clients: base64url of the position of the last item returned.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page (empty: the first page).
    pub cursor: Option<String>,
}

/// A page of a growing list.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page from `limit + 1` fetched rows: the first `limit`, and the cursor of the last of
    /// them when more follow.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: u64,
        cursor_at: impl Fn(&R) -> String,
        item: impl FnMut(R) -> T,
    ) -> Self {
        let next_cursor = truncate(&mut rows, limit, cursor_at);
        Self {
            items: rows.into_iter().map(item).collect(),
            next_cursor,
        }
    }
}

/// Keeps the first `limit` of `limit + 1` fetched rows; returns the cursor of the last kept one
/// when a row was dropped (more follow).
pub fn truncate<R>(
    rows: &mut Vec<R>,
    limit: u64,
    cursor_at: impl Fn(&R) -> String,
) -> Option<String> {
    if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(cursor_at)
    } else {
        None
    }
}

impl PageParams {
    /// The cursor, if any (empty counts as none).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|c| !c.is_empty())
    }

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
