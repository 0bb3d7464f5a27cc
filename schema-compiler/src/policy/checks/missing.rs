//! JZ2101 / JZ2102: the missing-policy warnings with upstream's text (permissions.md §5.2),
//! with their fixes: add `.never()` (same behaviour, explicit), copy the update rule to
//! `allowDelete`.

use crate::diagnostics::{Diagnostic, Fix};
use crate::eval::symbols::SchemaSymbols;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Policy, Slot, TablePolicy};
use super::Site;

/// One warning per schema table × operation without an explicit clause. Without a
/// permissions file `call` is `None` and the warnings are project-level.
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
        let warn = |code, msg: String, help: String, fix: Option<Fix>| {
            let mut d = Diagnostic::new(code, msg.clone())
                .upstream(format!("Warning: {msg}"))
                .help(help);
            if let Some(s) = span {
                d = d.at(s);
            }
            d.fixes.extend(fix);
            super::label_table(d, defs, name, "table declared here")
        };
        let missing = |op: &str, builder: &str| {
            let stmt = site.map(|s| format!("{}.{name}.{builder}.never()", s.policy));
            warn(
                codes::MISSING_POLICY,
                format!(
                    "table \"{name}\" has no explicit {op} policy in permissions.ts; enforcing runtimes default to deny."
                ),
                format!(
                    "add `policy.{name}.{builder}.never()` to make the denial explicit, or a rule that grants it"
                ),
                site.zip(stmt)
                    .map(|(s, stmt)| s.add_statement(format!("Add {stmt}"), &stmt)),
            )
        };
        if !has(Slot::SelectUsing) {
            out.push(missing("read", "allowRead"));
        }
        if !has(Slot::InsertCheck) {
            out.push(missing("insert", "allowInsert"));
        }
        if !has(Slot::UpdateUsing) && !has(Slot::UpdateCheck) {
            out.push(missing("update", "allowUpdate"));
        }
        if !has(Slot::DeleteUsing) {
            if has(Slot::UpdateUsing) {
                out.push(warn(
                    codes::DELETE_FALLBACK,
                    format!(
                        "table \"{name}\" has no explicit delete policy in permissions.ts; deletes can fall back to update.using at runtime, but add delete.using to make the delete rule explicit and silence this warning."
                    ),
                    format!("copy the update rule to `policy.{name}.allowDelete`"),
                    site.zip(tp).and_then(|(s, tp)| copy_update(s, tp)),
                ));
            } else {
                out.push(missing("delete", "allowDelete"));
            }
        }
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
