//! Leaf checks on the recorded condition fragments, each reported on the
//! where key, operator key, `allowedTo` FK literal or raw object that produced the leaf:
//!
//! - JZ2305: an operator that is meaningless for the column type (always false);
//! - JZ2307: a NULL test on a column that is never NULL;
//! - JZ2312: a claim compared with a float or array literal (such claims never resolve);
//! - JZ2315: `$canRead`/`$canEdit`/`$canDelete` in a raw expression;
//! - JZ2331: forward `allowedTo` over a `UUID[]` FK (always false);
//! - JZ2338: `allowedTo.insert(fk)` (Hint: it re-checks the parent's insert clause);
//! - JZ2339: a raw `Not` over a leaf that can be Absent (a missing value makes it grant).

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::SchemaSymbols;
use crate::schema::{ColumnType, IndexedSchema};
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, Lit, Operation, PValue, Policy};
use super::column_type;

/// The magic columns that exist at query time only.
pub(crate) const QUERY_ONLY: &[&str] = &["$canRead", "$canEdit", "$canDelete"];

pub fn check(
    policy: &Policy,
    schema: &IndexedSchema<'_>,
    defs: &SchemaSymbols,
    out: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    for f in &policy.fragments {
        let cx = Cx {
            schema,
            defs,
            span: f.span,
        };
        cx.walk(&f.expr, f.table.as_deref(), &mut found);
    }
    super::keep_innermost(found, out);
}

struct Cx<'a> {
    schema: &'a IndexedSchema<'a>,
    defs: &'a SchemaSymbols,
    span: Span,
}

impl Cx<'_> {
    fn walk(&self, e: &Expr, table: Option<&str>, out: &mut Vec<Diagnostic>) {
        match e {
            Expr::And(k) | Expr::Or(k) => k.iter().for_each(|x| self.walk(x, table, out)),
            Expr::Not(x) => {
                if let Some(what) = absent_leaf(self.schema, x, table) {
                    out.push(
                        Diagnostic::new(
                            codes::NOT_OVER_ABSENT,
                            format!("`Not` over a condition on {what}: when it is missing the condition is false, so the negation grants"),
                        )
                        .at(self.span)
                        .note("a value that cannot be resolved makes every leaf false, and `Not` turns that into a grant")
                        .help("compare with the positive form, or guard the value with `{ isNull: false }` in an `allOf`"),
                    );
                }
                self.walk(x, table, out);
            }
            Expr::Exists {
                table: t,
                condition,
            } => self.walk(condition, Some(t), out),
            _ => {
                if let Some(d) = self.leaf(e, table) {
                    let d = match (table, leaf_column(e)) {
                        (Some(t), Some(c)) if d.code != codes::INHERITS_INSERT => {
                            super::label_column(d, self.defs, t, c, "column declared here")
                        }
                        _ => d,
                    };
                    out.push(d.at(self.span));
                }
            }
        }
    }

    fn leaf(&self, e: &Expr, table: Option<&str>) -> Option<Diagnostic> {
        let ty = |c: &str| table.and_then(|t| column_type(self.schema, t, c));
        match e {
            Expr::Cmp { column, op, value } => {
                if QUERY_ONLY.contains(&column.as_str()) {
                    return Some(query_only(column));
                }
                let (t, nullable) = ty(column)?;
                if matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
                    && matches!(
                        t,
                        ColumnType::Bytea | ColumnType::Array(_) | ColumnType::Row(_)
                    )
                {
                    return Some(meaningless(format!(
                        "ordering on `{column}` ({}) is always false: only numbers, booleans, strings, timestamps and UUIDs are ordered",
                        t.describe()
                    )));
                }
                match (op, value, nullable) {
                    (CmpOp::Eq, PValue::Literal(Lit::Null), false) => {
                        Some(never_null(column, "so this NULL comparison is never true"))
                    }
                    (CmpOp::Ne, PValue::Literal(Lit::Null), false) => {
                        Some(never_null(column, "so this NULL comparison is always true"))
                    }
                    _ => None,
                }
            }
            Expr::IsNull { column } | Expr::IsNotNull { column } => {
                if QUERY_ONLY.contains(&column.as_str()) {
                    return Some(query_only(column));
                }
                let (_, nullable) = ty(column)?;
                if nullable {
                    return None;
                }
                Some(if matches!(e, Expr::IsNull { .. }) {
                    never_null(column, "so this `isNull` test is never true")
                } else {
                    never_null(column, "so this `isNull: false` test is always true")
                })
            }
            Expr::Contains { column, .. } => {
                let (t, _) = ty(column)?;
                (!matches!(
                    t,
                    ColumnType::Text | ColumnType::Enum { .. } | ColumnType::Json { .. } | ColumnType::Array(_)
                ))
                .then(|| {
                    meaningless(format!(
                        "`contains` on `{column}` ({}) is always false: it needs a string or array column",
                        t.describe()
                    ))
                })
            }
            Expr::In { column, .. } => {
                let (t, _) = ty(column)?;
                (!matches!(
                    t,
                    ColumnType::Text
                        | ColumnType::Enum { .. }
                        | ColumnType::Json { .. }
                        | ColumnType::Integer
                        | ColumnType::BigInt
                        | ColumnType::Uuid
                ))
                .then(|| {
                    meaningless(format!(
                        "`in: session…` on `{column}` ({}) is always false: session arrays only match string, integer and UUID columns",
                        t.describe()
                    ))
                })
            }
            Expr::SessionCmp { path, value, .. } | Expr::SessionContains { path, value } => {
                claim_literal(path, std::slice::from_ref(value))
            }
            Expr::SessionInList { path, values } => claim_literal(path, values),
            Expr::Inherits {
                operation,
                via_column,
                ..
            } => {
                if let Some((ColumnType::Array(_), _)) = ty(via_column) {
                    return Some(
                        Diagnostic::new(
                            codes::INHERITS_ARRAY_FK,
                            format!("`{via_column}` is a UUID[] column: a forward `allowedTo` over it is always false"),
                        )
                        .help(format!("use `allowedTo.{}Referencing(...)` from the other side, or `exists`", operation.word())),
                    );
                }
                (*operation == Operation::Insert).then(|| {
                    Diagnostic::new(
                        codes::INHERITS_INSERT,
                        format!("`allowedTo.insert(\"{via_column}\")` re-evaluates the parent's insert clause on the existing parent row"),
                    )
                    .help(format!("to require that the parent is visible, write `allowedTo.read(\"{via_column}\")`"))
                })
            }
            _ => None,
        }
    }
}

/// The column a leaf reads.
fn leaf_column(e: &Expr) -> Option<&str> {
    match e {
        Expr::Cmp { column, .. }
        | Expr::IsNull { column }
        | Expr::IsNotNull { column }
        | Expr::Contains { column, .. }
        | Expr::In { column, .. }
        | Expr::InList { column, .. } => Some(column),
        Expr::Inherits { via_column, .. } => Some(via_column),
        _ => None,
    }
}

fn meaningless(msg: String) -> Diagnostic {
    Diagnostic::new(codes::MEANINGLESS_OPERATOR, msg)
        .note("the runtime compares only values of the same kind; this comparison can never hold")
}

fn never_null(column: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::NULL_TEST_NOT_NULLABLE,
        format!("`{column}` is never NULL, {what}"),
    )
    .help(format!(
        "make `{column}` `.optional()` in schema.ts if it can be missing, or drop the test"
    ))
}

fn query_only(column: &str) -> Diagnostic {
    Diagnostic::new(
        codes::QUERY_ONLY_COLUMN,
        format!("`{column}` exists in queries only and never resolves in a policy, so this condition is false"),
    )
    .help("refer to the policy you mean directly, e.g. `allowedTo.read(\"<fk>\")`")
}

/// JZ2312: claims are resolved to strings, integers, booleans or null only.
fn claim_literal(path: &[String], values: &[Lit]) -> Option<Diagnostic> {
    if path.first().map(String::as_str) != Some("claims") {
        return None;
    }
    let bad = values
        .iter()
        .find(|v| matches!(v, Lit::Double(_) | Lit::Array(_)))?;
    let kind = if matches!(bad, Lit::Double(_)) {
        "a float"
    } else {
        "an array"
    };
    Some(
        Diagnostic::new(
            codes::CLAIM_LITERAL,
            format!(
                "claim `{}` is compared with {kind}, but float, array and object claims never resolve, so this never matches",
                path.join(".")
            ),
        )
        .help("compare claims with strings, integers, booleans or null"),
    )
}

/// Describes a leaf under `Not` whose value can be Absent, if there is one.
fn absent_leaf(schema: &IndexedSchema<'_>, e: &Expr, table: Option<&str>) -> Option<String> {
    let col = |c: &str| {
        let known = table.is_some_and(|t| column_type(schema, t, c).is_some());
        (!known).then(|| format!("the unknown column `{c}`"))
    };
    let path = |p: &[String]| match p.first().map(String::as_str) {
        Some("user_id" | "userId" | "authMode" | "auth_mode") if p.len() == 1 => None,
        Some(super::super::ir::OUTER_ROW) => None,
        Some("claims") => Some(format!("the claim `{}`", p.join("."))),
        _ => Some(format!("the session path `{}`", p.join("."))),
    };
    match e {
        Expr::And(k) | Expr::Or(k) => k.iter().find_map(|x| absent_leaf(schema, x, table)),
        Expr::Cmp { column, value, .. } | Expr::Contains { column, value } => {
            col(column).or_else(|| match value {
                PValue::SessionRef(p) => path(p),
                PValue::Literal(_) => None,
            })
        }
        Expr::IsNull { column } | Expr::IsNotNull { column } | Expr::InList { column, .. } => {
            col(column)
        }
        Expr::In {
            column,
            session_path,
        } => col(column).or_else(|| path(session_path)),
        Expr::SessionCmp { path: p, .. }
        | Expr::SessionIsNull { path: p }
        | Expr::SessionIsNotNull { path: p }
        | Expr::SessionContains { path: p, .. }
        | Expr::SessionInList { path: p, .. } => path(p),
        _ => None,
    }
}
