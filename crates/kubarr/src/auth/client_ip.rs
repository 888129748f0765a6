//! The client's IP address: the socket peer, or the address a trusted proxy reports in
//! `X-Forwarded-For` (only when the peer is in `trusted_proxies`).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::config::IpNetwork;
use crate::state::AppState;

/// The client address of a request, from its parts.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpNetwork]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .or_else(|| {
            // In-process tests inject the peer with `MockConnectInfo`.
            parts
                .extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|MockConnectInfo(addr)| addr.ip())
        });
    resolve(peer, &parts.headers, trusted_proxies)
}

/// Walks `X-Forwarded-For` from the right (the hop nearest to us), skipping trusted proxies; the
/// first untrusted address is the client. Without a trusted peer the header is ignored.
pub fn resolve(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted_proxies: &[IpNetwork],
) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // Garbage from further out cannot be trusted; stop at the last good hop.
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Extractor for the client address (`None` only when the server runs without connect info).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.config.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
        h
    }

    #[test]
    fn untrusted_peer_ignores_the_header() {
        let peer = "203.0.113.9".parse().ok();
        assert_eq!(resolve(peer, &headers("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn trusted_peer_reports_the_first_untrusted_hop() {
        let trusted: Vec<IpNetwork> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer = "10.0.0.2".parse().ok();
        assert_eq!(
            resolve(peer, &headers("6.6.6.6, 1.2.3.4, 10.0.0.7"), &trusted),
            "1.2.3.4".parse().ok()
        );
        // No header: the proxy itself.
        assert_eq!(resolve(peer, &HeaderMap::new(), &trusted), peer);
        // Garbage stops the walk at the last good hop.
        assert_eq!(resolve(peer, &headers("1.2.3.4, nonsense"), &trusted), peer);
        assert_eq!(
            resolve(
                "::ffff:10.0.0.2".parse().ok(),
                &headers("1.2.3.4"),
                &trusted
            ),
            "1.2.3.4".parse().ok()
        );
    }
}
