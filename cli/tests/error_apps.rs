//! The error apps of `tests/fixtures/errors/` (schema side): `jazz validate --color=never`
//! exactly as users see it, snapshotted before the code is checked, so a failing run still
//! leaves its output to review. Reviewing a snapshot diff is reviewing the UX.

mod support;

use support::{copy_app, jazz, redact, run};

fn validate(app: &str) -> String {
    let tmp = copy_app(&format!("errors/{app}"));
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{app} must be rejected:\n{}", r.stderr);
    assert!(!r.stderr.contains('\x1b'), "{}", r.stderr);
    format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        r.code,
        redact(&r.stdout, tmp.path()),
        redact(&r.stderr, tmp.path())
    )
}

#[test]
fn counter_optional() {
    let out = validate("counter-optional");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ1040"), "{out}");
}

#[test]
fn dollar_column() {
    let out = validate("dollar-column");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ1010"), "{out}");
}

#[test]
fn dynamic_construct() {
    let out = validate("dynamic-construct");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ0103") || out.contains("JZ0101"), "{out}");
}

#[test]
fn enum_duplicate() {
    let out = validate("enum-duplicate");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ1022"), "{out}");
}

#[test]
fn unknown_ref_target() {
    let out = validate("unknown-ref-target");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ1016"), "{out}");
    assert!(
        out.contains("projects"),
        "the help suggests the intended table: {out}"
    );
}

#[test]
fn json_diagnostics_carry_positions_and_upstream_text() {
    let tmp = copy_app("errors/unknown-ref-target");
    let r = run(jazz(tmp.path()).args(["validate", "--format=json", "--color=always"]));
    assert_eq!(r.code, 1);
    let v = support::envelope(&r.stdout, "validate", 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "JZ1016");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "schema.ts");
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({ "line": 7, "column": 22 })
    );
    assert_eq!(
        d["range"]["end"],
        serde_json::json!({ "line": 7, "column": 31 })
    );
    let [start, end] =
        [&d["byte_range"][0], &d["byte_range"][1]].map(|n| n.as_u64().expect("offset"));
    assert_eq!(end - start, "\"project\"".len() as u64);
    assert!(
        d["help"].as_str().is_some_and(|h| h.contains("projects")),
        "{d}"
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 1, "warnings": 0 })
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);

    let tmp = copy_app("errors/dollar-column");
    let r = run(jazz(tmp.path()).args(["validate", "--format=json"]));
    let v = support::envelope(&r.stdout, "validate", 1);
    assert_eq!(
        v["diagnostics"][0]["upstream_message"],
        "Column name \"$owner\" is reserved for magic columns. Names starting with \"$\" are reserved for system fields."
    );
}

#[test]
fn perm_unknown_table() {
    let out = validate("perm-unknown-table");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ2301"), "{out}");
    assert!(out.contains("permissions.ts:6:10"), "{out}");
}

#[test]
fn perm_unknown_column() {
    let out = validate("perm-unknown-column");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ2302"), "{out}");
    assert!(out.contains("unknown column `ownerId`"), "{out}");
    assert!(out.contains("did you mean `done`?"), "{out}");
}

#[test]
fn perm_allowedto_not_ref() {
    let out = validate("perm-allowedto-not-ref");
    insta::assert_snapshot!(out);
    assert!(out.contains("JZ2213"), "{out}");
    assert!(out.contains("permissions.ts:6:47"), "{out}");
}

#[test]
fn duplicate_table() {
    let out = validate("duplicate-table");
    insta::assert_snapshot!(out);
    assert_eq!(out.matches("\nJZ1086\n").count(), 2, "{out}");
    assert!(
        out.contains("table `todos` is defined twice")
            && out.contains("column `title` of table `todos` is defined twice"),
        "{out}"
    );
    // The follow-on errors are real (the later `todos` has no `projectId`), but each names the
    // method called and points at the discarded definition.
    assert_eq!(
        out.matches("× allowedTo.read(\"projectId\")").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("an earlier `todos`, discarded").count(),
        4,
        "{out}"
    );
}
