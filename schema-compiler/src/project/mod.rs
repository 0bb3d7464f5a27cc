//! Project discovery (where schema.ts / permissions.ts live, the way upstream finds them) and
//! the [`Analysis`] that ties a project's files together. The CLI and the LSP ask this module,
//! never the phases directly.

mod discover;
pub mod query;

pub use discover::{Discovery, discover};

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
    let mut analysis = Analysis::default();
    let found = discover(loader, root);
    match found {
        Discovery::Found {
            schema_file,
            permissions_file,
        } => {
            let out = crate::eval::evaluate_schema(loader, &schema_file, &mut analysis.db);
            analysis.schema = out.schema;
            analysis.diagnostics = out.diagnostics;
            analysis.symbols = out.symbols;
            analysis.schema_file = Some(schema_file);
            analysis.permissions_file = permissions_file;
        }
        Discovery::Failed(d) => analysis.diagnostics.push(*d),
    }
    sort_diagnostics(&mut analysis.diagnostics);
    analysis
}

/// Stable order: project-level findings first, then by file and position.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.span().map(|s| (s.file, s.range.start, s.range.end)));
}
