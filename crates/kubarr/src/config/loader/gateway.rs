//! The app gateway's keys (`gateway.*`), checked together: host mode and port mode exclude each
//! other, and a listening gateway needs one of them.

use super::*;

/// At most this many ports in `gateway.port_range` (each is a bound socket).
const MAX_PORTS: usize = 256;

pub(super) fn config(r: &mut Reader) -> GatewayConfig {
    let listen = r
        .string("gateway.listen")
        .and_then(|s| match s.trim().parse() {
            Ok(a) => Some(a),
            Err(_) => {
                r.problem(
                    "gateway.listen",
                    format!("`{s}` is not a host:port address"),
                );
                None
            }
        });
    let apps_domain = r
        .string("gateway.apps_domain")
        .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty());
    if let Some(domain) = &apps_domain {
        if !is_domain(domain) {
            r.problem(
                "gateway.apps_domain",
                format!("`{domain}` is not a DNS name such as apps.home.example"),
            );
        }
    }
    let port_range = r
        .string("gateway.port_range")
        .and_then(|s| match parse_range(&s) {
            Ok(range) => Some(range),
            Err(reason) => {
                r.problem("gateway.port_range", reason);
                None
            }
        });
    let mut upstreams = BTreeMap::new();
    for entry in r.list("gateway.upstreams") {
        match entry.split_once('=') {
            Some((app, address))
                if kubarr_orchestrator::AppName::parse(app.trim()).is_ok()
                    && valid_authority(address.trim()) =>
            {
                upstreams.insert(app.trim().to_owned(), address.trim().to_owned());
            }
            _ => r.problem(
                "gateway.upstreams",
                format!("`{entry}` must be `<app>=<host>:<port>`"),
            ),
        }
    }
    let public_scheme = r
        .string("gateway.public_scheme")
        .map(|s| s.trim().to_ascii_lowercase());
    if let Some(scheme) = &public_scheme {
        if scheme != "http" && scheme != "https" {
            r.problem(
                "gateway.public_scheme",
                format!("`{scheme}` must be http or https"),
            );
        }
    }
    let public_port = r
        .raw
        .contains_key("gateway.public_port")
        .then(|| r.number("gateway.public_port", 443u16, 1, u16::MAX));
    let loopback_only = r.choice(
        "gateway.loopback_only",
        false,
        &[("true", true), ("false", false)],
    );
    if listen.is_some() {
        match (&apps_domain, &port_range) {
            (Some(_), Some(_)) => r.problem(
                "gateway.port_range",
                "gateway.apps_domain and gateway.port_range exclude each other: host mode or port mode".into(),
            ),
            (None, None) => r.problem(
                "gateway.listen",
                "needs gateway.apps_domain (host mode) or gateway.port_range (port mode)".into(),
            ),
            _ => {}
        }
    }
    GatewayConfig {
        listen,
        apps_domain,
        port_range,
        upstreams,
        public_scheme,
        public_port,
        loopback_only,
    }
}

fn parse_range(s: &str) -> Result<std::ops::RangeInclusive<u16>, String> {
    let (a, b) = s
        .trim()
        .split_once('-')
        .ok_or_else(|| format!("`{s}` must be `<first>-<last>`, e.g. 18100-18139"))?;
    let (a, b): (u16, u16) = match (a.trim().parse(), b.trim().parse()) {
        (Ok(a), Ok(b)) if a > 0 && a <= b => (a, b),
        _ => {
            return Err(format!(
                "`{s}` must be two ports, the first not above the last"
            ))
        }
    };
    if usize::from(b - a) + 1 > MAX_PORTS {
        return Err(format!("`{s}` holds more than {MAX_PORTS} ports"));
    }
    Ok(a..=b)
}

fn is_domain(d: &str) -> bool {
    d.len() <= 200
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `host:port` with a DNS name, IPv4 or `[IPv6]` host and a non-zero port.
fn valid_authority(a: &str) -> bool {
    let Some((host, port)) = a.rsplit_once(':') else {
        return false;
    };
    let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0);
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    port_ok
        && !host.is_empty()
        && (host.parse::<std::net::IpAddr>().is_ok()
            || host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
}
