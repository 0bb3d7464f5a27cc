//! The terminal renderer of [`Diagnostic`]: miette's graphical report.
//! A diagnostic with upstream text prints that text alone on its first line (so `grep`
//! on upstream messages keeps working), then the code, message, snippet with labels, notes and
//! help.
//!
//! Labels may point into several files. miette draws one source per report, so [`ProjectSource`]
//! lays every file of the [`SourceDb`] end to end in one offset space and answers each span from
//! the file it falls in, with that file's name and line numbers. Each file is drawn through a
//! [`ClippedText`], so an over-long line shows only windows around the labels (and miette never
//! sees a column it cannot pad), while the header still names the true line and column.

use std::fmt;
use std::path::Path;

use jazz_schema_compiler::diagnostics::{Diagnostic, Severity};
use jazz_schema_compiler::source::{SourceDb, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::clip::ClippedText;
use crate::paths;

/// Fixed width, so output (and snapshots of it) do not depend on the terminal.
pub const WIDTH: usize = 100;

/// Renders one diagnostic for the terminal. With `color` off the text holds no ANSI escapes.
pub fn render(d: &Diagnostic, db: &SourceDb, root: &Path, color: bool) -> String {
    let spans: Vec<Span> = d.primary.iter().chain(&d.labels).map(|l| l.span).collect();
    let source = ProjectSource::new(db, root, &spans);
    let mut out = String::new();
    let mut message = d.message.clone();
    if let Some(upstream) = &d.upstream_message {
        let first = if d.severity == Severity::Warning && !upstream.starts_with("Warning: ") {
            format!("Warning: {upstream}")
        } else {
            upstream.clone()
        };
        out.push_str(&first);
        out.push('\n');
        // Saying the same long sentence twice helps nobody: the code's title stands in.
        if upstream.strip_prefix("Warning: ").unwrap_or(upstream) == d.message
            && let Some(info) = d.code.info()
        {
            message = info.title.to_owned();
        }
    }
    let mut labels = Vec::new();
    if let Some(primary) = &d.primary
        && let Some(span) = source.span(primary.span)
    {
        labels.push(LabeledSpan::new_primary_with_span(
            primary.message.clone(),
            span,
        ));
    }
    for label in &d.labels {
        if let Some(span) = source.span(label.span) {
            labels.push(LabeledSpan::new_with_span(label.message.clone(), span));
        }
    }
    let report = Report {
        code: d.code.to_string(),
        message,
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info | Severity::Hint => miette::Severity::Advice,
        },
        help: d.help.clone(),
        labels,
        source,
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_urls(false);
    if !d.notes.is_empty() {
        let notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
        handler = handler.with_footer(notes.join("\n"));
    }
    // Writing into a String cannot fail; a miette bug would only lose the snippet.
    let _ = handler.render_report(&mut out, &report);
    out
}

/// One diagnostic in the shape miette draws.
#[derive(Debug)]
struct Report<'a> {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: ProjectSource<'a>,
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.labels.is_empty() {
            None
        } else {
            Some(&self.source)
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// Every file of a [`SourceDb`] in one offset space: file *i* starts at `base` *i*, and one
/// unused byte separates files so no span can cover two of them.
#[derive(Debug)]
struct ProjectSource<'a> {
    files: Vec<SourceEntry<'a>>,
}

#[derive(Debug)]
struct SourceEntry<'a> {
    name: String,
    /// The file as written, for true columns.
    original: &'a str,
    /// The file as drawn.
    text: ClippedText<'a>,
    base: usize,
}

impl<'a> ProjectSource<'a> {
    /// The files of `db`, each clipped around the ends of those `spans` that fall in it.
    fn new(db: &'a SourceDb, root: &Path, spans: &[Span]) -> Self {
        let mut base = 0;
        let files = db
            .iter()
            .enumerate()
            .map(|(i, (_, f))| {
                let points: Vec<usize> = spans
                    .iter()
                    .filter(|s| s.file.0 as usize == i)
                    .flat_map(|s| [s.range.start as usize, s.range.end as usize])
                    .collect();
                // A file no label points into is never drawn: no need to clip it.
                let text = if points.is_empty() {
                    ClippedText::new("", &[])
                } else {
                    ClippedText::new(&f.text, &points)
                };
                let len = text.text().len();
                let entry = SourceEntry {
                    name: paths::relative(&f.path, root),
                    original: &f.text,
                    text,
                    base,
                };
                base += len + 1;
                entry
            })
            .collect();
        Self { files }
    }

    /// The global span of a file span (clamped to the file), `None` for an unknown file.
    fn span(&self, span: Span) -> Option<SourceSpan> {
        let entry = self.files.get(span.file.0 as usize)?;
        let len = entry.original.len();
        let start = (span.range.start as usize).min(len);
        let end = (span.range.end as usize).clamp(start, len);
        let (start, end) = (entry.text.to_drawn(start), entry.text.to_drawn(end));
        Some(SourceSpan::new((entry.base + start).into(), end - start))
    }
}

impl SourceCode for ProjectSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let entry = self
            .files
            .iter()
            .rev()
            .find(|e| e.base <= span.offset())
            .filter(|e| span.offset() + span.len() <= e.base + e.text.text().len())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - entry.base).into(), span.len());
        let inner =
            entry
                .text
                .text()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let global = SourceSpan::new(
            (inner.span().offset() + entry.base).into(),
            inner.span().len(),
        );
        // The column miette prints in the header: counted in the file as written.
        let column = if context_lines_before == 0 {
            let orig = entry.text.to_orig(local.offset());
            let before = entry.original.get(..orig).unwrap_or_default();
            orig - before.rfind(['\n', '\r']).map_or(0, |i| i + 1)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            entry.name.clone(),
            inner.data(),
            global,
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jazz_schema_compiler::diagnostics::codes;
    use std::path::PathBuf;

    fn db() -> SourceDb {
        let mut db = SourceDb::new();
        db.add(PathBuf::from("/app/schema.ts"), "export const app = s.defineApp({\n  todos: s.table({ projectId: s.ref(\"project\") }),\n});\n".into());
        db.add(
            PathBuf::from("/app/permissions.ts"),
            "policy.todos.allowRead.always();\n".into(),
        );
        db
    }

    #[test]
    fn renders_snippets_in_two_files_without_colour() {
        let db = db();
        let d = Diagnostic::new(codes::UNKNOWN_REF, "table \"project\" is not defined")
            .at_labelled(
                Span::new(jazz_schema_compiler::FileId(0), 69, 78),
                "no such table",
            )
            .label(
                Span::new(jazz_schema_compiler::FileId(1), 7, 12),
                "used here",
            )
            .note("refs must name a table of the schema")
            .help("did you mean `projects`?");
        let text = render(&d, &db, Path::new("/app"), false);
        assert!(!text.contains('\x1b'), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn upstream_line_comes_first() {
        let d = Diagnostic::new(codes::EMPTY_TABLE, "table t has no columns")
            .upstream("table t has no columns");
        let text = render(&d, &SourceDb::new(), Path::new("/app"), false);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn colour_on_emits_ansi() {
        let d = Diagnostic::new(codes::SYNTAX, "bad").at(Span::new(
            jazz_schema_compiler::FileId(0),
            0,
            6,
        ));
        assert!(render(&d, &db(), Path::new("/app"), true).contains("\x1b["));
    }
}
