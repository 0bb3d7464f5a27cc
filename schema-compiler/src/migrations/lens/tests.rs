//! Lens semantics: inversion round trips, in-order row and
//! name translation including the upstream bugs we deliberately do not copy, drafts, and a path that
//! does not depend on insertion order.

use std::collections::BTreeSet;

use super::*;
use crate::migrations::autodiff::diff_schemas;
use crate::migrations::path::{Direction, find_path, path_ops};
use crate::schema::{Column, SchemaHash};

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn row(table: &str, values: &[(&str, Value)]) -> Row {
    Row {
        table: table.into(),
        values: values
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect(),
    }
}

fn rename_col(table: &str, old: &str, new: &str) -> Step {
    Step::new(LensOp::RenameColumn {
        table: table.into(),
        old: old.into(),
        new: new.into(),
    })
}

fn add_col(table: &str, column: &str, default: Value) -> Step {
    Step::new(LensOp::AddColumn {
        table: table.into(),
        column: column.into(),
        column_type: ColumnType::Text,
        default,
    })
}

fn lens(a: u8, b: u8, forward: Vec<Step>) -> Lens {
    Lens {
        source: SchemaHash([a; 32]),
        target: SchemaHash([b; 32]),
        forward,
    }
}

#[test]
fn inversion_round_trip() {
    let forward = vec![
        Step::new(LensOp::RenameTable {
            old: "audit_log".into(),
            new: "events".into(),
        }),
        rename_col("events", "msg", "message"),
        add_col("events", "level", text("info")),
        Step::new(LensOp::RemoveColumn {
            table: "events".into(),
            column: "old".into(),
            column_type: ColumnType::Integer,
            default: Value::Integer(0),
        }),
    ];
    let l = lens(1, 2, forward.clone());
    let back = l.backward();
    for (i, step) in forward.iter().enumerate() {
        assert_eq!(back[forward.len() - 1 - i].op, invert(&step.op));
        assert_eq!(invert(&invert(&step.op)), step.op);
    }
    let r = row(
        "audit_log",
        &[("msg", text("hi")), ("old", Value::Integer(5))],
    );
    let there = apply_ops(r, &l.forward).expect("visible");
    assert_eq!(
        there,
        row(
            "events",
            &[("message", text("hi")), ("level", text("info"))]
        )
    );
    let back_row = apply_ops(there, &back).expect("visible");
    assert_eq!(
        back_row,
        row(
            "audit_log",
            &[("msg", text("hi")), ("old", Value::Integer(0))]
        )
    );
}

#[test]
fn chained_renames_both_directions() {
    let l1 = lens(1, 2, vec![rename_col("users", "contact_email", "email")]);
    let l2 = lens(2, 3, vec![rename_col("users", "email", "email_address")]);
    let lenses = [l1, l2];
    let known: BTreeSet<SchemaHash> = [1, 2, 3].map(|b| SchemaHash([b; 32])).into_iter().collect();
    let path = find_path(&lenses, &known, SchemaHash([1; 32]), SchemaHash([3; 32])).expect("path");
    let ops = path_ops(&lenses, &path);
    let r = apply_ops(row("users", &[("contact_email", text("a@x"))]), &ops).expect("visible");
    assert_eq!(r, row("users", &[("email_address", text("a@x"))]));
    let path = find_path(&lenses, &known, SchemaHash([3; 32]), SchemaHash([1; 32])).expect("path");
    assert!(path.iter().all(|h| h.direction == Direction::Backward));
    let r = apply_ops(
        row("users", &[("email_address", text("b@x"))]),
        &path_ops(&lenses, &path),
    )
    .expect("visible");
    assert_eq!(r, row("users", &[("contact_email", text("b@x"))]));
}

/// Upstream compared column ops with the *final* table name and missed this case.
#[test]
fn column_rename_through_table_rename_reads_backward() {
    let l = lens(
        1,
        2,
        vec![
            Step::new(LensOp::RenameTable {
                old: "audit_log".into(),
                new: "events".into(),
            }),
            rename_col("events", "msg", "message"),
        ],
    );
    let r = apply_ops(row("events", &[("message", text("m"))]), &l.backward()).expect("visible");
    assert_eq!(r, row("audit_log", &[("msg", text("m"))]));
    assert_eq!(
        translate_column("events", "message", &l.backward()),
        Some(("audit_log".into(), "msg".into()))
    );
}

/// Upstream applied every column op to rows of every table.
#[test]
fn shared_column_names_in_other_tables_are_untouched() {
    let l = lens(1, 2, vec![rename_col("users", "name", "full_name")]);
    let r = apply_ops(row("projects", &[("name", text("p"))]), &l.forward).expect("visible");
    assert_eq!(r, row("projects", &[("name", text("p"))]));
}

#[test]
fn removed_and_readded_table_never_resurfaces() {
    let t = crate::schema::Table {
        name: "tags".into(),
        columns: vec![Column::new("label", ColumnType::Text)],
        indexed_columns: None,
    };
    let drop = lens(
        1,
        2,
        vec![Step::new(LensOp::RemoveTable {
            table: "tags".into(),
            schema: t.clone(),
        })],
    );
    let add = lens(
        2,
        3,
        vec![Step::new(LensOp::AddTable {
            table: "tags".into(),
            schema: t,
        })],
    );
    let ops = [drop.forward, add.forward].concat();
    assert_eq!(apply_ops(row("tags", &[("label", text("x"))]), &ops), None);
    assert_eq!(translate_table("tags", &ops), None);
}

#[test]
fn drafts_never_connect() {
    let mut draft = lens(1, 2, vec![rename_col("t", "a", "b")]);
    draft.forward[0].draft = Some(DraftReason::GuessedRename);
    let known: BTreeSet<SchemaHash> = [1, 2].map(|b| SchemaHash([b; 32])).into_iter().collect();
    assert!(draft.is_draft());
    assert_eq!(
        find_path(&[draft], &known, SchemaHash([1; 32]), SchemaHash([2; 32])),
        None
    );
}

#[test]
fn unknown_schemas_are_not_crossed() {
    let lenses = [lens(1, 9, vec![]), lens(9, 2, vec![])];
    let known: BTreeSet<SchemaHash> = [1, 2].map(|b| SchemaHash([b; 32])).into_iter().collect();
    assert_eq!(
        find_path(&lenses, &known, SchemaHash([1; 32]), SchemaHash([2; 32])),
        None
    );
}

#[test]
fn diamond_paths_do_not_depend_on_insertion_order() {
    // 1 -> 2 -> 4 and 1 -> 3 -> 4: the tie-break picks the smaller neighbour hash (2).
    let mk = || {
        vec![
            lens(1, 2, vec![]),
            lens(2, 4, vec![]),
            lens(1, 3, vec![]),
            lens(3, 4, vec![]),
        ]
    };
    let known: BTreeSet<SchemaHash> = [1, 2, 3, 4]
        .map(|b| SchemaHash([b; 32]))
        .into_iter()
        .collect();
    let a = mk();
    let mut b = mk();
    b.reverse();
    let pa = find_path(&a, &known, SchemaHash([1; 32]), SchemaHash([4; 32])).expect("path");
    let pb = find_path(&b, &known, SchemaHash([1; 32]), SchemaHash([4; 32])).expect("path");
    let via = |ls: &[Lens], p: &[crate::migrations::path::Hop]| ls[p[0].lens].target;
    assert_eq!(via(&a, &pa), SchemaHash([2; 32]));
    assert_eq!(via(&b, &pb), SchemaHash([2; 32]));
}

#[test]
fn auto_diff_is_deterministic_and_marks_drafts() {
    let s = |cols: Vec<Column>| crate::schema::WasmSchema {
        tables: vec![crate::schema::Table {
            name: "t".into(),
            columns: cols,
            indexed_columns: None,
        }],
    };
    let old = s(vec![
        Column::new("a", ColumnType::Text),
        Column::new("b", ColumnType::Text),
        Column::new("n", ColumnType::Integer),
    ]);
    let mut opt = Column::new("n", ColumnType::Integer);
    opt.nullable = true;
    let new = s(vec![
        Column::new("c", ColumnType::Text),
        Column::new("d", ColumnType::Text),
        opt,
        Column::new("u", ColumnType::Uuid),
    ]);
    let auto = diff_schemas(&old, &new);
    // Two text columns removed and two added: no unique pairing, so no guessed rename.
    assert!(
        !auto
            .ambiguities
            .iter()
            .any(|a| a.starts_with("Possible rename")),
        "{:?}",
        auto.ambiguities
    );
    assert!(
        auto.ambiguities
            .iter()
            .any(|a| a == "Nullability change in t.n: false -> true")
    );
    // The required Uuid column has a Null default: draft.
    let u = auto
        .forward
        .iter()
        .find(|s| matches!(&s.op, LensOp::AddColumn { column, .. } if column == "u"))
        .expect("u");
    assert_eq!(u.draft, Some(DraftReason::NullForRequired));
    let removed_a = auto
        .forward
        .iter()
        .find(|s| matches!(&s.op, LensOp::RemoveColumn { column, .. } if column == "a"))
        .expect("a");
    assert_eq!(removed_a.draft, None, "a required text column gets \"\"");
    assert_eq!(diff_schemas(&old, &new), auto);
}
