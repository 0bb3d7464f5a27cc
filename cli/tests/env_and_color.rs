//! Env files and colour as the binary applies them. Which
//! value wins between the real environment and env files is unit-tested in `src/env`: no
//! command prints a resolved setting yet.

mod support;

use std::fs;

use support::{envelope, jazz, run};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn a_missing_explicit_env_file_is_a_warning() {
    let dir = tmp();
    fs::write(dir.path().join("present.env"), "JAZZ_APP_ID=x\n").expect("write");
    let r = run(jazz(dir.path()).args([
        "--env-file",
        "present.env",
        "--env-file=missing.env",
        "create",
        "app",
    ]));
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "warning: env file missing.env not found; ignoring it\n"
    );
    assert_eq!(r.stdout.trim().len(), 36);
}

#[test]
fn a_missing_default_env_file_is_silent_and_no_env_file_disables_loading() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["create", "app"]));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let r = run(jazz(dir.path()).args([
        "--no-env-file",
        "--env-file",
        "missing.env",
        "create",
        "app",
    ]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.is_empty(),
        "--no-env-file loads nothing, so nothing is missing: {}",
        r.stderr
    );
}

#[test]
fn an_unreadable_env_file_is_a_warning() {
    let dir = tmp();
    fs::create_dir(dir.path().join("dir.env")).expect("mkdir");
    let r = run(jazz(dir.path()).args(["--env-file", "dir.env", "create", "app"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .starts_with("warning: env file dir.env could not be read"),
        "{}",
        r.stderr
    );
}

#[test]
fn env_warnings_go_into_the_json_envelope() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args([
        "--format=json",
        "--env-file",
        "missing.env",
        "create",
        "app",
    ]));
    assert_eq!(r.code, 0);
    let v = envelope(&r.stdout, "create app", 0);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(
        v["diagnostics"][0]["message"],
        "env file missing.env not found; ignoring it"
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({ "errors": 0, "warnings": 1 })
    );
    assert!(r.stderr.is_empty());
}

#[test]
fn a_bad_timeout_in_an_env_file_does_not_break_offline_commands() {
    let dir = tmp();
    fs::write(dir.path().join(".env"), "JAZZ_HTTP_TIMEOUT_SECS=soon\n").expect("write");
    let r = run(jazz(dir.path()).args(["create", "app"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

const ANSI: &str = "\x1b[";

/// A run whose stderr carries a diagnostic: validate in an empty directory (JZ1001).
fn failing(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = jazz(dir);
    cmd.arg("validate");
    cmd
}

#[test]
fn piped_output_has_no_colour_by_default() {
    let dir = tmp();
    let r = run(&mut failing(dir.path()));
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains(ANSI), "{}", r.stderr);
}

#[test]
fn color_always_emits_ansi_even_when_piped_or_with_no_color() {
    let dir = tmp();
    let r = run(failing(dir.path()).arg("--color=always"));
    assert!(r.stderr.contains(ANSI), "{}", r.stderr);
    let r = run(failing(dir.path())
        .arg("--color=always")
        .env("NO_COLOR", "1"));
    assert!(
        r.stderr.contains(ANSI),
        "--color beats NO_COLOR: {}",
        r.stderr
    );
    let r = run(jazz(dir.path()).args([
        "--color",
        "always",
        "--env-file",
        "missing.env",
        "create",
        "app",
    ]));
    assert!(
        r.stderr
            .starts_with("\x1b[1;33mwarning\x1b[0m: env file missing.env"),
        "{:?}",
        r.stderr
    );
}

#[test]
fn force_color_no_color_and_never() {
    let dir = tmp();
    let r = run(failing(dir.path()).env("FORCE_COLOR", "1"));
    assert!(
        r.stderr.contains(ANSI),
        "FORCE_COLOR forces colour: {}",
        r.stderr
    );
    let r = run(failing(dir.path()).env("CLICOLOR_FORCE", "1"));
    assert!(
        r.stderr.contains(ANSI),
        "CLICOLOR_FORCE forces colour: {}",
        r.stderr
    );
    let r = run(failing(dir.path()).env("FORCE_COLOR", "0"));
    assert!(
        !r.stderr.contains(ANSI),
        "FORCE_COLOR=0 does not: {}",
        r.stderr
    );
    let r = run(failing(dir.path())
        .env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1"));
    assert!(
        !r.stderr.contains(ANSI),
        "NO_COLOR beats FORCE_COLOR: {}",
        r.stderr
    );
    let r = run(failing(dir.path())
        .env("FORCE_COLOR", "1")
        .arg("--color=never"));
    assert!(
        !r.stderr.contains(ANSI),
        "--color=never beats FORCE_COLOR: {}",
        r.stderr
    );
}

#[test]
fn usage_errors_follow_the_colour_choice() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["--color=always", "validate", "--bogus"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(ANSI), "{}", r.stderr);
    let r = run(jazz(dir.path())
        .args(["validate", "--bogus"])
        .env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1"));
    assert!(!r.stderr.contains(ANSI), "{}", r.stderr);
}

#[test]
fn json_is_never_coloured() {
    let dir = tmp();
    let r = run(failing(dir.path()).args(["--color=always", "--format=json"]));
    assert_eq!(r.code, 1);
    assert!(
        !r.stdout.contains(ANSI) && !r.stderr.contains(ANSI),
        "{}{}",
        r.stdout,
        r.stderr
    );
    envelope(&r.stdout, "validate", 1);
}
