//! IR → bytecode. Deterministic: tables by byte-wise name, slots in `ClauseSlot` order, strings,
//! constants and paths by first use in that traversal; floats as IEEE-754 bits.

use std::collections::{HashMap, HashSet};

use crate::schema::{ColumnType, WasmSchema, schema_hash};
use crate::source::Span;

use super::debug::{self, DebugRule};

use super::super::ir::{Expr, Lit, OUTER_ROW, PValue, Policy, Slot};
use super::{
    ABSENT, FALLBACK, MAGIC, MAGIC_COLUMNS, NONE, POLICY_BYTECODE_VERSION, col, op, operand,
};

#[derive(Default)]
struct Pools {
    strings: Vec<String>,
    string_ix: HashMap<String, u32>,
    consts: Vec<Vec<u8>>,
    const_ix: HashMap<Vec<u8>, u32>,
    paths: Vec<Vec<u32>>,
    path_ix: HashMap<Vec<u32>, u32>,
}

impl Pools {
    fn string(&mut self, s: &str) -> u32 {
        if let Some(i) = self.string_ix.get(s) {
            return *i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.to_owned());
        self.string_ix.insert(s.to_owned(), i);
        i
    }

    fn lit_bytes(&mut self, l: &Lit, out: &mut Vec<u8>) {
        match l {
            Lit::Null => out.push(0),
            Lit::Integer(i) => {
                out.push(1);
                out.extend(i.to_le_bytes());
            }
            Lit::BigInt(i) => {
                out.push(2);
                out.extend(i.to_le_bytes());
            }
            Lit::Double(d) => {
                out.push(3);
                out.extend(d.to_bits().to_le_bytes());
            }
            Lit::Boolean(b) => out.extend([4, u8::from(*b)]),
            Lit::Text(t) => {
                out.push(5);
                let s = self.string(t);
                out.extend(s.to_le_bytes());
            }
            Lit::Timestamp(t) => {
                out.push(6);
                out.extend(t.to_le_bytes());
            }
            Lit::Uuid(u) => {
                out.push(7);
                let s = self.string(u);
                out.extend(s.to_le_bytes());
            }
            Lit::Bytea(b) => {
                out.push(8);
                out.extend((b.len() as u32).to_le_bytes());
                out.extend(b);
            }
            Lit::Array(items) => {
                out.push(9);
                out.extend((items.len() as u32).to_le_bytes());
                for i in items {
                    self.lit_bytes(i, out);
                }
            }
        }
    }

    fn constant(&mut self, l: &Lit) -> u32 {
        let mut b = Vec::new();
        self.lit_bytes(l, &mut b);
        if let Some(i) = self.const_ix.get(&b) {
            return *i;
        }
        let i = self.consts.len() as u32;
        self.consts.push(b.clone());
        self.const_ix.insert(b, i);
        i
    }

    fn path(&mut self, p: &[String]) -> u32 {
        let ids: Vec<u32> = p.iter().map(|s| self.string(s)).collect();
        if let Some(i) = self.path_ix.get(&ids) {
            return *i;
        }
        let i = self.paths.len() as u32;
        self.paths.push(ids.clone());
        self.path_ix.insert(ids, i);
        i
    }
}

/// A table as the bytecode sees it.
struct Tab {
    name: String,
    cols: Vec<(String, u8, bool, Option<String>)>,
}

fn type_tag(t: &ColumnType) -> u8 {
    match t {
        ColumnType::Integer => 1,
        ColumnType::BigInt => 2,
        ColumnType::Boolean => 3,
        ColumnType::Text => 4,
        ColumnType::Timestamp => 5,
        ColumnType::Uuid => 6,
        ColumnType::Array(_) => 7,
        ColumnType::Row(_) => 8,
        ColumnType::Enum { .. } => 9,
        ColumnType::Double => 10,
        ColumnType::Bytea => 11,
        ColumnType::Json { .. } => 12,
        ColumnType::BatchId => 13,
    }
}

struct Enc<'a> {
    pools: Pools,
    tabs: &'a [Tab],
    /// Table name → index in `tabs`.
    tab_ix: &'a HashMap<&'a str, u32>,
    code: Vec<u8>,
}

impl Enc<'_> {
    fn table_ix(&self, name: &str) -> u32 {
        self.tab_ix.get(name).copied().unwrap_or(NONE)
    }

    fn col_ref(&mut self, table: u32, name: &str) {
        let t = self.tabs.get(table as usize);
        if let Some(ix) = t.and_then(|t| t.cols.iter().position(|c| c.0 == name)) {
            self.code.push(col::COLUMN);
            self.code.extend((ix as u32).to_le_bytes());
        } else if let Some(m) = MAGIC_COLUMNS.iter().position(|m| *m == name) {
            self.code.push(col::MAGIC);
            self.code.extend((m as u32).to_le_bytes());
        } else if name == "id" {
            self.code.push(col::ROW_ID);
            self.code.extend(0u32.to_le_bytes());
        } else {
            let s = self.pools.string(name);
            self.code.push(col::ABSENT);
            self.code.extend(s.to_le_bytes());
        }
    }

    fn operand(&mut self, v: &PValue, outer: Option<u32>) {
        match v {
            PValue::Literal(l) => {
                let c = self.pools.constant(l);
                self.code.push(operand::LITERAL);
                self.code.extend(c.to_le_bytes());
            }
            PValue::SessionRef(p) => match (p.as_slice(), outer) {
                ([first, column], Some(o)) if first == OUTER_ROW => {
                    self.code.push(operand::OUTER);
                    self.col_ref(o, column);
                }
                _ => {
                    let i = self.pools.path(p);
                    self.code.push(operand::SESSION);
                    self.code.extend(i.to_le_bytes());
                }
            },
        }
    }

    fn u32(&mut self, v: u32) {
        self.code.extend(v.to_le_bytes());
    }

    fn patch(&mut self, at: usize) {
        let end = self.code.len() as u32;
        if let Some(s) = self.code.get_mut(at..at + 4) {
            s.copy_from_slice(&end.to_le_bytes());
        }
    }

    /// `table`: the scope table; `outer`: the outer table inside `Exists`.
    fn expr(&mut self, e: &Expr, table: u32, outer: Option<u32>) {
        match e {
            Expr::True => self.code.push(op::TRUE),
            Expr::False => self.code.push(op::FALSE),
            Expr::And(k) | Expr::Or(k) => {
                self.code.push(if matches!(e, Expr::And(_)) {
                    op::AND
                } else {
                    op::OR
                });
                self.code
                    .extend((k.len().min(u16::MAX as usize) as u16).to_le_bytes());
                let at = self.code.len();
                self.u32(0);
                for x in k.iter().take(u16::MAX as usize) {
                    self.expr(x, table, outer);
                }
                self.patch(at);
            }
            Expr::Not(x) => {
                self.code.push(op::NOT);
                self.expr(x, table, outer);
            }
            Expr::Cmp {
                column,
                op: o,
                value,
            } => {
                self.code.push(op::CMP);
                self.col_ref(table, column);
                self.code.push(*o as u8);
                self.operand(value, outer);
            }
            Expr::IsNull { column } | Expr::IsNotNull { column } => {
                self.code.push(if matches!(e, Expr::IsNull { .. }) {
                    op::IS_NULL
                } else {
                    op::IS_NOT_NULL
                });
                self.col_ref(table, column);
            }
            Expr::Contains { column, value } => {
                self.code.push(op::CONTAINS);
                self.col_ref(table, column);
                self.operand(value, outer);
            }
            Expr::In {
                column,
                session_path,
            } => {
                self.code.push(op::IN_SESSION);
                self.col_ref(table, column);
                let p = self.pools.path(session_path);
                self.u32(p);
            }
            Expr::InList { column, values } => {
                self.code.push(op::IN_LIST);
                self.col_ref(table, column);
                self.code
                    .extend((values.len().min(u16::MAX as usize) as u16).to_le_bytes());
                for v in values.iter().take(u16::MAX as usize) {
                    self.operand(v, outer);
                }
            }
            Expr::SessionCmp { path, op: o, value } => {
                self.code.push(op::S_CMP);
                let p = self.pools.path(path);
                self.u32(p);
                self.code.push(*o as u8);
                let c = self.pools.constant(value);
                self.u32(c);
            }
            Expr::SessionIsNull { path } | Expr::SessionIsNotNull { path } => {
                self.code.push(if matches!(e, Expr::SessionIsNull { .. }) {
                    op::S_IS_NULL
                } else {
                    op::S_IS_NOT_NULL
                });
                let p = self.pools.path(path);
                self.u32(p);
            }
            Expr::SessionContains { path, value } => {
                self.code.push(op::S_CONTAINS);
                let p = self.pools.path(path);
                self.u32(p);
                let c = self.pools.constant(value);
                self.u32(c);
            }
            Expr::SessionInList { path, values } => {
                self.code.push(op::S_IN_LIST);
                let p = self.pools.path(path);
                self.u32(p);
                self.code
                    .extend((values.len().min(u16::MAX as usize) as u16).to_le_bytes());
                for v in values.iter().take(u16::MAX as usize) {
                    let c = self.pools.constant(v);
                    self.u32(c);
                }
            }
            Expr::Exists {
                table: t,
                condition,
            } => {
                let ti = self.table_ix(t);
                self.code.push(op::EXISTS);
                let name = if ti == NONE {
                    self.pools.string(t)
                } else {
                    NONE
                };
                self.u32(ti);
                self.u32(name);
                let at = self.code.len();
                self.u32(0);
                self.expr(condition, ti, Some(table));
                self.patch(at);
            }
            Expr::ExistsRel { rel } => {
                self.code.push(op::EXISTS_REL);
                let s = self.pools.string(&crate::schema::json::stringify(rel));
                self.u32(s);
            }
            Expr::Inherits {
                operation,
                via_column,
                max_depth,
            } => {
                self.code.push(op::INHERITS);
                self.code.push(*operation as u8);
                self.col_ref(table, via_column);
                self.u32(depth_operand(*max_depth));
            }
            Expr::InheritsReferencing {
                operation,
                source_table,
                via_column,
                max_depth,
            } => {
                self.code.push(op::INHERITS_REF);
                self.code.push(*operation as u8);
                let st = self.table_ix(source_table);
                self.u32(st);
                let name = if st == NONE {
                    self.pools.string(source_table)
                } else {
                    NONE
                };
                self.u32(name);
                self.col_ref(st, via_column);
                self.u32(depth_operand(*max_depth));
            }
        }
    }
}

/// The depth operand of `INHERITS` / `INHERITS_REF`: 0 is the default (10); an explicit 0 is
/// out of range like any value above 64 (it denies), so it is written as `u32::MAX`.
fn depth_operand(d: Option<u32>) -> u32 {
    match d {
        None => 0,
        Some(0) => u32::MAX,
        Some(x) => x,
    }
}

/// Compiles `policy` against `schema`, without a debug section (the form the engine compiles
/// from policy JSON).
pub fn encode(policy: &Policy, schema: &WasmSchema) -> Vec<u8> {
    encode_with_debug(policy, schema, &|_| None)
}

/// Compiles `policy` against `schema` with a debug section: every rule whose span `path_of`
/// maps to a project-relative path is recorded (B11).
pub fn encode_with_debug(
    policy: &Policy,
    schema: &WasmSchema,
    path_of: &dyn Fn(&Span) -> Option<String>,
) -> Vec<u8> {
    let mut tabs: Vec<Tab> = schema
        .tables
        .iter()
        .map(|t| Tab {
            name: t.name.clone(),
            cols: t
                .columns
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        type_tag(&c.column_type),
                        c.nullable,
                        c.references.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let mut known: HashSet<String> = tabs.iter().map(|t| t.name.clone()).collect();
    for t in &policy.tables {
        if known.insert(t.name.clone()) {
            tabs.push(Tab {
                name: t.name.clone(),
                cols: Vec::new(),
            });
        }
    }
    tabs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    // Table name → index in `tabs` (the first of a name, as a scan finds it).
    let mut tab_ix: HashMap<&str, u32> = HashMap::with_capacity(tabs.len());
    for (i, t) in tabs.iter().enumerate() {
        tab_ix.entry(t.name.as_str()).or_insert(i as u32);
    }
    let mut enc = Enc {
        pools: Pools::default(),
        tabs: &tabs,
        tab_ix: &tab_ix,
        code: Vec::new(),
    };
    for t in &tabs {
        enc.pools.string(&t.name);
        for c in &t.cols {
            enc.pools.string(&c.0);
        }
    }
    let mut entries: Vec<[u32; 5]> = Vec::new();
    for (ti, t) in tabs.iter().enumerate() {
        let mut e = [ABSENT; 5];
        if let Some(tp) = policy.table(&t.name) {
            for s in Slot::ALL {
                if let (Some(x), Some(cell)) = (tp.slot(s), e.get_mut(s.index())) {
                    *cell = enc.code.len() as u32;
                    enc.expr(x, ti as u32, None);
                }
            }
            if tp.slot(Slot::DeleteUsing).is_none()
                && tp.slot(Slot::UpdateUsing).is_some()
                && let Some(cell) = e.get_mut(Slot::DeleteUsing.index())
            {
                *cell = FALLBACK;
            }
        }
        entries.push(e);
    }
    let env: Vec<u32> = policy.env.iter().map(|n| enc.pools.string(n)).collect();

    let mut out = Vec::new();
    out.extend(MAGIC);
    out.extend(POLICY_BYTECODE_VERSION.to_le_bytes());
    out.extend(schema_hash(schema).0);
    let pools = &enc.pools;
    out.extend((pools.strings.len() as u32).to_le_bytes());
    for s in &pools.strings {
        out.extend((s.len() as u32).to_le_bytes());
        out.extend(s.as_bytes());
    }
    out.extend((pools.consts.len() as u32).to_le_bytes());
    for c in &pools.consts {
        out.extend(c);
    }
    out.extend((pools.paths.len() as u32).to_le_bytes());
    for p in &pools.paths {
        out.extend((p.len() as u16).to_le_bytes());
        for s in p {
            out.extend(s.to_le_bytes());
        }
    }
    out.extend((env.len() as u32).to_le_bytes());
    for s in &env {
        out.extend(s.to_le_bytes());
    }
    out.extend((tabs.len() as u32).to_le_bytes());
    for (t, e) in tabs.iter().zip(&entries) {
        let name = pools.string_ix.get(&t.name).copied().unwrap_or(NONE);
        out.extend(name.to_le_bytes());
        out.extend((t.cols.len() as u16).to_le_bytes());
        for (cname, tag, nullable, refs) in &t.cols {
            let n = pools.string_ix.get(cname).copied().unwrap_or(NONE);
            out.extend(n.to_le_bytes());
            out.push(*tag);
            out.push(u8::from(*nullable));
            let r = refs
                .as_deref()
                .and_then(|r| tab_ix.get(r).copied())
                .unwrap_or(NONE);
            out.extend(r.to_le_bytes());
        }
        for x in e {
            out.extend(x.to_le_bytes());
        }
    }
    out.extend((enc.code.len() as u32).to_le_bytes());
    out.extend(&enc.code);
    let mut rules = Vec::new();
    for (ti, t) in tabs.iter().enumerate() {
        for r in policy
            .table(&t.name)
            .map(|p| p.rules.as_slice())
            .unwrap_or(&[])
        {
            if let Some(path) = path_of(&r.span) {
                rules.push(DebugRule {
                    table: ti as u32,
                    slots: r.slots.iter().fold(0u8, |m, s| m | (1 << s.index())),
                    path,
                    start: r.span.range.start,
                    end: r.span.range.end,
                });
            }
        }
    }
    debug::write(&rules, &mut out);
    out
}
