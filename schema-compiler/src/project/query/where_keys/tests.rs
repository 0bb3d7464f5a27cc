//! Key completion at cursor positions of a permissions.ts, marked `|` in the text.

use std::path::Path;

use crate::project::{Analysis, analyze};
use crate::source::{FileId, MemoryLoader};

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  projects: s.table({ name: s.string() }),
  tasks: s.table({ title: s.string(), projectId: s.ref("projects") }),
});
"#;

/// The labels offered at the `|` of `perms` (the marker is removed before analysis).
fn labels(perms: &str) -> Vec<String> {
    let at = perms.find('|').unwrap_or(0);
    let text = perms.replacen('|', "", 1);
    let a: Analysis = analyze(
        &MemoryLoader::new()
            .with("/p/schema.ts", SCHEMA)
            .with("/p/permissions.ts", text.as_str()),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let f =
        a.db.lookup(Path::new("/p/permissions.ts"))
            .unwrap_or(FileId(u32::MAX));
    a.completions(f, u32::try_from(at).unwrap_or(0))
        .into_iter()
        .map(|c| c.label)
        .collect()
}

fn perms(body: &str) -> String {
    format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, session, allowedTo, anyOf }}) => {{\n  policy.projects.allowRead.where(session.where({{ \"claims.role\": \"admin\" }}));\n  policy.projects.allowDelete.where({{ name: session[\"claims.team\"] }});\n{body}\n}});\n"
    )
}

const TASK_KEYS: [&str; 7] = [
    "title",
    "projectId",
    "id",
    "$createdBy",
    "$createdAt",
    "$updatedBy",
    "$updatedAt",
];

#[test]
fn columns_of_the_rule_table_in_where_objects() {
    assert_eq!(
        labels(&perms("  policy.tasks.allowRead.where({ |")),
        TASK_KEYS
    );
    assert_eq!(
        labels(&perms("  policy.tasks.allowRead.where({ ti|")),
        TASK_KEYS
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowUpdate.whereOld({ title: \"a\", \"|"
        )),
        TASK_KEYS
    );
    assert_eq!(
        labels(&perms(
            "  policy.projects.allowInsert.where(policy.tasks.exists.where({ projectId: \"p\", |"
        )),
        TASK_KEYS
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where(anyOf([{ title: \"a\" }, { |"
        )),
        TASK_KEYS
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowUpdate.whereOld({ title: \"(\" }).whereNew({ |"
        )),
        TASK_KEYS
    );
    let projects = labels(&perms("  policy.projects.allowInsert.where({\n    |"));
    assert_eq!(projects.first().map(String::as_str), Some("name"));
}

#[test]
fn no_columns_at_values_or_in_operator_objects() {
    assert!(labels(&perms("  policy.tasks.allowRead.where({ title: |")).is_empty());
    assert!(labels(&perms("  policy.tasks.allowRead.where({ title: { |")).is_empty());
    assert!(labels(&perms("  const x = { |")).is_empty());
    // Braces inside strings and comments do not count.
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where({ title: \"}\" /* } */, |"
        )),
        TASK_KEYS
    );
}

/// The file around the cursor is complete (editors close brackets and quotes as you type), so
/// permissions.ts evaluates and the claims used elsewhere in it are known.
/// The file around the cursor is complete (editors close brackets and quotes as you type), so
/// permissions.ts evaluates and the claims used elsewhere in it are known.
#[test]
fn session_paths_offer_claims_seen_elsewhere() {
    let session = ["user_id", "authMode", "claims.role", "claims.team"];
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where(session.where({ | }));"
        )),
        session
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where({ title: session[\"cl|\"] });"
        )),
        session
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where(session.where({ \"claims.|\": \"x\" }));"
        )),
        ["role", "team"]
    );
    assert_eq!(
        labels(&perms(
            "  policy.tasks.allowRead.where({ title: session[\"claims.t|\"] });"
        )),
        ["role", "team"]
    );
}

#[test]
fn columns_are_offered_exactly_while_a_key_is_typed() {
    let text = perms(
        "  policy.tasks.allowUpdate.whereOld({ title: \"(\" }).whereNew(anyOf([{ \"tasks.title\": \"é😀\" }, allowedTo.read(\"project\")]));\n  /* { */ // [\n  policy.tasks.allowDelete.where(policy.projects.exists.where({ name: `}${1}` }));",
    );
    let a: Analysis = analyze(
        &MemoryLoader::new()
            .with("/p/schema.ts", SCHEMA)
            .with("/p/permissions.ts", text.as_str()),
        Path::new("/p"),
        &crate::project::AnalyzeOptions::default(),
    );
    let f =
        a.db.lookup(Path::new("/p/permissions.ts"))
            .unwrap_or(FileId(u32::MAX));
    // Offsets inside multi-byte characters and past the end included. Columns are offered
    // exactly while a key is typed: right after `{` and through the key's characters; never
    // inside strings (the template literal's `${`) or comments.
    let keys_at: Vec<&str> = (0..=u32::try_from(text.len()).unwrap_or(0) + 2)
        .filter(|o| a.completions(f, *o).iter().any(|c| c.label == "$createdBy"))
        .filter_map(|o| text.get(..o as usize)?.rsplit(['{', ',']).next())
        .collect();
    let where_keys = ["", " ", " n", " na", " nam", " name"];
    let mut expected: Vec<&str> = where_keys.to_vec();
    expected.extend(["", " ", " t", " ti", " tit", " titl", " title"]);
    expected.extend([
        "",
        " ",
        " \"",
        " \"t",
        " \"ta",
        " \"tas",
        " \"task",
        " \"tasks",
        " \"tasks.",
        " \"tasks.t",
        " \"tasks.ti",
        " \"tasks.tit",
        " \"tasks.titl",
        " \"tasks.title",
    ]);
    expected.extend(where_keys);
    assert_eq!(keys_at, expected);
    let title = text.find("\"tasks.title\"").map_or(0, |i| i + 8);
    let at = a
        .symbol_at(f, u32::try_from(title).unwrap_or(0))
        .map(|s| s.symbol);
    assert_eq!(
        at,
        Some(super::super::Symbol::Column {
            table: "tasks".into(),
            column: "title".into()
        })
    );
}
