//! The arguments of column builders that need more than a type: the JSON schema of `s.json(S)`
//! and the variants of `s.enum(...)`. The variant list is checked by `schema::checks`
//! (`enums.rs`); reported here are arguments of the wrong JS type (an `s.json` argument that
//! is no object, an array or a non-string given to `s.enum`) and unpaired surrogates.

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::JsonValue;
use crate::schema::checks;
use crate::schema::enum_order::sort_variants;
use crate::source::Span;

use crate::eval::module::Evaluator;
use crate::eval::value::Value;
use crate::eval::{tojson, zod};

/// `s.json(S)`: the JSON schema argument.
pub fn json_schema_arg(ev: &mut Evaluator<'_>, arg: Option<&(Value, Span)>) -> Option<JsonValue> {
    let (v, s) = arg?;
    match v {
        Value::Undefined | Value::Null => None,
        Value::Zod(z) => match zod::to_json_schema(z) {
            Ok(j) => Some(j),
            Err(e) => {
                ev.push(
                    Diagnostic::new(codes::ZOD_UNSUPPORTED, e.message)
                        .at(*s)
                        .help("write the JSON Schema as a plain object literal: `s.json({ type: \"object\", … })`"),
                );
                None
            }
        },
        Value::Object(_) => tojson::to_json(ev, v, *s),
        other => {
            let msg = "JSON schema must be an object or implement ~standard.jsonSchema.";
            ev.push(
                Diagnostic::new(codes::JSON_SCHEMA_INVALID, format!("{msg} Got {}.", other.describe()))
                    .upstream(msg)
                    .at(*s)
                    .help("pass a JSON Schema object such as `{ type: \"object\" }`, a zod schema, or nothing"),
            );
            None
        }
    }
}

/// `s.enum(...)`: validates and orders variants.
pub fn enum_variants(ev: &mut Evaluator<'_>, args: &[(Value, Span)], span: Span) -> Vec<String> {
    if args.is_empty() {
        ev.push(checks::enum_without_variants(span));
        return Vec::new();
    }
    if let [(Value::Array(items), s)] = args {
        let fixed: Option<Vec<String>> = items
            .iter()
            .map(|i| match i {
                Value::Str(x) => Some(format!("{:?}", &*x.text)),
                _ => None,
            })
            .collect();
        let mut d = Diagnostic::new(
            codes::ENUM_NOT_STRING,
            "`s.enum` takes its variants as separate arguments, not an array",
        )
        .at(*s)
        .note("upstream stores the array itself as one variant, which the server rejects");
        if let Some(f) = fixed {
            d = d
                .help("spread the array: `s.enum(...variants)` or list them")
                .fix("List the variants as arguments", *s, f.join(", "));
        }
        ev.push(d);
        return Vec::new();
    }
    let mut variants = Vec::with_capacity(args.len());
    let mut seen: crate::hash::HashSet<std::rc::Rc<str>> =
        crate::hash::HashSet::with_capacity_and_hasher(args.len(), Default::default());
    for (v, s) in args {
        match v {
            Value::Str(x) => {
                if let Some(d) = checks::enum_variant(&x.text, *s, |t| seen.contains(t)) {
                    ev.push(d);
                } else if x.lone_surrogate {
                    ev.push(
                        Diagnostic::new(codes::LONE_SURROGATE, "this string contains an unpaired UTF-16 surrogate, which the server rejects")
                            .at(*s)
                            .help("use a complete character"),
                    );
                } else {
                    seen.insert(x.text.clone());
                    variants.push(String::from(&*x.text));
                }
            }
            other => ev.push(
                Diagnostic::new(
                    codes::ENUM_NOT_STRING,
                    format!("enum variants must be strings, not {}", other.describe()),
                )
                .at(*s),
            ),
        }
    }
    ev.extend(checks::enum_collation(&variants, span));
    sort_variants(&variants)
}
