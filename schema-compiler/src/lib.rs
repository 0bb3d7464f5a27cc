//! `jazz-schema-compiler`: the pure core of the `jazz` toolchain.
//!
//! Data flows one way: source text → [`syntax`] (our own small AST, lowered from SWC) →
//! [`eval`] (static evaluation of the DSL subset) → [`schema`] IR → artefacts (WasmSchema JSON,
//! hash). [`project`] ties a project's files together into an [`project::Analysis`], which is
//! what the CLI and the language server ask.
//!
//! This crate never touches the file system, the environment, the clock or the network: it
//! reads source through the [`source::SourceLoader`] it is handed. It never fails on user
//! input: every phase returns a value plus [`diagnostics::Diagnostic`]s.

pub mod diagnostics;
pub mod eval;
pub mod hash;
pub mod migrations;
pub mod policy;
pub mod project;
pub mod schema;
pub mod source;
pub mod syntax;

pub use diagnostics::{Code, Diagnostic, Severity};
pub use source::{FileId, Span, TextRange};
