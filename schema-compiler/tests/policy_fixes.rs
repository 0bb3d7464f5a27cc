//! The permissions fixes are real text edits: each test applies
//! them to permissions.ts, analyses the result again and checks that it is valid and that the
//! finding is gone with the intended behaviour.

use std::path::Path;

use jazz_schema_compiler::diagnostics::{Diagnostic, Fix};
use jazz_schema_compiler::project::{Analysis, analyze};
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  owners: s.table({ name: s.string(), userId: s.string() }),
  items: s.table({ title: s.string(), ownerId: s.ref("owners") }),
});"#;

const HEAD: &str =
    "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\n";

fn analyse(src: &str) -> Analysis {
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", src.to_owned());
    analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    )
}

/// A permissions.ts whose factory takes `params` and runs `body`.
fn file(params: &str, body: &str) -> String {
    format!("{HEAD}export default s.definePermissions(app, ({params}) => {{\n{body}\n}});\n")
}

fn std_file(body: &str) -> String {
    file("{ policy, session }", body)
}

fn with_code(a: &Analysis, code: u16) -> Vec<&Diagnostic> {
    a.diagnostics.iter().filter(|d| d.code.0 == code).collect()
}

/// Applies every edit of `fixes` (all in permissions.ts); edits at one offset keep their order.
fn apply(src: &str, fixes: &[&Fix]) -> String {
    let mut edits: Vec<_> = fixes.iter().flat_map(|f| f.edits.iter()).collect();
    edits.reverse();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = src.to_owned();
    for e in edits {
        out.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
    }
    out
}

/// The compiled `permissions` JSON of a clean analysis.
fn json(a: &Analysis) -> String {
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let p = a
        .permissions
        .as_ref()
        .and_then(|p| p.policy.as_ref())
        .expect("policy");
    jazz_schema_compiler::policy::json::to_compact(p)
}

#[test]
fn one_missing_policy_warning_per_table_with_one_fix_for_all_its_operations() {
    let src = std_file("  policy.items.allowRead.where({ title: \"a\" });");
    let a = analyse(&src);
    let warnings = with_code(&a, 2101);
    assert_eq!(warnings.len(), 2, "owners and items: {:#?}", a.diagnostics);
    let owners = warnings
        .iter()
        .find(|d| d.message.contains("\"owners\""))
        .expect("owners");
    assert_eq!(
        owners.message,
        "table \"owners\" has no policy for read, insert, update, delete"
    );
    // Upstream's four lines, one per operation, stay the upstream text.
    let lines: Vec<&str> = owners
        .upstream_message
        .as_deref()
        .unwrap_or("")
        .lines()
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(
        lines[2],
        "Warning: table \"owners\" has no explicit update policy in permissions.ts; enforcing runtimes default to deny."
    );
    // One location (the definePermissions call: owners has no rule), no second frame.
    assert!(owners.primary.is_some() && owners.labels.is_empty());
    // items has a rule: the warning points at it.
    let items = warnings
        .iter()
        .find(|d| d.message.contains("\"items\""))
        .expect("items");
    assert_eq!(
        items.message,
        "table \"items\" has no policy for insert, update, delete"
    );
    let at = items.span().expect("span").range;
    assert_eq!(
        src.get(at.start as usize..at.end as usize),
        Some("policy.items.allowRead.where")
    );
    // One fix per warning, adding every missing operation.
    assert_eq!(items.fixes.len(), 1);
    let fix = &items.fixes[0];
    assert_eq!(
        fix.title,
        "Add `.never()` for insert, update and delete of table \"items\""
    );
    let fixed = apply(&src, &[fix]);
    assert!(
        fixed.ends_with("  policy.items.allowInsert.never();\n  policy.items.allowUpdate.never();\n  policy.items.allowDelete.never();\n});\n"),
        "{fixed}"
    );
    let b = analyse(&fixed);
    assert!(!b.has_errors(), "{:#?}", b.diagnostics);
    let left = with_code(&b, 2101);
    assert_eq!(left.len(), 1, "only owners is left: {left:#?}");
    assert!(left[0].message.contains("\"owners\""));
    // Both fixes: no warning left, and the same behaviour (deny).
    let all: Vec<&Fix> = warnings.iter().flat_map(|d| d.fixes.iter()).collect();
    let c = analyse(&apply(&src, &all));
    assert!(with_code(&c, 2101).is_empty(), "{:#?}", c.diagnostics);
    assert!(with_code(&c, 2102).is_empty());
    let j = json(&c);
    assert!(
        j.contains(r#""owners":{"select":{"using":{"type":"False"}},"insert":{"with_check":{"type":"False"}},"update":{"using":{"type":"False"},"with_check":{"type":"False"}},"delete":{"using":{"type":"False"}}}"#),
        "{j}"
    );
}

#[test]
fn a_single_missing_operation_keeps_the_one_statement_fix() {
    let src = std_file(
        "  policy.owners.managedByCreator();\n  policy.items.allowRead.always();\n  policy.items.allowInsert.always();\n  policy.items.allowDelete.always();",
    );
    let a = analyse(&src);
    let warnings = with_code(&a, 2101);
    assert_eq!(warnings.len(), 1, "{:#?}", a.diagnostics);
    assert_eq!(
        warnings[0].message,
        "table \"items\" has no policy for update"
    );
    assert_eq!(
        warnings[0].upstream_message.as_deref(),
        Some(
            "Warning: table \"items\" has no explicit update policy in permissions.ts; enforcing runtimes default to deny."
        )
    );
    let fix = &warnings[0].fixes[0];
    assert_eq!(fix.title, "Add policy.items.allowUpdate.never()");
    let b = analyse(&apply(&src, &[fix]));
    assert!(!b.has_errors() && with_code(&b, 2101).is_empty());
}

#[test]
fn fixes_name_policy_the_way_the_factory_does() {
    for (params, body, expect) in [
        (
            "{ policy: p }",
            "  p.items.allowRead.always();",
            "  p.owners.allowRead.never();\n",
        ),
        (
            "ctx",
            "  ctx.policy.items.allowRead.always();",
            "  ctx.policy.owners.allowRead.never();\n",
        ),
    ] {
        let src = file(params, body);
        let a = analyse(&src);
        let fix = with_code(&a, 2101)
            .into_iter()
            .flat_map(|d| d.fixes.iter())
            .find(|f| f.title.ends_with("of table \"owners\""))
            .expect("owners fix");
        let fixed = apply(&src, &[fix]);
        assert!(fixed.contains(expect), "{fixed}");
        assert!(!analyse(&fixed).has_errors());
    }
    // A factory that returns its rules keeps the `return` last.
    let src = std_file("  return [policy.items.allowRead.always()];");
    let a = analyse(&src);
    let all: Vec<&Fix> = with_code(&a, 2101)
        .into_iter()
        .flat_map(|d| d.fixes.iter())
        .collect();
    let fixed = apply(&src, &all);
    assert!(
        fixed.contains(".never();\n  return [policy.items"),
        "{fixed}"
    );
    let b = analyse(&fixed);
    assert!(
        !b.has_errors() && with_code(&b, 2101).is_empty(),
        "{:#?}",
        b.diagnostics
    );
    // A factory on one line gets the rule before its closing brace.
    let src = format!(
        "{HEAD}export default s.definePermissions(app, ({{ policy }}) => {{ policy.items.allowRead.always(); }});\n"
    );
    let a = analyse(&src);
    let all: Vec<&Fix> = with_code(&a, 2101)
        .into_iter()
        .flat_map(|d| d.fixes.iter())
        .collect();
    let b = analyse(&apply(&src, &all));
    assert!(
        !b.has_errors() && with_code(&b, 2101).is_empty(),
        "{:#?}",
        b.diagnostics
    );
}

#[test]
fn delete_fallback_fix_copies_the_update_rule() {
    let src = std_file(
        "  policy.owners.managedByCreator();\n  policy.items.allowRead.always();\n  policy.items.allowInsert.always();\n  policy.items.allowUpdate.where({ ownerId: session.user_id });",
    );
    let a = analyse(&src);
    let d = with_code(&a, 2102);
    assert_eq!(d.len(), 1);
    let fixed = apply(&src, &[d[0].fixes.first().expect("fix")]);
    assert!(
        fixed.contains("  policy.items.allowUpdate.where({ ownerId: session.user_id });\n  policy.items.allowDelete.where({ ownerId: session.user_id });\n"),
        "{fixed}"
    );
    let b = analyse(&fixed);
    assert!(with_code(&b, 2102).is_empty() && with_code(&b, 2101).is_empty());
    let cmp = r#"{"type":"Cmp","column":"ownerId","op":"Eq","value":{"type":"SessionRef","path":["user_id"]}}"#;
    assert!(
        json(&b).contains(&format!(r#""delete":{{"using":{cmp}}}"#)),
        "{}",
        json(&b)
    );
}

#[test]
fn delete_fallback_fix_stays_in_the_rule_scope() {
    // Two update rules, one in a callback over builders: both are copied where they are, so
    // delete.using equals update.using.
    let src = std_file(
        "  policy.owners.managedByCreator();\n  policy.items.allowRead.always();\n  policy.items.allowInsert.always();\n  [policy.items].forEach((t) => {\n    t.allowUpdate.whereOld({ title: \"a\" }).whereNew({ title: \"b\" });\n  });\n  policy.items.allowUpdates.always();",
    );
    let a = analyse(&src);
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let d = with_code(&a, 2102);
    assert_eq!(d.len(), 1, "{:#?}", a.diagnostics);
    let fix = d[0].fixes.first().expect("fix");
    assert_eq!(fix.edits.len(), 2, "{fix:#?}");
    let fixed = apply(&src, &[fix]);
    assert!(
        fixed.contains("\n    t.allowDelete.where({ title: \"a\" });\n  });\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("\n  policy.items.allowDelete.always();\n"),
        "{fixed}"
    );
    let b = analyse(&fixed);
    assert!(with_code(&b, 2102).is_empty() && with_code(&b, 2101).is_empty());
    let j = json(&b);
    let using = r#"{"type":"Or","exprs":[{"type":"Cmp","column":"title","op":"Eq","value":{"type":"Literal","value":{"type":"Text","value":"a"}}},{"type":"True"}]}"#;
    assert!(j.contains(&format!(r#""update":{{"using":{using}"#)), "{j}");
    assert!(
        j.contains(&format!(r#""delete":{{"using":{using}}}"#)),
        "{j}"
    );
}

#[test]
fn always_and_where_new_fixes_apply() {
    let src = std_file(
        "  policy.owners.managedByCreator();\n  policy.items.allowRead.where({});\n  policy.items.allowUpdate.whereOld({ ownerId: session.user_id });",
    );
    let a = analyse(&src);
    let hint = with_code(&a, 2328);
    let old = with_code(&a, 2325);
    assert_eq!((hint.len(), old.len()), (1, 1), "{:#?}", a.diagnostics);
    let fixed = apply(
        &src,
        &[
            hint[0].fixes.first().expect("always fix"),
            old[0].fixes.first().expect("whereNew fix"),
        ],
    );
    assert!(
        fixed.contains("policy.items.allowRead.always();"),
        "{fixed}"
    );
    assert!(
        fixed.contains("whereOld({ ownerId: session.user_id }).whereNew({});"),
        "{fixed}"
    );
    let b = analyse(&fixed);
    assert!(with_code(&b, 2328).is_empty() && with_code(&b, 2325).is_empty());
    let j = json(&b);
    assert!(
        j.contains(r#""items":{"select":{"using":{"type":"True"}}"#),
        "{j}"
    );
    assert!(j.contains(r#""with_check":{"type":"True"}"#), "{j}");
}

#[test]
fn no_permissions_file_no_per_table_warnings() {
    // Deliberate deviation from upstream (CHANGELOG): without permissions.ts nothing is warned
    // per table.
    let loader = MemoryLoader::new().with("/app/schema.ts", SCHEMA);
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
}
