//! Builder modifiers: `.optional()`, `.default(v)`, `.merge(strategy)` and
//! `.transform(...)`, applied to a column builder's state with their checks (counter columns,
//! unknown merge strategies).

use crate::diagnostics::{Diagnostic, codes, did_you_mean};
use crate::eval::builder::{ColKind, Merge};
use crate::eval::module::Evaluator;
use crate::eval::value::{BuilderId, Value};
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
    let counter_msg = "Counter merge strategy is only supported on non-nullable INTEGER columns.";
    let Some(b) = ev.builders.get(id.0).cloned() else {
        return;
    };
    let mut b = b;
    b.modified = Some(call_span);
    match name {
        "optional" => {
            extra_args(ev, ".optional", &args, 0);
            if b.merge.is_some() {
                let mut d = Diagnostic::new(codes::COUNTER_INVALID, "`.optional()` after `.merge(\"counter\")`: counter columns cannot be nullable")
                    .upstream(counter_msg)
                    .at(call_span)
                    .help("remove `.optional()`; a counter column always holds a number (give it `.default(0)`)");
                if let Some((_, ms)) = b.merge {
                    d = d.label(ms, "counter merge set here");
                }
                ev.push(d);
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
                if b.kind != ColKind::Integer || b.nullable {
                    let why = if b.nullable {
                        "the column is already `.optional()`"
                    } else {
                        "the column is not `s.int()`"
                    };
                    ev.push(
                        Diagnostic::new(
                            codes::COUNTER_INVALID,
                            format!("`.merge(\"counter\")` needs a non-nullable int column; {why}"),
                        )
                        .upstream(counter_msg)
                        .at(call_span)
                        .help("use counter merge only on `s.int()` columns without `.optional()`"),
                    );
                } else {
                    b.merge = Some((Merge::Counter, call_span));
                }
            }
            Some((Value::Str(m), ms)) => {
                let mut d = Diagnostic::new(codes::MERGE_UNKNOWN, format!("unknown merge strategy \"{}\"", crate::diagnostics::quoted_name(&m.text)))
                    .at(*ms)
                    .note("upstream alpha.50 silently treats every strategy other than \"lww\" as counter");
                d = if &*m.text == "g-set" {
                    d.help("\"g-set\" needs a newer Jazz server than jazz-tools 2.0.0-alpha.50")
                } else if let Some(s) = did_you_mean(&m.text, ["lww", "counter"]) {
                    d.help(format!("did you mean \"{s}\"?")).fix(
                        format!("Replace with \"{s}\""),
                        *ms,
                        format!("\"{s}\""),
                    )
                } else {
                    d.help("the strategies are \"lww\" and \"counter\"")
                };
                ev.push(d);
            }
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
        *slot = b;
        ev.builder_writes += 1;
    }
}
