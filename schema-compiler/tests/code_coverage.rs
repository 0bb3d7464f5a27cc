//! Every registered diagnostic code is shown to a user somewhere in the test suite: it appears
//! in at least one insta snapshot of the workspace (`*.snap`, e.g. the fixtures of
//! `eval_fixtures.rs`, `diagnostic_fixtures.rs`, `policy_fixtures.rs` and the CLI's
//! `error_apps.rs`), or it is listed in [`UNREACHABLE`] with the reason no fixture can produce
//! it and, where a test does produce it, that test file (which must mention the code).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::{Code, all_codes};

/// A code no snapshot shows.
struct Unreachable {
    code: u16,
    why: &'static str,
    /// The test file (from the workspace root) that produces the code, if any.
    tested_in: Option<&'static str>,
}

const fn u(code: u16, why: &'static str, tested_in: Option<&'static str>) -> Unreachable {
    Unreachable {
        code,
        why,
        tested_in,
    }
}

/// Codes without a snapshot, each with its reason.
const UNREACHABLE: &[Unreachable] = &[];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `*.snap` file of the workspace, outside build output and dependencies.
fn snapshots(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                snapshots(&p, out);
            }
        } else if name.ends_with(".snap") {
            out.push(p);
        }
    }
}

/// The `JZxxxx` codes written in a text.
fn codes_in(text: &str) -> BTreeSet<Code> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("JZ") {
        let after = &rest[i + 2..];
        if let Some(c) = after.get(..4).and_then(Code::parse)
            && !after.as_bytes().get(4).is_some_and(u8::is_ascii_digit)
        {
            found.insert(c);
        }
        rest = after;
    }
    found
}

fn snapshotted() -> BTreeSet<Code> {
    let mut files = Vec::new();
    snapshots(&workspace(), &mut files);
    assert!(files.len() > 100, "only {} snapshots found", files.len());
    files
        .iter()
        .flat_map(|f| codes_in(&fs::read_to_string(f).unwrap_or_default()))
        .collect()
}

#[test]
fn every_registered_code_is_in_a_snapshot_or_explained() {
    let shown = snapshotted();
    let unreachable: BTreeSet<Code> = UNREACHABLE.iter().map(|u| Code(u.code)).collect();
    let missing: Vec<String> = all_codes()
        .filter(|i| !shown.contains(&i.code) && !unreachable.contains(&i.code))
        .map(|i| format!("{} ({})", i.code, i.title))
        .collect();
    assert!(
        missing.is_empty(),
        "no snapshot shows these codes; add a fixture (tests/fixtures/permissions/err, \
         tests/fixtures/migrations/err, tests/fixtures/eval/err) or list them in UNREACHABLE \
         with the reason:\n{}",
        missing.join("\n")
    );
}

#[test]
fn unreachable_entries_are_current_and_name_their_test() {
    let shown = snapshotted();
    let mut seen = BTreeSet::new();
    for u in UNREACHABLE {
        let code = Code(u.code);
        assert!(seen.insert(code), "{code} is listed twice");
        assert!(code.info().is_some(), "{code} is not registered");
        assert!(!u.why.is_empty(), "{code} needs a reason");
        assert!(
            !shown.contains(&code),
            "{code} is in a snapshot now: remove it from UNREACHABLE"
        );
        if let Some(file) = u.tested_in {
            let text = fs::read_to_string(workspace().join(file))
                .unwrap_or_else(|e| panic!("{code}: {file}: {e}"));
            assert!(
                codes_in(&text).contains(&code),
                "{code}: {file} does not mention {code}"
            );
        }
    }
}

#[test]
fn codes_are_found_in_text() {
    let found = codes_in("error[JZ2201]: x JZ12 JZ30011 (JZ0104)");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec![Code(104), Code(2201)]);
}
