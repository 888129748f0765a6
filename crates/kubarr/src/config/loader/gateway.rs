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
    let ingress = ingress(r, listen.is_some() && apps_domain.is_some());
    GatewayConfig {
        listen,
        apps_domain,
        port_range,
        upstreams,
        public_scheme,
        public_port,
        loopback_only,
        ingress,
    }
}

/// `gateway.ingress.*`: off unless `controller` is set; then `auth_url` is required, nginx also
/// needs `gateway_service`, and the gateway must be in host mode (`host_mode`).
fn ingress(r: &mut Reader, host_mode: bool) -> Option<IngressConfig> {
    let controller = r.string("gateway.ingress.controller")?;
    let controller = match controller.trim().to_ascii_lowercase().as_str() {
        "traefik" => IngressController::Traefik,
        "nginx" => IngressController::Nginx,
        other => {
            r.problem(
                "gateway.ingress.controller",
                format!("`{other}` must be traefik or nginx"),
            );
            return None;
        }
    };
    let mut ok = true;
    if !host_mode {
        r.problem(
            "gateway.ingress.controller",
            "Ingress mode needs host mode: set gateway.listen and gateway.apps_domain".into(),
        );
        ok = false;
    }
    let mut name = |r: &mut Reader, key: &str| {
        let value = r
            .string(key)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())?;
        if !is_object_name(&value) {
            r.problem(
                key,
                format!("`{value}` is not a Kubernetes object name (lower-case letters, digits, `-`, `.`)"),
            );
            ok = false;
        }
        Some(value)
    };
    let class_name = name(r, "gateway.ingress.class_name");
    let tls_secret = name(r, "gateway.ingress.tls_secret");
    let controller_namespace = name(r, "gateway.ingress.controller_namespace");
    if let Some(ns) = &controller_namespace {
        if ns.len() > 63 || ns.contains('.') {
            r.problem(
                "gateway.ingress.controller_namespace",
                format!("`{ns}` is not a namespace name"),
            );
            ok = false;
        }
    }
    let auth_url = match r
        .string("gateway.ingress.auth_url")
        .map(|s| s.trim().to_owned())
    {
        Some(url) if is_http_url(&url) => Some(url),
        Some(url) => {
            r.problem(
                "gateway.ingress.auth_url",
                format!("`{url}` must be an http(s) URL such as http://kubarr.kubarr.svc.cluster.local:8080/api/auth/forward"),
            );
            None
        }
        None => {
            r.problem(
                "gateway.ingress.auth_url",
                "Ingress mode needs the in-cluster URL of Kubarr's /api/auth/forward".into(),
            );
            None
        }
    };
    let gateway_service = match r.string("gateway.ingress.gateway_service") {
        Some(s) => match parse_service(s.trim()) {
            Some(pair) => Some(pair),
            None => {
                r.problem(
                    "gateway.ingress.gateway_service",
                    format!("`{s}` must be a Service's DNS name, optionally with :port (e.g. kubarr-gateway.kubarr.svc.cluster.local:8081)"),
                );
                ok = false;
                None
            }
        },
        None if controller == IngressController::Nginx => {
            r.problem(
                "gateway.ingress.gateway_service",
                "ingress-nginx mode needs the DNS name of Kubarr's gateway Service (sign-in links go there)".into(),
            );
            ok = false;
            None
        }
        None => None,
    };
    Some(IngressConfig {
        controller,
        class_name,
        tls_secret,
        auth_url: auth_url?,
        gateway_service,
        controller_namespace,
    })
    .filter(|_| ok)
}

/// A DNS-1123 subdomain (Secret and IngressClass names).
fn is_object_name(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// `http(s)://host[:port][/path]`, the path of unreserved characters only (it is written into
/// objects the controller reads, so nothing that could mean something else there).
fn is_http_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority_ok = if authority.contains(':') {
        valid_authority(authority)
    } else {
        !authority.is_empty() && is_domain_or_label(authority)
    };
    authority_ok
        && url.len() <= 512
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b))
}

fn is_domain_or_label(host: &str) -> bool {
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// `name[:port]` (port 80 when absent).
fn parse_service(s: &str) -> Option<(String, u16)> {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => (s, 80),
    };
    let host = host.to_ascii_lowercase();
    (is_object_name(&host) && host.contains('.')).then_some((host, port))
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
