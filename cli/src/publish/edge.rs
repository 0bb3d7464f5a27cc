//! One migration edge, shared by `jazz migrations push` and the
//! publish pipeline: find the reviewed file for `from → to`, read it statically, check it, and
//! post its lens; without a file, post the empty lens when no row transform is needed. A file
//! with errors is never sent. Printing is the caller's business.

use std::path::Path;

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::migrations::names::files_for_edge;
use jazz_schema_compiler::migrations::{publish_body, read_migration, requires_row_transform};
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema};
use jazz_schema_compiler::source::SourceDb;

use crate::admin::Admin;
use crate::loader::DiskLoader;
use crate::store::migration_file_names;

/// How the edge ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeResult {
    /// The lens was posted (or, in a dry run, would be): from `file`, or the empty lens.
    Pushed { file: Option<String> },
    /// No reviewed file exists and the edge needs a row transform.
    Missing,
    /// Anything else (several files, a file with errors, an empty file, HTTP): the message.
    Failed(String),
}

/// The result, with the diagnostics of the file that was read (rendered with `db`).
pub struct Edge {
    pub result: EdgeResult,
    pub diagnostics: Vec<Diagnostic>,
    pub db: SourceDb,
}

impl Edge {
    fn done(result: EdgeResult) -> Self {
        Self {
            result,
            diagnostics: Vec::new(),
            db: SourceDb::new(),
        }
    }
}

/// Pushes the edge `from → to`. `schemas` resolves both schemas; it is called only when no
/// file exists. With `dry_run`, nothing is posted.
pub fn push_edge(
    admin: &Admin,
    migrations_dir: &Path,
    from: &SchemaHash,
    to: &SchemaHash,
    schemas: &mut dyn FnMut() -> Result<(WasmSchema, WasmSchema), String>,
    dry_run: bool,
) -> Edge {
    let names = match migration_file_names(migrations_dir) {
        Ok(n) => n,
        Err(e) => return Edge::done(EdgeResult::Failed(format!("{e:#}"))),
    };
    let files = files_for_edge(&names, from, to);
    let post = |forward| {
        if dry_run {
            return Ok(());
        }
        admin.push_migration(&publish_body(from, to, forward))
    };
    let file = match files.as_slice() {
        [] => {
            let (f, t) = match schemas() {
                Ok(s) => s,
                Err(m) => return Edge::done(EdgeResult::Failed(m)),
            };
            if requires_row_transform(&f, &t) {
                return Edge::done(EdgeResult::Missing);
            }
            return Edge::done(match post(&[]) {
                Ok(()) => EdgeResult::Pushed { file: None },
                Err(m) => EdgeResult::Failed(m),
            });
        }
        [one] => one.to_string(),
        many => {
            let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            return Edge::done(EdgeResult::Failed(format!(
                "Multiple migration files found for {} -> {}: {}",
                from.to_hex(),
                to.to_hex(),
                list.join(", ")
            )));
        }
    };
    let mut db = SourceDb::new();
    let mut m = read_migration(&DiskLoader, &migrations_dir.join(&file), &mut db);
    m.check_edge(&file, &from.to_hex(), &to.to_hex());
    let publishable = m.publishable();
    let diagnostics = std::mem::take(&mut m.diagnostics);
    let result = if !publishable {
        EdgeResult::Failed(format!("Migration {file} has errors; nothing was pushed."))
    } else if m.forward.is_empty()
        && match (&m.from, &m.to) {
            (Some(f), Some(t)) => requires_row_transform(f, t),
            _ => true,
        }
    {
        EdgeResult::Failed(format!(
            "Migration {file} has no steps. Fill in migrate before push."
        ))
    } else {
        match post(&m.forward) {
            Ok(()) => EdgeResult::Pushed { file: Some(file) },
            Err(msg) => EdgeResult::Failed(msg),
        }
    };
    Edge {
        result,
        diagnostics,
        db,
    }
}
