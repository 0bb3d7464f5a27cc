//! The byte form of catalogue entries in [`crate::storage`]: keys are raw hash or UUID bytes,
//! values small JSON objects. Decoding re-checks what it can (a schema's JSON must hash to its
//! key), so a damaged store is reported instead of served, as a [`RecordError`].

use std::sync::Arc;

use jazz_schema_compiler::schema::hash::parse_hex;
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use jazz_schema_compiler::schema::{SchemaHash, schema_hash};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{BundleEntry, LensEntry, SchemaEntry};

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

pub fn schema_value(e: &SchemaEntry) -> Vec<u8> {
    json!({ "json": e.json, "publishedAt": e.published_at })
        .to_string()
        .into_bytes()
}

pub fn lens_key(from: &SchemaHash, to: &SchemaHash) -> Vec<u8> {
    [from.0.as_slice(), to.0.as_slice()].concat()
}

pub fn lens_value(e: &LensEntry) -> Vec<u8> {
    json!({ "forward": e.forward, "draft": e.draft })
        .to_string()
        .into_bytes()
}

pub fn bundle_value(e: &BundleEntry) -> Vec<u8> {
    json!({
        "schemaHash": e.schema_hash.to_hex(),
        "version": e.version,
        "parent": e.parent.map(|p| p.to_string()),
        "permissions": e.permissions,
        "bytecodeHash": e.bytecode_hash,
        "publishedAt": e.published_at,
    })
    .to_string()
    .into_bytes()
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
    fn records_keep_their_stored_bytes() {
        let hash = SchemaHash([0xab; 32]);
        let hex = hash.to_hex();
        let schema = SchemaEntry {
            hash,
            json: r#"{"t":{"columns":[]}}"#.into(),
            published_at: 1_700_000_000_123,
            schema: Arc::default(),
        };
        assert_eq!(
            String::from_utf8_lossy(&schema_value(&schema)),
            r#"{"json":"{\"t\":{\"columns\":[]}}","publishedAt":1700000000123}"#
        );
        let lens = LensEntry {
            from: hash,
            to: hash,
            forward: "[]".into(),
            draft: true,
        };
        assert_eq!(
            String::from_utf8_lossy(&lens_value(&lens)),
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
            String::from_utf8_lossy(&bundle_value(&bundle)),
            format!(
                r#"{{"bytecodeHash":"b3","parent":null,"permissions":"{{\"t\":{{}}}}","publishedAt":9,"schemaHash":"{hex}","version":3}}"#
            )
        );
        bundle.parent = Some(Uuid::from_bytes([2; 16]));
        let stored = bundle_value(&bundle);
        assert!(
            String::from_utf8_lossy(&stored)
                .contains(r#""parent":"02020202-0202-0202-0202-020202020202","#)
        );
        assert_eq!(decode_bundle(bundle.id.as_bytes(), &stored), Ok(bundle));
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
