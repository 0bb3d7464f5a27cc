//! `jazz lsp`: resolves the log options and hands stdin/stdout to
//! the language server. Everything else lives in the `jazz-lsp` crate.

use jazz_lsp::{Level, Options};

use crate::args::LspArgs;

/// Runs the server; returns its exit code (0 after `shutdown` + `exit`, else 1).
pub fn run(args: &LspArgs, env_level: Option<&str>) -> u8 {
    let _ = args.stdio;
    let level = match (args.log_level.as_deref(), env_level) {
        (Some(flag), _) => flag.parse().unwrap_or(Level::Warn),
        (None, Some(env)) => env.parse().unwrap_or_else(|e| {
            eprintln!("warning: JAZZ_LSP_LOG: {e}; using warn");
            Level::Warn
        }),
        (None, None) => Level::Warn,
    };
    let options = Options {
        log_file: args.log_file.clone(),
        log_level: level,
    };
    match jazz_lsp::run_stdio(&options) {
        Ok(code) => u8::try_from(code).unwrap_or(1),
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
