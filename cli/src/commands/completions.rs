//! `jazz completions <shell>`: print the shell completion script that `clap_complete` derives
//! from the command line definition (`crate::args`), so it never lists a flag that does not exist.
//! Hidden commands and flags (removed commands, upstream flags accepted for compatibility) are
//! left out: `clap_complete` would offer them.

use clap::CommandFactory;
use serde_json::json;

use super::{Context, Outcome};
use crate::args::{Cli, CompletionsArgs};
use crate::output::Stream;

pub fn run(ctx: &mut Context, args: &CompletionsArgs) -> Outcome {
    let mut cmd = visible(&Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, ctx.cli.clone(), &mut script);
    ctx.out.artefact(&String::from_utf8_lossy(&script));
    // The script keeps stdout; a `--format json` envelope goes to stderr.
    Outcome {
        envelope: Stream::Stderr,
        ..Outcome::ok(json!({ "shell": args.shell.to_string() }))
    }
}

/// `cmd` without its hidden arguments and subcommands, recursively.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(cmd.get_name().to_owned());
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_owned());
    }
    out = out.args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned());
    out.subcommands(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(visible),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_commands_and_flags_are_left_out() {
        let cmd = visible(&Cli::command());
        let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
        assert!(names.contains(&"validate") && names.contains(&"completions"));
        assert!(
            !names.contains(&"build") && !names.contains(&"mcp"),
            "{names:?}"
        );
        let longs: Vec<&str> = cmd.get_arguments().filter_map(|a| a.get_long()).collect();
        assert!(longs.contains(&"format"), "{longs:?}");
        assert!(!longs.contains(&"jazz-bin"), "{longs:?}");
        cmd.debug_assert();
    }
}
