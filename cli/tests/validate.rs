//! `jazz validate` on the fixture apps.

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

/// One table and a four-line permissions.ts that gives it no rule.
const NO_RULES: [(&str, &str); 2] = [
    (
        "schema.ts",
        "import { schema as s } from \"jazz-tools\";\n\nexport const app = s.defineApp({\n  todos: s.table({ title: s.string() }),\n});\n",
    ),
    (
        "permissions.ts",
        "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n});\n",
    ),
];

#[test]
fn a_table_without_policies_gets_one_short_warning() {
    let tmp = project(&NO_RULES);
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.matches("JZ2101").count(), 1, "{}", r.stderr);
    // Upstream's four warning lines stay (one per operation), then one frame.
    assert_eq!(r.stderr.matches("Warning: table \"todos\"").count(), 4);
    assert!(r.stderr.lines().count() <= 20, "{}", r.stderr);
    insta::assert_snapshot!(redact(&r.stderr, tmp.path()));
}

#[test]
fn a_table_without_policies_in_json_has_one_fix_for_all_operations() {
    let tmp = project(&NO_RULES);
    let r = run(jazz(tmp.path()).args(["validate", "--format=json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = envelope(&r.stdout, "validate", 0);
    let ds = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(ds.len(), 1, "{v}");
    let d = &ds[0];
    assert_eq!(d["code"], "JZ2101");
    assert_eq!(
        d["message"],
        "table \"todos\" has no policy for read, insert, update, delete"
    );
    assert_eq!(d["file"], "permissions.ts");
    let upstream = d["upstream_message"].as_str().expect("upstream text");
    let ops: Vec<&str> = upstream
        .lines()
        .map(|l| {
            l.strip_prefix("Warning: table \"todos\" has no explicit ")
                .and_then(|l| l.split(' ').next())
                .unwrap_or(l)
        })
        .collect();
    assert_eq!(ops, ["read", "insert", "update", "delete"]);
    let fixes = d["fixes"].as_array().expect("fixes");
    assert_eq!(fixes.len(), 1, "{d}");
    let edits = fixes[0]["edits"].as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{d}");
    assert_eq!(
        edits[0]["new_text"],
        "  policy.todos.allowRead.never();\n  policy.todos.allowInsert.never();\n  policy.todos.allowUpdate.never();\n  policy.todos.allowDelete.never();\n"
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 0, "warnings": 1 })
    );
}

#[test]
fn a_duplicate_table_key_is_a_warning_and_the_later_table_is_checked() {
    // The later `todos` keeps `projectId`, so the permissions compile against it.
    let schema = "import { schema as s } from \"jazz-tools\";\n\nexport const app = s.defineApp({\n  projects: s.table({ name: s.string() }),\n  todos: s.table({ title: s.string() }),\n  todos: s.table({ title: s.string(), projectId: s.ref(\"projects\") }),\n});\n";
    let perms = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy, allowedTo }) => {\n  policy.projects.allowRead.always();\n  policy.projects.allowInsert.always();\n  policy.projects.allowUpdate.always();\n  policy.projects.allowDelete.always();\n  policy.todos.allowRead.where(allowedTo.read(\"projectId\"));\n  policy.todos.allowInsert.where(allowedTo.update(\"projectId\"));\n  policy.todos.allowUpdate.where(allowedTo.update(\"projectId\"));\n  policy.todos.allowDelete.where(allowedTo.update(\"projectId\"));\n});\n";
    let tmp = project(&[("schema.ts", schema), ("permissions.ts", perms)]);
    let r = run(jazz(tmp.path()).args(["validate", "--format=json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = envelope(&r.stdout, "validate", 0);
    let ds = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(ds.len(), 1, "{v}");
    let d = &ds[0];
    assert_eq!(d["code"], "JZ1086");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"],
        "table `todos` is defined twice; the later definition wins, as in JavaScript"
    );
    // Primary on the later key, the label on the earlier one.
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({ "line": 6, "column": 3 })
    );
    let labels = d["labels"].as_array().expect("labels");
    assert_eq!(labels.len(), 1, "{d}");
    assert_eq!(
        labels[0]["range"]["start"],
        serde_json::json!({ "line": 5, "column": 3 })
    );
    // The hash is the one of the app written with the later table only.
    let only = schema.replace("  todos: s.table({ title: s.string() }),\n", "");
    let dedup = project(&[("schema.ts", &only), ("permissions.ts", perms)]);
    let hash = |dir: &Path| {
        let r = run(jazz(dir).args(["validate", "--format=json"]));
        envelope(&r.stdout, "validate", 0)["result"]["schema_hash"].clone()
    };
    assert_eq!(hash(tmp.path()), hash(dedup.path()));
    // With --deny-warnings it fails on the warning alone.
    let r = run(jazz(tmp.path()).args(["validate", "--deny-warnings", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("JZ1086") && !r.stderr.contains("JZ22"),
        "{}",
        r.stderr
    );
}

/// A project file that is not UTF-8 is JZ0002 at the import that reads it, not a crash.
#[test]
fn a_file_that_is_not_utf8_is_jz0002() {
    let tmp = project(&[(
        "schema.ts",
        "import { schema as s } from \"jazz-tools\";\nimport { cols } from \"./cols\";\nexport const app = s.defineApp({ t: s.table({ ...cols }) });\n",
    )]);
    fs::write(
        tmp.path().join("cols.ts"),
        b"export const cols = {};\n// \xff\n",
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stderr = redact(&r.stderr, tmp.path());
    assert!(
        stderr.contains("JZ0002") && stderr.contains("cannot read `[ROOT]/cols.ts`"),
        "{stderr}"
    );
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

#[test]
fn a_change_needing_a_migration_since_the_latest_snapshot_is_an_info() {
    let tmp = copy_app("todo-minimal");
    let dir = tmp.path();
    let create = || run(jazz(dir).args(["--no-env-file", "migrations", "create"]));
    let hash = || {
        let r = run(jazz(dir).args(["--no-env-file", "schema", "hash"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .find_map(|l| l.strip_prefix("Current schema hash: "))
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|| panic!("no hash in {}", r.stdout))
    };
    assert_eq!(create().code, 0);
    let h1 = hash();
    // Unchanged since the snapshot: nothing to say.
    let r = run(jazz(dir).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("JZ3504"), "{}", r.stderr);

    let schema = dir.join("schema.ts");
    let text = fs::read_to_string(&schema).expect("read");
    fs::write(
        &schema,
        text.replacen(
            "done: s.boolean(),",
            "done: s.boolean(),\n    priority: s.int(),",
            1,
        ),
    )
    .expect("write");
    let h2 = hash();
    let r = run(jazz(dir).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "an info: {}", r.stderr);
    assert!(r.stderr.contains("JZ3504"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{h1} -> {h2} needs a migration")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("jazz migrations create"), "{}", r.stderr);
    assert!(
        r.stdout.ends_with("Validated 1 table in schema.ts.\n"),
        "{}",
        r.stdout
    );
    // Infos do not count as warnings.
    let r = run(jazz(dir).args(["validate", "--deny-warnings"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jazz(dir).args(["validate", "--format", "json"]));
    let v = envelope(&r.stdout, "validate", 0);
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "JZ3504"))
        .unwrap_or_else(|| panic!("no JZ3504 in {v}"));
    assert_eq!(d["severity"], "info");
    assert!(
        d["file"].as_str().is_some_and(|f| f.ends_with("schema.ts")),
        "{d}"
    );
    // Not when the migrations are not checked.
    let r = run(jazz(dir).args(["validate", "--no-migrations", "--color=never"]));
    assert!(!r.stderr.contains("JZ3504"), "{}", r.stderr);

    // The stub written, the edge has its file: JZ3504 is gone (the stub's TODO is reported
    // in its own words).
    assert_eq!(create().code, 0);
    let r = run(jazz(dir).args(["validate", "--color=never"]));
    assert!(!r.stderr.contains("JZ3504"), "{}", r.stderr);
}
