//! Lens ops as the engine runs them: the op enum, transforms
//! with draft flags, inversion, and in-order row translation. Building ops from the published
//! table lenses is here too, so the server and the CLI agree on it.

use crate::schema::{ColumnType, SchemaHash, Table, Value, WasmSchema};

use super::wire::{TableLens, WireOp};

/// One lens op. New kinds may arrive later; never send one to a server that does not
/// advertise it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum LensOp {
    AddColumn {
        table: String,
        column: String,
        column_type: ColumnType,
        default: Value,
    },
    /// `default` is the backwards default.
    RemoveColumn {
        table: String,
        column: String,
        column_type: ColumnType,
        default: Value,
    },
    RenameColumn {
        table: String,
        old: String,
        new: String,
    },
    AddTable {
        table: String,
        schema: Table,
    },
    RemoveTable {
        table: String,
        schema: Table,
    },
    RenameTable {
        old: String,
        new: String,
    },
}

/// Why an op is draft; drafts never connect schemas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftReason {
    /// An auto-detected rename that needs a human to confirm it.
    GuessedRename,
    /// A required column whose default (or backwards default) would be Null.
    NullForRequired,
    /// A same-named column changed type, nullability or reference.
    UnsupportedChange,
}

/// An op and its draft flag.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub op: LensOp,
    pub draft: Option<DraftReason>,
}

impl Step {
    pub fn new(op: LensOp) -> Self {
        Self { op, draft: None }
    }
}

/// A lens: only `forward` is stored, `backward` is recomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct Lens {
    pub source: SchemaHash,
    pub target: SchemaHash,
    pub forward: Vec<Step>,
}

impl Lens {
    pub fn is_draft(&self) -> bool {
        self.forward.iter().any(|s| s.draft.is_some())
    }

    /// `reverse(map(invert, forward))`; drafts follow their ops.
    pub fn backward(&self) -> Vec<Step> {
        self.forward
            .iter()
            .rev()
            .map(|s| Step {
                op: invert(&s.op),
                draft: s.draft,
            })
            .collect()
    }
}

/// The inverse op: add and remove swap keeping type, default and schema; renames swap names.
pub fn invert(op: &LensOp) -> LensOp {
    match op.clone() {
        LensOp::AddColumn {
            table,
            column,
            column_type,
            default,
        } => LensOp::RemoveColumn {
            table,
            column,
            column_type,
            default,
        },
        LensOp::RemoveColumn {
            table,
            column,
            column_type,
            default,
        } => LensOp::AddColumn {
            table,
            column,
            column_type,
            default,
        },
        LensOp::RenameColumn { table, old, new } => LensOp::RenameColumn {
            table,
            old: new,
            new: old,
        },
        LensOp::AddTable { table, schema } => LensOp::RemoveTable { table, schema },
        LensOp::RemoveTable { table, schema } => LensOp::AddTable { table, schema },
        LensOp::RenameTable { old, new } => LensOp::RenameTable { old: new, new: old },
    }
}

/// A row in transit: its current table and its (name, value) entries in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub table: String,
    pub values: Vec<(String, Value)>,
}

/// Walks one transform over a row, tracking the current table name in op order.
/// Column ops touch the row only when their table is the row's table at that point (upstream
/// applied them to every table). `None`: the row has no counterpart (added or removed
/// table).
pub fn apply_ops(mut row: Row, ops: &[Step]) -> Option<Row> {
    for step in ops {
        match &step.op {
            LensOp::RenameTable { old, new } => {
                if row.table == *old {
                    row.table = new.clone();
                }
            }
            LensOp::AddTable { table, .. } | LensOp::RemoveTable { table, .. } => {
                if row.table == *table {
                    return None;
                }
            }
            LensOp::AddColumn {
                table,
                column,
                default,
                ..
            } => {
                if row.table == *table && !row.values.iter().any(|(n, _)| n == column) {
                    row.values.push((column.clone(), default.clone()));
                }
            }
            LensOp::RemoveColumn { table, column, .. } => {
                if row.table == *table
                    && let Some(i) = row.values.iter().position(|(n, _)| n == column)
                {
                    row.values.remove(i);
                }
            }
            LensOp::RenameColumn { table, old, new } => {
                if row.table == *table
                    && let Some(entry) = row.values.iter_mut().find(|(n, _)| n == old)
                {
                    entry.0 = new.clone();
                }
            }
        }
    }
    Some(row)
}

/// Rebuilds a row in a schema's descriptor for its table: declared column order, Null for a
/// column that is not found. `None` when the schema has no such table.
pub fn rebuild(row: &Row, schema: &WasmSchema) -> Option<Row> {
    let table = schema.table(&row.table)?;
    let values = table
        .columns
        .iter()
        .map(|c| {
            let v = row
                .values
                .iter()
                .find(|(n, _)| *n == c.name)
                .map_or(Value::Null, |(_, v)| v.clone());
            (c.name.clone(), v)
        })
        .collect();
    Some(Row {
        table: row.table.clone(),
        values,
    })
}

/// Translates a table name along a transform; `None` when the table has no counterpart.
pub fn translate_table(table: &str, ops: &[Step]) -> Option<String> {
    let row = Row {
        table: table.to_owned(),
        values: Vec::new(),
    };
    apply_ops(row, ops).map(|r| r.table)
}

/// Translates a column name along a transform, tracking the table in op order;
/// `None` when the column is removed or the table has no counterpart.
pub fn translate_column(table: &str, column: &str, ops: &[Step]) -> Option<(String, String)> {
    let mut t = table.to_owned();
    let mut c = column.to_owned();
    for step in ops {
        match &step.op {
            LensOp::RenameTable { old, new } if *old == t => t = new.clone(),
            LensOp::AddTable { table, .. } | LensOp::RemoveTable { table, .. } if *table == t => {
                return None;
            }
            LensOp::RemoveColumn { table, column, .. } if *table == t && *column == c => {
                return None;
            }
            LensOp::RenameColumn { table, old, new } if *table == t && *old == c => c = new.clone(),
            _ => {}
        }
    }
    Some((t, c))
}

/// The ops a server builds from a published lens body, checked against the two
/// schemas. Errors carry upstream's 400 texts.
pub fn ops_from_table_lenses(
    forward: &[TableLens],
    source: &WasmSchema,
    target: &WasmSchema,
) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for tl in forward {
        let t = &tl.table;
        if tl.added && tl.removed {
            return Err(format!("table {t} cannot be both added and removed"));
        }
        if (tl.added || tl.removed) && tl.renamed_from.is_some() {
            return Err(format!(
                "table {t} cannot combine added/removed markers with renamedFrom"
            ));
        }
        if (tl.added || tl.removed) && !tl.operations.is_empty() {
            return Err(format!(
                "table {t} cannot combine added/removed markers with column operations"
            ));
        }
        if tl.added {
            let schema = target
                .table(t)
                .ok_or_else(|| format!("createTables references unknown target table {t}"))?;
            out.push(Step::new(LensOp::AddTable {
                table: t.clone(),
                schema: schema.clone(),
            }));
        }
        if tl.removed {
            let schema = source
                .table(t)
                .ok_or_else(|| format!("dropTables references unknown source table {t}"))?;
            out.push(Step::new(LensOp::RemoveTable {
                table: t.clone(),
                schema: schema.clone(),
            }));
        }
        if let Some(old) = &tl.renamed_from {
            out.push(Step::new(LensOp::RenameTable {
                old: old.clone(),
                new: t.clone(),
            }));
        }
        for op in &tl.operations {
            let op = match op.clone() {
                WireOp::Introduce {
                    column,
                    column_type,
                    value,
                } => LensOp::AddColumn {
                    table: t.clone(),
                    column,
                    column_type,
                    default: value,
                },
                WireOp::Drop {
                    column,
                    column_type,
                    value,
                } => LensOp::RemoveColumn {
                    table: t.clone(),
                    column,
                    column_type,
                    default: value,
                },
                WireOp::Rename { column, value } => LensOp::RenameColumn {
                    table: t.clone(),
                    old: column,
                    new: value,
                },
            };
            out.push(Step::new(op));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
