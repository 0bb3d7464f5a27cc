//! The upstream policy JSON: IR → [`JsonValue`] with upstream's key order.
//! Compact text is what `deploy` sends; `--json` writes the same value pretty-printed.

use crate::schema::json::{JsonValue, stringify, stringify_pretty};

use super::ir::{Expr, Lit, PValue, Policy, Slot};

fn obj(members: Vec<(&str, JsonValue)>) -> JsonValue {
    JsonValue::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn s(text: &str) -> JsonValue {
    JsonValue::String(text.to_owned())
}

fn path(p: &[String]) -> JsonValue {
    JsonValue::Array(p.iter().map(|x| s(x)).collect())
}

/// A wire `Value`.
pub fn lit(v: &Lit) -> JsonValue {
    let tagged = |tag: &str, value: JsonValue| obj(vec![("type", s(tag)), ("value", value)]);
    match v {
        Lit::Null => obj(vec![("type", s("Null"))]),
        Lit::Integer(i) => tagged("Integer", JsonValue::Number(f64::from(*i))),
        Lit::BigInt(i) => tagged("BigInt", JsonValue::Number(*i as f64)),
        Lit::Double(d) => tagged("Double", JsonValue::Number(*d)),
        Lit::Boolean(b) => tagged("Boolean", JsonValue::Bool(*b)),
        Lit::Text(t) => tagged("Text", s(t)),
        Lit::Timestamp(t) => tagged("Timestamp", JsonValue::Number(*t as f64)),
        Lit::Uuid(u) => tagged("Uuid", s(u)),
        Lit::Bytea(b) => tagged(
            "Bytea",
            JsonValue::Array(b.iter().map(|x| JsonValue::Number(f64::from(*x))).collect()),
        ),
        Lit::Array(items) => tagged("Array", JsonValue::Array(items.iter().map(lit).collect())),
    }
}

fn pvalue(v: &PValue) -> JsonValue {
    match v {
        PValue::Literal(l) => obj(vec![("type", s("Literal")), ("value", lit(l))]),
        PValue::SessionRef(p) => obj(vec![("type", s("SessionRef")), ("path", path(p))]),
    }
}

/// One expression, keys in upstream's order.
pub fn expr(e: &Expr) -> JsonValue {
    let t = |tag: &str| ("type", s(tag));
    match e {
        Expr::Cmp { column, op, value } => obj(vec![
            t("Cmp"),
            ("column", s(column)),
            ("op", s(op.as_str())),
            ("value", pvalue(value)),
        ]),
        Expr::SessionCmp { path: p, op, value } => obj(vec![
            t("SessionCmp"),
            ("path", path(p)),
            ("op", s(op.as_str())),
            ("value", lit(value)),
        ]),
        Expr::IsNull { column } => obj(vec![t("IsNull"), ("column", s(column))]),
        Expr::IsNotNull { column } => obj(vec![t("IsNotNull"), ("column", s(column))]),
        Expr::SessionIsNull { path: p } => obj(vec![t("SessionIsNull"), ("path", path(p))]),
        Expr::SessionIsNotNull { path: p } => obj(vec![t("SessionIsNotNull"), ("path", path(p))]),
        Expr::Contains { column, value } => obj(vec![
            t("Contains"),
            ("column", s(column)),
            ("value", pvalue(value)),
        ]),
        Expr::SessionContains { path: p, value } => obj(vec![
            t("SessionContains"),
            ("path", path(p)),
            ("value", lit(value)),
        ]),
        Expr::In {
            column,
            session_path,
        } => obj(vec![
            t("In"),
            ("column", s(column)),
            ("session_path", path(session_path)),
        ]),
        Expr::InList { column, values } => obj(vec![
            t("InList"),
            ("column", s(column)),
            (
                "values",
                JsonValue::Array(values.iter().map(pvalue).collect()),
            ),
        ]),
        Expr::SessionInList { path: p, values } => obj(vec![
            t("SessionInList"),
            ("path", path(p)),
            ("values", JsonValue::Array(values.iter().map(lit).collect())),
        ]),
        Expr::Exists { table, condition } => obj(vec![
            t("Exists"),
            ("table", s(table)),
            ("condition", expr(condition)),
        ]),
        Expr::ExistsRel { rel } => obj(vec![t("ExistsRel"), ("rel", rel.clone())]),
        Expr::Inherits {
            operation,
            via_column,
            max_depth,
        } => {
            let mut m = vec![
                t("Inherits"),
                ("operation", s(operation.as_str())),
                ("via_column", s(via_column)),
            ];
            if let Some(d) = max_depth {
                m.push(("max_depth", JsonValue::Number(f64::from(*d))));
            }
            obj(m)
        }
        Expr::InheritsReferencing {
            operation,
            source_table,
            via_column,
            max_depth,
        } => {
            let mut m = vec![
                t("InheritsReferencing"),
                ("operation", s(operation.as_str())),
                ("source_table", s(source_table)),
                ("via_column", s(via_column)),
            ];
            if let Some(d) = max_depth {
                m.push(("max_depth", JsonValue::Number(f64::from(*d))));
            }
            obj(m)
        }
        Expr::And(k) => obj(vec![
            t("And"),
            ("exprs", JsonValue::Array(k.iter().map(expr).collect())),
        ]),
        Expr::Or(k) => obj(vec![
            t("Or"),
            ("exprs", JsonValue::Array(k.iter().map(expr).collect())),
        ]),
        Expr::Not(x) => obj(vec![t("Not"), ("expr", expr(x))]),
        Expr::True => obj(vec![t("True")]),
        Expr::False => obj(vec![t("False")]),
    }
}

/// The `permissions` map.
pub fn to_json(p: &Policy) -> JsonValue {
    let mut tables = Vec::new();
    for t in &p.tables {
        let op = |using: Option<Slot>, check: Option<Slot>| {
            let mut m = Vec::new();
            if let Some(e) = using.and_then(|s| t.slot(s)) {
                m.push(("using", expr(e)));
            }
            if let Some(e) = check.and_then(|s| t.slot(s)) {
                m.push(("with_check", expr(e)));
            }
            obj(m)
        };
        let ops = obj(vec![
            ("select", op(Some(Slot::SelectUsing), None)),
            ("insert", op(None, Some(Slot::InsertCheck))),
            (
                "update",
                op(Some(Slot::UpdateUsing), Some(Slot::UpdateCheck)),
            ),
            ("delete", op(Some(Slot::DeleteUsing), None)),
        ]);
        tables.push((t.name.clone(), ops));
    }
    JsonValue::Object(tables)
}

/// Compact JSON, as `deploy` sends it.
pub fn to_compact(p: &Policy) -> String {
    stringify(&to_json(p))
}

/// `JSON.stringify(permissions, null, 2)` plus a newline: the `--json` file.
pub fn to_pretty(p: &Policy) -> String {
    let mut out = stringify_pretty(&to_json(p));
    out.push('\n');
    out
}
