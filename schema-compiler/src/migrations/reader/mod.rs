//! The static reader of migration files: finds the exported
//! `defineMigration({...})`, reads its sections from the syntax tree, has the evaluator build
//! the `from`/`to` witnesses, validates everything against them (JZ3xxx, all violations, on
//! their spans) and builds the forward lens that `migrations push` publishes. Never runs JS.
//!
//! - `syntax.rs`: consts, object entries, literals, op calls;
//! - `config.rs`: the sections of the config; `ops.rs`: one column op;
//! - `check.rs`: upstream's table rules; `columns.rs`: the column rules;
//! - `forward.rs`: the forward lens;
//! - `values.rs`: default values by column type;
//! - `witness.rs`: witnesses against snapshots (JZ3501).

mod check;
mod columns;
mod config;
mod forward;
mod ops;
mod syntax;
mod values;
mod witness;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::eval::module::FileImport;
use crate::eval::symbols::NameUse;
use crate::schema::WasmSchema;
use crate::source::{FileId, SourceDb, SourceLoader, Span};

use super::codes;
use super::wire::TableLens;

pub use syntax::Lit;
pub use witness::witness_mismatches;

/// What reading one migration file gave.
#[derive(Debug, Default)]
pub struct MigrationFile {
    pub file: Option<FileId>,
    /// As written (normalised to lowercase only when valid).
    pub from_hash: Option<String>,
    pub to_hash: Option<String>,
    pub from: Option<WasmSchema>,
    pub to: Option<WasmSchema>,
    /// The forward table lenses, built even when there are errors (never publish then).
    pub forward: Vec<TableLens>,
    pub diagnostics: Vec<Diagnostic>,
    /// Spans of `fromHash` / `toHash` values, for JZ3004.
    pub hash_spans: Option<(Span, Span)>,
    /// Tables and columns the file names on its `to` side (witness, created and renamed
    /// tables, added and renamed columns), for the editor.
    pub names: Vec<NameUse>,
    /// The `defineMigration(...)` call, for the editor's hover.
    pub root: Option<Span>,
}

impl MigrationFile {
    /// Publishable iff no error diagnostic.
    pub fn publishable(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// JZ3004 when the file's hashes are not prefixes of the edge `from64 -> to64`.
    pub fn check_edge(&mut self, file_name: &str, from64: &str, to64: &str) -> bool {
        let (Some(f), Some(t)) = (&self.from_hash, &self.to_hash) else {
            return false;
        };
        if from64.starts_with(f.as_str()) && to64.starts_with(t.as_str()) {
            return true;
        }
        let msg = format!(
            "Migration {file_name} exports {f} -> {t}, expected {} -> {}.",
            from64.get(..12).unwrap_or(from64),
            to64.get(..12).unwrap_or(to64)
        );
        let mut d = Diagnostic::new(codes::WRONG_EDGE, msg.clone()).upstream(msg);
        if let Some((a, _)) = self.hash_spans {
            d = d.at(a);
        }
        self.diagnostics.push(d.help(
            "regenerate the stub with `jazz migrations create --fromHash <from> --toHash <to>`",
        ));
        false
    }
}

/// Reads the migration file at `path` through `loader`, adding it (and what it imports) to `db`.
pub fn read_migration(loader: &dyn SourceLoader, path: &Path, db: &mut SourceDb) -> MigrationFile {
    let w = crate::eval::migration::evaluate_witnesses(loader, path, db);
    let mut diagnostics = w.diagnostics;
    diagnostics.extend(mutable_imports(path, &w.imports));
    let mut out = MigrationFile {
        file: w.file,
        from: w.from,
        to: w.to,
        diagnostics,
        names: w.to_names,
        ..Default::default()
    };
    let Some(file) = w.file else {
        if out.diagnostics.is_empty() {
            out.diagnostics
                .push(Diagnostic::new(codes::INVALID_EXPORT, invalid_export(path)));
        }
        return out;
    };
    let text = db.text(file).to_owned();
    let parsed = crate::syntax::parse(file, &text, false);
    let cfg = config::read_config(&parsed.module, file, &path.display().to_string());
    out.diagnostics.extend(cfg.diags.iter().cloned());
    if let Some(c) = cfg.config {
        out.names.extend(config_names(&c));
        out.root = Some(c.root);
        out.from_hash = c.from_hash.as_ref().map(|h| h.0.clone());
        out.to_hash = c.to_hash.as_ref().map(|h| h.0.clone());
        if let (Some(a), Some(b)) = (&c.from_hash, &c.to_hash) {
            out.hash_spans = Some((a.1, b.1));
        }
        if let (Some(from), Some(to)) = (&out.from, &out.to) {
            let (forward, diags) = check::check(&c, from, to);
            out.forward = forward;
            out.diagnostics.extend(diags);
        }
    }
    out.diagnostics.extend(todo_hints(&text, file));
    out
}

/// JZ3502: imports that leave the migrations folder. A migration describes one fixed change
/// between two schemas; a value read from the app's modules (schema.ts above all) follows
/// every later edit of them, so the same file would publish a different lens tomorrow.
fn mutable_imports(path: &Path, imports: &[FileImport]) -> Vec<Diagnostic> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    imports
        .iter()
        .filter(|i| i.from.starts_with(dir) && !i.target.starts_with(dir))
        .map(|i| {
            let name = i.target.file_name().map_or_else(
                || i.target.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Diagnostic::new(
                codes::MUTABLE_WITNESS,
                format!("`{}` is outside the migrations folder: this migration would change whenever `{name}` changes", i.spec),
            )
            .at(i.span)
            .help("copy the tables and values the migration needs into this file; it must keep describing the schemas of its two hashes")
        })
        .collect()
}

/// The `to`-side names of the config: created and renamed tables, migrated tables, and added
/// or renamed columns (a dropped column is not in the new schema).
fn config_names(c: &config::Config) -> Vec<NameUse> {
    let mut out = Vec::new();
    let mut table = |name: &str, span: Span| {
        if let Some(s) = NameUse::exact(span, name) {
            out.push(NameUse::table(name, s));
        }
    };
    for m in c.create_tables.iter().filter(|m| m.is_true) {
        table(&m.table, m.span);
    }
    for r in &c.rename_tables {
        table(&r.new, r.span);
    }
    for t in &c.migrate {
        table(&t.table, t.span);
    }
    for t in &c.migrate {
        for op in &t.ops {
            if matches!(
                op.kind,
                config::OpKind::Add(_) | config::OpKind::Rename { .. }
            ) && let Some(s) = NameUse::exact(op.span, &op.column)
            {
                out.push(NameUse::column(&t.table, &op.column, s));
            }
        }
    }
    out
}

pub(crate) fn invalid_export(path: &Path) -> String {
    format!(
        "Invalid migration export in {}. Export default defineMigration(...).",
        path.display()
    )
}

/// JZ3505 for each `// TODO` comment left in the file.
fn todo_hints(text: &str, file: FileId) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        if let Some(i) = line.find("// TODO") {
            let start = offset + i;
            let end = offset + line.trim_end().len();
            let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(end)) else {
                break;
            };
            let body = line.get(i..).unwrap_or("").trim_end();
            out.push(
                Diagnostic::new(
                    codes::TODO_LEFT,
                    format!(
                        "TODO left in the migration: {}",
                        body.trim_start_matches("// TODO:").trim()
                    ),
                )
                .at(Span::new(file, s, e.max(s))),
            );
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests;
