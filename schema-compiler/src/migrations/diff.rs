//! Comparing two schema versions: the "requires row transform" rule, table
//! equality as the stub generator sees it, column identity, and the structural diff with
//! the change kinds (`ColumnChange`) that `jazz schema diff` prints.

use crate::schema::hash::canonical_json_bytes;
use crate::schema::wasm_json::{column_type_to_json, value_to_json};
use crate::schema::{Column, ColumnType, Table, WasmSchema};

/// `column_type` compared as canonical JSON (object keys sorted), so JSON-Schema key order
/// never makes two types differ.
pub fn same_type(a: &ColumnType, b: &ColumnType) -> bool {
    canonical_json_bytes(&column_type_to_json(a)) == canonical_json_bytes(&column_type_to_json(b))
}

/// Column identity: type, nullability and reference target.
pub fn same_identity(a: &Column, b: &Column) -> bool {
    a.nullable == b.nullable
        && a.references == b.references
        && same_type(&a.column_type, &b.column_type)
}

/// `requiresRowTransform(from, to)`.
pub fn requires_row_transform(from: &WasmSchema, to: &WasmSchema) -> bool {
    fn names(s: &WasmSchema) -> Vec<&str> {
        let mut v: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
        v.sort_unstable();
        v
    }
    if names(from) != names(to) {
        return true;
    }
    from.tables.iter().any(|ft| {
        let Some(tt) = to.table(&ft.name) else {
            return true;
        };
        fn cols(t: &Table) -> Vec<&str> {
            let mut v: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            v.sort_unstable();
            v
        }
        cols(ft) != cols(tt)
            || ft
                .columns
                .iter()
                .any(|fc| tt.column(&fc.name).is_some_and(|tc| !same_identity(fc, tc)))
    })
}

/// `tableEq` of the stub generator: same columns by name with equal nullability,
/// references, merge strategy and type, and the same indexed columns as sorted lists.
/// Defaults and column order are ignored.
pub fn table_eq(a: &Table, b: &Table) -> bool {
    if a.columns.len() != b.columns.len() {
        return false;
    }
    let sorted_index = |t: &Table| {
        t.indexed_columns.as_ref().map(|v| {
            let mut v = v.clone();
            v.sort();
            v
        })
    };
    if sorted_index(a) != sorted_index(b) {
        return false;
    }
    fn sorted(t: &Table) -> Vec<&Column> {
        let mut v: Vec<&Column> = t.columns.iter().collect();
        v.sort_by(|x, y| x.name.cmp(&y.name));
        v
    }
    sorted(a).iter().zip(sorted(b)).all(|(x, y)| {
        x.name == y.name && x.merge_strategy == y.merge_strategy && same_identity(x, y)
    })
}

/// How a same-named column changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Nullability,
    Reference,
    Type,
    Default,
    MergeStrategy,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Nullability => "nullability",
            ChangeKind::Reference => "reference",
            ChangeKind::Type => "type",
            ChangeKind::Default => "default",
            ChangeKind::MergeStrategy => "merge strategy",
        }
    }

    /// Whether upstream migrations can express this change.
    pub fn expressible(self) -> bool {
        matches!(self, ChangeKind::Default | ChangeKind::MergeStrategy)
    }
}

/// One changed same-named column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnChange {
    pub column: String,
    pub kind: ChangeKind,
    pub before: String,
    pub after: String,
}

/// The differences inside a table present in both schemas.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TableDiff {
    pub table: String,
    /// In *to* declared order.
    pub added: Vec<String>,
    /// In *from* declared order.
    pub removed: Vec<String>,
    /// The stub's rename hint, as (old, new).
    pub possible_rename: Option<(String, String)>,
    pub changed: Vec<ColumnChange>,
    pub reordered: bool,
    pub indexed_changed: bool,
}

impl TableDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && !self.reordered
            && !self.indexed_changed
    }
}

/// The structural diff of two schemas.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SchemaDiff {
    /// Byte order.
    pub tables_added: Vec<String>,
    /// Byte order.
    pub tables_removed: Vec<String>,
    /// Unambiguous `tableEq` pairs (old, new), as the stub suggests them.
    pub possible_table_renames: Vec<(String, String)>,
    /// Shared tables that differ, in *from* order.
    pub tables: Vec<TableDiff>,
    pub requires_migration: bool,
}

impl SchemaDiff {
    pub fn is_empty(&self) -> bool {
        self.tables_added.is_empty() && self.tables_removed.is_empty() && self.tables.is_empty()
    }
}

/// The sorted added and removed table names and the unambiguous renames among them.
pub fn table_sets(
    from: &WasmSchema,
    to: &WasmSchema,
) -> (Vec<String>, Vec<String>, Vec<(String, String)>) {
    let mut removed: Vec<String> = from
        .tables
        .iter()
        .filter(|t| to.table(&t.name).is_none())
        .map(|t| t.name.clone())
        .collect();
    let mut added: Vec<String> = to
        .tables
        .iter()
        .filter(|t| from.table(&t.name).is_none())
        .map(|t| t.name.clone())
        .collect();
    removed.sort_by(|a, b| utf16_cmp(a, b));
    added.sort_by(|a, b| utf16_cmp(a, b));
    let mut pairs: Vec<(String, String)> = Vec::new();
    for o in &removed {
        let Some(ot) = from.table(o) else { continue };
        let cands: Vec<&String> = added
            .iter()
            .filter(|n| to.table(n).is_some_and(|nt| table_eq(ot, nt)))
            .collect();
        if let [n] = cands.as_slice() {
            pairs.push((o.clone(), (*n).clone()));
        }
    }
    let targets: Vec<String> = pairs.iter().map(|(_, n)| n.clone()).collect();
    pairs.retain(|(_, n)| targets.iter().filter(|t| *t == n).count() == 1);
    (added, removed, pairs)
}

/// Compares two strings by UTF-16 code units, as JS `<` on strings does.
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The structural diff (for `jazz schema diff` and JZ3406).
pub fn diff(from: &WasmSchema, to: &WasmSchema) -> SchemaDiff {
    let (added, removed, renames) = table_sets(from, to);
    let mut tables = Vec::new();
    for ft in &from.tables {
        let Some(tt) = to.table(&ft.name) else {
            continue;
        };
        let td = diff_table(ft, tt);
        if !td.is_empty() {
            tables.push(td);
        }
    }
    SchemaDiff {
        tables_added: added,
        tables_removed: removed,
        possible_table_renames: renames,
        tables,
        requires_migration: requires_row_transform(from, to),
    }
}

fn diff_table(ft: &Table, tt: &Table) -> TableDiff {
    let added: Vec<String> = tt
        .columns
        .iter()
        .filter(|c| ft.column(&c.name).is_none())
        .map(|c| c.name.clone())
        .collect();
    let removed: Vec<String> = ft
        .columns
        .iter()
        .filter(|c| tt.column(&c.name).is_none())
        .map(|c| c.name.clone())
        .collect();
    let possible_rename = match (removed.as_slice(), added.as_slice()) {
        ([o], [n]) => match (ft.column(o), tt.column(n)) {
            (Some(a), Some(b)) if same_identity(a, b) => Some((o.clone(), n.clone())),
            _ => None,
        },
        _ => None,
    };
    let mut changed = Vec::new();
    for fc in &ft.columns {
        let Some(tc) = tt.column(&fc.name) else {
            continue;
        };
        let mut push = |kind, before: String, after: String| {
            changed.push(ColumnChange {
                column: fc.name.clone(),
                kind,
                before,
                after,
            });
        };
        if !same_type(&fc.column_type, &tc.column_type) {
            push(
                ChangeKind::Type,
                fc.column_type.describe(),
                tc.column_type.describe(),
            );
        }
        if fc.nullable != tc.nullable {
            let word = |n: bool| if n { "optional" } else { "required" }.to_owned();
            push(
                ChangeKind::Nullability,
                word(fc.nullable),
                word(tc.nullable),
            );
        }
        if fc.references != tc.references {
            let r = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".into());
            push(ChangeKind::Reference, r(&fc.references), r(&tc.references));
        }
        if fc.default != tc.default {
            let d = |c: &Column| {
                c.default.as_ref().map_or("none".into(), |v| {
                    crate::schema::json::stringify(&value_to_json(v))
                })
            };
            push(ChangeKind::Default, d(fc), d(tc));
        }
        if fc.merge_strategy != tc.merge_strategy {
            let m = |c: &Column| c.merge_strategy.map_or("lww", |m| m.as_str()).to_owned();
            push(ChangeKind::MergeStrategy, m(fc), m(tc));
        }
    }
    let shared_order = |t: &Table, other: &Table| -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| other.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    TableDiff {
        table: ft.name.clone(),
        reordered: shared_order(ft, tt) != shared_order(tt, ft),
        indexed_changed: ft.indexed_columns != tt.indexed_columns,
        added,
        removed,
        possible_rename,
        changed,
    }
}

/// The same-named columns whose change upstream cannot express (JZ3406), as
/// `(table, column, kind)`.
pub fn inexpressible(from: &WasmSchema, to: &WasmSchema) -> Vec<(String, String, ChangeKind)> {
    diff(from, to)
        .tables
        .into_iter()
        .flat_map(|t| {
            let table = t.table;
            t.changed
                .into_iter()
                .filter(|c| !c.kind.expressible())
                .map(move |c| (table.clone(), c.column, c.kind))
        })
        .collect()
}

#[cfg(test)]
mod tests;
