//! The column rules of one table pair: coverage of added and removed
//! columns, renames, op types against the witness columns, default values, unchanged columns,
//! the rename hint (JZ3503) and the table-rename simulation (JZ3216).

use crate::diagnostics::Diagnostic;
use crate::schema::{Column, ColumnKind, ColumnType, Table, Value};
use crate::source::Span;

use super::super::codes;
use super::super::diff::{same_identity, same_type};
use super::check::up;
use super::config::{ColumnOp, OpKind, TypedOp};
use super::values::encode;

pub(super) fn check_columns(
    src: &Table,
    tgt: &Table,
    ops: &[ColumnOp],
    span: Span,
    d: &mut Vec<Diagnostic>,
) {
    let t = &tgt.name;
    let mut covered_added: Vec<&str> = Vec::new();
    let mut covered_removed: Vec<&str> = Vec::new();
    let mut rename_sources: Vec<&str> = Vec::new();
    for op in ops {
        let c = op.column.as_str();
        let (sc, tc) = (src.column(c), tgt.column(c));
        if c.starts_with('$') && !matches!(op.kind, OpKind::Drop(_)) {
            d.push(up(codes::RESERVED_COLUMN, format!("Column name \"{c}\" is reserved for magic columns. Names starting with \"$\" are reserved for system fields."), op.span));
        }
        match &op.kind {
            OpKind::Rename { old, old_span } => {
                let Some(tc) = tc else {
                    d.push(up(
                        codes::UNKNOWN_COLUMN,
                        format!("Migration references unknown target column {t}.{c}."),
                        op.span,
                    ));
                    continue;
                };
                if sc.is_some() {
                    d.push(shared_column(c, op.span));
                    continue;
                }
                covered_added.push(c);
                if rename_sources.contains(&old.as_str()) {
                    d.push(up(
                        codes::RENAMED_TWICE,
                        format!("Migration for {t} renames {old} more than once."),
                        *old_span,
                    ));
                }
                rename_sources.push(old);
                match src.column(old) {
                    Some(oc) if tgt.column(old).is_none() => {
                        covered_removed.push(old);
                        if !same_identity(oc, tc) {
                            d.push(up(codes::RENAME_TYPE, "col.renameFrom(...) must point at a removed column with the same type", *old_span)
                                .label(*old_span, format!("`{old}` is {}, `{c}` is {}", describe(oc), describe(tc))));
                        }
                    }
                    _ => d.push(
                        up(
                            codes::RENAME_SOURCE,
                            "col.renameFrom(...) must point at a removed column in the same table",
                            *old_span,
                        )
                        .label(
                            *old_span,
                            format!("`{old}` is not a removed column of `{}`", src.name),
                        ),
                    ),
                }
            }
            OpKind::Add(o) => match (sc, tc) {
                (None, Some(tc)) => {
                    covered_added.push(c);
                    check_typed(o, tc, false, d);
                }
                (Some(_), None) => {
                    covered_removed.push(c);
                    d.push(up(codes::REMOVED_COLUMN, "Removed columns must use col.drop.*(...) or be referenced by col.renameFrom(...)", op.span).label(op.span, format!("`{c}` was removed; use `s.drop.*`")));
                }
                (Some(_), Some(_)) => d.push(shared_column(c, op.span)),
                (None, None) => d.push(up(
                    codes::UNKNOWN_COLUMN,
                    format!("Migration references unknown target column {t}.{c}."),
                    op.span,
                )),
            },
            OpKind::Drop(o) => match (sc, tc) {
                (Some(sc), None) => {
                    covered_removed.push(c);
                    check_typed(o, sc, true, d);
                }
                (None, Some(_)) => {
                    covered_added.push(c);
                    d.push(
                        up(
                            codes::ADDED_COLUMN,
                            "Added columns must use col.add.*(...) or col.renameFrom(...)",
                            op.span,
                        )
                        .label(op.span, format!("`{c}` was added; use `s.add.*`")),
                    );
                }
                (Some(_), Some(_)) => d.push(shared_column(c, op.span)),
                (None, None) => d.push(up(
                    codes::UNKNOWN_COLUMN,
                    format!(
                        "Migration references unknown source column {}.{c}.",
                        src.name
                    ),
                    op.span,
                )),
            },
        }
    }
    for old in &rename_sources {
        if let Some(own) = ops.iter().find(|o| o.column == *old) {
            d.push(up(
                codes::DROPPED_AND_RENAMED,
                "Removed columns cannot be both dropped and renamed from",
                own.span,
            ));
            d.push(up(
                codes::DROP_AND_RENAME,
                format!("Migration for {t} cannot both drop and rename {old}."),
                own.span,
            ));
        }
    }
    for a in tgt.columns.iter().filter(|x| src.column(&x.name).is_none()) {
        if !covered_added.contains(&a.name.as_str()) {
            d.push(
                up(
                    codes::ADDED_COLUMN,
                    "Added columns must use col.add.*(...) or col.renameFrom(...)",
                    span,
                )
                .label(span, format!("`{t}.{}` has no op", a.name))
                .help(format!(
                    "add `{}` under `migrate.{t}` (with the value old rows get), or `{}: s.renameFrom(\"<old column>\")`",
                    op_line(a, "add", "default"),
                    a.name
                )),
            );
        }
    }
    for r in src.columns.iter().filter(|x| tgt.column(&x.name).is_none()) {
        if !covered_removed.contains(&r.name.as_str()) {
            d.push(up(codes::REMOVED_COLUMN, "Removed columns must use col.drop.*(...) or be referenced by col.renameFrom(...)", span)
                .label(span, format!("`{}.{}` has no op", src.name, r.name))
                .help(format!(
                    "add `{}` under `migrate.{t}` (the value a row written by the new schema shows to old clients)",
                    op_line(r, "drop", "backwardsDefault")
                )));
        }
    }
    for sc in &src.columns {
        if let Some(tc) = tgt.column(&sc.name)
            && !same_identity(sc, tc)
        {
            d.push(up(codes::COLUMN_CHANGED, "Columns with the same name must keep the same type, optionality, and ref target", span)
                .label(span, format!("`{t}.{}` was {}, is now {}", sc.name, describe(sc), describe(tc))));
        }
    }
    possible_renames(src, tgt, ops, d);
}

/// The line that covers column `c` in `migrate`: `c: s.<verb>.<type>({ <key>: <value> }),`
/// with a value of the column's type to edit (`null` for an optional column).
fn op_line(c: &Column, verb: &str, key: &str) -> String {
    // Witness columns come from evaluating DSL calls, so every one has a kind; the `None`
    // arm (a type only upstream's Rust side has) names the type as a placeholder.
    let (ty, value) = match ColumnKind::of_type(&c.column_type) {
        Some(k) => (k.dsl_name().to_owned(), k.example_value()),
        None => (c.column_type.describe(), "null"),
    };
    let value = if c.nullable { "null" } else { value };
    format!("{}: s.{verb}.{ty}({{ {key}: {value} }}),", c.name)
}

fn shared_column(c: &str, span: Span) -> Diagnostic {
    up(
        codes::MIGRATE_COLUMN,
        "Migration tables may only mention added or removed columns",
        span,
    )
    .label(span, format!("`{c}` is in both schemas, or in neither"))
}

fn describe(c: &Column) -> String {
    let mut s = c.column_type.describe();
    if let Some(r) = &c.references {
        s = format!("{s} -> {r}");
    }
    if c.nullable {
        s.push_str(" (optional)");
    }
    s
}

/// The op's type against the witness column, then its value.
fn check_typed(o: &TypedOp, col: &Column, drop: bool, d: &mut Vec<Diagnostic>) {
    let (code, msg) = if drop {
        (
            codes::REMOVED_COLUMN,
            "Removed columns must use col.drop.*(...) or be referenced by col.renameFrom(...)",
        )
    } else {
        (
            codes::ADDED_COLUMN,
            "Added columns must use col.add.*(...) or col.renameFrom(...)",
        )
    };
    let mismatch = |why: String| up(code, msg, o.value_span).label(o.value_span, why);
    if ColumnKind::of_type(&col.column_type) != Some(o.ty) {
        d.push(mismatch(format!(
            "`{}` op on the {} column `{}`",
            o.ty.dsl_name(),
            col.column_type.describe(),
            col.name
        )));
        return;
    }
    match &col.column_type {
        ColumnType::Enum { variants } => {
            if o.variants.is_empty() {
                d.push(up(
                    codes::BAD_VARIANTS,
                    "Enum columns require at least one variant.",
                    o.value_span,
                ));
            } else if o.variants.iter().any(String::is_empty) {
                d.push(up(
                    codes::BAD_VARIANTS,
                    "Enum variants cannot be empty strings.",
                    o.value_span,
                ));
            }
            let mut sorted = crate::schema::enum_order::sort_variants(&o.variants);
            let n = sorted.len();
            sorted.dedup();
            if sorted.len() != n {
                d.push(up(
                    codes::BAD_VARIANTS,
                    "Enum variants must be unique.",
                    o.value_span,
                ));
            }
            if sorted != *variants {
                d.push(mismatch(format!(
                    "the variants differ from the column's: {}",
                    variants.join(", ")
                )));
                return;
            }
            if o.variants != *variants {
                d.push(
                    Diagnostic::new(
                        codes::ENUM_ORDER,
                        "enum variants differ only in written order",
                    )
                    .at(o.value_span)
                    .help(format!("write them as stored: {}", variants.join(", "))),
                );
            }
        }
        ColumnType::Uuid if o.ref_table != col.references => {
            d.push(mismatch(format!(
                "the column references `{}`",
                col.references.as_deref().unwrap_or("nothing")
            )));
            return;
        }
        ColumnType::Array(el) => match &o.of {
            Some((t, r)) if same_type(t, el) && *r == col.references => {}
            _ => {
                d.push(mismatch(format!(
                    "the column is {}",
                    col.column_type.describe()
                )));
                return;
            }
        },
        _ => {}
    }
    if o.unreadable {
        return;
    }
    let Some(lit) = &o.value else {
        let key = if drop { "backwardsDefault" } else { "default" };
        d.push(mismatch(format!("the `{key}` key is required")));
        return;
    };
    match encode(lit, &col.column_type) {
        Ok(Value::Null) if !col.nullable => d.push(mismatch(format!(
            "`{}` is required, so the value cannot be null",
            col.name
        ))),
        Ok(_) => {}
        Err((code, msg)) => d.push(Diagnostic::new(code, msg).at(o.value_span)),
    }
}

/// JZ3503: an add and a drop of the same shape that the stub flagged as a possible rename.
fn possible_renames(src: &Table, tgt: &Table, ops: &[ColumnOp], d: &mut Vec<Diagnostic>) {
    let rem: Vec<&Column> = src
        .columns
        .iter()
        .filter(|c| tgt.column(&c.name).is_none())
        .collect();
    let add: Vec<&Column> = tgt
        .columns
        .iter()
        .filter(|c| src.column(&c.name).is_none())
        .collect();
    let ([o], [n]) = (rem.as_slice(), add.as_slice()) else {
        return;
    };
    if !same_identity(o, n) {
        return;
    }
    let add_op = ops
        .iter()
        .find(|x| x.column == n.name && matches!(x.kind, OpKind::Add(_)));
    let has_drop = ops
        .iter()
        .any(|x| x.column == o.name && matches!(x.kind, OpKind::Drop(_)));
    if let (Some(a), true) = (add_op, has_drop) {
        d.push(Diagnostic::new(codes::POSSIBLE_RENAME, format!("possible rename: \"{}\" -> \"{}\"", o.name, n.name))
            .at(a.span)
            .help(format!("if the data should carry over, write `{}: s.renameFrom(\"{}\"),` instead of the add and the drop", n.name, o.name)));
    }
}

/// JZ3216: applying the ops to the source table must give the target table.
pub(super) fn simulate(src: &Table, tgt: &Table, ops: &[ColumnOp]) -> bool {
    let mut cols: Vec<Column> = src.columns.clone();
    for op in ops {
        match &op.kind {
            OpKind::Rename { old, .. } => {
                if cols.iter().any(|c| c.name == op.column) {
                    return false;
                }
                match cols.iter_mut().find(|c| c.name == *old) {
                    Some(c) => c.name = op.column.clone(),
                    None => return false,
                }
            }
            OpKind::Add(_) => match tgt.column(&op.column) {
                Some(tc) if !cols.iter().any(|c| c.name == op.column) => cols.push(tc.clone()),
                _ => return false,
            },
            OpKind::Drop(_) => match cols.iter().position(|c| c.name == op.column) {
                Some(i) => {
                    cols.remove(i);
                }
                None => return false,
            },
        }
    }
    cols.len() == tgt.columns.len()
        && cols
            .iter()
            .all(|c| tgt.column(&c.name).is_some_and(|tc| same_identity(c, tc)))
}
