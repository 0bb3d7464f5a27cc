//! One `jazz dev` cycle: compile the project (its migration files checked in the same
//! analysis), print its diagnostics, and publish schema + permissions (+ a reviewed migration)
//! only when schema.ts and permissions.ts have no errors. A broken edit is reported and never
//! published; the server keeps its last good bundle. An error in a migration file is printed
//! but blocks only that file's edge (the pipeline never sends it). The state between cycles
//! (what was last compiled and pushed, the watched import graph) lives in [`DevState`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jazz_schema_compiler::diagnostics::{Diagnostic, codes};
use jazz_schema_compiler::migrations::codes as migration_codes;
use jazz_schema_compiler::project::Analysis;
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use super::push::{self, Pushed, Target};
use super::reconnect::{self, Reconnected};
use super::report::Reporter;
use super::watch::{Contents, WatchSet};
use crate::commands::Context;
use crate::env::{APP_ID_NAMES, EnvFiles, SERVER_URL_NAMES, load_files};
use crate::output::json as json_out;
use crate::paths;
use crate::publish::MigrationStatus;

/// How a cycle ended (the JSON `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pushed,
    Unchanged,
    CompileError,
    PushError,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pushed => "pushed",
            Status::Unchanged => "unchanged",
            Status::CompileError => "compile-error",
            Status::PushError => "push-error",
        }
    }
}

/// What the server holds after the last successful push.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Live {
    schema_h12: String,
    permissions_version: Option<u64>,
    /// The inputs that were pushed (content hashes), to skip identical cycles.
    inputs: Contents,
}

/// Everything a dev session remembers between cycles.
#[derive(Debug)]
pub struct DevState {
    pub root: PathBuf,
    pub migrations_dir: PathBuf,
    live: Option<Live>,
    /// The files the last good compile read (the import graph of schema.ts / permissions.ts).
    good_graph: BTreeSet<PathBuf>,
    /// The files the last compile read.
    last_graph: BTreeSet<PathBuf>,
    /// The content of every input as last compiled.
    pub contents: Contents,
    /// The env files in effect (`process.env` reads in permissions.ts see them).
    env_files: Vec<PathBuf>,
    /// The last cycle ended in an error (compile or push): the next clean one says so.
    failing: bool,
    /// The last push went ahead (or stopped) for want of a migration on this edge
    /// `(from, to)`, full hashes: what `m` + Enter writes a stub for.
    pub pending_edge: Option<(String, String)>,
    /// `m` + Enter is read (a terminal): say so instead of printing a command.
    pub interactive: bool,
    /// Stubs this session wrote (see [`super::stub::Written`]).
    written: Vec<super::stub::Written>,
    /// JZ0113 (another jazz-tools installed) was printed: it is said once per session.
    version_warned: bool,
}

impl DevState {
    pub fn new(root: PathBuf, migrations_dir: PathBuf, env_files: Vec<PathBuf>) -> Self {
        Self {
            env_files,
            root,
            migrations_dir,
            live: None,
            good_graph: BTreeSet::new(),
            last_graph: BTreeSet::new(),
            contents: Contents::default(),
            failing: false,
            pending_edge: None,
            interactive: false,
            written: Vec::new(),
            version_warned: false,
        }
    }

    /// What to watch: the three schema.ts candidates, permissions.ts next to each, the
    /// import graph of the last good compile united with the last compile's, and the
    /// migration files.
    pub fn watch_set(&self) -> WatchSet {
        let mut files = BTreeSet::new();
        for dir in [
            self.root.clone(),
            self.root.join("src"),
            self.root.join("src").join("lib"),
        ] {
            files.insert(dir.join("schema.ts"));
            files.insert(dir.join("permissions.ts"));
        }
        files.extend(self.env_files.iter().cloned());
        files.extend(self.good_graph.iter().cloned());
        files.extend(self.last_graph.iter().cloned());
        WatchSet {
            files,
            migrations_dir: self.migrations_dir.clone(),
        }
    }

    fn shown(&self, p: &Path) -> String {
        paths::relative(p, &self.root)
    }

    /// Runs one cycle triggered by `trigger` (empty for the initial cycle).
    pub fn run(
        &mut self,
        ctx: &mut Context,
        rep: Reporter,
        target: &Target,
        trigger: &BTreeSet<PathBuf>,
    ) -> Status {
        let started = Instant::now();
        let trigger_json: Vec<String> = trigger.iter().map(|p| self.shown(p)).collect();
        if let Some(changed) = trigger.iter().find(|p| self.env_files.contains(p)) {
            self.reload_env(ctx, rep, changed);
        }
        let analysis = ctx.analyze_with(&self.root, Some(&self.migrations_dir));
        // An error in a migration file never blocks the schema and permissions: the pipeline
        // refuses to push that file only.
        let blocking = analysis
            .project_diagnostics()
            .filter(|d| d.is_error())
            .count();
        self.remember(&analysis, blocking == 0);
        // The installed jazz-tools does not change between edits: say so in the first cycle only.
        let shown: Vec<Diagnostic> = dev_diagnostics(&analysis)
            .filter(|d| d.code != codes::JAZZ_TOOLS_VERSION || !self.version_warned)
            .cloned()
            .collect();
        self.version_warned |= shown.iter().any(|d| d.code == codes::JAZZ_TOOLS_VERSION);
        self.print_diagnostics(ctx, rep, &shown, &analysis.db);

        if blocking > 0 || analysis.schema.is_none() {
            let errors = blocking.max(1);
            let keeps = match &self.live {
                Some(l) => format!(
                    "the server keeps schema {}, {}.",
                    l.schema_h12,
                    l.permissions_version
                        .map_or("no permissions".to_owned(), |v| format!("permissions v{v}"))
                ),
                None => "nothing has been published yet.".to_owned(),
            };
            rep.problem(&format!("[jazz] not pushed: {errors} error(s); {keeps}"));
            self.failing = true;
            rep.event(
                "cycle",
                json!({
                    "trigger": trigger_json,
                    "status": Status::CompileError.as_str(),
                    "diagnostics": self.json_diagnostics(&analysis),
                    "error": null,
                    "duration_ms": elapsed_ms(started),
                }),
            );
            return Status::CompileError;
        }
        if let Some(live) = self.live.as_ref().filter(|l| l.inputs == self.contents) {
            // Back to what the server has after an error: say that all is well again.
            if std::mem::take(&mut self.failing) {
                rep.info(&format!(
                    "[jazz] fixed: the server is up to date (schema {}{}).",
                    live.schema_h12,
                    live.permissions_version
                        .map_or(String::new(), |v| format!(", permissions v{v}"))
                ));
            }
            rep.event(
                "cycle",
                json!({
                    "trigger": trigger_json,
                    "status": Status::Unchanged.as_str(),
                    "diagnostics": [],
                    "error": null,
                    "duration_ms": elapsed_ms(started),
                }),
            );
            return Status::Unchanged;
        }

        match push::push(ctx, rep, target, &analysis) {
            Ok(pushed) => {
                let reconnected = if target.managed {
                    reconnect::reconnect(ctx, rep, target)
                } else {
                    Vec::new()
                };
                let first = self.live.is_none();
                self.failing = false;
                self.report_pushed(
                    rep,
                    &pushed,
                    &reconnected,
                    first,
                    &trigger_json,
                    &analysis,
                    started,
                );
                self.pending_edge = pushed.missing.clone();
                if let Some((from, to)) = &pushed.missing {
                    self.live_without_migration(ctx, rep, target, from, to);
                }
                self.live = Some(Live {
                    schema_h12: pushed.schema_h12.clone(),
                    permissions_version: pushed.permissions_version,
                    inputs: self.contents.clone(),
                });
                Status::Pushed
            }
            Err(failure) => {
                self.failing = true;
                self.pending_edge = failure.missing.clone();
                if let Some((from, to)) = &failure.missing {
                    self.missing_migration(ctx, rep, target, &analysis, from, to);
                } else if failure.unreachable {
                    rep.warning(&format!(
                        "[jazz] schema auto-push skipped because {} is unreachable ({}). The dev server will keep using this app and server URL. Save schema.ts/permissions.ts or restart after reconnecting to publish again.",
                        target.url, failure.message
                    ));
                } else {
                    rep.problem(&format!("[jazz] schema push failed: {}", failure.message));
                }
                rep.event(
                    "cycle",
                    json!({
                        "trigger": trigger_json,
                        "status": Status::PushError.as_str(),
                        "diagnostics": self.json_diagnostics(&analysis),
                        "error": failure.message,
                        "duration_ms": elapsed_ms(started),
                    }),
                );
                Status::PushError
            }
        }
    }

    /// The lenient embedded server took a schema change no migration connects: say so in two
    /// lines, with the remedy that works here (`m` + Enter on a terminal, else a command that
    /// works when pasted), and an event carrying the edge.
    fn live_without_migration(
        &self,
        ctx: &Context,
        rep: Reporter,
        target: &Target,
        from: &str,
        to: &str,
    ) {
        let (f12, t12) = (short(from), short(to));
        rep.problem(&format!(
            "[jazz] schema {t12} is live without a migration from {f12}: rows written under {f12} are not translated to it."
        ));
        let remedy = if self.interactive {
            format!(
                "[jazz] press m + Enter to create the migration stub for {f12} -> {t12}; jazz dev pushes it when you save it complete."
            )
        } else {
            let mut cmd = format!(
                "{} migrations create {} --fromHash {f12} --toHash {t12}",
                ctx.cli, target.options.app_id
            );
            // Without the URL and secret when the command finds this session on its own.
            if !target.discoverable {
                cmd.push_str(&format!(" --server-url {}", target.url));
                if target.secret_generated {
                    cmd.push_str(&format!(" --admin-secret {}", target.admin_secret));
                }
            }
            if self.root != ctx.cwd {
                cmd.push_str(&format!(
                    " --schema-dir {}",
                    paths::relative(&self.root, &ctx.cwd)
                ));
            }
            if self.migrations_dir
                != jazz_schema_compiler::project::default_migrations_dir(&self.root)
            {
                cmd.push_str(&format!(
                    " --migrations-dir {}",
                    paths::relative(&self.migrations_dir, &ctx.cwd)
                ));
            }
            format!(
                "[jazz] to create its stub, run: {cmd}; jazz dev pushes it when you save it complete."
            )
        };
        rep.problem(&remedy);
        rep.event(
            "migration-missing",
            json!({ "from_hash": from, "to_hash": to, "pushed": true }),
        );
    }

    /// Writes the stub of `from -> schema`, first removing the untouched stubs this session
    /// wrote for the same `from` (an edit since made them obsolete).
    fn write_stub(
        &mut self,
        ctx: &mut Context,
        rep: Reporter,
        target: &Target,
        from: &str,
        schema: &jazz_schema_compiler::schema::WasmSchema,
    ) -> super::stub::Stub {
        let to = jazz_schema_compiler::schema::schema_hash(schema);
        let suffix = format!("-{}.ts", to.short());
        let mut removed = Vec::new();
        self.written.retain(|w| {
            let obsolete = w.from == from
                && !w
                    .path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(&suffix));
            let gone = obsolete && w.remove_if_untouched();
            if gone {
                removed.push(w.path.clone());
            }
            !gone
        });
        for p in removed {
            rep.info(&format!(
                "[jazz] removed {} (untouched, and the schema has changed since)",
                self.shown(&p)
            ));
        }
        let out = super::stub::ensure(ctx, target, from, schema);
        if let super::stub::Stub::Created { path, to_snapshot } = &out {
            self.written
                .push(super::stub::Written::new(from, path, to_snapshot.clone()));
        }
        out
    }

    /// `m` + Enter: writes the stub for the pending edge.
    pub fn create_pending_stub(&mut self, ctx: &mut Context, rep: Reporter, target: &Target) {
        let Some((from, to)) = self.pending_edge.clone() else {
            rep.info("[jazz] no migration is missing.");
            return;
        };
        let analysis = ctx.analyze(&self.root);
        let Some(schema) = analysis.valid_schema() else {
            rep.problem("[jazz] cannot create the stub while the project has errors.");
            return;
        };
        if jazz_schema_compiler::schema::schema_hash(schema).to_hex() != to {
            rep.problem(&format!(
                "[jazz] schema.ts changed since {} was published; save it again first.",
                short(&to)
            ));
            return;
        }
        let stub = self.write_stub(ctx, rep, target, &from, schema);
        let line = self.stub_line(&stub);
        rep.info(&line);
    }

    /// What happened to a stub, in one line (never a command to paste: the server may be
    /// needed for the `from` schema, and only this session knows it).
    fn stub_line(&self, stub: &super::stub::Stub) -> String {
        use super::stub::Stub;
        match stub {
            Stub::Created { path, .. } => format!(
                "[jazz] created {}: fill in the TODOs and save it; jazz dev pushes it then.",
                self.shown(path)
            ),
            Stub::Exists(path) => format!(
                "[jazz] waiting for {}: fill in the TODOs and save it; jazz dev pushes it then.",
                self.shown(path)
            ),
            Stub::NotNeeded => {
                "[jazz] this change needs no row transform; save again to retry.".to_owned()
            }
            Stub::Failed(m) => format!("[jazz] cannot write the migration stub: {m}"),
        }
    }

    /// The server refused the change for want of a migration: say so in two lines, and write
    /// the stub for exactly that edge (pushed by a later cycle once it is saved complete).
    fn missing_migration(
        &mut self,
        ctx: &mut Context,
        rep: Reporter,
        target: &Target,
        analysis: &Analysis,
        from: &str,
        to: &str,
    ) {
        let (f12, t12) = (short(from), short(to));
        let keeps = match &self.live {
            Some(l) => format!(
                "the server keeps schema {}{}",
                l.schema_h12,
                l.permissions_version
                    .map_or(String::new(), |v| format!(", permissions v{v}"))
            ),
            None => "the server keeps its permissions".to_owned(),
        };
        rep.problem(&format!(
            "[jazz] not pushed: schema {t12} needs a migration from {f12} (the schema the permissions run on); {keeps}."
        ));
        rep.event(
            "migration-missing",
            json!({ "from_hash": from, "to_hash": to, "pushed": false }),
        );
        let Some(schema) = analysis.valid_schema_ignoring_migrations() else {
            return;
        };
        let stub = self.write_stub(ctx, rep, target, from, schema);
        let next = self.stub_line(&stub);
        rep.problem(&next);
    }

    /// Re-reads the env files for `process.env` reads. Settings read once at startup
    /// (app id, URLs, secrets) keep their values; a change to one is only warned about.
    fn reload_env(&self, ctx: &mut Context, rep: Reporter, changed: &Path) {
        let existing: Vec<PathBuf> = self
            .env_files
            .iter()
            .filter(|f| f.is_file())
            .cloned()
            .collect();
        let fresh = load_files(&EnvFiles::Explicit(existing), &self.root).values;
        let old = ctx.env.files();
        let config = APP_ID_NAMES
            .iter()
            .chain(SERVER_URL_NAMES.iter())
            .chain(["JAZZ_ADMIN_SECRET", "JAZZ_BACKEND_SECRET"].iter());
        for key in config {
            if old.get(*key) != fresh.get(*key) {
                rep.warning(&format!(
                    "{key} changed in {}; restart jazz dev to apply it",
                    self.shown(changed)
                ));
            }
        }
        ctx.env.set_files(fresh);
    }

    /// Makes the next cycle push even if nothing changed (`r` + Enter).
    pub fn force(&mut self) {
        if let Some(live) = self.live.as_mut() {
            live.inputs = Contents::default();
        }
    }

    /// Records what this compile read: its graph (migration files and what they import
    /// included), and the content it compiled (from the analysis's own texts, so an edit that
    /// lands during the cycle still counts as a change).
    fn remember(&mut self, analysis: &Analysis, good: bool) {
        let read: BTreeSet<PathBuf> = analysis.db.iter().map(|(_, f)| f.path.clone()).collect();
        if good {
            self.good_graph = read.clone();
        }
        self.last_graph = read;
        let set = self.watch_set();
        let mut contents = Contents::default();
        for (_, f) in analysis.db.iter() {
            contents
                .0
                .insert(f.path.clone(), Some(blake3::hash(f.text.as_bytes())));
        }
        for p in set.files.iter().cloned().chain(set.existing()) {
            if let std::collections::btree_map::Entry::Vacant(e) = contents.0.entry(p) {
                let h = Contents::hash_on_disk(e.key());
                e.insert(h);
            }
        }
        self.contents = contents;
    }

    fn print_diagnostics(
        &self,
        ctx: &mut Context,
        rep: Reporter,
        diags: &[Diagnostic],
        db: &SourceDb,
    ) {
        if !rep.json {
            ctx.out.diagnostics(diags, db, &self.root);
        }
    }

    /// The cycle event's diagnostics: schema.ts, permissions.ts and the migration files.
    fn json_diagnostics(&self, analysis: &Analysis) -> Vec<json_out::JsonDiagnostic> {
        dev_diagnostics(analysis)
            .map(|d| json_out::diagnostic(d, &analysis.db, &self.root))
            .collect()
    }

    /// The two lines of a successful push and its `cycle` event. `reconnected` are the saved
    /// migration files this cycle tried to push for other edges (a save that only touched a
    /// migration file pushes nothing else): the migration part names them, not the pipeline's
    /// own step, whose "not needed" is about the live schema's own edge.
    #[expect(
        clippy::too_many_arguments,
        reason = "one cycle's outcome, reported in one place"
    )]
    fn report_pushed(
        &self,
        rep: Reporter,
        pushed: &Pushed,
        reconnected: &[Reconnected],
        first: bool,
        trigger: &[String],
        analysis: &Analysis,
        started: Instant,
    ) {
        let ms = elapsed_ms(started);
        if first {
            rep.info("[jazz] schema published");
        } else if pushed.changed {
            rep.info(&format!("[jazz] schema updated ({})", pushed.schema_h12));
        } else {
            rep.info(&format!("[jazz] schema {} unchanged", pushed.schema_h12));
        }
        rep.info(&format!(
            "[jazz]   schema {} {} · migration {} · permissions {} · {ms} ms",
            pushed.schema_h12,
            pushed.schema_status,
            migration_part(pushed, reconnected),
            pushed.permissions
        ));
        let mut migrations: Vec<serde_json::Value> =
            pushed.json.get("migration").cloned().into_iter().collect();
        migrations.extend(reconnected.iter().filter(|r| r.pushed).map(|r| {
            json!({
                "status": "pushed",
                "from_hash": r.from.to_hex(),
                "to_hash": r.to.to_hex(),
                "file": r.file,
            })
        }));
        rep.event(
            "cycle",
            json!({
                "trigger": trigger,
                "status": Status::Pushed.as_str(),
                "schema": pushed.json.get("schema"),
                "migrations": migrations,
                "permissions": pushed.json.get("permissions"),
                "diagnostics": self.json_diagnostics(analysis),
                "error": null,
                "duration_ms": ms,
            }),
        );
    }
}

/// The `migration …` part of the summary line: the pipeline's own step when it pushed or
/// missed one, then each saved migration file pushed (or refused) for another edge. Without
/// those, the pipeline's step as it is.
fn migration_part(pushed: &Pushed, reconnected: &[Reconnected]) -> String {
    if reconnected.is_empty() {
        return pushed.migration.clone();
    }
    let own = matches!(
        pushed.migration_status,
        Some(MigrationStatus::Pushed | MigrationStatus::Missing)
    );
    own.then(|| pushed.migration.clone())
        .into_iter()
        .chain(reconnected.iter().map(|r| {
            let word = if r.pushed { "pushed" } else { "not pushed" };
            format!("{} {word}", r.label())
        }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The analysis's diagnostics as jazz dev shows them: all of them but JZ3504 (the schema
/// changed since the latest snapshot). jazz dev judges a missing migration against the server
/// it publishes to, and says so in its own words (`missing_migration`,
/// `live_without_migration`) with the edge that server needs.
fn dev_diagnostics(analysis: &Analysis) -> impl Iterator<Item = &Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.code != migration_codes::SCHEMA_CHANGED)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
