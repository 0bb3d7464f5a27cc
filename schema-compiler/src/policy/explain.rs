//! The readable notation of `explain` and traces:
//! `col = session.user_id`, `col ∈ ["a","b"]`, `EXISTS members WHERE …`, `INHERITS …`.

use super::bytecode::disasm::lit_text;
use super::ir::{Expr, Lit, OUTER_ROW, PValue};
use crate::schema::json::{JsonValue, stringify};

fn lit(l: &Lit) -> String {
    match l {
        Lit::Text(t) => format!("{t:?}"),
        Lit::Integer(i) => i.to_string(),
        Lit::Boolean(b) => b.to_string(),
        Lit::Null => "null".into(),
        Lit::Timestamp(t) => format!("Timestamp({t}ms)"),
        other => lit_text(other),
    }
}

fn value(v: &PValue) -> String {
    match v {
        PValue::Literal(l) => lit(l),
        PValue::SessionRef(p) => match p.split_first() {
            Some((first, rest)) if first == OUTER_ROW => format!("outer.{}", rest.join(".")),
            _ => format!("session.{}", p.join(".")),
        },
    }
}

/// One line per expression (nested `And`/`Or` in parentheses). `parent` is the table a
/// forward `Inherits` goes to, given the column.
pub fn render(e: &Expr, parent: &dyn Fn(&str) -> Option<String>) -> String {
    let join = |k: &[Expr], sep: &str| {
        k.iter()
            .map(|x| {
                let s = render(x, parent);
                if matches!(x, Expr::And(_) | Expr::Or(_) | Expr::Exists { .. }) {
                    format!("({s})")
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    match e {
        Expr::Cmp {
            column,
            op,
            value: v,
        } => format!("{column} {} {}", op.symbol(), value(v)),
        Expr::SessionCmp { path, op, value: v } => {
            format!("session.{} {} {}", path.join("."), op.symbol(), lit(v))
        }
        Expr::IsNull { column } => format!("{column} IS NULL"),
        Expr::IsNotNull { column } => format!("{column} IS NOT NULL"),
        Expr::SessionIsNull { path } => format!("session.{} IS NULL", path.join(".")),
        Expr::SessionIsNotNull { path } => format!("session.{} IS NOT NULL", path.join(".")),
        Expr::Contains { column, value: v } => format!("{column} CONTAINS {}", value(v)),
        Expr::SessionContains { path, value: v } => {
            format!("session.{} CONTAINS {}", path.join("."), lit(v))
        }
        Expr::In {
            column,
            session_path,
        } => format!("{column} ∈ session.{}", session_path.join(".")),
        Expr::InList { column, values } => format!(
            "{column} ∈ [{}]",
            values.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Expr::SessionInList { path, values } => format!(
            "session.{} ∈ [{}]",
            path.join("."),
            values.iter().map(lit).collect::<Vec<_>>().join(", ")
        ),
        Expr::Exists { table, condition } => {
            format!("EXISTS {table} WHERE {}", render(condition, &|_| None))
        }
        Expr::ExistsRel { rel: r } => format!("EXISTS {}", relation(r)),
        Expr::Inherits {
            operation,
            via_column,
            max_depth,
        } => format!(
            "INHERITS {} VIA {via_column} → {}   (max depth {})",
            operation.word(),
            parent(via_column).unwrap_or_else(|| "?".into()),
            max_depth.unwrap_or(10)
        ),
        Expr::InheritsReferencing {
            operation,
            source_table,
            via_column,
            ..
        } => format!(
            "INHERITED BY {source_table}.{via_column} ({})",
            operation.word()
        ),
        Expr::And(k) => join(k, " AND "),
        Expr::Or(k) => join(k, " OR "),
        Expr::Not(x) => format!("NOT ({})", render(x, parent)),
        Expr::True => "TRUE".into(),
        Expr::False => "FALSE".into(),
    }
}

/// Tables an expression reads, with why (`inherits`, `exists`).
pub fn reads(
    e: &Expr,
    parent: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<(String, &'static str)>,
) {
    match e {
        Expr::Exists { table, condition } => {
            out.push((table.clone(), "exists"));
            reads(condition, &|_| None, out);
        }
        Expr::Inherits { via_column, .. } => {
            if let Some(t) = parent(via_column) {
                out.push((t, "inherits"));
            }
        }
        Expr::InheritsReferencing { source_table, .. } => {
            out.push((source_table.clone(), "inherited by"));
        }
        Expr::ExistsRel { rel } => scanned(rel, out),
        Expr::And(k) | Expr::Or(k) => k.iter().for_each(|x| reads(x, parent, out)),
        Expr::Not(x) => reads(x, parent, out),
        _ => {}
    }
}

/// The tables a relation scans (first scan first, each once).
fn scanned(r: &JsonValue, out: &mut Vec<(String, &'static str)>) {
    match r {
        JsonValue::Object(m) => {
            for (k, v) in m {
                if k == "TableScan" {
                    let t = text(field(v, "table"));
                    if !out.iter().any(|(x, why)| *x == t && *why == "relation") {
                        out.push((t, "relation"));
                    }
                } else {
                    scanned(v, out);
                }
            }
        }
        JsonValue::Array(items) => items.iter().for_each(|x| scanned(x, out)),
        _ => {}
    }
}

/// The one member of an externally tagged relation node.
fn tagged(v: &JsonValue) -> Option<(&str, &JsonValue)> {
    match v {
        JsonValue::Object(m) if m.len() == 1 => m.first().map(|(k, x)| (k.as_str(), x)),
        _ => None,
    }
}

fn field<'a>(v: &'a JsonValue, key: &str) -> Option<&'a JsonValue> {
    match v {
        JsonValue::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, x)| x),
        _ => None,
    }
}

fn text(v: Option<&JsonValue>) -> String {
    match v {
        Some(JsonValue::String(s)) => s.clone(),
        Some(other) => stringify(other),
        None => "?".into(),
    }
}

/// `scope.column` (or `column`).
fn column(c: Option<&JsonValue>) -> String {
    let col = text(c.and_then(|c| field(c, "column")));
    match c.and_then(|c| field(c, "scope")) {
        Some(s) => format!("{}.{col}", text(Some(s))),
        None => col,
    }
}

fn row_id(r: &JsonValue) -> String {
    match r {
        JsonValue::String(s) => format!("{}.id", s.to_lowercase()),
        other => stringify(other),
    }
}

fn rel_value(v: &JsonValue) -> String {
    match tagged(v) {
        Some(("Literal", l)) => match super::parse::tagged_value(l) {
            Ok(l) => lit(&l),
            Err(_) => stringify(l),
        },
        Some(("SessionRef", JsonValue::Array(p))) => format!(
            "session.{}",
            p.iter()
                .map(|x| text(Some(x)))
                .collect::<Vec<_>>()
                .join(".")
        ),
        Some(("OuterColumn", c)) => format!("outer.{}", text(field(c, "column"))),
        Some(("FrontierColumn", c)) => format!("frontier.{}", text(field(c, "column"))),
        Some(("RowId", r)) => row_id(r),
        _ => stringify(v),
    }
}

fn predicate(p: &JsonValue) -> String {
    let kids = |k: &JsonValue, sep: &str| match k {
        JsonValue::Array(items) => items
            .iter()
            .map(|x| {
                let s = predicate(x);
                if matches!(tagged(x), Some(("And" | "Or", _))) {
                    format!("({s})")
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join(sep),
        _ => "?".into(),
    };
    match (p, tagged(p)) {
        (JsonValue::String(s), _) => s.to_uppercase(),
        (_, Some(("Cmp", c))) => {
            let op = match text(field(c, "op")).as_str() {
                "Eq" => "=",
                "Ne" => "≠",
                "Lt" => "<",
                "Le" => "≤",
                "Gt" => ">",
                "Ge" => "≥",
                _ => "?",
            };
            let right = field(c, "right").map(rel_value).unwrap_or_default();
            format!("{} {op} {right}", column(field(c, "left")))
        }
        (_, Some(("IsNull", c))) => format!("{} IS NULL", column(field(c, "column"))),
        (_, Some(("IsNotNull", c))) => format!("{} IS NOT NULL", column(field(c, "column"))),
        (_, Some(("In", c))) => {
            let values = match field(c, "values") {
                Some(JsonValue::Array(v)) => v.iter().map(rel_value).collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            format!("{} ∈ [{}]", column(field(c, "left")), values.join(", "))
        }
        (_, Some(("Contains", c))) => format!(
            "{} CONTAINS {}",
            column(field(c, "left")),
            field(c, "right").map(rel_value).unwrap_or_default()
        ),
        (_, Some(("And", k))) => kids(k, " AND "),
        (_, Some(("Or", k))) => kids(k, " OR "),
        (_, Some(("Not", x))) => format!("NOT ({})", predicate(x)),
        _ => stringify(p),
    }
}

/// A relation of `ExistsRel` on one line: `members JOIN … ON … WHERE …`.
pub fn relation(r: &JsonValue) -> String {
    let Some((node, n)) = tagged(r) else {
        return stringify(r);
    };
    let input = || field(n, "input").map(relation).unwrap_or_default();
    match node {
        "TableScan" => text(field(n, "table")),
        "Filter" => {
            // Consecutive filters read as one WHERE.
            let mut preds = vec![field(n, "predicate").map(predicate).unwrap_or_default()];
            let mut inner = field(n, "input");
            while let Some(("Filter", f)) = inner.and_then(tagged) {
                preds.push(field(f, "predicate").map(predicate).unwrap_or_default());
                inner = field(f, "input");
            }
            preds.reverse();
            let base = inner.map(relation).unwrap_or_default();
            format!("{base} WHERE {}", preds.join(" AND "))
        }
        "Join" => {
            let on = match field(n, "on") {
                Some(JsonValue::Array(c)) => c
                    .iter()
                    .map(|c| {
                        format!(
                            "{} = {}",
                            column(field(c, "left")),
                            column(field(c, "right"))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" AND "),
                _ => String::new(),
            };
            let alias = match field(n, "on") {
                Some(JsonValue::Array(c)) => c
                    .first()
                    .and_then(|c| field(c, "right"))
                    .and_then(|r| field(r, "scope"))
                    .map(|s| format!(" AS {}", text(Some(s))))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let left = match field(n, "left") {
                Some(l) if matches!(tagged(l), Some(("Filter" | "Project", _))) => {
                    format!("({})", relation(l))
                }
                Some(l) => relation(l),
                None => String::new(),
            };
            let right = field(n, "right").map(relation).unwrap_or_default();
            let kind = if text(field(n, "join_kind")) == "Left" {
                "LEFT JOIN"
            } else {
                "JOIN"
            };
            format!("{left} {kind} {right}{alias} ON {on}")
        }
        "Project" => {
            let cols = match field(n, "columns") {
                Some(JsonValue::Array(c)) => c
                    .iter()
                    .map(|c| {
                        let expr = match field(c, "expr").and_then(tagged) {
                            Some(("Column", col)) => column(Some(col)),
                            Some(("RowId", r)) => row_id(r),
                            _ => "?".into(),
                        };
                        format!("{} := {expr}", text(field(c, "alias")))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            format!("({}) SELECT {cols}", input())
        }
        "Union" => match field(n, "inputs") {
            Some(JsonValue::Array(i)) => format!(
                "UNION({})",
                i.iter().map(relation).collect::<Vec<_>>().join(" | ")
            ),
            _ => "UNION()".into(),
        },
        "Gather" => format!(
            "GATHER(seed: {}; step: {}; max depth {})",
            field(n, "seed").map(relation).unwrap_or_default(),
            field(n, "step").map(relation).unwrap_or_default(),
            text(field(n, "max_depth"))
        ),
        other => format!("{other}({})", input()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_reads_as_one_line() {
        let json = r#"{"Filter":{"input":{"Filter":{"input":{"Join":{"left":{"TableScan":{"table":"workspaces"}},"right":{"TableScan":{"table":"members"}},"on":[{"left":{"scope":"workspaces","column":"id"},"right":{"scope":"__join_0","column":"workspaceId"}}],"join_kind":"Inner"}},"predicate":{"Cmp":{"left":{"scope":"__join_0","column":"userId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}}},"predicate":{"Cmp":{"left":{"scope":"workspaces","column":"id"},"op":"Eq","right":{"RowId":"Outer"}}}}}"#;
        let v = crate::schema::json::parse(json).expect("json");
        assert_eq!(
            relation(&v),
            "workspaces JOIN members AS __join_0 ON workspaces.id = __join_0.workspaceId WHERE __join_0.userId = session.user_id AND workspaces.id = outer.id"
        );
    }
}
