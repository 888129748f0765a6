//! What crosses the gateway: headers both ways, streamed bodies (`Range`, slow chunked),
//! WebSocket-style upgrades, redirects, and the address policy of its connector.

use std::time::Duration;

use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::stub::{byte_at, Stub, BIG};
use super::{assert_only_loopback_dialled, json_of, Gateway};

async fn signed_in(stub: &Stub) -> (Gateway, reqwest::Client, String) {
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let browser = g.browser(&["stub"]);
    let admin = g.t.admin_token.clone().unwrap();
    g.open(&browser, &admin, "stub").await;
    let origin = g.origin("stub");
    (g, browser, origin)
}

#[tokio::test]
async fn kubarr_credentials_and_spoofed_identity_never_reach_the_app() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let admin = g.t.admin_token.clone().unwrap();
    let app = app_cookie(&g, &admin, "stub").await;
    let browser = g.browser(&["stub"]);
    let origin = g.origin("stub");
    let r = browser
        .get(format!("{origin}/echo"))
        .header("authorization", format!("Bearer {admin}"))
        .header("x-forwarded-user", "admin")
        .header("x_forwarded_user", "admin")
        .header("remote-user", "admin")
        .header("x-forwarded-for", "203.0.113.66")
        .header("x-real-ip", "203.0.113.66")
        .header("forwarded", "for=203.0.113.66")
        .header("x-api-key", "the-apps-own-key")
        // One Cookie header, as browsers send it: the app's cookie, the dashboard's, the app's own.
        .header(
            "cookie",
            format!("{app}; kubarr_session={admin}; app_pref=dark"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let echo = json_of(&r.text().await.unwrap());
    let h = &echo["headers"];
    for gone in [
        "authorization",
        "x-forwarded-user",
        "x_forwarded_user",
        "remote-user",
        "x-real-ip",
        "forwarded",
    ] {
        assert!(h.get(gone).is_none(), "{gone} reached the app: {h}");
    }
    assert_eq!(
        h["x-forwarded-for"],
        serde_json::json!(["127.0.0.1"]),
        "set by the gateway"
    );
    assert_eq!(h["x-forwarded-proto"], serde_json::json!(["http"]));
    assert_eq!(
        h["x-forwarded-host"],
        serde_json::json!([format!("stub.apps.test:{}", g.address.port())])
    );
    assert_eq!(h["host"], serde_json::json!([stub.upstream()]));
    assert_eq!(h["x-api-key"], serde_json::json!(["the-apps-own-key"]));
    let cookies = h["cookie"].to_string();
    assert!(cookies.contains("app_pref=dark"), "{cookies}");
    assert!(
        !cookies.contains("kubarr"),
        "a Kubarr cookie reached the app: {cookies}"
    );
    assert!(
        !echo.to_string().contains(&admin),
        "the session token reached the app"
    );
}

#[tokio::test]
async fn app_cookies_and_redirects_are_kept_on_the_apps_origin() {
    let stub = Stub::start().await;
    let (_g, browser, origin) = signed_in(&stub).await;
    let r = browser
        .get(format!("{origin}/cookies"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        set,
        ["app_sid=1; Path=/; HttpOnly"],
        "only the app's own host-only cookie"
    );
    let r = browser
        .get(format!("{origin}/redirect"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/landed?x=1");
}

#[tokio::test]
async fn large_downloads_stream_with_ranges_and_slow_responses_arrive_as_they_come() {
    let stub = Stub::start().await;
    let (g, browser, origin) = signed_in(&stub).await;
    // The end of a 1 GiB file, by Range: only those bytes cross.
    let r = browser
        .get(format!("{origin}/big"))
        .header("range", format!("bytes={}-", BIG - 100_000))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes {}-{}/{BIG}", BIG - 100_000, BIG - 1).as_str()
    );
    let body = r.bytes().await.unwrap();
    assert_eq!(body.len(), 100_000);
    assert!(body
        .iter()
        .enumerate()
        .all(|(i, b)| *b == byte_at(BIG - 100_000 + i as u64)));
    // The start of the full file arrives long before the upstream could have sent it all
    // (the gateway does not buffer): read 8 MiB, then drop the download.
    let r = browser.get(format!("{origin}/big")).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], BIG.to_string().as_str());
    let mut stream = r.bytes_stream();
    let mut seen = 0u64;
    while seen < 8 << 20 {
        let chunk = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("data keeps coming")
            .unwrap()
            .unwrap();
        assert!(chunk
            .iter()
            .enumerate()
            .all(|(i, b)| *b == byte_at(seen + i as u64)));
        seen += chunk.len() as u64;
    }
    drop(stream);
    // A slow response: the first line arrives while the upstream is still holding the rest.
    let r = browser.get(format!("{origin}/slow")).send().await.unwrap();
    let mut stream = r.bytes_stream();
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("the first chunk is not held back")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"first\n");
    stub.release_slow.notify_one();
    let rest = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(&rest[..], b"last\n");
    assert_only_loopback_dialled(&g);
}

/// Opens a raw upgrade through the gateway with the app cookie; returns the connection after
/// the 101.
pub async fn open_websocket(g: &Gateway, cookie: &str) -> tokio::net::TcpStream {
    let mut conn = tokio::net::TcpStream::connect(g.address).await.unwrap();
    let request = format!(
        "GET /signalr/messages?id=abc HTTP/1.1\r\nHost: stub.apps.test:{}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {}\r\nCookie: {cookie}\r\n\r\n",
        g.address.port(),
        g.origin("stub"),
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut byte))
            .await
            .expect("an answer to the upgrade")
            .unwrap();
        assert_eq!(
            n,
            1,
            "closed during the handshake: {}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(head.contains("upgrade: websocket"), "{head}");
    conn
}

/// The browser's app cookie as a `Cookie` header value.
pub async fn app_cookie(g: &Gateway, token: &str, app: &str) -> String {
    let res = g.launch(token, app, None).await;
    let url = res.json()["url"].as_str().unwrap().to_owned();
    let r = g.browser(&[app]).get(&url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let set = r.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn websockets_are_tunnelled_and_need_the_app_cookie() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let admin = g.t.admin_token.clone().unwrap();
    let cookie = app_cookie(&g, &admin, "stub").await;
    let mut ws = open_websocket(&g, &cookie).await;
    for message in [
        &b"hello"[..],
        &[0u8, 255, 1, 2][..],
        &vec![7u8; 100_000][..],
    ] {
        ws.write_all(message).await.unwrap();
        let mut back = vec![0u8; message.len()];
        tokio::time::timeout(Duration::from_secs(10), ws.read_exact(&mut back))
            .await
            .expect("the echo")
            .unwrap();
        assert_eq!(back, message);
    }
    // Without the cookie the upgrade never reaches the app.
    let mut conn = tokio::net::TcpStream::connect(g.address).await.unwrap();
    let request = format!(
        "GET /signalr/messages HTTP/1.1\r\nHost: stub.apps.test:{}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        g.address.port()
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 12];
    conn.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 401");
}

#[tokio::test]
async fn the_gateway_never_dials_outside_loopback_here() {
    let stub = Stub::start().await;
    // `sonarr`'s upstream is a pod-network address: refused before any connection is made.
    let g = Gateway::start(&[
        ("stub", stub.upstream()),
        ("sonarr", "10.0.0.1:8989".into()),
    ])
    .await;
    let browser = g.browser(&["stub", "sonarr"]);
    let admin = g.t.admin_token.clone().unwrap();
    g.open(&browser, &admin, "sonarr").await;
    let r = browser
        .get(format!("{}/", g.origin("sonarr")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    g.open(&browser, &admin, "stub").await;
    let r = browser
        .get(format!("{}/echo", g.origin("stub")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let dialled = g.t.state.gateway.dialled();
    assert!(!dialled.is_empty());
    assert_only_loopback_dialled(&g);
}
