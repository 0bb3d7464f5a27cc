//! Static permission checks: each finding has its code and a span on the
//! responsible expression; findings upstream lacks included.

use std::path::Path;

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::project::{AnalyzeOptions, analyze};
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  folders: s.table({ name: s.string(), ownerId: s.string(), parentId: s.ref("folders").optional() }),
  docs: s.table({ title: s.string(), status: s.enum("draft", "published"), folderId: s.ref("folders").optional(), views: s.int() }),
});"#;

fn check(perms: &str) -> (Vec<Diagnostic>, String) {
    let src = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, session, anyOf, allOf, allowedTo }}) => {{\n{perms}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", src.clone());
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    (a.diagnostics, src)
}

/// The diagnostic with `code`, and the source text under its primary span.
fn find(diags: &[Diagnostic], src: &str, code: u16) -> Option<(Diagnostic, String)> {
    diags.iter().find(|d| d.code.0 == code).map(|d| {
        let text = d
            .span()
            .and_then(|s| src.get(s.range.start as usize..s.range.end as usize))
            .unwrap_or("")
            .to_owned();
        (d.clone(), text)
    })
}

#[test]
fn literal_type_mismatches_and_enum_variants() {
    let (d, src) = check(
        r#"  policy.docs.allowRead.where({ title: { ne: 5 }, status: "publised", views: "3" });"#,
    );
    let (m, at) = find(&d, &src, 2303).expect("JZ2303");
    assert_eq!(at, "ne", "the operator key");
    assert!(m.message.contains("always true"), "{}", m.message);
    let (m, at) = find(&d, &src, 2304).expect("JZ2304");
    assert_eq!(at, "status");
    assert_eq!(m.help.as_deref(), Some("did you mean \"published\"?"));
    assert!(d.iter().filter(|x| x.code.0 == 2303).count() == 2, "{d:?}");
}

#[test]
fn nullable_fk_and_cycles() {
    let (d, src) = check(
        r#"  policy.folders.allowRead.where(anyOf([{ ownerId: session.user_id }, allowedTo.read("parent")]));
  policy.docs.allowRead.where(allowedTo.read("folder"));"#,
    );
    let (m, _) = find(&d, &src, 2330).expect("JZ2330");
    assert!(
        m.message.contains("every row with a NULL parentId"),
        "{}",
        m.message
    );
    let (m, _) = find(&d, &src, 2332).expect("JZ2332");
    assert!(
        m.message
            .starts_with("INHERITS cycle detected: folders → folders"),
        "{}",
        m.message
    );
    // A guard in the same allOf silences JZ2330.
    let (d, _) = check(
        r#"  policy.docs.allowRead.where(allOf([{ folderId: { isNull: false } }, allowedTo.read("folder")]));"#,
    );
    assert!(!d.iter().any(|x| x.code.0 == 2330), "{d:?}");
}

#[test]
fn dsl_errors_have_upstream_text_and_precise_spans() {
    let (d, src) = check(
        r#"  policy.docs.allowRead.where({ title: session.claims.role });
  policy.docs.allowInsert.where({ not: { title: "x" } });
  policy.docs.allowDelete.where(allowedTo.read("titel"));
  policy.docs.allowUpdate.where({ title: { startsWith: "a" } });
  policy.folder.allowRead.always();"#,
    );
    let (_, at) = find(&d, &src, 2311).expect("JZ2311");
    assert_eq!(at, "session.claims.role");
    assert!(find(&d, &src, 2324).is_some(), "{d:?}");
    let (m, at) = find(&d, &src, 2213).expect("JZ2213");
    assert_eq!(at, "\"titel\"");
    // Our message names the method called; upstream's names the operation (`select`).
    assert!(
        m.message
            .starts_with("allowedTo.read(\"titel\") is invalid for table \"docs\""),
        "{}",
        m.message
    );
    assert!(
        m.upstream_message.as_deref().is_some_and(
            |u| u.starts_with("allowedTo.select(\"titel\") is invalid for table \"docs\"")
        ),
        "{:?}",
        m.upstream_message
    );
    let (m, at) = find(&d, &src, 2206).expect("JZ2206");
    assert_eq!(at, "startsWith");
    assert_eq!(
        m.message,
        "Unsupported where operator \"startsWith\" in permissions DSL."
    );
    let (m, at) = find(&d, &src, 2301).expect("JZ2301");
    assert_eq!(at, "folder");
    assert_eq!(m.help.as_deref(), Some("did you mean `folders`?"));
}

#[test]
fn process_env_is_looked_up_and_missing_is_an_error() {
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy }) => {\n  policy.docs.allowRead.where({ title: process.env.DOC_TITLE });\n  policy.folders.allowRead.where({ name: process.env.FOLDER ?? \"inbox\" });\n});\n";
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", perms);
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let e: Vec<_> = a.diagnostics.iter().filter(|d| d.code.0 == 2350).collect();
    assert_eq!(
        e.len(),
        1,
        "only the one without a fallback: {:?}",
        a.diagnostics
    );
    let env = |n: &str| (n == "DOC_TITLE").then(|| "Plan".to_owned());
    let a = analyze(
        &loader,
        Path::new("/app"),
        &AnalyzeOptions::default().with_env(&env),
    );
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let p = a.permissions.and_then(|p| p.policy).expect("policy");
    assert_eq!(p.env, vec!["DOC_TITLE".to_owned(), "FOLDER".to_owned()]);
    let json = jazz_schema_compiler::policy::json::to_compact(&p);
    assert!(json.contains(r#"{"type":"Text","value":"Plan"}"#), "{json}");
    assert!(
        json.contains(r#"{"type":"Text","value":"inbox"}"#),
        "{json}"
    );
}

#[test]
fn referencing_errors_name_the_method_called() {
    let (d, src) = check(
        r#"  policy.folders.allowRead.where(allowedTo.readReferencing(policy.docs, "titel"));
  policy.folders.allowUpdate.where(allowedTo.updateReferencing(policy.docs, "titel"));"#,
    );
    let found: Vec<&Diagnostic> = d.iter().filter(|x| x.code.0 == 2215).collect();
    assert_eq!(found.len(), 2, "{d:#?}");
    let (read, update) = (found[0], found[1]);
    assert!(
        read.message.starts_with(
            "allowedTo.readReferencing(policy.docs, \"titel\") is invalid for table \"folders\": column is not a foreign key reference on source table."
        ),
        "{}",
        read.message
    );
    assert!(
        read.upstream_message
            .as_deref()
            .is_some_and(|u| u.starts_with("allowedTo.selectReferencing(policy.docs, \"titel\")")),
        "{:?}",
        read.upstream_message
    );
    assert_eq!(
        read.notes,
        ["upstream's message names the operation `select`, which `allowedTo.read` checks"]
    );
    // Where the method and the operation agree, both texts are the same and there is no note.
    assert_eq!(
        update.upstream_message.as_deref(),
        Some(update.message.as_str())
    );
    assert!(update.notes.is_empty(), "{:?}", update.notes);
    let (_, at) = find(&d, &src, 2215).expect("JZ2215");
    assert_eq!(at, "\"titel\"");
}

#[test]
fn findings_on_a_table_defined_twice_point_at_the_discarded_definition() {
    let schema = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  folders: s.table({ name: s.string() }),
  docs: s.table({ title: s.string(), folderId: s.ref("folders") }),
  docs: s.table({ title: s.string() }),
});"#;
    let perms = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\nexport default s.definePermissions(app, ({ policy, allowedTo }) => {\n  policy.docs.allowRead.where(allowedTo.read(\"folderId\"));\n  policy.docs.allowInsert.where({ folderId: \"x\" });\n});\n";
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", schema)
        .with("/app/permissions.ts", perms);
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let earlier = schema.find("docs").expect("first docs") as u32;
    for code in [1086, 2213, 2302] {
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code.0 == code)
            .unwrap_or_else(|| panic!("JZ{code}: {:#?}", a.diagnostics));
        assert!(
            d.labels.iter().any(|l| l.span.range.start == earlier),
            "JZ{code} labels the discarded `docs`: {d:#?}"
        );
    }
    let unknown = a
        .diagnostics
        .iter()
        .find(|d| d.code.0 == 2302)
        .expect("JZ2302");
    assert!(
        unknown
            .notes
            .iter()
            .any(|n| n.contains("defines `docs` twice (JZ1086)")),
        "{unknown:#?}"
    );
}

/// Constants that read `process.env` in another module (imported directly or through a
/// re-export) resolve like the reads written inline: the same policy JSON and env list with the
/// variables set, and the same diagnostics (code, message) without them.
#[test]
fn imported_env_constants_resolve_like_inline_reads() {
    use jazz_schema_compiler::project::Analysis;

    let env_ts = "const BASE = process.env.CHAT_BASE ?? \"c\";\nexport const CHAT_ID = process.env.CHAT_ID!;\nexport const TITLE = `${BASE}-${process.env.SUFFIX as string}`;\nexport const FOLDER = process.env.FOLDER ?? \"inbox\";\n";
    let index_ts = "export { CHAT_ID as ROOM, FOLDER } from \"./env\";\n";
    let head = "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\n";
    let body = |chat: &str, title: &str, folder: &str| {
        format!(
            "export default s.definePermissions(app, ({{ policy }}) => {{\n  policy.docs.allowRead.where({{ title: {title} }});\n  policy.folders.allowRead.where({{ ownerId: {chat}, name: {folder} }});\n}});\n"
        )
    };
    let imported = format!(
        "{head}import {{ TITLE }} from \"./env\";\nimport {{ ROOM, FOLDER }} from \"./index\";\n{}",
        body("ROOM", "TITLE", "FOLDER")
    );
    let inline = format!(
        "{head}{}",
        body(
            "process.env.CHAT_ID!",
            "`${process.env.CHAT_BASE ?? \"c\"}-${process.env.SUFFIX as string}`",
            "process.env.FOLDER ?? \"inbox\""
        )
    );
    let run = |perms: &str, vars: &dyn Fn(&str) -> Option<String>| -> Analysis {
        let loader = MemoryLoader::new()
            .with("/app/schema.ts", SCHEMA)
            .with("/app/env.ts", env_ts)
            .with("/app/index.ts", index_ts)
            .with("/app/permissions.ts", perms.to_owned());
        analyze(
            &loader,
            Path::new("/app"),
            &AnalyzeOptions::default().with_env(vars),
        )
    };
    let set = |n: &str| match n {
        "CHAT_ID" => Some("42".to_owned()),
        "SUFFIX" => Some("x".to_owned()),
        _ => None,
    };
    let (a, b) = (run(&imported, &set), run(&inline, &set));
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let (pa, pb) = (
        a.permissions
            .and_then(|p| p.policy)
            .expect("imported policy"),
        b.permissions.and_then(|p| p.policy).expect("inline policy"),
    );
    let json = jazz_schema_compiler::policy::json::to_compact(&pa);
    assert_eq!(json, jazz_schema_compiler::policy::json::to_compact(&pb));
    assert!(json.contains(r#""value":"c-x""#), "{json}");
    assert!(json.contains(r#""value":"42""#), "{json}");
    assert_eq!(pa.env, pb.env);

    let unset = |_: &str| None;
    let (a, b) = (run(&imported, &unset), run(&inline, &unset));
    let summary = |x: &Analysis| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = x
            .diagnostics
            .iter()
            .filter(|d| d.code.0 >= 2000)
            .map(|d| (d.code.to_string(), d.message.clone()))
            .collect();
        v.sort();
        v
    };
    assert!(!summary(&b).is_empty());
    assert_eq!(summary(&a), summary(&b));
}
