//! Edit-to-live latency of `jazz dev`: starts the real binary
//! on a small app with an in-memory server, makes 50 schema edits one after another (each a
//! new column default: a new schema hash that needs no migration) and times each from the
//! write to the `[jazz]   schema … published` line (printed once the permissions publish was
//! acknowledged, i.e. when the edit is live). Runs on the embedded server with the default
//! 200 ms debounce and without, and, when `JAZZ_UPSTREAM_SERVER` names upstream's engine
//! binary, on that engine (installed into the app's `node_modules/jazz-tools` as npm lays it
//! out) with the default debounce; prints the median and p95 of each.
//!
//! ```sh
//! cargo build --release -p jazz-cli
//! JAZZ_UPSTREAM_SERVER=/path/to/jazz-tools-linux-x64 cargo run --release -p jazz-bench --bin
//! dev_latency
//! ```
//!
//! The binary is `$JAZZ_BIN`, else `jazz` next to this program (the same target dir).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const EDITS: usize = 50;
const PATIENCE: Duration = Duration::from_secs(60);

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";

const schema = {
  todos: s.table({
    title: s.string(),
    done: s.boolean(),
    n: s.int().default(0),
  }),
};

type AppSchema = s.Schema<typeof schema>;
export const app: s.App<AppSchema> = s.defineApp(schema);
"#;

const PERMISSIONS: &str = r#"import { schema as s } from "jazz-tools";
import { app } from "./schema";

export default s.definePermissions(app, ({ policy, session }) => {
  policy.todos.allowRead.where({ $createdBy: session.user_id });
  policy.todos.allowInsert.always();
  policy.todos.allowUpdate.where({ $createdBy: session.user_id });
  policy.todos.allowDelete.where({ $createdBy: session.user_id });
});
"#;

/// Lines of the child's stdout with the instant each was read.
fn lines(stream: impl std::io::Read + Send + 'static) -> Receiver<(Instant, String)> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`; returns when it was read.
fn wait_line(rx: &Receiver<(Instant, String)>, needle: &str) -> Result<Instant, String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((at, line)) if line.contains(needle) => return Ok(at),
            Ok(_) => {}
            Err(_) => return Err(format!("no `{needle}` line within {PATIENCE:?}")),
        }
    }
}

/// Installs `engine` as `node_modules/jazz-tools/bin/native/<platform binary>` in `dir`.
#[cfg(unix)]
fn install(dir: &Path, engine: &Path) -> Result<(), String> {
    let package = dir.join("node_modules").join("jazz-tools");
    let native = package.join("bin").join("native");
    std::fs::create_dir_all(&native).map_err(|e| e.to_string())?;
    std::fs::write(
        package.join("package.json"),
        r#"{"name":"jazz-tools","version":"2.0.0-alpha.50"}"#,
    )
    .map_err(|e| e.to_string())?;
    let engine = engine.canonicalize().map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(engine, native.join("jazz-tools-linux-x64"))
        .map_err(|e| e.to_string())
}

#[cfg(not(unix))]
fn install(_dir: &Path, _engine: &Path) -> Result<(), String> {
    Err("the engine run needs a Unix machine".into())
}

/// One run of `EDITS` edits; the latency of each in milliseconds. `engine`: run on upstream's
/// engine instead of the embedded server.
fn run(bin: &Path, debounce_ms: u64, engine: Option<&Path>) -> Result<Vec<f64>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let schema = dir.path().join("schema.ts");
    std::fs::write(&schema, SCHEMA).map_err(|e| e.to_string())?;
    std::fs::write(dir.path().join("permissions.ts"), PERMISSIONS).map_err(|e| e.to_string())?;
    if let Some(e) = engine {
        install(dir.path(), e)?;
    }
    let mut child = Command::new(bin)
        .current_dir(dir.path())
        .args(["--no-env-file", "dev", "--in-memory", "--port", "0"])
        .args([
            "--engine",
            if engine.is_some() {
                "upstream"
            } else {
                "embedded"
            },
        ])
        .arg(format!("--debounce-ms={debounce_ms}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let rx = lines(child.stdout.take().ok_or("no stdout")?);
    let result = (|| {
        wait_line(&rx, "[jazz] watching")?;
        let mut out = Vec::with_capacity(EDITS);
        for i in 0..EDITS {
            let text = SCHEMA.replacen(
                "n: s.int().default(0)",
                &format!("n: s.int().default({})", i + 1),
                1,
            );
            let started = Instant::now();
            std::fs::write(&schema, &text).map_err(|e| e.to_string())?;
            let live = wait_line(&rx, &format!("permissions v{} published", i + 2))?;
            out.push(live.duration_since(started).as_secs_f64() * 1000.0);
        }
        Ok(out)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.saturating_sub(1).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(f64::NAN)
}

fn main() {
    let bin = match jazz_bench::jazz_bin() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "jazz dev edit-to-live latency, {EDITS} schema edits each ({})",
        bin.display()
    );
    let engine = std::env::var_os("JAZZ_UPSTREAM_SERVER").map(PathBuf::from);
    let mut runs: Vec<(&str, u64, Option<&Path>)> =
        vec![("embedded", 200, None), ("embedded", 0, None)];
    match &engine {
        Some(e) => runs.push(("upstream engine", 200, Some(e.as_path()))),
        None => println!("(set JAZZ_UPSTREAM_SERVER to measure upstream's engine too)"),
    }
    for (server, debounce, engine) in runs {
        match run(&bin, debounce, engine) {
            Ok(mut ms) => {
                ms.sort_by(f64::total_cmp);
                println!(
                    "{server:<16} debounce {debounce:>3} ms: median {:>7.1} ms, p95 {:>7.1} ms, min {:>7.1} ms, max {:>7.1} ms",
                    percentile(&ms, 50.0),
                    percentile(&ms, 95.0),
                    ms.first().copied().unwrap_or(f64::NAN),
                    ms.last().copied().unwrap_or(f64::NAN),
                );
            }
            Err(e) => {
                eprintln!("error: debounce {debounce} ms: {e}");
                std::process::exit(1);
            }
        }
    }
}
