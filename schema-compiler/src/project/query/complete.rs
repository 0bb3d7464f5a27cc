//! Completion: what may be typed at an offset. The context is read from the few characters
//! before the cursor (the file may be half-typed and unparsable), the candidates from the
//! analysis: table names inside `s.ref("…")`, column constructors and schema functions after
//! `s.`, builder modifiers after `).`.

use crate::source::FileId;

use super::Analysis;

/// What a completion inserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Table,
    /// `s.string`, `s.ref`, ...
    Constructor,
    /// `s.table`, `s.defineApp`, ...
    Function,
    /// `.optional`, `.default`, ...
    Modifier,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
}

const CONSTRUCTORS: &[(&str, &str)] = &[
    ("string", "text column"),
    ("boolean", "boolean column"),
    ("int", "32-bit integer column"),
    ("float", "double column"),
    ("timestamp", "timestamp column (Date or ms)"),
    ("bytes", "bytea column"),
    ("json", "JSON column, optionally typed by a zod schema"),
    ("enum", "enum column: s.enum(\"a\", \"b\")"),
    ("ref", "reference to a table: s.ref(\"table\")"),
    ("array", "array column: s.array(s.string())"),
];
const FUNCTIONS: &[(&str, &str)] = &[
    ("table", "s.table({ column: s.string() })"),
    ("defineApp", "s.defineApp({ table: s.table({...}) })"),
    ("defineSliceableApp", "an app that can be sliced"),
    ("defineMigration", "a migration between two schema versions"),
];
const MODIFIERS: &[(&str, &str)] = &[
    ("optional", "the column may be null"),
    (
        "default",
        "the value of a new row that does not set the column",
    ),
    ("merge", "merge strategy: .merge(\"counter\")"),
];
/// Names the DSL namespace is usually imported as.
const NAMESPACES: &[&str] = &["s", "schema", "col"];

impl Analysis {
    /// Candidates for `offset` of `file`, filtered by nothing: the editor filters by prefix.
    pub fn completions(&self, file: FileId, offset: u32) -> Vec<Completion> {
        let text = self.db.text(file);
        let before = text.get(..offset as usize).unwrap_or("");
        let head = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if head.ends_with("ref(\"") || head.ends_with("ref('") {
            return self.table_completions();
        }
        let Some(receiver) = head.strip_suffix('.') else {
            return Vec::new();
        };
        if receiver.trim_end().ends_with(')') {
            return list(MODIFIERS, CompletionKind::Modifier);
        }
        let ident_start = receiver
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |i| i + 1);
        let ident = receiver.get(ident_start..).unwrap_or("");
        if NAMESPACES.contains(&ident) {
            let mut out = list(CONSTRUCTORS, CompletionKind::Constructor);
            out.extend(list(FUNCTIONS, CompletionKind::Function));
            return out;
        }
        Vec::new()
    }

    fn table_completions(&self) -> Vec<Completion> {
        let mut out: Vec<Completion> = Vec::new();
        for t in &self.symbols.tables {
            if out.iter().all(|c| c.label != t.name) {
                let columns = self
                    .schema
                    .as_ref()
                    .and_then(|s| s.table(&t.name))
                    .map_or(0, |t| t.columns.len());
                out.push(Completion {
                    label: t.name.clone(),
                    kind: CompletionKind::Table,
                    detail: format!("table ({columns} columns)"),
                });
            }
        }
        out
    }
}

fn list(items: &[(&str, &str)], kind: CompletionKind) -> Vec<Completion> {
    items
        .iter()
        .map(|(label, detail)| Completion {
            label: (*label).to_owned(),
            kind,
            detail: (*detail).to_owned(),
        })
        .collect()
}
