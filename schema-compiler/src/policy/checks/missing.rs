//! JZ2101 / JZ2102: the missing-policy warnings with upstream's text (permissions.md §5.2).

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Policy, Slot};

/// One warning per schema table × operation without an explicit clause.
pub fn missing_policies(
    policy: &Policy,
    schema: &WasmSchema,
    call: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    for t in &schema.tables {
        let tp = policy.table(&t.name);
        let has = |s: Slot| tp.is_some_and(|p| p.slot(s).is_some());
        let span = tp.and_then(|p| p.rules.first()).map(|r| r.span).or(call);
        let mut warn = |code, msg: String, fix: Option<String>| {
            let mut d = Diagnostic::warning(code, msg.clone()).upstream(format!("Warning: {msg}"));
            if let Some(s) = span {
                d = d.at(s);
            }
            if let Some(f) = fix {
                d = d.help(f);
            }
            out.push(d);
        };
        let name = &t.name;
        let missing = |op: &str, builder: &str| {
            (
                format!(
                    "table \"{name}\" has no explicit {op} policy in permissions.ts; enforcing runtimes default to deny."
                ),
                Some(format!(
                    "add `policy.{name}.{builder}.never()` to make the denial explicit, or a rule that grants it"
                )),
            )
        };
        if !has(Slot::SelectUsing) {
            let (m, f) = missing("read", "allowRead");
            warn(codes::MISSING_POLICY, m, f);
        }
        if !has(Slot::InsertCheck) {
            let (m, f) = missing("insert", "allowInsert");
            warn(codes::MISSING_POLICY, m, f);
        }
        if !has(Slot::UpdateUsing) && !has(Slot::UpdateCheck) {
            let (m, f) = missing("update", "allowUpdate");
            warn(codes::MISSING_POLICY, m, f);
        }
        if !has(Slot::DeleteUsing) {
            if has(Slot::UpdateUsing) {
                warn(
                    codes::DELETE_FALLBACK,
                    format!(
                        "table \"{name}\" has no explicit delete policy in permissions.ts; deletes can fall back to update.using at runtime, but add delete.using to make the delete rule explicit and silence this warning."
                    ),
                    Some(format!(
                        "copy the update rule to `policy.{name}.allowDelete`"
                    )),
                );
            } else {
                let (m, f) = missing("delete", "allowDelete");
                warn(codes::MISSING_POLICY, m, f);
            }
        }
    }
}
