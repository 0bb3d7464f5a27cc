//! `ExistsRel`: the relation plan resolved at load time is run
//! push-style over fixed-size tuples of borrowed rows (one slot per scope, no per-row
//! allocation), stopping at the first output row. Session and outer references are bound
//! first (unresolvable → false); write clauses reaching other tables see only rows their
//! read policy admits; every produced row counts against the step budget.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::super::super::bytecode::plan::{ColKind, MAX_SLOTS, Node, PPred, Plan, Src};
use super::super::super::bytecode::{FALLBACK, MAGIC_COLUMNS};
use super::super::super::ir::{CmpOp, Slot};
use super::super::compare::{self, V};
use super::super::data::{Row, Val};
use super::{Bound, Ctx, Machine, Stop, entry};

type Tup<'a> = [Option<&'a Row>; MAX_SLOTS];

/// The bindings of one relation evaluation.
#[derive(Clone, Copy)]
struct Env<'a> {
    outer: &'a Row,
    frontier: Option<&'a Row>,
    /// Apply the scanned tables' read policies.
    check: bool,
    depth: u32,
}

type Sink<'s, 'a> = &'s mut dyn FnMut(&mut Machine<'a>, &Tup<'a>) -> bool;

pub(super) fn col_of<'a>(row: &'a Row, k: ColKind) -> Option<V<'a>> {
    match k {
        ColKind::Col(i) => row.values.get(i as usize).map(V::from),
        ColKind::Magic(m) => match *MAGIC_COLUMNS.get(m as usize)? {
            "$createdBy" => Some(V::Text(&row.created_by)),
            "$createdAt" => Some(V::Timestamp(row.created_at)),
            "$updatedBy" => Some(V::Text(&row.updated_by)),
            _ => Some(V::Timestamp(row.updated_at)),
        },
        ColKind::RowId => Some(V::Uuid(row.id)),
        ColKind::Absent => None,
    }
}

fn order(a: Option<V<'_>>, b: Option<V<'_>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => {
            if compare::cmp(x, CmpOp::Lt, y) {
                Ordering::Less
            } else if compare::cmp(x, CmpOp::Gt, y) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
    }
}

fn owned(v: V<'_>) -> Val {
    match v {
        V::Null => Val::Null,
        V::Integer(i) => Val::Integer(i),
        V::BigInt(i) => Val::BigInt(i),
        V::Double(d) => Val::Double(d),
        V::Boolean(b) => Val::Boolean(b),
        V::Text(t) => Val::Text(t.to_owned()),
        V::Timestamp(t) => Val::Timestamp(t),
        V::Uuid(u) => Val::Uuid(u),
        V::Bytea(b) => Val::Bytea(b.to_vec()),
        V::Array(a) => Val::Array(a.to_vec()),
    }
}

impl<'a> Machine<'a> {
    /// The `EXISTS_REL` at `pc` on the current row.
    pub(super) fn exists_rel(&mut self, pc: usize, ctx: Ctx<'a>) -> bool {
        let p: &'a super::Program = self.p;
        let Some(plan) = p.bundle.rel_plan(pc) else {
            return false;
        };
        if self.calls >= self.opts.limits.max_call_depth {
            return false;
        }
        let env = Env {
            outer: ctx.row,
            frontier: None,
            check: !self.read_mode && plan.output_table != ctx.table,
            depth: ctx.depth,
        };
        let empty: Tup<'a> = [None; MAX_SLOTS];
        if plan
            .binds
            .iter()
            .any(|b| self.src(b, &empty, &env).is_none())
        {
            return false;
        }
        let key = Bound::new(plan.binds.iter().filter_map(|b| match b {
            Src::Outer(k) => Some(col_of(ctx.row, *k)),
            _ => None,
        }));
        if let Some(r) = key.and_then(|k| self.memo_sub(pc, ctx.depth, &k)) {
            return r;
        }
        let at = (self.cuts, self.entered);
        self.calls += 1;
        let mut found = false;
        self.run(plan, plan.root, &env, empty, &mut |_, _| {
            found = true;
            true
        });
        self.calls -= 1;
        let r = found && self.stop.is_none();
        if let Some(k) = key {
            self.remember_sub(pc, ctx.depth, k, at, r);
        }
        r
    }

    fn src(&self, s: &'a Src, t: &Tup<'a>, env: &Env<'a>) -> Option<V<'a>> {
        let session: &'a super::Session = self.session;
        match s {
            Src::Slot(_, ColKind::Absent) => None,
            Src::Slot(i, k) => match t.get(*i as usize).copied().flatten() {
                Some(r) => col_of(r, *k),
                // The unmatched side of a left join.
                None => Some(V::Null),
            },
            Src::Outer(k) => col_of(env.outer, *k),
            Src::Frontier(k) => env.frontier.and_then(|r| col_of(r, *k)),
            Src::Lit(v) => Some(V::from(v)),
            Src::Session(p) => session.resolve(p),
            Src::Absent => None,
        }
    }

    fn pred(&self, p: &'a PPred, t: &Tup<'a>, env: &Env<'a>) -> bool {
        match p {
            PPred::Cmp(l, o, r) => match (self.src(l, t, env), self.src(r, t, env)) {
                (Some(a), Some(b)) => compare::cmp(a, *o, b),
                _ => false,
            },
            PPred::Contains(l, r) => match (self.src(l, t, env), self.src(r, t, env)) {
                (Some(a), Some(b)) => compare::contains(a, b),
                _ => false,
            },
            PPred::IsNull(l) => matches!(self.src(l, t, env), Some(V::Null)),
            PPred::IsNotNull(l) => matches!(self.src(l, t, env), Some(v) if !matches!(v, V::Null)),
            PPred::In(l, vs) => match self.src(l, t, env) {
                Some(V::Null) | None => false,
                Some(a) => vs.iter().any(|v| {
                    self.src(v, t, env)
                        .is_some_and(|b| compare::eq_coerce(a, b))
                }),
            },
            PPred::And(ps) => ps.iter().all(|x| self.pred(x, t, env)),
            PPred::Or(ps) => ps.iter().any(|x| self.pred(x, t, env)),
            PPred::Not(x) => !self.pred(x, t, env),
            PPred::True => true,
            PPred::False => false,
        }
    }

    /// Join keys: both sides non-null and equal.
    fn join_eq(&self, a: &'a Src, b: &'a Src, t: &Tup<'a>, env: &Env<'a>) -> bool {
        match (self.src(a, t, env), self.src(b, t, env)) {
            (Some(V::Null), _) | (_, Some(V::Null)) | (None, _) | (_, None) => false,
            (Some(x), Some(y)) => compare::eq_coerce(x, y) || compare::eq_coerce(y, x),
        }
    }

    /// Whether `row` of table `t` passes its `select.using` (absent → no).
    fn readable(&mut self, t: u32, row: &'a Row, depth: u32) -> bool {
        let Some(e) = entry(self.p, t as usize, Slot::SelectUsing).filter(|e| *e != FALLBACK)
        else {
            return false;
        };
        let saved = self.read_mode;
        self.read_mode = true;
        let ctx = Ctx {
            table: t,
            row,
            outer: None,
            depth,
        };
        let r = self.eval(e as usize, ctx).0;
        self.read_mode = saved;
        r
    }

    /// Counts a produced row; `true` when evaluation must stop.
    fn produce(&mut self) -> bool {
        self.steps += 1;
        if self.steps > self.opts.limits.max_steps {
            self.stop.get_or_insert(Stop::Budget);
        }
        self.stop.is_some()
    }

    /// Runs node `n`, pushing its rows (tuples extending `tup`) into `f`; `true` when `f` (or
    /// the budget, or a data error) asked to stop.
    fn run(
        &mut self,
        plan: &'a Plan,
        n: usize,
        env: &Env<'a>,
        tup: Tup<'a>,
        f: Sink<'_, 'a>,
    ) -> bool {
        if self.stop.is_some() {
            return true;
        }
        let Some(node) = plan.nodes.get(n) else {
            return false;
        };
        match node {
            Node::Empty => false,
            Node::Scan { table, slot, probe } => {
                let Some(name) = self.table_name(*table) else {
                    return false;
                };
                let data = self.data;
                let slot = *slot as usize;
                let key = match probe {
                    Some(p) => match self.src(&p.value, &tup, env) {
                        None => return false,
                        Some(V::Null) if !p.nulls => return false,
                        Some(v) => Some((p.col as usize, v)),
                    },
                    None => None,
                };
                let mut stop = false;
                let mut cb = |r: &'a Row| -> bool {
                    if self.produce() {
                        stop = true;
                        return true;
                    }
                    if env.check && !self.readable(*table, r, env.depth) {
                        stop = self.stop.is_some();
                        return stop;
                    }
                    let mut t = tup;
                    if let Some(s) = t.get_mut(slot) {
                        *s = Some(r);
                    }
                    stop = f(self, &t);
                    stop
                };
                let res = match key {
                    Some((col, v)) => data.lookup(name, col, v, &mut cb),
                    None => data.scan(name, &mut cb),
                };
                if let Err(e) = res {
                    self.stop.get_or_insert(Stop::Data(e.0));
                    return true;
                }
                stop
            }
            Node::Filter { input, pred } => self.run(plan, *input, env, tup, &mut |m, t| {
                m.pred(pred, t, env) && f(m, t)
            }),
            Node::Join {
                left,
                right,
                on,
                left_join,
                right_slots: (r0, r1),
            } => self.run(plan, *left, env, tup, &mut |m, lt| {
                let mut matched = false;
                let stop = m.run(plan, *right, env, *lt, &mut |m, rt| {
                    if on.iter().all(|(a, b)| m.join_eq(a, b, rt, env)) {
                        matched = true;
                        f(m, rt)
                    } else {
                        false
                    }
                });
                if stop {
                    return true;
                }
                if *left_join && !matched {
                    let mut t = *lt;
                    for s in t.iter_mut().take(*r1 as usize).skip(*r0 as usize) {
                        *s = None;
                    }
                    return f(m, &t);
                }
                false
            }),
            Node::Pass { input } => self.run(plan, *input, env, tup, f),
            Node::Union { inputs, slot } => {
                for (i, cur) in inputs {
                    let stop = self.run(plan, *i, env, tup, &mut |m, t| {
                        let Some(r) = t.get(*cur as usize).copied().flatten() else {
                            return false;
                        };
                        let mut nt = tup;
                        if let Some(s) = nt.get_mut(*slot as usize) {
                            *s = Some(r);
                        }
                        f(m, &nt)
                    });
                    if stop {
                        return true;
                    }
                }
                false
            }
            Node::Gather {
                seed,
                seed_cur,
                step,
                step_cur,
                slot,
                max_depth,
            } => {
                if !(1..=64).contains(max_depth) {
                    return false;
                }
                let mut seen: HashSet<[u8; 16]> = HashSet::new();
                let mut frontier: Vec<&'a Row> = Vec::new();
                let mut emit =
                    |m: &mut Machine<'a>, t: &Tup<'a>, cur: u8, next: &mut Vec<&'a Row>| {
                        let Some(r) = t.get(cur as usize).copied().flatten() else {
                            return false;
                        };
                        if !seen.insert(r.id) {
                            return false;
                        }
                        next.push(r);
                        let mut nt = tup;
                        if let Some(s) = nt.get_mut(*slot as usize) {
                            *s = Some(r);
                        }
                        f(m, &nt)
                    };
                if self.run(plan, *seed, env, tup, &mut |m, t| {
                    emit(m, t, *seed_cur, &mut frontier)
                }) {
                    return true;
                }
                for _ in 0..*max_depth {
                    if frontier.is_empty() {
                        break;
                    }
                    let mut next = Vec::new();
                    for fr in std::mem::take(&mut frontier) {
                        let env2 = Env {
                            frontier: Some(fr),
                            ..*env
                        };
                        if self.run(plan, *step, &env2, tup, &mut |m, t| {
                            emit(m, t, *step_cur, &mut next)
                        }) {
                            return true;
                        }
                    }
                    frontier = next;
                }
                false
            }
            Node::Distinct { input, keys } => {
                let mut seen: Vec<Vec<Option<Val>>> = Vec::new();
                self.run(plan, *input, env, tup, &mut |m, t| {
                    let k: Vec<Option<Val>> =
                        keys.iter().map(|k| m.src(k, t, env).map(owned)).collect();
                    if seen.contains(&k) {
                        return false;
                    }
                    seen.push(k);
                    f(m, t)
                })
            }
            Node::OrderBy { input, terms } => {
                let mut rows: Vec<Tup<'a>> = Vec::new();
                if self.run(plan, *input, env, tup, &mut |_, t| {
                    rows.push(*t);
                    false
                }) {
                    return true;
                }
                rows.sort_by(|a, b| {
                    for (s, desc) in terms {
                        let o = order(self.src(s, a, env), self.src(s, b, env));
                        let o = if *desc { o.reverse() } else { o };
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    Ordering::Equal
                });
                rows.iter().any(|t| f(self, t))
            }
            Node::Offset { input, n } => {
                let mut k = 0u64;
                self.run(plan, *input, env, tup, &mut |m, t| {
                    if k < *n {
                        k += 1;
                        return false;
                    }
                    f(m, t)
                })
            }
            Node::Limit { input, n } => {
                if *n == 0 {
                    return false;
                }
                let mut k = 0u64;
                let mut asked = false;
                self.run(plan, *input, env, tup, &mut |m, t| {
                    k += 1;
                    if f(m, t) {
                        asked = true;
                        return true;
                    }
                    k >= *n
                });
                asked || self.stop.is_some()
            }
        }
    }
}
