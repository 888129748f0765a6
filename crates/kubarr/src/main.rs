//! The `kubarr` binary.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    kubarr::cli::run(kubarr::cli::Cli::parse()).await
}
