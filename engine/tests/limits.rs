//! Connection-level limits over a raw socket (cli-and-server.md §5.2): headers beyond 32 KiB
//! get 431 and the server keeps serving.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;

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
