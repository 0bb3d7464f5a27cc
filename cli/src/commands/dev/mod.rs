//! `jazz dev`: find the project, resolve and persist the app id, start
//! the dev server (upstream's engine from `node_modules/jazz-tools`, see [`engine`] and
//! [`upstream`], else our embedded catalogue server on 127.0.0.1; or use `--server`), then
//! watch `schema.ts`,
//! `permissions.ts`, the files they import and `migrations/`, recompiling and pushing on
//! every change. A broken edit is reported and never published. SIGINT or SIGTERM stop the
//! watcher, then the server, and exit 0.
//!
//! Threads: the server (embedded mode), the engine's supervisor (upstream engine) or the
//! signal wait (remote mode) keeps the main thread; the watch loop and its cycles run on one
//! scoped thread that borrows the context.

mod app_id;
mod child;
mod cycle;
mod embedded;
pub mod engine;
mod framework;
mod push;
mod reconnect;
mod report;
mod session;
mod settings;
mod stub;
mod upstream;
mod watch;
mod write_env;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use jazz_engine::server::run::{Ended, run_blocking_until, shutdown_signal};
use jazz_schema_compiler::project::{Discovery, discover};
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use super::{Context, Outcome};
use crate::admin::Admin;
use crate::args::DevArgs;
use crate::loader::DiskLoader;
use crate::output::{Stream, write_line};
use crate::publish::Options;
use push::Target;
use report::Reporter;
use settings::{Mode, Settings};

/// Ends a session from inside it (the child process exited): resolves the server's stop
/// future and records the exit code `jazz dev` ends with.
pub struct Stopper {
    tx: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    code: Mutex<Option<i32>>,
}

impl Stopper {
    /// A stopper and the future that resolves when it is used (never when it is dropped).
    fn new() -> (Self, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let stopper = Stopper {
            tx: Mutex::new(Some(tx)),
            code: Mutex::new(None),
        };
        let stop = async move {
            if rx.await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        (stopper, stop)
    }

    /// Shuts the session down; `jazz dev` exits with `code`.
    pub fn stop_with(&self, code: i32) {
        if let Ok(mut c) = self.code.lock() {
            c.get_or_insert(code);
        }
        if let Some(tx) = self.tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(());
        }
    }

    /// The exit code a stop recorded.
    fn code(&self) -> Option<u8> {
        let code = (*self.code.lock().ok()?)?;
        Some(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
    }
}

/// The directory whose `.env` is the default env file of `jazz dev`: `<root>`, the
/// project root as every command finds it (walking up from the cwd when `--schema-dir` is not
/// given), so `jazz dev` from a subfolder reads and writes the app's own `.env`.
pub fn env_dir(cwd: &std::path::Path, args: &DevArgs) -> PathBuf {
    match &args.project.schema_dir {
        Some(d) => crate::paths::resolve(cwd, d),
        None => jazz_schema_compiler::project::find_root(&DiskLoader, cwd)
            .unwrap_or_else(|_| cwd.to_path_buf()),
    }
}

/// Runs `jazz dev`. `env_files` are the `--env-file` flags, in order.
pub fn run(
    ctx: &mut Context,
    args: &DevArgs,
    env_files: &[PathBuf],
    no_env_file: bool,
    quiet: bool,
) -> anyhow::Result<Outcome> {
    let rep = Reporter {
        json: ctx.out.is_json(),
        quiet,
    };
    let s = match settings::resolve(ctx, rep, args, env_files, no_env_file)? {
        Ok(s) => s,
        Err(message) => return Ok(fail(ctx, rep, &message)),
    };
    // A missing or ambiguous schema.ts stops the start.
    if let Discovery::Failed(d) = discover(&DiskLoader, &s.root) {
        if rep.json {
            rep.event("error", json!({ "message": d.message }));
        } else {
            ctx.out.diagnostics(&[*d], &SourceDb::new(), &s.root);
        }
        return Ok(Outcome::failed(serde_json::Value::Null));
    }
    let code = match &s.mode {
        Mode::Embedded(m) => match &m.engine {
            engine::Selected::Upstream(found) => upstream::run(ctx, rep, &s, m, found),
            engine::Selected::Embedded { .. } => run_embedded(ctx, rep, &s, m),
        },
        Mode::Remote { url } => run_remote(ctx, rep, &s, url),
    };
    rep.event("shutdown", json!({ "exit_code": code }));
    Ok(Outcome {
        exit_code: code,
        result: serde_json::Value::Null,
        envelope: Stream::Stdout,
    })
}

fn fail(ctx: &mut Context, rep: Reporter, message: &str) -> Outcome {
    if rep.json {
        rep.event("error", json!({ "message": message }));
    } else {
        ctx.out.error(message);
    }
    Outcome::failed(serde_json::Value::Null)
}

/// The publish target for `url`. `managed`: a server this session runs; `lenient`: a missing
/// migration only warns (our embedded server, unless `--strict`).
fn target(
    ctx: &Context,
    s: &Settings,
    url: &str,
    managed: bool,
    lenient: bool,
) -> Result<Target, String> {
    let timeout = ctx.http_timeout()?;
    let admin = Admin::new(
        url,
        &s.app.id.to_string(),
        &s.admin_secret.value,
        timeout,
        ctx.verbose,
    )?;
    Ok(Target {
        admin,
        url: url.to_owned(),
        client_url: url.to_owned(),
        options: Options {
            migrations_dir: s.migrations_dir.clone(),
            dry_run: false,
            // The embedded server is lenient unless --strict; the engine (which refuses an
            // unconnected permissions push) and remote servers are strict unless --no-verify.
            no_verify: if lenient { !s.strict } else { s.no_verify },
            cli: ctx.cli.clone(),
            app_id: s.app.id.to_string(),
        },
        managed,
        admin_secret: s.admin_secret.value.clone(),
        secret_generated: s.admin_secret.generated,
        discoverable: managed
            && (!s.admin_secret.generated || s.admin_secret.source.is_some())
            && matches!(
                &s.mode,
                Mode::Embedded(m) if matches!(
                    &m.storage,
                    settings::Storage::Dir { data_dir, .. }
                        if *data_dir == crate::dev_state::default_data_dir(&s.root)
                )
            ),
        root: s.root.clone(),
    })
}

fn run_embedded(ctx: &mut Context, rep: Reporter, s: &Settings, m: &settings::Managed) -> u8 {
    let settings::Managed {
        host,
        port,
        storage,
        reset,
        backend_secret,
        local_first,
        engine,
        jwks_url,
        jwt_public_key,
    } = m;
    if let engine::Selected::Embedded {
        notice: Some(notice),
    } = engine
    {
        rep.warning(notice);
    }
    if jwks_url.is_some() || jwt_public_key.is_some() {
        rep.warning("the embedded server does not validate external JWTs; --jwks-url and --jwt-public-key apply to the upstream engine only");
    }
    if let Err(m) = embedded::prepare(storage, *reset) {
        let _ = fail(ctx, rep, &m);
        return 1;
    }
    let opts = embedded::options(
        s,
        host,
        *port,
        storage,
        backend_secret,
        *local_first,
        rep.json,
        ctx.verbose,
    );
    let stop = AtomicBool::new(false);
    let (stopper, stop_server) = Stopper::new();
    let stopper = std::sync::Arc::new(stopper);
    let mut setup_error = None;
    let ended = std::thread::scope(|scope| {
        let ended = run_blocking_until(
            opts,
            |addr| {
                let url = embedded::url_for(addr.port());
                embedded::lock(storage, &url);
                embedded::banner(rep, s, &url, storage, backend_secret, None);
                match target(ctx, s, &url, true, true) {
                    Ok(mut t) => {
                        if let Some(ip) = embedded::lan_ipv4(host) {
                            t.client_url = format!("http://{ip}:{}", addr.port());
                        }
                        let stop = &stop;
                        let stopper = stopper.clone();
                        let backend = Some(backend_secret.value.as_str());
                        scope.spawn(move || {
                            session::run(
                                ctx,
                                rep,
                                s,
                                &t,
                                stop,
                                &stopper,
                                backend,
                                session::Controls::default(),
                            )
                        });
                    }
                    Err(e) => setup_error = Some(e),
                }
            },
            stop_server,
        );
        // The server has drained; the watch loop ends after its current cycle.
        stop.store(true, Ordering::SeqCst);
        ended
    });
    embedded::unlock(storage);
    if let Some(e) = setup_error {
        write_line(Stream::Stderr, &format!("error: {e}"));
        return 1;
    }
    match ended {
        Ok(Ended::Graceful) => stopper.code().unwrap_or(0),
        Ok(Ended::Interrupted) => 130,
        Ok(Ended::TimedOut) => {
            write_line(Stream::Stderr, "Server error: shutdown took too long");
            1
        }
        Err(e) => {
            write_line(Stream::Stderr, &embedded::startup_error(storage, &e));
            1
        }
    }
}

/// A runtime for a session's main thread, and its Ctrl-C / SIGTERM future, listening from now
/// on: call it before the first line that invites Ctrl-C. `None` (reported) when the runtime
/// cannot start.
fn runtime_listening(
    ctx: &mut Context,
    rep: Reporter,
) -> Option<(
    tokio::runtime::Runtime,
    impl std::future::Future<Output = ()> + Send + 'static,
)> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => {
            let signal = {
                let _in_runtime = runtime.enter();
                shutdown_signal()
            };
            Some((runtime, signal))
        }
        Err(e) => {
            let _ = fail(ctx, rep, &format!("cannot start the runtime: {e}"));
            None
        }
    }
}

fn run_remote(ctx: &mut Context, rep: Reporter, s: &Settings, url: &str) -> u8 {
    let t = match target(ctx, s, url, false, false) {
        Ok(t) => t,
        Err(e) => {
            let _ = fail(ctx, rep, &e);
            return 1;
        }
    };
    let Some((runtime, signal)) = runtime_listening(ctx, rep) else {
        return 1;
    };
    rep.info(&format!("[jazz] using server {url}"));
    rep.info(&format!("[jazz] app id: {}", s.app.shown()));
    rep.event(
        "ready",
        json!({ "mode": "remote", "url": url, "app_id": s.app.id.to_string() }),
    );
    if let Err(cause) = health(url) {
        rep.warning(&format!(
            "[jazz] schema auto-push skipped because {url} is unreachable ({cause}). The dev server will keep using this app and server URL. Save schema.ts/permissions.ts or restart after reconnecting to publish again."
        ));
    }
    let stop = AtomicBool::new(false);
    let (stopper, stop_session) = Stopper::new();
    let stopper = std::sync::Arc::new(stopper);
    std::thread::scope(|scope| {
        let stop_ref = &stop;
        let t = &t;
        let inner = stopper.clone();
        scope.spawn(move || {
            session::run(
                ctx,
                rep,
                s,
                t,
                stop_ref,
                &inner,
                None,
                session::Controls::default(),
            )
        });
        runtime.block_on(async {
            tokio::select! {
                _ = signal => {}
                _ = stop_session => {}
            }
        });
        stop.store(true, Ordering::SeqCst);
    });
    stopper.code().unwrap_or(0)
}

/// `GET <url>/health`.
fn health(url: &str) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    agent
        .get(&format!("{url}/health"))
        .call()
        .map(|_| ())
        .map_err(|e| e.to_string())
}
