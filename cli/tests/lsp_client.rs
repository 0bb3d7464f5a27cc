//! `jazz lsp` as a real process: a real LSP client (`editors/vscode/test/lsp-e2e.mjs`, on
//! vscode-languageserver-protocol under Node) drives diagnostics, hover, completion,
//! definition, references, rename and code actions on the corpus apps, and
//! `lsp-e2e-errors.mjs` the same features while a file has an error; the exit codes of
//! `jazz lsp` are checked with raw frames.
//!
//! Needs Node and the extension's dependencies: `npm ci --prefix editors/vscode`. It is never
//! skipped: without them it fails and says so.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SETUP: &str = "run `npm ci --prefix editors/vscode` (needs Node >= 18)";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Runs one of the extension's end-to-end scripts against the built `jazz` and the corpus;
/// it prints `<name>: ok` when every check passed.
fn run_e2e(script: &str, name: &str) {
    let ws = workspace();
    let ext = ws.join("editors/vscode");
    assert!(
        ext.join("node_modules/vscode-languageserver-protocol/package.json")
            .is_file(),
        "lsp e2e: {} has no node_modules; {SETUP}",
        ext.display()
    );
    let out = Command::new("node")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_jazz"))
        .arg(ws.join("tests/fixtures"))
        .current_dir(&ext)
        .output()
        .unwrap_or_else(|e| panic!("lsp e2e: cannot run `node` ({e}); {SETUP}"));
    assert!(
        out.status.success(),
        "{script} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{name}: ok")
    );
}

#[test]
fn a_real_client_gets_every_feature_on_corpus_apps() {
    run_e2e("test/lsp-e2e.mjs", "lsp-e2e");
}

/// Hover, completion and definition while schema.ts has an error (from the last good
/// analysis), and the quick fix of `s.strin()` (`editors/vscode/test/lsp-e2e-errors.mjs`).
#[test]
fn a_real_client_gets_answers_and_fixes_while_a_file_has_errors() {
    run_e2e("test/lsp-e2e-errors.mjs", "lsp-e2e-errors");
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

/// Reads one frame's body from the server's stdout.
fn read_frame(out: &mut impl BufRead) -> String {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            return String::new();
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    let _ = out.read_exact(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

/// Sends these messages to `jazz lsp` like a client does (waiting for the answer to each
/// request before the next message), then closes stdin. Returns the exit code and the answers.
fn run_lsp(messages: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jazz"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start jazz lsp: {e}"));
    let mut answers = Vec::new();
    if let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) {
        let mut stdout = BufReader::new(stdout);
        for m in messages {
            let _ = stdin.write_all(frame(m).as_bytes());
            let _ = stdin.flush();
            if m.contains("\"id\"") {
                answers.push(read_frame(&mut stdout));
            }
        }
    }
    let status = child
        .wait()
        .unwrap_or_else(|e| panic!("jazz lsp did not finish: {e}"));
    (status.code(), answers)
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
const SHUTDOWN: &str = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

#[test]
fn exit_codes_follow_the_protocol() {
    let (code, answers) = run_lsp(&[INIT, INITIALIZED, SHUTDOWN, EXIT]);
    assert_eq!(code, Some(0));
    assert!(answers[0].contains("\"name\":\"jazz-lsp\""), "{answers:?}");
    assert_eq!(answers[1], r#"{"jsonrpc":"2.0","result":null,"id":2}"#);

    // `exit` without `shutdown`, and the end of input without `exit`.
    assert_eq!(run_lsp(&[INIT, INITIALIZED, EXIT]).0, Some(1));
    assert_eq!(run_lsp(&[INIT, INITIALIZED, SHUTDOWN]).0, Some(1));
}
