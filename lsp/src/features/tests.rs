//! Handlers on in-memory projects: what an editor would get back, position by position.

use std::path::Path;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;
use tower_lsp_server::ls_types::{CodeActionOrCommand, HoverContents, Position, Range};

use super::*;

const SCHEMA: &str = "import { schema as s } from \"jazz-tools\";\n\
const schema = {\n\
  projects: s.table({\n\
    name: s.string(),\n\
  }),\n\
  tasks: s.table({\n\
    title: s.string().optional(),\n\
    projectId: s.ref(\"project\"),\n\
    $owner: s.string(),\n\
  }),\n\
};\n\
export const app = s.defineApp(schema);\n";

const PATH: &str = "/p/schema.ts";

fn analysis(text: &str) -> Analysis {
    analyze(
        &MemoryLoader::new().with(PATH, text),
        Path::new("/p"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    )
}

/// The position of the `nth` character of `needle`'s first occurrence.
fn pos(text: &str, needle: &str, nth: u32) -> Position {
    let at = text.find(needle).unwrap_or(0);
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    Position::new(
        u32::try_from(line).unwrap_or(0),
        u32::try_from(col).unwrap_or(0) + nth,
    )
}

#[test]
fn hover_shows_column_facts() {
    let a = analysis(SCHEMA);
    let h = hover(&a, None, Path::new(PATH), pos(SCHEMA, "title", 1));
    let Some(HoverContents::Markup(m)) = h.map(|h| h.contents) else {
        panic!("no hover")
    };
    assert_eq!(m.value, "```\ntasks.title: string, nullable\n```\n");
}

#[test]
fn code_actions_come_from_fixes() {
    let a = analysis(SCHEMA);
    let line = pos(SCHEMA, "$owner", 0).line;
    let range = Range::new(Position::new(line, 0), Position::new(line, 100));
    let titles: Vec<String> = code_actions(&a, Path::new(PATH), range, None)
        .into_iter()
        .map(|c| match c {
            CodeActionOrCommand::CodeAction(c) => c.title,
            CodeActionOrCommand::Command(c) => c.title,
        })
        .collect();
    assert_eq!(titles, vec!["Rename to `owner`".to_owned()]);
    let ref_line = pos(SCHEMA, "\"project\"", 0).line;
    let range = Range::new(Position::new(ref_line, 0), Position::new(ref_line, 0));
    let actions = code_actions(&a, Path::new(PATH), range, None);
    assert!(
        actions
            .iter()
            .all(|c| matches!(c, CodeActionOrCommand::CodeAction(c) if c.edit.is_some())),
        "{actions:?}"
    );
}

#[test]
fn definition_and_references_of_a_table() {
    let text = SCHEMA.replace("\"project\"", "\"projects\"");
    let a = analysis(&text);
    let def = definition(&a, None, Path::new(PATH), pos(&text, "\"projects\"", 3));
    assert_eq!(def.map(|l| l.range.start), Some(pos(&text, "projects:", 0)));
    let refs = references(&a, Path::new(PATH), pos(&text, "projects:", 2), true);
    assert_eq!(refs.len(), 2);
    let refs = references(&a, Path::new(PATH), pos(&text, "projects:", 2), false);
    assert_eq!(refs.len(), 1);
}

#[test]
fn rename_edits_every_use_and_warns_about_the_hash() {
    let text = SCHEMA.replace("\"project\"", "\"projects\"");
    let a = analysis(&text);
    let at = pos(&text, "projects:", 0);
    assert!(prepare_rename(&a, Path::new(PATH), at).is_some());
    let Ok(Some((edit, warning))) = rename(&a, Path::new(PATH), at, "boards") else {
        panic!("rename failed")
    };
    let edits: Vec<_> = edit
        .changes
        .unwrap_or_default()
        .into_values()
        .flatten()
        .collect();
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|e| e.new_text == "boards"));
    assert!(warning.contains("schema hash"), "{warning}");
    assert!(rename(&a, Path::new(PATH), at, "tasks").is_err());
    assert!(prepare_rename(&a, Path::new(PATH), pos(&text, "defineApp", 0)).is_none());
}

#[test]
fn completion_lists_tables_in_refs() {
    let text = SCHEMA.replace("\"project\"", "\"\"");
    let a = analysis(&text);
    let labels: Vec<String> = completion(&a, None, Path::new(PATH), pos(&text, "ref(\"\")", 5))
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(labels, vec!["projects", "tasks"]);
}

#[test]
fn symbols_folds_and_hints() {
    let text = SCHEMA
        .replace("\"project\"", "\"projects\"")
        .replace("$owner", "owner");
    let a = analysis(&text);
    let syms = document_symbols(&a, Path::new(PATH));
    let names: Vec<_> = syms.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["projects", "tasks", "app"]);
    assert_eq!(syms[1].children.as_ref().map(Vec::len), Some(3));
    let folds = folding_ranges(&a, Path::new(PATH));
    assert_eq!(
        folds
            .iter()
            .map(|f| (f.start_line, f.end_line))
            .collect::<Vec<_>>(),
        vec![(2, 4), (5, 9)]
    );
    let all = Range::new(Position::new(0, 0), Position::new(100, 0));
    let hints = inlay_hints(&a, Path::new(PATH), all);
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0].position, pos(&text, "(schema);", 8));
}

#[test]
fn files_outside_the_project_get_nothing() {
    let a = analysis(SCHEMA);
    let other = Path::new("/p/other.ts");
    assert!(hover(&a, None, other, Position::new(0, 0)).is_none());
    assert!(completion(&a, None, other, Position::new(0, 0)).is_empty());
    assert!(document_symbols(&a, other).is_empty());
}

/// A project whose schema.ts adds a required column to the schema of its one committed
/// snapshot (a change that needs a migration), and that snapshot's schema.
fn changed_since_snapshot() -> (
    MemoryLoader,
    std::sync::Arc<jazz_schema_compiler::schema::WasmSchema>,
) {
    use jazz_schema_compiler::schema::wasm_json::to_pretty_json;
    let old = SCHEMA
        .replace("\"project\"", "\"projects\"")
        .replace("$owner", "owner");
    let new = old.replace(
        "owner: s.string(),",
        "owner: s.string(),\n    done: s.boolean(),",
    );
    let old_schema = analysis(&old).schema.unwrap_or_default();
    let loader = MemoryLoader::new().with(PATH, new.as_str()).with(
        "/p/migrations/snapshots/20260101T000000-aaaaaaaaaaaa.json",
        to_pretty_json(&old_schema).as_str(),
    );
    (loader, old_schema)
}

#[test]
fn create_migration_is_the_fix_of_jz3504() {
    use tower_lsp_server::ls_types::NumberOrString;

    let (loader, _) = changed_since_snapshot();
    // With the migrations checked, as the language server analyses.
    let a = analyze(
        &loader,
        Path::new("/p"),
        &jazz_schema_compiler::project::AnalyzeOptions::default().with_migrations(None),
    );
    let plan = a
        .migration_plan(&loader, Path::new("/p/migrations"), 1_780_315_200_000)
        .expect("a plan");
    let all = Range::new(Position::new(0, 0), Position::new(0, 0));
    let actions = code_actions(&a, Path::new(PATH), all, Some((&plan, Path::new("/p"))));
    let fixed: Vec<String> = actions
        .iter()
        .filter_map(|c| match c {
            CodeActionOrCommand::CodeAction(c) if c.command.is_some() => c.diagnostics.clone(),
            _ => None,
        })
        .flatten()
        .filter_map(|d| match d.code {
            Some(NumberOrString::String(code)) => Some(code),
            _ => None,
        })
        .collect();
    assert_eq!(fixed, vec!["JZ3504".to_owned()], "{actions:?}");
}

#[test]
fn a_changed_schema_offers_create_migration_with_the_files_to_create() {
    use jazz_schema_compiler::migrations::plan::CreatePlan;
    use jazz_schema_compiler::schema::schema_hash;
    use tower_lsp_server::ls_types::{DocumentChangeOperation, DocumentChanges, ResourceOp};

    let (loader, old_schema) = changed_since_snapshot();
    let a = analyze(
        &loader,
        Path::new("/p"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let dir = Path::new("/p/migrations");
    // 2026-06-01T12:00:00Z
    let plan = a.migration_plan(&loader, dir, 1_780_315_200_000);
    let Some(plan @ CreatePlan::Generate { .. }) = plan else {
        panic!("{plan:?}")
    };
    let all = Range::new(Position::new(0, 0), Position::new(0, 0));
    let actions = code_actions(&a, Path::new(PATH), all, Some((&plan, Path::new("/p"))));
    let create = actions.iter().find_map(|c| match c {
        CodeActionOrCommand::CodeAction(c) => c.command.clone(),
        CodeActionOrCommand::Command(_) => None,
    });
    let Some(cmd) = create else {
        panic!("no create-migration action: {actions:?}")
    };
    assert_eq!(cmd.command, CREATE_MIGRATION);
    let root = command_root(cmd.arguments.as_deref().unwrap_or_default());
    assert_eq!(root.as_deref(), Some(Path::new("/p")));
    let (from, to) = (
        schema_hash(&old_schema).short(),
        a.schema
            .as_ref()
            .map(|s| schema_hash(s).short())
            .unwrap_or_default(),
    );
    assert!(
        cmd.title.contains(&format!("{from} → {to}")),
        "{}",
        cmd.title
    );
    // Not offered in another file of the project.
    let elsewhere = code_actions(
        &a,
        Path::new("/p/other.ts"),
        all,
        Some((&plan, Path::new("/p"))),
    );
    assert!(elsewhere.is_empty());

    let files = planned_files(&plan, dir);
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        vec![
            format!("/p/migrations/20260601T120000-unnamed-{from}-{to}.ts"),
            format!("/p/migrations/snapshots/20260601T120000-{to}.json"),
        ]
    );
    assert!(
        files[0].1.contains("Added required column \"done\""),
        "{}",
        files[0].1
    );
    let Some(DocumentChanges::Operations(ops)) =
        create_files_edit(&files).and_then(|e| e.document_changes)
    else {
        panic!("no document changes")
    };
    assert_eq!(ops.len(), 4);
    assert!(
        matches!(&ops[0], DocumentChangeOperation::Op(ResourceOp::Create(c)) if c.uri.path().as_str().ends_with(&format!("-{to}.ts")))
    );
    assert!(matches!(&ops[1], DocumentChangeOperation::Edit(e) if e.edits.len() == 1));
    assert!(plan_message(&plan).starts_with("Generated: 20260601T120000-unnamed-"));
}

#[test]
fn rename_and_references_cross_into_permissions_with_clear_refusals() {
    let schema = SCHEMA
        .replace("\"project\"", "\"projects\"")
        .replace("$owner", "owner");
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy, allowedTo }) => {\n  policy.tasks.allowRead.where(allowedTo.read(\"project\"));\n  policy.projects.allowRead.where({ \"projects.name\": \"x\" });\n});\n";
    let a = analyze(
        &MemoryLoader::new()
            .with(PATH, schema.as_str())
            .with("/p/permissions.ts", perms),
        Path::new("/p"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let p = Path::new("/p/permissions.ts");
    // From permissions.ts to the key in schema.ts.
    let def = definition(&a, None, p, pos(perms, "\"project\"", 2));
    assert_eq!(
        def.map(|l| (l.uri.path().to_string(), l.range.start)),
        Some((PATH.to_owned(), pos(&schema, "projectId:", 0)))
    );
    let refs = references(&a, Path::new(PATH), pos(&schema, "projects:", 1), true);
    let in_perms: Vec<Range> = refs
        .iter()
        .filter(|l| l.uri.path().as_str() == "/p/permissions.ts")
        .map(|l| l.range)
        .collect();
    // `policy.projects` and the table part of `"projects.name"`, without its quote.
    assert_eq!(
        in_perms,
        vec![
            Range::new(
                pos(perms, "projects.allowRead", 0),
                pos(perms, "projects.allowRead", 8)
            ),
            Range::new(
                pos(perms, "projects.name", 0),
                pos(perms, "projects.name", 8)
            ),
        ]
    );
    let Ok(Some((edit, _))) = rename(&a, p, pos(perms, "name\"", 1), "title") else {
        panic!("rename from permissions.ts failed")
    };
    let changes = edit.changes.unwrap_or_default();
    let mut files: Vec<String> = changes.keys().map(|u| u.path().to_string()).collect();
    files.sort();
    assert_eq!(files, vec!["/p/permissions.ts", PATH]);
    let refuse = |name: &str| match rename(&a, p, pos(perms, "name\"", 1), name) {
        Err(why) => why,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        refuse("my name"),
        "`my name` is not a valid name: use an identifier (letters, digits, `_`; not starting with a digit or `$`)"
    );
    assert_eq!(refuse("id"), "`id` is the row id every table has");
    let at_table = pos(perms, "projects.allowRead", 1);
    assert_eq!(
        rename(&a, p, at_table, "tasks").err().as_deref(),
        Some("a table named `tasks` already exists")
    );
}

#[test]
fn a_misspelt_builder_offers_the_did_you_mean_as_a_quick_fix() {
    let text = SCHEMA.replace("name: s.string()", "name: s.strin()");
    let a = analysis(&text);
    let at = pos(&text, "strin()", 2);
    let actions = code_actions(&a, Path::new(PATH), Range::new(at, at), None);
    let [CodeActionOrCommand::CodeAction(fix)] = actions.as_slice() else {
        panic!("{actions:?}")
    };
    assert_eq!(fix.title, "Replace with `string`");
    assert_eq!(fix.is_preferred, Some(true));
    let edits: Vec<_> = fix
        .edit
        .clone()
        .and_then(|e| e.changes)
        .unwrap_or_default()
        .into_values()
        .flatten()
        .collect();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, "string");
    assert_eq!(edits[0].range.start, pos(&text, "strin()", 0));
    assert_eq!(edits[0].range.end, pos(&text, "strin()", 5));
}

#[test]
fn completion_and_definition_fall_back_on_the_last_good_analysis() {
    let text = SCHEMA
        .replace("name: s.string()", "name: s.strin()")
        .replace("\"project\"", "\"\"");
    let good = analysis(&SCHEMA.replace("\"project\"", "\"projects\""));
    let now = analysis(&text);
    let at = pos(&text, "ref(\"\")", 5);
    assert!(completion(&now, None, Path::new(PATH), at).is_empty());
    let labels: Vec<String> = completion(&now, Some(&good), Path::new(PATH), at)
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(labels, vec!["projects", "tasks"]);
    // The ref below the edit names the `projects` key above it.
    let text = SCHEMA
        .replace("\"project\"", "\"projects\"")
        .replace("name: s.string()", "name: s.strin()");
    let now = analysis(&text);
    let at = pos(&text, "\"projects\"", 3);
    assert!(definition(&now, None, Path::new(PATH), at).is_none());
    let def = definition(&now, Some(&good), Path::new(PATH), at);
    assert_eq!(def.map(|l| l.range.start), Some(pos(&text, "projects:", 0)));
}
