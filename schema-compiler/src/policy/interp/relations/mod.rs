//! Relations in permissions.ts: relation names from the schema, the
//! relation builder value (`policy.<t>.where/join/select/hopTo/gather`, `policy.union`,
//! `policy.exists`), qualified `"Other.col"` keys, and their lowering to the relation IR JSON
//! of `ExistsRel`.
//!
//! - `names.rs`: forward/reverse relation names;
//! - `state.rs`: the relation value and its lowering;
//! - `preds.rs`: where entries as relation predicates;
//! - `build.rs`: where/hopTo, union, exists; `shape.rs`: join/select;
//! - `gather.rs`: recursive relations;
//! - `qualified.rs`: qualified keys in rule where-objects and `exists.where`.

mod build;
mod gather;
pub mod names;
mod preds;
mod qualified;
mod shape;
pub mod state;

use std::rc::Rc;

use crate::source::Span;

use super::value::Pv;
pub use qualified::{Qualified, has_qualified};
use state::RelState;

type Members = [(String, Pv, Span)];

/// A relation value.
fn rel(st: RelState) -> Pv {
    Pv::Rel(Rc::new(st))
}
