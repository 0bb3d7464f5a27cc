//! Completion: what may be typed at an offset. The context is read from the few characters
//! before the cursor (the file may be half-typed and unparsable), the candidates from the
//! analysis: table names inside `s.ref("…")` and after `policy.`, column constructors and
//! schema functions after `s.`, builder modifiers after `).`, `policy.<table>` members, rule
//! methods after `allowRead.` and friends, the table's columns in `allowedTo.read("…")`, and
//! session members after `session.`. Keys of where-objects and session paths are in
//! `where_keys`.

use crate::schema::ColumnKind;
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
    /// A `policy.<table>` member, a rule method or a session member.
    Member,
    Column,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
}

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
const POLICY_MEMBERS: &[(&str, &str)] = &[
    (
        "allowRead",
        "who may read rows: .where(...), .always(), .never()",
    ),
    ("allowInsert", "who may insert rows"),
    (
        "allowUpdate",
        "who may update rows: .where, .whereOld, .whereNew",
    ),
    ("allowDelete", "who may delete rows"),
    (
        "managedByCreator",
        "read, insert, update and delete for the row's creator",
    ),
    ("exists", "a condition: a matching row exists"),
];
const RULE_METHODS: &[(&str, &str)] = &[
    ("where", "allowed when the condition holds"),
    ("always", "always allowed"),
    ("never", "never allowed"),
    ("whereOld", "condition on the row before an update"),
    ("whereNew", "condition on the row after an update"),
];
const SESSION: &[(&str, &str)] = &[
    ("user_id", "the signed-in user's id"),
    ("claims", "the session's JWT claims"),
];
/// Names the DSL namespace is usually imported as.
const NAMESPACES: &[&str] = &["s", "schema", "col"];

impl Analysis {
    /// Candidates for `offset` of `file`, filtered by nothing: the editor filters by prefix.
    pub fn completions(&self, file: FileId, offset: u32) -> Vec<Completion> {
        let text = self.db.text(file);
        self.completions_after(file, text.get(..offset as usize).unwrap_or(""))
    }

    /// Candidates after `before`, the text of `file` up to the cursor: it may be newer than
    /// the text this analysis read (a recalled analysis completes the text being typed).
    pub(super) fn completions_after(&self, file: FileId, before: &str) -> Vec<Completion> {
        if let Some(keys) = self.key_completions(file, before) {
            return keys;
        }
        let head = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if head.ends_with("ref(\"") || head.ends_with("ref('") {
            return self.table_completions();
        }
        if let Some(call) = ["read(", "insert(", "update(", "delete("]
            .iter()
            .find_map(|op| {
                head.strip_suffix(&format!("{op}\""))
                    .or(head.strip_suffix(&format!("{op}'")))
            })
            && call.ends_with("allowedTo.")
        {
            return self.ref_column_completions(before);
        }
        let Some(receiver) = head.strip_suffix('.') else {
            return Vec::new();
        };
        if receiver.ends_with("session") {
            return list(SESSION, CompletionKind::Member);
        }
        if receiver.ends_with("policy") {
            return self.table_completions();
        }
        if let Some(rest) = receiver.rsplit_once("policy.").map(|(_, r)| r)
            && !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        {
            return list(POLICY_MEMBERS, CompletionKind::Member);
        }
        if ["allowRead", "allowInsert", "allowUpdate", "allowDelete"]
            .iter()
            .any(|a| receiver.ends_with(a) || receiver.ends_with(&format!("{a}s")))
        {
            return list(RULE_METHODS, CompletionKind::Member);
        }
        if receiver.trim_end().ends_with(')') {
            return list(MODIFIERS, CompletionKind::Modifier);
        }
        let ident_start = receiver
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |i| i + 1);
        let ident = receiver.get(ident_start..).unwrap_or("");
        if NAMESPACES.contains(&ident) {
            let mut out: Vec<Completion> = ColumnKind::ALL
                .into_iter()
                .map(|k| Completion {
                    label: k.dsl_name().to_owned(),
                    kind: CompletionKind::Constructor,
                    detail: k.completion_detail().to_owned(),
                })
                .collect();
            out.extend(list(FUNCTIONS, CompletionKind::Function));
            return out;
        }
        Vec::new()
    }

    /// The ref columns of the table named by the nearest `policy.<table>.` before the cursor.
    fn ref_column_completions(&self, before: &str) -> Vec<Completion> {
        let Some((_, after)) = before.rsplit_once("policy.") else {
            return Vec::new();
        };
        let table: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        let Some(t) = self.schema.as_deref().and_then(|s| s.table(&table)) else {
            return Vec::new();
        };
        t.columns
            .iter()
            .filter_map(|c| {
                Some(Completion {
                    label: c.name.clone(),
                    kind: CompletionKind::Column,
                    detail: format!("references {}", c.references.as_ref()?),
                })
            })
            .collect()
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
