//! JZ2332: `Inherits` cycles with no `maxDepth` on the cycle (upstream defect D4).

use crate::diagnostics::Diagnostic;
use crate::schema::WasmSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Expr, Policy, Slot};

/// Edges `table → parent` of forward inherits without `max_depth`.
fn edges(policy: &Policy, schema: &WasmSchema) -> Vec<(String, String, Slot)> {
    let mut out = Vec::new();
    for t in &policy.tables {
        for s in Slot::ALL {
            let Some(e) = t.slot(s) else { continue };
            let mut cols = Vec::new();
            collect(e, &mut cols);
            for c in cols {
                if let Some(target) = schema
                    .table(&t.name)
                    .and_then(|st| st.column(&c))
                    .and_then(|col| col.references.clone())
                {
                    out.push((t.name.clone(), target, s));
                }
            }
        }
    }
    out
}

fn collect(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Inherits {
            via_column,
            max_depth: None,
            ..
        } => out.push(via_column.clone()),
        Expr::And(k) | Expr::Or(k) => k.iter().for_each(|x| collect(x, out)),
        Expr::Not(x) => collect(x, out),
        _ => {}
    }
}

pub fn check(policy: &Policy, schema: &WasmSchema, call: Span, out: &mut Vec<Diagnostic>) {
    let edges = edges(policy, schema);
    let mut reported: Vec<String> = Vec::new();
    for (from, to, slot) in &edges {
        // Is there a path from `to` back to `from`?
        let mut stack = vec![(to.clone(), vec![from.clone(), to.clone()])];
        let mut seen: Vec<String> = Vec::new();
        let mut found = None;
        while let Some((node, path)) = stack.pop() {
            if node == *from {
                found = Some(path);
                break;
            }
            if seen.contains(&node) || path.len() > 64 {
                continue;
            }
            seen.push(node.clone());
            for (a, b, _) in &edges {
                if *a == node {
                    let mut p = path.clone();
                    p.push(b.clone());
                    stack.push((b.clone(), p));
                }
            }
        }
        if let Some(path) = found {
            let mut key: Vec<String> = path.clone();
            key.sort();
            key.dedup();
            let key = key.join(",");
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            let msg = format!(
                "INHERITS cycle detected: {from} → {to} (path: {})",
                path.join(" → ")
            );
            out.push(
                Diagnostic::warning(codes::INHERITS_CYCLE, msg.clone())
                    .upstream(msg)
                    .at(super::rule_span(policy, from, *slot, call))
                    .note("at runtime the cycle is cut at depth 10 and the check fails closed")
                    .help("add `{ maxDepth: N }` to the `allowedTo` call"),
            );
        }
    }
}
