//! Static checks on the merged policy, one family per file:
//! `missing` (JZ2101/JZ2102 and their fixes), `nullable_fk`, `cycles`, `leaves` (findings on
//! one comparison), `constant` (rules that are always or never true), `updates` (update-rule
//! pairing), `targets` (what a clause inherits or scans). `fixes` builds the text edits,
//! `relation` reads relation JSON, `raw` the fields of raw expressions.
//!
//! The checks read the Policy IR only: merged slots, each rule's own condition and form
//! ([`RuleOrigin`]), and the condition fragments the interpreter recorded with their source
//! spans ([`super::ir::Fragment`]), so a finding points at the where key, operator or literal
//! responsible for it. They never evaluate user code.

mod constant;
mod cycles;
pub(crate) mod fixes;
mod leaves;
mod missing;
mod nullable_fk;
pub(crate) mod raw;
mod relation;
mod targets;
mod updates;

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::SchemaSymbols;
use crate::schema::{ColumnType, IndexedSchema, WasmSchema};
use crate::source::Span;

use super::ir::{Expr, Policy, RuleOrigin, Slot};

pub use fixes::Site;

/// Runs every check on `policy`; `call` is the `definePermissions(...)` span, `site` where fixes
/// may insert rules. `out` already holds the interpreter's findings (some checks stay quiet
/// where those already explain the problem).
pub fn run(
    policy: &Policy,
    schema: &WasmSchema,
    defs: &SchemaSymbols,
    call: Span,
    site: Option<&Site>,
    out: &mut Vec<Diagnostic>,
) {
    // Every check looks tables up by name, per table or per rule: index them once.
    let schema = &IndexedSchema::new(schema);
    missing::missing_policies(policy, schema, defs, Some(call), site, out);
    nullable_fk::check(policy, schema, call, out);
    cycles::check(policy, schema, call, out);
    leaves::check(policy, schema, defs, out);
    constant::check(policy, schema, site, out);
    updates::check(policy, site, out);
    targets::check(policy, schema, defs, call, out);
}

/// Adds the secondary label on `table`'s definition in schema.ts, when known.
pub(crate) fn label_table(
    d: Diagnostic,
    defs: &SchemaSymbols,
    table: &str,
    msg: &str,
) -> Diagnostic {
    match defs.table(table) {
        Some(t) => d.label(t.key, msg),
        None => d,
    }
}

/// Adds the secondary label on the definition of `table.column` in schema.ts, when known.
pub(crate) fn label_column(
    d: Diagnostic,
    defs: &SchemaSymbols,
    table: &str,
    column: &str,
    msg: &str,
) -> Diagnostic {
    match defs.column(table, column) {
        Some(c) => d.label(c.key, msg),
        None => d,
    }
}

/// The span of the first rule of `table` that filled `slot`, else `fallback`.
pub(crate) fn rule_span(policy: &Policy, table: &str, slot: Slot, fallback: Span) -> Span {
    policy
        .table(table)
        .and_then(|t| t.rules.iter().find(|r| r.slots.contains(&slot)))
        .map(|r| r.span)
        .unwrap_or(fallback)
}

/// The source of `e` compiled for `table`, when the interpreter recorded it.
pub(crate) fn fragment_span(policy: &Policy, table: &str, e: &Expr) -> Option<Span> {
    policy
        .fragments
        .iter()
        .find(|f| f.table.as_deref() == Some(table) && f.expr == *e)
        .map(|f| f.span)
}

/// The smallest location for a finding about `e` in a rule's clause: its fragment, else the
/// rule's condition argument, else the rule.
pub(crate) fn locate(
    policy: &Policy,
    table: &str,
    e: &Expr,
    rule: Option<&RuleOrigin>,
) -> Option<Span> {
    fragment_span(policy, table, e).or_else(|| rule.map(|r| r.arg.unwrap_or(r.span)))
}

/// The rules of `table` whose condition for `slot` contains `e`.
pub(crate) fn rule_with<'p>(
    policy: &'p Policy,
    table: &str,
    slot: Slot,
    e: &Expr,
) -> Option<&'p RuleOrigin> {
    policy
        .table(table)?
        .rules
        .iter()
        .find(|r| r.expr(slot).is_some_and(|x| contains(x, e)))
}

/// Whether `hay` contains `needle` (through `And`/`Or`/`Not`/`Exists`).
pub(crate) fn contains(hay: &Expr, needle: &Expr) -> bool {
    if hay == needle {
        return true;
    }
    match hay {
        Expr::And(k) | Expr::Or(k) => k.iter().any(|x| contains(x, needle)),
        Expr::Not(x) => contains(x, needle),
        Expr::Exists { condition, .. } => contains(condition, needle),
        _ => false,
    }
}

/// The runtime type of a readable column, and
/// whether it can be NULL.
pub(crate) fn column_type(
    schema: &IndexedSchema<'_>,
    table: &str,
    col: &str,
) -> Option<(ColumnType, bool)> {
    match col {
        "$createdBy" | "$updatedBy" => return Some((ColumnType::Text, false)),
        "$createdAt" | "$updatedAt" => return Some((ColumnType::Timestamp, false)),
        _ => {}
    }
    let t = schema.table(table)?;
    match t.column(col) {
        Some(c) => Some((c.column_type.clone(), c.nullable)),
        None if col == "id" => Some((ColumnType::Uuid, false)),
        None => None,
    }
}

/// The user-facing name of the builder filling `slot`.
pub(crate) fn builder(slot: Slot) -> &'static str {
    match slot {
        Slot::SelectUsing => "allowRead",
        Slot::InsertCheck => "allowInsert",
        Slot::UpdateUsing | Slot::UpdateCheck => "allowUpdate",
        Slot::DeleteUsing => "allowDelete",
    }
}

/// Keeps one finding per code and message where spans nest (a where key and its operator
/// both recorded the same leaf): the innermost span wins; exact duplicates collapse.
pub(crate) fn keep_innermost(found: Vec<Diagnostic>, out: &mut Vec<Diagnostic>) {
    let inside = |a: Span, b: Span| {
        a.file == b.file && b.range.start <= a.range.start && a.range.end <= b.range.end && a != b
    };
    for (i, d) in found.iter().enumerate() {
        let s = d.span();
        let shadowed = found.iter().any(|o| {
            o.code == d.code
                && o.message == d.message
                && o.span().zip(s).is_some_and(|(os, s)| inside(os, s))
        });
        let dup = found
            .iter()
            .take(i)
            .any(|o| o.code == d.code && o.message == d.message && o.span() == s);
        if !shadowed && !dup {
            out.push(d.clone());
        }
    }
}
