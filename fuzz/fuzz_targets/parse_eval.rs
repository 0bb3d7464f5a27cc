//! Arbitrary bytes as `/app/schema.ts` through the whole pipeline the CLI runs: discovery,
//! parsing, evaluation, checks, and, when a schema comes out, its hash and WasmSchema JSON.
//! The core promises never to panic on user input; this holds it to that.

#![no_main]

use std::path::Path;
use std::sync::Once;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::{schema_hash, wasm_json};
use jazz_schema_compiler::source::MemoryLoader;
use libfuzzer_sys::fuzz_target;

/// libfuzzer-sys aborts on every panic, even one the compiler catches on purpose: `syntax::parse`
/// turns SWC's internal assertions into a diagnostic (JZ9xxx) with `catch_unwind`. Restoring
/// the default hook keeps those caught panics from ending the campaign; a panic that escapes
/// the compiler still unwinds into libfuzzer-sys's `catch_unwind` and is reported as a crash.
static DEFAULT_PANIC_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    DEFAULT_PANIC_HOOK.call_once(|| drop(std::panic::take_hook()));
    let text = String::from_utf8_lossy(data);
    let loader = MemoryLoader::new().with("/app/schema.ts", text.as_ref());
    let analysis = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    if let Some(schema) = &analysis.schema {
        let hash = schema_hash(schema);
        assert_eq!(hash.to_hex().len(), 64);
        let json = wasm_json::to_pretty_json(schema);
        assert!(json.ends_with('\n'), "pretty JSON lacks its final newline");
    }
    // Every diagnostic must point inside a file that was read, at a range of its text: the
    // renderers slice the source with it.
    for diagnostic in &analysis.diagnostics {
        if let Some(span) = diagnostic.span() {
            let file = analysis
                .db
                .get(span.file)
                .expect("diagnostic points at an unknown file");
            let len = file.text.len() as u32;
            assert!(
                span.range.start <= span.range.end && span.range.end <= len,
                "{span:?}"
            );
            file.line_index.line_col_utf16(&file.text, span.range.start);
        }
    }
});
