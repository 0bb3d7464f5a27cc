//! Properties of the schema hash over generated IR schemas: what is and is not
//! hashed, and that the WasmSchema JSON text reads back to the same hash.

use jazz_schema_compiler::schema::json::JsonValue;
use jazz_schema_compiler::schema::wasm_json::{from_json_text, to_compact_json, to_pretty_json};
use jazz_schema_compiler::schema::{
    Column, ColumnType, MergeStrategy, SchemaHash, Table, Value, WasmSchema, schema_hash,
};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[a-z][a-zA-Z_]{0,5}", 1 => "[0-9]{1,3}", 1 => "[éß_$]{1,2}"]
}

fn json_value() -> impl Strategy<Value = JsonValue> {
    let leaf = prop_oneof![
        Just(JsonValue::Null),
        any::<bool>().prop_map(JsonValue::Bool),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(JsonValue::Number),
        (-1000i32..1000).prop_map(|n| JsonValue::Number(f64::from(n))),
        "[a-z\"\\\\/\u{1}é]{0,4}".prop_map(JsonValue::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(JsonValue::Array),
            prop::collection::vec((name(), inner), 0..4).prop_map(JsonValue::Object),
        ]
    })
}

fn column_type() -> impl Strategy<Value = ColumnType> {
    let leaf = prop_oneof![
        Just(ColumnType::Integer),
        Just(ColumnType::Boolean),
        Just(ColumnType::Text),
        Just(ColumnType::Timestamp),
        Just(ColumnType::Uuid),
        Just(ColumnType::Double),
        Just(ColumnType::Bytea),
        Just(ColumnType::Json { schema: None }),
        // A `null` schema reads back as no schema, so it is not generated.
        json_value()
            .prop_filter("non-null", |s| *s != JsonValue::Null)
            .prop_map(|s| ColumnType::Json { schema: Some(s) }),
        prop::collection::vec("[a-cA-C_é]{1,3}", 1..5)
            .prop_map(|variants| ColumnType::Enum { variants }),
    ];
    leaf.prop_recursive(2, 4, 1, |inner| {
        inner.prop_map(|e| ColumnType::Array(Box::new(e)))
    })
}

fn uuid_text() -> impl Strategy<Value = String> {
    (any::<u128>(), any::<bool>()).prop_map(|(n, hyphens)| {
        let hex = format!("{n:032x}");
        if hyphens {
            format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            )
        } else {
            hex.to_uppercase()
        }
    })
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i32>().prop_map(Value::Integer),
        any::<bool>().prop_map(Value::Boolean),
        "[a-z{}\":é]{0,6}".prop_map(Value::Text),
        (0u64..(1 << 53)).prop_map(Value::Timestamp),
        uuid_text().prop_map(Value::Uuid),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Value::Double),
        prop::collection::vec(any::<u8>(), 0..4).prop_map(Value::Bytea),
    ];
    leaf.prop_recursive(2, 6, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(Value::Array)
    })
}

fn column(name: String) -> impl Strategy<Value = Column> {
    (
        column_type(),
        any::<bool>(),
        prop::option::of(value()),
        prop::option::of(name_for_ref()),
        prop::option::of(prop_oneof![
            Just(MergeStrategy::Counter),
            Just(MergeStrategy::GSet)
        ]),
    )
        .prop_map(
            move |(column_type, nullable, default, references, merge_strategy)| Column {
                name: name.clone(),
                column_type,
                nullable,
                default,
                references,
                merge_strategy,
            },
        )
}

fn name_for_ref() -> impl Strategy<Value = String> {
    "[a-z]{1,4}"
}

fn table(table_name: String) -> impl Strategy<Value = Table> {
    prop::collection::btree_set(name(), 0..5)
        .prop_flat_map(|names| names.into_iter().map(column).collect::<Vec<_>>())
        .prop_flat_map(move |columns| {
            let name = table_name.clone();
            prop::option::of(prop::collection::vec("[a-z]{1,3}", 0..4)).prop_map(
                move |indexed_columns| Table {
                    name: name.clone(),
                    columns: columns.clone(),
                    indexed_columns,
                },
            )
        })
}

fn schema() -> impl Strategy<Value = WasmSchema> {
    prop::collection::btree_set(name(), 1..4)
        .prop_flat_map(|names| names.into_iter().map(table).collect::<Vec<_>>())
        .prop_map(|tables| WasmSchema { tables })
}

fn hash_of_text(text: &str) -> Result<SchemaHash, String> {
    from_json_text(text)
        .map(|s| schema_hash(&s))
        .map_err(|e| format!("{e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn table_order_is_not_hashed(mut s in schema()) {
        let before = schema_hash(&s);
        s.tables.reverse();
        prop_assert_eq!(schema_hash(&s), before);
    }

    #[test]
    fn column_order_is_hashed(mut s in schema()) {
        let before = schema_hash(&s);
        let Some(t) = s.tables.iter_mut().find(|t| t.columns.len() >= 2) else { return Ok(()) };
        // Generated column names are distinct, so a swap changes the preimage bytes.
        t.columns.swap(0, 1);
        prop_assert_ne!(schema_hash(&s), before);
    }

    #[test]
    fn enum_variant_order_and_duplicates_are_not_hashed(variants in prop::collection::vec("[a-cA-C_é]{1,3}", 1..6)) {
        let with = |variants: Vec<String>| WasmSchema {
            tables: vec![Table {
                name: "t".into(),
                columns: vec![Column::new("e", ColumnType::Enum { variants })],
                indexed_columns: None,
            }],
        };
        let before = schema_hash(&with(variants.clone()));
        let mut shuffled = variants.clone();
        shuffled.reverse();
        shuffled.extend(variants.iter().take(2).cloned());
        prop_assert_eq!(schema_hash(&with(shuffled)), before);
    }

    #[test]
    fn indexed_columns_absent_is_not_empty(mut s in schema()) {
        s.tables[0].indexed_columns = None;
        let absent = schema_hash(&s);
        s.tables[0].indexed_columns = Some(Vec::new());
        prop_assert_ne!(schema_hash(&s), absent);
    }

    #[test]
    fn json_text_round_trips_to_the_same_hash(s in schema()) {
        let want = schema_hash(&s);
        prop_assert_eq!(hash_of_text(&to_compact_json(&s)), Ok(want));
        prop_assert_eq!(hash_of_text(&to_pretty_json(&s)), Ok(want));
    }
}
