//! Default values by column type, with the checks JZ1043 and JZ1060–JZ1069.

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::Value as IrValue;
use crate::schema::json::number_to_js_string;
use crate::source::Span;

use super::builder::ColKind;
use super::expr::string_to_number;
use super::module::Evaluator;
use super::tojson::{report, stringify_default};
use super::value::Value;

/// Converts a `.default(v)` value; `None` (with diagnostics) when it is invalid.
pub fn convert_default(
    ev: &mut Evaluator<'_>,
    kind: &ColKind,
    nullable: bool,
    v: &Value,
    span: Span,
) -> Option<IrValue> {
    if let Value::Null = v {
        if !nullable {
            ev.push(
                Diagnostic::new(
                    codes::NULL_DEFAULT,
                    "`.default(null)` on a column that is not `.optional()`",
                )
                .at(span)
                .help("add `.optional()` to the column, or use a non-null default"),
            );
            return None;
        }
        return Some(IrValue::Null);
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
            Value::Str(s) => Some(IrValue::Text(s.text.to_string())),
            Value::Num(_) | Value::Bool(_) => {
                let t = super::ops::to_js_string_bounded(v).unwrap_or_default();
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
            if let Some(i) = crate::schema::hash::serde_num::i32_from_js(n) {
                Some(IrValue::Integer(i))
            } else {
                let msg = format!(
                    "Integer values must be signed 32-bit integers between -2147483648 and 2147483647; received {}",
                    number_to_js_string(n)
                );
                err(ev, codes::DEFAULT_INTEGER, msg.clone(), Some(msg))
            }
        }
        ColKind::Double => match v {
            Value::Num(n) if n.is_finite() => Some(IrValue::Double(*n)),
            Value::Num(n) => err(
                ev,
                codes::DEFAULT_DOUBLE,
                format!(
                    "a float default must be finite; {} becomes JSON null, which the server rejects",
                    number_to_js_string(*n)
                ),
                None,
            ),
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
                    let msg = "Invalid timestamp value. Expected Date or finite number.";
                    return err(
                        ev,
                        codes::DEFAULT_TIMESTAMP,
                        format!("{msg} Got {}.", other.describe()),
                        Some(msg.into()),
                    );
                }
            };
            if !ms.is_finite() {
                let msg = "Invalid timestamp value. Expected Date or finite number.";
                return err(ev, codes::DEFAULT_TIMESTAMP, msg.into(), Some(msg.into()));
            }
            if ms < 0.0 || ms.fract() != 0.0 {
                return err(
                    ev,
                    codes::DEFAULT_TIMESTAMP,
                    format!(
                        "a timestamp default must be a whole number of milliseconds since 1970 (got {}); the server stores it unsigned",
                        number_to_js_string(ms)
                    ),
                    None,
                );
            }
            // Through upstream's text round trip: `2**60` is stored as 1152921504606847000.
            crate::schema::hash::serde_num::timestamp_from_js(ms).map(IrValue::Timestamp)
        }
        ColKind::Ref { .. } => match v {
            Value::Str(s) if crate::schema::hash::parse_uuid(&s.text).is_some() => {
                Some(IrValue::Uuid(s.text.to_string()))
            }
            Value::Str(s) => err(
                ev,
                codes::DEFAULT_UUID,
                format!("\"{}\" is not a UUID", s.text),
                None,
            ),
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
        ColKind::Bytea => {
            let bytes = match v {
                Value::Bytes(b) => Some((**b).clone()),
                Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Value::Num(n) if n.fract() == 0.0 && (0.0..=255.0).contains(n) => {
                            Some(*n as u8)
                        }
                        _ => None,
                    })
                    .collect(),
                _ => {
                    let msg = "Expected Uint8Array or byte array for Bytea column type";
                    return err(ev, codes::DEFAULT_BYTES, msg.into(), Some(msg.into()));
                }
            };
            match bytes {
                Some(b) => Some(IrValue::Bytea(b)),
                None => {
                    let msg = "Bytea arrays must contain integers in range 0..255";
                    err(ev, codes::DEFAULT_BYTES, msg.into(), Some(msg.into()))
                }
            }
        }
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
            Value::Str(s) if variants.iter().any(|x| *x == *s.text) => {
                Some(IrValue::Text(s.text.to_string()))
            }
            other => {
                let shown = match other {
                    Value::Str(s) => s.text.to_string(),
                    o => super::ops::to_js_string_bounded(o).unwrap_or_default(),
                };
                let msg = format!(
                    "Invalid enum value \"{}\". Expected one of: {}",
                    crate::diagnostics::quoted_name(&shown),
                    variants.join(", ")
                );
                let mut d = Diagnostic::new(codes::DEFAULT_ENUM, msg.clone())
                    .upstream(msg)
                    .at(span);
                if let Some(sugg) =
                    crate::diagnostics::did_you_mean(&shown, variants.iter().map(String::as_str))
                {
                    let q = crate::diagnostics::quoted_name(sugg);
                    d = d.help(format!("did you mean \"{q}\"?")).fix(
                        format!("Replace with \"{q}\""),
                        span,
                        format!("\"{sugg}\""),
                    );
                }
                ev.push(d);
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
    ev.push(
        Diagnostic::new(
            codes::DEFAULT_COERCED,
            format!("this default is converted to the {ty} {became}"),
        )
        .at(span)
        .help(format!("write the {ty} value directly")),
    );
}

/// schema.md §7 Q2: a string default on a JSON column.
fn json_string_default(ev: &mut Evaluator<'_>, s: &str, span: Span) -> Option<IrValue> {
    match crate::schema::json::parse(s) {
        Ok(parsed) => {
            let canon = crate::schema::json::stringify(&parsed);
            if canon == s {
                ev.push(
                    Diagnostic::new(codes::DEFAULT_JSON_TEXT, "a string default on a JSON column is stored as this JSON text; write the value as a literal")
                        .at(span)
                        .help(format!("write `.default({s})`"))
                        .fix("Write the value as a literal", span, s.to_owned()),
                );
                Some(IrValue::Text(s.to_owned()))
            } else {
                ev.push(
                    Diagnostic::new(codes::DEFAULT_JSON_STRING, "this string default is JSON text that upstream's CLI re-serializes differently, changing the schema hash")
                        .at(span)
                        .help(format!("write the value as a literal: `.default({canon})`"))
                        .fix("Write the value as a literal", span, canon),
                );
                None
            }
        }
        Err(_) => {
            let quoted =
                crate::schema::json::stringify(&crate::schema::JsonValue::String(s.to_owned()));
            ev.push(
                Diagnostic::new(codes::DEFAULT_JSON_STRING, "this string default on a JSON column is not JSON text; upstream's CLI fails on it")
                    .at(span)
                    .help(format!("to store a JSON string, quote it: `.default(JSON.stringify({quoted}))`, or write the value as a literal"))
                    .fix("Store it as a JSON string", span, format!("{:?}", quoted)),
            );
            None
        }
    }
}
