//! The only way the gateway opens connections: a resolver-plus-connector with an address
//! policy. Upstreams are app Services by cluster DNS name (or the fixed `gateway.upstreams`), so
//! LAN and loopback addresses are legitimate; link-local (cloud metadata), unspecified and
//! multicast addresses never are. With `gateway.loopback_only` (tests, development) nothing
//! outside 127.0.0.0/8 and ::1 is dialled. Every dialled address is remembered (bounded) so
//! tests can check that.

use std::collections::VecDeque;
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::http::Uri;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::CONNECT_TIMEOUT;

/// The IPv6 instance-metadata address some clouds use.
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

/// Why an address may not be dialled; `None` when it may.
pub fn refusal(ip: IpAddr, loopback_only: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    let link_local_or_metadata = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        // fe80::/10, and the IPv6 metadata address.
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80 || v6 == METADATA_V6,
    };
    if link_local_or_metadata {
        return Some("link-local and metadata addresses are never dialled");
    }
    if ip.is_unspecified() || ip.is_multicast() || ip == IpAddr::from([255, 255, 255, 255]) {
        return Some("not a unicast address");
    }
    if loopback_only && !ip.is_loopback() {
        return Some("only loopback upstreams may be dialled here (gateway.loopback_only)");
    }
    None
}

/// The connector handed to the HTTP client.
#[derive(Clone)]
pub struct Dialer {
    loopback_only: bool,
    dialled: Arc<Mutex<VecDeque<SocketAddr>>>,
}

const REMEMBERED: usize = 1024;

impl Dialer {
    pub fn new(loopback_only: bool) -> Self {
        Self {
            loopback_only,
            dialled: Arc::default(),
        }
    }

    pub fn dialled(&self) -> Vec<SocketAddr> {
        self.dialled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .collect()
    }

    /// Resolves `host:port` and connects to the first allowed address that answers.
    pub async fn connect(&self, host: &str, port: u16) -> std::io::Result<TcpStream> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((host, port)))
                .await
                .map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "name lookup timed out")
                })??
                .collect(),
        };
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the name has no address");
        for addr in addrs {
            if let Some(why) = refusal(addr.ip(), self.loopback_only) {
                last = std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{addr}: {why}"),
                );
                continue;
            }
            {
                let mut d = self.dialled.lock().unwrap_or_else(|e| e.into_inner());
                if d.len() >= REMEMBERED {
                    d.pop_front();
                }
                d.push_back(addr);
            }
            match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Ok(Err(e)) => last = e,
                Err(_) => {
                    last = std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("{addr}: connect timed out"),
                    )
                }
            }
        }
        Err(last)
    }
}

impl tower::Service<Uri> for Dialer {
    type Response = TokioIo<TcpStream>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = std::io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let host = uri
                .host()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no host"))?
                .to_owned();
            let port = uri.port_u16().unwrap_or(80);
            this.connect(&host, port).await.map(TokioIo::new)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_refuses_metadata_and_in_tests_everything_off_loopback() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(refusal(ip("169.254.169.254"), false).is_some());
        assert!(refusal(ip("::ffff:169.254.169.254"), false).is_some());
        assert!(refusal(ip("fe80::1"), false).is_some());
        assert!(refusal(ip("fd00:ec2::254"), false).is_some());
        assert!(refusal(ip("0.0.0.0"), false).is_some());
        assert!(refusal(ip("224.0.0.1"), false).is_some());
        // LAN and loopback are homelab upstreams.
        assert!(refusal(ip("192.168.1.20"), false).is_none());
        assert!(refusal(ip("10.43.0.15"), false).is_none());
        assert!(refusal(ip("127.0.0.1"), false).is_none());
        // Tests: loopback only.
        assert!(refusal(ip("10.43.0.15"), true).is_some());
        assert!(refusal(ip("127.0.0.9"), true).is_none());
        assert!(refusal(ip("::1"), true).is_none());
    }

    #[tokio::test]
    async fn a_refused_address_is_never_dialled() {
        let d = Dialer::new(true);
        let e = d.connect("10.0.0.1", 80).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(d.dialled().is_empty());
    }
}
