//! Qualified `"Other.col"` keys: in a rule's where-object they lower to
//! `ExistsRel` anchored to the outer row, in `exists.where` to `ExistsRel` without the anchor.

use crate::diagnostics::Code;
use crate::source::Span;

use super::super::super::codes;
use super::super::super::ir::{CmpOp, Expr};
use super::super::Interp;
use super::super::value::Pv;
use super::Members;
use super::build::join_of;
use super::names::{RelKind, relations_of};
use super::preds::cmp;
use super::state::{
    JoinSpec, RelState, StateKind, apply_filter, join_alias, obj, s, split_qualified, tag,
};

/// Per where-object: the relation chosen for each qualifier and the scope it got.
#[derive(Default)]
pub struct Qualified {
    pub relations: Vec<(String, String)>,
    pub scopes: Vec<(String, String)>,
}

/// Whether a where-object of `table` has a key qualified by another table.
pub fn has_qualified(o: &Members, table: &str) -> bool {
    o.iter().any(|(k, v, _)| {
        !matches!(v, Pv::Undef) && split_qualified(k).0.is_some_and(|p| p != table)
    })
}

impl Interp<'_> {
    /// The direct relation from `from` to `qt` for the key `qt.col`: `Ok(scope)` when the
    /// qualifier already has a scope, `Err(join)` when a join must be added. `errs` are the
    /// no-relation and ambiguity diagnostics. `None` once reported.
    pub(in crate::policy::interp) fn qualified_relation(
        &mut self,
        from: &str,
        qt: &str,
        col: &str,
        span: Span,
        q: &mut Qualified,
        errs: [(Code, &String); 2],
    ) -> Option<Result<String, JoinSpec>> {
        if self.schema.table(qt).is_none() {
            self.unknown_table(qt, span);
            return None;
        }
        let cands: Vec<_> = relations_of(&self.schema, from)
            .into_iter()
            .filter(|r| r.to_table == qt)
            .collect();
        let chosen = match cands.len() {
            0 => {
                self.upstream_error(errs[0].0, span, errs[0].1.clone());
                return None;
            }
            1 => cands.into_iter().next(),
            _ => {
                let mut hit: Vec<_> = cands
                    .into_iter()
                    .filter(|r| match r.kind {
                        RelKind::Forward => r.from_column == col,
                        RelKind::Reverse => r.to_column == col,
                    })
                    .collect();
                if hit.len() == 1 { hit.pop() } else { None }
            }
        };
        let existing = q
            .relations
            .iter()
            .find(|(p, _)| p == qt)
            .map(|x| x.1.clone());
        let r = match chosen {
            Some(r) if existing.as_ref().is_none_or(|n| *n == r.name) => r,
            _ => {
                self.upstream_error(errs[1].0, span, errs[1].1.clone());
                return None;
            }
        };
        if existing.is_none() {
            q.relations.push((qt.to_owned(), r.name.clone()));
        }
        match q.scopes.iter().find(|(p, _)| p == qt) {
            Some((_, scope)) => Some(Ok(scope.clone())),
            None => Some(Err(join_of(&r, false))),
        }
    }

    /// A where-object of `table` with qualified keys as `ExistsRel`; `anchor` ties the
    /// relation to the outer row (rule where-objects).
    pub(in crate::policy::interp) fn qualified_where(
        &mut self,
        o: &Members,
        table: &str,
        anchor: bool,
    ) -> Expr {
        let mut cur = RelState::table(table);
        let mut q = Qualified::default();
        let mut ok = true;
        for (key, raw, kspan) in o {
            if self.dropped_undefined(key, raw, *kspan) {
                continue;
            }
            let (prefix, bare) = split_qualified(key);
            let scope = match prefix {
                Some(p) if p != table => {
                    let msgs = [
                        format!(
                            "Qualified where(...) column \"{p}.{bare}\" does not match a direct relation from \"{table}\"."
                        ),
                        format!(
                            "Qualified where(...) table \"{p}\" is ambiguous from \"{table}\"; use an explicit relation instead."
                        ),
                    ];
                    let errs = [
                        (codes::NO_DIRECT_RELATION, &msgs[0]),
                        (codes::AMBIGUOUS_RELATION, &msgs[1]),
                    ];
                    match self.qualified_relation(table, p, bare, *kspan, &mut q, errs) {
                        None => {
                            ok = false;
                            continue;
                        }
                        Some(Ok(scope)) => scope,
                        Some(Err(join)) => {
                            cur.joins.push(join);
                            let i = cur.joins.len() - 1;
                            let a = join_alias(StateKind::Table, &cur.joins[i], i);
                            q.scopes.push((p.to_owned(), a.clone()));
                            a
                        }
                    }
                }
                _ => table.to_owned(),
            };
            let f = self.filter(&cur, bare, scope, raw, *kspan);
            cur.filters.push(f);
        }
        if !ok {
            return Expr::False;
        }
        let mut rel = self.lower_checked(&cur);
        if anchor {
            let id = obj(vec![("scope", s(table)), ("column", s("id"))]);
            rel = apply_filter(rel, vec![cmp(id, CmpOp::Eq, tag("RowId", s("Outer")))]);
        }
        Expr::ExistsRel { rel }
    }
}
