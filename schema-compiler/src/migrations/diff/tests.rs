//! The requires-row-transform rule and the change kinds.

use super::*;
use crate::schema::{Column, ColumnType, JsonValue, MergeStrategy, Table, Value};

fn schema(cols: Vec<Column>) -> WasmSchema {
    WasmSchema {
        tables: vec![Table {
            name: "t".into(),
            columns: cols,
            indexed_columns: None,
        }],
    }
}

#[test]
fn ignored_changes_need_no_migration() {
    let a = schema(vec![
        Column::new("x", ColumnType::Text),
        Column::new("y", ColumnType::Integer),
    ]);
    // Reorder, default, merge strategy, index.
    let mut b = schema(vec![
        Column::new("y", ColumnType::Integer),
        Column::new("x", ColumnType::Text),
    ]);
    b.tables[0].columns[0].default = Some(Value::Integer(1));
    b.tables[0].columns[0].merge_strategy = Some(MergeStrategy::Counter);
    b.tables[0].indexed_columns = Some(vec!["x".into()]);
    assert!(!requires_row_transform(&a, &b));
    let d = diff(&a, &b);
    assert!(!d.requires_migration);
    let kinds: Vec<ChangeKind> = d.tables[0].changed.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Default, ChangeKind::MergeStrategy]);
    assert!(d.tables[0].reordered && d.tables[0].indexed_changed);
}

#[test]
fn structural_changes_need_a_migration() {
    let a = schema(vec![Column::new("x", ColumnType::Text)]);
    let mut opt = a.clone();
    opt.tables[0].columns[0].nullable = true;
    assert!(requires_row_transform(&a, &opt));
    assert_eq!(
        inexpressible(&a, &opt),
        [("t".into(), "x".into(), ChangeKind::Nullability)]
    );
    let added = schema(vec![
        Column::new("x", ColumnType::Text),
        Column::new("z", ColumnType::Text),
    ]);
    assert!(requires_row_transform(&a, &added));
    let mut refd = a.clone();
    refd.tables[0].columns[0].references = Some("u".into());
    assert!(requires_row_transform(&a, &refd));
}

#[test]
fn json_schema_key_order_is_not_a_change() {
    let j = |members: Vec<(&str, JsonValue)>| ColumnType::Json {
        schema: Some(JsonValue::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )),
    };
    let a = schema(vec![Column::new(
        "j",
        j(vec![
            ("type", JsonValue::String("object".into())),
            ("title", JsonValue::String("x".into())),
        ]),
    )]);
    let b = schema(vec![Column::new(
        "j",
        j(vec![
            ("title", JsonValue::String("x".into())),
            ("type", JsonValue::String("object".into())),
        ]),
    )]);
    assert!(!requires_row_transform(&a, &b));
}

#[test]
fn table_renames_need_one_candidate() {
    let t = |n: &str| Table {
        name: n.into(),
        columns: vec![Column::new("x", ColumnType::Text)],
        indexed_columns: None,
    };
    let from = WasmSchema {
        tables: vec![t("a")],
    };
    let to = WasmSchema {
        tables: vec![t("b"), t("c")],
    };
    let (_, _, renames) = table_sets(&from, &to);
    assert!(renames.is_empty());
    let to = WasmSchema {
        tables: vec![t("b")],
    };
    assert_eq!(table_sets(&from, &to).2, [("a".to_owned(), "b".to_owned())]);
}
