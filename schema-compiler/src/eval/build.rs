//! From definitions and builders to the schema IR: tables, columns, `s.ref` targets, `slice`,
//! and the legacy `table()` API. The arguments of `s.json`/`s.enum` are read in
//! `column_args`, `indexOnly` in `indexes`, `.default(v)` values in `defaults`; the JS globals
//! (`Date`, `Uint8Array`, `Object.freeze`) live in `eval::globals`. The rules about names,
//! refs, index lists, enum variants and default values are `schema::checks`, called here as
//! each fact is read; what is reported here itself is about the JS values written (a table
//! that is no object, a column that is no builder) or the legacy call.

mod column_args;
mod defaults;
mod indexes;

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::schema::checks;
use crate::schema::{Column, MergeStrategy, Table, WasmSchema};
use crate::source::Span;

use super::column_builder::{BuilderState, ColKind, Merge};
use super::module::Evaluator;
use super::symbols::{ColumnSymbol, Discarded, RefSite, TableSymbol};
use super::value::{AppValue, Object, Overwritten, Value};

pub use column_args::{enum_variants, json_schema_arg};
use indexes::check_index_name;
pub use indexes::index_only;

/// Builds a WasmSchema from a definition object now (defineApp, or at the end of evaluation).
pub fn build_definition(ev: &mut Evaluator<'_>, def: &Value, span: Span) -> Option<WasmSchema> {
    let obj = match def {
        Value::Object(o) => o.clone(),
        Value::Opaque(o) => {
            ev.report_opaque(o);
            return None;
        }
        other => {
            ev.push(
                Diagnostic::new(
                    codes::NOT_STATIC,
                    format!(
                        "the schema definition must be an object of tables, not {}",
                        other.describe()
                    ),
                )
                .at(span),
            );
            return None;
        }
    };
    let mut schema = WasmSchema::default();
    for o in &obj.overwritten {
        let first = ev.symbols.add_discarded(Discarded {
            table: o.key.clone(),
            column: None,
            earlier: o.earlier,
            later: o.later,
        });
        if first {
            ev.push(overwritten(
                o,
                "table",
                &format!("table `{}`", quoted_name(&o.key)),
            ));
        }
    }
    for (name, t) in &obj.props {
        let key_span = obj.key_span(name).unwrap_or(span);
        if name == "__proto__" {
            ev.push(checks::proto_table(key_span));
            continue;
        }
        ev.symbols.add_table(TableSymbol {
            name: name.clone(),
            key: key_span,
            body: match t {
                Value::Table(t) => Some(t.span),
                _ => None,
            },
        });
        let (cols, indexed) = match t {
            Value::Table(t) => (t.columns.clone(), t.indexed.clone()),
            Value::Object(c) => (c.clone(), None),
            Value::Opaque(o) => {
                ev.report_opaque(o);
                continue;
            }
            other => {
                ev.push(
                    Diagnostic::new(
                        codes::NOT_STATIC,
                        format!(
                            "table `{}` must be `s.table({{…}})` or an object of columns, not {}",
                            quoted_name(name),
                            other.describe()
                        ),
                    )
                    .at(key_span),
                );
                continue;
            }
        };
        if let Some(table) = build_table(ev, name, key_span, &cols, indexed) {
            schema.tables.push(table);
        }
    }
    if obj.props.is_empty() {
        ev.push(checks::empty_schema(span));
    }
    check_refs(ev, &schema, &obj);
    Some(schema)
}

pub(super) fn build_table(
    ev: &mut Evaluator<'_>,
    name: &str,
    span: Span,
    cols: &Object,
    indexed: Option<Vec<(String, Span)>>,
) -> Option<Table> {
    let mut columns = Vec::with_capacity(cols.props.len());
    ev.extend(checks::name("table", name, span));
    for o in &cols.overwritten {
        let first = ev.symbols.add_discarded(Discarded {
            table: name.to_owned(),
            column: Some(o.key.clone()),
            earlier: o.earlier,
            later: o.later,
        });
        if first {
            let what = format!(
                "column `{}` of table `{}`",
                quoted_name(&o.key),
                quoted_name(name)
            );
            ev.push(overwritten(o, "column", &what));
        }
    }
    for (cname, v) in &cols.props {
        let cspan = cols.key_span(cname).unwrap_or(span);
        if let Some(d) = checks::dollar_column(cname, cspan, |n| cols.get(n).is_some()) {
            ev.push(d);
            continue;
        }
        ev.extend(checks::name("column", cname, cspan));
        ev.extend(checks::id_column(cname, cspan));
        match v {
            Value::Builder(id) => {
                let Some(b) = ev.builders.get(id.0).cloned() else {
                    continue;
                };
                record_column(ev, name, cname, cspan, &b);
                let mut col = Column::new(cname.clone(), b.kind.column_type());
                col.nullable = b.nullable;
                col.references = b.kind.references().map(|(t, _)| t.to_owned());
                col.merge_strategy = b.merge.map(|(m, _)| match m {
                    Merge::Counter => MergeStrategy::Counter,
                });
                if let Some((dv, dspan)) = &b.default {
                    col.default = defaults::convert_default(ev, &b.kind, b.nullable, dv, *dspan);
                }
                columns.push(col);
            }
            Value::Opaque(o) => ev.report_opaque(o),
            other => {
                let mut d = Diagnostic::new(
                    codes::NOT_STATIC,
                    format!(
                        "column `{}` must be a column builder such as `s.string()`, not {}",
                        quoted_name(cname),
                        other.describe()
                    ),
                )
                .at(cspan);
                if matches!(other, Value::Table(_)) {
                    d = d.help("tables cannot be nested inside tables");
                }
                ev.push(d);
            }
        }
    }
    if columns.is_empty() && cols.props.is_empty() {
        ev.push(checks::empty_table(name, span));
    }
    let indexed_columns = indexed.map(|list| {
        for (c, s) in &list {
            check_index_name(ev, c, *s, cols);
        }
        list.into_iter().map(|(c, _)| c).collect()
    });
    Some(Table {
        name: name.to_owned(),
        columns,
        indexed_columns,
    })
}

/// JZ1086 for a key the object literal `o` repeats.
fn overwritten(o: &Overwritten, kind: &str, what: &str) -> Diagnostic {
    checks::defined_twice(kind, what, o.earlier, o.later)
}

/// Records a column's definition site, and its `s.ref` site if it has one.
fn record_column(ev: &mut Evaluator<'_>, table: &str, name: &str, key: Span, b: &BuilderState) {
    ev.symbols.add_column(ColumnSymbol {
        table: table.to_owned(),
        name: name.to_owned(),
        key,
        builder: b.span,
    });
    if let Some((target, span)) = b.kind.references() {
        ev.symbols.add_ref(RefSite {
            table: target.to_owned(),
            span,
            column: (table.to_owned(), name.to_owned()),
        });
    }
}

/// JZ1016: `s.ref("t")` to a table the schema does not define.
fn check_refs(ev: &mut Evaluator<'_>, schema: &WasmSchema, def: &Object) {
    let tables = checks::TableNames::new(schema.tables.iter().map(|t| t.name.as_str()));
    for (_, t) in &def.props {
        let cols = match t {
            Value::Table(t) => t.columns.clone(),
            Value::Object(c) => c.clone(),
            _ => continue,
        };
        for (_, c) in &cols.props {
            let Value::Builder(id) = c else { continue };
            let Some(b) = ev.builders.get(id.0) else {
                continue;
            };
            let Some((target, span)) = b.kind.references() else {
                continue;
            };
            if let Some(d) = checks::ref_target(target, span, &tables) {
                ev.push(d);
            }
        }
    }
}

/// `app.slice(...names)`.
pub fn slice(
    ev: &mut Evaluator<'_>,
    app: Rc<AppValue>,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    if args.is_empty() {
        ev.push(checks::slice_empty(span));
    }
    for (a, s) in &args {
        if let Value::Str(t) = a {
            ev.extend(checks::slice_table(&t.text, *s, &app.table_names));
        }
    }
    Value::App(app)
}

/// Legacy `table(name, columns, permissions?)` at module scope.
pub fn legacy_table(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    ev.push(
        Diagnostic::new(codes::LEGACY_TABLE, "`table(name, columns)` is the deprecated side-effect API")
            .at(span)
            .help("export a definition instead: `export const app = s.defineApp({ name: s.table({...}) })`"),
    );
    if let Some((_, s)) = args.get(2) {
        let msg = "Inline table permissions are no longer supported in schema.ts. Define policies in permissions.ts with definePermissions(...).";
        ev.push(
            Diagnostic::new(codes::LEGACY_TABLE_PERMISSIONS, msg)
                .upstream(msg)
                .at(*s),
        );
    }
    match (args.first(), args.get(1)) {
        (Some((Value::Str(name), _)), Some((cols @ Value::Object(o), cspan))) => {
            for (k, v) in &o.props {
                let Value::Builder(id) = v else { continue };
                let Some(b) = ev.builders.get(id.0) else {
                    continue;
                };
                let ks = o.key_span(k).unwrap_or(*cspan);
                let is_array = matches!(b.kind, ColKind::Array { .. });
                if b.kind.references().is_some()
                    && let Some(d) = checks::legacy_ref_key(k, is_array, ks)
                {
                    ev.push(d);
                }
            }
            ev.legacy_tables
                .push((String::from(&*name.text), cols.clone(), span));
        }
        _ => ev.push(
            Diagnostic::new(
                codes::NOT_STATIC,
                "`table(name, columns)` needs a table name and an object of columns",
            )
            .at(span),
        ),
    }
    Value::Undefined
}
