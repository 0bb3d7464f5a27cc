//! The occurrence index on a project with schema.ts, permissions.ts and two migrations (one
//! whose `toHash` is the current schema's, one older).

use std::path::Path;

use super::super::{RenameError, Symbol};
use crate::project::{Analysis, AnalyzeOptions, analyze};
use crate::schema::schema_hash;
use crate::source::{FileId, MemoryLoader};

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  projects: s.table({ name: s.string() }),
  tasks: s.table({ title: s.string(), done: s.boolean(), projectId: s.ref("projects") }),
});
"#;

const PERMS: &str = r#"import { schema as s } from "jazz-tools";
import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session, allowedTo }) => {
  policy.projects.allowRead.where({ $createdBy: session.user_id });
  policy.tasks.allowRead.where(allowedTo.read("project"));
  policy.tasks.allowInsert.where({ "tasks.title": "x", done: false });
  policy.tasks.allowUpdate.where(session.where({ "claims.role": "admin" }));
  policy.tasks.allowDelete.where({ title: session["claims.team"] });
  policy.projects.allowInsert.where(
    policy.tasks.exists.where({ projectId: "p", title: { ne: "" } }),
  );
});
"#;

fn migration(to: &str) -> String {
    format!(
        r#"import {{ schema as s }} from "jazz-tools";
export default s.defineMigration({{
  migrate: {{
    tasks: {{
      title: s.renameFrom("name"),
    }},
  }},
  fromHash: "aaaaaaaaaaaa",
  toHash: "{to}",
  from: {{
    tasks: s.table({{ name: s.string(), done: s.boolean(), projectId: s.ref("projects") }}),
  }},
  to: {{
    tasks: s.table({{ title: s.string(), done: s.boolean(), projectId: s.ref("projects") }}),
  }},
}});
"#
    )
}

fn project() -> (Analysis, String) {
    let loader = MemoryLoader::new()
        .with("/p/schema.ts", SCHEMA)
        .with("/p/permissions.ts", PERMS);
    let hash = analyze(
        &loader,
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    )
    .schema
    .map(|s| schema_hash(&s).to_hex())
    .unwrap_or_default();
    let current = migration(hash.get(..12).unwrap_or(""));
    let old = migration("bbbbbbbbbbbb");
    let loader = loader
        .with(
            "/p/migrations/20260101T000000-a-aaaaaaaaaaaa-bbbbbbbbbbbb.ts",
            old.as_str(),
        )
        .with(
            format!(
                "/p/migrations/20260102T000000-b-aaaaaaaaaaaa-{}.ts",
                hash.get(..12).unwrap_or("")
            ),
            current.as_str(),
        );
    let a = analyze(
        &loader,
        Path::new("/p"),
        &AnalyzeOptions::default().with_migrations(Some(Path::new("/p/migrations"))),
    );
    (a, current)
}

fn file(a: &Analysis, name: &str) -> FileId {
    a.db.iter()
        .find(|(_, f)| f.path.to_string_lossy().contains(name))
        .map_or(FileId(u32::MAX), |(id, _)| id)
}

fn off(text: &str, needle: &str, d: usize) -> u32 {
    u32::try_from(text.find(needle).map_or(usize::MAX, |i| i + d)).unwrap_or(u32::MAX)
}

fn col(t: &str, c: &str) -> Symbol {
    Symbol::Column {
        table: t.into(),
        column: c.into(),
    }
}

/// `(file name, text)` of each reference, in order.
fn named(a: &Analysis, s: &Symbol) -> Vec<(String, String)> {
    a.references(s, true)
        .into_iter()
        .map(|sp| {
            let name =
                a.db.path(sp.file)
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
            let short = if name.contains("-b-") {
                "current.ts".into()
            } else {
                name
            };
            (short, a.db.slice(sp).to_owned())
        })
        .collect()
}

#[test]
fn names_in_permissions_resolve_to_schema_definitions() {
    let (a, _) = project();
    let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let p = file(&a, "permissions.ts");
    let sym = |n: &str, d: usize| a.symbol_at(p, off(PERMS, n, d)).map(|s| s.symbol);
    assert_eq!(
        sym("projects.allowRead", 2),
        Some(Symbol::Table("projects".into()))
    );
    assert_eq!(sym("\"project\"", 3), Some(col("tasks", "projectId")));
    // Both parts of a qualified key.
    assert_eq!(sym("tasks.title\"", 1), Some(Symbol::Table("tasks".into())));
    assert_eq!(sym("title\": \"x\"", 1), Some(col("tasks", "title")));
    assert_eq!(sym("done: false", 1), Some(col("tasks", "done")));
    assert_eq!(sym("projectId: \"p\"", 1), Some(col("tasks", "projectId")));
    let def = a.definition(&col("tasks", "title"));
    assert_eq!(def.map(|s| a.db.slice(s)), Some("title"));
    assert_eq!(def.map(|s| s.file), Some(file(&a, "schema.ts")));
}

#[test]
fn references_span_schema_permissions_and_the_current_migration_only() {
    let (a, _) = project();
    let s = |f: &str, t: &str| (f.to_owned(), t.to_owned());
    assert_eq!(
        named(&a, &col("tasks", "title")),
        vec![
            s("schema.ts", "title"),
            s("permissions.ts", "title"),
            s("permissions.ts", "title"),
            s("permissions.ts", "title"),
            s("current.ts", "title"),
            s("current.ts", "title"),
        ]
    );
    assert_eq!(
        named(&a, &Symbol::Table("tasks".into())),
        vec![
            s("schema.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("permissions.ts", "tasks"),
            s("current.ts", "tasks"),
            s("current.ts", "tasks"),
        ]
    );
    // The FK string names the column by its short form.
    assert!(named(&a, &col("tasks", "projectId")).contains(&s("permissions.ts", "project")));
    assert_eq!(a.current_migrations().count(), 1);
    assert_eq!(a.claims(), vec!["role".to_owned(), "team".to_owned()]);
}

#[test]
fn rename_edits_every_file_and_rejects_bad_names() {
    let (a, current) = project();
    let edits = a
        .rename(&col("tasks", "title"), "heading")
        .unwrap_or_default();
    assert_eq!(edits.len(), 6);
    assert!(edits.iter().all(|e| e.new_text == "heading"));
    let m = file(&a, "-b-");
    let mut in_migration: Vec<u32> = edits
        .iter()
        .filter(|e| e.file == m)
        .map(|e| e.range.start)
        .collect();
    in_migration.sort_unstable();
    // `title: s.renameFrom("name")` and the `to` witness key; never the `from` side.
    assert_eq!(
        in_migration,
        vec![
            off(&current, "title: s.renameFrom", 0),
            off(&current, "title: s.string()", 0)
        ]
    );
    let p = file(&a, "permissions.ts");
    let qualified = edits.iter().find(|e| e.file == p).map(|e| e.range);
    assert_eq!(
        qualified.map(|r| (r.start, r.end)),
        Some((off(PERMS, "title\"", 0), off(PERMS, "title\"", 5)))
    );
    assert_eq!(
        a.rename(&col("tasks", "title"), "done"),
        Err(RenameError::Taken("done".into()))
    );
    assert_eq!(
        a.rename(&col("tasks", "title"), "id"),
        Err(RenameError::Taken("id".into()))
    );
    for bad in ["the name", "1x", "$x", "", "a\"b"] {
        assert_eq!(
            a.rename(&col("tasks", "title"), bad),
            Err(RenameError::InvalidName(bad.into()))
        );
    }
    assert_eq!(a.rename(&Symbol::App, "x"), Err(RenameError::NotRenamable));
}

#[test]
fn the_migration_root_hovers_with_its_edge_and_lens() {
    let (a, current) = project();
    let m = file(&a, "-b-");
    let at = a.symbol_at(m, off(&current, "defineMigration", 2));
    assert_eq!(at.as_ref().map(|s| &s.symbol), Some(&Symbol::Migration(m)));
    let hover = at.and_then(|s| a.hover(&s.symbol)).unwrap_or_default();
    assert!(
        hover.starts_with("**migration** `aaaaaaaaaaaa` → `"),
        "{hover}"
    );
    assert!(hover.contains("(the current schema)"), "{hover}");
    assert!(
        hover.contains(r#"{"type":"rename","column":"name","value":"title"}"#),
        "{hover}"
    );
    let old = file(&a, "-a-");
    let other = a
        .symbol_at(old, off(&current, "defineMigration", 2))
        .and_then(|s| a.hover(&s.symbol))
        .unwrap_or_default();
    assert!(!other.contains("current schema"), "{other}");
    assert_eq!(
        a.rename(&Symbol::Migration(m), "x"),
        Err(RenameError::NotRenamable)
    );
}

#[test]
fn row_references_in_callbacks_are_column_uses() {
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy }) => {\n  policy.tasks.allowRead.where((row) => policy.projects.exists.where({ name: row.title }));\n});\n";
    let a = analyze(
        &MemoryLoader::new()
            .with("/p/schema.ts", SCHEMA)
            .with("/p/permissions.ts", perms),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let p = file(&a, "permissions.ts");
    let at = a.symbol_at(p, off(perms, "row.title", 5)).map(|s| s.symbol);
    assert_eq!(at, Some(col("tasks", "title")));
    let at = a.symbol_at(p, off(perms, "name: row", 1)).map(|s| s.symbol);
    assert_eq!(at, Some(col("projects", "name")));
}
