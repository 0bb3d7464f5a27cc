//! Recalled answers on in-memory projects: a clean version is analysed first, then a broken
//! edit of it; positions are found by searching the texts.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::project::analyze;
use crate::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  projects: s.table({
    name: s.string(),
  }),
  tasks: s.table({
    title: s.string().optional(),
    projectId: s.ref("projects"),
  }),
});
"#;

const PERMISSIONS: &str = r#"import { definePermissions } from "jazz-tools/permissions";
import { app } from "./schema.ts";
export default definePermissions(app, ({ policy }) => {
  policy.projects.allowRead.always();
  policy.tasks.allowRead.where({ projectId: "x" });
});
"#;

fn analysis(schema: &str, permissions: &str) -> Arc<Analysis> {
    let loader = MemoryLoader::new()
        .with("/p/schema.ts", schema)
        .with("/p/permissions.ts", permissions);
    Arc::new(analyze(
        &loader,
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    ))
}

fn off(text: &str, needle: &str, plus: usize) -> u32 {
    u32::try_from(text.find(needle).unwrap_or(usize::MAX) + plus).unwrap_or(u32::MAX)
}

fn id(a: &Analysis, name: &str) -> FileId {
    a.db.lookup(&Path::new("/p").join(name))
        .unwrap_or(FileId(u32::MAX))
}

/// The clean project, its broken edit `from` → `to` in schema.ts, and the last good analyses.
fn broken(from: &str, to: &str) -> (Arc<Analysis>, String, LastGood) {
    let good = analysis(SCHEMA, PERMISSIONS);
    assert!(!good.has_errors(), "{:?}", good.diagnostics);
    let text = SCHEMA.replacen(from, to, 1);
    let now = analysis(&text, PERMISSIONS);
    assert!(now.has_errors());
    let mut last = LastGood::default();
    last.record(&good);
    last.record(&now);
    (now, text, last)
}

fn good_for_schema(last: &LastGood) -> Option<&Analysis> {
    last.get(Path::new("/p/schema.ts")).map(|a| &**a)
}

#[test]
fn changes_map_only_what_the_edit_did_not_touch() {
    let c = Change::new("abc def ghi", "abc XXXXX ghi");
    assert_eq!((c.start, c.old_end, c.new_end), (4, 7, 9));
    assert_eq!(
        c.old_to_new(TextRange::new(0, 3)),
        Some(TextRange::new(0, 3))
    );
    assert_eq!(
        c.old_to_new(TextRange::new(8, 11)),
        Some(TextRange::new(10, 13))
    );
    // Touching the edited region on either side, or inside it.
    assert_eq!(c.old_to_new(TextRange::new(0, 4)), None);
    assert_eq!(c.old_to_new(TextRange::new(7, 11)), None);
    assert_eq!(c.old_to_new(TextRange::new(5, 6)), None);
    assert_eq!(c.new_to_old(2), Some(2));
    assert_eq!(c.new_to_old(11), Some(9));
    assert_eq!(c.new_to_old(6), None);
    // An insertion right after a name changes the name.
    let c = Change::new("title: x", "titles: x");
    assert_eq!(c.old_to_new(TextRange::new(0, 5)), None);
    // Unchanged text maps everything; multibyte characters keep the region on boundaries.
    let c = Change::new("same", "same");
    assert_eq!(
        c.old_to_new(TextRange::new(0, 4)),
        Some(TextRange::new(0, 4))
    );
    let c = Change::new("aé b", "aè b");
    assert_eq!((c.start, c.old_end, c.new_end), (1, 3, 3));
}

#[test]
fn hover_on_another_table_answers_through_an_unknown_column_type() {
    let (now, text, last) = broken("name: s.string()", "name: s.strin()");
    let schema = id(&now, "schema.ts");
    assert!(now.symbol_at(schema, off(&text, "title", 1)).is_none());
    let r = Recall::new(&now, good_for_schema(&last));
    let Some((hover, span)) = r.hover(schema, off(&text, "title", 1)) else {
        panic!("no hover on tasks.title")
    };
    assert_eq!(hover, "```\ntasks.title: string, nullable\n```\n");
    assert_eq!(now.db.slice(span), "title");
    // The edited table is not described from the old text.
    assert_eq!(r.hover(schema, off(&text, "name", 1)), None);
    assert_eq!(r.hover(schema, off(&text, "projects:", 1)), None);
    // Without a last good analysis there is no answer.
    assert_eq!(
        Recall::new(&now, None).hover(schema, off(&text, "title", 1)),
        None
    );
}

#[test]
fn positions_after_the_edit_shift_by_its_length() {
    let (now, text, last) = broken("name: s.string(),", "name: s.string(,\n    extra: s.int(),");
    let schema = id(&now, "schema.ts");
    let r = Recall::new(&now, good_for_schema(&last));
    let Some((_, span)) = r.hover(schema, off(&text, "projectId", 2)) else {
        panic!("no hover on tasks.projectId")
    };
    assert_eq!(span.range.start, off(&text, "projectId", 0));
    assert_eq!(now.db.slice(span), "projectId");
    // The ref's definition is the `projects` key, before the edit.
    let def = r.definition(schema, off(&text, "\"projects\"", 2));
    assert_eq!(def.map(|d| d.range.start), Some(off(&text, "projects:", 0)));
    // A name inside the edited region is not answered.
    assert_eq!(r.definition(schema, off(&text, "extra", 1)), None);
}

#[test]
fn definition_from_permissions_into_a_broken_schema() {
    let (now, text, last) = broken(
        "title: s.string().optional(),",
        "title: s.string().optional(,",
    );
    let perms = id(&now, "permissions.ts");
    let at = off(PERMISSIONS, "policy.tasks", 8);
    // Permissions are not compiled over a broken schema: nothing is known now.
    assert_eq!(now.symbol_at(perms, at), None);
    let good = last.get(Path::new("/p/permissions.ts")).map(|a| &**a);
    let r = Recall::new(&now, good);
    let def = r.definition(perms, at);
    assert_eq!(def.map(|d| d.file), Some(id(&now, "schema.ts")));
    assert_eq!(def.map(|d| d.range.start), Some(off(&text, "tasks:", 0)));
    // The `tasks` key is just before the edited table body: still unchanged, still there.
    assert_eq!(def.map(|d| now.db.slice(d)), Some("tasks"));
    // After the edit (one character shorter), the column's key is found where it is now.
    let def = r.definition(perms, off(PERMISSIONS, "projectId", 2));
    assert_eq!(
        def.map(|d| d.range.start),
        Some(off(&text, "projectId:", 0))
    );
    assert_eq!(
        off(&text, "projectId:", 0),
        off(SCHEMA, "projectId:", 0) - 1
    );
    // The table hover leaves nothing of the edited section out: no answer.
    assert_eq!(r.hover(perms, at), None);
    let at = off(PERMISSIONS, "policy.projects", 8);
    let hover = r.hover(perms, at).map(|h| h.0).unwrap_or_default();
    assert!(hover.starts_with("**table** `projects`"), "{hover}");
    assert!(hover.contains("**policies**"), "{hover}");
}

#[test]
fn completion_recalls_tables_while_the_schema_is_broken() {
    let text = SCHEMA
        .replacen("name: s.string()", "name: s.strin()", 1)
        .replacen("s.ref(\"projects\")", "s.ref(\"\")", 1);
    let good = analysis(SCHEMA, PERMISSIONS);
    let now = analysis(&text, PERMISSIONS);
    let schema = id(&now, "schema.ts");
    let at = off(&text, "ref(\"\")", 5);
    assert!(now.completions(schema, at).is_empty());
    let labels: Vec<String> = Recall::new(&now, Some(&good))
        .completions(schema, at)
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(labels, vec!["projects", "tasks"]);
}

#[test]
fn the_app_is_never_recalled() {
    let (now, text, last) = broken("name: s.string()", "name: s.strin()");
    let r = Recall::new(&now, good_for_schema(&last));
    let schema = id(&now, "schema.ts");
    let hover = r.hover(schema, off(&text, "defineApp", 2)).map(|h| h.0);
    assert!(hover.as_ref().is_none_or(|h| !h.contains('`')), "{hover:?}");
}

#[test]
fn a_file_is_good_when_it_and_what_it_depends_on_have_no_errors() {
    let good = analysis(SCHEMA, PERMISSIONS);
    let bad_perms = analysis(SCHEMA, &PERMISSIONS.replace("always()", "alwayz()"));
    assert!(bad_perms.has_errors());
    let bad_schema = analysis(&SCHEMA.replace("s.string()", "s.strin()"), PERMISSIONS);
    let mut last = LastGood::default();
    last.record(&good);
    last.record(&bad_perms);
    let is = |last: &LastGood, p: &str, a: &Arc<Analysis>| {
        last.get(Path::new(p)).is_some_and(|g| Arc::ptr_eq(g, a))
    };
    assert!(is(&last, "/p/schema.ts", &bad_perms));
    assert!(is(&last, "/p/permissions.ts", &good));
    last.record(&bad_schema);
    assert!(is(&last, "/p/schema.ts", &bad_perms));
    assert!(is(&last, "/p/permissions.ts", &good));
}

#[test]
fn a_column_spread_in_from_elsewhere_is_part_of_its_table() {
    let schema = SCHEMA
        .replace(
            "export const app",
            "const stamp = { at: s.int() };\nexport const app",
        )
        .replace(
            "    title: s.string().optional(),",
            "    ...stamp,\n    title: s.string().optional(),",
        );
    let good = analysis(&schema, PERMISSIONS);
    assert!(!good.has_errors(), "{:?}", good.diagnostics);
    // The spread column's type changes, and projects gets an unknown column type.
    let text = schema
        .replace("{ at: s.int() }", "{ at: s.string() }")
        .replace("name: s.string()", "name: s.strin()");
    let now = analysis(&text, PERMISSIONS);
    let schema_id = id(&now, "schema.ts");
    let r = Recall::new(&now, Some(&good));
    // The edited region runs from the spread object to `projects`: `tasks` is after it, but
    // its column `at` was in it, so tasks is not described from the old text (`at: int`).
    assert_eq!(r.hover(schema_id, off(&text, "tasks:", 1)), None);
    assert_eq!(r.hover(schema_id, off(&text, "title", 1)), None);
    // Without the spread, the same edit leaves tasks described.
    let plain = SCHEMA.replace("name: s.string()", "name: s.strin()");
    let (good, now) = (analysis(SCHEMA, PERMISSIONS), analysis(&plain, PERMISSIONS));
    let r = Recall::new(&now, Some(&good));
    assert!(
        r.hover(id(&now, "schema.ts"), off(&plain, "tasks:", 1))
            .is_some()
    );
}
