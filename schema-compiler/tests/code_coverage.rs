//! Every registered diagnostic code is shown to a user somewhere in the test suite: it appears
//! in at least one insta snapshot of the workspace (`*.snap`, e.g. the fixtures of
//! `eval_fixtures.rs`, `diagnostic_fixtures.rs`, `policy_fixtures.rs` and the CLI's
//! `error_apps.rs`), or it is listed in [`UNREACHABLE`] with the reason no fixture can produce
//! it and, where a test does produce it, that test file (which must mention the code).
//! Severity comes from the registry alone: no source outside `diagnostics/mod.rs` sets one.

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

const CLI_PERMISSIONS: Option<&str> = Some("cli/tests/permissions.rs");
const CLI_MIGRATIONS: Option<&str> = Some("cli/tests/migrations.rs");
const CLI_CREATE: Option<&str> = Some("cli/tests/migrations_create.rs");
const SNAPSHOT_STORE: Option<&str> = Some("schema-compiler/src/schema/snapshots/tests.rs");

/// Codes without a snapshot, each with its reason.
const UNREACHABLE: &[Unreachable] = &[
    u(
        2,
        "only a disk loader fails to read a file or finds bytes that are not UTF-8; fixtures are loaded as text",
        Some("cli/tests/validate.rs"),
    ),
    u(
        113,
        "needs an installed node_modules/jazz-tools, which fixtures (in-memory sources) do not have",
        Some("schema-compiler/tests/versions.rs"),
    ),
    u(
        114,
        "needs an installed node_modules/zod, which fixtures (in-memory sources) do not have",
        Some("schema-compiler/tests/versions.rs"),
    ),
    u(
        1025,
        "only in a build without ICU collation data, and every build has it",
        None,
    ),
    u(
        1080,
        "the snapshot store is read by `migrations create`, `schema diff` and `--fromHash`, not by the project analysis",
        CLI_MIGRATIONS,
    ),
    u(1081, "the snapshot store (see JZ1080)", CLI_CREATE),
    u(1082, "the snapshot store (see JZ1080)", SNAPSHOT_STORE),
    u(1083, "the snapshot store (see JZ1080)", SNAPSHOT_STORE),
    u(1084, "the snapshot store (see JZ1080)", SNAPSHOT_STORE),
    u(
        2005,
        "CLI-only: a `jazz permissions` command in a project without permissions.ts",
        CLI_PERMISSIONS,
    ),
    u(
        2401,
        "CLI-only: loading policy bytecode (`permissions test --bytecode`)",
        CLI_PERMISSIONS,
    ),
    u(
        2402,
        "CLI-only: loading policy bytecode (see JZ2401)",
        CLI_PERMISSIONS,
    ),
    u(
        2500,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        2501,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        2502,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        2503,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        2505,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        2506,
        "CLI-only: `jazz permissions test` test files",
        CLI_PERMISSIONS,
    ),
    u(
        3216,
        "a backstop: the column rules report every case it would catch first (see migrations/reader/tests.rs)",
        None,
    ),
    u(
        3401,
        "`migrations create` only: the stub generator, not the check of existing files",
        CLI_CREATE,
    ),
    u(
        3402,
        "`migrations create --name` only",
        Some("schema-compiler/src/migrations/plan.rs"),
    ),
    u(3403, "`migrations create` only", CLI_CREATE),
    u(3405, "`migrations create` only", CLI_CREATE),
    u(3406, "`migrations create` only", CLI_CREATE),
    u(
        3501,
        "the witnesses are compared with the stored snapshots by `migrations check`, not by the project analysis",
        Some("schema-compiler/src/migrations/reader/tests.rs"),
    ),
    u(
        3602,
        "CLI-only: `jazz migrations check` judges the committed snapshot chain, which the project analysis does not read (JZ3601 shows in a CLI snapshot)",
        CLI_MIGRATIONS,
    ),
    u(
        3603,
        "CLI-only: `jazz migrations check` (see JZ3602)",
        CLI_MIGRATIONS,
    ),
    u(
        3604,
        "CLI-only: `jazz migrations check` (see JZ3602)",
        CLI_MIGRATIONS,
    ),
    u(
        3605,
        "CLI-only: `jazz migrations check` (see JZ3602)",
        CLI_MIGRATIONS,
    ),
    u(
        9001,
        "only when SWC panics on malformed input, which its debug assertions do in debug builds only; replayed by the fuzz regressions",
        Some("schema-compiler/src/syntax/mod.rs"),
    ),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files under `dir` whose name ends with `suffix`, outside build output, dependencies
/// and hidden folders.
fn files_ending(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                files_ending(&p, suffix, out);
            }
        } else if name.ends_with(suffix) {
            out.push(p);
        }
    }
}

/// The `JZxxxx` codes written in a text (in either case, as in a test named `..._jz2005`).
fn codes_in(text: &str) -> BTreeSet<Code> {
    let text = text.to_ascii_uppercase();
    let mut found = BTreeSet::new();
    let mut rest = text.as_str();
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
    files_ending(&workspace(), ".snap", &mut files);
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
    let found = codes_in("error[JZ2201]: x JZ12 JZ30011 (JZ0104) fn is_jz2005()");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec![Code(104), Code(2005), Code(2201)]
    );
}

/// `Diagnostic::new` and `recode` read the severity from the registry; nothing else may set
/// it, or a code's registered severity would stop being the one users see.
#[test]
fn severity_is_set_only_from_the_registry() {
    let own = Path::new("schema-compiler/src/diagnostics/mod.rs");
    let mut files = Vec::new();
    for krate in ["schema-compiler", "cli", "lsp", "engine", "bench"] {
        files_ending(&workspace().join(krate).join("src"), ".rs", &mut files);
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    let mut offenders = Vec::new();
    for f in files {
        if f.ends_with(own) {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let l = line.replace(' ', "");
            let assigns = l
                .match_indices(".severity=")
                .any(|(at, m)| l.as_bytes().get(at + m.len()) != Some(&b'='));
            if assigns || l.contains("with_severity(") {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "severity set outside the registry:\n{}",
        offenders.join("\n")
    );
}
