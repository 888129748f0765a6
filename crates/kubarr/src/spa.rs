//! Serves the built single-page app from the web directory.
//!
//! Existing files are served as they are; any other path without a file extension gets
//! `index.html` so that client-side routes survive a reload. Vite's hashed files under `/assets/`
//! are cached for a year; everything else, `index.html` above all, must be revalidated.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

pub async fn serve(web_dir: PathBuf, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let index = web_dir.join("index.html");
    if !index.is_file() {
        return missing_build(&web_dir);
    }
    let path = req.uri().path().to_owned();
    let wants_file = Path::new(&path).extension().is_some();
    let (parts, body) = req.into_parts();
    let dir_req = Request::from_parts(parts.clone(), body);
    let response = match ServeDir::new(&web_dir)
        .append_index_html_on_directories(false)
        .oneshot(dir_req)
        .await
    {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    let mut response = if response.status() == StatusCode::NOT_FOUND && !wants_file {
        let index_req = Request::from_parts(parts, Body::empty());
        match ServeFile::new(&index).oneshot(index_req).await {
            Ok(r) => r.map(Body::new),
            Err(never) => match never {},
        }
    } else {
        response
    };
    let cache = if path.starts_with("/assets/") && response.status().is_success() {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn missing_build(web_dir: &Path) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kubarr</title></head>\
         <body style=\"font-family:sans-serif;max-width:40rem;margin:4rem auto\">\
         <h1>Kubarr is running</h1><p>The web interface has not been built yet (no \
         <code>index.html</code> in <code>{}</code>).</p><p>Build it with <code>make web</code> \
         (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), or run \
         <code>make run</code>, which builds it for you. The API is available under \
         <code>/api</code>.</p></body></html>",
        html_escape(&web_dir.display().to_string())
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    response
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
