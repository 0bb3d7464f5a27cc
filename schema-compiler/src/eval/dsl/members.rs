//! Name resolution for the library surface: the globals the subset knows, the named exports of
//! jazz-tools, the members of `s` / `col` (the column builders of [`ColumnKind::ALL`], schema
//! functions, migration ops), zod paths, and the members DSL values have. Unknown members become
//! opaque values with a did-you-mean; nothing is called here.

use std::rc::Rc;

use crate::diagnostics::{Fix, TextEdit, codes, did_you_mean};
use crate::eval::module::opaque;
use crate::eval::value::{LibRef, Opaque, Value};
use crate::schema::ColumnKind;
use crate::source::Span;

use super::modifiers::MODIFIERS;

/// Other value members of `s`.
const SCHEMA_FUNCTIONS: &[&str] = &[
    "table",
    "defineSchema",
    "defineApp",
    "defineSliceableApp",
    "defineMigration",
    "renameTableFrom",
    "definePermissions",
    "permissionIntrospectionColumns",
];
const MIGRATION_OPS: &[&str] = &["add", "drop", "rename", "renameFrom"];
/// Named value exports of jazz-tools we model.
const JAZZ_EXPORTS: &[&str] = &[
    "schema",
    "col",
    "defineApp",
    "defineSchema",
    "defineSliceableApp",
    "table",
    "defineMigration",
    "definePermissions",
    "anyOf",
    "allOf",
];

/// A global name.
pub fn global(name: &str, span: Span) -> Value {
    match name {
        "undefined" => Value::Undefined,
        "NaN" => Value::Num(f64::NAN),
        "Infinity" => Value::Num(f64::INFINITY),
        "Date" | "Uint8Array" | "Object" | "Math" | "JSON" | "Number" | "String" => {
            Value::Lib(Rc::new(LibRef::Global {
                path: Rc::from(name),
            }))
        }
        "process" | "globalThis" | "window" | "Deno" | "Bun" => opaque(
            span,
            codes::NOT_STATIC,
            format!("`{name}` reads the environment; schema structure cannot depend on it"),
            Some("write the value out as a literal"),
        ),
        "require" => opaque(
            span,
            codes::UNRESOLVED,
            "`require` cannot be evaluated statically",
            Some("use a static `import` of a relative `.ts` module"),
        ),
        _ => opaque(
            span,
            codes::UNRESOLVED,
            format!("`{name}` is not defined"),
            Some(
                "define it with `const` in this module, or import it from a relative `.ts` module",
            ),
        ),
    }
}

/// A named export of a library module.
/// `span` is where the name is imported or read.
pub fn lib_member(lib: &LibRef, name: &str, span: Span) -> Value {
    let v = |l: LibRef| Value::Lib(Rc::new(l));
    match lib {
        LibRef::JazzTools => match name {
            "schema" => v(LibRef::Schema),
            "col" => v(LibRef::Col),
            "table" => v(LibRef::JazzFn {
                name: "table",
                legacy: true,
            }),
            n if let Some(name) = find_static(JAZZ_EXPORTS, n) => v(LibRef::JazzFn {
                name,
                legacy: false,
            }),
            "defineTable" => opaque(
                span,
                codes::UNRESOLVED,
                "`defineTable` is not exported by jazz-tools 2.0.0-alpha.50",
                Some("use `schema.table` (`s.table({...})`)"),
            ),
            _ => Value::AppMember,
        },
        LibRef::Zod { path } if path.is_empty() && (name == "z" || name == "default") => {
            v(LibRef::Zod { path: Rc::from("") })
        }
        LibRef::Permissions => match name {
            "definePermissions" => v(LibRef::JazzFn {
                name: "definePermissions",
                legacy: false,
            }),
            "anyOf" => v(LibRef::JazzFn {
                name: "anyOf",
                legacy: false,
            }),
            "allOf" => v(LibRef::JazzFn {
                name: "allOf",
                legacy: false,
            }),
            _ => Value::AppMember,
        },
        _ => Value::AppMember,
    }
}

/// `value.key` for DSL and library values.
pub fn member(obj: Value, key: &str, key_span: Span, span: Span) -> Value {
    let method = |recv: Value| Value::Method(Rc::new((recv, Rc::from(key), key_span)));
    match &obj {
        Value::Lib(lib) => lib_path_member(lib, key, key_span),
        Value::Builder(_) => {
            if MODIFIERS.contains(&key) {
                method(obj)
            } else {
                unknown_member(key, key_span, "column builders", MODIFIERS)
            }
        }
        Value::Table(_) => match key {
            "indexOnly" => method(obj),
            _ => unknown_member(key, key_span, "tables", &["indexOnly"]),
        },
        Value::App(app) => match key {
            "slice" => method(obj),
            "wasmSchema" => Value::AppMember,
            k if app.table_names.iter().any(|t| t == k) => Value::AppMember,
            _ => Value::AppMember,
        },
        Value::AppMember => Value::AppMember,
        Value::Zod(_) => method(obj),
        Value::Function(_) | Value::Closure(_) => opaque(
            span,
            codes::NOT_STATIC,
            format!("`.{key}` of a function cannot be evaluated statically"),
            None,
        ),
        _ => opaque(
            span,
            codes::NOT_STATIC,
            format!(
                "`.{key}` of {} cannot be evaluated statically",
                obj.describe()
            ),
            None,
        ),
    }
}

fn unknown_member(key: &str, span: Span, what: &str, known: &[&str]) -> Value {
    let mut help = format!("{what} have: {}", known.join(", "));
    let mut fixes = Vec::new();
    if let Some(s) = did_you_mean(key, known.iter().copied()) {
        help = format!("did you mean `{s}`?");
        fixes.push(replace_name(span, s));
    }
    Value::Opaque(Rc::new(Opaque {
        span,
        code: codes::NON_DSL_CALL,
        message: format!(
            "`{}` is not part of the DSL for {what}",
            crate::diagnostics::quoted_name(key)
        ),
        help: Some(help),
        labels: Vec::new(),
        fixes,
        silent: false,
    }))
}

/// The fix of a did-you-mean on a member name written at `span`. For a computed key the
/// evaluator moves it into the string literal, or drops it (`eval/expr.rs`).
fn replace_name(span: Span, suggestion: &str) -> Fix {
    Fix {
        title: format!("Replace with `{suggestion}`"),
        edits: vec![TextEdit {
            file: span.file,
            range: span.range,
            new_text: suggestion.to_owned(),
        }],
    }
}

/// `key` as the entry of `list` that equals it.
fn find_static(list: &[&'static str], key: &str) -> Option<&'static str> {
    list.iter().copied().find(|&n| n == key)
}

fn lib_path_member(lib: &LibRef, key: &str, span: Span) -> Value {
    let v = |l: LibRef| Value::Lib(Rc::new(l));
    match lib {
        LibRef::JazzTools => lib_member(lib, key, span),
        LibRef::Schema | LibRef::Col => {
            let name = ColumnKind::from_dsl_name(key)
                .map(ColumnKind::dsl_name)
                .or_else(|| find_static(MIGRATION_OPS, key))
                .or_else(|| {
                    (*lib == LibRef::Schema)
                        .then(|| find_static(SCHEMA_FUNCTIONS, key))
                        .flatten()
                });
            if let Some(name) = name {
                v(LibRef::JazzFn {
                    name,
                    legacy: false,
                })
            } else {
                let mut known: Vec<&str> = ColumnKind::dsl_names().collect();
                if *lib == LibRef::Schema {
                    known.extend_from_slice(SCHEMA_FUNCTIONS);
                }
                let ns = if *lib == LibRef::Schema { "s" } else { "col" };
                let mut help = format!(
                    "the column builders are {}",
                    ColumnKind::dsl_names()
                        .map(|b| format!("`{ns}.{b}()`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let mut fixes = Vec::new();
                if let Some(s) = did_you_mean(key, known.iter().copied()) {
                    help = format!("did you mean `{ns}.{s}`?");
                    fixes.push(replace_name(span, s));
                }
                Value::Opaque(Rc::new(Opaque {
                    span,
                    code: codes::NON_DSL_CALL,
                    message: format!(
                        "`{ns}.{}` is not part of the jazz-tools schema DSL",
                        crate::diagnostics::quoted_name(key)
                    ),
                    help: Some(help),
                    labels: Vec::new(),
                    fixes,
                    silent: false,
                }))
            }
        }
        LibRef::Zod { path } => {
            if path.is_empty() && key == "iso" {
                v(LibRef::Zod {
                    path: Rc::from("iso"),
                })
            } else {
                let full = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                v(LibRef::ZodFn {
                    path: Rc::from(full.as_str()),
                })
            }
        }
        LibRef::Global { path } => v(LibRef::Global {
            path: Rc::from(format!("{path}.{key}").as_str()),
        }),
        LibRef::Permissions | LibRef::JazzFn { .. } | LibRef::ZodFn { .. } => Value::AppMember,
    }
}
