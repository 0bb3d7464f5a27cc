//! Static evaluation of the schema DSL subset (schema.md §3). No JS runs: module-scope
//! statements are walked in program order and every value outside the subset becomes an
//! `Opaque` value, reported only when it reaches a position that matters.

pub mod date;
pub mod zod;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::{SourceDb, SourceLoader};

/// What evaluating a schema module produced.
#[derive(Debug, Default)]
pub struct SchemaOutput {
    pub schema: Option<WasmSchema>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Evaluates `schema_file` (and what it imports) and builds the schema.
pub fn evaluate_schema(loader: &dyn SourceLoader, schema_file: &Path, db: &mut SourceDb) -> SchemaOutput {
    let _ = (loader, schema_file, db);
    SchemaOutput::default()
}
