//! Condition inputs, the where-object grammar and
//! `session.where`.

use crate::eval::symbols::NameUse;
use crate::source::Span;

use super::super::codes;
use super::super::ir::{CmpOp, Expr, OUTER_ROW, PValue};
use super::Interp;
use super::value::{Cond, Pv};

type Members = [(String, Pv, Span)];

impl Interp<'_> {
    /// A where key whose value is `undefined` is dropped (as upstream's object spread drops
    /// it) with a JZ2320 warning; true when `v` was such a value.
    pub(super) fn dropped_undefined(&mut self, key: &str, v: &Pv, span: Span) -> bool {
        if !matches!(v, Pv::Undef) {
            return false;
        }
        self.report(
            codes::UNDEFINED_DROPPED,
            span,
            format!("where key `{key}` is dropped because its value is `undefined`"),
        );
        true
    }

    /// Compiles a condition input for `table`.
    pub(super) fn resolve(&mut self, c: &Pv, span: Span, table: &str) -> Expr {
        match c {
            Pv::Closure(_) | Pv::Bound(_) | Pv::Builtin(_) => {
                let row = Pv::Row(table.into());
                let r = self.call_value(c, vec![(row, span)], span);
                self.resolve(&r, span, table)
            }
            Pv::Cond(cond) => match &**cond {
                Cond::Ready(e) => e.clone(),
                Cond::AnyOf(kids) | Cond::AllOf(kids) => {
                    let any = matches!(&**cond, Cond::AnyOf(_));
                    let mut out: Vec<Expr> = kids
                        .iter()
                        .map(|(k, s)| self.resolve(k, *s, table))
                        .collect();
                    match out.len() {
                        0 => {
                            if any {
                                Expr::False
                            } else {
                                Expr::True
                            }
                        }
                        1 => out.pop().unwrap_or(Expr::False),
                        _ => {
                            if any {
                                Expr::Or(out)
                            } else {
                                Expr::And(out)
                            }
                        }
                    }
                }
                Cond::Allowed { fk_span, .. } => {
                    let e = self.resolve_allowed(cond, table);
                    self.note(Some(table), &e, *fk_span);
                    e
                }
            },
            Pv::Obj(o) => {
                if let Some(Pv::Str(_)) = c.get("type") {
                    return self.raw_expr(c, span, table);
                }
                self.where_object(o, table, false)
            }
            Pv::Bad => Expr::False,
            _ => {
                self.upstream_error(
                    codes::BAD_CONDITION,
                    span,
                    "Unsupported permission condition input.".into(),
                );
                Expr::False
            }
        }
    }

    /// A plain object with a string `type`: a raw PolicyExpr.
    fn raw_expr(&mut self, c: &Pv, span: Span, table: &str) -> Expr {
        if self.has_column(table, "type") {
            self.report(
                codes::TYPE_KEY,
                span,
                format!("this object is read as a raw policy expression because of its string `type`, but table `{table}` has a column `type`"),
            );
            if let Some(d) = self.diags.last_mut() {
                d.help = Some("to compare the column, write `{ type: { eq: \"…\" } }`".into());
            }
        }
        let json = super::lit::to_json(c);
        match super::super::parse::expr(&json) {
            Ok(e) => {
                self.note(Some(table), &e, span);
                let extra = super::super::checks::raw::unknown_fields(&json);
                if !extra.is_empty() {
                    self.report(
                        codes::RAW_FIELDS_DROPPED,
                        span,
                        format!(
                            "unknown field(s) {} in a raw policy expression are dropped",
                            extra.join(", ")
                        ),
                    );
                }
                e
            }
            Err(msg) if msg.starts_with("unknown policy expression type") => {
                self.report(
                    codes::RAW_FIELDS,
                    span,
                    format!("not a valid policy expression: {msg}"),
                );
                Expr::False
            }
            Err(msg) => {
                self.report(
                    codes::RAW_FIELDS,
                    span,
                    format!("raw policy expression with a missing or ill-typed field: {msg}"),
                );
                if let Some(d) = self.diags.last_mut() {
                    d.notes
                        .push("the server's deserialiser rejects this policy".into());
                }
                Expr::False
            }
        }
    }

    /// A where-object for `table`; `in_exists` allows row references (outer row).
    pub(super) fn where_object(&mut self, o: &Members, table: &str, in_exists: bool) -> Expr {
        let saved = self.scope_table.replace(table.into());
        let e = self.where_object_in(o, table, in_exists);
        self.scope_table = saved;
        e
    }

    fn where_object_in(&mut self, o: &Members, table: &str, in_exists: bool) -> Expr {
        if super::relations::has_qualified(o, table) {
            return self.qualified_where(o, table, !in_exists);
        }
        let mut out = Vec::new();
        for (key, v, kspan) in o {
            let col = match key.split_once('.') {
                Some((prefix, rest)) if prefix == table => rest,
                _ => key.as_str(),
            };
            if self.dropped_undefined(key, v, *kspan) {
                continue;
            }
            if !self.has_column(table, col) {
                if col == "not" {
                    self.report(
                        codes::NO_NOT,
                        *kspan,
                        "there is no `not` operator in the permissions DSL",
                    );
                } else {
                    self.unknown_column(table, col, *kspan);
                }
                out.push(Expr::False);
                continue;
            }
            self.record_key(key, col, table, *kspan);
            let e = self.where_value(col, v, *kspan, in_exists);
            if !matches!(v, Pv::Obj(_)) || super::lit::is_tagged(v) {
                self.note(Some(table), &e, *kspan);
            }
            out.push(e);
        }
        match out.len() {
            0 => Expr::True,
            1 => out.pop().unwrap_or(Expr::True),
            _ => Expr::And(out),
        }
    }

    /// Records a where-object key `col` or `table.col` (the table part too).
    fn record_key(&mut self, key: &str, col: &str, table: &str, kspan: Span) {
        let at = key.len() - col.len();
        if at > 0 {
            self.record(NameUse::part(kspan, key, 0, at - 1).map(|s| NameUse::table(table, s)));
        }
        self.record(
            NameUse::part(kspan, key, at, col.len()).map(|s| NameUse::column(table, col, s)),
        );
    }

    fn where_value(&mut self, col: &str, v: &Pv, span: Span, in_exists: bool) -> Expr {
        let column = col.to_owned();
        match v {
            Pv::Null => Expr::IsNull { column },
            Pv::Obj(_) if !super::lit::is_tagged(v) => self.operators(col, v, span, in_exists),
            Pv::Cond(_) | Pv::Closure(_) | Pv::Row(_) | Pv::Builtin(_) => {
                self.upstream_error(
                    codes::BAD_OPERATOR,
                    span,
                    "Unsupported where operator \"__jazzPermissionKind\" in permissions DSL."
                        .into(),
                );
                Expr::False
            }
            Pv::Bad => Expr::False,
            _ => match self.typed_operand(col, CmpOp::Eq, v, span, in_exists) {
                Some(value) => Expr::Cmp {
                    column,
                    op: CmpOp::Eq,
                    value,
                },
                None => Expr::False,
            },
        }
    }

    /// [`Self::operand`] plus the literal/column type checks.
    fn typed_operand(
        &mut self,
        col: &str,
        op: CmpOp,
        v: &Pv,
        span: Span,
        in_exists: bool,
    ) -> Option<PValue> {
        let r = self.operand(v, span, in_exists);
        if let (Some(PValue::Literal(l)), Some(t)) = (&r, self.scope_table.clone()) {
            self.check_literal(&t, col, l, op, span);
        }
        r
    }

    /// A comparison operand: literal, session reference, or (in exists) an outer-row reference.
    fn operand(&mut self, v: &Pv, span: Span, in_exists: bool) -> Option<PValue> {
        match v {
            Pv::SessionRef(p) => Some(PValue::SessionRef(p.to_vec())),
            Pv::RowRef { column, .. } => {
                if in_exists {
                    Some(PValue::SessionRef(vec![
                        OUTER_ROW.into(),
                        column.to_string(),
                    ]))
                } else {
                    self.upstream_error(
                        codes::ROW_REF_OUTSIDE_EXISTS,
                        span,
                        "Row references are only valid inside exists() clauses.".into(),
                    );
                    None
                }
            }
            Pv::Bad => None,
            _ => self.literal(v, span).map(PValue::Literal),
        }
    }

    fn operators(&mut self, col: &str, v: &Pv, span: Span, in_exists: bool) -> Expr {
        let Pv::Obj(o) = v else { return Expr::False };
        let column = col.to_owned();
        let mut out = Vec::new();
        for (op, val, ospan) in o.iter() {
            if matches!(val, Pv::Undef) {
                continue;
            }
            let cmp = |op: CmpOp, value: PValue| Expr::Cmp {
                column: column.clone(),
                op,
                value,
            };
            let e = match op.as_str() {
                "eq" if matches!(val, Pv::Null) => Expr::IsNull {
                    column: column.clone(),
                },
                "ne" if matches!(val, Pv::Null) => Expr::IsNotNull {
                    column: column.clone(),
                },
                "eq" | "ne" | "gt" | "gte" | "lt" | "lte" => {
                    let o = match op.as_str() {
                        "eq" => CmpOp::Eq,
                        "ne" => CmpOp::Ne,
                        "gt" => CmpOp::Gt,
                        "gte" => CmpOp::Ge,
                        "lt" => CmpOp::Lt,
                        _ => CmpOp::Le,
                    };
                    match self.typed_operand(col, o, val, *ospan, in_exists) {
                        Some(x) => cmp(o, x),
                        None => Expr::False,
                    }
                }
                "isNull" => match val {
                    Pv::Bool(true) => Expr::IsNull {
                        column: column.clone(),
                    },
                    Pv::Bool(false) => Expr::IsNotNull {
                        column: column.clone(),
                    },
                    _ => {
                        self.upstream_error(
                            codes::IS_NULL_NOT_BOOL,
                            *ospan,
                            format!("\"{col}.isNull\" expects a boolean value."),
                        );
                        Expr::False
                    }
                },
                "contains" => match self.operand(val, *ospan, in_exists) {
                    Some(x) => Expr::Contains {
                        column: column.clone(),
                        value: x,
                    },
                    None => Expr::False,
                },
                "in" => match val {
                    Pv::Arr(items) if items.is_empty() => Expr::False,
                    Pv::Arr(items) => {
                        let mut values = Vec::new();
                        for i in items.iter() {
                            if let Some(x) =
                                self.typed_operand(col, CmpOp::Eq, i, *ospan, in_exists)
                            {
                                values.push(x);
                            }
                        }
                        Expr::InList {
                            column: column.clone(),
                            values,
                        }
                    }
                    Pv::SessionRef(p) => Expr::In {
                        column: column.clone(),
                        session_path: p.to_vec(),
                    },
                    _ => {
                        self.upstream_error(
                            codes::IN_NOT_ARRAY,
                            *ospan,
                            format!("\"{col}.in\" expects an array or session reference."),
                        );
                        Expr::False
                    }
                },
                "not" => {
                    self.report(
                        codes::NO_NOT,
                        *ospan,
                        "there is no `not` operator in the permissions DSL",
                    );
                    Expr::False
                }
                other => {
                    self.upstream_error(
                        codes::BAD_OPERATOR,
                        *ospan,
                        format!("Unsupported where operator \"{other}\" in permissions DSL."),
                    );
                    Expr::False
                }
            };
            let scope = self.scope_table.clone();
            self.note(scope.as_deref(), &e, *ospan);
            out.push(e);
        }
        let _ = span;
        match out.len() {
            0 => Expr::True,
            1 => out.pop().unwrap_or(Expr::True),
            _ => Expr::And(out),
        }
    }

    /// `session.where({...})`.
    pub(super) fn session_where(&mut self, o: &Members) -> Expr {
        let mut out = Vec::new();
        for (key, v, kspan) in o {
            let path: Vec<String> = key
                .split('.')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            if path.is_empty() {
                self.upstream_error(
                    codes::EMPTY_SESSION_PATH,
                    *kspan,
                    "session.where(...) requires non-empty session path keys.".into(),
                );
                out.push(Expr::False);
                continue;
            }
            if matches!(v, Pv::Undef) {
                self.report(
                    codes::UNDEFINED_DROPPED,
                    *kspan,
                    format!(
                        "session.where key `{key}` is dropped because its value is `undefined`"
                    ),
                );
                continue;
            }
            self.check_session_path(&path, *kspan);
            let ctx = format!("session.where(\"{}\")", path.join("."));
            let e = match v {
                Pv::Obj(ops) if !super::lit::is_tagged(v) => {
                    let mut parts = Vec::new();
                    for (op, val, ospan) in ops.iter() {
                        if matches!(val, Pv::Undef) {
                            continue;
                        }
                        let p = path.clone();
                        let e = match (op.as_str(), val) {
                            ("eq", Pv::Null) | ("isNull", Pv::Bool(true)) => {
                                Expr::SessionIsNull { path: p }
                            }
                            ("ne", Pv::Null) | ("isNull", Pv::Bool(false)) => {
                                Expr::SessionIsNotNull { path: p }
                            }
                            ("isNull", _) => {
                                self.upstream_error(
                                    codes::SESSION_IS_NULL_NOT_BOOL,
                                    *ospan,
                                    format!(
                                        "session.where(\"{}.isNull\") expects a boolean value.",
                                        path.join(".")
                                    ),
                                );
                                Expr::False
                            }
                            ("eq" | "ne" | "gt" | "gte" | "lt" | "lte", _) => {
                                let o = match op.as_str() {
                                    "eq" => CmpOp::Eq,
                                    "ne" => CmpOp::Ne,
                                    "gt" => CmpOp::Gt,
                                    "gte" => CmpOp::Ge,
                                    "lt" => CmpOp::Lt,
                                    _ => CmpOp::Le,
                                };
                                match self.session_literal(&ctx, val, *ospan) {
                                    Some(value) => Expr::SessionCmp {
                                        path: p,
                                        op: o,
                                        value,
                                    },
                                    None => Expr::False,
                                }
                            }
                            ("contains", _) => match self.session_literal(&ctx, val, *ospan) {
                                Some(value) => Expr::SessionContains { path: p, value },
                                None => Expr::False,
                            },
                            ("in", Pv::Arr(items)) if items.is_empty() => Expr::False,
                            ("in", Pv::Arr(items)) => {
                                let mut values = Vec::new();
                                for i in items.iter() {
                                    if let Some(l) = self.session_literal(&ctx, i, *ospan) {
                                        values.push(l);
                                    }
                                }
                                Expr::SessionInList { path: p, values }
                            }
                            ("in", _) => {
                                self.upstream_error(codes::SESSION_IN_NOT_ARRAY, *ospan, format!("session.where(\"{}.in\") expects an array of literal values.", path.join(".")));
                                Expr::False
                            }
                            (other, _) => {
                                self.upstream_error(codes::BAD_SESSION_OPERATOR, *ospan, format!("Unsupported session.where operator \"{other}\" in permissions DSL. Nested object claim syntax is not supported; use dotted path keys instead."));
                                Expr::False
                            }
                        };
                        self.note(None, &e, *ospan);
                        parts.push(e);
                    }
                    match parts.len() {
                        0 => Expr::True,
                        1 => parts.pop().unwrap_or(Expr::True),
                        _ => Expr::And(parts),
                    }
                }
                Pv::Null => Expr::SessionIsNull { path },
                _ => match self.session_literal(&ctx, v, *kspan) {
                    Some(value) => Expr::SessionCmp {
                        path,
                        op: CmpOp::Eq,
                        value,
                    },
                    None => Expr::False,
                },
            };
            if !matches!(v, Pv::Obj(_)) || super::lit::is_tagged(v) {
                self.note(None, &e, *kspan);
            }
            out.push(e);
        }
        match out.len() {
            0 => Expr::True,
            1 => out.pop().unwrap_or(Expr::True),
            _ => Expr::And(out),
        }
    }

    fn session_literal(&mut self, ctx: &str, v: &Pv, span: Span) -> Option<super::super::ir::Lit> {
        let why = match v {
            Pv::SessionRef(_) => Some("; session references are not supported."),
            Pv::RowRef { .. } | Pv::Row(_) => Some("; row references are not supported."),
            Pv::Cond(_) | Pv::Closure(_) | Pv::ExistsB(_) => {
                Some("; relation and policy expressions are not supported.")
            }
            Pv::Obj(_) if !super::lit::is_tagged(v) => Some("; nested objects are not supported."),
            Pv::Undef => Some("."),
            _ => None,
        };
        if let Some(w) = why {
            self.upstream_error(
                codes::SESSION_NOT_LITERAL,
                span,
                format!("{ctx} only accepts literal values{w}"),
            );
            return None;
        }
        self.literal(v, span)
    }
}
