//! The flags of `jazz validate`.

use std::path::PathBuf;

use clap::{ArgAction, Args};

use super::ProjectArgs;

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
