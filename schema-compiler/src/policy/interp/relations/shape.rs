//! `join(target, { left, right })` and `select({ alias: column })` on relations.

use std::rc::Rc;

use crate::source::Span;

use super::super::super::codes;
use super::super::Interp;
use super::super::value::Pv;
use super::rel;
use super::state::{JoinSpec, RelState, split_qualified};

impl Interp<'_> {
    pub(in crate::policy::interp) fn rel_join(
        &mut self,
        st: &RelState,
        target: Option<(Pv, Span)>,
        on: Option<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        let (t, tspan) = target.unwrap_or((Pv::Undef, span));
        let table: Rc<str> = match t {
            Pv::Table(t) => t,
            Pv::Str(s) => {
                if self.schema.table(&s).is_none() {
                    self.unknown_table(&s, tspan);
                    return Pv::Bad;
                }
                s
            }
            Pv::Bad => return Pv::Bad,
            _ => {
                self.upstream_error(
                    codes::BAD_JOIN_TARGET,
                    tspan,
                    "join(...) expects a table builder (policy.<table>) or table name string."
                        .into(),
                );
                return Pv::Bad;
            }
        };
        let (on, ospan) = on.unwrap_or((Pv::Undef, span));
        let side = |k: &str| match on.get(k) {
            Some(Pv::Str(s)) => Some(s.to_string()),
            _ => None,
        };
        let (Some(left), Some(right)) = (side("left"), side("right")) else {
            self.report(
                codes::BAD_JOIN_TARGET,
                ospan,
                "join(...) expects `{ left: \"<column>\", right: \"<column>\" }` as its second argument",
            );
            return Pv::Bad;
        };
        let key_span = |k: &str| match &on {
            Pv::Obj(o) => o.iter().find(|(n, _, _)| n == k).map(|x| x.2),
            _ => None,
        };
        let left_scope = st.current_scope();
        let alias = super::state::join_alias(
            st.kind,
            &JoinSpec {
                table: table.clone(),
                left: String::new(),
                right: String::new(),
                via_hop: false,
            },
            st.joins.len(),
        );
        let mut ok = true;
        for (col, scope, fallback) in [
            (&left, left_scope.as_str(), st.scope_table(&left_scope)),
            (&right, alias.as_str(), Some(table.clone())),
        ] {
            let (prefix, bare) = split_qualified(col);
            let t = match prefix {
                Some(p) if p != scope => st
                    .scope_table(p)
                    .or_else(|| self.schema.table(p).map(|_| Rc::from(p))),
                _ => fallback,
            };
            if let Some(t) = t
                && !self.has_column(&t, bare)
            {
                let side = if col == &left { "left" } else { "right" };
                let at = key_span(side).unwrap_or(ospan);
                self.unknown_column(&t, bare, at);
                ok = false;
            }
        }
        if !ok {
            return Pv::Bad;
        }
        let mut next = st.clone();
        next.joins.push(JoinSpec {
            table,
            left,
            right,
            via_hop: false,
        });
        rel(next)
    }

    pub(in crate::policy::interp) fn rel_select(
        &mut self,
        st: &RelState,
        arg: Option<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        let (v, vs) = arg.unwrap_or((Pv::Undef, span));
        let Pv::Obj(o) = v else {
            if !matches!(v, Pv::Bad) {
                self.upstream_error(
                    codes::BAD_SELECT,
                    vs,
                    "select(...) expects an object map: { alias: column }.".into(),
                );
            }
            return Pv::Bad;
        };
        if o.is_empty() {
            self.upstream_error(
                codes::BAD_SELECT,
                vs,
                "select(...) requires at least one projected column.".into(),
            );
            return Pv::Bad;
        }
        let scope = st.current_scope();
        let table = st.scope_table(&scope);
        let mut cols: Vec<(String, String)> = Vec::new();
        for (alias, col, kspan) in o.iter() {
            let a = alias.trim();
            if a.is_empty() {
                self.upstream_error(
                    codes::BAD_SELECT,
                    *kspan,
                    "select(...) alias names must be non-empty strings.".into(),
                );
                return Pv::Bad;
            }
            let c = match col {
                Pv::Str(c) if !c.trim().is_empty() => split_qualified(c).1.to_owned(),
                _ => {
                    self.upstream_error(
                        codes::BAD_SELECT,
                        *kspan,
                        format!(
                            "select(...) column for alias \"{alias}\" must be a non-empty string."
                        ),
                    );
                    return Pv::Bad;
                }
            };
            if let Some(t) = &table
                && !self.has_column(t, &c)
            {
                self.unknown_column(t, &c, *kspan);
                return Pv::Bad;
            }
            match cols.iter_mut().find(|(x, _)| x == a) {
                Some(e) => e.1 = c,
                None => cols.push((a.to_owned(), c)),
            }
        }
        let mut next = st.clone();
        next.select = Some(cols);
        rel(next)
    }
}
