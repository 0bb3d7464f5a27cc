//! Merge strategies: `.merge("counter")` only on a non-nullable `s.int()` column, and no
//! `.optional()` after it (JZ1040); a strategy name other than "lww" and "counter" (JZ1041).

use crate::diagnostics::{Diagnostic, codes, did_you_mean, quoted_name};
use crate::schema::ColumnKind;
use crate::source::Span;

/// Upstream's text for both counter rules.
const COUNTER_MSG: &str =
    "Counter merge strategy is only supported on non-nullable INTEGER columns.";

/// JZ1040: `.merge("counter")` (the call at `span`) on a column of `kind` that is `nullable`
/// or not.
pub fn counter_merge(kind: ColumnKind, nullable: bool, span: Span) -> Option<Diagnostic> {
    if kind == ColumnKind::Int && !nullable {
        return None;
    }
    let why = if nullable {
        "the column is already `.optional()`"
    } else {
        "the column is not `s.int()`"
    };
    Some(
        Diagnostic::new(
            codes::COUNTER_INVALID,
            format!("`.merge(\"counter\")` needs a non-nullable int column; {why}"),
        )
        .upstream(COUNTER_MSG)
        .at(span)
        .help("use counter merge only on `s.int()` columns without `.optional()`"),
    )
}

/// JZ1040: `.optional()` (the call at `span`) on a counter column, whose `.merge` call is at
/// `merge`.
pub fn optional_counter(span: Span, merge: Span) -> Diagnostic {
    Diagnostic::new(
        codes::COUNTER_INVALID,
        "`.optional()` after `.merge(\"counter\")`: counter columns cannot be nullable",
    )
    .upstream(COUNTER_MSG)
    .at(span)
    .help("remove `.optional()`; a counter column always holds a number (give it `.default(0)`)")
    .label(merge, "counter merge set here")
}

/// JZ1041: `.merge(name)` with the string at `span` naming no strategy alpha.50 knows.
pub fn unknown_merge_strategy(name: &str, span: Span) -> Diagnostic {
    let d = Diagnostic::new(
        codes::MERGE_UNKNOWN,
        format!("unknown merge strategy \"{}\"", quoted_name(name)),
    )
    .at(span)
    .note("upstream alpha.50 silently treats every strategy other than \"lww\" as counter");
    if name == "g-set" {
        d.help("\"g-set\" needs a newer Jazz server than jazz-tools 2.0.0-alpha.50")
    } else if let Some(s) = did_you_mean(name, ["lww", "counter"]) {
        d.help(format!("did you mean \"{s}\"?")).fix(
            format!("Replace with \"{s}\""),
            span,
            format!("\"{s}\""),
        )
    } else {
        d.help("the strategies are \"lww\" and \"counter\"")
    }
}
