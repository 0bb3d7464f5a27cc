//! Fuzz target: arbitrary bytes as policy JSON. When the reader accepts
//! them, the policy is encoded against a small fixed schema, loaded and verified, and decided
//! (read, update, delete) on a small fixed dataset. The encoder MUST produce bytecode its own
//! loader accepts, and nothing may panic.

#![no_main]

use std::sync::OnceLock;

use jazz_schema_compiler::policy::vm::{
    self, MemoryData, Options, Program, Request, Row, Session, Val,
};
use jazz_schema_compiler::policy::{bytecode, parse};
use jazz_schema_compiler::schema::json;
use jazz_schema_compiler::schema::{Column, ColumnType, Table, WasmSchema};
use libfuzzer_sys::fuzz_target;

fn uuid(n: u8) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[6] = 0x40;
    b[8] = 0x80;
    b[15] = n;
    b
}

fn column(name: &str, t: ColumnType, references: Option<&str>) -> Column {
    let mut c = Column::new(name, t);
    c.nullable = references.is_some();
    c.references = references.map(str::to_owned);
    c
}

/// `folders` (self-referencing tree), `docs` (FK to folders, `UUID[]` FK to folders),
/// `members` (FK to docs): enough for exists, inherits, referencing and relations.
fn schema() -> WasmSchema {
    let table = |name: &str, columns: Vec<Column>| Table {
        name: name.into(),
        columns,
        indexed_columns: None,
    };
    WasmSchema {
        tables: vec![
            table(
                "folders",
                vec![
                    column("name", ColumnType::Text, None),
                    column("ownerId", ColumnType::Text, None),
                    column("parentId", ColumnType::Uuid, Some("folders")),
                ],
            ),
            table(
                "docs",
                vec![
                    column("title", ColumnType::Text, None),
                    column("ownerId", ColumnType::Text, None),
                    column("rank", ColumnType::Integer, None),
                    column("tags", ColumnType::Array(Box::new(ColumnType::Text)), None),
                    column("folderId", ColumnType::Uuid, Some("folders")),
                    column(
                        "folderIds",
                        ColumnType::Array(Box::new(ColumnType::Uuid)),
                        Some("folders"),
                    ),
                ],
            ),
            table(
                "members",
                vec![
                    column("docId", ColumnType::Uuid, Some("docs")),
                    column("userId", ColumnType::Text, None),
                ],
            ),
        ],
    }
}

fn row(n: u8, values: Vec<Val>, by: &str) -> Row {
    Row {
        id: uuid(n),
        values,
        created_by: by.into(),
        created_at: 1,
        updated_by: by.into(),
        updated_at: 1,
    }
}

struct Fixture {
    schema: WasmSchema,
    data: MemoryData,
    session: Session,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let text = |s: &str| Val::Text(s.into());
        let mut data = MemoryData::new();
        // A two-folder cycle and a root.
        data.insert(
            "folders",
            row(1, vec![text("root"), text("u"), Val::Null], "u"),
        );
        data.insert(
            "folders",
            row(2, vec![text("a"), text("v"), Val::Uuid(uuid(3))], "v"),
        );
        data.insert(
            "folders",
            row(3, vec![text("b"), text("v"), Val::Uuid(uuid(2))], "v"),
        );
        data.insert(
            "docs",
            row(
                10,
                vec![
                    text("d"),
                    text("u"),
                    Val::Integer(3),
                    Val::Array(vec![text("x")]),
                    Val::Uuid(uuid(2)),
                    Val::Array(vec![Val::Uuid(uuid(1)), Val::Uuid(uuid(3))]),
                ],
                "u",
            ),
        );
        data.insert(
            "docs",
            row(
                11,
                vec![
                    Val::Null,
                    Val::Null,
                    Val::Null,
                    Val::Null,
                    Val::Null,
                    Val::Null,
                ],
                "v",
            ),
        );
        data.insert(
            "members",
            row(20, vec![Val::Uuid(uuid(10)), text("u")], "u"),
        );
        let mut session = Session::new("u");
        session.claims = json::parse(r#"{"role":"admin","ids":["x",1],"n":null}"#)
            .unwrap_or(json::JsonValue::Object(Vec::new()));
        Fixture {
            schema: schema(),
            data,
            session,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = json::parse(text) else {
        return;
    };
    let Ok(policy) = parse::policy(&v) else {
        return;
    };
    let f = fixture();
    let bytes = bytecode::encode(&policy, &f.schema);
    let program = match Program::load(&bytes) {
        Ok(p) => p,
        Err(e) => panic!("the encoder's own output does not load: {e:?}"),
    };
    let _ = bytecode::disassemble(&bytes);
    let opts = Options::default();
    for table in ["folders", "docs", "members"] {
        let rows = f.data.rows(table);
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            continue;
        };
        let s = Some(&f.session);
        let _ = vm::decide(&program, table, Request::Read(first), s, &f.data, opts);
        let update = Request::Update {
            old: first,
            new: last,
        };
        let _ = vm::decide(&program, table, update, s, &f.data, opts);
        let _ = vm::decide(&program, table, Request::Delete(last), s, &f.data, opts);
    }
});
