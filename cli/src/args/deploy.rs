//! The flags of `jazz deploy`.

use clap::Args;

use super::{MigrationsDirArgs, ProjectArgs, ServerArgs};

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// App id [env: JAZZ_APP_ID and framework-prefixed forms]
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    /// Publish permissions even when no migration connects the previous permissions schema
    #[arg(long)]
    pub no_verify: bool,

    /// Exit 1 when there are warnings, before publishing anything
    #[arg(long)]
    pub deny_warnings: bool,

    /// Send only GET requests and print what would be published
    #[arg(long)]
    pub dry_run: bool,

    /// Exit 3 when something was (or would be) published, 0 when nothing changed
    #[arg(long)]
    pub exit_code: bool,
}
