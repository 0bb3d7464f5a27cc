//! The commands, one module each, and what they share: the [`Context`] of a run (cwd, the
//! resolved environment, output) and analysing the project through the compiler core.
//!
//! Commands translate between the core and the outside world; facts about a project come from
//! `project::Analysis`, never from looking at source here.

pub mod completions;
pub mod create;
pub mod deploy;
pub mod dev;
pub mod explain;
pub mod init;
pub mod lsp;
pub mod migrations;
pub mod permissions;
pub mod schema;
pub mod server;
pub mod validate;

use std::path::{Path, PathBuf};

use jazz_schema_compiler::project::{self, Analysis};

use crate::args::{MigrationsDirArgs, ProjectArgs};
use crate::env::Env;
use crate::loader::DiskLoader;
use crate::output::{Output, Stream};
use crate::paths;

/// Default per-request HTTP timeout in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// Everything a command needs from the process.
#[derive(Debug)]
pub struct Context {
    pub cwd: PathBuf,
    /// `<cli>`: the program name as invoked.
    pub cli: String,
    pub env: Env,
    pub out: Output,
    /// `--timeout`, when given.
    pub timeout_flag: Option<u64>,
    pub verbose: bool,
}

impl Context {
    /// The HTTP timeout: `--timeout`, else `JAZZ_HTTP_TIMEOUT_SECS`, else 60 s.
    pub fn http_timeout(&self) -> Result<u64, String> {
        if let Some(secs) = self.timeout_flag {
            return Ok(secs);
        }
        match self.env.lookup(&["JAZZ_HTTP_TIMEOUT_SECS"]).0 {
            None => Ok(DEFAULT_TIMEOUT_SECS),
            Some(found) => found
                .value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    format!(
                        "invalid {} value {}: expected a positive number of seconds",
                        found.name, found.value
                    )
                }),
        }
    }

    /// `<root>`: `--schema-dir` resolved against the cwd, else the project found by walking up
    /// from the cwd ([`project::find_root`]), else the cwd (whose analysis then fails with
    /// JZ1001, listing what was searched).
    pub fn root(&self, project: &ProjectArgs) -> PathBuf {
        match &project.schema_dir {
            Some(dir) => paths::resolve(&self.cwd, dir),
            None => project::find_root(&DiskLoader, &self.cwd).unwrap_or_else(|_| self.cwd.clone()),
        }
    }

    /// Analyses the project at `root`, with `process.env` reads resolved from `--define`s, the
    /// environment and the env files (in that order); nothing is printed yet. Every command
    /// analyses through here, so they all see the same values.
    pub fn analyze(&self, root: &Path) -> Analysis {
        self.analyze_with(root, None)
    }

    /// [`Context::analyze`], checking the migration files in `migrations` too when given.
    pub fn analyze_with(&self, root: &Path, migrations: Option<&Path>) -> Analysis {
        let env = &self.env;
        let lookup = |name: &str| env.process_env(name).map(str::to_owned);
        let mut options = project::AnalyzeOptions::default().with_env(&lookup);
        if let Some(dir) = migrations {
            options = options.with_migrations(Some(dir));
        }
        project::analyze(&DiskLoader, root, &options)
    }

    /// The migrations directory: `--migrations-dir` resolved against the cwd, else
    /// [`project::default_migrations_dir`] of the project root (the one rule for every command).
    pub fn migrations_dir(&self, flag: &MigrationsDirArgs, project: &ProjectArgs) -> PathBuf {
        match &flag.migrations_dir {
            Some(dir) => paths::resolve(&self.cwd, dir),
            None => project::default_migrations_dir(&self.root(project)),
        }
    }
}

/// How a command ended: its exit code, and the `result` and stream of its JSON envelope.
#[derive(Debug)]
pub struct Outcome {
    pub exit_code: u8,
    pub result: serde_json::Value,
    pub envelope: Stream,
}

impl Outcome {
    pub fn ok(result: serde_json::Value) -> Self {
        Self {
            exit_code: 0,
            result,
            envelope: Stream::Stdout,
        }
    }

    pub fn failed(result: serde_json::Value) -> Self {
        Self {
            exit_code: 1,
            result,
            envelope: Stream::Stdout,
        }
    }
}

/// Prints an analysis's diagnostics.
pub fn report(ctx: &mut Context, analysis: &Analysis, root: &Path) {
    ctx.out
        .diagnostics(&analysis.diagnostics, &analysis.db, root);
}

/// When analysis found no error but built no schema either, the core broke its contract; say
/// so instead of exiting 0 with nothing to show.
pub fn no_schema(ctx: &mut Context, analysis: &Analysis) {
    if !analysis.has_errors() {
        let file = analysis
            .schema_file
            .as_deref()
            .map(shown)
            .unwrap_or_default();
        ctx.out.error(&format!(
            "internal error: no schema was built from {file}, and no diagnostic says why"
        ));
    }
}

/// A command line the parser accepted but a command rejects (exit 2, like a usage error).
#[derive(Debug)]
pub struct UsageError {
    /// The subcommand path, for the usage line: `["schema", "export"]`.
    pub command: &'static [&'static str],
    pub message: String,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// The path as upstream prints it in `Loaded … from <file>.` lines: absolute.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}
