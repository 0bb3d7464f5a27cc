//! The command-line shapes of `jazz migrations create|push|check`.

use clap::{Args, Subcommand};

use super::{MigrationsDirArgs, ProjectArgs, ServerArgs};

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

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    /// Write nothing; report what would be written and exit 1 if anything is pending
    #[arg(long)]
    pub check: bool,

    /// Exit 3 when something was (or would be) written, 0 when nothing changed
    #[arg(long)]
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

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Args, Debug)]
pub struct MigrationsCheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,
}
