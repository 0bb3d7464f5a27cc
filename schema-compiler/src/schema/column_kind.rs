//! The column constructors of the schema DSL (`s.string()`, `s.ref("t")`, ...) as one enum,
//! and every fact the rest of the compiler needs about them: the constructor's name, the
//! WasmSchema type it produces, the completion text, the example value a migration op help
//! shows. The evaluator (`eval/dsl/`), completion (`project/query/complete.rs`), the migration
//! reader (`migrations/reader/`) and the stub renderer (`migrations/stub.rs`) all derive from
//! it, each with an exhaustive `match`, so a new variant makes the compiler name every place
//! that has to learn about it (the recipe is in `docs/architecture.md`).

use super::ColumnType;

/// One column constructor of `s` / `col`, the same in a schema and in a migration op
/// (`s.add.<name>(...)`, `s.drop.<name>(...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    String,
    Boolean,
    Int,
    Float,
    Timestamp,
    Bytes,
    Json,
    Enum,
    Ref,
    Array,
}

impl ColumnKind {
    /// Every kind, in the order completion and help texts list them.
    pub const ALL: [ColumnKind; 10] = [
        ColumnKind::String,
        ColumnKind::Boolean,
        ColumnKind::Int,
        ColumnKind::Float,
        ColumnKind::Timestamp,
        ColumnKind::Bytes,
        ColumnKind::Json,
        ColumnKind::Enum,
        ColumnKind::Ref,
        ColumnKind::Array,
    ];

    /// The position in [`ColumnKind::ALL`] (a unit test holds the two together).
    pub const fn index(self) -> usize {
        match self {
            ColumnKind::String => 0,
            ColumnKind::Boolean => 1,
            ColumnKind::Int => 2,
            ColumnKind::Float => 3,
            ColumnKind::Timestamp => 4,
            ColumnKind::Bytes => 5,
            ColumnKind::Json => 6,
            ColumnKind::Enum => 7,
            ColumnKind::Ref => 8,
            ColumnKind::Array => 9,
        }
    }

    /// The member name of `s` / `col`: `string` for `s.string()`.
    pub const fn dsl_name(self) -> &'static str {
        match self {
            ColumnKind::String => "string",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Int => "int",
            ColumnKind::Float => "float",
            ColumnKind::Timestamp => "timestamp",
            ColumnKind::Bytes => "bytes",
            ColumnKind::Json => "json",
            ColumnKind::Enum => "enum",
            ColumnKind::Ref => "ref",
            ColumnKind::Array => "array",
        }
    }

    /// The kind whose member name is `name`.
    pub fn from_dsl_name(name: &str) -> Option<ColumnKind> {
        Self::ALL.into_iter().find(|k| k.dsl_name() == name)
    }

    /// The member names of all kinds, in [`ColumnKind::ALL`] order.
    pub fn dsl_names() -> impl Iterator<Item = &'static str> {
        Self::ALL.into_iter().map(ColumnKind::dsl_name)
    }

    /// The `"type"` tag of the WasmSchema column type the constructor produces
    /// ([`ColumnType::tag`]); `s.ref` gives a `Uuid` column.
    pub const fn type_tag(self) -> &'static str {
        match self {
            ColumnKind::String => "Text",
            ColumnKind::Boolean => "Boolean",
            ColumnKind::Int => "Integer",
            ColumnKind::Float => "Double",
            ColumnKind::Timestamp => "Timestamp",
            ColumnKind::Bytes => "Bytea",
            ColumnKind::Json => "Json",
            ColumnKind::Enum => "Enum",
            ColumnKind::Ref => "Uuid",
            ColumnKind::Array => "Array",
        }
    }

    /// The column type of a constructor that takes no type arguments (`s.string()`), `None`
    /// for the ones whose type depends on their arguments (json schema, enum variants, array
    /// element). `s.ref` is `Uuid` whatever table it names.
    pub fn plain_type(self) -> Option<ColumnType> {
        match self {
            ColumnKind::String => Some(ColumnType::Text),
            ColumnKind::Boolean => Some(ColumnType::Boolean),
            ColumnKind::Int => Some(ColumnType::Integer),
            ColumnKind::Float => Some(ColumnType::Double),
            ColumnKind::Timestamp => Some(ColumnType::Timestamp),
            ColumnKind::Bytes => Some(ColumnType::Bytea),
            ColumnKind::Ref => Some(ColumnType::Uuid),
            ColumnKind::Json | ColumnKind::Enum | ColumnKind::Array => None,
        }
    }

    /// The kind that produces a column of type `t` (the outer type: an array is `Array`
    /// whatever its element). `None` for the types only upstream's Rust side has (`BigInt`,
    /// `Row`, `BatchId`), which no DSL call produces.
    pub fn of_type(t: &ColumnType) -> Option<ColumnKind> {
        match t {
            ColumnType::Text => Some(ColumnKind::String),
            ColumnType::Boolean => Some(ColumnKind::Boolean),
            ColumnType::Integer => Some(ColumnKind::Int),
            ColumnType::Double => Some(ColumnKind::Float),
            ColumnType::Timestamp => Some(ColumnKind::Timestamp),
            ColumnType::Bytea => Some(ColumnKind::Bytes),
            ColumnType::Json { .. } => Some(ColumnKind::Json),
            ColumnType::Enum { .. } => Some(ColumnKind::Enum),
            ColumnType::Uuid => Some(ColumnKind::Ref),
            ColumnType::Array(_) => Some(ColumnKind::Array),
            ColumnType::BigInt | ColumnType::Row(_) | ColumnType::BatchId => None,
        }
    }

    /// The one-line detail an editor shows next to the completion `s.<name>`.
    pub const fn completion_detail(self) -> &'static str {
        match self {
            ColumnKind::String => "text column",
            ColumnKind::Boolean => "boolean column",
            ColumnKind::Int => "32-bit integer column",
            ColumnKind::Float => "double column",
            ColumnKind::Timestamp => "timestamp column (Date or ms)",
            ColumnKind::Bytes => "bytea column",
            ColumnKind::Json => "JSON column, optionally typed by a zod schema",
            ColumnKind::Enum => "enum column: s.enum(\"a\", \"b\")",
            ColumnKind::Ref => "reference to a table: s.ref(\"table\")",
            ColumnKind::Array => "array column: s.array(s.string())",
        }
    }

    /// A value of the column's type, as JS source, for the migration op a help suggests
    /// (`s.add.int({ default: 0 })`); the user edits it.
    pub const fn example_value(self) -> &'static str {
        match self {
            ColumnKind::String => "\"\"",
            ColumnKind::Boolean => "false",
            ColumnKind::Int | ColumnKind::Float => "0",
            ColumnKind::Timestamp => "new Date(0)",
            ColumnKind::Bytes => "new Uint8Array([])",
            ColumnKind::Json | ColumnKind::Ref => "null",
            ColumnKind::Enum => "\"<variant>\"",
            ColumnKind::Array => "[]",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_kind_once_at_its_index() {
        for (i, k) in ColumnKind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i, "{k:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for k in ColumnKind::ALL {
            assert_eq!(ColumnKind::from_dsl_name(k.dsl_name()), Some(k));
        }
        assert_eq!(ColumnKind::from_dsl_name("table"), None);
        assert_eq!(ColumnKind::from_dsl_name("String"), None);
    }

    #[test]
    fn tags_match_the_types_produced() {
        let sample = |k: ColumnKind| match k.plain_type() {
            Some(t) => t,
            None => match k {
                ColumnKind::Json => ColumnType::Json { schema: None },
                ColumnKind::Enum => ColumnType::Enum {
                    variants: vec!["a".into()],
                },
                _ => ColumnType::Array(Box::new(ColumnType::Text)),
            },
        };
        for k in ColumnKind::ALL {
            let t = sample(k);
            assert_eq!(k.type_tag(), t.tag(), "{k:?}");
            assert_eq!(ColumnKind::of_type(&t), Some(k), "{k:?}");
        }
        for t in [
            ColumnType::BigInt,
            ColumnType::BatchId,
            ColumnType::Row(Vec::new()),
        ] {
            assert_eq!(ColumnKind::of_type(&t), None);
        }
    }
}
