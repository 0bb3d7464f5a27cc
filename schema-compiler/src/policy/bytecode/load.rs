//! Loading and verifying bytecode (B13): magic, version, section bounds, every index and
//! offset in range, `AND`/`OR`/`EXISTS` ends exactly where their children end (so every jump
//! is forward and lands on an instruction), bounded nesting (`verify.rs`). A [`Bundle`] is
//! immutable.

use crate::schema::json::JsonValue;

use super::super::ir::Lit;
use super::{ABSENT, MAGIC, NONE, POLICY_BYTECODE_VERSION};

/// Why bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Bad magic or unsupported version (JZ2401).
    Version(String),
    /// Verification failed at an offset (JZ2402).
    Invalid { offset: usize, reason: String },
}

impl LoadError {
    /// The diagnostic code that reports this error.
    pub fn code(&self) -> crate::diagnostics::Code {
        match self {
            LoadError::Version(_) => crate::policy::codes::BYTECODE_VERSION,
            LoadError::Invalid { .. } => crate::policy::codes::BYTECODE_INVALID,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Version(m) => f.write_str(m),
            LoadError::Invalid { offset, reason } => {
                write!(f, "policy bytecode is invalid at offset {offset}: {reason}")
            }
        }
    }
}

/// A session path, classified at load time.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionPath {
    UserId,
    AuthMode,
    Claims(Vec<String>),
    /// Never resolves.
    Absent(Vec<String>),
}

/// A column of a bundle table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColInfo {
    pub name: String,
    pub type_tag: u8,
    pub nullable: bool,
    /// Referenced table index.
    pub references: Option<u32>,
}

/// A bundle table: columns in schema order and the five slot entries.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    pub name: String,
    pub cols: Vec<ColInfo>,
    pub entries: [u32; 5],
}

/// A verified bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub version: u16,
    pub schema_hash: [u8; 32],
    pub content_hash: String,
    pub strings: Vec<String>,
    pub consts: Vec<Lit>,
    pub paths: Vec<SessionPath>,
    pub raw_paths: Vec<Vec<String>>,
    pub env: Vec<String>,
    pub tables: Vec<TableInfo>,
    pub code: Vec<u8>,
    /// Offset of the code section in the file (for messages).
    pub code_offset: usize,
    /// The debug section's rules (empty when absent or stripped).
    pub debug: Vec<super::DebugRule>,
    /// The resolved relation of every `EXISTS_REL` instruction, by code offset (sorted).
    pub rel_plans: Vec<(u32, std::sync::Arc<super::plan::Plan>)>,
    /// `EXISTS` instructions whose condition has a `col = <bound value>` conjunct, by code
    /// offset (sorted): (column index, offset of the value operand).
    pub exists_probes: Vec<(u32, (u32, u32))>,
    /// The outer column references of each `EXISTS` condition (offsets of the column
    /// references, on the outer row), by `EXISTS` offset (sorted): the memoisation key.
    pub exists_outer: Vec<(u32, Vec<u32>)>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn err<T>(&self, reason: &str) -> Result<T, LoadError> {
        Err(LoadError::Invalid {
            offset: self.pos,
            reason: reason.to_owned(),
        })
    }
    fn take(&mut self, n: usize) -> Result<&[u8], LoadError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|e| self.b.get(self.pos..e)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => self.err("unexpected end of data"),
        }
    }
    fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn u16(&mut self) -> Result<u16, LoadError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, LoadError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, LoadError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    /// A count that cannot exceed the remaining bytes (each item is at least `min` bytes).
    fn count(&mut self, min: usize) -> Result<usize, LoadError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.b.len().saturating_sub(self.pos) {
            return self.err("count exceeds the data");
        }
        Ok(n)
    }
}

/// Reads a u32 operand at `pos` of `code` (used by the VM and the disassembler).
pub fn read_u32(code: &[u8], pos: usize) -> Option<u32> {
    let s = code.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads a u16 operand.
pub fn read_u16(code: &[u8], pos: usize) -> Option<u16> {
    let s = code.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn lit(r: &mut Reader<'_>, strings: &[String], depth: u32) -> Result<Lit, LoadError> {
    if depth > 32 {
        return r.err("constant nests too deeply");
    }
    let s = |r: &Reader<'_>, i: u32| match strings.get(i as usize) {
        Some(s) => Ok(s.clone()),
        None => r.err("string index out of range"),
    };
    Ok(match r.u8()? {
        0 => Lit::Null,
        1 => Lit::Integer(r.u32()? as i32),
        2 => Lit::BigInt(r.u64()? as i64),
        3 => Lit::Double(f64::from_bits(r.u64()?)),
        4 => Lit::Boolean(r.u8()? != 0),
        5 => {
            let i = r.u32()?;
            Lit::Text(s(r, i)?)
        }
        6 => Lit::Timestamp(r.u64()?),
        7 => {
            let i = r.u32()?;
            Lit::Uuid(s(r, i)?)
        }
        8 => {
            let n = r.count(1)?;
            Lit::Bytea(r.take(n)?.to_vec())
        }
        9 => {
            let n = r.count(1)?;
            let mut v = Vec::new();
            for _ in 0..n {
                v.push(lit(r, strings, depth + 1)?);
            }
            Lit::Array(v)
        }
        _ => return r.err("unknown constant tag"),
    })
}

pub(super) fn classify(p: &[String]) -> SessionPath {
    match p {
        [one] if one == "user_id" || one == "userId" => SessionPath::UserId,
        [one] if one == "authMode" || one == "auth_mode" => SessionPath::AuthMode,
        [first, rest @ ..] if first == "claims" && !rest.is_empty() => {
            SessionPath::Claims(rest.to_vec())
        }
        _ => SessionPath::Absent(p.to_vec()),
    }
}

impl Bundle {
    /// Parses and verifies `bytes`.
    pub fn load(bytes: &[u8]) -> Result<Bundle, LoadError> {
        if bytes.get(0..4) != Some(&MAGIC[..]) {
            return Err(LoadError::Version(
                "not policy bytecode (bad magic; expected JZPB)".into(),
            ));
        }
        let version = read_u16(bytes, 4).unwrap_or(0);
        if version != POLICY_BYTECODE_VERSION {
            return Err(LoadError::Version(format!(
                "policy bytecode version {version} is not supported; this build reads {POLICY_BYTECODE_VERSION}"
            )));
        }
        let (body, debug) = match super::debug::split(bytes, usize::MAX) {
            Ok(x) => x,
            Err((offset, reason)) => return Err(LoadError::Invalid { offset, reason }),
        };
        let mut r = Reader { b: body, pos: 6 };
        let mut schema_hash = [0u8; 32];
        schema_hash.copy_from_slice(r.take(32)?);
        let n = r.count(4)?;
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.count(1)?;
            match std::str::from_utf8(r.take(len)?) {
                Ok(s) => strings.push(s.to_owned()),
                Err(_) => return r.err("string is not UTF-8"),
            }
        }
        let n = r.count(1)?;
        let mut consts = Vec::with_capacity(n);
        for _ in 0..n {
            consts.push(lit(&mut r, &strings, 0)?);
        }
        let n = r.count(2)?;
        let mut raw_paths = Vec::with_capacity(n);
        for _ in 0..n {
            let k = r.u16()? as usize;
            let mut p = Vec::new();
            for _ in 0..k {
                let i = r.u32()? as usize;
                match strings.get(i) {
                    Some(s) => p.push(s.clone()),
                    None => return r.err("string index out of range"),
                }
            }
            raw_paths.push(p);
        }
        let paths = raw_paths.iter().map(|p| classify(p)).collect();
        let n = r.count(4)?;
        let mut env = Vec::new();
        for _ in 0..n {
            let i = r.u32()? as usize;
            match strings.get(i) {
                Some(s) => env.push(s.clone()),
                None => return r.err("string index out of range"),
            }
        }
        let n = r.count(26)?;
        let mut tables = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.u32()? as usize;
            let Some(name) = strings.get(name).cloned() else {
                return r.err("string index out of range");
            };
            let nc = r.u16()? as usize;
            let mut cols = Vec::with_capacity(nc);
            for _ in 0..nc {
                let cn = r.u32()? as usize;
                let Some(cname) = strings.get(cn).cloned() else {
                    return r.err("string index out of range");
                };
                let type_tag = r.u8()?;
                let nullable = r.u8()? != 0;
                let rf = r.u32()?;
                if rf != NONE && rf as usize >= n {
                    return r.err("reference to an unknown table");
                }
                cols.push(ColInfo {
                    name: cname,
                    type_tag,
                    nullable,
                    references: (rf != NONE).then_some(rf),
                });
            }
            let mut entries = [ABSENT; 5];
            for e in entries.iter_mut() {
                *e = r.u32()?;
            }
            tables.push(TableInfo {
                name,
                cols,
                entries,
            });
        }
        let len = r.count(1)?;
        let code_offset = r.pos;
        let code = r.take(len)?.to_vec();
        if r.pos != body.len() {
            return r.err("trailing bytes after the code section");
        }
        if debug.iter().any(|d| d.table as usize >= tables.len()) {
            return r.err("debug rule names an unknown table");
        }
        let bundle = Bundle {
            version,
            schema_hash,
            content_hash: super::content_hash(bytes),
            strings,
            consts,
            paths,
            raw_paths,
            env,
            tables,
            code,
            code_offset,
            debug,
            rel_plans: Vec::new(),
            exists_probes: Vec::new(),
            exists_outer: Vec::new(),
        };
        let mut bundle = bundle;
        let found = bundle.verify()?;
        let mut rels = found.subs;
        rels.sort_unstable();
        let mut refs = found.outer_refs;
        refs.sort_unstable();
        for (pc, col_at) in refs {
            match bundle.exists_outer.last_mut() {
                Some((p, v)) if *p == pc as u32 => v.push(col_at as u32),
                _ => bundle.exists_outer.push((pc as u32, vec![col_at as u32])),
            }
        }
        for (pc, table) in rels {
            if bundle.code.get(pc) == Some(&super::op::EXISTS) {
                if let Some(p) = bundle.exists_probe(pc, table) {
                    bundle.exists_probes.push((pc as u32, p));
                }
                continue;
            }
            let Some(rel) = read_u32(&bundle.code, pc + 1)
                .and_then(|s| bundle.strings.get(s as usize))
                .and_then(|s| crate::schema::json::parse(s).ok())
            else {
                return bundle.fail(pc, "relation is not JSON");
            };
            let rel = match super::rel::read(&rel) {
                Ok(r) => r,
                Err(e) => return bundle.fail(pc, &e),
            };
            let plan = super::plan::plan(&rel, &bundle.tables, table);
            bundle
                .rel_plans
                .push((pc as u32, std::sync::Arc::new(plan)));
        }
        Ok(bundle)
    }

    /// The table index of `name`.
    pub fn table_index(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.name == name)
    }

    /// The resolved relation of the `EXISTS_REL` instruction at `pc`.
    pub fn rel_plan(&self, pc: usize) -> Option<&super::plan::Plan> {
        self.rel_plans
            .binary_search_by_key(&(pc as u32), |(p, _)| *p)
            .ok()
            .and_then(|i| self.rel_plans.get(i))
            .map(|(_, p)| p.as_ref())
    }

    /// The outer column references of the `EXISTS` at `pc` (none when uncorrelated).
    pub fn exists_outer_at(&self, pc: usize) -> &[u32] {
        self.exists_outer
            .binary_search_by_key(&(pc as u32), |(p, _)| *p)
            .ok()
            .and_then(|i| self.exists_outer.get(i))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The index probe of the `EXISTS` at `pc`: (column, operand offset).
    pub fn exists_probe_at(&self, pc: usize) -> Option<(u32, u32)> {
        self.exists_probes
            .binary_search_by_key(&(pc as u32), |(p, _)| *p)
            .ok()
            .and_then(|i| self.exists_probes.get(i))
            .map(|(_, p)| *p)
    }

    /// Finds an equality conjunct `col = <session | outer | literal>` among the top-level
    /// conjuncts of the condition of the `EXISTS` at `pc` (preferring session values, then
    /// outer columns, then literals).
    fn exists_probe(&self, pc: usize, outer: u32) -> Option<(u32, u32)> {
        use super::{col, op, operand};
        let code = &self.code;
        let t = read_u32(code, pc + 1).filter(|t| *t != super::NONE)?;
        let cond = pc + 13;
        let mut children = Vec::new();
        match code.get(cond).copied()? {
            op::AND => {
                let n = read_u16(code, cond + 1)?;
                let mut p = cond + 7;
                let mut scratch = super::verify::Found::default();
                for _ in 0..n {
                    children.push(p);
                    p = self.verify_expr(p, t, Some(outer), 0, &mut scratch).ok()?;
                }
            }
            _ => children.push(cond),
        }
        children
            .into_iter()
            .filter(|c| {
                code.get(*c) == Some(&op::CMP)
                    && code.get(c + 1) == Some(&col::COLUMN)
                    && code.get(c + 6) == Some(&0)
            })
            .filter_map(|c| {
                let rank = match code.get(c + 7).copied()? {
                    operand::SESSION => 0,
                    operand::OUTER => 1,
                    _ => 2,
                };
                Some((rank, read_u32(code, c + 2)?, (c + 7) as u32))
            })
            .min_by_key(|x| x.0)
            .map(|(_, col, at)| (col, at))
    }

    /// The `ExistsRel` relation JSON kept in the string pool.
    pub fn rel_json(&self, ix: u32) -> Option<JsonValue> {
        self.strings
            .get(ix as usize)
            .and_then(|s| crate::schema::json::parse(s).ok())
    }
}
