//! The flags of `jazz validate`.

use std::path::PathBuf;

use clap::Args;

use super::ProjectArgs;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,

    /// Do not check the migration files
    #[arg(long)]
    pub no_migrations: bool,

    /// Exit 1 when there are warnings
    #[arg(long)]
    pub deny_warnings: bool,
}
