//! A JSON value as JavaScript holds it: ordered object members, f64 numbers. Used for JSON
//! schemas and JSON defaults; written with `JSON.stringify` rules.
//!
//! (Writer and reader are added in `json_text.rs`.)

/// A JSON value with JS semantics: object members keep insertion order, numbers are f64.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

/// Why a JSON text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset}")]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

/// ECMA-262 `Number::toString(x)`. STUB: to be implemented.
pub fn number_to_js_string(x: f64) -> String {
    format!("{x}")
}

/// Compact `JSON.stringify(v)`. STUB: to be implemented.
pub fn stringify(v: &JsonValue) -> String {
    let _ = v;
    String::new()
}

/// `JSON.parse(text)` with JS semantics. STUB: to be implemented.
pub fn parse(text: &str) -> Result<JsonValue, JsonError> {
    let _ = text;
    Err(JsonError { message: "unimplemented".into(), offset: 0 })
}
