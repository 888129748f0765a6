//! Issuing sessions and the browser cookie that carries them.

use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::auth::token::{self, TokenKind};
use crate::config::IpNetwork;
use crate::settings::Settings;

use super::session_cookie_name;

/// A new session: the token goes to the client once; only its hash is stored.
pub struct IssuedSession {
    pub token: String,
    /// SHA-256 of the token: the `sessions.id`.
    pub id: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a request comes from, stored with sessions and challenges.
#[derive(Clone, Debug, Default)]
pub struct RequestOrigin {
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
    /// Whether the client reached us over HTTPS (through a trusted proxy).
    pub https: bool,
}

impl RequestOrigin {
    pub fn from_parts(parts: &Parts, trusted: &[IpNetwork]) -> Self {
        let ip = super::client_ip(parts, trusted);
        Self {
            ip,
            user_agent: user_agent(&parts.headers),
            https: forwarded_https(parts, trusted),
        }
    }

    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

/// The `User-Agent`, bounded.
pub fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(512).collect())
}

fn forwarded_https(parts: &Parts, trusted: &[IpNetwork]) -> bool {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip())
        .or_else(|| {
            parts
                .extensions
                .get::<axum::extract::connect_info::MockConnectInfo<std::net::SocketAddr>>()
                .map(|ci| ci.0.ip())
        });
    let peer_trusted = peer.is_some_and(|ip| trusted.iter().any(|n| n.contains(ip)));
    peer_trusted
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("https")
            })
}

/// The value of cookie `name` in a request's `Cookie` headers (the first non-empty one).
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, value)| *n == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// Creates a session row for `user_id`.
pub async fn issue(
    db: &impl ConnectionTrait,
    settings: &Settings,
    user_id: i64,
    origin: &RequestOrigin,
) -> Result<IssuedSession, DbErr> {
    let (token, id) = token::generate(TokenKind::Session);
    let now = Utc::now();
    let expires_at = now + settings.absolute_lifetime();
    kubarr_db::queries::sessions::create(
        db,
        kubarr_db::queries::sessions::NewSession {
            id: id.clone(),
            user_id,
            user_agent: origin.user_agent.clone(),
            ip_address: origin.ip_text(),
            now,
            expires_at,
        },
    )
    .await?;
    Ok(IssuedSession {
        token,
        id,
        expires_at,
    })
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Strict, whole site, until it expires. With
/// an HTTPS public URL it is the `__Host-` cookie, always `Secure`; otherwise `Secure` when the
/// request came over HTTPS (through a trusted proxy).
pub fn set_cookie(session: &IssuedSession, settings: &Settings, https: bool) -> HeaderValue {
    let max_age = (session.expires_at - Utc::now()).num_seconds().max(0);
    let name = session_cookie_name(settings);
    let secure = if https || settings.public_url_is_https() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        session.token
    ))
    .expect("token and attributes are ASCII")
}

/// `Set-Cookie` values that remove the session cookie, under either name.
pub fn clear_cookies() -> [HeaderValue; 2] {
    [
        HeaderValue::from_static(
            "kubarr_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        ),
        HeaderValue::from_static(
            "__Host-kubarr_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        ),
    ]
}

impl axum::extract::FromRequestParts<crate::state::AppState> for RequestOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts, &state.config.trusted_proxies))
    }
}
