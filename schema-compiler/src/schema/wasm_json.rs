//! WasmSchema JSON text: writing it in upstream key order (compact for the hash input and
//! publish bodies, pretty for snapshots and `schema export`), and reading it back with
//! upstream's JS-then-serde semantics.
//!
//! Writing builds a [`JsonValue`] tree in upstream's key order and hands it to the `JSON.stringify`
//! writer, so numbers and strings follow `JSON.stringify` exactly. Reading lives in [`read`].

mod read;

pub use read::from_json_text;

use super::json::{self, JsonValue};
use super::{Column, ColumnType, Table, Value, WasmSchema};

/// Why a WasmSchema JSON text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WasmJsonError(pub String);

/// Compact JSON (hash input, publish body): `JSON.stringify(schema)` of the runtime path, with
/// Bytea defaults as number arrays.
pub fn to_compact_json(schema: &WasmSchema) -> String {
    json::stringify(&schema_to_json(schema))
}

/// Pretty JSON, 2-space indent, trailing newline (snapshots, `schema export`): the bytes of
/// upstream's `JSON.stringify(schema, null, 2) + "\n"`.
pub fn to_pretty_json(schema: &WasmSchema) -> String {
    let mut out = json::stringify_pretty(&schema_to_json(schema));
    out.push('\n');
    out
}

/// The WasmSchema as a JSON value, tables in IR order, keys in upstream's order.
pub fn schema_to_json(schema: &WasmSchema) -> JsonValue {
    JsonValue::Object(
        schema
            .tables
            .iter()
            .map(|t| (t.name.clone(), table_to_json(t)))
            .collect(),
    )
}

fn obj(members: Vec<(&str, JsonValue)>) -> JsonValue {
    JsonValue::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn string(s: &str) -> JsonValue {
    JsonValue::String(s.to_string())
}

fn table_to_json(table: &Table) -> JsonValue {
    let mut members = vec![(
        "columns",
        JsonValue::Array(table.columns.iter().map(column_to_json).collect()),
    )];
    if let Some(list) = &table.indexed_columns {
        members.push((
            "indexed_columns",
            JsonValue::Array(list.iter().map(|c| string(c)).collect()),
        ));
    }
    obj(members)
}

fn column_to_json(col: &Column) -> JsonValue {
    let mut members = vec![
        ("name", string(&col.name)),
        ("column_type", column_type_to_json(&col.column_type)),
        ("nullable", JsonValue::Bool(col.nullable)),
    ];
    if let Some(v) = &col.default {
        members.push(("default", value_to_json(v)));
    }
    if let Some(r) = &col.references {
        members.push(("references", string(r)));
    }
    if let Some(m) = col.merge_strategy {
        members.push(("merge_strategy", string(m.as_str())));
    }
    obj(members)
}

/// Column type JSON: `{"type":tag}` plus `variants`, `schema`, `element` or `columns`.
pub fn column_type_to_json(t: &ColumnType) -> JsonValue {
    let tag = ("type", string(t.tag()));
    match t {
        ColumnType::Enum { variants } => obj(vec![
            tag,
            (
                "variants",
                JsonValue::Array(variants.iter().map(|v| string(v)).collect()),
            ),
        ]),
        ColumnType::Json {
            schema: Some(schema),
        } => obj(vec![tag, ("schema", schema.clone())]),
        ColumnType::Array(element) => obj(vec![tag, ("element", column_type_to_json(element))]),
        ColumnType::Row(columns) => obj(vec![
            tag,
            (
                "columns",
                JsonValue::Array(columns.iter().map(column_to_json).collect()),
            ),
        ]),
        _ => obj(vec![tag]),
    }
}

/// Value JSON: `{"type":tag,"value":v}`, or `{"type":"Null"}`. Integers and timestamps
/// are JS numbers; Uuid text is kept verbatim; Bytea (and BatchId) bytes are number arrays.
pub fn value_to_json(v: &Value) -> JsonValue {
    let tag = ("type", string(v.tag()));
    let bytes =
        |b: &[u8]| JsonValue::Array(b.iter().map(|x| JsonValue::Number(f64::from(*x))).collect());
    let content = match v {
        Value::Null => return obj(vec![tag]),
        Value::Integer(n) => JsonValue::Number(f64::from(*n)),
        Value::BigInt(n) => JsonValue::Number(*n as f64),
        Value::Boolean(b) => JsonValue::Bool(*b),
        Value::Text(s) | Value::Uuid(s) => string(s),
        Value::Timestamp(ms) => JsonValue::Number(*ms as f64),
        Value::Array(items) | Value::Row(items) => {
            JsonValue::Array(items.iter().map(value_to_json).collect())
        }
        Value::Double(x) => JsonValue::Number(*x),
        Value::Bytea(b) => bytes(b),
        Value::BatchId(b) => bytes(b),
    };
    obj(vec![tag, ("value", content)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::MergeStrategy;

    fn example() -> WasmSchema {
        let mut done = Column::new("done", ColumnType::Boolean);
        done.default = Some(Value::Boolean(false));
        let mut owner = Column::new("ownerId", ColumnType::Uuid);
        owner.nullable = true;
        owner.references = Some("users".into());
        WasmSchema {
            tables: vec![
                Table {
                    name: "users".into(),
                    columns: vec![Column::new("name", ColumnType::Text)],
                    indexed_columns: None,
                },
                Table {
                    name: "todos".into(),
                    columns: vec![Column::new("title", ColumnType::Text), done, owner],
                    indexed_columns: Some(vec!["done".into()]),
                },
            ],
        }
    }

    #[test]
    fn compact_json_of_section_4_2() {
        assert_eq!(
            to_compact_json(&example()),
            r#"{"users":{"columns":[{"name":"name","column_type":{"type":"Text"},"nullable":false}]},"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false,"default":{"type":"Boolean","value":false}},{"name":"ownerId","column_type":{"type":"Uuid"},"nullable":true,"references":"users"}],"indexed_columns":["done"]}}"#
        );
    }

    #[test]
    fn pretty_json_ends_with_one_newline() {
        let pretty = to_pretty_json(&example());
        assert!(pretty.starts_with(
            "{\n  \"users\": {\n    \"columns\": [\n      {\n        \"name\": \"name\",\n"
        ));
        assert!(pretty.ends_with("    \"indexed_columns\": [\n      \"done\"\n    ]\n  }\n}\n"));
        assert_eq!(to_pretty_json(&WasmSchema::default()), "{}\n");
    }

    #[test]
    fn value_json_shapes() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, r#"{"type":"Null"}"#),
            (Value::Double(1e21), r#"{"type":"Double","value":1e+21}"#),
            (Value::Double(-0.0), r#"{"type":"Double","value":0}"#),
            (
                Value::Bytea(vec![0, 1, 255]),
                r#"{"type":"Bytea","value":[0,1,255]}"#,
            ),
            (
                Value::Uuid("{0123456789ABCDEF0123456789ABCDEF}".into()),
                r#"{"type":"Uuid","value":"{0123456789ABCDEF0123456789ABCDEF}"}"#,
            ),
            (
                Value::Timestamp(1_152_921_504_606_847_000),
                r#"{"type":"Timestamp","value":1152921504606847000}"#,
            ),
            (
                Value::Array(vec![Value::Integer(-3), Value::Null]),
                r#"{"type":"Array","value":[{"type":"Integer","value":-3},{"type":"Null"}]}"#,
            ),
        ];
        for (v, want) in cases {
            assert_eq!(json::stringify(&value_to_json(&v)), want);
        }
    }

    #[test]
    fn column_key_order() {
        let mut c = Column::new("n", ColumnType::Integer);
        c.merge_strategy = Some(MergeStrategy::Counter);
        c.references = Some("t".into());
        c.default = Some(Value::Integer(0));
        assert_eq!(
            json::stringify(&column_to_json(&c)),
            r#"{"name":"n","column_type":{"type":"Integer"},"nullable":false,"default":{"type":"Integer","value":0},"references":"t","merge_strategy":"Counter"}"#
        );
    }
}
