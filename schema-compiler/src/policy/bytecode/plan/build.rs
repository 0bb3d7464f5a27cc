//! Building a [`Plan`](super::Plan) from a relation: scopes to tuple slots, column references to
//! slot + column index, equality probes for scans (see `plan.rs` for the conventions).

use super::super::super::ir::CmpOp;
use super::super::super::vm::compare::lit_val;
use super::super::load::{TableInfo, classify};
use super::super::rel::{ColRef, KeyRef, Pred, Rel, RowIdRef, ValueRef};
use super::super::{MAGIC_COLUMNS, NONE};
use super::{ColKind, MAX_SLOTS, Node, PPred, Probe, Src};

#[derive(Clone)]
struct Layout {
    /// Scope name, slot, table.
    scopes: Vec<(String, u8, u32)>,
    cur: u8,
    proj: Option<Vec<(String, Src)>>,
}

impl Layout {
    fn table_of(&self, slot: u8) -> u32 {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.1 == slot)
            .map(|s| s.2)
            .unwrap_or(NONE)
    }
}

/// Renames the current scope of `l` to `name` unless that scope name is already bound.
fn rename(l: &mut Layout, name: Option<&str>) {
    let Some(name) = name else { return };
    if l.scopes.iter().any(|x| x.0 == name) {
        return;
    }
    let cur = l.cur;
    if let Some(x) = l.scopes.iter_mut().rev().find(|x| x.1 == cur) {
        x.0 = name.to_owned();
    }
}

pub(super) struct Compiler<'t> {
    tables: &'t [TableInfo],
    outer: u32,
    frontier: u32,
    nodes: Vec<Node>,
    slots: usize,
    binds: Vec<Src>,
    scanned: Vec<u32>,
}

fn col_kind(tables: &[TableInfo], table: u32, name: &str) -> ColKind {
    let cols = tables.get(table as usize).map(|t| t.cols.as_slice());
    if let Some(i) = cols.and_then(|c| c.iter().position(|c| c.name == name)) {
        ColKind::Col(i as u32)
    } else if let Some(m) = MAGIC_COLUMNS.iter().position(|m| *m == name) {
        ColKind::Magic(m as u8)
    } else if name == "id" && table != NONE {
        ColKind::RowId
    } else {
        ColKind::Absent
    }
}

impl Compiler<'_> {
    fn push(&mut self, n: Node) -> usize {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    fn slot(&mut self) -> Option<u8> {
        (self.slots < MAX_SLOTS).then(|| {
            self.slots += 1;
            (self.slots - 1) as u8
        })
    }

    fn empty(&mut self) -> (usize, Layout) {
        let n = self.push(Node::Empty);
        let l = Layout {
            scopes: Vec::new(),
            cur: 0,
            proj: None,
        };
        (n, l)
    }

    fn col(&self, l: &Layout, c: &ColRef) -> Src {
        if let Some(s) = &c.scope
            && let Some((_, slot, t)) = l.scopes.iter().rev().find(|x| &x.0 == s)
        {
            return Src::Slot(*slot, col_kind(self.tables, *t, &c.column));
        }
        if let Some(p) = &l.proj
            && let Some((_, src)) = p.iter().find(|(a, _)| *a == c.column)
        {
            return src.clone();
        }
        if c.scope.is_some() {
            return Src::Absent;
        }
        Src::Slot(l.cur, col_kind(self.tables, l.table_of(l.cur), &c.column))
    }

    fn row_id(&mut self, l: &Layout, r: RowIdRef) -> Src {
        match r {
            RowIdRef::Current => Src::Slot(l.cur, ColKind::RowId),
            RowIdRef::Outer => Src::Outer(ColKind::RowId),
            RowIdRef::Frontier => Src::Frontier(ColKind::RowId),
        }
    }

    fn value(&mut self, l: &Layout, v: &ValueRef) -> Src {
        let s = match v {
            ValueRef::Literal(x) => Src::Lit(lit_val(x)),
            ValueRef::SessionRef(p) => match p.as_slice() {
                [first, c] if first == crate::policy::ir::OUTER_ROW => {
                    Src::Outer(col_kind(self.tables, self.outer, c))
                }
                _ => Src::Session(classify(p)),
            },
            ValueRef::BranchRef(_) => Src::Absent,
            ValueRef::OuterColumn(c) => Src::Outer(col_kind(self.tables, self.outer, &c.column)),
            ValueRef::FrontierColumn(c) => {
                Src::Frontier(col_kind(self.tables, self.frontier, &c.column))
            }
            ValueRef::RowId(r) => self.row_id(l, *r),
        };
        if matches!(s, Src::Session(_) | Src::Outer(_)) && !self.binds.contains(&s) {
            self.binds.push(s.clone());
        }
        s
    }

    fn key(&mut self, l: &Layout, k: &KeyRef) -> Src {
        let s = match k {
            KeyRef::Column(c) => self.col(l, c),
            KeyRef::RowId(r) => self.row_id(l, *r),
        };
        if matches!(s, Src::Outer(_)) && !self.binds.contains(&s) {
            self.binds.push(s.clone());
        }
        s
    }

    fn pred(&mut self, l: &Layout, p: &Pred) -> PPred {
        match p {
            Pred::Cmp(c, o, v) => PPred::Cmp(self.col(l, c), *o, self.value(l, v)),
            Pred::Contains(c, v) => PPred::Contains(self.col(l, c), self.value(l, v)),
            Pred::IsNull(c) => PPred::IsNull(self.col(l, c)),
            Pred::IsNotNull(c) => PPred::IsNotNull(self.col(l, c)),
            Pred::In(c, vs) => {
                let c = self.col(l, c);
                PPred::In(c, vs.iter().map(|v| self.value(l, v)).collect())
            }
            Pred::And(ps) => PPred::And(ps.iter().map(|x| self.pred(l, x)).collect()),
            Pred::Or(ps) => PPred::Or(ps.iter().map(|x| self.pred(l, x)).collect()),
            Pred::Not(x) => PPred::Not(Box::new(self.pred(l, x))),
            Pred::True => PPred::True,
            Pred::False => PPred::False,
        }
    }

    /// Gives the scan at `node` (bound to `slot`) an equality probe from `eqs`.
    fn probe(&mut self, node: usize, eqs: &[(&Src, &Src)], nulls: bool) {
        let Some(Node::Scan {
            slot, probe: None, ..
        }) = self.nodes.get(node)
        else {
            return;
        };
        let slot = *slot;
        // Prefer session-bound values (membership checks), then outer, then anything bound.
        let rank = |v: &Src| match v {
            Src::Session(_) => 0,
            Src::Outer(_) | Src::Frontier(_) => 1,
            _ => 2,
        };
        let best = eqs
            .iter()
            .filter_map(|(c, v)| match c {
                Src::Slot(s, ColKind::Col(i)) if *s == slot => Some((*i, *v)),
                _ => None,
            })
            .min_by_key(|(_, v)| rank(v));
        if let (Some((col, value)), Some(Node::Scan { probe, .. })) =
            (best, self.nodes.get_mut(node))
        {
            *probe = Some(Probe {
                col,
                value: value.clone(),
                nulls,
            });
        }
    }

    fn rel(&mut self, r: &Rel) -> (usize, Layout) {
        match r {
            Rel::TableScan(name) => {
                let t = self
                    .tables
                    .iter()
                    .position(|t| &t.name == name)
                    .map(|i| i as u32);
                let (Some(t), Some(slot)) = (t, self.slot()) else {
                    return self.empty();
                };
                if !self.scanned.contains(&t) {
                    self.scanned.push(t);
                }
                let n = self.push(Node::Scan {
                    table: t,
                    slot,
                    probe: None,
                });
                let l = Layout {
                    scopes: vec![(name.clone(), slot, t)],
                    cur: slot,
                    proj: None,
                };
                (n, l)
            }
            Rel::Filter(input, p) => {
                let (i, l) = self.rel(input);
                let pred = self.pred(&l, p);
                let conj: Vec<&PPred> = match &pred {
                    PPred::And(ps) => ps.iter().collect(),
                    other => vec![other],
                };
                let eqs: Vec<(&Src, &Src)> = conj
                    .iter()
                    .filter_map(|p| match p {
                        PPred::Cmp(c, CmpOp::Eq, v) if v.is_bound() => Some((c, v)),
                        _ => None,
                    })
                    .collect();
                let eqs: Vec<(Src, Src)> = eqs
                    .into_iter()
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect();
                let refs: Vec<(&Src, &Src)> = eqs.iter().map(|(a, b)| (a, b)).collect();
                self.probe(i, &refs, true);
                (self.push(Node::Filter { input: i, pred }), l)
            }
            Rel::Join {
                left,
                right,
                on,
                left_join,
            } => {
                let (li, mut ll) = self.rel(left);
                let first_slot = self.slots as u8;
                let (ri, mut rl) = self.rel(right);
                let last_slot = self.slots as u8;
                // The first condition's scopes name the sides (upstream: the right scope
                // replaces the right table's name, the left one renames the left's current).
                if let Some((lc, rc)) = on.first() {
                    rename(&mut ll, lc.scope.as_deref());
                    rename(&mut rl, rc.scope.as_deref());
                }
                let mut both = ll.clone();
                both.scopes.extend(rl.scopes.iter().cloned());
                both.proj = None;
                let on: Vec<(Src, Src)> = on
                    .iter()
                    .map(|(a, b)| (self.col(&both, a), self.col(&both, b)))
                    .collect();
                // Probe the right scan with values bound by the left side.
                let right_side =
                    |s: &Src| matches!(s, Src::Slot(x, _) if (first_slot..last_slot).contains(x));
                let eqs: Vec<(Src, Src)> = on
                    .iter()
                    .filter_map(|(a, b)| match (right_side(a), right_side(b)) {
                        (false, true) => Some((b.clone(), a.clone())),
                        (true, false) => Some((a.clone(), b.clone())),
                        _ => None,
                    })
                    .collect();
                let refs: Vec<(&Src, &Src)> = eqs.iter().map(|(a, b)| (a, b)).collect();
                self.probe(ri, &refs, false);
                let n = self.push(Node::Join {
                    left: li,
                    right: ri,
                    on,
                    left_join: *left_join,
                    right_slots: (first_slot, last_slot),
                });
                (n, both)
            }
            Rel::Project(input, cols) => {
                let (i, mut l) = self.rel(input);
                let proj: Vec<(String, Src)> = cols
                    .iter()
                    .map(|(a, k)| (a.clone(), self.key(&l, k)))
                    .collect();
                let id_slot = proj.iter().find_map(|(a, s)| match s {
                    Src::Slot(x, ColKind::RowId) if a == "id" => Some(*x),
                    _ => None,
                });
                if let Some(s) = id_slot {
                    l.cur = s;
                }
                l.proj = Some(proj);
                (self.push(Node::Pass { input: i }), l)
            }
            Rel::Union(inputs) => {
                let mut parts = Vec::new();
                let mut table = None;
                let mut name = String::new();
                for x in inputs {
                    let (i, l) = self.rel(x);
                    let t = l.table_of(l.cur);
                    if table.is_none() {
                        name = l
                            .scopes
                            .iter()
                            .find(|s| s.1 == l.cur)
                            .map(|s| s.0.clone())
                            .unwrap_or_default();
                    }
                    table = match table {
                        None => Some(t),
                        Some(p) if p == t => Some(p),
                        Some(_) => Some(NONE),
                    };
                    parts.push((i, l.cur));
                }
                let Some(slot) = self.slot() else {
                    return self.empty();
                };
                let t = table.unwrap_or(NONE);
                let n = self.push(Node::Union {
                    inputs: parts,
                    slot,
                });
                let l = Layout {
                    scopes: vec![(name, slot, t)],
                    cur: slot,
                    proj: None,
                };
                (n, l)
            }
            Rel::Gather {
                seed,
                step,
                frontier,
                max_depth,
                dedupe: _,
            } => {
                let (si, sl) = self.rel(seed);
                let t = sl.table_of(sl.cur);
                let saved = self.frontier;
                self.frontier = t;
                let (pi, pl) = self.rel(step);
                self.frontier = saved;
                // Frontier and dedupe are by row id; another frontier key scans nothing.
                let by_id = matches!(frontier, KeyRef::RowId(RowIdRef::Current));
                let Some(slot) = self.slot().filter(|_| by_id) else {
                    return self.empty();
                };
                let name = sl
                    .scopes
                    .iter()
                    .find(|s| s.1 == sl.cur)
                    .map(|s| s.0.clone())
                    .unwrap_or_default();
                let n = self.push(Node::Gather {
                    seed: si,
                    seed_cur: sl.cur,
                    step: pi,
                    step_cur: pl.cur,
                    slot,
                    max_depth: *max_depth,
                });
                let l = Layout {
                    scopes: vec![(name, slot, t)],
                    cur: slot,
                    proj: None,
                };
                (n, l)
            }
            Rel::Distinct(input, keys) => {
                let (i, l) = self.rel(input);
                let keys = keys.iter().map(|k| self.key(&l, k)).collect();
                (self.push(Node::Distinct { input: i, keys }), l)
            }
            Rel::OrderBy(input, terms) => {
                let (i, l) = self.rel(input);
                let terms = terms.iter().map(|(c, d)| (self.col(&l, c), *d)).collect();
                (self.push(Node::OrderBy { input: i, terms }), l)
            }
            Rel::Offset(input, n) => {
                let (i, l) = self.rel(input);
                (self.push(Node::Offset { input: i, n: *n }), l)
            }
            Rel::Limit(input, n) => {
                let (i, l) = self.rel(input);
                (self.push(Node::Limit { input: i, n: *n }), l)
            }
        }
    }
}

pub(super) fn build(rel: &Rel, tables: &[TableInfo], outer: u32) -> super::Plan {
    let mut c = Compiler {
        tables,
        outer,
        frontier: NONE,
        nodes: Vec::new(),
        slots: 0,
        binds: Vec::new(),
        scanned: Vec::new(),
    };
    let (root, l) = c.rel(rel);
    super::Plan {
        output_table: l.table_of(l.cur),
        nodes: c.nodes,
        root,
        binds: c.binds,
        scanned: c.scanned,
    }
}
