//! A started part's process (killed with its process group on drop), port choice, and which
//! sockets a process tree listens on (read with `ss -tulpn`).

use std::collections::HashSet;
use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use super::PortTaken;

/// A port that was free on 127.0.0.1 a moment ago. The part binds it itself; a lost race shows
/// up as [`PortTaken`] from [`PartProcess::wait_listening`] and the start is retried.
pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("reserving a port")?;
    Ok(l.local_addr()?.port())
}

/// A running part: its own process group, output in `<dir>/<name>.log`.
#[derive(Debug)]
pub struct PartProcess {
    name: String,
    child: Child,
    log: PathBuf,
}

impl PartProcess {
    /// Spawns `cmd` in a new process group with stdin closed and stdout/stderr appended to
    /// `<log_dir>/<name>.log`.
    pub fn spawn(name: &str, mut cmd: Command, log_dir: &Path) -> Result<Self> {
        let log = log_dir.join(format!("{name}.log"));
        let out = File::options()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("opening {}", log.display()))?;
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .process_group(0);
        let child = cmd
            .spawn()
            .with_context(|| format!("spawning {name} ({:?})", cmd.get_program()))?;
        Ok(Self {
            name: name.to_string(),
            child,
            log,
        })
    }

    /// The process id (also the process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The file holding the process's output.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last `lines` lines of the process's output.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// An error if the process has exited: [`PortTaken`] when its output says an address was in
    /// use, otherwise its exit status and log tail.
    pub fn check_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            let tail = self.log_tail(30);
            let lower = tail.to_ascii_lowercase();
            if lower.contains("address already in use")
                || lower.contains("address in use")
                || lower.contains("couldn't listen")
                || lower.contains("cannot bind")
            {
                return Err(anyhow::Error::new(PortTaken(0)).context(format!(
                    "{} exited ({status}) because a port was taken:\n{tail}",
                    self.name
                )));
            }
            bail!(
                "{} exited ({status}) before it was ready:\n{tail}",
                self.name
            );
        }
        Ok(())
    }

    /// Waits until this process (or a child of it) listens on TCP `127.0.0.1:port`. Fails with
    /// [`PortTaken`] when another process listens there, or when the process exits saying so.
    pub async fn wait_listening(&mut self, port: u16, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let want = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        loop {
            self.check_running()?;
            let ours = listening_sockets(self.pid())?;
            if ours.iter().any(|s| s.tcp && s.addr == want) {
                return Ok(());
            }
            if port_listened_by_other(port, self.pid())? {
                return Err(anyhow::Error::new(PortTaken(port)).context(format!(
                    "{}: port {port} is held by another process",
                    self.name
                )));
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} did not listen on {want} within {timeout:?}; its output:\n{}",
                    self.name,
                    self.log_tail(30)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every socket the process tree listens on (TCP listeners, bound UDP sockets).
    pub fn listening(&self) -> Result<Vec<ListeningSocket>> {
        listening_sockets(self.pid())
    }
}

impl Drop for PartProcess {
    fn drop(&mut self) {
        // The whole group: daemons that fork helpers (or a shell wrapper) go with it.
        let _ = killpg(Pid::from_raw(self.child.id() as i32), Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// One socket from `ss -tulpn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListeningSocket {
    /// TCP (listening) or UDP (bound).
    pub tcp: bool,
    /// The local address.
    pub addr: SocketAddr,
    /// The owning process.
    pub pid: u32,
    /// The owning process's name as `ss` shows it.
    pub process: String,
}

impl std::fmt::Display for ListeningSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let proto = if self.tcp { "tcp" } else { "udp" };
        write!(
            f,
            "{proto} {} ({} pid {})",
            self.addr, self.process, self.pid
        )
    }
}

/// The sockets that `pid` and its descendants listen on, from `ss -tulpn`.
pub fn listening_sockets(pid: u32) -> Result<Vec<ListeningSocket>> {
    let tree = process_tree(pid);
    Ok(all_listening()?
        .into_iter()
        .filter(|s| tree.contains(&s.pid))
        .collect())
}

fn port_listened_by_other(port: u16, pid: u32) -> Result<bool> {
    let tree = process_tree(pid);
    Ok(all_listening()?
        .iter()
        .any(|s| s.tcp && s.addr.port() == port && !tree.contains(&s.pid)))
}

fn all_listening() -> Result<Vec<ListeningSocket>> {
    let out = Command::new("ss")
        .args(["-tulpnH"])
        .stdin(Stdio::null())
        .output()
        .context("running ss -tulpn (package iproute2)")?;
    if !out.status.success() {
        bail!("ss -tulpn failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(parse_ss(&String::from_utf8_lossy(&out.stdout)))
}

/// Parses `ss -tulpnH` lines: `tcp LISTEN 0 4096 127.0.0.1:8080 0.0.0.0:* users:(("x",pid=1,fd=3))`.
fn parse_ss(text: &str) -> Vec<ListeningSocket> {
    let mut out = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 6 {
            continue;
        }
        let tcp = match cols[0] {
            "tcp" => true,
            "udp" => false,
            _ => continue,
        };
        let Some(addr) = parse_ss_addr(cols[4]) else {
            continue;
        };
        let users = cols[6..].join(" ");
        for user in users.split("),(") {
            let process = user.split('"').nth(1).unwrap_or_default().to_string();
            if let Some(pid) = user
                .split("pid=")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|p| p.parse().ok())
            {
                out.push(ListeningSocket {
                    tcp,
                    addr,
                    pid,
                    process: process.clone(),
                });
            }
        }
    }
    out
}

fn parse_ss_addr(s: &str) -> Option<SocketAddr> {
    let (host, port) = s.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    // `127.0.0.1%lo`, `[::1]`, `[::ffff:127.0.0.1]`, `*`.
    let host = host.split('%').next()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = if host == "*" {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        host.parse().ok()?
    };
    Some(SocketAddr::new(ip, port))
}

/// `pid` and all its descendants (from `/proc/*/stat`).
fn process_tree(pid: u32) -> HashSet<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // Fields after the parenthesised command name: state ppid ...
            if let Some(ppid) = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|s| s.parse().ok())
            {
                parents.push((p, ppid));
            }
        }
    }
    let mut tree = HashSet::from([pid]);
    loop {
        let before = tree.len();
        for (p, ppid) in &parents {
            if tree.contains(ppid) {
                tree.insert(*p);
            }
        }
        if tree.len() == before {
            return tree;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ss_lines() {
        let text = "\
tcp   LISTEN 0      4096        127.0.0.1:8080       0.0.0.0:*    users:((\"qbittorrent-nox\",pid=1234,fd=12))
udp   UNCONN 0      0      127.0.0.1%lo:6881        0.0.0.0:*    users:((\"qbittorrent-nox\",pid=1234,fd=13))
tcp   LISTEN 0      50              *:9000              *:*    users:((\"a\",pid=7,fd=3),(\"b\",pid=8,fd=3))
tcp   LISTEN 0      50          [::1]:9001           [::]:*    users:((\"c\",pid=9,fd=3))
";
        let s = parse_ss(text);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].addr, "127.0.0.1:8080".parse().unwrap());
        assert!(s[0].tcp && !s[1].tcp);
        assert_eq!(s[1].addr, "127.0.0.1:6881".parse().unwrap());
        assert_eq!((s[2].pid, s[3].pid), (7, 8));
        assert_eq!(s[2].addr.ip(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(s[4].addr, "[::1]:9001".parse().unwrap());
        assert_eq!(s[4].process, "c");
    }

    #[tokio::test]
    async fn a_port_held_by_another_process_is_reported_as_taken() {
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let mut p = PartProcess::spawn("sleeper", cmd, dir.path()).unwrap();
        let err = p
            .wait_listening(port, Duration::from_secs(5))
            .await
            .expect_err("the port belongs to this test, not to the sleeper");
        assert!(err.downcast_ref::<PortTaken>().is_some(), "{err:#}");
    }

    #[test]
    fn drop_kills_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("sh");
        // A child that would outlive a plain kill of the shell.
        cmd.args(["-c", "sleep 60 & echo $! > child.pid; wait"])
            .current_dir(dir.path());
        let p = PartProcess::spawn("tree", cmd, dir.path()).unwrap();
        let pid_file = dir.path().join("child.pid");
        let deadline = Instant::now() + Duration::from_secs(5);
        while !pid_file.is_file()
            || std::fs::read_to_string(&pid_file)
                .unwrap()
                .trim()
                .is_empty()
        {
            assert!(
                Instant::now() < deadline,
                "the shell never started its child"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let child: u32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let shell = p.pid();
        drop(p);
        // The shell is reaped by drop; the orphaned sleep is gone once the kernel delivers the
        // signal (a zombie until init reaps it, so look at its state too).
        let gone = |pid: u32| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| {
                    s.rsplit_once(')')
                        .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
                })
                .unwrap_or(true)
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while !(gone(shell) && gone(child)) {
            assert!(
                Instant::now() < deadline,
                "pid {shell} or {child} survived the drop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn process_tree_contains_self() {
        assert!(process_tree(std::process::id()).contains(&std::process::id()));
    }
}
