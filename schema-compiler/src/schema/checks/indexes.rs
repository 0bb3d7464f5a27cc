//! The column names `T.indexOnly([...])` lists: an empty list (JZ1052), a name listed twice
//! (JZ1053), an `Object.prototype` member (JZ1051) and a name that is no column (JZ1050).

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::source::Span;

/// JZ1052: `indexOnly([])`, the empty list at `span`.
pub fn index_list_empty(span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::INDEX_EMPTY,
        "`indexOnly([])` indexes no column, which differs from not calling it (and changes the hash)",
    )
    .at(span)
    .help("remove the call to keep the default indexes")
}

/// JZ1053: `name` is listed a second time in the list at `span`.
pub fn index_listed_twice(name: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::INDEX_DUPLICATE,
        format!(
            "\"{}\" is listed twice in `indexOnly`; duplicates are kept and change the schema hash",
            quoted_name(name)
        ),
    )
    .at(span)
}

/// The members of `Object.prototype`: upstream's `in` check takes them for columns.
const PROTO: &[&str] = &[
    "constructor",
    "toString",
    "toLocaleString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// JZ1050 / JZ1051: the listed name `c` (at `span`) when `is_column(c)` is false; `columns`
/// are the table's column names, for a did-you-mean.
pub fn index_column<'a>(
    c: &str,
    span: Span,
    is_column: impl Fn(&str) -> bool,
    columns: impl IntoIterator<Item = &'a str>,
) -> Option<Diagnostic> {
    if is_column(c) {
        return None;
    }
    if PROTO.contains(&c) {
        return Some(
            Diagnostic::new(
                codes::INDEX_PROTO,
                format!(
                    "`indexOnly` names \"{}\", which is an Object.prototype member, not a column",
                    quoted_name(c)
                ),
            )
            .at(span)
            .note("upstream checks index names with the JS `in` operator, so it lets this through"),
        );
    }
    let msg = format!(
        "table.indexOnly(...) references unknown column \"{}\".",
        quoted_name(c)
    );
    let d = Diagnostic::new(codes::INDEX_UNKNOWN, msg.clone())
        .upstream(msg)
        .at(span);
    Some(super::suggest_literal(d, c, columns, span))
}
