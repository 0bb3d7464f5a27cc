//! Resolving `jazz dev`'s flags, environment and env files into one [`Settings`]: which flag
//! combinations are usage errors, embedded
//! or remote mode, secrets (generated `jazz-dev-<8 hex>` unless given), the data dir and the
//! app id.

use std::path::{Path, PathBuf};
use std::time::Duration;

use uuid::Uuid;

use super::app_id::{self, AppId};
use super::engine::{self, Choice, Selected};
use super::framework::{self, Framework};
use super::report::Reporter;
use crate::args::DevArgs;
use crate::commands::{Context, UsageError};
use crate::dev_state;
use crate::env::{Origin, SERVER_URL_NAMES};
use crate::output::{Stream, write_line};
use crate::paths;

/// The default trailing debounce.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// A secret and where it came from (`None`: generated for this start).
#[derive(Debug, Clone)]
pub struct Secret {
    pub value: String,
    pub source: Option<String>,
    /// Made by jazz dev (now, or at an earlier start and kept in a file), not given by the
    /// user: it may be shown, and it is never redacted from the engine's log.
    pub generated: bool,
}

impl Secret {
    /// A secret jazz dev made for this start only.
    fn fresh(value: String) -> Self {
        Self {
            value,
            source: None,
            generated: true,
        }
    }

    /// The banner form: the value only when jazz dev made it, with the file keeping it.
    pub fn shown(&self) -> String {
        match (&self.source, self.generated) {
            (Some(file), true) => format!("{} (kept in {file})", self.value),
            (Some(s), false) => format!("(from {s})"),
            (None, _) => self.value.clone(),
        }
    }
}

/// Where the data lives in embedded mode.
#[derive(Debug, Clone)]
pub enum Storage {
    InMemory,
    /// `<data dir>` and the app's store `<data dir>/<appId>`.
    Dir {
        data_dir: PathBuf,
        store: PathBuf,
    },
}

/// A dev server this session starts: upstream's engine or the embedded catalogue server.
#[derive(Debug, Clone)]
pub struct Managed {
    pub host: String,
    pub port: u16,
    pub storage: Storage,
    pub reset: bool,
    pub backend_secret: Secret,
    pub local_first: bool,
    /// Upstream's engine, or our catalogue server (with the notice to print).
    pub engine: Selected,
    pub jwks_url: Option<String>,
    pub jwt_public_key: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Mode {
    /// `jazz dev` starts the server.
    Embedded(Box<Managed>),
    /// `--server <url>`: pushes to a server someone else runs.
    Remote { url: String },
}

/// Everything a dev session runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    pub migrations_dir: PathBuf,
    pub mode: Mode,
    pub admin_secret: Secret,
    pub app: AppId,
    pub framework: Option<Framework>,
    pub detected: bool,
    /// The env file a new app id is appended to (`None`: do not persist).
    pub persist_to: Option<PathBuf>,
    pub strict: bool,
    pub no_verify: bool,
    pub debounce: Duration,
    /// `-- <cmd> [args…]`.
    pub command: Vec<std::ffi::OsString>,
    /// `--write-env`: the env file that gets the managed block.
    pub write_env: Option<PathBuf>,
    /// The env files in effect, absolute (watched, and re-read when they change).
    pub env_files: Vec<PathBuf>,
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError {
        command: &["dev"],
        message: message.into(),
    })
}

/// `jazz-dev-<8 hex>` (`<prefix><n hex>`) from the OS CSPRNG (UUIDv4 bits).
pub fn generated(prefix: &str, hex: usize) -> String {
    let mut random = String::new();
    while random.len() < hex {
        // The first 12 hex digits of a v4 UUID are all random.
        random.push_str(&Uuid::new_v4().simple().to_string()[..12]);
    }
    random.truncate(hex);
    format!("{prefix}{random}")
}

/// Resolves the settings. `Ok(Err(message))` is a missing setting (exit 1); usage errors are
/// `Err` (exit 2). `env_files` are the `--env-file` flags (none: the default file);
/// `no_env_file` disables env files and persisting the app id.
pub fn resolve(
    ctx: &mut Context,
    rep: Reporter,
    args: &DevArgs,
    env_files: &[PathBuf],
    no_env_file: bool,
) -> anyhow::Result<Result<Settings, String>> {
    let remote = args.server.is_some();
    if remote {
        for (given, flag) in [
            (args.host.is_some(), "--host"),
            (args.port.is_some(), "--port"),
            (args.data_dir.is_some(), "--data-dir"),
            (args.in_memory, "--in-memory"),
            (args.reset, "--reset"),
            (args.backend_secret.is_some(), "--backend-secret"),
            (args.engine.is_some(), "--engine"),
            (args.jwks_url.is_some(), "--jwks-url"),
            (args.jwt_public_key.is_some(), "--jwt-public-key"),
        ] {
            if given {
                return Err(usage(format!(
                    "{flag} cannot be used with --server (no embedded server runs)"
                )));
            }
        }
    }
    if args.in_memory {
        for (given, flag) in [
            (args.data_dir.is_some(), "--data-dir"),
            (args.reset, "--reset"),
        ] {
            if given {
                return Err(usage(format!("{flag} cannot be used with --in-memory")));
            }
        }
    }
    if let (Some(a), Some(b)) = (&args.app_id, &args.app_id_flag)
        && a != b
    {
        return Err(usage(format!(
            "the app id is given twice with different values: {a} and --app-id {b}"
        )));
    }

    let root = ctx.root(&args.project);
    let migrations_dir = ctx.migrations_dir(&args.migrations, &args.project);
    let (framework, detected) = framework::choose(args.framework, &root);

    // App id, then the server URL, then the admin secret.
    let explicit = args.app_id.as_deref().or(args.app_id_flag.as_deref());
    let (app, warnings) = app_id::resolve(explicit, &ctx.env, !remote);
    for w in warnings {
        rep.warning(&w);
    }
    let Some(app) = app else {
        return Ok(Err("Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID).".to_owned()));
    };
    let non_loopback = args
        .host
        .as_deref()
        .is_some_and(|h| !matches!(h, "127.0.0.1" | "localhost" | "::1" | "[::1]"));
    // The engine (embedded mode only): the flag, else JAZZ_ENGINE, else auto.
    let selected = if remote {
        None
    } else {
        let choice = match &args.engine {
            Some(v) => Choice::parse(v, &ctx.cwd),
            None => Choice::parse(
                &ctx.env
                    .lookup(&["JAZZ_ENGINE"])
                    .0
                    .map(|r| r.value)
                    .unwrap_or_default(),
                &ctx.cwd,
            ),
        };
        match engine::select(&choice, &root) {
            Ok(s) => Some(s),
            Err(m) => return Ok(Err(m)),
        }
    };
    let upstream = matches!(selected, Some(Selected::Upstream(_)));
    // Upstream's engine listens on every interface: its generated secrets are long ones.
    let hex = if non_loopback || upstream { 32 } else { 8 };
    let secret = |flag: &Option<String>, flag_name: &str, name: &str| {
        if let Some(v) = flag {
            return Some(Secret {
                value: v.clone(),
                source: Some(flag_name.to_owned()),
                generated: false,
            });
        }
        let (found, warnings) = ctx.env.secret(name);
        for w in warnings {
            rep.warning(&w);
        }
        found.map(|r| Secret {
            value: r.value,
            source: Some(match r.origin {
                Origin::ProcessEnv => name.to_owned(),
                Origin::EnvFile => format!("{name} in an env file"),
            }),
            generated: false,
        })
    };
    let admin = secret(&args.admin_secret, "--admin-secret", "JAZZ_ADMIN_SECRET");
    let backend = secret(
        &args.backend_secret,
        "--backend-secret",
        "JAZZ_BACKEND_SECRET",
    );

    let write_env = args.write_env.as_ref().map(|f| {
        if f.is_empty() {
            root.join(".env")
        } else {
            paths::resolve(&ctx.cwd, Path::new(f))
        }
    });
    let mode = match &args.server {
        Some(url) => {
            if admin.is_none() {
                return Ok(Err(
                    "Missing admin secret. Pass --admin-secret <secret> or set JAZZ_ADMIN_SECRET."
                        .to_owned(),
                ));
            }
            Mode::Remote {
                url: crate::admin::normalize_url(url).map_err(usage)?,
            }
        }
        None => {
            let storage = if args.in_memory {
                Storage::InMemory
            } else {
                let data_dir = match &args.data_dir {
                    Some(d) => paths::resolve(&ctx.cwd, d),
                    None => dev_state::default_data_dir(&root),
                };
                let store = data_dir.join(app.id.to_string());
                Storage::Dir { data_dir, store }
            };
            // A server URL in the environment never selects remote mode by itself.
            if let (Some(found), Some(_)) = (
                ctx.env.lookup(&SERVER_URL_NAMES).0,
                ctx.env.lookup(&["JAZZ_ADMIN_SECRET"]).0,
            ) && !ctx.out.is_json()
            {
                write_line(
                    Stream::Stderr,
                    &format!(
                        "hint: found {}={} and JAZZ_ADMIN_SECRET; pass --server \"{}\" to push there instead of the embedded server.",
                        found.name, found.value, found.value
                    ),
                );
            }
            if non_loopback && !upstream {
                rep.warning(&format!(
                    "the embedded server listens on {}; anyone on the network can reach it",
                    args.host.as_deref().unwrap_or_default()
                ));
            }
            let host = args.host.clone().unwrap_or_else(|| "127.0.0.1".to_owned());
            // With --write-env and no --port, reuse the port the block recorded when it is
            // free, so the URL in the app's env stays valid across restarts.
            let port = args.port.unwrap_or_else(|| {
                write_env
                    .as_deref()
                    .and_then(super::write_env::recorded_port)
                    .filter(|p| std::net::TcpListener::bind((host.as_str(), *p)).is_ok())
                    .unwrap_or(0)
            });
            Mode::Embedded(Box::new(Managed {
                host,
                port,
                storage,
                reset: args.reset,
                backend_secret: backend
                    .unwrap_or_else(|| Secret::fresh(generated("jazz-dev-backend-", hex))),
                local_first: args.allow_local_first_auth.unwrap_or(true),
                engine: selected.unwrap_or(Selected::Embedded { notice: None }),
                jwks_url: args
                    .jwks_url
                    .clone()
                    .or_else(|| ctx.env.lookup(&["JAZZ_JWKS_URL"]).0.map(|r| r.value)),
                jwt_public_key: args
                    .jwt_public_key
                    .clone()
                    .or_else(|| ctx.env.lookup(&["JAZZ_JWT_PUBLIC_KEY"]).0.map(|r| r.value)),
            }))
        }
    };
    // Not given: the one jazz dev keeps for this app in its data dir (made at the first start,
    // so commands pasted elsewhere keep working across restarts), or one for this start only
    // with --in-memory or in remote mode.
    let kept_in = match &mode {
        Mode::Embedded(m) => match &m.storage {
            Storage::Dir { data_dir, .. } => Some(data_dir),
            Storage::InMemory => None,
        },
        Mode::Remote { .. } => None,
    };
    let admin_secret = match (admin, kept_in) {
        (Some(given), _) => given,
        (None, Some(data_dir)) => {
            let file = dev_state::secret_file(data_dir, &app.id.to_string());
            // Kept secrets are long whichever engine serves: the next start may expose it.
            match dev_state::keep_secret(&file, || generated("jazz-dev-", 32)) {
                Ok((value, _)) => Secret {
                    value,
                    source: Some(paths::relative(&file, &root)),
                    generated: true,
                },
                Err(e) => {
                    rep.warning(&format!("{e}; the admin secret is for this start only"));
                    Secret::fresh(generated("jazz-dev-", hex))
                }
            }
        }
        (None, _) => Secret::fresh(generated("jazz-dev-", hex)),
    };

    let persist_to = if args.no_persist_app_id || no_env_file {
        None
    } else {
        Some(match env_files.first() {
            Some(f) => paths::resolve(&ctx.cwd, f),
            None => root.join(".env"),
        })
    };
    let env_files = if no_env_file {
        Vec::new()
    } else if env_files.is_empty() {
        vec![root.join(".env")]
    } else {
        env_files
            .iter()
            .map(|f| paths::resolve(&ctx.cwd, f))
            .collect()
    };
    Ok(Ok(Settings {
        root,
        migrations_dir,
        mode,
        admin_secret,
        app,
        framework,
        detected,
        persist_to,
        strict: args.strict,
        no_verify: args.no_verify,
        debounce: args.debounce_ms.map_or(DEBOUNCE, Duration::from_millis),
        command: args.command.clone(),
        write_env,
        env_files,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_the_spec_shape() {
        let s = generated("jazz-dev-", 8);
        assert_eq!(s.len(), "jazz-dev-".len() + 8);
        assert!(
            s["jazz-dev-".len()..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let long = generated("jazz-dev-backend-", 32);
        assert_eq!(long.len(), "jazz-dev-backend-".len() + 32);
        assert_ne!(generated("x", 8), generated("x", 8));
    }
}
