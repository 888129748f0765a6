//! Runs one contract double by hand on 127.0.0.1, e.g.
//! `cargo run -p kubarr-doubles -- sonarr --port 8989 --api-key 0123456789abcdef0123`.
//! Prints the URL, then serves until interrupted.

use anyhow::{bail, Result};
use clap::Parser;
use kubarr_doubles::{BazarrConfig, JellyfinConfig, SeerrConfig, ServarrApp, ServarrConfig};

#[derive(Parser)]
#[command(about = "Run one of Kubarr's contract doubles on 127.0.0.1")]
struct Args {
    /// sonarr, radarr, lidarr, prowlarr, bazarr, jellyfin, seerr or flaresolverr.
    app: String,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The API key (not used by jellyfin).
    #[arg(long, default_value = "kubarr-double-api-key")]
    api_key: String,
    /// URL base (Servarr apps).
    #[arg(long, default_value = "")]
    url_base: String,
    /// Where the app's `/` is on this machine, for root folders and download paths (Servarr
    /// apps, Jellyfin).
    #[arg(long)]
    fs_root: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = Args::parse();
    // The handle keeps the server running; it lives until the end of `main`.
    let (url, _running): (String, Box<dyn std::any::Any>) =
        if let Some(app) = ServarrApp::parse(&a.app) {
            let mut c = ServarrConfig::new(&a.api_key);
            c.port = a.port;
            c.url_base = a.url_base.clone();
            c.fs_root = a.fs_root.clone();
            let h = kubarr_doubles::servarr::start(app, c).await?;
            (h.url(), Box::new(h))
        } else {
            match a.app.as_str() {
                "bazarr" => {
                    let mut c = BazarrConfig::new(&a.api_key);
                    c.port = a.port;
                    let h = kubarr_doubles::start_bazarr(c).await?;
                    (h.url(), Box::new(h))
                }
                "jellyfin" => {
                    let h = kubarr_doubles::start_jellyfin(JellyfinConfig {
                        port: a.port,
                        fs_root: a.fs_root.clone(),
                    })
                    .await?;
                    (h.url(), Box::new(h))
                }
                "seerr" => {
                    let mut c = SeerrConfig::new(&a.api_key);
                    c.port = a.port;
                    let h = kubarr_doubles::start_seerr(c).await?;
                    (h.url(), Box::new(h))
                }
                "flaresolverr" => {
                    let h = kubarr_doubles::start_flaresolverr(a.port).await?;
                    (h.url(), Box::new(h))
                }
                other => bail!("unknown app {other:?}"),
            }
        };
    println!("{url}");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
