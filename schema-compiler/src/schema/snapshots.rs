//! Snapshot files (schema.md §6): names, reading back, "latest committed", hash-prefix lookup.
//! Pure functions: the CLI lists the directory and reads the files, then hands names and texts
//! here.

use super::{SchemaHash, WasmSchema};
use crate::diagnostics::Diagnostic;

/// One readable snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file_name: String,
    pub schema: WasmSchema,
    /// Recomputed from the content; the name is informational only.
    pub hash: SchemaHash,
}

/// A directory entry handed in by the caller: the file name and its text (or the read error).
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    pub file_name: String,
    pub text: Result<String, String>,
}

/// Parses every file whose name looks like a snapshot; bad ones become JZ1080 warnings. STUB.
pub fn read_snapshots(files: Vec<SnapshotFile>) -> (Vec<Snapshot>, Vec<Diagnostic>) {
    let _ = files;
    (Vec::new(), Vec::new())
}

/// `<h12>.json`, the readable-only name `schema export` writes.
pub fn readable_name(hash: &SchemaHash) -> String {
    format!("{}.json", hash.short())
}
