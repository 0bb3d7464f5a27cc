//! The schema IR (what upstream calls the WasmSchema), the DSL's column constructors
//! (`column_kind`), the schema's rules (`checks`) and its artefacts: the WasmSchema JSON text
//! (upstream key order), the BLAKE3 schema hash, snapshots, and reading WasmSchema JSON back
//! (snapshots, server answers); also the civil-date arithmetic that snapshot names and the
//! evaluator's `Date` share. Knows nothing of syntax or evaluation.

pub mod checks;
pub(crate) mod civil;
pub mod column_kind;
pub mod enum_order;
pub mod hash;
mod ir;
pub mod json;
pub mod snapshots;
pub mod wasm_json;

pub use column_kind::ColumnKind;
pub use hash::{SchemaHash, schema_hash};
pub use ir::*;
pub use json::JsonValue;
