//! The relation builder calls: `where`, `join`, `select`, `hopTo` on
//! relations and table builders, `policy.union` and `policy.exists`.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, did_you_mean, name_list, quoted_name};
use crate::source::Span;

use super::super::super::codes;
use super::super::super::ir::Expr;
use super::super::Interp;
use super::super::value::{Cond, Pv};
use super::names::{RelKind, Relation, relations_of};
use super::preds::is_current;
use super::state::{JoinSpec, RelFilter, RelState, StateKind, split_qualified, tag};
use super::{Members, rel};

impl Interp<'_> {
    /// `policy.exists(rel)` / `policy.union([...])`.
    pub(in crate::policy::interp) fn policy_call(
        &mut self,
        name: &str,
        nspan: Span,
        args: Vec<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        let first = args.into_iter().next();
        match name {
            "exists" => {
                let e = match first {
                    Some((Pv::Rel(r), _)) => Expr::ExistsRel {
                        rel: self.lower_checked(&r),
                    },
                    Some((Pv::Bad, _)) => Expr::False,
                    other => {
                        self.not_a_relation(other.map(|o| o.1).unwrap_or(span));
                        Expr::False
                    }
                };
                Pv::Cond(Rc::new(Cond::Ready(e)))
            }
            _ => self.union(first, nspan, span),
        }
    }

    /// JZ2227.
    pub(in crate::policy::interp) fn not_a_relation(&mut self, span: Span) {
        self.upstream_error(
            codes::NOT_A_RELATION,
            span,
            "Expected a relation built from policy.<table> with where/join/hopTo/gather.".into(),
        );
    }

    /// Lowers a relation; entries still bound to `current` are JZ2206 (upstream reads
    /// `current` there as an operator object).
    pub(in crate::policy::interp) fn lower_checked(
        &mut self,
        r: &RelState,
    ) -> crate::schema::JsonValue {
        for f in r.filters.iter().filter(|f| f.preds.is_none()) {
            self.upstream_error(
                codes::BAD_OPERATOR,
                f.span,
                "Unsupported where operator \"__jazzPermissionKind\" in relation IR lowering."
                    .into(),
            );
        }
        r.lower()
    }

    fn union(&mut self, arg: Option<(Pv, Span)>, nspan: Span, span: Span) -> Pv {
        let (items, aspan) = match arg {
            Some((Pv::Arr(a), s)) => (a, s),
            Some((Pv::Bad, _)) => return Pv::Bad,
            other => {
                self.not_a_relation(other.map(|o| o.1).unwrap_or(span));
                return Pv::Bad;
            }
        };
        let msg = |m: &str| m.to_owned();
        if items.is_empty() {
            self.upstream_error(
                codes::BAD_UNION,
                aspan,
                msg("union(...) requires at least one relation."),
            );
            return Pv::Bad;
        }
        let mut states = Vec::new();
        for it in items.iter() {
            match it {
                Pv::Rel(r) => states.push(r.clone()),
                Pv::Bad => return Pv::Bad,
                _ => {
                    self.not_a_relation(aspan);
                    return Pv::Bad;
                }
            }
        }
        let out = states[0].output_table.clone();
        if states.iter().any(|s| s.output_table != out) {
            self.upstream_error(
                codes::BAD_UNION,
                aspan,
                msg("union(...) requires all relations to output the same table."),
            );
            return Pv::Bad;
        }
        if states.iter().any(|s| s.has_select()) {
            self.upstream_error(
                codes::BAD_UNION,
                aspan,
                msg("union(...) does not support select(...) relations in MVP."),
            );
            return Pv::Bad;
        }
        let inputs = states.iter().map(|s| self.lower_checked(s)).collect();
        let _ = nspan;
        rel(RelState {
            kind: StateKind::Union,
            output_table: out,
            base: tag(
                "Union",
                super::state::obj(vec![("inputs", crate::schema::JsonValue::Array(inputs))]),
            ),
            initial_scope: String::new(),
            filters: Vec::new(),
            joins: Vec::new(),
            select: None,
        })
    }

    /// `rel.<name>(args)` on a relation value.
    pub(in crate::policy::interp) fn rel_call(
        &mut self,
        st: &RelState,
        name: &str,
        nspan: Span,
        args: Vec<(Pv, Span)>,
        span: Span,
    ) -> Pv {
        if st.kind == StateKind::Union && name != "gather" {
            self.upstream_error(
                codes::UNION_COMPOSITION,
                nspan,
                format!("{name}(...) does not support union(...) relations in MVP."),
            );
            return Pv::Bad;
        }
        let mut args = args.into_iter();
        let first = args.next();
        match name {
            "where" => {
                let Some(o) = self.where_input(first, span) else {
                    return Pv::Bad;
                };
                let mut next = st.clone();
                let filters = self.rel_filters(st, &o);
                next.filters.extend(filters);
                rel(next)
            }
            "join" => self.rel_join(st, first, args.next(), span),
            "select" => self.rel_select(st, first, span),
            "hopTo" => self.rel_hop(st, first, nspan),
            _ => self.gather(st, first, nspan, span),
        }
    }

    /// A where input: an object, or a callback returning one (row references → outer row).
    pub(in crate::policy::interp) fn where_input(
        &mut self,
        input: Option<(Pv, Span)>,
        span: Span,
    ) -> Option<Rc<Vec<(String, Pv, Span)>>> {
        let (v, vs) = input.unwrap_or((Pv::Undef, span));
        let v = match v {
            Pv::Closure(_) | Pv::Bound(_) => {
                self.call_value(&v, vec![(Pv::Row(Rc::from("")), vs)], vs)
            }
            other => other,
        };
        match v {
            Pv::Obj(o) => Some(o),
            Pv::Bad => None,
            _ => {
                self.upstream_error(
                    codes::NOT_WHERE_OBJECT,
                    vs,
                    "Expected a where-object condition.".into(),
                );
                None
            }
        }
    }

    /// The where entries of `o` against `st`'s current scope (qualified keys bind to an
    /// existing scope, JZ2219).
    fn rel_filters(&mut self, st: &RelState, o: &Members) -> Vec<RelFilter> {
        let default = st.current_scope();
        let mut out = Vec::new();
        for (key, raw, kspan) in o {
            if self.dropped_undefined(key, raw, *kspan) {
                continue;
            }
            let (prefix, bare) = split_qualified(key);
            let scope = match prefix {
                Some(p) => match self.qualified_scope(st, p, bare, *kspan) {
                    Some(s) => s,
                    None => continue,
                },
                None => default.clone(),
            };
            out.push(self.filter(st, bare, scope, raw, *kspan));
        }
        out
    }

    /// One filter entry (lowered now unless bound to `current`).
    pub(in crate::policy::interp) fn filter(
        &mut self,
        st: &RelState,
        bare: &str,
        scope: String,
        raw: &Pv,
        kspan: Span,
    ) -> RelFilter {
        let preds = if is_current(raw) {
            None
        } else {
            let table = st.scope_table(&scope);
            Some(self.rel_predicates(bare, &scope, table.as_deref(), raw, kspan))
        };
        RelFilter {
            column: bare.to_owned(),
            scope,
            span: kspan,
            preds,
        }
    }

    fn qualified_scope(
        &mut self,
        st: &RelState,
        qt: &str,
        col: &str,
        span: Span,
    ) -> Option<String> {
        let mut scopes: Vec<String> = Vec::new();
        if !st.initial_scope.is_empty() && st.initial_scope == qt {
            scopes.push(st.initial_scope.clone());
        }
        for (i, j) in st.joins.iter().enumerate() {
            let a = super::state::join_alias(st.kind, j, i);
            if &*j.table == qt && !scopes.contains(&a) {
                scopes.push(a);
            }
        }
        match scopes.len() {
            1 => scopes.pop(),
            0 => {
                self.upstream_error(codes::BAD_RELATION_SCOPE, span, format!("Qualified relation where(...) column \"{qt}.{col}\" does not match the current relation scopes."));
                None
            }
            _ => {
                self.upstream_error(codes::BAD_RELATION_SCOPE, span, format!("Qualified relation where(...) table \"{qt}\" is ambiguous in the current relation; use an unambiguous relation shape instead."));
                None
            }
        }
    }

    /// The relation `name` of `table` (JZ2220 with did-you-mean).
    pub(in crate::policy::interp) fn named_relation(
        &mut self,
        table: &str,
        name: &str,
        span: Span,
    ) -> Option<Relation> {
        let rels = relations_of(&self.schema, table);
        if let Some(r) = rels.iter().find(|r| r.name == name) {
            return Some(r.clone());
        }
        let msg = format!(
            "Unknown relation \"{}\" on table \"{}\".",
            quoted_name(name),
            quoted_name(table)
        );
        let mut d = Diagnostic::new(codes::UNKNOWN_RELATION, msg.clone())
            .at(span)
            .upstream(msg);
        let names: Vec<&str> = rels.iter().map(|r| r.name.as_str()).collect();
        d = match did_you_mean(name, names.iter().copied()) {
            Some(s) => {
                let help = format!("did you mean `{}`?", quoted_name(s));
                self.did_you_mean(d, help, span, name, s)
            }
            None if names.is_empty() => d.help(format!(
                "table `{}` has no relations: declare a reference with `s.ref(...)` in schema.ts",
                quoted_name(table)
            )),
            None => d.help(format!(
                "relations of `{}`: {}",
                quoted_name(table),
                name_list(&names)
            )),
        };
        self.diags.push(d);
        None
    }

    fn rel_hop(&mut self, st: &RelState, arg: Option<(Pv, Span)>, nspan: Span) -> Pv {
        let (v, vs) = arg.unwrap_or((Pv::Undef, nspan));
        let name = match &v {
            Pv::Str(s) => s.trim().to_owned(),
            Pv::Bad => return Pv::Bad,
            _ => String::new(),
        };
        let err = |it: &mut Self, at: Span, m: String| {
            it.upstream_error(codes::BAD_HOP, at, m);
            Pv::Bad
        };
        if name.is_empty() {
            return err(
                self,
                vs,
                "hopTo(...) requires a non-empty relation name.".into(),
            );
        }
        if !st.joins.is_empty() {
            return err(
                self,
                nspan,
                "hopTo(...) currently supports a single hop per relation in MVP.".into(),
            );
        }
        if st.kind == StateKind::Table && st.has_select() {
            return err(
                self,
                nspan,
                "hopTo(...) cannot be composed after select(...).".into(),
            );
        }
        let Some(r) = self.named_relation(&st.output_table, &name, vs) else {
            return Pv::Bad;
        };
        if st.kind == StateKind::Recursive && r.kind != RelKind::Reverse {
            let t = st.output_table.clone();
            return err(
                self,
                vs,
                format!(
                    "Recursive hopTo(\"{name}\") currently requires a reverse relation from \"{t}\"."
                ),
            );
        }
        let mut next = st.clone();
        next.joins.push(join_of(&r, true));
        next.output_table = Rc::from(r.to_table.as_str());
        rel(next)
    }
}

/// The join a relation stands for.
pub fn join_of(r: &Relation, via_hop: bool) -> JoinSpec {
    match r.kind {
        RelKind::Forward => JoinSpec {
            table: Rc::from(r.to_table.as_str()),
            left: r.from_column.clone(),
            right: "id".into(),
            via_hop,
        },
        RelKind::Reverse => JoinSpec {
            table: Rc::from(r.to_table.as_str()),
            left: "id".into(),
            right: r.to_column.clone(),
            via_hop,
        },
    }
}
