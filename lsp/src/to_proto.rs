//! Core answers → protocol values: diagnostics, locations, edits. Small, pure functions; the
//! only place besides [`crate::convert`] that builds LSP types from core types.

use std::collections::HashMap;
use std::path::Path;

use jazz_schema_compiler::diagnostics::{Diagnostic, Severity, TextEdit};
use jazz_schema_compiler::project::Analysis;
use jazz_schema_compiler::{FileId, Span, TextRange};
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
    WorkspaceEdit,
};

use crate::convert;

/// The `file://` URI of a path.
pub fn uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// The LSP range of a byte range of one of the analysis' files.
pub fn range(a: &Analysis, file: FileId, r: TextRange) -> lsp::Range {
    match a.db.get(file) {
        Some(f) => convert::range(&f.line_index, &f.text, r),
        None => lsp::Range::default(),
    }
}

pub fn location(a: &Analysis, span: Span) -> Option<Location> {
    let path = a.db.path(span.file)?;
    Some(Location::new(uri(path)?, range(a, span.file, span.range)))
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A diagnostic as editors show it: the message with its primary label, notes and help
/// appended; secondary labels as related information. Project-level diagnostics (no span)
/// sit at the start of the file they are published for.
pub fn diagnostic(a: &Analysis, d: &Diagnostic) -> lsp::Diagnostic {
    let range = d
        .primary
        .as_ref()
        .map(|l| range(a, l.span.file, l.span.range))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(label) = d.primary.as_ref().and_then(|l| l.message.as_ref()) {
        message.push_str(&format!("\n{label}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: location(a, l.span)?,
                message: l.message.clone().unwrap_or_default(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("jazz".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// Core edits (possibly across files) as a workspace edit.
pub fn workspace_edit(a: &Analysis, edits: &[TextEdit]) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        let Some(u) = a.db.path(e.file).and_then(uri) else {
            continue;
        };
        changes.entry(u).or_default().push(lsp::TextEdit {
            range: range(a, e.file, e.range),
            new_text: e.new_text.clone(),
        });
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jazz_schema_compiler::diagnostics::Code;
    use jazz_schema_compiler::source::MemoryLoader;

    #[test]
    fn diagnostics_carry_code_help_and_related_labels() {
        let src = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ a: s.table({ x: s.ref(\"b\") }) });\n";
        let a = jazz_schema_compiler::project::analyze(
            &MemoryLoader::new().with("/p/schema.ts", src),
            Path::new("/p"),
            &jazz_schema_compiler::project::AnalyzeOptions::default(),
        );
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == Code(1016))
            .map(|d| diagnostic(&a, d));
        let d = d.unwrap_or_default();
        assert_eq!(d.code, Some(NumberOrString::String("JZ1016".into())));
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(d.range.start, lsp::Position::new(1, 55));
        assert_eq!(d.range.end, lsp::Position::new(1, 58));
        assert_eq!(d.source.as_deref(), Some("jazz"));
    }
}
