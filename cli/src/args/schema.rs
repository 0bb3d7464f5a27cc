//! The command-line shapes of `jazz schema hash|export|diff`.

use clap::{Args, Subcommand};

use super::{MigrationsDirArgs, ProjectArgs};

#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Print the current schema hash
    Hash(SchemaHashArgs),
    /// Print the structural WasmSchema JSON (and snapshot it if it is new)
    Export(SchemaExportArgs),
    /// Show what changed between two schema versions
    Diff(SchemaDiffArgs),
}

#[derive(Args, Debug)]
pub struct SchemaHashArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Print the full 64-character hash
    #[arg(long)]
    pub full: bool,
}

#[derive(Args, Debug)]
pub struct SchemaExportArgs {
    /// App id (used only with --schema-hash)
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Export a stored schema by hash or hash prefix instead of the local project
    #[arg(long = "schema-hash", value_name = "HASH")]
    pub schema_hash: Option<String>,

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    /// Server URL (used only with --schema-hash)
    #[arg(long = "server-url", value_name = "URL")]
    pub server_url: Option<String>,

    /// Admin secret (used only with --schema-hash)
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,
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

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    /// Also print a unified diff of the two WasmSchema JSON documents
    #[arg(long)]
    pub unified: bool,

    /// Exit 3 when the schemas differ, 0 when they do not
    #[arg(long)]
    pub exit_code: bool,
}
