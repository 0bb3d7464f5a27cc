//! Encoding default literals for the wire by the witness column type, with the JZ33xx checks:
//! enum membership, timestamps, bytes, arrays, JSON, and the integer/timestamp ranges upstream's
//! server would reject.

use crate::diagnostics::Code;
use crate::schema::json::{JsonValue, stringify};
use crate::schema::{ColumnType, Value};

use super::super::codes;
use super::syntax::Lit;

/// Why a literal does not fit a column.
pub type Misfit = (Code, String);

fn misfit(reason: &str) -> Misfit {
    (
        codes::VALUE_MISFIT,
        format!("default does not fit the column type: {reason}"),
    )
}

fn type_of(l: &Lit) -> &'static str {
    match l {
        Lit::Undefined => "undefined",
        Lit::Bool(_) => "boolean",
        Lit::Num(_) => "number",
        Lit::Str(_) => "string",
        _ => "object",
    }
}

/// Encodes `lit` for a column of type `t`. `null`/`undefined` give `Value::Null`; the caller
/// decides whether Null is allowed (nullability).
pub fn encode(lit: &Lit, t: &ColumnType) -> Result<Value, Misfit> {
    if matches!(lit, Lit::Null | Lit::Undefined) {
        return Ok(Value::Null);
    }
    match (t, lit) {
        (ColumnType::Text, Lit::Str(s)) => Ok(Value::Text(s.clone())),
        (ColumnType::Text, _) => Err(misfit("expected a string")),
        (ColumnType::Uuid, Lit::Str(s)) => Ok(Value::Uuid(s.clone())),
        (ColumnType::Uuid, _) => Err(misfit("expected a UUID string")),
        (ColumnType::Boolean, Lit::Bool(b)) => Ok(Value::Boolean(*b)),
        (ColumnType::Boolean, _) => Err(misfit("expected a boolean")),
        (ColumnType::Integer, Lit::Num(n)) => {
            if n.is_finite()
                && n.fract() == 0.0
                && *n >= f64::from(i32::MIN)
                && *n <= f64::from(i32::MAX)
            {
                Ok(Value::Integer(*n as i32))
            } else {
                Err(misfit(
                    "an int must be a whole number between -2147483648 and 2147483647",
                ))
            }
        }
        (ColumnType::Integer, _) => Err(misfit("expected a number")),
        (ColumnType::Double, Lit::Num(n)) if n.is_finite() => Ok(Value::Double(*n)),
        (ColumnType::Double, Lit::Num(_)) => Err(misfit("a float must be finite")),
        (ColumnType::Double, _) => Err(misfit("expected a number")),
        (ColumnType::Timestamp, Lit::Num(n) | Lit::Date(n)) => {
            if !n.is_finite() {
                Err((
                    codes::BAD_TIMESTAMP,
                    "Invalid timestamp value. Expected Date or finite number.".into(),
                ))
            } else if *n < 0.0 || n.fract() != 0.0 {
                Err(misfit(
                    "a timestamp must be a whole, non-negative number of milliseconds",
                ))
            } else {
                Ok(Value::Timestamp(*n as u64))
            }
        }
        (ColumnType::Timestamp, _) => Err((
            codes::BAD_TIMESTAMP,
            "Invalid timestamp value. Expected Date or finite number.".into(),
        )),
        (ColumnType::Bytea, Lit::Bytes(b)) => Ok(Value::Bytea(b.clone())),
        (ColumnType::Bytea, Lit::Array(items)) => items
            .iter()
            .map(|i| match i {
                Lit::Num(n) if n.fract() == 0.0 && (0.0..=255.0).contains(n) => Ok(*n as u8),
                _ => Err((
                    codes::BAD_BYTES,
                    "Bytea arrays must contain integers in range 0..255".to_owned(),
                )),
            })
            .collect::<Result<Vec<u8>, _>>()
            .map(Value::Bytea),
        (ColumnType::Bytea, _) => Err((
            codes::BAD_BYTES,
            "Expected Uint8Array or byte array for Bytea column type".into(),
        )),
        (ColumnType::Enum { variants }, Lit::Str(s)) if variants.contains(s) => {
            Ok(Value::Text(s.clone()))
        }
        (ColumnType::Enum { variants }, other) => {
            let shown = match other {
                Lit::Str(s) => s.clone(),
                Lit::Num(n) => crate::schema::json::number_to_js_string(*n),
                Lit::Bool(b) => b.to_string(),
                _ => type_of(other).to_owned(),
            };
            Err((
                codes::BAD_ENUM_VALUE,
                format!(
                    "Invalid enum value \"{shown}\". Expected one of: {}",
                    variants.join(", ")
                ),
            ))
        }
        (ColumnType::Json { .. }, Lit::Str(s)) => Ok(Value::Text(s.clone())),
        (ColumnType::Json { .. }, other) => match to_json(other) {
            Some(j) => Ok(Value::Text(stringify(&j))),
            None => Err((codes::BAD_JSON, "JSON values must be serializable".into())),
        },
        (ColumnType::Array(el), Lit::Array(items)) => items
            .iter()
            .map(|i| encode(i, el))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (ColumnType::Array(_), other) => Err((
            codes::BAD_ARRAY,
            format!(
                "Expected array for Array column type, got {}",
                type_of(other)
            ),
        )),
        (ColumnType::BigInt | ColumnType::Row(_) | ColumnType::BatchId, _) => Err(misfit(
            "this column type has no migration defaults at jazz-tools alpha.50",
        )),
    }
}

/// A literal as a JSON value (`JSON.stringify` semantics); `None` when not serialisable.
pub fn to_json(l: &Lit) -> Option<JsonValue> {
    Some(match l {
        Lit::Null => JsonValue::Null,
        Lit::Undefined => return None,
        Lit::Bool(b) => JsonValue::Bool(*b),
        Lit::Num(n) if n.is_finite() => JsonValue::Number(*n),
        Lit::Num(_) => JsonValue::Null,
        Lit::Str(s) => JsonValue::String(s.clone()),
        Lit::Array(items) => JsonValue::Array(
            items
                .iter()
                .map(|i| to_json(i).unwrap_or(JsonValue::Null))
                .collect(),
        ),
        Lit::Object(m) => JsonValue::Object(
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), to_json(v)?)))
                .collect(),
        ),
        Lit::Date(_) | Lit::Bytes(_) => return None,
    })
}
