//! Large and malformed schema publishes: table and column
//! names with control characters get 400, a schema over the table limit gets 413, and heavy
//! publishes run off the executor, so `/health` keeps answering while they are checked.

mod support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jazz_engine::catalogue::request::MAX_SCHEMA_TABLES;
use support::*;

fn error_of(body: &str) -> String {
    json(body)["error"].as_str().unwrap_or_default().to_string()
}

/// A schema of `n` tables `t<i><suffix>` with one column each.
fn tables(n: usize, suffix: &str) -> String {
    let mut out = String::from("{");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#""t{i}{suffix}":{{"columns":[{{"name":"c","column_type":{{"type":"Text"}},"nullable":false}}]}}"#
        );
    }
    out.push('}');
    out
}

#[test]
fn control_characters_in_names_get_400() {
    let s = start(config(Some(SECRET)), None);
    let path = app("/admin/schemas");
    let col = |name: &str| {
        format!(
            r#"{{"columns":[{{"name":"{name}","column_type":{{"type":"Text"}},"nullable":false}}]}}"#
        )
    };
    let plain = format!(r#"{{"a":{},"b":{}}}"#, col("x"), col("y"));
    let (status, body) = post(&s.base, &path, Some(SECRET), &schema_body(&plain));
    assert_eq!(status, 201, "{body}");
    let nul_table = format!(r#"{{"a\u0000b":{}}}"#, col("x"));
    let (status, body) = post(&s.base, &path, Some(SECRET), &schema_body(&nul_table));
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        error_of(&body),
        "invalid schema: table name \"a\\u0000b\" contains the control character U+0000"
    );
    for name in [
        "x\\u0000y",
        "tab\\there",
        "bell\\u0007",
        "del\\u007f",
        "c1\\u0085",
    ] {
        let (status, body) = post(
            &s.base,
            &path,
            Some(SECRET),
            &schema_body(&format!(r#"{{"todos":{}}}"#, col(name))),
        );
        assert_eq!(status, 400, "{name}: {body}");
        assert!(
            error_of(&body).starts_with("invalid schema: table \"todos\": name "),
            "{name}: {body}"
        );
    }
    // Nothing refused was stored.
    let (_, listed) = get(&s.base, &app("/schemas"), Some(SECRET));
    assert_eq!(json(&listed)["hashes"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_schema_over_the_table_limit_gets_413() {
    let s = start(config(Some(SECRET)), None);
    let mut big = String::from("{");
    for i in 0..=MAX_SCHEMA_TABLES {
        if i > 0 {
            big.push(',');
        }
        let _ = write!(big, r#""t{i}":{{"columns":[]}}"#);
    }
    big.push('}');
    let (status, body) = post(
        &s.base,
        &app("/admin/schemas"),
        Some(SECRET),
        &schema_body(&big),
    );
    assert_eq!(status, 413, "{}", &body[..body.len().min(300)]);
    assert_eq!(
        error_of(&body),
        format!(
            "schema too large: {} tables (limit {MAX_SCHEMA_TABLES})",
            MAX_SCHEMA_TABLES + 1
        )
    );
    assert_eq!(get(&s.base, "/health", None).0, 200);
}

#[test]
fn health_answers_while_large_schemas_are_published() {
    // One executor thread: publish work on it would hold every other request.
    let s = Arc::new(start_with_workers(config(Some(SECRET)), None, 1));
    let done = Arc::new(AtomicUsize::new(0));
    let publishes: Vec<_> = ["_a", "_b"]
        .into_iter()
        .map(|suffix| {
            let (s, done) = (s.clone(), done.clone());
            let body = schema_body(&tables(40_000, suffix));
            std::thread::spawn(move || {
                let (status, answer) = post(&s.base, &app("/admin/schemas"), Some(SECRET), &body);
                done.fetch_add(1, Ordering::SeqCst);
                (status, answer)
            })
        })
        .collect();
    // /health keeps answering throughout (the deadline is a hang guard).
    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut answered = 0;
    while done.load(Ordering::SeqCst) < 2 {
        let health = impatient
            .get(format!("{}/health", s.base))
            .call()
            .map(|r| r.status().as_u16());
        assert_eq!(health.ok(), Some(200));
        answered += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(answered > 0);
    for p in publishes {
        let (status, answer) = p.join().expect("publish thread");
        assert_eq!(status, 201, "{}", &answer[..answer.len().min(300)]);
    }
}
