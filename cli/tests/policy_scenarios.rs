//! Permissions conformance scenarios: small apps under
//! `tests/fixtures/policy-scenarios/`, ported from upstream's policies integration tests, each
//! with a `permissions.test.toml` run by `jazz permissions test` on the real binary.

mod support;

use std::fs;

use support::{copy_app, fixtures, jazz, run};

/// Every scenario app; each must pass all of its cases.
const SCENARIOS: [&str; 9] = [
    "ownership",
    "claims",
    "provenance",
    "exists",
    "inherits",
    "recursive",
    "referencing",
    "relations",
    "complex",
];

/// The number of `[[expect]]` cases in a test file.
fn cases(toml: &str) -> usize {
    toml.lines().filter(|l| l.trim() == "[[expect]]").count()
}

#[test]
fn every_scenario_passes_all_its_cases() {
    for name in SCENARIOS {
        let app = format!("policy-scenarios/{name}");
        let file = fs::read_to_string(fixtures().join(&app).join("permissions.test.toml"))
            .expect("scenario test file");
        let n = cases(&file);
        assert!(n >= 10, "{name}: only {n} cases");
        let tmp = copy_app(&app);
        let r = run(jazz(tmp.path()).args(["permissions", "test"]));
        assert_eq!(r.code, 0, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains('✗'), "{name}: {}", r.stdout);
        assert_eq!(
            r.stdout.trim_end().lines().last(),
            Some(format!("{n} passed, 0 failed").as_str()),
            "{name}: {}",
            r.stdout
        );
        assert_eq!(r.stdout.matches("  ✓ ").count(), n, "{name}: {}", r.stdout);
    }
}

#[test]
fn wrong_expectations_report_expected_and_actual() {
    let tmp = copy_app("policy-scenarios/ownership");
    let wrong = fixtures().join("policy-scenarios/wrong-expectations.toml");
    fs::copy(&wrong, tmp.path().join("wrong.toml")).expect("copy wrong expectations");
    let r = run(jazz(tmp.path()).args(["permissions", "test", "wrong.toml"]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let out = &r.stdout;
    assert!(
        out.contains("  ✓ right: alice reads her document\n"),
        "{out}"
    );
    let block = |name: &str| -> Vec<&str> {
        let head = format!("  ✗ {name}");
        let mut lines = out.lines().skip_while(|l| *l != head);
        assert!(lines.next().is_some(), "no failure line for {name}: {out}");
        lines.take_while(|l| l.starts_with("      ")).collect()
    };
    let read = block("wrong: bob reads alice's document");
    assert_eq!(read.len(), 5, "{read:?}");
    assert_eq!(read[0].trim(), "visible rows: []");
    assert!(
        read[1].trim().starts_with("expected rows: [@alice-doc (") && read[1].ends_with(")]"),
        "{read:?}"
    );
    // The trace: per row on the wrong side, the deciding slot and the first false leaf.
    assert!(
        read[2].starts_with("      @alice-doc (") && read[2].ends_with("): hidden"),
        "{read:?}"
    );
    assert_eq!(
        &read[3..],
        [
            "        slot: select.using",
            "        first false leaf: @0013 cmp.eq owner_id session.user_id (owner_id = \"alice\", session.user_id = \"bob\")",
        ]
    );
    assert_eq!(
        block("wrong: bob edits alice's document"),
        [
            "      decision: denied (ClauseFalse(UpdateUsing), reason `policy`); expected allowed = true",
            "      slot: update.using",
            "      first false leaf: @0037 cmp.eq owner_id session.user_id (owner_id = \"alice\", session.user_id = \"bob\")",
        ]
    );
    assert_eq!(
        block("wrong: the denial is a missing policy"),
        [
            "      decision: denied (ClauseFalse(InsertCheck), reason `policy`); expected allowed = false, reason = no-policy",
            "      slot: insert.with_check",
            "      first false leaf: @0025 cmp.eq owner_id session.user_id (owner_id = \"alice\", session.user_id = \"bob\")",
        ]
    );
    // An unexpected allow: the granting rule's `file:line:col` from the bytecode debug section.
    assert_eq!(
        block("wrong: alice may not edit her own document"),
        [
            "      decision: allowed (Granted(UpdateCheck)); expected allowed = false",
            "      slot: update.with_check",
            "      granted by permissions.ts:9:3: policy.documents.allowUpdate.where({ owner_id: session.user_id });",
        ]
    );
    assert_eq!(
        out.trim_end().lines().last(),
        Some("1 passed, 4 failed"),
        "{out}"
    );
    // `--format json` carries the same trace, structured.
    let r = run(jazz(tmp.path()).args(["--format", "json", "permissions", "test", "wrong.toml"]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("json output");
    let results = &j["result"]["results"];
    assert_eq!(
        results[2]["trace"][0],
        serde_json::json!({
            "slot": "update.using",
            "first_false_leaf": {
                "pc": 37,
                "instruction": "cmp.eq owner_id session.user_id",
                "values": {"owner_id": "\"alice\"", "session.user_id": "\"bob\""}
            }
        })
    );
    assert_eq!(
        results[4]["trace"][0],
        serde_json::json!({
            "slot": "update.with_check",
            "granted_by": {
                "location": "permissions.ts:9:3",
                "source": "policy.documents.allowUpdate.where({ owner_id: session.user_id });"
            }
        })
    );
}
