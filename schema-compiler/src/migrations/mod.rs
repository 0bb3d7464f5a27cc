//! Migrations (migrations.md): comparing schema versions, lens ops and their semantics, the
//! stub renderer, the static reader of `s.defineMigration(...)` files and the lens JSON that is
//! published. Pure: the CLI lists directories and reads files; this module gets texts (through
//! the `SourceLoader`) and schemas, and returns values plus diagnostics.
//!
//! - `diff.rs`: "requires row transform", `tableEq`, the structural diff and change kinds;
//! - `lens.rs`, `path.rs`, `autodiff.rs`: lens ops, inversion, row and name translation, the
//!   lens graph, the auto-diff with drafts (what the engine runs);
//! - `stub.rs`: the stub file; `names.rs`: file names;
//! - `reader/`: reading and checking migration files; `wire.rs`: the publish body;
//! - `project.rs`: checking a whole migrations directory;
//! - `plan.rs`: what `migrations create` writes for the current schema;
//! - `codes.rs`: the JZ3xxx constants.

pub mod autodiff;
pub mod codes;
pub mod diff;
pub mod lens;
pub mod names;
pub mod path;
pub mod plan;
pub mod project;
pub mod reader;
pub mod stub;
pub mod wire;

pub use diff::{SchemaDiff, diff, requires_row_transform};
pub use reader::{MigrationFile, read_migration};
pub use stub::render_stub;
pub use wire::{TableLens, WireOp, publish_body};
