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
