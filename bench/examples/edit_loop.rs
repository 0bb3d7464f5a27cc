//! A profiling harness for the LSP edit path: sets up one of the `lsp` bench cases on the
//! generated 500-table app and runs only its edits, so `perf record` sees nothing else.
//!
//! ```sh
//! cargo build --release -p jazz-bench --example edit_loop
//! perf record -g target/release/examples/edit_loop schema 2000
//! ```
//!
//! Cases: `schema` (schema.ts edit, no permissions.ts), `perms` (permissions.ts edit),
//! `schema-perms` (schema.ts edit with permissions.ts), `schema-snapshot` (schema.ts edit, with
//! a committed snapshot of the schema in `migrations/snapshots`). Prints p50/p95 at the end.
//! Arguments: `<case> [edits] [gap in ms between edits]`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use jazz_lsp::workspace::Workspace;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: usize = 500;

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "schema".to_owned());
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(500);
    // Milliseconds between edits (not timed), as the server's debounce leaves at least: what
    // the analysis thread frees after answering is then off the measured path.
    let gap: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let (permissions, edit_permissions) = match case.as_str() {
        "schema" => (false, false),
        "perms" => (true, true),
        "schema-perms" => (true, false),
        "schema-snapshot" => (false, false),
        other => {
            eprintln!("edit_loop: unknown case {other:?} (schema, perms, schema-perms)");
            std::process::exit(2);
        }
    };
    let dir: PathBuf = std::env::temp_dir().join(format!("jazz-edit-loop-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let schema = jazz_bench::generate_app(TABLES, 1);
    let _ = std::fs::write(dir.join("schema.ts"), &schema);
    let mut open = vec![(dir.join("schema.ts"), schema)];
    if permissions {
        let perms = jazz_bench::generate_app_permissions(TABLES);
        let _ = std::fs::write(dir.join("permissions.ts"), &perms);
        open.push((dir.join("permissions.ts"), perms));
    }
    if case == "schema-snapshot" {
        use jazz_schema_compiler::project::{AnalyzeOptions, analyze};
        use jazz_schema_compiler::schema::{schema_hash, snapshots, wasm_json};
        use jazz_schema_compiler::source::MemoryLoader;
        let loader = MemoryLoader::new().with(dir.join("schema.ts"), open[0].1.as_str());
        let a = analyze(&loader, &dir, &AnalyzeOptions::default());
        let Some(schema) = a.valid_schema() else {
            eprintln!("edit_loop: the generated app does not compile");
            std::process::exit(1);
        };
        let snapshots = dir.join("migrations").join("snapshots");
        let _ = std::fs::create_dir_all(&snapshots);
        let name = snapshots::committed_name(1_767_225_600_000, &schema_hash(schema));
        let _ = std::fs::write(snapshots.join(name), wasm_json::to_pretty_json(schema));
    }
    let mut ws = Workspace::new(vec![dir.clone()]);
    for (path, text) in &open {
        ws.set_text(path.clone(), Arc::from(text.as_str()));
    }
    let (file, text) = open[usize::from(edit_permissions)].clone();
    let texts = [
        Arc::<str>::from(text.as_str()),
        Arc::<str>::from(format!("{text}// edited\n")),
    ];
    let _ = ws.diagnostics(&dir);
    let mut samples = Vec::with_capacity(edits);
    for i in 0..edits {
        let started = Instant::now();
        ws.set_text(file.clone(), texts[i % 2].clone());
        std::hint::black_box(ws.diagnostics(&dir));
        samples.push(started.elapsed());
        if gap > 0 {
            std::thread::sleep(std::time::Duration::from_millis(gap));
        }
    }
    samples.sort();
    let at =
        |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
    eprintln!(
        "{case}: {edits} edits, p50 {:.2} ms, p95 {:.2} ms",
        at(0.5),
        at(0.95)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
