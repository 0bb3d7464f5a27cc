//! The library surface the evaluator models: jazz-tools (`s`, `col`, `defineApp`...), zod, and
//! the few JS globals the subset allows (`Date`, `Uint8Array`, `Object.freeze`). Calls into it
//! are the positions where opaque arguments are reported.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes, did_you_mean};
use crate::source::Span;

use super::builder::{BuilderState, ColKind, Merge};
use super::module::{Evaluator, opaque, silent};
use super::value::{AppValue, BuilderId, LibRef, TableDef, Value};
use super::zod::{self, ZodArg};

/// Column builder functions of `s` / `col`.
pub const COLUMN_BUILDERS: &[&str] = &[
    "string",
    "boolean",
    "int",
    "float",
    "timestamp",
    "bytes",
    "json",
    "enum",
    "ref",
    "array",
];
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
/// Builder modifiers.
pub const MODIFIERS: &[&str] = &["optional", "default", "merge", "transform"];
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
                name: Rc::from("table"),
                legacy: true,
            }),
            n if JAZZ_EXPORTS.contains(&n) => v(LibRef::JazzFn {
                name: Rc::from(n),
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
            "definePermissions" | "anyOf" | "allOf" => v(LibRef::JazzFn {
                name: Rc::from(name),
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
        Value::Function(_) => opaque(
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
    if let Some(s) = did_you_mean(key, known.iter().copied()) {
        help = format!("did you mean `{s}`?");
    }
    Value::Opaque(Rc::new(super::value::Opaque {
        span,
        code: codes::NON_DSL_CALL,
        message: format!("`{key}` is not part of the DSL for {what}"),
        help: Some(help),
        labels: Vec::new(),
        silent: false,
    }))
}

fn lib_path_member(lib: &LibRef, key: &str, span: Span) -> Value {
    let v = |l: LibRef| Value::Lib(Rc::new(l));
    match lib {
        LibRef::JazzTools => lib_member(lib, key, span),
        LibRef::Schema | LibRef::Col => {
            if COLUMN_BUILDERS.contains(&key)
                || MIGRATION_OPS.contains(&key)
                || (*lib == LibRef::Schema && SCHEMA_FUNCTIONS.contains(&key))
            {
                v(LibRef::JazzFn {
                    name: Rc::from(key),
                    legacy: false,
                })
            } else {
                let mut known: Vec<&str> = COLUMN_BUILDERS.to_vec();
                if *lib == LibRef::Schema {
                    known.extend_from_slice(SCHEMA_FUNCTIONS);
                }
                let ns = if *lib == LibRef::Schema { "s" } else { "col" };
                let mut help = format!(
                    "the column builders are {}",
                    COLUMN_BUILDERS
                        .iter()
                        .map(|b| format!("`{ns}.{b}()`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if let Some(s) = did_you_mean(key, known.iter().copied()) {
                    help = format!("did you mean `{ns}.{s}`?");
                }
                Value::Opaque(Rc::new(super::value::Opaque {
                    span,
                    code: codes::NON_DSL_CALL,
                    message: format!("`{ns}.{key}` is not part of the jazz-tools schema DSL"),
                    help: Some(help),
                    labels: Vec::new(),
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

/// Reports opaque arguments of a DSL call; returns false if there were any.
fn check_args(ev: &mut Evaluator<'_>, args: &[(Value, Span)]) -> bool {
    let mut ok = true;
    for (v, _) in args {
        if let Some(o) = find_opaque(v, 0) {
            ev.report_opaque(&o);
            ok = false;
        }
    }
    ok
}

/// The first opaque value inside `v` (arrays and objects, a few levels deep).
fn find_opaque(v: &Value, depth: u32) -> Option<Rc<super::value::Opaque>> {
    if depth > 32 {
        return None;
    }
    match v {
        Value::Opaque(o) => Some(o.clone()),
        Value::Array(items) => items.iter().find_map(|i| find_opaque(i, depth + 1)),
        Value::Object(o) => o.props.iter().find_map(|(_, i)| find_opaque(i, depth + 1)),
        _ => None,
    }
}

fn extra_args(ev: &mut Evaluator<'_>, name: &str, args: &[(Value, Span)], max: usize) {
    if args.len() > max {
        let first = args.get(max).map(|a| a.1);
        let last = args.last().map(|a| a.1);
        if let (Some(f), Some(l)) = (first, last) {
            ev.push(
                Diagnostic::warning(
                    codes::EXTRA_ARGS,
                    format!("`{name}` takes {max} argument(s); the rest are ignored"),
                )
                .at(crate::source::Span::new(f.file, f.range.start, l.range.end))
                .help("remove the extra arguments"),
            );
        }
    }
}

fn new_builder(ev: &mut Evaluator<'_>, kind: ColKind, span: Span) -> Value {
    ev.builders.push(BuilderState::new(kind, span));
    Value::Builder(BuilderId(ev.builders.len() - 1))
}

/// Calls a library function.
pub fn call_lib(
    ev: &mut Evaluator<'_>,
    lib: &LibRef,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match lib {
        LibRef::JazzFn { name, legacy } => call_jazz(ev, name, *legacy, args, span),
        LibRef::ZodFn { path } => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            let zargs: Vec<ZodArg> = args.iter().map(|(v, _)| zod_arg(v)).collect();
            match zod::call_z(path, &zargs) {
                Ok(z) => Value::Zod(Rc::new(z)),
                Err(e) => zod_error(span, e),
            }
        }
        LibRef::Global { path } => super::globals::call_global(ev, path, args, span),
        LibRef::Permissions => Value::AppMember,
        _ => opaque(
            span,
            codes::NON_DSL_CALL,
            "this namespace is not a function",
            None,
        ),
    }
}

fn zod_error(span: Span, e: zod::ZodError) -> Value {
    Value::Opaque(Rc::new(super::value::Opaque {
        span,
        code: codes::ZOD_UNSUPPORTED,
        message: e.message,
        help: Some(
            "write the JSON Schema as a plain object literal: `s.json({ type: \"object\", … })`"
                .into(),
        ),
        labels: Vec::new(),
        silent: false,
    }))
}

/// Converts an evaluator value to a zod call argument.
pub fn zod_arg(v: &Value) -> ZodArg {
    match v {
        Value::Zod(z) => ZodArg::Zod(z.clone()),
        Value::Num(n) => ZodArg::Number(*n),
        Value::Str(s) => ZodArg::String(s.text.to_string()),
        Value::Bool(b) => ZodArg::Bool(*b),
        Value::Null => ZodArg::Null,
        Value::Undefined => ZodArg::Undefined,
        Value::Array(a) => ZodArg::Array(a.iter().map(zod_arg).collect()),
        Value::Object(o) => ZodArg::Object(
            o.props
                .iter()
                .map(|(k, v)| (k.clone(), zod_arg(v)))
                .collect(),
        ),
        _ => ZodArg::Other,
    }
}

fn call_jazz(
    ev: &mut Evaluator<'_>,
    name: &str,
    legacy: bool,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    // A migration config is read by `migrations::reader` from the syntax tree; only its
    // witnesses are evaluated, so its ops must not be reported here.
    if name == "defineMigration" {
        return args
            .into_iter()
            .next()
            .map(|a| a.0)
            .unwrap_or(Value::Undefined);
    }
    if !check_args(ev, &args) {
        return silent(span);
    }
    let builder = |ev: &mut Evaluator<'_>, kind: ColKind, args: &[(Value, Span)], max: usize| {
        extra_args(ev, name, args, max);
        new_builder(ev, kind, span)
    };
    match name {
        "string" => builder(ev, ColKind::Text, &args, 0),
        "boolean" => builder(ev, ColKind::Boolean, &args, 0),
        "int" => builder(ev, ColKind::Integer, &args, 0),
        "float" => builder(ev, ColKind::Double, &args, 0),
        "timestamp" => builder(ev, ColKind::Timestamp, &args, 0),
        "bytes" => builder(ev, ColKind::Bytea, &args, 0),
        "json" => {
            let schema = super::build::json_schema_arg(ev, args.first());
            builder(ev, ColKind::Json { schema }, &args, 1)
        }
        "enum" => {
            let variants = super::build::enum_variants(ev, &args, span);
            new_builder(ev, ColKind::Enum { variants }, span)
        }
        "ref" => match args.first() {
            Some((Value::Str(t), tspan)) => {
                let k = ColKind::Ref {
                    table: t.text.to_string(),
                    span: *tspan,
                };
                builder(ev, k, &args, 1)
            }
            Some((other, s)) => {
                ev.push(
                    Diagnostic::error(
                        codes::NOT_STATIC,
                        format!(
                            "`s.ref` takes a table name string, not {}",
                            other.describe()
                        ),
                    )
                    .at(*s),
                );
                silent(span)
            }
            None => {
                ev.push(
                    Diagnostic::error(
                        codes::NOT_STATIC,
                        "`s.ref()` needs the name of the referenced table",
                    )
                    .at(span)
                    .help("write `s.ref(\"table\")`"),
                );
                silent(span)
            }
        },
        "array" => match args.first() {
            Some((Value::Builder(id), _)) => {
                let Some(inner) = ev.builders.get(id.0).cloned() else {
                    return opaque(span, codes::INTERNAL, "unknown builder", None);
                };
                if let Some(m) = inner.modified {
                    ev.push(
                        Diagnostic::warning(
                            codes::ARRAY_ELEMENT_MODIFIER,
                            "modifiers on the element builder of `s.array(…)` are ignored",
                        )
                        .at(m)
                        .help("put `.optional()`, `.default()` or `.merge()` on the array instead"),
                    );
                }
                builder(
                    ev,
                    ColKind::Array {
                        element: Box::new(inner.kind),
                    },
                    &args,
                    1,
                )
            }
            Some((other, s)) => {
                ev.push(
                    Diagnostic::error(
                        codes::NOT_STATIC,
                        format!("`s.array` takes a column builder, not {}", other.describe()),
                    )
                    .at(*s)
                    .help("write e.g. `s.array(s.string())`"),
                );
                silent(span)
            }
            None => {
                ev.push(
                    Diagnostic::error(codes::NOT_STATIC, "`s.array()` needs an element builder")
                        .at(span)
                        .help("write e.g. `s.array(s.string())`"),
                );
                silent(span)
            }
        },
        "table" if legacy => super::build::legacy_table(ev, args, span),
        "table" => match args.first() {
            Some((Value::Object(cols), _)) => {
                extra_args(ev, "s.table", &args, 1);
                Value::Table(Rc::new(TableDef {
                    columns: cols.clone(),
                    indexed: None,
                    span,
                }))
            }
            Some((other, s)) => {
                ev.push(
                    Diagnostic::error(
                        codes::NOT_STATIC,
                        format!(
                            "`s.table` takes an object of columns, not {}",
                            other.describe()
                        ),
                    )
                    .at(*s),
                );
                silent(span)
            }
            None => {
                ev.push(
                    Diagnostic::error(codes::NOT_STATIC, "`s.table()` needs an object of columns")
                        .at(span),
                );
                silent(span)
            }
        },
        "defineSchema" => args
            .into_iter()
            .next()
            .map(|a| a.0)
            .unwrap_or(Value::Undefined),
        "defineApp" | "defineSliceableApp" => {
            let Some((def, def_span)) = args.first() else {
                ev.push(
                    Diagnostic::error(
                        codes::NOT_STATIC,
                        format!("`{name}()` needs the schema definition"),
                    )
                    .at(span),
                );
                return silent(span);
            };
            let Some(schema) = super::build::build_definition(ev, def, *def_span) else {
                return silent(span);
            };
            let frozen = collect_builders(ev, def);
            ev.symbols.add_app(span);
            let app = Rc::new(AppValue {
                table_names: schema.tables.iter().map(|t| t.name.clone()).collect(),
                schema,
                span,
                frozen,
            });
            ev.apps.push(app.clone());
            Value::App(app)
        }
        "definePermissions" => define_permissions(ev, args, span),
        "add" | "drop" | "rename" | "renameFrom" => opaque(
            span,
            codes::NOT_STATIC,
            "migration operation used in a schema",
            Some(
                "`add`, `drop`, `rename` and `renameFrom` belong in `s.defineMigration(...)` files",
            ),
        ),
        _ => Value::AppMember,
    }
}

/// `definePermissions(app, factory)`: captures the arguments and the module scope for the
/// permissions phase; nothing is evaluated here.
fn define_permissions(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    let mut it = args.into_iter();
    let (app, app_span) = it.next().unwrap_or((Value::Undefined, span));
    let (factory, factory_span) = it.next().unwrap_or((Value::Undefined, span));
    let mut scope: Vec<(Rc<str>, Value)> = ev
        .scope
        .iter()
        .filter_map(|(k, b)| match b {
            super::module::Binding::Value(v) => Some((k.clone(), v.clone())),
            super::module::Binding::Uninit => None,
        })
        .collect();
    scope.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Permissions(Rc::new(super::value::PermissionsDef {
        app,
        app_span,
        factory,
        factory_span,
        span,
        scope,
    }))
}

/// The builders a definition uses, with their state now (for JZ1072).
fn collect_builders(ev: &Evaluator<'_>, def: &Value) -> Vec<(BuilderId, BuilderState)> {
    let mut out = Vec::new();
    let Value::Object(o) = def else { return out };
    for (_, t) in &o.props {
        let cols = match t {
            Value::Table(t) => t.columns.clone(),
            Value::Object(c) => c.clone(),
            _ => continue,
        };
        for (_, c) in &cols.props {
            if let Value::Builder(id) = c
                && let Some(b) = ev.builders.get(id.0)
            {
                out.push((*id, b.clone()));
            }
        }
    }
    out
}

/// `recv.name(args)` for DSL values.
pub fn call_method(
    ev: &mut Evaluator<'_>,
    recv: Value,
    name: &str,
    name_span: Span,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match recv {
        Value::Builder(id) => {
            if name != "transform" && !check_args(ev, &args) {
                return Value::Builder(id);
            }
            modifier(ev, id, name, name_span, args, span);
            Value::Builder(id)
        }
        Value::Table(t) => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            super::build::index_only(ev, &t, args, span)
        }
        Value::App(app) => {
            if !check_args(ev, &args) {
                return Value::App(app);
            }
            super::build::slice(ev, app, args, span)
        }
        Value::Zod(z) => {
            if !check_args(ev, &args) {
                return silent(span);
            }
            let zargs: Vec<ZodArg> = args.iter().map(|(v, _)| zod_arg(v)).collect();
            match zod::call_method(&z, name, &zargs) {
                Ok(z) => Value::Zod(Rc::new(z)),
                Err(e) => zod_error(
                    Span::new(name_span.file, name_span.range.start, span.range.end),
                    e,
                ),
            }
        }
        other => opaque(
            span,
            codes::NON_DSL_CALL,
            format!(
                "`.{name}()` on {} cannot be evaluated statically",
                other.describe()
            ),
            None,
        ),
    }
}

fn modifier(
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
                let mut d = Diagnostic::error(codes::COUNTER_INVALID, "`.optional()` after `.merge(\"counter\")`: counter columns cannot be nullable")
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
                        Diagnostic::error(
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
                let mut d = Diagnostic::error(codes::MERGE_UNKNOWN, format!("unknown merge strategy \"{}\"", m.text))
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
                Diagnostic::error(
                    codes::MERGE_UNKNOWN,
                    format!(
                        "`.merge` takes \"lww\" or \"counter\", not {}",
                        other.describe()
                    ),
                )
                .at(*s),
            ),
            None => ev.push(
                Diagnostic::error(
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
    }
}

/// `new X(args)`.
pub fn construct(ev: &mut Evaluator<'_>, f: Value, args: Vec<(Value, Span)>, span: Span) -> Value {
    match &f {
        Value::Lib(lib) => match &**lib {
            LibRef::Global { path } if &**path == "Date" => {
                super::globals::new_date(ev, args, span)
            }
            LibRef::Global { path } if &**path == "Uint8Array" => {
                super::globals::new_bytes(args, span)
            }
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "`new` of this value cannot be evaluated statically",
                Some("use plain literals"),
            ),
        },
        Value::Opaque(_) => f,
        _ => opaque(
            span,
            codes::NOT_STATIC,
            "`new` cannot be evaluated statically here",
            Some("use plain literals"),
        ),
    }
}
