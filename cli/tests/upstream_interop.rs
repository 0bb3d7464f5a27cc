//! The real `jazz` against upstream's real engine (`JAZZ_UPSTREAM_SERVER`, see
//! `support::upstream`): deploy, a migration across two versions, permissions status, an
//! unconnected permissions push refused with our message, and a wrong secret. Without the
//! variable each test prints one line saying it did not run.

mod support;

use std::fs;
use std::path::Path;

use support::upstream::{Upstream, binary, upgrade_status};
use support::{jazz, project, run};

const APP: &str = "7c9d3a52-1e4f-4b8a-8d2c-5f6e7a8b9c01";
const SECRET: &str = "interop-secret";

const V1: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), done: s.boolean() }) };\nexport const app = s.defineApp(schema);\n";
const V2: &str = "import { schema as s } from \"jazz-tools\";\nconst schema = { todos: s.table({ title: s.string(), done: s.boolean(), priority: s.int() }) };\nexport const app = s.defineApp(schema);\n";
const PERMISSIONS: &str = "import { definePermissions } from \"jazz-tools/permissions\";\nimport { app } from \"./schema\";\nexport default definePermissions(app, ({ policy }) => {\n  policy.todos.allowRead.always();\n  policy.todos.allowInsert.always();\n});\n";

/// `jazz <args>` against the engine at `url`.
fn against(dir: &Path, url: &str, secret: &str, args: &[&str]) -> support::Run {
    run(jazz(dir)
        .args(args)
        .env("JAZZ_APP_ID", APP)
        .env("JAZZ_SERVER_URL", url)
        .env("JAZZ_ADMIN_SECRET", secret))
}

fn full_hash(dir: &Path) -> String {
    let r = run(jazz(dir).args(["--no-env-file", "schema", "hash", "--full"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Current schema hash: "))
        .expect("hash line")
        .trim()
        .to_owned()
}

fn get(url: &str, route: &str, secret: &str) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .get(format!("{url}/apps/{APP}/{route}"))
        .header("X-Jazz-Admin-Secret", secret)
        .call()
        .expect("GET");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

#[test]
fn deploy_migrate_and_status_against_the_engine() {
    let Some(engine) = binary("deploy_migrate_and_status_against_the_engine") else {
        return;
    };
    let tmp = project(&[("schema.ts", V1), ("permissions.ts", PERMISSIONS)]);
    let dir = tmp.path();
    let up = Upstream::start(&engine, dir, APP, SECRET);
    let url = up.url.as_str();

    // v1: schema and permissions.
    let r = against(dir, url, SECRET, &["deploy"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Published permissions as v1"),
        "{}",
        r.stdout
    );
    let h1 = full_hash(dir);
    let (status, head) = get(url, "admin/permissions/head", SECRET);
    assert_eq!(status, 200);
    assert_eq!(head["head"]["schemaHash"], h1.as_str(), "{head}");
    assert!(upgrade_status(url, &format!("/apps/{APP}/ws")).contains(" 101 "));

    // Snapshot v1, change to v2 (a required column: a row transform is needed).
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(dir.join("schema.ts"), V2).expect("write v2");
    let h2 = full_hash(dir);

    // Deploying v2 without a migration is refused with our message; the head stays on v1.
    let r = against(dir, url, SECRET, &["deploy"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "The new permissions schema {} is not connected to the previous permissions schema {}",
            &h2[..12],
            &h1[..12]
        )),
        "{}",
        r.stderr
    );
    let (_, head) = get(url, "admin/permissions/head", SECRET);
    assert_eq!(head["head"]["schemaHash"], h1.as_str(), "{head}");
    assert_eq!(head["head"]["version"], 1, "{head}");

    // create + fill + push, then deploy: connected, permissions v2 on v2.
    let r = run(jazz(dir).args(["migrations", "create"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stub = fs::read_dir(dir.join("migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "ts"))
        .expect("a stub");
    let text = fs::read_to_string(&stub).expect("stub");
    let filled = text.replace(
        "      // TODO: Added required column \"priority\" needs an explicit default.\n",
        "      priority: s.add.int({ default: 0 }),\n",
    );
    assert_ne!(text, filled);
    fs::write(&stub, filled).expect("fill");
    let r = against(
        dir,
        url,
        SECRET,
        &["migrations", "push", &h1[..12], &h2[..12]],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let (status, c) = get(
        url,
        &format!("admin/schema-connectivity?fromHash={h1}&toHash={h2}"),
        SECRET,
    );
    assert_eq!(status, 200);
    assert_eq!(c["connected"], true, "{c}");
    let r = against(dir, url, SECRET, &["deploy"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let (_, head) = get(url, "admin/permissions/head", SECRET);
    assert_eq!(head["head"]["schemaHash"], h2.as_str(), "{head}");
    assert_eq!(head["head"]["version"], 2, "{head}");

    let r = against(dir, url, SECRET, &["permissions", "status"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Server permissions head is v2 on")
            && r.stdout
                .contains("Local permissions match the server head."),
        "{}",
        r.stdout
    );

    // A wrong secret: the engine's 401 reaches the user.
    let r = against(dir, url, "not-the-secret", &["deploy"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("401"), "{}", r.stderr);
    let (status, _) = get(url, "schemas", "not-the-secret");
    assert_eq!(status, 401);
}
