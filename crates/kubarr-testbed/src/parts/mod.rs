//! Real programs for feature tests, started on 127.0.0.1 with a safe profile: the download clients
//! Debian ships (qBittorrent, Transmission, Deluge, NZBGet) and the Go-built helpers of
//! `testbed/build-helpers.sh` (Dex, mailpit, the distribution registry).
//!
//! Every starter follows the same rules:
//! - a fresh temporary directory holds the program's whole profile (removed on drop);
//! - peer discovery and anything that calls home (DHT, LSD, UPnP/NAT-PMP, PEX, update checks,
//!   telemetry) is off, and every socket is bound to loopback;
//! - ports come from [`free_port`]; the program binds them itself, so a start is retried with new
//!   ports when another process took one in between (the listener is checked to belong to the
//!   started process, see [`PartProcess::wait_listening`]);
//! - readiness is a condition with a deadline (the program's own API answers);
//! - the process group is killed on drop.

pub mod deluge;
pub mod dex;
pub mod mailpit;
pub mod nzbget;
pub mod qbittorrent;
pub mod registry;
pub mod transmission;

mod process;

pub use process::{free_port, listening_sockets, ListeningSocket, PartProcess};

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

/// How long a part may take to answer after its process started.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a start is retried when a chosen port turned out to be taken.
const START_ATTEMPTS: usize = 4;

/// The loopback address every part binds.
pub const LOOPBACK: &str = "127.0.0.1";

/// Runs `start` up to [`START_ATTEMPTS`] times while it fails with a port collision (a
/// [`PortTaken`] error), each time with fresh ports; other errors end the retries.
pub(crate) async fn with_port_retries<T, F, Fut>(what: &str, mut start: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut last = None;
    for _ in 0..START_ATTEMPTS {
        match start().await {
            Ok(v) => return Ok(v),
            Err(e) if e.downcast_ref::<PortTaken>().is_some() => last = Some(e),
            Err(e) => return Err(e).with_context(|| format!("starting {what}")),
        }
    }
    Err(last.unwrap_or_else(|| anyhow!("no attempt made")))
        .with_context(|| format!("starting {what}: every attempt lost a port to another process"))
}

/// A chosen port was bound by another process before the part could bind it.
#[derive(Debug)]
pub struct PortTaken(pub u16);

impl std::fmt::Display for PortTaken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "port {} was taken by another process", self.0)
    }
}

impl std::error::Error for PortTaken {}

/// An HTTP client for talking to parts: no proxy, short timeouts, no redirects followed.
pub fn http_client() -> reqwest::Client {
    client_builder()
        .build()
        .expect("building an HTTP client cannot fail with these settings")
}

/// Like [`http_client`], with a cookie store (for the web UIs that log in with a session cookie).
pub fn http_client_with_cookies() -> reqwest::Client {
    client_builder()
        .cookie_store(true)
        .build()
        .expect("building an HTTP client cannot fail with these settings")
}

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
}

/// The directory holding `dex`, `mailpit` and `registry`, built on first use by
/// `testbed/build-helpers.sh` (instant when cached). Panics if the build fails.
pub fn helpers_bin_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(|| {
        run_build_script("testbed/build-helpers.sh", &[]).map_err(|e| format!("{e:#}"))
    }) {
        Ok(d) => d,
        Err(e) => panic!("the helper programs are not available:\n{e}"),
    }
}

/// The test bed's `helm` (`testbed/build.sh`'s bin directory), building the test bed only when
/// it is not there yet.
pub fn helm_binary() -> &'static Path {
    static HELM: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = HELM.get_or_init(|| {
        let find = || -> Result<PathBuf> {
            let dir = run_build_script("testbed/build.sh", &["--bin-dir"])?;
            let helm = dir.join("helm");
            if helm.is_file() {
                return Ok(helm);
            }
            Ok(run_build_script("testbed/build.sh", &[])?.join("helm"))
        };
        find().map_err(|e| format!("{e:#}"))
    });
    match found {
        Ok(h) => h,
        Err(e) => panic!("helm is not available:\n{e}"),
    }
}

fn run_build_script(relative: &str, args: &[&str]) -> Result<PathBuf> {
    let script = crate::repo_root().join(relative);
    let out = std::process::Command::new(&script)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !out.status.success() {
        bail!("{} failed ({})", script.display(), out.status);
    }
    let dir = String::from_utf8_lossy(&out.stdout)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| PathBuf::from(l.trim()))
        .ok_or_else(|| anyhow!("{} printed no bin dir", script.display()))?;
    Ok(dir)
}

/// A Debian-installed program, or a clear error naming the package to install.
pub(crate) fn system_program(name: &str, package: &str) -> Result<PathBuf> {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let p = Path::new(dir).join(name);
        if p.is_file() {
            return Ok(p);
        }
    }
    bail!("{name} is not installed (scripts/ensure-deps installs it: apt-get install {package})")
}

/// Where a part keeps its profile: a temporary directory of its own (removed on drop), or one
/// the caller prepared (e.g. by running a chart's seed script) and keeps.
#[derive(Debug)]
pub(crate) enum ProfileDir {
    Temp(tempfile::TempDir),
    Given(PathBuf),
}

impl ProfileDir {
    pub(crate) fn temp(prefix: &str) -> Result<Self> {
        Ok(Self::Temp(
            tempfile::Builder::new().prefix(prefix).tempdir()?,
        ))
    }

    pub(crate) fn path(&self) -> &Path {
        match self {
            Self::Temp(d) => d.path(),
            Self::Given(p) => p,
        }
    }
}

/// Sets `key=value` in `[section]` of an INI text (Qt's format, as qBittorrent writes it):
/// replaces the key where it is, or adds it at the end of the section, or adds the section.
pub fn ini_set(text: &str, section: &str, key: &str, value: &str) -> String {
    let header = format!("[{section}]");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let start = lines.iter().position(|l| l.trim() == header);
    let Some(start) = start else {
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(header);
        lines.push(format!("{key}={value}"));
        return lines.join("\n") + "\n";
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + 1 + i);
    let existing = (start + 1..end).find(|&i| {
        lines[i]
            .split_once('=')
            .is_some_and(|(k, _)| k.trim() == key)
    });
    match existing {
        Some(i) => lines[i] = format!("{key}={value}"),
        None => {
            // After the section's last non-blank line.
            let mut at = end;
            while at > start + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            lines.insert(at, format!("{key}={value}"));
        }
    }
    lines.join("\n") + "\n"
}

/// A random alphanumeric string (passwords, API keys, salts for tests).
pub fn random_token(len: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Whether an address is loopback (127.0.0.0/8, ::1, or an IPv4-mapped loopback).
pub fn is_loopback(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_loopback(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn ini_set_replaces_appends_and_adds_sections() {
        let text = "[A]\nx=1\n\n[B]\ny=2\n";
        assert_eq!(ini_set(text, "A", "x", "9"), "[A]\nx=9\n\n[B]\ny=2\n");
        assert_eq!(ini_set(text, "A", "z", "3"), "[A]\nx=1\nz=3\n\n[B]\ny=2\n");
        assert_eq!(
            ini_set(text, "C", "w\\k", "4"),
            "[A]\nx=1\n\n[B]\ny=2\n\n[C]\nw\\k=4\n"
        );
        // A value holding `=` stays whole; keys are matched exactly.
        let text = "[P]\nWebUI\\Password_PBKDF2=\"@ByteArray(a=:b=)\"\nWebUI\\Port=8080\n";
        let out = ini_set(text, "P", "WebUI\\Port", "1");
        assert!(out.contains("WebUI\\Password_PBKDF2=\"@ByteArray(a=:b=)\"\n"));
        assert!(out.contains("WebUI\\Port=1\n"));
    }

    #[tokio::test]
    async fn a_lost_port_race_is_retried_and_other_errors_are_not() {
        let tries = AtomicUsize::new(0);
        let v = with_port_retries("x", || async {
            if tries.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(anyhow::Error::new(PortTaken(1)))
            } else {
                Ok(7)
            }
        })
        .await
        .unwrap();
        assert_eq!((v, tries.load(Ordering::SeqCst)), (7, 3));

        let tries = AtomicUsize::new(0);
        let err = with_port_retries("x", || async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(anyhow!("config broken"))
        })
        .await
        .unwrap_err();
        assert_eq!(tries.load(Ordering::SeqCst), 1);
        assert!(format!("{err:#}").contains("config broken"));
    }
}
