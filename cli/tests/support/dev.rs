//! `jazz dev` as a real process for tests: its output collected line by line, signals, and
//! the admin API of the server it runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long to wait for something `jazz dev` is expected to do (never a latency assertion).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A running `jazz dev` with its output collected line by line.
pub struct Dev {
    pub child: Child,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    /// The threads reading stdout and stderr; each ends at its stream's end.
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// The lines of `stream`, as a background thread reads them, and that thread.
fn reader(
    stream: impl std::io::Read + Send + 'static,
) -> (Arc<Mutex<Vec<String>>>, std::thread::JoinHandle<()>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let handle = std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().expect("lines").push(line);
        }
    });
    (lines, handle)
}

impl Dev {
    // The test owns the child and waits for it (`stop`) or kills it (`Drop`).
    pub fn start(dir: &Path, extra: &[&str]) -> Dev {
        let mut args = vec!["dev", "--port", "0"];
        args.extend_from_slice(extra);
        Dev::start_with(dir, &args)
    }

    /// `jazz <args>` (the caller names the command and flags).
    pub fn start_with(dir: &Path, args: &[&str]) -> Dev {
        Dev::start_env(dir, args, &[])
    }

    /// `jazz <args>` with these variables added to its environment.
    pub fn start_env(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Dev {
        let child = Command::new(assert_cmd::cargo::cargo_bin("jazz"))
            .current_dir(dir)
            .args(args)
            .env_remove("JAZZ_ENGINE")
            .envs(vars.iter().copied())
            .env_remove("JAZZ_APP_ID")
            .env_remove("VITE_JAZZ_APP_ID")
            .env_remove("JAZZ_ADMIN_SECRET")
            .env_remove("JAZZ_BACKEND_SECRET")
            .env_remove("JAZZ_SERVER_URL")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn jazz dev");
        Dev::of_child(child)
    }

    /// A `jazz` process spawned with piped stdout and stderr.
    pub fn of_child(mut child: Child) -> Dev {
        let (stdout, out) = reader(child.stdout.take().expect("stdout"));
        let (stderr, err) = reader(child.stderr.take().expect("stderr"));
        Dev {
            child,
            stdout,
            stderr,
            readers: vec![out, err],
        }
    }

    /// Once the process has exited: waits until its output is read to the end, so every line
    /// it printed is in `stdout` / `stderr`.
    pub fn read_to_end(&self) {
        let done = wait_for("the end of jazz's output", || {
            self.readers.iter().all(|r| r.is_finished()).then_some(())
        });
        assert!(done.is_some(), "jazz's output never ended");
    }

    pub fn out(&self) -> String {
        self.stdout.lock().expect("lines").join("\n")
    }

    pub fn err(&self) -> String {
        self.stderr.lock().expect("lines").join("\n")
    }

    /// Waits for a stdout line starting with `prefix` and returns the rest of it.
    pub fn value_of(&self, prefix: &str) -> String {
        let found = wait_for(&format!("a stdout line `{prefix}…`"), || {
            self.stdout
                .lock()
                .expect("lines")
                .iter()
                .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_owned()))
        });
        found.unwrap_or_else(|| panic!("{}\n--- stderr:\n{}", self.out(), self.err()))
    }

    /// Waits until `count` lines containing `needle` were printed on either stream.
    pub fn wait_lines(&self, needle: &str, count: usize) {
        let seen = wait_for(needle, || {
            let n = self.out().matches(needle).count() + self.err().matches(needle).count();
            (n >= count).then_some(())
        });
        assert!(
            seen.is_some(),
            "expected {count} × `{needle}`\n--- stdout:\n{}\n--- stderr:\n{}",
            self.out(),
            self.err()
        );
    }

    /// The events named `name` printed so far (`--format json`).
    pub fn events(&self, name: &str) -> Vec<Value> {
        self.stdout
            .lock()
            .expect("lines")
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["event"] == name)
            .collect()
    }

    /// Waits until `count` events named `name` were printed and returns them.
    pub fn wait_events(&self, name: &str, count: usize) -> Vec<Value> {
        let found = wait_for(name, || {
            let e = self.events(name);
            (e.len() >= count).then_some(e)
        });
        found.unwrap_or_else(|| {
            panic!(
                "expected {count} × {name}\n--- stdout:\n{}\n--- stderr:\n{}",
                self.out(),
                self.err()
            )
        })
    }

    /// SIGINT, then the exit code.
    pub fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                return st.code();
            }
            assert!(Instant::now() < deadline, "no exit after SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn wait_for<T>(_what: &str, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The admin API of the running server.
pub struct Server {
    pub url: String,
    pub app: String,
    pub secret: String,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn of(dev: &Dev) -> Server {
        Server::with_banner(dev, "Running a local jazz server on ", 8)
    }

    /// The server of a `jazz dev` on upstream's engine (its generated secrets are long).
    pub fn of_engine(dev: &Dev) -> Server {
        Server::with_banner(dev, "Running the Jazz engine on ", 32)
    }

    fn with_banner(dev: &Dev, first_line: &str, hex: usize) -> Server {
        let url = dev.value_of(first_line);
        let app = dev.value_of("App id:");
        let line = dev.value_of("Admin secret:");
        // `<secret>`, or `<secret> (kept in <data dir>/<app>.admin-secret)`: a kept secret is
        // a long one whichever engine serves.
        let (secret, hex) = match line.split_once(" (kept in ") {
            Some((secret, file)) => {
                assert!(
                    file.ends_with(&format!("{app}.admin-secret)")),
                    "admin secret line {line}"
                );
                (secret.to_owned(), 32)
            }
            None => (line, hex),
        };
        assert!(
            secret.len() == "jazz-dev-".len() + hex
                && secret.starts_with("jazz-dev-")
                && secret[9..].bytes().all(|b| b.is_ascii_hexdigit()),
            "generated admin secret {secret}"
        );
        Server {
            url,
            app,
            secret,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    pub fn get(&self, route: &str) -> Value {
        let mut resp = self
            .agent
            .get(&format!("{}/apps/{}/{route}", self.url, self.app))
            .header("X-Jazz-Admin-Secret", &self.secret)
            .call()
            .expect("GET");
        assert_eq!(resp.status().as_u16(), 200, "GET {route}");
        let body = resp.body_mut().read_to_string().expect("body");
        serde_json::from_str(&body).expect("JSON")
    }

    pub fn hashes(&self) -> Vec<String> {
        let mut h: Vec<String> = self.get("schemas")["hashes"]
            .as_array()
            .expect("hashes")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        h.sort();
        h
    }

    /// `(schemaHash, version)` of the permissions head.
    pub fn head(&self) -> Option<(String, u64)> {
        let v = self.get("admin/permissions/head");
        let head = v.get("head").filter(|h| !h.is_null())?;
        Some((
            head["schemaHash"].as_str()?.to_owned(),
            head["version"].as_u64()?,
        ))
    }

    /// Waits until the head is on `hash` with `version`.
    pub fn wait_live(&self, dev: &Dev, hash: &str, version: u64) {
        let live = wait_for("live", || {
            (self.head() == Some((hash.to_owned(), version))).then_some(())
        });
        assert!(
            live.is_some(),
            "head {:?}, wanted {hash} v{version}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.head(),
            dev.out(),
            dev.err()
        );
    }
}

/// The full schema hash of the project in `dir`, as `jazz schema hash --full` prints it.
pub fn local_hash(dir: &Path) -> String {
    let out = super::jazz(dir)
        .args(["--no-env-file", "schema", "hash", "--full"])
        .output()
        .expect("jazz schema hash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Current schema hash: "))
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| panic!("no hash in {text}"))
}

/// Runs `jazz migrations create` in `dir` (no env file) and asserts it succeeds: the snapshot
/// of the current schema, and the stub of the edge from the latest snapshot when one is needed.
pub fn create_migration(dir: &Path) {
    let out = super::jazz(dir)
        .args(["--no-env-file", "migrations", "create"])
        .output()
        .expect("jazz migrations create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The migration file of the edge `from` -> `to` (full or short hashes) in `dir/migrations`.
pub fn stub_of(dir: &Path, from: &str, to: &str) -> PathBuf {
    let suffix = format!("-{}-{}.ts", &from[..12], &to[..12]);
    std::fs::read_dir(dir.join("migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(&suffix))
        })
        .unwrap_or_else(|| panic!("no migration file *{suffix}"))
}

/// Replaces `from` with `to` in `file`, in place or as editors do (temp file + rename).
pub fn edit(file: &Path, from: &str, to: &str, atomically: bool) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{from} not in {}", file.display());
    let new = text.replacen(from, to, 1);
    if atomically {
        let tmp = file.with_extension("ts.swp");
        std::fs::write(&tmp, new).expect("write temp");
        std::fs::rename(&tmp, file).expect("rename");
    } else {
        std::fs::write(file, new).expect("write");
    }
}

/// A temp copy of a fixture app with `jazz dev --in-memory` running on it and its first push
/// live: the app, the process, its server and the pushed schema hash.
pub fn live_app(name: &str) -> (tempfile::TempDir, Dev, Server, String) {
    let app = super::copy_app(name);
    let dev = Dev::start(app.path(), &["--in-memory"]);
    let server = Server::of(&dev);
    let hash = local_hash(app.path());
    server.wait_live(&dev, &hash, 1);
    (app, dev, server, hash)
}
