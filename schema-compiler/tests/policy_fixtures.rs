//! Permissions fixtures: every `tests/fixtures/policy/ok/*.ts` is compiled as `permissions.ts`
//! against `tests/fixtures/policy/schema.ts` and must give no errors (missing-policy warnings
//! are fine); its policy JSON is
//! snapshotted, and a first line `// same-as: <other>.ts` requires byte-identical policy JSON
//! with that (hand-unrolled or `.forEach`) fixture. Every `err/*.ts` must report coded
//! diagnostics with spans, its errors snapshotted as text (snapshots in `tests/snapshots/policy/`).

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::policy::json::{to_compact, to_pretty};
use jazz_schema_compiler::project::{Analysis, analyze};
use jazz_schema_compiler::source::MemoryLoader;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy")
}

fn files(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join(kind))
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn name(path: &Path) -> String {
    path.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("fixture")
        .trim_end_matches(".ts")
        .to_owned()
}

fn run(path: &Path) -> (Analysis, String) {
    let text = fs::read_to_string(path).expect("read fixture");
    let schema = fs::read_to_string(root().join("schema.ts")).expect("read schema");
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", schema)
        .with("/app/permissions.ts", text.clone());
    (
        analyze(
            &loader,
            Path::new("/app"),
            &jazz_schema_compiler::project::AnalyzeOptions::default(),
        ),
        text,
    )
}

fn policy_json(path: &Path) -> (String, String) {
    let (a, _) = run(path);
    let rendered: Vec<String> = a
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        rendered.is_empty(),
        "{}:\n{}",
        path.display(),
        rendered.join("\n")
    );
    let policy = a
        .permissions
        .as_ref()
        .and_then(|p| p.policy.as_ref())
        .unwrap_or_else(|| panic!("{}: no policy", path.display()));
    (to_compact(policy), to_pretty(policy))
}

#[test]
fn ok_fixtures_compile_like_their_equivalents() {
    let files = files("ok");
    assert!(!files.is_empty());
    let mut pairs = 0;
    for f in &files {
        let (compact, pretty) = policy_json(f);
        let text = fs::read_to_string(f).expect("read fixture");
        if let Some(other) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// same-as: "))
        {
            let (expected, _) = policy_json(&root().join("ok").join(other.trim()));
            assert_eq!(compact, expected, "{} differs from {other}", f.display());
            pairs += 1;
        }
        insta::with_settings!({ snapshot_path => "snapshots/policy", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name(f), pretty);
        });
    }
    assert!(pairs >= 4);
}

#[test]
fn err_fixtures_report_coded_diagnostics() {
    let files = files("err");
    assert!(!files.is_empty());
    for f in &files {
        let (a, text) = run(f);
        assert!(
            !a.diagnostics.is_empty(),
            "{}: expected at least one diagnostic",
            f.display()
        );
        let mut out = String::new();
        // Errors only: the missing-policy warnings of a half-written fixture are noise here.
        for d in a.diagnostics.iter().filter(|d| d.is_error()) {
            assert!(
                d.code.info().is_some(),
                "{}: unregistered {}",
                f.display(),
                d.code
            );
            let span = d
                .span()
                .unwrap_or_else(|| panic!("{}: {} has no span", f.display(), d.code));
            let (start, end) = (span.range.start as usize, span.range.end as usize);
            let line = text[..start].matches('\n').count() + 1;
            let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
            let _ = writeln!(out, "  --> permissions.ts:{line}: `{}`", &text[start..end]);
            if let Some(h) = &d.help {
                let _ = writeln!(out, "  = help: {h}");
            }
        }
        insta::with_settings!({ snapshot_path => "snapshots/policy", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name(f), out);
        });
    }
}
