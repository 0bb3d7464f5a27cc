//! `ExistsRel` in the VM: hand-written relation JSON read by
//! `parse.rs`, compiled to bytecode, executed over `MemoryData`; one case per node kind with
//! allowed and denied sessions, gather depth and cycles, read policies applied to write
//! clauses reaching other tables, budget, malformed relations, disassembly.

#[path = "support/schema_ts.rs"]
mod schema_ts;

use jazz_schema_compiler::policy::bytecode::{self, disassemble};
use jazz_schema_compiler::policy::ir::{Expr, Policy, TablePolicy};
use jazz_schema_compiler::policy::parse;
use jazz_schema_compiler::policy::vm::{
    self, Limits, MemoryData, Options, Program, Reason, Request, Row, Session, Val,
};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::parse as parse_json;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  workspaces: s.table({ name: s.string(), ownerId: s.string() }),
  members: s.table({ workspaceId: s.ref("workspaces"), userId: s.string(), role: s.string() }),
  docs: s.table({ title: s.string(), workspaceId: s.ref("workspaces"), tags: s.array(s.string()) }),
  teams: s.table({ name: s.string(), parentId: s.ref("teams").optional() }),
  team_members: s.table({ teamId: s.ref("teams"), userId: s.string() }),
});"#;

fn schema() -> std::sync::Arc<WasmSchema> {
    schema_ts::schema_of(SCHEMA)
}

struct App {
    program: Program,
    schema: std::sync::Arc<WasmSchema>,
    data: MemoryData,
}

/// A program from a policy JSON map (`{"<table>": {"select": {"using": …}, …}}`).
fn app(policy: &str) -> App {
    let schema = schema();
    let json = parse_json(policy).expect("json");
    let policy = parse::policy(&json).expect("policy JSON reads");
    let bytes = bytecode::encode(&policy, &schema);
    App {
        program: Program::load(&bytes).expect("verifies"),
        schema,
        data: MemoryData::new(),
    }
}

fn id(n: u8) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[15] = n;
    b[6] = 0x40;
    b[8] = 0x80;
    b
}

fn text(s: &str) -> Val {
    Val::Text(s.into())
}

impl App {
    fn row(&self, table: &str, n: u8, cols: &[(&str, Val)]) -> Row {
        let t = self.schema.table(table).expect("table");
        Row {
            id: id(n),
            values: t
                .columns
                .iter()
                .map(|c| {
                    cols.iter()
                        .find(|(k, _)| *k == c.name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or(Val::Null)
                })
                .collect(),
            created_by: "x".into(),
            created_at: 1,
            updated_by: "x".into(),
            updated_at: 1,
        }
    }

    fn seed(&mut self, table: &str, n: u8, cols: &[(&str, Val)]) {
        let r = self.row(table, n, cols);
        self.data.insert(table, r);
    }

    fn decide_with(
        &self,
        table: &str,
        req: Request<'_>,
        user: &str,
        opts: Options,
    ) -> vm::Decision {
        vm::decide(
            &self.program,
            table,
            req,
            Some(&Session::new(user)),
            &self.data,
            opts,
        )
    }

    fn read(&self, table: &str, n: u8, user: &str) -> bool {
        let r = self
            .data
            .rows(table)
            .iter()
            .find(|r| r.id == id(n))
            .expect("seeded");
        self.decide_with(table, Request::Read(r), user, Options::default())
            .allowed
    }
}

/// The worked relation example: `policy.workspaces.allowRead.where({ "members.userId":
/// session.user_id })`.
const SPEC_EXAMPLE: &str = r#"{"type":"ExistsRel","rel":{"Filter":{"input":{"Filter":{"input":{"Join":{
  "left":{"TableScan":{"table":"workspaces"}},"right":{"TableScan":{"table":"members"}},
  "on":[{"left":{"scope":"workspaces","column":"id"},"right":{"scope":"__join_0","column":"workspaceId"}}],
  "join_kind":"Inner"}},
  "predicate":{"Cmp":{"left":{"scope":"__join_0","column":"userId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}}},
  "predicate":{"Cmp":{"left":{"scope":"workspaces","column":"id"},"op":"Eq","right":{"RowId":"Outer"}}}}}}"#;

fn read_policy(table: &str, expr: &str) -> String {
    format!(
        r#"{{"{table}":{{"select":{{"using":{expr}}},"insert":{{}},"update":{{}},"delete":{{}}}}}}"#
    )
}

fn seed_workspaces(a: &mut App) {
    a.seed(
        "workspaces",
        1,
        &[("name", text("w1")), ("ownerId", text("o"))],
    );
    a.seed(
        "workspaces",
        2,
        &[("name", text("w2")), ("ownerId", text("o"))],
    );
    a.seed(
        "members",
        10,
        &[
            ("workspaceId", Val::Uuid(id(1))),
            ("userId", text("alice")),
            ("role", text("admin")),
        ],
    );
    a.seed(
        "members",
        11,
        &[
            ("workspaceId", Val::Uuid(id(1))),
            ("userId", text("carol")),
            ("role", text("reader")),
        ],
    );
}

#[test]
fn spec_example_join_filter_outer_anchor() {
    let mut a = app(&read_policy("workspaces", SPEC_EXAMPLE));
    seed_workspaces(&mut a);
    assert!(a.read("workspaces", 1, "alice"));
    assert!(a.read("workspaces", 1, "carol"));
    assert!(!a.read("workspaces", 1, "bob"), "not a member");
    assert!(
        !a.read("workspaces", 2, "alice"),
        "member of another workspace only"
    );
    let listing = disassemble(&bytecode::encode(
        &parse::policy(&parse_json(&read_policy("workspaces", SPEC_EXAMPLE)).expect("json"))
            .expect("policy"),
        &a.schema,
    ))
    .expect("disassembles");
    assert!(
        listing.contains("exists.rel    output=workspaces"),
        "{listing}"
    );
    assert!(
        listing.contains("join inner on workspaces.id = __join_0.workspaceId"),
        "{listing}"
    );
    assert!(
        listing.contains("filter __join_0.userId = session.user_id"),
        "{listing}"
    );
    assert!(listing.contains("scan members"), "{listing}");
    assert!(
        !listing.lines().any(|l| l.ends_with(' ')),
        "no trailing spaces"
    );
}

#[test]
fn unresolvable_session_reference_makes_the_clause_false() {
    // `claims.team` is missing: the whole relation is false, even under `Not`'s sibling.
    let rel = SPEC_EXAMPLE.replace(r#"["user_id"]"#, r#"["claims","team"]"#);
    let mut a = app(&read_policy("workspaces", &rel));
    seed_workspaces(&mut a);
    assert!(!a.read("workspaces", 1, "alice"));
    let mut s = Session::new("alice");
    s.claims = parse_json(r#"{"team":"alice"}"#).expect("json");
    let r = a.data.rows("workspaces").first().cloned().expect("row");
    let d = vm::decide(
        &a.program,
        "workspaces",
        Request::Read(&r),
        Some(&s),
        &a.data,
        Options::default(),
    );
    assert!(d.allowed, "bound from the claims");
}

#[test]
fn table_scan_alone_is_uncorrelated() {
    let mut a = app(&read_policy(
        "docs",
        r#"{"type":"ExistsRel","rel":{"TableScan":{"table":"team_members"}}}"#,
    ));
    a.seed("docs", 1, &[("title", text("d"))]);
    assert!(!a.read("docs", 1, "alice"), "no team_members rows");
    a.seed(
        "team_members",
        2,
        &[("teamId", Val::Uuid(id(9))), ("userId", text("z"))],
    );
    assert!(a.read("docs", 1, "alice"));
    // Unknown tables scan nothing.
    let mut b = app(&read_policy(
        "docs",
        r#"{"type":"ExistsRel","rel":{"TableScan":{"table":"nope"}}}"#,
    ));
    b.seed("docs", 1, &[("title", text("d"))]);
    assert!(!b.read("docs", 1, "alice"));
}

#[test]
fn filter_predicates_in_contains_null_not_or() {
    let rel = |p: &str| {
        format!(
            r#"{{"type":"ExistsRel","rel":{{"Filter":{{"input":{{"TableScan":{{"table":"docs"}}}},"predicate":{{"And":[{{"Cmp":{{"left":{{"column":"id"}},"op":"Eq","right":{{"RowId":"Outer"}}}}}},{p}]}}}}}}}}"#
        )
    };
    let cases: [(&str, bool); 8] = [
        (
            r#"{"In":{"left":{"column":"title"},"values":[{"Literal":{"type":"Text","value":"a"}},{"SessionRef":["user_id"]}]}}"#,
            true,
        ),
        (
            r#"{"In":{"left":{"column":"title"},"values":[{"Literal":{"type":"Text","value":"b"}}]}}"#,
            false,
        ),
        (
            r#"{"Contains":{"left":{"column":"tags"},"right":{"Literal":{"type":"Text","value":"red"}}}}"#,
            true,
        ),
        (
            r#"{"Contains":{"left":{"column":"tags"},"right":{"Literal":{"type":"Text","value":"blue"}}}}"#,
            false,
        ),
        (r#"{"IsNull":{"column":{"column":"workspaceId"}}}"#, true),
        (
            r#"{"Not":{"IsNull":{"column":{"column":"workspaceId"}}}}"#,
            false,
        ),
        (
            r#"{"Or":["False",{"IsNotNull":{"column":{"column":"title"}}}]}"#,
            true,
        ),
        (
            r#"{"Cmp":{"left":{"column":"nope"},"op":"Ne","right":{"Literal":{"type":"Null"}}}}"#,
            false,
        ),
    ];
    for (p, expected) in cases {
        let mut a = app(&read_policy("docs", &rel(p)));
        a.seed(
            "docs",
            1,
            &[
                ("title", text("a")),
                ("tags", Val::Array(vec![text("red")])),
            ],
        );
        assert_eq!(a.read("docs", 1, "alice"), expected, "{p}");
    }
}

#[test]
fn left_join_binds_null_for_unmatched_rows() {
    // Docs whose workspace has no member at all.
    let rel = r#"{"type":"ExistsRel","rel":{"Filter":{"input":{"Join":{
      "left":{"TableScan":{"table":"docs"}},"right":{"TableScan":{"table":"members"}},
      "on":[{"left":{"scope":"docs","column":"workspaceId"},"right":{"scope":"__join_0","column":"workspaceId"}}],
      "join_kind":"Left"}},
      "predicate":{"And":[{"Cmp":{"left":{"scope":"docs","column":"id"},"op":"Eq","right":{"RowId":"Outer"}}},
                         {"IsNull":{"column":{"scope":"__join_0","column":"userId"}}}]}}}}"#;
    let mut a = app(&read_policy("docs", rel));
    seed_workspaces(&mut a);
    a.seed(
        "docs",
        5,
        &[("title", text("in w1")), ("workspaceId", Val::Uuid(id(1)))],
    );
    a.seed(
        "docs",
        6,
        &[("title", text("in w2")), ("workspaceId", Val::Uuid(id(2)))],
    );
    assert!(!a.read("docs", 5, "alice"), "w1 has members");
    assert!(
        a.read("docs", 6, "alice"),
        "w2 has none: the left join yields a NULL member"
    );
}

/// `hopTo`-shaped: members of the session user, hopped to their workspace, projected to id.
const HOP: &str = r#"{"Project":{"input":{"Join":{
  "left":{"Filter":{"input":{"TableScan":{"table":"members"}},"predicate":{"Cmp":{"left":{"column":"userId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}}},
  "right":{"TableScan":{"table":"workspaces"}},
  "on":[{"left":{"scope":"members","column":"workspaceId"},"right":{"scope":"__hop_0","column":"id"}}],
  "join_kind":"Inner"}},
  "columns":[{"alias":"id","expr":{"Column":{"scope":"__hop_0","column":"id"}}}]}}"#;

#[test]
fn project_exposes_aliases_and_the_hop_target() {
    let rel = format!(
        r#"{{"type":"ExistsRel","rel":{{"Filter":{{"input":{HOP},"predicate":{{"Cmp":{{"left":{{"column":"id"}},"op":"Eq","right":{{"RowId":"Outer"}}}}}}}}}}}}"#
    );
    let mut a = app(&read_policy("workspaces", &rel));
    seed_workspaces(&mut a);
    assert!(a.read("workspaces", 1, "alice"));
    assert!(!a.read("workspaces", 2, "alice"));
    assert!(!a.read("workspaces", 1, "bob"));
}

#[test]
fn union_of_branches() {
    let owner = r#"{"Filter":{"input":{"TableScan":{"table":"workspaces"}},"predicate":{"And":[{"Cmp":{"left":{"column":"id"},"op":"Eq","right":{"RowId":"Outer"}}},{"Cmp":{"left":{"column":"ownerId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}]}}}"#;
    let member = format!(
        r#"{{"Filter":{{"input":{HOP},"predicate":{{"Cmp":{{"left":{{"column":"id"}},"op":"Eq","right":{{"RowId":"Outer"}}}}}}}}}}"#
    );
    let rel =
        format!(r#"{{"type":"ExistsRel","rel":{{"Union":{{"inputs":[{owner},{member}]}}}}}}"#);
    let mut a = app(&read_policy("workspaces", &rel));
    seed_workspaces(&mut a);
    assert!(a.read("workspaces", 2, "o"), "owner branch");
    assert!(a.read("workspaces", 1, "alice"), "member branch");
    assert!(!a.read("workspaces", 2, "alice"));
}

/// Teams readable by members of the team or of any ancestor team, `depth` steps up.
fn gather_policy(depth: u32) -> String {
    let seed = r#"{"Filter":{"input":{"TableScan":{"table":"teams"}},"predicate":{"Cmp":{"left":{"column":"id"},"op":"Eq","right":{"RowId":"Outer"}}}}}"#;
    let step = r#"{"Project":{"input":{"Join":{
      "left":{"Filter":{"input":{"TableScan":{"table":"teams"}},"predicate":{"Cmp":{"left":{"column":"id"},"op":"Eq","right":{"RowId":"Frontier"}}}}},
      "right":{"TableScan":{"table":"teams"}},
      "on":[{"left":{"scope":"teams","column":"parentId"},"right":{"scope":"__recursive_hop_0","column":"id"}}],
      "join_kind":"Inner"}},
      "columns":[{"alias":"id","expr":{"Column":{"scope":"__recursive_hop_0","column":"id"}}}]}}"#;
    let rel = format!(
        r#"{{"Filter":{{"input":{{"Join":{{
          "left":{{"Gather":{{"seed":{seed},"step":{step},"frontier_key":{{"RowId":"Current"}},"max_depth":{depth},"dedupe_key":[{{"RowId":"Current"}}]}}}},
          "right":{{"TableScan":{{"table":"team_members"}}}},
          "on":[{{"left":{{"scope":"teams","column":"id"}},"right":{{"scope":"__recursive_join_0","column":"teamId"}}}}],
          "join_kind":"Inner"}}}},
          "predicate":{{"Cmp":{{"left":{{"scope":"__recursive_join_0","column":"userId"}},"op":"Eq","right":{{"SessionRef":["user_id"]}}}}}}}}}}"#
    );
    read_policy("teams", &format!(r#"{{"type":"ExistsRel","rel":{rel}}}"#))
}

fn seed_teams(a: &mut App) {
    // t1 <- t2 <- t3 (parents), and a cycle t4 <-> t5.
    a.seed("teams", 1, &[("name", text("root"))]);
    a.seed(
        "teams",
        2,
        &[("name", text("mid")), ("parentId", Val::Uuid(id(1)))],
    );
    a.seed(
        "teams",
        3,
        &[("name", text("leaf")), ("parentId", Val::Uuid(id(2)))],
    );
    a.seed(
        "teams",
        4,
        &[("name", text("c1")), ("parentId", Val::Uuid(id(5)))],
    );
    a.seed(
        "teams",
        5,
        &[("name", text("c2")), ("parentId", Val::Uuid(id(4)))],
    );
    a.seed(
        "team_members",
        20,
        &[("teamId", Val::Uuid(id(1))), ("userId", text("alice"))],
    );
    a.seed(
        "team_members",
        21,
        &[("teamId", Val::Uuid(id(5))), ("userId", text("dave"))],
    );
}

#[test]
fn gather_walks_ancestors_up_to_max_depth() {
    let mut a = app(&gather_policy(2));
    seed_teams(&mut a);
    assert!(a.read("teams", 1, "alice"), "seed itself");
    assert!(a.read("teams", 3, "alice"), "two steps up");
    assert!(!a.read("teams", 3, "bob"));
    let mut shallow = app(&gather_policy(1));
    seed_teams(&mut shallow);
    assert!(shallow.read("teams", 2, "alice"), "one step");
    assert!(
        !shallow.read("teams", 3, "alice"),
        "t1 is two steps from t3"
    );
}

#[test]
fn gather_terminates_on_cycles_and_rejects_bad_depths() {
    let mut a = app(&gather_policy(64));
    seed_teams(&mut a);
    assert!(a.read("teams", 4, "dave"), "through the cycle to t5");
    assert!(
        !a.read("teams", 4, "alice"),
        "the cycle never reaches t1: dedupe stops it"
    );
    for bad in [0, 65] {
        let mut b = app(&gather_policy(bad));
        seed_teams(&mut b);
        assert!(
            !b.read("teams", 1, "alice"),
            "max_depth {bad} yields no rows"
        );
    }
}

#[test]
fn distinct_order_by_offset_limit() {
    let members = r#"{"TableScan":{"table":"members"}}"#;
    let cases: Vec<(String, bool)> = vec![
        (
            format!(r#"{{"Offset":{{"input":{members},"offset":1}}}}"#),
            true,
        ),
        (
            format!(r#"{{"Offset":{{"input":{members},"offset":2}}}}"#),
            false,
        ),
        (
            format!(r#"{{"Limit":{{"input":{members},"limit":0}}}}"#),
            false,
        ),
        (
            format!(r#"{{"Limit":{{"input":{members},"limit":1}}}}"#),
            true,
        ),
        (
            format!(
                r#"{{"Offset":{{"input":{{"Distinct":{{"input":{members},"key":[{{"Column":{{"column":"workspaceId"}}}}]}}}},"offset":1}}}}"#
            ),
            false,
        ),
        (
            format!(
                r#"{{"Offset":{{"input":{{"Distinct":{{"input":{members},"key":[{{"Column":{{"column":"role"}}}}]}}}},"offset":1}}}}"#
            ),
            true,
        ),
        // The first member by role descending is the reader.
        (
            format!(
                r#"{{"Filter":{{"input":{{"Limit":{{"input":{{"OrderBy":{{"input":{members},"terms":[{{"column":{{"column":"role"}},"direction":"Desc"}}]}}}},"limit":1}}}},"predicate":{{"Cmp":{{"left":{{"column":"role"}},"op":"Eq","right":{{"Literal":{{"type":"Text","value":"reader"}}}}}}}}}}}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"Filter":{{"input":{{"Limit":{{"input":{{"OrderBy":{{"input":{members},"terms":[{{"column":{{"column":"role"}},"direction":"Asc"}}]}}}},"limit":1}}}},"predicate":{{"Cmp":{{"left":{{"column":"role"}},"op":"Eq","right":{{"Literal":{{"type":"Text","value":"reader"}}}}}}}}}}}}"#
            ),
            false,
        ),
    ];
    for (rel, expected) in cases {
        let mut a = app(&read_policy(
            "docs",
            &format!(r#"{{"type":"ExistsRel","rel":{rel}}}"#),
        ));
        seed_workspaces(&mut a);
        a.seed("docs", 1, &[("title", text("d"))]);
        assert_eq!(a.read("docs", 1, "alice"), expected, "{rel}");
    }
}

#[test]
fn write_clauses_reaching_other_tables_apply_their_read_policy() {
    // docs insert: some membership row of the session user exists (output table: members).
    let rel = r#"{"type":"ExistsRel","rel":{"Filter":{"input":{"TableScan":{"table":"members"}},"predicate":{"Cmp":{"left":{"column":"userId"},"op":"Eq","right":{"SessionRef":["user_id"]}}}}}}"#;
    let docs = format!(
        r#""docs":{{"select":{{"using":{rel}}},"insert":{{"with_check":{rel}}},"update":{{}},"delete":{{}}}}"#
    );
    let members_read = r#""members":{"select":{"using":{"type":"Cmp","column":"role","op":"Eq","value":{"type":"Literal","value":{"type":"Text","value":"admin"}}}},"insert":{},"update":{},"delete":{}}"#;
    let mut without = app(&format!("{{{docs}}}"));
    seed_workspaces(&mut without);
    let d = without.row("docs", 7, &[("title", text("new"))]);
    without.data.insert("docs", d.clone());
    assert!(without.read("docs", 7, "alice"), "reads are structural");
    let ins = without.decide_with("docs", Request::Insert(&d), "alice", Options::default());
    assert!(
        !ins.allowed,
        "members has no read policy: no rows for a write clause"
    );
    let mut with = app(&format!("{{{docs},{members_read}}}"));
    seed_workspaces(&mut with);
    let ins = with.decide_with("docs", Request::Insert(&d), "alice", Options::default());
    assert!(
        ins.allowed,
        "alice's membership row is readable (role admin)"
    );
    let ins = with.decide_with("docs", Request::Insert(&d), "carol", Options::default());
    assert!(
        !ins.allowed,
        "carol's row (reader) fails members' read policy"
    );
}

#[test]
fn budget_exhaustion_in_a_relation_denies() {
    let mut a = app(&gather_policy(64));
    seed_teams(&mut a);
    let r = a
        .data
        .rows("teams")
        .iter()
        .find(|r| r.id == id(3))
        .cloned()
        .expect("row");
    let opts = Options {
        limits: Limits {
            max_steps: 3,
            ..Limits::default()
        },
        ..Options::default()
    };
    let d = a.decide_with("teams", Request::Read(&r), "alice", opts);
    assert!(!d.allowed);
    assert_eq!(d.reason, Reason::BudgetExceeded);
}

#[test]
fn malformed_relations_are_rejected() {
    for bad in [
        r#"{"type":"ExistsRel","rel":{"Bogus":{}}}"#,
        r#"{"type":"ExistsRel","rel":{"Join":{"left":{"TableScan":{"table":"a"}},"right":{"TableScan":{"table":"b"}},"on":[],"join_kind":"Outer"}}}"#,
        r#"{"type":"ExistsRel","rel":{"Filter":{"input":{"TableScan":{"table":"a"}},"predicate":{"Like":{}}}}}"#,
        r#"{"type":"ExistsRel","rel":{"Limit":{"input":{"TableScan":{"table":"a"}},"limit":-1}}}"#,
    ] {
        let json = parse_json(bad).expect("json");
        assert!(parse::expr(&json).is_err(), "{bad}");
    }
    // Bytecode carrying a malformed relation (not through parse.rs) does not verify.
    let schema = schema();
    let policy = Policy {
        tables: vec![TablePolicy {
            name: "docs".into(),
            slots: [
                Some(Expr::ExistsRel {
                    rel: parse_json(r#"{"TableScan":{}}"#).expect("json"),
                }),
                None,
                None,
                None,
                None,
            ],
            rules: Vec::new(),
        }],
        ..Policy::default()
    };
    let bytes = bytecode::encode(&policy, &schema);
    assert!(Program::load(&bytes).is_err());
}
