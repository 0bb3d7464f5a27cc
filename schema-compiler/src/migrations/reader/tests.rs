//! Reader rules: one failing case per code, checked by code, plus accepted
//! forms (upstream's raw layout with quoted keys, `col`, consts and spreads, `export const
//! migration`) and the wire encodings of default values.

use std::path::Path;

use super::*;
use crate::migrations::wire::forward_json;
use crate::schema::json::stringify;
use crate::source::MemoryLoader;

const H: &str = "fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\",";

fn read(src: &str) -> MigrationFile {
    let loader = MemoryLoader::new().with("/m/x.ts", src);
    read_migration(&loader, Path::new("/m/x.ts"), &mut SourceDb::new())
}

/// A file with `body` before the hashes and the two witnesses.
fn file(body: &str, from: &str, to: &str) -> String {
    format!(
        "import {{ schema as s }} from \"jazz-tools\";\nexport default s.defineMigration({{\n{body}\n{H}\nfrom: {{ {from} }},\nto: {{ {to} }},\n}});\n"
    )
}

fn codes_of(m: &MigrationFile) -> Vec<u16> {
    m.diagnostics.iter().map(|d| d.code.0).collect()
}

const T1: &str = "t: s.table({ a: s.string() })";
const T2: &str = "t: s.table({ a: s.string(), b: s.int() })";

#[test]
fn each_rule_has_a_failing_case() {
    let cases: Vec<(u16, String)> = vec![
        (3001, "export const x = 1;".into()),
        (3001, "import { schema as s } from \"jazz-tools\";\nexport default s.defineMigration({ from: {}, to: {} });".into()),
        (3002, file("migrate: { t: { b: s.add.int({ default: Math.max(1, 2) }) } },", T1, T2)),
        (3003, file("", T1, T1).replace("aaaaaaaaaaaa", "XYZ")),
        (3007, file("migrate: { t: { b: s.rename(\"c\") } },", "t: s.table({ a: s.string(), c: s.int() })", T2)),
        (3101, file("createTables: { t: true },", T1, T1)),
        (3102, file("dropTables: { t: true },", T1, T1)),
        (3103, file("", "", T1)),
        (3104, file("", T1, "")),
        (3105, file("migrate: { nope: {} },", T1, T1)),
        (3106, file("migrate: { t: { a: s.add.string({ default: \"\" }) } },", T1, T1)),
        (3107, file("migrate: { t: { b: s.add.int({ default: null }) } },", T1, T2)),
        (3107, file("migrate: { t: { b: s.add.int({}) } },", T1, T2)),
        (3108, file("migrate: { t: { b: s.renameFrom(\"c\") } },", "t: s.table({ a: s.string(), c: s.string() })", T2)),
        (3109, file("migrate: { t: { b: s.renameFrom(\"a\") } },", T1, T2)),
        (3110, file("migrate: { t: { b: s.renameFrom(\"c\"), c: s.drop.int({ backwardsDefault: 0 }) } },", "t: s.table({ a: s.string(), c: s.int() })", T2)),
        (3111, file("migrate: { t: {} },", T2, T1)),
        (3112, file("", T1, "t: s.table({ a: s.string().optional() })")),
        (3201, file("renameTables: { u: s.renameTableFrom(\"t\") },", T1, "")),
        (3203, file("renameTables: { u: s.renameTableFrom(\"v\") },", "", "u: s.table({ a: s.string() })")),
        (3205, file("renameTables: { u: s.renameTableFrom(\"t\"), w: s.renameTableFrom(\"t\") },", T1, "u: s.table({ a: s.string() }), w: s.table({ a: s.string() })")),
        (3206, file("createTables: { u: false },", "", "u: s.table({ a: s.string() })")),
        (3207, file("createTables: { zz: true },", T1, T1)),
        (3209, file("createTables: { u: true }, renameTables: { u: s.renameTableFrom(\"t\") },", T1, "u: s.table({ a: s.string() })")),
        (3211, file("createTables: { u: true }, migrate: { u: {} },", "", "u: s.table({ a: s.string() })")),
        (3212, file("migrate: { t: { b: s.renameFrom(\"c\"), d: s.renameFrom(\"c\") } },", "t: s.table({ a: s.string(), c: s.int() })", "t: s.table({ a: s.string(), b: s.int(), d: s.int() })")),
        (3214, file("migrate: { t: { bb: s.add.int({ default: 0 }) } },", T1, T2)),
        // JZ3216 is a backstop: the column rules above report every case it would catch first.
        (3215, file("renameTables: { u: s.renameTableFrom(\"v\") },", "", "u: s.table({ a: s.string() })")),
        (3217, file("migrate: { t: { $b: s.add.int({ default: 0 }) } },", T1, "t: s.table({ a: s.string(), $b: s.int() })")),
        (3301, file("migrate: { t: { b: s.add.enum(\"x\", \"y\", { default: \"z\" }) } },", T1, "t: s.table({ a: s.string(), b: s.enum(\"x\", \"y\") })")),
        (3302, file("migrate: { t: { b: s.add.timestamp({ default: \"soon\" }) } },", T1, "t: s.table({ a: s.string(), b: s.timestamp() })")),
        (3303, file("migrate: { t: { b: s.add.bytes({ default: [1, 256] }) } },", T1, "t: s.table({ a: s.string(), b: s.bytes() })")),
        (3304, file("migrate: { t: { b: s.add.array({ of: s.string(), default: \"x\" }) } },", T1, "t: s.table({ a: s.string(), b: s.array(s.string()) })")),
        (3306, file("migrate: { t: { b: s.add.int({ default: 1.5 }) } },", T1, T2)),
        (3307, file("migrate: { t: { b: s.add.enum({ default: \"x\" }) } },", T1, "t: s.table({ a: s.string(), b: s.enum(\"x\") })")),
        (3503, file("migrate: { t: { b: s.add.int({ default: 0 }), c: s.drop.int({ backwardsDefault: 0 }) } },", "t: s.table({ a: s.string(), c: s.int() })", T2)),
        (3505, file("migrate: { t: {\n// TODO: later\n} },", T1, T1)),
        (3506, file("migrate: { t: { b: s.add.enum(\"y\", \"x\", { default: \"x\" }) } },", T1, "t: s.table({ a: s.string(), b: s.enum(\"x\", \"y\") })")),
        (3507, file("migrate: {}, migrate: {},", T1, T1)),
        (3508, file("draft: true,", T1, T1)),
    ];
    for (code, src) in cases {
        let m = read(&src);
        assert!(
            codes_of(&m).contains(&code),
            "JZ{code} expected, got {:?} for\n{src}",
            m.diagnostics
        );
    }
}

#[test]
fn accepted_forms_and_value_encodings() {
    let src = r#"import { schema as s, col } from "jazz-tools";
const base = { title: s.string() };
const ops = {
  "b": col.add.json({ default: { k: [1, "x"] } }),
  when: s.add.timestamp({ default: new Date(1000) }),
  tags: s.add.array({ of: s.string(), default: ["a"] }),
  raw: s.add.bytes({ default: new Uint8Array([0, 255]) }),
  neg: s.add.float({ default: -2.5 }),
  s2: s.add.json({ default: "raw text" }),
};
export const migration = s.defineMigration({
  migrate: { "t": { ...ops } },
  fromHash: "aaaaaaaaaaaa",
  toHash: "bbbbbbbbbbbb",
  from: { "t": s.table({ ...base }) },
  to: { t: s.table({ ...base, b: s.json(), when: s.timestamp(), tags: s.array(s.string()), raw: s.bytes(), neg: s.float(), s2: s.json() }) },
});
"#;
    let m = read(src);
    assert!(m.publishable(), "{:?}", m.diagnostics);
    assert_eq!(
        stringify(&forward_json(&m.forward)),
        concat!(
            r#"[{"table":"t","operations":["#,
            r#"{"type":"introduce","column":"b","column_type":{"type":"Json"},"value":{"type":"Text","value":"{\"k\":[1,\"x\"]}"}},"#,
            r#"{"type":"introduce","column":"when","column_type":{"type":"Timestamp"},"value":{"type":"Timestamp","value":1000}},"#,
            r#"{"type":"introduce","column":"tags","column_type":{"type":"Array","element":{"type":"Text"}},"value":{"type":"Array","value":[{"type":"Text","value":"a"}]}},"#,
            r#"{"type":"introduce","column":"raw","column_type":{"type":"Bytea"},"value":{"type":"Bytea","value":[0,255]}},"#,
            r#"{"type":"introduce","column":"neg","column_type":{"type":"Double"},"value":{"type":"Double","value":-2.5}},"#,
            r#"{"type":"introduce","column":"s2","column_type":{"type":"Json"},"value":{"type":"Text","value":"raw text"}}]}]"#
        )
    );
}

#[test]
fn check_edge_reports_the_wrong_edge() {
    let mut m = read(&file("", T1, T1));
    assert!(m.check_edge(
        "x.ts",
        &format!("aaaaaaaaaaaa{}", "0".repeat(52)),
        &format!("bbbbbbbbbbbb{}", "0".repeat(52))
    ));
    assert!(!m.check_edge("x.ts", &"c".repeat(64), &"d".repeat(64)));
    assert_eq!(
        m.diagnostics.last().map(|d| d.message.as_str()),
        Some(
            "Migration x.ts exports aaaaaaaaaaaa -> bbbbbbbbbbbb, expected cccccccccccc -> dddddddddddd."
        )
    );
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "export default 1",
        "export default s.defineMigration(",
        "export default defineMigration({ migrate: { t: 5 }, from: 1, to: [] })",
        "export default defineMigration({ migrate: { t: { a: s.add.enum() } }, fromHash: `x${1}`, toHash: 1, from: {t: 1}, to: {t: s.table(3)} })",
    ] {
        let m = read(src);
        assert!(!m.publishable(), "{src}");
    }
}

#[test]
fn witnesses_are_compared_with_the_snapshots() {
    let m = read(&file(
        "migrate: { t: { b: s.add.int({ default: 0 }) } },",
        T1,
        T2,
    ));
    let from = m.from.clone().expect("from");
    let to = m.to.clone().expect("to");
    assert!(witness_mismatches(&m, &from, &to).is_empty());
    // The snapshots also add table `u`, which the witnesses leave out; `t` differs too.
    let mut to2 = to.clone();
    to2.tables.push(crate::schema::Table {
        name: "u".into(),
        columns: Vec::new(),
        indexed_columns: None,
    });
    // JZ3501: `migrations check` compares the witnesses with the stored snapshots this way.
    let w = witness_mismatches(&m, &from, &to2);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].code, codes::WITNESS_MISMATCH);
    let w = witness_mismatches(&m, &from, &from);
    assert!(
        w.iter()
            .any(|d| d.message.contains("`to` witness of table `t`")),
        "{w:?}"
    );
    // Stubs render no `.indexOnly(...)`: a snapshot with an index list still matches a
    // witness without one, but not a witness that names other indexes.
    let indexed = |s: &crate::schema::WasmSchema, cols: &[&str]| {
        let mut s = s.clone();
        for t in &mut s.tables {
            t.indexed_columns = Some(cols.iter().map(|c| (*c).to_owned()).collect());
        }
        s
    };
    let (from_i, to_i) = (indexed(&from, &["a"]), indexed(&to, &["a"]));
    assert!(witness_mismatches(&m, &from_i, &to_i).is_empty());
    let mut m_i = read(&file(
        "migrate: { t: { b: s.add.int({ default: 0 }) } },",
        T1,
        T2,
    ));
    m_i.from = Some(indexed(&from, &["b"]));
    assert_eq!(witness_mismatches(&m_i, &from_i, &to_i).len(), 1);
}

/// Every prefix of a real migration file reads without panicking (the reader runs on editor
/// buffers mid-edit).
#[test]
fn truncated_files_never_panic() {
    let full = file(
        "renameTables: { u: s.renameTableFrom(\"v\") }, createTables: { w: true }, migrate: { t: { b: s.add.enum(\"x\", { default: \"x\" }), c: s.drop.array({ of: s.ref(\"t\"), backwardsDefault: [] }), d: s.renameFrom(\"e\") } },",
        "t: s.table({ a: s.string(), c: s.array(s.ref(\"t\")), e: s.int() }), v: s.table({ z: s.json({ type: \"object\" }) })",
        "t: s.table({ a: s.string(), b: s.enum(\"x\"), d: s.int() }), u: s.table({ z: s.json({ type: \"object\" }) }), w: s.table({})",
    );
    assert!(read(&full).publishable(), "{:?}", read(&full).diagnostics);
    let mut cut = 0;
    while cut < full.len() {
        if let Some(prefix) = full.get(..cut) {
            let _ = read(prefix);
        }
        cut += 5;
    }
}

#[test]
fn an_uncovered_column_points_at_migrate_and_shows_the_line_to_add() {
    // `b` dropped, and `migrate` has no entry for `t`: the error sits on the `migrate` key
    // (not the whole call) and its help is the line to add.
    let src = file("migrate: {},", T2, T1);
    let m = read(&src);
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.code == codes::REMOVED_COLUMN)
        .unwrap_or_else(|| panic!("{:?}", m.diagnostics));
    let span = d.primary.as_ref().expect("a span").span;
    let key = src.find("migrate").expect("migrate key");
    assert_eq!(
        (span.range.start as usize, span.range.end as usize),
        (key, key + "migrate".len())
    );
    let help = d.help.clone().unwrap_or_default();
    assert!(
        help.contains("b: s.drop.int({ backwardsDefault: 0 }),") && help.contains("migrate.t"),
        "{help}"
    );
    // An added column gets the `s.add` line.
    let m = read(&file("migrate: {},", T1, T2));
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.code == codes::ADDED_COLUMN)
        .unwrap_or_else(|| panic!("{:?}", m.diagnostics));
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("b: s.add.int({ default: 0 }),")),
        "{:?}",
        d.help
    );
}

/// The op types are the DSL's column constructors: each one reads as an op and is compared
/// with the witness column by kind; any other name is no op (JZ3002), never a guessed type.
#[test]
fn op_types_are_the_column_constructors() {
    use crate::schema::ColumnKind;
    for kind in ColumnKind::ALL {
        let name = kind.dsl_name();
        let m = read(&file(
            &format!("migrate: {{ t: {{ b: s.add.{name}({{ default: 0 }}) }} }},"),
            T1,
            T2,
        ));
        assert!(!codes_of(&m).contains(&3002), "{name}: {:?}", m.diagnostics);
        let mismatch = m.diagnostics.iter().any(|d| {
            d.code == codes::ADDED_COLUMN
                && d.labels.iter().chain(d.primary.as_ref()).any(|l| {
                    l.message
                        .as_deref()
                        .is_some_and(|t| t.contains("op on the int column"))
                })
        });
        assert_eq!(
            mismatch,
            kind != ColumnKind::Int,
            "{name}: {:?}",
            m.diagnostics
        );
    }
    let m = read(&file(
        "migrate: { t: { b: s.add.arrray({ default: [] }) } },",
        T1,
        T2,
    ));
    let d = m.diagnostics.iter().find(|d| d.code == codes::UNSUPPORTED);
    assert!(
        d.and_then(|d| d.primary.as_ref()?.message.as_deref()) == Some("not a migration op"),
        "{:?}",
        m.diagnostics
    );
    // The misspelt constructor gets its did-you-mean and the fix that writes it.
    let d = d.expect("JZ3002");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `s.add.array(...)`?"),
        "{d:?}"
    );
    let edits: Vec<&str> = d
        .fixes
        .iter()
        .flat_map(|f| f.edits.iter().map(|e| e.new_text.as_str()))
        .collect();
    assert_eq!(edits, ["array"], "{d:?}");
    let fixed = &d.fixes[0].edits[0];
    assert_eq!(fixed.range.end - fixed.range.start, "arrray".len() as u32);
}
