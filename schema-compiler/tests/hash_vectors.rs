//! Golden tests for the schema artefacts: WasmSchema JSON text, preimage and hash (the
//! upstream-verified vectors), and the corpus apps' `expected/schema.json` + `hash.txt`.
//!
//! Every vector goes in as JSON text through `from_json_text`, so these also cover reading.

use jazz_schema_compiler::schema::hash::preimage;
use jazz_schema_compiler::schema::wasm_json::{from_json_text, to_compact_json, to_pretty_json};
use jazz_schema_compiler::schema::{WasmSchema, schema_hash};

const STARTER: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
const STARTER_HASH: &str = "bfd77d25b0696da75df2ca82ab129c6289432decaaad8b86adcb31a366bdd217";

const EXAMPLE_4_2: &str = r#"{"users":{"columns":[{"name":"name","column_type":{"type":"Text"},"nullable":false}]},"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false,"default":{"type":"Boolean","value":false}},{"name":"ownerId","column_type":{"type":"Uuid"},"nullable":true,"references":"users"}],"indexed_columns":["done"]}}"#;

const A1: &str = r#"{"projects":{"columns":[{"name":"name","column_type":{"type":"Text"},"nullable":false}]},"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false},{"name":"description","column_type":{"type":"Text"},"nullable":true},{"name":"owner_id","column_type":{"type":"Text"},"nullable":false},{"name":"parentId","column_type":{"type":"Uuid"},"nullable":true,"references":"todos"},{"name":"projectId","column_type":{"type":"Uuid"},"nullable":true,"references":"projects"}]}}"#;
const A1_OWNER: &str = r#"{"name":"owner_id","column_type":{"type":"Text"},"nullable":false},"#;
const A1_PROJECT: &str =
    r#"{"name":"projectId","column_type":{"type":"Uuid"},"nullable":true,"references":"projects"}"#;
const A4: &str = r#"{"projects":{"columns":[{"name":"name","column_type":{"type":"Text"},"nullable":false}]},"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false},{"name":"description","column_type":{"type":"Text"},"nullable":true},{"name":"parent","column_type":{"type":"Uuid"},"nullable":true,"references":"todos"},{"name":"project","column_type":{"type":"Uuid"},"nullable":true,"references":"projects"}]}}"#;
const A4_DONE: &str = r#"{"name":"done","column_type":{"type":"Boolean"},"nullable":false},"#;
const A5_PRIORITY: &str =
    r#"{"name":"priority","column_type":{"type":"Integer"},"nullable":true},"#;
const A6: &str = r#"{"messages":{"columns":[{"name":"author_name","column_type":{"type":"Text"},"nullable":false},{"name":"chat_id","column_type":{"type":"Text"},"nullable":false},{"name":"text","column_type":{"type":"Text"},"nullable":false},{"name":"sent_at","column_type":{"type":"Timestamp"},"nullable":false}]}}"#;
const A7: &str = r#"{"files":{"columns":[{"name":"name","column_type":{"type":"Text"},"nullable":false},{"name":"mimeType","column_type":{"type":"Text"},"nullable":false},{"name":"partIds","column_type":{"type":"Array","element":{"type":"Uuid"}},"nullable":false,"references":"file_parts"},{"name":"partSizes","column_type":{"type":"Array","element":{"type":"Integer"}},"nullable":false}]},"file_parts":{"columns":[{"name":"data","column_type":{"type":"Bytea"},"nullable":false}]},"uploads":{"columns":[{"name":"size","column_type":{"type":"Integer"},"nullable":false},{"name":"lastModified","column_type":{"type":"Timestamp"},"nullable":false},{"name":"fileId","column_type":{"type":"Uuid"},"nullable":false,"references":"files"},{"name":"owner_id","column_type":{"type":"Text"},"nullable":false}]}}"#;
const A8: &str = r#"{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false},{"name":"done","column_type":{"type":"Boolean"},"nullable":false,"default":{"type":"Boolean","value":false}},{"name":"tags","column_type":{"type":"Array","element":{"type":"Text"}},"nullable":false,"default":{"type":"Array","value":[{"type":"Text","value":"work"},{"type":"Text","value":"home"}]}},{"name":"metadata","column_type":{"type":"Json"},"nullable":false,"default":{"type":"Text","value":"{\"createdBy\":\"alice\"}"}},{"name":"avatar","column_type":{"type":"Bytea"},"nullable":false,"default":{"type":"Bytea","value":[0,1,255]}}]},"counters":{"columns":[{"name":"count","column_type":{"type":"Integer"},"nullable":false,"merge_strategy":"Counter"}]}}"#;

fn read(text: &str) -> WasmSchema {
    match from_json_text(text) {
        Ok(schema) => schema,
        Err(e) => panic!("{e}\nin {text}"),
    }
}

fn hash_of(text: &str) -> String {
    schema_hash(&read(text)).to_hex()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex with the spec's spacing and `|` separators removed.
fn squeeze(spaced: &str) -> String {
    spaced.chars().filter(char::is_ascii_hexdigit).collect()
}

/// One table `t` holding the given column JSON objects.
fn table_t(columns: &[&str]) -> String {
    format!(r#"{{"t":{{"columns":[{}]}}}}"#, columns.join(","))
}

fn col(name: &str, column_type: &str, rest: &str) -> String {
    format!(r#"{{"name":"{name}","column_type":{column_type},"nullable":false{rest}}}"#)
}

#[test]
fn starter_preimage_and_hash() {
    let schema = read(STARTER);
    let want =
        squeeze("746f646f73 00 7469746c65 00 04 00 00 00 00 00 646f6e65 00 03 00 00 00 00 00");
    assert_eq!(hex(&preimage(&schema)), want);
    assert_eq!(schema_hash(&schema).to_hex(), STARTER_HASH);
    assert_eq!(to_compact_json(&schema), STARTER);
}

#[test]
fn empty_schema() {
    assert_eq!(
        hash_of("{}"),
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
    );
    assert!(preimage(&read("{}")).is_empty());
}

#[test]
fn section_4_2_example_preimage_hash_and_snapshot() {
    let schema = read(EXAMPLE_4_2);
    let want = squeeze(
        "746f646f7300 7469746c6500 04 00 00 00 00 00 646f6e6500 03 00 00 01 0300 00 00
         6f776e6572496400 06 01 01 7573657273 00 00 00 01 646f6e6500
         757365727300 6e616d6500 04 00 00 00 00 00",
    );
    assert_eq!(hex(&preimage(&schema)), want);
    assert_eq!(preimage(&schema).len(), 73);
    assert_eq!(
        schema_hash(&schema).to_hex(),
        "e96e45c38667c26196ef1976adc94e41e41056e00969f60fe74e3debf3a8cd94"
    );
    assert_eq!(to_compact_json(&schema), EXAMPLE_4_2);
    let pretty = to_pretty_json(&schema);
    assert_eq!(pretty, SECTION_6_3);
    assert_eq!(to_compact_json(&read(&pretty)), EXAMPLE_4_2);
}

const SECTION_6_3: &str = "{\n  \"users\": {\n    \"columns\": [\n      {\n        \"name\": \"name\",\n        \"column_type\": {\n          \"type\": \"Text\"\n        },\n        \"nullable\": false\n      }\n    ]\n  },\n  \"todos\": {\n    \"columns\": [\n      {\n        \"name\": \"title\",\n        \"column_type\": {\n          \"type\": \"Text\"\n        },\n        \"nullable\": false\n      },\n      {\n        \"name\": \"done\",\n        \"column_type\": {\n          \"type\": \"Boolean\"\n        },\n        \"nullable\": false,\n        \"default\": {\n          \"type\": \"Boolean\",\n          \"value\": false\n        }\n      },\n      {\n        \"name\": \"ownerId\",\n        \"column_type\": {\n          \"type\": \"Uuid\"\n        },\n        \"nullable\": true,\n        \"references\": \"users\"\n      }\n    ],\n    \"indexed_columns\": [\n      \"done\"\n    ]\n  }\n}\n";

#[test]
fn appendix_a_corpus_vectors() {
    let a2 = A1.replace(A1_OWNER, "").replace(
        A1_PROJECT,
        &format!("{A1_PROJECT},{}", A1_OWNER.trim_end_matches(',')),
    );
    let a3 = A1.replace(A1_OWNER, "");
    let a5 = A4.replace(A4_DONE, &format!("{A4_DONE}{A5_PRIORITY}"));
    let cases: [(&str, &str, &str); 8] = [
        (
            "#3 A.1",
            A1,
            "3e62c047a8eb6f0c477e5d139340d4881e6fcdb4444f2614cbf537f9896cfd2b",
        ),
        (
            "#4 A.2",
            &a2,
            "ecb3b5cf3d36ae9a65ad6fe9d4d7a7c72fac28506ba2b61f2ccb4ef260e48b3d",
        ),
        (
            "#5 A.3",
            &a3,
            "c2e394d69d065eba7b02b57a0073ede63fe86ad7a48a07952f8c4d1befb942fb",
        ),
        (
            "#6 A.4",
            A4,
            "f6e61ea167659ef5539304b091703260d89ab5cf8ed8abfaac0cff5e745494b6",
        ),
        (
            "#7 A.5",
            &a5,
            "7397018666b62caec50aec43a717042c8a8eb9c73b012cf9c3ff4792525994ec",
        ),
        (
            "#8 A.6",
            A6,
            "3b8a5c8d0c4f806b83e5c89a3ffe1136c527eefcd509a3beedaa931a52856009",
        ),
        (
            "#9 A.7",
            A7,
            "9b92b67b88f389d3b9a26b1a24d3153e53d2fa5684388c1b7bc7173aa8f036be",
        ),
        (
            "#10 A.8",
            A8,
            "0cc888b7a3b5b3dd7893a60b24a18088f4af3393e59cbfce74ab0a5af1efb4f5",
        ),
    ];
    for (label, text, want) in cases {
        assert_eq!(hash_of(text), want, "{label}");
        assert_eq!(to_compact_json(&read(text)), text, "{label} round trip");
    }
}

#[test]
fn appendix_a8_preimage() {
    let want = squeeze(
        "636f756e7465727300 636f756e7400 01 00 00 00 0101 00 |
         746f646f7300 7469746c6500 04 00 00 00 00 00 | 646f6e6500 03 00 00 01 0300 00 00 |
         7461677300 0704 00 00 01 07 0200000000000000 04776f726b00 04686f6d6500 00 00 |
         6d6574616461746100 0b00 00 00 01 04 7b2263726561746564427922 3a22616c696365227d00 00 00 |
         61766174617200 0a 00 00 01 0b 0300000000000000 0001ff 00 00",
    );
    assert_eq!(hex(&preimage(&read(A8))), want);
}

#[test]
fn json_vectors_19_to_38() {
    let ty = |t: &str| format!(r#"{{"type":"{t}"}}"#);
    let cases: Vec<(&str, String, &str)> = vec![
        ("#19", table_t(&[&col("0", &ty("Double"), ""), &col("1", &ty("Integer"), ""), &col("b", &ty("Text"), ""), &col("a", &ty("Boolean"), "")]),
            "74c157aa7a7a2e4696b305dbedbc910faca1e2ef8635de15243fcd44cadb7cc0"),
        ("#20", table_t(&[&col("x", &ty("Double"), ""), &col("y", &ty("Integer"), ""), &col("z", &ty("Boolean"), "")]),
            "a071ca5d73fb94f1595feb9df46edae18755b3206838a3446841f12a5a4e61a9"),
        ("#21", table_t(&[r#"{"name":"a","column_type":{"type":"Text"},"nullable":true}"#, r#"{"name":"b","column_type":{"type":"Text"},"nullable":true}"#]),
            "6a2b0d99893ae3769cf33763d0cdc98fbbe46d51ca35d7d901135e5691fb9880"),
        ("#22", table_t(&[&col("e", r#"{"type":"Enum","variants":["_x","a","A","a_b","a1","ab","b","B","é","Zeta"]}"#, "")]),
            "6862b6ccc53944879e14bef117c531663a15e9dc327c4b3bac6dc9109894521b"),
        ("#23", table_t(&[&col("c", &ty("Double"), r#","default":{"type":"Double","value":0.22323896460701453}"#)]),
            "e3dfe7ddb429cffccca3b4ff5917dd50d2c2bfc041114b59431b3d86d0f2340f"),
        ("#24", table_t(&[&col("j", &ty("Json"), r#","default":{"type":"Text","value":"{\"1\":2,\"b\":1,\"a\":[1e+21,0,0.1,\"é\"]}"}"#)]),
            "d8f9705fe33b6985f9a42aef9d953a61572950a484437972942362e413c06a8b"),
        ("#25", format!(r#"{{"d":{{"columns":[{}]}}}}"#, col("c", r#"{"type":"Json","schema":{"type":"number","x-b":0.00001,"x-a":[1e-7,0.000025,10000000000000000,100000000000000000000,1.5,0,18446744073709552000,0.30000000000000004,-0.000002],"é":"\u0001\"\\/"}}"#, "")),
            "b857cd040adf91a1fa52e7d83112bf9f950e427e2e06bfcd280d5936157bcae5"),
        ("#26", table_t(&[&col("at", &ty("Timestamp"), r#","default":{"type":"Timestamp","value":1767225600000}"#), &col("n", &ty("Timestamp"), r#","default":{"type":"Timestamp","value":0}"#)]),
            "78f4ff3941ed85fd4cba56ae880b651912a2eca697547426bb22cba63895224a"),
        ("#27", table_t(&[&col("b", &ty("Bytea"), r#","default":{"type":"Bytea","value":[0,1,255]}"#)]),
            "7e32d554b008ecd6a47aa1ce7e6af68c7181dbae3e8e32b68ea743e1872de79a"),
        ("#28", format!(r#"{{"c":{{"columns":[{}]}}}}"#, col("n", &ty("Integer"), r#","default":{"type":"Integer","value":0},"merge_strategy":"Counter""#)),
            "6ba379e1ae6f075dbd742b0795657140ef7b749272a9fd4a50bab00329881ecd"),
        ("#29", format!(r#"{{"todos":{{"columns":[{},{},{}],"indexed_columns":["done","title","done"]}}}}"#, col("2", &ty("Integer"), ""), col("title", &ty("Text"), ""), col("done", &ty("Boolean"), "")),
            "25546adf3dd63f6bfccc652d1f987798033cbcd2cebd76eca404f88ced20c2b0"),
        ("#30", table_t(&[&col("r", &ty("Uuid"), r#","default":{"type":"Uuid","value":"0123456789ABCDEF0123456789ABCDEF"},"references":"t""#), &col("q", &ty("Uuid"), r#","default":{"type":"Uuid","value":"01234567-89ab-cdef-0123-456789abcdef"},"references":"t""#)]),
            "754cccd50b1e7acdf9a8469660f9507e7c323abe6c7b26db35a0ef3e42c332d3"),
        ("#31", format!(r#"{{"u":{{"columns":[{},{}]}}}}"#, col("friendsIds", r#"{"type":"Array","element":{"type":"Uuid"}}"#, r#","default":{"type":"Array","value":[]},"references":"u""#), r#"{"name":"m","column_type":{"type":"Array","element":{"type":"Array","element":{"type":"Integer"}}},"nullable":true}"#),
            "6a995adf20cdafd2ef28780c73b95b8683770bf26a7edaefa48b842f6ec9fea3"),
        ("#32", {
            let a = col("a", &ty("Text"), "");
            format!(r#"{{"zeta":{{"columns":[{a}]}},"Alpha":{{"columns":[{a}]}},"10":{{"columns":[{a}]}},"9":{{"columns":[]}}}}"#)
        }, "a132784ef13cae0eb8c851d69350cfc5a867266043eebb9b78d368c84c0a0c32"),
        ("#34", STARTER.replace("}]}}", r#"}],"indexed_columns":["done"]}}"#),
            "c9341efe4bd6d2d4a42023b194c2071389ec870d4bbd1c1e90224ce6cfee1cfa"),
        ("#35", STARTER.replace("}]}}", r#"}],"indexed_columns":[]}}"#),
            "ddee9db5f14c15358f5aa2ae16054bc3e009e69ecd96540da2cd532ed31b5138"),
        ("#36 Double", table_t(&[&col("c", &ty("Double"), "")]),
            "3db9acf6ebaca9c9a463b2a605dbd6ff2a0441ef074af7cdb050edb7f7d0595c"),
        ("#36 Bytea", table_t(&[&col("c", &ty("Bytea"), "")]),
            "3db9acf6ebaca9c9a463b2a605dbd6ff2a0441ef074af7cdb050edb7f7d0595c"),
        ("#37", format!(r#"{{"docs":{{"columns":[{}]}}}}"#, col("data", r#"{"type":"Json","schema":{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"number"}},"required":["b"]}}"#, "")),
            "665ae99c0b27c6e23b780af72417d303973dbccc66af78cd0d7ef61bb44f9eb6"),
        ("#38", table_t(&[
            &col("i", &ty("Integer"), r#","default":{"type":"Integer","value":1}"#),
            &col("f", &ty("Double"), r#","default":{"type":"Double","value":1}"#),
            &col("ts", &ty("Timestamp"), r#","default":{"type":"Timestamp","value":1767225600000}"#),
            r#"{"name":"n","column_type":{"type":"Text"},"nullable":true,"default":{"type":"Null"}}"#,
            r#"{"name":"r","column_type":{"type":"Uuid"},"nullable":true,"default":{"type":"Uuid","value":"00000000-0000-0000-0000-000000000000"},"references":"t"}"#,
            &col("e", r#"{"type":"Enum","variants":["a","b","c"]}"#, r#","default":{"type":"Text","value":"a"}"#),
        ]), "b6530a7d77646b5a7bc07e8f273fa2ab778cfe80425bcc26b272f202d986b1c6"),
        ("#40", r#"{"items":{"columns":[{"name":"count","column_type":{"type":"Integer"},"nullable":false,"merge_strategy":"Counter"},{"name":"tags","column_type":{"type":"Array","element":{"type":"Text"}},"nullable":false,"merge_strategy":"GSet"}]}}"#.to_string(),
            "f006caa457043575799a52d90fa8376e4b86d5a6364baacd16312c5fbf69dcdf"),
    ];
    for (label, text, want) in cases {
        assert_eq!(hash_of(&text), want, "{label}: {text}");
        // The compact writer reproduces the input (modulo table order for #32).
        let again = to_compact_json(&read(&text));
        assert_eq!(hash_of(&again), want, "{label} after a round trip");
    }
}

#[test]
fn vector_39_envelope_nulls_unknown_fields_and_duplicates_hash_like_the_starter() {
    let envelope =
        format!(r#"{{"__jazzRuntimeSchema":1,"schema":{STARTER},"loadedPolicyBundle":true}}"#);
    let noisy = r#"{"todos":{"extra":{"a":[1,2]},"indexed_columns":null,"policies":{"select":{"using":null}},"columns":[{"name":"title","column_type":{"type":"Text","schema":null},"nullable":false,"default":null,"references":null,"merge_strategy":null,"x":1},{"name":"done","column_type":{"type":"Boolean"},"nullable":false}]}}"#;
    let duplicated = format!(
        r#"{{"todos":{{"columns":[]}},"todos":{}}}"#,
        &STARTER[9..STARTER.len() - 1]
    );
    for text in [envelope.as_str(), noisy, duplicated.as_str()] {
        assert_eq!(hash_of(text), STARTER_HASH, "{text}");
        assert_eq!(to_compact_json(&read(text)), STARTER);
    }
}

#[test]
fn vector_41_parse_errors() {
    let with_default = |t: &str, v: &str| {
        table_t(&[&col(
            "c",
            &format!(r#"{{"type":"{t}"}}"#),
            &format!(r#","default":{v}"#),
        )])
    };
    let cases = [
        STARTER.replace("}]}}", r#"}],"policies":null}}"#),
        with_default("Integer", r#"{"type":"Integer","value":1.5}"#),
        with_default("Timestamp", r#"{"type":"Timestamp","value":-1}"#),
    ];
    for text in cases {
        assert!(from_json_text(&text).is_err(), "accepted {text}");
    }
}

/// Every corpus app: `expected/schema.json` reads back and re-prints byte for byte, and hashes
/// to `expected/hash.txt`.
#[test]
fn corpus_apps_round_trip_and_hash() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut checked = 0;
    let entries = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut apps: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    apps.sort();
    for app in apps {
        let expected = app.join("expected");
        if app.file_name().is_some_and(|n| n == "errors") || !expected.join("schema.json").is_file()
        {
            continue;
        }
        let read_text = |name: &str| {
            std::fs::read_to_string(expected.join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", app.display()))
        };
        let json = read_text("schema.json");
        let schema = read(&json);
        assert_eq!(
            to_pretty_json(&schema),
            json,
            "{}: pretty JSON",
            app.display()
        );
        assert_eq!(
            schema_hash(&schema).to_hex(),
            read_text("hash.txt").trim(),
            "{}: hash",
            app.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 6,
        "only {checked} corpus apps found under {}",
        root.display()
    );
}
