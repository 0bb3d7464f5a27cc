//! Bytecode verification (B13): every entry's expression tree is walked once; indices,
//! operands and nesting are checked, and `AND`/`OR`/`EXISTS` ends must equal the end of their
//! children, so every jump the VM takes is forward and lands on an instruction.

use super::load::{Bundle, LoadError, read_u16, read_u32};
use super::{ABSENT, FALLBACK, NONE, col, op, operand};

/// What verification collects for the loader.
#[derive(Default)]
pub(crate) struct Found {
    /// `EXISTS` and `EXISTS_REL` instructions with the table of the row they are evaluated on.
    pub subs: Vec<(usize, u32)>,
    /// Outer column references (offset of the column reference) of each `EXISTS` condition,
    /// nested `EXISTS` excluded: (`EXISTS` offset, column reference offset).
    pub outer_refs: Vec<(usize, usize)>,
    /// The innermost enclosing `EXISTS`.
    cur: Option<usize>,
}

impl Bundle {
    pub(super) fn fail<T>(&self, pc: usize, reason: &str) -> Result<T, LoadError> {
        Err(LoadError::Invalid {
            offset: self.code_offset + pc,
            reason: reason.to_owned(),
        })
    }

    /// Verifies every entry; returns the `EXISTS` and `EXISTS_REL` instructions with their row's
    /// table.
    pub(super) fn verify(&self) -> Result<Found, LoadError> {
        let mut rels = Found::default();
        for (ti, t) in self.tables.iter().enumerate() {
            for (si, e) in t.entries.iter().enumerate() {
                if *e == ABSENT || (*e == FALLBACK && si == 4) {
                    continue;
                }
                self.verify_expr(*e as usize, ti as u32, None, 0, &mut rels)?;
            }
        }
        Ok(rels)
    }

    fn verify_col(&self, pc: usize, table: u32) -> Result<usize, LoadError> {
        let kind = self.code.get(pc).copied();
        let Some(v) = read_u32(&self.code, pc + 1) else {
            return self.fail(pc, "truncated column reference");
        };
        let ok = match kind {
            Some(col::COLUMN) => self
                .tables
                .get(table as usize)
                .is_some_and(|t| (v as usize) < t.cols.len()),
            Some(col::MAGIC) => v < 4,
            Some(col::ROW_ID) => true,
            Some(col::ABSENT) => (v as usize) < self.strings.len(),
            _ => false,
        };
        if !ok {
            return self.fail(pc, "invalid column reference");
        }
        Ok(pc + 5)
    }

    fn verify_operand(
        &self,
        pc: usize,
        outer: Option<u32>,
        found: &mut Found,
    ) -> Result<usize, LoadError> {
        let Some(v) = read_u32(&self.code, pc + 1) else {
            return self.fail(pc, "truncated operand");
        };
        match self.code.get(pc).copied() {
            Some(operand::LITERAL) if (v as usize) < self.consts.len() => Ok(pc + 5),
            Some(operand::SESSION) if (v as usize) < self.paths.len() => Ok(pc + 5),
            Some(operand::OUTER) => match outer {
                Some(o) => {
                    if let Some(e) = found.cur
                        && !found.outer_refs.contains(&(e, pc + 1))
                    {
                        found.outer_refs.push((e, pc + 1));
                    }
                    self.verify_col(pc + 1, o)
                }
                None => self.fail(pc, "outer reference outside EXISTS"),
            },
            _ => self.fail(pc, "invalid operand"),
        }
    }

    fn idx(&self, pc: usize, v: Option<u32>, len: usize, what: &str) -> Result<(), LoadError> {
        match v {
            Some(i) if (i as usize) < len => Ok(()),
            _ => self.fail(pc, &format!("{what} index out of range")),
        }
    }

    /// Verifies the expression at `pc`; returns the offset after it.
    pub(crate) fn verify_expr(
        &self,
        pc: usize,
        table: u32,
        outer: Option<u32>,
        depth: u32,
        rels: &mut Found,
    ) -> Result<usize, LoadError> {
        if depth > 256 {
            return self.fail(pc, "expression nests too deeply");
        }
        let Some(opcode) = self.code.get(pc).copied() else {
            return self.fail(pc, "entry points outside the code");
        };
        let c = &self.code;
        match opcode {
            op::TRUE | op::FALSE => Ok(pc + 1),
            op::NOT => self.verify_expr(pc + 1, table, outer, depth + 1, rels),
            op::AND | op::OR => {
                let (Some(n), Some(end)) = (read_u16(c, pc + 1), read_u32(c, pc + 3)) else {
                    return self.fail(pc, "truncated AND/OR");
                };
                let mut p = pc + 7;
                for _ in 0..n {
                    p = self.verify_expr(p, table, outer, depth + 1, rels)?;
                }
                if p != end as usize {
                    return self.fail(pc, "AND/OR end does not match its children");
                }
                Ok(p)
            }
            op::CMP => {
                let p = self.verify_col(pc + 1, table)?;
                match c.get(p) {
                    Some(o) if *o < 6 => self.verify_operand(p + 1, outer, rels),
                    _ => self.fail(p, "invalid comparison operator"),
                }
            }
            op::IS_NULL | op::IS_NOT_NULL => self.verify_col(pc + 1, table),
            op::CONTAINS => {
                let p = self.verify_col(pc + 1, table)?;
                self.verify_operand(p, outer, rels)
            }
            op::IN_SESSION => {
                let p = self.verify_col(pc + 1, table)?;
                self.idx(p, read_u32(c, p), self.paths.len(), "path")?;
                Ok(p + 4)
            }
            op::IN_LIST => {
                let p = self.verify_col(pc + 1, table)?;
                let Some(n) = read_u16(c, p) else {
                    return self.fail(p, "truncated IN list");
                };
                let mut q = p + 2;
                for _ in 0..n {
                    q = self.verify_operand(q, outer, rels)?;
                }
                Ok(q)
            }
            op::S_CMP => {
                self.idx(pc, read_u32(c, pc + 1), self.paths.len(), "path")?;
                match c.get(pc + 5) {
                    Some(o) if *o < 6 => {}
                    _ => return self.fail(pc + 5, "invalid comparison operator"),
                }
                self.idx(pc, read_u32(c, pc + 6), self.consts.len(), "constant")?;
                Ok(pc + 10)
            }
            op::S_IS_NULL | op::S_IS_NOT_NULL => {
                self.idx(pc, read_u32(c, pc + 1), self.paths.len(), "path")?;
                Ok(pc + 5)
            }
            op::S_CONTAINS => {
                self.idx(pc, read_u32(c, pc + 1), self.paths.len(), "path")?;
                self.idx(pc, read_u32(c, pc + 5), self.consts.len(), "constant")?;
                Ok(pc + 9)
            }
            op::S_IN_LIST => {
                self.idx(pc, read_u32(c, pc + 1), self.paths.len(), "path")?;
                let Some(n) = read_u16(c, pc + 5) else {
                    return self.fail(pc, "truncated list");
                };
                let mut q = pc + 7;
                for _ in 0..n {
                    self.idx(q, read_u32(c, q), self.consts.len(), "constant")?;
                    q += 4;
                }
                Ok(q)
            }
            op::EXISTS => {
                let (Some(t), Some(name), Some(end)) = (
                    read_u32(c, pc + 1),
                    read_u32(c, pc + 5),
                    read_u32(c, pc + 9),
                ) else {
                    return self.fail(pc, "truncated EXISTS");
                };
                if t != NONE && t as usize >= self.tables.len() {
                    return self.fail(pc, "EXISTS table out of range");
                }
                if t == NONE && name as usize >= self.strings.len() {
                    return self.fail(pc, "EXISTS table name out of range");
                }
                if !rels.subs.iter().any(|(p, _)| *p == pc) {
                    rels.subs.push((pc, table));
                }
                let saved = rels.cur.replace(pc);
                let p = self.verify_expr(pc + 13, t, Some(table), depth + 1, rels);
                rels.cur = saved;
                let p = p?;
                if p != end as usize {
                    return self.fail(pc, "EXISTS end does not match its condition");
                }
                Ok(p)
            }
            op::EXISTS_REL => {
                self.idx(pc, read_u32(c, pc + 1), self.strings.len(), "string")?;
                match rels.subs.iter().find(|(p, _)| *p == pc) {
                    Some((_, t)) if *t != table => {
                        return self.fail(pc, "relation shared by entries of different tables");
                    }
                    Some(_) => {}
                    None => rels.subs.push((pc, table)),
                }
                Ok(pc + 5)
            }
            op::INHERITS => {
                match c.get(pc + 1) {
                    Some(o) if *o < 4 => {}
                    _ => return self.fail(pc + 1, "invalid operation"),
                }
                let p = self.verify_col(pc + 2, table)?;
                if read_u32(c, p).is_none() {
                    return self.fail(p, "truncated INHERITS");
                }
                Ok(p + 4)
            }
            op::INHERITS_REF => {
                match c.get(pc + 1) {
                    Some(o) if *o < 4 => {}
                    _ => return self.fail(pc + 1, "invalid operation"),
                }
                let (Some(st), Some(name)) = (read_u32(c, pc + 2), read_u32(c, pc + 6)) else {
                    return self.fail(pc, "truncated INHERITS REFERENCING");
                };
                if st != NONE && st as usize >= self.tables.len() {
                    return self.fail(pc, "source table out of range");
                }
                if st == NONE && name as usize >= self.strings.len() {
                    return self.fail(pc, "source table name out of range");
                }
                let p = self.verify_col(pc + 10, st)?;
                if read_u32(c, p).is_none() {
                    return self.fail(p, "truncated INHERITS REFERENCING");
                }
                Ok(p + 4)
            }
            _ => self.fail(pc, "unknown opcode"),
        }
    }
}
