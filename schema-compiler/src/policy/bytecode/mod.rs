//! Policy bytecode, format version 2.
//!
//! Layout (little-endian): `JZPB`, u16 version, the 32-byte schema hash, then the sections
//! strings, constants, session paths, env names, tables (every schema table sorted by name:
//! columns with type/nullability/reference, and the five slot entries), code; then the
//! optional debug section (`debug.rs`) and, last, its length as a u32 (0 when absent or
//! stripped). The content hash covers everything before the debug section. Entries point
//! into the code; `ABSENT` and `FALLBACK` (delete → update.using) are explicit markers.
//! Expressions are prefix-encoded trees; `AND`/`OR`/`EXISTS` carry the forward offset of their
//! end so the VM short-circuits with forward jumps only. There are no backward jumps.
//!
//! - `encode.rs`: IR → bytes (deterministic);
//! - `load.rs`: bytes → [`Bundle`]; `verify.rs`: the verifier;
//! - `rel.rs`: the `ExistsRel` relation read from its JSON (`rel_text.rs`: rendered);
//!   `plan.rs`: resolved at load time (`plan/build.rs`);
//! - `disasm.rs`: the stable listing.

pub mod debug;
pub mod disasm;
mod encode;
mod load;
pub mod plan;
pub mod rel;
pub mod rel_text;
mod verify;

pub use debug::{DebugRule, strip};
pub use disasm::disassemble;
pub use encode::{encode, encode_with_debug};
pub use load::{Bundle, ColInfo, LoadError, SessionPath, TableInfo, read_u16, read_u32};

/// `JZPB`.
pub const MAGIC: [u8; 4] = *b"JZPB";
/// The format version this build writes and reads (2: the debug section and its trailer).
pub const POLICY_BYTECODE_VERSION: u16 = 2;
/// Entry marker: the slot is absent.
pub const ABSENT: u32 = u32::MAX;
/// Entry marker (delete.using only): fall back to update.using.
pub const FALLBACK: u32 = u32::MAX - 1;
/// "No table / no column" in operands.
pub const NONE: u32 = u32::MAX;

/// Opcodes.
pub mod op {
    pub const TRUE: u8 = 0x01;
    pub const FALSE: u8 = 0x02;
    pub const AND: u8 = 0x03;
    pub const OR: u8 = 0x04;
    pub const NOT: u8 = 0x05;
    pub const CMP: u8 = 0x10;
    pub const IS_NULL: u8 = 0x11;
    pub const IS_NOT_NULL: u8 = 0x12;
    pub const CONTAINS: u8 = 0x13;
    pub const IN_SESSION: u8 = 0x14;
    pub const IN_LIST: u8 = 0x15;
    pub const S_CMP: u8 = 0x20;
    pub const S_IS_NULL: u8 = 0x21;
    pub const S_IS_NOT_NULL: u8 = 0x22;
    pub const S_CONTAINS: u8 = 0x23;
    pub const S_IN_LIST: u8 = 0x24;
    pub const EXISTS: u8 = 0x30;
    pub const EXISTS_REL: u8 = 0x31;
    pub const INHERITS: u8 = 0x32;
    pub const INHERITS_REF: u8 = 0x33;
}

/// Column reference kinds (one byte, then a u32 payload).
pub mod col {
    /// Payload: column index in the table.
    pub const COLUMN: u8 = 0;
    /// Payload: 0 `$createdBy`, 1 `$createdAt`, 2 `$updatedBy`, 3 `$updatedAt`.
    pub const MAGIC: u8 = 1;
    /// The row id (payload 0).
    pub const ROW_ID: u8 = 2;
    /// Unresolvable (payload: the name's string index).
    pub const ABSENT: u8 = 3;
}

/// Operand kinds (one byte, then the payload).
pub mod operand {
    /// u32 constant index.
    pub const LITERAL: u8 = 0;
    /// u32 session path index.
    pub const SESSION: u8 = 1;
    /// A column reference (5 bytes) on the outer row.
    pub const OUTER: u8 = 2;
}

/// The magic columns, in payload order.
pub const MAGIC_COLUMNS: [&str; 4] = ["$createdBy", "$createdAt", "$updatedBy", "$updatedAt"];

/// BLAKE3-256 of the canonical bytes (everything before the debug section), lower-case hex:
/// stripping the debug section does not change it (B10, B11).
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(debug::canonical(bytes)).to_hex().to_string()
}
