//! Which app a gateway request is for, and the public origin of each app.
//!
//! Host mode routes by the `Host` header (`sonarr.apps.home.example[:port]` → `sonarr`); port
//! mode by the local port the request arrived on. The dashboard's own host is never an app.

use axum::http::{header, HeaderMap};
use kubarr_orchestrator::AppName;

use super::Gateway;
use crate::config::GatewayConfig;
use crate::settings::Settings;

/// The app named by a `Host` header in host mode: exactly one label in front of the apps
/// domain, and a valid app name.
pub fn app_from_host(apps_domain: &str, host: &str) -> Option<AppName> {
    let host = strip_port(host)?.to_ascii_lowercase();
    let label = host.strip_suffix(apps_domain)?.strip_suffix('.')?;
    if label.contains('.') {
        return None;
    }
    AppName::parse(label).ok()
}

/// The host part of a `Host` header (`[v6]:port`, `name:port`, `name`); `None` when malformed.
pub fn strip_port(host: &str) -> Option<&str> {
    let host = host.trim();
    if host.is_empty() {
        return None;
    }
    if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']')?;
        return Some(&host[..end + 2]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => Some(name),
        Some(_) => None,
        None => Some(host),
    }
}

/// The scheme browsers use for app origins.
pub fn scheme(config: &GatewayConfig, settings: &Settings) -> &'static str {
    match config.public_scheme.as_deref() {
        Some("https") => "https",
        Some(_) => "http",
        None if settings.public_url_is_https() => "https",
        None => "http",
    }
}

/// `scheme://host[:port]`, leaving out the scheme's default port.
pub fn origin(scheme: &str, host: &str, port: u16) -> String {
    let default = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    if default {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    }
}

/// Whether `next` is a path on the same origin: starts with one `/`, no scheme or authority in
/// any spelling browsers accept (`//`, `/\`), no control characters, bounded.
pub fn is_relative_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 2048
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The scheme and authority of the public URL (`https`, `kubarr.home.example:8443`).
pub fn public_authority(settings: &Settings) -> Option<(&str, &str)> {
    let (scheme, rest) = settings.public_url.as_deref()?.split_once("://")?;
    Some((scheme, rest.split('/').next()?))
}

/// The dashboard's base URL for links from an app origin (the public URL, when set).
pub fn dashboard_url(settings: &Settings) -> Option<String> {
    settings
        .public_url
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_owned())
}

/// The dashboard's origin: the public URL's, else the one this request named.
pub fn dashboard_origin(settings: &Settings, headers: &HeaderMap, https: bool) -> Option<String> {
    let (scheme, authority) = match public_authority(settings) {
        Some(pair) => pair,
        None => (
            if https { "https" } else { "http" },
            headers.get(header::HOST)?.to_str().ok()?,
        ),
    };
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

/// Where browsers reach the gateway's apps, for one request's settings and `Host`.
pub struct AppOrigins {
    scheme: &'static str,
    /// Host mode: the apps domain and the public port.
    domain: Option<(String, u16)>,
    /// Port mode: the host of the dashboard (the apps share it, on ports of their own).
    host: String,
}

impl AppOrigins {
    pub fn new(gateway: &Gateway, settings: &Settings, headers: &HeaderMap) -> Self {
        let config = &gateway.config;
        let scheme = scheme(config, settings);
        let domain = config.apps_domain.clone().map(|d| {
            // In Ingress mode browsers reach the apps through the controller, not the listener.
            let listener_port = || {
                gateway
                    .bound_port
                    .get()
                    .copied()
                    .or_else(|| config.listen.map(|l| l.port()).filter(|p| *p != 0))
                    .filter(|_| config.ingress.is_none())
            };
            let port = config
                .public_port
                .or_else(listener_port)
                .unwrap_or(if scheme == "https" { 443 } else { 80 });
            (d, port)
        });
        let host = public_authority(settings)
            .map(|(_, authority)| authority)
            .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()))
            .and_then(strip_port)
            .unwrap_or("localhost")
            .to_owned();
        Self {
            scheme,
            domain,
            host,
        }
    }

    /// `app`'s origin: `<app>.<domain>` in host mode; in port mode, the dashboard's host on
    /// the app's `port` (`None` until it has one).
    pub fn of(&self, app: &str, port: Option<u16>) -> Option<String> {
        match &self.domain {
            Some((domain, public_port)) => Some(origin(
                self.scheme,
                &format!("{app}.{domain}"),
                *public_port,
            )),
            None => port.map(|p| origin(self.scheme, &self.host, p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_name_one_app_under_the_apps_domain() {
        let d = "apps.home.example";
        let app = |h: &str| app_from_host(d, h).map(|a| a.to_string());
        assert_eq!(app("sonarr.apps.home.example").as_deref(), Some("sonarr"));
        assert_eq!(
            app("Sonarr.Apps.Home.Example:8443").as_deref(),
            Some("sonarr")
        );
        assert_eq!(
            app("sonarr-4k.apps.home.example").as_deref(),
            Some("sonarr-4k")
        );
        assert_eq!(app("apps.home.example"), None);
        assert_eq!(app("x.sonarr.apps.home.example"), None);
        assert_eq!(app("sonarr.apps.home.example.evil"), None);
        assert_eq!(app("sonarrapps.home.example"), None);
        assert_eq!(app("sonarr.apps.home.example:http"), None);
        assert_eq!(app("-bad.apps.home.example"), None);
        assert_eq!(app(""), None);
    }

    #[test]
    fn next_must_stay_on_the_origin() {
        for ok in ["/", "/calendar", "/a/b?c=d#e", "/%2F%2Fevil"] {
            assert!(is_relative_path(ok), "{ok}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "",
            "/a\nb",
            "/ a",
            "javascript:alert(1)",
        ] {
            assert!(!is_relative_path(bad), "{bad}");
        }
    }

    #[test]
    fn origins_leave_out_default_ports() {
        assert_eq!(origin("https", "a.b.c", 443), "https://a.b.c");
        assert_eq!(origin("http", "a.b.c", 80), "http://a.b.c");
        assert_eq!(origin("http", "a.b.c", 8081), "http://a.b.c:8081");
        assert_eq!(strip_port("[::1]:80"), Some("[::1]"));
    }
}
