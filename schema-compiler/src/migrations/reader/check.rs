//! Upstream's rules for a migration config against its two witnesses (JZ31xx type-level, JZ32xx
//! runtime, JZ33xx values) and the forward lens. Every rule runs and every violation is
//! reported; the lens is built regardless (callers publish only
//! when there is no error).

use crate::diagnostics::{Code, Diagnostic};
use crate::schema::{Table, WasmSchema};
use crate::source::Span;

use super::super::codes;
use super::super::wire::TableLens;
use super::columns::{check_columns, simulate};
use super::config::{ColumnOp, Config};
use super::forward::forward;

/// An error whose message is upstream's verbatim text.
pub(super) fn up(code: Code, msg: impl Into<String>, span: Span) -> Diagnostic {
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
        // The table's own entry, else the `migrate` key, never the whole call.
        let span = entry.map(|m| m.span).or(c.migrate_key).unwrap_or(c.root);
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
