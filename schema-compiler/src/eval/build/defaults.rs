//! `.default(v)` by column type: the JS value written becomes a plain number, string or byte
//! list, which `schema::checks` (`defaults.rs`) turns into the stored value or refuses. Reported
//! here are the values of a JS type the column cannot take at all (an object for an int, a
//! non-array for an array column), with the JS type named, and the conversions JS would make
//! (JZ1069, whose text the check writes).

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::Value as IrValue;
use crate::schema::checks;
use crate::schema::json::number_to_js_string;
use crate::source::Span;

use crate::eval::column_builder::ColKind;
use crate::eval::expr::string_to_number;
use crate::eval::module::Evaluator;
use crate::eval::tojson::{report, stringify_default};
use crate::eval::value::Value;

/// The value a check accepted, or `None` after reporting why not.
fn checked(ev: &mut Evaluator<'_>, r: checks::Checked<IrValue>) -> Option<IrValue> {
    r.map_err(|d| ev.push(*d)).ok()
}

/// Converts a `.default(v)` value; `None` (with diagnostics) when it is invalid.
pub fn convert_default(
    ev: &mut Evaluator<'_>,
    kind: &ColKind,
    nullable: bool,
    v: &Value,
    span: Span,
) -> Option<IrValue> {
    if let Value::Null = v {
        return checked(ev, checks::null_default(nullable, span));
    }
    if let Value::Opaque(o) = v {
        ev.report_opaque(o);
        return None;
    }
    convert(ev, kind, v, span)
}

fn convert(ev: &mut Evaluator<'_>, kind: &ColKind, v: &Value, span: Span) -> Option<IrValue> {
    let err = |ev: &mut Evaluator<'_>, code, msg: String, upstream: Option<String>| {
        let mut d = Diagnostic::new(code, msg).at(span);
        if let Some(u) = upstream {
            d = d.upstream(u);
        }
        ev.push(d);
        None
    };
    if let Value::Str(s) = v
        && s.lone_surrogate
    {
        ev.push(
            Diagnostic::new(
                codes::LONE_SURROGATE,
                "this string contains an unpaired UTF-16 surrogate, which the server rejects",
            )
            .at(span),
        );
        return None;
    }
    match kind {
        ColKind::Text => match v {
            Value::Str(s) => Some(IrValue::Text(String::from(&*s.text))),
            Value::Num(_) | Value::Bool(_) => {
                let t = crate::eval::ops::to_js_string_bounded(v).unwrap_or_default();
                coerced(ev, span, "string", &format!("\"{t}\""));
                Some(IrValue::Text(t))
            }
            other => err(
                ev,
                codes::DEFAULT_STRING,
                format!(
                    "a string column's default must be a string, not {}",
                    other.describe()
                ),
                None,
            ),
        },
        ColKind::Boolean => match v {
            Value::Bool(b) => Some(IrValue::Boolean(*b)),
            other => {
                let b = other.truthy().unwrap_or(false);
                coerced(ev, span, "boolean", &b.to_string());
                Some(IrValue::Boolean(b))
            }
        },
        ColKind::Integer => {
            let n = match v {
                Value::Num(n) => *n,
                Value::Str(s) => {
                    let n = string_to_number(&s.text);
                    coerced(ev, span, "int", &number_to_js_string(n));
                    n
                }
                other => {
                    return err(
                        ev,
                        codes::DEFAULT_INTEGER,
                        format!(
                            "an int column's default must be a number, not {}",
                            other.describe()
                        ),
                        None,
                    );
                }
            };
            checked(ev, checks::int_default(n, span))
        }
        ColKind::Double => match v {
            Value::Num(n) => checked(ev, checks::float_default(*n, span)),
            other => err(
                ev,
                codes::DEFAULT_DOUBLE,
                format!(
                    "a float column's default must be a number, not {}",
                    other.describe()
                ),
                None,
            ),
        },
        ColKind::Timestamp => {
            let ms = match v {
                Value::Date(ms) => *ms,
                Value::Num(n) => *n,
                other => {
                    let msg = checks::TIMESTAMP_EXPECTED;
                    return err(
                        ev,
                        codes::DEFAULT_TIMESTAMP,
                        format!("{msg} Got {}.", other.describe()),
                        Some(msg.into()),
                    );
                }
            };
            checked(ev, checks::timestamp_default(ms, span))
        }
        ColKind::Ref { .. } => match v {
            Value::Str(s) => checked(ev, checks::uuid_default(&s.text, span)),
            other => err(
                ev,
                codes::DEFAULT_UUID,
                format!(
                    "a ref default must be a UUID string, not {}",
                    other.describe()
                ),
                None,
            ),
        },
        ColKind::Bytea => match v {
            Value::Bytes(b) => Some(IrValue::Bytea((**b).clone())),
            Value::Array(items) => {
                let numbers = items.iter().map(|i| match i {
                    Value::Num(n) => Some(*n),
                    _ => None,
                });
                checked(ev, checks::bytes_default(numbers, span))
            }
            _ => {
                let msg = "Expected Uint8Array or byte array for Bytea column type";
                err(ev, codes::DEFAULT_BYTES, msg.into(), Some(msg.into()))
            }
        },
        ColKind::Json { .. } => match v {
            Value::Str(s) => json_string_default(ev, &s.text, span),
            other => match stringify_default(other) {
                Ok(Some(text)) => Some(IrValue::Text(text)),
                Ok(None) => None,
                Err(e) => {
                    report(ev, e, span);
                    None
                }
            },
        },
        ColKind::Enum { variants } => match v {
            Value::Str(s) => checked(ev, checks::enum_default(&s.text, variants, span)),
            other => {
                let shown = crate::eval::ops::to_js_string_bounded(other).unwrap_or_default();
                ev.push(checks::not_a_variant(&shown, variants, span));
                None
            }
        },
        ColKind::Array { element } => match v {
            Value::Array(items) => {
                // Each nesting level may repeat a shared array: charge every expansion.
                let check = ev.budget.array(items.len());
                ev.spend(check, span, "this default").ok()?;
                let mut out = Vec::with_capacity(items.len());
                for i in items.iter() {
                    if let Value::Null = i {
                        out.push(IrValue::Null);
                        continue;
                    }
                    out.push(convert(ev, element, i, span)?);
                }
                Some(IrValue::Array(out))
            }
            other => {
                let msg = format!(
                    "Expected array for Array column type, got {}",
                    other.type_of()
                );
                err(ev, codes::DEFAULT_ARRAY, msg.clone(), Some(msg))
            }
        },
    }
}

fn coerced(ev: &mut Evaluator<'_>, span: Span, ty: &str, became: &str) {
    ev.push(checks::coerced_default(ty, became, span));
}

/// A string default on a JSON column.
fn json_string_default(ev: &mut Evaluator<'_>, s: &str, span: Span) -> Option<IrValue> {
    let (value, d) = checks::json_text_default(s, span);
    ev.push(d);
    value
}
