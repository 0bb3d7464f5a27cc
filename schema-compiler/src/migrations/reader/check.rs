//! Upstream's rules for a migration config against its two witnesses (migrations.md §4.3:
//! JZ31xx type-level, JZ32xx runtime, JZ33xx values) and the forward lens (§4.2). Every rule
//! runs and every violation is reported; the lens is built regardless (callers publish only
//! when there is no error).

use crate::diagnostics::{Code, Diagnostic};
use crate::schema::{Column, ColumnType, Table, Value, WasmSchema};
use crate::source::Span;

use super::super::codes;
use super::super::diff::{same_identity, same_type};
use super::super::wire::{TableLens, WireOp};
use super::config::{ColumnOp, Config, OpKind, TypedOp};
use super::syntax::Lit;
use super::values::encode;

/// An error whose message is upstream's verbatim text.
fn up(code: Code, msg: impl Into<String>, span: Span) -> Diagnostic {
    let msg = msg.into();
    Diagnostic::new(code, msg.clone()).upstream(msg).at(span)
}

/// Checks `c` against the witnesses; returns the forward lens and the diagnostics.
pub fn check(c: &Config, from: &WasmSchema, to: &WasmSchema) -> (Vec<TableLens>, Vec<Diagnostic>) {
    let mut d = Vec::new();
    check_tables(c, from, to, &mut d);
    let created = |t: &str| c.create_tables.iter().any(|m| m.table == t);
    let dropped = |t: &str| c.drop_tables.iter().any(|m| m.table == t);
    for mt in &c.migrate {
        let t = &mt.table;
        if created(t) || dropped(t) {
            d.push(up(codes::OPS_ON_MARKED, format!("Table {t} cannot have column operations when declared in createTables or dropTables."), mt.span));
            continue;
        }
        let renamed = c
            .rename_tables
            .iter()
            .any(|r| &r.new == t && r.old.is_some());
        let shared = from.table(t).is_some() && to.table(t).is_some();
        if !shared && !renamed {
            d.push(up(codes::MIGRATE_TABLE, "Migration only supports shared tables or target tables declared in renameTables", mt.span).label(mt.span, format!("`{t}` is not a shared table or a rename target")));
        }
    }
    // Column rules on every shared table and every well-formed table rename.
    let mut pairs: Vec<(&Table, &Table, bool)> = Vec::new();
    for ft in &from.tables {
        if let Some(tt) = to.table(&ft.name) {
            pairs.push((ft, tt, false));
        }
    }
    for r in &c.rename_tables {
        let old = r.old.as_ref().map(|o| o.0.as_str()).unwrap_or("");
        match (from.table(old), to.table(&r.new)) {
            (Some(ft), Some(tt)) if to.table(old).is_none() && from.table(&r.new).is_none() => {
                pairs.push((ft, tt, true))
            }
            _ if r.old.is_some() => d.push(up(
                codes::RENAME_MISSING_TABLE,
                format!(
                    "Table rename {old} -> {} references a missing source or target table.",
                    r.new
                ),
                r.span,
            )),
            _ => {}
        }
    }
    for (ft, tt, is_rename) in pairs {
        let entry = c.migrate.iter().find(|m| m.table == tt.name);
        let ops: &[ColumnOp] = entry.map(|m| m.ops.as_slice()).unwrap_or_default();
        let span = entry.map(|m| m.span).unwrap_or(c.root);
        let before = d.iter().filter(|x| x.is_error()).count();
        check_columns(ft, tt, ops, span, &mut d);
        if is_rename
            && d.iter().filter(|x| x.is_error()).count() == before
            && !simulate(ft, tt, ops)
        {
            d.push(up(codes::RENAME_MISMATCH, format!("Table rename {} -> {} does not match the target table after applying its column migrations.", ft.name, tt.name), span));
        }
    }
    (forward(c, from, to), d)
}

fn check_tables(c: &Config, from: &WasmSchema, to: &WasmSchema, d: &mut Vec<Diagnostic>) {
    let in_from = |t: &str| from.table(t).is_some();
    let in_to = |t: &str| to.table(t).is_some();
    for (markers, create) in [(&c.create_tables, true), (&c.drop_tables, false)] {
        let section = if create { "createTables" } else { "dropTables" };
        for m in markers {
            let t = &m.table;
            if !m.is_true {
                d.push(up(
                    codes::MARKER_NOT_TRUE,
                    format!("{section}.{t} must be true."),
                    m.span,
                ));
            }
            let (exists, other) = if create {
                (in_to(t), in_from(t))
            } else {
                (in_from(t), in_to(t))
            };
            let runtime = match (exists, create) {
                (false, true) => Some((
                    codes::MARKER_UNKNOWN,
                    format!("createTables references unknown target table {t}."),
                )),
                (false, false) => Some((
                    codes::MARKER_UNKNOWN,
                    format!("dropTables references unknown source table {t}."),
                )),
                (true, true) if other => Some((
                    codes::MARKER_SHARED,
                    format!(
                        "createTables only supports target-only tables; {t} already exists in the source schema."
                    ),
                )),
                (true, false) if other => Some((
                    codes::MARKER_SHARED,
                    format!(
                        "dropTables only supports source-only tables; {t} still exists in the target schema."
                    ),
                )),
                _ => None,
            };
            if let Some((code, msg)) = runtime {
                d.push(up(code, msg, m.span));
                let (code, msg) = if create {
                    (
                        codes::CREATE_NOT_TARGET_ONLY,
                        "createTables may only mention target-only tables",
                    )
                } else {
                    (
                        codes::DROP_NOT_SOURCE_ONLY,
                        "dropTables may only mention source-only tables",
                    )
                };
                d.push(up(code, msg, m.span));
            }
        }
    }
    let created = |t: &str| c.create_tables.iter().any(|m| m.table == t);
    let dropped = |t: &str| c.drop_tables.iter().any(|m| m.table == t);
    for (i, r) in c.rename_tables.iter().enumerate() {
        let t = &r.new;
        if !in_to(t) {
            d.push(up(
                codes::RENAME_UNKNOWN_TARGET,
                format!("Table rename references unknown target table {t}."),
                r.span,
            ));
        } else if in_from(t) {
            d.push(up(codes::RENAME_TARGET_EXISTS, format!("Table rename target {t} already exists in the source schema; renameTables only supports target-only tables."), r.span));
        }
        if let Some((o, ospan)) = &r.old {
            if !in_from(o) {
                d.push(up(
                    codes::RENAME_UNKNOWN_SOURCE,
                    format!("Table rename references unknown source table {o}."),
                    *ospan,
                ));
            } else if in_to(o) {
                d.push(up(codes::RENAME_SOURCE_EXISTS, format!("Table rename source {o} still exists in the target schema; renameTables only supports source-only tables."), *ospan));
            }
            let earlier = c
                .rename_tables
                .iter()
                .take(i)
                .any(|p| p.old.as_ref().is_some_and(|p| p.0 == *o));
            if earlier {
                d.push(up(
                    codes::RENAME_SOURCE_TWICE,
                    format!("Table rename source {o} is used more than once."),
                    *ospan,
                ));
            }
        }
        if created(t) && dropped(t) {
            d.push(up(
                codes::MARKERS_AND_RENAME,
                format!("Table {t} cannot be combined with both table markers and renameTables."),
                r.span,
            ));
        } else if created(t) {
            d.push(up(
                codes::ADDED_AND_RENAMED,
                format!("Table {t} cannot be both added and renamed."),
                r.span,
            ));
        } else if dropped(t) {
            d.push(up(
                codes::ADDED_AND_RENAMED,
                format!("Table {t} cannot be both removed and renamed."),
                r.span,
            ));
        }
    }
    for m in &c.create_tables {
        if dropped(&m.table) {
            d.push(up(
                codes::ADDED_AND_RENAMED,
                format!("Table {} cannot be both added and removed.", m.table),
                m.span,
            ));
        }
    }
    for t in to.tables.iter().filter(|t| !in_from(&t.name)) {
        if !created(&t.name) && !c.rename_tables.iter().any(|r| r.new == t.name) {
            d.push(
                up(
                    codes::TARGET_UNCOVERED,
                    "Target-only tables must be covered by createTables or renameTables",
                    c.root,
                )
                .label(c.root, format!("`{}` is new", t.name))
                .help(format!(
                    "add `createTables: {{ {}: true }}`, or rename it from a dropped table",
                    t.name
                )),
            );
        }
    }
    for t in from.tables.iter().filter(|t| !in_to(&t.name)) {
        let source = c
            .rename_tables
            .iter()
            .any(|r| r.old.as_ref().is_some_and(|o| o.0 == t.name));
        if !dropped(&t.name) && !source {
            d.push(
                up(
                    codes::SOURCE_UNCOVERED,
                    "Source-only tables must be covered by dropTables or renameTables",
                    c.root,
                )
                .label(c.root, format!("`{}` was removed", t.name))
                .help(format!(
                    "add `dropTables: {{ {}: true }}`, or rename it",
                    t.name
                )),
            );
        }
    }
}

fn check_columns(src: &Table, tgt: &Table, ops: &[ColumnOp], span: Span, d: &mut Vec<Diagnostic>) {
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
                .label(span, format!("`{t}.{}` has no op", a.name)),
            );
        }
    }
    for r in src.columns.iter().filter(|x| tgt.column(&x.name).is_none()) {
        if !covered_removed.contains(&r.name.as_str()) {
            d.push(up(codes::REMOVED_COLUMN, "Removed columns must use col.drop.*(...) or be referenced by col.renameFrom(...)", span)
                .label(span, format!("`{}.{}` has no op", src.name, r.name)));
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

fn op_type(ty: &str) -> &'static str {
    match ty {
        "string" => "Text",
        "int" => "Integer",
        "float" => "Double",
        "boolean" => "Boolean",
        "timestamp" => "Timestamp",
        "bytes" => "Bytea",
        "json" => "Json",
        "enum" => "Enum",
        "ref" => "Uuid",
        _ => "Array",
    }
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
    if op_type(&o.ty) != col.column_type.tag() {
        d.push(mismatch(format!(
            "`{}` op on the {} column `{}`",
            o.ty,
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
fn simulate(src: &Table, tgt: &Table, ops: &[ColumnOp]) -> bool {
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

/// The forward lens (§4.2).
fn forward(c: &Config, from: &WasmSchema, to: &WasmSchema) -> Vec<TableLens> {
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
