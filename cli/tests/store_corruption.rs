//! Fault injection on the store file: random byte flips and truncations
//! of `jazz-native.redb` either leave a store that opens with every acknowledged publish intact,
//! or make `jazz server` (and `jazz dev`) exit 1 with `data dir <path> is corrupt: …`. Never a
//! panic (exit 101), never a silently emptied store.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const APP: &str = "5d1f0e2a-7c3b-4e9d-8a16-2b4c6d8e0f13";
const SECRET: &str = "corruption-secret";
const DB_FILE: &str = "jazz-native.redb";
const V1: &str =
    r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}}"#;
const V2: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
/// A guard against a hung server, never a latency assertion.
const PATIENCE: Duration = Duration::from_secs(60);

/// A small deterministic generator (SplitMix64), so every failure can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
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

/// How a start attempt ended.
enum Start {
    /// Serving on this base URL; the caller stops the child.
    Serving(Child, String),
    /// Exited before serving: exit code and stderr.
    Exited(Option<i32>, String),
}

// The caller owns a serving child and kills and waits for it.
fn start(dir: &Path) -> Start {
    let port_file = dir.join("port");
    let err_file = dir.join("stderr");
    let _ = std::fs::remove_file(&port_file);
    let mut child = jazz()
        .current_dir(dir)
        .args(["--no-env-file", "server", APP, "--port", "0"])
        .args(["--host", "127.0.0.1", "--admin-secret", SECRET])
        .args(["--data-dir", "data", "--bound-port-file"])
        .arg(&port_file)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).expect("stderr file"))
        .spawn()
        .expect("spawn jazz server");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(p) = std::fs::read_to_string(&port_file)
            && let Ok(port) = p.trim().parse::<u16>()
        {
            return Start::Serving(child, format!("http://127.0.0.1:{port}"));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            let err = std::fs::read_to_string(&err_file).unwrap_or_default();
            return Start::Exited(status.code(), err);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jazz server neither served nor exited");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn call(url: &str, body: Option<&str>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = match body {
        Some(b) => agent
            .post(url)
            .header("X-Jazz-Admin-Secret", SECRET)
            .header("Content-Type", "application/json")
            .send(b),
        None => agent.get(url).header("X-Jazz-Admin-Secret", SECRET).call(),
    }
    .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn post(base: &str, route: &str, body: &str) -> Value {
    let (status, v) = call(&format!("{base}/apps/{APP}/{route}"), Some(body));
    assert_eq!(status, 201, "{route}: {v}");
    v
}

/// What a healthy store serves: the schema list and the permissions head.
fn snapshot(base: &str) -> (Value, Value) {
    let (s1, schemas) = call(&format!("{base}/apps/{APP}/schemas"), None);
    let (s2, head) = call(&format!("{base}/apps/{APP}/admin/permissions/head"), None);
    assert_eq!((s1, s2), (200, 200), "{schemas} {head}");
    (schemas, head)
}

fn stop(mut child: Child, graceful: bool) {
    if graceful {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + PATIENCE;
        while child.try_wait().expect("wait").is_none() {
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(10));
        }
    } else {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// A store with two schemas, a lens and three permission versions; the file's bytes and what
/// the server serves from it. `graceful`: closed by SIGTERM, else killed with SIGKILL.
fn base_store(graceful: bool) -> (Vec<u8>, (Value, Value)) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let Start::Serving(child, base) = start(tmp.path()) else {
        panic!("a new store must start");
    };
    let h1 = post(&base, "admin/schemas", &format!(r#"{{"schema":{V1}}}"#))["hash"].clone();
    let h2 = post(&base, "admin/schemas", &format!(r#"{{"schema":{V2}}}"#))["hash"].clone();
    let (h1, h2) = (h1.as_str().expect("h1"), h2.as_str().expect("h2"));
    post(
        &base,
        "admin/migrations",
        &format!(
            r#"{{"fromHash":"{h1}","toHash":"{h2}","forward":[{{"table":"todos","operations":[{{"type":"introduce","column":"done","column_type":{{"type":"Boolean"}},"value":{{"type":"Boolean","value":false}}}}]}}]}}"#
        ),
    );
    let mut parent = "null".to_string();
    for n in 0..3 {
        let head = post(
            &base,
            "admin/permissions",
            &format!(
                r#"{{"schemaHash":"{h2}","permissions":{{"todos":{{"select":{{"using":{{"type":"True"}}}}}},"t{n}":{{}}}},"expectedParentBundleObjectId":{parent}}}"#
            ),
        );
        parent = format!(
            "\"{}\"",
            head["head"]["bundleObjectId"].as_str().expect("id")
        );
    }
    let expected = snapshot(&base);
    assert_eq!(expected.1["head"]["version"], 3);
    stop(child, graceful);
    let bytes = std::fs::read(tmp.path().join("data").join(DB_FILE)).expect("store file");
    (bytes, expected)
}

/// Starts a server on `bytes` as the store file and checks the outcome; returns whether it
/// served (the acknowledged data intact) rather than refusing the file.
fn trial(bytes: &[u8], expected: &(Value, Value), what: &str) -> bool {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join(DB_FILE), bytes).expect("write store");
    match start(tmp.path()) {
        Start::Serving(child, base) => {
            let served = snapshot(&base);
            stop(child, false);
            assert_eq!(
                &served, expected,
                "{what}: served other data than acknowledged"
            );
            true
        }
        Start::Exited(code, err) => {
            assert_eq!(code, Some(1), "{what}: exit code; stderr: {err}");
            let shown = format!("data dir {} is corrupt: ", data.display());
            assert!(
                err.contains(&format!("Server error: {shown}")),
                "{what}: stderr: {err}"
            );
            assert!(!err.contains("panicked"), "{what}: stderr: {err}");
            false
        }
    }
}

#[test]
fn flipped_bytes_never_panic_and_never_lose_acknowledged_data() {
    let mut trials = 0;
    let mut refused = 0;
    for graceful in [true, false] {
        let (bytes, expected) = base_store(graceful);
        // The untouched file opens with everything (after a clean close or a crash).
        assert!(trial(&bytes, &expected, "untouched"));
        for (i, flips) in [1usize, 10, 100, 1000].into_iter().enumerate() {
            for t in 0..25u64 {
                let seed = (u64::from(graceful) << 32) | ((i as u64) << 16) | t;
                let mut rng = Rng(seed);
                let mut damaged = bytes.clone();
                // Every other trial aims at the first pages (header and roots), where small
                // stores keep most of what matters.
                let span = if t % 2 == 0 {
                    damaged.len()
                } else {
                    damaged.len().min(32 * 1024)
                };
                for _ in 0..flips {
                    let at = rng.below(span);
                    let mask = u8::try_from(rng.below(255) + 1).unwrap_or(1);
                    damaged[at] ^= mask;
                }
                let what = format!("seed {seed:#x}, {flips} flips, graceful={graceful}");
                trials += 1;
                if !trial(&damaged, &expected, &what) {
                    refused += 1;
                }
            }
        }
    }
    println!("{trials} flip trials, {refused} refused as corrupt");
    assert!(refused > 0, "some damage must be detected");
}

#[test]
fn truncated_and_empty_store_files_are_corrupt_not_new() {
    let (bytes, expected) = base_store(true);
    let len = bytes.len();
    let mut rng = Rng(0x7275_6e63);
    let mut lengths = vec![0, 1, 100, 511, 4096, len / 4, len / 2, len - 4096, len - 1];
    lengths.extend((0..12).map(|_| rng.below(len)));
    for cut in lengths {
        let what = format!("truncated to {cut} of {len} bytes");
        // A file cut short either still holds every committed page or is refused.
        trial(&bytes[..cut], &expected, &what);
    }
    // An empty file in particular is refused, never reinitialised.
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join(DB_FILE), b"").expect("empty store");
    let Start::Exited(code, err) = start(tmp.path()) else {
        panic!("an empty store file must not start a server");
    };
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("is corrupt: the store file is empty"), "{err}");
    assert_eq!(
        std::fs::metadata(data.join(DB_FILE)).map(|m| m.len()).ok(),
        Some(0),
        "the file is left as found"
    );
}

#[test]
fn jazz_dev_reports_a_corrupt_store_the_same_way() {
    let app = support::copy_app("todo-minimal");
    let dir = app.path();
    let store: PathBuf = dir.join("devdata").join(APP);
    std::fs::create_dir_all(&store).expect("store dir");
    std::fs::write(store.join(DB_FILE), b"").expect("empty store");
    let out = support::jazz(dir)
        .args([
            "dev",
            "--port",
            "0",
            "--app-id",
            APP,
            "--data-dir",
            "devdata",
        ])
        .args(["--no-persist-app-id"])
        .timeout(PATIENCE)
        .output()
        .expect("jazz dev");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "Server error: data dir {} is corrupt: the store file is empty",
            store.display()
        )),
        "{err}"
    );
}
