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
//! What stays in `eval/`, and why: checks that report on the JS value that was written (its
//! type, as in "an int column's default must be a number, not an object", a non-string enum
//! variant, an `s.json` argument that is no object, `JSON.stringify` of a default), on which
//! JS export or call was used (JZ1001–JZ1008, the legacy `table()` API, extra arguments), or
//! on builder identity (modifiers on an array's element builder, a builder changed after the
//! schema was built); each needs the evaluator's values to say what went wrong.

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
