//! `jazz migrations create|check|push` and `jazz schema diff` on the real binary: the create →
//! check → fill → check walk in a temp project, push and server lookups against a real engine
//! (`jazz server` on loopback), and the bad-input cases.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::engine::{APP, After, Engine, SECRET, proxy};
use support::{envelope, jazz, project, run};

const V1: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string() }) };\nexport const app = s.defineApp(schema);\n";
const V2: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), priority: s.int() }) };\nexport const app = s.defineApp(schema);\n";

fn stubs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("migrations"))
        .map(|r| {
            r.map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "ts"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn snapshot_count(dir: &Path) -> usize {
    fs::read_dir(dir.join("migrations/snapshots"))
        .map(|r| r.count())
        .unwrap_or(0)
}

/// Snapshot names carry the second; a later snapshot must not share it (the hash would then
/// decide which one is latest, as upstream).
fn next_second() {
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

/// Creates v1's snapshot, edits to v2, generates the stub; returns the stub path.
fn v1_to_v2(dir: &Path) -> PathBuf {
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    fs::write(dir.join("schema.ts"), V2).expect("write");
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    stubs(dir).pop().expect("a stub")
}

#[test]
fn create_check_fill_check_walk() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("Wrote initial schema snapshot: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with(
            "No migration created because there was no previous local schema baseline.\n"
        )
    );
    assert_eq!(snapshot_count(dir), 1);

    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "No structural schema changes detected.\n")
    );
    assert_eq!(run(jazz(dir).args(["migrations", "check"])).code, 0);

    next_second();
    fs::write(dir.join("schema.ts"), V2).expect("write");
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("JZ3602")
            && r.stderr
                .contains("needs a reviewed migration. Run `jazz migrations create`."),
        "{}",
        r.stderr
    );

    let r = run(jazz(dir).args(["migrations", "create", "--check"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("Pending: would generate "),
        "{}",
        r.stdout
    );
    assert!(stubs(dir).is_empty(), "--check wrote a file");

    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stub = stubs(dir).pop().expect("a stub");
    let name = stub
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    assert!(
        r.stdout
            .starts_with(&format!("Generated: {}\n", stub.display())),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("3. Run jazz migrations push <appId> "),
        "{}",
        r.stdout
    );
    assert!(name.contains("-unnamed-"), "{name}");
    assert_eq!(snapshot_count(dir), 2);

    // Without the stub, the transition between the two snapshots has no migration file.
    let aside = dir.join("stub.ts.aside");
    fs::rename(&stub, &aside).expect("move the stub aside");
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("JZ3603") && r.stderr.contains("No migration file for "),
        "{}",
        r.stderr
    );
    fs::rename(&aside, &stub).expect("put the stub back");

    // The stub still has a TODO: check fails and names the file.
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("JZ3107"), "{}", r.stderr);
    assert!(r.stderr.contains("JZ3604"), "{}", r.stderr);
    // (The terminal renderer wraps long messages, so the name is looked for on its own.)
    assert!(
        r.stderr.contains("Migration ") && r.stderr.contains(&stub.display().to_string()),
        "{}",
        r.stderr
    );

    let text = fs::read_to_string(&stub).expect("stub");
    let filled = text.replace(
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 0 }),\n",
    );
    assert_ne!(text, filled);
    fs::write(&stub, filled).expect("write");
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "Migrations are up to date: 2 committed snapshot(s), 1 migration file(s) checked."
    ));

    let r = run(jazz(dir).args(["migrations", "check", "--format", "json"]));
    let v = envelope(&r.stdout, "migrations check", 0);
    assert_eq!(v["result"]["problems"], serde_json::json!([]));
}

#[test]
fn not_required_and_named_and_exit_code() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    // A default-only change: a snapshot, no stub.
    fs::write(
        dir.join("schema.ts"),
        V1.replace("s.string()", "s.string().default(\"x\")"),
    )
    .expect("write");
    let r = run(jazz(dir).args(["migrations", "create", "--exit-code", "--format", "json"]));
    let v = envelope(&r.stdout, "migrations create", 3);
    assert_eq!(v["result"]["status"], "migration-not-required");
    assert_eq!(v["result"]["written"].as_array().map(Vec::len), Some(1));
    assert!(stubs(dir).is_empty());

    next_second();
    fs::write(dir.join("schema.ts"), V2).expect("write");
    let r = run(jazz(dir).args(["migrations", "create", "--name", "  Add Todo Notes! "]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2. Run jazz migrations push <appId> "),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Rename the file"));
    let stub = stubs(dir).pop().expect("stub");
    assert!(
        stub.display().to_string().contains("-add-todo-notes-"),
        "{}",
        stub.display()
    );

    let r = run(jazz(dir).args(["migrations", "create", "--name", "!!"]));
    assert_eq!(
        r.code, 0,
        "unchanged wins before the name is looked at: {}",
        r.stderr
    );
}

#[test]
fn schema_diff_reports_changes() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    let r = run(jazz(dir).args(["schema", "diff", "--exit-code"]));
    assert_eq!(r.code, 0);
    fs::write(dir.join("schema.ts"), V2).expect("write");
    let r = run(jazz(dir).args(["schema", "diff", "--exit-code", "--unified"]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("    + column priority\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Migration file needed: yes"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("+        \"name\": \"priority\","),
        "{}",
        r.stdout
    );
    let r = run(jazz(dir).args(["schema", "diff", "--format", "json"]));
    let v = envelope(&r.stdout, "schema diff", 0);
    assert_eq!(
        v["result"]["tables"][0]["columns_added"],
        serde_json::json!(["priority"])
    );
}

fn edge(stub: &Path) -> (String, String) {
    let stem = stub.file_stem().and_then(|s| s.to_str()).expect("stem");
    let mut parts = stem.rsplitn(3, '-');
    let to = parts.next().expect("to").to_owned();
    let from = parts.next().expect("from").to_owned();
    (from, to)
}

fn current_hash(dir: &Path) -> String {
    let out = run(jazz(dir).args(["schema", "hash", "--full"])).stdout;
    let line = out.lines().nth(1).expect("hash line");
    line.trim_start_matches("Current schema hash: ").to_owned()
}

/// Publishes the project's current schema to the engine (no permissions: schema only).
fn publish_schema(dir: &Path, engine: &Engine) {
    let r = run(jazz(dir).args([
        "deploy",
        APP,
        "--server-url",
        &engine.url,
        "--admin-secret",
        SECRET,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// An engine storing v1 and v2, and the v1 → v2 stub in `dir`.
fn stored_edge(dir: &Path) -> (Engine, PathBuf) {
    let engine = Engine::start(dir);
    publish_schema(dir, &engine);
    let stub = v1_to_v2(dir);
    publish_schema(dir, &engine);
    (engine, stub)
}

#[test]
fn push_publishes_the_reviewed_lens() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let (engine, stub) = stored_edge(dir);
    let text = fs::read_to_string(&stub).expect("stub");
    fs::write(
        &stub,
        text.replace(
            "      // TODO: Added required column \"priority\" needs an explicit default.\n",
            "      priority: s.add.int({ default: 7 }),\n",
        ),
    )
    .expect("write");
    let (f12, t12) = edge(&stub);
    assert_eq!(snapshot_count(dir), 2);
    // Push resolves the prefixes against the server's list.
    let to64 = current_hash(dir);
    let from64 = engine.hashes().remove(0);
    assert!(from64.starts_with(&f12) && !engine.connected(&from64, &to64));
    let (url, seen) = proxy(engine.url.clone(), Box::new(|_, _| {}), Box::new(|_, b| b));
    let r = run(jazz(dir).args([
        "migrations",
        "push",
        APP,
        &f12,
        &t12,
        "--server-url",
        &url,
        "--admin-secret",
        SECRET,
    ]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "Pushed migration {f12} -> {t12} from {}.\n",
            stub.file_name().and_then(|n| n.to_str()).expect("n")
        )
    );
    assert!(engine.connected(&from64, &to64));
    let seen = seen.lock().expect("lock");
    let (method, path, body) = seen.last().expect("a push");
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", format!("/apps/{APP}/admin/migrations").as_str())
    );
    assert_eq!(
        body,
        &format!(
            "{{\"fromHash\":\"{from64}\",\"toHash\":\"{to64}\",\"forward\":[{{\"table\":\"todos\",\"operations\":[{{\"type\":\"introduce\",\"column\":\"priority\",\"column_type\":{{\"type\":\"Integer\"}},\"value\":{{\"type\":\"Integer\",\"value\":7}}}}]}}]}}"
        )
    );
}

#[test]
fn push_refuses_a_file_with_todos_and_usage_errors() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let (engine, stub) = stored_edge(dir);
    let (f12, t12) = edge(&stub);
    let r = run(jazz(dir).args([
        "migrations",
        "push",
        APP,
        &f12,
        &t12,
        "--server-url",
        &engine.url,
        "--admin-secret",
        SECRET,
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ3107"), "{}", r.stderr);
    let hashes = engine.hashes();
    assert!(
        !engine.connected(&hashes[0], &hashes[1]),
        "nothing may be pushed"
    );

    let r = run(jazz(dir).args(["migrations", "push", APP]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("Usage: jazz migrations push <appId> <fromHash> <toHash> [options]"),
        "{}",
        r.stderr
    );
    let r = run(jazz(dir).args(["migrations", "push", &f12, &t12]));
    assert_eq!(
        (r.code, r.stderr.trim()),
        (
            1,
            "error: Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID)."
        )
    );
}

/// Writes a migration file for the v1 → v2 edge with `migrate` replaced.
fn bad_file(dir: &Path, stub: &Path, migrate: &str) -> String {
    let text = fs::read_to_string(stub).expect("stub");
    let start = text.find("  migrate: {").expect("migrate");
    let end = text.find("  fromHash:").expect("fromHash");
    let new = format!("{}{migrate}{}", &text[..start], &text[end..]);
    fs::write(stub, &new).expect("write");
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.stderr
}

#[test]
fn bad_migration_files_are_coded_diagnostics() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let stub = v1_to_v2(dir);
    let e = bad_file(
        dir,
        &stub,
        "  migrate: {\n    todos: {\n      priorty: s.add.int({ default: 0 }),\n    },\n  },\n",
    );
    assert!(
        e.contains("JZ3214")
            && e.contains("Migration references unknown target column todos.priorty."),
        "{e}"
    );
    let e = bad_file(
        dir,
        &stub,
        "  migrate: {\n    todos: {\n      priority: s.add.int({ default: \"high\" }),\n    },\n  },\n",
    );
    assert!(
        e.contains("JZ3306") && e.contains("default does not fit the column type"),
        "{e}"
    );
    let e = bad_file(
        dir,
        &stub,
        "  migrate: {\n    todos: {\n      priority: s.add.string({ default: \"x\" }),\n    },\n  },\n",
    );
    assert!(
        e.contains("JZ3107") && e.contains("`string` op on the int column `priority`"),
        "{e}"
    );
    let e = bad_file(
        dir,
        &stub,
        "  migrate: {\n    todos: {\n      priority: s.renameFrom(\"title\"),\n    },\n  },\n",
    );
    assert!(e.contains("JZ3109"), "{e}");
    // Wrong hashes: the file names another edge.
    let text = fs::read_to_string(&stub).expect("stub");
    let (f12, _) = edge(&stub);
    fs::write(
        &stub,
        text.replacen(
            &format!("fromHash: \"{f12}\""),
            "fromHash: \"aaaaaaaaaaaa\"",
            1,
        ),
    )
    .expect("write");
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert!(
        r.stderr.contains("JZ3004") && r.stderr.contains("exports aaaaaaaaaaaa -> "),
        "{}",
        r.stderr
    );
}

#[test]
fn corrupt_snapshot_is_reported_with_its_path() {
    let tmp = project(&[
        ("schema.ts", V1),
        (
            "migrations/snapshots/20260101T000000-abcdefabcdef.json",
            "{ not json",
        ),
    ]);
    let dir = tmp.path();
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("JZ1080") && r.stderr.contains("20260101T000000-abcdefabcdef.json"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "in {}",
            dir.join("migrations/snapshots").display()
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn validate_checks_migration_files() {
    let bad = "import { schema as s } from \"jazz-tools\";\nexport default s.defineMigration({ migrate: { todos: { x: s.add.int({ default: 0 }) } }, fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\", from: { todos: s.table({ title: s.string() }) }, to: { todos: s.table({ title: s.string() }) } });\n";
    let tmp = project(&[
        ("schema.ts", V1),
        (
            "migrations/20260101T000000-x-aaaaaaaaaaaa-bbbbbbbbbbbb.ts",
            bad,
        ),
        ("migrations/notes.ts", bad),
    ]);
    let dir = tmp.path();
    let r = run(jazz(dir).arg("validate"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("JZ3214")
            && r.stderr
                .contains("Migration references unknown target column todos.x."),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("JZ3005"), "{}", r.stderr);
    let r = run(jazz(dir).args(["validate", "--no-migrations"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn create_from_a_server_hash_names_the_snapshot_after_published_at() {
    let tmp = project(&[("schema.ts", V2)]);
    let dir = tmp.path();
    // The engine stores V1 (published from another checkout).
    let v1 = project(&[("schema.ts", V1)]);
    let engine = Engine::start(v1.path());
    publish_schema(v1.path(), &engine);
    let from64 = current_hash(v1.path());
    // A server that reports publishedAt in microseconds (later upstream versions).
    let after: After = Box::new(|path, body| {
        if !path.contains("/schema/") {
            return body;
        }
        let mut v: serde_json::Value = serde_json::from_str(&body).expect("json");
        v["publishedAt"] = serde_json::json!(1_780_315_200_000_000u64);
        v.to_string()
    });
    let (url, seen) = proxy(engine.url.clone(), Box::new(|_, _| {}), after);
    let r = run(jazz(dir).args([
        "migrations",
        "create",
        APP,
        "--fromHash",
        &from64[..12],
        "--server-url",
        &url,
        "--admin-secret",
        SECRET,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Generated: "), "{}", r.stdout);
    let snap = dir.join(format!(
        "migrations/snapshots/20260601T120000-{}.json",
        &from64[..12]
    ));
    assert!(
        snap.is_file(),
        "{:?}",
        fs::read_dir(dir.join("migrations/snapshots"))
            .map(|d| d.map(|e| e.map(|e| e.file_name())).collect::<Vec<_>>())
    );
    let paths: Vec<String> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|(_, p, _)| p.clone())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/apps/{APP}/schemas"),
            format!("/apps/{APP}/schema/{from64}")
        ]
    );
    // Now the schema is local: export by prefix needs no server.
    let r = run(jazz(dir).args(["schema", "export", "--schema-hash", &from64[..12]]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"title\""), "{}", r.stdout);
}

#[test]
fn a_fresh_stub_of_an_indexed_table_has_no_witness_warnings() {
    let v1 = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), done: s.boolean() }).indexOnly([\"done\"]) };\nexport const app = s.defineApp(schema);\n";
    let tmp = project(&[("schema.ts", v1)]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    fs::write(
        dir.join("schema.ts"),
        v1.replace("done: s.boolean() }", "done: s.boolean(), rank: s.int() }"),
    )
    .expect("write");
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(jazz(dir).args(["migrations", "check"]));
    assert!(
        r.stderr.contains("JZ3505"),
        "the TODO is reported: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("JZ3501"), "{}", r.stderr);
}

/// JZ3006 (two files for one edge) is a warning for `validate`, which upstream runs without
/// reading migrations, and an error where a push would have to choose between the files.
#[test]
fn two_files_for_one_edge_warn_in_validate_and_fail_push_and_check() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let (engine, stub) = stored_edge(dir);
    let text = fs::read_to_string(&stub).expect("stub");
    let filled = text.replace(
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 7 }),\n",
    );
    fs::write(&stub, &filled).expect("write");
    let (f12, t12) = edge(&stub);
    let copy = dir
        .join("migrations")
        .join(format!("20990101T000000-copy-{f12}-{t12}.ts"));
    fs::write(&copy, &filled).expect("write copy");

    let r = run(jazz(dir).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("JZ3006") && r.stderr.contains("Multiple migration files found"),
        "{}",
        r.stderr
    );
    let r = run(jazz(dir).args(["validate", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["code"] == "JZ3006")
        .unwrap_or_else(|| panic!("no JZ3006 in {}", r.stdout));
    assert_eq!(found["severity"], "warning", "{found}");

    let r = run(jazz(dir).args(["migrations", "check"]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("JZ3605") && r.stderr.contains("Multiple migration files found"),
        "{}",
        r.stderr
    );

    let r = run(jazz(dir).args([
        "migrations",
        "push",
        APP,
        &f12,
        &t12,
        "--server-url",
        &engine.url,
        "--admin-secret",
        SECRET,
    ]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Multiple migration files found"),
        "{}",
        r.stderr
    );
    let hashes = engine.hashes();
    assert!(
        !engine.connected(&hashes[0], &hashes[1]),
        "nothing may be pushed"
    );

    // With one file left, validate is clean and push goes through.
    fs::remove_file(&copy).expect("remove");
    let r = run(jazz(dir).args(["validate", "--color=never"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("JZ3006"), "{}", r.stderr);
}
