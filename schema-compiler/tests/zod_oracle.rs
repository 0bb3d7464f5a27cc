//! Real-zod oracle: every case in `tests/zod-oracle/cases.txt` goes through the whole pipeline
//! as `s.json(<case>)`, and the JSON Schema we store must equal, byte for byte, what zod (the
//! exact version pinned in `tests/zod-oracle/package.json`) gives for
//! `z.toJSONSchema(<case>, { target: "draft-07" })`.
//!
//! Needs Node and npm; the oracle's pinned dependencies are installed with `npm ci` on first run
//! (`npm ci --prefix schema-compiler/tests/zod-oracle`, which `.ci/run` also does).
//! It is never skipped: without them it fails and says so.

use std::path::{Path, PathBuf};
use std::process::Command;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::ColumnType;
use jazz_schema_compiler::schema::json::stringify;
use jazz_schema_compiler::source::MemoryLoader;

const SETUP: &str = "run `npm ci --prefix schema-compiler/tests/zod-oracle` (needs Node ≥ 18)";

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zod-oracle")
}

/// The same filter `oracle.mjs` applies.
fn case_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect()
}

fn run_oracle(dir: &Path) -> String {
    if !dir.join("node_modules/zod/package.json").is_file() {
        // A fresh checkout: install the pinned zod from the lock file (npm registry only).
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(dir)
            .status()
            .unwrap_or_else(|e| panic!("zod oracle: cannot run `npm` ({e}); {SETUP}"));
        assert!(
            status.success(),
            "zod oracle: `npm ci` failed ({status}); {SETUP}"
        );
    }
    assert!(
        dir.join("node_modules/zod/package.json").is_file(),
        "zod oracle: {} has no node_modules/zod; {SETUP}",
        dir.display()
    );
    let output = Command::new("node")
        .arg("oracle.mjs")
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("zod oracle: cannot run `node` ({e}); {SETUP}"));
    assert!(
        output.status.success(),
        "zod oracle: `node oracle.mjs` failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("oracle output is UTF-8")
}

/// What our pipeline stores for `s.json(<case>)`, or why it stored nothing.
fn pipeline_json(case: &str) -> Result<String, String> {
    let src = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ z }} from \"zod\";\n\
         export const app = s.defineApp({{ t: s.table({{ j: s.json({case}) }}) }});\n"
    );
    let analysis = analyze(
        &MemoryLoader::new().with("/app/schema.ts", src),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let diagnostics = || {
        analysis
            .diagnostics
            .iter()
            .map(|d| format!("{d:?}"))
            .collect::<Vec<_>>()
            .join("\n    ")
    };
    let column = analysis
        .schema
        .as_ref()
        .and_then(|s| s.table("t"))
        .and_then(|t| t.column("j"))
        .ok_or_else(|| format!("no column t.j; diagnostics:\n    {}", diagnostics()))?;
    match &column.column_type {
        ColumnType::Json { schema: Some(v) } => Ok(stringify(v)),
        other => Err(format!(
            "t.j is {other:?}; diagnostics:\n    {}",
            diagnostics()
        )),
    }
}

#[test]
fn json_schemas_match_real_zod() {
    let dir = oracle_dir();
    let cases_text = std::fs::read_to_string(dir.join("cases.txt")).expect("cases.txt is readable");
    let cases = case_lines(&cases_text);
    let oracle = run_oracle(&dir);
    let zod_lines: Vec<&str> = oracle.lines().collect();
    assert_eq!(zod_lines.len(), cases.len(), "one oracle line per case");

    // The unit tests compare against this recording; keep it in step with live zod.
    let recorded = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
    assert_eq!(
        recorded.lines().collect::<Vec<_>>(),
        zod_lines,
        "tests/zod-oracle/expected.txt is stale: `node oracle.mjs > expected.txt` in that folder"
    );

    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(&zod_lines) {
        match pipeline_json(case) {
            Ok(got) if got == *want => {}
            Ok(got) => failures.push(format!("case: {case}\n  zod: {want}\n  we:  {got}")),
            Err(why) => failures.push(format!("case: {case}\n  zod: {want}\n  we:  {why}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from zod:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
