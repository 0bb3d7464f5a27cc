//! The flags of `jazz init`.

use std::path::PathBuf;

use clap::Args;

/// `jazz init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The project folder to set up (created if missing) [default: the current directory]
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
}
