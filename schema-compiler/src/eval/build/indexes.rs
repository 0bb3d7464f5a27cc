//! `T.indexOnly([...])`: the list of indexed columns a table declares. The names in it are
//! checked by `schema::checks` (`indexes.rs`); reported here is an argument that is no list of
//! strings.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::checks;
use crate::source::Span;

use crate::eval::module::Evaluator;
use crate::eval::value::{Object, TableDef, Value};

/// `T.indexOnly([...])`.
pub fn index_only(
    ev: &mut Evaluator<'_>,
    t: &TableDef,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    let list = match args.first() {
        Some((Value::Array(items), lspan)) => {
            let mut out = Vec::new();
            let mut seen = Vec::new();
            for it in items.iter() {
                match it {
                    Value::Str(s) => {
                        let name = String::from(&*s.text);
                        if seen.contains(&name) {
                            ev.push(checks::index_listed_twice(&name, *lspan));
                        }
                        seen.push(name.clone());
                        out.push((name, string_span(ev, *lspan, &s.text)));
                    }
                    other => {
                        ev.push(
                            Diagnostic::new(
                                codes::INDEX_UNKNOWN,
                                format!("`indexOnly` takes column names, not {}", other.describe()),
                            )
                            .at(*lspan),
                        );
                    }
                }
            }
            if items.is_empty() {
                ev.push(checks::index_list_empty(*lspan));
            }
            out
        }
        Some((other, s)) => {
            ev.push(
                Diagnostic::new(
                    codes::INDEX_UNKNOWN,
                    format!(
                        "`indexOnly` takes an array of column names, not {}",
                        other.describe()
                    ),
                )
                .at(*s),
            );
            return Value::Table(Rc::new(t.clone()));
        }
        None => {
            ev.push(
                Diagnostic::new(
                    codes::INDEX_UNKNOWN,
                    "`indexOnly` needs an array of column names",
                )
                .at(span),
            );
            return Value::Table(Rc::new(t.clone()));
        }
    };
    Value::Table(Rc::new(TableDef {
        columns: t.columns.clone(),
        indexed: Some(list),
        span: t.span,
    }))
}

/// The span of the string literal `"text"` inside `within`, or `within` itself.
fn string_span(ev: &Evaluator<'_>, within: Span, text: &str) -> Span {
    let src = ev.db.slice(within);
    for q in ['"', '\'', '`'] {
        let needle = format!("{q}{text}{q}");
        if let Some(pos) = src.find(&needle) {
            let start = within.range.start + u32::try_from(pos).unwrap_or(0);
            return Span::new(
                within.file,
                start,
                start + u32::try_from(needle.len()).unwrap_or(0),
            );
        }
    }
    within
}

/// JZ1050 / JZ1051: an `indexOnly` name `c` (at `s`) against the columns `cols`.
pub(super) fn check_index_name(ev: &mut Evaluator<'_>, c: &str, s: Span, cols: &Object) {
    ev.extend(checks::index_column(
        c,
        s,
        |n| cols.get(n).is_some(),
        cols.props.iter().map(|(k, _)| k.as_str()),
    ));
}
