//! The flags of `jazz server`. Not to be confused with [`super::ServerArgs`], the flags that
//! name a server other commands talk to.

use std::path::PathBuf;

use clap::Args;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The app id (a UUID; a name is mapped to UUIDv5 of the name)
    #[arg(value_name = "APP_ID")]
    pub app_id: Option<String>,

    /// Port; 0 means OS-assigned [env: JAZZ_PORT] [default: 1625]
    #[arg(short = 'p', long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Address to bind [env: JAZZ_HOST] [default: 0.0.0.0]
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,

    /// Data directory [env: JAZZ_DATA_DIR] [default: ./data]
    #[arg(short = 'd', long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Keep everything in memory
    #[arg(long)]
    pub in_memory: bool,

    /// Admin secret; without it every admin route answers 403 [env: JAZZ_ADMIN_SECRET]
    #[arg(long = "admin-secret", value_name = "SECRET")]
    pub admin_secret: Option<String>,

    /// Backend secret [env: JAZZ_BACKEND_SECRET]
    #[arg(long = "backend-secret", value_name = "SECRET")]
    pub backend_secret: Option<String>,

    /// Accept local-first tokens [env: JAZZ_ALLOW_LOCAL_FIRST_AUTH] [default: on unless
    /// NODE_ENV=production]
    #[arg(long = "allow-local-first-auth", value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub allow_local_first_auth: Option<String>,

    /// JWKS URL for external JWTs [env: JAZZ_JWKS_URL]
    #[arg(long = "jwks-url", value_name = "URL")]
    pub jwks_url: Option<String>,

    /// Public key for external JWTs [env: JAZZ_JWT_PUBLIC_KEY]
    #[arg(long = "jwt-public-key", value_name = "KEY")]
    pub jwt_public_key: Option<String>,

    /// Cookie that carries the token [env: JAZZ_AUTH_COOKIE_NAME]
    #[arg(long = "auth-cookie-name", value_name = "NAME")]
    pub auth_cookie_name: Option<String>,

    /// Drain budget in seconds, 1..=3600 [env: JAZZ_SHUTDOWN_TIMEOUT_SECS] [default: 30]
    #[arg(long = "shutdown-timeout-secs", value_name = "SECS")]
    pub shutdown_timeout_secs: Option<String>,

    /// Write the bound port to this file [env: JAZZ_BOUND_PORT_FILE]
    #[arg(long = "bound-port-file", value_name = "PATH")]
    pub bound_port_file: Option<PathBuf>,

    /// Largest accepted request body [env: JAZZ_MAX_BODY_BYTES] [default: 8388608]
    #[arg(long = "max-body-bytes", value_name = "BYTES")]
    pub max_body_bytes: Option<u64>,

    /// Log format [env: JAZZ_LOG_FORMAT] [default: text]
    #[arg(long = "log-format", value_name = "FORMAT", value_parser = ["text", "json"])]
    pub log_format: Option<String>,

    /// Not supported (edge mode)
    #[arg(long = "upstream-url", hide = true, value_name = "URL")]
    pub upstream_url: Option<String>,

    /// Not supported (edge mode)
    #[arg(long = "peer-secret", hide = true, value_name = "SECRET")]
    pub peer_secret: Option<String>,
}
