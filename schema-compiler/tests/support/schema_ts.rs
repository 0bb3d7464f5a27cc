//! The schema of a one-file app (`/app/schema.ts` in memory), for tests that run policies over
//! a `WasmSchema`. Included with `#[path]` by the tests that use it, so no test crate carries
//! it unused.

use std::path::Path;
use std::sync::Arc;

use jazz_schema_compiler::project::{AnalyzeOptions, analyze};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::source::MemoryLoader;

/// The schema `schema_ts` defines; panics when it has errors.
pub fn schema_of(schema_ts: &str) -> Arc<WasmSchema> {
    let loader = MemoryLoader::new().with("/app/schema.ts", schema_ts);
    analyze(&loader, Path::new("/app"), &AnalyzeOptions::default())
        .schema
        .expect("schema")
}
