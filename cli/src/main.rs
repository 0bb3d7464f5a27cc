//! The `jazz` binary: hands the command line to [`jazz_cli::run::run`] and exits with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(jazz_cli::run::run(std::env::args_os().collect()))
}
