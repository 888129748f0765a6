//! Outbound HTTP from a double: only ever to 127.0.0.0/8 or ::1. Any other host — a LAN address,
//! a public one, a name other than `localhost` — is refused before a connection is attempted.
//! No redirects are followed and every call has a timeout.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

/// Why an outbound call did not happen or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundError {
    /// The target is not a loopback address.
    Refused(String),
    /// The URL could not be built.
    BadUrl(String),
    /// Connecting, sending or reading failed.
    Failed(String),
}

impl std::fmt::Display for OutboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(m) | Self::BadUrl(m) | Self::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OutboundError {}

/// Checks that `url` points at loopback and returns it with `localhost` pinned to 127.0.0.1.
pub fn loopback_url(url: &str) -> Result<Url, OutboundError> {
    let mut u =
        Url::parse(url).map_err(|e| OutboundError::BadUrl(format!("invalid URL {url:?}: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(OutboundError::BadUrl(format!(
            "unsupported scheme in {url:?}"
        )));
    }
    let host = u.host_str().unwrap_or_default().to_string();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ok = if bare.eq_ignore_ascii_case("localhost") {
        u.set_host(Some("127.0.0.1"))
            .map_err(|e| OutboundError::BadUrl(e.to_string()))?;
        true
    } else {
        bare.parse::<IpAddr>().is_ok_and(is_loopback)
    };
    if !ok {
        return Err(OutboundError::Refused(format!(
            "refusing to connect to {host:?}: this double only dials 127.0.0.1 or ::1"
        )));
    }
    Ok(u)
}

/// Whether an address is loopback (IPv4-mapped loopback included).
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// `scheme://host:port<url_base>` for a host/port/SSL/URL-base setting set, checked for loopback.
pub fn base_url(
    host: &str,
    port: u16,
    use_ssl: bool,
    url_base: &str,
) -> Result<Url, OutboundError> {
    let scheme = if use_ssl { "https" } else { "http" };
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let base = crate::server::normalise_url_base(url_base);
    loopback_url(&format!("{scheme}://{host}:{port}{base}"))
}

/// A client for loopback calls: no proxy, no redirects, 10 s timeout.
pub fn client() -> reqwest::Client {
    builder()
        .build()
        .expect("a plain HTTP client always builds")
}

/// Like [`client`], with a cookie store (for web UIs with session cookies).
pub fn cookie_client() -> reqwest::Client {
    builder()
        .cookie_store(true)
        .build()
        .expect("a plain HTTP client always builds")
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
}

/// Turns a transport error into a short message without the URL's query (which may hold a key).
pub fn describe(e: &reqwest::Error) -> OutboundError {
    let what = if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_decode() {
        "unreadable response"
    } else {
        "request failed"
    };
    OutboundError::Failed(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_pass() {
        for ok in [
            "http://127.0.0.1:1/x",
            "http://127.8.9.10:80",
            "http://[::1]:9/",
            "http://localhost:5/a",
        ] {
            let u = loopback_url(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_ne!(u.host_str(), Some("localhost"));
        }
        for bad in [
            "http://10.0.0.5:8080",
            "http://192.168.1.2",
            "http://169.254.169.254/latest",
            "http://example.com",
            "http://sonarr.media.svc:8989",
            "http://[fe80::1]:80",
            "http://0.0.0.0:80",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(
                matches!(loopback_url(bad), Err(OutboundError::Refused(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            loopback_url("file:///etc/passwd"),
            Err(OutboundError::BadUrl(_))
        ));
    }

    #[test]
    fn base_urls_are_built_like_the_apps_do() {
        assert_eq!(
            base_url("localhost", 8080, false, "qbt/").unwrap().as_str(),
            "http://127.0.0.1:8080/qbt"
        );
        assert_eq!(
            base_url("::1", 9, true, "").unwrap().as_str(),
            "https://[::1]:9/"
        );
        assert!(base_url("qbittorrent", 8080, false, "").is_err());
    }
}
