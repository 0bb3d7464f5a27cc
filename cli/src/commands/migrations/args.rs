//! The command-line shapes of `jazz migrations create|push|check` and `jazz schema diff`.
//! Re-exported by `args.rs`.

use std::path::PathBuf;

use clap::{ArgAction, Args, Subcommand};

use crate::args::ProjectArgs;

#[derive(Subcommand, Debug)]
pub enum MigrationsCommand {
    /// Write a snapshot or a migration stub for the latest schema change
    #[command(after_help = "Examples:
  jazz migrations create                     snapshot the schema, or write a stub for the change
  jazz migrations create --name add-due-date name the stub
  jazz migrations create --check             write nothing; exit 1 if something is pending")]
    Create(MigrationsCreateArgs),
    /// Publish one reviewed migration (lens) to a server
    Push(MigrationsPushArgs),
    /// Check that snapshots and migration files cover the current schema (writes nothing)
    #[command(after_help = "Examples:
  jazz migrations check                            check the project found from the current folder up
  jazz migrations check --schema-dir examples/todo uses examples/todo/migrations
  jazz migrations check --format github            problems as GitHub Actions annotations")]
    Check(MigrationsCheckArgs),
}

/// Where the server is and how to authenticate.
#[derive(Args, Debug, Clone, Default)]
pub struct ServerArgs {
    /// Server URL [env: JAZZ_SERVER_URL and framework-prefixed forms]
    #[arg(long = "server-url", value_name = "URL")]
    pub server_url: Option<String>,

    /// Admin secret [env: JAZZ_ADMIN_SECRET]
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,
}

#[derive(Args, Debug)]
pub struct MigrationsCreateArgs {
    /// App id (needed only for server lookups) [env: JAZZ_APP_ID and framework-prefixed forms]
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Source schema hash or prefix [default: the latest committed snapshot]
    #[arg(long = "fromHash", visible_alias = "from-hash", value_name = "HASH")]
    pub from_hash: Option<String>,

    /// Target schema hash or prefix [default: the current schema.ts]
    #[arg(long = "toHash", visible_alias = "to-hash", value_name = "HASH")]
    pub to_hash: Option<String>,

    /// Migration name (normalised to lowercase words joined by `-`) [default: unnamed]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    #[command(flatten)]
    pub server: ServerArgs,

    /// Write nothing; report what would be written and exit 1 if anything is pending
    #[arg(long, action = ArgAction::SetTrue)]
    pub check: bool,

    /// Exit 3 when something was (or would be) written, 0 when nothing changed
    #[arg(long = "exit-code", action = ArgAction::SetTrue)]
    pub exit_code: bool,
}

#[derive(Args, Debug)]
pub struct MigrationsPushArgs {
    /// <appId> <fromHash> <toHash>, or <fromHash> <toHash> with the app id from the environment
    #[arg(value_name = "ARGS", num_args = 0..=3)]
    pub positionals: Vec<String>,

    /// Accepted and ignored (upstream compatibility)
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Args, Debug)]
pub struct MigrationsCheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SchemaDiffArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Old schema hash or prefix (a local snapshot) [default: the latest committed snapshot]
    #[arg(long = "fromHash", visible_alias = "from-hash", value_name = "HASH")]
    pub from_hash: Option<String>,

    /// New schema hash or prefix (a local snapshot) [default: the current schema.ts]
    #[arg(long = "toHash", visible_alias = "to-hash", value_name = "HASH")]
    pub to_hash: Option<String>,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    /// Also print a unified diff of the two WasmSchema JSON documents
    #[arg(long, action = ArgAction::SetTrue)]
    pub unified: bool,

    /// Exit 3 when the schemas differ, 0 when they do not
    #[arg(long = "exit-code", action = ArgAction::SetTrue)]
    pub exit_code: bool,
}
