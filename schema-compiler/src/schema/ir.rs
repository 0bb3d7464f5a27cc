//! Schema IR: the WasmSchema as upstream's Rust side deserializes it.

use std::collections::HashMap;

use super::JsonValue;

/// A whole schema: tables in declaration (property) order. Names are unique.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WasmSchema {
    pub tables: Vec<Table>,
}

impl WasmSchema {
    /// The table named `name` (a scan: a pass that looks tables up per table or per rule goes
    /// through an [`IndexedSchema`]).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// A schema with a name index over its tables, built once for a pass that looks tables up
/// by name many times (the permissions interpreter and checks): [`IndexedSchema::table`] is
/// constant time and returns what [`WasmSchema::table`] returns (the first table of that
/// name). Everything else reads through to the schema (`Deref`); the schema itself, its JSON
/// and its hash are untouched.
#[derive(Clone, Debug)]
pub struct IndexedSchema<'a> {
    schema: &'a WasmSchema,
    at: HashMap<&'a str, usize>,
}

impl<'a> IndexedSchema<'a> {
    pub fn new(schema: &'a WasmSchema) -> Self {
        let mut at = HashMap::with_capacity(schema.tables.len());
        for (i, t) in schema.tables.iter().enumerate() {
            at.entry(t.name.as_str()).or_insert(i);
        }
        Self { schema, at }
    }

    /// The table named `name`, as [`WasmSchema::table`] finds it.
    pub fn table(&self, name: &str) -> Option<&'a Table> {
        self.at.get(name).and_then(|&i| self.schema.tables.get(i))
    }

    /// The schema indexed.
    pub fn schema(&self) -> &'a WasmSchema {
        self.schema
    }
}

impl std::ops::Deref for IndexedSchema<'_> {
    type Target = WasmSchema;

    fn deref(&self) -> &WasmSchema {
        self.schema
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, columns: usize) -> Table {
        Table {
            name: name.to_owned(),
            columns: (0..columns)
                .map(|i| Column {
                    name: format!("c{i}"),
                    column_type: ColumnType::Text,
                    nullable: false,
                    default: None,
                    references: None,
                    merge_strategy: None,
                })
                .collect(),
            indexed_columns: None,
        }
    }

    /// The index finds what the scan finds (the first of duplicate names too) and leaves the
    /// schema's order alone.
    #[test]
    fn indexed_schema_agrees_with_a_scan() {
        let mut schema = WasmSchema::default();
        for i in 0..300 {
            schema
                .tables
                .push(table(&format!("t{}", (i * 7) % 250), i % 4));
        }
        let before = schema.clone();
        let ix = IndexedSchema::new(&schema);
        for i in 0..260 {
            let n = format!("t{i}");
            let (a, b) = (ix.table(&n), schema.table(&n));
            assert_eq!(
                a.map(|t| t as *const Table),
                b.map(|t| t as *const Table),
                "{n}"
            );
        }
        assert!(ix.table("").is_none());
        assert_eq!(ix.tables.len(), 300);
        assert_eq!(*ix.schema(), before);
    }
}
