//! What permissions.ts says about one table, for hovers and inlay hints: each operation's
//! rule, or that there is none and the operation is denied by default.

use crate::policy::Policy;
use crate::policy::explain::render;
use crate::policy::ir::Slot;

/// The operations a table's policy covers, in the order users read them.
const OPERATIONS: [(&str, Slot); 4] = [
    ("read", Slot::SelectUsing),
    ("insert", Slot::InsertCheck),
    ("update", Slot::UpdateUsing),
    ("delete", Slot::DeleteUsing),
];

/// One line per operation: `read: <rule>` or `update: no policy, denied`.
pub fn summary(policy: &Policy, table: &str) -> Vec<String> {
    let t = policy.table(table);
    OPERATIONS
        .iter()
        .map(|(name, slot)| match t.and_then(|t| t.slot(*slot)) {
            Some(e) => {
                let text = render(e, &|_| None);
                let short: String = text.chars().take(100).collect();
                let more = if short.len() < text.len() { "…" } else { "" };
                format!("{name}: {short}{more}")
            }
            None => format!("{name}: no policy, denied"),
        })
        .collect()
}

/// The operations without a policy (`["update", "delete"]`).
pub fn denied_by_default(policy: &Policy, table: &str) -> Vec<&'static str> {
    let t = policy.table(table);
    OPERATIONS
        .iter()
        .filter(|(_, slot)| t.and_then(|t| t.slot(*slot)).is_none())
        .map(|(name, _)| *name)
        .collect()
}
