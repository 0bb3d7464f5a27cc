//! The schema's own rules (JZ1xxx): pure functions over names, column kinds and plain values
//! that return the [`Diagnostic`](crate::diagnostics::Diagnostic) a broken rule gets, one family
//! per file. They know nothing of JS values or of the evaluator; `eval/build.rs` and its helpers
//! call them at the point where the fact is known, so diagnostics come out in the order the
//! definition is read.
//!
//! - `names`: table and column names (empty, control characters, `__proto__`, `$`, `id`),
//!   empty schemas and tables, a table or column defined twice;
//! - `refs`: `s.ref` targets and `app.slice(...)` names that name no table, the legacy
//!   `table()` ref-key naming rule;
//! - `indexes`: the column names `indexOnly([...])` lists;
//! - `enums`: the variant list of `s.enum(...)`;
//! - `merge`: merge strategies and the counter rule;
//! - `defaults`: `.default(v)` by column type, once the value is a plain number, string or
//!   byte list.
//!
//! What stays in `eval/`, and why: a finding that has to say what JS value or call was
//! written, or that depends on JS semantics, needs the evaluator's values:
//!
//! - the JS type of a value a column cannot take at all: "an int column's default must be a
//!   number, not an object" (JZ1060–JZ1063, JZ1065, JZ1066, JZ1091 in `eval/build/defaults.rs`),
//!   an `s.enum` variant that is no string or an array of variants (JZ1023), an `s.json`
//!   argument that is no object (JZ1030), an `indexOnly` argument that is no list of strings
//!   (JZ1050), a `.merge` argument that is no string (JZ1041);
//! - what `JSON.stringify` does to a value: a JSON schema that changes when serialized
//!   (JZ1031) and a default that cannot be serialized (JZ1067), in `eval/tojson.rs`;
//! - which export or call was written: the export that is the schema (JZ1003, JZ1004,
//!   JZ1007, JZ1008 in `eval/export.rs`), the legacy `table()` API (JZ1005, JZ1006), extra
//!   arguments to a DSL call (JZ1044);
//! - builder identity: modifiers on an array's element builder (JZ1042) and a builder changed
//!   after the schema was built from it (JZ1072, `eval/module.rs`).

mod defaults;
mod enums;
mod indexes;
mod merge;
mod names;
mod refs;

pub use defaults::*;
pub use enums::*;
pub use indexes::*;
pub use merge::*;
pub use names::*;
pub use refs::*;

use crate::diagnostics::{Diagnostic, did_you_mean, quoted_name};
use crate::source::Span;

/// Adds the did-you-mean for a name written as the string literal at `span`: the help names
/// the closest of `candidates` and the fix rewrites the whole literal. `d` is unchanged when
/// no candidate is close.
fn suggest_literal<'a>(
    d: Diagnostic,
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    span: Span,
) -> Diagnostic {
    match did_you_mean(written, candidates) {
        Some(near) => {
            let q = quoted_name(near);
            d.help(format!("did you mean \"{q}\"?")).fix(
                format!("Replace with \"{q}\""),
                span,
                format!("\"{near}\""),
            )
        }
        None => d,
    }
}
