//! Permissions and migrations fixtures, rendered like the evaluation fixtures (`render/`).
//!
//! - `tests/fixtures/permissions/ok/*.ts` are compiled as `permissions.ts` against
//!   `tests/fixtures/permissions/schema.ts` and must give no diagnostic at all.
//! - `tests/fixtures/permissions/err/*.ts` likewise; their diagnostics are snapshotted in
//!   `tests/snapshots/permissions/`. Header comments steer a fixture: `// expect: JZ2201 JZ2202`
//!   (required) names the codes it exists for, and each must be produced; `// env: NAME=value`
//!   gives `process.env` a value; `// schema: name.ts` compiles against
//!   `tests/fixtures/permissions/schemas/name.ts` instead of the shared schema. The
//!   missing-policy warnings (JZ2101, JZ2102) of a half-written fixture are left out unless
//!   the fixture expects them.
//! - `tests/fixtures/migrations/err/<case>/` is a project (`schema.ts`, `migrations/` with
//!   migration files and snapshots); `jazz validate`'s migration check runs over it and every
//!   diagnostic is snapshotted in `tests/snapshots/migrations/`. `// expect:` lines in its files
//!   name the codes it exists for.
//!
//! Every diagnostic a fixture produces must be registered, carry a span, and have the severity
//! the registry gives its code.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::{Code, Diagnostic};
use jazz_schema_compiler::project::{Analysis, AnalyzeOptions, analyze};
use jazz_schema_compiler::source::MemoryLoader;

mod render;
use render::render;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn stem(path: &Path) -> String {
    path.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("fixture")
        .trim_end_matches(".ts")
        .to_owned()
}

/// The header directives of a fixture text: `// <key>: <value>` lines.
fn directives<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("// {key}: ");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(prefix.as_str()))
        .map(str::trim)
        .collect()
}

fn expected_codes(text: &str) -> BTreeSet<Code> {
    directives(text, "expect")
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(|c| Code::parse(c).unwrap_or_else(|| panic!("bad code `{c}` in an expect line")))
        .collect()
}

/// What every diagnostic a fixture produces must satisfy: a registered code, the severity the
/// registry gives it, and a span. Returns the problems found.
fn check_diagnostic(fixture: &str, d: &Diagnostic) -> Vec<String> {
    let Some(info) = d.code.info() else {
        return vec![format!("{fixture}: unregistered code {}", d.code)];
    };
    let mut problems = Vec::new();
    if d.severity != info.severity {
        problems.push(format!(
            "{fixture}: {} is emitted as {} but registered as {}",
            d.code,
            d.severity.as_str(),
            info.severity.as_str()
        ));
    }
    if d.primary.is_none() {
        problems.push(format!("{fixture}: {} has no span: {}", d.code, d.message));
    }
    problems
}

/// Which expected codes a fixture did not produce, as one problem line (empty when none).
fn missing_expected(fixture: &str, expected: &BTreeSet<Code>, diags: &[Diagnostic]) -> Vec<String> {
    if expected.is_empty() {
        return vec![format!("{fixture}: needs a `// expect: JZxxxx` line")];
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|c| !diags.iter().any(|d| d.code == **c))
        .map(Code::to_string)
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let got: Vec<String> = diags.iter().map(|d| d.code.to_string()).collect();
    vec![format!(
        "{fixture}: expected {}, got [{}]",
        missing.join(", "),
        got.join(", ")
    )]
}

fn snapshot(dir: &str, name: &str, a: &Analysis, diags: &[&Diagnostic]) {
    let rendered: Vec<String> = diags.iter().map(|d| render(&a.db, d)).collect();
    let path = format!("snapshots/{dir}");
    insta::with_settings!({ snapshot_path => path, prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name.to_owned(), rendered.join("\n"));
    });
}

fn permissions_root() -> PathBuf {
    fixtures().join("permissions")
}

/// Compiles a permissions fixture against its schema, with the `// env:` values.
fn compile_permissions(path: &Path) -> (Analysis, String) {
    let text = fs::read_to_string(path).expect("read fixture");
    let schema = match directives(&text, "schema").first() {
        Some(name) => permissions_root().join("schemas").join(name),
        None => permissions_root().join("schema.ts"),
    };
    let schema =
        fs::read_to_string(&schema).unwrap_or_else(|e| panic!("{}: {e}", schema.display()));
    let env: Vec<(String, String)> = directives(&text, "env")
        .iter()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", schema)
        .with("/app/permissions.ts", text.clone());
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    (
        analyze(
            &loader,
            Path::new("/app"),
            &AnalyzeOptions::default().with_env(&lookup),
        ),
        text,
    )
}

#[test]
fn permissions_ok_fixtures_have_no_diagnostics() {
    let files = entries(&permissions_root().join("ok"));
    assert!(!files.is_empty());
    for f in files {
        let (a, _) = compile_permissions(&f);
        let rendered: Vec<String> = a.diagnostics.iter().map(|d| render(&a.db, d)).collect();
        assert!(
            rendered.is_empty(),
            "{}:\n{}",
            f.display(),
            rendered.join("\n")
        );
        assert!(
            a.permissions
                .as_ref()
                .and_then(|p| p.policy.as_ref())
                .is_some(),
            "{}: no policy",
            f.display()
        );
    }
}

#[test]
fn permissions_err_fixtures_snapshot_their_diagnostics() {
    let files = entries(&permissions_root().join("err"));
    assert!(files.len() >= 20);
    let mut problems = Vec::new();
    for f in files {
        let name = stem(&f);
        let (a, text) = compile_permissions(&f);
        let expected = expected_codes(&text);
        problems.extend(missing_expected(&name, &expected, &a.diagnostics));
        let missing_policy = [Code(2101), Code(2102)];
        let shown: Vec<&Diagnostic> = a
            .diagnostics
            .iter()
            .filter(|d| !missing_policy.contains(&d.code) || expected.contains(&d.code))
            .collect();
        for d in &shown {
            problems.extend(check_diagnostic(&name, d));
        }
        snapshot("permissions", &name, &a, &shown);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schema a migrations case gets when it has none of its own.
const DEFAULT_SCHEMA: &str = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ t: s.table({ a: s.string() }) });\n";

/// Loads every file of a migrations case into a memory loader rooted at `/app`, and every
/// `// expect:` code its files name.
fn load_case(dir: &Path) -> (MemoryLoader, BTreeSet<Code>) {
    let mut loader = MemoryLoader::new();
    let mut expected = BTreeSet::new();
    let mut has_schema = false;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for p in entries(&d) {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = fs::read_to_string(&p).expect("read");
            expected.extend(expected_codes(&text));
            let rel = p.strip_prefix(dir).expect("prefix");
            has_schema |= rel == Path::new("schema.ts");
            loader.insert(Path::new("/app").join(rel), text);
        }
    }
    if !has_schema {
        loader.insert("/app/schema.ts", DEFAULT_SCHEMA);
    }
    (loader, expected)
}

#[test]
fn migrations_err_fixtures_snapshot_their_diagnostics() {
    let cases = entries(&fixtures().join("migrations/err"));
    assert!(cases.len() >= 20);
    let mut problems = Vec::new();
    for case in cases {
        let name = stem(&case);
        let (loader, expected) = load_case(&case);
        let a = analyze(
            &loader,
            Path::new("/app"),
            &AnalyzeOptions::default().with_migrations(Some(Path::new("/app/migrations"))),
        );
        problems.extend(missing_expected(&name, &expected, &a.diagnostics));
        let shown: Vec<&Diagnostic> = a.diagnostics.iter().collect();
        for d in &shown {
            problems.extend(check_diagnostic(&name, d));
        }
        snapshot("migrations", &name, &a, &shown);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
