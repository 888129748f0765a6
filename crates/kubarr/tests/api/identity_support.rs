//! Helpers for the identity tests: a request builder with Bearer/cookie/CSRF/client-IP options,
//! first-admin setup, users with roles, sessions issued directly, and an independent TOTP.

use axum::body::Body;
use axum::http::{header, Method, Request};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;

use crate::helpers::{TestApp, TestResponse};

pub const ADMIN_PASSWORD: &str = "admin plover marzipan 60";
pub const USER_PASSWORD: &str = "user plover marzipan 63";

/// A request under construction.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl<'a> Call<'a> {
    pub fn bearer(mut self, token: &str) -> Self {
        self.headers
            .push(("authorization".into(), format!("Bearer {token}")));
        self
    }
    pub fn cookie(mut self, token: &str) -> Self {
        self.headers
            .push(("cookie".into(), format!("kubarr_session={token}")));
        self
    }
    pub fn csrf(mut self) -> Self {
        self.headers.push(("x-kubarr-csrf".into(), "1".into()));
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Claims to come from `ip` (believed only when 127.0.0.1 is a trusted proxy).
    pub fn sent_from(self, ip: &str) -> Self {
        self.header("x-forwarded-for", ip)
    }
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    pub fn build(self) -> (Request<Body>, &'a TestApp) {
        let mut req = Request::builder().method(self.method).uri(self.path);
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let body = match self.body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        (req.body(body).unwrap(), self.app)
    }
    pub async fn send(self) -> TestResponse {
        let (req, app) = self.build();
        app.send(req).await
    }
}

/// Request builders on [`TestApp`].
pub trait Api {
    fn call(&self, method: Method, path: &str) -> Call<'_>;
    fn get_as(&self, path: &str, token: &str) -> Call<'_> {
        self.call(Method::GET, path).bearer(token)
    }
}

impl Api for TestApp {
    fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }
}

/// A test app whose peer (127.0.0.1) is a trusted proxy, so `X-Forwarded-For` picks the IP.
pub async fn app_behind_proxy() -> TestApp {
    TestApp::with_config(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await
}

/// A signed-in user.
#[derive(Clone, Debug)]
pub struct Principal {
    pub id: i64,
    pub username: String,
    pub password: String,
    pub token: String,
}

/// Creates the first administrator via `POST /api/setup`.
pub async fn setup_admin(app: &TestApp) -> Principal {
    let res = app
        .call(Method::POST, "/api/setup")
        .json(
            json!({"username": "admin", "email": "admin@example.com", "password": ADMIN_PASSWORD}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    Principal {
        id: body["user"]["id"].as_i64().unwrap(),
        username: "admin".into(),
        password: ADMIN_PASSWORD.into(),
        token: body["token"].as_str().unwrap().to_owned(),
    }
}

/// The id of a role by name.
pub async fn role_id(app: &TestApp, admin_token: &str, name: &str) -> i64 {
    let res = app.get_as("/api/roles", admin_token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no role {name}"))["id"]
        .as_i64()
        .unwrap()
}

/// Creates a user with the given roles (by name) and a session for them (issued directly).
pub async fn create_user(
    app: &TestApp,
    admin_token: &str,
    username: &str,
    roles: &[&str],
) -> Principal {
    let mut role_ids = Vec::new();
    for r in roles {
        role_ids.push(role_id(app, admin_token, r).await);
    }
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(admin_token)
        .json(json!({
            "username": username,
            "email": format!("{username}@example.com"),
            "password": USER_PASSWORD,
            "role_ids": role_ids,
        }))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_i64().unwrap();
    Principal {
        id,
        username: username.into(),
        password: USER_PASSWORD.into(),
        token: session_for(app, id).await,
    }
}

/// A fresh session token for a user, issued without a login (no hashing, no rate limit).
pub async fn session_for(app: &TestApp, user_id: i64) -> String {
    let settings = kubarr::settings::Settings::defaults(&app.state.config);
    kubarr::auth::session::issue(
        &app.state.db,
        &settings,
        user_id,
        &kubarr::auth::session::RequestOrigin::default(),
    )
    .await
    .unwrap()
    .token
}

/// Logs in through the API; panics unless a session is granted.
pub async fn login(app: &TestApp, username: &str, password: &str) -> String {
    let res = app
        .call(Method::POST, "/api/auth/login")
        .json(json!({"username": username, "password": password}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {}", res.text()))
        .to_owned()
}

/// An independent RFC 6238 implementation (SHA-1, 6 digits, 30 s).
pub fn totp_code(secret_b32: &str, step: i64) -> String {
    let secret = decode_b32(secret_b32);
    let mut mac = Hmac::<Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&(step as u64).to_be_bytes());
    let d = mac.finalize().into_bytes();
    let o = (d[19] & 0xf) as usize;
    let n = u32::from_be_bytes([d[o] & 0x7f, d[o + 1], d[o + 2], d[o + 3]]) % 1_000_000;
    format!("{n:06}")
}

fn decode_b32(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buf, mut bits, mut out) = (0u64, 0, Vec::new());
    for c in s.bytes() {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u64;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

/// The current TOTP time step.
pub fn now_step() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(30)
}

/// Hands out codes for successive, never-reused steps inside the ±1 window.
pub struct TotpClock {
    pub secret: String,
    pub last: i64,
}

/// A code is handed out only if the server will still accept it this long from now (it may be
/// checked after a bcrypt verification on a loaded machine).
const TOTP_MARGIN_MS: i64 = 15_000;

impl TotpClock {
    pub fn new(secret: &str) -> Self {
        Self {
            secret: secret.to_owned(),
            last: now_step() - 2,
        }
    }
    /// The code of the next unused step that stays valid for at least [`TOTP_MARGIN_MS`]. The
    /// server accepts steps now-1..=now+1, so step `s` is good until step `s + 2` begins. When
    /// every step of the window is used, waits (at most one step) for the clock to move on.
    pub fn next(&mut self) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(31);
        loop {
            let now_ms = chrono::Utc::now().timestamp_millis();
            let now = now_ms.div_euclid(30_000);
            // The oldest step that is still accepted `TOTP_MARGIN_MS` from now.
            let oldest = (now_ms + TOTP_MARGIN_MS).div_euclid(30_000) - 1;
            let step = (self.last + 1).max(oldest);
            if step <= now + 1 {
                self.last = step;
                return totp_code(&self.secret, step);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the TOTP window did not move on"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    /// The code of the last used step (a replay).
    pub fn replay(&self) -> String {
        totp_code(&self.secret, self.last)
    }
}

/// Enrols TOTP for a signed-in user; returns the clock and the recovery codes.
pub async fn enrol_totp(app: &TestApp, user: &Principal) -> (TotpClock, Vec<String>) {
    let token = user.token.as_str();
    let res = app
        .call(Method::POST, "/api/users/me/2fa/setup")
        .bearer(token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let secret = res.json()["secret"].as_str().unwrap().to_owned();
    let mut clock = TotpClock::new(&secret);
    let res = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(token)
        .json(json!({"password": user.password, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let codes = res.json()["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (clock, codes)
}

/// Every audit row, as JSON (through the database, not the API).
pub async fn audit_rows(app: &TestApp) -> Vec<Value> {
    use sea_orm::{EntityTrait, QueryOrder};
    kubarr_db::entities::audit_logs::Entity::find()
        .order_by_asc(kubarr_db::entities::audit_logs::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            json!({
                "action": r.action, "resource_type": r.resource_type, "resource_id": r.resource_id,
                "user_id": r.user_id, "username": r.username, "ip": r.ip_address, "details": r.details,
            })
        })
        .collect()
}

/// The actions of every audit row, in order.
pub async fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_rows(app)
        .await
        .into_iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect()
}
