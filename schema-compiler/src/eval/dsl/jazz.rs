//! Calls of jazz-tools functions: the column builders of `s` / `col`, `s.table`, the legacy
//! `table()`, `defineSchema`, `defineApp` / `defineSliceableApp` (which build the schema now),
//! `definePermissions` (captured for the permissions phase) and `defineMigration`.

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::eval::build;
use crate::eval::column_builder::{BuilderState, ColKind, Fingerprint};
use crate::eval::module::{Binding, Evaluator, opaque, silent};
use crate::eval::value::{AppValue, BuilderId, PermissionsDef, TableDef, Value};
use crate::schema::ColumnKind;
use crate::source::Span;

use super::{check_args, extra_args};

fn new_builder(ev: &mut Evaluator<'_>, kind: ColKind, span: Span) -> Value {
    ev.builders.push(Rc::new(BuilderState::new(kind, span)));
    Value::Builder(BuilderId(ev.builders.len() - 1))
}

pub(super) fn call_jazz(
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
    if let Some(kind) = ColumnKind::from_dsl_name(name) {
        return column(ev, kind, &args, span);
    }
    match name {
        "table" if legacy => build::legacy_table(ev, args, span),
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
                    Diagnostic::new(
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
                    Diagnostic::new(codes::NOT_STATIC, "`s.table()` needs an object of columns")
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
                    Diagnostic::new(
                        codes::NOT_STATIC,
                        format!("`{name}()` needs the schema definition"),
                    )
                    .at(span),
                );
                return silent(span);
            };
            let Some(schema) = build::build_definition(ev, def, *def_span) else {
                return silent(span);
            };
            let frozen = collect_builders(ev, def);
            ev.symbols.add_app(span);
            let app = Rc::new(AppValue {
                table_names: schema.tables.iter().map(|t| t.name.clone()).collect(),
                schema: std::sync::Arc::new(schema),
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

/// A column constructor call (`s.string()`, `s.ref("t")`...): a new builder, or a silent
/// value when its arguments say nothing usable (reported here).
fn column(ev: &mut Evaluator<'_>, kind: ColumnKind, args: &[(Value, Span)], span: Span) -> Value {
    let name = kind.dsl_name();
    let builder = |ev: &mut Evaluator<'_>, kind: ColKind, max: usize| {
        extra_args(ev, name, args, max);
        new_builder(ev, kind, span)
    };
    match kind {
        ColumnKind::String => builder(ev, ColKind::Text, 0),
        ColumnKind::Boolean => builder(ev, ColKind::Boolean, 0),
        ColumnKind::Int => builder(ev, ColKind::Integer, 0),
        ColumnKind::Float => builder(ev, ColKind::Double, 0),
        ColumnKind::Timestamp => builder(ev, ColKind::Timestamp, 0),
        ColumnKind::Bytes => builder(ev, ColKind::Bytea, 0),
        ColumnKind::Json => {
            if matches!(args.first(), Some((Value::Zod(_), _))) && !ev.zod_columns.contains(&span) {
                ev.zod_columns.push(span);
            }
            let schema = build::json_schema_arg(ev, args.first());
            builder(ev, ColKind::Json { schema }, 1)
        }
        ColumnKind::Enum => {
            let variants = build::enum_variants(ev, args, span);
            new_builder(ev, ColKind::Enum { variants }, span)
        }
        ColumnKind::Ref => match args.first() {
            Some((Value::Str(t), tspan)) => {
                let k = ColKind::Ref {
                    table: String::from(&*t.text),
                    span: *tspan,
                };
                builder(ev, k, 1)
            }
            Some((other, s)) => {
                ev.push(
                    Diagnostic::new(
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
                    Diagnostic::new(
                        codes::NOT_STATIC,
                        "`s.ref()` needs the name of the referenced table",
                    )
                    .at(span)
                    .help("write `s.ref(\"table\")`"),
                );
                silent(span)
            }
        },
        ColumnKind::Array => match args.first() {
            Some((Value::Builder(id), _)) => {
                let Some(inner) = ev.builders.get(id.0).cloned() else {
                    return opaque(span, codes::INTERNAL, "unknown builder", None);
                };
                if let Some(m) = inner.modified {
                    ev.push(
                        Diagnostic::new(
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
                        element: Box::new(inner.kind.clone()),
                    },
                    1,
                )
            }
            Some((other, s)) => {
                ev.push(
                    Diagnostic::new(
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
                    Diagnostic::new(codes::NOT_STATIC, "`s.array()` needs an element builder")
                        .at(span)
                        .help("write e.g. `s.array(s.string())`"),
                );
                silent(span)
            }
        },
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
            Binding::Value(v) => Some((k.clone(), v.clone())),
            Binding::Uninit => None,
        })
        .collect();
    scope.sort_by(|a, b| a.0.cmp(&b.0));
    let mut env_inits: Vec<(Rc<str>, super::super::value::EnvInit)> = ev
        .env_inits
        .iter()
        .filter(|(k, _)| matches!(ev.scope.get(*k), Some(Binding::Value(_))))
        .map(|(k, e)| (k.clone(), e.clone()))
        .collect();
    env_inits.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Permissions(Rc::new(PermissionsDef {
        app,
        app_span,
        factory,
        factory_span,
        span,
        scope,
        env_inits,
    }))
}

/// The builders a definition uses, with their state now (for JZ1072).
fn collect_builders(ev: &Evaluator<'_>, def: &Value) -> Vec<(BuilderId, Fingerprint)> {
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
                out.push((*id, b.fingerprint()));
            }
        }
    }
    out
}
