//! Log output: human-readable text or one JSON object per line.

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// The log filter for a level string. SeaORM's debug spans print statements with their bound
/// values (password hashes, encrypted secrets), so when debug output is asked for, `sea_orm`
/// stays at `info` unless the level string names it explicitly.
pub fn filter(level: &str) -> EnvFilter {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let verbose = level.contains("debug") || level.contains("trace");
    if level.contains("sea_orm") || !verbose {
        filter
    } else {
        filter.add_directive("sea_orm=info".parse().expect("valid directive"))
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(log: &LogConfig) {
    let filter = filter(&log.level);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only for a terminal: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match log.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
