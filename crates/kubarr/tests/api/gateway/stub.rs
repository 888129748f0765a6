//! An in-process upstream on 127.0.0.1 for what the download clients cannot show: a header
//! echo, a large `Range`-capable download generated on the fly, a slow chunked response, app
//! cookies that collide with Kubarr's, a redirect to its own internal address, and a
//! WebSocket-style upgrade (on a SignalR-like path) that echoes raw bytes.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// Bytes served by `/big` (1 GiB); byte `i` is `i % 251`, so any slice can be checked.
pub const BIG: u64 = 1 << 30;

pub fn byte_at(i: u64) -> u8 {
    (i % 251) as u8
}

pub struct Stub {
    pub address: SocketAddr,
    /// Lets `/slow` finish.
    pub release_slow: Arc<Notify>,
}

#[derive(Clone)]
struct S {
    address: SocketAddr,
    release_slow: Arc<Notify>,
}

impl Stub {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let release_slow = Arc::new(Notify::new());
        let state = S {
            address,
            release_slow: release_slow.clone(),
        };
        let app = Router::new()
            .route("/echo", get(echo).post(echo))
            .route("/big", get(big))
            .route("/slow", get(slow))
            .route("/cookies", get(cookies))
            .route("/redirect", get(redirect))
            .route("/signalr/messages", get(upgrade))
            .with_state(state);
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            address,
            release_slow,
        }
    }

    pub fn upstream(&self) -> String {
        self.address.to_string()
    }
}

/// The request's method, path and headers (every value of every name) as JSON.
async fn echo(req: Request) -> Json<serde_json::Value> {
    let mut headers = serde_json::Map::new();
    for (name, value) in req.headers() {
        let list = headers
            .entry(name.as_str().to_owned())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        list.as_array_mut().unwrap().push(
            String::from_utf8_lossy(value.as_bytes())
                .into_owned()
                .into(),
        );
    }
    Json(serde_json::json!({
        "method": req.method().as_str(),
        "uri": req.uri().to_string(),
        "headers": headers,
    }))
}

/// [`BIG`] bytes, honouring one `Range: bytes=a-b` / `bytes=a-`, streamed in 64 KiB chunks.
async fn big(headers: HeaderMap) -> Response {
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .map(|(a, b)| {
            let start: u64 = a.parse().unwrap();
            let end: u64 = if b.is_empty() {
                BIG - 1
            } else {
                b.parse().unwrap()
            };
            (start, end.min(BIG - 1))
        });
    let (start, end, status) = match range {
        Some((a, b)) => (a, b, StatusCode::PARTIAL_CONTENT),
        None => (0, BIG - 1, StatusCode::OK),
    };
    let stream = futures::stream::unfold(start, move |pos| async move {
        if pos > end {
            return None;
        }
        let n = (end - pos + 1).min(64 * 1024);
        let chunk: Vec<u8> = (pos..pos + n).map(byte_at).collect();
        Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), pos + n))
    });
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{end}/{BIG}")).unwrap(),
        );
    }
    r
}

/// Sends `first\n` at once, then `last\n` only once the test releases it.
async fn slow(State(s): State<S>) -> Response {
    let release = s.release_slow.clone();
    let stream = futures::stream::unfold(0u8, move |step| {
        let release = release.clone();
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(Bytes::from_static(b"first\n")), 1)),
                1 => {
                    release.notified().await;
                    Some((Ok(Bytes::from_static(b"last\n")), 2))
                }
                _ => None,
            }
        }
    });
    Response::new(Body::from_stream(stream))
}

/// An app's cookie plus three it must not be allowed to set.
async fn cookies() -> Response {
    let mut r = "cookies".into_response();
    let h = r.headers_mut();
    for c in [
        "app_sid=1; Path=/; HttpOnly",
        "kubarr_session=planted; Path=/",
        "kubarr_app_stub=planted; Path=/",
        "wide=1; Domain=apps.test; Path=/",
    ] {
        h.append(header::SET_COOKIE, HeaderValue::from_static(c));
    }
    r
}

/// Redirects to its own internal address, as apps behind a proxy often do.
async fn redirect(State(s): State<S>) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("http://{}/landed?x=1", s.address))],
    )
        .into_response()
}

/// Switches protocols, then echoes every byte back (a stand-in for a WebSocket peer: the
/// gateway tunnels bytes and never looks inside frames).
async fn upgrade(mut req: Request) -> Response {
    let wants = req
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if !wants {
        return (StatusCode::BAD_REQUEST, "upgrade required").into_response();
    }
    let on = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(upgraded) = on.await else { return };
        let mut io = TokioIo::new(upgraded);
        let mut buf = [0u8; 4096];
        loop {
            match io.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if io.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header("sec-websocket-accept", "stub")
        .body(Body::empty())
        .unwrap()
}
