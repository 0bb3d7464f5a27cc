//! The command-line shape of `jazz create app`.

use clap::{Args, Subcommand};

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
