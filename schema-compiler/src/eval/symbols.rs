//! What the evaluator saw, by location: where each table and column of the schema is defined,
//! where `s.ref("…")` names a table, and where the app is built. Recorded while the schema is
//! built, so aliases, spreads and imports are already resolved; `project::query` answers the
//! editor's questions ("what is at this offset", "every use of table X") from it.
//!
//! Plain data: no syntax, no LSP types.

use std::collections::HashSet;

use crate::source::Span;

/// A table definition: the key that names it in the definition object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableSymbol {
    pub name: String,
    /// The property key (quotes included for a string key).
    pub key: Span,
    /// The `s.table({...})` call, when the table was built by one (for folding).
    pub body: Option<Span>,
}

/// A column definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnSymbol {
    pub table: String,
    pub name: String,
    /// The property key (quotes included for a string key).
    pub key: Span,
    /// The builder's constructing call (`s.string()`).
    pub builder: Span,
}

/// `s.ref("table")`: the string literal, quotes included, and the table it names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefSite {
    pub table: String,
    pub span: Span,
    /// The column whose builder holds the ref.
    pub column: (String, String),
}

/// Everything recorded, in recording order, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaSymbols {
    pub tables: Vec<TableSymbol>,
    pub columns: Vec<ColumnSymbol>,
    pub refs: Vec<RefSite>,
    /// Each `defineApp(...)` / `defineSliceableApp(...)` call that built an app.
    pub apps: Vec<Span>,
    /// What has been recorded, so a definition built twice (an app and a definition-like
    /// export, or aliases) is recorded once without a quadratic scan.
    seen: Seen,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Seen {
    tables: HashSet<TableSymbol>,
    columns: HashSet<ColumnSymbol>,
    refs: HashSet<RefSite>,
    apps: HashSet<Span>,
}

impl SchemaSymbols {
    pub fn add_table(&mut self, t: TableSymbol) {
        if self.seen.tables.insert(t.clone()) {
            self.tables.push(t);
        }
    }

    pub fn add_column(&mut self, c: ColumnSymbol) {
        if self.seen.columns.insert(c.clone()) {
            self.columns.push(c);
        }
    }

    pub fn add_ref(&mut self, r: RefSite) {
        if self.seen.refs.insert(r.clone()) {
            self.refs.push(r);
        }
    }

    pub fn add_app(&mut self, span: Span) {
        if self.seen.apps.insert(span) {
            self.apps.push(span);
        }
    }
}
