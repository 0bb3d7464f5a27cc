//! Project discovery (where schema.ts / permissions.ts live, the way upstream finds them) and
//! the [`Analysis`] that ties a project's files together. The CLI and the LSP ask this module,
//! never the phases directly.

mod discover;
pub mod env_file;
mod incremental;
mod migration_plan;
pub mod query;
mod schema_changed;
pub mod versions;

pub use discover::{Discovery, default_migrations_dir, discover, find_root};
pub use incremental::Incremental;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::{SourceDb, SourceLoader};

/// Everything known about one project after analysis.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Every file read, for rendering diagnostics.
    pub db: SourceDb,
    /// The chosen schema.ts, if discovery found exactly one.
    pub schema_file: Option<PathBuf>,
    /// permissions.ts next to it, if it exists.
    pub permissions_file: Option<PathBuf>,
    /// The schema, when evaluation got far enough to build one (even with errors).
    pub schema: Option<std::sync::Arc<WasmSchema>>,
    /// All diagnostics, in a stable order (file, then position).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the schema's tables, columns and refs are defined (for [`query`]).
    pub symbols: std::sync::Arc<crate::eval::symbols::SchemaSymbols>,
    /// The permissions phase's result, when the schema evaluated (permissions.md).
    pub permissions: Option<crate::policy::PolicyOutput>,
    /// The names each migration file uses, when the migrations were checked.
    pub migrations: Vec<crate::migrations::project::MigrationNames>,
    /// The migrations directory that was checked (`None`: migrations were not checked).
    pub migrations_dir: Option<PathBuf>,
    /// Whether schema.ts, permissions.ts or discovery reported an error (migration files
    /// aside).
    project_errors: bool,
    /// For each of [`Analysis::diagnostics`], whether checking the migrations directory
    /// produced it (see [`Analysis::is_migration_diagnostic`]).
    from_migrations: Vec<bool>,
    /// The occurrence index of editor queries, built on first use (`query/occurrences.rs`).
    occurrence_index: std::sync::OnceLock<Vec<query::Occurrence>>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The schema, only when there are no errors: artefacts (hash, snapshot, stub, publish) are
    /// never produced from a schema with errors.
    pub fn valid_schema(&self) -> Option<&WasmSchema> {
        if self.has_errors() {
            None
        } else {
            self.schema.as_deref()
        }
    }

    /// The schema when schema.ts and permissions.ts have no errors, whatever the migration
    /// files say (`jazz validate` and `jazz dev` report those on their own).
    pub fn valid_schema_ignoring_migrations(&self) -> Option<&WasmSchema> {
        if self.project_errors {
            None
        } else {
            self.schema.as_deref()
        }
    }

    /// Whether `diagnostics[index]` came from checking the migrations directory: a finding in
    /// a migration file, in a file only migrations import, or about the migrations the schema
    /// lacks (JZ3504). Such findings never make [`Analysis::valid_schema_ignoring_migrations`]
    /// fail. `false` for an index out of range.
    pub fn is_migration_diagnostic(&self, index: usize) -> bool {
        self.from_migrations.get(index).copied().unwrap_or(false)
    }

    /// The diagnostics of discovery, schema.ts and permissions.ts (and what they import), in
    /// order: [`Analysis::diagnostics`] without the migration findings.
    pub fn project_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.is_migration_diagnostic(*i))
            .map(|(_, d)| d)
    }

    /// The migration findings of [`Analysis::diagnostics`], in order.
    pub fn migration_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .enumerate()
            .filter(|(i, _)| self.is_migration_diagnostic(*i))
            .map(|(_, d)| d)
    }
}

/// How to analyse a project: what `process.env` reads in permissions.ts resolve to, and
/// whether (and where) the migration files are checked.
#[derive(Clone, Copy)]
pub struct AnalyzeOptions<'a> {
    /// The value of `process.env.NAME` in permissions.ts; the caller resolves defines ›
    /// environment › env files. Default: every name is unset.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The migrations directory; `None` means [`default_migrations_dir`] of the root.
    pub migrations_dir: Option<&'a Path>,
    /// Whether every migration file in that directory is read and checked.
    pub check_migrations: bool,
}

fn no_env(_: &str) -> Option<String> {
    None
}

impl Default for AnalyzeOptions<'_> {
    fn default() -> Self {
        Self {
            env: &no_env,
            migrations_dir: None,
            check_migrations: false,
        }
    }
}

impl std::fmt::Debug for AnalyzeOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalyzeOptions")
            .field("migrations_dir", &self.migrations_dir)
            .field("check_migrations", &self.check_migrations)
            .finish_non_exhaustive()
    }
}

impl<'a> AnalyzeOptions<'a> {
    /// Resolves `process.env` reads with `env`.
    pub fn with_env(mut self, env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        self.env = env;
        self
    }

    /// Checks the migration files too, in `dir` (`None`: [`default_migrations_dir`]).
    pub fn with_migrations(mut self, dir: Option<&'a Path>) -> Self {
        self.check_migrations = true;
        self.migrations_dir = dir;
        self
    }
}

/// Analyses the project rooted at `root` (the `--schema-dir`, default the cwd): discovery,
/// schema.ts, permissions.ts against the schema, the installed versions, and the migration
/// files when `options` asks for them. The one way in for the CLI, `jazz dev` and the
/// language server.
pub fn analyze(loader: &dyn SourceLoader, root: &Path, options: &AnalyzeOptions<'_>) -> Analysis {
    incremental::analyze_once(loader, root, options)
}

/// Stable order: project-level findings first, then by file and position.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by_key(sort_key);
}

fn sort_key(d: &Diagnostic) -> Option<(crate::source::FileId, u32, u32)> {
    d.span().map(|s| (s.file, s.range.start, s.range.end))
}

/// Sorts `diags` as [`sort_diagnostics`] does, where those from `first_migration` on came from
/// the migrations check; returns, in the new order, which did.
fn sort_tagged(diags: &mut Vec<Diagnostic>, first_migration: usize) -> Vec<bool> {
    let mut tagged: Vec<(Diagnostic, bool)> = std::mem::take(diags)
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d, i >= first_migration))
        .collect();
    tagged.sort_by_key(|(d, _)| sort_key(d));
    let (sorted, tags) = tagged.into_iter().unzip();
    *diags = sorted;
    tags
}
