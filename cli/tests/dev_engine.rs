//! `jazz dev` on upstream's real engine, found in the project's `node_modules/jazz-tools` (a
//! link to `JAZZ_UPSTREAM_SERVER`, see `support::upstream`): auto-detection, pushes, a broken
//! edit never published, a crashed engine restarted and pushed to again, no engine process
//! left behind (Ctrl-C or SIGKILL of `jazz dev`), the sync route, the missing-migration flow,
//! and a real app (upstream's `todo-server`) syncing through it.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::dev::{Dev, PATIENCE, Server, edit, local_hash, stub_of, wait_for};
use support::upstream::{alive, binary, gone, install, todo_server, upgrade_status};

const SCHEMA: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = {\n  todos: s.table({\n    title: s.string(),\n    done: s.boolean(),\n  }),\n};\nexport const app = s.defineApp(schema);\n";
const PERMISSIONS: &str = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.always();\n  policy.todos.allowInsert.always();\n});\n";

/// A project with the engine installed in its `node_modules`.
fn project_with_engine(engine: &Path, version: &str) -> tempfile::TempDir {
    let tmp = support::project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    install(tmp.path(), engine, version);
    tmp
}

/// The pid of the engine `jazz dev` started (from the JSON `started` event).
fn engine_pid(started: &Value) -> u32 {
    let pid = started["pid"].as_u64().expect("pid");
    u32::try_from(pid).expect("pid fits")
}

fn sigkill(pid: u32) {
    let ok = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

#[test]
fn the_engine_is_found_pushed_to_kept_up_and_stopped() {
    let Some(engine) = binary("the_engine_is_found_pushed_to_kept_up_and_stopped") else {
        return;
    };
    let tmp = project_with_engine(&engine, "2.0.0-alpha.50");
    let dir = tmp.path();
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of_engine(&dev);
    assert!(
        dev.out()
            .contains("Engine:   jazz-tools 2.0.0-alpha.50 (node_modules/jazz-tools/bin/native/jazz-tools-linux-x64)"),
        "{}",
        dev.out()
    );
    assert!(
        !dev.err().contains("installed jazz-tools is"),
        "no version warning for the reproduced version:\n{}",
        dev.err()
    );
    let inspector = dev.value_of("Inspector: ");
    assert!(
        inspector.contains(&format!("appId={}", server.app)),
        "{inspector}"
    );
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);

    // The sync route is the engine's: a WebSocket upgrade is accepted.
    let status = upgrade_status(&server.url, &format!("/apps/{}/ws", server.app));
    assert!(status.contains(" 101 "), "{status}");

    // A valid edit goes live; a broken one never does.
    let schema = dir.join("schema.ts");
    // (A new default needs no row transform, so no migration either.)
    edit(
        &schema,
        "done: s.boolean(),",
        "done: s.boolean().default(false),",
        true,
    );
    let h2 = local_hash(dir);
    assert_ne!(h1, h2);
    server.wait_live(&dev, &h2, 2);
    edit(&schema, "title: s.string()", "title: s.strin()", false);
    dev.wait_lines("[jazz] not pushed: 1 error(s)", 1);
    assert_eq!(server.head(), Some((h2.clone(), 2)));
    assert!(!server.hashes().iter().any(|h| *h != h1 && *h != h2));
    edit(&schema, "title: s.strin()", "title: s.string()", false);

    // A SIGKILLed engine is noticed, restarted on the same URL, and pushed to again: it ran
    // in memory, so the head it answers with again is the new push.
    let pid = wait_for("the engine pid", || {
        children(dev.child.id()).into_iter().next()
    })
    .expect("an engine child process");
    sigkill(pid);
    dev.wait_lines("[jazz] the engine exited (killed by signal 9)", 1);
    dev.wait_lines("[jazz] engine restarted on ", 1);
    server.wait_live(&dev, &h2, 1);
    let restarted = children(dev.child.id());
    assert!(restarted.len() == 1 && restarted[0] != pid, "{restarted:?}");

    // Ctrl-C: exit 0 and the engine is gone.
    let code = dev.stop();
    assert_eq!(code, Some(0));
    assert!(
        gone(restarted[0]),
        "engine {} outlived jazz dev",
        restarted[0]
    );
}

/// The child processes of `pid` (every thread's).
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            if let Ok(list) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(
                    list.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
    }
    out.retain(|p| alive(*p));
    out
}

#[test]
fn a_sigkilled_jazz_dev_takes_the_engine_along() {
    let Some(engine) = binary("a_sigkilled_jazz_dev_takes_the_engine_along") else {
        return;
    };
    let tmp = project_with_engine(&engine, "2.0.0-alpha.53");
    let dir = tmp.path();
    let dev = Dev::start(dir, &["--format", "json"]);
    let started = dev.wait_events("started", 1).remove(0);
    assert_eq!(started["engine"], "upstream", "{started}");
    assert_eq!(started["version"], "2.0.0-alpha.53", "{started}");
    assert!(
        started["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("node_modules/jazz-tools/bin/native/jazz-tools-linux-x64")),
        "{started}"
    );
    let ready = dev.wait_events("ready", 1).remove(0);
    assert_eq!(ready["engine"]["kind"], "upstream", "{ready}");
    assert!(ready["inspector"].as_str().is_some(), "{ready}");
    // Another version than the one jazz reproduces is warned about once.
    let warnings = dev.events("warning");
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w["message"]
                .as_str()
                .is_some_and(|m| m.contains("installed jazz-tools is 2.0.0-alpha.53")))
            .count(),
        1,
        "{warnings:?}"
    );
    dev.wait_events("cycle", 1);
    let pid = engine_pid(&started);
    assert!(alive(pid));
    // The data dir holds the engine's store under the app's folder, with the lock.
    let app = ready["app_id"].as_str().expect("app id");
    let store = dir.join("node_modules/.cache/jazz-dev-server").join(app);
    assert!(store.join("engine").is_dir(), "{}", store.display());
    assert!(store.join("jazz-dev.lock").is_file());

    // A second jazz dev on the same store is refused with the holder's pid.
    let second = support::run(support::jazz(dir).args(["dev", "--port", "0", "--app-id", app]));
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains(&format!("(pid {}, http://127.0.0.1:", dev.child.id())),
        "{}",
        second.stderr
    );

    sigkill(dev.child.id());
    assert!(gone(pid), "engine {pid} outlived a SIGKILLed jazz dev");
}

#[test]
fn a_change_that_needs_a_migration_gets_its_stub_and_goes_live_once_filled() {
    let Some(engine) =
        binary("a_change_that_needs_a_migration_gets_its_stub_and_goes_live_once_filled")
    else {
        return;
    };
    let tmp = project_with_engine(&engine, "2.0.0-alpha.50");
    let dir = tmp.path();
    let dev = Dev::start(dir, &["--in-memory"]);
    let server = Server::of_engine(&dev);
    let h1 = local_hash(dir);
    server.wait_live(&dev, &h1, 1);

    // A first try (a required `rank`) gets a stub; changed again before it was touched, that
    // stub and its snapshot are removed and the stub of the new edge is written.
    edit(
        &dir.join("schema.ts"),
        "    done: s.boolean(),\n",
        "    done: s.boolean(),\n    rank: s.int(),\n",
        false,
    );
    let first = local_hash(dir);
    dev.wait_lines("[jazz] created migrations/", 1);
    edit(
        &dir.join("schema.ts"),
        "    rank: s.int(),\n",
        "    priority: s.int(),\n",
        false,
    );
    let h2 = local_hash(dir);
    dev.wait_lines("[jazz] created migrations/", 2);
    dev.wait_lines("[jazz] removed migrations/", 1);
    let names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .expect("migrations")
        .chain(std::fs::read_dir(dir.join("migrations/snapshots")).expect("snapshots"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains(&first[..12])),
        "the obsolete stub and snapshot are gone: {names:?}"
    );
    let err = dev.err();
    assert!(
        err.contains(&format!(
            "[jazz] not pushed: schema {} needs a migration from {}",
            &h2[..12],
            &h1[..12]
        )),
        "{err}"
    );
    assert!(
        !err.contains("migrations create"),
        "no command to paste:\n{err}"
    );
    assert_eq!(
        server.head(),
        Some((h1.clone(), 1)),
        "the last good state stays"
    );
    let stub = stub_of(dir, &h1, &h2);
    edit(
        &stub,
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 0 }),\n",
        false,
    );
    server.wait_live(&dev, &h2, 2);
    let c = server.get(&format!(
        "admin/schema-connectivity?fromHash={h1}&toHash={h2}"
    ));
    assert_eq!(c["connected"], true, "{c}");
    assert_eq!(dev.stop(), Some(0));
}

#[test]
fn engine_selection_flags() {
    let Some(engine) = binary("engine_selection_flags") else {
        return;
    };
    // --engine embedded in a project that has the engine: our server, with its notice absent
    // (it was asked for), and the sync route answering 501 with the way to the engine.
    let tmp = project_with_engine(&engine, "2.0.0-alpha.50");
    let dev = Dev::start(tmp.path(), &["--in-memory", "--engine", "embedded"]);
    let server = Server::of(&dev);
    let status = upgrade_status(&server.url, &format!("/apps/{}/ws", server.app));
    assert!(status.contains(" 501 "), "{status}");
    assert_eq!(dev.stop(), Some(0));

    // --engine <path> in a project without node_modules.
    let bare = support::project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    let path = engine.display().to_string();
    let dev = Dev::start(bare.path(), &["--in-memory", "--engine", &path]);
    let server = Server::of_engine(&dev);
    server.wait_live(&dev, &local_hash(bare.path()), 1);
    assert!(
        dev.err().contains("cannot tell the version"),
        "{}",
        dev.err()
    );
    assert_eq!(dev.stop(), Some(0));

    // --engine upstream where it is not installed: a clear error, exit 1.
    let r = support::run(support::jazz(bare.path()).args([
        "--no-env-file",
        "dev",
        "--engine",
        "upstream",
    ]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("jazz-tools is not installed")
            && r.stderr.contains("npm install jazz-tools"),
        "{}",
        r.stderr
    );

    // auto without the engine: the embedded server, and one line saying apps cannot sync.
    let dev = Dev::start(bare.path(), &["--in-memory"]);
    let _ = Server::of(&dev);
    dev.wait_lines("apps cannot sync against it", 1);
    assert_eq!(dev.err().matches("apps cannot sync against it").count(), 1);
    assert_eq!(dev.stop(), Some(0));
}

/// A free loopback port (bound and released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn todos(port: u16) -> Option<Vec<Value>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .get(format!("http://127.0.0.1:{port}/todos"))
        .call()
        .ok()?;
    if r.status().as_u16() != 200 {
        return None;
    }
    let v: Value = serde_json::from_str(&r.body_mut().read_to_string().ok()?).ok()?;
    match v {
        Value::Array(items) => Some(items),
        other => other.get("todos").and_then(|t| t.as_array().cloned()),
    }
}

#[test]
fn two_todo_servers_sync_through_jazz_dev() {
    let Some(engine) = binary("two_todo_servers_sync_through_jazz_dev") else {
        return;
    };
    let Some((todo, app_dir)) = todo_server(&engine) else {
        println!(
            "two_todo_servers_sync_through_jazz_dev: not run: no todo-server beside the engine"
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    for f in ["schema.ts", "permissions.ts"] {
        std::fs::copy(app_dir.join(f), dir.join(f)).expect("copy the todo app");
    }
    install(dir, &engine, "2.0.0-alpha.50");
    let jazz = assert_cmd::cargo::cargo_bin("jazz");
    let (p1, p2) = (free_port(), free_port());
    let data1 = dir.join("todo-data-1");
    let data2 = dir.join("todo-data-2");
    let todo_str = todo.display().to_string();
    let dev = Dev::start_env(
        dir,
        &["dev", "--port", "0", "--in-memory", "--", &todo_str],
        &[
            ("TODO_PORT", &p1.to_string()),
            ("TODO_DATA_DIR", &data1.display().to_string()),
            ("TODO_SCHEMA_DIR", &dir.display().to_string()),
            ("JAZZ_TOOLS_BIN", &jazz.display().to_string()),
        ],
    );
    let server = Server::of_engine(&dev);
    let backend = dev.value_of("Backend secret:");
    server.wait_live(&dev, &local_hash(dir), 1);
    let first = wait_for("todo-server 1", || todos(p1));
    assert!(
        first.is_some(),
        "todo-server 1 never answered\n{}\n{}",
        dev.out(),
        dev.err()
    );

    let mut second = Command::new(&todo)
        .env("JAZZ_APP_ID", &server.app)
        .env("JAZZ_SERVER_URL", &server.url)
        .env("JAZZ_BACKEND_SECRET", &backend)
        .env("TODO_PORT", p2.to_string())
        .env("TODO_DATA_DIR", &data2)
        .env("TODO_SCHEMA_DIR", dir)
        .env("JAZZ_TOOLS_BIN", &jazz)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn todo-server 2");
    let ready = wait_for("todo-server 2", || todos(p2));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let created = agent
        .post(format!("http://127.0.0.1:{p1}/todos"))
        .header("Content-Type", "application/json")
        .send(r#"{"title":"buy milk through jazz dev"}"#)
        .map(|r| r.status().as_u16());
    let since = Instant::now();
    let synced = wait_for("the todo on the second server", || {
        todos(p2)?
            .iter()
            .any(|t| t["title"] == "buy milk through jazz dev")
            .then_some(())
    });
    let took = since.elapsed();
    let _ = second.kill();
    let _ = second.wait();
    assert!(ready.is_some(), "todo-server 2 never answered");
    assert!(matches!(created, Ok(200 | 201)), "{created:?}");
    assert!(
        synced.is_some(),
        "the todo never reached the second todo-server ({PATIENCE:?})\n{}\n{}",
        dev.out(),
        dev.err()
    );
    println!("todo synced between two todo-servers in {took:?}");
    assert_eq!(dev.stop(), Some(0));
}

/// An executable shell script standing in for an engine (`jazz server` speaks the engine's
/// command line, so a script can run it and misbehave around it).
#[cfg(unix)]
fn script_engine(dir: &Path, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-engine.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[cfg(unix)]
#[test]
fn an_engine_that_fails_to_start_is_shown_with_its_last_lines() {
    let tmp = support::project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    let engine = script_engine(
        tmp.path(),
        "echo 'starting up' >&2\necho 'fatal: cannot open the store' >&2\nexit 3",
    );
    let r = support::run(support::jazz(tmp.path()).args([
        "--no-env-file",
        "dev",
        "--in-memory",
        "--engine",
        &engine.display().to_string(),
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the engine exited during startup (exit code 3)")
            && r.stderr.contains("[engine] fatal: cannot open the store")
            && r.stderr.contains("--engine embedded"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_engine_that_keeps_crashing_is_given_up_after_five_restarts() {
    let tmp = support::project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    let jazz = assert_cmd::cargo::cargo_bin("jazz");
    // Serves for half a second, then dies as a crash would.
    let engine = script_engine(
        tmp.path(),
        &format!(
            "'{}' --no-env-file \"$@\" >/dev/null 2>&1 &\npid=$!\nsleep 0.5\nkill -9 $pid\necho 'engine crashed' >&2\nexit 1",
            jazz.display()
        ),
    );
    let started = Instant::now();
    let mut dev = Dev::start(
        tmp.path(),
        &["--in-memory", "--engine", &engine.display().to_string()],
    );
    // Five restarts with backoff (0 + 0.5 + 1 + 2 + 4 s) and six short runs.
    let deadline = Instant::now() + Duration::from_secs(90);
    let code = loop {
        if let Some(status) = dev.child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "jazz dev did not give up\n{}\n{}",
            dev.out(),
            dev.err()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    dev.read_to_end();
    let code = code.unwrap_or(-1);
    assert_eq!(code, 1, "{}", dev.err());
    let err = dev.err();
    assert_eq!(
        dev.out().matches("[jazz] engine restarted on ").count(),
        5,
        "{}\n{err}",
        dev.out()
    );
    assert!(
        err.contains("the engine could not be kept running (5 restarts within 60 s")
            && err.contains("[engine] engine crashed"),
        "{err}"
    );
    println!("gave up after {:?}", started.elapsed());
}
