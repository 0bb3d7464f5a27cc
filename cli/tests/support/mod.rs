//! Shared helpers of the CLI tests: the `jazz` binary as a real process with a clean
//! environment, the fixture apps, temp copies of them, and output normalisation for snapshots.

#![allow(
    dead_code,
    reason = "each test crate uses a different subset of these helpers"
)]

pub mod dev;
pub mod engine;
pub mod upstream;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// Variables that would change what `jazz` prints, removed from every test run.
const AMBIENT: [&str; 11] = [
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "TERM",
    "JAZZ_APP_ID",
    "JAZZ_SERVER_URL",
    "JAZZ_ADMIN_SECRET",
    "JAZZ_HTTP_TIMEOUT_SECS",
    "VITE_JAZZ_APP_ID",
    "VITE_JAZZ_SERVER_URL",
    "JAZZ_ENGINE",
];

/// `jazz`, run in `cwd`, with colour variables and jazz settings removed from its environment.
pub fn jazz(cwd: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("jazz");
    cmd.current_dir(cwd);
    for name in AMBIENT {
        cmd.env_remove(name);
    }
    cmd
}

/// The workspace's fixture apps (`tests/fixtures/`).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tests")
        .join("fixtures")
}

/// The corpus apps with expected output.
pub const APPS: [&str; 6] = [
    "todo-minimal",
    "projects-tasks",
    "workspace-roles",
    "all-types",
    "split-files",
    "sveltekit-layout",
];

/// A temp copy of a fixture app (`name` may be `errors/<app>`), without its `expected/` folder.
pub fn copy_app(name: &str) -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join(name), tmp.path());
    let _ = fs::remove_dir_all(tmp.path().join("expected"));
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// An expected artefact of a fixture app.
pub fn expected(app: &str, file: &str) -> String {
    fs::read_to_string(fixtures().join(app).join("expected").join(file)).expect("expected file")
}

/// The full expected hash of a fixture app.
pub fn expected_hash(app: &str) -> String {
    expected(app, "hash.txt").trim().to_owned()
}

/// A temp dir holding these files.
pub fn project(files: &[(&str, &str)]) -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = tmp.path().join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        fs::write(path, text).expect("write");
    }
    tmp
}

/// Output of a finished run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("jazz runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// Replaces the temp dir path with `[ROOT]` so snapshots are stable.
pub fn redact(text: &str, root: &Path) -> String {
    let mut out = text.replace(&root.display().to_string(), "[ROOT]");
    if let Ok(canonical) = root.canonicalize() {
        out = out.replace(&canonical.display().to_string(), "[ROOT]");
    }
    out
}

/// The one JSON document on a stream.
pub fn json(text: &str) -> serde_json::Value {
    assert!(
        text.ends_with('\n') && text.trim_end().lines().count() == 1,
        "one JSON line expected, got:\n{text}"
    );
    serde_json::from_str(text).expect("valid JSON")
}

/// Asserts the `--format json` envelope fields and returns the envelope.
pub fn envelope(text: &str, command: &str, exit_code: i32) -> serde_json::Value {
    let v = json(text);
    assert_eq!(v["version"], 1, "{v}");
    assert_eq!(v["command"], command, "{v}");
    assert_eq!(v["ok"], exit_code == 0, "{v}");
    assert_eq!(v["exit_code"], exit_code, "{v}");
    assert!(v["diagnostics"].is_array(), "{v}");
    assert!(
        v["summary"]["errors"].is_u64() && v["summary"]["warnings"].is_u64(),
        "{v}"
    );
    assert!(v.get("result").is_some(), "{v}");
    v
}
