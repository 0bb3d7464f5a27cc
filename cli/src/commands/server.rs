//! `jazz server <appId>`: resolves flags, the environment and env files
//! into the engine's run options, prints upstream's log lines and runs the engine's server
//! until SIGINT or SIGTERM. Exit 0 after a graceful shutdown, 1 with `Server error: …` when
//! startup fails, 2 for usage errors, 130 for a second signal.

use std::path::PathBuf;
use std::time::Duration;

use jazz_engine::ServerConfig;
use jazz_engine::server::DEFAULT_MAX_BODY_BYTES;
use jazz_engine::server::run::{Ended, RunOptions, StorageMode, run_blocking};
use serde_json::json;
use uuid::Uuid;

use super::{Context, Outcome, UsageError};
use crate::args::ServeArgs;
use crate::connection::APP_ID_VARS;
use crate::output::{Stream, write_line};
use crate::paths;

fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError {
        command: &["server"],
        message: message.into(),
    })
}

/// The flag, else the first non-empty env value.
fn setting(ctx: &Context, flag: Option<String>, env: &str) -> Option<String> {
    flag.or_else(|| ctx.env.lookup(&[env]).0.map(|r| r.value))
}

/// A boolean from the environment: the flags' syntax, ignoring case and surrounding spaces.
fn parse_bool(s: &str) -> Option<bool> {
    crate::args::parse_bool(&s.trim().to_ascii_lowercase()).ok()
}

pub fn run(ctx: &mut Context, args: &ServeArgs) -> anyhow::Result<Outcome> {
    if setting(ctx, args.upstream_url.clone(), "JAZZ_UPSTREAM_URL").is_some()
        || setting(ctx, args.peer_secret.clone(), "JAZZ_PEER_SECRET").is_some()
    {
        return Err(usage(
            "edge mode (--upstream-url) is not supported by jazz server",
        ));
    }
    let jwks = setting(ctx, args.jwks_url.clone(), "JAZZ_JWKS_URL");
    let jwt_key = setting(ctx, args.jwt_public_key.clone(), "JAZZ_JWT_PUBLIC_KEY");
    if jwks.is_some() && jwt_key.is_some() {
        return Err(usage(
            "configure either --jwks-url / JAZZ_JWKS_URL or --jwt-public-key / JAZZ_JWT_PUBLIC_KEY, not both",
        ));
    }
    let port = match (args.port, ctx.env.lookup(&["JAZZ_PORT"]).0) {
        (Some(p), _) => p,
        (None, Some(r)) => r
            .value
            .trim()
            .parse::<u16>()
            .map_err(|_| usage(format!("invalid JAZZ_PORT value {}", r.value)))?,
        (None, None) => 1625,
    };
    let timeout = match setting(
        ctx,
        args.shutdown_timeout_secs.clone(),
        "JAZZ_SHUTDOWN_TIMEOUT_SECS",
    ) {
        None => 30,
        Some(t) => t
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|t| (1..=3600).contains(t))
            .ok_or_else(|| usage("shutdown timeout must be between 1 and 3600 seconds"))?,
    };
    let max_body = match (
        args.max_body_bytes,
        ctx.env.lookup(&["JAZZ_MAX_BODY_BYTES"]).0,
    ) {
        (Some(n), _) => n,
        (None, Some(r)) => r
            .value
            .trim()
            .parse::<u64>()
            .map_err(|_| usage(format!("invalid JAZZ_MAX_BODY_BYTES value {}", r.value)))?,
        (None, None) => DEFAULT_MAX_BODY_BYTES as u64,
    };
    let node_env = ctx.env.lookup(&["NODE_ENV"]).0.map(|r| r.value);
    let production = node_env.is_some_and(|v| v.eq_ignore_ascii_case("production"));
    let local_first = match setting(
        ctx,
        args.allow_local_first_auth.clone(),
        "JAZZ_ALLOW_LOCAL_FIRST_AUTH",
    ) {
        None => !production,
        Some(v) => parse_bool(&v).ok_or_else(|| {
            usage(format!(
                "invalid value '{v}' for '--allow-local-first-auth': expected true, false, 1 or 0"
            ))
        })?,
    };

    // App id: the positional, else the env names.
    let Some(raw_id) = args
        .app_id
        .clone()
        .or_else(|| ctx.env.lookup(APP_ID_VARS).0.map(|r| r.value))
    else {
        ctx.out.error("Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID).");
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    let (app_id, app_name) = match Uuid::parse_str(raw_id.trim()) {
        Ok(u) => (u, None),
        Err(_) => (
            Uuid::new_v5(&Uuid::NAMESPACE_DNS, raw_id.as_bytes()),
            Some(raw_id.clone()),
        ),
    };

    let mut secrets = |flag: &Option<String>, name: &str| {
        let (found, warnings) = ctx.env.secret(name);
        for w in warnings {
            ctx.out.warning(&w);
        }
        flag.clone().or(found.map(|r| r.value))
    };
    let admin_secret = secrets(&args.admin_secret, "JAZZ_ADMIN_SECRET");
    let backend_secret = secrets(&args.backend_secret, "JAZZ_BACKEND_SECRET");
    if jwks.is_some() || jwt_key.is_some() {
        ctx.out.warning("external JWT auth is not implemented by this server yet; bearer tokens from --jwks-url / --jwt-public-key are refused");
    }
    if let Some(k) = &jwt_key
        && k.trim().is_empty()
    {
        ctx.out.error("JWT public key cannot be empty");
        return Ok(Outcome::failed(serde_json::Value::Null));
    }

    let storage = if args.in_memory {
        StorageMode::InMemory
    } else {
        let dir = args
            .data_dir
            .clone()
            .or_else(|| ctx.env.lookup(&["JAZZ_DATA_DIR"]).0.map(|r| r.value.into()))
            .unwrap_or_else(|| PathBuf::from("./data"));
        StorageMode::Dir(paths::resolve(&ctx.cwd, &dir))
    };
    let host = setting(ctx, args.host.clone(), "JAZZ_HOST").unwrap_or_else(|| "0.0.0.0".into());
    let bound_port_file = args.bound_port_file.clone().or_else(|| {
        ctx.env
            .lookup(&["JAZZ_BOUND_PORT_FILE"])
            .0
            .map(|r| paths::resolve(&ctx.cwd, &PathBuf::from(r.value)))
    });

    let mut config = ServerConfig::new(app_id);
    config.app_name = app_name.clone();
    config.admin_secret = admin_secret;
    config.backend_secret = backend_secret;
    config.max_body_bytes = usize::try_from(max_body).unwrap_or(usize::MAX);
    config.development_mode = !production;
    config.allow_local_first_auth = local_first;
    config.log_requests = !ctx.out.is_json();
    config.log_json = setting(ctx, args.log_format.clone(), "JAZZ_LOG_FORMAT")
        .is_some_and(|f| f.trim().eq_ignore_ascii_case("json"));

    match &app_name {
        Some(name) => ctx.out.info(&format!(
            "Starting Jazz server for app: {app_id} (from name {name})"
        )),
        None => ctx
            .out
            .info(&format!("Starting Jazz server for app: {app_id}")),
    }
    match &storage {
        StorageMode::InMemory => ctx.out.info("Storage mode: in-memory"),
        StorageMode::Dir(d) => ctx.out.info(&format!("Data directory: {}", d.display())),
    }
    ctx.out.info(&format!(
        "Auth configured: local_first={local_first}, jwks={}, static_jwt_key={}, cookie={}, backend={}, admin={}",
        jwks.is_some(),
        jwt_key.is_some(),
        args.auth_cookie_name.is_some(),
        config.backend_secret.is_some(),
        config.admin_secret.is_some()
    ));
    if config.development_mode {
        ctx.out.info("Development mode (NODE_ENV is not \"production\"): local-first auth is on by default and authenticated clients may publish structural schemas. Set NODE_ENV=production in production.");
    }

    let opts = RunOptions {
        config,
        storage,
        host,
        port,
        shutdown_timeout: Duration::from_secs(timeout),
    };
    let mut port_file_error = None;
    let mut bound_addr = None;
    let result = run_blocking(opts, |addr| {
        if let Some(file) = &bound_port_file
            && let Err(e) = std::fs::write(file, addr.port().to_string())
        {
            port_file_error = Some(format!("cannot write {}: {e}", file.display()));
        }
        bound_addr = Some(addr);
        ctx.out.info(&format!("Listening on http://{addr}"));
    });
    if let Some(e) = port_file_error {
        ctx.out.warning(&e);
    }
    let result_json = json!({
        "app_id": app_id.to_string(),
        "address": bound_addr.map(|a| a.to_string()),
    });
    match result {
        Ok(Ended::Graceful) => Ok(Outcome::ok(result_json)),
        Ok(Ended::Interrupted) => Ok(Outcome {
            exit_code: 130,
            result: result_json,
            envelope: Stream::Stdout,
        }),
        Ok(Ended::TimedOut) => {
            write_line(Stream::Stderr, "Server error: shutdown took too long");
            Ok(Outcome::failed(result_json))
        }
        Err(e) => {
            write_line(Stream::Stderr, &format!("Server error: {e}"));
            Ok(Outcome::failed(result_json))
        }
    }
}
