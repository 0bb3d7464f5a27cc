//! Relation builders and qualified keys: every lowering case is
//! pinned as policy JSON under `tests/golden/relations/` (regenerate with `UPDATE_GOLDEN=1`
//! after checking the change), and every rejection is a coded diagnostic on the responsible
//! expression with upstream's text.

use std::fs;
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;

/// The tables of upstream's `permissions/index.test.ts` apps (ids are implicit here) plus a
/// workspace/member pair for the worked relation example.
const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  todos: s.table({ ownerId: s.string(), archived: s.boolean(), done: s.boolean(), projectId: s.ref("projects").optional() }),
  projects: s.table({ ownerId: s.string() }),
  todoShares: s.table({ todoId: s.ref("todos"), userId: s.string(), canRead: s.boolean() }),
  teams: s.table({ kind: s.string(), identity_key: s.string().optional() }),
  team_team_edges: s.table({ child_team: s.ref("teams"), parent_team: s.ref("teams") }),
  resource_access_edges: s.table({ team: s.ref("teams"), resource: s.ref("todos"), grant_role: s.string() }),
  profiles: s.table({ bio: s.string() }),
  people: s.table({ profileId: s.ref("profiles").optional() }),
  friendships: s.table({ personAId: s.ref("people"), personBId: s.ref("people") }),
  workspaces: s.table({ name: s.string() }),
  members: s.table({ workspaceId: s.ref("workspaces"), userId: s.string() }),
});"#;

struct Compiled {
    diags: Vec<Diagnostic>,
    src: String,
    json: Option<String>,
}

fn compile(body: &str) -> Compiled {
    let src = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, session, anyOf, allOf }}) => {{\n{body}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", src.clone());
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let json = a
        .permissions
        .as_ref()
        .and_then(|p| p.policy.as_ref())
        .map(jazz_schema_compiler::policy::json::to_pretty);
    Compiled {
        diags: a.diagnostics,
        src,
        json,
    }
}

fn errors(c: &Compiled) -> Vec<String> {
    c.diags
        .iter()
        .filter(|d| d.severity == jazz_schema_compiler::diagnostics::Severity::Error)
        .map(|d| format!("JZ{}: {}", d.code.0, d.message))
        .collect()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/relations")
}

/// Compiles without errors and compares with `golden/relations/<name>.json`.
fn golden(name: &str, body: &str) {
    let c = compile(body);
    assert!(errors(&c).is_empty(), "{name}: {:?}", errors(&c));
    let got = c.json.expect("policy");
    let file = golden_dir().join(format!("{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() || !file.exists() {
        fs::create_dir_all(golden_dir()).expect("golden dir");
        fs::write(&file, &got).expect("write golden");
    } else {
        let want = fs::read_to_string(&file).expect("golden");
        assert_eq!(got, want, "{name}: lowering changed");
    }
}

/// The error with `code`, its message and the source text under its primary span.
fn rejected(body: &str, code: u16) -> (String, String) {
    let c = compile(body);
    let d = c
        .diags
        .iter()
        .find(|d| d.code.0 == code)
        .unwrap_or_else(|| panic!("JZ{code} expected, got {:?}", errors(&c)));
    let at = d
        .span()
        .and_then(|s| c.src.get(s.range.start as usize..s.range.end as usize))
        .unwrap_or("")
        .to_owned();
    assert!(
        !c.diags.iter().any(|d| d.code.0 == 2399),
        "no JZ2399 any more: {:?}",
        errors(&c)
    );
    (d.message.clone(), at)
}

#[test]
fn qualified_reverse_key_matches_the_spec_example_byte_for_byte() {
    let c =
        compile(r#"  policy.workspaces.allowRead.where({ "members.userId": session.user_id });"#);
    assert!(errors(&c).is_empty(), "{:?}", errors(&c));
    let p = compile_policy(
        r#"  policy.workspaces.allowRead.where({ "members.userId": session.user_id });"#,
    );
    let json = jazz_schema_compiler::policy::json::to_compact(&p);
    let want = concat!(
        r#"{"workspaces":{"select":{"using":"#,
        r#"{"type":"ExistsRel","rel":{"Filter":{"input":{"Filter":{"input":{"Join":{"#,
        r#""left":{"TableScan":{"table":"workspaces"}},"right":{"TableScan":{"table":"members"}},"#,
        r#""on":[{"left":{"scope":"workspaces","column":"id"},"right":{"scope":"__join_0","column":"workspaceId"}}],"#,
        r#""join_kind":"Inner"}},"#,
        r#""predicate":{"Cmp":{"left":{"scope":"__join_0","column":"userId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}}},"#,
        r#""predicate":{"Cmp":{"left":{"scope":"workspaces","column":"id"},"op":"Eq","right":{"RowId":"Outer"}}}}}}"#,
        r#"},"insert":{},"update":{},"delete":{}}}"#
    );
    assert_eq!(json, want);
}

fn compile_policy(body: &str) -> jazz_schema_compiler::policy::Policy {
    let src = format!(
        "import {{ schema as s }} from \"jazz-tools\";\nimport {{ app }} from \"./schema\";\nexport default s.definePermissions(app, ({{ policy, session }}) => {{\n{body}\n}});\n"
    );
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", SCHEMA)
        .with("/app/permissions.ts", src);
    analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    )
    .permissions
    .and_then(|p| p.policy)
    .expect("policy")
}

#[test]
fn lowering_goldens() {
    // Upstream test "supports one-clause friend-profile chain style using join(...)".
    golden(
        "join",
        r#"  policy.profiles.allowRead.where((profile) =>
    anyOf([
      policy.exists(policy.people.where({ profileId: profile.id }).join(policy.friendships, { left: "id", right: "personAId" }).where({ personBId: session.user_id })),
      policy.exists(policy.people.where({ profileId: profile.id }).join("friendships", { left: "id", right: "personBId" }).where({ personAId: session.user_id })),
    ]));"#,
    );
    // Upstream test "lowers hop relation plans to relation IR join + project".
    golden(
        "hop_forward",
        r#"  policy.teams.allowRead.where(policy.exists(policy.team_team_edges.where({ child_team: "team-a" }).hopTo("parent_team")));"#,
    );
    // Upstream test "… using hopTo(...).where(...)".
    golden(
        "hop_reverse",
        r#"  policy.profiles.allowRead.where((profile) =>
    policy.exists(policy.people.where({ profileId: profile.id }).hopTo("friendshipsViaPersonA").where({ personBId: session.user_id })));"#,
    );
    golden(
        "select",
        r#"  policy.todos.allowRead.where(policy.exists(policy.todoShares.where({ userId: session.user_id, canRead: true }).select({ todo: "todoShares.todoId", " who ": "userId" })));"#,
    );
    golden(
        "union",
        r#"  const mine = policy.todos.where({ ownerId: session.user_id });
  const shared = policy.todoShares.where({ userId: session.user_id }).hopTo("todo");
  policy.todos.allowRead.where(policy.exists(policy.union([mine, shared])));"#,
    );
    // Upstream test "compiles gather/hopTo recursive relation with policy.exists(relation)".
    golden(
        "gather_start_max_depth",
        r#"  const reachableTeams = policy.teams.gather({
    start: { kind: "individual", identity_key: session.user_id },
    step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team"),
    maxDepth: 3,
  });
  const hasResourceRole = (resource, role) =>
    policy.exists(reachableTeams.hopTo("resource_access_edgesViaTeam").where({ "resource_access_edges.resource": resource, grant_role: role }));
  policy.todos.allowRead.where((todo) => hasResourceRole(todo.id, "viewer"));"#,
    );
    golden(
        "gather_defaults",
        r#"  policy.teams.allowRead.where(policy.exists(policy.teams.where({ kind: "org" }).gather({
    step: ({ current }) => policy.team_team_edges.where({ child_team: { eq: current } }).hopTo("parent_team"),
  })));"#,
    );
    golden(
        "gather_qualified_start",
        r#"  policy.teams.allowRead.where(policy.exists(policy.teams.gather({
    start: { "resource_access_edges.grant_role": "owner" },
    step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team"),
    maxDepth: 64,
  })));"#,
    );
    golden(
        "qualified_forward",
        r#"  policy.todos.allowRead.where({ done: false, "projects.ownerId": session.user_id });"#,
    );
    golden(
        "qualified_reverse_disambiguated",
        r#"  policy.people.allowRead.where({ "friendships.personAId": { ne: null }, "people.profileId": { isNull: false } });
  policy.people.allowUpdate.where({ "friendships.personBId": session.user_id });"#,
    );
    golden(
        "qualified_in_exists",
        r#"  policy.todos.allowRead.where((todo) => policy.todoShares.exists.where({ todoId: todo.id, "todos.ownerId": { in: ["a", session.user_id] } }));"#,
    );
    golden(
        "exists_where_relation",
        r#"  policy.todos.allowRead.where((todo) => policy.exists(policy.todoShares.where((row) => ({ todoId: row.id, canRead: true, userId: { contains: "a" } }))));"#,
    );
    golden(
        "relation_qualified_scope",
        r#"  policy.todos.allowRead.where(policy.exists(policy.todoShares.hopTo("todo").where({ "todoShares.canRead": true, "todos.done": { eq: null }, ownerId: {} })));"#,
    );
}

#[test]
fn qualified_ambiguity_is_reported_with_upstream_text() {
    let (m, at) = rejected(
        r#"  policy.friendships.allowRead.where({ "people.profileId": session.user_id });"#,
        2218,
    );
    assert_eq!(
        m,
        "Qualified where(...) table \"people\" is ambiguous from \"friendships\"; use an explicit relation instead."
    );
    assert_eq!(at, "\"people.profileId\"");
    // Two keys choosing different relations to one table.
    let (m, at) = rejected(
        r#"  policy.people.allowRead.where({ "friendships.personAId": session.user_id, "friendships.personBId": session.user_id });"#,
        2218,
    );
    assert!(
        m.starts_with("Qualified where(...) table \"friendships\""),
        "{m}"
    );
    assert_eq!(at, "\"friendships.personBId\"");
    let (m, at) = rejected(
        r#"  policy.todos.allowRead.where({ "teams.kind": "x" });"#,
        2217,
    );
    assert_eq!(
        m,
        "Qualified where(...) column \"teams.kind\" does not match a direct relation from \"todos\"."
    );
    assert_eq!(at, "\"teams.kind\"");
}

#[test]
fn relation_rejections_have_upstream_text() {
    let cases: &[(&str, u16, &str, &str)] = &[
        (
            r#"policy.exists(policy.todos.where({ ownerId: { in: "a" } }))"#,
            2205,
            "\"ownerId.in\" expects an array value.",
            "in",
        ),
        (
            r#"policy.exists(policy.todos.where({ ownerId: { startsWith: "a" } }))"#,
            2206,
            "Unsupported where operator \"startsWith\" in relation IR lowering.",
            "startsWith",
        ),
        (
            r#"policy.exists(policy.todos.hopTo("project").where({ "teams.kind": "x" }))"#,
            2219,
            "Qualified relation where(...) column \"teams.kind\" does not match the current relation scopes.",
            "\"teams.kind\"",
        ),
        (
            r#"policy.exists(policy.teams.join("teams", { left: "id", right: "id" }).where({ "teams.kind": "x" }))"#,
            2219,
            "Qualified relation where(...) table \"teams\" is ambiguous in the current relation; use an unambiguous relation shape instead.",
            "\"teams.kind\"",
        ),
        (
            r#"policy.exists(policy.todos.hopTo("projct"))"#,
            2220,
            "Unknown relation \"projct\" on table \"todos\".",
            "\"projct\"",
        ),
        (
            r#"policy.exists(policy.todos.join(42, { left: "id", right: "id" }))"#,
            2221,
            "join(...) expects a table builder (policy.<table>) or table name string.",
            "42",
        ),
        (
            r#"policy.exists(policy.union([policy.todos.where({})]).where({ done: true }))"#,
            2222,
            "where(...) does not support union(...) relations in MVP.",
            "where",
        ),
        (
            r#"policy.exists(policy.union([policy.todos.where({})]).hopTo("project"))"#,
            2222,
            "hopTo(...) does not support union(...) relations in MVP.",
            "hopTo",
        ),
        (
            r#"policy.exists(policy.todos.hopTo(" "))"#,
            2223,
            "hopTo(...) requires a non-empty relation name.",
            "\" \"",
        ),
        (
            r#"policy.exists(policy.todos.hopTo("project").hopTo("todosViaProject"))"#,
            2223,
            "hopTo(...) currently supports a single hop per relation in MVP.",
            "hopTo",
        ),
        (
            r#"policy.exists(policy.todos.select({ o: "ownerId" }).hopTo("project"))"#,
            2223,
            "hopTo(...) cannot be composed after select(...).",
            "hopTo",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team") }).hopTo("team_team_edgesViaParent_team").hopTo("x"))"#,
            2223,
            "hopTo(...) currently supports a single hop per relation in MVP.",
            "hopTo",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team") }).hopTo("team_team_edgesViaChild_team").where({}).select({ a: "id" }).where({}))"#,
            0,
            "",
            "",
        ),
        (
            r#"policy.exists(policy.todos.select("ownerId"))"#,
            2224,
            "select(...) expects an object map: { alias: column }.",
            "\"ownerId\"",
        ),
        (
            r#"policy.exists(policy.todos.select({}))"#,
            2224,
            "select(...) requires at least one projected column.",
            "{}",
        ),
        (
            r#"policy.exists(policy.todos.select({ " ": "ownerId" }))"#,
            2224,
            "select(...) alias names must be non-empty strings.",
            "\" \"",
        ),
        (
            r#"policy.exists(policy.todos.select({ owner: "" }))"#,
            2224,
            "select(...) column for alias \"owner\" must be a non-empty string.",
            "owner",
        ),
        (
            r#"policy.exists(policy.union([]))"#,
            2225,
            "union(...) requires at least one relation.",
            "[]",
        ),
        (
            r#"policy.exists(policy.union([policy.todos.where({}), policy.projects.where({})]))"#,
            2225,
            "union(...) requires all relations to output the same table.",
            "[policy.todos.where({}), policy.projects.where({})]",
        ),
        (
            r#"policy.exists(policy.union([policy.todos.select({ o: "ownerId" })]))"#,
            2225,
            "union(...) does not support select(...) relations in MVP.",
            "[policy.todos.select({ o: \"ownerId\" })]",
        ),
        (
            r#"policy.exists(policy.teams.gather({ maxDepth: 2 }))"#,
            2226,
            "gather(...) requires a step callback.",
            "{ maxDepth: 2 }",
        ),
        (
            r#"policy.exists(policy.teams.select({ i: "id" }).gather({ step: () => policy.teams }))"#,
            2226,
            "gather(...) does not support select(...) seeds in MVP.",
            "gather",
        ),
        (
            r#"policy.exists(policy.union([policy.teams.where({})]).gather({ start: { kind: "x" }, step: () => policy.teams }))"#,
            2226,
            "gather(...) start does not support union(...) seeds in MVP.",
            "start",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.union([policy.teams.where({})]) }))"#,
            2226,
            "gather(...) step must return a relation built from policy.<table>.",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }) }))"#,
            2226,
            "gather(...) step must include exactly one hopTo(...).",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).join("teams", { left: "parent_team", right: "id" }) }))"#,
            2226,
            "gather(...) step must include exactly one hopTo(...).",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team").select({ i: "id" }) }))"#,
            2226,
            "gather(...) step does not support select(...).",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: () => policy.team_team_edges.where({ child_team: "literal" }).hopTo("parent_team") }))"#,
            2226,
            "gather(...) step must include exactly one where condition bound to current.",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.resource_access_edges.where({ team: current }).hopTo("resource") }))"#,
            2226,
            "gather(...) step must hop back to \"teams\" rows via hopTo(...).",
            "step",
        ),
        (
            r#"policy.exists(policy.teams.gather({ start: { "todos.done": true }, step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team") }))"#,
            2226,
            "gather(...) qualified start column \"todos.done\" does not match a direct relation from \"teams\".",
            "\"todos.done\"",
        ),
        (
            r#"policy.exists(policy.teams.gather({ start: { "team_team_edges.id": "x" }, step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team") }))"#,
            2226,
            "gather(...) qualified start table \"team_team_edges\" is ambiguous from \"teams\"; use an explicit relation seed instead.",
            "\"team_team_edges.id\"",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team"), maxDepth: 0 }))"#,
            2226,
            "gather(...) maxDepth must be a positive integer.",
            "maxDepth",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team"), maxDepth: 65 }))"#,
            2226,
            "gather(...) maxDepth 65 exceeds hard cap 64.",
            "maxDepth",
        ),
        (
            r#"policy.exists(policy.union([policy.todos]))"#,
            2227,
            "Expected a relation built from policy.<table> with where/join/hopTo/gather.",
            "[policy.todos]",
        ),
        (
            r#"policy.exists(policy.todos)"#,
            2227,
            "Expected a relation built from policy.<table> with where/join/hopTo/gather.",
            "policy.todos",
        ),
        (
            r#"policy.exists({ table: "todos" })"#,
            2227,
            "Expected a relation built from policy.<table> with where/join/hopTo/gather.",
            "{ table: \"todos\" }",
        ),
        (
            r#"policy.exists(policy.teams.gather({ step: ({ current }) => ({ child_team: current }) }))"#,
            2227,
            "Expected a relation built from policy.<table> with where/join/hopTo/gather.",
            "step",
        ),
    ];
    for (expr, code, msg, at) in cases {
        let body = format!("  policy.todos.allowRead.where({expr});");
        if *code == 0 {
            let c = compile(&body);
            assert!(errors(&c).is_empty(), "{expr}: {:?}", errors(&c));
            continue;
        }
        let (m, got_at) = rejected(&body, *code);
        assert_eq!(&m, msg, "{expr}");
        assert_eq!(&got_at, at, "{expr}");
    }
}

#[test]
fn recursive_hop_needs_a_reverse_relation() {
    let (m, at) = rejected(
        r#"  policy.todos.allowRead.where(policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current }).hopTo("parent_team") }).hopTo("kind")));"#,
        2220,
    );
    assert_eq!(m, "Unknown relation \"kind\" on table \"teams\".");
    assert_eq!(at, "\"kind\"");
    let (m, _) = rejected(
        r#"  policy.todos.allowRead.where(policy.exists(policy.todos.gather({ step: ({ current }) => policy.todoShares.where({ todoId: current }).hopTo("todo") }).hopTo("project")));"#,
        2223,
    );
    assert_eq!(
        m,
        "Recursive hopTo(\"project\") currently requires a reverse relation from \"todos\"."
    );
}

#[test]
fn unknown_names_offer_did_you_mean() {
    let c =
        compile(r#"  policy.todos.allowRead.where(policy.exists(policy.todos.hopTo("projet")));"#);
    let d = c.diags.iter().find(|d| d.code.0 == 2220).expect("JZ2220");
    assert_eq!(d.help.as_deref(), Some("did you mean `project`?"));
    let c = compile(r#"  policy.todos.allowRead.where({ "projcts.ownerId": session.user_id });"#);
    let d = c.diags.iter().find(|d| d.code.0 == 2301).expect("JZ2301");
    assert_eq!(d.help.as_deref(), Some("did you mean `projects`?"));
    let c = compile(r#"  policy.todos.allowRead.where({ "projects.ownrId": session.user_id });"#);
    let d = c.diags.iter().find(|d| d.code.0 == 2302).expect("JZ2302");
    assert_eq!(d.help.as_deref(), Some("did you mean `ownerId`?"));
    let c = compile(
        r#"  policy.todos.allowRead.where(policy.exists(policy.todoShares.join("todos", { left: "todoId", right: "ownr" })));"#,
    );
    let d = c
        .diags
        .iter()
        .find(|d| d.code.0 == 2302)
        .expect("JZ2302 on join");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("ownerId")),
        "{d:?}"
    );
}

#[test]
fn stray_current_is_an_operator_error() {
    let (m, at) = rejected(
        r#"  policy.todos.allowRead.where(policy.exists(policy.teams.gather({ step: ({ current }) => policy.team_team_edges.where({ child_team: current, parent_team: current }).hopTo("parent_team") })));"#,
        2226,
    );
    assert_eq!(
        m,
        "gather(...) step must include exactly one where condition bound to current."
    );
    assert_eq!(at, "step");
}
