//! The data-access trait (permissions.md §4.3) and the in-memory implementation used by the
//! test harness, `explain` traces and the benchmarks. Rows are pre-decoded, columns by the
//! bundle table's column index.

use std::collections::HashMap;

/// A decoded runtime value (§3.3).
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
}

/// A `HashMap`-backed store.
#[derive(Debug, Default, Clone)]
pub struct MemoryData {
    tables: HashMap<String, Vec<Row>>,
    index: HashMap<(String, [u8; 16]), usize>,
}

impl MemoryData {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a row.
    pub fn insert(&mut self, table: &str, row: Row) {
        let rows = self.tables.entry(table.to_owned()).or_default();
        let key = (table.to_owned(), row.id);
        match self.index.get(&key).copied() {
            Some(i) if i < rows.len() => {
                if let Some(slot) = rows.get_mut(i) {
                    *slot = row;
                }
            }
            _ => {
                rows.push(row);
                self.index.insert(key, rows.len() - 1);
            }
        }
    }

    pub fn rows(&self, table: &str) -> &[Row] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl DataAccess for MemoryData {
    fn get<'s>(&'s self, table: &str, id: &[u8; 16]) -> Result<Option<&'s Row>, DataError> {
        let Some(rows) = self.tables.get(table) else {
            return Ok(None);
        };
        // Avoid allocating a key on the hot path: linear probe through the index only when
        // the table is large.
        if rows.len() <= 8 {
            return Ok(rows.iter().find(|r| &r.id == id));
        }
        Ok(self
            .index
            .get(&(table.to_owned(), *id))
            .and_then(|i| rows.get(*i)))
    }

    fn scan<'s>(
        &'s self,
        table: &str,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        if let Some(rows) = self.tables.get(table) {
            for r in rows {
                if f(r) {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// Parses a UUID in any case, hyphenated or not.
pub fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 || s.len() != 36 && s.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = (*hex.get(2 * i)? as char).to_digit(16)?;
        let lo = (*hex.get(2 * i + 1)? as char).to_digit(16)?;
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
