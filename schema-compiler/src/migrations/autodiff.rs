//! The auto-diff: an auto-lens between two schemas with draft flags and
//! the ambiguities it found. Deterministic: tables in byte order, column renames paired only
//! when mutual and unique, in the declared order of the old table. Not used by
//! `migrations create` (stubs follow `migrations::stub`); the engine and the editor use it.

use crate::schema::{Column, ColumnType, Table, Value, WasmSchema};

use super::diff::{same_identity, same_type};
use super::lens::{DraftReason, LensOp, Step};

/// An auto-lens and its ambiguities (human-readable lines).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AutoLens {
    pub forward: Vec<Step>,
    pub ambiguities: Vec<String>,
}

/// Full table equality for table renames: ordered columns, defaults, merge, indexes.
fn table_identical(a: &Table, b: &Table) -> bool {
    a.columns == b.columns && a.indexed_columns == b.indexed_columns
}

/// Pairs old and new items that match each other mutually and uniquely, in `old` order.
fn mutual_pairs<T>(old: &[T], new: &[T], eq: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, o) in old.iter().enumerate() {
        let cands: Vec<usize> = new
            .iter()
            .enumerate()
            .filter(|(_, n)| eq(o, n))
            .map(|(j, _)| j)
            .collect();
        if let [j] = cands.as_slice()
            && let Some(n) = new.get(*j)
            && old.iter().filter(|o2| eq(o2, n)).count() == 1
        {
            out.push((i, *j));
        }
    }
    out
}

/// The default an added required column gets when nothing better is known.
pub fn auto_default(c: &Column) -> Value {
    if let Some(d) = &c.default {
        return d.clone();
    }
    if c.nullable {
        return Value::Null;
    }
    match &c.column_type {
        ColumnType::Integer => Value::Integer(0),
        ColumnType::BigInt => Value::BigInt(0),
        ColumnType::Double => Value::Double(0.0),
        ColumnType::Boolean => Value::Boolean(false),
        ColumnType::Text => Value::Text(String::new()),
        ColumnType::Enum { variants } => variants
            .first()
            .map_or(Value::Null, |v| Value::Text(v.clone())),
        ColumnType::Timestamp => Value::Timestamp(0),
        ColumnType::Bytea => Value::Bytea(Vec::new()),
        ColumnType::Array(_) => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

fn null_draft(c: &Column, d: &Value) -> Option<DraftReason> {
    (matches!(d, Value::Null) && !c.nullable).then_some(DraftReason::NullForRequired)
}

/// `diff_schemas(old, new)`.
pub fn diff_schemas(old: &WasmSchema, new: &WasmSchema) -> AutoLens {
    let mut out = AutoLens::default();
    let mut removed: Vec<&Table> = old
        .tables
        .iter()
        .filter(|t| new.table(&t.name).is_none())
        .collect();
    let mut added: Vec<&Table> = new
        .tables
        .iter()
        .filter(|t| old.table(&t.name).is_none())
        .collect();
    removed.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    added.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let pairs = mutual_pairs(&removed, &added, |a, b| table_identical(a, b));
    for (i, j) in &pairs {
        if let (Some(a), Some(b)) = (removed.get(*i), added.get(*j)) {
            out.forward.push(Step {
                op: LensOp::RenameTable {
                    old: a.name.clone(),
                    new: b.name.clone(),
                },
                draft: Some(DraftReason::GuessedRename),
            });
            out.ambiguities.push(format!(
                "Possible table rename: {} -> {} (same structure)",
                a.name, b.name
            ));
        }
    }
    for (i, t) in removed.iter().enumerate() {
        if !pairs.iter().any(|(pi, _)| *pi == i) {
            out.forward.push(Step::new(LensOp::RemoveTable {
                table: t.name.clone(),
                schema: (*t).clone(),
            }));
        }
    }
    for (j, t) in added.iter().enumerate() {
        if !pairs.iter().any(|(_, pj)| *pj == j) {
            out.forward.push(Step::new(LensOp::AddTable {
                table: t.name.clone(),
                schema: (*t).clone(),
            }));
        }
    }
    let mut shared: Vec<&Table> = old
        .tables
        .iter()
        .filter(|t| new.table(&t.name).is_some())
        .collect();
    shared.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for ot in shared {
        let Some(nt) = new.table(&ot.name) else {
            continue;
        };
        diff_shared(ot, nt, &mut out);
    }
    out
}

fn diff_shared(ot: &Table, nt: &Table, out: &mut AutoLens) {
    let t = &ot.name;
    for oc in &ot.columns {
        let Some(nc) = nt.column(&oc.name) else {
            continue;
        };
        let change = if !same_type(&oc.column_type, &nc.column_type) {
            Some(("Type", oc.column_type.describe(), nc.column_type.describe()))
        } else if oc.nullable != nc.nullable {
            Some((
                "Nullability",
                oc.nullable.to_string(),
                nc.nullable.to_string(),
            ))
        } else if oc.references != nc.references {
            let r = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".into());
            Some(("Reference", r(&oc.references), r(&nc.references)))
        } else {
            None
        };
        if let Some((what, a, b)) = change {
            out.ambiguities
                .push(format!("{what} change in {t}.{}: {a} -> {b}", oc.name));
            // No op, but the lens must not connect anything: a draft marker.
            out.forward.push(Step {
                op: LensOp::RenameColumn {
                    table: t.clone(),
                    old: oc.name.clone(),
                    new: oc.name.clone(),
                },
                draft: Some(DraftReason::UnsupportedChange),
            });
        }
    }
    let removed: Vec<&Column> = ot
        .columns
        .iter()
        .filter(|c| nt.column(&c.name).is_none())
        .collect();
    let added: Vec<&Column> = nt
        .columns
        .iter()
        .filter(|c| ot.column(&c.name).is_none())
        .collect();
    let pairs = mutual_pairs(&removed, &added, |a, b| same_identity(a, b));
    for (i, j) in &pairs {
        if let (Some(a), Some(b)) = (removed.get(*i), added.get(*j)) {
            out.forward.push(Step {
                op: LensOp::RenameColumn {
                    table: t.clone(),
                    old: a.name.clone(),
                    new: b.name.clone(),
                },
                draft: Some(DraftReason::GuessedRename),
            });
            out.ambiguities.push(format!(
                "Possible rename in {t}: {} -> {} (same type)",
                a.name, b.name
            ));
        }
    }
    for (i, c) in removed.iter().enumerate() {
        if !pairs.iter().any(|(pi, _)| *pi == i) {
            let d = auto_default(c);
            let draft = null_draft(c, &d);
            out.forward.push(Step {
                op: LensOp::RemoveColumn {
                    table: t.clone(),
                    column: c.name.clone(),
                    column_type: c.column_type.clone(),
                    default: d,
                },
                draft,
            });
        }
    }
    for (j, c) in added.iter().enumerate() {
        if !pairs.iter().any(|(_, pj)| *pj == j) {
            let d = auto_default(c);
            let draft = null_draft(c, &d);
            out.forward.push(Step {
                op: LensOp::AddColumn {
                    table: t.clone(),
                    column: c.name.clone(),
                    column_type: c.column_type.clone(),
                    default: d,
                },
                draft,
            });
        }
    }
}
