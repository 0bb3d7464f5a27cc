//! `jazz explain <code>` and `jazz explain --list`.

mod support;

use jazz_schema_compiler::diagnostics::{Code, CodeInfo, all_codes};
use support::{envelope, jazz, run};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn known_code_in_every_spelling() {
    let dir = tmp();
    let info = Code(1016).info().expect("JZ1016 is registered");
    let expected = format!(
        "JZ1016: {}\n\nDefault severity: error\n\n{}\n",
        info.title, info.docs
    );
    for arg in ["JZ1016", "jz1016", "1016"] {
        let r = run(jazz(dir.path()).args(["explain", arg]));
        assert_eq!(r.code, 0, "{arg}: {}", r.stderr);
        assert_eq!(r.stdout, expected, "{arg}");
        assert!(r.stderr.is_empty());
    }
}

#[test]
fn snapshot_of_one_explanation() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["explain", "JZ1002"]));
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn unknown_code_exits_1() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["explain", "jz9999"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "error: unknown diagnostic code JZ9999; run jazz explain --list\n"
    );
}

#[test]
fn malformed_code_exits_1() {
    let dir = tmp();
    for arg in ["JZ12", "JZ10020", "hello", "😀😀", "JZ-123"] {
        let r = run(jazz(dir.path()).args(["explain", arg]));
        assert_eq!(r.code, 1, "{arg}");
        assert_eq!(r.stderr, format!("error: invalid diagnostic code {arg}\n"));
    }
}

#[test]
fn list_prints_every_registered_code() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["explain", "--list"]));
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let registry: Vec<&CodeInfo> = all_codes().collect();
    assert_eq!(lines.len(), registry.len());
    for (line, info) in lines.iter().zip(registry) {
        assert!(line.starts_with(&format!("{}  ", info.code)), "{line}");
        assert!(line.ends_with(info.title), "{line}");
    }
    assert!(
        r.stdout
            .contains("JZ0001  error    TypeScript syntax error\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_results() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["explain", "JZ1006", "--format", "json"]));
    let v = envelope(&r.stdout, "explain", 0);
    let info = Code(1006).info().expect("registered");
    assert_eq!(
        v["result"],
        serde_json::json!({ "code": "JZ1006", "title": info.title, "severity": "warning", "docs": info.docs })
    );

    let r = run(jazz(dir.path()).args(["--format=json", "explain", "--list"]));
    let v = envelope(&r.stdout, "explain", 0);
    let list = v["result"].as_array().expect("an array");
    assert_eq!(list.len(), all_codes().count());
    assert_eq!(list[0]["code"], "JZ0001");

    let r = run(jazz(dir.path()).args(["--format=json", "explain", "JZ9999"]));
    assert_eq!(r.code, 1);
    let v = envelope(&r.stdout, "explain", 1);
    assert_eq!(
        v["diagnostics"][0]["message"],
        "unknown diagnostic code JZ9999; run jazz explain --list"
    );
    assert_eq!(v["diagnostics"][0]["code"], serde_json::Value::Null);
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 1, "warnings": 0 })
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}
