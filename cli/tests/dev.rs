//! `jazz dev` as a real process: it starts the embedded server on a
//! random port, pushes every valid edit of schema.ts and permissions.ts (also when saved
//! through rename-and-replace), never publishes a broken edit, persists and reuses the app id
//! in `.env`, and exits 0 on SIGINT. Everything is checked through the HTTP admin API.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::dev::{
    Dev, PATIENCE, Server, create_migration, edit, live_app, local_hash, stub_of, wait_for,
};
#[test]
fn valid_edits_go_live_and_a_broken_one_never_does() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of(&dev);
    let schema = dir.join("schema.ts");

    // The initial cycle publishes schema and permissions.
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);
    dev.wait_lines(&format!("[jazz]   schema {} published", &h1[..12]), 1);

    // A valid edit, saved in place.
    edit(
        &schema,
        "done: s.boolean(),",
        "done: s.boolean(),\n    notes: s.string().optional(),",
        false,
    );
    let h2 = local_hash(dir);
    assert_ne!(h1, h2);
    server.wait_live(&dev, &h2, 2);
    dev.wait_lines(&format!("[jazz] schema updated ({})", &h2[..12]), 1);

    // A broken edit: reported, never published, and the server keeps serving the last bundle.
    edit(
        &schema,
        "notes: s.string().optional(),",
        "notes: s.string().optional(),\n    owner: s.ref(\"ghosts\"),",
        false,
    );
    dev.wait_lines(
        &format!(
            "[jazz] not pushed: 1 error(s); the server keeps schema {}, permissions v2.",
            &h2[..12]
        ),
        1,
    );
    assert_eq!(server.hashes(), sorted(&[&h1, &h2]));
    assert_eq!(server.head(), Some((h2.clone(), 2)));

    // Fixed again, saved the way editors do (write a temp file, rename it over the original).
    edit(
        &schema,
        "\n    owner: s.ref(\"ghosts\"),",
        "\n    priority: s.int().optional(),",
        true,
    );
    let h3 = local_hash(dir);
    server.wait_live(&dev, &h3, 3);

    // A permissions-only edit: same schema, a new permissions version with the new rule.
    let insert_check = |server: &Server| {
        let v = server.get("admin/permissions");
        let found = ["permissions", "bundle"]
            .iter()
            .find_map(|k| v.get(k).and_then(|p| p.get("todos")).cloned())
            .or_else(|| v.pointer("/head/permissions/todos").cloned())
            .unwrap_or_else(|| panic!("no todos permissions in {v}"));
        found["insert"]["with_check"]["type"].clone()
    };
    assert_eq!(insert_check(&server), "True");
    edit(
        &dir.join("permissions.ts"),
        "policy.todos.allowInsert.always();",
        "policy.todos.allowInsert.where({ $createdBy: session.user_id });",
        true,
    );
    server.wait_live(&dev, &h3, 4);
    assert_eq!(insert_check(&server), "Cmp");

    // Only the three valid schemas were ever stored.
    assert_eq!(server.hashes(), sorted(&[&h1, &h2, &h3]));
    assert_eq!(dev.stop(), Some(0));
}

fn sorted(h: &[&String]) -> Vec<String> {
    let mut v: Vec<String> = h.iter().map(|s| (*s).clone()).collect();
    v.sort();
    v
}

#[test]
fn the_app_id_is_saved_to_env_and_reused() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    std::fs::write(
        dir.join("package.json"),
        r#"{"devDependencies":{"vite":"6"}}"#,
    )
    .expect("package.json");
    std::fs::write(dir.join(".env"), "OTHER=1").expect(".env");

    let first = Dev::start(dir, &[]);
    let server = Server::of(&first);
    let id = server.app.clone();
    assert_eq!(
        uuid::Uuid::parse_str(&id).map(|u| u.get_version_num()),
        Ok(4)
    );
    first.wait_lines(
        &format!("[jazz] app id {id} saved to .env as VITE_JAZZ_APP_ID"),
        1,
    );
    first.wait_lines(&format!("  VITE_JAZZ_SERVER_URL={}", server.url), 1);
    let h = local_hash(dir);
    server.wait_live(&first, &h, 1);
    // DNS-rebinding protection: a loopback bind serves loopback Host names only.
    let port = server.url.rsplit(':').next().expect("port").to_owned();
    let health = |host: &str| {
        server
            .agent
            .get(&format!("{}/health", server.url))
            .header("Host", host)
            .call()
            .expect("GET /health")
            .status()
            .as_u16()
    };
    assert_eq!(health(&format!("localhost:{port}")), 200);
    assert_eq!(health(&format!("evil.example:{port}")), 421);
    // A second run on the same store is refused while the first one holds it.
    let second = support::jazz(dir)
        .args(["dev", "--port", "0"])
        .output()
        .expect("second jazz dev");
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("Another jazz dev is already using")
            && stderr.contains(&format!("(pid {}, {})", first.child.id(), server.url)),
        "{stderr}"
    );
    assert_eq!(first.stop(), Some(0), "SIGINT shuts down cleanly");
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).expect(".env"),
        format!("OTHER=1\nVITE_JAZZ_APP_ID={id}\n")
    );
    assert!(
        dir.join("node_modules/.cache/jazz-dev-server")
            .join(&id)
            .is_dir(),
        "the store lives under <data dir>/<appId>"
    );

    // The second start reuses the id, leaves .env alone, and finds its data again: the store
    // was closed cleanly and the unchanged project makes no new permissions version.
    let second = Dev::start(dir, &[]);
    let again = Server::of(&second);
    assert_eq!(again.app, id);
    second.wait_lines("[jazz]   schema", 1);
    assert_eq!(again.hashes(), vec![h.clone()]);
    assert_eq!(again.head(), Some((h, 1)));
    assert!(second.out().contains("already stored"), "{}", second.out());
    assert!(!second.out().contains("saved to .env"));
    assert_eq!(second.stop(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).expect(".env"),
        format!("OTHER=1\nVITE_JAZZ_APP_ID={id}\n")
    );
}

#[test]
fn a_missing_schema_exits_1_and_remote_mode_needs_the_admin_secret() {
    let empty = tempfile::tempdir().expect("temp dir");
    let out = support::jazz(empty.path())
        .args(["dev", "--in-memory"])
        .output()
        .expect("jazz dev");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Schema file not found."));

    let app = support::copy_app("todo-minimal");
    let out = support::jazz(app.path())
        .args([
            "dev",
            "--server",
            "http://127.0.0.1:9",
            "--app-id",
            "my-app",
        ])
        .output()
        .expect("jazz dev");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "Missing admin secret. Pass --admin-secret <secret> or set JAZZ_ADMIN_SECRET."
        )
    );
    let out = support::jazz(app.path())
        .args(["dev", "--server", "http://127.0.0.1:9", "--port", "1"])
        .output()
        .expect("jazz dev");
    assert_eq!(
        out.status.code(),
        Some(2),
        "embedded-only flags are usage errors"
    );
}

#[test]
fn remote_mode_pushes_to_an_existing_server() {
    // The "existing server" is another `jazz dev` on an identical copy of the app.
    let upstream_app = support::copy_app("todo-minimal");
    let app = support::copy_app("todo-minimal");
    let id = "5b0f3c52-8a2d-4a8e-9f41-2d6c3b7a9e10";
    let upstream = Dev::start(
        upstream_app.path(),
        &[
            "--in-memory",
            "--admin-secret",
            "shared-secret",
            "--app-id",
            id,
        ],
    );
    let url = upstream.value_of("Running a local jazz server on ");
    let h1 = local_hash(app.path());
    let server = Server {
        url: url.clone(),
        app: id.to_owned(),
        secret: "shared-secret".to_owned(),
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into(),
    };
    server.wait_live(&upstream, &h1, 1);

    let mut remote = Command::new(assert_cmd::cargo::cargo_bin("jazz"));
    remote
        .current_dir(app.path())
        .args(["dev", "--server", &url, "--admin-secret", "shared-secret"])
        .arg(id)
        .env_remove("JAZZ_ADMIN_SECRET")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let remote = Dev::of_child(remote.spawn().expect("spawn jazz dev --server"));
    remote.wait_lines(&format!("[jazz] using server {url}"), 1);
    // Same project: the schema is already stored and the permissions are unchanged.
    remote.wait_lines(&format!("[jazz]   schema {} already stored", &h1[..12]), 1);
    assert!(
        remote.out().contains("permissions v1 unchanged"),
        "{}",
        remote.out()
    );
    assert!(!remote.out().contains("Running a local jazz server"));

    edit(
        &app.path().join("permissions.ts"),
        "policy.todos.allowInsert.always();",
        "policy.todos.allowInsert.where({ $createdBy: session.user_id });",
        false,
    );
    server.wait_live(&remote, &h1, 2);
    assert_eq!(server.hashes(), vec![h1]);
    assert!(
        !app.path().join("node_modules").exists(),
        "remote mode writes no data dir"
    );
    assert_eq!(remote.stop(), Some(0));
    assert_eq!(upstream.stop(), Some(0));
}

#[test]
fn an_edit_to_an_imported_file_goes_live() {
    let app = support::copy_app("split-files");
    let dir = app.path();
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of(&dev);
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);
    // schema.ts, auth/schema.ts, permissions.ts and the env file.
    dev.wait_lines("[jazz] watching 4 files", 1);

    edit(
        &dir.join("auth").join("schema.ts"),
        "email: s.string(),",
        "email: s.string(),\n    image: s.string().optional(),",
        true,
    );
    let h2 = local_hash(dir);
    assert_ne!(h1, h2);
    server.wait_live(&dev, &h2, 2);
    assert_eq!(server.hashes(), sorted(&[&h1, &h2]));
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn json_mode_prints_ndjson_events_and_sigterm_exits_0() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    let mut dev = Dev::start(dir, &["--in-memory", "--format", "json"]);
    let ready =
        wait_for("ready", || events(&dev, "ready").into_iter().next()).expect("ready event");
    assert_eq!(ready["mode"], "embedded");
    let url = ready["url"].as_str().expect("url").to_owned();
    assert_eq!(ready["env"]["JAZZ_SERVER_URL"], url.as_str());
    assert!(
        ready["admin_secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("jazz-dev-")),
        "a generated secret is in the ready event: {ready}"
    );
    let pushed =
        wait_for("cycle", || events(&dev, "cycle").into_iter().next()).expect("cycle event");
    assert_eq!(pushed["status"], "pushed", "{pushed}");
    assert_eq!(pushed["schema"]["hash"], local_hash(dir).as_str());
    assert_eq!(pushed["permissions"]["version"], 1);

    edit(
        &dir.join("schema.ts"),
        "done: s.boolean(),",
        "done: s.boolean(),\n    owner: s.ref(\"ghosts\"),",
        false,
    );
    let failed = wait_for("compile-error", || {
        events(&dev, "cycle")
            .into_iter()
            .find(|e| e["status"] == "compile-error")
    })
    .expect("a compile-error cycle");
    assert_eq!(failed["diagnostics"][0]["code"], "JZ1016", "{failed}");
    assert_eq!(failed["diagnostics"][0]["file"], "schema.ts");

    let pid = dev.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let deadline = Instant::now() + PATIENCE;
    let code = loop {
        if let Some(st) = dev.child.try_wait().expect("wait") {
            break st.code();
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    let shutdown = wait_for("shutdown", || events(&dev, "shutdown").into_iter().next());
    assert_eq!(shutdown.map(|s| s["exit_code"].clone()), Some(0.into()));
    assert!(
        dev.err().is_empty(),
        "nothing on stderr in JSON mode: {}",
        dev.err()
    );
}

/// A migration file that does not parse, for an edge no schema here has.
const BROKEN_MIGRATION: &str = "20260101000000-broken-aaaaaaaaaaaa-bbbbbbbbbbbb.ts";

/// The errors a cycle event reports in `migrations/<BROKEN_MIGRATION>`.
fn broken_migration_errors(cycle: &Value) -> usize {
    let file = format!("migrations/{BROKEN_MIGRATION}");
    cycle["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics in {cycle}"))
        .iter()
        .filter(|d| d["file"] == file.as_str() && d["severity"] == "error")
        .count()
}

#[test]
fn a_migration_file_with_an_error_is_in_the_cycle_event_and_blocks_no_push() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    // The baseline snapshot: the change below needs a migration from it, which `jazz validate`
    // reports as JZ3504 and jazz dev leaves to its own missing-migration event.
    create_migration(dir);
    std::fs::write(
        dir.join("migrations").join(BROKEN_MIGRATION),
        "import { schema as s } from \"jazz-tools\";\nexport default s.defineMigration({\n",
    )
    .expect("write the migration");
    let dev = Dev::start(dir, &["--in-memory", "--format", "json"]);
    let h1 = local_hash(dir);
    let first =
        wait_for("cycle", || events(&dev, "cycle").into_iter().next()).expect("cycle event");
    assert_eq!(first["status"], "pushed", "{first}");
    assert_eq!(first["schema"]["hash"], h1.as_str());
    assert!(broken_migration_errors(&first) > 0, "{first}");

    // A change that needs a migration: pushed anyway (the embedded server is lenient), the
    // broken file still reported, and the missing migration said once, as an event.
    edit(
        &dir.join("schema.ts"),
        "done: s.boolean(),",
        "done: s.boolean(),\n    priority: s.int(),",
        false,
    );
    let h2 = local_hash(dir);
    let second = wait_for("second cycle", || {
        events(&dev, "cycle")
            .into_iter()
            .find(|e| e["schema"]["hash"] == h2.as_str())
    })
    .expect("a cycle that pushes the change");
    assert_eq!(second["status"], "pushed", "{second}");
    assert!(broken_migration_errors(&second) > 0, "{second}");
    let missing = wait_for("migration-missing", || {
        events(&dev, "migration-missing").into_iter().next()
    })
    .expect("a migration-missing event");
    assert_eq!(missing["to_hash"], h2.as_str(), "{missing}");
    assert!(
        !dev.out().contains("JZ3504"),
        "jazz dev does not repeat the missing migration as JZ3504:\n{}",
        dev.out()
    );
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn a_file_a_migration_imports_is_watched() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    std::fs::create_dir(dir.join("migrations")).expect("mkdir");
    std::fs::write(
        dir.join("migrations/20260101000000-cols-aaaaaaaaaaaa-bbbbbbbbbbbb.ts"),
        "import { schema as s } from \"jazz-tools\";\nimport { cols } from \"../helper\";\nexport default s.defineMigration({\n  fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\",\n  migrate: {},\n  from: { todos: s.table(cols) },\n  to: { todos: s.table(cols) },\n});\n",
    )
    .expect("write the migration");
    let helper = dir.join("helper.ts");
    std::fs::write(
        &helper,
        "import { schema as s } from \"jazz-tools\";\nexport const cols = { title: s.string() };\n",
    )
    .expect("write helper.ts");
    let dev = Dev::start(dir, &["--in-memory", "--format", "json"]);
    let first =
        wait_for("cycle", || events(&dev, "cycle").into_iter().next()).expect("cycle event");
    assert_eq!(first["status"], "pushed", "{first}");
    // Only the migration reads helper.ts (JZ3502 says it should not): a save of it is a cycle.
    edit(
        &helper,
        "title: s.string()",
        "title: s.string(), done: s.boolean()",
        false,
    );
    let again = wait_for("a cycle for helper.ts", || {
        events(&dev, "cycle").into_iter().find(|e| {
            e["trigger"]
                .as_array()
                .is_some_and(|t| t.iter().any(|p| p == "helper.ts"))
        })
    });
    assert!(again.is_some(), "{}", dev.out());
    assert_eq!(dev.stop(), Some(0));
}

/// The NDJSON events named `name` printed so far; every stdout line must be one.
fn events(dev: &Dev, name: &str) -> Vec<Value> {
    dev.stdout
        .lock()
        .expect("lines")
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .filter(|v| v["event"] == name)
        .collect()
}

#[test]
fn a_reviewed_migration_saved_later_reconnects_the_schemas() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    create_migration(dir); // the snapshot of the first schema
    // The default data dir: the printed command finds this session's URL and secret itself.
    let dev = Dev::start(dir, &[]);
    let server = Server::of(&dev);
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);

    // A required column needs a row transform: published anyway (lenient), with two lines that
    // name the edge and a command that works when pasted (stdin is not a terminal here).
    edit(
        &dir.join("schema.ts"),
        "done: s.boolean(),",
        "done: s.boolean(),\n    priority: s.int(),",
        true,
    );
    let h2 = local_hash(dir);
    server.wait_live(&dev, &h2, 2);
    dev.wait_lines(
        &format!(
            "[jazz] schema {} is live without a migration from {}",
            &h2[..12],
            &h1[..12]
        ),
        1,
    );
    let command = dev
        .err()
        .lines()
        .find_map(|l| l.strip_prefix("[jazz] to create its stub, run: "))
        .and_then(|l| l.split_once("; jazz dev pushes it"))
        .map(|(c, _)| c.to_owned())
        .unwrap_or_else(|| panic!("no command line in\n{}", dev.err()));
    assert!(
        !dev.err().contains("re-run this command") && !dev.err().contains("hint:"),
        "{}",
        dev.err()
    );
    let connected = |s: &Server| {
        s.get(&format!(
            "admin/schema-connectivity?fromHash={h1}&toHash={h2}"
        ))["connected"]
            .clone()
    };
    assert_eq!(connected(&server), false);

    // The command, pasted into a shell in the project (no env file, no variables), writes the
    // stub; with its TODO still in, it is never pushed.
    std::thread::sleep(Duration::from_millis(1100));
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args.first(), Some(&"jazz"), "{command}");
    assert!(
        !command.contains("--server-url") && !command.contains("--admin-secret"),
        "{command}"
    );
    let pasted = support::jazz(dir)
        .arg("--no-env-file")
        .args(&args[1..])
        .output()
        .expect("the pasted command runs");
    let pasted_err = String::from_utf8_lossy(&pasted.stderr);
    assert!(pasted.status.success(), "{command}\n{pasted_err}");
    assert!(
        pasted_err.contains(&format!(
            "Using the server URL {} of the running jazz dev (pid {}) and the admin secret in node_modules/.cache/jazz-dev-server/{}.admin-secret.",
            server.url,
            dev.child.id(),
            server.app
        )),
        "{pasted_err}"
    );
    let stub = stub_of(dir, &h1, &h2);
    dev.wait_lines(
        &format!("[jazz] migration {} -> {} not pushed", &h1[..12], &h2[..12]),
        1,
    );
    assert_eq!(connected(&server), false);

    // Filled in and saved: jazz dev pushes it and the schemas are connected.
    edit(
        &stub,
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 0 }),\n",
        true,
    );
    dev.wait_lines(
        &format!("[jazz] pushed migration {} -> {}", &h1[..12], &h2[..12]),
        1,
    );
    assert_eq!(connected(&server), true);
    assert_eq!(server.head(), Some((h2, 2)), "permissions are unchanged");
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn a_save_that_only_pushes_a_migration_says_so() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    create_migration(dir); // the snapshot of the first schema
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of(&dev);
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);
    // A change that needs a migration goes live without one (the embedded server is lenient).
    edit(
        &dir.join("schema.ts"),
        "done: s.boolean(),",
        "done: s.boolean(),\n    priority: s.int(),",
        true,
    );
    let h2 = local_hash(dir);
    server.wait_live(&dev, &h2, 2);
    let (f12, t12) = (&h1[..12], &h2[..12]);

    // Its stub, from the snapshot, saved with its TODO: not pushed, and the summary says so.
    create_migration(dir);
    let stub = stub_of(dir, &h1, &h2);
    dev.wait_lines(
        &format!("[jazz]   schema {t12} already stored · migration {f12} -> {t12} not pushed · permissions v2 unchanged"),
        1,
    );

    // Filled in: only the migration is pushed, and both lines say that, not "not needed".
    edit(
        &stub,
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 0 }),\n",
        true,
    );
    dev.wait_lines(
        &format!("[jazz]   schema {t12} already stored · migration {f12} -> {t12} pushed · permissions v2 unchanged"),
        1,
    );
    let out = dev.out();
    assert!(
        out.contains(&format!("[jazz] schema {t12} unchanged\n")),
        "{out}"
    );
    assert!(
        !out.contains("already stored · migration not needed"),
        "{out}"
    );
    assert_eq!(server.head(), Some((h2, 2)), "permissions are unchanged");
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn the_child_command_gets_the_env_and_its_exit_ends_jazz_dev() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    std::fs::write(
        dir.join("package.json"),
        r#"{"dependencies":{"next":"15"}}"#,
    )
    .expect("package.json");
    let out = support::jazz(dir)
        .args(["dev", "--in-memory", "--port", "0", "--"])
        .args([
            "sh",
            "-c",
            "echo \"child: $NEXT_PUBLIC_JAZZ_APP_ID $NEXT_PUBLIC_JAZZ_SERVER_URL ${JAZZ_ADMIN_SECRET:-no-admin} ${JAZZ_BACKEND_SECRET:-no-backend}\"; exit 3",
        ])
        .env("JAZZ_ADMIN_SECRET", "from-the-environment")
        .timeout(PATIENCE)
        .output()
        .expect("jazz dev -- sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "the child's exit code\n{stdout}"
    );
    assert!(
        stdout.contains("Admin secret: (from JAZZ_ADMIN_SECRET)"),
        "{stdout}"
    );
    let url = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Running a local jazz server on "))
        .expect("url");
    let id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("App id:"))
        .map(str::trim)
        .expect("app id");
    let backend = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Backend secret: "))
        .expect("backend secret");
    assert_eq!(
        stdout.lines().find(|l| l.starts_with("child: ")),
        Some(format!("child: {id} {url} no-admin {backend}").as_str()),
        "{stdout}"
    );
    // The child starts after the initial push.
    let pushed = stdout.find("[jazz]   schema").expect("pushed");
    assert!(
        stdout.find("child: ").is_some_and(|c| c > pushed),
        "{stdout}"
    );
}

#[test]
fn write_env_keeps_the_url_stable_across_restarts() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    std::fs::write(
        dir.join("package.json"),
        r#"{"devDependencies":{"@sveltejs/kit":"2"}}"#,
    )
    .expect("package.json");
    let first = Dev::start_with(dir, &["dev", "--in-memory", "--write-env"]);
    let url = first.value_of("Running a local jazz server on ");
    first.wait_lines(
        &format!("[jazz] wrote PUBLIC_JAZZ_SERVER_URL={url} to .env"),
        1,
    );
    let id = first.value_of("App id:");
    assert_eq!(first.stop(), Some(0));
    let env = std::fs::read_to_string(dir.join(".env")).expect(".env");
    assert_eq!(
        env,
        format!(
            "PUBLIC_JAZZ_APP_ID={id}\n# >>> jazz dev (managed; rewritten on every start) >>>\nPUBLIC_JAZZ_SERVER_URL={url}\n# <<< jazz dev <<<\n"
        )
    );

    let second = Dev::start_with(dir, &["dev", "--in-memory", "--write-env"]);
    assert_eq!(
        second.value_of("Running a local jazz server on "),
        url,
        "the recorded port is reused"
    );
    second.wait_lines("[jazz] wrote PUBLIC_JAZZ_SERVER_URL", 1);
    assert_eq!(second.stop(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).expect(".env"),
        env
    );
}

#[test]
fn an_env_file_change_reaches_process_env_reads() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    // The schema hash does not depend on permissions.ts (nor on its env reads).
    let h = local_hash(dir);
    edit(
        &dir.join("permissions.ts"),
        "policy.todos.allowInsert.always();",
        "policy.todos.allowInsert.where({ title: process.env.TODO_TITLE });",
        false,
    );
    std::fs::write(dir.join(".env"), "TODO_TITLE=first\n").expect(".env");
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of(&dev);
    server.wait_live(&dev, &h, 1);
    let insert = |s: &Server| {
        let v = s.get("admin/permissions");
        v.pointer("/permissions/todos/insert")
            .or_else(|| v.pointer("/head/permissions/todos/insert"))
            .map(Value::to_string)
            .unwrap_or_else(|| panic!("no insert policy in {v}"))
    };
    assert!(insert(&server).contains("\"first\""), "{}", insert(&server));

    // `.env` now also holds the app id jazz dev saved; keep it.
    edit(
        &dir.join(".env"),
        "TODO_TITLE=first",
        "TODO_TITLE=second\nJAZZ_SERVER_URL=http://example.invalid",
        true,
    );
    server.wait_live(&dev, &h, 2);
    assert!(
        insert(&server).contains("\"second\""),
        "{}",
        insert(&server)
    );
    dev.wait_lines(
        "warning: JAZZ_SERVER_URL changed in .env; restart jazz dev to apply it",
        1,
    );
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn back_to_the_published_state_after_an_error_says_so() {
    let (app, dev, server, h1) = live_app("todo-minimal");
    let dir = app.path();
    let schema = dir.join("schema.ts");
    let good = std::fs::read_to_string(&schema).expect("schema");
    edit(&schema, "done: s.boolean(),", "done: s.boolen(),", false);
    dev.wait_lines("[jazz] not pushed: 1 error(s)", 1);
    assert!(!dev.out().contains("[jazz] fixed"));
    std::fs::write(&schema, &good).expect("restore");
    dev.wait_lines(
        &format!(
            "[jazz] fixed: the server is up to date (schema {}, permissions v1).",
            &h1[..12]
        ),
        1,
    );
    assert_eq!(server.head(), Some((h1, 1)));
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn a_save_that_breaks_the_renderer_does_not_stop_later_pushes() {
    // A syntax error past column 65,535 once panicked the diagnostic renderer, which killed
    // the watch loop: later saves were never pushed and Ctrl-C exited 101.
    let (app, dev, server, _) = live_app("todo-minimal");
    let dir = app.path();
    let schema = dir.join("schema.ts");
    let good = std::fs::read_to_string(&schema).expect("schema");
    std::fs::write(
        &schema,
        format!("{good}\n{}const = ;\n", " ".repeat(70_000)),
    )
    .expect("write");
    // Reported as a compile error (or, should rendering ever fail again, an internal error).
    let reported = wait_for("the broken save reported", || {
        let err = dev.err();
        (err.contains("[jazz] not pushed") || err.contains("[jazz] internal error")).then_some(())
    });
    assert!(reported.is_some(), "{}", dev.err());
    let fixed = good.replacen(
        "done: s.boolean(),",
        "done: s.boolean(),\n    notes: s.string().optional(),",
        1,
    );
    assert_ne!(fixed, good);
    std::fs::write(&schema, fixed).expect("write");
    let h2 = local_hash(dir);
    server.wait_live(&dev, &h2, 2);
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn jazz_dev_from_a_subfolder_works_on_the_project_above() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    std::fs::create_dir(dir.join(".git")).expect(".git");
    let sub = dir.join("src").join("components");
    std::fs::create_dir_all(&sub).expect("subfolder");
    let dev = Dev::start(&sub, &["--in-memory"]);
    let server = Server::of(&dev);
    server.wait_live(&dev, &local_hash(dir), 1);
    let env = std::fs::read_to_string(dir.join(".env")).expect("the app's own .env");
    assert!(
        env.contains(&format!("JAZZ_APP_ID={}", server.app)),
        "{env}"
    );
    assert!(!sub.join(".env").exists());
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn the_generated_admin_secret_persists_and_other_commands_find_the_running_dev() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    // The app id from the .env jazz dev wrote; URL and secret from the running session.
    let status = || {
        support::jazz(dir)
            .args(["permissions", "status"])
            .output()
            .expect("jazz permissions status")
    };

    let dev = Dev::start(dir, &[]);
    let server = Server::of(&dev);
    server.wait_live(&dev, &local_hash(dir), 1);
    let file = dir
        .join("node_modules/.cache/jazz-dev-server")
        .join(format!("{}.admin-secret", server.app));
    assert_eq!(
        std::fs::read_to_string(&file)
            .expect("the kept secret")
            .trim(),
        server.secret
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    // Another command, with no URL or secret anywhere (the app id is in the .env jazz dev wrote,
    // which --no-env-file skips, so it is given), finds the running session and says where.
    let found = support::jazz(dir)
        .args(["--no-env-file", "permissions", "status", &server.app])
        .output()
        .expect("jazz permissions status");
    let err = String::from_utf8_lossy(&found.stderr);
    assert!(found.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "Using the server URL {} of the running jazz dev (pid {})",
            server.url,
            dev.child.id()
        )),
        "{err}"
    );
    // A URL for another server never gets this session's secret.
    let other = support::jazz(dir)
        .args([
            "--no-env-file",
            "permissions",
            "status",
            &server.app,
            "--server-url",
            "http://127.0.0.1:9",
        ])
        .output()
        .expect("jazz permissions status");
    let other_err = String::from_utf8_lossy(&other.stderr);
    assert!(!other.status.success());
    assert!(other_err.contains("Missing admin secret"), "{other_err}");
    let first_secret = server.secret.clone();
    assert_eq!(dev.stop(), Some(0));

    // Stopped: nothing is found, and the message is the usual one.
    let stopped = support::jazz(dir)
        .args(["--no-env-file", "permissions", "status", &server.app])
        .output()
        .expect("jazz permissions status");
    assert!(!stopped.status.success());
    assert!(
        String::from_utf8_lossy(&stopped.stderr).contains("Missing server URL"),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );

    // Restarted: the same secret (a new port), found again.
    let dev = Dev::start(dir, &[]);
    let again = Server::of(&dev);
    assert_eq!(again.app, server.app);
    assert_eq!(again.secret, first_secret);
    again.wait_live(&dev, &local_hash(dir), 1);
    let out = status();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&again.url), "{err}");
}

/// An installed jazz-tools other than the reproduced release is reported (JZ0113) in the first
/// cycle only, not again on every edit.
#[test]
fn another_installed_jazz_tools_is_warned_about_once_per_session() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    let pkg = dir.join("node_modules/jazz-tools");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(
        pkg.join("package.json"),
        r#"{ "name": "jazz-tools", "version": "2.0.0-alpha.53" }"#,
    )
    .expect("write");
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of(&dev);
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);
    edit(
        &dir.join("schema.ts"),
        "done: s.boolean(),",
        "done: s.boolean(),\n    notes: s.string().optional(),",
        false,
    );
    let h2 = local_hash(dir);
    server.wait_live(&dev, &h2, 2);
    dev.wait_lines(&format!("[jazz] schema updated ({})", &h2[..12]), 1);
    let seen = dev.out().matches("JZ0113").count() + dev.err().matches("JZ0113").count();
    assert_eq!(seen, 1, "{}\n--- stderr:\n{}", dev.out(), dev.err());
}
