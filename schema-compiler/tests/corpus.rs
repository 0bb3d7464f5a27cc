//! Golden tests on the corpus apps: `schema.ts` evaluated statically must export the exact
//! bytes of `expected/schema.json` and hash to `expected/hash.txt`.

use std::fs;
use std::path::PathBuf;

mod support;

use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_pretty_json};

fn apps() -> Vec<PathBuf> {
    support::apps_with("schema.json")
}

#[test]
fn corpus_apps_export_and_hash_like_upstream() {
    let apps = apps();
    assert!(apps.len() >= 6, "expected the corpus apps, found {apps:?}");
    let mut failures = Vec::new();
    for app in apps {
        let support::AnalysedApp {
            name,
            analysis,
            errors,
        } = support::analyse_app(&app);
        if !errors.is_empty() {
            failures.push(format!("{name}: unexpected errors {errors:?}"));
            continue;
        }
        let Some(schema) = analysis.schema.as_deref() else {
            failures.push(format!("{name}: no schema"));
            continue;
        };
        let expected = fs::read_to_string(app.join("expected/schema.json")).expect("schema.json");
        let got = to_pretty_json(schema);
        if got != expected {
            failures.push(format!(
                "{name}: schema JSON differs\n--- expected\n{expected}\n--- got\n{got}"
            ));
        }
        let hash = fs::read_to_string(app.join("expected/hash.txt")).expect("hash.txt");
        if schema_hash(schema).to_hex() != hash.trim() {
            failures.push(format!(
                "{name}: hash {} != {}",
                schema_hash(schema).to_hex(),
                hash.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
