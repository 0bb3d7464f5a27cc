//! Migration stub goldens: for every before/after pair under
//! `tests/fixtures/migrations/<case>/`, the stub is snapshotted byte for byte; the stub itself
//! and, when present, the hand-filled `filled.ts` (with `__FROM__` / `__TO__` standing for the
//! short hashes) are read back by the static reader, and their diagnostics and lens JSON are
//! snapshotted too.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::migrations::{read_migration, render_stub, requires_row_transform, wire};
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::json::stringify_pretty;
use jazz_schema_compiler::schema::{WasmSchema, schema_hash};
use jazz_schema_compiler::source::{MemoryLoader, SourceDb};

fn compile(path: &Path) -> WasmSchema {
    let text = fs::read_to_string(path).expect("read fixture");
    let a = analyze(
        &MemoryLoader::new().with("/app/schema.ts", text),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(!a.has_errors(), "{}: {:?}", path.display(), a.diagnostics);
    (*a.schema.expect("schema")).clone()
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations");
    // `err/` holds the error projects of `diagnostic_fixtures.rs`, not a before/after pair.
    let mut v: Vec<PathBuf> = fs::read_dir(root)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| !p.ends_with("err"))
        .collect();
    v.sort();
    v
}

/// Reads a migration text and renders what the reader said: diagnostics, then the lens.
fn read_back(text: &str) -> String {
    let loader = MemoryLoader::new().with("/app/migrations/m.ts", text);
    let mut db = SourceDb::new();
    let m = read_migration(&loader, Path::new("/app/migrations/m.ts"), &mut db);
    let mut out = String::new();
    for d in &m.diagnostics {
        let line = d.span().map(|s| {
            let f = db.get(s.file).expect("file");
            f.line_index.line_col_chars(&f.text, s.range.start).line + 1
        });
        let labels: Vec<String> = d.labels.iter().filter_map(|l| l.message.clone()).collect();
        let _ = writeln!(
            out,
            "{} {} (line {:?}) {}: {}",
            d.code,
            d.severity.as_str(),
            line,
            d.message,
            labels.join("; ")
        );
    }
    let _ = writeln!(out, "publishable: {}", m.publishable());
    let _ = writeln!(out, "{}", stringify_pretty(&wire::forward_json(&m.forward)));
    out
}

#[test]
fn stubs_and_read_back() {
    for case in cases() {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        let before = compile(&case.join("before.ts"));
        let after = compile(&case.join("after.ts"));
        let (fh, th) = (schema_hash(&before), schema_hash(&after));
        assert!(
            requires_row_transform(&before, &after),
            "{name}: no row transform needed"
        );
        let stub = match render_stub(&before, &fh, &after, &th) {
            Ok(s) => s,
            Err(d) => format!("error {}: {}\n", d.code, d.message),
        };
        let stub = stub
            .replace(&fh.short(), "__FROM__")
            .replace(&th.short(), "__TO__");
        insta::assert_snapshot!(format!("{name}__stub"), stub);
        let real = |t: &str| {
            t.replace("__FROM__", &fh.short())
                .replace("__TO__", &th.short())
        };
        insta::assert_snapshot!(format!("{name}__stub_read"), read_back(&real(&stub)));
        if let Ok(filled) = fs::read_to_string(case.join("filled.ts")) {
            insta::assert_snapshot!(format!("{name}__filled_read"), read_back(&real(&filled)));
        }
    }
}
