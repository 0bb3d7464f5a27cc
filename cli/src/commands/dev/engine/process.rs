//! One run of upstream's engine: `jazz-tools server <appId>` as a child process, its log kept
//! in a ring buffer, the wait until `/health` answers, and a graceful stop (SIGTERM, then
//! SIGKILL after the shutdown timeout).
//!
//! Secrets reach the engine through its environment (`JAZZ_ADMIN_SECRET`,
//! `JAZZ_BACKEND_SECRET`), never its command line, which other users of the machine can read.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::output::{Stream, write_line};

/// How long the engine may take to answer `/health` after it is started.
pub const START_DEADLINE: Duration = Duration::from_secs(10);

/// The engine's own drain time on SIGTERM (`--shutdown-timeout-secs`); `jazz dev` sends
/// SIGKILL one second after it.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 5;

/// Lines of engine output kept for failure reports.
const LOG_LINES: usize = 200;

/// Engine variables from the user's environment that would change what `jazz dev` asked for
/// (an edge server, other auth); `jazz dev` sets the ones it means.
const MANAGED_ENV: [&str; 9] = [
    "JAZZ_ADMIN_SECRET",
    "JAZZ_BACKEND_SECRET",
    "JAZZ_ALLOW_LOCAL_FIRST_AUTH",
    "JAZZ_JWKS_URL",
    "JAZZ_JWT_PUBLIC_KEY",
    "JAZZ_UPSTREAM_URL",
    "JAZZ_PEER_SECRET",
    "JAZZ_SHUTDOWN_TIMEOUT_SECS",
    "JAZZ_BOUND_PORT_FILE",
];

/// Where the engine keeps its data.
#[derive(Debug, Clone)]
pub enum Data {
    InMemory,
    /// `<data dir>/<appId>/engine`.
    Dir(PathBuf),
}

/// Everything one start of the engine needs.
#[derive(Debug, Clone)]
pub struct Spec {
    pub binary: PathBuf,
    pub app_id: String,
    /// 0 for a free port (first start); the bound port on a restart, so the URL apps hold
    /// stays valid.
    pub port: u16,
    pub data: Data,
    /// Where the bound-port file goes (the store folder, or the temp dir in memory).
    pub port_file: PathBuf,
    pub admin_secret: String,
    pub backend_secret: String,
    pub local_first: bool,
    pub jwks_url: Option<String>,
    pub jwt_public_key: Option<String>,
}

/// The engine's output: the last lines, the inspector link it printed, and whether lines are
/// echoed as they come (`--verbose`).
#[derive(Debug, Default)]
pub struct Log {
    lines: Mutex<VecDeque<String>>,
    inspector: Mutex<Option<String>>,
    pub echo: bool,
    /// A secret the engine prints (in its inspector link) that must not reach the terminal.
    redact: Option<String>,
}

impl Log {
    /// `redact`: a secret replaced by `<admin secret>` in every kept or echoed line.
    pub fn new(echo: bool, redact: Option<String>) -> Arc<Self> {
        Arc::new(Self {
            echo,
            redact: redact.filter(|r| !r.is_empty()),
            ..Self::default()
        })
    }

    fn push(&self, raw: &str) {
        let mut line = strip_ansi(raw);
        if let Some(secret) = &self.redact {
            line = line.replace(secret.as_str(), "<admin secret>");
        }
        if let Some(url) = line.split("Open the inspector: ").nth(1)
            && let Ok(mut i) = self.inspector.lock()
        {
            *i = Some(url.trim().to_owned());
        }
        if self.echo {
            // One whole line per write: never interleaved mid-line with jazz's own lines.
            write_line(Stream::Stderr, &format!("[engine] {line}"));
        }
        if let Ok(mut lines) = self.lines.lock() {
            if lines.len() == LOG_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }

    /// The last `n` lines.
    pub fn tail(&self, n: usize) -> Vec<String> {
        self.lines
            .lock()
            .map(|l| l.iter().skip(l.len().saturating_sub(n)).cloned().collect())
            .unwrap_or_default()
    }

    /// The last `n` lines, indented, for a message; a note when there are none.
    pub fn tail_block(&self, n: usize) -> String {
        let tail = self.tail(n);
        if tail.is_empty() {
            return "  (the engine printed nothing)".to_owned();
        }
        tail.iter()
            .map(|l| format!("  [engine] {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The inspector link of the latest start, when the engine printed one.
    pub fn inspector(&self) -> Option<String> {
        self.inspector.lock().ok()?.clone()
    }

    fn forget_inspector(&self) {
        if let Ok(mut i) = self.inspector.lock() {
            *i = None;
        }
    }
}

/// Removes ANSI escape sequences (the engine colours its log).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in `@`..=`~`.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

/// A running engine.
#[derive(Debug)]
pub struct Running {
    child: Child,
    pub port: u16,
    pub pid: u32,
    pub started: Instant,
}

/// A failed start: what went wrong (the log tail is in the [`Log`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError(pub String);

/// The loopback URL of a port.
pub fn url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

fn command(spec: &Spec) -> Command {
    let mut args: Vec<std::ffi::OsString> = vec![
        "server".into(),
        spec.app_id.clone().into(),
        "--port".into(),
        spec.port.to_string().into(),
        "--shutdown-timeout-secs".into(),
        SHUTDOWN_TIMEOUT_SECS.to_string().into(),
        "--bound-port-file".into(),
        spec.port_file.clone().into(),
    ];
    match &spec.data {
        Data::InMemory => args.push("--in-memory".into()),
        Data::Dir(d) => {
            args.push("--data-dir".into());
            args.push(d.clone().into());
        }
    }
    if spec.local_first {
        args.push("--allow-local-first-auth".into());
    }
    // The engine is spawned through `jazz __engine-guard` on Linux so it dies with jazz dev.
    let mut cmd = if cfg!(target_os = "linux")
        && let Ok(me) = std::env::current_exe()
    {
        let mut c = Command::new(me);
        c.arg(super::guard::SUBCOMMAND)
            .arg(std::process::id().to_string())
            .arg(&spec.binary);
        c
    } else {
        Command::new(&spec.binary)
    };
    cmd.args(args);
    for name in MANAGED_ENV {
        cmd.env_remove(name);
    }
    cmd.env("JAZZ_ADMIN_SECRET", &spec.admin_secret)
        .env("JAZZ_BACKEND_SECRET", &spec.backend_secret)
        .env("NO_COLOR", "1");
    // Request traces would fill the ring buffer; the user's own RUST_LOG wins.
    if std::env::var_os("RUST_LOG").is_none() {
        cmd.env("RUST_LOG", "info");
    }
    if let Some(u) = &spec.jwks_url {
        cmd.env("JAZZ_JWKS_URL", u);
    }
    if let Some(k) = &spec.jwt_public_key {
        cmd.env("JAZZ_JWT_PUBLIC_KEY", k);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn pump(stream: impl Read + Send + 'static, log: Arc<Log>) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    log.push(text.trim_end_matches(['\n', '\r']));
                }
            }
        }
    });
}

/// An HTTP client for `/health` checks with this overall timeout (built once per use site:
/// the supervisor asks every second).
pub fn health_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// `GET <url>/health` answered 200.
pub fn healthy(agent: &ureq::Agent, url: &str) -> bool {
    agent
        .get(&format!("{url}/health"))
        .call()
        .is_ok_and(|r| r.status().is_success())
}

/// Starts the engine and waits until `/health` answers, at most [`START_DEADLINE`].
pub fn start(spec: &Spec, log: &Arc<Log>) -> Result<Running, StartError> {
    if let Data::Dir(d) = &spec.data {
        std::fs::create_dir_all(d)
            .map_err(|e| StartError(format!("cannot create {}: {e}", d.display())))?;
    }
    let _ = std::fs::remove_file(&spec.port_file);
    log.forget_inspector();
    let mut child = command(spec).spawn().map_err(|e| {
        StartError(format!(
            "cannot start the engine {}: {e}",
            spec.binary.display()
        ))
    })?;
    if let Some(out) = child.stdout.take() {
        pump(out, log.clone());
    }
    if let Some(err) = child.stderr.take() {
        pump(err, log.clone());
    }
    let pid = child.id();
    let started = Instant::now();
    let agent = health_agent(Duration::from_millis(500));
    let mut port = None;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            // Let the pumps catch the last lines.
            std::thread::sleep(Duration::from_millis(100));
            return Err(StartError(format!(
                "the engine exited during startup ({})",
                describe(status)
            )));
        }
        if port.is_none() {
            port = read_port(&spec.port_file);
        }
        if let Some(p) = port
            && healthy(&agent, &url(p))
        {
            let _ = std::fs::remove_file(&spec.port_file);
            return Ok(Running {
                child,
                port: p,
                pid,
                started,
            });
        }
        if started.elapsed() >= START_DEADLINE {
            let mut r = Running {
                child,
                port: port.unwrap_or(spec.port),
                pid,
                started,
            };
            r.kill();
            return Err(StartError(format!(
                "the engine did not answer /health within {} s",
                START_DEADLINE.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn read_port(file: &Path) -> Option<u16> {
    std::fs::read_to_string(file).ok()?.trim().parse().ok()
}

/// `exit code 3`, `killed by signal 9`.
pub fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match status.code() {
        Some(c) => format!("exit code {c}"),
        None => "no exit code".to_owned(),
    }
}

impl Running {
    /// The exit status when the engine has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, up to the engine's shutdown timeout plus one second for it to exit, then
    /// SIGKILL. Returns how it ended.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        if let Some(s) = self.exited() {
            return Some(s);
        }
        terminate(self.pid);
        let deadline = Instant::now() + Duration::from_secs(SHUTDOWN_TIMEOUT_SECS + 1);
        while Instant::now() < deadline {
            if let Some(s) = self.exited() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        self.exited()
    }
}

/// Sends SIGTERM (a plain kill elsewhere).
fn terminate(pid: u32) {
    #[cfg(unix)]
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_is_stripped_and_the_inspector_link_kept() {
        assert_eq!(
            strip_ansi("\u{1b}[2m2026\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m x"),
            "2026  INFO x"
        );
        let log = Log::new(false, Some("s3cret".into()));
        log.push("\u{1b}[2mt\u{1b}[0m INFO jazz: Open the inspector: https://i.example/#a=b&adminSecret=s3cret\r");
        assert_eq!(
            log.inspector().as_deref(),
            Some("https://i.example/#a=b&adminSecret=<admin secret>")
        );
        assert!(!log.tail(1)[0].contains("s3cret"));
        for i in 0..(LOG_LINES + 5) {
            log.push(&format!("line {i}"));
        }
        let tail = log.tail(2);
        assert_eq!(
            tail,
            [
                format!("line {}", LOG_LINES + 3),
                format!("line {}", LOG_LINES + 4)
            ]
        );
        assert_eq!(log.tail(10_000).len(), LOG_LINES);
    }
}
