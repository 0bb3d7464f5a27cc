//! `jazz permissions compile --json` and `explain` on relations and qualified keys.

use std::fs;

mod support;
use support::{jazz, project, run};

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  workspaces: s.table({ name: s.string() }),
  members: s.table({ workspaceId: s.ref("workspaces"), userId: s.string() }),
  teams: s.table({ kind: s.string() }),
  team_edges: s.table({ child: s.ref("teams"), parent: s.ref("teams") }),
});
"#;

const PERMISSIONS: &str = r#"import { schema as s } from "jazz-tools";
import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.workspaces.allowRead.where({ "members.userId": session.user_id });
  policy.members.allowRead.where((m) =>
    policy.exists(policy.workspaces.where({ id: m.workspaceId }).hopTo("membersViaWorkspace").where({ userId: session.user_id })),
  );
  policy.teams.allowRead.where((t) =>
    policy.exists(
      policy.teams
        .gather({ start: { id: t.id }, step: ({ current }) => policy.team_edges.where({ child: current }).hopTo("parent") })
        .where({ kind: "org" }),
    ),
  );
});
"#;

/// Seeds and expectations the VM must meet on the lowered relations.
const TESTS: &str = r#"version = 1

[sessions.bob]
user_id = "bob"

[sessions.carol]
user_id = "carol"

[[seed.workspaces]]
id = "@w1"
name = "Acme"

[[seed.workspaces]]
id = "@w2"
name = "Other"

[[seed.members]]
id = "@m1"
workspaceId = "@w1"
userId = "bob"

[[seed.members]]
id = "@m2"
workspaceId = "@w1"
userId = "dave"

[[seed.members]]
id = "@m3"
workspaceId = "@w2"
userId = "carol"

[[seed.teams]]
id = "@root"
kind = "org"

[[seed.teams]]
id = "@child"
kind = "team"

[[seed.teams]]
id = "@leaf"
kind = "team"

[[seed.teams]]
id = "@loner"
kind = "team"

[[seed.team_edges]]
child = "@child"
parent = "@root"

[[seed.team_edges]]
child = "@leaf"
parent = "@child"

[[expect]]
name = "qualified key: members see their workspace"
as = "bob"
read = "workspaces"
rows = ["@w1"]

[[expect]]
name = "hopTo: members see co-members"
as = "bob"
read = "members"
rows = ["@m1", "@m2"]

[[expect]]
name = "carol sees her own workspace's members only"
as = "carol"
read = "members"
rows = ["@m3"]

[[expect]]
name = "gather: teams under an org, two levels deep"
as = "bob"
read = "teams"
rows = ["@root", "@child", "@leaf"]
"#;

#[test]
fn compile_json_carries_the_relation_ir() {
    let tmp = project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    let out = tmp.path().join("policy.json");
    let r = run(jazz(tmp.path())
        .args(["permissions", "compile", "--json"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).expect("json written")).expect("json");
    let rel = &v["workspaces"]["select"]["using"]["rel"];
    assert_eq!(v["workspaces"]["select"]["using"]["type"], "ExistsRel");
    assert_eq!(
        rel["Filter"]["predicate"],
        serde_json::json!({"Cmp":{"left":{"scope":"workspaces","column":"id"},"op":"Eq","right":{"RowId":"Outer"}}})
    );
    let hop = &v["members"]["select"]["using"]["rel"]["Project"];
    assert_eq!(
        hop["columns"],
        serde_json::json!([{"alias":"id","expr":{"Column":{"scope":"__hop_0","column":"id"}}}])
    );
}

#[test]
fn explain_prints_the_relation_on_one_line() {
    let tmp = project(&[("schema.ts", SCHEMA), ("permissions.ts", PERMISSIONS)]);
    let r = run(jazz(tmp.path()).args(["permissions", "explain", "workspaces", "read"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("EXISTS workspaces JOIN members AS __join_0 ON workspaces.id = __join_0.workspaceId WHERE __join_0.userId = session.user_id AND workspaces.id = outer.id"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("reads: workspaces (relation), members (relation)"),
        "{}",
        r.stdout
    );
}

#[test]
fn relation_errors_block_the_artefacts() {
    let bad = PERMISSIONS.replace("membersViaWorkspace", "membersViaWorkspaces");
    let tmp = project(&[("schema.ts", SCHEMA), ("permissions.ts", &bad)]);
    let out = tmp.path().join("policy.json");
    let r = run(jazz(tmp.path())
        .args(["permissions", "compile", "--json"])
        .arg(&out));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("JZ2220"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Unknown relation \"membersViaWorkspaces\" on table \"workspaces\"."),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "no artefact on errors");
}

#[test]
fn policy_tests_evaluate_the_lowered_relations() {
    let tmp = project(&[
        ("schema.ts", SCHEMA),
        ("permissions.ts", PERMISSIONS),
        ("permissions.test.toml", TESTS),
    ]);
    let r = run(jazz(tmp.path()).args(["permissions", "test"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("4 passed, 0 failed"), "{}", r.stdout);
}
