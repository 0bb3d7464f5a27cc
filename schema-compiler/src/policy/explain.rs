//! The readable notation of `explain` and traces (permissions.md §4.6):
//! `col = session.user_id`, `col ∈ ["a","b"]`, `EXISTS members WHERE …`, `INHERITS …`.

use super::bytecode::disasm::lit_text;
use super::ir::{Expr, Lit, OUTER_ROW, PValue};

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
        Expr::ExistsRel { .. } => "EXISTS (relation)".into(),
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
        Expr::And(k) | Expr::Or(k) => k.iter().for_each(|x| reads(x, parent, out)),
        Expr::Not(x) => reads(x, parent, out),
        _ => {}
    }
}
