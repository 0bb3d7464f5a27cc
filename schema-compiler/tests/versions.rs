//! Installed package versions (JZ0113, JZ0114): jazz-tools and zod are found the way Node
//! resolves them from the project root, and a version whose output jazz does not reproduce is
//! warned about, without changing the schema.

use std::path::Path;

use jazz_schema_compiler::diagnostics::Severity;
use jazz_schema_compiler::project::{Analysis, analyze};
use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
import { z } from "zod";
export const app = s.defineApp({
  notes: s.table({
    meta: s.json(z.object({ a: z.string().nullable() })),
    tags: s.json(z.array(z.string())),
    raw: s.json({ type: "object" }),
  }),
});
"#;

fn pkg(version: &str) -> String {
    format!("{{ \"name\": \"x\", \"version\": \"{version}\" }}")
}

fn run(jazz_tools: Option<&str>, zod: Option<&str>) -> Analysis {
    let mut loader = MemoryLoader::new()
        .with("/work/app/schema.ts", SCHEMA)
        .with("/work/app/package.json", "{}");
    // jazz-tools hoisted to a parent folder (a workspace), zod beside the app.
    if let Some(v) = jazz_tools {
        loader = loader.with("/work/node_modules/jazz-tools/package.json", pkg(v));
    }
    if let Some(v) = zod {
        loader = loader.with("/work/app/node_modules/zod/package.json", pkg(v));
    }
    analyze(
        &loader,
        Path::new("/work/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    )
}

/// (code, severity, source text under the span) of each version diagnostic.
fn version_diags(a: &Analysis) -> Vec<(u16, Severity, String)> {
    a.diagnostics
        .iter()
        .filter(|d| matches!(d.code.0, 113 | 114))
        .map(|d| {
            let span = d.span().expect("a span");
            let file = a.db.get(span.file).expect("file");
            let text = file.text[span.range.start as usize..span.range.end as usize].to_owned();
            (d.code.0, d.severity, text)
        })
        .collect()
}

#[test]
fn reproduced_versions_and_missing_packages_say_nothing() {
    for (jt, z) in [
        (None, None),
        (Some("2.0.0-alpha.50"), Some("4.3.6")),
        (Some("2.0.0-alpha.50"), Some("4.4.1")),
    ] {
        let a = run(jt, z);
        assert!(
            version_diags(&a).is_empty(),
            "{jt:?} {z:?}: {:?}",
            a.diagnostics
        );
        assert!(a.valid_schema().is_some());
    }
}

#[test]
fn another_jazz_tools_is_warned_about_once_at_the_import() {
    let a = run(Some("2.0.0-alpha.53"), Some("4.3.6"));
    assert_eq!(
        version_diags(&a),
        vec![(113, Severity::Warning, "\"jazz-tools\"".to_owned())]
    );
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code.0 == 113)
        .expect("JZ0113");
    assert!(d.message.contains("2.0.0-alpha.53"), "{}", d.message);
    assert!(d.message.contains("2.0.0-alpha.50"), "{}", d.message);
}

#[test]
fn zod_past_4_4_warns_on_each_zod_typed_column_and_changes_nothing_else() {
    let a = run(Some("2.0.0-alpha.50"), Some("4.5.0"));
    assert_eq!(
        version_diags(&a),
        vec![
            (
                114,
                Severity::Warning,
                "s.json(z.object({ a: z.string().nullable() }))".to_owned()
            ),
            (
                114,
                Severity::Warning,
                "s.json(z.array(z.string()))".to_owned()
            ),
        ]
    );
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code.0 == 114)
        .expect("JZ0114");
    assert!(d.message.contains("4.5.0"), "{}", d.message);
    let b = run(Some("2.0.0-alpha.50"), Some("4.3.6"));
    let (sa, sb) = (
        a.valid_schema().expect("schema"),
        b.valid_schema().expect("schema"),
    );
    assert_eq!(to_compact_json(sa), to_compact_json(sb));
    assert_eq!(schema_hash(sa), schema_hash(sb));
}
