//! JZ2330: `allowedTo.*` over a nullable FK without an `IS NOT NULL` guard in the same `And`
//! (a NULL FK passes `Inherits`, upstream defect D3).

use crate::diagnostics::Diagnostic;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Expr, Policy, Slot};

pub fn check(policy: &Policy, schema: &IndexedSchema<'_>, call: Span, out: &mut Vec<Diagnostic>) {
    for t in &policy.tables {
        let Some(st) = schema.table(&t.name) else {
            continue;
        };
        for s in Slot::ALL {
            let Some(e) = t.slot(s) else { continue };
            let mut found = Vec::new();
            walk(e, &[], false, &mut found);
            for (col, under_or) in found {
                if !st.column(&col).is_some_and(|c| c.nullable) {
                    continue;
                }
                let span = super::rule_span(policy, &t.name, s, call);
                let mut msg = format!(
                    "`{col}` is nullable and a NULL `{col}` passes `allowedTo` ({} on table `{}`)",
                    s.name(),
                    t.name
                );
                if under_or {
                    msg.push_str(&format!(
                        "; under `anyOf`, every row with a NULL {col} is visible to every session"
                    ));
                }
                out.push(
                    Diagnostic::new(codes::NULLABLE_FK, msg)
                        .at(span)
                        .help(format!(
                            "guard it: `allOf([{{ {col}: {{ isNull: false }} }}, allowedTo...])`"
                        )),
                );
            }
        }
    }
}

/// Collects forward-inherits FK columns without a sibling `IsNotNull` guard.
fn walk(e: &Expr, guards: &[String], under_or: bool, out: &mut Vec<(String, bool)>) {
    match e {
        Expr::Inherits { via_column, .. } if !guards.contains(via_column) => {
            out.push((via_column.clone(), under_or));
        }
        Expr::And(kids) => {
            let mut g = guards.to_vec();
            for k in kids {
                if let Expr::IsNotNull { column } = k {
                    g.push(column.clone());
                }
            }
            for k in kids {
                walk(k, &g, under_or, out);
            }
        }
        Expr::Or(kids) => {
            for k in kids {
                walk(k, guards, true, out);
            }
        }
        _ => {}
    }
}
