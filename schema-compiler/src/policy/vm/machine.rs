//! The instruction interpreter: prefix-encoded expression trees, short-circuit by forward
//! jumps to the recorded end offsets, `EXISTS` scans, inherits with path-scoped cycle
//! detection, step budget. The
//! session leaves, `EXISTS` and inherits live in `machine/relations.rs`.

mod rel;
mod relations;

use super::super::bytecode::{ABSENT, FALLBACK, MAGIC_COLUMNS, NONE, col, op, operand};
use super::super::bytecode::{read_u16, read_u32};
use super::super::ir::{CmpOp, Slot};
use super::compare::{self, V};
use super::data::{DataAccess, Row};
use super::session::Session;
use super::{Decision, Options, Program, Reason};

/// The default inherits depth and the hard cap.
const DEFAULT_DEPTH: u32 = 10;
const DEPTH_CAP: u32 = 64;

/// The entry of `slot` on table `ti` (`None` when absent; FALLBACK is passed through).
pub fn entry(p: &Program, ti: usize, slot: Slot) -> Option<u32> {
    let e = p
        .bundle
        .tables
        .get(ti)
        .and_then(|t| t.entries.get(slot.index()).copied())?;
    (e != ABSENT).then_some(e)
}

/// Why evaluation stopped early.
#[derive(Debug, Clone)]
enum Stop {
    Budget,
    Data(String),
}

/// An inherits memo key: parent table, parent id, operation, depth.
type InheritsKey = (u32, [u8; 16], u8, u32);

/// Memo entries per decision at most (beyond, results are recomputed).
const MEMO_CAP: usize = 4096;

/// A memoisation key of bound outer values (at most 4; more are not memoised).
#[derive(Clone, Copy)]
pub(super) struct Bound<'a> {
    n: usize,
    v: [Option<V<'a>>; 4],
}

impl<'a> Bound<'a> {
    pub(super) fn new(vals: impl Iterator<Item = Option<V<'a>>>) -> Option<Self> {
        let mut b = Bound { n: 0, v: [None; 4] };
        for x in vals {
            *b.v.get_mut(b.n)? = x;
            b.n += 1;
        }
        Some(b)
    }

    fn same(&self, o: &Bound<'_>) -> bool {
        self.n == o.n
            && self
                .v
                .iter()
                .zip(&o.v)
                .take(self.n)
                .all(|(a, b)| match (a, b) {
                    (None, None) => true,
                    (Some(x), Some(y)) => compare::eq(*x, *y),
                    _ => false,
                })
    }
}

/// A memoised `EXISTS` / `EXISTS_REL` result.
struct SubMemo<'a> {
    pc: u32,
    depth: u32,
    read: bool,
    key: Bound<'a>,
    result: bool,
}

/// The row being evaluated and its context.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    table: u32,
    row: &'a Row,
    outer: Option<(u32, &'a Row)>,
    /// Inherits depth.
    depth: u32,
}

pub struct Machine<'a> {
    p: &'a Program,
    data: &'a dyn DataAccess,
    session: &'a Session,
    opts: Options,
    steps: u64,
    calls: u32,
    /// Active inherits path: (table, row id, operation).
    path: Vec<(u32, [u8; 16], u8)>,
    stop: Option<Stop>,
    trace: Option<Vec<(usize, &'static str, bool)>>,
    /// Per-decision memo tables: inherits results by (table, row, operation,
    /// depth); `EXISTS` / `EXISTS_REL` results by (offset, depth, mode, bound outer values).
    /// Results influenced by a cycle cut or a stop are never stored. What one decision reuses
    /// is a sub-program inside an inherited clause or another sub-program; a top-level
    /// sub-program and an inherits parent are reused across the rows of a batch
    /// (`decide_reads`), so those are memoised in batches only: a single decision then costs
    /// no allocation for its memo.
    inherits_memo: Vec<(InheritsKey, bool)>,
    sub_memo: Vec<SubMemo<'a>>,
    /// Several decisions share this machine (`decide_reads`).
    batch: bool,
    /// Cycle cuts so far (a result computed while this grew is not memoised).
    cuts: u64,
    /// Inherits parents entered so far (a result whose computation entered one depends on the
    /// active path, so it is not memoised).
    entered: u64,
    /// The clause being evaluated is a read (`select.using`, or reached through a `Select`
    /// inherits): relation scans are structural.
    read_mode: bool,
}

fn cmp_op(b: u8) -> CmpOp {
    match b {
        0 => CmpOp::Eq,
        1 => CmpOp::Ne,
        2 => CmpOp::Lt,
        3 => CmpOp::Le,
        4 => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

impl<'a> Machine<'a> {
    pub fn new(
        p: &'a Program,
        data: &'a dyn DataAccess,
        session: &'a Session,
        opts: Options,
    ) -> Self {
        Self {
            p,
            data,
            session,
            opts,
            steps: 0,
            calls: 0,
            path: Vec::new(),
            stop: None,
            trace: opts.trace.then(Vec::new),
            read_mode: true,
            inherits_memo: Vec::new(),
            sub_memo: Vec::new(),
            batch: false,
            cuts: 0,
            entered: 0,
        }
    }

    /// Marks the machine as shared by several decisions (memoises top-level results too).
    pub fn set_batch(&mut self) {
        self.batch = true;
    }

    /// Starts a new decision's budget (batch reads share the memo tables, not the budget).
    pub fn reset_budget(&mut self) {
        self.steps = 0;
    }

    /// Whether a sub-program result at `depth` can be reused (see `sub_memo`).
    #[inline]
    fn memo_reusable(&self, depth: u32) -> bool {
        self.batch || depth > 0 || self.calls > 0
    }

    fn memo_sub(&self, pc: usize, depth: u32, key: &Bound<'_>) -> Option<bool> {
        self.sub_memo
            .iter()
            .find(|m| {
                m.pc == pc as u32 && m.depth == depth && m.read == self.read_mode && m.key.same(key)
            })
            .map(|m| m.result)
    }

    fn remember_sub(
        &mut self,
        pc: usize,
        depth: u32,
        key: Bound<'a>,
        at: (u64, u64),
        result: bool,
    ) {
        let reusable = self.memo_reusable(depth);
        let independent = self.cuts == at.0 && self.entered == at.1;
        if reusable && independent && self.stop.is_none() && self.sub_memo.len() < MEMO_CAP {
            self.sub_memo.push(SubMemo {
                pc: pc as u32,
                depth,
                read: self.read_mode,
                key,
                result,
            });
        }
    }

    pub fn take_trace(&mut self) -> Vec<(usize, &'static str, bool)> {
        self.trace.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Evaluates a clause entry on `row` and turns the result into a decision.
    pub fn clause(&mut self, ti: usize, slot: Slot, row: &'a Row, e: Option<u32>) -> Decision {
        let Some(pc) = e.filter(|x| *x != FALLBACK) else {
            return Decision::new(false, Reason::AbsentSlot(slot));
        };
        let ctx = Ctx {
            table: ti as u32,
            row,
            outer: None,
            depth: 0,
        };
        self.read_mode = slot == Slot::SelectUsing;
        let (ok, _) = self.eval(pc as usize, ctx);
        match self.stop.take() {
            Some(Stop::Budget) => Decision::new(false, Reason::BudgetExceeded),
            Some(Stop::Data(m)) => Decision::new(false, Reason::DataUnavailable(m)),
            None if ok => Decision::new(true, Reason::Granted(slot)),
            None => Decision::new(false, Reason::ClauseFalse(slot)),
        }
    }

    fn code(&self) -> &'a [u8] {
        &self.p.bundle.code
    }

    fn table_name(&self, t: u32) -> Option<&'a str> {
        self.p
            .bundle
            .tables
            .get(t as usize)
            .map(|x| x.name.as_str())
    }

    /// A column value of `row` (`None` = Absent).
    #[inline]
    fn col(&self, pc: usize, row: &'a Row) -> Option<V<'a>> {
        let c = self.code();
        let v = read_u32(c, pc + 1)? as usize;
        match c.get(pc).copied()? {
            // The index was verified against this table's columns (B13).
            col::COLUMN => row.values.get(v).map(V::from),
            col::MAGIC => match *MAGIC_COLUMNS.get(v)? {
                "$createdBy" => Some(V::Text(&row.created_by)),
                "$createdAt" => Some(V::Timestamp(row.created_at)),
                "$updatedBy" => Some(V::Text(&row.updated_by)),
                _ => Some(V::Timestamp(row.updated_at)),
            },
            col::ROW_ID => Some(V::Uuid(row.id)),
            _ => None,
        }
    }

    /// An operand's value and the offset after it.
    #[inline]
    fn operand(&self, pc: usize, ctx: Ctx<'a>) -> (Option<V<'a>>, usize) {
        let c = self.code();
        let v = read_u32(c, pc + 1).unwrap_or(NONE);
        match c.get(pc).copied() {
            Some(operand::LITERAL) => (self.p.consts.get(v as usize).map(V::from), pc + 5),
            Some(operand::SESSION) => (self.session_value(v), pc + 5),
            Some(operand::OUTER) => match ctx.outer {
                Some((_, r)) => (self.col(pc + 1, r), pc + 6),
                None => (None, pc + 6),
            },
            _ => (None, pc + 5),
        }
    }

    #[inline]
    fn session_value(&self, path: u32) -> Option<V<'a>> {
        self.p
            .bundle
            .paths
            .get(path as usize)
            .and_then(|p| self.session.resolve(p))
    }

    #[inline]
    fn leaf(&mut self, pc: usize, name: &'static str, r: bool) -> bool {
        if let Some(t) = self.trace.as_mut() {
            t.push((pc, name, r));
        }
        r
    }

    /// Evaluates the expression at `pc`; returns the result and the offset after it.
    fn eval(&mut self, pc: usize, ctx: Ctx<'a>) -> (bool, usize) {
        self.steps += 1;
        if self.stop.is_some() || self.steps > self.opts.limits.max_steps {
            self.stop.get_or_insert(Stop::Budget);
            return (false, self.code().len());
        }
        let c = self.code();
        let Some(opcode) = c.get(pc).copied() else {
            return (false, c.len());
        };
        match opcode {
            op::TRUE => (true, pc + 1),
            op::FALSE => (false, pc + 1),
            op::NOT => {
                let (r, next) = self.eval(pc + 1, ctx);
                (!r, next)
            }
            op::AND | op::OR => {
                let n = read_u16(c, pc + 1).unwrap_or(0);
                let end = read_u32(c, pc + 3).unwrap_or(0) as usize;
                let is_and = opcode == op::AND;
                let mut p = pc + 7;
                for _ in 0..n {
                    let (r, next) = self.eval(p, ctx);
                    if r != is_and {
                        // Short-circuit: jump forward to the end.
                        return (r, end);
                    }
                    p = next;
                }
                (is_and, end)
            }
            op::CMP => {
                let lhs = self.col(pc + 1, ctx.row);
                let o = cmp_op(c.get(pc + 6).copied().unwrap_or(0));
                let (rhs, next) = self.operand(pc + 7, ctx);
                let r = match (lhs, rhs) {
                    (Some(a), Some(b)) => compare::cmp(a, o, b),
                    _ => false,
                };
                (self.leaf(pc, "cmp", r), next)
            }
            op::IS_NULL | op::IS_NOT_NULL => {
                let v = self.col(pc + 1, ctx.row);
                let r = match v {
                    Some(V::Null) => opcode == op::IS_NULL,
                    Some(_) => opcode == op::IS_NOT_NULL,
                    None => false,
                };
                (self.leaf(pc, "is.null", r), pc + 6)
            }
            op::CONTAINS => {
                let lhs = self.col(pc + 1, ctx.row);
                let (rhs, next) = self.operand(pc + 6, ctx);
                let r = match (lhs, rhs) {
                    (Some(a), Some(b)) => compare::contains(a, b),
                    _ => false,
                };
                (self.leaf(pc, "contains", r), next)
            }
            op::IN_SESSION => {
                let lhs = self.col(pc + 1, ctx.row);
                let path = read_u32(c, pc + 6).unwrap_or(NONE);
                let r = self.in_session(lhs, path);
                (self.leaf(pc, "in.session", r), pc + 10)
            }
            op::IN_LIST => {
                let lhs = self.col(pc + 1, ctx.row);
                let n = read_u16(c, pc + 6).unwrap_or(0);
                let mut q = pc + 8;
                let mut r = false;
                for _ in 0..n {
                    let (v, next) = self.operand(q, ctx);
                    if let (Some(a), Some(b)) = (lhs, v)
                        && !matches!(a, V::Null)
                        && compare::eq(a, b)
                    {
                        r = true;
                    }
                    q = next;
                }
                (self.leaf(pc, "in.list", r), q)
            }
            op::S_CMP => {
                let v = self.session_value(read_u32(c, pc + 1).unwrap_or(NONE));
                let o = cmp_op(c.get(pc + 5).copied().unwrap_or(0));
                let k = self
                    .p
                    .consts
                    .get(read_u32(c, pc + 6).unwrap_or(NONE) as usize);
                let r = match (v, k) {
                    (Some(a), Some(b)) => compare::cmp(a, o, V::from(b)),
                    _ => false,
                };
                (self.leaf(pc, "s.cmp", r), pc + 10)
            }
            op::S_IS_NULL | op::S_IS_NOT_NULL => {
                let v = self.session_value(read_u32(c, pc + 1).unwrap_or(NONE));
                let r = match v {
                    Some(V::Null) => opcode == op::S_IS_NULL,
                    Some(_) => opcode == op::S_IS_NOT_NULL,
                    None => false,
                };
                (self.leaf(pc, "s.is.null", r), pc + 5)
            }
            op::S_CONTAINS => {
                let r = self.session_contains(
                    read_u32(c, pc + 1).unwrap_or(NONE),
                    read_u32(c, pc + 5).unwrap_or(NONE),
                );
                (self.leaf(pc, "s.contains", r), pc + 9)
            }
            op::S_IN_LIST => {
                let v = self.session_value(read_u32(c, pc + 1).unwrap_or(NONE));
                let n = read_u16(c, pc + 5).unwrap_or(0);
                let mut q = pc + 7;
                let mut r = false;
                for _ in 0..n {
                    let k = self.p.consts.get(read_u32(c, q).unwrap_or(NONE) as usize);
                    if let (Some(a), Some(b)) = (v, k)
                        && !matches!(a, V::Null)
                        && compare::eq(a, V::from(b))
                    {
                        r = true;
                    }
                    q += 4;
                }
                (self.leaf(pc, "s.in.list", r), q)
            }
            op::EXISTS => {
                let t = read_u32(c, pc + 1).unwrap_or(NONE);
                let end = read_u32(c, pc + 9).unwrap_or(0) as usize;
                let r = self.exists(pc, t, ctx);
                (self.leaf(pc, "exists", r), end)
            }
            op::EXISTS_REL => {
                let r = self.exists_rel(pc, ctx);
                (self.leaf(pc, "exists.rel", r), pc + 5)
            }
            op::INHERITS => {
                let r = self.inherits(pc, ctx);
                (self.leaf(pc, "inherits", r), pc + 11)
            }
            op::INHERITS_REF => {
                let r = self.inherits_ref(pc, ctx);
                (self.leaf(pc, "inherited.by", r), pc + 19)
            }
            _ => (false, c.len()),
        }
    }
}
