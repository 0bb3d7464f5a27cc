//! Memory stays flat over 10,000 edits: the workspace keeps one buffer and one analysis per
//! project, never a history. Its own test binary, so no other test allocates meanwhile.

use std::path::PathBuf;
use std::sync::Arc;

use jazz_lsp::workspace::Workspace;

/// Resident set size in KiB (Linux); `None` elsewhere.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn ten_thousand_edits_keep_memory_flat() {
    let dir = std::env::temp_dir().join(format!("jazz-lsp-memory-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let schema: PathBuf = dir.join("schema.ts");
    let _ = std::fs::write(&schema, "");
    let mut ws = Workspace::new(vec![dir.clone()]);
    let text = |i: usize| {
        format!(
            "import {{ schema as s }} from \"jazz-tools\";\nexport const app = s.defineApp({{\n  t{}: s.table({{ c: s.string(), r: s.ref(\"t{}\") }}),\n}});\n",
            i % 7,
            i % 5
        )
    };
    let mut baseline = 0;
    for i in 0..10_000 {
        ws.set_text(schema.clone(), Arc::from(text(i)));
        let published = ws.diagnostics(&dir);
        assert!(!published.is_empty());
        if i == 1_000 {
            baseline = rss_kib().unwrap_or(0);
        }
    }
    assert_eq!(ws.open_buffers(), 1);
    let end = rss_kib().unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        end <= baseline + 4 * 1024,
        "RSS grew from {baseline} KiB to {end} KiB over 9,000 edits"
    );
}
