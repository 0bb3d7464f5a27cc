//! `--format github` and `--format sarif` on the real binary: `validate`, `migrations check`
//! and `permissions test` on an app with errors and warnings, run from the folder above it so
//! paths show relative to the working directory. Outputs are snapshotted (review a diff as a
//! change to what CI users see), every SARIF log is validated against the SARIF 2.1.0 JSON
//! schema (`tests/fixtures/sarif-schema-2.1.0.json`), and exit codes match text mode.

mod support;

use std::path::Path;

use support::{jazz, redact, run};
use tempfile::TempDir;

/// The app with errors (unknown columns) and warnings (missing policies), under `web/`.
fn app() -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let from = support::fixtures().join("errors/perm-unknown-column");
    let to = tmp.path().join("web");
    std::fs::create_dir_all(&to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("fixture") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    tmp
}

/// A valid project whose policy tests fail, under `web/`.
fn failing_tests() -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let init = run(jazz(tmp.path()).args(["init", "--dir", "web"]));
    assert_eq!(init.code, 0, "{}", init.stderr);
    let tests = tmp.path().join("web/permissions.test.toml");
    let text = std::fs::read_to_string(&tests).expect("read tests");
    // The second expectation now claims bob sees alice's todo; a fifth names no known session.
    let text = text.replacen("rows = []", "rows = [\"@milk\"]", 1)
        + "\n[[expect]]\nas = \"carol\"\nread = \"todos\"\nrows = []\n";
    std::fs::write(&tests, text).expect("write tests");
    tmp
}

fn jazz_run(dir: &Path, args: &[&str]) -> support::Run {
    run(jazz(dir).args(args))
}

fn shown(r: &support::Run, root: &Path) -> String {
    format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        r.code,
        redact(&r.stdout, root),
        redact(&r.stderr, root)
    )
}

/// What the SARIF 2.1.0 schema says is wrong with `log`.
fn schema_errors(log: &serde_json::Value) -> Vec<String> {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json"))
            .expect("schema is JSON");
    // The `language` patterns (of `run` and `toolComponent`) have a lone `]`, a literal in
    // ECMA-262 regexes but a syntax error for the validator's meta-schema check: escape it,
    // which means the same.
    let fixed = escape_lone_bracket(&mut schema);
    assert_eq!(fixed, 2, "the schema file changed; revisit this workaround");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Checks a SARIF log against the schema and returns it, with the tool version redacted.
fn sarif(stdout: &str) -> serde_json::Value {
    let mut log: serde_json::Value = serde_json::from_str(stdout).expect("stdout is one JSON log");
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{stdout}",
        errors.join("\n")
    );
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "jazz");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[VERSION]".into();
    driver["semanticVersion"] = "[VERSION]".into();
    log
}

/// Rewrites the known `language` pattern; returns how many it rewrote.
fn escape_lone_bracket(v: &mut serde_json::Value) -> usize {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::Object(map) => map
            .iter_mut()
            .map(|(k, v)| {
                if k == "pattern" && v == BROKEN {
                    *v = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$".into();
                    1
                } else {
                    escape_lone_bracket(v)
                }
            })
            .sum(),
        serde_json::Value::Array(items) => items.iter_mut().map(escape_lone_bracket).sum(),
        _ => 0,
    }
}

#[test]
fn validate_github() {
    let tmp = app();
    let text = jazz_run(tmp.path(), &["validate", "--schema-dir", "web"]);
    let r = jazz_run(
        tmp.path(),
        &["validate", "--schema-dir", "web", "--format", "github"],
    );
    insta::assert_snapshot!(shown(&r, tmp.path()));
    assert_eq!(r.code, text.code);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(
            "::error file=web/permissions.ts,line=6,col=34,endLine=6,endColumn=37,title=JZ2302::unknown column `dne` on table `tasks`"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("%0Ahelp: did you mean `done`?"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("::warning file=web/permissions.ts,"),
        "{}",
        r.stdout
    );
    // Every diagnostic is one workflow command line; nothing of miette's report remains.
    assert!(
        r.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        r.stdout
    );
}

#[test]
fn validate_sarif() {
    let tmp = app();
    let r = jazz_run(
        tmp.path(),
        &["validate", "--schema-dir", "web", "--format", "sarif"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr, "",
        "stdout carries the log and nothing else goes out"
    );
    let log = sarif(&r.stdout);
    insta::assert_json_snapshot!(log);
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["JZ2101", "JZ2302"],
        "one rule per code, in order of first use"
    );
    let explain = run(jazz(tmp.path()).args(["explain", "JZ2302", "--format", "json"]));
    let docs = support::json(&explain.stdout)["result"]["docs"].clone();
    assert_eq!(rules[1]["fullDescription"]["text"], docs);
    assert_eq!(rules[1]["help"]["text"], docs);
    let results = run0["results"].as_array().expect("results");
    // Two errors and one missing-policy warning per table (three tables).
    assert_eq!(results.len(), 5);
    let dne = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|m| m.contains("`dne`"))
        })
        .expect("the dne error");
    assert_eq!(dne["level"], "error");
    assert_eq!(dne["ruleIndex"], 1);
    assert_eq!(
        dne["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": { "uri": "web/permissions.ts" },
            "region": { "startLine": 6, "startColumn": 34, "endLine": 6, "endColumn": 37 }
        })
    );
}

#[test]
fn migrations_check_github_and_sarif() {
    // A valid project with a warning (no delete policy) and no snapshot yet.
    let tmp = failing_tests();
    let perms = tmp.path().join("web/permissions.ts");
    let text = std::fs::read_to_string(&perms).expect("read");
    let text: String = text
        .lines()
        .filter(|l| !l.contains("allowDelete"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&perms, text).expect("write");
    let args = ["migrations", "check", "--schema-dir", "web"];
    let text = jazz_run(tmp.path(), &args);
    let gh = jazz_run(tmp.path(), &[&args[..], &["--format", "github"]].concat());
    insta::assert_snapshot!("migrations_check_github", shown(&gh, tmp.path()));
    assert_eq!(gh.code, text.code);
    assert_eq!(gh.code, 1);
    assert!(
        gh.stdout.contains("::warning file=web/permissions.ts,"),
        "{}",
        gh.stdout
    );
    assert!(
        gh.stdout.contains(
            "::error title=JZ3601::No committed snapshot found. Run `jazz migrations create`"
        ),
        "{}",
        gh.stdout
    );
    let s = jazz_run(tmp.path(), &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(s.code, text.code);
    let log = sarif(&s.stdout);
    insta::assert_json_snapshot!("migrations_check_sarif", log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["exitCode"], 1);
    // The chain finding is a coded result (a rule code scanning can group), not a note about
    // the tool's own run.
    assert!(
        invocation.get("toolExecutionNotifications").is_none(),
        "{invocation}"
    );
    let results = log["runs"][0]["results"].as_array().expect("results");
    let chain = results
        .iter()
        .find(|r| r["ruleId"] == "JZ3601")
        .expect("a JZ3601 result");
    assert_eq!(chain["level"], "error");
    assert!(chain.get("locations").is_none(), "{chain}");
}

#[test]
fn permissions_test_github_and_sarif() {
    let tmp = failing_tests();
    let args = ["permissions", "test", "--schema-dir", "web"];
    let text = jazz_run(tmp.path(), &args);
    assert_eq!(text.code, 1, "{}", text.stdout);
    assert!(!text.stdout.contains("::"), "text mode is unchanged");
    let gh = jazz_run(tmp.path(), &[&args[..], &["--format", "github"]].concat());
    insta::assert_snapshot!("permissions_test_github", shown(&gh, tmp.path()));
    assert_eq!(gh.code, 1);
    // The failure points at the expectation's name, the malformed one at its header.
    assert!(
        gh.stdout.contains(
            "::error file=web/permissions.test.toml,line=24,col=8,endLine=24,endColumn=42,title=JZ2507::policy test \"nobody sees someone else's todos\" failed%0Anote: visible rows: []"
        ),
        "{}",
        gh.stdout
    );
    assert!(
        gh.stdout.contains(
            "::error file=web/permissions.test.toml,line=45,col=1,endLine=45,endColumn=11,title=JZ2504::expectation 5: unknown session `carol`"
        ),
        "{}",
        gh.stdout
    );
    let s = jazz_run(tmp.path(), &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(s.code, 1);
    let log = sarif(&s.stdout);
    insta::assert_json_snapshot!("permissions_test_sarif", log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
}

#[test]
fn passing_runs_exit_0_with_an_empty_sarif_log() {
    let tmp = tempfile::tempdir().expect("temp dir");
    assert_eq!(jazz_run(tmp.path(), &["init"]).code, 0);
    for args in [
        &["validate", "--format", "sarif"][..],
        &["permissions", "test", "--format", "sarif"][..],
    ] {
        let r = jazz_run(tmp.path(), args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stdout);
        let log = sarif(&r.stdout);
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }
    let gh = jazz_run(tmp.path(), &["validate", "--format", "github"]);
    assert_eq!(gh.code, 0);
    assert!(!gh.stdout.contains("::"), "{}", gh.stdout);
    assert!(
        gh.stdout.contains("Validated 1 table in schema.ts."),
        "{}",
        gh.stdout
    );
}

#[test]
fn an_unreadable_test_file_is_jz2501_in_both_formats() {
    let tmp = failing_tests();
    let args = ["permissions", "test", "--schema-dir", "web", "missing.toml"];
    let gh = jazz_run(tmp.path(), &[&args[..], &["--format", "github"]].concat());
    assert_eq!(gh.code, 1);
    assert!(
        gh.stdout
            .lines()
            .any(|l| l.starts_with("::error title=JZ2501::cannot read ")
                && l.contains("missing.toml")),
        "{}",
        gh.stdout
    );
    let s = jazz_run(tmp.path(), &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(s.code, 1);
    let log = sarif(&s.stdout);
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "JZ2501");
    assert!(log["runs"][0]["results"][0].get("locations").is_none());
}

#[test]
fn the_schema_check_rejects_what_sarif_does_not_allow() {
    let tmp = app();
    let r = jazz_run(
        tmp.path(),
        &["validate", "--schema-dir", "web", "--format", "sarif"],
    );
    let mut log: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(schema_errors(&log), Vec::<String>::new());
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert_eq!(schema_errors(&log).len(), 2, "{:?}", schema_errors(&log));
}

#[test]
fn other_commands_reject_the_ci_formats() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for format in ["github", "sarif"] {
        let r = jazz_run(tmp.path(), &["schema", "hash", "--format", format]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "--format {format} is only supported by validate, migrations check and permissions test"
            )),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
}
