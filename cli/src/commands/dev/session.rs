//! The watch loop of a `jazz dev` run, once a server is known: persist the app id, print the env
//! block, run the initial cycle, then wait for debounced changes and run one cycle per batch
//! until asked to stop. Cycles run on this one
//! thread, so at most one runs at a time and changes made meanwhile make one follow-up cycle.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::Stopper;
use super::app_id::{self, Persisted, Source};
use super::child::{self, Child};
use super::cycle::DevState;
use super::framework;
use super::push::Target;
use super::report::Reporter;
use super::settings::Settings;
use super::watch::Watcher;
use super::write_env;
use crate::commands::Context;
use crate::paths;

/// What the server side of a session hands the watch loop.
#[derive(Debug, Default, Clone)]
pub struct Controls {
    /// Set to run a forced cycle (`r` + Enter, or the engine was restarted).
    pub force: Arc<AtomicBool>,
    /// Set by `r` + Enter to restart the engine (upstream engine only).
    pub restart: Option<Arc<AtomicBool>>,
    /// The engine's inspector link, printed once beside the env lines.
    pub inspector: Option<String>,
    /// Set by `m` + Enter: write the stub of the missing migration.
    pub make_stub: Arc<AtomicBool>,
}

/// Runs the session until `stop` is set. `stopper` ends it from inside (the child exited);
/// `backend_secret` is handed to the child when jazz dev runs the server.
#[expect(
    clippy::too_many_arguments,
    reason = "the session's context, one value each"
)]
pub fn run(
    ctx: &mut Context,
    rep: Reporter,
    s: &Settings,
    target: &Target,
    stop: &AtomicBool,
    stopper: &Arc<Stopper>,
    backend_secret: Option<&str>,
    controls: Controls,
) {
    persist_app_id(rep, s);
    let block = framework::env_block(
        s.framework,
        s.detected,
        &s.app.id.to_string(),
        &target.client_url,
    );
    for line in block.lines() {
        rep.info(line);
    }
    if let Some(link) = &controls.inspector {
        rep.info(&format!("Inspector: {link}"));
    }
    if let Some(file) = &s.write_env {
        let prefix = s.framework.map_or("", framework::Framework::prefix);
        let shown = paths::relative(file, &s.root);
        match write_env::write(file, prefix, &s.app.id.to_string(), &target.client_url) {
            Ok(()) => rep.info(&format!(
                "[jazz] wrote {prefix}JAZZ_SERVER_URL={} to {shown}",
                target.client_url
            )),
            Err(e) => rep.warning(&format!("cannot write the env block to {shown}: {e}")),
        }
    }

    // Watch before the first compile, so an edit made while it runs is not missed; the
    // watch set grows to the import graph once the compile has read it.
    let mut state = DevState::new(
        s.root.clone(),
        s.migrations_dir.clone(),
        s.env_files.clone(),
    );
    let mut watcher = match Watcher::new(s.debounce, controls.force.clone()) {
        Ok(w) => Some(w),
        Err(e) => {
            rep.warning(&format!(
                "cannot watch the project ({e}); restart jazz dev to pick up changes"
            ));
            None
        }
    };
    if let Some(w) = watcher.as_mut() {
        w.sync(&state.watch_set());
    }
    state.interactive = watcher.is_some() && interactive(rep);
    guarded_cycle(ctx, rep, target, &mut state, &BTreeSet::new());
    let child = start_child(rep, s, target, stopper, backend_secret);
    if state.interactive {
        keyboard(rep, stopper, &controls);
    }
    if let Some(mut watcher) = watcher {
        watch(
            ctx,
            rep,
            s,
            target,
            stop,
            &mut state,
            &mut watcher,
            &controls,
        );
    } else {
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    if let Some(c) = child {
        c.shutdown();
    }
}

/// Keys are read: text output on a terminal.
fn interactive(rep: Reporter) -> bool {
    use std::io::IsTerminal;
    !rep.json && std::io::stdin().is_terminal()
}

/// On a TTY, `m` + Enter writes the stub of a missing migration, `r` + Enter forces a cycle
/// (restarting the engine first, when jazz dev runs
/// upstream's) and `q` + Enter quits. The reader thread is left blocked on stdin when
/// jazz dev exits.
fn keyboard(rep: Reporter, stopper: &Arc<Stopper>, controls: &Controls) {
    use std::io::BufRead;
    let (stopper, force, restart, make_stub) = (
        stopper.clone(),
        controls.force.clone(),
        controls.restart.clone(),
        controls.make_stub.clone(),
    );
    let what = if restart.is_some() {
        "restart the engine and push again"
    } else {
        "push again"
    };
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            match line.trim() {
                // A restarted engine asks for the push itself once it answers.
                "r" => match &restart {
                    Some(r) => r.store(true, Ordering::SeqCst),
                    None => force.store(true, Ordering::SeqCst),
                },
                // Wakes the watch loop, which sees `make_stub` and writes the stub.
                "m" => {
                    make_stub.store(true, Ordering::SeqCst);
                    force.store(true, Ordering::SeqCst);
                }
                "q" => {
                    stopper.stop_with(0);
                    return;
                }
                _ => {}
            }
        }
    });
    rep.info(&format!(
        "[jazz] press r + Enter to {what}, m + Enter to create a missing migration, q + Enter to quit"
    ));
}

/// Starts `-- <cmd>` after the initial cycle; a command that cannot start ends the
/// session with exit 1.
fn start_child(
    rep: Reporter,
    s: &Settings,
    target: &Target,
    stopper: &Arc<Stopper>,
    backend_secret: Option<&str>,
) -> Option<Child> {
    if s.command.is_empty() {
        return None;
    }
    let vars = child::child_env(
        s.framework,
        &s.app.id.to_string(),
        &target.client_url,
        backend_secret,
    );
    let on_exit = {
        let stopper = stopper.clone();
        move |code: i32| {
            rep.event("child-exit", serde_json::json!({ "code": code }));
            stopper.stop_with(code);
        }
    };
    match Child::spawn(&s.command, &vars, on_exit) {
        Ok(c) => Some(c),
        Err(e) => {
            let shown = s
                .command
                .first()
                .map(|c| c.to_string_lossy().into_owned())
                .unwrap_or_default();
            rep.problem(&format!("error: cannot start {shown}: {e}"));
            stopper.stop_with(1);
            None
        }
    }
}

/// The watch loop: one cycle per debounced batch of real changes, until `stop`.
#[expect(
    clippy::too_many_arguments,
    reason = "the session's context, one value each"
)]
fn watch(
    ctx: &mut Context,
    rep: Reporter,
    s: &Settings,
    target: &Target,
    stop: &AtomicBool,
    state: &mut DevState,
    watcher: &mut Watcher,
    controls: &Controls,
) {
    let mut set = state.watch_set();
    watcher.sync(&set);
    rep.info(&format!("[jazz] watching {} files", set.existing().len()));
    if ctx.verbose {
        for f in set.existing() {
            rep.info(&format!("[jazz]   {}", paths::relative(&f, &s.root)));
        }
    }
    while let Some(batch) = watcher.next_batch(&set, stop) {
        let changed = if batch.is_empty() {
            if controls.make_stub.swap(false, Ordering::SeqCst) {
                if let Err(m) = catch(|| state.create_pending_stub(ctx, rep, target)) {
                    rep.problem(&format!(
                        "[jazz] internal error while writing the stub: {m}"
                    ));
                }
                set = state.watch_set();
                watcher.sync(&set);
                continue;
            }
            state.force();
            batch
        } else {
            let changed = state.contents.changed(&batch);
            if changed.is_empty() {
                continue;
            }
            changed
        };
        guarded_cycle(ctx, rep, target, state, &changed);
        set = state.watch_set();
        watcher.sync(&set);
    }
}

/// Runs `f`, turning a panic into `Err(message)`: a bug hit by one cycle must not end the
/// watch loop (later saves would never be pushed).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned())
    })
}

/// One cycle; a panic inside it is reported and the session goes on (the state keeps what
/// the failed cycle recorded, so the next real change runs a new cycle).
fn guarded_cycle(
    ctx: &mut Context,
    rep: Reporter,
    target: &Target,
    state: &mut DevState,
    changed: &BTreeSet<PathBuf>,
) {
    if let Err(message) = catch(|| state.run(ctx, rep, target, changed)) {
        let line = format!(
            "[jazz] internal error in this cycle, nothing was pushed: {message}. This is a bug in jazz; please report it with the file that triggered it. Watching goes on."
        );
        rep.problem(&line);
        rep.event(
            "cycle",
            serde_json::json!({
                "trigger": changed.iter().map(|p| paths::relative(p, &state.root)).collect::<Vec<_>>(),
                "status": "internal-error",
                "diagnostics": [],
                "error": message,
                "duration_ms": 0,
            }),
        );
    }
}

/// Appends the app id to the env file unless it already has one.
fn persist_app_id(rep: Reporter, s: &Settings) {
    let Some(file) = &s.persist_to else { return };
    let shown = paths::relative(file, &s.root);
    let key = framework::app_id_key(s.framework);
    match app_id::persist(file, &key, &s.app.raw) {
        Ok(Persisted::Appended { key }) => rep.info(&format!(
            "[jazz] app id {} saved to {shown} as {key}",
            s.app.raw
        )),
        Ok(Persisted::Present { key, value }) => {
            if s.app.source == Source::Explicit && value.trim() != s.app.raw {
                rep.warning(&format!(
                    "using app id {} from --app-id; {key}={value} in {shown} is left unchanged",
                    s.app.raw
                ));
            }
        }
        Err(e) => rep.warning(&format!("cannot save the app id to {shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_message() {
        assert_eq!(catch(|| 7), Ok(7));
        let n = 3;
        assert_eq!(
            catch(|| -> u8 { panic!("cycle {n} broke") }),
            Err("cycle 3 broke".to_owned())
        );
        assert_eq!(
            catch(|| -> u8 { panic!("static") }),
            Err("static".to_owned())
        );
    }
}
