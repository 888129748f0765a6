//! The `kubarr` command line.

mod admin;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Parser, Debug)]
#[command(
    name = "kubarr",
    version,
    about = "Run a self-hosted media stack on Kubernetes."
)]
pub struct Cli {
    /// TOML configuration file (also `KUBARR_CONFIG`).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage administrator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the OpenAPI document.
    Openapi,
    /// Print every API route: method, path and who may call it.
    Routes,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an administrator. The password is read from standard input when it is not a
    /// terminal; otherwise one is generated and printed once.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
    },
    /// Set a new password for a user (read from standard input, or generated and printed) and
    /// end all of their sessions.
    ResetPassword {
        /// Username or e-mail.
        user: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked); exit non-zero listing invalid keys.
    Check,
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let config = Config::load(cli.config.clone());
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::Openapi => {
            let doc = crate::router::openapi();
            println!("{}", doc.to_pretty_json().expect("OpenAPI serialises"));
            return ExitCode::SUCCESS;
        }
        Command::Routes => return print_routes(),
        _ => {}
    }
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&config.log);
    let result = match command {
        Command::Serve => crate::server::serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Admin(AdminCommand::Create { username, email }) => {
            admin::create(config, username, email).await
        }
        Command::Admin(AdminCommand::ResetPassword { user }) => {
            admin::reset_password(config, user).await
        }
        Command::Config(ConfigCommand::Check) => {
            println!(
                "{}",
                toml::to_string_pretty(&config).expect("configuration serialises")
            );
            Ok(())
        }
        Command::Openapi | Command::Routes => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `kubarr routes`: one line per route; fails when a route has no declared access.
fn print_routes() -> ExitCode {
    let routes = crate::router::routes();
    let width = routes.iter().map(|r| r.path.len()).max().unwrap_or(0);
    let mut undeclared = false;
    for r in &routes {
        let access = match r.access {
            Some(a) => a.to_string(),
            None => {
                undeclared = true;
                format!("UNDECLARED ({})", r.operation_id)
            }
        };
        println!("{:<7} {:<width$}  {access}", r.method.as_str(), r.path);
    }
    if undeclared {
        eprintln!("error: some routes declare no access (see crate::router::ACCESS)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let db = crate::server::open_database(&config).await?;
    db.close().await.ok();
    println!("database is up to date");
    Ok(())
}
