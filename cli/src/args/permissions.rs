//! The command-line shapes of `jazz permissions compile|explain|test|status`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{ProjectArgs, ServerArgs};

#[derive(Subcommand, Debug)]
pub enum PermissionsCommand {
    /// Compile permissions.ts to policy bytecode, the upstream policy JSON and a listing
    Compile(PermissionsCompileArgs),
    /// Show which rules decide an operation on a table, and optionally trace one evaluation
    Explain(PermissionsExplainArgs),
    /// Run the TOML policy tests against the policy VM
    #[command(after_help = "Examples:
  jazz permissions test                      run permissions.test.toml and permissions.tests/*.toml
  jazz permissions test other.test.toml      run these files instead
  jazz permissions test --filter owner       only expectations whose name contains \"owner\"
  jazz permissions test --format github      failures as annotations on the test file (JZ2507)

Exit codes: 0 all passed; 1 a failure, a test file problem (JZ2501-JZ2506) or no test file (JZ2500).")]
    Test(PermissionsTestArgs),
    /// Show the server's permissions head against the local project
    Status(PermissionsStatusArgs),
}

#[derive(Args, Debug)]
pub struct PermissionsStatusArgs {
    /// App id [env: JAZZ_APP_ID and framework-prefixed forms]
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    /// Exit 3 when the head is missing, targets another schema, or differs from the local one
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Args, Debug)]
pub struct PermissionsCompileArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Bytecode output file [default: permissions.jzpb]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Also write the `permissions` JSON exactly as deploy would send it
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Also write the disassembly (`-` for stdout)
    #[arg(long, value_name = "FILE")]
    pub disasm: Option<PathBuf>,

    /// Omit the debug section (the rule spans `explain` and the listing show)
    #[arg(long)]
    pub strip: bool,

    /// Exit 1 when there are warnings
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Args, Debug)]
pub struct PermissionsExplainArgs {
    /// Table name
    #[arg(value_name = "TABLE")]
    pub table: String,

    /// Operation
    #[arg(value_name = "OP", value_parser = ["read", "select", "insert", "update", "delete"])]
    pub op: String,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Also print the disassembly of the relevant entries
    #[arg(long)]
    pub bytecode: bool,

    /// Session JSON for a trace: {"user_id": "...", "authMode": "...", "claims": {...}}
    #[arg(long, value_name = "JSON")]
    pub session: Option<String>,

    /// Row JSON for a trace (column values; `id` and magic columns allowed)
    #[arg(long, value_name = "JSON")]
    pub row: Option<String>,

    /// Seed data for the trace, in the policy-test TOML format
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PermissionsTestArgs {
    /// Test files [default: permissions.test.toml and permissions.tests/*.toml beside permissions.ts]
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Run against this bytecode instead of compiling the project
    #[arg(long, value_name = "FILE")]
    pub bytecode: Option<PathBuf>,

    /// Only expectations whose name contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
}
