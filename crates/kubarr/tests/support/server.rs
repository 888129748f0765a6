//! The real `kubarr` binary as a child process, and a minimal HTTP client for it — shared by the
//! test binaries that run whole processes (crashes, outages, replicas, the chart's environment).

#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use kubarr_testbed::TestCluster;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// `kubarr serve` in its own process group (so a kill takes any helm it runs down with it, as a
/// crash would). [`Server::spawn`] adds the listen address: port 0 on loopback, so the server
/// binds a free port itself and reports it — a port picked here and bound later could be taken
/// in between. The caller adds the rest of the environment.
pub fn serve_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubarr"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KUBARR_LOG__LEVEL", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .process_group(0)
        .kill_on_drop(true);
    cmd
}

/// The usual local set-up: SQLite under `data`, the given catalog, the test cluster as admin.
pub fn local_command(data: &Path, charts: &Path) -> Command {
    let tc = TestCluster::get();
    let mut cmd = serve_command();
    cmd.env("KUBARR_DATA_DIR", data)
        .env("KUBARR_CHARTS_DIR", charts)
        .env("KUBARR_WEB_DIR", data.join("web"))
        .env("KUBARR_AUTH__BCRYPT_COST", "4")
        .env("KUBARR_HELM_BIN", tc.helm_path())
        .env("KUBECONFIG", tc.kubeconfig_path());
    cmd
}

pub struct Server {
    pub child: Child,
    pub port: u16,
    /// Holds the file the server reports its address in.
    _address_dir: tempfile::TempDir,
}

impl Server {
    /// Starts the local set-up and waits for `/api/health`.
    pub async fn start(data: &Path, charts: &Path) -> Self {
        Self::spawn(local_command(data, charts)).await
    }

    /// Starts `cmd` on a loopback port of its own choosing, learns the port from the server's
    /// listen-address file and waits for `/api/health`.
    pub async fn spawn(mut cmd: Command) -> Self {
        let address_dir = tempfile::tempdir().unwrap();
        let address_file = address_dir.path().join("listen-address");
        cmd.env("KUBARR_LISTEN", "127.0.0.1:0")
            .env("KUBARR_LISTEN_ADDRESS_PATH", &address_file);
        let mut child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&address_file) {
                let address: std::net::SocketAddr = text.trim().parse().unwrap();
                break address.port();
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("kubarr serve exited before listening: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "kubarr serve did not start listening within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let server = Self {
            child,
            port,
            _address_dir: address_dir,
        };
        server
            .wait(
                Duration::from_secs(60),
                |s, _| s == 200,
                "GET",
                "/api/health",
            )
            .await;
        server
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        http(self.port, method, path, token, body)
            .await
            .unwrap_or((0, Value::Null))
    }

    /// Polls until `pred(status, body)` holds.
    pub async fn wait(
        &self,
        timeout: Duration,
        pred: impl Fn(u16, &Value) -> bool,
        method: &str,
        path: &str,
    ) -> Value {
        self.wait_as(None, timeout, pred, method, path).await
    }

    pub async fn wait_as(
        &self,
        token: Option<&str>,
        timeout: Duration,
        pred: impl Fn(u16, &Value) -> bool,
        method: &str,
        path: &str,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let (status, body) = self.call(method, path, token, None).await;
            if pred(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "{method} {path}: condition not met in {timeout:?}; last {status} {body}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Waits until the cluster caches are in sync (`/api/ready` says `cluster: ok`).
    pub async fn wait_ready(&self) {
        self.wait(
            Duration::from_secs(60),
            |s, b| s == 200 && b["cluster"] == "ok",
            "GET",
            "/api/ready",
        )
        .await;
    }

    /// Waits for the app's status to satisfy `pred`.
    pub async fn wait_app(
        &self,
        token: &str,
        app: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        self.wait_as(
            Some(token),
            timeout,
            |s, b| s == 200 && pred(b),
            "GET",
            &format!("/api/apps/{app}/status"),
        )
        .await
    }

    /// SIGKILL to the whole process group (kubarr and any helm it runs).
    pub fn kill_hard(&mut self) {
        self.signal("KILL");
    }

    /// SIGTERM: a clean shutdown.
    pub fn terminate(&mut self) {
        self.signal("TERM");
    }

    fn signal(&mut self, signal: &str) {
        let pid = self.child.id().unwrap() as i32;
        let status = std::process::Command::new("kill")
            .args(["-s", signal, "--", &format!("-{pid}")])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Whether the server process still runs (a zombie awaiting reaping counts as gone).
    pub fn running(&self) -> bool {
        let Some(pid) = self.child.id() else {
            return false;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    }

    /// Waits (up to 30 s) until the process has exited.
    pub async fn wait_exit(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.running() {
            assert!(Instant::now() < deadline, "the server did not exit");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Creates the first administrator through the setup API; returns their token.
    pub async fn setup_admin(&self) -> String {
        let (status, body) = self
            .call(
                "POST",
                "/api/setup",
                None,
                Some(json!({"username": "admin", "email": "admin@example.test", "password": "admin plover marzipan 60"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Logs in; returns the token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                "POST",
                "/api/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, 200, "login as {username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sends an operation, retrying while a previous operation on the app is still finishing (409).
    pub async fn call_when_idle(&self, method: &str, path: &str, token: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, body) = self.call(method, path, Some(token), None).await;
            if status != 409 || Instant::now() > deadline {
                assert_eq!(status, 202, "{method} {path}: {body}");
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// A minimal HTTP/1.1 client (one request per connection) for the loopback server.
pub async fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> std::io::Result<(u16, Value)> {
    let (status, text) = http_text(port, method, path, token, body).await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// Like [`http`], with the body as text.
pub async fn http_text(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .map_err(std::io::Error::other)??;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let rest = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Ok((status, rest))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// `helm status` of the release `app` in namespace `app`, as the test bed's admin.
pub fn helm_status(app: &str) -> Option<String> {
    let v = helm_json(&["status", app, "-n", app, "-o", "json"])?;
    v["info"]["status"].as_str().map(str::to_owned)
}

/// A helm command's JSON output, as the test bed's admin (`None` when it fails).
pub fn helm_json(args: &[&str]) -> Option<Value> {
    let tc = TestCluster::get();
    // A plain blocking call: it returns in milliseconds, and waiting on it through the runtime's
    // child reaper has been seen to miss the exit on the single-threaded test runtime.
    let out = std::process::Command::new(tc.helm_path())
        .args(args)
        .arg("--kubeconfig")
        .arg(tc.kubeconfig_path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

/// Opens the event stream at `path` and reads until the text received so far satisfies `done`;
/// returns whether it did within `timeout`.
pub async fn stream_until(
    port: u16,
    path: &str,
    token: &str,
    timeout: Duration,
    done: impl Fn(&str) -> bool,
) -> bool {
    let read = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).await.ok()?;
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                return Some(false);
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            if done(&seen) {
                return Some(true);
            }
        }
    };
    matches!(tokio::time::timeout(timeout, read).await, Ok(Some(true)))
}
