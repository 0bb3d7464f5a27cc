//! `.default(v)` by column type, once the evaluator has the value as a plain number, string or
//! list of numbers: null on a required column (JZ1043), an int outside i32 (JZ1060), a
//! timestamp that is no whole non-negative number of milliseconds (JZ1061), a float that is
//! not finite (JZ1062), a ref default that is no UUID (JZ1063), an enum default that is no
//! variant (JZ1064), bytes outside 0..255 (JZ1066), JSON text as a string default (JZ1068,
//! JZ1090), and a value the column converts (JZ1069). Each returns the IR value the schema
//! stores, or the diagnostic. Values of the wrong JS type are reported by `eval/build/defaults.rs`,
//! which knows what was written.

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::schema::Value;
use crate::schema::hash::parse_uuid;
use crate::schema::hash::serde_num::{i32_from_js, timestamp_from_js};
use crate::schema::json::{self, JsonValue, number_to_js_string};
use crate::source::Span;

/// The stored value, or the diagnostic that refuses the default (boxed: it is large).
pub type Checked<T> = Result<T, Box<Diagnostic>>;

/// JZ1043: `.default(null)` (at `span`) is only for `.optional()` columns.
pub fn null_default(nullable: bool, span: Span) -> Checked<Value> {
    if nullable {
        return Ok(Value::Null);
    }
    Err(Box::new(
        Diagnostic::new(
            codes::NULL_DEFAULT,
            "`.default(null)` on a column that is not `.optional()`",
        )
        .at(span)
        .help("add `.optional()` to the column, or use a non-null default"),
    ))
}

/// JZ1069: the default at `span` is stored as `became`, a value of type `ty`, not as written.
pub fn coerced_default(ty: &str, became: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::DEFAULT_COERCED,
        format!("this default is converted to the {ty} {became}"),
    )
    .at(span)
    .help(format!("write the {ty} value directly"))
}

/// JZ1060: an int default must be a signed 32-bit integer.
pub fn int_default(n: f64, span: Span) -> Checked<Value> {
    if let Some(i) = i32_from_js(n) {
        return Ok(Value::Integer(i));
    }
    let msg = format!(
        "Integer values must be signed 32-bit integers between -2147483648 and 2147483647; received {}",
        number_to_js_string(n)
    );
    Err(Box::new(
        Diagnostic::new(codes::DEFAULT_INTEGER, msg.clone())
            .upstream(msg)
            .at(span),
    ))
}

/// JZ1062: a float default must be finite (JSON has no NaN or Infinity).
pub fn float_default(n: f64, span: Span) -> Checked<Value> {
    if n.is_finite() {
        return Ok(Value::Double(n));
    }
    Err(Box::new(
        Diagnostic::new(
            codes::DEFAULT_DOUBLE,
            format!(
                "a float default must be finite; {} becomes JSON null, which the server rejects",
                number_to_js_string(n)
            ),
        )
        .at(span),
    ))
}

/// Upstream's text for a timestamp default that is no Date or finite number.
pub const TIMESTAMP_EXPECTED: &str = "Invalid timestamp value. Expected Date or finite number.";

/// JZ1061: a timestamp default (milliseconds since 1970, from a number or a `Date`) must be a
/// finite, whole, non-negative number that fits the server's u64 once it has gone through
/// upstream's text round trip.
pub fn timestamp_default(ms: f64, span: Span) -> Checked<Value> {
    if !ms.is_finite() {
        return Err(Box::new(
            Diagnostic::new(codes::DEFAULT_TIMESTAMP, TIMESTAMP_EXPECTED)
                .upstream(TIMESTAMP_EXPECTED)
                .at(span),
        ));
    }
    if ms < 0.0 || ms.fract() != 0.0 {
        return Err(Box::new(Diagnostic::new(
            codes::DEFAULT_TIMESTAMP,
            format!(
                "a timestamp default must be a whole number of milliseconds since 1970 (got {}); the server stores it unsigned",
                number_to_js_string(ms)
            ),
        )
        .at(span)));
    }
    // Through upstream's text round trip: `2**60` is stored as 1152921504606847000.
    timestamp_from_js(ms).map(Value::Timestamp).ok_or_else(|| {
        Box::new(
            Diagnostic::new(
                codes::DEFAULT_TIMESTAMP,
                format!(
                    "a timestamp default must be below 2^64 milliseconds (got {}); the server stores it as an unsigned 64-bit integer",
                    number_to_js_string(ms)
                ),
            )
            .at(span),
        )
    })
}

/// JZ1063: a ref default must be a UUID string.
pub fn uuid_default(text: &str, span: Span) -> Checked<Value> {
    if parse_uuid(text).is_some() {
        return Ok(Value::Uuid(text.to_owned()));
    }
    Err(Box::new(
        Diagnostic::new(codes::DEFAULT_UUID, format!("\"{text}\" is not a UUID")).at(span),
    ))
}

/// JZ1064: a string enum default must be one of the `variants`.
pub fn enum_default(text: &str, variants: &[String], span: Span) -> Checked<Value> {
    if variants.iter().any(|v| v == text) {
        return Ok(Value::Text(text.to_owned()));
    }
    Err(Box::new(not_a_variant(text, variants, span)))
}

/// JZ1064: the enum default at `span`, shown as `shown` (its JS string), is no variant.
pub fn not_a_variant(shown: &str, variants: &[String], span: Span) -> Diagnostic {
    let msg = format!(
        "Invalid enum value \"{}\". Expected one of: {}",
        quoted_name(shown),
        variants.join(", ")
    );
    let d = Diagnostic::new(codes::DEFAULT_ENUM, msg.clone())
        .upstream(msg)
        .at(span);
    super::suggest_literal(d, shown, variants.iter().map(String::as_str), span)
}

/// JZ1066: a bytes default written as an array; each item is its number, `None` for an item
/// that is no number. Every item must be an integer in 0..=255.
pub fn bytes_default(items: impl IntoIterator<Item = Option<f64>>, span: Span) -> Checked<Value> {
    let bytes: Option<Vec<u8>> = items
        .into_iter()
        .map(|n| match n {
            Some(n) if n.fract() == 0.0 && (0.0..=255.0).contains(&n) => Some(n as u8),
            _ => None,
        })
        .collect();
    bytes.map(Value::Bytea).ok_or_else(|| {
        let msg = "Bytea arrays must contain integers in range 0..255";
        Box::new(
            Diagnostic::new(codes::DEFAULT_BYTES, msg)
                .upstream(msg)
                .at(span),
        )
    })
}

/// JZ1090 / JZ1068: a string default `s` on a JSON column. Text that is already canonical JSON
/// is stored as it is, with a warning to write the value as a literal (JZ1090); other JSON text
/// would be re-serialized by upstream's CLI, and non-JSON text makes it fail (JZ1068, no value).
pub fn json_text_default(s: &str, span: Span) -> (Option<Value>, Diagnostic) {
    match json::parse(s) {
        Ok(parsed) => {
            let canon = json::stringify(&parsed);
            if canon == s {
                let d = Diagnostic::new(codes::DEFAULT_JSON_TEXT, "a string default on a JSON column is stored as this JSON text; write the value as a literal")
                    .at(span)
                    .help(format!("write `.default({s})`"))
                    .fix("Write the value as a literal", span, s.to_owned());
                (Some(Value::Text(s.to_owned())), d)
            } else {
                let d = Diagnostic::new(codes::DEFAULT_JSON_STRING, "this string default is JSON text that upstream's CLI re-serializes differently, changing the schema hash")
                    .at(span)
                    .help(format!("write the value as a literal: `.default({canon})`"))
                    .fix("Write the value as a literal", span, canon);
                (None, d)
            }
        }
        Err(_) => {
            let quoted = json::stringify(&JsonValue::String(s.to_owned()));
            let d = Diagnostic::new(codes::DEFAULT_JSON_STRING, "this string default on a JSON column is not JSON text; upstream's CLI fails on it")
                .at(span)
                .help(format!("to store a JSON string, quote it: `.default(JSON.stringify({quoted}))`, or write the value as a literal"))
                .fix("Store it as a JSON string", span, format!("{:?}", quoted));
            (None, d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0, 1)
    }

    #[test]
    fn numbers_outside_the_column_type_are_refused() {
        assert_eq!(int_default(7.0, span()), Ok(Value::Integer(7)));
        assert!(int_default(2_147_483_648.0, span()).is_err());
        assert!(float_default(f64::NAN, span()).is_err());
        assert!(timestamp_default(-1.0, span()).is_err());
        assert!(timestamp_default(0.5, span()).is_err());
        assert_eq!(timestamp_default(5.0, span()), Ok(Value::Timestamp(5)));
        // 2^60 goes through upstream's text round trip; 1e20 does not fit the server's u64.
        assert_eq!(
            timestamp_default(2f64.powi(60), span()),
            Ok(Value::Timestamp(1_152_921_504_606_847_000))
        );
        assert!(timestamp_default(1e20, span()).is_err());
    }

    #[test]
    fn bytes_must_be_integers_in_range() {
        assert_eq!(
            bytes_default([Some(0.0), Some(255.0)], span()),
            Ok(Value::Bytea(vec![0, 255]))
        );
        assert!(bytes_default([Some(256.0)], span()).is_err());
        assert!(bytes_default([None], span()).is_err());
    }

    #[test]
    fn an_enum_default_must_be_a_variant() {
        let variants = vec!["active".to_owned(), "done".to_owned()];
        assert!(enum_default("done", &variants, span()).is_ok());
        let d = enum_default("actve", &variants, span());
        assert_eq!(d.map_err(|d| d.fixes.len()), Err(1));
    }
}
