//! Per-file presentations of the recorded definitions: the outline (tables with their
//! columns) and inlay hints (policy defaults after tables, the short schema hash after
//! `defineApp(...)`).

use crate::schema::schema_hash;
use crate::source::{FileId, Span};

use super::Analysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    Table,
    Column,
    App,
    /// A rule in permissions.ts.
    Rule,
}

/// One outline entry: `span` covers it, `selection` is its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineItem {
    pub name: String,
    pub detail: Option<String>,
    pub kind: OutlineKind,
    pub span: Span,
    pub selection: Span,
    pub children: Vec<OutlineItem>,
}

/// A label shown at an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: u32,
    pub label: String,
}

impl Analysis {
    /// The tables defined in `file`, each with the columns defined in `file`; in
    /// permissions.ts, the tables with rules, each with its rules.
    pub fn outline(&self, file: FileId) -> Vec<OutlineItem> {
        let permissions = self.permissions_file.as_deref();
        if permissions.is_some() && self.db.path(file) == permissions {
            return self.rules_outline(file);
        }
        let schema = self.schema.as_deref();
        let mut out: Vec<OutlineItem> = self
            .symbols
            .tables
            .iter()
            .filter(|t| t.key.file == file)
            .map(|t| {
                let children = self
                    .symbols
                    .columns
                    .iter()
                    .filter(|c| c.table == t.name && c.key.file == file)
                    .map(|c| OutlineItem {
                        name: c.name.clone(),
                        detail: schema
                            .and_then(|s| s.table(&c.table))
                            .and_then(|tb| tb.column(&c.name))
                            .map(|col| col.column_type.describe()),
                        kind: OutlineKind::Column,
                        span: cover(c.key, c.builder),
                        selection: c.key,
                        children: Vec::new(),
                    })
                    .collect();
                OutlineItem {
                    name: t.name.clone(),
                    detail: Some("table".into()),
                    kind: OutlineKind::Table,
                    span: t.body.map_or(t.key, |b| cover(t.key, b)),
                    selection: t.key,
                    children,
                }
            })
            .collect();
        for app in self.symbols.apps.iter().filter(|s| s.file == file) {
            out.push(OutlineItem {
                name: "app".into(),
                detail: Some("defineApp".into()),
                kind: OutlineKind::App,
                span: *app,
                selection: *app,
                children: Vec::new(),
            });
        }
        out
    }

    /// Hints for `file`: after each table, the operations permissions.ts gives no policy
    /// ("no update/delete policy: denied"); the short schema hash after each `defineApp(...)`
    /// of a valid schema.
    pub fn inlay_hints(&self, file: FileId) -> Vec<InlayHint> {
        let mut out = Vec::new();
        if let Some(policy) = self.permissions.as_ref().and_then(|p| p.policy.as_ref()) {
            for t in self.symbols.tables.iter().filter(|t| t.key.file == file) {
                let denied = super::policies::denied_by_default(policy, &t.name);
                if !denied.is_empty() {
                    out.push(InlayHint {
                        offset: t.body.unwrap_or(t.key).range.end,
                        label: format!(" no {} policy: denied", denied.join("/")),
                    });
                }
            }
        }
        if let Some(valid) = self.valid_schema() {
            let short = schema_hash(valid).short();
            for app in self.symbols.apps.iter().filter(|s| s.file == file) {
                out.push(InlayHint {
                    offset: app.range.end,
                    label: format!(" hash {short}"),
                });
            }
        }
        out.sort_by_key(|h| h.offset);
        out
    }
}

/// The smallest span covering both (same file assumed; `a` wins otherwise).
fn cover(a: Span, b: Span) -> Span {
    if a.file != b.file {
        return a;
    }
    Span::new(
        a.file,
        a.range.start.min(b.range.start),
        a.range.end.max(b.range.end),
    )
}
