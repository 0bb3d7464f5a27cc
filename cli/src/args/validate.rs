//! The flags of `jazz validate`.

use clap::Args;

use super::{MigrationsDirArgs, ProjectArgs};

#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    /// Do not check the migration files
    #[arg(long)]
    pub no_migrations: bool,

    /// Exit 1 when there are warnings
    #[arg(long)]
    pub deny_warnings: bool,
}
