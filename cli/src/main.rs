//! The `jazz` binary: hands the command line to [`jazz_cli::run::run`] and exits with its code.

use std::process::ExitCode;

// Parsing and evaluation allocate many small nodes; mimalloc roughly halves the time glibc's
// allocator takes for them (measured on `jazz validate` of a generated 500-table app).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(jazz_cli::run::run(std::env::args_os().collect()))
}
