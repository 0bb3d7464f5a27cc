//! `jazz validate` (cli-and-server.md §1.9.1) on the fixture apps.

mod support;

use std::fs;
use std::path::Path;

use support::{APPS, copy_app, envelope, expected, expected_hash, jazz, project, redact, run};

/// Tables in an app's expected WasmSchema JSON.
fn table_count(app: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(&expected(app, "schema.json")).expect("json");
    v.as_object().map(serde_json::Map::len).expect("an object")
}

/// Where an app's schema.ts lives inside it.
fn schema_dir(app: &str) -> &'static str {
    if app == "sveltekit-layout" {
        "[ROOT]/src/lib"
    } else {
        "[ROOT]"
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("list") {
        let entry = entry.expect("entry");
        out.push(entry.file_name().to_string_lossy().into_owned());
        if entry.path().is_dir() {
            out.extend(
                listing(&entry.path())
                    .into_iter()
                    .map(|n| format!("{}/{n}", entry.file_name().to_string_lossy())),
            );
        }
    }
    out.sort();
    out
}

#[test]
fn fixture_apps_validate_with_upstream_lines() {
    for app in APPS {
        let tmp = copy_app(app);
        let before = listing(tmp.path());
        let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
        assert_eq!(r.code, 0, "{app}: {}", r.stderr);
        let n = table_count(app);
        let dir = schema_dir(app);
        let expected = format!(
            "Loaded structural schema from {dir}/schema.ts.\n\
             Loaded current permissions from {dir}/permissions.ts.\n\
             Permission-only changes do not create schema hashes or require migrations.\n\
             Use `jazz permissions status <appId>` or `jazz deploy <appId>` for auth publication.\n\
             Validated {n} {} in schema.ts.\n",
            if n == 1 { "table" } else { "tables" }
        );
        assert_eq!(redact(&r.stdout, tmp.path()), expected, "{app}");
        assert!(!r.stderr.contains("error"), "{app}: {}", r.stderr);
        assert_eq!(
            listing(tmp.path()),
            before,
            "{app}: validate must write nothing"
        );
    }
}

#[test]
fn without_permissions_only_the_schema_lines() {
    let tmp = project(&[(
        "schema.ts",
        &fs::read_to_string(support::fixtures().join("todo-minimal/schema.ts")).expect("read"),
    )]);
    let r = run(jazz(tmp.path()).arg("validate"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        redact(&r.stdout, tmp.path()),
        "Loaded structural schema from [ROOT]/schema.ts.\nValidated 1 table in schema.ts.\n"
    );
}

#[test]
fn quiet_keeps_only_the_result_line() {
    let tmp = copy_app("projects-tasks");
    let r = run(jazz(tmp.path()).args(["validate", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "Validated {} tables in schema.ts.\n",
            table_count("projects-tasks")
        )
    );
}

#[test]
fn schema_dir_is_resolved_against_the_cwd() {
    let tmp = copy_app("split-files");
    let parent = tmp.path().parent().expect("parent");
    let name = tmp.path().file_name().expect("name");
    let r = run(jazz(parent).arg("validate").arg("--schema-dir").arg(name));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        redact(&r.stdout, tmp.path())
            .starts_with("Loaded structural schema from [ROOT]/schema.ts.\n")
    );
}

#[test]
fn json_result() {
    let tmp = copy_app("todo-minimal");
    let r = run(jazz(tmp.path()).args(["validate", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = envelope(&r.stdout, "validate", 0);
    let root = tmp.path().display().to_string();
    assert_eq!(
        v["result"],
        serde_json::json!({
            "schema_file": format!("{root}/schema.ts"),
            "permissions_file": format!("{root}/permissions.ts"),
            "tables": 1,
            "schema_hash": expected_hash("todo-minimal"),
        })
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 0, "warnings": 0 })
    );
}

#[test]
fn missing_schema_is_jz1001_with_the_upstream_line_first() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // A repository root: discovery searches no folder above it.
    std::fs::create_dir(tmp.path().join(".git")).expect("mkdir");
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let stderr = redact(&r.stderr, tmp.path());
    assert!(
        stderr.starts_with("Schema file not found. Jazz looks for schema.ts"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("Found 1 error(s) and 0 warning(s).\n"),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn missing_schema_in_json() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(tmp.path()).args(["validate", "--format=json"]));
    assert_eq!(r.code, 1);
    let v = envelope(&r.stdout, "validate", 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "JZ1001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], serde_json::Value::Null);
    assert!(
        d["upstream_message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Schema file not found.")),
        "{d}"
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 1, "warnings": 0 })
    );
    assert_eq!(v["result"], serde_json::Value::Null);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn ambiguous_schema_is_jz1002() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ t: s.table({ a: s.string() }) });\n";
    let tmp = project(&[("schema.ts", schema), ("src/schema.ts", schema)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1);
    let stderr = redact(&r.stderr, tmp.path());
    assert!(
        stderr.starts_with("Ambiguous schema location: found [ROOT]/schema.ts and [ROOT]/src/schema.ts. Delete all but one so the schema root is unambiguous.\n"),
        "{stderr}"
    );
    assert!(stderr.contains("JZ1002"), "{stderr}");
}

/// A column named `id` is a warning (JZ1012), not an error.
const ID_COLUMN: &str = "import { schema as s } from \"jazz-tools\";\n\nexport const app = s.defineApp({\n  notes: s.table({ id: s.string(), body: s.string() }),\n});\n";

#[test]
fn warnings_pass_unless_denied() {
    let tmp = project(&[("schema.ts", ID_COLUMN)]);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("JZ1012"), "{}", r.stderr);
    assert!(
        r.stdout.ends_with("Validated 1 table in schema.ts.\n"),
        "{}",
        r.stdout
    );

    for flag in [
        "--deny-warnings",
        "--deny-warnings=true",
        "--deny-warnings=1",
    ] {
        let r = run(jazz(tmp.path()).args(["validate", "--color=never", flag]));
        assert_eq!(r.code, 1, "{flag}: {}", r.stderr);
        assert!(
            r.stderr.ends_with("Found 0 error(s) and 1 warning(s).\n"),
            "{}",
            r.stderr
        );
    }
    let r = run(jazz(tmp.path()).args(["validate", "--deny-warnings=false"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn migration_flags_are_accepted() {
    let tmp = copy_app("todo-minimal");
    for args in [
        &["validate", "--no-migrations"][..],
        &["validate", "--migrations-dir", "elsewhere"],
        &["validate", "--migrations-dir=m", "--no-migrations=false"],
    ] {
        let r = run(jazz(tmp.path()).args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
}

/// An installed jazz-tools other than the reproduced release gets one JZ0113 warning from
/// `validate` (the schema is still valid and the exit code 0); the reproduced release none.
#[test]
fn another_installed_jazz_tools_is_warned_about_once() {
    let tmp = copy_app("todo-minimal");
    let pkg = tmp.path().join("node_modules/jazz-tools");
    fs::create_dir_all(&pkg).expect("mkdir");
    fs::write(
        pkg.join("package.json"),
        r#"{ "name": "jazz-tools", "version": "2.0.0-alpha.53" }"#,
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.matches("JZ0113").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("2.0.0-alpha.53"), "{}", r.stderr);

    fs::write(
        pkg.join("package.json"),
        r#"{ "name": "jazz-tools", "version": "2.0.0-alpha.50" }"#,
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("JZ0113"), "{}", r.stderr);
}
