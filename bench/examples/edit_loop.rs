//! A profiling harness for the language server's edit path: sets up one of the `lsp` bench
//! cases (`jazz_bench::lsp_case`) on the generated 500-table app and runs only its edits, so a
//! profiler sees nothing else.
//!
//! ```sh
//! cargo build --release -p jazz-bench --example edit_loop
//! perf record -g target/release/examples/edit_loop schema 2000
//! valgrind --tool=callgrind target/release/examples/edit_loop schema 30
//! ```
//!
//! Arguments: `<case> [edits] [gap in ms between edits]`. Cases: `schema` (schema.ts edit, no
//! permissions.ts), `perms` (permissions.ts edit), `schema-perms` (schema.ts edit with
//! permissions.ts), `schema-snapshot` (schema.ts edit, with a committed snapshot of the schema
//! in `migrations/snapshots`), `schema-outside` (schema.ts edited after its tables),
//! `schema-error` (a syntax error made and mended in schema.ts, so parsed whole). Prints
//! p50/p95 at the end.

use std::time::{Duration, Instant};

use jazz_bench::lsp_case::{LspCase, Setup};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: usize = 500;

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "schema".to_owned());
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(500);
    // Milliseconds between edits (not timed), as the server's debounce leaves at least.
    let gap: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let setup = match case.as_str() {
        "schema" => Setup::Schema,
        "perms" => Setup::Permissions,
        "schema-perms" => Setup::SchemaWithPermissions,
        "schema-snapshot" => Setup::SchemaWithSnapshot,
        "schema-outside" => Setup::SchemaOutsideTables,
        "schema-error" => Setup::SchemaSyntaxError,
        other => {
            eprintln!(
                "edit_loop: unknown case {other:?} (schema, perms, schema-perms, schema-snapshot, schema-outside, schema-error)"
            );
            std::process::exit(2);
        }
    };
    let mut lsp = LspCase::new("edit-loop", TABLES, setup);
    let mut samples = Vec::with_capacity(edits);
    for i in 0..edits {
        let started = Instant::now();
        lsp.edit(i);
        samples.push(started.elapsed());
        if gap > 0 {
            std::thread::sleep(Duration::from_millis(gap));
        }
    }
    samples.sort();
    let at = |p: f64| {
        samples
            .get(((samples.len().saturating_sub(1)) as f64 * p).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    eprintln!(
        "{case}: {edits} edits, p50 {:.2} ms, p95 {:.2} ms",
        at(0.5),
        at(0.95)
    );
}
