//! The non-trivial leaves of the machine: session `In`/`Contains`, `EXISTS` scans and forward /
//! referencing inherits with depth limits and path-scoped cycle detection.

use super::super::super::bytecode::{FALLBACK, NONE, col, op, operand, read_u16, read_u32};
use super::super::super::ir::Slot;
use super::super::compare::{self, V};
use super::super::data::{Row, Val};
use super::super::session::json_scalar;
use super::{Bound, Ctx, DEFAULT_DEPTH, DEPTH_CAP, MEMO_CAP, Machine, Stop, entry};

impl<'a> Machine<'a> {
    pub(super) fn in_session(&self, lhs: Option<V<'a>>, path: u32) -> bool {
        let Some(lhs) = lhs else { return false };
        let Some(crate::policy::bytecode::SessionPath::Claims(p)) =
            self.p.bundle.paths.get(path as usize)
        else {
            return false;
        };
        let Some(crate::schema::json::JsonValue::Array(items)) = self.session.claim(p) else {
            return false;
        };
        items.iter().any(|j| match (lhs, j) {
            (V::Text(a), crate::schema::json::JsonValue::String(b)) => a == b,
            (V::Uuid(u), crate::schema::json::JsonValue::String(b)) => {
                crate::policy::vm::data::format_uuid(&u) == *b
            }
            (V::Integer(_) | V::BigInt(_), _) => json_scalar(j).is_some_and(|v| match (lhs, v) {
                (V::Integer(a), V::Integer(b)) => a == b,
                (V::Integer(a), V::BigInt(b)) | (V::BigInt(b), V::Integer(a)) => i64::from(a) == b,
                (V::BigInt(a), V::BigInt(b)) => a == b,
                _ => false,
            }),
            _ => false,
        })
    }

    pub(super) fn session_contains(&self, path: u32, k: u32) -> bool {
        let Some(crate::policy::bytecode::SessionPath::Claims(p)) =
            self.p.bundle.paths.get(path as usize)
        else {
            // user_id / authMode are strings.
            let v = self.session_value(path);
            let k = self.p.consts.get(k as usize);
            return matches!((v, k), (Some(V::Text(s)), Some(Val::Text(t))) if s.contains(t.as_str()));
        };
        let Some(k) = self.p.consts.get(k as usize) else {
            return false;
        };
        match self.session.claim(p) {
            Some(crate::schema::json::JsonValue::String(s)) => {
                matches!(k, Val::Text(t) if s.contains(t.as_str()))
            }
            Some(crate::schema::json::JsonValue::Array(items)) => items
                .iter()
                .any(|j| json_scalar(j).is_some_and(|v| compare::eq(v, V::from(k)))),
            _ => false,
        }
    }

    /// The `EXISTS` at `pc` over table `t`: a structural scan, narrowed by an index lookup
    /// when the condition has a `col = <bound value>` conjunct.
    pub(super) fn exists(&mut self, pc: usize, t: u32, ctx: Ctx<'a>) -> bool {
        if t == NONE || self.calls >= self.opts.limits.max_call_depth {
            return false;
        }
        let Some(name) = self.table_name(t) else {
            return false;
        };
        // A top-level `EXISTS` of a single decision is evaluated once: no memo key to build
        // (`remember_sub` would not store it, so no entry can match it either).
        if !self.memo_reusable(ctx.depth) {
            return self.exists_scan(pc, t, name, ctx);
        }
        let p: &'a super::Program = self.p;
        let key = Bound::new(
            p.bundle
                .exists_outer_at(pc)
                .iter()
                .map(|at| self.col(*at as usize, ctx.row)),
        );
        if let Some(r) = key.and_then(|k| self.memo_sub(pc, ctx.depth, &k)) {
            return r;
        }
        let at = (self.cuts, self.entered);
        let r = self.exists_scan(pc, t, name, ctx);
        if let Some(k) = key {
            self.remember_sub(pc, ctx.depth, k, at, r);
        }
        r
    }

    fn exists_scan(&mut self, pc: usize, t: u32, name: &'a str, ctx: Ctx<'a>) -> bool {
        let cond = pc + 13;
        let outer = Some((ctx.table, ctx.row));
        let mut probe_cmp = None;
        let probe = match self.p.bundle.exists_probe_at(pc) {
            Some((col, at)) => {
                let probe_ctx = Ctx { outer, ..ctx };
                match self.operand(at as usize, probe_ctx).0 {
                    // The conjunct cannot hold for any row.
                    None => return false,
                    Some(v) => {
                        // The conjunct's `CMP` opcode precedes its column (5) and operator (1).
                        probe_cmp = (at as usize).checked_sub(7);
                        Some((col as usize, v))
                    }
                }
            }
            None => None,
        };
        self.calls += 1;
        let data = self.data;
        let mut found = false;
        let mut visit = |r: &'a Row| {
            self.steps += 1;
            let inner = Ctx {
                table: t,
                row: r,
                outer,
                depth: ctx.depth,
            };
            found = match probe_cmp {
                Some(at) => self.eval_probed(cond, inner, at),
                None => self.eval(cond, inner).0,
            };
            found || self.stop.is_some()
        };
        let res = match probe {
            Some((col, v)) => data.lookup(name, col, v, &mut visit),
            None => data.scan(name, &mut visit),
        };
        self.calls -= 1;
        if let Err(e) = res {
            self.stop.get_or_insert(Stop::Data(e.0));
            return false;
        }
        found && self.stop.is_none()
    }

    /// `eval(cond, ctx).0` for a row the index lookup returned: the probe conjunct (the `CMP`
    /// at `probe`, a top-level conjunct of `cond` or `cond` itself) holds for every such row
    /// (`DataAccess::lookup`), so it is not compared again. Its step, budget check and trace
    /// entry are kept, so steps, stops and traces are those of `eval`.
    fn eval_probed(&mut self, cond: usize, ctx: Ctx<'a>, probe: usize) -> bool {
        let c = self.code();
        if c.get(cond) != Some(&op::AND) {
            return if cond == probe {
                self.probe_step(probe)
            } else {
                self.eval(cond, ctx).0
            };
        }
        // The `AND` node's own step (as `eval` counts it).
        self.steps += 1;
        if self.stop.is_some() || self.steps > self.opts.limits.max_steps {
            self.stop.get_or_insert(Stop::Budget);
            return false;
        }
        let n = read_u16(c, cond + 1).unwrap_or(0);
        let mut p = cond + 7;
        for _ in 0..n {
            if p == probe {
                if !self.probe_step(p) {
                    return false;
                }
                let len = if c.get(p + 7) == Some(&operand::OUTER) {
                    6
                } else {
                    5
                };
                p += 7 + len;
            } else {
                let (r, next) = self.eval(p, ctx);
                if !r {
                    return false;
                }
                p = next;
            }
        }
        true
    }

    /// The step of the probe conjunct's `CMP`, known to hold (see `eval_probed`).
    #[inline]
    fn probe_step(&mut self, pc: usize) -> bool {
        self.steps += 1;
        if self.stop.is_some() || self.steps > self.opts.limits.max_steps {
            self.stop.get_or_insert(Stop::Budget);
            return false;
        }
        self.leaf(pc, "cmp", true)
    }

    /// The parent clause entry for an inherited operation.
    fn op_entry(&self, t: u32, operation: u8) -> Option<u32> {
        let ti = t as usize;
        let slot = match operation {
            0 => Slot::SelectUsing,
            1 => Slot::InsertCheck,
            2 => Slot::UpdateUsing,
            _ => Slot::DeleteUsing,
        };
        match entry(self.p, ti, slot) {
            Some(FALLBACK) | None if operation == 3 => entry(self.p, ti, Slot::UpdateUsing),
            other => other.filter(|e| *e != FALLBACK),
        }
    }

    fn depth_ok(max: u32, d: u32) -> bool {
        let m = if max == 0 { DEFAULT_DEPTH } else { max };
        (1..=DEPTH_CAP).contains(&m) && d < m
    }

    pub(super) fn inherits(&mut self, pc: usize, ctx: Ctx<'a>) -> bool {
        let c = self.code();
        let operation = c.get(pc + 1).copied().unwrap_or(0);
        let max = read_u32(c, pc + 7).unwrap_or(0);
        if !Self::depth_ok(max, ctx.depth) || c.get(pc + 2) != Some(&col::COLUMN) {
            return false;
        }
        let ci = read_u32(c, pc + 3).unwrap_or(NONE) as usize;
        let Some(cinfo) = self
            .p
            .bundle
            .tables
            .get(ctx.table as usize)
            .and_then(|t| t.cols.get(ci))
        else {
            return false;
        };
        let parent_id = match ctx.row.values.get(ci) {
            Some(Val::Null) => return true,
            Some(Val::Uuid(u)) => *u,
            _ => return false,
        };
        let Some(pt) = cinfo.references else {
            return false;
        };
        self.enter_parent(pt, parent_id, operation, ctx.depth)
    }

    /// Evaluates `operation`'s clause of the row `id` of table `t` at depth `depth + 1`.
    fn enter_parent(&mut self, t: u32, id: [u8; 16], operation: u8, depth: u32) -> bool {
        if self.path.contains(&(t, id, operation)) {
            self.cuts += 1;
            return false;
        }
        let key = (t, id, operation, depth + 1);
        if let Some((_, r)) = self.inherits_memo.iter().find(|(k, _)| *k == key) {
            return *r;
        }
        let (cuts, entered) = (self.cuts, self.entered);
        let r = self.parent_clause(t, id, operation, depth);
        // Only a result that entered no further parent is independent of the active path
        // (another path could cut a cycle through them), so only those are stored.
        if self.batch
            && self.stop.is_none()
            && self.cuts == cuts
            && self.entered <= entered + 1
            && self.inherits_memo.len() < MEMO_CAP
        {
            self.inherits_memo.push((key, r));
        }
        r
    }

    fn parent_clause(&mut self, t: u32, id: [u8; 16], operation: u8, depth: u32) -> bool {
        let Some(name) = self.table_name(t) else {
            return false;
        };
        let parent = match self.data.get(name, &id) {
            Ok(Some(r)) => r,
            Ok(None) => return false,
            Err(e) => {
                self.stop.get_or_insert(Stop::Data(e.0));
                return false;
            }
        };
        self.steps += 1;
        let Some(e) = self.op_entry(t, operation) else {
            return false;
        };
        self.path.push((t, id, operation));
        self.entered += 1;
        let inner = Ctx {
            table: t,
            row: parent,
            outer: None,
            depth: depth + 1,
        };
        let saved = self.read_mode;
        self.read_mode = operation == 0;
        let r = self.eval(e as usize, inner).0;
        self.read_mode = saved;
        self.path.pop();
        r
    }

    pub(super) fn inherits_ref(&mut self, pc: usize, ctx: Ctx<'a>) -> bool {
        let c = self.code();
        let operation = c.get(pc + 1).copied().unwrap_or(0);
        let st = read_u32(c, pc + 2).unwrap_or(NONE);
        let max = read_u32(c, pc + 15).unwrap_or(0);
        if st == NONE || !Self::depth_ok(max, ctx.depth) || c.get(pc + 10) != Some(&col::COLUMN) {
            return false;
        }
        let ci = read_u32(c, pc + 11).unwrap_or(NONE) as usize;
        let refs_here = self
            .p
            .bundle
            .tables
            .get(st as usize)
            .and_then(|t| t.cols.get(ci))
            .is_some_and(|col| col.references == Some(ctx.table));
        let Some(name) = self.table_name(st) else {
            return false;
        };
        if !refs_here {
            return false;
        }
        let data = self.data;
        let mut candidates: Vec<[u8; 16]> = Vec::new();
        let res = data.referencing(name, ci, &ctx.row.id, &mut |r| {
            candidates.push(r.id);
            false
        });
        if let Err(e) = res {
            self.stop.get_or_insert(Stop::Data(e.0));
            return false;
        }
        self.steps += candidates.len() as u64;
        candidates
            .into_iter()
            .any(|id| self.enter_parent(st, id, operation, ctx.depth))
    }
}
