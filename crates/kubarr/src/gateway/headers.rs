//! What crosses the gateway, in each direction.
//!
//! Towards the app: no Kubarr cookie, no `Authorization`, no identity or forwarding header the
//! client made up (under any spelling: `X-Forwarded-User`, `x_forwarded_user`,
//! `X.Forwarded.User`), and `X-Forwarded-For/Proto/Host` set by the gateway itself.
//! Towards the browser: no `Set-Cookie` that would collide with Kubarr's cookies or reach
//! other hosts (`Domain`), and a `Location` naming the internal upstream made relative.
//! Bodies are never touched.

use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Kubarr's cookie names: the session, and every app cookie.
pub fn is_kubarr_cookie(name: &str) -> bool {
    let name = name.trim();
    let bare = name.strip_prefix("__Host-").unwrap_or(name);
    let bare = bare.strip_prefix("__Secure-").unwrap_or(bare);
    bare.eq_ignore_ascii_case("kubarr_session")
        || bare.len() >= "kubarr_app".len()
            && bare[.."kubarr_app".len()].eq_ignore_ascii_case("kubarr_app")
}

/// Hop-by-hop headers (RFC 9110 §7.6.1): they belong to one connection, never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Header name prefixes and names (normalised: lower case, `_` and `.` as `-`) that carry a
/// client's or a proxy's claims about identity or the route; only the gateway may set them.
const IDENTITY_PREFIXES: &[&str] = &[
    "x-forwarded-",
    "x-original-",
    "x-remote-",
    "x-auth-",
    "x-authentik-",
    "x-webauth-",
    "x-kubarr-",
    "x-envoy-",
];
const IDENTITY_NAMES: &[&str] = &[
    "forwarded",
    "x-forwarded",
    "x-real-ip",
    "x-client-ip",
    "x-cluster-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "remote-user",
    "remote-email",
    "remote-groups",
    "remote-name",
    "x-user",
    "x-username",
    "x-email",
    "x-groups",
    "x-proxy-user",
];

fn normalised(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '_' | '.' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn is_identity_header(name: &str) -> bool {
    let n = normalised(name);
    IDENTITY_NAMES.contains(&n.as_str()) || IDENTITY_PREFIXES.iter().any(|p| n.starts_with(p))
}

/// Removes hop-by-hop headers, including those the `Connection` header names.
pub fn remove_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    for name in HOP_BY_HOP
        .iter()
        .copied()
        .chain(named.iter().map(String::as_str))
    {
        headers.remove(name);
    }
}

/// The request as it is handed to the app.
pub struct Forwarding<'a> {
    /// The upstream's `host:port` (becomes `Host`).
    pub upstream: &'a str,
    /// The client, after the trusted-proxy rules.
    pub client_ip: Option<std::net::IpAddr>,
    /// `http` or `https`, as the browser sees the gateway.
    pub proto: &'a str,
    /// The `Host` the browser sent.
    pub original_host: Option<HeaderValue>,
    /// Credentials the gateway itself presents to the app (never the client's).
    pub authorization: Option<HeaderValue>,
}

/// Rewrites request headers for the app (an upgrade keeps `Connection`/`Upgrade`, re-added by
/// the caller).
pub fn to_upstream(headers: &mut HeaderMap, f: &Forwarding<'_>) {
    remove_hop_by_hop(headers);
    headers.remove(header::AUTHORIZATION);
    headers.remove(header::PROXY_AUTHORIZATION);
    let identity: Vec<HeaderName> = headers
        .keys()
        .filter(|k| is_identity_header(k.as_str()))
        .cloned()
        .collect();
    for name in identity {
        headers.remove(name);
    }
    strip_kubarr_cookies(headers);
    if let Ok(host) = HeaderValue::from_str(f.upstream) {
        headers.insert(header::HOST, host);
    }
    if let Some(ip) = f.client_ip {
        if let Ok(v) = HeaderValue::from_str(&ip.to_string()) {
            headers.insert("x-forwarded-for", v);
        }
    }
    headers.insert(
        "x-forwarded-proto",
        HeaderValue::from_static(if f.proto == "https" { "https" } else { "http" }),
    );
    if let Some(host) = &f.original_host {
        headers.insert("x-forwarded-host", host.clone());
    }
    if let Some(auth) = &f.authorization {
        headers.insert(header::AUTHORIZATION, auth.clone());
    }
}

/// Keeps only the cookies that are not Kubarr's in every `Cookie` header.
fn strip_kubarr_cookies(headers: &mut HeaderMap) {
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !is_kubarr_cookie(pair.split('=').next().unwrap_or("")))
        .map(str::to_owned)
        .collect();
    headers.remove(header::COOKIE);
    if !kept.is_empty() {
        if let Ok(v) = HeaderValue::from_str(&kept.join("; ")) {
            headers.insert(header::COOKIE, v);
        }
    }
}

/// Rewrites response headers for the browser.
pub fn to_browser(headers: &mut HeaderMap, upstream: &str) {
    remove_hop_by_hop(headers);
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|v| v.to_str().is_ok_and(set_cookie_allowed))
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for c in cookies {
        headers.append(header::SET_COOKIE, c);
    }
    if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        if let Some(relative) = relative_location(location, upstream) {
            if let Ok(v) = HeaderValue::from_str(&relative) {
                headers.insert(header::LOCATION, v);
            }
        }
    }
}

/// Whether an app's `Set-Cookie` may reach the browser: not one of Kubarr's names, no `Domain`
/// (a host-only cookie stays on the app's origin).
pub fn set_cookie_allowed(value: &str) -> bool {
    let mut parts = value.split(';');
    let name = parts.next().unwrap_or("").split('=').next().unwrap_or("");
    if name.trim().is_empty() || is_kubarr_cookie(name) {
        return false;
    }
    !parts.any(|attr| {
        attr.split('=')
            .next()
            .is_some_and(|k| k.trim().eq_ignore_ascii_case("domain"))
    })
}

/// A `Location` that names the internal upstream (`http://sonarr.sonarr.svc…:8989/x`), as a
/// relative reference (`/x`); `None` for anything else (relative or another host: left alone).
pub fn relative_location(location: &str, upstream: &str) -> Option<String> {
    let rest = location
        .strip_prefix("http://")
        .or_else(|| location.strip_prefix("https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let upstream_host = upstream.rsplit_once(':').map_or(upstream, |(h, _)| h);
    let same =
        authority.eq_ignore_ascii_case(upstream) || authority.eq_ignore_ascii_case(upstream_host);
    if !same {
        return None;
    }
    Some(if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_headers_are_dropped_in_every_spelling() {
        let mut h = HeaderMap::new();
        for name in [
            "x-forwarded-user",
            "x_forwarded_user",
            "x.forwarded.user",
            "X-Forwarded-For",
            "forwarded",
            "remote-user",
            "remote_user",
            "x-real-ip",
            "x-kubarr-user",
            "x-webauth-user",
            "authorization",
            "proxy-authorization",
        ] {
            h.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_static("admin"),
            );
        }
        h.insert("x-api-key", HeaderValue::from_static("app-key"));
        h.insert(header::HOST, HeaderValue::from_static("sonarr.apps.test"));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static(
                "kubarr_session=s; a=1; __Host-kubarr_app_sonarr=x; kubarr_app_radarr=y; b=2",
            ),
        );
        let original = h.get(header::HOST).cloned();
        to_upstream(
            &mut h,
            &Forwarding {
                upstream: "127.0.0.1:8989",
                client_ip: Some("192.0.2.7".parse().unwrap()),
                proto: "https",
                original_host: original,
                authorization: None,
            },
        );
        let names: Vec<&str> = h.keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names
                .iter()
                .filter(|n| ![
                    "x-api-key",
                    "host",
                    "cookie",
                    "x-forwarded-for",
                    "x-forwarded-proto",
                    "x-forwarded-host"
                ]
                .contains(n))
                .count(),
            0,
            "{names:?}"
        );
        assert_eq!(h["host"], "127.0.0.1:8989");
        assert_eq!(h["x-forwarded-for"], "192.0.2.7");
        assert_eq!(h["x-forwarded-proto"], "https");
        assert_eq!(h["x-forwarded-host"], "sonarr.apps.test");
        assert_eq!(h["cookie"], "a=1; b=2");
    }

    #[test]
    fn app_cookies_may_not_shadow_kubarr_or_leave_the_origin() {
        assert!(set_cookie_allowed("SID=abc; Path=/; HttpOnly"));
        assert!(!set_cookie_allowed("kubarr_session=x; Path=/"));
        assert!(!set_cookie_allowed(
            "__Host-kubarr_session=x; Path=/; Secure"
        ));
        assert!(!set_cookie_allowed("kubarr_app_sonarr=x"));
        assert!(!set_cookie_allowed("KUBARR_APP_x=1"));
        assert!(!set_cookie_allowed("SID=abc; Domain=apps.home.example"));
        assert!(!set_cookie_allowed("SID=abc; path=/; domain=.example"));
        assert!(!set_cookie_allowed("=abc"));
    }

    #[test]
    fn only_locations_naming_the_upstream_are_rewritten() {
        let up = "sonarr.sonarr.svc.cluster.local:8989";
        assert_eq!(
            relative_location("http://sonarr.sonarr.svc.cluster.local:8989/login?x=1", up)
                .as_deref(),
            Some("/login?x=1")
        );
        assert_eq!(
            relative_location("http://SONARR.sonarr.svc.cluster.local:8989", up).as_deref(),
            Some("/")
        );
        assert_eq!(relative_location("/login", up), None);
        assert_eq!(relative_location("https://elsewhere.example/", up), None);
        assert_eq!(
            relative_location("https://sonarr.sonarr.svc.cluster.local:8989.evil/", up),
            None
        );
    }

    #[test]
    fn hop_by_hop_and_connection_named_headers_go() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-secret"),
        );
        h.insert("x-secret", HeaderValue::from_static("1"));
        h.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        h.insert("x-kept", HeaderValue::from_static("1"));
        remove_hop_by_hop(&mut h);
        assert_eq!(h.len(), 1);
        assert!(h.contains_key("x-kept"));
    }
}
