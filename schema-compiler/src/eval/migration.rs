//! Evaluating a migration file's witnesses: the module is evaluated like
//! any other (imports, consts, builders), `defineMigration(cfg)` yields `cfg`, and the `from`
//! and `to` maps are built into schemas table by table with the schema checks. The rest of the
//! config (ops, markers) is read from the syntax tree by `migrations::reader`.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::{FileId, SourceDb, SourceLoader};

use super::build::build_table;
use super::module::{Evaluator, FileImport};
use super::symbols::{NameUse, SchemaSymbols, TableSymbol};
use super::value::Value;

/// The witnesses of one migration file.
#[derive(Debug, Default)]
pub struct Witnesses {
    /// The migration file, once read.
    pub file: Option<FileId>,
    pub from: Option<WasmSchema>,
    pub to: Option<WasmSchema>,
    pub diagnostics: Vec<Diagnostic>,
    /// The table keys, column keys and ref strings of the `to` witness (for the editor).
    pub to_names: Vec<NameUse>,
    /// The project files the migration module (and what it imports) imports.
    pub imports: Vec<FileImport>,
}

/// Evaluates `path` and builds the `from` / `to` witnesses of its exported config.
pub fn evaluate_witnesses(loader: &dyn SourceLoader, path: &Path, db: &mut SourceDb) -> Witnesses {
    let mut ev = Evaluator::new(loader, db);
    // `<project>/migrations/<file>.ts`: the project is the migrations folder's parent.
    if let Some(project) = path.parent().and_then(Path::parent) {
        ev.confine_to(project);
    }
    let exports = ev.load_module(path, None);
    let mut out = Witnesses::default();
    if let Some(exports) = exports {
        let cfg = exports
            .get("default")
            .or_else(|| exports.get("migration"))
            .map(|(_, v, _)| v.clone());
        if let Some(Value::Object(cfg)) = cfg {
            let build = |ev: &mut Evaluator<'_>, name: &str| -> Option<WasmSchema> {
                let Some(Value::Object(tables)) = cfg.get(name) else {
                    return None;
                };
                let mut schema = WasmSchema::default();
                for (t, v) in &tables.props {
                    let Some(span) = tables.key_span(t).or_else(|| cfg.key_span(name)) else {
                        continue;
                    };
                    if let Some(key) = tables.key_span(t) {
                        ev.symbols.add_table(TableSymbol {
                            name: t.clone(),
                            key,
                            body: None,
                        });
                    }
                    let (cols, indexed) = match v {
                        Value::Table(def) => (def.columns.clone(), def.indexed.clone()),
                        Value::Object(cols) => (cols.clone(), None),
                        Value::Opaque(o) => {
                            ev.report_opaque(o);
                            continue;
                        }
                        _ => continue,
                    };
                    if let Some(table) = build_table(ev, t, span, &cols, indexed) {
                        schema.tables.push(table);
                    }
                }
                Some(schema)
            };
            out.from = build(&mut ev, "from");
            // Only the `to` side names the current schema's tables and columns.
            ev.symbols = SchemaSymbols::default();
            out.to = build(&mut ev, "to");
            out.to_names = to_names(&std::mem::take(&mut ev.symbols));
        }
    }
    out.file = ev.db.lookup(path);
    out.imports = std::mem::take(&mut ev.file_imports);
    out.diagnostics = ev.finish();
    super::dedup(&mut out.diagnostics);
    out
}

/// The names the `to` witness defines and references, with exact spans.
fn to_names(syms: &SchemaSymbols) -> Vec<NameUse> {
    let tables = syms
        .tables
        .iter()
        .filter_map(|t| NameUse::exact(t.key, &t.name).map(|s| NameUse::table(&t.name, s)));
    let columns = syms.columns.iter().filter_map(|c| {
        NameUse::exact(c.key, &c.name).map(|s| NameUse::column(&c.table, &c.name, s))
    });
    let refs = syms
        .refs
        .iter()
        .filter_map(|r| NameUse::exact(r.span, &r.table).map(|s| NameUse::table(&r.table, s)));
    tables.chain(columns).chain(refs).collect()
}
