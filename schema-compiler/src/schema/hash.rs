//! The schema hash: BLAKE3 over upstream's binary preimage, and hash input
//! normalisation.
//!
//! Everything that feeds the hash is written here by hand: the preimage, the canonical JSON-schema
//! bytes J ([`canonical_json`]) and serde_json's number semantics ([`serde_num`]). Nothing here
//! may go through `serde_json::Value`, whose behaviour changes with cargo features.
//!
//! The preimage is computed from the IR directly, applying serde's number reading to each number as
//! JS would have written it; this equals hashing what Rust deserializes from the compact JS JSON
//! text.

pub mod canonical_json;
pub mod serde_num;
mod uuid_text;

use std::fmt;

pub use canonical_json::canonical_json_bytes;
pub use serde_num::{SerdeNumber, serde_fmt, serde_num};
pub use uuid_text::parse_uuid;

use super::{Column, ColumnType, MergeStrategy, Value, WasmSchema};
use crate::schema::json::number_to_js_string;

/// A 32-byte schema hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaHash(pub [u8; 32]);

impl SchemaHash {
    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 12 hex characters.
    pub fn short(&self) -> String {
        self.to_hex()[..12].to_string()
    }
}

impl fmt::Display for SchemaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for SchemaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchemaHash({})", self.to_hex())
    }
}

/// Parses exactly 64 hex characters (either case) into a hash.
pub fn parse_hex(text: &str) -> Option<SchemaHash> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = char::from(*pair.first()?).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        *slot = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(SchemaHash(out))
}

/// Normalises a user-given hash or hash prefix: trimmed, lowercased, then it must be
/// 12 to 64 characters of `[0-9a-f]`. The error is upstream's text,
/// `<label> must be a 12-64 character lowercase hex schema hash.` (JZ1083).
pub fn normalize_hash_input(input: &str, label: &str) -> Result<String, String> {
    // JS `trim()` also strips U+FEFF, which Rust's `trim()` keeps.
    let normalized = input
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase();
    let ok = (12..=64).contains(&normalized.len())
        && normalized
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(normalized)
    } else {
        Err(format!(
            "{label} must be a 12-64 character lowercase hex schema hash."
        ))
    }
}

/// The preimage bytes.
///
/// Never fails. Values that cannot occur in a valid schema still hash deterministically: a Uuid
/// text that does not parse as 16 zero bytes, a Double that serde_json would reject (non-finite,
/// or overflowing its float path) as the f64's own bits. Callers validate first (JZ1062, JZ1063).
pub fn preimage(schema: &WasmSchema) -> Vec<u8> {
    let mut out = Vec::new();
    let mut tables: Vec<_> = schema.tables.iter().collect();
    tables.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for table in tables {
        push_str0(&mut out, &table.name);
        for col in &table.columns {
            column(&mut out, col);
        }
        if let Some(list) = &table.indexed_columns {
            out.push(0x01);
            let mut sorted: Vec<&String> = list.iter().collect();
            sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for name in sorted {
                push_str0(&mut out, name);
            }
        }
    }
    out
}

/// The schema hash: BLAKE3-256 of [`preimage`].
pub fn schema_hash(schema: &WasmSchema) -> SchemaHash {
    SchemaHash(*blake3::hash(&preimage(schema)).as_bytes())
}

fn push_str0(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0x00);
}

fn push_u64(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

fn column(out: &mut Vec<u8>, col: &Column) {
    push_str0(out, &col.name);
    column_type(out, &col.column_type);
    out.push(u8::from(col.nullable));
    match &col.references {
        Some(target) => {
            out.push(0x01);
            out.extend_from_slice(target.as_bytes());
        }
        None => out.push(0x00),
    }
    match &col.default {
        Some(v) => {
            out.push(0x01);
            value(out, v);
        }
        None => out.push(0x00),
    }
    match col.merge_strategy {
        Some(MergeStrategy::Counter) => out.extend_from_slice(&[0x01, 0x01]),
        Some(MergeStrategy::GSet) => out.extend_from_slice(&[0x01, 0x02]),
        None => out.push(0x00),
    }
    out.push(0x00);
}

fn column_type(out: &mut Vec<u8>, t: &ColumnType) {
    match t {
        ColumnType::Integer => out.push(0x01),
        ColumnType::BigInt => out.push(0x02),
        ColumnType::Boolean => out.push(0x03),
        ColumnType::Text => out.push(0x04),
        ColumnType::Timestamp => out.push(0x05),
        ColumnType::Uuid => out.push(0x06),
        ColumnType::Array(element) => {
            out.push(0x07);
            column_type(out, element);
        }
        ColumnType::Row(columns) => {
            out.push(0x08);
            for c in columns {
                column(out, c);
            }
        }
        ColumnType::Enum { variants } => {
            let mut sorted: Vec<&String> = variants.iter().collect();
            sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            sorted.dedup();
            out.push(0x09);
            push_u64(out, sorted.len());
            for v in sorted {
                push_str0(out, v);
            }
        }
        // H1: upstream gives Bytea the Double tag.
        ColumnType::Double | ColumnType::Bytea => out.push(0x0A),
        ColumnType::Json { schema: None } => out.extend_from_slice(&[0x0B, 0x00]),
        ColumnType::Json {
            schema: Some(schema),
        } => {
            let j = canonical_json_bytes(schema);
            out.extend_from_slice(&[0x0B, 0x01]);
            push_u64(out, j.len());
            out.extend_from_slice(&j);
        }
        ColumnType::BatchId => out.push(0x0C),
    }
}

fn value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Integer(n) => {
            out.push(0x01);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::BigInt(n) => {
            out.push(0x02);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Boolean(b) => out.extend_from_slice(&[0x03, u8::from(*b)]),
        Value::Text(s) => {
            out.push(0x04);
            push_str0(out, s);
        }
        Value::Timestamp(ms) => {
            out.push(0x05);
            out.extend_from_slice(&ms.to_le_bytes());
        }
        Value::Uuid(text) => {
            out.push(0x06);
            out.extend_from_slice(&parse_uuid(text).unwrap_or([0; 16]));
        }
        Value::Array(items) | Value::Row(items) => {
            out.push(if matches!(v, Value::Array(_)) {
                0x07
            } else {
                0x08
            });
            push_u64(out, items.len());
            for item in items {
                value(out, item);
            }
        }
        Value::Null => out.push(0x09),
        Value::Double(x) => {
            out.push(0x0A);
            out.extend_from_slice(&double_as_upstream_reads_it(*x).to_le_bytes());
        }
        Value::Bytea(bytes) => {
            out.push(0x0B);
            push_u64(out, bytes.len());
            out.extend_from_slice(bytes);
        }
        Value::BatchId(bytes) => {
            out.push(0x0C);
            out.extend_from_slice(bytes);
        }
    }
}

/// H8: the f64 upstream's Rust side holds for a JS number: `serdeNum(Number::toString(x))`.
fn double_as_upstream_reads_it(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    serde_num(&number_to_js_string(x)).map_or(x, SerdeNumber::as_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_schema_has_empty_preimage() {
        let empty = WasmSchema::default();
        assert!(preimage(&empty).is_empty());
        assert_eq!(
            schema_hash(&empty).to_hex(),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn normalizes_hash_input() {
        assert_eq!(
            normalize_hash_input("  BFD77D25B069 \n", "fromHash"),
            Ok("bfd77d25b069".into())
        );
        assert_eq!(
            normalize_hash_input("\u{feff}bfd77d25b069", "x"),
            Ok("bfd77d25b069".into())
        );
        let err = Err("toHash must be a 12-64 character lowercase hex schema hash.".to_string());
        assert_eq!(normalize_hash_input("bfd77d25b06", "toHash"), err);
        assert_eq!(normalize_hash_input("bfd77d25b06g", "toHash"), err);
        assert_eq!(normalize_hash_input(&"a".repeat(65), "toHash"), err);
        assert_eq!(normalize_hash_input("bfd77d25 b069", "toHash"), err);
        assert_eq!(
            normalize_hash_input(&"a".repeat(64), "toHash"),
            Ok("a".repeat(64))
        );
    }

    #[test]
    fn parses_hex_hashes() {
        let hex = "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217";
        assert_eq!(parse_hex(hex).map(|h| h.to_hex()), Some(hex.to_string()));
        assert_eq!(
            parse_hex(&hex.to_uppercase()).map(|h| h.to_hex()),
            Some(hex.to_string())
        );
        assert_eq!(parse_hex(&hex[1..]), None);
        assert_eq!(parse_hex(&format!("{}g", &hex[1..])), None);
        assert_eq!(parse_hex(&format!("é{}", &hex[2..])), None);
    }

    #[test]
    fn double_values_use_the_lossy_parse() {
        let x = 0.22323896460701453_f64;
        assert_eq!(x.to_bits(), 0x3fcc93182a170b30);
        assert_eq!(double_as_upstream_reads_it(x).to_bits(), 0x3fcc93182a170b2f);
        assert_eq!(double_as_upstream_reads_it(1.5), 1.5);
    }
}
