//! Edit-to-diagnostics latency of the language server on the generated 500-table app: one
//! buffer edit, then the analysis and the LSP diagnostics ready to publish
//! (`Workspace::diagnostics`), which is all the server work between a `didChange` and its
//! `publishDiagnostics`, minus the debounce and the JSON framing.
//!
//! The cases (`jazz_bench::lsp_case`): the app without permissions.ts, a column renamed in
//! schema.ts (the original case); the app with a permissions.ts ruling every table, edited in
//! permissions.ts (which reuses the schema phase, see `docs/architecture.md`) and in schema.ts;
//! the app with a committed snapshot, edited in schema.ts (the migrations check reads it,
//! JZ3504); a schema.ts edit after the tables; and a syntax error made and mended in
//! schema.ts, the slow path where schema.ts is parsed whole (`syntax/reparse.rs` parses only
//! the edited table or statements otherwise).
//! Before criterion runs, 200 edits of each case are timed one by one and p50/p95 are printed,
//! with and without the server's default debounce added; criterion then times the first three
//! back to back. `bench/examples/edit_loop.rs` runs one case alone, for a profiler.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jazz_bench::lsp_case::{LspCase, Setup};
use jazz_lsp::server::DEFAULT_DEBOUNCE;

// The `jazz` binary that runs `jazz lsp` uses mimalloc; measure with the same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: usize = 500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn report(label: &str, case: &mut LspCase) {
    let mut samples = Vec::with_capacity(200);
    for i in 0..200 {
        let started = Instant::now();
        case.edit(i);
        samples.push(started.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (p50, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
    eprintln!(
        "lsp {label}, {TABLES} tables: server work p50 {:.2} ms, p95 {:.2} ms; with the {} ms debounce p50 {:.2} ms, p95 {:.2} ms",
        ms(p50),
        ms(p95),
        DEFAULT_DEBOUNCE.as_millis(),
        ms(p50 + DEFAULT_DEBOUNCE),
        ms(p95 + DEFAULT_DEBOUNCE),
    );
}

fn edit_to_diagnostics(c: &mut Criterion) {
    let mut plain = LspCase::new("plain", TABLES, Setup::Schema);
    let mut analysis_only = Vec::with_capacity(50);
    for i in 0..50 {
        let started = Instant::now();
        let a = plain.analyse(i);
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
    report(
        "edit-to-diagnostics (schema.ts, no permissions.ts)",
        &mut plain,
    );
    let mut perms = LspCase::new("perms", TABLES, Setup::Permissions);
    report("edit in permissions.ts", &mut perms);
    let mut schema = LspCase::new("schema", TABLES, Setup::SchemaWithPermissions);
    report("edit in schema.ts (with permissions.ts)", &mut schema);
    report(
        "edit in schema.ts (with a committed snapshot)",
        &mut LspCase::new("snapshot", TABLES, Setup::SchemaWithSnapshot),
    );
    report(
        "edit in schema.ts after the tables",
        &mut LspCase::new("outside", TABLES, Setup::SchemaOutsideTables),
    );
    report(
        "syntax error made and mended in schema.ts (parsed whole)",
        &mut LspCase::new("broken", TABLES, Setup::SchemaSyntaxError),
    );

    let mut i = 0usize;
    c.bench_function("lsp_edit_to_diagnostics_500_tables", |b| {
        b.iter(|| {
            i += 1;
            plain.edit(i)
        });
    });
    c.bench_function("lsp_edit_permissions_500_tables", |b| {
        b.iter(|| {
            i += 1;
            perms.edit(i)
        });
    });
    c.bench_function("lsp_edit_schema_with_permissions_500_tables", |b| {
        b.iter(|| {
            i += 1;
            schema.edit(i)
        });
    });
}

criterion_group!(benches, edit_to_diagnostics);
criterion_main!(benches);
