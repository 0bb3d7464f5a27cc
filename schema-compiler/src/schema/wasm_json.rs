//! WasmSchema JSON text: writing it in upstream key order (compact for the hash input and
//! publish bodies, pretty for snapshots and `schema export`), and reading it back with
//! upstream's JS-then-serde semantics (schema.md §4).

use super::WasmSchema;

/// Why a WasmSchema JSON text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WasmJsonError(pub String);

/// Compact JSON (hash input, publish body). STUB.
pub fn to_compact_json(schema: &WasmSchema) -> String {
    let _ = schema;
    String::new()
}

/// Pretty JSON, 2-space indent, trailing newline (snapshots, `schema export`). STUB.
pub fn to_pretty_json(schema: &WasmSchema) -> String {
    let _ = schema;
    String::new()
}

/// Reads WasmSchema JSON (schema.md §4.5). STUB.
pub fn from_json_text(text: &str) -> Result<WasmSchema, WasmJsonError> {
    let _ = text;
    Err(WasmJsonError("unimplemented".into()))
}
