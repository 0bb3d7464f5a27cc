//! Reading policy JSON into the IR: raw PolicyExpr objects in
//! `permissions.ts`, and policy JSON published by `deploy`. Lenient like the upstream server:
//! unknown fields are ignored, `max_depth: null` is unset, integral floats are accepted.

use crate::schema::json::JsonValue;

use super::ir::{CmpOp, Expr, Lit, Operation, PValue, Policy, Slot, TablePolicy};

fn field<'a>(o: &'a [(String, JsonValue)], k: &str) -> Option<&'a JsonValue> {
    o.iter().find(|(key, _)| key == k).map(|(_, v)| v)
}

fn string(o: &[(String, JsonValue)], k: &str) -> Result<String, String> {
    match field(o, k) {
        Some(JsonValue::String(s)) => Ok(s.clone()),
        _ => Err(format!("missing or non-string field `{k}`")),
    }
}

fn path(o: &[(String, JsonValue)], k: &str) -> Result<Vec<String>, String> {
    match field(o, k) {
        Some(JsonValue::Array(items)) => items
            .iter()
            .map(|i| match i {
                JsonValue::String(s) => Ok(s.clone()),
                _ => Err(format!("`{k}` must be an array of strings")),
            })
            .collect(),
        _ => Err(format!("missing or non-array field `{k}`")),
    }
}

fn int(v: &JsonValue) -> Option<i64> {
    match v {
        JsonValue::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => {
            Some(*n as i64)
        }
        _ => None,
    }
}

/// A tagged wire value `{ "type": "<Tag>", "value": … }` (or legacy `{ "<Tag>": … }`).
pub fn tagged_value(v: &JsonValue) -> Result<Lit, String> {
    let JsonValue::Object(o) = v else {
        return Err("Permissions literals must use scalars, arrays, Date, Uint8Array, or tagged Value objects.".into());
    };
    let (tag, val) = match field(o, "type") {
        Some(JsonValue::String(t)) => (t.clone(), field(o, "value")),
        _ => match o.first() {
            Some((k, v)) if o.len() == 1 => (k.clone(), Some(v)),
            _ => return Err("Permissions literals must use scalars, arrays, Date, Uint8Array, or tagged Value objects.".into()),
        },
    };
    let bad = || format!("Unsupported tagged permissions literal \"{tag}\".");
    Ok(match (tag.as_str(), val) {
        ("Null", _) => Lit::Null,
        ("Integer", Some(v)) => {
            Lit::Integer(int(v).and_then(|i| i32::try_from(i).ok()).ok_or_else(bad)?)
        }
        ("BigInt", Some(v)) => Lit::BigInt(int(v).ok_or_else(bad)?),
        ("Double", Some(JsonValue::Number(n))) => Lit::Double(*n),
        ("Boolean", Some(JsonValue::Bool(b))) => Lit::Boolean(*b),
        ("Text", Some(JsonValue::String(s))) => Lit::Text(s.clone()),
        ("Uuid", Some(JsonValue::String(s))) => Lit::Uuid(s.clone()),
        ("Timestamp", Some(v)) => {
            Lit::Timestamp(int(v).and_then(|i| u64::try_from(i).ok()).ok_or_else(bad)?)
        }
        ("Bytea", Some(JsonValue::Array(items))) => Lit::Bytea(
            items
                .iter()
                .map(|i| int(i).and_then(|x| u8::try_from(x).ok()).ok_or_else(bad))
                .collect::<Result<_, _>>()?,
        ),
        ("Array", Some(JsonValue::Array(items))) => {
            Lit::Array(items.iter().map(tagged_value).collect::<Result<_, _>>()?)
        }
        _ => return Err(bad()),
    })
}

fn pvalue(v: Option<&JsonValue>) -> Result<PValue, String> {
    let Some(JsonValue::Object(o)) = v else {
        return Err("missing policy value".into());
    };
    match field(o, "type") {
        Some(JsonValue::String(t)) if t == "Literal" => Ok(PValue::Literal(tagged_value(
            field(o, "value").ok_or("missing literal value")?,
        )?)),
        Some(JsonValue::String(t)) if t == "SessionRef" => Ok(PValue::SessionRef(path(o, "path")?)),
        _ => Err("policy value must be a Literal or SessionRef".into()),
    }
}

fn op(o: &[(String, JsonValue)]) -> Result<CmpOp, String> {
    CmpOp::parse(&string(o, "op")?).ok_or_else(|| "unknown comparison operator".into())
}

fn max_depth(o: &[(String, JsonValue)]) -> Result<Option<u32>, String> {
    match field(o, "max_depth") {
        None | Some(JsonValue::Null) => Ok(None),
        Some(v) => int(v)
            .and_then(|i| u32::try_from(i).ok())
            .map(Some)
            .ok_or_else(|| "max_depth must be a non-negative integer".into()),
    }
}

fn exprs(o: &[(String, JsonValue)], depth: u32) -> Result<Vec<Expr>, String> {
    match field(o, "exprs") {
        Some(JsonValue::Array(items)) => items.iter().map(|i| expr_at(i, depth + 1)).collect(),
        _ => Err("missing `exprs` array".into()),
    }
}

/// A policy expression.
pub fn expr(v: &JsonValue) -> Result<Expr, String> {
    expr_at(v, 0)
}

fn expr_at(v: &JsonValue, depth: u32) -> Result<Expr, String> {
    if depth > 128 {
        return Err("policy expression nests too deeply".into());
    }
    let JsonValue::Object(o) = v else {
        return Err("a policy expression must be an object".into());
    };
    let tag = string(o, "type")?;
    let operation = || {
        Operation::parse(&string(o, "operation")?).ok_or_else(|| "unknown operation".to_string())
    };
    Ok(match tag.as_str() {
        "Cmp" => Expr::Cmp {
            column: string(o, "column")?,
            op: op(o)?,
            value: pvalue(field(o, "value"))?,
        },
        "SessionCmp" => Expr::SessionCmp {
            path: path(o, "path")?,
            op: op(o)?,
            value: tagged_value(field(o, "value").ok_or("missing value")?)?,
        },
        "IsNull" => Expr::IsNull {
            column: string(o, "column")?,
        },
        "IsNotNull" => Expr::IsNotNull {
            column: string(o, "column")?,
        },
        "SessionIsNull" => Expr::SessionIsNull {
            path: path(o, "path")?,
        },
        "SessionIsNotNull" => Expr::SessionIsNotNull {
            path: path(o, "path")?,
        },
        "Contains" => Expr::Contains {
            column: string(o, "column")?,
            value: pvalue(field(o, "value"))?,
        },
        "SessionContains" => Expr::SessionContains {
            path: path(o, "path")?,
            value: tagged_value(field(o, "value").ok_or("missing value")?)?,
        },
        "In" => Expr::In {
            column: string(o, "column")?,
            session_path: path(o, "session_path")?,
        },
        "InList" => Expr::InList {
            column: string(o, "column")?,
            values: match field(o, "values") {
                Some(JsonValue::Array(items)) => items
                    .iter()
                    .map(|i| pvalue(Some(i)))
                    .collect::<Result<_, _>>()?,
                _ => return Err("missing `values`".into()),
            },
        },
        "SessionInList" => Expr::SessionInList {
            path: path(o, "path")?,
            values: match field(o, "values") {
                Some(JsonValue::Array(items)) => {
                    items.iter().map(tagged_value).collect::<Result<_, _>>()?
                }
                _ => return Err("missing `values`".into()),
            },
        },
        "Exists" => Expr::Exists {
            table: string(o, "table")?,
            condition: Box::new(expr_at(
                field(o, "condition").ok_or("missing `condition`")?,
                depth + 1,
            )?),
        },
        "ExistsRel" => {
            let rel = field(o, "rel").cloned().ok_or("missing `rel`")?;
            // Structurally checked as the upstream server deserialises it.
            super::bytecode::rel::read(&rel)?;
            Expr::ExistsRel { rel }
        }
        "Inherits" => Expr::Inherits {
            operation: operation()?,
            via_column: string(o, "via_column")?,
            max_depth: max_depth(o)?,
        },
        "InheritsReferencing" => Expr::InheritsReferencing {
            operation: operation()?,
            source_table: string(o, "source_table")?,
            via_column: string(o, "via_column")?,
            max_depth: max_depth(o)?,
        },
        "And" => Expr::And(exprs(o, depth)?),
        "Or" => Expr::Or(exprs(o, depth)?),
        "Not" => Expr::Not(Box::new(expr_at(
            field(o, "expr").ok_or("missing `expr`")?,
            depth + 1,
        )?)),
        "True" => Expr::True,
        "False" => Expr::False,
        other => return Err(format!("unknown policy expression type \"{other}\"")),
    })
}

/// A whole `permissions` map.
pub fn policy(v: &JsonValue) -> Result<Policy, String> {
    let JsonValue::Object(tables) = v else {
        return Err("permissions must be an object".into());
    };
    let mut p = Policy::default();
    for (name, ops) in tables {
        let mut t = TablePolicy {
            name: name.clone(),
            ..TablePolicy::default()
        };
        let JsonValue::Object(ops) = ops else {
            return Err(format!("permissions for `{name}` must be an object"));
        };
        let slot = |opname: &str, key: &str| -> Result<Option<Expr>, String> {
            match field(ops, opname) {
                Some(JsonValue::Object(op)) => match field(op, key) {
                    None | Some(JsonValue::Null) => Ok(None),
                    Some(e) => expr(e).map(Some),
                },
                _ => Ok(None),
            }
        };
        let pairs = [
            (Slot::SelectUsing, "select", "using"),
            (Slot::InsertCheck, "insert", "with_check"),
            (Slot::UpdateUsing, "update", "using"),
            (Slot::UpdateCheck, "update", "with_check"),
            (Slot::DeleteUsing, "delete", "using"),
        ];
        for (s, opname, key) in pairs {
            if let Some(cell) = t.slots.get_mut(s.index()) {
                *cell = slot(opname, key)?;
            }
        }
        p.push_table(t);
    }
    Ok(p)
}
