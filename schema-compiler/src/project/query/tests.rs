//! Query tests on a small in-memory project: positions are found by searching the source.

use std::path::Path;

use super::*;
use crate::project::analyze;
use crate::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
const base = { createdAt: s.timestamp() };
export const app = s.defineApp({
  projects: s.table({ name: s.string(), ...base }),
  "tasks": s.table({
    title: s.string().default("untitled"),
    projectId: s.ref("projects"),
    parentId: s.ref('tasks').optional(),
  }),
});
"#;

fn project() -> Analysis {
    analyze(
        &MemoryLoader::new().with("/p/schema.ts", SCHEMA),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    )
}

fn at(needle: &str) -> u32 {
    u32::try_from(SCHEMA.find(needle).unwrap_or(usize::MAX)).unwrap_or(u32::MAX)
}

fn file(a: &Analysis) -> FileId {
    a.db.lookup(Path::new("/p/schema.ts"))
        .unwrap_or(FileId(u32::MAX))
}

#[test]
fn finds_tables_columns_refs_and_the_app() {
    let a = project();
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let f = file(&a);
    let sym = |n: &str| a.symbol_at(f, at(n) + 1).map(|s| s.symbol);
    assert_eq!(sym("projects:"), Some(Symbol::Table("projects".into())));
    assert_eq!(sym("\"projects\")"), Some(Symbol::Table("projects".into())));
    assert_eq!(
        sym("title"),
        Some(Symbol::Column {
            table: "tasks".into(),
            column: "title".into()
        })
    );
    // A column spread in from another object is found where it is written.
    assert_eq!(
        sym("createdAt"),
        Some(Symbol::Column {
            table: "projects".into(),
            column: "createdAt".into()
        })
    );
    assert_eq!(sym("defineApp"), Some(Symbol::App));
    assert_eq!(sym("import"), None);
}

#[test]
fn references_and_rename_of_a_table_keep_quotes() {
    let a = project();
    let tasks = Symbol::Table("tasks".into());
    let refs = a.references(&tasks, true);
    assert_eq!(refs.len(), 2);
    assert_eq!(a.db.slice(refs[0]), "\"tasks\"");
    assert_eq!(a.db.slice(refs[1]), "'tasks'");
    let edits = a.rename(&tasks, "todos").unwrap_or_default();
    let ranges: Vec<_> = edits
        .iter()
        .map(|e| (e.range.start, &*e.new_text))
        .collect();
    assert_eq!(
        ranges,
        vec![(at("\"tasks\"") + 1, "todos"), (at("'tasks'") + 1, "todos")]
    );
    assert_eq!(
        a.rename(&tasks, "projects"),
        Err(RenameError::Taken("projects".into()))
    );
    assert_eq!(
        a.rename(&tasks, "a\"b"),
        Err(RenameError::InvalidName("a\"b".into()))
    );
    let col = Symbol::Column {
        table: "tasks".into(),
        column: "title".into(),
    };
    let edits = a.rename(&col, "heading").unwrap_or_default();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, "heading");
    assert_eq!(
        a.rename(&col, "the name"),
        Err(RenameError::InvalidName("the name".into()))
    );
}

#[test]
fn hovers_describe_columns_tables_and_the_hash() {
    let a = project();
    let col = Symbol::Column {
        table: "tasks".into(),
        column: "parentId".into(),
    };
    assert_eq!(
        a.hover(&col).as_deref(),
        Some("```\ntasks.parentId: ref, nullable, references tasks\n```\n")
    );
    let title = Symbol::Column {
        table: "tasks".into(),
        column: "title".into(),
    };
    assert!(
        a.hover(&title)
            .is_some_and(|h| h.contains("default \"untitled\""))
    );
    let table = a
        .hover(&Symbol::Table("projects".into()))
        .unwrap_or_default();
    assert!(table.contains("name: string, not null"), "{table}");
    let app = a.hover(&Symbol::App).unwrap_or_default();
    assert!(app.starts_with("**schema hash** `"), "{app}");
}

#[test]
fn completes_tables_constructors_and_modifiers() {
    let text = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  a: s.table({ x: s.ref(\"\") }),\n  b: s.table({ y: s.string() }),\n});\n";
    let a = analyze(
        &MemoryLoader::new().with("/p/schema.ts", text),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let f = a.db.lookup(Path::new("/p/schema.ts")).unwrap_or(FileId(0));
    let off = |n: &str, d: usize| u32::try_from(text.find(n).unwrap_or(0) + d).unwrap_or(0);
    let labels = |o| {
        a.completions(f, o)
            .into_iter()
            .map(|c| c.label)
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(off("ref(\"\")", 5)), vec!["a", "b"]);
    assert!(labels(off("s.string", 2)).contains(&"string".to_owned()));
    assert!(labels(off("import", 3)).is_empty());
    // Half-typed: the file does not parse, the context is still read from the text.
    let typing = "import { schema as s } from \"jazz-tools\";\nconst t = { y: s.string().op";
    let b = analyze(
        &MemoryLoader::new().with("/p/schema.ts", typing),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let f = b.db.lookup(Path::new("/p/schema.ts")).unwrap_or(FileId(0));
    let end = u32::try_from(typing.len()).unwrap_or(0);
    let got: Vec<_> = b.completions(f, end).into_iter().map(|c| c.label).collect();
    assert_eq!(got, vec!["optional", "default", "merge"]);
}

#[test]
fn outline_folds_and_hints() {
    let a = project();
    let f = file(&a);
    let outline = a.outline(f);
    let names: Vec<_> = outline.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec!["projects", "tasks", "app"]);
    let cols: Vec<_> = outline[1]
        .children
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(cols, vec!["title", "projectId", "parentId"]);
    assert_eq!(a.folds(f).len(), 2);
    let hints = a.inlay_hints(f);
    assert_eq!(hints.len(), 1);
    assert!(hints[0].label.starts_with(" hash "));
}

#[test]
fn table_hovers_and_hints_show_policies() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  notes: s.table({ body: s.string() }),\n});\n";
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy, session }) => {\n  policy.notes.allowRead.where({ $createdBy: session.user_id });\n  policy.notes.allowInsert.always();\n});\n";
    let a = analyze(
        &MemoryLoader::new()
            .with("/p/schema.ts", schema)
            .with("/p/permissions.ts", perms),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let hover = a.hover(&Symbol::Table("notes".into())).unwrap_or_default();
    assert!(hover.contains("**policies**"), "{hover}");
    assert!(hover.contains("update: no policy, denied"), "{hover}");
    assert!(!hover.contains("read: no policy"), "{hover}");
    let f = a.db.lookup(Path::new("/p/schema.ts")).unwrap_or(FileId(0));
    let labels: Vec<String> = a.inlay_hints(f).into_iter().map(|h| h.label).collect();
    assert!(
        labels.contains(&" no update/delete policy: denied".to_owned()),
        "{labels:?}"
    );
}

#[test]
fn completes_permissions_members_and_ref_columns() {
    let schema = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  projects: s.table({ name: s.string() }),\n  tasks: s.table({ title: s.string(), projectId: s.ref(\"projects\") }),\n});\n";
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy, session, allowedTo }) => {\n  policy.tasks.allowRead.where(allowedTo.read(\"\"));\n  policy.projects.allowInsert.where({ $createdBy: session.user_id });\n});\n";
    let a = analyze(
        &MemoryLoader::new()
            .with("/p/schema.ts", schema)
            .with("/p/permissions.ts", perms),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let f =
        a.db.lookup(Path::new("/p/permissions.ts"))
            .unwrap_or(FileId(0));
    let at =
        |needle: &str, d: usize| u32::try_from(perms.find(needle).unwrap_or(0) + d).unwrap_or(0);
    let labels = |o| {
        a.completions(f, o)
            .into_iter()
            .map(|c| c.label)
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(at("policy.tasks", 7)), vec!["projects", "tasks"]);
    assert!(labels(at("tasks.allowRead", 6)).contains(&"allowRead".to_owned()));
    assert!(labels(at("allowRead.where", 10)).contains(&"where".to_owned()));
    assert_eq!(labels(at("read(\"\")", 6)), vec!["projectId"]);
    assert_eq!(labels(at("session.user_id", 8)), vec!["user_id", "claims"]);
}
