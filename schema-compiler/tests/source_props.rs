//! Properties of the whole pipeline over generated `schema.ts` sources: the evaluator accepts
//! every generated app without diagnostics, and the spec's hash invariants hold on source
//! level (table order and enum order are irrelevant, column order is relevant).

use std::path::Path;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::schema_hash;
use jazz_schema_compiler::source::MemoryLoader;
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Col {
    name: String,
    builder: String,
}

fn builder() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("s.string()".to_owned()),
        Just("s.int().default(3)".to_owned()),
        Just("s.float().optional()".to_owned()),
        Just("s.boolean().default(false)".to_owned()),
        Just("s.timestamp()".to_owned()),
        Just("s.json({ type: \"object\" })".to_owned()),
        Just("s.array(s.string()).default([\"a\"])".to_owned()),
        Just("s.enum(\"draft\", \"done\", \"open\")".to_owned()),
        Just("s.enum(\"open\", \"draft\", \"done\")".to_owned()),
        Just("s.bytes().optional()".to_owned()),
        Just("s.int().merge(\"counter\")".to_owned()),
    ]
}

fn table() -> impl Strategy<Value = Vec<Col>> {
    proptest::collection::btree_map(
        "[a-z][a-zA-Z0-9_]{0,8}".prop_filter("`id` shadows the row id (JZ1012)", |n| n != "id"),
        builder(),
        1..6,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(name, builder)| Col { name, builder })
            .collect()
    })
}

fn render(tables: &[(String, Vec<Col>)]) -> String {
    let mut s = String::from("import { schema as s } from \"jazz-tools\";\nconst schema = {\n");
    for (name, cols) in tables {
        s.push_str(&format!("  {name}: s.table({{\n"));
        for c in cols {
            s.push_str(&format!("    {}: {},\n", c.name, c.builder));
        }
        s.push_str("  }),\n");
    }
    s.push_str("};\nexport const app = s.defineApp(schema);\n");
    s
}

fn hash(src: &str) -> String {
    let a = analyze(
        &MemoryLoader::new().with("/app/schema.ts", src),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(a.diagnostics.is_empty(), "{src}\n{:?}", a.diagnostics);
    schema_hash(a.schema.as_deref().expect("schema")).to_hex()
}

fn app() -> impl Strategy<Value = Vec<(String, Vec<Col>)>> {
    proptest::collection::btree_map("t[a-z]{1,8}", table(), 1..5)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn table_order_is_irrelevant(tables in app()) {
        let mut reversed = tables.clone();
        reversed.reverse();
        prop_assert_eq!(hash(&render(&tables)), hash(&render(&reversed)));
    }

    #[test]
    fn column_order_is_relevant(tables in app()) {
        let Some(pos) = tables.iter().position(|(_, c)| c.len() >= 2) else { return Ok(()) };
        let mut swapped = tables.clone();
        swapped[pos].1.swap(0, 1);
        prop_assert_ne!(hash(&render(&tables)), hash(&render(&swapped)));
    }

    #[test]
    fn enum_declaration_order_is_irrelevant(tables in app()) {
        let flipped: Vec<(String, Vec<Col>)> = tables
            .iter()
            .map(|(t, cols)| {
                let cols = cols
                    .iter()
                    .map(|c| Col {
                        name: c.name.clone(),
                        builder: c.builder.replace("s.enum(\"draft\", \"done\", \"open\")", "s.enum(\"open\", \"done\", \"draft\")"),
                    })
                    .collect();
                (t.clone(), cols)
            })
            .collect();
        prop_assert_eq!(hash(&render(&tables)), hash(&render(&flipped)));
    }
}
