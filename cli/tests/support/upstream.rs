//! Upstream's real engine for tests: its binary comes from `JAZZ_UPSTREAM_SERVER` (set by
//! `.ci/run` when the fixture exists; never committed), started directly on loopback or linked
//! into a project's `node_modules/jazz-tools` for `jazz dev` to find.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The engine binary, or `None` after printing one line that the calling test did not run.
pub fn binary(test: &str) -> Option<PathBuf> {
    match std::env::var_os("JAZZ_UPSTREAM_SERVER").map(PathBuf::from) {
        Some(p) if p.is_file() => Some(p.canonicalize().unwrap_or(p)),
        _ => {
            println!(
                "{test}: not run: JAZZ_UPSTREAM_SERVER does not name upstream's engine binary"
            );
            None
        }
    }
}

/// `todo-server` (upstream's Rust todo example) beside the engine binary, and its schema folder.
pub fn todo_server(engine: &Path) -> Option<(PathBuf, PathBuf)> {
    let dir = engine.parent()?;
    let bin = dir.join("todo-server");
    let app = dir.join("todo-app");
    (bin.is_file() && app.join("schema.ts").is_file()).then_some((bin, app))
}

/// Installs `engine` in `root/node_modules/jazz-tools` (a symlink, and a package.json of
/// `version`), as `npm install jazz-tools` lays it out.
pub fn install(root: &Path, engine: &Path, version: &str) -> PathBuf {
    let package = root.join("node_modules").join("jazz-tools");
    let native = package.join("bin").join("native");
    std::fs::create_dir_all(&native).expect("node_modules");
    std::fs::write(
        package.join("package.json"),
        format!("{{\"name\":\"jazz-tools\",\"version\":\"{version}\"}}\n"),
    )
    .expect("package.json");
    let link = native.join("jazz-tools-linux-x64");
    #[cfg(unix)]
    std::os::unix::fs::symlink(engine, &link).expect("symlink");
    link
}

/// A running engine (killed on drop).
pub struct Upstream {
    child: Child,
    pub url: String,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Upstream {
    /// `server <app> --port 0 --in-memory` with this admin secret; `dir` holds the port file.
    #[expect(
        clippy::zombie_processes,
        reason = "the child is stored in the Upstream, whose Drop kills and waits for it"
    )]
    pub fn start(engine: &Path, dir: &Path, app: &str, admin_secret: &str) -> Upstream {
        let port_file = dir.join("upstream.port");
        let mut child = Command::new(engine)
            .args(["server", app, "--port", "0", "--in-memory"])
            .arg("--bound-port-file")
            .arg(&port_file)
            .env("JAZZ_ADMIN_SECRET", admin_secret)
            .env("JAZZ_BACKEND_SECRET", "backend-secret")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the engine");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(p) = std::fs::read_to_string(&port_file)
                && let Ok(port) = p.trim().parse::<u16>()
            {
                return Upstream {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                };
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the engine did not start");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The status line of a WebSocket upgrade request to `url` + `path`.
pub fn upgrade_status(url: &str, path: &str) -> String {
    use std::io::{BufRead, BufReader, Write};
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .expect("send");
    let mut line = String::new();
    let _ = BufReader::new(stream).read_line(&mut line);
    line.trim().to_owned()
}

/// Whether a process is still running (a zombie or a missing pid is not).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X')),
        Err(_) => false,
    }
}

/// Waits (at most 30 s) until `pid` is gone.
pub fn gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}
