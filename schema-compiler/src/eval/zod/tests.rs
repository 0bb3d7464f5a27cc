//! Unit tests for the zod subset. The main test runs every case of the real-zod oracle
//! (`tests/zod-oracle/cases.txt`) through `call_z`/`call_method`/`to_json_schema` and compares
//! with zod 4.3's recorded output (`expected.txt`, written by `oracle.mjs`; the integration
//! test `zod_oracle.rs` checks that recording against live zod).

mod case_text;

use std::rc::Rc;

use super::*;
use crate::schema::json::stringify;

const CASES: &str = include_str!("../../../tests/zod-oracle/cases.txt");
const EXPECTED: &str = include_str!("../../../tests/zod-oracle/expected.txt");

/// The same filter `oracle.mjs` applies.
fn case_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect()
}

fn schema_of(text: &str) -> Result<Rc<ZodSchema>, String> {
    match case_text::eval(text)? {
        ZodArg::Zod(z) => Ok(z),
        other => Err(format!("not a zod schema: {other:?}")),
    }
}

fn json_text(text: &str) -> Result<String, String> {
    let schema = schema_of(text)?;
    to_json_schema(&schema)
        .map(|v| stringify(&v))
        .map_err(|e| e.message)
}

fn error_of(text: &str) -> String {
    match json_text(text) {
        Ok(json) => panic!("{text} should be refused, gave {json}"),
        Err(message) => message,
    }
}

#[test]
fn oracle_cases_match_recorded_zod_output() {
    let cases = case_lines(CASES);
    let expected: Vec<&str> = EXPECTED.lines().collect();
    assert_eq!(
        cases.len(),
        expected.len(),
        "expected.txt is stale: rerun oracle.mjs"
    );
    assert!(cases.len() >= 40);
    let failures: Vec<String> = cases
        .iter()
        .zip(&expected)
        .filter_map(|(case, want)| match json_text(case) {
            Ok(got) if got == *want => None,
            Ok(got) => Some(format!("{case}\n  zod: {want}\n  we:  {got}")),
            Err(e) => Some(format!("{case}\n  zod: {want}\n  we refused: {e}")),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spec_example() {
    let got = json_text(
        r#"z.object({ name: z.string(), age: z.number().int().min(0).optional(), tags: z.array(z.string()).min(1) })"#,
    );
    let want = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":9007199254740991},"tags":{"minItems":1,"type":"array","items":{"type":"string"}}},"required":["name","tags"],"additionalProperties":false}"#;
    assert_eq!(got.as_deref(), Ok(want));
}

#[test]
fn tree_shape_puts_schema_first_and_array_bounds_before_type() {
    let Ok(schema) = schema_of(r#"z.array(z.string().optional()).max(2)"#) else {
        panic!("case should build");
    };
    let s = |v: &str| JsonValue::String(v.into());
    let want = JsonValue::Object(vec![
        (
            "$schema".into(),
            s("http://json-schema.org/draft-07/schema#"),
        ),
        ("maxItems".into(), JsonValue::Number(2.0)),
        ("type".into(), s("array")),
        (
            "items".into(),
            JsonValue::Object(vec![("type".into(), s("string"))]),
        ),
    ]);
    assert_eq!(to_json_schema(&schema), Ok(want));
}

#[test]
fn constructs_outside_the_subset_are_named() {
    let cases = [
        (
            r#"z.string().describe("x")"#,
            "`.describe()` is outside the zod subset",
        ),
        (r#"z.string().meta({ title: "x" })"#, "`.meta()` is outside"),
        (r#"z.string().default("x")"#, "`.default()` is outside"),
        (r#"z.string().regex("x")"#, "`.regex()` is outside"),
        ("z.date()", "`z.date()` is outside"),
        ("z.bigint()", "`z.bigint()` is outside"),
        ("z.tuple([z.string()])", "`z.tuple()` is outside"),
        ("z.email()", "`z.email()` is outside"),
        ("z.uuid()", "`z.uuid()` is outside"),
        (
            "z.object({ a: z.string() }).partial()",
            "`.partial()` is outside",
        ),
        (
            "z.object({ a: z.string() }).extend({})",
            "`.extend()` is outside",
        ),
        ("z.union([])", "`z.union([])` throws in zod"),
        (
            r#"z.object({ ["__proto__"]: z.string() })"#,
            "shape key `__proto__`",
        ),
        ("z.number().min(1).gt(0)", "second lower bound (`.gt()`)"),
        (
            "z.number().lt(1).nonpositive()",
            "second upper bound (`.nonpositive()`)",
        ),
        ("z.int().positive().min(3)", "second lower bound"),
        (
            "z.string().min(1).length(3)",
            "second lower bound (`.length()`)",
        ),
        ("z.array(z.string()).max(1).length(3)", "second upper bound"),
        (
            "z.array(z.string()).min(1).nonempty()",
            "second lower bound (`.nonempty()`)",
        ),
        (
            "z.number().multipleOf(2).multipleOf(3)",
            "second `.multipleOf()`",
        ),
        (
            "z.number().min(0).int()",
            "`.int()` anywhere but right after `z.number()`",
        ),
        ("z.int().int()", "`.int()` anywhere but right after"),
        ("z.number().min(NaN)", "not a finite number"),
        ("z.number().max(Infinity)", "not a finite number"),
        ("z.string().length(NaN)", "not a finite number"),
        ("z.number().multipleOf(Infinity)", "not a finite number"),
        ("z.literal(NaN)", "`z.literal()` of anything but"),
        ("z.literal([\"a\"])", "`z.literal()` of anything but"),
        ("z.enum([1])", "array of strings"),
        ("z.string().int()", "`.int()` on a string schema is outside"),
        ("z.boolean().min(1)", "`.min()` on z.boolean() is outside"),
        (
            "z.iso.datetime({ precision: 3 })",
            "`z.iso.datetime(…)` is outside",
        ),
        (
            "z.string().min(1, { pattern: \"x\" })",
            "only an error message may follow",
        ),
        (
            "z.record(z.number(), z.string())",
            "key schema other than a string schema",
        ),
        ("z.object({ a: 1 })", "shape member `a` is not a zod schema"),
        ("z.array(1)", "`z.array()` needs a zod schema"),
        ("z.string().optional(1)", "`.optional(…)` is outside"),
    ];
    for (text, needle) in cases {
        let message = error_of(text);
        assert!(
            message.contains(needle),
            "{text}: {message:?} lacks {needle:?}"
        );
        assert!(
            message.contains("outside") || message.contains("throws") || message.contains("needs")
        );
    }
}

#[test]
fn error_params_are_accepted_and_ignored() {
    for text in [
        r#"z.string("required")"#,
        r#"z.string().min(1, "too short")"#,
        r#"z.number().positive({ message: "x" })"#,
        r#"z.int({ error: "x" }).max(3, { abort: true })"#,
        r#"z.object({ a: z.string() }, { error: "x" })"#,
    ] {
        assert!(json_text(text).is_ok(), "{text}");
    }
}

#[test]
fn methods_return_new_values() {
    let Ok(base) = call_z("string", &[]) else {
        panic!("z.string() builds")
    };
    let before = base.clone();
    let bounded = call_method(&base, "min", &[ZodArg::Number(1.0)]);
    assert!(bounded.is_ok());
    assert_eq!(base, before);
    assert!(
        call_method(&base, "min", &[ZodArg::Number(2.0)]).is_ok(),
        "no bound was kept"
    );
}

#[test]
fn nesting_is_bounded() {
    let mut schema = call_z("string", &[]);
    let mut depth = 1;
    while let Ok(inner) = schema {
        schema = call_z("array", &[ZodArg::Zod(Rc::new(inner))]);
        depth += 1;
        assert!(depth <= MAX_NESTING + 1);
    }
    assert_eq!(depth, MAX_NESTING + 1);
    let message = schema.err().map(|e| e.message).unwrap_or_default();
    assert!(message.contains("nested more than 100 levels"), "{message}");
}

#[test]
fn shape_keys_follow_property_order() {
    let obj = |members: Vec<(&str, ZodArg)>| {
        ZodArg::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    };
    let s = || {
        call_z("string", &[])
            .map(|z| ZodArg::Zod(Rc::new(z)))
            .unwrap_or(ZodArg::Other)
    };
    let n = || {
        call_z("null", &[])
            .map(|z| ZodArg::Zod(Rc::new(z)))
            .unwrap_or(ZodArg::Other)
    };
    // A duplicate keeps its first position and takes the last value.
    let shape = obj(vec![
        ("b", s()),
        ("7", s()),
        ("a", s()),
        ("b", n()),
        ("01", s()),
        ("3", s()),
    ]);
    let Ok(schema) = call_z("object", &[shape]) else {
        panic!("object builds")
    };
    let ZodKind::Object { shape, .. } = schema.kind() else {
        panic!("an object")
    };
    let keys: Vec<&str> = shape.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["3", "7", "b", "a", "01"]);
    assert_eq!(shape.get(2).map(|(_, v)| v.kind()), Some(&ZodKind::Null));
}

#[test]
fn hostile_arguments_never_panic() {
    let args = [
        vec![],
        vec![ZodArg::Other],
        vec![ZodArg::Undefined, ZodArg::Undefined, ZodArg::Undefined],
        vec![ZodArg::Number(f64::NAN)],
        vec![ZodArg::Array(vec![ZodArg::Other])],
        vec![ZodArg::Object(vec![("__proto__".into(), ZodArg::Null)])],
    ];
    let names = [
        "string", "literal", "enum", "array", "object", "record", "union", "nullable", "x",
    ];
    let Ok(recv) = call_z("number", &[]) else {
        panic!("z.number() builds")
    };
    for a in &args {
        for name in names {
            let _ = call_z(name, a);
            let _ = call_method(&recv, name, a);
        }
        for method in [
            "min",
            "length",
            "nonempty",
            "int",
            "multipleOf",
            "strict",
            "optional",
        ] {
            let _ = call_method(&recv, method, a);
        }
    }
}
