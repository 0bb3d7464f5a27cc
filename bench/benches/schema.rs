//! Parse + evaluate + hash of generated apps, through the same entry point the CLI uses
//! (`project::analyze`), with the source in memory so that disk IO is not measured.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::schema_hash;
use jazz_schema_compiler::source::MemoryLoader;

// The `jazz` binary uses mimalloc; measure with the same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn analyze_and_hash(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze_and_hash");
    for tables in [20, 500] {
        let text = jazz_bench::generate_app(tables, 1);
        let loader = MemoryLoader::new().with("/app/schema.ts", text.as_str());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{tables}_tables"), |b| {
            b.iter(|| {
                let analysis = analyze(
                    black_box(&loader),
                    Path::new("/app"),
                    &jazz_schema_compiler::project::AnalyzeOptions::default(),
                );
                let hash = analysis.schema.as_deref().map(schema_hash);
                black_box((analysis.diagnostics.len(), hash))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, analyze_and_hash);
criterion_main!(benches);
