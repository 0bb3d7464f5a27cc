//! Compile time against schema size: for each table count, writes a chain of that many small
//! tables (`jazz_bench::generate_chain`) and times `jazz validate` on it, the real release
//! binary as a user runs it, best of `--runs` (default 3). A linear compiler keeps the last
//! column (microseconds per table) flat; the goal is 100,000 tables in under 2 s.
//!
//! With `--check`, exits 1 when the cost per table at the largest size is more than
//! [`MAX_GROWTH`] times that at the smallest: a quadratic pass shows up as a factor of ten
//! between the default 10,000 and 100,000 tables (sizes closer together tell less). Times are
//! wall clock: on a busy machine take the best of more `--runs`.
//!
//! ```sh
//! cargo build --release -p jazz-cli
//! cargo run --release -p jazz-bench --bin scale                  # 10000 40000 100000
//! cargo run --release -p jazz-bench --bin scale -- --check       # exit 1 if superlinear
//! cargo run --release -p jazz-bench --bin scale -- 5000 20000 --runs 1
//! ```
//!
//! With `--permissions`, each project also gets a `permissions.ts` with read, insert, update
//! and delete rules on every table (`jazz_bench::generate_chain_permissions`), so the
//! permissions phase (interpreter, merge, static checks) is timed as well.
//!
//! ```sh
//! cargo run --release -p jazz-bench --bin scale -- --permissions 1000 4000 20000 100000
//! ```
//!
//! The binary is `$JAZZ_BIN`, else `jazz` next to this program (the same target dir).

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_SIZES: [usize; 3] = [10_000, 40_000, 100_000];

/// The most the cost per table may grow from the smallest size to the largest with `--check`.
const MAX_GROWTH: f64 = 3.0;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scale: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut sizes = Vec::new();
    let mut runs = 3;
    let mut check = false;
    let mut permissions = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--check" {
            check = true;
        } else if a == "--permissions" {
            permissions = true;
        } else if a == "--runs" {
            runs = args
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or("--runs takes a positive number")?;
        } else {
            sizes.push(a.parse::<usize>().map_err(|_| {
                format!("usage: scale [tables...] [--runs N] [--check] [--permissions] (not a table count: {a})")
            })?);
        }
    }
    if sizes.is_empty() {
        sizes = DEFAULT_SIZES.to_vec();
    }
    let jazz = jazz_bench::jazz_bin()?;
    let mut per_table = Vec::new();
    println!(
        "{:>8} {:>10} {:>10} {:>10}",
        "tables", "bytes", "validate", "µs/table"
    );
    for tables in sizes {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let text = jazz_bench::generate_chain(tables);
        std::fs::write(dir.path().join("schema.ts"), &text)
            .map_err(|e| format!("cannot write schema.ts: {e}"))?;
        let mut bytes = text.len();
        if permissions {
            let rules = jazz_bench::generate_chain_permissions(tables);
            std::fs::write(dir.path().join("permissions.ts"), &rules)
                .map_err(|e| format!("cannot write permissions.ts: {e}"))?;
            bytes += rules.len();
        }
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let start = Instant::now();
            let status = Command::new(&jazz)
                .args(["validate", "--quiet", "--color=never"])
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run {}: {e}", jazz.display()))?;
            let took = start.elapsed();
            if !status.success() {
                return Err(format!(
                    "jazz validate failed on {tables} tables ({status})"
                ));
            }
            best = best.min(took);
        }
        let micros = best.as_secs_f64() * 1e6 / tables.max(1) as f64;
        println!(
            "{tables:>8} {bytes:>10} {:>9.2}s {micros:>10.1}",
            best.as_secs_f64(),
        );
        per_table.push(micros);
    }
    if let (true, Some(first), Some(last)) = (check, per_table.first(), per_table.last()) {
        let growth = last / first;
        if growth > MAX_GROWTH {
            return Err(format!(
                "cost per table grew {growth:.1}x from the smallest size to the largest (at most {MAX_GROWTH}x)"
            ));
        }
        println!("cost per table grew {growth:.1}x (at most {MAX_GROWTH}x): linear");
    }
    Ok(())
}
