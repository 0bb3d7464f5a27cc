//! The outline of permissions.ts: each table with a rule, and under it each rule (its
//! operations and where it is written), from the rule origins the permissions phase recorded.

use crate::policy::ir::Slot;
use crate::source::{FileId, Span};

use super::Analysis;
use super::present::{OutlineItem, OutlineKind};

impl Analysis {
    /// Tables with rules written in `file`, in policy order, each with its rules.
    pub(super) fn rules_outline(&self, file: FileId) -> Vec<OutlineItem> {
        let Some(policy) = self.permissions.as_ref().and_then(|p| p.policy.as_ref()) else {
            return Vec::new();
        };
        policy
            .tables
            .iter()
            .filter_map(|t| {
                let rules: Vec<OutlineItem> = t
                    .rules
                    .iter()
                    .filter(|r| r.span.file == file)
                    .map(|r| {
                        let span = r.stmt.filter(|s| s.file == file).unwrap_or(r.span);
                        OutlineItem {
                            name: operations(&r.slots),
                            detail: Some(format!("policy.{}", t.name)),
                            kind: OutlineKind::Rule,
                            span: cover(span, r.span),
                            selection: r.span,
                            children: Vec::new(),
                        }
                    })
                    .collect();
                let first = rules.first()?.span;
                let whole = rules.iter().fold(first, |acc, r| cover(acc, r.span));
                Some(OutlineItem {
                    name: t.name.clone(),
                    detail: Some("policies".into()),
                    kind: OutlineKind::Table,
                    span: whole,
                    selection: rules.first()?.selection,
                    children: rules,
                })
            })
            .collect()
    }
}

/// `read`, `insert`, `update`, `delete` or a list of them (`managedByCreator`).
fn operations(slots: &[Slot]) -> String {
    let mut ops: Vec<&str> = Vec::new();
    for s in slots {
        let op = match s {
            Slot::SelectUsing => "read",
            Slot::InsertCheck => "insert",
            Slot::UpdateUsing | Slot::UpdateCheck => "update",
            Slot::DeleteUsing => "delete",
        };
        if !ops.contains(&op) {
            ops.push(op);
        }
    }
    ops.join(", ")
}

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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::project::analyze;
    use crate::source::{FileId, MemoryLoader};

    #[test]
    fn permissions_outline_lists_tables_and_their_rules() {
        let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  notes: s.table({ body: s.string() }),\n  tags: s.table({ label: s.string() }),\n});\n";
        let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy, session }) => {\n  policy.tags.allowRead.always();\n  policy.notes.allowRead.where({ $createdBy: session.user_id });\n  policy.notes.allowUpdate.never();\n  policy.tags.managedByCreator();\n});\n";
        let a = analyze(
            &MemoryLoader::new()
                .with("/p/schema.ts", schema)
                .with("/p/permissions.ts", perms),
            Path::new("/p"),
            &crate::project::AnalyzeOptions::default(),
        );
        let f =
            a.db.lookup(Path::new("/p/permissions.ts"))
                .unwrap_or(FileId(u32::MAX));
        let outline = a.outline(f);
        let shape: Vec<(String, Vec<String>)> = outline
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.children.iter().map(|r| r.name.clone()).collect(),
                )
            })
            .collect();
        let s = |t: &str, rs: &[&str]| (t.to_owned(), rs.iter().map(|r| (*r).to_owned()).collect());
        assert_eq!(
            shape,
            vec![
                s("tags", &["read", "read", "insert", "update", "delete"]),
                s("notes", &["read", "update"]),
            ]
        );
        let sel = outline[1].children[1].selection;
        assert_eq!(a.db.slice(sel), "policy.notes.allowUpdate.never");
    }
}
