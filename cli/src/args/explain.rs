//! The flags of `jazz explain`.

use clap::Args;

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
