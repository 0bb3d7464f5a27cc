//! `jazz-engine`: jazz's catalogue server, behind `jazz server` and the embedded fallback of
//! `jazz dev`: schemas, lenses and permission bundles behind upstream's admin API. It does not
//! store or sync app rows; that is upstream's engine, which `jazz dev` runs when the project
//! has it (docs/architecture.md, "jazz dev and the engine").
//!
//! It runs the compiler's artefacts (schema IR, lenses, policy bytecode) and never re-reads
//! source: anything it needs to know about `schema.ts` or `permissions.ts` reaches it as an
//! artefact of `jazz_schema_compiler`. It knows nothing of LSP types and never depends on
//! `jazz-lsp` (checked by `tests/architecture`).
//!
//! IO lives only in [`storage`] (the data directory) and [`server`] (the network). The other
//! modules are pure over what those two hand them.
//!
//! [`storage`] is the crash-safe store, [`catalogue`] the publish rules, [`server`] the HTTP
//! admin API (its sync route answers 501), and [`policy`] the development-mode sessions. See
//! docs/architecture.md, "engine".

pub mod catalogue;
pub mod policy;
pub mod server;
pub mod storage;

pub use catalogue::SharedCatalogue;
pub use server::{Server, ServerConfig};
pub use storage::Store;
