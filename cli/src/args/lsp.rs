//! The flags of `jazz lsp`.

use std::path::PathBuf;

use clap::Args;

/// `jazz lsp`.
#[derive(Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport
    #[arg(long)]
    pub stdio: bool,

    /// Write logs to this file instead of stderr
    #[arg(long = "log-file", value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log level: error, warn, info, debug or trace [env: JAZZ_LSP_LOG] [default: warn]
    #[arg(long = "log-level", value_name = "LEVEL", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: Option<String>,
}
