//! One run of `jazz`: parse the command line, load the environment, dispatch to a command,
//! and turn its outcome into output and an exit code.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal};
use std::path::Path;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{
    Cli, Command, CreateCommand, Format, MigrationsCommand, PermissionsCommand, SchemaCommand,
};
use crate::commands::{self, Context, Outcome, UsageError};
use crate::env::{self, Env, EnvFiles};
use crate::output::{Output, Stream, color};
use crate::usage;

/// The commands that accept `--format github` and `--format sarif`.
const CI_FORMAT_COMMANDS: [&str; 3] = ["validate", "migrations check", "permissions test"];

/// Runs `jazz` with these arguments (argv[0] included) and returns the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    if let Some(code) = commands::dev::engine::guard::maybe_run(&args) {
        return code;
    }
    let cli_name = program_name(args.first().map(Path::new));
    let real: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    let stderr_tty = io::stderr().is_terminal();
    let real_var = |name: &str| real.get(name).map(String::as_str);

    let early_color = color::enabled(usage::raw_color(&args), stderr_tty, real_var);
    let mut cmd = Cli::command().color(clap_color(early_color));
    let args = match crate::args::explicit_switch_values(&cmd, args.clone()) {
        Ok(args) => args,
        Err(message) => {
            // The subcommand words given, for the usage line.
            let mut path: Vec<String> = Vec::new();
            let mut at = cmd.clone();
            for word in args.iter().skip(1).filter_map(|a| a.to_str()) {
                if word.starts_with('-') {
                    continue;
                }
                // Other words are a flag's value or a positional of a leaf command.
                if let Some(sub) = at.find_subcommand(word) {
                    path.push(word.to_owned());
                    at = sub.clone();
                }
            }
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            return usage::report(&path, &message, &args, early_color);
        }
    };
    let parsed = cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage::report_clap_error(&e.with_cmd(&cmd), &args),
    };

    let g = &cli.global;
    let color_on = color::enabled(g.color, stderr_tty, real_var);
    let mut out = Output::new(g.format, color_on, g.quiet);
    for (flag, given) in [
        ("--jazz-bin", g.jazz_bin.is_some()),
        ("--rust-bin", g.rust_bin.is_some()),
    ] {
        if given {
            out.warning(&format!(
                "{flag} is ignored; {cli_name} is a single native binary"
            ));
        }
    }
    let Some(command) = cli.command else {
        // No command is a usage error (exit 2): help goes to stderr, stdout stays empty.
        eprint!("{}", cmd.render_help());
        return 2;
    };
    if let Command::Lsp(a) = &command {
        // stdout carries protocol frames only: no envelope, no env-file warnings.
        return commands::lsp::run(a, real_var("JAZZ_LSP_LOG"));
    }
    let name = match &command {
        Command::Build(_) => return usage::removed("build", &cli_name, &args),
        Command::Mcp(_) => return usage::removed("mcp", &cli_name, &args),
        Command::Lsp(_) => "lsp",
        Command::Validate(_) => "validate",
        Command::Schema(SchemaCommand::Hash(_)) => "schema hash",
        Command::Schema(SchemaCommand::Export(_)) => "schema export",
        Command::Schema(SchemaCommand::Diff(_)) => "schema diff",
        Command::Migrations(MigrationsCommand::Create(_)) => "migrations create",
        Command::Migrations(MigrationsCommand::Push(_)) => "migrations push",
        Command::Migrations(MigrationsCommand::Check(_)) => "migrations check",
        Command::Permissions(PermissionsCommand::Compile(_)) => "permissions compile",
        Command::Permissions(PermissionsCommand::Explain(_)) => "permissions explain",
        Command::Permissions(PermissionsCommand::Test(_)) => "permissions test",
        Command::Permissions(PermissionsCommand::Status(_)) => "permissions status",
        Command::Deploy(_) => "deploy",
        Command::Explain(_) => "explain",
        Command::Create(CreateCommand::App(_)) => "create app",
        Command::Init(_) => "init",
        Command::Completions(_) => "completions",
        Command::Server(_) => "server",
        Command::Dev(_) => "dev",
    };
    // The CI formats exist where there are findings to annotate.
    if matches!(g.format, Format::Github | Format::Sarif) && !CI_FORMAT_COMMANDS.contains(&name) {
        let path: Vec<&str> = name.split(' ').collect();
        let message = format!(
            "--format {} is only supported by {}",
            g.format.name(),
            "validate, migrations check and permissions test"
        );
        return usage::report(&path, &message, &args, color_on);
    }
    let envelope_stream = if name == "schema export" || name == "completions" {
        Stream::Stderr
    } else {
        Stream::Stdout
    };

    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            out.error(&format!("cannot read the current directory: {e}"));
            out.finish(name, 1, serde_json::Value::Null, envelope_stream);
            return 1;
        }
    };
    let which = if g.no_env_file {
        EnvFiles::Disabled
    } else if g.env_files.is_empty() {
        EnvFiles::Default
    } else {
        EnvFiles::Explicit(g.env_files.clone())
    };
    // `jazz dev` loads `<root>/.env` by default.
    let env_dir = match (&command, &which) {
        (Command::Dev(a), EnvFiles::Default) => commands::dev::env_dir(&cwd, a),
        _ => cwd.clone(),
    };
    let loaded = env::load_files(&which, &env_dir);
    for warning in &loaded.warnings {
        out.warning(warning);
    }
    out.set_cwd(cwd.clone());
    let defines = g.defines.iter().cloned().collect();
    let mut ctx = Context {
        cwd,
        cli: cli_name,
        env: Env::new(real.clone(), loaded.values, defines),
        out,
        timeout_flag: g.timeout,
        verbose: g.verbose,
    };

    let result = match &command {
        Command::Validate(a) => commands::validate::run(&mut ctx, a),
        Command::Schema(SchemaCommand::Hash(a)) => Ok(commands::schema::hash(&mut ctx, a)),
        Command::Schema(SchemaCommand::Export(a)) => commands::schema::export(&mut ctx, a),
        Command::Schema(SchemaCommand::Diff(a)) => commands::schema::diff::run(&mut ctx, a),
        Command::Migrations(MigrationsCommand::Create(a)) => {
            commands::migrations::create::run(&mut ctx, a)
        }
        Command::Migrations(MigrationsCommand::Push(a)) => {
            commands::migrations::push::run(&mut ctx, a)
        }
        Command::Migrations(MigrationsCommand::Check(a)) => {
            commands::migrations::check::run(&mut ctx, a)
        }
        Command::Permissions(p) => commands::permissions::run(&mut ctx, p),
        Command::Deploy(a) => commands::deploy::run(&mut ctx, a),
        Command::Explain(a) => Ok(commands::explain::run(&mut ctx, a)),
        Command::Create(CreateCommand::App(a)) => Ok(commands::create::app(&mut ctx, a)),
        Command::Init(a) => commands::init::run(&mut ctx, a),
        Command::Completions(a) => Ok(commands::completions::run(&mut ctx, a)),
        Command::Server(a) => commands::server::run(&mut ctx, a),
        Command::Dev(a) => commands::dev::run(&mut ctx, a, &g.env_files, g.no_env_file, g.quiet),
        Command::Build(_) | Command::Mcp(_) | Command::Lsp(_) => {
            Ok(Outcome::failed(serde_json::Value::Null))
        }
    };
    match result {
        // `jazz dev` prints NDJSON events instead of an envelope.
        Ok(outcome) if name == "dev" => outcome.exit_code,
        Ok(outcome) => {
            ctx.out
                .finish(name, outcome.exit_code, outcome.result, outcome.envelope);
            outcome.exit_code
        }
        Err(e) => match e.downcast_ref::<UsageError>() {
            Some(u) => usage::report(u.command, &u.message, &args, color_on),
            None => {
                ctx.out.error(&format!("{e:#}"));
                ctx.out
                    .finish(name, 1, serde_json::Value::Null, envelope_stream);
                1
            }
        },
    }
}

/// `<cli>`: the basename of argv[0] without `.exe`.
fn program_name(argv0: Option<&Path>) -> String {
    argv0
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(|n| n.strip_suffix(".exe").unwrap_or(n).to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "jazz".to_owned())
}

fn clap_color(on: bool) -> clap::ColorChoice {
    if on {
        clap::ColorChoice::Always
    } else {
        clap::ColorChoice::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_name_is_the_basename() {
        assert_eq!(program_name(Some(Path::new("/usr/bin/jazz"))), "jazz");
        assert_eq!(program_name(Some(Path::new("jazz.exe"))), "jazz");
        assert_eq!(program_name(None), "jazz");
    }
}
