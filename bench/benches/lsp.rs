//! Edit-to-diagnostics latency of the language server on the generated 500-table app: one
//! buffer edit, then the analysis and the LSP diagnostics ready to publish
//! (`Workspace::diagnostics`), which is all the server work between a `didChange` and its
//! `publishDiagnostics`, minus the debounce and the JSON framing.
//!
//! Three cases: the app without permissions.ts, edited in schema.ts (the original case); and
//! the app with a permissions.ts ruling every table, edited in permissions.ts (which reuses
//! the schema phase, see `docs/architecture.md`) and in schema.ts. Before criterion runs,
//! 200 edits of each case are timed one by one and p50/p95 are printed, with and without the
//! server's default debounce added.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jazz_lsp::server::DEFAULT_DEBOUNCE;
use jazz_lsp::workspace::Workspace;

// The `jazz` binary that runs `jazz lsp` uses mimalloc; measure with the same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: usize = 500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// One project on disk, open in a workspace, and the file the case edits with the two texts
/// it alternates between (so every edit really changes the buffer).
struct Case {
    dir: PathBuf,
    ws: Workspace,
    file: PathBuf,
    texts: [Arc<str>; 2],
}

impl Case {
    fn new(name: &str, permissions: bool, edit_permissions: bool) -> Self {
        let dir =
            std::env::temp_dir().join(format!("jazz-bench-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let schema = jazz_bench::generate_app(TABLES, 1);
        let _ = std::fs::write(dir.join("schema.ts"), &schema);
        let mut ws = Workspace::new(vec![dir.clone()]);
        let mut open = vec![(dir.join("schema.ts"), schema.clone())];
        if permissions {
            let perms = jazz_bench::generate_app_permissions(TABLES);
            let _ = std::fs::write(dir.join("permissions.ts"), &perms);
            open.push((dir.join("permissions.ts"), perms));
        }
        for (path, text) in &open {
            ws.set_text(path.clone(), Arc::from(text.as_str()));
        }
        let (file, text) = open[usize::from(edit_permissions)].clone();
        let texts = [
            Arc::<str>::from(text.as_str()),
            Arc::<str>::from(format!("{text}// edited\n")),
        ];
        let _ = ws.diagnostics(&dir);
        Self {
            dir,
            ws,
            file,
            texts,
        }
    }

    fn edit(&mut self, i: usize) -> usize {
        self.ws
            .set_text(self.file.clone(), self.texts[i % 2].clone());
        black_box(self.ws.diagnostics(&self.dir)).len()
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn report(label: &str, case: &mut Case) {
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
    let mut plain = Case::new("plain", false, false);
    let mut analysis_only = Vec::with_capacity(50);
    for i in 0..50 {
        let started = Instant::now();
        plain
            .ws
            .set_text(plain.file.clone(), plain.texts[i % 2].clone());
        let root = plain.dir.clone();
        let a = plain.ws.analysis(&root);
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
    let mut perms = Case::new("perms", true, true);
    report("edit in permissions.ts", &mut perms);
    let mut schema = Case::new("schema", true, false);
    report("edit in schema.ts (with permissions.ts)", &mut schema);

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
