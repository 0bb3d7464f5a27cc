//! `jazz completions <shell>` on the real binary: the bash script loads in bash and completes
//! subcommands; the other shells' scripts name the subcommands.

mod support;

use support::{jazz, run};

const JAZZ: &str = env!("CARGO_BIN_EXE_jazz");

/// Runs a bash script with `$JAZZ` set to the binary; `None` when bash is not installed.
fn bash(script: &str) -> Option<std::process::Output> {
    std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("JAZZ", JAZZ)
        .output()
        .ok()
}

#[test]
fn bash_script_loads_and_registers_jazz() {
    let Some(out) = bash(r#"source <("$JAZZ" completions bash) && complete -p jazz"#) else {
        eprintln!("bash is not installed; bash completions were not tried");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _jazz jazz"), "{stdout}");
}

#[test]
fn bash_completes_subcommands_and_their_flags() {
    let script = r#"source <("$JAZZ" completions bash) || exit 1
COMP_WORDS=(jazz vali); COMP_CWORD=1; _jazz jazz vali jazz; echo "${COMPREPLY[*]}"
COMP_WORDS=(jazz migrations ''); COMP_CWORD=2; _jazz jazz '' migrations; echo "${COMPREPLY[*]}"
COMP_WORDS=(jazz validate --form); COMP_CWORD=2; _jazz jazz --form validate; echo "${COMPREPLY[*]}"
COMP_WORDS=(jazz validate --format ''); COMP_CWORD=3; _jazz jazz '' --format; echo "${COMPREPLY[*]}""#;
    let Some(out) = bash(script) else {
        eprintln!("bash is not installed; bash completions were not tried");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"validate"), "{stdout}");
    let words = |i: usize| {
        lines
            .get(i)
            .map(|l| l.split(' ').collect::<Vec<_>>())
            .unwrap_or_default()
    };
    for sub in ["create", "push", "check"] {
        assert!(words(1).contains(&sub), "{stdout}");
    }
    assert_eq!(lines.get(2), Some(&"--format"), "{stdout}");
    for format in ["text", "json", "github", "sarif"] {
        assert!(words(3).contains(&format), "{stdout}");
    }
}

#[test]
fn other_shells_name_the_subcommands() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let r = run(jazz(tmp.path()).args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{shell}");
        for word in [
            "validate",
            "migrations",
            "permissions",
            "completions",
            "init",
        ] {
            assert!(r.stdout.contains(word), "{shell} script lacks {word}");
        }
    }
    let bash = run(jazz(tmp.path()).args(["completions", "bash"]));
    for hidden in ["--jazz-bin", "--rust-bin", " mcp ", "jazz__mcp"] {
        assert!(
            !bash.stdout.contains(hidden),
            "bash script offers hidden {hidden}"
        );
    }
    let zsh = run(jazz(tmp.path()).args(["completions", "zsh"]));
    assert!(zsh.stdout.starts_with("#compdef jazz\n"), "{}", zsh.stdout);
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let r = run(jazz(tmp.path()).args(["completions", "tcsh"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid value 'tcsh'"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
}
