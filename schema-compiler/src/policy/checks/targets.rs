//! Checks on what a clause reaches:
//!
//! - JZ2335: the target lacks the clause it needs — an `allowedTo.<op>` parent without that
//!   operation's clause, a `…Referencing` source without it, or an `ExistsRel` in a write
//!   clause scanning a table without a read policy: always false under enforcement;
//! - JZ2336: a table with policies but no read policy (its rows can never be read);
//! - JZ2337 (Info): a qualified key or `policy.exists` relation in a write clause applies the
//!   scanned tables' read policies, unlike `exists.where`;
//! - JZ2340 (Info): a write clause whose only grant requires `authMode: "anonymous"`
//!   (anonymous writes are denied before policies run).

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::SchemaSymbols;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, Lit, Operation, Policy, Slot};
use super::relation;

pub fn check(
    policy: &Policy,
    schema: &IndexedSchema<'_>,
    defs: &SchemaSymbols,
    call: Span,
    out: &mut Vec<Diagnostic>,
) {
    // update.using and update.with_check often hold the same rule: report it once.
    let mut found = Vec::new();
    let out_all = out;
    let out = &mut found;
    for t in &policy.tables {
        for s in Slot::ALL {
            let Some(e) = t.slot(s) else { continue };
            let cx = Cx {
                policy,
                schema,
                defs,
                slot: s,
                owner: &t.name,
                call,
            };
            cx.walk(e, &t.name, out);
            if s != Slot::SelectUsing && needs_anonymous(e) {
                out.push(
                    Diagnostic::new(
                        codes::ANONYMOUS_WRITE,
                        format!(
                            "this {} clause of `{}` only grants anonymous sessions, whose writes are denied before policies run",
                            s.name(),
                            t.name
                        ),
                    )
                    .at(super::rule_span(policy, &t.name, s, call))
                    .help("anonymous sessions can only read; grant writes to signed-in sessions"),
                );
            }
        }
        let any = Slot::ALL.iter().any(|s| t.slot(*s).is_some());
        if any && t.slot(Slot::SelectUsing).is_none() {
            let at = t.rules.first().map_or(call, |r| r.span);
            out.push(
                Diagnostic::new(
                    codes::NO_READ_POLICY,
                    format!(
                        "table `{}` has policies but no read policy: its rows can be written but never read by any session",
                        t.name
                    ),
                )
                .at(at)
                .help(format!(
                    "add `policy.{}.allowRead.where(...)`, or `.never()` if that is intended",
                    t.name
                )),
            );
        }
    }
    super::keep_innermost(found, out_all);
}

struct Cx<'a> {
    policy: &'a Policy,
    schema: &'a IndexedSchema<'a>,
    defs: &'a SchemaSymbols,
    slot: Slot,
    /// The table whose clause is being walked (spans are looked up on its rules).
    owner: &'a str,
    call: Span,
}

impl Cx<'_> {
    /// Walks `e`, compiled for `table` (an `Exists` condition is compiled for its table).
    fn walk(&self, e: &Expr, table: &str, out: &mut Vec<Diagnostic>) {
        match e {
            Expr::And(k) | Expr::Or(k) => k.iter().for_each(|x| self.walk(x, table, out)),
            Expr::Not(x) => self.walk(x, table, out),
            Expr::Exists {
                table: t,
                condition,
            } => self.walk(condition, t, out),
            Expr::Inherits {
                operation,
                via_column,
                ..
            } => {
                let parent = self
                    .schema
                    .table(table)
                    .and_then(|st| st.column(via_column))
                    .and_then(|c| c.references.clone());
                if let Some(p) = parent
                    && !self.has_clause(&p, *operation)
                {
                    let msg = format!(
                        "`allowedTo.{}(\"{via_column}\")` checks the {} policy of `{p}`, which has none, so it is always false",
                        operation.word(),
                        operation.word()
                    );
                    out.push(self.lacks(e, table, msg, &p, *operation));
                }
            }
            Expr::InheritsReferencing {
                operation,
                source_table,
                via_column,
                ..
            } if !self.has_clause(source_table, *operation) => {
                let msg = format!(
                    "`allowedTo.{}Referencing({source_table}, \"{via_column}\")` checks the {} policy of `{source_table}`, which has none, so it is always false",
                    operation.word(),
                    operation.word()
                );
                out.push(self.lacks(e, table, msg, source_table, *operation));
            }
            Expr::ExistsRel { rel } => self.exists_rel(e, rel, table, out),
            _ => {}
        }
    }

    /// JZ2335 / JZ2337 for an `ExistsRel` in a write clause reaching other tables.
    fn exists_rel(
        &self,
        e: &Expr,
        rel: &crate::schema::json::JsonValue,
        table: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        if self.slot == Slot::SelectUsing || relation::output_table(rel).as_deref() == Some(table) {
            return;
        }
        let at = self.at(e, table);
        let scanned = relation::scanned(rel);
        out.push(
            Diagnostic::new(
                codes::RELATION_IN_WRITE,
                format!(
                    "in this {} clause the relation applies the read policies of the tables it scans ({})",
                    self.slot.name(),
                    scanned.join(", ")
                ),
            )
            .at(at)
            .note("`policy.<table>.exists.where(...)` scans structurally, without read policies"),
        );
        for s in scanned {
            if !self.has_clause(&s, Operation::Select) {
                out.push(
                    Diagnostic::new(
                        codes::TARGET_LACKS_POLICY,
                        format!(
                            "this relation in the {} clause scans `{s}`, which has no read policy, so it yields no rows and the condition is always false",
                            self.slot.name()
                        ),
                    )
                    .at(at)
                    .help(format!("add a read policy to `{s}`, or use `policy.{s}.exists.where(...)`, which ignores read policies")),
                );
            }
        }
    }

    fn lacks(&self, e: &Expr, table: &str, msg: String, target: &str, op: Operation) -> Diagnostic {
        let builder = match op {
            Operation::Select => "allowRead",
            Operation::Insert => "allowInsert",
            Operation::Update => "allowUpdate",
            Operation::Delete => "allowDelete",
        };
        let d = Diagnostic::new(codes::TARGET_LACKS_POLICY, msg)
            .at(self.at(e, table))
            .note("under enforcement a missing clause denies, and so does every rule inheriting it")
            .help(format!("add `policy.{target}.{builder}.where(...)`"));
        super::label_table(d, self.defs, target, "table declared here")
    }

    /// The clause an inherited `op` evaluates on `table` (delete falls back to
    /// `update.using`).
    fn has_clause(&self, table: &str, op: Operation) -> bool {
        let Some(t) = self.policy.table(table) else {
            return false;
        };
        match op {
            Operation::Select => t.slot(Slot::SelectUsing).is_some(),
            Operation::Insert => t.slot(Slot::InsertCheck).is_some(),
            Operation::Update => t.slot(Slot::UpdateUsing).is_some(),
            Operation::Delete => {
                t.slot(Slot::DeleteUsing).is_some() || t.slot(Slot::UpdateUsing).is_some()
            }
        }
    }

    fn at(&self, e: &Expr, table: &str) -> Span {
        let rule = super::rule_with(self.policy, self.owner, self.slot, e);
        super::locate(self.policy, table, e, rule)
            .unwrap_or_else(|| super::rule_span(self.policy, self.owner, self.slot, self.call))
    }
}

/// Whether every way `e` can grant requires `authMode == "anonymous"`.
fn needs_anonymous(e: &Expr) -> bool {
    let anon = |v: &Lit| matches!(v, Lit::Text(t) if t == "anonymous");
    let auth = |p: &[String]| matches!(p, [x] if x == "authMode" || x == "auth_mode");
    match e {
        Expr::SessionCmp {
            path,
            op: CmpOp::Eq,
            value,
        } => auth(path) && anon(value),
        Expr::SessionInList { path, values } => {
            auth(path) && !values.is_empty() && values.iter().all(anon)
        }
        Expr::And(k) => k.iter().any(needs_anonymous),
        Expr::Or(k) => !k.is_empty() && k.iter().all(needs_anonymous),
        _ => false,
    }
}
