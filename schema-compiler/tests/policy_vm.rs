//! VM semantics: each rule of the evaluation section on small apps
//! compiled from source, plus verifier robustness on damaged bytecode.

use std::path::Path;

use jazz_schema_compiler::policy::bytecode;
use jazz_schema_compiler::policy::vm::{
    self, AuthMode, MemoryData, Options, Program, Reason, Request, Row, Session, Val,
};
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::parse as parse_json;
use jazz_schema_compiler::source::MemoryLoader;

struct App {
    program: Program,
    schema: std::sync::Arc<WasmSchema>,
    data: MemoryData,
}

fn app(schema_ts: &str, perms_ts: &str) -> App {
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", schema_ts)
        .with("/app/permissions.ts", perms_ts);
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let errors: Vec<_> = a.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let policy = a.permissions.and_then(|p| p.policy).expect("policy");
    let schema = a.schema.expect("schema");
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

impl App {
    fn row(&self, table: &str, n: u8, cols: &[(&str, Val)], by: &str) -> Row {
        let t = self.schema.table(table).expect("table");
        let values = t
            .columns
            .iter()
            .map(|c| {
                cols.iter()
                    .find(|(k, _)| *k == c.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Val::Null)
            })
            .collect();
        Row {
            id: id(n),
            values,
            created_by: by.into(),
            created_at: 1,
            updated_by: by.into(),
            updated_at: 1,
        }
    }

    fn seed(&mut self, table: &str, n: u8, cols: &[(&str, Val)], by: &str) {
        let r = self.row(table, n, cols, by);
        self.data.insert(table, r);
    }

    fn decide(&self, table: &str, req: Request<'_>, s: Option<&Session>) -> vm::Decision {
        vm::decide(&self.program, table, req, s, &self.data, Options::default())
    }

    fn read(&self, table: &str, n: u8, s: &Session) -> bool {
        let r = self
            .data
            .rows(table)
            .iter()
            .find(|r| r.id == id(n))
            .expect("seeded");
        self.decide(table, Request::Read(r), Some(s)).allowed
    }
}

const TODOS: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({ todos: s.table({ title: s.string(), ownerId: s.string().optional() }) });"#;

fn user(u: &str) -> Session {
    Session::new(u)
}

#[test]
fn ownership_no_session_anonymous_and_absent_slots() {
    let mut a = app(
        TODOS,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.todos.allowRead.where({ ownerId: session.user_id });
});"#,
    );
    a.seed(
        "todos",
        1,
        &[
            ("title", Val::Text("t".into())),
            ("ownerId", Val::Text("alice".into())),
        ],
        "x",
    );
    assert!(a.read("todos", 1, &user("alice")));
    assert!(!a.read("todos", 1, &user("bob")));
    let r = a.row("todos", 2, &[("title", Val::Text("n".into()))], "alice");
    // No session: not evaluated.
    assert!(a.decide("todos", Request::Insert(&r), None).allowed);
    // Enforcing: the absent insert slot denies.
    let d = a.decide("todos", Request::Insert(&r), Some(&user("alice")));
    assert_eq!(
        d.reason,
        Reason::AbsentSlot(jazz_schema_compiler::policy::ir::Slot::InsertCheck)
    );
    // Anonymous writes are denied before policies.
    let mut anon = user("anon");
    anon.auth_mode = AuthMode::Anonymous;
    let d = a.decide("todos", Request::Insert(&r), Some(&anon));
    assert_eq!(d.reason, Reason::AnonymousWrite);
    assert_eq!(
        d.denial_text("INSERT", "todos").as_deref(),
        Some("anonymous session cannot INSERT on table todos")
    );
    // Permissive: allowed.
    let opts = Options {
        permissive: true,
        ..Options::default()
    };
    assert!(
        vm::decide(
            &a.program,
            "todos",
            Request::Insert(&r),
            Some(&user("x")),
            &a.data,
            opts
        )
        .allowed
    );
}

#[test]
fn null_column_and_absent_session_paths_fail_closed() {
    let mut a = app(
        TODOS,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.todos.allowRead.where({ ownerId: session["claims.owner"] });
});"#,
    );
    a.seed("todos", 1, &[("title", Val::Text("t".into()))], "x");
    // Column is NULL, claim missing: Cmp needs both to resolve.
    assert!(!a.read("todos", 1, &user("u")));
    let mut s = user("u");
    s.claims = parse_json(r#"{"owner": null}"#).expect("json");
    // NULL = NULL is true under strict equality.
    assert!(a.read("todos", 1, &s));
    s.claims = parse_json(r#"{"owner": 1.5}"#).expect("json");
    assert!(!a.read("todos", 1, &s), "floats never resolve");
}

#[test]
fn delete_falls_back_to_update_using_and_update_is_two_phase() {
    let mut a = app(
        TODOS,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.todos.allowUpdate.whereOld({ ownerId: session.user_id }).whereNew({ title: { ne: "" } });
});"#,
    );
    a.seed(
        "todos",
        1,
        &[
            ("title", Val::Text("t".into())),
            ("ownerId", Val::Text("alice".into())),
        ],
        "x",
    );
    let old = a.data.rows("todos")[0].clone();
    assert!(
        a.decide("todos", Request::Delete(&old), Some(&user("alice")))
            .allowed,
        "delete → update.using"
    );
    assert!(
        !a.decide("todos", Request::Delete(&old), Some(&user("bob")))
            .allowed
    );
    let mut new = old.clone();
    new.values[1] = Val::Text("bob".into());
    assert!(
        a.decide(
            "todos",
            Request::Update {
                old: &old,
                new: &new
            },
            Some(&user("alice"))
        )
        .allowed,
        "transfer allowed with whereNew"
    );
    new.values[0] = Val::Text(String::new());
    assert!(
        !a.decide(
            "todos",
            Request::Update {
                old: &old,
                new: &new
            },
            Some(&user("alice"))
        )
        .allowed
    );
}

const TREE: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  folders: s.table({ name: s.string(), ownerId: s.string(), parentId: s.ref("folders").optional() }),
  files: s.table({ name: s.string(), folderId: s.ref("folders").optional() }),
});"#;

#[test]
fn inherits_null_fk_depth_and_cycles() {
    let mut a = app(
        TREE,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session, anyOf, allowedTo }) => {
  policy.folders.allowRead.where(anyOf([{ ownerId: session.user_id }, allowedTo.read("parent", { maxDepth: 2 })]));
  policy.files.allowRead.where(allowedTo.read("folder"));
});"#,
    );
    // f1 (alice) ← f2 ← f3 ← f4 ; file 10 in f2, file 11 with NULL folder.
    a.seed(
        "folders",
        1,
        &[
            ("name", Val::Text("root".into())),
            ("ownerId", Val::Text("alice".into())),
        ],
        "x",
    );
    a.seed(
        "folders",
        2,
        &[
            ("name", Val::Text("a".into())),
            ("ownerId", Val::Text("z".into())),
            ("parentId", Val::Uuid(id(1))),
        ],
        "x",
    );
    a.seed(
        "folders",
        3,
        &[
            ("name", Val::Text("b".into())),
            ("ownerId", Val::Text("z".into())),
            ("parentId", Val::Uuid(id(2))),
        ],
        "x",
    );
    a.seed(
        "folders",
        4,
        &[
            ("name", Val::Text("c".into())),
            ("ownerId", Val::Text("z".into())),
            ("parentId", Val::Uuid(id(3))),
        ],
        "x",
    );
    a.seed(
        "files",
        10,
        &[
            ("name", Val::Text("doc".into())),
            ("folderId", Val::Uuid(id(2))),
        ],
        "x",
    );
    a.seed("files", 11, &[("name", Val::Text("loose".into()))], "x");
    let alice = user("alice");
    assert!(a.read("folders", 2, &alice));
    assert!(a.read("folders", 3, &alice), "two hops within maxDepth 2");
    assert!(
        !a.read("folders", 4, &alice),
        "three hops exceed maxDepth 2"
    );
    assert!(a.read("files", 10, &alice));
    assert!(!a.read("files", 10, &user("bob")));
    // NULL FK passes (upstream D3, JZ2330 warns statically).
    assert!(a.read("files", 11, &user("bob")));
    // A row cycle fails closed instead of looping.
    let mut c = app(
        TREE,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, allowedTo }) => {
  policy.folders.allowRead.where(allowedTo.read("parentId"));
});"#,
    );
    c.seed(
        "folders",
        1,
        &[
            ("name", Val::Text("x".into())),
            ("ownerId", Val::Text("z".into())),
            ("parentId", Val::Uuid(id(2))),
        ],
        "x",
    );
    c.seed(
        "folders",
        2,
        &[
            ("name", Val::Text("y".into())),
            ("ownerId", Val::Text("z".into())),
            ("parentId", Val::Uuid(id(1))),
        ],
        "x",
    );
    assert!(!c.read("folders", 1, &alice));
}

#[test]
fn exists_binds_the_outer_row_and_scans_structurally() {
    let mut a = app(
        r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  docs: s.table({ title: s.string() }),
  shares: s.table({ docId: s.ref("docs"), userId: s.string() }),
});"#,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.docs.allowRead.where((d) => policy.shares.exists.where({ docId: d.id, userId: session.user_id }));
});"#,
    );
    a.seed("docs", 1, &[("title", Val::Text("a".into()))], "x");
    a.seed("docs", 2, &[("title", Val::Text("b".into()))], "x");
    a.seed(
        "shares",
        9,
        &[
            ("docId", Val::Uuid(id(1))),
            ("userId", Val::Text("bob".into())),
        ],
        "x",
    );
    assert!(a.read("docs", 1, &user("bob")));
    assert!(!a.read("docs", 2, &user("bob")));
    assert!(!a.read("docs", 1, &user("carol")));
}

#[test]
fn inherits_referencing_and_session_where() {
    let mut a = app(
        r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  projects: s.table({ name: s.string() }),
  members: s.table({ projectId: s.ref("projects"), userId: s.string() }),
});"#,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session, anyOf, allowedTo }) => {
  policy.members.allowRead.where({ userId: session.user_id });
  policy.projects.allowRead.where(anyOf([
    allowedTo.readReferencing(policy.members, "project"),
    session.where({ "claims.role": { in: ["admin", "staff"] } }),
  ]));
});"#,
    );
    a.seed("projects", 1, &[("name", Val::Text("p".into()))], "x");
    a.seed(
        "members",
        5,
        &[
            ("projectId", Val::Uuid(id(1))),
            ("userId", Val::Text("bob".into())),
        ],
        "x",
    );
    assert!(a.read("projects", 1, &user("bob")));
    assert!(!a.read("projects", 1, &user("eve")));
    let mut staff = user("eve");
    staff.claims = parse_json(r#"{"role": "staff"}"#).expect("json");
    assert!(a.read("projects", 1, &staff));
}

#[test]
fn budget_exhaustion_denies() {
    let mut a = app(
        TODOS,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy }) => {
  policy.todos.allowRead.where(() => policy.todos.exists.where({ title: { lt: "" } }));
});"#,
    );
    for n in 0..50 {
        a.seed("todos", n, &[("title", Val::Text(format!("t{n}")))], "x");
    }
    let r = a.data.rows("todos")[0].clone();
    let opts = Options {
        limits: vm::Limits {
            max_steps: 10,
            max_call_depth: 64,
        },
        ..Options::default()
    };
    let d = vm::decide(
        &a.program,
        "todos",
        Request::Read(&r),
        Some(&user("u")),
        &a.data,
        opts,
    );
    assert_eq!(d.reason, Reason::BudgetExceeded);
}

#[test]
fn damaged_bytecode_is_rejected_never_panics() {
    let a = app(
        TREE,
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session, anyOf, allowedTo }) => {
  policy.folders.allowRead.where(anyOf([{ ownerId: session.user_id }, allowedTo.read("parent")]));
  policy.files.allowRead.where((f) => policy.folders.exists.where({ id: f.folderId, name: { in: ["a", "b"] } }));
});"#,
    );
    let _ = a;
    let loader = MemoryLoader::new().with("/app/schema.ts", TREE).with(
        "/app/permissions.ts",
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => { policy.folders.allowRead.where({ ownerId: session.user_id }); });"#,
    );
    let an = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let bytes = bytecode::encode(
        an.permissions
            .as_ref()
            .and_then(|p| p.policy.as_ref())
            .expect("policy"),
        an.schema.as_deref().expect("schema"),
    );
    assert!(bytecode::Bundle::load(&bytes).is_ok());
    for cut in 0..bytes.len() {
        assert!(
            bytecode::Bundle::load(&bytes[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    let mut x: u32 = 0x9e37_79b9;
    for i in 0..bytes.len() * 8 {
        let mut b = bytes.clone();
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let pos = (x as usize) % b.len();
        b[pos] ^= 1 << (i % 8);
        if let Ok(p) = Program::load(&b) {
            let s = user("u");
            let data = MemoryData::new();
            let row = Row {
                id: id(1),
                values: vec![Val::Null; 3],
                created_by: String::new(),
                created_at: 0,
                updated_by: String::new(),
                updated_at: 0,
            };
            let _ = vm::decide(
                &p,
                "folders",
                Request::Read(&row),
                Some(&s),
                &data,
                Options::default(),
            );
            let _ = bytecode::disassemble(&b);
        }
    }
    let mut wrong = bytes.clone();
    wrong[4] = 9;
    assert!(matches!(
        bytecode::Bundle::load(&wrong),
        Err(bytecode::LoadError::Version(_))
    ));
}

#[test]
fn debug_section_records_rule_spans_and_strips_without_changing_the_hash() {
    let loader = MemoryLoader::new().with("/app/schema.ts", TODOS).with(
        "/app/permissions.ts",
        r#"import { schema as s } from "jazz-tools"; import { app } from "./schema";
export default s.definePermissions(app, ({ policy, session }) => {
  policy.todos.allowRead.where({ ownerId: session.user_id });
  policy.todos.allowUpdate.where({ ownerId: session.user_id });
});"#,
    );
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let policy = a.permissions.and_then(|p| p.policy).expect("policy");
    let schema = a.schema.expect("schema");
    let with = bytecode::encode_with_debug(&policy, &schema, &|_| Some("permissions.ts".into()));
    let without = bytecode::encode(&policy, &schema);
    assert_ne!(with, without);
    assert_eq!(
        bytecode::strip(&with),
        without,
        "stripping gives the JSON-compiled form"
    );
    assert_eq!(
        bytecode::content_hash(&with),
        bytecode::content_hash(&without)
    );
    let b = Program::load(&with).expect("verifies").bundle;
    assert_eq!(b.debug.len(), 2);
    let read = b.debug.first().expect("rule");
    assert_eq!(read.path, "permissions.ts");
    assert_eq!(read.slots, 1, "select.using only");
    assert!(read.start < read.end);
    assert_eq!(
        b.debug.get(1).map(|r| r.slots),
        Some(0b1100),
        "both update slots"
    );
    let listing = bytecode::disassemble(&with).expect("disassembles");
    assert!(listing.contains("; debug   2 rule span(s)"), "{listing}");
    assert!(
        listing.contains(&format!(
            "  ; rule 0 permissions.ts:{}..{} (select.using)",
            read.start, read.end
        )),
        "{listing}"
    );
    assert!(
        listing.contains("(update.using, update.with_check)"),
        "{listing}"
    );
    assert!(
        !bytecode::disassemble(&without)
            .expect("ok")
            .contains("; rule")
    );
    // A trailer that overruns, or a damaged rule, is a verification error.
    let mut bad = with.clone();
    let n = bad.len();
    bad[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(Program::load(&bad).is_err());
    // The section starts where the unstripped body ends; its first rule's table index follows
    // the rule count.
    let mut bad = with.clone();
    bad[without.len()] = 0xff;
    assert!(Program::load(&bad).is_err());
}
