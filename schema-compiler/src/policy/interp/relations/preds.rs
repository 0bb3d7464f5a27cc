//! Where entries of relations as relation predicates: `Cmp`,
//! `IsNull`/`IsNotNull`, `In`, `Contains`; operands `Literal` (tagged Value), `SessionRef`,
//! `OuterColumn` (row references).

use crate::schema::json::JsonValue;
use crate::source::Span;

use super::super::super::codes;
use super::super::super::ir::CmpOp;
use super::super::Interp;
use super::super::value::Pv;
use super::state::{col_ref, obj, s, split_qualified, tag};

/// `{"Cmp":{"left","op","right"}}`.
pub fn cmp(left: JsonValue, op: CmpOp, right: JsonValue) -> JsonValue {
    tag(
        "Cmp",
        obj(vec![
            ("left", left),
            ("op", s(op.as_str())),
            ("right", right),
        ]),
    )
}

/// Whether a where value binds the entry to the gather's `current` (`current` or
/// `{ eq: current }`).
pub fn is_current(raw: &Pv) -> bool {
    match raw {
        Pv::Current => true,
        Pv::Obj(o) => {
            let mut keys = o.iter().filter(|(_, v, _)| !matches!(v, Pv::Undef));
            matches!(
                (keys.next(), keys.next()),
                (Some((k, Pv::Current, _)), None) if k == "eq"
            )
        }
        _ => false,
    }
}

impl Interp<'_> {
    /// The predicates of one where entry `column: raw` bound to `scope` (whose table, when
    /// known, is checked for the column).
    pub(in crate::policy::interp) fn rel_predicates(
        &mut self,
        column: &str,
        scope: &str,
        table: Option<&str>,
        raw: &Pv,
        span: Span,
    ) -> Vec<JsonValue> {
        let left = col_ref(column, scope);
        let checked = table.map(|t| (t.to_owned(), split_qualified(column).1.to_owned()));
        if let Some((t, c)) = &checked
            && !self.has_column(t, c)
        {
            self.unknown_column(t, c, span);
            return vec![s("False")];
        }
        let lit_ctx = checked.as_ref().map(|(t, c)| (t.as_str(), c.as_str()));
        let is_null = |left: JsonValue| tag("IsNull", obj(vec![("column", left)]));
        match raw {
            Pv::Null => vec![is_null(left)],
            Pv::SessionRef(_) | Pv::RowRef { .. } => match self.value_ref(raw, span, None) {
                Some(r) => vec![cmp(left, CmpOp::Eq, r)],
                None => vec![s("False")],
            },
            Pv::Cond(_) | Pv::Current | Pv::Table(_) | Pv::Row(_) => {
                self.relation_operator_error("__jazzPermissionKind", span);
                vec![s("False")]
            }
            Pv::Obj(_) if !super::super::lit::is_tagged(raw) => {
                self.rel_operators(column, left, raw, lit_ctx)
            }
            Pv::Bad => vec![s("False")],
            _ => match self.value_ref(raw, span, lit_ctx.map(|(t, c)| (t, c, CmpOp::Eq))) {
                Some(r) => vec![cmp(left, CmpOp::Eq, r)],
                None => vec![s("False")],
            },
        }
    }

    fn relation_operator_error(&mut self, op: &str, span: Span) {
        if op == "not" {
            self.report(
                codes::NO_NOT,
                span,
                "there is no `not` operator in the permissions DSL",
            );
            return;
        }
        self.upstream_error(
            codes::BAD_OPERATOR,
            span,
            format!("Unsupported where operator \"{op}\" in relation IR lowering."),
        );
    }

    /// An operand: `{"SessionRef":[…]}`, `{"OuterColumn":{"column"}}` or `{"Literal":<Value>}`;
    /// `check` = (table, column, op) for the literal/column type checks.
    fn value_ref(
        &mut self,
        v: &Pv,
        span: Span,
        check: Option<(&str, &str, CmpOp)>,
    ) -> Option<JsonValue> {
        match v {
            Pv::SessionRef(p) => Some(tag(
                "SessionRef",
                JsonValue::Array(p.iter().map(|x| s(x)).collect()),
            )),
            Pv::RowRef { column, .. } => Some(tag("OuterColumn", obj(vec![("column", s(column))]))),
            Pv::Bad => None,
            _ => {
                let l = self.literal(v, span)?;
                if let Some((t, c, op)) = check {
                    self.check_literal(t, c, &l, op, span);
                }
                Some(tag("Literal", super::super::super::json::lit(&l)))
            }
        }
    }

    fn rel_operators(
        &mut self,
        column: &str,
        left: JsonValue,
        raw: &Pv,
        lit_ctx: Option<(&str, &str)>,
    ) -> Vec<JsonValue> {
        let Pv::Obj(o) = raw else {
            return vec![s("False")];
        };
        let bare = split_qualified(column).1.to_owned();
        let mut out = Vec::new();
        for (op, val, ospan) in o.iter() {
            if matches!(val, Pv::Undef) {
                continue;
            }
            let cmp_op = match op.as_str() {
                "eq" => Some(CmpOp::Eq),
                "ne" => Some(CmpOp::Ne),
                "gt" => Some(CmpOp::Gt),
                "gte" => Some(CmpOp::Ge),
                "lt" => Some(CmpOp::Lt),
                "lte" => Some(CmpOp::Le),
                _ => None,
            };
            let p = match (op.as_str(), cmp_op) {
                ("eq", _) if matches!(val, Pv::Null) => {
                    tag("IsNull", obj(vec![("column", left.clone())]))
                }
                ("ne", _) if matches!(val, Pv::Null) => {
                    tag("IsNotNull", obj(vec![("column", left.clone())]))
                }
                (_, Some(c)) => {
                    let check = lit_ctx.map(|(t, col)| (t, col, c));
                    match self.value_ref(val, *ospan, check) {
                        Some(r) => cmp(left.clone(), c, r),
                        None => s("False"),
                    }
                }
                ("isNull", _) => match val {
                    Pv::Bool(true) => tag("IsNull", obj(vec![("column", left.clone())])),
                    Pv::Bool(false) => tag("IsNotNull", obj(vec![("column", left.clone())])),
                    _ => {
                        self.upstream_error(
                            codes::IS_NULL_NOT_BOOL,
                            *ospan,
                            format!("\"{bare}.isNull\" expects a boolean value."),
                        );
                        s("False")
                    }
                },
                ("in", _) => match val {
                    Pv::Arr(items) => {
                        let mut values = Vec::new();
                        for i in items.iter() {
                            let check = lit_ctx.map(|(t, col)| (t, col, CmpOp::Eq));
                            if let Some(r) = self.value_ref(i, *ospan, check) {
                                values.push(r);
                            }
                        }
                        tag(
                            "In",
                            obj(vec![
                                ("left", left.clone()),
                                ("values", JsonValue::Array(values)),
                            ]),
                        )
                    }
                    _ => {
                        self.upstream_error(
                            codes::IN_NOT_ARRAY,
                            *ospan,
                            format!("\"{bare}.in\" expects an array value."),
                        );
                        s("False")
                    }
                },
                ("contains", _) => match self.value_ref(val, *ospan, None) {
                    Some(r) => tag("Contains", obj(vec![("left", left.clone()), ("right", r)])),
                    None => s("False"),
                },
                (other, _) => {
                    self.relation_operator_error(other, *ospan);
                    s("False")
                }
            };
            out.push(p);
        }
        if out.is_empty() {
            out.push(s("True"));
        }
        out
    }
}
