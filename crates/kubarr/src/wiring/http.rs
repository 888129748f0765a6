//! Calls to the apps' own APIs, over the gateway's HTTP client: its dialer refuses link-local and
//! metadata addresses (and, with `gateway.loopback_only`, everything but loopback), every call
//! has a deadline, and redirects are never followed.
//!
//! Within one reconcile pass ([`PassReads::scope`]) a JSON `GET` is made once: several links read
//! the same list or health of one app, and a steady pass should cost each app one read of each.
//! Any write drops every cached answer, because a write to one app can change another (an arr's
//! test creates a category in the download client; Prowlarr's sync writes into the arrs). The
//! download clients read by POST (JSON-RPC, form logins, see [`AppApi::reads_by_post`]); the
//! reconciler drops the cache before it applies any link, which covers their writes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use serde_json::Value;

use crate::gateway::dial::Dialer;

/// How long one call to an app may take, start to end.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a response Kubarr reads.
const RESPONSE_LIMIT: usize = 4 << 20;

/// Why a call to an app failed. Messages never hold a secret of the request.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("cannot reach {0}")]
    Unreachable(String),
    #[error("{0} did not answer within {secs} s", secs = CALL_TIMEOUT.as_secs())]
    Timeout(String),
    /// The app answered with an error status; `body` is its answer (JSON when it sent JSON).
    #[error("{status}")]
    Status { status: StatusCode, body: Value },
}

/// One app's API at `base` (`http://host:port`), with the headers every call carries.
pub struct AppApi<'a> {
    client: &'a Client<Dialer, Body>,
    base: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The app's POSTs are mostly reads: they leave the pass's cached reads alone.
    reads_by_post: bool,
}

/// The successful `GET` answers of one pass, by URL.
#[derive(Default)]
pub struct PassReads {
    answers: Mutex<HashMap<String, Answer>>,
}

tokio::task_local! {
    static PASS_READS: PassReads;
}

impl PassReads {
    /// Runs `work` with its own cache of reads.
    pub async fn scope<F: std::future::Future>(work: F) -> F::Output {
        PASS_READS.scope(PassReads::default(), work).await
    }

    fn get(url: &str) -> Option<Answer> {
        PASS_READS
            .try_with(|reads| reads.answers.lock().ok()?.get(url).cloned())
            .ok()
            .flatten()
    }

    fn keep(url: &str, answer: &Answer) {
        let _ = PASS_READS.try_with(|reads| {
            if let Ok(mut answers) = reads.answers.lock() {
                answers.insert(url.to_owned(), answer.clone());
            }
        });
    }

    pub fn forget_all() {
        let _ = PASS_READS.try_with(|reads| {
            if let Ok(mut answers) = reads.answers.lock() {
                answers.clear();
            }
        });
    }
}

/// A successful answer.
#[derive(Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl<'a> AppApi<'a> {
    pub fn new(client: &'a Client<Dialer, Body>, base: impl Into<String>) -> Self {
        Self {
            client,
            base: base.into().trim_end_matches('/').to_owned(),
            headers: Vec::new(),
            reads_by_post: false,
        }
    }

    /// The API of an app that takes its key in `X-Api-Key` (Seerr, Bazarr, the Servarr apps).
    pub fn with_api_key(client: &'a Client<Dialer, Body>, base: &str, key: &str) -> Self {
        Self::new(client, base).with_header(HeaderName::from_static("x-api-key"), key)
    }

    /// Adds a header to every call (a value that is not a valid header is left out).
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(mut v) = HeaderValue::from_str(value) {
            v.set_sensitive(true);
            self.headers.push((name, v));
        }
        self
    }

    /// For an app whose reads are POSTs (JSON-RPC, form logins): its calls do not drop the
    /// pass's cached reads.
    pub fn reads_by_post(mut self) -> Self {
        self.reads_by_post = true;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> Result<Value, CallError> {
        Ok(self.call(Method::GET, path, None).await?.body)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, CallError> {
        Ok(self.call(Method::POST, path, Some(body)).await?.body)
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, CallError> {
        Ok(self.call(Method::PUT, path, Some(body)).await?.body)
    }

    pub async fn delete(&self, path: &str) -> Result<(), CallError> {
        self.call(Method::DELETE, path, None).await.map(|_| ())
    }

    /// A JSON call; a non-2xx status is [`CallError::Status`].
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, CallError> {
        let (content_type, bytes) = match body {
            Some(v) => ("application/json", v.to_string().into_bytes()),
            None => ("", Vec::new()),
        };
        let read = method == Method::GET && body.is_none();
        let url = format!("{}{path}", self.base);
        if read {
            if let Some(answer) = PassReads::get(&url) {
                return Ok(answer);
            }
        }
        let answer = self.raw(method, path, content_type, bytes, &[]).await?;
        if read {
            PassReads::keep(&url, &answer);
        }
        Ok(answer)
    }

    /// A call with a body of any type and extra headers (forms, cookies).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        extra: &[(HeaderName, String)],
    ) -> Result<Answer, CallError> {
        if !self.reads_by_post && method != Method::GET && method != Method::HEAD {
            PassReads::forget_all();
        }
        let url = format!("{}{path}", self.base);
        let mut req = Request::builder()
            .method(method)
            .uri(&url)
            .header(header::ACCEPT, "application/json");
        if !content_type.is_empty() {
            req = req.header(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in &self.headers {
            req = req.header(name, value);
        }
        for (name, value) in extra {
            req = req.header(name, value);
        }
        let req = req
            .body(Body::from(body))
            .map_err(|_| CallError::Unreachable(self.base.clone()))?;
        let send = async {
            let res = self
                .client
                .request(req)
                .await
                .map_err(|_| CallError::Unreachable(self.base.clone()))?;
            let (parts, body) = res.into_parts();
            let bytes = to_bytes(Body::new(body), RESPONSE_LIMIT)
                .await
                .map_err(|_| CallError::Unreachable(self.base.clone()))?;
            Ok::<_, CallError>((parts, bytes))
        };
        let (parts, bytes) = tokio::time::timeout(CALL_TIMEOUT, send)
            .await
            .map_err(|_| CallError::Timeout(self.base.clone()))??;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        if !parts.status.is_success() {
            return Err(CallError::Status {
                status: parts.status,
                body,
            });
        }
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}

/// `message` with every secret in `secrets` replaced (an app may echo what it was sent).
pub fn scrub(message: &str, secrets: &[&str]) -> String {
    let mut out = message.to_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(*s, "********");
    }
    out
}
