//! `jazz permissions compile|explain|test` on the real binary.

mod support;

use std::fs;
use std::path::Path;

use support::{APPS, copy_app, expected, jazz, project, run};

#[test]
fn compile_writes_bytecode_and_the_exact_upstream_json() {
    for app in APPS {
        let tmp = copy_app(app);
        let r = run(jazz(tmp.path()).args([
            "permissions",
            "compile",
            "--json",
            "policy.json",
            "--disasm",
            "policy.disasm",
        ]));
        assert_eq!(r.code, 0, "{app}: {}", r.stderr);
        let json = fs::read_to_string(tmp.path().join("policy.json")).expect("json written");
        assert_eq!(json, expected(app, "permissions.json"), "{app}");
        let bytes = fs::read(tmp.path().join("permissions.jzpb")).expect("bytecode written");
        assert_eq!(bytes.get(..4), Some(&b"JZPB"[..]), "{app}");
        let listing = fs::read_to_string(tmp.path().join("policy.disasm")).expect("listing");
        assert!(listing.starts_with("; jazz policy bytecode v2\n"), "{app}");
        assert!(
            listing.contains("  ; rule 0 "),
            "{app}: rule spans from the debug section"
        );
        assert!(listing.contains("permissions.ts:"), "{app}");
        let s = run(jazz(tmp.path()).args([
            "permissions",
            "compile",
            "--strip",
            "--out",
            "stripped.jzpb",
            "--disasm",
            "stripped.disasm",
        ]));
        assert_eq!(s.code, 0, "{app}: {}", s.stderr);
        let stripped = fs::read(tmp.path().join("stripped.jzpb")).expect("stripped bytecode");
        assert!(
            stripped.len() < bytes.len(),
            "{app}: --strip drops the debug section"
        );
        let listing = fs::read_to_string(tmp.path().join("stripped.disasm")).expect("listing");
        assert!(!listing.contains("; rule "), "{app}");
        assert!(
            r.stdout.contains("Compiled permissions for ")
                && r.stdout.contains("→ permissions.jzpb (bundle "),
            "{app}: {}",
            r.stdout
        );
    }
}

#[test]
fn compile_json_envelope_reports_hashes() {
    let tmp = copy_app("todo-minimal");
    let r = run(jazz(tmp.path()).args(["permissions", "compile", "--format=json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = support::envelope(&r.stdout, "permissions compile", 0);
    assert_eq!(v["result"]["content_hash"].as_str().map(str::len), Some(64));
    assert_eq!(v["result"]["entries"], 5);
    assert_eq!(v["result"]["entry_points"], 5);
}

#[test]
fn errors_block_every_artefact() {
    let tmp = copy_app("errors/perm-unknown-column");
    let r = run(jazz(tmp.path()).args(["permissions", "compile", "--json", "p.json"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("JZ2302"), "{}", r.stderr);
    assert!(!tmp.path().join("permissions.jzpb").exists());
    assert!(!tmp.path().join("p.json").exists());
}

#[test]
fn no_permissions_file_is_jz2005() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ t: s.table({ a: s.string() }) });\n";
    let tmp = project(&[("schema.ts", schema)]);
    let r = run(jazz(tmp.path()).args(["permissions", "compile"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("No permissions found for this app. Create a permissions.ts file before using permissions commands."),
        "{}",
        r.stderr
    );
}

#[test]
fn policy_tests_of_every_corpus_app_pass() {
    for app in APPS {
        let tmp = copy_app(app);
        let r = run(jazz(tmp.path()).args(["permissions", "test"]));
        assert_eq!(r.code, 0, "{app}: {}\n{}", r.stdout, r.stderr);
        let last = r.stdout.lines().last().unwrap_or_default();
        assert!(last.ends_with(" passed, 0 failed"), "{app}: {last}");
        assert!(!r.stdout.contains('✗'), "{app}: {}", r.stdout);
    }
}

#[test]
fn a_wrong_expectation_fails_with_the_decision() {
    let tmp = copy_app("todo-minimal");
    fs::write(
        tmp.path().join("permissions.test.toml"),
        "version = 1\n[sessions.bob]\nuser_id = \"bob\"\n[[seed.todos]]\nid = \"@a\"\ntitle = \"x\"\ndone = false\n\"$createdBy\" = \"alice\"\n[[expect]]\nname = \"bob reads alice's todo\"\nas = \"bob\"\nread = \"todos\"\nrows = [\"@a\"]\n[[expect]]\nname = \"bob deletes it\"\nas = \"bob\"\ndelete = \"todos\"\nrow = \"@a\"\nallowed = true\n",
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["permissions", "test"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("✗ bob reads alice's todo"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("decision: denied"), "{}", r.stdout);
    assert!(
        r.stdout.trim_end().ends_with("0 passed, 2 failed"),
        "{}",
        r.stdout
    );
}

#[test]
fn malformed_test_files_are_jz25xx() {
    let tmp = copy_app("todo-minimal");
    fs::write(tmp.path().join("permissions.test.toml"), "version = 2\n").expect("write");
    let r = run(jazz(tmp.path()).args(["permissions", "test"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("JZ2501"), "{}", r.stderr);
    fs::write(
        tmp.path().join("permissions.test.toml"),
        "version = 1\n[[seed.todos]]\ntitle = \"x\"\ndone = false\nnope = 1\n",
    )
    .expect("write");
    let r = run(jazz(tmp.path()).args(["permissions", "test"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("JZ2502"), "{}", r.stderr);
}

#[test]
fn test_file_problems_are_jz2504_to_jz2506() {
    let tmp = copy_app("todo-minimal");
    let cases = [
        (
            "JZ2504",
            "version = 1\n[[expect]]\nas = \"nobody\"\nread = \"todos\"\nrows = []\n",
        ),
        (
            "JZ2505",
            "version = 1\n[[seed.todos]]\nid = \"@a\"\ntitle = \"x\"\ndone = false\n[[seed.todos]]\nid = \"@a\"\ntitle = \"y\"\ndone = true\n",
        ),
        (
            "JZ2506",
            "version = 1\n[[expect]]\nread = \"todos\"\nrows = []\n",
        ),
    ];
    for (code, toml) in cases {
        fs::write(tmp.path().join("permissions.test.toml"), toml).expect("write");
        let r = run(jazz(tmp.path()).args(["permissions", "test"]));
        assert_eq!(r.code, 1, "{code}: {}{}", r.stdout, r.stderr);
        let out = format!("{}{}", r.stdout, r.stderr);
        assert!(out.contains(code), "{code}: {out}");
    }
}

/// Bytes that are not policy bytecode are JZ2401; bytecode that fails verification is JZ2402.
#[test]
fn bad_bytecode_is_jz2401_or_jz2402() {
    let tmp = copy_app("todo-minimal");
    fs::write(tmp.path().join("garbage.jzpb"), b"not bytecode").expect("write");
    let r = run(jazz(tmp.path()).args(["permissions", "test", "--bytecode", "garbage.jzpb"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[JZ2401]"), "{}", r.stderr);
    let r = run(jazz(tmp.path()).args(["permissions", "compile"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = fs::read(tmp.path().join("permissions.jzpb")).expect("bytecode written");
    let cut = bytes.get(..bytes.len() - 3).expect("longer than 3 bytes");
    fs::write(tmp.path().join("cut.jzpb"), cut).expect("write");
    let r = run(jazz(tmp.path()).args(["permissions", "test", "--bytecode", "cut.jzpb"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[JZ2402]"), "{}", r.stderr);
}

#[test]
fn no_test_files_is_jz2500_with_what_to_create_and_exit_1() {
    let tmp = copy_app("todo-minimal");
    let _ = fs::remove_file(tmp.path().join("permissions.test.toml"));
    let _ = fs::remove_dir_all(tmp.path().join("permissions.tests"));
    let r = run(jazz(tmp.path()).args(["permissions", "test", "--color=never"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Nothing ran: no result line that could pass for a test run.
    assert!(!r.stdout.contains("passed"), "{}", r.stdout);
    let stderr = support::redact(&r.stderr, tmp.path());
    assert!(stderr.contains("JZ2500"), "{stderr}");
    assert!(!stderr.contains("JZ2501"), "{stderr}");
    assert!(
        stderr.contains("help: create [ROOT]/permissions.test.toml"),
        "{stderr}"
    );
    let r = run(jazz(tmp.path()).args(["permissions", "test", "--format=json"]));
    assert_eq!(r.code, 1);
    let v = support::json(&support::redact(&r.stdout, tmp.path()));
    assert_eq!(v["diagnostics"][0]["code"], "JZ2500", "{v}");
    assert_eq!(
        v["diagnostics"][0]["message"],
        "no policy tests to run: found neither [ROOT]/permissions.test.toml nor [ROOT]/permissions.tests/*.toml",
        "{v}"
    );
    assert_eq!(v["result"]["passed"], 0, "{v}");

    // `jazz explain` describes exactly this case, and the exit code.
    let r = run(jazz(tmp.path()).args(["explain", "JZ2500"]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no policy test files"), "{}", r.stdout);
    assert!(r.stdout.contains("exits 1"), "{}", r.stdout);
}

#[test]
fn explain_covers_every_code_permissions_test_emits() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands/permissions/testing");
    let mut codes = std::collections::BTreeSet::new();
    for entry in fs::read_dir(&src).expect("read dir") {
        let text = fs::read_to_string(entry.expect("entry").path()).expect("read");
        for (i, _) in text.match_indices("(25") {
            if let Some(code) = text
                .get(i + 1..i + 5)
                .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            {
                codes.insert(code.to_owned());
            }
        }
    }
    assert!(codes.len() >= 5, "{codes:?}");
    for code in codes.iter().map(String::as_str).chain(["2500", "2402"]) {
        let r = run(jazz(Path::new(".")).args(["explain", code]));
        assert_eq!(r.code, 0, "JZ{code}: {}", r.stderr);
    }
    // The old JZ2501 text said nothing about missing files; 2503 covers sessions and the clock.
    let r = run(jazz(Path::new(".")).args(["explain", "JZ2503"]));
    assert!(r.stdout.contains("authMode"), "{}", r.stdout);
}

#[test]
fn the_todo_examples_policy_tests_pass() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/todo");
    let cwd = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(cwd.path())
        .args(["permissions", "test", "--schema-dir"])
        .arg(&example));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let ticks = r.stdout.lines().filter(|l| l.starts_with("  ✓ ")).count();
    assert_eq!(ticks, 6, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("✓ adding a todo to someone else's project is denied")
    );
    assert_eq!(
        r.stdout.lines().last(),
        Some("6 passed, 0 failed"),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_shows_rules_fallbacks_and_traces() {
    let tmp = copy_app("projects-tasks");
    let r = run(jazz(tmp.path()).args(["permissions", "explain", "tasks", "delete", "--bytecode"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("tasks · delete\n"), "{}", r.stdout);
    assert!(r.stdout.contains("permissions.ts:13:3"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("INHERITS delete VIA projectId → projects"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("| table tasks"), "{}", r.stdout);

    let tmp = copy_app("todo-minimal");
    let r = run(jazz(tmp.path()).args([
        "permissions",
        "explain",
        "todos",
        "read",
        "--session",
        r#"{"user_id": "alice"}"#,
        "--row",
        r#"{"title": "x", "done": false, "$createdBy": "alice"}"#,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("trace: allowed"), "{}", r.stdout);

    let r = run(jazz(tmp.path()).args(["permissions", "explain", "todo", "read"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("JZ2301") && r.stderr.contains("did you mean `todos`?"),
        "{}",
        r.stderr
    );

    let r = run(jazz(tmp.path()).args(["permissions", "explain", "todos", "rea"]));
    assert_eq!(r.code, 2, "a bad operation is a usage error");
}

#[test]
fn process_env_comes_from_define_env_and_env_files() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ chats: s.table({ name: s.string() }) });\n";
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy }) => {\n  policy.chats.allowRead.where({ name: process.env.CHAT_NAME });\n  policy.chats.allowInsert.never();\n  policy.chats.allowUpdate.never();\n  policy.chats.allowDelete.never();\n});\n";
    let tmp = project(&[("schema.ts", schema), ("permissions.ts", perms)]);
    let r = run(jazz(tmp.path()).args(["validate"]).env_remove("CHAT_NAME"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ2350"), "{}", r.stderr);
    let r = run(jazz(tmp.path()).args(["validate", "--define", "CHAT_NAME=general"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every command analyses with the same values: the migrations commands too (they used to
    // ignore --define and the env files, and failed on JZ2350 where validate passed).
    for args in [
        &["migrations", "create", "--define", "CHAT_NAME=general"][..],
        &["migrations", "check", "--define", "CHAT_NAME=general"][..],
    ] {
        let r = run(jazz(tmp.path()).args(args).env_remove("CHAT_NAME"));
        assert_eq!(r.code, 0, "{args:?}\n{}", r.stderr);
        assert!(!r.stderr.contains("JZ2350"), "{args:?}\n{}", r.stderr);
    }
    let r = run(jazz(tmp.path())
        .args(["migrations", "check"])
        .env_remove("CHAT_NAME"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("JZ2350"), "{}", r.stderr);
    fs::write(tmp.path().join(".env"), "CHAT_NAME=from-file\n").expect("env file");
    let r = run(jazz(tmp.path())
        .args(["permissions", "compile", "--json", "p.json"])
        .env_remove("CHAT_NAME"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = fs::read_to_string(tmp.path().join("p.json")).expect("json");
    assert!(json.contains("\"from-file\""), "{json}");
    assert!(
        r.stdout.contains("Environment read: CHAT_NAME"),
        "{}",
        r.stdout
    );
}

/// Compiles permissions.ts in `dir` with `args`; returns the exit code, the policy JSON (empty
/// when none was written) and the codes of the diagnostics.
fn compile_policy(dir: &Path, args: &[&str]) -> (i32, String, Vec<String>) {
    let _ = fs::remove_file(dir.join("p.json"));
    let mut cmd = jazz(dir);
    cmd.args([
        "permissions",
        "compile",
        "--json",
        "p.json",
        "--format",
        "json",
    ])
    .args(args);
    for v in ["ENV_CHAT_ID", "ENV_PREFIX", "ENV_KIND"] {
        cmd.env_remove(v);
    }
    let r = run(&mut cmd);
    let json = fs::read_to_string(dir.join("p.json")).unwrap_or_default();
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let mut codes: Vec<String> = out["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    (r.code, json, codes)
}

/// A module-level constant bound to a `process.env` read (`!`, `??`, `as string`, a template
/// over such constants) compiles exactly like the read written inline.
#[test]
fn module_constants_reading_process_env_resolve_like_inline_reads() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ chats: s.table({ chat_id: s.string(), kind: s.string(), tag: s.string() }) });\n";
    let body = |read: &str, insert: &str, update: &str| {
        format!(
            "  policy.chats.allowRead.where({{ chat_id: {read} }});\n  policy.chats.allowInsert.where({{ kind: {insert} }});\n  policy.chats.allowUpdate.where({{ tag: {update} }});\n  policy.chats.allowDelete.never();\n"
        )
    };
    let head = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\n";
    let constants = format!(
        "{head}\nconst ANNOUNCEMENTS_CHAT_ID = process.env.ENV_CHAT_ID!;\nconst PREFIX = process.env.ENV_PREFIX ?? \"x\";\nconst KIND = process.env.ENV_KIND as string;\nconst TAG = `${{PREFIX}}-${{KIND}}`;\n\nexport default definePermissions(app, ({{ policy }}) => {{\n{}}});\n",
        body("ANNOUNCEMENTS_CHAT_ID", "KIND", "TAG")
    );
    let inline = format!(
        "{head}\nexport default definePermissions(app, ({{ policy }}) => {{\n{}}});\n",
        body(
            "process.env.ENV_CHAT_ID!",
            "process.env.ENV_KIND as string",
            "`${process.env.ENV_PREFIX ?? \"x\"}-${process.env.ENV_KIND as string}`"
        )
    );
    let a = project(&[("schema.ts", schema), ("permissions.ts", &constants)]);
    let b = project(&[("schema.ts", schema), ("permissions.ts", &inline)]);

    // Through --define.
    let defines = [
        "--define",
        "ENV_CHAT_ID=announcements",
        "--define",
        "ENV_KIND=news",
    ];
    let (ca, ja, _) = compile_policy(a.path(), &defines);
    let (cb, jb, _) = compile_policy(b.path(), &defines);
    assert_eq!((ca, cb), (0, 0), "{ja}\n{jb}");
    assert!(
        ja.contains("\"announcements\"") && ja.contains("\"x-news\""),
        "{ja}"
    );
    assert_eq!(ja, jb);

    // Through an env file.
    for dir in [a.path(), b.path()] {
        fs::write(
            dir.join(".env"),
            "ENV_CHAT_ID=from-file\nENV_KIND=k\nENV_PREFIX=p\n",
        )
        .expect("env file");
    }
    let (ca, ja, _) = compile_policy(a.path(), &[]);
    let (cb, jb, _) = compile_policy(b.path(), &[]);
    assert_eq!((ca, cb), (0, 0), "{ja}\n{jb}");
    assert!(
        ja.contains("\"from-file\"") && ja.contains("\"p-k\""),
        "{ja}"
    );
    assert_eq!(ja, jb);

    // Unset: the same diagnostics as inline, and no artefact.
    let (ca, ja, codes_a) = compile_policy(a.path(), &["--no-env-file"]);
    let (cb, _, mut codes_b) = compile_policy(b.path(), &["--no-env-file"]);
    assert_eq!((ca, cb), (1, 1));
    assert!(ja.is_empty(), "{ja}");
    assert!(codes_a.contains(&"JZ2350".to_owned()), "{codes_a:?}");
    // Inline, `ENV_KIND` is read twice (insert and update); the constant reads it once.
    codes_b.dedup();
    let mut deduped = codes_a.clone();
    deduped.dedup();
    assert_eq!(deduped, codes_b);
}

#[test]
fn explain_names_the_missing_policy_of_its_operation_only() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  notes: s.table({ body: s.string() }),\n});\n";
    let perms = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.notes.allowRead.always();\n});\n";
    let tmp = project(&[("schema.ts", schema), ("permissions.ts", perms)]);
    let r = run(jazz(tmp.path()).args(["permissions", "explain", "notes", "update"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // One JZ2101 covers insert, update and delete; explain shows the line about update.
    let warnings: Vec<&str> = r.stdout.lines().filter(|l| l.contains("JZ2101")).collect();
    assert_eq!(
        warnings,
        [
            "  warning[JZ2101]: table \"notes\" has no explicit update policy in permissions.ts; enforcing runtimes default to deny."
        ],
        "{}",
        r.stdout
    );
    let r = run(jazz(tmp.path()).args(["permissions", "explain", "notes", "read"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("JZ2101"), "{}", r.stdout);
}
