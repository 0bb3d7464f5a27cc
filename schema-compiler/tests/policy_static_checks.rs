//! The static checks upstream lacks, JZ2305–JZ2342: for every code one
//! triggering case with the span text asserted, and one near miss that must stay quiet.

use std::path::Path;

use jazz_schema_compiler::diagnostics::{Diagnostic, Severity};
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  owners: s.table({ name: s.string(), userId: s.string() }),
  items: s.table({
    title: s.string(),
    note: s.string().optional(),
    count: s.int(),
    payload: s.bytes(),
    tags: s.array(s.string()),
    ownerId: s.ref("owners"),
    memberIds: s.array(s.ref("owners")),
  }),
});"#;

/// Analyses `body` as the factory body; the diagnostics and the permissions source.
fn check(body: &str) -> (Vec<Diagnostic>, String) {
    check_with(SCHEMA, body)
}

fn check_with(schema: &str, body: &str) -> (Vec<Diagnostic>, String) {
    let src = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, session, anyOf, allOf, allowedTo, isCreator }}) => {{\n{body}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", schema)
        .with("/app/permissions.ts", src.clone());
    (
        analyze(
            &loader,
            Path::new("/app"),
            &jazz_schema_compiler::project::AnalyzeOptions::default(),
        )
        .diagnostics,
        src,
    )
}

/// Every diagnostic with `code`, with the source text under its primary span.
fn all(d: &[Diagnostic], src: &str, code: u16) -> Vec<(Diagnostic, String)> {
    d.iter()
        .filter(|x| x.code.0 == code)
        .map(|x| {
            let text = x
                .span()
                .and_then(|s| src.get(s.range.start as usize..s.range.end as usize))
                .unwrap_or("")
                .to_owned();
            (x.clone(), text)
        })
        .collect()
}

/// Exactly one diagnostic with `code`.
fn one(d: &[Diagnostic], src: &str, code: u16) -> (Diagnostic, String) {
    let mut v = all(d, src, code);
    assert_eq!(v.len(), 1, "one JZ{code}: {d:#?}");
    v.remove(0)
}

fn none(d: &[Diagnostic], code: u16) {
    let hits: Vec<_> = d.iter().filter(|x| x.code.0 == code).collect();
    assert!(hits.is_empty(), "no JZ{code}: {hits:#?}");
}

const OWNERS_READ: &str = "  policy.owners.allowRead.where({ userId: session.user_id });\n";

#[test]
fn meaningless_operators_jz2305() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where({ tags: { gt: ["a"] }, count: { contains: 3 } });"#,
    );
    let v = all(&d, &src, 2305);
    let at: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(at, vec!["gt", "contains"], "{v:#?}");
    assert!(
        v[1].0.message.contains("`contains` on `count` (int)"),
        "{}",
        v[1].0.message
    );
    let (d, _) = check(
        r#"  policy.items.allowRead.where({ title: { contains: "a" }, tags: { contains: "x" }, count: { gt: 3 } });"#,
    );
    none(&d, 2305);
}

#[test]
fn null_tests_on_required_columns_jz2307() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where(anyOf([{ title: null }, { count: { isNull: false } }]));"#,
    );
    let v = all(&d, &src, 2307);
    let at: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(at, vec!["title", "isNull"], "{v:#?}");
    assert!(v[0].0.message.contains("never true"), "{}", v[0].0.message);
    // The secondary label is the column's definition in schema.ts.
    let label = v[0].0.labels.first().expect("label");
    assert_eq!(label.message.as_deref(), Some("column declared here"));
    assert_eq!(
        SCHEMA.get(label.span.range.start as usize..label.span.range.end as usize),
        Some("title")
    );
    assert!(v[1].0.message.contains("always true"), "{}", v[1].0.message);
    let (d, _) = check(r#"  policy.items.allowRead.where({ note: null });"#);
    none(&d, 2307);
}

#[test]
fn claims_against_floats_jz2312() {
    let (d, src) =
        check(r#"  policy.items.allowRead.where(session.where({ "claims.score": 1.5 }));"#);
    let (m, at) = one(&d, &src, 2312);
    assert_eq!(at, "\"claims.score\"");
    assert!(m.message.contains("a float"), "{}", m.message);
    let (d, _) = check(r#"  policy.items.allowRead.where(session.where({ "claims.score": 2 }));"#);
    none(&d, 2312);
}

#[test]
fn query_only_magic_columns_jz2315() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where({ $canRead: true });
  policy.items.allowDelete.where({ type: "IsNull", column: "$canEdit" });"#,
    );
    let v = all(&d, &src, 2315);
    assert_eq!(v.len(), 2, "{d:#?}");
    assert_eq!(v[0].1, "$canRead");
    assert_eq!(v[1].1, r#"{ type: "IsNull", column: "$canEdit" }"#);
    none(&d, 2302);
    let (d, _) = check(r#"  policy.items.allowRead.where({ $createdBy: session.user_id });"#);
    none(&d, 2315);
}

#[test]
fn always_true_clauses_jz2321_and_jz2328() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where({});
  policy.items.allowDelete.where(anyOf([{ title: "a" }, {}]));"#,
    );
    // A literal `where({})` is the hint JZ2328; a composition that always holds is JZ2321.
    let h = all(&d, &src, 2328);
    assert_eq!(h.len(), 1, "{d:#?}");
    assert_eq!(h[0].0.severity, Severity::Hint);
    assert_eq!(h[0].1, "{}");
    assert_eq!(h[0].0.fixes.len(), 1, "where({{}}) → always()");
    let v = all(&d, &src, 2321);
    assert_eq!(v.len(), 1, "{d:#?}");
    assert_eq!(v[0].0.severity, Severity::Warning);
    assert_eq!(v[0].1, r#"anyOf([{ title: "a" }, {}])"#);
    // `.always()` says it on purpose; insert clauses are not judged.
    let (d, _) = check(
        r#"  policy.items.allowRead.always();
  policy.items.allowInsert.where({});"#,
    );
    none(&d, 2321);
    none(&d, 2328);
}

#[test]
fn never_true_clauses_jz2322() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where({ title: { in: [] } });
  policy.items.allowUpdate.where(allOf([{ title: "a" }, { title: "b" }]));"#,
    );
    let v = all(&d, &src, 2322);
    let at: Vec<&str> = v.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(at, vec!["in", r#"allOf([{ title: "a" }, { title: "b" }])"#]);
    // `.never()` is explicit, and a failed condition (JZ2302) is not a finding of its own.
    let (d, _) = check(
        r#"  policy.items.allowRead.never();
  policy.items.allowDelete.where({ titel: "x" });
  policy.items.allowInsert.where(allOf([{ title: "a" }, { count: 1 }]));"#,
    );
    none(&d, 2322);
    assert!(d.iter().any(|x| x.code.0 == 2302), "{d:#?}");
}

#[test]
fn where_old_alone_blocks_transfers_jz2325() {
    let (d, src) = check(r#"  policy.owners.allowUpdate.whereOld({ userId: session.user_id });"#);
    let (m, at) = one(&d, &src, 2325);
    assert_eq!(at, "{ userId: session.user_id }");
    assert!(
        m.message.contains("`userId` can never be changed"),
        "{}",
        m.message
    );
    assert_eq!(m.fixes.len(), 1);
    let (d, _) = check(
        r#"  policy.owners.allowUpdate.whereOld({ userId: session.user_id }).whereNew({});
  policy.items.allowUpdate.whereOld(isCreator);"#,
    );
    none(&d, 2325);
}

#[test]
fn update_rules_lose_pairing_jz2326() {
    let (d, src) = check(
        r#"  policy.owners.allowUpdate.where({ userId: session.user_id });
  policy.owners.allowUpdate.whereOld({ name: "a" }).whereNew({ name: "b" });"#,
    );
    let (m, at) = one(&d, &src, 2326);
    assert_eq!(at, "policy.owners.allowUpdate");
    assert_eq!(m.labels.len(), 1, "the other rule");
    assert!(m.message.contains("2 update rules"), "{}", m.message);
    let (d, _) = check(
        r#"  policy.owners.allowUpdate.where({ userId: session.user_id });
  policy.owners.allowUpdate.where({ name: "admin" });"#,
    );
    none(&d, 2326);
}

#[test]
fn forward_inherits_over_uuid_arrays_jz2331() {
    let (d, src) = check(&format!(
        "{OWNERS_READ}  policy.items.allowRead.where(allowedTo.read(\"memberIds\"));"
    ));
    let (_, at) = one(&d, &src, 2331);
    assert_eq!(at, "\"memberIds\"");
    let (d, _) = check(&format!(
        "{OWNERS_READ}  policy.items.allowRead.where(allowedTo.read(\"owner\"));"
    ));
    none(&d, 2331);
}

#[test]
fn inherited_policies_that_do_not_exist_jz2335() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where(allowedTo.read("owner"));
  policy.owners.allowRead.where(allowedTo.updateReferencing(policy.items, "owner"));"#,
    );
    let v = all(&d, &src, 2335);
    assert_eq!(
        v.len(),
        1,
        "owners has a read policy now; items has no update: {d:#?}"
    );
    assert_eq!(v[0].1, "\"owner\"");
    assert!(
        v[0].0.message.contains("update policy of `items`"),
        "{}",
        v[0].0.message
    );
    let label = v[0].0.labels.first().expect("label");
    assert_eq!(
        SCHEMA.get(label.span.range.start as usize..label.span.range.end as usize),
        Some("items")
    );
    let (d, _) = check(&format!(
        "{OWNERS_READ}  policy.items.allowRead.where(allowedTo.read(\"owner\"));"
    ));
    none(&d, 2335);
}

/// `items` joined to `owners`, as a qualified key lowers.
const REL: &str = r#"{ type: "ExistsRel", rel: { Filter: { input: { Join: { left: { TableScan: { table: "items" } }, right: { TableScan: { table: "owners" } }, on: [{ left: { scope: "items", column: "ownerId" }, right: { scope: "__join_0", column: "id" } }], join_kind: "Inner" } }, predicate: { Cmp: { left: { scope: "__join_0", column: "userId" }, op: "Eq", right: { SessionRef: ["user_id"] } } } } } }"#;

#[test]
fn relations_in_write_clauses_jz2335_jz2337() {
    let (d, src) = check(&format!(
        "  policy.items.allowRead.always();\n  policy.items.allowInsert.where({REL});"
    ));
    let (m, at) = one(&d, &src, 2337);
    assert_eq!(m.severity, Severity::Info);
    assert_eq!(at, REL);
    let (m, _) = one(&d, &src, 2335);
    assert!(
        m.message
            .contains("scans `owners`, which has no read policy"),
        "{}",
        m.message
    );
    // Read clauses scan structurally.
    let (d, _) = check(&format!("  policy.items.allowRead.where({REL});"));
    none(&d, 2337);
    none(&d, 2335);
}

#[test]
fn tables_without_read_policy_jz2336() {
    let (d, src) = check(r#"  policy.items.allowInsert.always();"#);
    let (m, at) = one(&d, &src, 2336);
    assert_eq!(at, "policy.items.allowInsert.always");
    assert!(m.message.contains("never read"), "{}", m.message);
    let (d, _) = check("  policy.items.allowInsert.always();\n  policy.items.allowRead.never();");
    none(&d, 2336);
}

#[test]
fn allowed_to_insert_is_a_hint_jz2338() {
    let (d, src) = check(
        r#"  policy.owners.allowInsert.always();
  policy.items.allowInsert.where(allowedTo.insert("owner"));"#,
    );
    let (m, at) = one(&d, &src, 2338);
    assert_eq!(m.severity, Severity::Hint);
    assert_eq!(at, "\"owner\"");
    let (d, _) = check(&format!(
        "{OWNERS_READ}  policy.items.allowInsert.where(allowedTo.read(\"owner\"));"
    ));
    none(&d, 2338);
}

#[test]
fn negations_over_missing_values_jz2339() {
    let bad = r#"{ type: "Not", expr: { type: "SessionCmp", path: ["claims", "role"], op: "Eq", value: { type: "Text", value: "banned" } } }"#;
    let (d, src) = check(&format!("  policy.items.allowRead.where({bad});"));
    let (m, at) = one(&d, &src, 2339);
    assert_eq!(at, bad);
    assert!(
        m.message.contains("the claim `claims.role`"),
        "{}",
        m.message
    );
    let ok = r#"{ type: "Not", expr: { type: "Cmp", column: "title", op: "Eq", value: { type: "Literal", value: { type: "Text", value: "x" } } } }"#;
    let (d, _) = check(&format!("  policy.items.allowRead.where({ok});"));
    none(&d, 2339);
}

#[test]
fn writes_only_for_anonymous_sessions_jz2340() {
    let (d, src) =
        check(r#"  policy.items.allowInsert.where(session.where({ authMode: "anonymous" }));"#);
    let (m, at) = one(&d, &src, 2340);
    assert_eq!(m.severity, Severity::Info);
    assert_eq!(at, "policy.items.allowInsert.where");
    let (d, _) = check(
        r#"  policy.items.allowInsert.where(session.where({ authMode: "local-first" }));
  policy.items.allowRead.where(session.where({ authMode: "anonymous" }));"#,
    );
    none(&d, 2340);
}

#[test]
fn malformed_raw_expressions_jz2341_and_dropped_fields_jz2342() {
    let (d, src) = check(
        r#"  policy.items.allowRead.where({ type: "IsNull", colum: "note" });
  policy.items.allowDelete.where({ type: "IsNull", column: "note", why: 1 });"#,
    );
    let v = all(&d, &src, 2341);
    assert_eq!(v.len(), 1, "{d:#?}");
    assert_eq!(v[0].0.severity, Severity::Error);
    assert_eq!(v[0].1, r#"{ type: "IsNull", colum: "note" }"#);
    let w = all(&d, &src, 2342);
    assert_eq!(w.len(), 1, "{d:#?}");
    assert_eq!(w[0].0.severity, Severity::Warning);
    assert!(
        w[0].0.message.contains("`why` of `IsNull`"),
        "{}",
        w[0].0.message
    );
    // An unknown `type` is malformed too (it was JZ2323, a warning code, emitted as an error).
    let (d, src) = check(r#"  policy.items.allowRead.where({ type: "Nope", column: "note" });"#);
    assert_eq!(one(&d, &src, 2341).0.severity, Severity::Error);
    none(&d, 2323);
    let (d, _) = check(r#"  policy.items.allowRead.where({ type: "IsNull", column: "note" });"#);
    none(&d, 2341);
    none(&d, 2342);
}

#[test]
fn worked_example_has_exactly_the_findings_the_spec_lists() {
    // The worked example: the 8 missing operations (workspaces insert/update/delete, members
    // ×4, docs insert) as one JZ2101 per table, JZ2102 for docs; nothing else (the members
    // scan in `exists` is structural).
    let schema = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  workspaces: s.table({ name: s.string(), ownerId: s.string() }),
  members: s.table({ workspaceId: s.ref("workspaces"), userId: s.string(), role: s.string() }),
  docs: s.table({ title: s.string(), workspaceId: s.ref("workspaces"), archived: s.boolean() }),
});"#;
    let (d, _) = check_with(
        schema,
        r#"  const isMember = (workspaceId) =>
    policy.members.exists.where({ workspaceId, userId: session.user_id });
  policy.workspaces.allowRead.where((w) => anyOf([{ ownerId: session.user_id }, isMember(w.id)]));
  policy.docs.allowRead.where(allowedTo.read("workspace"));
  policy.docs.allowUpdate.whereOld(allowedTo.read("workspace")).whereNew({ archived: false });"#,
    );
    let mut codes: Vec<u16> = d.iter().map(|x| x.code.0).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        vec![2101; 3].into_iter().chain([2102]).collect::<Vec<_>>(),
        "{d:#?}"
    );
    let mut missing: Vec<&str> = d
        .iter()
        .filter(|x| x.code.0 == 2101)
        .map(|x| x.message.as_str())
        .collect();
    missing.sort_unstable();
    assert_eq!(
        missing,
        vec![
            "table \"docs\" has no policy for insert",
            "table \"members\" has no policy for read, insert, update, delete",
            "table \"workspaces\" has no policy for insert, update, delete",
        ]
    );
}

/// `items` with one relation to `owners` (so a qualified `owners.` key is unambiguous).
const ONE_REF: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  owners: s.table({ name: s.string(), userId: s.string() }),
  items: s.table({ title: s.string(), ownerId: s.ref("owners") }),
});"#;

#[test]
fn qualified_keys_and_policy_exists_in_write_clauses_jz2335_jz2337() {
    let (d, src) = check_with(
        ONE_REF,
        r#"  policy.items.allowRead.always();
  policy.items.allowInsert.where({ "owners.userId": session.user_id });
  policy.items.allowDelete.where(policy.exists(policy.owners.where({ userId: session.user_id })));"#,
    );
    assert!(!d.iter().any(Diagnostic::is_error), "{d:#?}");
    let info = all(&d, &src, 2337);
    let at: Vec<&str> = info.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        at,
        vec![
            r#"{ "owners.userId": session.user_id }"#,
            "policy.exists(policy.owners.where({ userId: session.user_id }))"
        ],
        "{d:#?}"
    );
    assert_eq!(all(&d, &src, 2335).len(), 2, "owners has no read policy");
    // With read policies on both scanned tables only the Info remains; read clauses scan
    // structurally.
    let (d, _) = check_with(
        ONE_REF,
        &format!(
            "{OWNERS_READ}  policy.items.allowRead.always();\n  policy.items.allowInsert.where({{ \"owners.userId\": session.user_id }});"
        ),
    );
    none(&d, 2335);
    assert_eq!(d.iter().filter(|x| x.code.0 == 2337).count(), 1);
    let (d, _) = check_with(
        ONE_REF,
        r#"  policy.items.allowRead.where({ "owners.userId": session.user_id });"#,
    );
    none(&d, 2337);
    none(&d, 2335);
}

#[test]
fn dropped_keys_that_open_a_rule_are_errors_jz2327() {
    let (d, src) = check(
        r#"  const missing = undefined;
  policy.items.allowRead.where({ title: missing });"#,
    );
    let (m, at) = one(&d, &src, 2327);
    assert_eq!(at, "title");
    assert_eq!(m.severity, Severity::Error);
    none(&d, 2320);
    assert!(
        m.notes.iter().any(|n| n.contains("grants every session")),
        "{m:#?}"
    );
    none(&d, 2321);
    // Another key still restricts the rule: the drop stays a warning.
    let (d, src) = check(
        r#"  const missing = undefined;
  policy.items.allowRead.where({ title: missing, count: 1 });"#,
    );
    assert_eq!(one(&d, &src, 2320).0.severity, Severity::Warning);
}
