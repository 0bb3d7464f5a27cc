//! The byte form of catalogue entries in [`crate::storage`]: keys are raw hash or UUID bytes,
//! values small JSON objects. Decoding re-checks what it can (a schema's JSON must hash to its
//! key), so a damaged store is reported instead of served, as a [`RecordError`].

use std::sync::Arc;

use jazz_schema_compiler::schema::hash::parse_hex;
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use jazz_schema_compiler::schema::{SchemaHash, schema_hash};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::{BundleEntry, LensEntry, SchemaEntry};
use crate::storage::StorageError;

pub const HEAD_KEY: &[u8] = b"head";

/// Why a stored record could not be decoded. `what` is the record kind (`schema`, `lens`,
/// `bundle`). The store reports it as the detail of a corrupt data dir.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The value is not a JSON object.
    #[error("unreadable {what} record")]
    Unreadable { what: &'static str },
    /// The key has the wrong length for its kind.
    #[error("bad {what} key")]
    BadKey { what: &'static str },
    /// A required member is absent or of the wrong type.
    #[error("{what} record without {member}")]
    Missing {
        what: &'static str,
        member: &'static str,
    },
    /// The stored schema JSON no longer reads as a schema; the reader's message.
    #[error("stored schema {hash}: {detail}")]
    Schema { hash: SchemaHash, detail: String },
    /// The stored schema reads, but hashes to another key.
    #[error("stored schema {0} does not hash to its key")]
    SchemaHash(SchemaHash),
    /// A bundle record with a missing or malformed member.
    #[error("bundle {0} record is incomplete")]
    IncompleteBundle(Uuid),
}

/// A record's JSON. Every record struct below declares its fields in alphabetical key order,
/// the order records have always been stored in.
fn encode(record: &impl Serialize) -> Result<Vec<u8>, StorageError> {
    serde_json::to_vec(record)
        .map_err(|e| StorageError::Io(format!("storage failure: cannot encode a record: {e}")))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SchemaRecord<'a> {
    json: &'a str,
    published_at: u64,
}

#[derive(Serialize)]
struct LensRecord<'a> {
    draft: bool,
    forward: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BundleRecord<'a> {
    bytecode_hash: &'a str,
    parent: Option<String>,
    permissions: &'a str,
    published_at: u64,
    schema_hash: String,
    version: u64,
}

pub fn schema_value(e: &SchemaEntry) -> Result<Vec<u8>, StorageError> {
    encode(&SchemaRecord {
        json: &e.json,
        published_at: e.published_at,
    })
}

pub fn lens_key(from: &SchemaHash, to: &SchemaHash) -> Vec<u8> {
    [from.0.as_slice(), to.0.as_slice()].concat()
}

pub fn lens_value(e: &LensEntry) -> Result<Vec<u8>, StorageError> {
    encode(&LensRecord {
        draft: e.draft,
        forward: &e.forward,
    })
}

pub fn bundle_value(e: &BundleEntry) -> Result<Vec<u8>, StorageError> {
    encode(&BundleRecord {
        bytecode_hash: &e.bytecode_hash,
        parent: e.parent.map(|p| p.to_string()),
        permissions: &e.permissions,
        published_at: e.published_at,
        schema_hash: e.schema_hash.to_hex(),
        version: e.version,
    })
}

fn object(bytes: &[u8], what: &'static str) -> Result<Value, RecordError> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or(RecordError::Unreadable { what })
}

fn hash_key(key: &[u8], what: &'static str) -> Result<SchemaHash, RecordError> {
    <[u8; 32]>::try_from(key)
        .map(SchemaHash)
        .map_err(|_| RecordError::BadKey { what })
}

pub fn decode_schema(key: &[u8], value: &[u8]) -> Result<SchemaEntry, RecordError> {
    let hash = hash_key(key, "schema")?;
    let v = object(value, "schema")?;
    let text = v["json"].as_str().ok_or(RecordError::Missing {
        what: "schema",
        member: "json",
    })?;
    let schema = from_json_text(text).map_err(|e| RecordError::Schema { hash, detail: e.0 })?;
    if schema_hash(&schema) != hash {
        return Err(RecordError::SchemaHash(hash));
    }
    Ok(SchemaEntry {
        hash,
        json: text.to_string(),
        published_at: v["publishedAt"].as_u64().unwrap_or(0),
        schema: Arc::new(schema),
    })
}

pub fn decode_lens(key: &[u8], value: &[u8]) -> Result<LensEntry, RecordError> {
    if key.len() != 64 {
        return Err(RecordError::BadKey { what: "lens" });
    }
    let v = object(value, "lens")?;
    Ok(LensEntry {
        from: hash_key(&key[..32], "lens")?,
        to: hash_key(&key[32..], "lens")?,
        forward: v["forward"]
            .as_str()
            .ok_or(RecordError::Missing {
                what: "lens",
                member: "forward",
            })?
            .to_string(),
        draft: v["draft"].as_bool().unwrap_or(false),
    })
}

pub fn decode_bundle(key: &[u8], value: &[u8]) -> Result<BundleEntry, RecordError> {
    let id = Uuid::from_slice(key).map_err(|_| RecordError::BadKey { what: "bundle" })?;
    let v = object(value, "bundle")?;
    let bad = || RecordError::IncompleteBundle(id);
    let parent = match &v["parent"] {
        Value::Null => None,
        Value::String(s) => Some(Uuid::parse_str(s).map_err(|_| bad())?),
        _ => return Err(bad()),
    };
    Ok(BundleEntry {
        id,
        schema_hash: v["schemaHash"]
            .as_str()
            .and_then(parse_hex)
            .ok_or_else(bad)?,
        version: v["version"].as_u64().ok_or_else(bad)?,
        parent,
        permissions: v["permissions"].as_str().ok_or_else(bad)?.to_string(),
        bytecode_hash: v["bytecodeHash"].as_str().ok_or_else(bad)?.to_string(),
        published_at: v["publishedAt"].as_u64().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_stored_bytes() -> Result<(), StorageError> {
        let hash = SchemaHash([0xab; 32]);
        let hex = hash.to_hex();
        let schema = SchemaEntry {
            hash,
            json: r#"{"t":{"columns":[]}}"#.into(),
            published_at: 1_700_000_000_123,
            schema: Arc::default(),
        };
        assert_eq!(
            String::from_utf8_lossy(&schema_value(&schema)?),
            r#"{"json":"{\"t\":{\"columns\":[]}}","publishedAt":1700000000123}"#
        );
        let lens = LensEntry {
            from: hash,
            to: hash,
            forward: "[]".into(),
            draft: true,
        };
        assert_eq!(
            String::from_utf8_lossy(&lens_value(&lens)?),
            r#"{"draft":true,"forward":"[]"}"#
        );
        let mut bundle = BundleEntry {
            id: Uuid::from_bytes([1; 16]),
            schema_hash: hash,
            version: 3,
            parent: None,
            permissions: r#"{"t":{}}"#.into(),
            bytecode_hash: "b3".into(),
            published_at: 9,
        };
        assert_eq!(
            String::from_utf8_lossy(&bundle_value(&bundle)?),
            format!(
                r#"{{"bytecodeHash":"b3","parent":null,"permissions":"{{\"t\":{{}}}}","publishedAt":9,"schemaHash":"{hex}","version":3}}"#
            )
        );
        bundle.parent = Some(Uuid::from_bytes([2; 16]));
        let stored = bundle_value(&bundle)?;
        assert!(
            String::from_utf8_lossy(&stored)
                .contains(r#""parent":"02020202-0202-0202-0202-020202020202","#)
        );
        assert_eq!(decode_bundle(bundle.id.as_bytes(), &stored), Ok(bundle));
        Ok(())
    }

    #[test]
    fn damaged_records_say_what_is_wrong() {
        let msg = |r: Result<_, RecordError>| r.map(|_: LensEntry| ()).map_err(|e| e.to_string());
        assert_eq!(
            msg(decode_lens(&[0; 3], b"{}")),
            Err("bad lens key".to_string())
        );
        assert_eq!(
            msg(decode_lens(&[0; 64], b"[]")),
            Err("unreadable lens record".to_string())
        );
        assert_eq!(
            msg(decode_lens(&[0; 64], b"{}")),
            Err("lens record without forward".to_string())
        );
        assert_eq!(
            decode_schema(&[0; 32], b"{}").err(),
            Some(RecordError::Missing {
                what: "schema",
                member: "json"
            })
        );
        let hash = SchemaHash([7; 32]);
        assert_eq!(
            decode_schema(&hash.0, br#"{"json":"{}"}"#).err(),
            Some(RecordError::SchemaHash(hash))
        );
        let id = Uuid::from_bytes([1; 16]);
        assert_eq!(
            decode_bundle(id.as_bytes(), b"{}")
                .err()
                .map(|e| e.to_string()),
            Some(format!("bundle {id} record is incomplete"))
        );
        assert_eq!(
            decode_bundle(&[1; 3], b"{}").err(),
            Some(RecordError::BadKey { what: "bundle" })
        );
    }
}
