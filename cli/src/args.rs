//! The command line, as clap sees it (cli-and-server.md §1.2, §1.3 and the synopsis of each
//! command in §1.9). Only shapes and value parsing live here: what a flag *means* is decided by
//! the command that reads it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

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
    #[arg(long = "no-env-file", global = true, action = ArgAction::SetTrue)]
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
    #[arg(short, long, global = true, action = ArgAction::SetTrue)]
    pub quiet: bool,

    /// Log every HTTP request to stderr
    #[arg(short, long, global = true, action = ArgAction::SetTrue)]
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
    Deploy(crate::commands::deploy::DeployArgs),
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
    Server(crate::commands::server::ServeArgs),
    /// Watch the project, recompile on save and push to an embedded (or --server) dev server
    #[command(after_help = "Examples:
  jazz dev                                   watch the project found from the current folder up
  jazz dev --schema-dir examples/todo        watch another project
  jazz dev -- npm run dev                    also run the app, with the app id and URL in its env
  jazz dev --server http://localhost:4000    push to a running server instead")]
    Dev(crate::commands::dev::args::DevArgs),
}

/// `jazz lsp`.
#[derive(Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport
    #[arg(long)]
    pub stdio: bool,

    /// Write logs to this file instead of stderr
    #[arg(long = "log-file", value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log level: error, warn, info, debug or trace [env: JAZZ_LSP_LOG] [default: warn]
    #[arg(long = "log-level", value_name = "LEVEL", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: Option<String>,
}

/// Where the project is.
#[derive(Args, Debug, Clone, Default)]
pub struct ProjectArgs {
    /// Project root: the directory that holds schema.ts, src/schema.ts or src/lib/schema.ts
    /// [default: the nearest one from the current directory up]
    #[arg(long = "schema-dir", value_name = "PATH")]
    pub schema_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    /// Do not check the migration files
    #[arg(long = "no-migrations", action = ArgAction::SetTrue)]
    pub no_migrations: bool,

    /// Exit 1 when there are warnings
    #[arg(long = "deny-warnings", action = ArgAction::SetTrue)]
    pub deny_warnings: bool,
}

#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Print the current schema hash
    Hash(SchemaHashArgs),
    /// Print the structural WasmSchema JSON (and snapshot it if it is new)
    Export(SchemaExportArgs),
    /// Show what changed between two schema versions
    Diff(SchemaDiffArgs),
}

#[derive(Args, Debug)]
pub struct SchemaHashArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Print the full 64-character hash
    #[arg(long, action = ArgAction::SetTrue)]
    pub full: bool,
}

#[derive(Args, Debug)]
pub struct SchemaExportArgs {
    /// App id (used only with --schema-hash)
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Export a stored schema by hash or hash prefix instead of the local project
    #[arg(long = "schema-hash", value_name = "HASH")]
    pub schema_hash: Option<String>,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    /// Server URL (used only with --schema-hash)
    #[arg(long = "server-url", value_name = "URL")]
    pub server_url: Option<String>,

    /// Admin secret (used only with --schema-hash)
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,
}

pub use crate::commands::permissions::args::{
    PermissionsCommand, PermissionsCompileArgs, PermissionsExplainArgs, PermissionsTestArgs,
};

pub use crate::commands::migrations::args::{
    MigrationsCheckArgs, MigrationsCommand, MigrationsCreateArgs, MigrationsPushArgs,
    SchemaDiffArgs,
};

#[derive(Args, Debug)]
#[command(arg_required_else_help = false)]
pub struct ExplainArgs {
    /// A diagnostic code such as JZ1002 (case-insensitive; the JZ prefix is optional)
    #[arg(
        value_name = "CODE",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    pub code: Option<String>,

    /// List every diagnostic code
    #[arg(long)]
    pub list: bool,
}

/// `jazz init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The project folder to set up (created if missing) [default: the current directory]
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
}

/// `jazz completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Subcommand, Debug)]
pub enum CreateCommand {
    /// Print a new app id
    App(CreateAppArgs),
}

#[derive(Args, Debug)]
pub struct CreateAppArgs {
    /// Derive the id from this name (UUIDv5 in the DNS namespace) instead of a random UUIDv7
    #[arg(short = 'n', long = "name", value_name = "NAME")]
    pub name: Option<String>,
}

/// Whatever follows a removed command; it is not looked at.
#[derive(Args, Debug)]
pub struct RemovedArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<OsString>,
}

/// Boolean switches are shown and parsed as plain `--flag` (one style for every command), and
/// `--flag=true|false|1|0` is still accepted: this rewrites such an argument to `--flag`
/// or drops it before clap sees the line. Only names that are a switch wherever they appear
/// are rewritten (`--bytecode` takes a file in `permissions test`), and nothing after `--`.
/// `Err` names a switch given another value.
pub fn explicit_switch_values(
    cmd: &clap::Command,
    args: Vec<OsString>,
) -> Result<Vec<OsString>, String> {
    let mut switches: BTreeMap<String, bool> = BTreeMap::new();
    collect_switches(cmd, &mut switches);
    let mut out = Vec::with_capacity(args.len());
    let mut rest = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_str().map(str::to_owned);
        match text {
            Some(t) if !rest && i > 0 && t == "--" => {
                rest = true;
                out.push(arg);
            }
            Some(t) if !rest && i > 0 => {
                let split = t
                    .strip_prefix("--")
                    .or_else(|| t.strip_prefix('-').filter(|s| s.len() > 2))
                    .and_then(|s| s.split_once('='));
                match split {
                    Some((name, value)) if switches.get(name) == Some(&true) => {
                        match parse_bool(value) {
                            Ok(true) => {
                                out.push(OsString::from(t[..t.len() - value.len() - 1].to_owned()))
                            }
                            Ok(false) => {}
                            Err(e) => {
                                let dashes = if t.starts_with("--") { "--" } else { "-" };
                                return Err(format!(
                                    "invalid value '{value}' for '{dashes}{name}': {e}"
                                ));
                            }
                        }
                    }
                    _ => out.push(arg),
                }
            }
            _ => out.push(arg),
        }
    }
    Ok(out)
}

/// Long and short names of every argument in the tree: `true` when it is a switch everywhere.
fn collect_switches(cmd: &clap::Command, into: &mut BTreeMap<String, bool>) {
    for arg in cmd.get_arguments() {
        let switch = matches!(arg.get_action(), ArgAction::SetTrue);
        let names = arg
            .get_long()
            .map(str::to_owned)
            .into_iter()
            .chain(arg.get_short().map(String::from));
        for name in names {
            let entry = into.entry(name).or_insert(switch);
            *entry = *entry && switch;
        }
    }
    for sub in cmd.get_subcommands() {
        collect_switches(sub, into);
    }
}

/// `true`, `false`, `1` or `0`: the one boolean syntax of every flag that takes a value.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("expected true, false, 1 or 0, got '{s}'")),
    }
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
