//! More `jazz migrations create` outcomes: a nullability-only change
//! (stub plus JZ3406), explicit hashes with a column reorder (not required), an ambiguous local
//! prefix, a malformed hash, a stub that already exists and a bare Uuid column (JZ3401).

mod support;

use std::fs;
use std::path::Path;

use support::{jazz, project, run};

fn schema(cols: &str) -> String {
    format!(
        "import {{ schema as s }} from \"jazz-tools\";\nconst schema = {{ todos: s.table({{ {cols} }}) }};\nexport const app = s.defineApp(schema);\n"
    )
}

fn hash(dir: &Path) -> String {
    let out = run(jazz(dir).args(["schema", "hash", "--full"])).stdout;
    out.lines()
        .nth(1)
        .expect("hash line")
        .trim_start_matches("Current schema hash: ")
        .to_owned()
}

fn next_second() {
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

#[test]
fn nullability_change_warns_jz3406() {
    let tmp = project(&[("schema.ts", &schema("title: s.string()"))]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    fs::write(
        dir.join("schema.ts"),
        schema("title: s.string().optional()"),
    )
    .expect("write");
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Generated: "), "{}", r.stdout);
    assert!(
        r.stderr.contains("JZ3406") && r.stderr.contains("todos.title changes"),
        "{}",
        r.stderr
    );
}

#[test]
fn explicit_hashes_reorder_is_not_required() {
    let tmp = project(&[("schema.ts", &schema("a: s.string(), b: s.int()"))]);
    let dir = tmp.path();
    let h1 = hash(dir);
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    fs::write(dir.join("schema.ts"), schema("b: s.int(), a: s.string()")).expect("write");
    let h2 = hash(dir);
    assert_ne!(h1, h2, "a reorder changes the hash");
    let r = run(jazz(dir).args(["migrations", "create", "--fromHash", &h1[..12]]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "No reviewed migration file needed because this schema change does not require row transformations.\nNext step: Run jazz migrations push <appId> {} {}\n",
            &h1[..12],
            &h2[..12]
        )
    );
    // With --toHash the target snapshot is not written again; both are local now.
    let r = run(jazz(dir).args([
        "migrations",
        "create",
        "--fromHash",
        &h2[..12],
        "--toHash",
        &h1[..12],
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("No reviewed migration file needed"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_hash_inputs() {
    let tmp = project(&[("schema.ts", &schema("a: s.string()"))]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    let r = run(jazz(dir).args(["migrations", "create", "--fromHash", "xyz"]));
    assert_eq!(
        (r.code, r.stderr.trim_end()),
        (
            1,
            "error: fromHash must be a 12-64 character lowercase hex schema hash."
        )
    );
    // Two snapshots whose hashes share a prefix cannot be forged; a prefix found nowhere
    // falls through to the server settings.
    let r = run(jazz(dir).args(["migrations", "create", "--fromHash", "000000000000"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error: Missing app ID."),
        "{}",
        r.stderr
    );
    let r = run(jazz(dir).args([
        "migrations",
        "create",
        "--from-hash=000000000000",
        "app",
        "--server-url",
        "ftp://x",
        "--admin-secret",
        "s",
    ]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("invalid server URL ftp://x"),
        "{}",
        r.stderr
    );
    let r = run(jazz(dir).args(["migrations", "create", "--fromHash"]));
    assert_eq!(r.code, 2, "a flag without its value is a usage error");
}

#[test]
fn bare_uuid_columns_cannot_be_stubbed() {
    let tmp = project(&[("schema.ts", &schema("a: s.string()"))]);
    let dir = tmp.path();
    let h1 = hash(dir);
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    // A snapshot with a bare Uuid column (no references) can only come from elsewhere.
    let bare = "{\n  \"todos\": {\n    \"columns\": [\n      {\n        \"name\": \"id2\",\n        \"column_type\": {\n          \"type\": \"Uuid\"\n        },\n        \"nullable\": false\n      }\n    ]\n  }\n}\n";
    fs::write(dir.join("migrations/snapshots/bbbbbbbbbbbb.json"), bare).expect("write");
    // The name's hash is informational (JZ1081 tells the content hash); use the content hash.
    let r = run(jazz(dir).args([
        "schema",
        "diff",
        "--format",
        "json",
        "--toHash",
        "bbbbbbbbbbbb",
    ]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let msg = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .find(|m| m.contains("content hashes to "))
        .expect("JZ1081")
        .to_owned();
    let real = msg.rsplit(' ').next().expect("hash").to_owned();
    let r = run(jazz(dir).args([
        "migrations",
        "create",
        "--fromHash",
        &h1[..12],
        "--toHash",
        &real,
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Migration stub generation does not yet support bare UUID columns.")
            && r.stderr.contains("JZ3401"),
        "{}",
        r.stderr
    );
    let names: Vec<String> = fs::read_dir(dir.join("migrations"))
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".ts")),
        "nothing may be written: {names:?}"
    );
}

#[test]
fn a_stub_that_exists_is_not_overwritten() {
    let tmp = project(&[("schema.ts", &schema("a: s.string()"))]);
    let dir = tmp.path();
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    next_second();
    fs::write(dir.join("schema.ts"), schema("a: s.string(), b: s.int()")).expect("write");
    let h1 = {
        let mut n: Vec<String> = fs::read_dir(dir.join("migrations/snapshots"))
            .expect("d")
            .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n[0].split('-')
            .nth(1)
            .expect("h")
            .trim_end_matches(".json")
            .to_owned()
    };
    let first = run(jazz(dir).args(["migrations", "create", "--fromHash", &h1, "--name", "x"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = run(jazz(dir).args(["migrations", "create", "--fromHash", &h1, "--name", "x"]));
    // Same second: the same path (JZ3403); a later second: another file for the edge (JZ3405).
    assert!(
        (second.code == 1
            && second.stderr.contains("Migration stub already exists: ")
            && second.stderr.contains("JZ3403"))
            || (second.code == 0 && second.stderr.contains("JZ3405")),
        "{}",
        second.stderr
    );
}
