//! Golden tests on the corpus apps' permissions: `permissions.ts` evaluated statically must
//! give exactly `expected/permissions.json` (upstream's own CLI output, key order included),
//! and the bytecode disassembly is pinned per app.

use std::fs;
use std::path::{Path, PathBuf};

mod support;

fn apps() -> Vec<PathBuf> {
    support::apps_with("permissions.json")
}

#[test]
fn corpus_permissions_compile_to_upstream_json() {
    let apps = apps();
    assert!(apps.len() >= 6, "expected the corpus apps, found {apps:?}");
    let mut failures = Vec::new();
    for app in apps {
        let support::AnalysedApp {
            name,
            analysis,
            errors,
        } = support::analyse_app(&app);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let policy = analysis
            .permissions
            .as_ref()
            .and_then(|p| p.policy.as_ref())
            .unwrap_or_else(|| panic!("{name}: no policy"));
        let got = jazz_schema_compiler::policy::json::to_pretty(policy);
        let want = fs::read_to_string(app.join("expected/permissions.json")).expect("expected");
        if got != want {
            failures.push(format!("{name}:\n--- got\n{got}\n--- want\n{want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compiles an app's policy to bytecode.
fn compile_app(app: &Path) -> (jazz_schema_compiler::policy::Policy, Vec<u8>) {
    let analysis = support::analyse_app(app).analysis;
    let policy = analysis
        .permissions
        .as_ref()
        .and_then(|p| p.policy.clone())
        .expect("policy");
    let schema = analysis.schema.as_deref().expect("schema");
    let bytes = jazz_schema_compiler::policy::bytecode::encode(&policy, schema);
    (policy, bytes)
}

#[test]
fn corpus_disassembly_is_pinned() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/policy");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for app in apps() {
        let name = app
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let (_, bytes) = compile_app(&app);
        let text = jazz_schema_compiler::policy::bytecode::disassemble(&bytes).expect("verifies");
        assert!(
            !text.contains(" \n") && !text.contains('\r'),
            "{name}: stable text"
        );
        let file = golden.join(format!("{name}.disasm"));
        if update || !file.exists() {
            fs::create_dir_all(&golden).expect("golden dir");
            fs::write(&file, &text).expect("write golden");
        } else if fs::read_to_string(&file).expect("golden") != text {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "disassembly changed (UPDATE_GOLDEN=1 after a version decision): {failures:?}"
    );
}

#[test]
fn bytecode_is_deterministic_and_json_round_trips() {
    for app in apps() {
        let (policy, bytes) = compile_app(&app);
        let (_, again) = compile_app(&app);
        assert_eq!(bytes, again, "{app:?}: same input, same bytes");
        // B12: compile(IR) == compile(parse(emit_json(IR))).
        let json = jazz_schema_compiler::policy::json::to_json(&policy);
        let parsed = jazz_schema_compiler::policy::parse::policy(&json).expect("parses");
        let analysis = support::analyse_app(&app).analysis;
        let schema = analysis.schema.as_deref().expect("schema");
        let mut p2 = parsed;
        p2.env = policy.env.clone();
        assert_eq!(
            jazz_schema_compiler::policy::bytecode::encode(&p2, schema),
            bytes,
            "{app:?}: JSON round trip"
        );
        assert_eq!(jazz_schema_compiler::policy::json::to_json(&p2), json);
    }
}
