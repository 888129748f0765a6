//! Request extractors whose rejections use the API's JSON error shape and name the field at fault.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorCode};

/// A JSON request body. Wrong content type, malformed JSON and missing or mistyped fields are 400s
/// naming the field; a body over the limit is 413.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
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
        parse_json(&bytes).map(Json)
    }
}

impl<T, S> axum::extract::OptionalFromRequest<S> for Json<T>
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

/// Parses JSON, turning errors into 400s that name the failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::bad_request(
                ErrorCode::InvalidJson,
                format!("The request body is not valid JSON: {inner}"),
            );
        }
        let message = strip_position(&inner.to_string());
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
    })?;
    de.end().map_err(|e| {
        AppError::bad_request(
            ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
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

    use super::Json;

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
                post(|Json(_): Json<Login>| async { StatusCode::NO_CONTENT }),
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
    async fn oversized_body_is_413_json() {
        let big = format!(r#"{{"username":"{}","password":"b"}}"#, "x".repeat(4096));
        let (status, body) = call(Some("application/json"), &big, 1024).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["error"]["code"], "payload_too_large");
    }
}
