//! `jazz dev` on upstream's sync engine (docs/architecture.md, "jazz dev and the engine"):
//! start `jazz-tools server <appId>` from the project's `node_modules`, wait for `/health`,
//! print the banner and the inspector link, run the watch loop against it, keep it up (see
//! `engine::supervise`), and stop it on Ctrl-C, SIGTERM or `q` (SIGTERM, then SIGKILL). The
//! store lock of the embedded server covers the engine's data too: it lives in
//! `<data dir>/<appId>/engine`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::embedded::{self, EngineBanner};
use super::engine::process::{self, Data, Log, Spec};
use super::engine::supervise::{Supervisor, TAIL};
use super::engine::{self, Found};
use super::report::Reporter;
use super::session::{self, Controls};
use super::settings::{Managed, Settings, Storage};
use super::{Stopper, fail, target};
use crate::commands::Context;

/// The inspector link to show: the engine's, without the admin secret unless jazz dev
/// generated it (a secret from the environment never reaches a terminal log).
pub fn inspector_link(raw: &str, secret_generated: bool) -> String {
    if secret_generated {
        return raw.to_owned();
    }
    let Some((base, fragment)) = raw.split_once('#') else {
        return raw.to_owned();
    };
    // The log already shows the secret as a placeholder; the link drops the parameter.
    let kept: Vec<&str> = fragment
        .split('&')
        .filter(|p| !p.starts_with("adminSecret="))
        .collect();
    format!("{base}#{}", kept.join("&"))
}

/// Runs a session on the engine `found`; returns the exit code.
pub fn run(ctx: &mut Context, rep: Reporter, s: &Settings, m: &Managed, found: &Found) -> u8 {
    let Managed {
        host,
        port,
        storage,
        reset,
        backend_secret,
        local_first,
        jwks_url,
        jwt_public_key,
        ..
    } = m;
    if let Err(m) = embedded::prepare(storage, *reset) {
        let _ = fail(ctx, rep, &m);
        return 1;
    }
    // Ctrl-C is handled from here on, before the engine starts and the banner invites it.
    let Some((runtime, signal)) = super::runtime_listening(ctx, rep) else {
        return 1;
    };
    if let Some(w) = engine::version_warning(found) {
        rep.warning(&w);
    }
    let (data, port_file) = match storage {
        Storage::InMemory => (
            Data::InMemory,
            std::env::temp_dir().join(format!("jazz-dev-engine-{}.port", std::process::id())),
        ),
        Storage::Dir { store, .. } => {
            if let Err(e) = std::fs::create_dir_all(store) {
                let _ = fail(ctx, rep, &format!("cannot create {}: {e}", store.display()));
                return 1;
            }
            (Data::Dir(store.join("engine")), store.join("engine.port"))
        }
    };
    let spec = Spec {
        binary: found.binary.clone(),
        app_id: s.app.id.to_string(),
        port: *port,
        data,
        port_file: port_file.clone(),
        admin_secret: s.admin_secret.value.clone(),
        backend_secret: backend_secret.value.clone(),
        local_first: *local_first,
        jwks_url: jwks_url.clone(),
        jwt_public_key: jwt_public_key.clone(),
    };
    let secret_generated = s.admin_secret.generated;
    let log = Log::new(
        ctx.verbose && !rep.json,
        (!secret_generated).then(|| s.admin_secret.value.clone()),
    );
    let running = match process::start(&spec, &log) {
        Ok(r) => r,
        Err(e) => {
            let message = format!(
                "{}: {}. Its last lines:\n{}\nRun with --engine embedded to use jazz's own server (no sync), or --verbose to see the engine's log.",
                found.binary.display(),
                e.0,
                log.tail_block(TAIL)
            );
            let _ = fail(ctx, rep, &message);
            return 1;
        }
    };
    let url = process::url(running.port);
    embedded::lock(storage, &url);
    let inspector = log
        .inspector()
        .map(|raw| inspector_link(&raw, secret_generated));
    embedded::banner(
        rep,
        s,
        &url,
        storage,
        backend_secret,
        Some(&EngineBanner {
            found,
            pid: running.pid,
            inspector: inspector.clone(),
        }),
    );
    rep.warning(&format!(
        "the engine listens on all interfaces (0.0.0.0:{}); anyone on the network can reach it",
        running.port
    ));

    let t = match target(ctx, s, &url, true, false) {
        Ok(mut t) => {
            if let Some(ip) = embedded::lan_ipv4(host) {
                t.client_url = format!("http://{ip}:{}", running.port);
            }
            t
        }
        Err(e) => {
            let mut running = running;
            running.stop();
            embedded::unlock(storage);
            let _ = fail(ctx, rep, &e);
            return 1;
        }
    };
    let controls = Controls {
        inspector,
        ..Controls::default()
    };
    let mut sup = Supervisor::new(spec, running, log, rep, controls.force.clone());
    let controls = Controls {
        restart: Some(sup.restart_request.clone()),
        ..controls
    };

    let stop = AtomicBool::new(false);
    let (stopper, stop_session) = Stopper::new();
    let stopper = Arc::new(stopper);
    std::thread::scope(|scope| {
        let stop_ref = &stop;
        let t = &t;
        let inner = stopper.clone();
        let backend = backend_secret.value.as_str();
        scope.spawn(move || {
            session::run(ctx, rep, s, t, stop_ref, &inner, Some(backend), controls);
        });
        // The main thread supervises: it spawned the engine, and it must outlive it (the
        // engine's parent-death signal follows the spawning thread).
        runtime.block_on(async {
            tokio::pin!(signal);
            tokio::pin!(stop_session);
            loop {
                tokio::select! {
                    _ = &mut signal => break,
                    _ = &mut stop_session => break,
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                }
                if let Err(gave_up) = sup.tick() {
                    rep.problem(&format!("error: {}", gave_up.0));
                    rep.event("error", serde_json::json!({ "message": gave_up.0 }));
                    stopper.stop_with(1);
                    break;
                }
            }
        });
        // The watch loop ends after its current cycle; the child (if any) is stopped there.
        stop.store(true, Ordering::SeqCst);
    });
    sup.engine.stop();
    embedded::unlock(storage);
    let _ = std::fs::remove_file(&port_file);
    // A signal or `q` ends with 0; a child's exit code or giving up is recorded.
    stopper.code().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_link_keeps_a_secret_from_outside_out_of_the_log() {
        let raw =
            "https://i.example/#serverUrl=http%3A%2F%2Flocalhost%3A1&appId=a&adminSecret=s3cret";
        assert_eq!(inspector_link(raw, true), raw);
        assert_eq!(
            inspector_link(raw, false),
            "https://i.example/#serverUrl=http%3A%2F%2Flocalhost%3A1&appId=a"
        );
    }
}
