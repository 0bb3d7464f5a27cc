//! Differential tests: the VM against the reference interpreter of
//! `policy_ref_interp/` on generated policies, rows and sessions — comparisons of every
//! operator and value variant, null and Absent handling, `In`/`Contains`/`InList`, session
//! leaves with claims, `And`/`Or`/`Not`, correlated `Exists`, `Inherits` and
//! `InheritsReferencing` through cycles and NULL FKs, read and delete decisions, the batch
//! read API, and the same decisions through a store without indexes; plus B12 (compiling the
//! IR and its JSON read back give the same bytes).

#[path = "support/schema_ts.rs"]
mod schema_ts;

mod policy_ref_interp;

use jazz_schema_compiler::policy::bytecode;
use jazz_schema_compiler::policy::ir::{
    CmpOp, Expr, Lit, OUTER_ROW, Operation, PValue, Policy, TablePolicy,
};
use jazz_schema_compiler::policy::vm::{
    self, AuthMode, DataAccess, DataError, MemoryData, Options, Program, Request, Row, Session, Val,
};
use jazz_schema_compiler::policy::{json, parse};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::parse as parse_json;
use policy_ref_interp::Reference;
use proptest::prelude::*;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  items: s.table({ title: s.string(), ownerId: s.string().optional(), n: s.int().optional(), tags: s.array(s.string()).optional(), parentId: s.ref("items").optional(), groupId: s.ref("groups").optional() }),
  groups: s.table({ name: s.string(), ownerId: s.string(), parentId: s.ref("groups").optional() }),
  grants: s.table({ groupId: s.ref("groups"), userId: s.string(), level: s.int() }),
});"#;

const ITEM_COLS: &[&str] = &["title", "ownerId", "n", "tags", "parentId", "groupId"];
const GROUP_COLS: &[&str] = &["name", "ownerId", "parentId"];
const GRANT_COLS: &[&str] = &["groupId", "userId", "level"];

fn schema() -> std::sync::Arc<WasmSchema> {
    schema_ts::schema_of(SCHEMA)
}

fn id(n: u8) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[15] = n;
    b[6] = 0x40;
    b[8] = 0x80;
    b
}

fn item_id(k: u8) -> [u8; 16] {
    id(10 + k)
}
fn group_id(k: u8) -> [u8; 16] {
    id(30 + k)
}

fn uuid_text(u: &[u8; 16], upper: bool) -> String {
    let s = vm::format_uuid(u);
    if upper { s.to_uppercase() } else { s }
}

fn lit() -> impl Strategy<Value = Lit> {
    prop_oneof![
        Just(Lit::Text("alice".into())),
        Just(Lit::Text("bob".into())),
        Just(Lit::Text("al".into())),
        Just(Lit::Text("".into())),
        Just(Lit::Integer(1)),
        Just(Lit::Integer(2)),
        Just(Lit::BigInt(1)),
        Just(Lit::Null),
        Just(Lit::Boolean(true)),
        Just(Lit::Double(1.0)),
        Just(Lit::Timestamp(1)),
        Just(Lit::Uuid(uuid_text(&group_id(0), false))),
        Just(Lit::Uuid(uuid_text(&item_id(1), true))),
        Just(Lit::Text(uuid_text(&group_id(1), true))),
        Just(Lit::Array(vec![Lit::Text("alice".into())])),
    ]
}

fn session_path() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just(vec!["user_id".to_owned()]),
        Just(vec!["userId".to_owned()]),
        Just(vec!["authMode".to_owned()]),
        Just(vec!["claims".to_owned(), "role".to_owned()]),
        Just(vec!["claims".to_owned(), "n".to_owned()]),
        Just(vec!["claims".to_owned(), "teams".to_owned()]),
        Just(vec!["claims".to_owned(), "org".to_owned(), "id".to_owned()]),
        Just(vec!["claims".to_owned(), "missing".to_owned()]),
        Just(vec!["nope".to_owned()]),
    ]
}

fn column(cols: &'static [&'static str]) -> BoxedStrategy<String> {
    let extra = ["id", "$createdBy", "$createdAt", "$updatedBy", "nope"];
    let all: Vec<String> = cols
        .iter()
        .chain(extra.iter())
        .map(|c| (*c).to_owned())
        .collect();
    prop::sample::select(all).boxed()
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ])
}

/// A value operand; `outer`: the columns of the outer row (inside `Exists`).
fn pvalue(outer: Option<&'static [&'static str]>) -> BoxedStrategy<PValue> {
    let base = prop_oneof![
        3 => lit().prop_map(PValue::Literal),
        2 => session_path().prop_map(PValue::SessionRef),
    ];
    match outer {
        Some(cols) => prop_oneof![
            2 => base,
            3 => column(cols).prop_map(|c| PValue::SessionRef(vec![OUTER_ROW.to_owned(), c])),
        ]
        .boxed(),
        None => base.boxed(),
    }
}

/// Leaves over a table's columns.
fn leaf(
    cols: &'static [&'static str],
    outer: Option<&'static [&'static str]>,
) -> BoxedStrategy<Expr> {
    prop_oneof![
        4 => (column(cols), cmp_op(), pvalue(outer))
            .prop_map(|(column, op, value)| Expr::Cmp { column, op, value }),
        1 => column(cols).prop_map(|column| Expr::IsNull { column }),
        1 => column(cols).prop_map(|column| Expr::IsNotNull { column }),
        1 => (column(cols), pvalue(outer)).prop_map(|(column, value)| Expr::Contains { column, value }),
        1 => (column(cols), session_path()).prop_map(|(column, session_path)| Expr::In { column, session_path }),
        1 => (column(cols), prop::collection::vec(pvalue(outer), 0..3))
            .prop_map(|(column, values)| Expr::InList { column, values }),
        1 => (session_path(), cmp_op(), lit()).prop_map(|(path, op, value)| Expr::SessionCmp { path, op, value }),
        1 => session_path().prop_map(|path| Expr::SessionIsNull { path }),
        1 => session_path().prop_map(|path| Expr::SessionIsNotNull { path }),
        1 => (session_path(), lit()).prop_map(|(path, value)| Expr::SessionContains { path, value }),
        1 => (session_path(), prop::collection::vec(lit(), 0..3))
            .prop_map(|(path, values)| Expr::SessionInList { path, values }),
        1 => Just(Expr::True),
        1 => Just(Expr::False),
    ]
    .boxed()
}

fn operation() -> impl Strategy<Value = Operation> {
    prop::sample::select(vec![
        Operation::Select,
        Operation::Select,
        Operation::Update,
        Operation::Delete,
        Operation::Insert,
    ])
}

fn max_depth() -> impl Strategy<Value = Option<u32>> {
    prop::sample::select(vec![
        None,
        None,
        Some(1),
        Some(2),
        Some(3),
        Some(0),
        Some(65),
    ])
}

/// Structural leaves for a table: correlated exists over grants, inherits.
fn structural(cols: &'static [&'static str], fks: &'static [&'static str]) -> BoxedStrategy<Expr> {
    let exists =
        prop::collection::vec(leaf(GRANT_COLS, Some(cols)), 1..4).prop_map(|k| Expr::Exists {
            table: "grants".into(),
            condition: Box::new(if k.len() == 1 {
                k.into_iter().next().unwrap_or(Expr::True)
            } else {
                Expr::And(k)
            }),
        });
    let via: Vec<String> = fks
        .iter()
        .chain(["title", "nope"].iter())
        .map(|c| (*c).to_owned())
        .collect();
    let inherits = (operation(), prop::sample::select(via), max_depth()).prop_map(
        |(operation, via_column, max_depth)| Expr::Inherits {
            operation,
            via_column,
            max_depth,
        },
    );
    let referencing = (
        operation(),
        prop::sample::select(vec![
            ("items", "parentId"),
            ("items", "groupId"),
            ("groups", "parentId"),
            ("grants", "groupId"),
            ("items", "title"),
        ]),
        max_depth(),
    )
        .prop_map(
            |(operation, (src, via), max_depth)| Expr::InheritsReferencing {
                operation,
                source_table: src.into(),
                via_column: via.into(),
                max_depth,
            },
        );
    prop_oneof![3 => exists, 3 => inherits, 2 => referencing].boxed()
}

fn expr(cols: &'static [&'static str], fks: &'static [&'static str]) -> BoxedStrategy<Expr> {
    let base = prop_oneof![3 => leaf(cols, None), 2 => structural(cols, fks)];
    base.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::Or),
            inner.prop_map(|x| Expr::Not(Box::new(x))),
        ]
    })
    .boxed()
}

fn table_policy(
    name: &str,
    cols: &'static [&'static str],
    fks: &'static [&'static str],
) -> BoxedStrategy<TablePolicy> {
    let name = name.to_owned();
    let slot = prop::option::weighted(0.8, expr(cols, fks));
    (
        slot.clone(),
        slot.clone(),
        prop::option::weighted(0.3, expr(cols, fks)),
    )
        .prop_map(move |(select, update, delete)| TablePolicy {
            name: name.clone(),
            slots: [select, None, update, None, delete],
            rules: Vec::new(),
        })
        .boxed()
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        table_policy("items", ITEM_COLS, &["parentId", "groupId"]),
        table_policy("groups", GROUP_COLS, &["parentId"]),
        table_policy("grants", GRANT_COLS, &["groupId"]),
    )
        .prop_map(|(a, b, c)| Policy {
            tables: vec![a, b, c],
            ..Policy::default()
        })
}

fn person() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["alice".to_owned(), "bob".to_owned()])
}

fn row(n: [u8; 16], values: Vec<Val>, by: String) -> Row {
    Row {
        id: n,
        values,
        created_by: by.clone(),
        created_at: 1,
        updated_by: by,
        updated_at: 2,
    }
}

fn text_val() -> impl Strategy<Value = Val> {
    prop::sample::select(vec!["alice", "bob", "al x", ""]).prop_map(|s| Val::Text(s.to_owned()))
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop::option::of(s).boxed()
}

fn data() -> impl Strategy<Value = MemoryData> {
    let item = (
        text_val(),
        opt(person()),
        opt(-1i32..3),
        opt(prop::collection::vec(
            prop::sample::select(vec!["alice", "red"]),
            0..3,
        )),
        opt(0u8..7),
        opt(0u8..5),
        person(),
    );
    let group = (text_val(), person(), opt(0u8..5), person());
    let grant = (0u8..5, person(), 0i32..3, person());
    (
        prop::collection::vec(item, 0..7),
        prop::collection::vec(group, 0..5),
        prop::collection::vec(grant, 0..6),
    )
        .prop_map(|(items, groups, grants)| {
            let mut d = MemoryData::new();
            let null_or = |o: Option<Val>| o.unwrap_or(Val::Null);
            for (k, (title, owner, n, tags, parent, group, by)) in items.into_iter().enumerate() {
                let values =
                    vec![
                        title,
                        null_or(owner.map(Val::Text)),
                        null_or(n.map(Val::Integer)),
                        null_or(tags.map(|t| {
                            Val::Array(t.into_iter().map(|x| Val::Text(x.into())).collect())
                        })),
                        null_or(parent.map(|p| Val::Uuid(item_id(p)))),
                        null_or(group.map(|g| Val::Uuid(group_id(g)))),
                    ];
                d.insert("items", row(item_id(k as u8), values, by));
            }
            for (k, (name, owner, parent, by)) in groups.into_iter().enumerate() {
                let values = vec![
                    name,
                    Val::Text(owner),
                    null_or(parent.map(|p| Val::Uuid(group_id(p)))),
                ];
                d.insert("groups", row(group_id(k as u8), values, by));
            }
            for (k, (group, user, level, by)) in grants.into_iter().enumerate() {
                let values = vec![
                    Val::Uuid(group_id(group)),
                    Val::Text(user),
                    Val::Integer(level),
                ];
                d.insert("grants", row(id(50 + k as u8), values, by));
            }
            d
        })
}

fn session() -> impl Strategy<Value = Session> {
    let claims = prop::sample::select(vec![
        "{}".to_owned(),
        r#"{"role":"admin","n":1,"teams":["alice",2]}"#.to_owned(),
        format!(
            r#"{{"role":null,"n":2147483648,"teams":["{}",1],"org":{{"id":"alice"}}}}"#,
            uuid_text(&item_id(0), false)
        ),
        r#"{"role":["admin"],"n":1.5,"teams":"alice bob"}"#.to_owned(),
    ]);
    let mode = prop::sample::select(vec![
        AuthMode::External,
        AuthMode::LocalFirst,
        AuthMode::Anonymous,
    ]);
    (person(), claims, mode).prop_map(|(user, claims, mode)| {
        let mut s = Session::new(&user);
        s.claims = parse_json(&claims).expect("claims JSON");
        s.auth_mode = mode;
        s
    })
}

/// The same rows through the trait's default methods only (no index): lookups scan.
struct ScanOnly<'a>(&'a MemoryData);

impl DataAccess for ScanOnly<'_> {
    fn get<'s>(&'s self, table: &str, id: &[u8; 16]) -> Result<Option<&'s Row>, DataError> {
        Ok(self.0.rows(table).iter().find(|r| &r.id == id))
    }

    fn scan<'s>(
        &'s self,
        table: &str,
        f: &mut dyn FnMut(&'s Row) -> bool,
    ) -> Result<(), DataError> {
        for r in self.0.rows(table) {
            if f(r) {
                break;
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn vm_agrees_with_the_reference(policy in policy(), data in data(), session in session()) {
        let schema = schema();
        let bytes = bytecode::encode(&policy, &schema);
        let program = Program::load(&bytes).expect("verifies");
        let reference = Reference { policy: &policy, schema: &schema, data: &data, session: &session };
        let opts = Options::default();
        for table in ["items", "groups", "grants"] {
            let rows: Vec<&Row> = data.rows(table).iter().collect();
            let batch = vm::decide_reads(&program, table, &rows, Some(&session), &data, opts);
            for (r, b) in rows.iter().zip(&batch) {
                let want = reference.read(table, r);
                let got = vm::decide(&program, table, Request::Read(r), Some(&session), &data, opts);
                prop_assert_eq!(got.allowed, want, "read {} {:?}: {:?}", table, r.id, got.reason);
                prop_assert_eq!(b.allowed, want, "batch read {} {:?}", table, r.id);
                let scanned = vm::decide(&program, table, Request::Read(r), Some(&session), &ScanOnly(&data), opts);
                prop_assert_eq!(scanned.allowed, want, "read without indexes {} {:?}", table, r.id);
                if session.auth_mode != AuthMode::Anonymous {
                    let want = reference.delete(table, r);
                    let got = vm::decide(&program, table, Request::Delete(r), Some(&session), &data, opts);
                    prop_assert_eq!(got.allowed, want, "delete {} {:?}: {:?}", table, r.id, got.reason);
                }
            }
        }
    }

    #[test]
    fn compiling_the_ir_and_its_json_gives_the_same_bytes(policy in policy()) {
        let schema = schema();
        let text = json::to_compact(&policy);
        let back = parse::policy(&parse_json(&text).expect("json")).expect("reads back");
        prop_assert_eq!(bytecode::encode(&policy, &schema), bytecode::encode(&back, &schema));
    }
}
