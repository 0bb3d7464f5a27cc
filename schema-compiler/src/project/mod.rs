//! Project discovery (where schema.ts / permissions.ts live, the way upstream finds them) and
//! the [`Analysis`] that ties a project's files together. The CLI and the LSP ask this module,
//! never the phases directly.

mod discover;
pub mod env_file;
mod migration_plan;
pub mod query;
pub mod versions;

pub use discover::{Discovery, default_migrations_dir, discover, find_root};

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
    pub schema: Option<WasmSchema>,
    /// All diagnostics, in a stable order (file, then position).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the schema's tables, columns and refs are defined (for [`query`]).
    pub symbols: crate::eval::symbols::SchemaSymbols,
    /// The permissions phase's result, when the schema evaluated (permissions.md).
    pub permissions: Option<crate::policy::PolicyOutput>,
    /// The names each migration file uses, after [`check_migrations`].
    pub migrations: Vec<crate::migrations::project::MigrationNames>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The schema, only when there are no errors (artefacts are never produced from a schema
    /// with errors: schema.md §2.7).
    pub fn valid_schema(&self) -> Option<&WasmSchema> {
        if self.has_errors() {
            None
        } else {
            self.schema.as_ref()
        }
    }
}

/// Analyses the project rooted at `root` (the `--schema-dir`, default the cwd).
pub fn analyze(loader: &dyn SourceLoader, root: &Path) -> Analysis {
    analyze_with_env(loader, root, &|_| None)
}

/// [`analyze`] with the values `process.env` reads in permissions.ts (permissions.md §1.13;
/// the caller resolves defines › environment › env files).
pub fn analyze_with_env(
    loader: &dyn SourceLoader,
    root: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Analysis {
    let mut analysis = Analysis::default();
    let found = discover(loader, root);
    match found {
        Discovery::Found {
            schema_file,
            permissions_file,
        } => {
            let (out, perms) = crate::eval::evaluate_project(
                loader,
                &schema_file,
                permissions_file.as_deref(),
                &mut analysis.db,
            );
            analysis.schema = out.schema;
            analysis.diagnostics = out.diagnostics;
            analysis.diagnostics.extend(versions::version_diagnostics(
                loader,
                root,
                &analysis.db,
                &schema_file,
                &out.zod_columns,
            ));
            // Permissions are checked against a valid schema only (schema errors come first,
            // and a policy over a broken schema would only repeat them).
            let schema_ok = !analysis.diagnostics.iter().any(Diagnostic::is_error);
            if let (Some(schema), true) = (&analysis.schema, schema_ok) {
                let has_file = permissions_file.is_some();
                let p = crate::policy::compile(
                    &perms,
                    has_file,
                    schema,
                    env,
                    &analysis.db,
                    &out.symbols,
                );
                analysis.diagnostics.extend(p.diagnostics.iter().cloned());
                analysis.permissions = Some(p);
            }
            analysis.symbols = out.symbols;
            analysis.schema_file = Some(schema_file);
            analysis.permissions_file = permissions_file;
        }
        Discovery::Failed(d) => analysis.diagnostics.push(*d),
    }
    sort_diagnostics(&mut analysis.diagnostics);
    analysis
}

/// Adds the diagnostics of every migration file in `dir` to the analysis.
pub fn check_migrations(analysis: &mut Analysis, loader: &dyn SourceLoader, dir: &Path) {
    let (diags, files) = crate::migrations::project::check_dir_names(loader, dir, &mut analysis.db);
    analysis.diagnostics.extend(diags);
    analysis.migrations = files;
    sort_diagnostics(&mut analysis.diagnostics);
}

/// Stable order: project-level findings first, then by file and position.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.span().map(|s| (s.file, s.range.start, s.range.end)));
}
