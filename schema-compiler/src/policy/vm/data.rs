//! The data-access trait and the in-memory implementation used by the
//! test harness, `explain` traces and the benchmarks. Rows are pre-decoded, columns by the
//! bundle table's column index. `MemoryData` keeps a hash index per column for equality lookups.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::compare::{V, eq_coerce};

/// A decoded runtime value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Integer(i32),
    BigInt(i64),
    Double(f64),
    Boolean(bool),
    /// Text, Enum and Json columns.
    Text(String),
    Timestamp(u64),
    Uuid([u8; 16]),
    Bytea(Vec<u8>),
    Array(Vec<Val>),
}

/// A row: id, values by column index, provenance (µs timestamps).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: [u8; 16],
    pub values: Vec<Val>,
    pub created_by: String,
    pub created_at: u64,
    pub updated_by: String,
    pub updated_at: u64,
}

/// A failed data access (denies with "data unavailable").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(pub String);

/// Rows visible to the evaluation (pre-write state for writes), translated to the bundle's
/// schema. Callbacks return `true` to stop the iteration.
pub trait DataAccess {
    /// The row `id` of `table`.
    fn get<'s>(&'s self, table: &str, id: &[u8; 16]) -> Result<Option<&'s Row>, DataError>;
    /// Every row of `table`.
    fn scan<'s>(&'s self, table: &str, f: &mut dyn FnMut(&'s Row) -> bool)
    -> Result<(), DataError>;
    /// Rows of `table` whose column `col` is `id` or an array containing it.
    fn referencing<'s>(
        &'s self,
        table: &str,
        col: usize,
        id: &[u8; 16],
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        self.scan(table, &mut |r| {
            let hit = match r.values.get(col) {
                Some(Val::Uuid(u)) => u == id,
                Some(Val::Array(items)) => items.iter().any(|x| x == &Val::Uuid(*id)),
                _ => false,
            };
            hit && f(r)
        })
    }

    /// Rows of `table` whose column `col` equals `value` as `Cmp Eq` compares (a Uuid
    /// column also equals Text that parses to it). The default scans; stores with indexes
    /// override it. Used for `col = <bound value>` conjuncts of `Exists` and relations; the VM
    /// does not compare an `Exists` probe conjunct again on the rows this returns.
    fn lookup<'s>(
        &'s self,
        table: &str,
        col: usize,
        value: V<'_>,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        self.scan(table, &mut |r| {
            r.values
                .get(col)
                .is_some_and(|x| eq_coerce(V::from(x), value))
                && f(r)
        })
    }
}

/// A `HashMap`-backed store with a hash index per column (equality lookups) and per row id.
#[derive(Debug, Default, Clone)]
pub struct MemoryData {
    tables: HashMap<String, TableData, BuildHasherDefault<FxHasher>>,
}

#[derive(Debug, Default, Clone)]
struct TableData {
    rows: Vec<Row>,
    by_id: HashMap<[u8; 16], usize, BuildHasherDefault<FxHasher>>,
    /// Per column: value hash → row positions.
    cols: Vec<HashMap<u64, Vec<u32>, BuildHasherDefault<FxHasher>>>,
}

impl TableData {
    fn index_row(&mut self, at: usize) {
        let Some(r) = self.rows.get(at) else { return };
        if self.cols.len() < r.values.len() {
            self.cols.resize_with(r.values.len(), HashMap::default);
        }
        for (ix, v) in self.cols.iter_mut().zip(&r.values) {
            ix.entry(value_hash(V::from(v)))
                .or_default()
                .push(at as u32);
        }
    }

    fn visit<'s>(
        &'s self,
        col: usize,
        value: V<'_>,
        h: u64,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> bool {
        let Some(hits) = self.cols.get(col).and_then(|ix| ix.get(&h)) else {
            return false;
        };
        for i in hits {
            if let Some(r) = self.rows.get(*i as usize)
                && r.values
                    .get(col)
                    .is_some_and(|x| eq_coerce(V::from(x), value))
                && f(r)
            {
                return true;
            }
        }
        false
    }
}

impl MemoryData {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a row.
    pub fn insert(&mut self, table: &str, row: Row) {
        let td = match self.tables.get_mut(table) {
            Some(t) => t,
            None => self.tables.entry(table.to_owned()).or_default(),
        };
        match td.by_id.get(&row.id).copied() {
            Some(i) if i < td.rows.len() => {
                if let Some(slot) = td.rows.get_mut(i) {
                    *slot = row;
                }
                td.cols.clear();
                for at in 0..td.rows.len() {
                    td.index_row(at);
                }
            }
            _ => {
                td.by_id.insert(row.id, td.rows.len());
                td.rows.push(row);
                td.index_row(td.rows.len() - 1);
            }
        }
    }

    pub fn rows(&self, table: &str) -> &[Row] {
        self.tables
            .get(table)
            .map(|t| t.rows.as_slice())
            .unwrap_or(&[])
    }
}

impl DataAccess for MemoryData {
    fn get<'s>(&'s self, table: &str, id: &[u8; 16]) -> Result<Option<&'s Row>, DataError> {
        let Some(t) = self.tables.get(table) else {
            return Ok(None);
        };
        // A short table is faster to scan than to hash into.
        if t.rows.len() <= 8 {
            return Ok(t.rows.iter().find(|r| &r.id == id));
        }
        Ok(t.by_id.get(id).and_then(|i| t.rows.get(*i)))
    }

    fn scan<'s>(
        &'s self,
        table: &str,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        if let Some(t) = self.tables.get(table) {
            for r in &t.rows {
                if f(r) {
                    break;
                }
            }
        }
        Ok(())
    }

    fn lookup<'s>(
        &'s self,
        table: &str,
        col: usize,
        value: V<'_>,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        let Some(t) = self.tables.get(table) else {
            return Ok(());
        };
        if t.visit(col, value, value_hash(value), f) {
            return Ok(());
        }
        // A Uuid column equals Text that parses to it.
        if let V::Text(s) = value
            && let Some(u) = parse_uuid(s)
        {
            t.visit(col, value, value_hash(V::Uuid(u)), f);
        }
        Ok(())
    }
}

/// A small, fast, non-cryptographic hasher (rotate, xor, multiply) for in-memory indexes.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            if let Some(dst) = b.get_mut(..rest.len()) {
                dst.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The index hash of a value: equal under strict equality ⇒ equal hashes (Doubles by bits).
#[inline]
pub fn value_hash(v: V<'_>) -> u64 {
    let mut h = FxHasher::default();
    match v {
        // The common case inline (the same bytes as `hash_into`).
        V::Text(t) => {
            h.write_u8(5);
            h.write(t.as_bytes());
        }
        _ => hash_into(&mut h, v),
    }
    h.finish()
}

fn hash_into(h: &mut FxHasher, v: V<'_>) {
    match v {
        V::Null => h.write_u8(0),
        V::Integer(i) => h.write_u64(0x100 | ((i as u32 as u64) << 16)),
        V::BigInt(i) => {
            h.write_u8(2);
            h.write_u64(i as u64);
        }
        V::Double(d) => {
            h.write_u8(3);
            h.write_u64(d.to_bits());
        }
        V::Boolean(b) => h.write_u64(0x400 | u64::from(b)),
        V::Text(t) => {
            h.write_u8(5);
            h.write(t.as_bytes());
        }
        V::Timestamp(t) => {
            h.write_u8(6);
            h.write_u64(t);
        }
        V::Uuid(u) => {
            h.write_u8(7);
            h.write(&u);
        }
        V::Bytea(b) => {
            h.write_u8(8);
            h.write(b);
        }
        V::Array(items) => {
            h.write_u8(9);
            h.write_usize(items.len());
            for i in items {
                hash_into(h, V::from(i));
            }
        }
    }
}

/// Parses a UUID in any case, hyphenated or not.
pub fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    if s.len() != 36 && s.len() != 32 {
        return None;
    }
    // The hex digits with every `-` removed: exactly 32 of them (no allocation).
    let mut hex = [0u8; 32];
    let mut n = 0usize;
    for b in s.bytes().filter(|b| *b != b'-') {
        *hex.get_mut(n)? = b;
        n += 1;
    }
    if n != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = (*pair.first()? as char).to_digit(16)?;
        let lo = (*pair.get(1)? as char).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The canonical lower-case hyphenated form.
pub fn format_uuid(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or(""),
        h.get(8..12).unwrap_or(""),
        h.get(12..16).unwrap_or(""),
        h.get(16..20).unwrap_or(""),
        h.get(20..32).unwrap_or("")
    )
}
