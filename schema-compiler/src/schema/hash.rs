//! The schema hash: BLAKE3 over upstream's binary preimage (schema.md §5).

use std::fmt;

use super::WasmSchema;

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

/// The preimage bytes (schema.md §5.2). STUB.
pub fn preimage(schema: &WasmSchema) -> Vec<u8> {
    let _ = schema;
    Vec::new()
}

/// The schema hash. STUB.
pub fn schema_hash(schema: &WasmSchema) -> SchemaHash {
    SchemaHash(*blake3::hash(&preimage(schema)).as_bytes())
}
