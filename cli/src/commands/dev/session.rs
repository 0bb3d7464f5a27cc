//! The watch loop of a `jazz dev` run, once a server is known (cli-and-server.md §2.2 steps
//! 6–8, §2.6): persist the app id, print the env block, run the initial cycle, then wait for
//! debounced changes and run one cycle per batch until asked to stop. Cycles run on this one
//! thread, so at most one runs at a time and changes made meanwhile make one follow-up cycle.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

use super::app_id::{self, Persisted, Source};
use super::cycle::DevState;
use super::framework;
use super::push::Target;
use super::report::Reporter;
use super::settings::Settings;
use super::watch::Watcher;
use crate::commands::Context;
use crate::paths;

/// Runs the session until `stop` is set.
pub fn run(ctx: &mut Context, rep: Reporter, s: &Settings, target: &Target, stop: &AtomicBool) {
    persist_app_id(rep, s);
    let block = framework::env_block(s.framework, s.detected, &s.app.id.to_string(), &target.url);
    for line in block.lines() {
        rep.info(line);
    }

    // Watch before the first compile, so an edit made while it runs is not missed; the
    // watch set grows to the import graph once the compile has read it.
    let mut state = DevState::new(s.root.clone(), s.migrations_dir.clone());
    let mut watcher = match Watcher::new(s.debounce) {
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
    state.run(ctx, rep, target, &BTreeSet::new());
    let Some(mut watcher) = watcher else { return };
    let mut set = state.watch_set();
    watcher.sync(&set);
    rep.info(&format!("[jazz] watching {} files", set.existing().len()));
    if ctx.verbose {
        for f in set.existing() {
            rep.info(&format!("[jazz]   {}", paths::relative(&f, &s.root)));
        }
    }
    while let Some(batch) = watcher.next_batch(&set, stop) {
        let changed = state.contents.changed(&batch);
        if changed.is_empty() {
            continue;
        }
        state.run(ctx, rep, target, &changed);
        set = state.watch_set();
        watcher.sync(&set);
    }
}

/// Appends the app id to the env file unless it already has one (§2.3).
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
