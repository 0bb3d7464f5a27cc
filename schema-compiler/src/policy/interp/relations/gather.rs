//! `gather({ start?, step, maxDepth? })`: a recursive relation
//! `Gather{seed, step, frontier_key, max_depth, dedupe_key}`.

use std::rc::Rc;

use crate::schema::JsonValue;
use crate::schema::json::number_to_js_string;
use crate::source::Span;

use super::super::super::codes;
use super::super::super::ir::CmpOp;
use super::super::Interp;
use super::super::value::Pv;
use super::preds::cmp;
use super::state::{
    RelState, StateKind, apply_filter, hop_columns, join_alias, obj, s, split_qualified,
    table_scan, tag,
};
use super::{Qualified, rel};

/// Runtime default and hard cap of `maxDepth`.
const DEFAULT_DEPTH: u32 = 10;
const DEPTH_CAP: f64 = 64.0;
const HOP_SCOPE: &str = "__recursive_hop_0";

impl Interp<'_> {
    pub(in crate::policy::interp) fn gather(
        &mut self,
        st: &RelState,
        opts: Option<(Pv, Span)>,
        nspan: Span,
        span: Span,
    ) -> Pv {
        let (opts, ospan) = opts.unwrap_or((Pv::Undef, span));
        if matches!(opts, Pv::Bad) {
            return Pv::Bad;
        }
        let key_span = |k: &str| match &opts {
            Pv::Obj(o) => o.iter().find(|(n, _, _)| n == k).map(|x| x.2),
            _ => None,
        };
        let fail = |it: &mut Self, at: Span, m: &str| {
            it.upstream_error(codes::BAD_GATHER, at, format!("gather(...) {m}"));
            Pv::Bad
        };
        let step = match opts.get("step") {
            Some(f @ (Pv::Closure(_) | Pv::Bound(_))) => f.clone(),
            Some(Pv::Bad) => return Pv::Bad,
            _ => {
                let at = key_span("step").unwrap_or(ospan);
                return fail(self, at, "requires a step callback.");
            }
        };
        if st.has_select() {
            return fail(self, nspan, "does not support select(...) seeds in MVP.");
        }
        let start = opts
            .get("start")
            .filter(|v| !matches!(v, Pv::Undef))
            .cloned();
        let sspan = key_span("start").unwrap_or(ospan);
        if start.is_some() && st.kind == StateKind::Union {
            return fail(
                self,
                sspan,
                "start does not support union(...) seeds in MVP.",
            );
        }
        let Some(seed_state) = self.gather_seed(st, start.map(|v| (v, sspan)), span) else {
            return Pv::Bad;
        };
        let stspan = key_span("step").unwrap_or(ospan);
        let current = Pv::Obj(Rc::new(vec![("current".into(), Pv::Current, stspan)]));
        let stepped = self.call_value(&step, vec![(current, stspan)], stspan);
        let step_state = match stepped {
            Pv::Rel(r) => r,
            Pv::Bad => return Pv::Bad,
            _ => {
                self.not_a_relation(stspan);
                return Pv::Bad;
            }
        };
        if step_state.kind != StateKind::Table {
            return fail(
                self,
                stspan,
                "step must return a relation built from policy.<table>.",
            );
        }
        if step_state.joins.len() != 1 || !step_state.joins[0].via_hop {
            return fail(self, stspan, "step must include exactly one hopTo(...).");
        }
        if step_state.has_select() {
            return fail(self, stspan, "step does not support select(...).");
        }
        let currents: Vec<_> = step_state
            .filters
            .iter()
            .filter(|f| f.preds.is_none())
            .collect();
        let [current] = currents.as_slice() else {
            return fail(
                self,
                stspan,
                "step must include exactly one where condition bound to current.",
            );
        };
        let hop = &step_state.joins[0];
        if hop.table != st.output_table || split_qualified(&hop.right).1 != "id" {
            let t = st.output_table.clone();
            return fail(
                self,
                stspan,
                &format!("step must hop back to \"{t}\" rows via hopTo(...)."),
            );
        }
        let max_depth = match opts.get("maxDepth") {
            None | Some(Pv::Undef) => DEFAULT_DEPTH,
            Some(Pv::Num(n)) if n.fract() == 0.0 && *n > 0.0 => {
                if *n > DEPTH_CAP {
                    let at = key_span("maxDepth").unwrap_or(ospan);
                    let m = format!("maxDepth {} exceeds hard cap 64.", number_to_js_string(*n));
                    return fail(self, at, &m);
                }
                *n as u32
            }
            Some(Pv::Bad) => return Pv::Bad,
            Some(_) => {
                let at = key_span("maxDepth").unwrap_or(ospan);
                return fail(self, at, "maxDepth must be a positive integer.");
            }
        };
        let seed = self.lower_checked(&seed_state);
        // The step's own table is the scope of its filters (upstream alpha.46 names the hop
        // target here, which no runtime can resolve; see the CHANGELOG).
        let step_scope = step_state.initial_scope.clone();
        let mut preds: Vec<JsonValue> = step_state
            .filters
            .iter()
            .filter_map(|f| f.preds.clone())
            .flatten()
            .collect();
        preds.push(cmp(
            obj(vec![
                ("scope", s(&step_scope)),
                ("column", s(split_qualified(&current.column).1)),
            ]),
            CmpOp::Eq,
            tag("RowId", s("Frontier")),
        ));
        let filtered = apply_filter(step_state.base.clone(), preds);
        let on = obj(vec![
            (
                "left",
                obj(vec![
                    ("scope", s(&step_scope)),
                    ("column", s(split_qualified(&hop.left).1)),
                ]),
            ),
            (
                "right",
                obj(vec![("scope", s(HOP_SCOPE)), ("column", s("id"))]),
            ),
        ]);
        let joined = tag(
            "Join",
            obj(vec![
                ("left", filtered),
                ("right", table_scan(&st.output_table)),
                ("on", JsonValue::Array(vec![on])),
                ("join_kind", s("Inner")),
            ]),
        );
        let step_rel = tag(
            "Project",
            obj(vec![("input", joined), ("columns", hop_columns(HOP_SCOPE))]),
        );
        let row_id = || tag("RowId", s("Current"));
        let base = tag(
            "Gather",
            obj(vec![
                ("seed", seed),
                ("step", step_rel),
                ("frontier_key", row_id()),
                ("max_depth", JsonValue::Number(f64::from(max_depth))),
                ("dedupe_key", JsonValue::Array(vec![row_id()])),
            ]),
        );
        rel(RelState {
            kind: StateKind::Recursive,
            output_table: st.output_table.clone(),
            base,
            initial_scope: st.output_table.to_string(),
            filters: Vec::new(),
            joins: Vec::new(),
            select: None,
        })
    }

    /// The seed: `st` plus the `start` entries (qualified keys join a direct relation).
    fn gather_seed(
        &mut self,
        st: &RelState,
        start: Option<(Pv, Span)>,
        span: Span,
    ) -> Option<RelState> {
        let Some(start) = start else {
            return Some(st.clone());
        };
        let o = self.where_input(Some(start), span)?;
        let mut next = st.clone();
        let base_scope = st.current_scope();
        let mut q = Qualified::default();
        for (key, raw, kspan) in o.iter() {
            if matches!(raw, Pv::Undef) {
                continue;
            }
            let (prefix, bare) = split_qualified(key);
            let scope = match prefix {
                Some(p) if p != &*st.output_table => {
                    let msgs = [
                        format!(
                            "gather(...) qualified start column \"{p}.{bare}\" does not match a direct relation from \"{}\".",
                            st.output_table
                        ),
                        format!(
                            "gather(...) qualified start table \"{p}\" is ambiguous from \"{}\"; use an explicit relation seed instead.",
                            st.output_table
                        ),
                    ];
                    let r = self.qualified_relation(
                        &st.output_table,
                        p,
                        bare,
                        *kspan,
                        &mut q,
                        [(codes::BAD_GATHER, &msgs[0]), (codes::BAD_GATHER, &msgs[1])],
                    )?;
                    match r {
                        Ok(scope) => scope,
                        Err(join) => {
                            next.joins.push(join);
                            let i = next.joins.len() - 1;
                            let a = join_alias(st.kind, &next.joins[i], i);
                            q.scopes.push((p.to_owned(), a.clone()));
                            a
                        }
                    }
                }
                _ => base_scope.clone(),
            };
            let f = self.filter(&next, bare, scope, raw, *kspan);
            next.filters.push(f);
        }
        Some(next)
    }
}
