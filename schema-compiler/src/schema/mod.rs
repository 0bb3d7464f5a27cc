//! The schema IR (what upstream calls the WasmSchema), its checks and its artefacts: the
//! WasmSchema JSON text (upstream key order), the BLAKE3 schema hash, and reading WasmSchema
//! JSON back (snapshots, server answers). Knows nothing of syntax or evaluation.

mod ir;
pub mod json;

pub use ir::*;
pub use json::JsonValue;
