//! The command-line shape of `jazz dev`.
//! Which flags may be combined is decided in `dev::settings`, so the messages follow the spec.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{MigrationsDirArgs, ProjectArgs};

/// `--framework`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkChoice {
    Auto,
    Vite,
    Sveltekit,
    Next,
    Expo,
    None,
}

#[derive(Args, Debug)]
pub struct DevArgs {
    /// The app id (a UUID; a name is mapped to UUIDv5 of the name)
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    /// The app id, as a flag
    #[arg(long = "app-id", value_name = "ID")]
    pub app_id_flag: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub migrations: MigrationsDirArgs,

    /// Push to this server instead of starting an embedded one (needs the admin secret)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,

    /// The dev server: `upstream` (the sync engine from node_modules/jazz-tools), `embedded`
    /// (our catalogue server, no sync), `auto` (upstream when installed), or an engine binary
    /// [env: JAZZ_ENGINE] [default: auto]
    #[arg(long, value_name = "auto|upstream|embedded|PATH")]
    pub engine: Option<String>,

    /// JWKS URL for JWT validation, passed to the engine [env: JAZZ_JWKS_URL]
    #[arg(
        long = "jwks-url",
        value_name = "URL",
        conflicts_with = "jwt_public_key"
    )]
    pub jwks_url: Option<String>,

    /// JWK JSON or PEM public key (inline or a file path) for JWT validation, passed to the
    /// engine [env: JAZZ_JWT_PUBLIC_KEY]
    #[arg(long = "jwt-public-key", value_name = "KEY")]
    pub jwt_public_key: Option<String>,

    /// Embedded server bind address [default: 127.0.0.1]
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,

    /// Embedded server port; 0 means OS-assigned [default: 0]
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Data directory [default: <root>/node_modules/.cache/jazz-dev-server]
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Keep the embedded server's data in memory (nothing is written to disk)
    #[arg(long)]
    pub in_memory: bool,

    /// Delete this app's store before starting
    #[arg(long)]
    pub reset: bool,

    /// Admin secret [env: JAZZ_ADMIN_SECRET] [default: generated jazz-dev-<8 hex>]
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,

    /// Backend secret [env: JAZZ_BACKEND_SECRET] [default: generated jazz-dev-backend-<8 hex>]
    #[arg(long = "backend-secret", value_name = "SECRET")]
    pub backend_secret: Option<String>,

    /// Accept local-first tokens [default: true]
    #[arg(long = "allow-local-first-auth", value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = super::parse_bool)]
    pub allow_local_first_auth: Option<bool>,

    /// Which framework's env var names to print [default: auto, from package.json]
    #[arg(long, value_enum, value_name = "NAME", default_value_t = FrameworkChoice::Auto)]
    pub framework: FrameworkChoice,

    /// Write the server URL (and app id) into a managed block of this env file [default:
    /// <root>/.env]
    #[arg(long = "write-env", value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub write_env: Option<String>,

    /// Do not append a generated app id to the env file
    #[arg(long)]
    pub no_persist_app_id: bool,

    /// Full deploy semantics: a schema change without a reviewed migration is not published
    #[arg(long)]
    pub strict: bool,

    /// Remote mode: publish permissions even when no migration connects the schemas
    #[arg(long)]
    pub no_verify: bool,

    /// Debounce window in milliseconds (for benchmarks) [default: 200]
    #[arg(long = "debounce-ms", value_name = "MS", hide = true)]
    pub debounce_ms: Option<u64>,

    /// A command to run after the first push, with the app id and server URL in its
    /// environment (`jazz dev -- vite`); jazz dev exits when it does
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}
