//! `jazz schema hash` and `jazz schema export`.

mod support;

use std::fs;
use std::path::Path;

use support::{APPS, copy_app, envelope, expected, expected_hash, jazz, redact, run};

fn snapshot_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

#[test]
fn hash_prints_the_short_hash_of_every_app() {
    for app in APPS {
        let tmp = copy_app(app);
        let r = run(jazz(tmp.path()).args(["schema", "hash"]));
        assert_eq!(r.code, 0, "{app}: {}", r.stderr);
        let dir = if app == "sveltekit-layout" {
            "[ROOT]/src/lib"
        } else {
            "[ROOT]"
        };
        let full = expected_hash(app);
        assert_eq!(
            redact(&r.stdout, tmp.path()),
            format!(
                "Loaded structural schema from {dir}/schema.ts.\nCurrent schema hash: {}\n",
                &full[..12]
            ),
            "{app}"
        );
        assert!(
            snapshot_names(&tmp.path().join("migrations")).is_empty(),
            "hash writes nothing"
        );
    }
}

#[test]
fn hash_full_quiet_and_json() {
    let tmp = copy_app("workspace-roles");
    let full = expected_hash("workspace-roles");
    let r = run(jazz(tmp.path()).args(["schema", "hash", "--full", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("Current schema hash: {full}\n"));

    let r = run(jazz(tmp.path()).args(["schema", "hash", "--format=json"]));
    let v = envelope(&r.stdout, "schema hash", 0);
    assert_eq!(
        v["result"],
        serde_json::json!({
            "schema_file": format!("{}/schema.ts", tmp.path().display()),
            "hash": full,
            "short": &full[..12],
        })
    );
}

#[test]
fn hash_of_a_missing_project_fails() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(tmp.path()).args(["schema", "hash", "--color=never"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("JZ1001"), "{}", r.stderr);
}

#[test]
fn export_prints_upstream_bytes_and_writes_one_snapshot() {
    for app in APPS {
        let tmp = copy_app(app);
        let json = expected(app, "schema.json");
        let r = run(jazz(tmp.path()).args(["schema", "export"]));
        assert_eq!(r.code, 0, "{app}: {}", r.stderr);
        assert_eq!(r.stdout, json, "{app}: stdout must be the upstream bytes");
        assert!(r.stderr.is_empty(), "{app}: {}", r.stderr);

        let snapshots = tmp.path().join("migrations").join("snapshots");
        let name = format!("{}.json", &expected_hash(app)[..12]);
        assert_eq!(snapshot_names(&snapshots), vec![name.clone()], "{app}");
        assert_eq!(
            fs::read_to_string(snapshots.join(&name)).expect("snapshot"),
            json,
            "{app}"
        );

        let again = run(jazz(tmp.path()).args(["schema", "export"]));
        assert_eq!(again.code, 0, "{app}: {}", again.stderr);
        assert_eq!(again.stdout, json);
        assert_eq!(
            snapshot_names(&snapshots),
            vec![name],
            "{app}: the second run writes nothing"
        );
    }
}

#[test]
fn export_skips_the_write_when_a_committed_snapshot_has_the_hash() {
    let tmp = copy_app("todo-minimal");
    let snapshots = tmp.path().join("migrations").join("snapshots");
    fs::create_dir_all(&snapshots).expect("mkdir");
    let committed = format!(
        "20260101T000000-{}.json",
        &expected_hash("todo-minimal")[..12]
    );
    fs::write(
        snapshots.join(&committed),
        expected("todo-minimal", "schema.json"),
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["schema", "export"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(snapshot_names(&snapshots), vec![committed]);
}

#[test]
fn export_with_schema_dir_writes_under_the_root_like_every_command() {
    let tmp = copy_app("projects-tasks");
    let cwd = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(cwd.path())
        .args(["schema", "export", "--schema-dir"])
        .arg(tmp.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every command now uses <project root>/migrations, so there is nothing to point out.
    assert_eq!(redact(&r.stderr, tmp.path()), "");
    let snapshots = tmp.path().join("migrations").join("snapshots");
    assert_eq!(
        snapshot_names(&snapshots),
        vec![format!("{}.json", &expected_hash("projects-tasks")[..12])]
    );
    assert!(!cwd.path().join("migrations").exists());
}

#[test]
fn export_with_migrations_dir() {
    let tmp = copy_app("all-types");
    let r = run(jazz(tmp.path()).args(["schema", "export", "--migrations-dir=db/migrations"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let snapshots = tmp.path().join("db/migrations/snapshots");
    assert_eq!(
        snapshot_names(&snapshots),
        vec![format!("{}.json", &expected_hash("all-types")[..12])]
    );
}

#[test]
fn export_json_keeps_the_artefact_on_stdout() {
    let tmp = copy_app("split-files");
    let r = run(jazz(tmp.path()).args(["--format", "json", "schema", "export"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, expected("split-files", "schema.json"));
    let v = envelope(&r.stderr, "schema export", 0);
    let hash = expected_hash("split-files");
    let root = tmp.path().display();
    assert_eq!(v["result"]["hash"], hash.as_str());
    assert_eq!(v["result"]["schema_file"], format!("{root}/schema.ts"));
    assert_eq!(
        v["result"]["snapshot_written"],
        format!("{root}/migrations/snapshots/{}.json", &hash[..12])
    );
}

#[test]
fn schema_hash_flag_conflicts_with_schema_dir() {
    let tmp = copy_app("todo-minimal");
    let r = run(jazz(tmp.path()).args([
        "schema",
        "export",
        "--schema-dir",
        ".",
        "--schema-hash",
        "abcdefabcdef",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .starts_with("error: --schema-dir and --schema-hash are mutually exclusive.\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Usage: jazz schema export"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("For more information, try '--help'.\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn schema_hash_finds_local_snapshots() {
    let tmp = copy_app("todo-minimal");
    let full = expected_hash("todo-minimal");
    let first = run(jazz(tmp.path()).args(["schema", "export"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let r = run(jazz(tmp.path()).args(["schema", "export", "--schema-hash", &full[..12]]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, first.stdout);
    // Not found locally and no server configured: the message naming both ways to get the schema.
    let r = run(jazz(tmp.path()).args(["schema", "export", "--schema-hash", "abcdefabcdef"]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.starts_with("error: Missing app ID. "),
        "{}",
        r.stderr
    );
}
