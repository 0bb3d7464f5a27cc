//! `jazz completions <shell>`: print the shell completion script that `clap_complete` derives
//! from the command line definition (`args.rs`), so it never lists a flag that does not exist.

use clap::CommandFactory;
use serde_json::json;

use super::{Context, Outcome};
use crate::args::{Cli, CompletionsArgs};
use crate::output::Stream;

pub fn run(ctx: &mut Context, args: &CompletionsArgs) -> Outcome {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, ctx.cli.clone(), &mut script);
    ctx.out.artefact(&String::from_utf8_lossy(&script));
    // The script keeps stdout; a `--format json` envelope goes to stderr.
    Outcome {
        envelope: Stream::Stderr,
        ..Outcome::ok(json!({ "shell": args.shell.to_string() }))
    }
}
