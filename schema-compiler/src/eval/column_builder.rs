//! Column builder state: what a builder is (`s.string()`, `s.ref("t")`, ...), and what the
//! modifiers did to it (`eval/dsl/modifiers.rs`). Builders are mutable and shared by identity:
//! `const t = s.string(); {a: t, b: t.optional()}` makes both columns nullable.

use crate::schema::{ColumnKind, ColumnType, JsonValue};
use crate::source::Span;

use super::value::Value;

/// The column kind a builder was created as, with what its arguments said (a
/// [`ColumnKind`] and its payload); never changes after construction.
#[derive(Clone, Debug, PartialEq)]
pub enum ColKind {
    Text,
    Boolean,
    Integer,
    Double,
    Timestamp,
    Bytea,
    Json { schema: Option<JsonValue> },
    Enum { variants: Vec<String> },
    Ref { table: String, span: Span },
    Array { element: Box<ColKind> },
}

impl ColKind {
    /// The constructor that made it.
    pub fn kind(&self) -> ColumnKind {
        match self {
            ColKind::Text => ColumnKind::String,
            ColKind::Boolean => ColumnKind::Boolean,
            ColKind::Integer => ColumnKind::Int,
            ColKind::Double => ColumnKind::Float,
            ColKind::Timestamp => ColumnKind::Timestamp,
            ColKind::Bytea => ColumnKind::Bytes,
            ColKind::Json { .. } => ColumnKind::Json,
            ColKind::Enum { .. } => ColumnKind::Enum,
            ColKind::Ref { .. } => ColumnKind::Ref,
            ColKind::Array { .. } => ColumnKind::Array,
        }
    }

    pub fn column_type(&self) -> ColumnType {
        match self {
            ColKind::Text => ColumnType::Text,
            ColKind::Boolean => ColumnType::Boolean,
            ColKind::Integer => ColumnType::Integer,
            ColKind::Double => ColumnType::Double,
            ColKind::Timestamp => ColumnType::Timestamp,
            ColKind::Bytea => ColumnType::Bytea,
            ColKind::Json { schema } => ColumnType::Json {
                schema: schema.clone(),
            },
            ColKind::Enum { variants } => ColumnType::Enum {
                variants: variants.clone(),
            },
            ColKind::Ref { .. } => ColumnType::Uuid,
            ColKind::Array { element } => ColumnType::Array(Box::new(element.column_type())),
        }
    }

    /// The referenced table (refs, and arrays of refs at any depth) with the `s.ref` span.
    pub fn references(&self) -> Option<(&str, Span)> {
        match self {
            ColKind::Ref { table, span } => Some((table, *span)),
            ColKind::Array { element } => element.references(),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    Counter,
}

/// What of a builder's state an app fixes when it is built: nullability, merge strategy and
/// where its default was set (JZ1072 compares it with the state at the end).
pub type Fingerprint = (bool, bool, Option<Span>);

/// The mutable state of one builder.
#[derive(Clone, Debug)]
pub struct BuilderState {
    pub kind: ColKind,
    /// The constructing call (`s.string()`), for labels.
    pub span: Span,
    pub nullable: bool,
    /// The last `.default(v)`: the value and the argument's span. `Value::Undefined` clears.
    pub default: Option<(Value, Span)>,
    pub merge: Option<(Merge, Span)>,
    /// Any modifier was applied (for JZ1042 on array elements).
    pub modified: Option<Span>,
}

impl BuilderState {
    pub fn new(kind: ColKind, span: Span) -> Self {
        Self {
            kind,
            span,
            nullable: false,
            default: None,
            merge: None,
            modified: None,
        }
    }

    /// A comparable fingerprint of the structural state (for JZ1072).
    pub fn fingerprint(&self) -> Fingerprint {
        (
            self.nullable,
            self.merge.is_some(),
            self.default.as_ref().map(|d| d.1),
        )
    }
}
