//! Schema IR: the WasmSchema as upstream's Rust side deserializes it (schema.md §4.1).

use super::JsonValue;

/// A whole schema: tables in declaration (property) order. Names are unique.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WasmSchema {
    pub tables: Vec<Table>,
}

impl WasmSchema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// `Some` iff `.indexOnly` was called; order and duplicates kept.
    pub indexed_columns: Option<Vec<String>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub column_type: ColumnType,
    pub nullable: bool,
    pub default: Option<Value>,
    pub references: Option<String>,
    pub merge_strategy: Option<MergeStrategy>,
}

impl Column {
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Self {
        Self {
            name: name.into(),
            column_type,
            nullable: false,
            default: None,
            references: None,
            merge_strategy: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeStrategy {
    Counter,
    /// Post-alpha.50 only; read from snapshots and servers, never produced from the DSL.
    GSet,
}

impl MergeStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeStrategy::Counter => "Counter",
            MergeStrategy::GSet => "GSet",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ColumnType {
    Integer,
    /// Rust-only; never produced from the DSL.
    BigInt,
    Boolean,
    Text,
    Timestamp,
    Uuid,
    Array(Box<ColumnType>),
    /// Rust-only; never produced from the DSL.
    Row(Vec<Column>),
    Enum {
        variants: Vec<String>,
    },
    Double,
    Bytea,
    Json {
        schema: Option<JsonValue>,
    },
    /// Rust-only; never produced from the DSL.
    BatchId,
}

impl ColumnType {
    /// The `"type"` tag of the column_type JSON.
    pub fn tag(&self) -> &'static str {
        match self {
            ColumnType::Integer => "Integer",
            ColumnType::BigInt => "BigInt",
            ColumnType::Boolean => "Boolean",
            ColumnType::Text => "Text",
            ColumnType::Timestamp => "Timestamp",
            ColumnType::Uuid => "Uuid",
            ColumnType::Array(_) => "Array",
            ColumnType::Row(_) => "Row",
            ColumnType::Enum { .. } => "Enum",
            ColumnType::Double => "Double",
            ColumnType::Bytea => "Bytea",
            ColumnType::Json { .. } => "Json",
            ColumnType::BatchId => "BatchId",
        }
    }

    /// A short human description (`text`, `int[]`, `enum(a, b)`), for messages and hovers.
    pub fn describe(&self) -> String {
        match self {
            ColumnType::Integer => "int".into(),
            ColumnType::BigInt => "bigint".into(),
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Text => "string".into(),
            ColumnType::Timestamp => "timestamp".into(),
            ColumnType::Uuid => "ref".into(),
            ColumnType::Array(e) => format!("{}[]", e.describe()),
            ColumnType::Row(_) => "row".into(),
            ColumnType::Enum { variants } => format!("enum({})", variants.join(", ")),
            ColumnType::Double => "float".into(),
            ColumnType::Bytea => "bytes".into(),
            ColumnType::Json { .. } => "json".into(),
            ColumnType::BatchId => "batch id".into(),
        }
    }
}

/// A default value (upstream's `Value`), in the form the WasmSchema JSON carries it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i32),
    BigInt(i64),
    Boolean(bool),
    Text(String),
    /// Milliseconds since the epoch (Rust stores u64).
    Timestamp(u64),
    /// The text is kept verbatim as written (any accepted UUID form); the hash uses the bytes.
    Uuid(String),
    Array(Vec<Value>),
    Row(Vec<Value>),
    /// A JS number; written with `Number::toString`, hashed through serde's lossy parse.
    Double(f64),
    Bytea(Vec<u8>),
    BatchId([u8; 16]),
}

impl Value {
    pub fn tag(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Integer(_) => "Integer",
            Value::BigInt(_) => "BigInt",
            Value::Boolean(_) => "Boolean",
            Value::Text(_) => "Text",
            Value::Timestamp(_) => "Timestamp",
            Value::Uuid(_) => "Uuid",
            Value::Array(_) => "Array",
            Value::Row(_) => "Row",
            Value::Double(_) => "Double",
            Value::Bytea(_) => "Bytea",
            Value::BatchId(_) => "BatchId",
        }
    }
}
