//! Builder modifiers: `.optional()`, `.default(v)`, `.merge(strategy)` and
//! `.transform(...)`, applied to a column builder's state. The counter and merge-strategy
//! rules are `schema::checks` (`merge.rs`); reported here is a `.merge` argument that is no
//! string.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::eval::column_builder::{BuilderState, Merge};
use crate::eval::module::Evaluator;
use crate::eval::value::{BuilderId, Value};
use crate::schema::checks;
use crate::source::Span;

use super::extra_args;

/// Builder modifiers.
pub const MODIFIERS: &[&str] = &["optional", "default", "merge", "transform"];

pub(super) fn modifier(
    ev: &mut Evaluator<'_>,
    id: BuilderId,
    name: &str,
    name_span: Span,
    args: Vec<(Value, Span)>,
    span: Span,
) {
    let call_span = Span::new(name_span.file, name_span.range.start, span.range.end);
    let Some(b) = ev.builders.get(id.0) else {
        return;
    };
    let mut b = BuilderState::clone(b);
    b.modified = Some(call_span);
    match name {
        "optional" => {
            extra_args(ev, ".optional", &args, 0);
            if let Some((_, ms)) = b.merge {
                ev.push(checks::optional_counter(call_span, ms));
            } else {
                b.nullable = true;
            }
        }
        "default" => {
            extra_args(ev, ".default", &args, 1);
            match args.into_iter().next() {
                Some((Value::Undefined, _)) | None => b.default = None,
                Some((v, s)) => b.default = Some((v, s)),
            }
        }
        "merge" => match args.first() {
            Some((Value::Str(m), _)) if &*m.text == "lww" => b.merge = None,
            Some((Value::Str(m), _)) if &*m.text == "counter" => {
                if let Some(d) = checks::counter_merge(b.kind.kind(), b.nullable, call_span) {
                    ev.push(d);
                } else {
                    b.merge = Some((Merge::Counter, call_span));
                }
            }
            Some((Value::Str(m), ms)) => ev.push(checks::unknown_merge_strategy(&m.text, *ms)),
            Some((other, s)) => ev.push(
                Diagnostic::new(
                    codes::MERGE_UNKNOWN,
                    format!(
                        "`.merge` takes \"lww\" or \"counter\", not {}",
                        other.describe()
                    ),
                )
                .at(*s),
            ),
            None => ev.push(
                Diagnostic::new(
                    codes::MERGE_UNKNOWN,
                    "`.merge()` needs a strategy: \"lww\" or \"counter\"",
                )
                .at(call_span),
            ),
        },
        // TS client only; its arguments are never evaluated.
        "transform" => {}
        _ => {}
    }
    if let Some(slot) = ev.builders.get_mut(id.0) {
        *slot = Rc::new(b);
        ev.builder_writes += 1;
    }
}
