//! The zod subset `s.json(z...)` accepts, and its JSON Schema output exactly as zod 4.3.x
//! `toJSONSchema` (draft-07) writes it. Zod schemas are immutable values.
//!
//! The evaluator hands us calls (`z.<name>(…)`, `<schema>.<method>(…)`) with their arguments
//! already evaluated ([`ZodArg`]); we build a [`ZodSchema`] or say why the construct is outside
//! the subset ([`ZodError`], which the evaluator reports as JZ0105 with its own help text).
//! [`to_json_schema`] then writes what `s.json(Z)` stores. This module knows nothing of syntax,
//! spans or diagnostics.
//!
//! Construction (`build`) keeps only what the JSON Schema output depends on, in the shape zod
//! 4.3 gives it; the output rules, which emulate zod's "bag" of checks and its key orders, live
//! in `json_schema`.

mod bounds;
mod build;
mod json_schema;

use std::rc::Rc;

use crate::schema::JsonValue;

/// How deeply zod schemas may nest. Real schemas stay far below; the limit keeps every
/// recursion over a schema (output, drop) bounded on hostile input.
pub const MAX_NESTING: u32 = 100;

/// A zod schema value (immutable; methods return new values).
#[derive(Debug, Clone, PartialEq)]
pub struct ZodSchema {
    kind: ZodKind,
    /// 1 for a leaf, else 1 + the deepest child; never above [`MAX_NESTING`].
    depth: u32,
}

/// What a zod schema is, reduced to what its JSON Schema depends on.
#[derive(Debug, Clone, PartialEq)]
pub enum ZodKind {
    /// `z.string()`, `z.iso.datetime()`, `z.iso.date()`, with length bounds.
    String(StringSchema),
    /// `z.number()`, `z.int()`, `z.number().int()`, with bounds.
    Number(NumberSchema),
    Boolean,
    Null,
    Any,
    Unknown,
    Literal(Literal),
    /// `z.enum([...])`: variants already in zod's order (duplicates dropped, array-index
    /// strings first in ascending order).
    Enum(Vec<String>),
    Array {
        element: Rc<ZodSchema>,
        length: LengthBounds,
    },
    /// `z.object` and friends: shape in property order.
    Object {
        shape: Vec<(String, Rc<ZodSchema>)>,
        mode: ObjectMode,
    },
    /// `z.record(K, V)`; K is a string schema.
    Record {
        key: Rc<ZodSchema>,
        value: Rc<ZodSchema>,
    },
    /// `z.union([...])`, never empty.
    Union(Vec<Rc<ZodSchema>>),
    Nullable(Rc<ZodSchema>),
    Optional(Rc<ZodSchema>),
}

/// A string schema: an optional ISO format and length bounds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringSchema {
    pub format: Option<IsoFormat>,
    pub length: LengthBounds,
}

/// The `z.iso.*` string formats in the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoFormat {
    DateTime,
    Date,
}

/// `minLength`/`maxLength` (strings) or `minItems`/`maxItems` (arrays). At most one call sets
/// each side (`.length(n)` sets both).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LengthBounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A number schema. At most one call sets each bound.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberSchema {
    /// `z.int()` / `.int()`: safe-integer format, which brings default bounds.
    pub integer: bool,
    pub lower: Option<NumberBound>,
    pub upper: Option<NumberBound>,
    pub multiple_of: Option<f64>,
}

/// One number bound as declared (finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberBound {
    pub value: f64,
    pub exclusive: bool,
}

/// A `z.literal` value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

/// What an object does with keys outside its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectMode {
    /// `z.object`: unknown keys are stripped (output side: `additionalProperties: false`).
    Strip,
    /// `z.strictObject`, `.strict()`.
    Strict,
    /// `z.looseObject`, `.passthrough()`.
    Loose,
}

impl ZodSchema {
    /// Wraps `kind`, refusing nesting deeper than [`MAX_NESTING`].
    fn new(kind: ZodKind) -> Result<Self, ZodError> {
        let deepest_child = match &kind {
            ZodKind::Array { element: c, .. } | ZodKind::Nullable(c) | ZodKind::Optional(c) => {
                c.depth
            }
            ZodKind::Object { shape, .. } => shape.iter().map(|(_, c)| c.depth).max().unwrap_or(0),
            ZodKind::Record { key, value } => key.depth.max(value.depth),
            ZodKind::Union(members) => members.iter().map(|c| c.depth).max().unwrap_or(0),
            _ => 0,
        };
        let depth = deepest_child + 1;
        if depth > MAX_NESTING {
            return Err(ZodError::new(format!(
                "zod schemas nested more than {MAX_NESTING} levels deep are outside the zod \
                 subset jazz can evaluate statically"
            )));
        }
        Ok(Self { kind, depth })
    }

    /// What this schema is.
    pub fn kind(&self) -> &ZodKind {
        &self.kind
    }
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
    /// An object literal, members in property order.
    Object(Vec<(String, ZodArg)>),
    /// Anything else (a builder, a Date, an opaque value...).
    Other,
}

/// Why a zod construct is outside the subset (JZ0105).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZodError {
    pub message: String,
}

impl ZodError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// "`<construct>` is outside the zod subset jazz can evaluate statically".
    fn outside(construct: &str) -> Self {
        Self::new(format!(
            "`{construct}` is outside the zod subset jazz can evaluate statically"
        ))
    }
}

/// `z.<name>(args)`; `name` may be dotted (`"iso.datetime"`).
pub fn call_z(name: &str, args: &[ZodArg]) -> Result<ZodSchema, ZodError> {
    build::call_z(name, args)
}

/// `<recv>.<name>(args)`.
pub fn call_method(recv: &ZodSchema, name: &str, args: &[ZodArg]) -> Result<ZodSchema, ZodError> {
    build::call_method(recv, name, args)
}

/// The JSON Schema with `$schema` first (what `s.json(Z)` stores).
pub fn to_json_schema(schema: &ZodSchema) -> Result<JsonValue, ZodError> {
    Ok(json_schema::to_json_schema(schema))
}

#[cfg(test)]
mod tests;
