//! Constant clauses, judged per rule before merging:
//!
//! - JZ2321: a read/update/delete rule that grants every session without `.always()` — a
//!   Hint with a fix for a literal `where({})`, a warning when composition makes it true (an
//!   `anyOf` branch that is always true);
//! - JZ2322: a rule that can never grant without `.never()` (`in: []`, an explicit
//!   `anyOf([])`, contradictory equalities, `isNull` on a column that is never NULL, an `And`
//!   holding `False`).
//!
//! - JZ2320 becomes an error when dropping `undefined` where keys made the rule `True`.
//!
//! Rules whose evaluation reported an error are skipped: their `False`s stand for failed
//! conditions.

use crate::diagnostics::Diagnostic;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, Lit, PValue, Policy, RuleForm, RuleOrigin, Slot};
use super::{Site, column_type};

pub fn check(
    policy: &Policy,
    schema: &IndexedSchema<'_>,
    site: Option<&Site>,
    out: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    // The JZ2320 findings (`undefined` keys dropped), found once rather than per rule.
    let dropped: Vec<usize> = out
        .iter()
        .enumerate()
        .filter(|(_, d)| d.code == codes::UNDEFINED_DROPPED)
        .map(|(i, _)| i)
        .collect();
    for t in &policy.tables {
        for r in &t.rules {
            if r.tainted || r.form == RuleForm::ManagedByCreator {
                continue;
            }
            // An update rule is judged on the clause that admits the old row.
            let Some(slot) = r.slots.first().copied() else {
                continue;
            };
            let Some(e) = r.expr(slot) else { continue };
            let truth = value(schema, &t.name, e);
            if truth == Some(true) && r.form != RuleForm::Always {
                if *e == Expr::True && escalate_dropped(r, &t.name, slot, out, &dropped) {
                    continue;
                }
                if slot != Slot::InsertCheck {
                    found.push(always_true(r, &t.name, slot, e, site, out, &dropped));
                }
            }
            let never = r
                .exprs
                .iter()
                .position(|x| value(schema, &t.name, x) == Some(false));
            if let (Some(i), false) = (never, r.form == RuleForm::Never) {
                let s = r.slots.get(i).copied().unwrap_or(slot);
                found.push(Some(
                    Diagnostic::new(
                        codes::NEVER_TRUE,
                        format!(
                            "this {} rule on `{}` can never be true, so it grants nothing",
                            s.name(),
                            t.name
                        ),
                    )
                    .at(culprit(policy, schema, &t.name, r))
                    .note("an empty `in: []` or `anyOf([])`, contradictory equalities, or a NULL test on a column that is never NULL make it false")
                    .help(format!("if no session may do this, write `policy.{}.{}.never()`", t.name, super::builder(s))),
                ));
            }
        }
    }
    out.extend(found.into_iter().flatten());
}

/// The smallest recorded piece of `r`'s condition that is false on its own (`in: []`, a NULL
/// test on a required column), else the condition argument, else the rule.
fn culprit(policy: &Policy, schema: &IndexedSchema<'_>, table: &str, r: &RuleOrigin) -> Span {
    let at = r.arg.unwrap_or(r.span);
    policy
        .fragments
        .iter()
        .filter(|f| {
            f.span.file == at.file
                && at.range.start <= f.span.range.start
                && f.span.range.end <= at.range.end
                && value(schema, f.table.as_deref().unwrap_or(table), &f.expr) == Some(false)
        })
        .map(|f| f.span)
        .min_by_key(|s| s.range.end - s.range.start)
        .unwrap_or(at)
}

/// JZ2320 becomes the error JZ2327 when dropping the `undefined` keys made the rule `True`:
/// recodes the findings inside the rule's condition; false when there are none.
/// `dropped` holds the positions of the JZ2320 findings in `out`.
fn escalate_dropped(
    r: &RuleOrigin,
    table: &str,
    slot: Slot,
    out: &mut [Diagnostic],
    dropped: &[usize],
) -> bool {
    let at = r.arg.unwrap_or(r.span);
    let mut any = false;
    for &i in dropped {
        let Some(d) = out.get_mut(i) else { continue };
        if !(is_dropped(d)
            && d.span().is_some_and(|s| {
                s.file == at.file && at.range.start <= s.range.start && s.range.end <= at.range.end
            }))
        {
            continue;
        }
        any = true;
        if d.code == codes::UNDEFINED_DROPPED {
            d.recode(codes::DROPPED_KEYS_GRANT_ALL);
            d.notes.push(format!(
                "without it this {} rule on `{table}` is always true and grants every session",
                slot.name()
            ));
        }
    }
    any
}

/// A JZ2320 finding, or one [`escalate_dropped`] already turned into JZ2327.
fn is_dropped(d: &Diagnostic) -> bool {
    d.code == codes::UNDEFINED_DROPPED || d.code == codes::DROPPED_KEYS_GRANT_ALL
}

/// JZ2321 for one rule; `None` when JZ2320 already explains the `True` (a dropped key).
fn always_true(
    r: &RuleOrigin,
    table: &str,
    slot: Slot,
    e: &Expr,
    site: Option<&Site>,
    prior: &[Diagnostic],
    dropped: &[usize],
) -> Option<Diagnostic> {
    let at = r.arg.unwrap_or(r.span);
    let dropped = dropped.iter().filter_map(|&i| prior.get(i)).any(|d| {
        is_dropped(d)
            && d.span().is_some_and(|s| {
                s.file == at.file && at.range.start <= s.range.start && s.range.end <= at.range.end
            })
    });
    if dropped {
        return None;
    }
    let b = super::builder(slot);
    if *e == Expr::True {
        let mut d = Diagnostic::new(
            codes::WHERE_EMPTY,
            format!(
                "this {} rule on `{table}` is always true; prefer `.always()`",
                slot.name()
            ),
        )
        .at(at)
        .help(format!("write `policy.{table}.{b}.always()`"));
        if let Some(edit) = site.and_then(|s| s.where_to_always(r)) {
            d.fixes.push(edit);
        }
        return Some(d);
    }
    Some(
        Diagnostic::new(
            codes::ALWAYS_TRUE,
            format!("this {} rule on `{table}` is always true, so it grants every session", slot.name()),
        )
        .at(at)
        .note("one branch of an `anyOf` (or every part of an `allOf`) holds for every row and session")
        .help(format!("if every session may do this, write `policy.{table}.{b}.always()`; otherwise fix the branch that is always true")),
    )
}

/// The constant value of `e` on `table`, when it has one.
pub(crate) fn value(schema: &IndexedSchema<'_>, table: &str, e: &Expr) -> Option<bool> {
    match e {
        Expr::True => Some(true),
        Expr::False => Some(false),
        Expr::InList { values, .. } if values.is_empty() => Some(false),
        Expr::SessionInList { values, .. } if values.is_empty() => Some(false),
        Expr::IsNull { column } | Expr::IsNotNull { column } => {
            let (_, nullable) = column_type(schema, table, column)?;
            (!nullable).then_some(matches!(e, Expr::IsNotNull { .. }))
        }
        Expr::Not(x) => value(schema, table, x).map(|v| !v),
        Expr::Exists {
            table: t,
            condition,
        } => (value(schema, t, condition) == Some(false)).then_some(false),
        Expr::Or(k) => {
            let vs: Vec<Option<bool>> = k.iter().map(|x| value(schema, table, x)).collect();
            if vs.contains(&Some(true)) {
                Some(true)
            } else if vs.iter().all(|v| *v == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
        Expr::And(k) => {
            let vs: Vec<Option<bool>> = k.iter().map(|x| value(schema, table, x)).collect();
            if vs.contains(&Some(false)) || contradictory(k) {
                Some(false)
            } else if vs.iter().all(|v| *v == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Two equalities on one column with different literals, or a column both NULL and equal to
/// a non-NULL literal (or both NULL and not NULL).
fn contradictory(k: &[Expr]) -> bool {
    let mut eqs: Vec<(&str, Option<&Lit>)> = Vec::new();
    let mut not_null: Vec<&str> = Vec::new();
    for x in k {
        match x {
            Expr::Cmp {
                column,
                op: CmpOp::Eq,
                value: PValue::Literal(l),
            } => eqs.push((column, Some(l))),
            Expr::IsNull { column } => eqs.push((column, None)),
            Expr::IsNotNull { column } => not_null.push(column),
            _ => {}
        }
    }
    eqs.iter().enumerate().any(|(i, (c, l))| {
        not_null.contains(c) && l.is_none()
            || eqs
                .iter()
                .skip(i + 1)
                .any(|(c2, l2)| c == c2 && !same(*l, *l2))
    })
}

/// Literal equality as the runtime sees it (NULL is `None`; UUID text in any case).
fn same(a: Option<&Lit>, b: Option<&Lit>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Lit::Null), None) | (None, Some(Lit::Null)) => true,
        (Some(Lit::Uuid(x)), Some(Lit::Uuid(y) | Lit::Text(y)))
        | (Some(Lit::Text(x)), Some(Lit::Uuid(y))) => x.eq_ignore_ascii_case(y),
        (Some(Lit::Double(x)), Some(Lit::Double(y))) => x.to_bits() == y.to_bits(),
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}
