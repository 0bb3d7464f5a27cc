//! Update-rule checks:
//!
//! - JZ2325: `allowUpdate.whereOld(c)` without `whereNew`, where `c` ties a column to the
//!   session: `c` is also checked on the new row, so that column can never change (no
//!   ownership transfer). Fix: add `.whereNew({})`.
//! - JZ2326: several update rules on a table, one with different old-row and new-row
//!   conditions: slots merge separately, so a write can pass one rule's `using` and another
//!   rule's `with_check`.

use crate::diagnostics::Diagnostic;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, OUTER_ROW, PValue, Policy, RuleForm, Slot};
use super::Site;

pub fn check(policy: &Policy, site: Option<&Site>, out: &mut Vec<Diagnostic>) {
    for t in &policy.tables {
        let updates: Vec<_> = t
            .rules
            .iter()
            .filter(|r| r.slots.contains(&Slot::UpdateUsing))
            .collect();
        for r in &updates {
            if r.form != RuleForm::Old || r.tainted {
                continue;
            }
            let Some(col) = r.expr(Slot::UpdateUsing).and_then(session_tied) else {
                continue;
            };
            let mut d = Diagnostic::new(
                codes::WHERE_OLD_ONLY,
                format!("`whereOld` alone is also checked on the new row, so `{col}` can never be changed by this rule"),
            )
            .at(r.arg.unwrap_or(r.span))
            .note("without `whereNew`, the old-row condition is copied to update.with_check (upstream behaviour; its docs say otherwise)")
            .help("to allow transfers, add `.whereNew({})` or a specific new-row rule");
            d.fixes.extend(site.and_then(|s| s.add_where_new(r)));
            out.push(d);
        }
        let split = updates
            .iter()
            .find(|r| r.expr(Slot::UpdateUsing) != r.expr(Slot::UpdateCheck));
        if let (Some(first), true) = (split, updates.len() >= 2) {
            let mut d = Diagnostic::new(
                codes::UPDATE_RULES_MERGE,
                format!(
                    "table `{}` has {} update rules and this one checks the old and new row differently; rules merge per clause, so a write can pass one rule's old-row condition and another rule's new-row condition",
                    t.name,
                    updates.len()
                ),
            )
            .at(first.span)
            .help("combine them into one `allowUpdate.whereOld(...).whereNew(...)` rule whose conditions pair up with `anyOf`/`allOf`");
            for r in updates.iter().filter(|r| r.span != first.span) {
                d = d.label(r.span, "another update rule");
            }
            out.push(d);
        }
    }
}

/// The column `e` ties to the session (`col = session.x`, `col in session.x`), if any.
fn session_tied(e: &Expr) -> Option<String> {
    match e {
        Expr::Cmp {
            column,
            op: CmpOp::Eq,
            value: PValue::SessionRef(p),
        } if p.first().map(String::as_str) != Some(OUTER_ROW) && !column.starts_with('$') => {
            Some(column.clone())
        }
        Expr::In { column, .. } if !column.starts_with('$') => Some(column.clone()),
        Expr::And(k) | Expr::Or(k) => k.iter().find_map(session_tied),
        _ => None,
    }
}
