//! The zod subset `s.json(z...)` accepts, and its JSON Schema output exactly as zod 4.3.x
//! `toJSONSchema` (draft-07) writes it (schema.md §3.9). Zod schemas are immutable values.

use std::rc::Rc;

use crate::schema::JsonValue;

/// A zod schema value (immutable; methods return new values). STUB shape.
#[derive(Debug, Clone, PartialEq)]
pub enum ZodSchema {
    Any,
}

/// An argument handed to a zod call by the evaluator.
#[derive(Debug, Clone, PartialEq)]
pub enum ZodArg {
    Zod(Rc<ZodSchema>),
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    Undefined,
    Array(Vec<ZodArg>),
    Object(Vec<(String, ZodArg)>),
    /// Anything else (a builder, a Date, an opaque value...).
    Other,
}

/// Why a zod construct is outside the subset (JZ0105).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZodError {
    pub message: String,
}

/// `z.<name>(args)`; `name` may be dotted (`"iso.datetime"`). STUB.
pub fn call_z(name: &str, args: &[ZodArg]) -> Result<ZodSchema, ZodError> {
    let _ = args;
    Err(ZodError { message: format!("`z.{name}` is outside the supported zod subset") })
}

/// `<recv>.<name>(args)`. STUB.
pub fn call_method(recv: &ZodSchema, name: &str, args: &[ZodArg]) -> Result<ZodSchema, ZodError> {
    let _ = (recv, args);
    Err(ZodError { message: format!("`.{name}()` is outside the supported zod subset") })
}

/// The JSON Schema with `$schema` first (what `s.json(Z)` stores). STUB.
pub fn to_json_schema(schema: &ZodSchema) -> Result<JsonValue, ZodError> {
    let _ = schema;
    Err(ZodError { message: "unimplemented".into() })
}
