//! The exact bytes of every admin route's answers, success and error, over real HTTP: key
//! order, number formatting and escaping are part of the upstream-compatible API, so a change in
//! how the server builds JSON shows up here. Only `publishedAt` (wall-clock milliseconds) is
//! masked.

mod support;

use support::*;

/// One line per exchange: `METHOD path -> status content-type body`. The expected transcripts
/// at the end of this file were recorded from the server before its JSON writing was
/// consolidated in `server/wire.rs`.
struct Transcript {
    base: String,
    lines: Vec<String>,
}

impl Transcript {
    /// Adds the line of one exchange and returns the answer's body.
    fn record(&mut self, method: &str, path: &str, answer: (u16, String, String)) -> String {
        let (status, ctype, body) = answer;
        self.lines.push(format!(
            "{method} {path} -> {status} {ctype} {}",
            mask_published_at(&body)
        ));
        body
    }

    fn get(&mut self, path: &str, secret: Option<&str>) -> String {
        let mut r = agent().get(format!("{}{path}", self.base));
        if let Some(s) = secret {
            r = r.header("X-Jazz-Admin-Secret", s);
        }
        self.record("GET", path, parts(r.call().expect("request")))
    }

    fn post(&mut self, path: &str, body: &str) -> String {
        self.post_typed(path, "application/json", body)
    }

    fn post_typed(&mut self, path: &str, ctype: &str, body: &str) -> String {
        let resp = agent()
            .post(format!("{}{path}", self.base))
            .header("Content-Type", ctype)
            .header("X-Jazz-Admin-Secret", SECRET)
            .send(body)
            .expect("request");
        self.record("POST", path, parts(resp))
    }
}

/// `"publishedAt":<digits>` becomes `"publishedAt":<ms>`.
fn mask_published_at(body: &str) -> String {
    const KEY: &str = "\"publishedAt\":";
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        rest = rest[i + KEY.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str("<ms>");
    }
    out.push_str(rest);
    out
}

#[test]
fn every_answer_is_byte_identical_to_the_recorded_one() {
    let s = start(config(Some(SECRET)), None);
    let mut t = Transcript {
        base: s.base.clone(),
        lines: Vec::new(),
    };
    let none = "0".repeat(64);

    t.get("/health", None);
    t.get("/nope", None);
    t.get("/apps/other/schemas", Some(SECRET));
    t.get(&app("/schemas"), None);
    t.get(&app("/schemas"), Some("wrong"));
    t.post(&app("/schemas"), "{}");
    t.get(&app("/ws"), None);
    t.get(&app("/schemas"), Some(SECRET));
    t.get(&app("/admin/permissions/head"), Some(SECRET));
    t.get(&app("/admin/permissions"), Some(SECRET));

    // Schemas.
    let schemas = app("/admin/schemas");
    t.post(&schemas, &schema_body(SCHEMA_V1));
    t.post(&schemas, &schema_body(SCHEMA_V2));
    t.post(&schemas, "{not json");
    t.post(&schemas, &format!("{}{}", "[".repeat(200), "]".repeat(200)));
    t.post(&schemas, "[1]");
    t.post(&schemas, r#"{"schema":{"todos":5}}"#);
    t.post(&schemas, r#"{"schema":"{"}"#);
    t.post(&schemas, r#"{"permissions":null}"#);
    t.post(
        &schemas,
        &format!(r#"{{"schema":{SCHEMA_V1},"permissions":{{}}}}"#),
    );
    t.post(
        &schemas,
        r#"{"schema":{"to\u0007dos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}}}"#,
    );
    let escaped = t.post(
        &schemas,
        r#"{"schema":{"todos":{"columns":[{"name":"ti\"tle\" é\u00e9/\\","column_type":{"type":"Text"},"nullable":false}]}}}"#,
    );
    let v3 = json(&escaped)["hash"].as_str().expect("hash").to_string();
    t.post_typed(&schemas, "text/plain", &schema_body(SCHEMA_V1));
    let listed = t.get(&app("/schemas"), Some(SECRET));
    let hashes: Vec<String> = json(&listed)["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect();
    let (v1, v2) = (
        support::publish_schema(&s.base, SCHEMA_V1),
        support::publish_schema(&s.base, SCHEMA_V2),
    );
    assert!(hashes.contains(&v1) && hashes.contains(&v2), "{listed}");
    t.get(
        &app(&format!("/schema/{}", v1.to_uppercase())),
        Some(SECRET),
    );
    t.get(&app(&format!("/schema/{v3}")), Some(SECRET));
    t.get(&app(&format!("/schema/{none}")), Some(SECRET));
    t.get(&app("/schema/xyz"), Some(SECRET));
    t.get(&app("/schema/abc"), Some(SECRET));

    // Connectivity.
    let conn = |from: &str, to: &str| {
        app(&format!(
            "/admin/schema-connectivity?fromHash={from}&toHash={to}"
        ))
    };
    t.get(&conn(&v1, &v2), Some(SECRET));
    t.get(
        &app(&format!("/admin/schema-connectivity?fromHash={v1}")),
        Some(SECRET),
    );
    t.get(&conn(&v1, "zz"), Some(SECRET));

    // Migrations.
    let migrations = app("/admin/migrations");
    let lens = |from: &str, to: &str, forward: &str| {
        format!(r#"{{"fromHash":"{from}","toHash":"{to}","forward":{forward}}}"#)
    };
    let add_done = r#"[{"table":"todos","operations":[{"type":"introduce","column":"done","column_type":{"type":"Boolean"},"value":{"type":"Boolean","value":false}}]}]"#;
    t.post(&migrations, &lens(&v1, &v2, add_done));
    t.post(&migrations, &lens(&v1, &v2, add_done));
    t.post(&migrations, &lens(&none, &v2, "[]"));
    t.post(&migrations, &lens(&v1, &none, "[]"));
    for refused in [
        r#"[{"table":"ghost","added":true}]"#,
        r#"[{"table":"ghost","removed":true}]"#,
        r#"[{"table":"todos","added":true,"removed":true}]"#,
        r#"[{"table":"todos","operations":[{"type":"zap","column":"x"}]}]"#,
    ] {
        t.post(&migrations, &lens(&v1, &v2, refused));
    }
    t.post(
        &migrations,
        &format!(r#"{{"fromHash":"{v1}","toHash":"{v2}"}}"#),
    );
    t.post(
        &migrations,
        &format!(r#"{{"fromHash":7,"toHash":"{v2}","forward":[]}}"#),
    );
    t.get(&conn(&v2, &v1), Some(SECRET));

    // Permissions.
    let permissions = app("/admin/permissions");
    let publish = |hash: &str, using: &str, parent: &str| {
        format!(
            r#"{{"schemaHash":"{hash}","permissions":{{"todos":{{"select":{{"using":{{"type":"{using}"}}}}}}}},"expectedParentBundleObjectId":{parent}}}"#
        )
    };
    let first = t.post(&permissions, &publish(&v1, "True", "null"));
    let first_id = json(&first)["head"]["bundleObjectId"]
        .as_str()
        .expect("bundle id")
        .to_string();
    t.post(&permissions, &publish(&v1, "False", "null"));
    t.post(&permissions, &publish(&v1, "False", r#""not-a-uuid""#));
    t.post(&permissions, &publish(&none, "False", "null"));
    t.post(
        &permissions,
        &publish(&v1, "Nope", &format!(r#""{first_id}""#)),
    );
    t.post(
        &permissions,
        &format!(r#"{{"schemaHash":"{v1}","permissions":[1]}}"#),
    );
    t.post(&permissions, &format!(r#"{{"schemaHash":"{v1}"}}"#));
    t.post(
        &permissions,
        &publish(&v2, "False", &format!(r#""{first_id}""#)),
    );
    t.get(&app("/admin/permissions/head"), Some(SECRET));
    t.get(&app("/admin/permissions"), Some(SECRET));

    let transcript = t.lines.join("\n");
    let transcript = transcript
        .replace(APP, "<app>")
        .replace(&v1.to_uppercase(), "<V1>")
        .replace(&v1, "<v1>")
        .replace(&v2, "<v2>")
        .replace(&v3, "<v3>");
    assert_eq!(transcript, EXPECTED, "\n{transcript}\n");
}

#[test]
fn size_limit_answers_are_byte_identical() {
    let mut c = config(Some(SECRET));
    c.max_body_bytes = 1024;
    let s = start(c, None);
    let mut t = Transcript {
        base: s.base.clone(),
        lines: Vec::new(),
    };
    t.post(&app("/admin/schemas"), &" ".repeat(2048));
    let open = start(config(None), None);
    t.base = open.base.clone();
    t.get(&app("/schemas"), Some(SECRET));
    assert_eq!(t.lines.join("\n").replace(APP, "<app>"), EXPECTED_LIMITS);
}

const EXPECTED: &str = r##"GET /health -> 200 application/json {"status":"healthy"}
GET /nope -> 404 application/json {"error":"not found: /nope","code":"not_found"}
GET /apps/other/schemas -> 404 application/json {"error":"app not found: other","code":"not_found"}
GET /apps/<app>/schemas -> 401 application/json {"error":"Admin secret required for this operation","code":"unauthorized"}
GET /apps/<app>/schemas -> 401 application/json {"error":"Invalid admin secret","code":"unauthorized"}
POST /apps/<app>/schemas -> 405 application/json {"error":"method not allowed","code":"bad_request"}
GET /apps/<app>/ws -> 501 application/json {"error":"this is jazz's catalogue server (schemas and permissions only); it does not sync app data. Run `jazz dev --engine upstream` in a project with jazz-tools installed to get the real Jazz engine","code":"incompatible_protocol"}
GET /apps/<app>/schemas -> 200 application/json {"hashes":[],"schemas":[]}
GET /apps/<app>/admin/permissions/head -> 200 application/json {"head":null}
GET /apps/<app>/admin/permissions -> 200 application/json {"head":null,"permissions":null}
POST /apps/<app>/admin/schemas -> 201 application/json {"objectId":"cb32c871-b943-586a-807a-5e39ab3205f4","hash":"<v1>"}
POST /apps/<app>/admin/schemas -> 201 application/json {"objectId":"3c7cdf3d-6747-5518-8f28-9d70e62c4276","hash":"<v2>"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid JSON body: expected a property name at byte 1","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid JSON body: nesting deeper than 128 levels","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid request body: expected a JSON object","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid schema at \"todos\": expected an object","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid schema: expected an object of tables","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid schema: missing field `schema`","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"schema publishing no longer accepts permissions; publish permissions via POST /admin/permissions","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 400 application/json {"error":"invalid schema: table name \"to\\u0007dos\" contains the control character U+0007","code":"bad_request"}
POST /apps/<app>/admin/schemas -> 201 application/json {"objectId":"31914c0c-1696-5a00-a9d7-07501080600d","hash":"<v3>"}
POST /apps/<app>/admin/schemas -> 415 application/json {"error":"expected Content-Type: application/json","code":"bad_request"}
GET /apps/<app>/schemas -> 200 application/json {"hashes":["<v1>","<v2>","<v3>"],"schemas":[{"hash":"<v1>","publishedAt":<ms>},{"hash":"<v2>","publishedAt":<ms>},{"hash":"<v3>","publishedAt":<ms>}]}
GET /apps/<app>/schema/<V1> -> 200 application/json {"schema":{"todos":{"columns":[{"name":"title","column_type":{"type":"Text"},"nullable":false}]}},"publishedAt":<ms>}
GET /apps/<app>/schema/<v3> -> 200 application/json {"schema":{"todos":{"columns":[{"name":"ti\"tle\" éé/\\","column_type":{"type":"Text"},"nullable":false}]}},"publishedAt":<ms>}
GET /apps/<app>/schema/0000000000000000000000000000000000000000000000000000000000000000 -> 404 application/json {"error":"schema catalogue not found for hash 0000000000000000000000000000000000000000000000000000000000000000","code":"not_found"}
GET /apps/<app>/schema/xyz -> 400 application/json {"error":"invalid schema hash: expected hex string","code":"bad_request"}
GET /apps/<app>/schema/abc -> 400 application/json {"error":"invalid schema hash: expected 64 hex chars","code":"bad_request"}
GET /apps/<app>/admin/schema-connectivity?fromHash=<v1>&toHash=<v2> -> 200 application/json {"connected":false}
GET /apps/<app>/admin/schema-connectivity?fromHash=<v1> -> 400 application/json {"error":"missing query parameter toHash","code":"bad_request"}
GET /apps/<app>/admin/schema-connectivity?fromHash=<v1>&toHash=zz -> 400 application/json {"error":"invalid schema hash: expected hex string","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 201 application/json {"objectId":"f68c8ff6-776f-524c-a0f2-a76fa331d600","fromHash":"<v1>","toHash":"<v2>"}
POST /apps/<app>/admin/migrations -> 201 application/json {"objectId":"f68c8ff6-776f-524c-a0f2-a76fa331d600","fromHash":"<v1>","toHash":"<v2>"}
POST /apps/<app>/admin/migrations -> 404 application/json {"error":"source schema catalogue not found for hash 0000000000000000000000000000000000000000000000000000000000000000","code":"not_found"}
POST /apps/<app>/admin/migrations -> 404 application/json {"error":"target schema catalogue not found for hash 0000000000000000000000000000000000000000000000000000000000000000","code":"not_found"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"createTables references unknown target table ghost","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"dropTables references unknown source table ghost","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"table todos cannot be both added and removed","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"invalid request body: operation on table todos: `type` must be introduce, drop or rename","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"invalid request body: missing field `forward`","code":"bad_request"}
POST /apps/<app>/admin/migrations -> 400 application/json {"error":"invalid request body: field `fromHash` must be a string","code":"bad_request"}
GET /apps/<app>/admin/schema-connectivity?fromHash=<v2>&toHash=<v1> -> 200 application/json {"connected":true}
POST /apps/<app>/admin/permissions -> 201 application/json {"head":{"schemaHash":"<v1>","version":1,"parentBundleObjectId":null,"bundleObjectId":"d299fc9e-6f38-5a85-8a13-d45e44e87305"}}
POST /apps/<app>/admin/permissions -> 409 application/json {"error":"stale permissions parent: expected none, current d299fc9e-6f38-5a85-8a13-d45e44e87305","code":"bad_request"}
POST /apps/<app>/admin/permissions -> 400 application/json {"error":"invalid object id: expected UUID","code":"bad_request"}
POST /apps/<app>/admin/permissions -> 404 application/json {"error":"target schema catalogue not found for hash 0000000000000000000000000000000000000000000000000000000000000000","code":"not_found"}
POST /apps/<app>/admin/permissions -> 400 application/json {"error":"invalid permissions: unknown policy expression type \"Nope\"","code":"bad_request"}
POST /apps/<app>/admin/permissions -> 400 application/json {"error":"invalid permissions: expected an object of tables","code":"bad_request"}
POST /apps/<app>/admin/permissions -> 400 application/json {"error":"invalid permissions: missing field `permissions`","code":"bad_request"}
POST /apps/<app>/admin/permissions -> 201 application/json {"head":{"schemaHash":"<v2>","version":2,"parentBundleObjectId":"d299fc9e-6f38-5a85-8a13-d45e44e87305","bundleObjectId":"0074d6a5-9e2c-56b0-94df-f5eb52ca008a"}}
GET /apps/<app>/admin/permissions/head -> 200 application/json {"head":{"schemaHash":"<v2>","version":2,"parentBundleObjectId":"d299fc9e-6f38-5a85-8a13-d45e44e87305","bundleObjectId":"0074d6a5-9e2c-56b0-94df-f5eb52ca008a"}}
GET /apps/<app>/admin/permissions -> 200 application/json {"head":{"schemaHash":"<v2>","version":2,"parentBundleObjectId":"d299fc9e-6f38-5a85-8a13-d45e44e87305","bundleObjectId":"0074d6a5-9e2c-56b0-94df-f5eb52ca008a"},"permissions":{"todos":{"select":{"using":{"type":"False"},"with_check":null},"insert":{"using":null,"with_check":null},"update":{"using":null,"with_check":null},"delete":{"using":null,"with_check":null}}}}"##;

const EXPECTED_LIMITS: &str = r##"POST /apps/<app>/admin/schemas -> 413 application/json {"error":"request body too large (limit 1024 bytes)","code":"bad_request"}
GET /apps/<app>/schemas -> 403 application/json {"error":"Admin auth not configured","code":"unauthorized"}"##;
