//! What most commands act on: the project (`--schema-dir`) and the server (`--server-url`,
//! `--admin-secret`), flattened into each command's flags. `schema export` (whose server flags
//! apply only with `--schema-hash`) and `jazz dev` (whose `--admin-secret` is the one its dev
//! server gets) declare flags of the same names with their own help.

use std::path::PathBuf;

use clap::Args;

/// Where the project is.
#[derive(Args, Debug, Clone, Default)]
pub struct ProjectArgs {
    /// Project root: the directory that holds schema.ts, src/schema.ts or src/lib/schema.ts
    /// [default: the nearest one from the current directory up]
    #[arg(long = "schema-dir", value_name = "PATH")]
    pub schema_dir: Option<PathBuf>,
}

/// Where the server is and how to authenticate.
#[derive(Args, Debug, Clone, Default)]
pub struct ServerArgs {
    /// Server URL [env: JAZZ_SERVER_URL and framework-prefixed forms]
    #[arg(long = "server-url", value_name = "URL")]
    pub server_url: Option<String>,

    /// Admin secret [env: JAZZ_ADMIN_SECRET]
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,
}

/// Where the migration files and snapshots are.
#[derive(Args, Debug, Clone, Default)]
pub struct MigrationsDirArgs {
    /// Migrations directory [default: <project root>/migrations]
    #[arg(long = "migrations-dir", value_name = "PATH")]
    pub migrations_dir: Option<PathBuf>,
}
