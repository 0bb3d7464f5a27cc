//! The disassembler (X1–X3): stable text that depends only on the bytes. LF endings, no
//! trailing spaces; per table the slot entries, then each entry's instructions with offset,
//! mnemonic and symbolic operands.

use std::fmt::Write;

use super::super::ir::{CmpOp, Lit, Operation, Slot};
use super::load::{Bundle, read_u16, read_u32};
use super::{ABSENT, FALLBACK, MAGIC_COLUMNS, NONE, col, op, operand};

/// Disassembles `bytes`; unverifiable input is an error naming the offset.
pub fn disassemble(bytes: &[u8]) -> Result<String, super::LoadError> {
    let b = Bundle::load(bytes)?;
    Ok(listing(&b))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A literal in wire-like form (`Text("x")`, `Uuid("…")`, `Integer(3)`).
pub fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Null => "Null".into(),
        Lit::Integer(i) => format!("Integer({i})"),
        Lit::BigInt(i) => format!("BigInt({i})"),
        Lit::Double(d) => format!("Double({})", crate::schema::json::number_to_js_string(*d)),
        Lit::Boolean(x) => format!("Boolean({x})"),
        Lit::Text(t) => format!("Text({t:?})"),
        Lit::Timestamp(t) => format!("Timestamp({t})"),
        Lit::Uuid(u) => format!("Uuid({u:?})"),
        Lit::Bytea(x) => format!("Bytea({})", hex(x)),
        Lit::Array(items) => format!(
            "Array([{}])",
            items.iter().map(lit_text).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn cmp_op(b: u8) -> &'static str {
    [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ]
    .get(b as usize)
    .map(|o| o.as_str())
    .unwrap_or("?")
}

/// An inherits depth operand.
fn depth_text(d: u32) -> String {
    match d {
        0 => "10 (default)".into(),
        1..=64 => d.to_string(),
        _ => format!("{d} (out of range: denies)"),
    }
}

fn operation(b: u8) -> &'static str {
    Operation::ALL
        .get(b as usize)
        .map(|o| o.as_str())
        .unwrap_or("?")
}

struct Dis<'a> {
    b: &'a Bundle,
    out: String,
}

impl Dis<'_> {
    fn table_name(&self, t: u32, name: u32) -> String {
        if t == NONE {
            format!(
                "{}?",
                self.b
                    .strings
                    .get(name as usize)
                    .cloned()
                    .unwrap_or_default()
            )
        } else {
            self.b
                .tables
                .get(t as usize)
                .map(|x| x.name.clone())
                .unwrap_or_default()
        }
    }

    fn col(&self, pc: usize, table: u32) -> String {
        let v = read_u32(&self.b.code, pc + 1).unwrap_or(0);
        match self.b.code.get(pc).copied() {
            Some(col::COLUMN) => self
                .b
                .tables
                .get(table as usize)
                .and_then(|t| t.cols.get(v as usize))
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            Some(col::MAGIC) => MAGIC_COLUMNS.get(v as usize).copied().unwrap_or("?").into(),
            Some(col::ROW_ID) => "id(row)".into(),
            _ => format!(
                "absent({})",
                self.b.strings.get(v as usize).cloned().unwrap_or_default()
            ),
        }
    }

    fn path(&self, i: u32) -> String {
        format!(
            "session.{}",
            self.b
                .raw_paths
                .get(i as usize)
                .map(|p| p.join("."))
                .unwrap_or_default()
        )
    }

    fn constant(&self, i: u32) -> String {
        self.b
            .consts
            .get(i as usize)
            .map(lit_text)
            .unwrap_or_default()
    }

    /// An operand's text and the offset after it.
    fn operand(&self, pc: usize, outer: Option<u32>) -> (String, usize) {
        let v = read_u32(&self.b.code, pc + 1).unwrap_or(0);
        match self.b.code.get(pc).copied() {
            Some(operand::LITERAL) => (self.constant(v), pc + 5),
            Some(operand::SESSION) => (self.path(v), pc + 5),
            _ => (
                format!("outer.{}", self.col(pc + 1, outer.unwrap_or(NONE))),
                pc + 6,
            ),
        }
    }

    fn line(&mut self, pc: usize, depth: usize, text: &str) {
        let _ = writeln!(self.out, "  {pc:04}  {}{text}", "  ".repeat(depth));
    }

    /// Prints the expression at `pc`; returns the offset after it.
    fn expr(&mut self, pc: usize, table: u32, outer: Option<u32>, depth: usize) -> usize {
        let c = &self.b.code;
        let Some(opcode) = c.get(pc).copied() else {
            return pc + 1;
        };
        match opcode {
            op::TRUE => {
                self.line(pc, depth, "true");
                pc + 1
            }
            op::FALSE => {
                self.line(pc, depth, "false");
                pc + 1
            }
            op::NOT => {
                self.line(pc, depth, "not");
                self.expr(pc + 1, table, outer, depth + 1)
            }
            op::AND | op::OR => {
                let n = read_u16(c, pc + 1).unwrap_or(0);
                let end = read_u32(c, pc + 3).unwrap_or(0);
                let m = if opcode == op::AND { "and" } else { "or" };
                self.line(pc, depth, &format!("{m:<13} n={n} end=@{end:04}"));
                let mut p = pc + 7;
                for _ in 0..n {
                    p = self.expr(p, table, outer, depth + 1);
                }
                p
            }
            op::CMP => {
                let col = self.col(pc + 1, table);
                let o = cmp_op(c.get(pc + 6).copied().unwrap_or(9));
                let (v, next) = self.operand(pc + 7, outer);
                self.line(pc, depth, &format!("cmp.{:<9} {col} {v}", o.to_lowercase()));
                next
            }
            op::IS_NULL | op::IS_NOT_NULL => {
                let m = if opcode == op::IS_NULL {
                    "is.null"
                } else {
                    "is.not.null"
                };
                let col = self.col(pc + 1, table);
                self.line(pc, depth, &format!("{m:<13} {col}"));
                pc + 6
            }
            op::CONTAINS => {
                let col = self.col(pc + 1, table);
                let (v, next) = self.operand(pc + 6, outer);
                self.line(pc, depth, &format!("{:<13} {col} {v}", "contains"));
                next
            }
            op::IN_SESSION => {
                let col = self.col(pc + 1, table);
                let p = self.path(read_u32(c, pc + 6).unwrap_or(0));
                self.line(pc, depth, &format!("{:<13} {col} {p}", "in.session"));
                pc + 10
            }
            op::IN_LIST => {
                let col = self.col(pc + 1, table);
                let n = read_u16(c, pc + 6).unwrap_or(0);
                let mut q = pc + 8;
                let mut items = Vec::new();
                for _ in 0..n {
                    let (v, next) = self.operand(q, outer);
                    items.push(v);
                    q = next;
                }
                self.line(
                    pc,
                    depth,
                    &format!("{:<13} {col} [{}]", "in.list", items.join(", ")),
                );
                q
            }
            op::S_CMP => {
                let p = self.path(read_u32(c, pc + 1).unwrap_or(0));
                let o = cmp_op(c.get(pc + 5).copied().unwrap_or(9));
                let v = self.constant(read_u32(c, pc + 6).unwrap_or(0));
                self.line(pc, depth, &format!("s.cmp.{:<7} {p} {v}", o.to_lowercase()));
                pc + 10
            }
            op::S_IS_NULL | op::S_IS_NOT_NULL => {
                let m = if opcode == op::S_IS_NULL {
                    "s.is.null"
                } else {
                    "s.is.not.null"
                };
                let p = self.path(read_u32(c, pc + 1).unwrap_or(0));
                self.line(pc, depth, &format!("{m:<13} {p}"));
                pc + 5
            }
            op::S_CONTAINS => {
                let p = self.path(read_u32(c, pc + 1).unwrap_or(0));
                let v = self.constant(read_u32(c, pc + 5).unwrap_or(0));
                self.line(pc, depth, &format!("{:<13} {p} {v}", "s.contains"));
                pc + 9
            }
            op::S_IN_LIST => {
                let p = self.path(read_u32(c, pc + 1).unwrap_or(0));
                let n = read_u16(c, pc + 5).unwrap_or(0);
                let mut items = Vec::new();
                let mut q = pc + 7;
                for _ in 0..n {
                    items.push(self.constant(read_u32(c, q).unwrap_or(0)));
                    q += 4;
                }
                self.line(
                    pc,
                    depth,
                    &format!("{:<13} {p} [{}]", "s.in.list", items.join(", ")),
                );
                q
            }
            op::EXISTS => {
                let t = read_u32(c, pc + 1).unwrap_or(NONE);
                let name = read_u32(c, pc + 5).unwrap_or(0);
                let end = read_u32(c, pc + 9).unwrap_or(0);
                let tn = self.table_name(t, name);
                self.line(pc, depth, &format!("{:<13} {tn} end=@{end:04}", "exists"));
                self.expr(pc + 13, t, Some(table), depth + 1)
            }
            op::EXISTS_REL => {
                let s = read_u32(c, pc + 1).unwrap_or(0);
                let rel = self
                    .b
                    .strings
                    .get(s as usize)
                    .and_then(|s| crate::schema::json::parse(s).ok())
                    .and_then(|j| super::rel::read(&j).ok());
                let output = self
                    .b
                    .rel_plan(pc)
                    .filter(|p| p.output_table != NONE)
                    .map(|p| self.table_name(p.output_table, 0))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "-".into());
                self.line(pc, depth, &format!("{:<13} output={output}", "exists.rel"));
                let mut lines = Vec::new();
                if let Some(r) = &rel {
                    super::rel_text::render(r, 0, &mut lines);
                }
                for l in lines {
                    let _ = writeln!(self.out, "        {}  {l}", "  ".repeat(depth));
                }
                pc + 5
            }
            op::INHERITS => {
                let o = operation(c.get(pc + 1).copied().unwrap_or(9));
                let colname = self.col(pc + 2, table);
                let target = self
                    .b
                    .tables
                    .get(table as usize)
                    .and_then(|t| read_u32(c, pc + 3).and_then(|i| t.cols.get(i as usize)))
                    .filter(|_| c.get(pc + 2) == Some(&col::COLUMN))
                    .and_then(|cinfo| cinfo.references)
                    .map(|r| self.table_name(r, 0))
                    .unwrap_or_else(|| "-".into());
                let d = read_u32(c, pc + 7).unwrap_or(0);
                let depth_s = depth_text(d);
                self.line(
                    pc,
                    depth,
                    &format!(
                        "{:<13} {o} via {colname} -> {target}  depth={depth_s}",
                        "inherits"
                    ),
                );
                pc + 11
            }
            op::INHERITS_REF => {
                let o = operation(c.get(pc + 1).copied().unwrap_or(9));
                let st = read_u32(c, pc + 2).unwrap_or(NONE);
                let name = read_u32(c, pc + 6).unwrap_or(0);
                let src = self.table_name(st, name);
                let colname = self.col(pc + 10, st);
                let d = read_u32(c, pc + 15).unwrap_or(0);
                let depth_s = depth_text(d);
                self.line(
                    pc,
                    depth,
                    &format!(
                        "{:<13} {o} by {src}.{colname}  depth={depth_s}",
                        "inherited.by"
                    ),
                );
                pc + 19
            }
            _ => {
                self.line(pc, depth, "???");
                pc + 1
            }
        }
    }
}

fn listing(b: &Bundle) -> String {
    let mut d = Dis {
        b,
        out: String::new(),
    };
    let total = b.tables.len() * 5;
    let present = b
        .tables
        .iter()
        .flat_map(|t| t.entries.iter())
        .filter(|e| **e != ABSENT && **e != FALLBACK)
        .count();
    let env = if b.env.is_empty() {
        "-".to_owned()
    } else {
        b.env.join(", ")
    };
    let _ = writeln!(d.out, "; jazz policy bytecode v{}", b.version);
    let _ = writeln!(d.out, "; schema  {}", hex(&b.schema_hash));
    let _ = writeln!(d.out, "; content {}", b.content_hash);
    let _ = writeln!(
        d.out,
        "; tables {}  entries {present}/{total}  constants {}  env: {env}",
        b.tables.len(),
        b.consts.len()
    );
    if !b.debug.is_empty() {
        let _ = writeln!(d.out, "; debug   {} rule span(s)", b.debug.len());
    }
    for (ti, t) in b.tables.iter().enumerate() {
        let _ = writeln!(d.out, "table {}", t.name);
        for s in Slot::ALL {
            let e = t.entries.get(s.index()).copied().unwrap_or(ABSENT);
            let what = match e {
                ABSENT => "absent".to_owned(),
                FALLBACK => "-> update.using (fallback)".to_owned(),
                at => format!("@{at:04}"),
            };
            let _ = writeln!(d.out, "  {:<17} {what}", s.name());
        }
        for (ri, r) in b
            .debug
            .iter()
            .filter(|r| r.table as usize == ti)
            .enumerate()
        {
            let slots: Vec<&str> = Slot::ALL
                .iter()
                .filter(|s| r.slots & (1 << s.index()) != 0)
                .map(|s| s.name())
                .collect();
            let _ = writeln!(
                d.out,
                "  ; rule {ri} {}:{}..{} ({})",
                r.path,
                r.start,
                r.end,
                slots.join(", ")
            );
        }
        let mut seen = Vec::new();
        for e in t.entries {
            if e == ABSENT || e == FALLBACK || seen.contains(&e) {
                continue;
            }
            seen.push(e);
            d.expr(e as usize, ti as u32, None, 0);
        }
    }
    d.out
}
