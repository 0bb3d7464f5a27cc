//! `T.indexOnly([...])`: the list of indexed columns a table declares, and
//! the checks of the names in it (unknown columns, `Object.prototype` members, duplicates).

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes, did_you_mean, quoted_name};
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
                        let name = s.text.to_string();
                        if seen.contains(&name) {
                            ev.push(Diagnostic::new(codes::INDEX_DUPLICATE, format!("\"{}\" is listed twice in `indexOnly`; duplicates are kept and change the schema hash", quoted_name(&name))).at(*lspan));
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
                ev.push(
                    Diagnostic::new(codes::INDEX_EMPTY, "`indexOnly([])` indexes no column, which differs from not calling it (and changes the hash)")
                        .at(*lspan)
                        .help("remove the call to keep the default indexes"),
                );
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

pub(super) fn check_index_name(ev: &mut Evaluator<'_>, c: &str, s: Span, cols: &Object) {
    if cols.get(c).is_some() {
        return;
    }
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
    if PROTO.contains(&c) {
        ev.push(
            Diagnostic::new(
                codes::INDEX_PROTO,
                format!(
                    "`indexOnly` names \"{}\", which is an Object.prototype member, not a column",
                    quoted_name(c)
                ),
            )
            .at(s)
            .note("upstream checks index names with the JS `in` operator, so it lets this through"),
        );
        return;
    }
    let msg = format!(
        "table.indexOnly(...) references unknown column \"{}\".",
        quoted_name(c)
    );
    let mut d = Diagnostic::new(codes::INDEX_UNKNOWN, msg.clone())
        .upstream(msg)
        .at(s);
    if let Some(sugg) = did_you_mean(c, cols.props.iter().map(|(k, _)| k.as_str())) {
        let q = quoted_name(sugg);
        d = d.help(format!("did you mean \"{q}\"?")).fix(
            format!("Replace with \"{q}\""),
            s,
            format!("\"{sugg}\""),
        );
    }
    ev.push(d);
}
