//! The command line, as clap sees it. Every clap struct and enum of the CLI lives in this
//! module: one file per command (`args/<command>.rs` for `commands/<command>`), plus
//! [`target`] for the project and server flags several commands share and [`switches`] for
//! boolean flags. Only shapes and value parsing live here: what a flag *means* is decided by
//! the command that reads it.

mod completions;
mod create;
mod deploy;
mod dev;
mod explain;
mod init;
mod lsp;
mod migrations;
mod permissions;
mod schema;
mod server;
mod switches;
mod target;
mod validate;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

pub use completions::CompletionsArgs;
pub use create::{CreateAppArgs, CreateCommand};
pub use deploy::DeployArgs;
pub use dev::{DevArgs, FrameworkChoice};
pub use explain::ExplainArgs;
pub use init::InitArgs;
pub use lsp::LspArgs;
pub use migrations::{
    MigrationsCheckArgs, MigrationsCommand, MigrationsCreateArgs, MigrationsPushArgs,
};
pub use permissions::{
    PermissionsCommand, PermissionsCompileArgs, PermissionsExplainArgs, PermissionsStatusArgs,
    PermissionsTestArgs,
};
pub use schema::{SchemaCommand, SchemaDiffArgs, SchemaExportArgs, SchemaHashArgs};
pub use server::ServeArgs;
pub use switches::{explicit_switch_values, parse_bool};
pub use target::{MigrationsDirArgs, ProjectArgs, ServerArgs};
pub use validate::ValidateArgs;

/// `jazz --version` text after the program name.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (compatible with jazz-tools 2.0.0-alpha.50)"
);

#[derive(Parser, Debug)]
#[command(
    name = "jazz",
    version = VERSION,
    about = "Compile, check and publish Jazz 2 schemas, permissions and migrations",
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The flags every command accepts.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Env file to load instead of ./.env (repeatable; the first file that sets a key wins)
    #[arg(long = "env-file", value_name = "PATH", global = true, action = ArgAction::Append)]
    pub env_files: Vec<PathBuf>,

    /// Load no env file at all
    #[arg(long, global = true)]
    pub no_env_file: bool,

    /// Value for `process.env.NAME` reads in the project (repeatable)
    #[arg(long = "define", value_name = "NAME=VALUE", global = true, action = ArgAction::Append, value_parser = parse_define)]
    pub defines: Vec<(String, String)>,

    /// Output format (github and sarif: validate, migrations check and permissions test only)
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Suppress informational stdout lines (results, warnings and errors are still printed)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Log every HTTP request to stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Timeout for each HTTP request, in seconds [env: JAZZ_HTTP_TIMEOUT_SECS] [default: 60]
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,

    /// Accepted for compatibility with upstream and ignored
    #[arg(long = "jazz-bin", global = true, hide = true, value_name = "PATH")]
    pub jazz_bin: Option<OsString>,

    /// Accepted for compatibility with upstream and ignored
    #[arg(long = "rust-bin", global = true, hide = true, value_name = "PATH")]
    pub rust_bin: Option<OsString>,
}

/// `--format`: text, the JSON envelope, or the CI formats (GitHub workflow commands, SARIF).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    #[value(alias = "human")]
    Text,
    Json,
    Github,
    Sarif,
}

impl Format {
    /// The `--format` value as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile and check schema.ts, permissions.ts, the files they import and the migrations
    #[command(after_help = "Examples:
  jazz validate                              check the project found from the current folder up
  jazz validate --schema-dir examples/todo   check another project
  jazz validate --deny-warnings              exit 1 on warnings too (for CI)
  jazz validate --format json                one JSON document with every diagnostic
  jazz validate --format github              annotations on the pull request (GitHub Actions)
  jazz validate --format sarif > jazz.sarif  a SARIF 2.1.0 log for code scanning")]
    Validate(ValidateArgs),
    /// Inspect the structural schema
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Create, check and publish migrations
    #[command(subcommand)]
    Migrations(MigrationsCommand),
    /// Compile, explain and test permissions.ts; show the server's permissions head
    #[command(subcommand)]
    Permissions(PermissionsCommand),
    /// Publish the schema, the migration it needs and the permissions to a server
    #[command(after_help = "Examples:
  jazz deploy my-app --server-url https://sync.example.com --admin-secret \"$SECRET\"
  jazz deploy --dry-run          show what would be published (app id, URL, secret from the env)
  jazz deploy --deny-warnings    refuse to publish a project with warnings")]
    Deploy(DeployArgs),
    /// Print the documentation of a diagnostic code
    Explain(ExplainArgs),
    /// Add a starter schema.ts, permissions.ts, policy test and migrations/ to a project
    #[command(after_help = "Examples:
  jazz init                  set up the current folder (schema.ts goes in src/ when it exists)
  jazz init --dir apps/web   set up another folder

Existing files are kept, never overwritten; when the folder already has a schema.ts (at its
root, in src/ or in src/lib/), jazz init changes nothing and exits 1.")]
    Init(InitArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:
  jazz completions bash > ~/.local/share/bash-completion/completions/jazz
  jazz completions zsh > \"${fpath[1]}/_jazz\"
  jazz completions fish > ~/.config/fish/completions/jazz.fish
  jazz completions powershell >> $PROFILE
  source <(jazz completions bash)     bash, for the current shell only")]
    Completions(CompletionsArgs),
    /// Create things
    #[command(subcommand)]
    Create(CreateCommand),
    /// Renamed to `validate`
    #[command(hide = true)]
    Build(RemovedArgs),
    /// Not provided: the Jazz docs MCP server
    #[command(hide = true)]
    Mcp(RemovedArgs),
    /// Run the language server over stdio (for editors)
    Lsp(LspArgs),
    /// Run a Jazz server for one app
    Server(ServeArgs),
    /// Watch the project, recompile on save and push to an embedded (or --server) dev server
    #[command(after_help = "Examples:
  jazz dev                                   watch the project found from the current folder up
  jazz dev --schema-dir examples/todo        watch another project
  jazz dev -- npm run dev                    also run the app, with the app id and URL in its env
  jazz dev --server http://localhost:4000    push to a running server instead")]
    Dev(DevArgs),
}

/// Whatever follows a removed command; it is not looked at.
#[derive(Args, Debug)]
pub struct RemovedArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<OsString>,
}

/// `NAME=VALUE`, with a non-empty name.
fn parse_define(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected NAME=VALUE, got '{s}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn explicit_switch_values_become_plain_switches() {
        let argv = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let out = explicit_switch_values(
            &Cli::command(),
            argv(&[
                "jazz",
                "--quiet=1",
                "validate",
                "--deny-warnings=false",
                "--schema-dir=x",
            ]),
        );
        assert_eq!(
            out,
            Ok(argv(&["jazz", "--quiet", "validate", "--schema-dir=x"]))
        );
        assert_eq!(
            explicit_switch_values(&Cli::command(), argv(&["jazz", "-q=maybe"])),
            Err("invalid value 'maybe' for '-q': expected true, false, 1 or 0, got 'maybe'".into())
        );
        // A value that is a file name elsewhere, and anything after `--`, are left alone.
        let kept = argv(&[
            "jazz",
            "permissions",
            "test",
            "--bytecode=true",
            "--",
            "--quiet=no",
        ]);
        assert_eq!(
            explicit_switch_values(&Cli::command(), kept.clone()),
            Ok(kept)
        );
    }

    #[test]
    fn bool_and_define_values() {
        assert_eq!(parse_bool("1"), Ok(true));
        assert_eq!(parse_bool("false"), Ok(false));
        assert!(parse_bool("yes").is_err());
        assert_eq!(parse_define("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(parse_define("A="), Ok(("A".into(), String::new())));
        assert!(parse_define("=x").is_err());
        assert!(parse_define("nope").is_err());
    }
}
