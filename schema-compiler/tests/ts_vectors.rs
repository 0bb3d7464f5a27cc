//! Upstream-verified hash vectors whose input is DSL code: each `schema.ts` is evaluated
//! statically and must hash to the upstream-verified value.

use std::path::Path;

use jazz_schema_compiler::project::analyze;
use jazz_schema_compiler::schema::{schema_hash, wasm_json::to_compact_json};
use jazz_schema_compiler::source::MemoryLoader;

fn app(def: &str) -> String {
    format!("import {{ schema as s }} from \"jazz-tools\";\nimport {{ z }} from \"zod\";\n{def}\n")
}

fn hash_of(src: &str) -> (String, String) {
    let analysis = analyze(
        &MemoryLoader::new().with("/app/schema.ts", src),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    let errors: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "unexpected errors for\n{src}\n{errors:?}"
    );
    let schema = analysis.schema.expect("a schema");
    (schema_hash(&schema).to_hex(), to_compact_json(&schema))
}

fn check(n: u32, def: &str, expected: &str) {
    let src = app(def);
    let (hash, json) = hash_of(&src);
    assert_eq!(hash, expected, "vector #{n}: {json}");
}

#[test]
fn v01_starter() {
    check(
        1,
        "export const app = s.defineApp({ todos: s.table({ title: s.string(), done: s.boolean() }) });",
        "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217",
    );
}

#[test]
fn v18_spec_example() {
    check(
        18,
        r#"const schema = {
  users: s.table({ name: s.string() }),
  todos: s.table({
    title: s.string(),
    done: s.boolean().default(false),
    ownerId: s.ref("users").optional(),
  }).indexOnly(["done"]),
};
export const app = s.defineApp(schema);"#,
        "e96e45c38667c26196ef1976adc94e41e41056e00969f60fe74e3debf3a8cd94",
    );
}

#[test]
fn v19_array_index_keys_first() {
    let (hash, json) = hash_of(&app(
        "export const app = s.defineApp({ t: s.table({ b: s.string(), 1: s.int(), a: s.boolean(), 0: s.float() }) });",
    ));
    assert!(json.contains(r#""columns":[{"name":"0""#), "{json}");
    assert_eq!(
        hash,
        "74c157aa7a7a2e4696b305dbedbc910faca1e2ef8635de15243fcd44cadb7cc0"
    );
}

#[test]
fn v20_spread_keeps_original_position() {
    check(
        20,
        "const base = { x: s.string(), y: s.int() };\nexport const app = s.defineApp({ t: s.table({ ...base, z: s.boolean(), x: s.float() }) });",
        "a071ca5d73fb94f1595feb9df46edae18755b3206838a3446841f12a5a4e61a9",
    );
}

#[test]
fn v21_aliased_builders_share_state() {
    check(
        21,
        "const t = s.string();\nexport const app = s.defineApp({ t: s.table({ a: t, b: t.optional() }) });",
        "6a2b0d99893ae3769cf33763d0cdc98fbbe46d51ca35d7d901135e5691fb9880",
    );
}

#[test]
fn v22_enum_root_collation() {
    let (hash, json) = hash_of(&app(
        r#"export const app = s.defineApp({ t: s.table({ e: s.enum("b","B","a","A","_x","é","Zeta","a1","a_b","ab") }) });"#,
    ));
    assert!(
        json.contains(r#""variants":["_x","a","A","a_b","a1","ab","b","B","é","Zeta"]"#),
        "{json}"
    );
    assert_eq!(
        hash,
        "6862b6ccc53944879e14bef117c531663a15e9dc327c4b3bac6dc9109894521b"
    );
}

#[test]
fn v23_lossy_float_parse() {
    check(
        23,
        "export const app = s.defineApp({ t: s.table({ c: s.float().default(0.22323896460701453) }) });",
        "e3dfe7ddb429cffccca3b4ff5917dd50d2c2bfc041114b59431b3d86d0f2340f",
    );
}

#[test]
fn v24_json_default_text() {
    let (hash, json) = hash_of(&app(
        r#"export const app = s.defineApp({ t: s.table({ j: s.json().default({ b: 1, "1": 2, a: [1e21, -0, 0.1, "é"] }) }) });"#,
    ));
    assert!(
        json.contains(r#"{"type":"Text","value":"{\"1\":2,\"b\":1,\"a\":[1e+21,0,0.1,\"é\"]}"}"#),
        "{json}"
    );
    assert_eq!(
        hash,
        "d8f9705fe33b6985f9a42aef9d953a61572950a484437972942362e413c06a8b"
    );
}

#[test]
fn v25_json_schema_numbers() {
    check(
        25,
        r#"export const app = s.defineApp({ d: s.table({ c: s.json({ type: "number", "x-b": 0.00001, "x-a": [1e-7, 0.000025, 1e16, 1e20, 1.5, -0, 18446744073709551615, 0.1 + 0.2, -2e-6], "é": "\u0001\"\\/" }) }) });"#,
        "b857cd040adf91a1fa52e7d83112bf9f950e427e2e06bfcd280d5936157bcae5",
    );
}

#[test]
fn v26_timestamp_defaults() {
    check(
        26,
        r#"export const app = s.defineApp({ t: s.table({ at: s.timestamp().default(new Date("2026-01-01")), n: s.timestamp().default(0) }) });"#,
        "78f4ff3941ed85fd4cba56ae880b651912a2eca697547426bb22cba63895224a",
    );
}

#[test]
fn v27_bytes_default() {
    check(
        27,
        "export const app = s.defineApp({ t: s.table({ b: s.bytes().default(new Uint8Array([0, 1, 255])) }) });",
        "7e32d554b008ecd6a47aa1ce7e6af68c7181dbae3e8e32b68ea743e1872de79a",
    );
}

#[test]
fn v28_counter() {
    check(
        28,
        r#"export const app = s.defineApp({ c: s.table({ n: s.int().merge("counter").default(0) }) });"#,
        "6ba379e1ae6f075dbd742b0795657140ef7b749272a9fd4a50bab00329881ecd",
    );
}

#[test]
fn v29_index_only_duplicates() {
    check(
        29,
        r#"export const app = s.defineApp({ todos: s.table({ title: s.string(), done: s.boolean(), 2: s.int() }).indexOnly(["done", "title", "done"]) });"#,
        "25546adf3dd63f6bfccc652d1f987798033cbcd2cebd76eca404f88ced20c2b0",
    );
}

#[test]
fn v30_uuid_forms() {
    check(
        30,
        r#"export const app = s.defineApp({ t: s.table({ r: s.ref("t").default("0123456789ABCDEF0123456789ABCDEF"), q: s.ref("t").default("01234567-89ab-cdef-0123-456789abcdef") }) });"#,
        "754cccd50b1e7acdf9a8469660f9507e7c323abe6c7b26db35a0ef3e42c332d3",
    );
}

#[test]
fn v31_arrays_of_refs_and_nested() {
    check(
        31,
        r#"export const app = s.defineApp({ u: s.table({ friendsIds: s.array(s.ref("u")).default([]), m: s.array(s.array(s.int().optional())).optional() }) });"#,
        "6a995adf20cdafd2ef28780c73b95b8683770bf26a7edaefa48b842f6ec9fea3",
    );
}

#[test]
fn v32_table_order() {
    let (hash, json) = hash_of(&app(r#"const a = s.string();
export const app = s.defineApp({ zeta: { a }, Alpha: { a }, "10": { a }, "9": {} });"#));
    assert!(
        json.starts_with(r#"{"9":"#) && json.contains(r#""10":"#),
        "{json}"
    );
    assert_eq!(
        hash,
        "a132784ef13cae0eb8c851d69350cfc5a867266043eebb9b78d368c84c0a0c32"
    );
}

#[test]
fn v33_zod_example() {
    check(
        33,
        "export const app = s.defineApp({ t: s.table({ j: s.json(z.object({ name: z.string(), age: z.number().int().min(0).optional(), tags: z.array(z.string()).min(1) })) }) });",
        "aadc077e97445554e1321afce490f8abbb05b3aacd5cfb27f8e4a8be29df2a0c",
    );
}

#[test]
fn v34_v35_index_only_present_vs_empty() {
    check(
        34,
        r#"export const app = s.defineApp({ todos: s.table({ title: s.string(), done: s.boolean() }).indexOnly(["done"]) });"#,
        "c9341efe4bd6d2d4a42023b194c2071389ec870d4bbd1c1e90224ce6cfee1cfa",
    );
    check(
        35,
        "export const app = s.defineApp({ todos: s.table({ title: s.string(), done: s.boolean() }).indexOnly([]) });",
        "ddee9db5f14c15358f5aa2ae16054bc3e009e69ecd96540da2cd532ed31b5138",
    );
}

#[test]
fn v36_float_and_bytes_hash_alike() {
    let a = hash_of(&app(
        "export const app = s.defineApp({ t: s.table({ c: s.float() }) });",
    ))
    .0;
    let b = hash_of(&app(
        "export const app = s.defineApp({ t: s.table({ c: s.bytes() }) });",
    ))
    .0;
    assert_eq!(
        a,
        "3db9acf6ebaca9c9a463b2a605dbd6ff2a0441ef074af7cdb050edb7f7d0595c"
    );
    assert_eq!(a, b);
}

#[test]
fn v37_json_schema_object() {
    check(
        37,
        r#"export const app = s.defineApp({ docs: s.table({ data: s.json({ type: "object", properties: { b: { type: "string" }, a: { type: "number" } }, required: ["b"] }) }) });"#,
        "665ae99c0b27c6e23b780af72417d303973dbccc66af78cd0d7ef61bb44f9eb6",
    );
}

#[test]
fn v38_every_default_kind() {
    check(
        38,
        r#"export const app = s.defineApp({ t: s.table({ i: s.int().default(1), f: s.float().default(1), ts: s.timestamp().default(1767225600000), n: s.string().optional().default(null), r: s.ref("t").optional().default("00000000-0000-0000-0000-000000000000"), e: s.enum("a", "b", "c").default("a") }) });"#,
        "b6530a7d77646b5a7bc07e8f273fa2ab778cfe80425bcc26b272f202d986b1c6",
    );
}

#[test]
fn export_forms_and_priority() {
    let starter = "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217";
    // A definition-like `schema` export wins over `app`.
    check(
        1,
        "export const schema = { todos: s.table({ title: s.string(), done: s.boolean() }) };\nexport const app = s.defineApp({ other: s.table({ x: s.int() }) });",
        starter,
    );
    // `export default` of a defineSliceableApp, a `.slice` does not change the hash.
    check(
        1,
        "const app = s.defineSliceableApp({ todos: s.table({ title: s.string(), done: s.boolean() }) });\nexport const part = app.slice(\"todos\");\nexport default app;",
        starter,
    );
    // `export { x as app }`, `Object.freeze`, `defineSchema`, a namespace import.
    let (hash, _) = hash_of(
        "import * as J from \"jazz-tools\";\nconst def = Object.freeze(J.schema.defineSchema({ todos: J.schema.table({ title: J.col.string(), done: J.col.boolean() }) }));\nconst built = J.defineApp(def);\nexport { built as app };\n",
    );
    assert_eq!(hash, starter);
    // Template keys, computed keys and conditional values.
    check(
        1,
        "const t = \"to\" + `dos`;\nconst flag = true;\nexport const app = s.defineApp({ [t]: s.table({ [`ti${\"tle\"}`]: s.string(), done: flag ? s.boolean() : s.int() }) });",
        starter,
    );
}

#[test]
fn legacy_table_calls() {
    let src = "import { table, schema as s } from \"jazz-tools\";\ntable(\"todos\", { title: s.string(), done: s.boolean() });\n";
    let analysis = analyze(
        &MemoryLoader::new().with("/app/schema.ts", src),
        Path::new("/app"),
        &jazz_schema_compiler::project::AnalyzeOptions::default(),
    );
    // Schema-phase diagnostics only (with no permissions.ts, every table also gets the
    // permissions phase's missing-policy warnings).
    let codes: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code.0 < 2000)
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["JZ1006"]);
    let schema = analysis.schema.expect("schema");
    assert_eq!(
        schema_hash(&schema).to_hex(),
        "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217"
    );
}

#[test]
fn timestamp_defaults_take_upstreams_text_round_trip() {
    // JS prints 2**60 as 1152921504606847000, and that decimal is what serde stores.
    let (_, json) = hash_of(&app(
        "export const app = s.defineApp({ t: s.table({ at: s.timestamp().default(2 ** 60) }) });",
    ));
    assert!(
        json.contains(r#"{"type":"Timestamp","value":1152921504606847000}"#),
        "{json}"
    );
}
