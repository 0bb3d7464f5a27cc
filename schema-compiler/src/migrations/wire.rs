//! The lens JSON that `POST /apps/<appId>/admin/migrations` takes: table
//! lenses, ops, and the compact body with upstream's key order. Values are already encoded
//! for the wire (`Json` and `Enum` as Text), so the same structs feed the engine.

use crate::schema::json::{JsonValue, stringify};
use crate::schema::wasm_json::{column_type_to_json, value_to_json};
use crate::schema::{ColumnType, SchemaHash, Value};

/// One column op of a table lens.
#[derive(Clone, Debug, PartialEq)]
pub enum WireOp {
    Introduce {
        column: String,
        column_type: ColumnType,
        value: Value,
    },
    Drop {
        column: String,
        column_type: ColumnType,
        value: Value,
    },
    /// `column` is the old name, `value` the new one.
    Rename { column: String, value: String },
}

/// One table lens.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TableLens {
    pub table: String,
    pub added: bool,
    pub removed: bool,
    pub renamed_from: Option<String>,
    pub operations: Vec<WireOp>,
}

fn s(x: &str) -> JsonValue {
    JsonValue::String(x.to_owned())
}

impl WireOp {
    pub fn to_json(&self) -> JsonValue {
        let m = |v: Vec<(&str, JsonValue)>| {
            JsonValue::Object(v.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        };
        match self {
            WireOp::Introduce {
                column,
                column_type,
                value,
            }
            | WireOp::Drop {
                column,
                column_type,
                value,
            } => {
                let kind = if matches!(self, WireOp::Introduce { .. }) {
                    "introduce"
                } else {
                    "drop"
                };
                m(vec![
                    ("type", s(kind)),
                    ("column", s(column)),
                    ("column_type", wire_column_type(column_type)),
                    ("value", value_to_json(value)),
                ])
            }
            WireOp::Rename { column, value } => m(vec![
                ("type", s("rename")),
                ("column", s(column)),
                ("value", s(value)),
            ]),
        }
    }
}

/// The column type on the wire: references are not part of it (a ref is plain `Uuid`).
fn wire_column_type(t: &ColumnType) -> JsonValue {
    column_type_to_json(t)
}

impl TableLens {
    pub fn to_json(&self) -> JsonValue {
        let mut v = vec![("table".to_owned(), s(&self.table))];
        if self.added {
            v.push(("added".into(), JsonValue::Bool(true)));
        }
        if self.removed {
            v.push(("removed".into(), JsonValue::Bool(true)));
        }
        if let Some(o) = &self.renamed_from {
            v.push(("renamedFrom".into(), s(o)));
        }
        v.push((
            "operations".into(),
            JsonValue::Array(self.operations.iter().map(WireOp::to_json).collect()),
        ));
        JsonValue::Object(v)
    }
}

/// The `forward` array alone.
pub fn forward_json(forward: &[TableLens]) -> JsonValue {
    JsonValue::Array(forward.iter().map(TableLens::to_json).collect())
}

/// The compact publish body `{"fromHash","toHash","forward"}` with full hashes.
pub fn publish_body(from: &SchemaHash, to: &SchemaHash, forward: &[TableLens]) -> String {
    stringify(&JsonValue::Object(vec![
        ("fromHash".into(), s(&from.to_hex())),
        ("toHash".into(), s(&to.to_hex())),
        ("forward".into(), forward_json(forward)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_only_golden() {
        let tl = TableLens {
            table: "users".into(),
            operations: vec![WireOp::Rename {
                column: "email".into(),
                value: "email_address".into(),
            }],
            ..Default::default()
        };
        assert_eq!(
            stringify(&tl.to_json()),
            r#"{"table":"users","operations":[{"type":"rename","column":"email","value":"email_address"}]}"#
        );
    }

    #[test]
    fn create_and_drop_golden() {
        let f = vec![
            TableLens {
                table: "profiles".into(),
                added: true,
                ..Default::default()
            },
            TableLens {
                table: "legacy_profiles".into(),
                removed: true,
                ..Default::default()
            },
        ];
        assert_eq!(
            stringify(&forward_json(&f)),
            r#"[{"table":"profiles","added":true,"operations":[]},{"table":"legacy_profiles","removed":true,"operations":[]}]"#
        );
    }

    #[test]
    fn empty_lens_body() {
        let h = SchemaHash([0xab; 32]);
        let body = publish_body(&h, &h, &[]);
        assert!(body.ends_with(r#","forward":[]}"#), "{body}");
        assert!(body.starts_with(r#"{"fromHash":"abab"#));
    }
}
