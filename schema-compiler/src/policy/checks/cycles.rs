//! JZ2332: `Inherits` cycles with no `maxDepth` on the cycle (upstream defect D4).

use std::collections::{HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use crate::schema::IndexedSchema;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{Expr, Policy, Slot};

/// Edges `table → parent` of forward inherits without `max_depth`.
fn edges(policy: &Policy, schema: &IndexedSchema<'_>) -> Vec<(String, String, Slot)> {
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

pub fn check(policy: &Policy, schema: &IndexedSchema<'_>, call: Span, out: &mut Vec<Diagnostic>) {
    let edges = edges(policy, schema);
    let graph = Graph::new(&edges);
    let mut reported: HashSet<String> = HashSet::new();
    for (from, to, slot) in &edges {
        // An edge outside a strongly connected component is on no cycle: the search below
        // could not find a path back, so skip it (a search per edge over every edge made a
        // policy with an `allowedTo` on every table quadratic).
        if !graph.same_component(from, to) {
            continue;
        }
        // Is there a path from `to` back to `from`?
        let mut stack = vec![(to.clone(), vec![from.clone(), to.clone()])];
        let mut seen: HashSet<String> = HashSet::new();
        let mut found = None;
        while let Some((node, path)) = stack.pop() {
            if node == *from {
                found = Some(path);
                break;
            }
            if seen.contains(&node) || path.len() > 64 {
                continue;
            }
            seen.insert(node.clone());
            for b in graph.successors(&node) {
                let mut p = path.clone();
                p.push(b.clone());
                stack.push((b.clone(), p));
            }
        }
        if let Some(path) = found {
            let mut key: Vec<String> = path.clone();
            key.sort();
            key.dedup();
            let key = key.join(",");
            if !reported.insert(key) {
                continue;
            }
            let msg = format!(
                "INHERITS cycle detected: {from} → {to} (path: {})",
                path.join(" → ")
            );
            out.push(
                Diagnostic::new(codes::INHERITS_CYCLE, msg.clone())
                    .upstream(msg)
                    .at(super::rule_span(policy, from, *slot, call))
                    .note("at runtime the cycle is cut at depth 10 and the check fails closed")
                    .help("add `{ maxDepth: N }` to the `allowedTo` call"),
            );
        }
    }
}

/// The edges as a graph: each node's outgoing edges in edge order, and its strongly connected
/// component.
struct Graph<'e> {
    edges: &'e [(String, String, Slot)],
    node: HashMap<&'e str, usize>,
    /// Per node, the indices in `edges` of the edges leaving it, in order.
    out: Vec<Vec<usize>>,
    component: Vec<usize>,
}

impl<'e> Graph<'e> {
    fn new(edges: &'e [(String, String, Slot)]) -> Self {
        let mut node: HashMap<&str, usize> = HashMap::new();
        for (a, b, _) in edges {
            for n in [a, b] {
                let next = node.len();
                node.entry(n.as_str()).or_insert(next);
            }
        }
        let n = node.len();
        let id = |s: &str| node.get(s).copied().unwrap_or(0);
        let mut out = vec![Vec::new(); n];
        let mut succ = vec![Vec::new(); n];
        let mut pred = vec![Vec::new(); n];
        for (i, (a, b, _)) in edges.iter().enumerate() {
            let (a, b) = (id(a), id(b));
            out[a].push(i);
            succ[a].push(b);
            pred[b].push(a);
        }
        let component = components(&succ, &pred);
        Self {
            edges,
            node,
            out,
            component,
        }
    }

    fn same_component(&self, a: &str, b: &str) -> bool {
        match (self.node.get(a), self.node.get(b)) {
            (Some(&a), Some(&b)) => self.component.get(a) == self.component.get(b),
            _ => false,
        }
    }

    /// The targets of the edges leaving `node`, in edge order.
    fn successors(&self, node: &str) -> impl Iterator<Item = &'e String> + '_ {
        let out = self.node.get(node).and_then(|&i| self.out.get(i));
        out.into_iter()
            .flatten()
            .filter_map(|&e| self.edges.get(e).map(|(_, b, _)| b))
    }
}

/// Strongly connected components (Kosaraju, iterative): a component id per node.
fn components(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let n = succ.len();
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for s in 0..n {
        if visited[s] {
            continue;
        }
        visited[s] = true;
        let mut stack = vec![(s, 0usize)];
        while let Some(top) = stack.last_mut() {
            let u = top.0;
            let next = succ[u].get(top.1).copied();
            top.1 += 1;
            match next {
                Some(v) if !visited[v] => {
                    visited[v] = true;
                    stack.push((v, 0));
                }
                Some(_) => {}
                None => {
                    order.push(u);
                    stack.pop();
                }
            }
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut count = 0;
    for &s in order.iter().rev() {
        if component[s] != usize::MAX {
            continue;
        }
        component[s] = count;
        let mut stack = vec![s];
        while let Some(u) = stack.pop() {
            for &v in &pred[u] {
                if component[v] == usize::MAX {
                    component[v] = count;
                    stack.push(v);
                }
            }
        }
        count += 1;
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: &str, b: &str) -> (String, String, Slot) {
        (a.to_owned(), b.to_owned(), Slot::SelectUsing)
    }

    /// Nodes share a component exactly when each reaches the other.
    #[test]
    fn components_agree_with_reachability() {
        let edges = vec![
            edge("a", "b"),
            edge("b", "c"),
            edge("c", "a"),
            edge("c", "d"),
            edge("d", "e"),
            edge("e", "e"),
            edge("f", "a"),
            edge("d", "g"),
            edge("g", "d"),
        ];
        let g = Graph::new(&edges);
        let reach = |from: &str, to: &str| {
            let mut seen = HashSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(n) = stack.pop() {
                for b in g.successors(&n) {
                    if b == to {
                        return true;
                    }
                    if seen.insert(b.clone()) {
                        stack.push(b.clone());
                    }
                }
            }
            false
        };
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        for a in names {
            for b in names {
                let both = a == b || (reach(a, b) && reach(b, a));
                assert_eq!(g.same_component(a, b), both, "{a} {b}");
            }
        }
        let succ: Vec<&String> = g.successors("c").collect();
        assert_eq!(succ, ["a", "d"]);
    }
}
