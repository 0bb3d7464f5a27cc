//! `jazz-lsp`: the language server behind `jazz lsp`.
//!
//! **Invariant: this is the only crate that knows LSP types.** Everything the server says about
//! a project comes from `jazz_schema_compiler::project::Analysis`; this crate only converts
//! between the protocol and the core (positions, ranges, diagnostics, fixes). Handlers never walk
//! syntax or resolve names themselves: a missing fact belongs in the core.
//!
//! What exists today is the conversion layer ([`convert`]); the server itself (stdio transport,
//! document overlays, diagnostics publishing, hover, completion, ...) arrives with `jazz lsp`.

pub mod convert;
