//! `jazz init` on the real binary: the starter project passes `validate` (without warnings)
//! and `permissions test`, existing files are kept, the layout decides where schema.ts goes,
//! and a second `jazz init` refuses and changes nothing.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use support::{envelope, jazz, redact, run};

/// Every file under `dir` (relative path, contents), folders as `path/` with no contents.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).expect("list") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                out.insert(format!("{rel}/"), String::new());
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read_to_string(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn starter_project_validates_and_its_policy_tests_pass() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(tmp.path()).arg("init"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(format!(
        "--- stdout\n{}--- stderr\n{}",
        redact(&r.stdout, tmp.path()),
        redact(&r.stderr, tmp.path())
    ));
    let files: Vec<String> = tree(tmp.path()).into_keys().collect();
    assert_eq!(
        files,
        [
            "migrations/",
            "permissions.test.toml",
            "permissions.ts",
            "schema.ts"
        ]
    );

    let v = run(jazz(tmp.path()).args(["validate", "--deny-warnings"]));
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert_eq!(v.stderr, "", "no warnings");
    assert!(
        v.stdout.contains("Validated 1 table in schema.ts."),
        "{}",
        v.stdout
    );

    let t = run(jazz(tmp.path()).args(["permissions", "test"]));
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    assert!(t.stdout.ends_with("4 passed, 0 failed\n"), "{}", t.stdout);
}

#[test]
fn a_second_init_refuses_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    assert_eq!(run(jazz(tmp.path()).arg("init")).code, 0);
    // A user edit, and a file init would create, removed: neither may change.
    fs::write(tmp.path().join("schema.ts"), "// mine\n").expect("write");
    fs::remove_file(tmp.path().join("permissions.test.toml")).expect("remove");
    let before = tree(tmp.path());
    let r = run(jazz(tmp.path()).arg("init"));
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: schema.ts already exists; jazz init only starts a new project and changed nothing\nhint: run `jazz validate` to check the existing project\n"
    );
    assert_eq!(tree(tmp.path()), before);

    let j = run(jazz(tmp.path()).args(["init", "--format", "json"]));
    assert_eq!(j.code, 1);
    let v = envelope(&j.stdout, "init", 1);
    assert_eq!(v["result"]["files"], serde_json::json!([]));
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_schema_in_src_or_src_lib_also_refuses() {
    for place in ["src/schema.ts", "src/lib/schema.ts"] {
        let tmp = support::project(&[(place, "// mine\n")]);
        let before = tree(tmp.path());
        let r = run(jazz(tmp.path()).arg("init"));
        assert_eq!(r.code, 1, "{place}");
        assert!(
            r.stderr.contains(&format!("error: {place} already exists")),
            "{}",
            r.stderr
        );
        assert_eq!(tree(tmp.path()), before, "{place}");
    }
}

#[test]
fn existing_files_are_kept_and_reported() {
    let mine = "// my own permissions\n";
    let tmp = support::project(&[("permissions.ts", mine)]);
    let r = run(jazz(tmp.path()).arg("init"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "created schema.ts\nkept    permissions.ts (it already exists)\ncreated permissions.test.toml\ncreated migrations/\n"
    ), "{}", r.stdout);
    assert_eq!(
        fs::read_to_string(tmp.path().join("permissions.ts")).expect("read"),
        mine
    );
    let j = run(jazz(tmp.path()).args(["init", "--format", "json", "--dir", "other"]));
    let v = envelope(&j.stdout, "init", 0);
    assert_eq!(
        v["result"]["files"][0],
        serde_json::json!({ "path": "other/schema.ts", "status": "created" })
    );
}

#[test]
fn the_schema_goes_in_src_when_the_project_has_one() {
    let tmp = support::project(&[("src/main.ts", "export {};\n")]);
    let r = run(jazz(tmp.path()).arg("init"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<String> = tree(tmp.path()).into_keys().collect();
    assert_eq!(
        files,
        [
            "migrations/",
            "src/",
            "src/main.ts",
            "src/permissions.test.toml",
            "src/permissions.ts",
            "src/schema.ts"
        ]
    );
    // Run from the project root and from inside src/: both find the new project.
    for cwd in [tmp.path().to_path_buf(), tmp.path().join("src")] {
        let v = run(jazz(&cwd).args(["validate", "--deny-warnings"]));
        assert_eq!(v.code, 0, "{}", v.stderr);
        let t = run(jazz(&cwd).args(["permissions", "test"]));
        assert_eq!(t.code, 0, "{}", t.stdout);
    }
}

#[test]
fn dir_sets_up_another_folder_and_creates_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(tmp.path()).args(["init", "--dir", "apps/web"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("created apps/web/schema.ts\n"),
        "{}",
        r.stdout
    );
    let v = run(jazz(tmp.path()).args(["validate", "--schema-dir", "apps/web"]));
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert!(tmp.path().join("apps/web/migrations").is_dir());
}
