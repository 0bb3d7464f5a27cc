//! `jazz deploy` and `jazz permissions status` on the real binary against a real engine
//! (`jazz server` on loopback): a schema change walked through its migration, status before and
//! after, the stale-parent 409, the hash guard and dry runs.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::engine::{APP, After, Before, Engine, SECRET, proxy};
use support::{Run, envelope, jazz, project, redact, run};

const V1: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string() }) };\nexport const app = s.defineApp(schema);\n";
const V2: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), priority: s.int() }) };\nexport const app = s.defineApp(schema);\n";
const PERMS: &str = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\n\nexport default s.definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.always();\n  policy.todos.allowInsert.always();\n  policy.todos.allowUpdate.always();\n  policy.todos.allowDelete.always();\n});\n";

/// `jazz <args…> <APP> --server-url <url>` with the secret from the environment.
fn jazz_at(dir: &Path, url: &str, args: &[&str]) -> Run {
    run(jazz(dir)
        .args(args)
        .args([APP, "--server-url", url])
        .env("JAZZ_ADMIN_SECRET", SECRET))
}

fn current_hash(dir: &Path) -> String {
    let out = run(jazz(dir).args(["schema", "hash", "--full"])).stdout;
    let line = out.lines().nth(1).expect("hash line");
    line.trim_start_matches("Current schema hash: ").to_owned()
}

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

fn lines(text: &[String]) -> String {
    text.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn deploy_walks_a_schema_change_through_its_migration() {
    let tmp = project(&[("schema.ts", V1), ("permissions.ts", PERMS)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    let url = engine.url.as_str();
    let h1 = current_hash(dir);
    let s1 = &h1[..12];
    let loaded = |schema_word: &str| {
        vec![
            format!("Loaded {schema_word} from [ROOT]/schema.ts."),
            "Loaded current permissions from [ROOT]/permissions.ts.".to_owned(),
        ]
    };

    // Nothing stored yet: status refuses.
    let r = jazz_at(dir, url, &["permissions", "status"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "error: No stored structural schema matches the local schema.ts. Publish the structural schema before pushing permissions.\n"
        )
    );

    // A dry run plans and sends only GETs.
    let r = jazz_at(dir, url, &["deploy", "--dry-run", "--exit-code"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(
        redact(&r.stdout, dir),
        lines(&[
            "Loaded current schema from [ROOT]/schema.ts.".into(),
            format!("Would publish the current schema as {s1}."),
            "Loaded current permissions from [ROOT]/permissions.ts.".into(),
            format!("Would publish permissions as v1 on {s1}."),
        ])
    );
    assert!(engine.hashes().is_empty());
    assert!(engine.head().is_null());

    // Deploy v1.
    let r = jazz_at(dir, url, &["deploy"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(
        redact(&r.stdout, dir),
        lines(&[
            "Loaded current schema from [ROOT]/schema.ts.".into(),
            format!("Published the current schema as {s1}."),
            "Loaded current permissions from [ROOT]/permissions.ts.".into(),
            format!("Published permissions as v1 on {s1}."),
        ])
    );
    assert_eq!(engine.hashes(), [h1.as_str()]);
    let head1 = engine.head();
    assert_eq!(
        (head1["version"].as_u64(), head1["schemaHash"].as_str()),
        (Some(1), Some(h1.as_str()))
    );
    let bundle1 = head1["bundleObjectId"]
        .as_str()
        .expect("bundle id")
        .to_owned();

    let r = jazz_at(dir, url, &["permissions", "status", "--exit-code"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let mut want = loaded("structural schema");
    want.extend([
        format!("Local structural schema matches stored hash {s1}."),
        "Permission-only changes do not create schema hashes or require migrations.".into(),
        format!("Server permissions head is v1 on {s1}."),
        "Current server permissions already target this structural schema.".into(),
        format!("Next push will require parent bundle {bundle1}."),
        "Local permissions match the server head.".into(),
    ]);
    assert_eq!(redact(&r.stdout, dir), lines(&want));

    // Deploying again changes nothing: the server keeps the head.
    let r = jazz_at(dir, url, &["deploy", "--format", "json", "--exit-code"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = envelope(&r.stdout, "deploy", 0);
    assert_eq!(v["result"]["schema"]["status"], "already-stored", "{v}");
    assert_eq!(v["result"]["migration"]["status"], "not-needed", "{v}");
    assert_eq!(v["result"]["permissions"]["status"], "unchanged", "{v}");
    assert_eq!(
        v["result"]["permissions"]["bundle_object_id"],
        bundle1.as_str()
    );
    assert_eq!(engine.head()["version"], 1);

    // A schema change that needs a row transform, without its migration.
    assert_eq!(run(jazz(dir).args(["migrations", "create"])).code, 0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(dir.join("schema.ts"), V2).expect("write");
    let h2 = current_hash(dir);
    let s2 = &h2[..12];
    let gap = format!(
        "The new permissions schema {s2} is not connected to the previous permissions schema {s1} on the server. Reads and writes may fail until you push a migration. Run `jazz migrations create {APP} --fromHash {s1} --toHash {s2}` to create a migration and then re-run this command."
    );
    let r = jazz_at(
        dir,
        url,
        &["deploy", "--dry-run", "--no-verify", "--exit-code"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.stderr, format!("Warning: {gap}\n"));
    assert!(
        r.stdout
            .ends_with(&format!("Would publish permissions as v2 on {s2}.\n")),
        "{}",
        r.stdout
    );

    let r = jazz_at(dir, url, &["deploy"]);
    assert_eq!((r.code, r.stderr.clone()), (1, format!("error: {gap}\n")));
    assert_eq!(
        redact(&r.stdout, dir),
        lines(&[
            "Loaded current schema from [ROOT]/schema.ts.".into(),
            format!("Published the current schema as {s2}."),
            "Loaded current permissions from [ROOT]/permissions.ts.".into(),
        ])
    );
    assert_eq!(engine.head()["version"], 1, "permissions must not move");
    assert!(!engine.connected(&h1, &h2));

    let r = jazz_at(dir, url, &["permissions", "status", "--exit-code"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "Current server permissions target {s1}; pushing will retarget the head to {s2}.\n"
        )),
        "{}",
        r.stdout
    );

    // Write and fill the migration; deploy pushes it, then the permissions.
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stub = stubs(dir).pop().expect("a stub");
    let text = fs::read_to_string(&stub).expect("stub");
    fs::write(
        &stub,
        text.replace(
            "      // TODO: Added required column \"priority\" needs an explicit default.\n",
            "      priority: s.add.int({ default: 7 }),\n",
        ),
    )
    .expect("write");
    let name = stub.file_name().and_then(|n| n.to_str()).expect("name");
    let r = jazz_at(dir, url, &["deploy", "--exit-code"]);
    assert_eq!((r.code, r.stderr.as_str()), (3, ""));
    assert_eq!(
        redact(&r.stdout, dir),
        lines(&[
            "Loaded current schema from [ROOT]/schema.ts.".into(),
            format!(
                "The current schema is already stored in the server as {s2}; skipping publish."
            ),
            "Loaded current permissions from [ROOT]/permissions.ts.".into(),
            format!("Pushed migration {s1} -> {s2} from {name}."),
            format!("Published permissions as v2 on {s2}."),
        ])
    );
    assert_eq!(engine.hashes(), [h1.as_str(), h2.as_str()]);
    assert!(engine.connected(&h1, &h2));
    let head2 = engine.head();
    assert_eq!(head2["version"], 2);
    assert_eq!(head2["schemaHash"], h2.as_str());
    assert_eq!(head2["parentBundleObjectId"], bundle1.as_str());
    let r = jazz_at(dir, url, &["permissions", "status", "--exit-code"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("Server permissions head is v2 on {s2}.\n"))
    );
}

#[test]
fn deploy_without_permissions_then_status_without_a_head() {
    let tmp = project(&[("schema.ts", V1)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    let h1 = current_hash(dir);
    let s1 = &h1[..12];
    let r = jazz_at(dir, &engine.url, &["deploy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        redact(&r.stdout, dir),
        lines(&[
            "Loaded current schema from [ROOT]/schema.ts.".into(),
            format!("Published the current schema as {s1}."),
            "No permissions.ts found; skipping permissions publish.".into(),
        ])
    );
    assert!(engine.head().is_null());

    // Without permissions, status has nothing to say.
    let r = jazz_at(dir, &engine.url, &["permissions", "status"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("No permissions found for this app. Create a permissions.ts file before using permissions commands."),
        "{}",
        r.stderr
    );

    fs::write(dir.join("permissions.ts"), PERMS).expect("write");
    let r = jazz_at(dir, &engine.url, &["permissions", "status", "--exit-code"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        redact(&r.stdout, dir).ends_with(&lines(&[
            format!("Local structural schema matches stored hash {s1}."),
            "Permission-only changes do not create schema hashes or require migrations.".into(),
            "Server has no published permissions head yet.".into(),
            "Next push will publish version 1.".into(),
        ])),
        "{}",
        r.stdout
    );
    let r = jazz_at(
        dir,
        &engine.url,
        &["permissions", "status", "--format", "json"],
    );
    let v = envelope(&r.stdout, "permissions status", 0);
    assert_eq!(v["result"]["head"], serde_json::Value::Null);
    assert_eq!(v["result"]["next_version"], 1);
    assert_eq!(v["result"]["matches_head"], false);
    assert_eq!(v["result"]["schema_hash"], h1.as_str());

    // Missing settings are one line each, in the order app id, URL, secret.
    let r = run(jazz(dir).arg("deploy"));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "error: Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID).\n"
        )
    );
    let r = run(jazz(dir).args(["deploy", APP, "--server-url", &engine.url]));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "error: Missing admin secret. Pass --admin-secret <secret> or set JAZZ_ADMIN_SECRET.\n"
        )
    );
}

#[test]
fn stale_parent_is_a_409_with_a_hint() {
    let tmp = project(&[("schema.ts", V1), ("permissions.ts", PERMS)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    assert_eq!(jazz_at(dir, &engine.url, &["deploy"]).code, 0);
    let h1 = current_hash(dir);
    // Another publish lands between deploy's head fetch and its own publish.
    let base = engine.url.clone();
    let hash = h1.clone();
    let before: Before = Box::new(move |method, path| {
        if method == "POST" && path.ends_with("/admin/permissions") {
            let e = Engine::attach(&base);
            let parent = e.head()["bundleObjectId"].to_string();
            let (status, body) = e.post(
                "admin/permissions",
                &format!(r#"{{"schemaHash":"{hash}","permissions":{{"todos":{{}}}},"expectedParentBundleObjectId":{parent}}}"#),
            );
            assert_eq!(status, 201, "{body}");
        }
    });
    let (url, _) = proxy(engine.url.clone(), before, Box::new(|_, b| b));
    fs::write(
        dir.join("permissions.ts"),
        PERMS.replace("allowDelete.always()", "allowDelete.never()"),
    )
    .expect("write");
    let r = jazz_at(dir, &url, &["permissions", "status"]);
    assert!(
        r.stdout
            .ends_with("Local permissions differ from the server head.\n"),
        "{}",
        r.stdout
    );
    let head1 = engine.head();
    let r = jazz_at(dir, &url, &["deploy"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let head2 = engine.head();
    assert_eq!(head2["version"], 2, "only the concurrent publish landed");
    assert_eq!(
        r.stderr,
        format!(
            "error: Permissions publish failed: 409 Conflict - {{\"error\":\"stale permissions parent: expected {}, current {}\",\"code\":\"bad_request\"}}\nhint: permissions changed on the server while deploying; re-run jazz deploy.\n",
            head1["bundleObjectId"].as_str().expect("id"),
            head2["bundleObjectId"].as_str().expect("id"),
        )
    );
}

#[test]
fn a_server_hash_that_differs_stops_deploy() {
    let tmp = project(&[("schema.ts", V1), ("permissions.ts", PERMS)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    let h1 = current_hash(dir);
    let bogus = "f".repeat(64);
    let forged = bogus.clone();
    let after: After = Box::new(move |path, body| {
        if path.ends_with("/admin/schemas") {
            let v: serde_json::Value = serde_json::from_str(&body).expect("json");
            let real = v["hash"].as_str().expect("hash").to_owned();
            return body.replace(&real, &forged);
        }
        body
    });
    let (url, seen) = proxy(engine.url.clone(), Box::new(|_, _| {}), after);
    let r = jazz_at(dir, &url, &["deploy"]);
    assert_eq!(
        (r.code, r.stderr),
        (
            1,
            format!(
                "error: Server computed schema hash ffffffffffff for the current schema, but jazz computed {}. Refusing to deploy; please report this bug.\n",
                &h1[..12]
            )
        )
    );
    let seen = seen.lock().expect("lock");
    assert_eq!(
        seen.last().map(|(m, p, _)| (m.as_str(), p.as_str())),
        Some(("POST", format!("/apps/{APP}/admin/schemas").as_str())),
        "no request may follow the mismatch: {seen:?}"
    );
    assert!(engine.head().is_null());
}

#[test]
fn deny_warnings_publishes_nothing() {
    let no_read = PERMS.replace("  policy.todos.allowRead.always();\n", "");
    let tmp = project(&[("schema.ts", V1), ("permissions.ts", &no_read)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    let r = jazz_at(dir, &engine.url, &["deploy", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "table \"todos\" has no explicit read policy in permissions.ts; enforcing runtimes default to deny."
        ) && r.stderr.contains("
Found 0 error(s) and ")
            && r.stderr.ends_with(" warning(s); nothing was deployed (--deny-warnings).
"),
        "{}",
        r.stderr
    );
    assert!(engine.hashes().is_empty());
    // Without the flag the warning does not block.
    let r = jazz_at(dir, &engine.url, &["deploy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(engine.head()["version"], 1);
}

/// A reorder-only change has a new hash (upstream's structural comparison called it "already
/// stored"): deploy publishes it and connects it with an empty lens, reading the head's schema
/// from the server because nothing is snapshotted locally.
#[test]
fn a_reorder_only_change_is_published_with_an_empty_lens() {
    let ab = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), done: s.boolean() }) };\nexport const app = s.defineApp(schema);\n";
    let ba = ab.replace(
        "title: s.string(), done: s.boolean()",
        "done: s.boolean(), title: s.string()",
    );
    let tmp = project(&[("schema.ts", ab), ("permissions.ts", PERMS)]);
    let dir = tmp.path();
    let engine = Engine::start(dir);
    assert_eq!(jazz_at(dir, &engine.url, &["deploy"]).code, 0);
    let h1 = current_hash(dir);
    fs::write(dir.join("schema.ts"), ba).expect("write");
    let h2 = current_hash(dir);
    assert_ne!(h1, h2);
    let (s1, s2) = (&h1[..12], &h2[..12]);
    let r = jazz_at(dir, &engine.url, &["deploy", "--format", "json"]);
    let v = envelope(&r.stdout, "deploy", 0);
    assert_eq!(
        v["result"],
        serde_json::json!({
            "dry_run": false,
            "schema": { "status": "published", "hash": h2 },
            "migration": { "status": "pushed", "from_hash": h1, "to_hash": h2, "file": null },
            "permissions": {
                "status": "published",
                "version": 2,
                "schema_hash": h2,
                "bundle_object_id": engine.head()["bundleObjectId"],
            },
        })
    );
    assert!(engine.connected(&h1, &h2));
    assert!(!dir.join("migrations").exists(), "deploy writes no files");
    // The text form of the same step, on a second reorder back.
    fs::write(dir.join("schema.ts"), ab).expect("write");
    let r = jazz_at(dir, &engine.url, &["deploy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "\nThe current schema is already stored in the server as {s1}; skipping publish.\n"
        )) && r
            .stdout
            .contains(&format!("\nPublished permissions as v3 on {s1}.\n")),
        "{}",
        r.stdout
    );
    // h2 -> h1 is already connected (lenses join schemas in both directions).
    assert!(
        !r.stdout.contains(&format!("Pushed migration {s2}")),
        "{}",
        r.stdout
    );
    let r = jazz_at(
        dir,
        &engine.url,
        &["deploy", "--dry-run", "--format", "json"],
    );
    let v = envelope(&r.stdout, "deploy", 0);
    assert_eq!(v["result"]["dry_run"], true);
    assert_eq!(v["result"]["permissions"]["status"], "unchanged", "{v}");
    assert_eq!(v["result"]["permissions"]["version"], 3, "{v}");
    let r = jazz_at(dir, &engine.url, &["deploy", "--dry-run"]);
    assert!(r.stdout.ends_with("\nNothing to deploy.\n"), "{}", r.stdout);
}
