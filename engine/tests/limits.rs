//! Connection-level limits over a raw socket: headers beyond
//! 32 KiB get 431, a body slower than the body timeout gets 408, and failed admin logins are
//! throttled without delaying anything else; the server keeps serving.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use support::*;

fn raw(base: &str, request: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn oversized_headers_get_431() {
    let s = start(config(Some(SECRET)), None);
    let big = "x".repeat(40 * 1024);
    let answer = raw(
        &s.base,
        &format!(
            "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        answer.lines().next().unwrap_or("")
    );
    let ok = raw(
        &s.base,
        "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

/// Sends `head` (request line and headers) and the first bytes of a longer body, then waits
/// for the server's answer. `patience` is a hang guard, never a latency assertion.
fn slow_body(base: &str, head: &str, patience: Duration) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(patience)).expect("timeout");
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(b"{\"schema\":").expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn an_authenticated_slow_body_gets_408_and_the_connection_is_closed() {
    let mut c = config(Some(SECRET));
    c.body_timeout = Duration::from_millis(300);
    let s = start(c, None);
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: localhost\r\nX-Jazz-Admin-Secret: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
        app("/admin/schemas")
    );
    let answer = slow_body(&s.base, &head, Duration::from_secs(30));
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "{}",
        answer.lines().next().unwrap_or("<no answer>")
    );
    assert!(
        answer
            .contains(r#"{"error":"request body not received within 0.3 s","code":"bad_request"}"#),
        "{answer}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    // The server goes on serving.
    assert_eq!(get(&s.base, "/health", None).0, 200);
}

#[test]
fn only_failed_logins_are_throttled_and_parallel_guesses_are_bounded() {
    let mut c = config(Some(SECRET));
    // Long enough that any delayed request would trip the hang guards below.
    c.auth_failure_delay = Duration::from_secs(120);
    let s = start(c, None);
    for _ in 0..10 {
        assert_eq!(get(&s.base, &app("/schemas"), Some("wrong")).0, 401);
    }
    // Over the limit now. The right secret and /health are answered as before, by a client
    // that gives up long before the failure delay.
    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let health = impatient.get(format!("{}/health", s.base)).call();
    assert_eq!(health.map(|r| r.status().as_u16()).ok(), Some(200));
    let right = impatient
        .get(format!("{}{}", s.base, app("/schemas")))
        .header("X-Jazz-Admin-Secret", SECRET)
        .call();
    assert_eq!(right.map(|r| r.status().as_u16()).ok(), Some(200));
    // Parallel guesses: a few wait (and time out here: failures over the limit are slowed
    // down), the rest get 429 at once.
    let guesses: Vec<_> = (0..60)
        .map(|_| {
            let (agent, url) = (impatient.clone(), format!("{}{}", s.base, app("/schemas")));
            std::thread::spawn(move || {
                agent
                    .get(url)
                    .header("X-Jazz-Admin-Secret", "guess")
                    .call()
                    .map(|r| r.status().as_u16())
                    .ok()
            })
        })
        .collect();
    let answers: Vec<Option<u16>> = guesses
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    let refused = answers.iter().filter(|a| **a == Some(429)).count();
    let waiting = answers.iter().filter(|a| a.is_none()).count();
    assert_eq!(refused + waiting, 60, "{answers:?}");
    assert!((1..=4).contains(&waiting), "{answers:?}");
}
