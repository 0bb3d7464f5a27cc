//! The JSON renderer of [`Diagnostic`] and the `--format json`
//! envelope. Pure functions over a diagnostic and the files it points into: positions are
//! 1-based, columns count Unicode scalar values, byte ranges are 0-based UTF-8 offsets, and
//! files are shown relative to the project root with `/` separators.

use std::path::Path;

use jazz_schema_compiler::diagnostics::{Diagnostic, Fix, Severity};
use jazz_schema_compiler::source::{FileId, SourceDb, TextRange};
use serde::Serialize;

use crate::paths;

/// Version of the envelope; bumped when a field is removed or renamed.
pub const ENVELOPE_VERSION: u32 = 1;

/// The one JSON document a command prints.
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    pub version: u32,
    pub command: &'a str,
    pub ok: bool,
    pub exit_code: u8,
    pub diagnostics: &'a [JsonDiagnostic],
    pub summary: Summary,
    pub result: serde_json::Value,
}

#[derive(Debug, Serialize, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct JsonDiagnostic {
    pub code: Option<String>,
    pub severity: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_message: Option<String>,
    pub file: Option<String>,
    pub range: Option<JsonRange>,
    pub byte_range: Option<[u32; 2]>,
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fixes: Vec<JsonFix>,
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
pub struct JsonPosition {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
pub struct JsonRange {
    pub start: JsonPosition,
    pub end: JsonPosition,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct JsonLabel {
    pub file: Option<String>,
    pub range: Option<JsonRange>,
    pub message: Option<String>,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct JsonFix {
    pub title: String,
    pub edits: Vec<JsonEdit>,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct JsonEdit {
    pub file: Option<String>,
    pub range: Option<JsonRange>,
    pub new_text: String,
}

/// Renders one compiler diagnostic.
pub fn diagnostic(d: &Diagnostic, db: &SourceDb, root: &Path) -> JsonDiagnostic {
    let at =
        |file: FileId, range: TextRange| (file_name(db, root, file), json_range(db, file, range));
    let (file, range) = match &d.primary {
        Some(label) => at(label.span.file, label.span.range),
        None => (None, None),
    };
    JsonDiagnostic {
        code: Some(d.code.to_string()),
        severity: d.severity.as_str(),
        message: d.message.clone(),
        upstream_message: d.upstream_message.clone(),
        file,
        range,
        byte_range: d
            .primary
            .as_ref()
            .map(|l| [l.span.range.start, l.span.range.end]),
        labels: d
            .labels
            .iter()
            .map(|l| {
                let (file, range) = at(l.span.file, l.span.range);
                JsonLabel {
                    file,
                    range,
                    message: l.message.clone(),
                }
            })
            .collect(),
        notes: d.notes.clone(),
        help: d.help.clone(),
        fixes: d.fixes.iter().map(|f| fix(f, db, root)).collect(),
    }
}

/// A failure that is not a compiler finding (usage, IO, network): no code, no location.
pub fn message(severity: Severity, text: impl Into<String>) -> JsonDiagnostic {
    JsonDiagnostic {
        code: None,
        severity: severity.as_str(),
        message: text.into(),
        upstream_message: None,
        file: None,
        range: None,
        byte_range: None,
        labels: Vec::new(),
        notes: Vec::new(),
        help: None,
        fixes: Vec::new(),
    }
}

fn fix(f: &Fix, db: &SourceDb, root: &Path) -> JsonFix {
    JsonFix {
        title: f.title.clone(),
        edits: f
            .edits
            .iter()
            .map(|e| JsonEdit {
                file: file_name(db, root, e.file),
                range: json_range(db, e.file, e.range),
                new_text: e.new_text.clone(),
            })
            .collect(),
    }
}

fn file_name(db: &SourceDb, root: &Path, file: FileId) -> Option<String> {
    db.path(file).map(|p| paths::relative(p, root))
}

fn json_range(db: &SourceDb, file: FileId, range: TextRange) -> Option<JsonRange> {
    let source = db.get(file)?;
    let pos = |offset: u32| {
        let lc = source.line_index.line_col_chars(&source.text, offset);
        JsonPosition {
            line: lc.line + 1,
            column: lc.col + 1,
        }
    };
    Some(JsonRange {
        start: pos(range.start),
        end: pos(range.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jazz_schema_compiler::diagnostics::codes;
    use jazz_schema_compiler::source::Span;
    use std::path::PathBuf;

    #[test]
    fn renders_positions_labels_and_fixes() {
        let mut db = SourceDb::new();
        let schema = db.add(
            PathBuf::from("/app/schema.ts"),
            "const é = 1;\nref(\"project\")\n".into(),
        );
        let perms = db.add(PathBuf::from("/app/src/permissions.ts"), "x\n".into());
        // `"project"` on line 2 starts at byte 4 of that line; line 1 is 14 bytes long.
        let d = Diagnostic::new(codes::UNKNOWN_REF, "unknown table")
            .at_labelled(Span::new(schema, 18, 27), "here")
            .label(Span::new(perms, 0, 1), "used here")
            .note("why")
            .help("did you mean `projects`?")
            .fix("Rename", Span::new(schema, 18, 27), "\"projects\"");
        let j = diagnostic(&d, &db, Path::new("/app"));
        let value = serde_json::to_value(&j).expect("serializes");
        assert_eq!(
            value,
            serde_json::json!({
                "code": "JZ1016",
                "severity": "error",
                "message": "unknown table",
                "file": "schema.ts",
                "range": { "start": { "line": 2, "column": 5 }, "end": { "line": 2, "column": 14 } },
                "byte_range": [18, 27],
                "labels": [{ "file": "src/permissions.ts", "range": { "start": { "line": 1, "column": 1 }, "end": { "line": 1, "column": 2 } }, "message": "used here" }],
                "notes": ["why"],
                "help": "did you mean `projects`?",
                "fixes": [{ "title": "Rename", "edits": [{ "file": "schema.ts", "range": { "start": { "line": 2, "column": 5 }, "end": { "line": 2, "column": 14 } }, "new_text": "\"projects\"" }] }]
            })
        );
    }

    #[test]
    fn columns_count_unicode_scalars() {
        let mut db = SourceDb::new();
        let f = db.add(PathBuf::from("/a/s.ts"), "é😀x".into());
        let d = Diagnostic::new(codes::SYNTAX, "x").at(Span::new(f, 6, 7));
        let j = diagnostic(&d, &db, Path::new("/a"));
        assert_eq!(
            j.range.map(|r| r.start),
            Some(JsonPosition { line: 1, column: 3 })
        );
    }

    #[test]
    fn upstream_text_and_project_level_findings() {
        let d = Diagnostic::new(codes::SCHEMA_NOT_FOUND, "not found")
            .upstream("Schema file not found.");
        let value =
            serde_json::to_value(diagnostic(&d, &SourceDb::new(), Path::new("/"))).expect("json");
        assert_eq!(value["upstream_message"], "Schema file not found.");
        assert_eq!(value["file"], serde_json::Value::Null);
        assert_eq!(value["range"], serde_json::Value::Null);
        let plain = serde_json::to_value(message(Severity::Error, "boom")).expect("json");
        assert_eq!(plain["code"], serde_json::Value::Null);
        assert!(plain.get("upstream_message").is_none());
    }
}
