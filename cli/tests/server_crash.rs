//! `jazz server` as a process: acknowledged publishes
//! survive SIGKILL and a restart on the same data dir; SIGTERM shuts down with exit 0, also with
//! slow clients (closed at the drain deadline while `/health` keeps answering 503); a second
//! server on the same data dir and a foreign app id are refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const APP: &str = "0b5e1c38-8f7e-4d2a-9a61-3c0f7d2e4b11";
const SECRET: &str = "crash-secret";
const V1: &str =
    r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}}"#;
const V2: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;

struct Running {
    child: Child,
    base: String,
}

fn jazz() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("jazz"));
    c.env_remove("JAZZ_ADMIN_SECRET")
        .env_remove("JAZZ_APP_ID")
        .env_remove("JAZZ_PORT")
        .env_remove("JAZZ_DATA_DIR")
        .env_remove("NODE_ENV");
    c
}

fn start(dir: &Path, app: &str) -> Running {
    start_with(dir, app, &[])
}

// The caller owns the child and kills and waits for it.
#[expect(
    clippy::zombie_processes,
    reason = "the child is killed and reaped in Drop or by the test"
)]
fn start_with(dir: &Path, app: &str, extra: &[&str]) -> Running {
    let port_file = dir.join(format!("port-{}", std::process::id()));
    let _ = std::fs::remove_file(&port_file);
    let mut child = jazz()
        .current_dir(dir)
        .args([
            "--no-env-file",
            "server",
            app,
            "--port",
            "0",
            "--host",
            "127.0.0.1",
        ])
        .args([
            "--admin-secret",
            SECRET,
            "--data-dir",
            "data",
            "--bound-port-file",
        ])
        .arg(&port_file)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jazz server");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(p) = std::fs::read_to_string(&port_file)
            && let Ok(port) = p.trim().parse::<u16>()
        {
            return Running {
                child,
                base: format!("http://127.0.0.1:{port}"),
            };
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn call(method: &str, url: &str, body: Option<&str>) -> (u16, serde_json::Value) {
    let mut resp = match body {
        Some(b) => agent()
            .post(url)
            .header("X-Jazz-Admin-Secret", SECRET)
            .header("Content-Type", "application/json")
            .send(b),
        None => agent()
            .get(url)
            .header("X-Jazz-Admin-Secret", SECRET)
            .call(),
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

fn post(base: &str, route: &str, body: &str) -> serde_json::Value {
    let (status, v) = call("POST", &format!("{base}/apps/{APP}/{route}"), Some(body));
    assert_eq!(status, 201, "{route}: {v}");
    v
}

fn get(base: &str, route: &str) -> serde_json::Value {
    let (status, v) = call("GET", &format!("{base}/apps/{APP}/{route}"), None);
    assert_eq!(status, 200, "{route}: {v}");
    v
}

fn perms(hash: &str, parent: Option<&str>, n: usize) -> String {
    let parent = parent.map_or("null".to_string(), |p| format!("\"{p}\""));
    format!(
        r#"{{"schemaHash":"{hash}","permissions":{{"todos":{{"select":{{"using":{{"type":"True"}}}}}},"t{n}":{{}}}},"expectedParentBundleObjectId":{parent}}}"#
    )
}

#[test]
fn acknowledged_publishes_survive_sigkill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = start(tmp.path(), APP);
    let h1 = post(&s.base, "admin/schemas", &format!(r#"{{"schema":{V1}}}"#))["hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let h2 = post(&s.base, "admin/schemas", &format!(r#"{{"schema":{V2}}}"#))["hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let lens = format!(
        r#"{{"fromHash":"{h1}","toHash":"{h2}","forward":[{{"table":"todos","operations":[{{"type":"introduce","column":"done","column_type":{{"type":"Boolean"}},"value":{{"type":"Boolean","value":false}}}}]}}]}}"#
    );
    post(&s.base, "admin/migrations", &lens);
    let mut parent: Option<String> = None;
    let mut heads = Vec::new();
    for n in 0..5 {
        let hash = if n % 2 == 0 { &h1 } else { &h2 };
        let head = post(
            &s.base,
            "admin/permissions",
            &perms(hash, parent.as_deref(), n),
        )["head"]
            .clone();
        parent = head["bundleObjectId"].as_str().map(str::to_string);
        heads.push(head);
    }
    // SIGKILL right after the last acknowledgement.
    s.child.kill().expect("kill");
    let _ = s.child.wait();

    let mut s = start(tmp.path(), APP);
    let listed = get(&s.base, "schemas");
    assert_eq!(listed["hashes"], serde_json::json!([h1, h2]));
    assert_eq!(
        get(&s.base, &format!("schema/{h2}"))["schema"],
        serde_json::from_str::<serde_json::Value>(V2).expect("json")
    );
    let connected = get(
        &s.base,
        &format!("admin/schema-connectivity?fromHash={h1}&toHash={h2}"),
    );
    assert_eq!(connected["connected"], true);
    let head = get(&s.base, "admin/permissions/head")["head"].clone();
    assert_eq!(Some(&head), heads.last());
    assert_eq!(head["version"], 5);
    // The chain continues from the recovered head, and a stale parent is still refused.
    let next = post(
        &s.base,
        "admin/permissions",
        &perms(&h2, parent.as_deref(), 9),
    );
    assert_eq!(next["head"]["version"], 6);
    let (status, _) = call(
        "POST",
        &format!("{}/apps/{APP}/admin/permissions", s.base),
        Some(&perms(&h2, parent.as_deref(), 10)),
    );
    assert_eq!(status, 409);
    s.child.kill().expect("kill");
    let _ = s.child.wait();
}

#[test]
fn sigterm_exits_zero_and_data_dir_is_guarded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = start(tmp.path(), APP);
    let (status, _) = call("GET", &format!("{}/health", s.base), None);
    assert_eq!(status, 200);

    // A second server on the same data dir fails to start (exit 1).
    let second = jazz()
        .current_dir(tmp.path())
        .args([
            "--no-env-file",
            "server",
            APP,
            "--port",
            "0",
            "--data-dir",
            "data",
        ])
        .output()
        .expect("run");
    assert_eq!(second.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&second.stderr).contains("Server error:"));

    let pid = s.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st.code();
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));

    // Another app on the same data dir is refused.
    let other = jazz()
        .current_dir(tmp.path())
        .args([
            "--no-env-file",
            "server",
            "other-app",
            "--port",
            "0",
            "--data-dir",
            "data",
        ])
        .output()
        .expect("run");
    assert_eq!(other.status.code(), Some(1));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(err.contains("refusing to serve app"), "{err}");
}

#[test]
fn sigterm_with_slow_clients_drains_answers_health_and_exits_zero() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut s = start_with(tmp.path(), APP, &["--shutdown-timeout-secs", "2"]);
    let addr = s.base.trim_start_matches("http://").to_string();
    // Slow authenticated publishes: the headers and the start of the body, then nothing.
    let slow: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut c = TcpStream::connect(&addr).expect("connect");
            write!(
                c,
                "POST /apps/{APP}/admin/schemas HTTP/1.1\r\nHost: localhost\r\nX-Jazz-Admin-Secret: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"schema\":"
            )
            .expect("write");
            c
        })
        .collect();
    // A connection opened before the signal whose request is sent only once draining started.
    let mut early = TcpStream::connect(&addr).expect("connect");
    // The server has accepted all of these once it answers a later one.
    let (status, _) = call("GET", &format!("{}/health", s.base), None);
    assert_eq!(status, 200);
    let pid = s.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());

    // While draining, /health still answers: 503 with the phase.
    let deadline = Instant::now() + Duration::from_secs(60);
    let draining = loop {
        assert!(Instant::now() < deadline, "no draining answer");
        let resp = agent().get(format!("{}/health", s.base)).call();
        match resp {
            Ok(mut r) if r.status().as_u16() == 503 => {
                break r.body_mut().read_to_string().unwrap_or_default();
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("/health refused during the drain: {e}"),
        }
    };
    assert_eq!(
        draining,
        r#"{"status":"shutting_down","phase":"draining_connections"}"#
    );
    // The early connection's first request is answered, not dropped, then the connection closes.
    write!(early, "GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("write early");
    early
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut answer = Vec::new();
    let _ = early.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 503") && answer.contains("draining_connections"),
        "early connection got: {answer:?}"
    );

    // At the drain deadline the slow clients are closed and the server exits 0.
    let code = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st.code();
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut e) = s.child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("shutdown took too long"), "{stderr}");
    for mut c in slow {
        c.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let mut rest = Vec::new();
        // Closed by the server: EOF (or a reset), never a hang.
        let _ = c.read_to_end(&mut rest);
    }
}
