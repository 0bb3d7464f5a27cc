//! The byte form of catalogue entries in [`crate::storage`]: keys are raw hash or UUID bytes,
//! values small JSON objects. Decoding re-checks what it can (a schema's JSON must hash to its
//! key), so a damaged store is reported instead of served.

use std::sync::Arc;

use jazz_schema_compiler::schema::hash::parse_hex;
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use jazz_schema_compiler::schema::{SchemaHash, schema_hash};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{BundleEntry, LensEntry, SchemaEntry};

pub const HEAD_KEY: &[u8] = b"head";

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

fn object(bytes: &[u8], what: &str) -> Result<Value, String> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| format!("unreadable {what} record"))
}

fn hash_key(key: &[u8], what: &str) -> Result<SchemaHash, String> {
    <[u8; 32]>::try_from(key)
        .map(SchemaHash)
        .map_err(|_| format!("bad {what} key"))
}

pub fn decode_schema(key: &[u8], value: &[u8]) -> Result<SchemaEntry, String> {
    let hash = hash_key(key, "schema")?;
    let v = object(value, "schema")?;
    let text = v["json"].as_str().ok_or("schema record without json")?;
    let schema = from_json_text(text).map_err(|e| format!("stored schema {hash}: {}", e.0))?;
    if schema_hash(&schema) != hash {
        return Err(format!("stored schema {hash} does not hash to its key"));
    }
    Ok(SchemaEntry {
        hash,
        json: text.to_string(),
        published_at: v["publishedAt"].as_u64().unwrap_or(0),
        schema: Arc::new(schema),
    })
}

pub fn decode_lens(key: &[u8], value: &[u8]) -> Result<LensEntry, String> {
    if key.len() != 64 {
        return Err("bad lens key".into());
    }
    let v = object(value, "lens")?;
    Ok(LensEntry {
        from: hash_key(&key[..32], "lens")?,
        to: hash_key(&key[32..], "lens")?,
        forward: v["forward"]
            .as_str()
            .ok_or("lens record without forward")?
            .to_string(),
        draft: v["draft"].as_bool().unwrap_or(false),
    })
}

pub fn decode_bundle(key: &[u8], value: &[u8]) -> Result<BundleEntry, String> {
    let id = Uuid::from_slice(key).map_err(|_| "bad bundle key".to_string())?;
    let v = object(value, "bundle")?;
    let bad = || format!("bundle {id} record is incomplete");
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
