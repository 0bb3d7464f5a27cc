//! The plain-text rendering of diagnostics that the fixture snapshots hold (shared by the
//! evaluation, permissions and migrations fixtures): code, severity, message, upstream text,
//! the location and source line with the span marked, labels, notes, help and fixes, the way
//! `jazz validate` shows them. Paths are shown relative to the fixture root `/app`.

use std::fmt::Write;

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::source::{SourceDb, Span};

fn location(db: &SourceDb, span: Span) -> String {
    let file = db.get(span.file).expect("file");
    let lc = file.line_index.line_col_chars(&file.text, span.range.start);
    let name = file
        .path
        .strip_prefix("/app")
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!("{name}:{}:{}", lc.line + 1, lc.col + 1)
}

fn snippet(db: &SourceDb, span: Span, label: Option<&str>, out: &mut String) {
    let file = db.get(span.file).expect("file");
    let idx = &file.line_index;
    let line = idx.line_of(span.range.start);
    let start = idx.line_start(line).unwrap_or(0) as usize;
    let end = idx
        .line_start(line + 1)
        .map(|e| e as usize)
        .unwrap_or(file.text.len());
    let text = file
        .text
        .get(start..end)
        .unwrap_or("")
        .trim_end_matches(['\n', '\r']);
    let col = file
        .text
        .get(start..span.range.start as usize)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    let span_end = (span.range.end as usize)
        .min(start + text.len())
        .max(span.range.start as usize);
    let width = file
        .text
        .get(span.range.start as usize..span_end)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        .max(1);
    let _ = writeln!(out, "{:>4} | {text}", line + 1);
    let _ = writeln!(
        out,
        "     | {}{}{}",
        " ".repeat(col),
        "^".repeat(width),
        label.map(|l| format!(" {l}")).unwrap_or_default()
    );
}

pub fn render(db: &SourceDb, d: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
    if let Some(u) = &d.upstream_message {
        let _ = writeln!(out, "  upstream: {u}");
    }
    if let Some(p) = &d.primary {
        let _ = writeln!(out, "  --> {}", location(db, p.span));
        snippet(db, p.span, p.message.as_deref(), &mut out);
    }
    for l in &d.labels {
        let _ = writeln!(out, "  ::: {}", location(db, l.span));
        snippet(db, l.span, l.message.as_deref(), &mut out);
    }
    for n in &d.notes {
        let _ = writeln!(out, "  = note: {n}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  = help: {h}");
    }
    for f in &d.fixes {
        let edits: Vec<String> = f
            .edits
            .iter()
            .map(|e| format!("{}..{} -> {:?}", e.range.start, e.range.end, e.new_text))
            .collect();
        let _ = writeln!(out, "  = fix: {} [{}]", f.title, edits.join(", "));
    }
    out
}
