//! Static evaluation of the schema DSL subset (schema.md §3). No JS runs: module-scope
//! statements are walked in program order and every value outside the subset becomes an
//! [`value::Value::Opaque`], reported only when it reaches a position that matters (the
//! selected export, or the receiver or an argument of a DSL call).
//!
//! - `module.rs`: modules, imports/exports, statements and bindings;
//! - `expr.rs`: expressions (JS semantics for the static subset);
//! - `dsl.rs`: calls into jazz-tools, zod and the few globals we model;
//! - `build.rs`: turning definitions and builders into the schema IR, with the schema checks;
//! - `convert.rs`: default values by column type (schema.md §4.3);
//! - `export.rs`: choosing the export that is the schema (schema.md §1.4);
//! - `migration.rs`: the witness schemas of a migration file (migrations.md §4.1).

mod build;
mod builder;
mod convert;
pub mod date;
mod dsl;
mod export;
mod expr;
pub mod migration;
mod module;
pub mod symbols;
mod tojson;
mod value;
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
    /// Where the schema's tables, columns and refs are defined.
    pub symbols: symbols::SchemaSymbols,
}

/// Evaluates `schema_file` (and what it imports) and builds the schema.
pub fn evaluate_schema(
    loader: &dyn SourceLoader,
    schema_file: &Path,
    db: &mut SourceDb,
) -> SchemaOutput {
    let mut ev = module::Evaluator::new(loader, db);
    let schema = ev.run_schema(schema_file);
    let symbols = std::mem::take(&mut ev.symbols);
    let mut diagnostics = ev.finish();
    dedup(&mut diagnostics);
    SchemaOutput {
        schema,
        diagnostics,
        symbols,
    }
}

/// Removes diagnostics reported twice (an aliased builder is built once per use).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.code, d.span(), d.message.clone())));
}
