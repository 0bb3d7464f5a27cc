//! Semantics matrix, table-driven: each case is one policy
//! JSON leaf (read through `policy::parse`, encoded, loaded and verified) decided by the VM on one
//! row under one session. Covers the null-comparison matrix, typed equality, the Uuid coercion,
//! claims mapping, explicit null versus missing, empty lists and Absent under `Not`, end to end
//! through the bytecode rather than on the comparator alone.

#[path = "support/schema_ts.rs"]
mod schema_ts;

use jazz_schema_compiler::policy::vm::{
    self, MemoryData, Options, Program, Request, Row, Session, Val,
};
use jazz_schema_compiler::policy::{bytecode, parse};
use jazz_schema_compiler::schema::WasmSchema;
use jazz_schema_compiler::schema::json::parse as parse_json;

const SCHEMA: &str = r#"import { schema as s } from "jazz-tools";
export const app = s.defineApp({
  t: s.table({
    i: s.int().optional(),
    d: s.float().optional(),
    s: s.string().optional(),
    u: s.ref("t").optional(),
    flag: s.boolean().optional(),
    tags: s.array(s.string()).optional(),
    ts: s.timestamp().optional(),
  }),
});"#;

const U: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const U_UPPER: &str = "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B";

/// Which row a case is decided on.
#[derive(Clone, Copy, Debug)]
enum R {
    /// i=3, d=3.0, s="5", u=U, flag=true, tags=["a","b"], ts=1000.
    Full,
    /// Every column NULL.
    Nulls,
}

fn schema() -> std::sync::Arc<WasmSchema> {
    schema_ts::schema_of(SCHEMA)
}

fn row(schema: &WasmSchema, r: R) -> Row {
    let u = vm::parse_uuid(U).expect("uuid");
    let values = match r {
        R::Full => vec![
            Val::Integer(3),
            Val::Double(3.0),
            Val::Text("5".into()),
            Val::Uuid(u),
            Val::Boolean(true),
            Val::Array(vec![Val::Text("a".into()), Val::Text("b".into())]),
            Val::Timestamp(1000),
        ],
        R::Nulls => vec![Val::Null; 7],
    };
    assert_eq!(values.len(), schema.tables[0].columns.len());
    Row {
        id: [7; 16],
        values,
        created_by: "w".into(),
        created_at: 1,
        updated_by: "w".into(),
        updated_at: 1,
    }
}

/// Decides a read of `r` under `select.using = expr`, for user `u` with `claims`.
fn decide(schema: &WasmSchema, expr: &str, r: R, claims: &str) -> bool {
    let text = format!(
        r#"{{"t":{{"select":{{"using":{expr}}},"insert":{{}},"update":{{}},"delete":{{}}}}}}"#
    );
    let json = parse_json(&text).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    let policy = parse::policy(&json).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let program = Program::load(&bytecode::encode(&policy, schema)).expect("verifies");
    let mut session = Session::new("u");
    session.claims = parse_json(claims).expect("claims");
    let row = row(schema, r);
    let data = MemoryData::new();
    vm::decide(
        &program,
        "t",
        Request::Read(&row),
        Some(&session),
        &data,
        Options::default(),
    )
    .allowed
}

fn lit(tag: &str, value: &str) -> String {
    format!(r#"{{"type":"Literal","value":{{"type":"{tag}","value":{value}}}}}"#)
}

fn cmp(col: &str, op: &str, value: &str) -> String {
    format!(r#"{{"type":"Cmp","column":"{col}","op":"{op}","value":{value}}}"#)
}

fn not(e: &str) -> String {
    format!(r#"{{"type":"Not","expr":{e}}}"#)
}

const NULL: &str = r#"{"type":"Literal","value":{"type":"Null"}}"#;

fn session(path: &[&str]) -> String {
    let p: Vec<String> = path.iter().map(|s| format!("\"{s}\"")).collect();
    format!(r#"{{"type":"SessionRef","path":[{}]}}"#, p.join(","))
}

/// Runs every `(name, expr, row, claims, expected)` case and reports all mismatches at once.
fn check(cases: &[(&str, String, R, &str, bool)]) {
    let schema = schema();
    let failed: Vec<String> = cases
        .iter()
        .filter(|(_, e, r, c, want)| decide(&schema, e, *r, c) != *want)
        .map(|(name, e, r, c, want)| format!("{name}: {e} on {r:?} with {c}: expected {want}"))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn null_comparison_matrix() {
    use R::*;
    check(&[
        ("3 < null", cmp("i", "Lt", NULL), Full, "{}", false),
        ("3 <= null", cmp("i", "Le", NULL), Full, "{}", false),
        ("null <= null", cmp("i", "Le", NULL), Nulls, "{}", true),
        ("null < null", cmp("i", "Lt", NULL), Nulls, "{}", false),
        ("3 > null", cmp("i", "Gt", NULL), Full, "{}", true),
        ("null > null", cmp("i", "Gt", NULL), Nulls, "{}", false),
        ("3 >= null", cmp("i", "Ge", NULL), Full, "{}", true),
        ("null >= null", cmp("i", "Ge", NULL), Nulls, "{}", true),
        ("null = null", cmp("i", "Eq", NULL), Nulls, "{}", true),
        ("3 = null", cmp("i", "Eq", NULL), Full, "{}", false),
        ("3 != null", cmp("i", "Ne", NULL), Full, "{}", true),
        (
            "null < 5: null is below every value",
            cmp("i", "Lt", &lit("Integer", "5")),
            Nulls,
            "{}",
            true,
        ),
        (
            "null > 5",
            cmp("i", "Gt", &lit("Integer", "5")),
            Nulls,
            "{}",
            false,
        ),
        (
            "null text < \"a\"",
            cmp("s", "Lt", &lit("Text", "\"a\"")),
            Nulls,
            "{}",
            true,
        ),
        (
            "IsNull null",
            r#"{"type":"IsNull","column":"i"}"#.into(),
            Nulls,
            "{}",
            true,
        ),
        (
            "IsNotNull null",
            r#"{"type":"IsNotNull","column":"i"}"#.into(),
            Nulls,
            "{}",
            false,
        ),
        (
            "IsNotNull 3",
            r#"{"type":"IsNotNull","column":"i"}"#.into(),
            Full,
            "{}",
            true,
        ),
    ]);
}

#[test]
fn typed_equality_and_ordering() {
    use R::*;
    check(&[
        ("Integer 3 = Integer 3", cmp("i", "Eq", &lit("Integer", "3")), Full, "{}", true),
        ("Integer 3 != BigInt 3", cmp("i", "Eq", &lit("BigInt", "3")), Full, "{}", false),
        ("Integer 3 != Double 3", cmp("i", "Eq", &lit("Double", "3")), Full, "{}", false),
        ("Double 3 = Double 3", cmp("d", "Eq", &lit("Double", "3")), Full, "{}", true),
        ("Double 3 != Integer 3", cmp("d", "Eq", &lit("Integer", "3")), Full, "{}", false),
        ("Text 5 != Integer 5", cmp("s", "Eq", &lit("Integer", "5")), Full, "{}", false),
        ("a type mismatch makes Ne true", cmp("s", "Ne", &lit("Integer", "5")), Full, "{}", true),
        ("no ordering across variants", cmp("i", "Lt", &lit("BigInt", "5")), Full, "{}", false),
        ("nor its converse", cmp("i", "Ge", &lit("BigInt", "1")), Full, "{}", false),
        ("Integer ordering", cmp("i", "Lt", &lit("Integer", "5")), Full, "{}", true),
        ("Text orders byte-wise", cmp("s", "Lt", &lit("Text", "\"6\"")), Full, "{}", true),
        ("\"5\" > \"10\" byte-wise", cmp("s", "Gt", &lit("Text", "\"10\"")), Full, "{}", true),
        ("false < true", cmp("flag", "Gt", &lit("Boolean", "false")), Full, "{}", true),
        ("Timestamp ordering", cmp("ts", "Gt", &lit("Timestamp", "999")), Full, "{}", true),
        ("Timestamp != Integer", cmp("ts", "Eq", &lit("Integer", "1000")), Full, "{}", false),
        (
            "arrays compare element-wise",
            cmp("tags", "Eq", r#"{"type":"Literal","value":{"type":"Array","value":[{"type":"Text","value":"a"},{"type":"Text","value":"b"}]}}"#),
            Full,
            "{}",
            true,
        ),
        (
            "in order",
            cmp("tags", "Eq", r#"{"type":"Literal","value":{"type":"Array","value":[{"type":"Text","value":"b"},{"type":"Text","value":"a"}]}}"#),
            Full,
            "{}",
            false,
        ),
        ("Contains an array element", r#"{"type":"Contains","column":"tags","value":{"type":"Literal","value":{"type":"Text","value":"a"}}}"#.into(), Full, "{}", true),
        ("Contains a substring", r#"{"type":"Contains","column":"s","value":{"type":"Literal","value":{"type":"Text","value":"5"}}}"#.into(), Full, "{}", true),
        ("Contains on NULL", r#"{"type":"Contains","column":"tags","value":{"type":"Literal","value":{"type":"Text","value":"a"}}}"#.into(), Nulls, "{}", false),
    ]);
}

#[test]
fn uuid_coercion_only_in_cmp() {
    use R::*;
    let text = |t: &str| lit("Text", &format!("\"{t}\""));
    let in_list = |v: &str| format!(r#"{{"type":"InList","column":"u","values":[{v}]}}"#);
    check(&[
        (
            "Uuid = its text",
            cmp("u", "Eq", &text(U)),
            Full,
            "{}",
            true,
        ),
        (
            "in any case",
            cmp("u", "Eq", &text(U_UPPER)),
            Full,
            "{}",
            true,
        ),
        (
            "unparsable text is unequal",
            cmp("u", "Eq", &text("nope")),
            Full,
            "{}",
            false,
        ),
        (
            "and Ne holds",
            cmp("u", "Ne", &text("nope")),
            Full,
            "{}",
            true,
        ),
        (
            "Uuid = Uuid",
            cmp("u", "Eq", &lit("Uuid", &format!("\"{U}\""))),
            Full,
            "{}",
            true,
        ),
        (
            "Text column never coerces",
            cmp("s", "Eq", &lit("Uuid", &format!("\"{U}\""))),
            Full,
            "{}",
            false,
        ),
        (
            "InList does not coerce",
            in_list(&text(U)),
            Full,
            "{}",
            false,
        ),
        (
            "InList with a Uuid",
            in_list(&lit("Uuid", &format!("\"{U}\""))),
            Full,
            "{}",
            true,
        ),
        (
            "In: the canonical lower-case form",
            r#"{"type":"In","column":"u","session_path":["claims","ids"]}"#.into(),
            Full,
            r#"{"ids":["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]}"#,
            true,
        ),
        (
            "In: upper case does not match",
            r#"{"type":"In","column":"u","session_path":["claims","ids"]}"#.into(),
            Full,
            r#"{"ids":["0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"]}"#,
            false,
        ),
    ]);
}

#[test]
fn claims_mapping_and_explicit_null_versus_missing() {
    use R::*;
    let scmp = |path: &str, op: &str, v: &str| {
        format!(r#"{{"type":"SessionCmp","path":["claims","{path}"],"op":"{op}","value":{v}}}"#)
    };
    let is_null = r#"{"type":"SessionIsNull","path":["claims","x"]}"#;
    let not_null = r#"{"type":"SessionIsNotNull","path":["claims","x"]}"#;
    let in_ids = r#"{"type":"In","column":"i","session_path":["claims","ids"]}"#;
    check(&[
        ("i32 claim is Integer", scmp("n", "Eq", r#"{"type":"Integer","value":3}"#), Full, r#"{"n":3}"#, true),
        ("not BigInt", scmp("n", "Eq", r#"{"type":"BigInt","value":3}"#), Full, r#"{"n":3}"#, false),
        ("beyond i32 is BigInt", scmp("n", "Eq", r#"{"type":"BigInt","value":3000000000}"#), Full, r#"{"n":3000000000}"#, true),
        ("float claims never resolve", scmp("n", "Ge", r#"{"type":"Double","value":1}"#), Full, r#"{"n":1.5}"#, false),
        ("nor under Ne", scmp("n", "Ne", r#"{"type":"Integer","value":1}"#), Full, r#"{"n":1.5}"#, false),
        ("boolean claim", scmp("b", "Eq", r#"{"type":"Boolean","value":true}"#), Full, r#"{"b":true}"#, true),
        ("string claim", scmp("s", "Eq", r#"{"type":"Text","value":"x"}"#), Full, r#"{"s":"x"}"#, true),
        ("object claims never resolve", scmp("o", "Ne", r#"{"type":"Text","value":"x"}"#), Full, r#"{"o":{}}"#, false),
        ("explicit null is null", is_null.into(), Full, r#"{"x":null}"#, true),
        ("missing is not null", is_null.into(), Full, "{}", false),
        ("and not not-null", not_null.into(), Full, "{}", false),
        ("explicit null is not not-null", not_null.into(), Full, r#"{"x":null}"#, false),
        ("a scalar is not null", not_null.into(), Full, r#"{"x":0}"#, true),
        ("an array does not resolve as a scalar", not_null.into(), Full, r#"{"x":[1]}"#, false),
        ("null claim = NULL column", cmp("i", "Eq", &session(&["claims", "x"])), Nulls, r#"{"x":null}"#, true),
        ("missing claim vs NULL column", cmp("i", "Eq", &session(&["claims", "x"])), Nulls, "{}", false),
        ("user_id", r#"{"type":"SessionCmp","path":["user_id"],"op":"Eq","value":{"type":"Text","value":"u"}}"#.into(), Full, "{}", true),
        ("userId alias", r#"{"type":"SessionCmp","path":["userId"],"op":"Eq","value":{"type":"Text","value":"u"}}"#.into(), Full, "{}", true),
        ("authMode", r#"{"type":"SessionCmp","path":["authMode"],"op":"Eq","value":{"type":"Text","value":"external"}}"#.into(), Full, "{}", true),
        ("unknown session paths are Absent", r#"{"type":"SessionIsNotNull","path":["role"]}"#.into(), Full, "{}", false),
        ("In: JSON integer = Integer", in_ids.into(), Full, r#"{"ids":[1,3]}"#, true),
        ("In: a string never equals Integer", in_ids.into(), Full, r#"{"ids":["3"]}"#, false),
        ("In: not an array", in_ids.into(), Full, r#"{"ids":3}"#, false),
        ("In: NULL column", in_ids.into(), Nulls, r#"{"ids":[null]}"#, false),
        ("SessionContains in an array", r#"{"type":"SessionContains","path":["claims","tags"],"value":{"type":"Integer","value":2}}"#.into(), Full, r#"{"tags":[1,2]}"#, true),
    ]);
}

#[test]
fn empty_lists_and_absent_under_not() {
    use R::*;
    let empty = r#"{"type":"InList","column":"i","values":[]}"#;
    let absent_col = r#"{"type":"IsNull","column":"nope"}"#;
    let missing_claim = cmp("i", "Eq", &session(&["claims", "missing"]));
    check(&[
        ("InList []", empty.into(), Full, "{}", false),
        ("Not(InList [])", not(empty), Full, "{}", true),
        ("SessionInList []", r#"{"type":"SessionInList","path":["claims","r"],"values":[]}"#.into(), Full, r#"{"r":"x"}"#, false),
        ("InList on NULL", r#"{"type":"InList","column":"i","values":[{"type":"Literal","value":{"type":"Null"}}]}"#.into(), Nulls, "{}", false),
        ("SessionInList on null", r#"{"type":"SessionInList","path":["claims","r"],"values":[{"type":"Null"}]}"#.into(), Full, r#"{"r":null}"#, false),
        ("IsNull on an unknown column is false", absent_col.into(), Full, "{}", false),
        ("IsNotNull on it too", r#"{"type":"IsNotNull","column":"nope"}"#.into(), Full, "{}", false),
        ("Not over an Absent column grants", not(absent_col), Full, "{}", true),
        ("a missing claim fails closed", missing_claim.clone(), Full, "{}", false),
        ("Not over a missing claim grants", not(&missing_claim), Full, "{}", true),
        ("Not(Not(...)) fails closed again", not(&not(&missing_claim)), Full, "{}", false),
        ("And short-circuits to false", format!(r#"{{"type":"And","exprs":[{missing_claim},{{"type":"True"}}]}}"#), Full, "{}", false),
        ("Or takes a later branch", format!(r#"{{"type":"Or","exprs":[{missing_claim},{{"type":"True"}}]}}"#), Full, "{}", true),
        ("empty And is true", r#"{"type":"And","exprs":[]}"#.into(), Full, "{}", true),
        ("empty Or is false", r#"{"type":"Or","exprs":[]}"#.into(), Full, "{}", false),
    ]);
}
