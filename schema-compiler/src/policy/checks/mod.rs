//! Static checks on the merged policy (permissions.md §5.2, §5.4): one check per file.

mod cycles;
mod missing;
mod nullable_fk;

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::Span;

use super::ir::{Policy, Slot};

/// Runs every check on `policy`; `call` is the `definePermissions(...)` span.
pub fn run(policy: &Policy, schema: &WasmSchema, call: Span, out: &mut Vec<Diagnostic>) {
    missing::missing_policies(policy, schema, Some(call), out);
    nullable_fk::check(policy, schema, call, out);
    cycles::check(policy, schema, call, out);
}

/// The span of the first rule of `table` that filled `slot`, else `fallback`.
pub(crate) fn rule_span(policy: &Policy, table: &str, slot: Slot, fallback: Span) -> Span {
    policy
        .table(table)
        .and_then(|t| t.rules.iter().find(|r| r.slots.contains(&slot)))
        .map(|r| r.span)
        .unwrap_or(fallback)
}
