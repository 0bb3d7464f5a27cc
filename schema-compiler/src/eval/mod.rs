//! Static evaluation of the schema DSL subset. No JS runs: module-scope
//! statements are walked in program order and every value outside the subset becomes an
//! [`value::Value::Opaque`], reported only when it reaches a position that matters (the
//! selected export, or the receiver or an argument of a DSL call).
//!
//! - `module.rs`: modules, imports/exports, statements and bindings;
//! - `expr.rs`: expressions (JS semantics for the static subset);
//! - `exec.rs`: user functions, statements with static control flow, array methods, in-place
//!   mutation of objects nothing else holds;
//! - `dsl.rs`: calls into jazz-tools, zod and the few globals we model;
//! - `globals.rs`: the JS globals the subset allows (`Date`, `Uint8Array`, `Object.freeze`);
//! - `column_builder.rs`: the state of one column builder (`s.string()`, ...) and the
//!   modifiers applied to it;
//! - `build.rs` and `build/`: turning definitions and builders into the schema IR (column
//!   arguments, `indexOnly`, defaults by column type), asking `schema::checks` about each
//!   name and value on the way;
//! - `export.rs`: choosing the export that is the schema;
//! - `migration.rs`: the witness schemas of a migration file.

pub mod budget;
mod build;
mod column_builder;
pub mod date;
mod dsl;
mod exec;
mod export;
mod expr;
mod globals;
pub mod migration;
pub mod module;
mod mutation;
mod ops;
pub mod symbols;
mod tojson;
pub mod value;
pub mod zod;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::{SourceDb, SourceLoader};

/// What evaluating a schema module produced.
#[derive(Debug, Default)]
pub struct SchemaOutput {
    pub schema: Option<std::sync::Arc<WasmSchema>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the schema's tables, columns and refs are defined.
    pub symbols: symbols::SchemaSymbols,
    /// The `s.json(z...)` calls evaluated, once each (their hash depends on zod's output).
    pub zod_columns: Vec<crate::source::Span>,
}

/// Evaluates `schema_file` (and what it imports) and builds the schema.
pub fn evaluate_schema(
    loader: &dyn SourceLoader,
    schema_file: &Path,
    db: &mut SourceDb,
) -> SchemaOutput {
    let mut ev = module::Evaluator::new(loader, db);
    ev.confine_to(schema_file.parent().unwrap_or(Path::new("")));
    let schema = ev.run_schema(schema_file);
    let symbols = std::mem::take(&mut ev.symbols);
    let zod_columns = std::mem::take(&mut ev.zod_columns);
    let mut diagnostics = ev.finish();
    dedup(&mut diagnostics);
    SchemaOutput {
        schema,
        diagnostics,
        symbols,
        zod_columns,
    }
}

/// What the permissions phase needs from evaluation: the `definePermissions(...)` export of
/// permissions.ts (or the `permissions` export of schema.ts), evaluated by the same evaluator
/// as the schema so `import { app } from "./schema"` is the same app value.
#[derive(Debug, Default)]
pub struct PermissionsExport {
    /// The file the export was looked up in (`None` if it could not be read).
    pub file: Option<crate::source::FileId>,
    /// The export's value and span, when there is one.
    pub value: Option<(value::Value, crate::source::Span)>,
}

/// The first phase of a project's evaluation: `schema_file` and what it imports, with the
/// schema built. The diagnostics are the phase's own, not yet deduplicated; `ev` is left at
/// module level with its module cache, ready for [`evaluate_permissions`].
pub fn evaluate_schema_phase(ev: &mut module::Evaluator<'_>, schema_file: &Path) -> SchemaOutput {
    ev.confine_to(schema_file.parent().unwrap_or(Path::new("")));
    let schema = ev.run_schema(schema_file);
    SchemaOutput {
        schema,
        diagnostics: std::mem::take(&mut ev.diags),
        symbols: std::mem::take(&mut ev.symbols),
        zod_columns: std::mem::take(&mut ev.zod_columns),
    }
}

/// The second phase: `permissions_file` (else the `permissions` export of `schema_file`),
/// evaluated with the module cache the schema phase left in `ev`, so `import { app } from
/// "./schema"` is the same app value. Returns the phase's diagnostics (with the end-of-run
/// checks over both phases) and the export.
pub fn evaluate_permissions(
    ev: &mut module::Evaluator<'_>,
    schema_file: &Path,
    permissions_file: Option<&Path>,
) -> (Vec<Diagnostic>, PermissionsExport) {
    let mut perms = PermissionsExport::default();
    let (path, names): (&Path, &[&str]) = match permissions_file {
        Some(p) => (p, &["default", "permissions"]),
        None => (schema_file, &["permissions"]),
    };
    if let Some(exports) = ev.load_module(path, None) {
        perms.file = ev.db.lookup(path);
        perms.value = names
            .iter()
            .find_map(|n| exports.get(n).map(|(_, v, s)| (v.clone(), *s)));
    }
    ev.check_mutated_after_build();
    (std::mem::take(&mut ev.diags), perms)
}

/// The evaluation diagnostics of both phases, in the order they were found, each once.
pub fn phase_diagnostics(schema: &[Diagnostic], permissions: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut all = schema.to_vec();
    all.extend(permissions);
    dedup(&mut all);
    all
}

/// Removes diagnostics reported twice (an aliased builder is built once per use).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = crate::hash::HashSet::default();
    diags.retain(|d| seen.insert((d.code, d.span(), d.message.clone())));
}
