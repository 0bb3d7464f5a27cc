//! Every admin route over real HTTP against a real server on loopback: success bodies and the 400,
//! 401, 403, 404, 405, 409, 413, 415 and 501 answers.

mod support;

use jazz_schema_compiler::schema::schema_hash;
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use support::*;

fn error_of(body: &str) -> (String, String) {
    let v = json(body);
    (
        v["error"].as_str().unwrap_or_default().to_string(),
        v["code"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn health_and_routing_errors() {
    let s = start(config(Some(SECRET)), None);
    assert_eq!(
        get(&s.base, "/health", None),
        (200, r#"{"status":"healthy"}"#.to_string())
    );
    let (status, body) = get(&s.base, "/nope", None);
    assert_eq!(status, 404);
    assert_eq!(
        error_of(&body),
        ("not found: /nope".into(), "not_found".into())
    );
    let (status, body) = get(
        &s.base,
        "/apps/00000000-0000-0000-0000-000000000009/schemas",
        Some(SECRET),
    );
    assert_eq!(status, 404);
    assert!(body.contains("app not found"), "{body}");
    // The app id is compared case-insensitively.
    let (status, _) = get(
        &s.base,
        &format!("/apps/{}/schemas", APP.to_uppercase()),
        Some(SECRET),
    );
    assert_eq!(status, 200);
    let (status, body) = post(&s.base, &app("/schemas"), Some(SECRET), "{}");
    assert_eq!(status, 405, "{body}");
    assert_eq!(error_of(&body).1, "bad_request");
    let pre = agent()
        .options(format!("{}{}", s.base, app("/admin/schemas")))
        .header("Origin", "http://localhost:5173")
        .call()
        .expect("preflight");
    assert_eq!(pre.status().as_u16(), 204);
    let allowed = pre
        .headers()
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(allowed.contains("x-jazz-admin-secret"), "{allowed}");
    let (status, body) = get(&s.base, &app("/ws"), None);
    assert_eq!(status, 501);
    assert_eq!(error_of(&body).1, "incompatible_protocol");
    assert!(
        error_of(&body).0.contains("jazz dev --engine upstream"),
        "{body}"
    );
}

#[test]
fn admin_auth_rules() {
    let s = start(config(Some(SECRET)), None);
    let (status, body) = get(&s.base, &app("/schemas"), None);
    assert_eq!(status, 401);
    assert_eq!(
        error_of(&body),
        (
            "Admin secret required for this operation".into(),
            "unauthorized".into()
        )
    );
    let (status, body) = get(&s.base, &app("/schemas"), Some("wrong"));
    assert_eq!(status, 401);
    assert_eq!(error_of(&body).0, "Invalid admin secret");
    let (status, body) = post(
        &s.base,
        &app("/admin/schemas"),
        None,
        &schema_body(SCHEMA_V1),
    );
    assert_eq!(status, 401, "{body}");

    let open = start(config(None), None);
    let (status, body) = get(&open.base, &app("/admin/permissions/head"), Some(SECRET));
    assert_eq!(status, 403);
    assert_eq!(
        error_of(&body),
        ("Admin auth not configured".into(), "unauthorized".into())
    );
}

#[test]
fn schemas_publish_list_fetch() {
    let s = start(config(Some(SECRET)), None);
    let (status, body) = get(&s.base, &app("/schemas"), Some(SECRET));
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"hashes":[],"schemas":[]}"#)
    );

    let expected = schema_hash(&from_json_text(SCHEMA_V1).expect("schema")).to_hex();
    let (status, body) = post(
        &s.base,
        &app("/admin/schemas"),
        Some(SECRET),
        &schema_body(SCHEMA_V1),
    );
    assert_eq!(status, 201, "{body}");
    assert!(
        body.starts_with(r#"{"objectId":""#),
        "upstream key order: {body}"
    );
    let first = json(&body);
    assert_eq!(first["hash"], expected.as_str());
    assert_eq!(first["objectId"].as_str().map(str::len), Some(36));
    // Idempotent: same ids, publishedAt unchanged.
    let (_, listed) = get(&s.base, &app("/schemas"), Some(SECRET));
    let (status, again) = post(
        &s.base,
        &app("/admin/schemas"),
        Some(SECRET),
        &schema_body(SCHEMA_V1),
    );
    assert_eq!((status, json(&again)), (201, first));
    assert_eq!(get(&s.base, &app("/schemas"), Some(SECRET)).1, listed);
    let listed = json(&listed);
    assert_eq!(listed["hashes"][0], expected.as_str());
    assert_eq!(listed["schemas"][0]["hash"], expected.as_str());

    let (status, body) = get(
        &s.base,
        &app(&format!("/schema/{}", expected.to_uppercase())),
        Some(SECRET),
    );
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    assert_eq!(v["schema"], json(SCHEMA_V1));
    assert!(v["publishedAt"].as_u64().is_some());

    let (status, body) = get(
        &s.base,
        &app(&format!("/schema/{}", "0".repeat(64))),
        Some(SECRET),
    );
    assert_eq!(status, 404);
    assert!(
        error_of(&body)
            .0
            .starts_with("schema catalogue not found for hash")
    );
    let (status, body) = get(&s.base, &app("/schema/xyz"), Some(SECRET));
    assert_eq!(status, 400);
    assert_eq!(
        error_of(&body).0,
        "invalid schema hash: expected hex string"
    );
    let (status, body) = get(&s.base, &app("/schema/abc"), Some(SECRET));
    assert_eq!(status, 400);
    assert_eq!(
        error_of(&body).0,
        "invalid schema hash: expected 64 hex chars"
    );
}

#[test]
fn schema_publish_rejections() {
    let s = start(config(Some(SECRET)), None);
    let path = app("/admin/schemas");
    let (status, body) = post(&s.base, &path, Some(SECRET), "{not json");
    assert_eq!(status, 400);
    let (msg, code) = error_of(&body);
    assert!(msg.starts_with("invalid JSON body:"), "{msg}");
    assert_eq!(code, "bad_request");
    let (status, body) = post(&s.base, &path, Some(SECRET), r#"{"schema":{"todos":5}}"#);
    assert_eq!(status, 400);
    assert!(error_of(&body).0.starts_with("invalid schema"), "{body}");
    let with_perms = format!(r#"{{"schema":{SCHEMA_V1},"permissions":{{}}}}"#);
    let (status, body) = post(&s.base, &path, Some(SECRET), &with_perms);
    assert_eq!(status, 400);
    assert!(
        error_of(&body)
            .0
            .starts_with("schema publishing no longer accepts permissions")
    );
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert_eq!(post(&s.base, &path, Some(SECRET), &deep).0, 400);

    // Wrong Content-Type.
    let resp = agent()
        .post(format!("{}{path}", s.base))
        .header("X-Jazz-Admin-Secret", SECRET)
        .header("Content-Type", "text/plain")
        .send("{}")
        .expect("request");
    assert_eq!(resp.status().as_u16(), 415);
}

#[test]
fn oversized_bodies_get_413() {
    let mut c = config(Some(SECRET));
    c.max_body_bytes = 1024;
    let s = start(c, None);
    let big = format!(r#"{{"schema":{{}},"pad":"{}"}}"#, "x".repeat(4096));
    let (status, body) = post(&s.base, &app("/admin/schemas"), Some(SECRET), &big);
    assert_eq!(status, 413);
    assert_eq!(
        error_of(&body),
        (
            "request body too large (limit 1024 bytes)".into(),
            "bad_request".into()
        )
    );
    // The server is still fine afterwards.
    assert_eq!(get(&s.base, "/health", None).0, 200);
}

#[test]
fn lenses_and_connectivity() {
    let s = start(config(Some(SECRET)), None);
    let v1 = publish_schema(&s.base, SCHEMA_V1);
    let v2 = publish_schema(&s.base, SCHEMA_V2);
    let conn = |a: &str, b: &str| {
        let (status, body) = get(
            &s.base,
            &app(&format!(
                "/admin/schema-connectivity?fromHash={a}&toHash={b}"
            )),
            Some(SECRET),
        );
        assert_eq!(status, 200, "{body}");
        json(&body)["connected"].as_bool().expect("bool")
    };
    assert!(!conn(&v1, &v2));
    assert!(conn(&v1, &v1));
    assert!(!conn(&"1".repeat(64), &"1".repeat(64)));
    let (status, body) = get(
        &s.base,
        &app(&format!("/admin/schema-connectivity?fromHash={v1}")),
        Some(SECRET),
    );
    assert_eq!(status, 400);
    assert_eq!(error_of(&body).0, "missing query parameter toHash");

    let lens = format!(
        r#"{{"fromHash":"{v1}","toHash":"{v2}","forward":[{{"table":"todos","operations":[{{"type":"introduce","column":"done","column_type":{{"type":"Boolean"}},"value":{{"type":"Boolean","value":false}}}}]}}]}}"#
    );
    let path = app("/admin/migrations");
    let (status, body) = post(&s.base, &path, Some(SECRET), &lens);
    assert_eq!(status, 201, "{body}");
    let first = json(&body);
    assert_eq!(first["fromHash"], v1.as_str());
    assert_eq!(first["toHash"], v2.as_str());
    assert_eq!(json(&post(&s.base, &path, Some(SECRET), &lens).1), first);
    assert!(conn(&v2, &v1));

    let unknown = lens.replace(&v2, &"2".repeat(64));
    let (status, body) = post(&s.base, &path, Some(SECRET), &unknown);
    assert_eq!(status, 404);
    assert!(
        error_of(&body)
            .0
            .starts_with("target schema catalogue not found")
    );
    let bad = format!(
        r#"{{"fromHash":"{v1}","toHash":"{v2}","forward":[{{"table":"ghosts","added":true}}]}}"#
    );
    let (status, body) = post(&s.base, &path, Some(SECRET), &bad);
    assert_eq!(status, 400);
    assert_eq!(
        error_of(&body).0,
        "createTables references unknown target table ghosts"
    );
    let (status, _) = post(&s.base, &path, Some(SECRET), "[1,");
    assert_eq!(status, 400);
}

#[test]
fn permissions_head_chain_and_conflicts() {
    let s = start(config(Some(SECRET)), None);
    let v1 = publish_schema(&s.base, SCHEMA_V1);
    assert_eq!(
        get(&s.base, &app("/admin/permissions/head"), Some(SECRET)),
        (200, r#"{"head":null}"#.to_string())
    );
    assert_eq!(
        get(&s.base, &app("/admin/permissions"), Some(SECRET)),
        (200, r#"{"head":null,"permissions":null}"#.to_string())
    );
    let path = app("/admin/permissions");
    let body = |parent: &str, using: &str| {
        format!(
            r#"{{"schemaHash":"{v1}","permissions":{{"todos":{{"select":{{"using":{{"type":"{using}"}}}}}}}},"expectedParentBundleObjectId":{parent}}}"#
        )
    };
    let (status, first) = post(&s.base, &path, Some(SECRET), &body("null", "True"));
    assert_eq!(status, 201, "{first}");
    assert!(first.starts_with(r#"{"head":{"schemaHash":""#), "{first}");
    let head1 = json(&first)["head"].clone();
    assert_eq!(head1["version"], 1);
    assert_eq!(head1["parentBundleObjectId"], serde_json::Value::Null);
    assert_eq!(head1["schemaHash"], v1.as_str());
    let id1 = head1["bundleObjectId"].as_str().expect("id").to_string();

    // Same content, same parent: stale now (the head moved) -> 409.
    let (status, stale) = post(&s.base, &path, Some(SECRET), &body("null", "True"));
    assert_eq!(status, 409);
    let (msg, code) = error_of(&stale);
    assert!(msg.starts_with("stale permissions parent"), "{msg}");
    assert_eq!(code, "bad_request");

    // Dedupe: identical content on the current head keeps the head.
    let (status, same) = post(
        &s.base,
        &path,
        Some(SECRET),
        &body(&format!("\"{id1}\""), "True"),
    );
    assert_eq!((status, json(&same)["head"].clone()), (201, head1.clone()));

    let (status, second) = post(
        &s.base,
        &path,
        Some(SECRET),
        &body(&format!("\"{id1}\""), "False"),
    );
    assert_eq!(status, 201, "{second}");
    let head2 = json(&second)["head"].clone();
    assert_eq!(head2["version"], 2);
    assert_eq!(head2["parentBundleObjectId"], id1.as_str());

    let (status, full) = get(&s.base, &path, Some(SECRET));
    assert_eq!(status, 200);
    let full = json(&full);
    assert_eq!(full["head"], head2);
    assert_eq!(
        full["permissions"]["todos"]["select"],
        serde_json::json!({"using":{"type":"False"},"with_check":null})
    );
    assert_eq!(
        full["permissions"]["todos"]["insert"],
        serde_json::json!({"using":null,"with_check":null})
    );

    let other = body("null", "True").replace(&v1, &"3".repeat(64));
    let (status, msg) = post(&s.base, &path, Some(SECRET), &other);
    assert_eq!(status, 404);
    assert!(
        error_of(&msg)
            .0
            .starts_with("target schema catalogue not found")
    );
    let bad_id = body("\"not-a-uuid\"", "True");
    let (status, msg) = post(&s.base, &path, Some(SECRET), &bad_id);
    assert_eq!(
        (status, error_of(&msg).0.as_str()),
        (400, "invalid object id: expected UUID")
    );
    let bad_perms = format!(r#"{{"schemaHash":"{v1}","permissions":[1]}}"#);
    let (status, msg) = post(&s.base, &path, Some(SECRET), &bad_perms);
    assert_eq!(status, 400);
    assert!(error_of(&msg).0.starts_with("invalid permissions"));
}

#[test]
fn concurrent_permission_publishes_have_one_winner() {
    let s = start(config(Some(SECRET)), None);
    let v1 = publish_schema(&s.base, SCHEMA_V1);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let base = s.base.clone();
                let v1 = v1.clone();
                scope.spawn(move || {
                    let body = format!(
                        r#"{{"schemaHash":"{v1}","permissions":{{"t{i}":{{"select":{{"using":{{"type":"True"}}}}}}}},"expectedParentBundleObjectId":null}}"#
                    );
                    post(&base, &app("/admin/permissions"), Some(SECRET), &body).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
}
