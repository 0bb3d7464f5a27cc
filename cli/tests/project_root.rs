//! Where a project is (issue 11, items 1 and 7): project discovery walks up from the cwd to the
//! first folder holding `schema.ts`, `src/schema.ts` or `src/lib/schema.ts` (stopping at a
//! `.git`), and the migrations directory defaults to `<project root>/migrations` in every
//! command, whatever the cwd.

mod support;

use std::fs;
use std::path::Path;

use support::{jazz, project, redact, run};

const V1: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string() }) };\nexport const app = s.defineApp(schema);\n";

fn snapshots(dir: &Path) -> usize {
    fs::read_dir(dir.join("snapshots")).map_or(0, |d| d.count())
}

#[test]
fn migrations_dir_is_under_the_project_root_not_the_cwd() {
    let tmp = project(&[("app/schema.ts", V1), (".git/HEAD", "")]);
    let root = tmp.path();
    let r = run(jazz(root).args(["migrations", "create", "--schema-dir", "app"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(snapshots(&root.join("app/migrations")), 1);
    assert!(!root.join("migrations").exists());

    for args in [
        &["migrations", "check", "--schema-dir", "app"][..],
        &["validate", "--schema-dir", "app"],
        &["schema", "diff", "--schema-dir", "app"],
    ] {
        let r = run(jazz(root).args(args));
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    // `schema export` writes into the same place, and no longer needs a note saying so.
    let r = run(jazz(root).args(["schema", "export", "--schema-dir", "app"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("writing snapshots to"), "{}", r.stderr);
    assert_eq!(snapshots(&root.join("app/migrations")), 1);
}

#[test]
fn migrations_check_finds_the_example_apps_snapshots_from_the_repository_root() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/todo");
    let tmp = tempfile::tempdir().expect("temp dir");
    let app = tmp.path().join("examples/todo");
    fs::create_dir_all(&app).expect("mkdir");
    for file in ["schema.ts", "permissions.ts"] {
        fs::copy(example.join(file), app.join(file)).expect("copy");
    }
    let r = run(jazz(&app).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jazz(tmp.path()).args(["migrations", "check", "--schema-dir", "examples/todo"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !r.stderr.contains("No committed snapshot found"),
        "{}",
        r.stderr
    );
}

#[test]
fn commands_run_from_a_subdirectory_find_the_project_above() {
    let tmp = project(&[
        ("schema.ts", V1),
        ("src/components/Todo.tsx", ""),
        (".git/HEAD", ""),
    ]);
    let root = tmp.path();
    let sub = root.join("src/components");
    let r = run(jazz(&sub).args(["validate"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jazz(&sub).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(snapshots(&root.join("migrations")), 1);
    assert!(!sub.join("migrations").exists());
    assert_eq!(run(jazz(&sub).args(["migrations", "check"])).code, 0);
}

#[test]
fn a_src_layout_has_its_root_above_src() {
    for schema in ["src/schema.ts", "src/lib/schema.ts"] {
        let tmp = project(&[(schema, V1), ("src/lib/ui/x.ts", ""), (".git/HEAD", "")]);
        let root = tmp.path();
        let r = run(jazz(&root.join("src/lib/ui")).args(["migrations", "create"]));
        assert_eq!(r.code, 0, "{schema}: {}", r.stderr);
        assert_eq!(snapshots(&root.join("migrations")), 1, "{schema}");
        assert!(!root.join("src/migrations").exists(), "{schema}");
    }
}

#[test]
fn discovery_stops_at_the_git_root_and_says_so_once_with_help() {
    let tmp = project(&[("schema.ts", V1), ("repo/.git/HEAD", "")]);
    let repo = tmp.path().join("repo");
    let sub = repo.join("a/b");
    fs::create_dir_all(&sub).expect("mkdir");
    let r = run(jazz(&sub).args(["validate", "--color=never"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let stderr = redact(&r.stderr, tmp.path());
    assert_eq!(stderr.matches("JZ1001").count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("Schema file not found").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("help: run jazz in your app's folder"),
        "{stderr}"
    );
    assert!(stderr.contains("[ROOT]/repo/a/b/schema.ts"), "{stderr}");
    // Every folder searched is named, and none above the repository.
    let r = run(jazz(&sub).args(["validate", "--format=json"]));
    let v = support::envelope(&redact(&r.stdout, tmp.path()), "validate", 1);
    assert_eq!(
        v["diagnostics"][0]["notes"],
        serde_json::json!([
            "also searched the folders above, up to the repository or filesystem root: [ROOT]/repo/a, [ROOT]/repo"
        ]),
        "{v}"
    );
}

#[test]
fn help_texts_agree_on_the_migrations_default() {
    for args in [
        &["validate", "--help"][..],
        &["migrations", "create", "--help"],
        &["migrations", "check", "--help"],
        &["migrations", "push", "--help"],
        &["schema", "diff", "--help"],
        &["schema", "export", "--help"],
        &["deploy", "--help"],
    ] {
        let r = run(jazz(Path::new(".")).args(args));
        assert_eq!(r.code, 0, "{args:?}");
        assert!(
            r.stdout.contains("[default: <project root>/migrations]"),
            "{args:?}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("./migrations"), "{args:?}");
    }
}
