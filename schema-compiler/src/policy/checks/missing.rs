//! JZ2101 / JZ2102: the missing-policy warnings with upstream's text,
//! with their fixes: add `.never()` for every missing operation of a table (same behaviour,
//! explicit), copy the update rule to `allowDelete`.

use crate::diagnostics::{Diagnostic, Fix};
use crate::eval::symbols::SchemaSymbols;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Policy, Slot, TablePolicy};
use super::Site;

/// At most one JZ2101 per table, naming every operation without an explicit clause, with one
/// fix adding `.never()` for all of them; JZ2102 stays its own warning (its fix is different).
/// Upstream prints one line per operation: those lines are the upstream text, one per line.
/// Without a permissions file `call` is `None` and the warnings are project-level, labelled at
/// the table in schema.ts; otherwise they point into permissions.ts only, so each is one frame.
pub fn missing_policies(
    policy: &Policy,
    schema: &IndexedSchema<'_>,
    defs: &SchemaSymbols,
    call: Option<Span>,
    site: Option<&Site>,
    out: &mut Vec<Diagnostic>,
) {
    for t in &schema.tables {
        let tp = policy.table(&t.name);
        let has = |s: Slot| tp.is_some_and(|p| p.slot(s).is_some());
        let span = tp.and_then(|p| p.rules.first()).map(|r| r.span).or(call);
        let name = &t.name;
        let place = |d: Diagnostic| match span {
            Some(s) => d.at(s),
            None => super::label_table(d, defs, name, "table declared here"),
        };
        let mut ops: Vec<(&str, &str)> = Vec::new();
        if !has(Slot::SelectUsing) {
            ops.push(("read", "allowRead"));
        }
        if !has(Slot::InsertCheck) {
            ops.push(("insert", "allowInsert"));
        }
        if !has(Slot::UpdateUsing) && !has(Slot::UpdateCheck) {
            ops.push(("update", "allowUpdate"));
        }
        let fallback = !has(Slot::DeleteUsing) && has(Slot::UpdateUsing);
        if !has(Slot::DeleteUsing) && !fallback {
            ops.push(("delete", "allowDelete"));
        }
        if !ops.is_empty() {
            out.push(place(missing(name, &ops, site)));
        }
        if fallback {
            let msg = format!(
                "table \"{name}\" has no explicit delete policy in permissions.ts; deletes can fall back to update.using at runtime, but add delete.using to make the delete rule explicit and silence this warning."
            );
            let mut d = Diagnostic::new(codes::DELETE_FALLBACK, msg.clone())
                .upstream(format!("Warning: {msg}"))
                .help(format!(
                    "copy the update rule to `policy.{name}.allowDelete`"
                ));
            d.fixes
                .extend(site.zip(tp).and_then(|(s, tp)| copy_update(s, tp)));
            out.push(place(d));
        }
    }
}

/// The JZ2101 of table `name` for `ops` (operation, builder), in slot order.
fn missing(name: &str, ops: &[(&str, &str)], site: Option<&Site>) -> Diagnostic {
    let upstream_line = |op: &str| {
        format!(
            "table \"{name}\" has no explicit {op} policy in permissions.ts; enforcing runtimes default to deny."
        )
    };
    let words: Vec<&str> = ops.iter().map(|(op, _)| *op).collect();
    let message = format!("table \"{name}\" has no policy for {}", words.join(", "));
    let upstream: Vec<String> = words
        .iter()
        .map(|op| format!("Warning: {}", upstream_line(op)))
        .collect();
    let help = match ops {
        [(_, b)] => format!(
            "runtimes that enforce permissions deny it; add `policy.{name}.{b}.never()` to make the denial explicit, or a rule that grants it"
        ),
        _ => "runtimes that enforce permissions deny them; add `.never()` to make each denial explicit, or rules that grant them".to_owned(),
    };
    let mut d = Diagnostic::new(codes::MISSING_POLICY, message)
        .upstream(upstream.join("\n"))
        .help(help);
    if let Some(site) = site {
        let stmts: Vec<String> = ops
            .iter()
            .map(|(_, b)| format!("{}.{name}.{b}.never()", site.policy))
            .collect();
        let title = match stmts.as_slice() {
            [one] => format!("Add {one}"),
            _ => format!(
                "Add `.never()` for {} of table \"{name}\"",
                and_list(&words)
            ),
        };
        d.fixes.push(site.add_statements(title, &stmts));
    }
    d
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(words: &[&str]) -> String {
    match words.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, head)) => format!("{} and {last}", head.join(", ")),
        None => String::new(),
    }
}

/// One fix copying every rule that fills `update.using`, so `delete.using` equals it.
fn copy_update(site: &Site, tp: &TablePolicy) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut title = String::new();
    for r in tp
        .rules
        .iter()
        .filter(|r| r.slots.contains(&Slot::UpdateUsing))
    {
        let f = site.copy_to_delete(r, &tp.name)?;
        title = f.title;
        edits.extend(f.edits);
    }
    (!edits.is_empty()).then_some(Fix { title, edits })
}
