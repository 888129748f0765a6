//! Starting the server: configuration → database → migrations → router → listener, with graceful
//! shutdown on SIGINT/SIGTERM (in-flight requests finish).

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::coordination::Coordination;
use crate::secret_key::SecretKey;
use crate::state::AppState;

/// Opens the database and applies migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let mut opts = kubarr_db::DbOptions::new(config.database.url.expose());
    opts.max_connections = config.database.max_connections;
    opts.acquire_timeout = std::time::Duration::from_secs(config.database.acquire_timeout_secs);
    opts.startup_timeout = std::time::Duration::from_secs(config.database.startup_timeout_secs);
    let db = kubarr_db::connect(&opts)
        .await
        .context("opening the database")?;
    kubarr_db::migrate(&db)
        .await
        .context("applying database migrations")?;
    Ok(db)
}

/// Builds the shared state from the configuration, as one replica coordinated by `coordination`.
pub async fn build_state(
    config: Config,
    coordination: Arc<Coordination>,
) -> anyhow::Result<AppState> {
    let db = open_database(&config).await?;
    let secret_key = SecretKey::load_or_create(
        config.secret_key.as_ref().map(|s| s.expose()),
        &config.data_dir,
    )?;
    crate::bootstrap::create_initial_admin(&config, &db).await?;
    let apps = crate::apps::Apps::start(&config, db.clone(), coordination).await?;
    let state = AppState::from_parts(config, db, secret_key, apps);
    if kubarr_db::queries::users::count(&state.db).await? == 0 {
        // Printed once, for whoever runs the server: it opens first-run setup to another machine
        // until the first administrator exists (from this machine, setup needs no token).
        tracing::warn!(
            setup_token = state.auth.setup_token.reveal(),
            "no administrator exists yet: open /setup from this machine, or enter this setup token"
        );
    }
    Ok(state)
}

/// Serves until SIGINT or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let coordination = Coordination::for_database(config.database.url.expose());
    let state = build_state(config, coordination.clone()).await?;
    let leases = coordination.spawn(state.db.clone());
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    if let Some(file) = &state.config.listen_address_path {
        write_listen_address(file, address)?;
    }
    tracing::info!(
        %address,
        replica = coordination.replica_id(),
        "Kubarr is listening"
    );
    let gateway_listeners = crate::gateway::serve::bind(&state).await?;
    // The first socket stands for the gateway (in port mode, the range's first port).
    if let Some(address) = gateway_listeners
        .first()
        .and_then(|l| l.listener.local_addr().ok())
    {
        tracing::info!(%address, "the app gateway is listening");
        // Next to Kubarr's own address, for supervisors and tests (`<file>.gateway`).
        if let Some(file) = &state.config.listen_address_path {
            write_listen_address(&file.with_extension("gateway"), address)?;
        }
    }
    let (gateway_stop, gateway_stopped) = tokio::sync::oneshot::channel::<()>();
    let gateway = tokio::spawn(crate::gateway::serve::run(
        state.clone(),
        gateway_listeners,
        async move {
            let _ = gateway_stopped.await;
        },
    ));
    let app = crate::router::build(state.clone());
    let purge_state = state.clone();
    let purge = coordination.while_leader(move || {
        crate::auth::purge::run(purge_state.clone(), crate::auth::purge::INTERVAL)
    });
    let wiring_state = state.clone();
    let wiring = coordination.while_leader(move || crate::wiring::run(wiring_state.clone()));
    crate::listener::run(listener, app, &state.config.http, shutdown_signal())
        .await
        .context("server error")?;
    let _ = gateway_stop.send(());
    let _ = gateway.await;
    purge.abort();
    wiring.abort();
    leases.abort();
    coordination.step_down(&state.db).await;
    state.db.close().await.ok();
    tracing::info!("Kubarr stopped");
    Ok(())
}

/// Writes `address` to `file` atomically (a reader never sees a half-written address).
fn write_listen_address(
    file: &std::path::Path,
    address: std::net::SocketAddr,
) -> anyhow::Result<()> {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, address.to_string())
        .and_then(|()| std::fs::rename(&tmp, file))
        .with_context(|| format!("cannot write the listen address to {}", file.display()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
