//! `jazz-engine`: the shared sync engine behind `jazz dev` and `jazz server`.
//!
//! It runs the compiler's artefacts (schema IR, lenses, policy bytecode) and never re-reads
//! source: anything it needs to know about `schema.ts` or `permissions.ts` reaches it as an
//! artefact of `jazz_schema_compiler`. It knows nothing of LSP types and never depends on
//! `jazz-lsp` (checked by `tests/architecture`).
//!
//! IO lives only in [`storage`] (the data directory) and [`server`] (the network). The other
//! modules are pure over what those two hand them.
//!
//! Built so far: [`storage`], [`catalogue`] and the admin half of [`server`]; [`policy`] holds
//! sessions only, and [`rows`] is empty until the data plane lands. See `ARCHITECTURE.md`,
//! "engine, inside", and `spec/cli-and-server.md` §3–§5.

pub mod catalogue;
pub mod policy;
pub mod rows;
pub mod server;
pub mod storage;

pub use catalogue::SharedCatalogue;
pub use server::{Server, ServerConfig};
pub use storage::Store;
