//! From definitions and builders to the schema IR (schema.md §2.4–§2.7), with the checks that
//! belong to construction: enum variants, JSON schema arguments, `indexOnly`, `slice`, the
//! legacy `table()` API, and the few globals (`Date`, `Uint8Array`, `Object.freeze`).

use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes, did_you_mean};
use crate::schema::enum_order::{is_collation_sensitive, sort_variants};
use crate::schema::{Column, JsonValue, MergeStrategy, Table, WasmSchema};
use crate::source::Span;

use super::builder::{BuilderState, Merge};
use super::date::{DateParse, date_utc, parse_date_string, time_clip};
use super::expr::to_number;
use super::module::{Evaluator, opaque};
use super::symbols::{ColumnSymbol, RefSite, TableSymbol};
use super::value::{AppValue, Object, TableDef, Value};

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
                Diagnostic::error(
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
    for (name, t) in &obj.props {
        let key_span = obj.key_span(name).unwrap_or(span);
        if name == "__proto__" {
            ev.push(
                Diagnostic::error(
                    codes::PROTO_TABLE,
                    "a table named `__proto__` silently disappears from the schema upstream",
                )
                .at(key_span)
                .help("rename the table"),
            );
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
                    Diagnostic::error(codes::NOT_STATIC, format!("table `{name}` must be `s.table({{…}})` or an object of columns, not {}", other.describe()))
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
        ev.push(Diagnostic::warning(codes::EMPTY_TABLE, "the schema has no tables").at(span));
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
    name_checks(ev, name, span, "table");
    for (cname, v) in &cols.props {
        let cspan = cols.key_span(cname).unwrap_or(span);
        if cname.starts_with('$') {
            let msg = format!(
                "Column name \"{cname}\" is reserved for magic columns. Names starting with \"$\" are reserved for system fields."
            );
            let suggestion = cname.trim_start_matches('$');
            let mut d = Diagnostic::error(codes::DOLLAR_COLUMN, msg.clone())
                .upstream(msg)
                .at(cspan);
            if !suggestion.is_empty() && !cols.props.iter().any(|(k, _)| k == suggestion) {
                d = d.help(format!("rename it, e.g. to `{suggestion}`")).fix(
                    format!("Rename to `{suggestion}`"),
                    cspan,
                    suggestion.to_owned(),
                );
            } else {
                d = d.help("rename the column");
            }
            ev.push(d);
            continue;
        }
        name_checks(ev, cname, cspan, "column");
        if cname == "id" {
            ev.push(
                Diagnostic::warning(
                    codes::ID_COLUMN,
                    "a column named `id` shadows the implicit row id",
                )
                .at(cspan)
                .help("rename the column, e.g. to `externalId`"),
            );
        }
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
                    col.default =
                        super::convert::convert_default(ev, &b.kind, b.nullable, dv, *dspan);
                }
                columns.push(col);
            }
            Value::Opaque(o) => ev.report_opaque(o),
            other => {
                let mut d = Diagnostic::error(
                    codes::NOT_STATIC,
                    format!(
                        "column `{cname}` must be a column builder such as `s.string()`, not {}",
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
        ev.push(
            Diagnostic::warning(codes::EMPTY_TABLE, format!("table `{name}` has no columns"))
                .at(span),
        );
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

fn name_checks(ev: &mut Evaluator<'_>, name: &str, span: Span, what: &str) {
    if name.is_empty() || name.contains('\0') {
        ev.push(
            Diagnostic::warning(codes::EMPTY_NAME, format!("{what} name is empty or contains NUL; the schema hash cannot tell such names apart"))
                .at(span)
                .help("use a non-empty name without NUL"),
        );
    }
}

fn check_index_name(ev: &mut Evaluator<'_>, c: &str, s: Span, cols: &Object) {
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
            Diagnostic::error(
                codes::INDEX_PROTO,
                format!(
                    "`indexOnly` names \"{c}\", which is an Object.prototype member, not a column"
                ),
            )
            .at(s)
            .note("upstream checks index names with the JS `in` operator, so it lets this through"),
        );
        return;
    }
    let msg = format!("table.indexOnly(...) references unknown column \"{c}\".");
    let mut d = Diagnostic::error(codes::INDEX_UNKNOWN, msg.clone())
        .upstream(msg)
        .at(s);
    if let Some(sugg) = did_you_mean(c, cols.props.iter().map(|(k, _)| k.as_str())) {
        d = d.help(format!("did you mean \"{sugg}\"?")).fix(
            format!("Replace with \"{sugg}\""),
            s,
            format!("\"{sugg}\""),
        );
    }
    ev.push(d);
}

/// JZ1016: `s.ref("t")` to a table the schema does not define.
fn check_refs(ev: &mut Evaluator<'_>, schema: &WasmSchema, def: &Object) {
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
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
            if names.contains(&target) {
                continue;
            }
            let target = target.to_owned();
            let mut d = Diagnostic::error(
                codes::UNKNOWN_REF,
                format!("`s.ref(\"{target}\")` references a table that does not exist"),
            )
            .at(span);
            if let Some(s) = did_you_mean(&target, names.iter().copied()) {
                d = d.help(format!("did you mean \"{s}\"?")).fix(
                    format!("Replace with \"{s}\""),
                    span,
                    format!("\"{s}\""),
                );
            } else {
                d = d.help(format!("the tables are: {}", names.join(", ")));
            }
            ev.push(d);
        }
    }
}

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
                            ev.push(Diagnostic::warning(codes::INDEX_DUPLICATE, format!("\"{name}\" is listed twice in `indexOnly`; duplicates are kept and change the schema hash")).at(*lspan));
                        }
                        seen.push(name.clone());
                        out.push((name, string_span(ev, *lspan, &s.text)));
                    }
                    other => {
                        ev.push(
                            Diagnostic::error(
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
                    Diagnostic::warning(codes::INDEX_EMPTY, "`indexOnly([])` indexes no column, which differs from not calling it (and changes the hash)")
                        .at(*lspan)
                        .help("remove the call to keep the default indexes"),
                );
            }
            out
        }
        Some((other, s)) => {
            ev.push(
                Diagnostic::error(
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
                Diagnostic::error(
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

/// `app.slice(...names)`.
pub fn slice(
    ev: &mut Evaluator<'_>,
    app: Rc<AppValue>,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    if args.is_empty() {
        let msg = "slice(...) requires at least one table name.";
        ev.push(
            Diagnostic::error(codes::SLICE_EMPTY, msg)
                .upstream(msg)
                .at(span),
        );
    }
    for (a, s) in &args {
        if let Value::Str(t) = a
            && !app.table_names.iter().any(|n| **n == *t.text)
        {
            let msg = format!("slice(...) references unknown table \"{}\".", t.text);
            let mut d = Diagnostic::error(codes::SLICE_UNKNOWN, msg.clone())
                .upstream(msg)
                .at(*s);
            if let Some(sugg) = did_you_mean(&t.text, app.table_names.iter().map(String::as_str)) {
                d = d.help(format!("did you mean \"{sugg}\"?")).fix(
                    format!("Replace with \"{sugg}\""),
                    *s,
                    format!("\"{sugg}\""),
                );
            }
            ev.push(d);
        }
    }
    Value::App(app)
}

/// `s.json(S)`: the JSON schema argument.
pub fn json_schema_arg(ev: &mut Evaluator<'_>, arg: Option<&(Value, Span)>) -> Option<JsonValue> {
    let (v, s) = arg?;
    match v {
        Value::Undefined | Value::Null => None,
        Value::Zod(z) => match super::zod::to_json_schema(z) {
            Ok(j) => Some(j),
            Err(e) => {
                ev.push(
                    Diagnostic::error(codes::ZOD_UNSUPPORTED, e.message)
                        .at(*s)
                        .help("write the JSON Schema as a plain object literal: `s.json({ type: \"object\", … })`"),
                );
                None
            }
        },
        Value::Object(_) => super::tojson::to_json(ev, v, *s),
        other => {
            let msg = "JSON schema must be an object or implement ~standard.jsonSchema.";
            ev.push(
                Diagnostic::error(codes::JSON_SCHEMA_INVALID, format!("{msg} Got {}.", other.describe()))
                    .upstream(msg)
                    .at(*s)
                    .help("pass a JSON Schema object such as `{ type: \"object\" }`, a zod schema, or nothing"),
            );
            None
        }
    }
}

/// `s.enum(...)`: validates and orders variants (schema.md §3.8, JZ1020–JZ1024).
pub fn enum_variants(ev: &mut Evaluator<'_>, args: &[(Value, Span)], span: Span) -> Vec<String> {
    if args.is_empty() {
        let msg = "Enum columns require at least one variant.";
        ev.push(
            Diagnostic::error(codes::ENUM_EMPTY, msg)
                .upstream(msg)
                .at(span)
                .help("list the variants: `s.enum(\"a\", \"b\")`"),
        );
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
        let mut d = Diagnostic::error(
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
    for (v, s) in args {
        match v {
            Value::Str(x) => {
                if x.text.is_empty() {
                    let msg = "Enum variants cannot be empty strings.";
                    ev.push(
                        Diagnostic::error(codes::ENUM_EMPTY_VARIANT, msg)
                            .upstream(msg)
                            .at(*s),
                    );
                } else if variants.contains(&x.text.to_string()) {
                    let msg = "Enum variants must be unique.";
                    ev.push(
                        Diagnostic::error(
                            codes::ENUM_DUPLICATE,
                            format!("duplicate enum variant \"{}\"", x.text),
                        )
                        .upstream(msg)
                        .at(*s)
                        .help("remove the duplicate"),
                    );
                } else if x.lone_surrogate {
                    ev.push(
                        Diagnostic::error(codes::LONE_SURROGATE, "this string contains an unpaired UTF-16 surrogate, which the server rejects")
                            .at(*s)
                            .help("use a complete character"),
                    );
                } else {
                    variants.push(x.text.to_string());
                }
            }
            other => ev.push(
                Diagnostic::error(
                    codes::ENUM_NOT_STRING,
                    format!("enum variants must be strings, not {}", other.describe()),
                )
                .at(*s),
            ),
        }
    }
    if is_collation_sensitive(&variants) {
        let sev_err = !crate::schema::enum_order::root_collation_available();
        let d = Diagnostic::warning(codes::ENUM_COLLATION, "this enum's stored order depends on collation: a client on a machine with another locale may order the variants differently")
            .at(span)
            .note("rows store an enum value as its index in the sorted variant list")
            .help("use lowercase ASCII variants, or declare them already sorted");
        ev.push(if sev_err {
            d.with_severity(crate::diagnostics::Severity::Error)
        } else {
            d
        });
    }
    sort_variants(&variants)
}

/// Legacy `table(name, columns, permissions?)` at module scope.
pub fn legacy_table(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    ev.push(
        Diagnostic::warning(codes::LEGACY_TABLE, "`table(name, columns)` is the deprecated side-effect API")
            .at(span)
            .help("export a definition instead: `export const app = s.defineApp({ name: s.table({...}) })`"),
    );
    if let Some((_, s)) = args.get(2) {
        let msg = "Inline table permissions are no longer supported in schema.ts. Define policies in permissions.ts with definePermissions(...).";
        ev.push(
            Diagnostic::error(codes::LEGACY_TABLE_PERMISSIONS, msg)
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
                let is_array = matches!(b.kind, super::builder::ColKind::Array { .. });
                if b.kind.references().is_some() {
                    let ok = if is_array {
                        k.ends_with("_ids") || k.ends_with("Ids")
                    } else {
                        k.ends_with("_id") || k.ends_with("Id")
                    };
                    if !ok {
                        let msg = if is_array {
                            format!(
                                "Invalid array reference key '{k}'. Rename it to '{k}_ids' or '{k}Ids'."
                            )
                        } else {
                            format!(
                                "Invalid reference key '{k}'. Rename it to '{k}_id' or '{k}Id'."
                            )
                        };
                        ev.push(
                            Diagnostic::error(codes::LEGACY_REF_NAME, msg.clone())
                                .upstream(msg)
                                .at(ks),
                        );
                    }
                }
            }
            ev.legacy_tables
                .push((name.text.to_string(), cols.clone(), span));
        }
        _ => ev.push(
            Diagnostic::error(
                codes::NOT_STATIC,
                "`table(name, columns)` needs a table name and an object of columns",
            )
            .at(span),
        ),
    }
    Value::Undefined
}

/// Calls of globals: `Date.UTC`, `Date.parse`, `Date.now`, `Uint8Array.of/from`, `Object.freeze`.
pub fn call_global(
    ev: &mut Evaluator<'_>,
    path: &str,
    args: Vec<(Value, Span)>,
    span: Span,
) -> Value {
    match path {
        "Object.freeze" => args
            .into_iter()
            .next()
            .map(|a| a.0)
            .unwrap_or(Value::Undefined),
        "Date.UTC" => {
            let nums: Option<Vec<f64>> = args.iter().map(|(v, _)| to_number(v)).collect();
            match nums {
                Some(n) => Value::Num(date_utc(&n)),
                None => opaque(
                    span,
                    codes::NOT_STATIC,
                    "`Date.UTC` with arguments that cannot be evaluated",
                    None,
                ),
            }
        }
        "Date.parse" => match args.first() {
            Some((Value::Str(s), sspan)) => match date_from_string(ev, &s.text, *sspan) {
                Some(ms) => Value::Num(ms),
                None => super::module::silent(*sspan),
            },
            _ => opaque(
                span,
                codes::BAD_DATE,
                "`Date.parse` needs an ISO date string",
                None,
            ),
        },
        "Date.now" | "Date" => opaque(
            span,
            codes::BAD_DATE,
            "the current time is different on every run, so the schema would be too",
            Some(
                "write a fixed instant: `new Date(\"2026-01-01T00:00:00Z\")` or a millisecond number",
            ),
        ),
        "Uint8Array.of" => bytes_from(args.iter().map(|a| &a.0), span),
        "Uint8Array.from" => match args.first() {
            Some((Value::Array(items), _)) => bytes_from(items.iter(), span),
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "`Uint8Array.from` needs an array literal",
                None,
            ),
        },
        "Object.assign" => {
            if let Some((Value::Object(_), s)) = args.first() {
                ev.push(Diagnostic::error(codes::MUTATION, "`Object.assign` mutates its target; jazz evaluates the schema from its literals only").at(*s).help("build the object in one literal with spreads: `{ ...a, ...b }`"));
            }
            opaque(
                span,
                codes::MUTATION,
                "`Object.assign` is not evaluated",
                Some("use `{ ...a, ...b }`"),
            )
        }
        p if p.starts_with("Object.") => opaque(
            span,
            codes::NOT_STATIC,
            format!("`{p}` cannot be evaluated statically"),
            Some("write the object out, or combine parts with `...spread`"),
        ),
        p => opaque(
            span,
            codes::NON_DSL_CALL,
            format!("`{p}(…)` is not part of the statically evaluable subset"),
            Some("inline the value"),
        ),
    }
}

fn bytes_from<'v>(items: impl Iterator<Item = &'v Value>, span: Span) -> Value {
    let mut out = Vec::new();
    for v in items {
        match to_number(v) {
            Some(n) => out.push(to_uint8(n)),
            None => return opaque(span, codes::NOT_STATIC, "byte values must be numbers", None),
        }
    }
    Value::Bytes(Rc::new(out))
}

/// ToUint8: truncate, then modulo 256 (`256 → 0`, `-1 → 255`, `1.7 → 1`).
pub fn to_uint8(n: f64) -> u8 {
    if !n.is_finite() {
        return 0;
    }
    let t = n.trunc().rem_euclid(256.0);
    t as u8
}

/// `new Uint8Array(...)`.
pub fn new_bytes(args: Vec<(Value, Span)>, span: Span) -> Value {
    match args.first() {
        None => Value::Bytes(Rc::new(Vec::new())),
        Some((Value::Array(items), _)) => bytes_from(items.iter(), span),
        Some((Value::Num(n), _))
            if n.is_finite() && *n >= 0.0 && *n <= 65_536.0 && n.fract() == 0.0 =>
        {
            Value::Bytes(Rc::new(vec![0; *n as usize]))
        }
        Some((Value::Bytes(b), _)) => Value::Bytes(b.clone()),
        Some((_, s)) => opaque(
            *s,
            codes::NOT_STATIC,
            "`new Uint8Array` needs an array literal or a small length",
            None,
        ),
    }
}

/// `new Date(...)` (schema.md §3.6).
pub fn new_date(ev: &mut Evaluator<'_>, args: Vec<(Value, Span)>, span: Span) -> Value {
    match args.as_slice() {
        [] => opaque(
            span,
            codes::BAD_DATE,
            "`new Date()` is the current time, which differs on every run",
            Some("write a fixed instant: `new Date(\"2026-01-01T00:00:00Z\")`"),
        ),
        [(Value::Num(n), _)] => Value::Date(time_clip(*n)),
        [(Value::Date(d), _)] => Value::Date(*d),
        [(Value::Str(s), sspan)] => match date_from_string(ev, &s.text, *sspan) {
            Some(ms) => Value::Date(ms),
            None => super::module::silent(*sspan),
        },
        [_, _, ..] => opaque(
            span,
            codes::BAD_DATE,
            "`new Date(year, month, …)` uses the machine's local time zone",
            Some("use `new Date(Date.UTC(year, month, …))` or an ISO string ending in `Z`"),
        ),
        [(other, s)] => opaque(
            *s,
            codes::BAD_DATE,
            format!(
                "`new Date` of {} cannot be evaluated statically",
                other.describe()
            ),
            None,
        ),
    }
}

/// Parses a date string, reporting JZ0104 (and the JZ1061 rollover warning) itself.
fn date_from_string(ev: &mut Evaluator<'_>, s: &str, span: Span) -> Option<f64> {
    match parse_date_string(s) {
        DateParse::Ms { ms, rolled_over } => {
            if rolled_over {
                ev.push(Diagnostic::warning(codes::DEFAULT_TIMESTAMP, format!("\"{s}\" names a day past the end of its month; it rolls over into the next month")).at(span));
            }
            Some(ms)
        }
        DateParse::NoOffset => {
            ev.push(
                Diagnostic::error(codes::BAD_DATE, format!("\"{s}\" has no time zone offset, so upstream reads it in the machine's local time zone"))
                    .at(span)
                    .help("append `Z` for UTC")
                    .fix("Append `Z` (UTC)", Span::new(span.file, span.range.end.saturating_sub(1), span.range.end.saturating_sub(1)), "Z"),
            );
            None
        }
        DateParse::Invalid => {
            ev.push(
                Diagnostic::error(
                    codes::BAD_DATE,
                    format!(
                        "\"{s}\" is not an ISO 8601 date; JS engines parse such strings differently"
                    ),
                )
                .at(span)
                .help("write an ISO date such as \"2026-01-01\" or \"2026-01-01T00:00:00Z\""),
            );
            None
        }
    }
}
