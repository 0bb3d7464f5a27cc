//! The policy benchmark scenarios, compiled from source through the real
//! pipeline: S1 ownership, S2 3-level inherits (comments → tasks → projects → workspaces), S3
//! an exists-based role check over a membership table. Shared by the criterion bench and the
//! Cedar comparison crate (`bench/cedar`), so both time the same decisions.

use std::path::Path;

use jazz_schema_compiler::policy::bytecode;
use jazz_schema_compiler::policy::vm::{MemoryData, Program, Row, Session, Val};
use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::source::MemoryLoader;

/// A compiled scenario: the program, the store, the row to decide on, and the allowed and
/// denied sessions.
pub struct Scenario {
    pub table: &'static str,
    pub program: Program,
    pub data: MemoryData,
    pub row: Row,
    pub allow: Session,
    pub deny: Session,
}

const HEAD: &str = "import { schema as s } from \"jazz-tools\";\n";
const PERMS_HEAD: &str =
    "import { schema as s } from \"jazz-tools\";\nimport { app } from \"./schema\";\n";

fn compile(schema: &str, perms: &str) -> (Program, jazz_schema_compiler::schema::WasmSchema) {
    let loader = MemoryLoader::new()
        .with("/app/schema.ts", format!("{HEAD}{schema}"))
        .with("/app/permissions.ts", format!("{PERMS_HEAD}{perms}"));
    let a = analyze(
        &loader,
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let (Some(schema), Some(policy)) = (a.schema, a.permissions.and_then(|p| p.policy)) else {
        panic!("benchmark scenario does not compile: {:?}", a.diagnostics);
    };
    let bytes = bytecode::encode(&policy, &schema);
    (Program::load(&bytes).expect("verifies"), (*schema).clone())
}

/// A deterministic id.
pub fn id(n: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[12..].copy_from_slice(&n.to_be_bytes());
    b[6] = 0x40;
    b[8] = 0x80;
    b
}

fn row(n: u32, values: Vec<Val>) -> Row {
    Row {
        id: id(n),
        values,
        created_by: "jazz:system".into(),
        created_at: 0,
        updated_by: "jazz:system".into(),
        updated_at: 0,
    }
}

/// S1: `todos.allowRead.where({ ownerId: session.user_id })`, one row owned by alice.
pub fn s1() -> Scenario {
    let (program, _) = compile(
        "export const app = s.defineApp({ todos: s.table({ title: s.string(), ownerId: s.string() }) });\n",
        "export default s.definePermissions(app, ({ policy, session }) => {\n  policy.todos.allowRead.where({ ownerId: session.user_id });\n});\n",
    );
    let r = row(
        1,
        vec![Val::Text("Buy milk".into()), Val::Text("alice".into())],
    );
    let mut data = MemoryData::new();
    data.insert("todos", r.clone());
    Scenario {
        table: "todos",
        program,
        data,
        row: r,
        allow: Session::new("alice"),
        deny: Session::new("bob"),
    }
}

/// S2: a comment readable through task → project → workspace, whose owner is alice.
pub fn s2() -> Scenario {
    let (program, _) = compile(
        "export const app = s.defineApp({\n  workspaces: s.table({ name: s.string(), ownerId: s.string() }),\n  projects: s.table({ name: s.string(), workspaceId: s.ref(\"workspaces\") }),\n  tasks: s.table({ title: s.string(), projectId: s.ref(\"projects\") }),\n  comments: s.table({ body: s.string(), taskId: s.ref(\"tasks\") }),\n});\n",
        "export default s.definePermissions(app, ({ policy, session, allowedTo }) => {\n  policy.workspaces.allowRead.where({ ownerId: session.user_id });\n  policy.projects.allowRead.where(allowedTo.read(\"workspace\"));\n  policy.tasks.allowRead.where(allowedTo.read(\"project\"));\n  policy.comments.allowRead.where(allowedTo.read(\"task\"));\n});\n",
    );
    let mut data = MemoryData::new();
    data.insert(
        "workspaces",
        row(1, vec![Val::Text("Acme".into()), Val::Text("alice".into())]),
    );
    data.insert(
        "projects",
        row(2, vec![Val::Text("P".into()), Val::Uuid(id(1))]),
    );
    data.insert(
        "tasks",
        row(3, vec![Val::Text("T".into()), Val::Uuid(id(2))]),
    );
    let c = row(4, vec![Val::Text("hi".into()), Val::Uuid(id(3))]);
    data.insert("comments", c.clone());
    Scenario {
        table: "comments",
        program,
        data,
        row: c,
        allow: Session::new("alice"),
        deny: Session::new("bob"),
    }
}

/// S3: documents readable by workspace admins (`exists.where` over 20 memberships).
pub fn s3() -> Scenario {
    let (program, _) = compile(
        "export const app = s.defineApp({\n  documents: s.table({ title: s.string(), workspaceId: s.string() }),\n  members: s.table({ workspaceId: s.string(), userId: s.string(), role: s.enum(\"reader\", \"admin\") }),\n});\n",
        "export default s.definePermissions(app, ({ policy, session }) => {\n  policy.documents.allowRead.where((d) => policy.members.exists.where({ workspaceId: d.workspaceId, userId: session.user_id, role: \"admin\" }));\n});\n",
    );
    let mut data = MemoryData::new();
    for i in 0..20u32 {
        let (user, role) = if i == 19 {
            ("alice".to_owned(), "admin")
        } else {
            (
                format!("user{i}"),
                if i % 3 == 0 { "admin" } else { "reader" },
            )
        };
        data.insert(
            "members",
            row(
                100 + i,
                vec![
                    Val::Text("w1".into()),
                    Val::Text(user),
                    Val::Text(role.into()),
                ],
            ),
        );
    }
    let d = row(1, vec![Val::Text("Plan".into()), Val::Text("w1".into())]);
    data.insert("documents", d.clone());
    Scenario {
        table: "documents",
        program,
        data,
        row: d,
        allow: Session::new("alice"),
        deny: Session::new("bob"),
    }
}
