//! A fast upstream and its clients for `scripts/bench-gateway`, on 127.0.0.1 only.
//!
//! `bench-upstream serve <port>`: HTTP/1.1 with keep-alive: `GET /small` (13 bytes), `GET /big`
//! (1 GiB generated on the fly, 256 KiB writes), `GET /hold` (a response that trickles one byte a
//! second, for open streams), and `GET /ws` (an upgrade that echoes raw bytes).
//!
//! `bench-upstream ws-rtt <addr> <host> <cookie> <rounds>`: upgrades `/ws` at `addr` (with
//! `Host` and `Cookie`) and prints the round-trip time of 64-byte messages (p50, p99, mean).
//!
//! `bench-upstream hold <addr> <host> <cookie> <count> <seconds>`: opens `count` `/hold`
//! streams, keeps them reading for `seconds`, and prints how many stayed open.
//!
//! Written on plain tokio so that the upstream, not its framework, is never the bottleneck.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BIG: u64 = 1 << 30;
const CHUNK: usize = 256 * 1024;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(args.get(1).context("serve <port>")?.parse()?).await,
        Some("ws-rtt") if args.len() == 5 => {
            ws_rtt(&args[1], &args[2], &args[3], args[4].parse()?).await
        }
        Some("hold") if args.len() == 6 => {
            hold(&args[1], &args[2], &args[3], args[4].parse()?, args[5].parse()?).await
        }
        _ => bail!("usage: bench-upstream serve <port> | ws-rtt <addr> <host> <cookie> <rounds> | hold <addr> <host> <cookie> <count> <seconds>"),
    }
}

async fn serve(port: u16) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = connection(stream).await;
        });
    }
}

/// Reads one request head; `None` at a clean end of the connection.
async fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<String>> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 4);
            return Ok(Some(head));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn connection(mut stream: TcpStream) -> Result<()> {
    let mut buf = Vec::new();
    while let Some(head) = read_head(&mut stream, &mut buf).await? {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        match path.as_str() {
            "/small" => {
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nhello, world\n")
                    .await?;
            }
            "/big" => {
                stream
                    .write_all(format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {BIG}\r\n\r\n").as_bytes())
                    .await?;
                let block: Vec<u8> = (0..CHUNK).map(|i| (i % 251) as u8).collect();
                let mut left = BIG;
                while left > 0 {
                    let n = left.min(CHUNK as u64) as usize;
                    stream.write_all(&block[..n]).await?;
                    left -= n as u64;
                }
            }
            "/hold" => {
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await?;
                loop {
                    stream.write_all(b"1\r\n.\r\n").await?;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            "/ws" => {
                stream
                    .write_all(b"HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n")
                    .await?;
                let mut rest = std::mem::take(&mut buf);
                loop {
                    if !rest.is_empty() {
                        stream.write_all(&rest).await?;
                    }
                    rest.resize(16 * 1024, 0);
                    let n = stream.read(&mut rest).await?;
                    if n == 0 {
                        return Ok(());
                    }
                    rest.truncate(n);
                }
            }
            _ => {
                stream
                    .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                    .await?;
            }
        }
    }
    Ok(())
}

async fn request(
    addr: &str,
    host: &str,
    cookie: &str,
    path: &str,
    upgrade: bool,
) -> Result<TcpStream> {
    let mut s = TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    let extra = if upgrade {
        "connection: upgrade\r\nupgrade: websocket\r\n"
    } else {
        ""
    };
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nhost: {host}\r\ncookie: {cookie}\r\n{extra}\r\n")
            .as_bytes(),
    )
    .await?;
    let mut buf = Vec::new();
    let head = read_head(&mut s, &mut buf)
        .await?
        .context("connection closed before the response")?;
    let status = head.split_whitespace().nth(1).unwrap_or("");
    let want = if upgrade { "101" } else { "200" };
    if status != want {
        bail!("{path}: status {status}, want {want}");
    }
    Ok(s)
}

async fn ws_rtt(addr: &str, host: &str, cookie: &str, rounds: usize) -> Result<()> {
    let mut s = request(addr, host, cookie, "/ws", true).await?;
    let msg = [b'x'; 64];
    let mut back = [0u8; 64];
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        s.write_all(&msg).await?;
        s.read_exact(&mut back).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / rounds as u32;
    println!(
        "ws round trip over {rounds}: p50 {:?} p99 {:?} mean {mean:?}",
        times[rounds / 2],
        times[rounds * 99 / 100]
    );
    Ok(())
}

async fn hold(addr: &str, host: &str, cookie: &str, count: usize, seconds: u64) -> Result<()> {
    let mut tasks = Vec::new();
    for _ in 0..count {
        let (addr, host, cookie) = (addr.to_owned(), host.to_owned(), cookie.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut s = request(&addr, &host, &cookie, "/hold", false).await?;
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut sink = [0u8; 256];
            while Instant::now() < deadline {
                match tokio::time::timeout(Duration::from_secs(3), s.read(&mut sink)).await {
                    Ok(Ok(0)) => bail!("closed"),
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => return Err(e.into()),
                    Err(_) => bail!("stalled"),
                }
            }
            Ok(())
        }));
        // A gentle ramp: no connection storm against the listener's accept queue.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut open = 0;
    for t in tasks {
        if matches!(t.await, Ok(Ok(()))) {
            open += 1;
        }
    }
    println!("{open} of {count} streams stayed open for {seconds} s");
    Ok(())
}
