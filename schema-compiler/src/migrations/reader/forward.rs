//! The forward lens of a checked config: table lenses in the order
//! createTables, dropTables, renameTables, migrate; op types from the witnesses.

use crate::schema::{Column, Value, WasmSchema};

use super::super::wire::{TableLens, WireOp};
use super::config::{Config, OpKind, TypedOp};
use super::syntax::Lit;
use super::values::encode;

/// The forward lens.
pub(super) fn forward(c: &Config, from: &WasmSchema, to: &WasmSchema) -> Vec<TableLens> {
    let mut order: Vec<&str> = Vec::new();
    let keys = c
        .create_tables
        .iter()
        .map(|m| m.table.as_str())
        .chain(c.drop_tables.iter().map(|m| m.table.as_str()))
        .chain(c.rename_tables.iter().map(|r| r.new.as_str()))
        .chain(c.migrate.iter().map(|m| m.table.as_str()));
    for k in keys {
        if !order.contains(&k) {
            order.push(k);
        }
    }
    let mut out = Vec::new();
    for t in order {
        let renamed_from = c
            .rename_tables
            .iter()
            .find(|r| r.new == t)
            .and_then(|r| r.old.as_ref().map(|o| o.0.clone()));
        let source = renamed_from.clone().unwrap_or_else(|| t.to_owned());
        let mut operations = Vec::new();
        for op in c
            .migrate
            .iter()
            .find(|m| m.table == t)
            .map(|m| m.ops.as_slice())
            .unwrap_or_default()
        {
            let value_of = |o: &TypedOp, col: &Column| {
                encode(
                    o.value.as_ref().unwrap_or(&Lit::Undefined),
                    &col.column_type,
                )
                .unwrap_or(Value::Null)
            };
            match &op.kind {
                OpKind::Rename { old, .. } => operations.push(WireOp::Rename {
                    column: old.clone(),
                    value: op.column.clone(),
                }),
                OpKind::Add(o) => {
                    if let Some(col) = to.table(t).and_then(|x| x.column(&op.column)) {
                        operations.push(WireOp::Introduce {
                            column: op.column.clone(),
                            column_type: col.column_type.clone(),
                            value: value_of(o, col),
                        });
                    }
                }
                OpKind::Drop(o) => {
                    if let Some(col) = from.table(&source).and_then(|x| x.column(&op.column)) {
                        operations.push(WireOp::Drop {
                            column: op.column.clone(),
                            column_type: col.column_type.clone(),
                            value: value_of(o, col),
                        });
                    }
                }
            }
        }
        let added = c.create_tables.iter().any(|m| m.table == t);
        let removed = c.drop_tables.iter().any(|m| m.table == t);
        if added || removed || renamed_from.is_some() || !operations.is_empty() {
            out.push(TableLens {
                table: t.to_owned(),
                added,
                removed,
                renamed_from,
                operations,
            });
        }
    }
    out
}
