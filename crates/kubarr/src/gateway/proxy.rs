//! Forwarding one request to an app: streamed both ways, never buffered.
//!
//! Written on hyper-util's pooled client rather than a reverse-proxy crate: the gateway needs
//! exact control over every header in both directions, upgrades, and an address policy on the
//! connector, and the crates on offer either buffer bodies or own the header handling.
//! Bodies (including `Range` requests and their 206 answers) pass through as they come; the
//! only timeouts are connecting and waiting for the response headers.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode, Uri, Version};

use super::headers::{self, Forwarding};
use super::tunnel::{self, Revocation};
use super::{Gateway, RESPONSE_HEADER_TIMEOUT};

/// Whether the request asks to switch protocols (WebSocket).
pub fn wants_upgrade(req: &Request<Body>) -> bool {
    let connection_upgrade = req
        .headers()
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("upgrade"));
    connection_upgrade && req.headers().contains_key(header::UPGRADE)
}

/// Sends `req` to `upstream` (`host:port`) and streams the answer back. An upgrade is tunnelled
/// until either side closes or `revocation` fires.
pub async fn forward(
    gateway: &Gateway,
    upstream: &str,
    mut req: Request<Body>,
    forwarding: Forwarding<'_>,
    revocation: Revocation,
) -> Response<Body> {
    let upgrade = wants_upgrade(&req).then(|| {
        let protocol = req.headers().get(header::UPGRADE).cloned();
        (hyper::upgrade::on(&mut req), protocol)
    });
    let (mut parts, body) = req.into_parts();
    headers::to_upstream(&mut parts.headers, &forwarding);
    if let Some((_, Some(protocol))) = &upgrade {
        parts
            .headers
            .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        parts.headers.insert(header::UPGRADE, protocol.clone());
    }
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    parts.uri = match format!("http://{upstream}{path}").parse::<Uri>() {
        Ok(uri) => uri,
        Err(_) => return error_page(StatusCode::BAD_REQUEST, "The request's path is not valid."),
    };
    parts.version = Version::HTTP_11;
    let request = Request::from_parts(parts, body);
    let answer =
        tokio::time::timeout(RESPONSE_HEADER_TIMEOUT, gateway.client.request(request)).await;
    let mut response = match answer {
        Err(_) => {
            return error_page(
                StatusCode::GATEWAY_TIMEOUT,
                "The app did not answer in time. It may still be starting.",
            )
        }
        Ok(Err(e)) => {
            tracing::info!(upstream, error = %e, "the gateway could not reach an app");
            return error_page(
                StatusCode::BAD_GATEWAY,
                "The app cannot be reached right now. It may be starting or stopped; check its status in Kubarr.",
            );
        }
        Ok(Ok(r)) => r,
    };
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        let Some((client_side, _)) = upgrade else {
            return error_page(
                StatusCode::BAD_GATEWAY,
                "The app switched protocols unasked.",
            );
        };
        let upstream_side = hyper::upgrade::on(&mut response);
        tokio::spawn(tunnel::run(client_side, upstream_side, revocation));
        let (mut parts, _) = response.into_parts();
        let protocol = parts.headers.get(header::UPGRADE).cloned();
        headers::to_browser(&mut parts.headers, upstream);
        parts
            .headers
            .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        if let Some(protocol) = protocol {
            parts.headers.insert(header::UPGRADE, protocol);
        }
        return Response::from_parts(parts, Body::empty());
    }
    let (mut parts, body) = response.into_parts();
    headers::to_browser(&mut parts.headers, upstream);
    Response::from_parts(parts, Body::new(tunnel::until_revoked(body, revocation)))
}

/// A small HTML page for gateway errors (the browser shows it on the app's origin).
pub fn error_page(status: StatusCode, message: &str) -> Response<Body> {
    let title = status.canonical_reason().unwrap_or("Error");
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"viewport\" content=\"width=device-width\"></head>\
<body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem\">\
<h1 style=\"font-size:1.25rem\">{title}</h1><p>{}</p></body></html>",
        escape(message)
    );
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        )
        .body(Body::from(html))
        .expect("static parts")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
