//! Help, version, usage errors and the removed commands.

mod support;

use support::{envelope, jazz, run};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn help_and_dash_h_print_help_and_exit_0() {
    let dir = tmp();
    for args in [&["help"][..], &["-h"], &["--help"]] {
        let r = run(jazz(dir.path()).args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("Usage: jazz [OPTIONS] [COMMAND]"),
            "{args:?}: {}",
            r.stdout
        );
        for command in ["validate", "schema", "explain", "create"] {
            assert!(
                r.stdout.contains(&format!("  {command} ")),
                "{command} missing from help"
            );
        }
        assert!(r.stderr.is_empty(), "{}", r.stderr);
    }
}

#[test]
fn no_arguments_prints_help_on_stderr_and_exits_2() {
    let dir = tmp();
    let r = run(&mut jazz(dir.path()));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("Usage: jazz [OPTIONS] [COMMAND]"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("  validate "), "{}", r.stderr);
}

#[test]
fn boolean_flags_are_plain_switches_in_every_help() {
    let dir = tmp();
    for args in [
        &["--help"][..],
        &["validate", "--help"],
        &["deploy", "--help"],
        &["schema", "diff", "--help"],
        &["schema", "hash", "--help"],
        &["migrations", "create", "--help"],
        &["permissions", "compile", "--help"],
        &["permissions", "status", "--help"],
    ] {
        let r = run(jazz(dir.path()).args(args));
        assert_eq!(r.code, 0, "{args:?}");
        assert!(!r.stdout.contains("[=<BOOL>]"), "{args:?}:\n{}", r.stdout);
    }
    let r = run(jazz(dir.path()).args(["validate", "--help"]));
    assert!(r.stdout.contains("  -q, --quiet  "), "{}", r.stdout);
    assert!(r.stdout.contains("      --deny-warnings  "), "{}", r.stdout);
}

#[test]
fn the_main_commands_show_examples_in_their_help() {
    let dir = tmp();
    for args in [
        &["validate"][..],
        &["dev"],
        &["deploy"],
        &["migrations", "create"],
        &["migrations", "check"],
        &["permissions", "test"],
        &["init"],
        &["completions"],
    ] {
        let r = run(jazz(dir.path()).args(args).arg("--help"));
        assert_eq!(r.code, 0, "{args:?}");
        let examples = r
            .stdout
            .split_once("\nExamples:\n")
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("{args:?} has no Examples section:\n{}", r.stdout));
        let first = format!("  jazz {} ", args.join(" "));
        assert!(examples.starts_with(&first), "{args:?}: {examples}");
    }
}

#[test]
fn help_lists_the_commands_that_exist_and_no_others() {
    let dir = tmp();
    let help = run(jazz(dir.path()).arg("--help")).stdout;
    for present in [
        "validate",
        "schema",
        "migrations",
        "permissions",
        "deploy",
        "dev",
        "explain",
        "create",
        "lsp",
        "server",
        "init",
        "completions",
    ] {
        assert!(
            help.contains(&format!("  {present} ")),
            "{present} must be listed:\n{help}"
        );
    }
    // Removed upstream (`build`, `mcp`).
    for absent in ["build", "mcp"] {
        assert!(
            !help.contains(&format!("  {absent} ")),
            "{absent} must not be listed:\n{help}"
        );
    }
    let r = run(jazz(dir.path()).arg("publish"));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: unrecognized subcommand 'publish'"),
        "{}",
        r.stderr
    );
}

#[test]
fn version_flags() {
    let dir = tmp();
    for flag in ["-V", "--version"] {
        let r = run(jazz(dir.path()).arg(flag));
        assert_eq!(r.code, 0);
        assert_eq!(
            r.stdout,
            format!(
                "jazz {} (compatible with jazz-tools 2.0.0-alpha.50)\n",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["validate", "--bogus"]));
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .starts_with("error: unexpected argument '--bogus' found\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\nUsage: jazz validate [OPTIONS]\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("For more information, try '--help'.\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tmp();
    let cases: &[&[&str]] = &[
        &["frobnicate"],
        &["validate", "--schema-dir"],
        &["--format", "yaml", "validate"],
        &["--color=sometimes", "validate"],
        &["--timeout", "0", "validate"],
        &["--timeout", "soon", "validate"],
        &["--define", "NOVALUE", "validate"],
        &["--quiet=maybe", "validate"],
        &["schema"],
        &["schema", "frob"],
        &["create"],
        &["explain"],
        &["explain", "JZ1001", "--list"],
        &["validate", "positional"],
    ];
    for args in cases {
        let r = run(jazz(dir.path()).args(*args));
        assert_eq!(r.code, 2, "{args:?}\n{}", r.stderr);
        assert!(
            r.stderr.contains("error:") || r.stderr.contains("Usage:"),
            "{args:?}\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}\n{}", r.stdout);
    }
}

#[test]
fn flags_accept_equals_and_space_forms_and_may_follow_the_command() {
    let dir = tmp();
    for args in [
        &["--format", "json", "create", "app"][..],
        &["--format=json", "create", "app"],
        &["create", "app", "--format=json"],
        &["create", "--format", "json", "app"],
    ] {
        let r = run(jazz(dir.path()).args(args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        envelope(&r.stdout, "create app", 0);
    }
}

#[test]
fn boolean_flags_accept_explicit_values() {
    let dir = tmp();
    for (flag, ok) in [
        ("--quiet", true),
        ("--quiet=true", true),
        ("--quiet=0", true),
        ("-q", true),
        ("--quiet=false", true),
        ("-q=1", true),
        ("--quiet=yes", false),
    ] {
        let r = run(jazz(dir.path()).args([flag, "create", "app"]));
        assert_eq!(r.code == 0, ok, "{flag}: {}", r.stderr);
    }
    let r = run(jazz(dir.path()).args(["migrations", "create", "--check=nope"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: invalid value 'nope' for '--check': expected true, false, 1 or 0, got 'nope'\n\nUsage: jazz migrations create [OPTIONS]"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn human_is_an_alias_of_text() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["--format", "human", "create", "app", "-n", "x"]));
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.trim().len(), 36, "{}", r.stdout);
}

#[test]
fn usage_error_in_json_mode_is_an_envelope_too() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args(["--format", "json", "validate", "--bogus"]));
    assert_eq!(r.code, 2);
    let v = envelope(&r.stdout, "validate", 2);
    assert_eq!(v["diagnostics"][0]["code"], serde_json::Value::Null);
    assert_eq!(v["diagnostics"][0]["severity"], "error");
    assert_eq!(v["diagnostics"][0]["file"], serde_json::Value::Null);
    assert_eq!(
        v["diagnostics"][0]["message"],
        "unexpected argument '--bogus' found"
    );
    assert!(
        r.stderr
            .starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        r.stderr
    );
}

#[test]
fn removed_commands() {
    let dir = tmp();
    let r = run(jazz(dir.path()).arg("build"));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: `jazz build` has been renamed to `jazz validate`.\n"
    );
    let r = run(jazz(dir.path()).args(["mcp", "--whatever"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: jazz does not include the Jazz docs MCP server; run npx jazz-tools@alpha mcp.\n"
    );
    let r = run(jazz(dir.path()).args(["--format=json", "build"]));
    assert_eq!(r.code, 2);
    let v = envelope(&r.stdout, "build", 2);
    assert_eq!(
        v["diagnostics"][0]["message"],
        "`jazz build` has been renamed to `jazz validate`."
    );
}

#[test]
fn upstream_binary_flags_are_ignored_with_a_warning() {
    let dir = tmp();
    let r = run(jazz(dir.path()).args([
        "--jazz-bin",
        "/x/jazz-tools",
        "--rust-bin=/y",
        "create",
        "app",
    ]));
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("warning: --jazz-bin is ignored"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("warning: --rust-bin is ignored"),
        "{}",
        r.stderr
    );
}
