//! Editor questions about an [`Analysis`], answered from the definition sites the evaluator
//! recorded ([`SchemaSymbols`]) and the occurrence index over schema.ts, permissions.ts and the
//! current migrations (`occurrences`): what is at an offset, where it is defined, every use of it,
//! the edits that rename it, a hover text (with the table's policies), document outlines,
//! folds and inlay hints.
//! Completion lives in `complete`.
//!
//! Everything is in core terms (files, byte ranges, [`TextEdit`]s); the language server only
//! converts the answers. Nothing here walks syntax: a fact that is not recorded is not known.

mod actions;
mod complete;
mod occurrences;
mod policies;
mod present;
mod recall;
mod rules_outline;
mod where_keys;

pub use actions::Action;
pub use complete::{Completion, CompletionKind};
pub use occurrences::Occurrence;
pub use present::{InlayHint, OutlineItem, OutlineKind};
pub use recall::{LastGood, Recall};

use crate::diagnostics::TextEdit;
use crate::eval::symbols::SchemaSymbols;
use crate::schema::json::{number_to_js_string, write_js_string};
use crate::schema::{Column, Table, Value, schema_hash};
use crate::source::{FileId, Span, TextRange};

use super::Analysis;

/// A schema entity an editor position can denote.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    Table(String),
    Column {
        table: String,
        column: String,
    },
    /// A `defineApp(...)` call: hovering it shows the schema hash.
    App,
    /// The `defineMigration(...)` call of a migration file: hovering it shows the edge and the
    /// lens JSON `migrations push` would publish.
    Migration(FileId),
}

/// A symbol and the source range that denotes it at the queried offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolAt {
    pub symbol: Symbol,
    pub span: Span,
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Only tables and columns can be renamed.
    NotRenamable,
    /// The new name is not an ASCII identifier, or starts with `$` (magic columns).
    InvalidName(String),
    /// A table or column of that name already exists.
    Taken(String),
}

impl Analysis {
    fn symbols(&self) -> &SchemaSymbols {
        &self.symbols
    }

    /// The table or column defined or named at `offset` of `file` (schema.ts, permissions.ts
    /// or a current migration), or the app built there. Names are preferred over the
    /// enclosing `defineApp` call.
    pub fn symbol_at(&self, file: FileId, offset: u32) -> Option<SymbolAt> {
        let hit = |s: &Span| s.file == file && s.range.contains(offset);
        if let Some(o) = self.occurrences().iter().find(|o| hit(&o.span)) {
            return Some(SymbolAt {
                symbol: o.symbol.clone(),
                span: o.span,
            });
        }
        if let Some(s) = self.symbols().apps.iter().find(|s| hit(s)) {
            return Some(SymbolAt {
                symbol: Symbol::App,
                span: *s,
            });
        }
        self.migrations
            .iter()
            .find_map(|m| Some((m.file?, m.root.filter(|r| hit(r))?)))
            .map(|(f, span)| SymbolAt {
                symbol: Symbol::Migration(f),
                span,
            })
    }

    /// Where a symbol is defined (the key that names a table or column; the app's call).
    pub fn definition(&self, symbol: &Symbol) -> Option<Span> {
        match symbol {
            Symbol::App => return self.symbols().apps.first().copied(),
            Symbol::Migration(f) => {
                return self
                    .migrations
                    .iter()
                    .find(|m| m.file == Some(*f))
                    .and_then(|m| m.root);
            }
            _ => {}
        }
        self.occurrences()
            .iter()
            .find(|o| o.definition && o.symbol == *symbol)
            .map(|o| o.span)
    }

    /// Every place that names `symbol` in schema.ts, permissions.ts and the current
    /// migrations, the definition first when `with_definition`.
    pub fn references(&self, symbol: &Symbol, with_definition: bool) -> Vec<Span> {
        self.occurrences()
            .iter()
            .filter(|o| o.symbol == *symbol && (with_definition || !o.definition))
            .map(|o| o.span)
            .collect()
    }

    /// The edits that rename a table or column everywhere it is named. Quoted keys and ref
    /// strings keep their quotes. The new name must be an identifier (it is written as a
    /// member name and inside keys and strings). Renaming changes the schema hash: the
    /// caller should say so.
    pub fn rename(&self, symbol: &Symbol, new_name: &str) -> Result<Vec<TextEdit>, RenameError> {
        if !is_identifier(new_name) || new_name.starts_with('$') {
            return Err(RenameError::InvalidName(new_name.to_owned()));
        }
        let schema = self.schema.as_deref();
        let old = match symbol {
            Symbol::App | Symbol::Migration(_) => return Err(RenameError::NotRenamable),
            Symbol::Table(t) => t,
            Symbol::Column { column, .. } => column,
        };
        if new_name == old {
            return Ok(Vec::new());
        }
        match symbol {
            Symbol::Table(_) if schema.and_then(|s| s.table(new_name)).is_some() => {
                return Err(RenameError::Taken(new_name.to_owned()));
            }
            Symbol::Column { table, .. }
                if new_name == "id"
                    || schema
                        .and_then(|s| s.table(table))
                        .and_then(|t| t.column(new_name))
                        .is_some() =>
            {
                return Err(RenameError::Taken(new_name.to_owned()));
            }
            _ => {}
        }
        Ok(self
            .references(symbol, true)
            .into_iter()
            .filter_map(|span| {
                let text = self.db.slice(span);
                let quoted = text.len() >= 2 && text.starts_with(['"', '\'']);
                let range = if quoted {
                    TextRange::new(span.range.start + 1, span.range.end - 1)
                } else {
                    span.range
                };
                // A name written with escapes is not touched (its characters do not map).
                let inner = if quoted {
                    text.get(1..text.len() - 1)
                } else {
                    Some(text)
                };
                (inner == Some(old.as_str())).then(|| TextEdit {
                    file: span.file,
                    range,
                    new_text: new_name.to_owned(),
                })
            })
            .collect())
    }

    /// A Markdown description of a symbol: a column's type, nullability, default and ref
    /// target; a table's columns; the app's schema hash.
    pub fn hover(&self, symbol: &Symbol) -> Option<String> {
        self.hover_with(symbol, true)
    }

    /// [`Analysis::hover`], with a table's policies only when `policies` (a recalled analysis
    /// leaves them out when permissions.ts changed since).
    fn hover_with(&self, symbol: &Symbol, policies: bool) -> Option<String> {
        if let Symbol::Migration(f) = symbol {
            return self.migration_hover(*f);
        }
        let schema = self.schema.as_deref()?;
        match symbol {
            Symbol::Table(name) => schema.table(name).map(|t| {
                let mut text = table_summary(t);
                if let Some(policy) = self
                    .permissions
                    .as_ref()
                    .and_then(|p| p.policy.as_ref())
                    .filter(|_| policies)
                {
                    text.push_str("\n**policies**\n\n```\n");
                    for line in policies::summary(policy, name) {
                        text.push_str(&line);
                        text.push('\n');
                    }
                    text.push_str("```\n");
                }
                text
            }),
            Symbol::Column { table, column } => schema
                .table(table)
                .and_then(|t| t.column(column))
                .map(|c| format!("```\n{table}.{}\n```\n", column_summary(c))),
            Symbol::Migration(_) => None,
            Symbol::App => Some(match self.valid_schema() {
                Some(s) => format!(
                    "**schema hash** `{}`\n\n{} tables",
                    schema_hash(s).to_hex(),
                    s.tables.len()
                ),
                None => "**schema hash**: not available while the project has errors".into(),
            }),
        }
    }

    /// The edge a migration file claims and the lens JSON it publishes.
    fn migration_hover(&self, file: FileId) -> Option<String> {
        let m = self.migrations.iter().find(|m| m.file == Some(file))?;
        let current = self.current_migrations().any(|c| c.file == Some(file));
        let mut text = format!(
            "**migration** `{}` → `{}`{}\n\n",
            m.from_hash.as_deref().unwrap_or("?"),
            m.to_hash.as_deref().unwrap_or("?"),
            if current { " (the current schema)" } else { "" }
        );
        match &m.publish_body {
            Some(body) => {
                text.push_str("lens published by `jazz migrations push`:\n\n```json\n");
                text.push_str(body);
                text.push_str("\n```\n");
            }
            None => text.push_str("not publishable while the file has errors\n"),
        }
        Some(text)
    }

    /// The recorded fold of each table built by `s.table({...})` in `file`.
    pub fn folds(&self, file: FileId) -> Vec<TextRange> {
        self.symbols()
            .tables
            .iter()
            .filter_map(|t| t.body)
            .filter(|b| b.file == file)
            .map(|b| b.range)
            .collect()
    }
}

/// `name: type, nullable, default …, references …` for one column.
fn column_summary(c: &Column) -> String {
    let mut s = format!("{}: {}", c.name, c.column_type.describe());
    s.push_str(if c.nullable {
        ", nullable"
    } else {
        ", not null"
    });
    if let Some(d) = &c.default {
        s.push_str(&format!(", default {}", default_text(d)));
    }
    if let Some(m) = c.merge_strategy {
        s.push_str(&format!(", merge {}", m.as_str()));
    }
    if let Some(r) = &c.references {
        s.push_str(&format!(", references {r}"));
    }
    s
}

/// A default as it would be written in TypeScript.
fn default_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Integer(n) => n.to_string(),
        Value::BigInt(n) => n.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Text(t) | Value::Uuid(t) => {
            let mut out = String::new();
            write_js_string(&mut out, t);
            out
        }
        Value::Timestamp(ms) => format!("new Date({ms})"),
        Value::Double(x) => number_to_js_string(*x),
        Value::Array(items) | Value::Row(items) => {
            let items: Vec<String> = items.iter().map(default_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Bytea(b) => format!("<{} bytes>", b.len()),
        Value::BatchId(_) => "<batch id>".into(),
    }
}

fn table_summary(t: &Table) -> String {
    let mut s = format!("**table** `{}`\n\n```\n", t.name);
    for c in &t.columns {
        s.push_str(&column_summary(c));
        s.push('\n');
    }
    s.push_str("```\n");
    if let Some(idx) = &t.indexed_columns {
        s.push_str(&format!("\nindexed: {}\n", idx.join(", ")));
    }
    s
}

/// A JS identifier in the ASCII subset (anything else is written as a quoted key).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests;
