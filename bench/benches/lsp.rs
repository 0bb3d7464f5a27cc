//! Edit-to-diagnostics latency of the language server on the generated 500-table app: one
//! buffer edit, then the whole-project analysis and the LSP diagnostics ready to publish
//! (`Workspace::diagnostics`), which is all the server work between a `didChange` and its
//! `publishDiagnostics`, minus the debounce and the JSON framing.
//!
//! Before criterion runs, 200 edits are timed one by one and p50/p95 are printed, with and
//! without the server's default debounce added.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jazz_lsp::server::DEFAULT_DEBOUNCE;
use jazz_lsp::workspace::Workspace;

// The `jazz` binary that runs `jazz lsp` uses mimalloc; measure with the same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn edit_to_diagnostics(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("jazz-bench-lsp-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let schema = dir.join("schema.ts");
    let text = jazz_bench::generate_app(500, 1);
    let _ = std::fs::write(&schema, &text);
    let mut ws = Workspace::new(vec![dir.clone()]);
    // Alternate between two texts so every edit really changes the buffer.
    let edited = [
        Arc::<str>::from(text.as_str()),
        Arc::<str>::from(format!("{text}// edited\n")),
    ];
    ws.set_text(schema.clone(), edited[0].clone());
    let _ = ws.diagnostics(&dir);

    let mut analysis_only = Vec::with_capacity(50);
    for i in 0..50 {
        let started = Instant::now();
        ws.set_text(schema.clone(), edited[i % 2].clone());
        let a = ws.analysis(&dir);
        analysis_only.push(started.elapsed());
        if i == 0 {
            eprintln!("{} diagnostics in the generated app", a.diagnostics.len());
        }
    }
    analysis_only.sort();
    eprintln!(
        "analysis alone: p50 {:.2} ms",
        percentile(&analysis_only, 0.5).as_secs_f64() * 1e3
    );
    let mut samples = Vec::with_capacity(200);
    for i in 0..200 {
        let started = Instant::now();
        ws.set_text(schema.clone(), edited[i % 2].clone());
        black_box(ws.diagnostics(&dir));
        samples.push(started.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (p50, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
    eprintln!(
        "lsp edit-to-diagnostics, 500 tables ({} bytes): server work p50 {:.2} ms, p95 {:.2} ms; with the {} ms debounce p50 {:.2} ms, p95 {:.2} ms",
        text.len(),
        ms(p50),
        ms(p95),
        DEFAULT_DEBOUNCE.as_millis(),
        ms(p50 + DEFAULT_DEBOUNCE),
        ms(p95 + DEFAULT_DEBOUNCE),
    );

    let mut i = 0usize;
    c.bench_function("lsp_edit_to_diagnostics_500_tables", |b| {
        b.iter(|| {
            i += 1;
            ws.set_text(schema.clone(), edited[i % 2].clone());
            black_box(ws.diagnostics(&dir))
        });
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, edit_to_diagnostics);
criterion_main!(benches);
