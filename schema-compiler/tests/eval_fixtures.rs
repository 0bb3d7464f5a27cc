//! Evaluation fixtures: every `tests/fixtures/eval/ok/*.ts` must evaluate with no diagnostics
//! at all; every `err/*.ts` must produce at least one diagnostic, and they are
//! snapshotted as plain text (code, message, location, the source line with the span marked,
//! labels, notes, help, fixes), so reviewing a snapshot diff is reviewing the user's view.

use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::project::{Analysis, analyze};
use jazz_schema_compiler::source::MemoryLoader;

mod render;
use render::render;

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eval")
        .join(kind)
}

fn files(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir(kind))
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

/// Analyses a fixture as `/app/schema.ts` and keeps the diagnostics of this phase (syntax,
/// evaluation, schema, internal), not those of permissions or migrations.
fn run(path: &Path) -> Analysis {
    let text = fs::read_to_string(path).expect("read fixture");
    // A module outside the project root (`/app`): fixtures that import it must get JZ0112, and
    // its text must never appear in a snapshot.
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", text)
        .with("/outside.ts", "export const title = \"OUTSIDE-SECRET\";\n");
    let mut a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    a.diagnostics.retain(|d| !(2000..9000).contains(&d.code.0));
    a
}

#[test]
fn ok_fixtures_have_no_diagnostics() {
    let files = files("ok");
    assert!(!files.is_empty());
    for f in files {
        let a = run(&f);
        let rendered: Vec<String> = a.diagnostics.iter().map(|d| render(&a.db, d)).collect();
        assert!(
            rendered.is_empty(),
            "{}:\n{}",
            f.display(),
            rendered.join("\n")
        );
        assert!(a.schema.is_some(), "{}: no schema", f.display());
    }
}

#[test]
fn err_fixtures_report_coded_diagnostics() {
    let files = files("err");
    assert!(files.len() >= 30);
    for f in files {
        let a = run(&f);
        assert!(
            !a.diagnostics.is_empty(),
            "{}: expected at least one diagnostic",
            f.display()
        );
        for d in &a.diagnostics {
            let info = d
                .code
                .info()
                .unwrap_or_else(|| panic!("{}: unregistered code {}", f.display(), d.code));
            assert_eq!(
                d.severity,
                info.severity,
                "{}: {} is not emitted with its registered severity",
                f.display(),
                d.code
            );
            assert!(
                d.primary.is_some(),
                "{}: {} has no span",
                f.display(),
                d.code
            );
        }
        let rendered: Vec<String> = a.diagnostics.iter().map(|d| render(&a.db, d)).collect();
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_owned();
        insta::with_settings!({ snapshot_path => "snapshots/eval", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered.join("\n"));
        });
    }
}

/// An export that cannot be evaluated after the one that qualifies changes nothing: the same
/// WasmSchema bytes and hash as the app without it, and no error.
#[test]
fn a_later_unevaluable_export_is_not_looked_at() {
    use jazz_schema_compiler::diagnostics::Severity;
    use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};

    let with = run(&dir("err").join("export-later-unevaluable.ts"));
    let only = "import { schema as s } from \"jazz-tools\";\nexport const schema = { todos: s.table({ title: s.string(), done: s.boolean() }) };\n";
    let only = analyze(
        &MemoryLoader::new().with("/app/schema.ts", only),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (a, b) = (
        with.valid_schema().expect("a schema despite `app`"),
        only.valid_schema().expect("a schema"),
    );
    assert_eq!(to_compact_json(a), to_compact_json(b));
    assert_eq!(schema_hash(a), schema_hash(b));
    let severities: Vec<(String, Severity)> = with
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.severity))
        .collect();
    assert_eq!(severities, vec![("JZ1008".to_owned(), Severity::Hint)]);

    // Before the chosen export, an unevaluable candidate still stops the choice (rule 3).
    let first = "import { schema as s } from \"jazz-tools\";\nfunction f<T>(x: T): T { while (Math.random() > 2) {} return x; }\nexport const schema = f({ todos: s.table({ title: s.string() }) });\nexport const app = s.defineApp({ todos: s.table({ title: s.string() }) });\n";
    let first = analyze(
        &MemoryLoader::new().with("/app/schema.ts", first),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(first.valid_schema().is_none());
    assert!(
        first
            .diagnostics
            .iter()
            .any(|d| d.code.to_string() == "JZ0101" && d.is_error())
    );
}

/// A table or column written twice (JZ1086, a warning) builds what JS builds: the later
/// definition in the earlier one's place, so the bytes and hash of the app written that way.
#[test]
fn a_duplicate_key_keeps_the_later_definition() {
    use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};

    let dup = run(&dir("err").join("duplicate-key.ts"));
    let only = "import { schema as s } from \"jazz-tools\";\nconst base = { label: s.string() };\nexport const app = s.defineApp({\n  todos: s.table({ title: s.string() }),\n  projects: s.table({ ...base, label: s.int(), name: s.string().optional() }),\n});\n";
    let only = analyze(
        &MemoryLoader::new().with("/app/schema.ts", only),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (a, b) = (
        dup.valid_schema().expect("warnings only"),
        only.valid_schema().expect("a schema"),
    );
    assert_eq!(to_compact_json(a), to_compact_json(b));
    assert_eq!(schema_hash(a), schema_hash(b));
    let codes: Vec<String> = dup.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, ["JZ1086", "JZ1086"]);
}

/// An `ok/` fixture whose first line is `// same-as: other.ts` builds its schema with loops,
/// functions or array methods: it must give the same WasmSchema bytes and hash as the
/// hand-unrolled `other.ts`.
#[test]
fn loops_and_functions_match_their_unrolled_apps() {
    use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};

    let mut compared = 0;
    for f in files("ok") {
        let text = fs::read_to_string(&f).expect("read fixture");
        let Some(other) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// same-as: "))
        else {
            continue;
        };
        let (a, b) = (run(&f), run(&dir("ok").join(other.trim())));
        let (a, b) = (
            a.valid_schema().expect("fixture schema"),
            b.valid_schema().expect("unrolled schema"),
        );
        assert_eq!(
            to_compact_json(a),
            to_compact_json(b),
            "{} vs {other}",
            f.display()
        );
        assert_eq!(schema_hash(a), schema_hash(b), "{} vs {other}", f.display());
        compared += 1;
    }
    assert!(compared >= 3);
}

/// A function imported from another module sees that module's bindings, not the caller's.
#[test]
fn imported_functions_use_their_own_module_scope() {
    use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};

    let helpers = "import { schema as s } from \"jazz-tools\";\nconst PREFIX = \"t_\";\nexport function tables(names: string[]) {\n  const out: Record<string, unknown> = {};\n  for (const n of names) out[PREFIX + n] = s.table({ label: s.string() });\n  return out;\n}\n";
    let schema = "import { schema as s } from \"jazz-tools\";\nimport { tables } from \"./helpers\";\nconst PREFIX = \"x_\";\nexport const app = s.defineApp({ ...tables([\"a\", \"b\"]), [PREFIX + \"c\"]: s.table({ label: s.string() }) });\n";
    let inline = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ t_a: s.table({ label: s.string() }), t_b: s.table({ label: s.string() }), x_c: s.table({ label: s.string() }) });\n";
    let a = analyze(
        &MemoryLoader::new()
            .with("/app/schema.ts", schema)
            .with("/app/helpers.ts", helpers),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let b = analyze(
        &MemoryLoader::new().with("/app/schema.ts", inline),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (a, b) = (
        a.valid_schema().expect("schema with helpers"),
        b.valid_schema().expect("inline schema"),
    );
    assert_eq!(to_compact_json(a), to_compact_json(b));
    assert_eq!(schema_hash(a), schema_hash(b));
}

/// An export that fails to convert is skipped for the next candidate, as upstream does: the
/// schema (bytes and hash) is the next export's, the failure is a JZ1007 warning carrying the
/// reason as a label, and nothing blocks the artefacts.
#[test]
fn a_skipped_export_yields_the_next_exports_schema() {
    use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};

    let skipped = fs::read_to_string(dir("err").join("export-skipped.ts")).expect("fixture");
    let only_app = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ todos: s.table({ title: s.string() }) });\n";
    let a = analyze(
        &MemoryLoader::new().with("/app/schema.ts", skipped.as_str()),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let codes: Vec<String> = a.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, ["JZ1007"]);
    let jz1007 = &a.diagnostics[0];
    assert!(
        jz1007.message.ends_with("using `app`"),
        "{}",
        jz1007.message
    );
    assert!(
        jz1007
            .labels
            .iter()
            .any(|l| l.message.as_deref().is_some_and(|m| m.contains("$owner"))),
        "the reason is a label: {jz1007:?}"
    );
    assert!(!jz1007.fixes.is_empty(), "the skipped export's fix is kept");
    let b = analyze(
        &MemoryLoader::new().with("/app/schema.ts", only_app),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (a, b) = (
        a.valid_schema().expect("the next export is the schema"),
        b.valid_schema().expect("app-only schema"),
    );
    assert_eq!(to_compact_json(a), to_compact_json(b));
    assert_eq!(schema_hash(a), schema_hash(b));
    // The skipped export's tables are not offered to editor queries.
    let app = analyze(
        &MemoryLoader::new().with("/app/schema.ts", skipped.as_str()),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(
        app.symbols.columns.iter().all(|c| c.name != "$owner"),
        "symbols of the skipped export were kept"
    );
}
