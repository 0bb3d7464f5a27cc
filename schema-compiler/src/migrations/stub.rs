//! The stub renderer: the file `jazz migrations create` writes for an edge
//! that needs a reviewed migration. It means exactly what upstream's stub means (sections,
//! keys, calls, TODO texts, rename hints) in a prettier-like layout. Never a heuristic
//! default, never `s.renameFrom`, never draft.

use crate::diagnostics::Diagnostic;
use crate::schema::enum_order::sort_variants;
use crate::schema::json::{JsonValue, number_to_js_string, write_js_string};
use crate::schema::{Column, ColumnKind, ColumnType, MergeStrategy, SchemaHash, Table, WasmSchema};

use super::codes;
use super::diff::{same_identity, table_eq, table_sets};

type Render<T> = Result<T, Box<Diagnostic>>;

fn unsupported(what: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(
        codes::STUB_UNSUPPORTED,
        format!("Migration stub generation does not yet support {what}."),
    ))
}

/// A key: bare when an ASCII identifier, else a JSON string; `__proto__` is refused.
pub fn key(name: &str) -> Render<String> {
    if name == "__proto__" {
        return Err(Box::new(Diagnostic::new(
            codes::STUB_UNSUPPORTED,
            "Migration stub generation does not support the name \"__proto__\".",
        )));
    }
    let mut chars = name.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    Ok(if ident { name.to_owned() } else { lit(name) })
}

/// A JSON-escaped string literal.
pub fn lit(s: &str) -> String {
    let mut out = String::new();
    write_js_string(&mut out, s);
    out
}

/// A JSON-Schema value as an inline JS literal.
fn js_literal(v: &JsonValue) -> Render<String> {
    Ok(match v {
        JsonValue::Null => "null".into(),
        JsonValue::Bool(b) => b.to_string(),
        JsonValue::Number(n) => number_to_js_string(*n),
        JsonValue::String(s) => lit(s),
        JsonValue::Array(items) => {
            let parts: Render<Vec<String>> = items.iter().map(js_literal).collect();
            format!("[{}]", parts?.join(", "))
        }
        JsonValue::Object(m) if m.is_empty() => "{}".into(),
        JsonValue::Object(m) => {
            let parts: Render<Vec<String>> = m
                .iter()
                .map(|(k, v)| Ok(format!("{}: {}", key(k)?, js_literal(v)?)))
                .collect();
            format!("{{ {} }}", parts?.join(", "))
        }
    })
}

/// The constructor that produces a column of type `t`, or the stub error for a type no DSL
/// call produces.
fn kind_of(t: &ColumnType) -> Render<ColumnKind> {
    ColumnKind::of_type(t).ok_or_else(|| match t {
        ColumnType::BigInt => unsupported("BIGINT columns"),
        _ => unsupported("row-valued columns"),
    })
}

/// `B(col)`: the witness builder of a type (refs inherited by array elements).
fn builder(t: &ColumnType, references: Option<&str>) -> Render<String> {
    let kind = kind_of(t)?;
    let name = kind.dsl_name();
    Ok(match (kind, t) {
        (ColumnKind::Json, ColumnType::Json { schema: Some(j) }) => {
            format!("s.{name}({})", js_literal(j)?)
        }
        (ColumnKind::Enum, ColumnType::Enum { variants }) => {
            format!("s.{name}({})", variant_list(variants))
        }
        (ColumnKind::Ref, _) => match references {
            Some(r) => format!("s.{name}({})", lit(r)),
            None => return Err(unsupported("bare UUID columns")),
        },
        (ColumnKind::Array, ColumnType::Array(e)) => {
            format!("s.{name}({})", builder(e, references)?)
        }
        // `Json` without a schema; `kind_of` gives `t`'s own kind, so no other pair occurs.
        (
            ColumnKind::String
            | ColumnKind::Boolean
            | ColumnKind::Int
            | ColumnKind::Float
            | ColumnKind::Timestamp
            | ColumnKind::Bytes
            | ColumnKind::Json
            | ColumnKind::Enum
            | ColumnKind::Array,
            _,
        ) => format!("s.{name}()"),
    })
}

fn variant_list(variants: &[String]) -> String {
    variants
        .iter()
        .map(|v| lit(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A witness column: `B(col)`, then `.optional()`, then `.merge("counter")`.
fn witness_column(c: &Column) -> Render<String> {
    let mut out = builder(&c.column_type, c.references.as_deref())?;
    if c.nullable {
        out.push_str(".optional()");
    }
    match c.merge_strategy {
        Some(MergeStrategy::Counter) => out.push_str(".merge(\"counter\")"),
        Some(MergeStrategy::GSet) => return Err(unsupported("GSet merge strategies")),
        None => {}
    }
    Ok(out)
}

/// The add (`drop == false`) or drop op of a column, with `D = null`.
fn column_op(c: &Column, drop: bool) -> Render<String> {
    let (verb, dkey) = if drop {
        ("drop", "backwardsDefault")
    } else {
        ("add", "default")
    };
    let opts = format!("{{ {dkey}: null }}");
    let kind = kind_of(&c.column_type)?;
    let name = kind.dsl_name();
    Ok(match (kind, &c.column_type) {
        (ColumnKind::Json, ColumnType::Json { schema: Some(j) }) => format!(
            "s.{verb}.{name}({{ {dkey}: null, schema: {} }})",
            js_literal(j)?
        ),
        (ColumnKind::Enum, ColumnType::Enum { variants }) => {
            format!("s.{verb}.{name}({}, {opts})", variant_list(variants))
        }
        (ColumnKind::Ref, _) => format!(
            "s.{verb}.{name}({}, {opts})",
            lit(c.references.as_deref().unwrap_or("TODO_TABLE"))
        ),
        (ColumnKind::Array, ColumnType::Array(e)) => format!(
            "s.{verb}.{name}({{ of: {}, {dkey}: null }})",
            builder(e, c.references.as_deref())?
        ),
        // As in `builder`: `Json` without a schema, and no mismatched pair.
        (
            ColumnKind::String
            | ColumnKind::Boolean
            | ColumnKind::Int
            | ColumnKind::Float
            | ColumnKind::Timestamp
            | ColumnKind::Bytes
            | ColumnKind::Json
            | ColumnKind::Enum
            | ColumnKind::Array,
            _,
        ) => format!("s.{verb}.{name}({opts})"),
    })
}

/// One per-table block of `migrate`: comments, then properties.
fn table_block(ft: &Table, tt: &Table) -> Render<(Vec<String>, Vec<String>)> {
    let rem: Vec<&Column> = ft
        .columns
        .iter()
        .filter(|c| tt.column(&c.name).is_none())
        .collect();
    let add: Vec<&Column> = tt
        .columns
        .iter()
        .filter(|c| ft.column(&c.name).is_none())
        .collect();
    let mut comments = Vec::new();
    let mut props = Vec::new();
    if let ([o], [n]) = (rem.as_slice(), add.as_slice())
        && same_identity(o, n)
    {
        comments.push(format!(
            "Possible rename detected: {} -> {}.",
            lit(&o.name),
            lit(&n.name)
        ));
    }
    for c in &add {
        if c.nullable {
            props.push(format!("{}: {},", key(&c.name)?, column_op(c, false)?));
        } else {
            comments.push(format!(
                "Added required column {} needs an explicit default.",
                lit(&c.name)
            ));
        }
    }
    for c in &rem {
        if c.nullable {
            props.push(format!("{}: {},", key(&c.name)?, column_op(c, true)?));
        } else {
            comments.push(format!(
                "Removed required column {} needs an explicit backwardsDefault.",
                lit(&c.name)
            ));
        }
    }
    if comments.is_empty() && props.is_empty() {
        comments.push("No safe migration steps were inferred automatically.".into());
    }
    Ok((comments, props))
}

struct Out(String);

impl Out {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
        self.0.push('\n');
    }
}

fn witness(out: &mut Out, name: &str, schema: &WasmSchema, tables: &[String]) -> Render<()> {
    if tables.is_empty() {
        out.line(1, &format!("{name}: {{}},"));
        return Ok(());
    }
    out.line(1, &format!("{name}: {{"));
    for t in sort_variants(tables) {
        let Some(table) = schema.table(&t) else {
            continue;
        };
        if table.columns.is_empty() {
            out.line(2, &format!("{}: s.table({{}}),", key(&t)?));
            continue;
        }
        out.line(2, &format!("{}: s.table({{", key(&t)?));
        for c in &table.columns {
            out.line(3, &format!("{}: {},", key(&c.name)?, witness_column(c)?));
        }
        out.line(2, "}),");
    }
    out.line(1, "},");
    Ok(())
}

/// Renders the stub for the edge `from -> to`. Errors are JZ3401; nothing should
/// be written then.
pub fn render_stub(
    from: &WasmSchema,
    from_hash: &SchemaHash,
    to: &WasmSchema,
    to_hash: &SchemaHash,
) -> Render<String> {
    let (added, removed, renames) = table_sets(from, to);
    let creates: Vec<&String> = added
        .iter()
        .filter(|n| !renames.iter().any(|(_, t)| t == *n))
        .collect();
    let drops: Vec<&String> = removed
        .iter()
        .filter(|o| !renames.iter().any(|(s, _)| s == *o))
        .collect();
    let mut blocks = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    for ft in &from.tables {
        let Some(tt) = to.table(&ft.name) else {
            continue;
        };
        if table_eq(ft, tt) {
            continue;
        }
        changed.push(ft.name.clone());
        blocks.push((ft.name.clone(), table_block(ft, tt)?));
    }
    let mut from_w: Vec<String> = changed.clone();
    from_w.extend(drops.iter().map(|s| (*s).clone()));
    from_w.extend(renames.iter().map(|(o, _)| o.clone()));
    let mut to_w: Vec<String> = changed;
    to_w.extend(creates.iter().map(|s| (*s).clone()));
    to_w.extend(renames.iter().map(|(_, n)| n.clone()));

    let mut out = Out(String::new());
    out.line(0, "import { schema as s } from \"jazz-tools\";");
    out.line(0, "");
    out.line(0, "export default s.defineMigration({");
    if !renames.is_empty() {
        out.line(1, "renameTables: {");
        for (o, n) in &renames {
            out.line(2, &format!("{}: s.renameTableFrom({}),", key(n)?, lit(o)));
        }
        out.line(1, "},");
    }
    for (section, names) in [("createTables", &creates), ("dropTables", &drops)] {
        if !names.is_empty() {
            out.line(1, &format!("{section}: {{"));
            for n in names.iter() {
                out.line(2, &format!("{}: true,", key(n)?));
            }
            out.line(1, "},");
        }
    }
    if !blocks.is_empty() {
        out.line(1, "migrate: {");
        for (t, (comments, props)) in &blocks {
            out.line(2, &format!("{}: {{", key(t)?));
            for c in comments {
                out.line(3, &format!("// TODO: {c}"));
            }
            for p in props {
                out.line(3, p);
            }
            out.line(2, "},");
        }
        out.line(1, "},");
    } else if renames.is_empty() && creates.is_empty() && drops.is_empty() {
        let any_diff =
            from.tables.len() != to.tables.len() || !added.is_empty() || !removed.is_empty();
        let text = if any_diff {
            "No column-level migration steps were required for the detected schema changes."
        } else {
            "No schema differences were detected."
        };
        out.line(1, "migrate: {");
        out.line(2, &format!("// TODO: {text}"));
        out.line(1, "},");
    }
    out.line(1, &format!("fromHash: {},", lit(&from_hash.short())));
    out.line(1, &format!("toHash: {},", lit(&to_hash.short())));
    witness(&mut out, "from", from, &from_w)?;
    witness(&mut out, "to", to, &to_w)?;
    out.line(0, "});");
    Ok(out.0)
}
