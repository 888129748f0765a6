//! Request extractors whose rejections use the API's JSON error shape and name the field at fault.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorCode};

/// A JSON request body (responses use `axum::Json`). Wrong content type, malformed JSON and missing or mistyped fields are 400s
/// naming the field; a body over the limit is 413.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(AppError::bad_request(
                ErrorCode::InvalidContentType,
                "The request body must be JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(JsonBody)
    }
}

impl<T, S> axum::extract::OptionalFromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    /// An absent body (no content type, nothing or only white space sent) is `None`.
    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        if req.headers().get(CONTENT_TYPE).is_some() {
            return <Self as FromRequest<S>>::from_request(req, state)
                .await
                .map(Some);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            Err(AppError::bad_request(
                ErrorCode::InvalidContentType,
                "The request body must be JSON (Content-Type: application/json).",
            ))
        }
    }
}

/// Parses a JSON object body, turning errors into 400s that name the failing field.
///
/// A number without a fractional part counts as an integer (`72.0` is `72`), as JSON Schema
/// has it: the OpenAPI document says `integer`, and a client that writes `72.0` means 72. Any
/// other top-level value than an object is refused (serde would otherwise read an array into a
/// struct field by field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        AppError::bad_request(
            ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidJson,
            "The request body must be a JSON object.",
        ));
    }
    integral_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = strip_position(&err.into_inner().to_string());
        // serde reports a missing field on its parent; name the field itself.
        let field = match missing_field_name(&message) {
            Some(name) if path == "." || path.is_empty() => name.to_owned(),
            Some(name) => format!("{path}.{name}"),
            None => path,
        };
        AppError::validation(
            field.clone(),
            format!("Invalid value for `{field}`: {message}."),
        )
    })
}

/// Rewrites every float with an integral value that fits an `i64` or `u64` as that integer.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return };
            if f.fract() != 0.0 {
                return;
            }
            // `as` saturates; the round trip tells whether the value fitted.
            if (f as i64) as f64 == f && f >= i64::MIN as f64 && f < i64::MAX as f64 {
                *value = Value::from(f as i64);
            } else if f >= 0.0 && (f as u64) as f64 == f && f < u64::MAX as f64 {
                *value = Value::from(f as u64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn body_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "The request body is too large.",
        )
    } else {
        AppError::bad_request(
            ErrorCode::InvalidBody,
            "The request body could not be read.",
        )
    }
}

/// Query-string parameters; a bad parameter is a 400 naming it.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                let field = match missing_field_name(&message) {
                    Some(name) => name.to_owned(),
                    None => path,
                };
                AppError::validation(
                    field.clone(),
                    format!("Invalid query parameter `{field}`: {message}."),
                )
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// Path parameters; a bad one is a 400 (or 404 for a malformed id).
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| {
                AppError::not_found(ErrorCode::NotFound, "The requested item does not exist.")
            })
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::post;
    use axum::Router;
    use http_body_util::BodyExt;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::JsonBody;

    #[derive(Deserialize)]
    #[expect(dead_code, reason = "only deserialised")]
    struct Login {
        username: String,
        password: String,
        options: Option<Options>,
    }

    #[derive(Deserialize)]
    #[expect(dead_code, reason = "only deserialised")]
    struct Options {
        remember: bool,
    }

    async fn call(
        content_type: Option<&str>,
        body: &str,
        limit: usize,
    ) -> (StatusCode, serde_json::Value) {
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::config::Config::for_tests("sqlite::memory:", dir.path().into());
        config.http.body_limit_bytes = limit;
        config.http.request_timeout_secs = 5;
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let key = crate::secret_key::SecretKey::from_material(
            config.secret_key.as_ref().unwrap().expose(),
        );
        let state = crate::state::AppState::new(config, db, key);
        let app = crate::middleware::apply(
            Router::new().route(
                "/api/echo",
                post(|JsonBody(_): JsonBody<Login>| async { StatusCode::NO_CONTENT }),
            ),
            &state,
        );
        let mut req = Request::post("/api/echo");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = app
            .oneshot(req.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap()
            .into_response();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    #[tokio::test]
    async fn good_json_passes() {
        let (status, _) = call(
            Some("application/json"),
            r#"{"username":"a","password":"b"}"#,
            1024,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }

    #[tokio::test]
    async fn malformed_json_is_400_invalid_json() {
        let (status, body) = call(Some("application/json"), r#"{"username": "#, 1024).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "invalid_json");
        let (status, body) = call(
            Some("application/json"),
            r#"{"username":"a","password":"b"} trailing"#,
            1024,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "invalid_json");
    }

    #[tokio::test]
    async fn missing_and_mistyped_fields_are_named() {
        let (status, body) = call(Some("application/json"), r#"{"username":"a"}"#, 1024).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], "password");
        let (_, body) = call(
            Some("application/json"),
            r#"{"username":"a","password":5}"#,
            1024,
        )
        .await;
        assert_eq!(body["error"]["field"], "password");
        let (_, body) = call(
            Some("application/json"),
            r#"{"username":"a","password":"b","options":{"remember":"yes"}}"#,
            1024,
        )
        .await;
        assert_eq!(body["error"]["field"], "options.remember");
        let (_, body) = call(
            Some("application/json"),
            r#"{"username":"a","password":"b","options":{}}"#,
            1024,
        )
        .await;
        assert_eq!(body["error"]["field"], "options.remember");
    }

    #[tokio::test]
    async fn wrong_content_type_is_400() {
        for ct in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let (status, body) = call(ct, r#"{"username":"a","password":"b"}"#, 1024).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{ct:?}");
            assert_eq!(body["error"]["code"], "invalid_content_type");
        }
        let (status, _) = call(
            Some("application/json; charset=utf-8"),
            r#"{"username":"a","password":"b"}"#,
            1024,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }

    #[tokio::test]
    async fn only_objects_are_bodies_and_integral_floats_are_integers() {
        for body in [r#"["a","b"]"#, "null", "5", r#""x""#] {
            let (status, res) = call(Some("application/json"), body, 1024).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(res["error"]["code"], "invalid_json", "{body}");
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Hours {
            hours: u32,
            ids: Vec<i64>,
        }
        let parsed: Hours = super::parse_json(br#"{"hours": 72.0, "ids": [1, -2.0]}"#).unwrap();
        assert_eq!(
            parsed,
            Hours {
                hours: 72,
                ids: vec![1, -2]
            }
        );
        let err = super::parse_json::<Hours>(br#"{"hours": 72.5, "ids": []}"#).unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        let err = super::parse_json::<Hours>(br#"{"hours": 1e300, "ids": []}"#).unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn oversized_body_is_413_json() {
        let big = format!(r#"{{"username":"{}","password":"b"}}"#, "x".repeat(4096));
        let (status, body) = call(Some("application/json"), &big, 1024).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["error"]["code"], "payload_too_large");
    }
}
