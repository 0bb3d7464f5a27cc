//! Unary and binary operators, and the JS conversions they need (ToNumber, ToString, strict
//! equality), for the statically evaluable subset.

use std::rc::Rc;

use crate::diagnostics::codes;
use crate::schema::json::number_to_js_string;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, Expr, Pat, UnaryOp};

use super::expr::propagate;
use super::module::{Evaluator, opaque};
use super::value::Value;

impl Evaluator<'_> {
    pub(super) fn eval_unary(&mut self, span: Span, op: UnaryOp, arg: &Expr) -> Value {
        if op == UnaryOp::Delete {
            self.check_assign_target(&Pat::Expr(Box::new(arg.clone())), span);
            return Value::Bool(true);
        }
        let v = self.eval_expr(arg);
        match op {
            UnaryOp::Minus => match to_number(&v) {
                Some(n) => Value::Num(-n),
                None => propagate(v, span, "this operand cannot be evaluated statically"),
            },
            UnaryOp::Plus => match to_number(&v) {
                Some(n) => Value::Num(n),
                None => propagate(v, span, "this operand cannot be evaluated statically"),
            },
            UnaryOp::Not => match v.truthy() {
                Some(b) => Value::Bool(!b),
                None => v,
            },
            UnaryOp::TypeOf => match v {
                Value::Opaque(_) => v,
                other => Value::str(other.type_of()),
            },
            UnaryOp::Void => Value::Undefined,
            UnaryOp::BitNot | UnaryOp::Delete => opaque(
                span,
                codes::NOT_STATIC,
                "bitwise operators are not evaluated",
                None,
            ),
        }
    }

    pub(super) fn eval_binary(
        &mut self,
        span: Span,
        op: BinOp,
        left: &Expr,
        right: &Expr,
    ) -> Value {
        let l = self.eval_expr(left);
        match op {
            BinOp::And => {
                return match l.truthy() {
                    Some(true) => self.eval_expr(right),
                    Some(false) => l,
                    None => l,
                };
            }
            BinOp::Or => {
                return match l.truthy() {
                    Some(true) => l,
                    Some(false) => self.eval_expr(right),
                    None => l,
                };
            }
            BinOp::Nullish => {
                return match l {
                    Value::Undefined | Value::Null => self.eval_expr(right),
                    other => other,
                };
            }
            _ => {}
        }
        let r = self.eval_expr(right);
        self.binary_values(span, op, l, r)
    }

    /// A binary operator other than `&&`, `||`, `??` on evaluated operands.
    pub(super) fn binary_values(&mut self, span: Span, op: BinOp, l: Value, r: Value) -> Value {
        if let Value::Opaque(_) = l {
            return l;
        }
        if let Value::Opaque(_) = r {
            return r;
        }
        let num = |f: fn(f64, f64) -> f64, l: &Value, r: &Value| match (to_number(l), to_number(r))
        {
            (Some(a), Some(b)) => Value::Num(f(a, b)),
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "this arithmetic cannot be evaluated statically",
                None,
            ),
        };
        match op {
            BinOp::Add => {
                let is_str = |v: &Value| {
                    matches!(
                        v,
                        Value::Str(_) | Value::Array(_) | Value::Object(_) | Value::Date(_)
                    )
                };
                if is_str(&l) || is_str(&r) {
                    let a = match self.js_string(&l, 0, span, "this concatenation") {
                        Ok(a) => a,
                        Err(v) => return v,
                    };
                    let b = match self.js_string(
                        &r,
                        a.as_ref().map_or(0, String::len),
                        span,
                        "this concatenation",
                    ) {
                        Ok(b) => b,
                        Err(v) => return v,
                    };
                    match (a, b) {
                        (Some(a), Some(b)) => {
                            let lone = matches!(&l, Value::Str(s) if s.lone_surrogate)
                                || matches!(&r, Value::Str(s) if s.lone_surrogate);
                            Value::Str(ast::JsStr {
                                text: Rc::from(format!("{a}{b}").as_str()),
                                lone_surrogate: lone,
                            })
                        }
                        _ => opaque(
                            span,
                            codes::NOT_STATIC,
                            "this concatenation cannot be evaluated statically",
                            None,
                        ),
                    }
                } else {
                    num(|a, b| a + b, &l, &r)
                }
            }
            BinOp::Sub => num(|a, b| a - b, &l, &r),
            BinOp::Mul => num(|a, b| a * b, &l, &r),
            BinOp::Div => num(|a, b| a / b, &l, &r),
            BinOp::Mod => num(|a, b| a % b, &l, &r),
            BinOp::Exp => num(js_pow, &l, &r),
            BinOp::StrictEq => Value::Bool(strict_eq(&l, &r)),
            BinOp::StrictNotEq => Value::Bool(!strict_eq(&l, &r)),
            BinOp::EqEq | BinOp::NotEq => {
                let eq = strict_eq(&l, &r) || (l.is_nullish() && r.is_nullish());
                Value::Bool(if op == BinOp::EqEq { eq } else { !eq })
            }
            BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq => match (&l, &r) {
                (Value::Str(a), Value::Str(b)) => {
                    let (a, b): (Vec<u16>, Vec<u16>) = (
                        a.text.encode_utf16().collect(),
                        b.text.encode_utf16().collect(),
                    );
                    Value::Bool(match op {
                        BinOp::Lt => a < b,
                        BinOp::LtEq => a <= b,
                        BinOp::Gt => a > b,
                        _ => a >= b,
                    })
                }
                _ => match (to_number(&l), to_number(&r)) {
                    (Some(a), Some(b)) => Value::Bool(match op {
                        BinOp::Lt => a < b,
                        BinOp::LtEq => a <= b,
                        BinOp::Gt => a > b,
                        _ => a >= b,
                    }),
                    _ => opaque(
                        span,
                        codes::NOT_STATIC,
                        "this comparison cannot be evaluated statically",
                        None,
                    ),
                },
            },
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "this operator is not evaluated statically",
                None,
            ),
        }
    }
}

/// JS ToNumber for the primitives we model.
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Num(n) => Some(*n),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Null => Some(0.0),
        Value::Undefined => Some(f64::NAN),
        Value::Str(s) => Some(string_to_number(&s.text)),
        Value::Date(ms) => Some(*ms),
        _ => None,
    }
}

/// JS StringToNumber (decimal, hex/octal/binary prefixes, Infinity, whitespace).
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let radix = |p: &str, r: u32| {
        u64::from_str_radix(p, r)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN)
    };
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return radix(h, 16);
    }
    if let Some(h) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        return radix(h, 8);
    }
    if let Some(h) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        return radix(h, 2);
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let valid = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid || t.contains("inf") {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

impl Evaluator<'_> {
    /// [`to_js_string`] of a value about to be appended to `prefix` bytes, within the budget:
    /// the string is charged before it is built, and an array is joined only up to the limit
    /// (nested shared arrays would otherwise expand exponentially). `Ok(None)` when the value
    /// cannot be stringified statically; `Err` (JZ0111 reported at `span`) past a limit.
    pub(super) fn js_string(
        &mut self,
        v: &Value,
        prefix: usize,
        span: Span,
        what: &str,
    ) -> Result<Option<String>, Value> {
        let cap = super::budget::MAX_STRING_BYTES.saturating_sub(prefix);
        let mut out = String::new();
        let check = match write_js_string_capped(v, &mut out, cap) {
            Ok(true) => self.budget.string(prefix.saturating_add(out.len())),
            Ok(false) => return Ok(None),
            Err(TooLong) => self.budget.string(super::budget::MAX_STRING_BYTES + 1),
        };
        self.spend(check, span, what)?;
        Ok(Some(out))
    }
}

/// [`to_js_string`] up to the budget's string length; `None` past it too.
pub fn to_js_string_bounded(v: &Value) -> Option<String> {
    let mut out = String::new();
    match write_js_string_capped(v, &mut out, super::budget::MAX_STRING_BYTES) {
        Ok(true) => Some(out),
        _ => None,
    }
}

/// Stringifying stopped: the result would pass the cap.
struct TooLong;

/// Appends JS ToString of `v` to `out`, failing once `out` would pass `cap` bytes; `Ok(false)`
/// for values we cannot stringify statically.
fn write_js_string_capped(v: &Value, out: &mut String, cap: usize) -> Result<bool, TooLong> {
    let push = |out: &mut String, s: &str| {
        if out.len().saturating_add(s.len()) > cap {
            return Err(TooLong);
        }
        out.push_str(s);
        Ok(())
    };
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    push(out, ",")?;
                }
                if !item.is_nullish() && !write_js_string_capped(item, out, cap)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Value::Str(s) => push(out, &s.text).map(|()| true),
        other => match to_js_string(other) {
            Some(s) => push(out, &s).map(|()| true),
            None => Ok(false),
        },
    }
}

/// JS ToString for the values we model; `None` for values we cannot stringify statically.
/// Unbounded: evaluation goes through `Evaluator::js_string`, which keeps to the budget.
pub fn to_js_string(v: &Value) -> Option<String> {
    Some(match v {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Num(n) => number_to_js_string(*n),
        Value::Str(s) => String::from(&*s.text),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for i in items.iter() {
                parts.push(if i.is_nullish() {
                    String::new()
                } else {
                    to_js_string(i)?
                });
            }
            parts.join(",")
        }
        Value::Object(_) => "[object Object]".into(),
        _ => return None,
    })
}

pub(super) fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Num(x), Value::Num(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x.text == y.text,
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Builder(x), Value::Builder(y)) => x == y,
        _ => false,
    }
}

/// `Math.pow` semantics for `**` (NaN for `1 ** Infinity`, unlike Rust's `powf`).
fn js_pow(a: f64, b: f64) -> f64 {
    if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
        return f64::NAN;
    }
    a.powf(b)
}
