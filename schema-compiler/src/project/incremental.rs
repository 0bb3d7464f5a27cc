//! Analysis in two phases, the first of which can be kept between analyses: the language
//! server re-analyses on every edit, and most edits leave schema.ts alone.
//!
//! The *schema phase* evaluates schema.ts and its imports and builds the schema (diagnostics,
//! symbols, `s.json(z...)` columns), then looks at the installed versions. Everything it
//! learns from the outside comes through a [`Recorder`]: each question it asked the loader
//! (a file's text, whether a file or folder exists, a folder's names, a canonical path) and
//! the answer. That log is the cache key: the phase is reused only when every question still
//! gets the same answer, so an import added, removed, resolved elsewhere or edited, and a
//! package.json changed, all invalidate it.
//!
//! The *permissions phase* always runs: permissions.ts is evaluated with the module cache the
//! schema phase left (so `import { app } from "./schema"` does not evaluate schema.ts again),
//! then compiled against the schema. The evaluator is rewound to where the schema phase left
//! it ([`Evaluator::rewind`]); when permissions.ts changed something from before in place,
//! the kept phase is dropped and the next analysis starts afresh.
//!
//! The analysis starts from a copy of the phase's [`SourceDb`], so the schema files keep their
//! ids and the spans of reused diagnostics and symbols stay valid; permissions.ts and the
//! migrations are added after them, in the order a fresh analysis adds them.
//!
//! The kept state holds the evaluator's `Rc` values: a [`Incremental`] stays on the thread
//! that made it (the language server gives it a thread of its own).

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Analysis, AnalyzeOptions, Discovery, discover, versions};
use crate::diagnostics::Diagnostic;
use crate::eval;
use crate::eval::module::{Checkpoint, Evaluator, Suspended};
use crate::eval::symbols::SchemaSymbols;
use crate::schema::WasmSchema;
use crate::source::{SourceDb, SourceLoader};

/// Analyses one project again and again, reusing the schema phase while nothing it read
/// changed. [`super::analyze`] is one analysis with nothing kept.
#[derive(Debug, Default)]
pub struct Incremental {
    kept: Option<SchemaPhase>,
    reused: bool,
    /// The schema phase's parses, for parsing only what an edit changed
    /// ([`crate::syntax::ParseCache`]).
    parses: crate::syntax::ParseCache,
}

impl Incremental {
    pub fn new() -> Self {
        Self::default()
    }

    /// Analyses the project at `root`, as [`super::analyze`] does.
    pub fn analyze(
        &mut self,
        loader: &dyn SourceLoader,
        root: &Path,
        options: &AnalyzeOptions<'_>,
    ) -> Analysis {
        let (analysis, reused) = run(
            loader,
            root,
            options,
            &mut self.kept,
            Some(&mut self.parses),
        );
        self.reused = reused;
        analysis
    }

    /// How the schema phases' parses went so far (for tests and benchmarks).
    pub fn parse_stats(&self) -> crate::syntax::ParseStats {
        self.parses.stats
    }

    /// Whether the last analysis reused the schema phase (for tests and logs).
    pub fn reused_schema(&self) -> bool {
        self.reused
    }
}

/// What the schema phase found, the questions it asked, and the evaluator it left.
struct SchemaPhase {
    root: PathBuf,
    schema_file: PathBuf,
    reads: Vec<Read>,
    db: SourceDb,
    /// The schema and its symbols, shared with every analysis made from this phase.
    schema: Option<Arc<WasmSchema>>,
    symbols: Arc<SchemaSymbols>,
    diagnostics: Vec<Diagnostic>,
    versions: Vec<Diagnostic>,
    /// `None` once a permissions phase changed it beyond rewinding.
    state: Option<(Suspended, Checkpoint)>,
}

impl std::fmt::Debug for SchemaPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaPhase")
            .field("schema_file", &self.schema_file)
            .field("reads", &self.reads.len())
            .field("files", &self.db.len())
            .finish_non_exhaustive()
    }
}

impl SchemaPhase {
    /// Runs the schema phase; with `parses`, modules are parsed through it and their parses
    /// are left in it for the next run.
    fn run(
        loader: &dyn SourceLoader,
        root: &Path,
        schema_file: &Path,
        parses: Option<&mut crate::syntax::ParseCache>,
    ) -> Self {
        let recorder = Recorder {
            inner: loader,
            log: RefCell::new(Vec::new()),
        };
        let mut db = SourceDb::new();
        let mut ev = Evaluator::new(&recorder, &mut db);
        let mut parses = parses;
        ev.parses = parses.as_deref_mut().map(std::mem::take);
        let out = eval::evaluate_schema_phase(&mut ev, schema_file);
        if let (Some(slot), Some(mut cache)) = (parses, ev.parses.take()) {
            cache.finish();
            *slot = cache;
        }
        let checkpoint = ev.checkpoint();
        let state = ev.suspend();
        let versions =
            versions::version_diagnostics(&recorder, root, &db, schema_file, &out.zod_columns);
        Self {
            root: root.to_path_buf(),
            schema_file: schema_file.to_path_buf(),
            reads: recorder.log.into_inner(),
            db,
            schema: out.schema,
            symbols: Arc::new(out.symbols),
            diagnostics: out.diagnostics,
            versions,
            state: Some((state, checkpoint)),
        }
    }

    /// Whether this phase is what running it again would give.
    fn still_valid(&self, loader: &dyn SourceLoader, root: &Path, schema_file: &Path) -> bool {
        self.state.is_some()
            && self.root == root
            && self.schema_file == schema_file
            && self.reads.iter().all(|r| r.same_answer(loader))
    }
}

/// One analysis with nothing kept: [`super::analyze`].
pub(super) fn analyze_once(
    loader: &dyn SourceLoader,
    root: &Path,
    options: &AnalyzeOptions<'_>,
) -> Analysis {
    run(loader, root, options, &mut None, None).0
}

/// One analysis. With `parses` (the language server's), the schema phase in `kept` is reused
/// when still valid and is left there for the next analysis, and a schema phase that runs
/// parses through `parses`; without, the phase is used up. Returns whether it was reused.
fn run(
    loader: &dyn SourceLoader,
    root: &Path,
    options: &AnalyzeOptions<'_>,
    kept: &mut Option<SchemaPhase>,
    parses: Option<&mut crate::syntax::ParseCache>,
) -> (Analysis, bool) {
    let keep = parses.is_some();
    let mut analysis = Analysis::default();
    let mut reused = false;
    match discover(loader, root) {
        Discovery::Found {
            schema_file,
            permissions_file,
        } => {
            reused = kept
                .as_ref()
                .is_some_and(|k| k.still_valid(loader, root, &schema_file));
            let mut phase = match kept.take() {
                Some(k) if reused => k,
                stale => {
                    // Freed before the new phase runs, which then reuses its memory while it
                    // is still in the cache: on a 500-table schema that is faster than
                    // freeing it after the answer (bench/examples/edit_loop.rs).
                    drop(stale);
                    SchemaPhase::run(loader, root, &schema_file, parses)
                }
            };
            analysis.db = phase.db.clone();
            let mut perms = eval::PermissionsExport::default();
            let mut perm_diags = Vec::new();
            if let Some((state, checkpoint)) = phase.state.take() {
                let mut ev = Evaluator::resume(loader, &mut analysis.db, state);
                (perm_diags, perms) =
                    eval::evaluate_permissions(&mut ev, &schema_file, permissions_file.as_deref());
                if ev.rewind(&checkpoint) {
                    phase.state = Some((ev.suspend(), checkpoint));
                }
            }
            // The schema and symbols are shared with the kept phase, not copied.
            let (schema, symbols) = (phase.schema.clone(), phase.symbols.clone());
            let (schema_diags, versions) = if keep {
                (phase.diagnostics.clone(), phase.versions.clone())
            } else {
                (
                    std::mem::take(&mut phase.diagnostics),
                    std::mem::take(&mut phase.versions),
                )
            };
            analysis.schema = schema;
            analysis.diagnostics = eval::phase_diagnostics(&schema_diags, perm_diags);
            analysis.diagnostics.extend(versions);
            // Permissions are checked against a valid schema only (schema errors come first,
            // and a policy over a broken schema would only repeat them).
            let schema_ok = !analysis.diagnostics.iter().any(Diagnostic::is_error);
            if let (Some(schema), true) = (&analysis.schema, schema_ok) {
                let has_file = permissions_file.is_some();
                let p = crate::policy::compile(
                    &perms,
                    has_file,
                    schema,
                    options.env,
                    &analysis.db,
                    &symbols,
                );
                analysis.diagnostics.extend(p.diagnostics.iter().cloned());
                analysis.permissions = Some(p);
            }
            // The export's values share the kept evaluator's: let go of them now.
            drop(perms);
            if keep {
                *kept = Some(phase);
            }
            analysis.symbols = symbols;
            analysis.schema_file = Some(schema_file);
            analysis.permissions_file = permissions_file;
        }
        Discovery::Failed(d) => analysis.diagnostics.push(*d),
    }
    analysis.project_errors = analysis.diagnostics.iter().any(Diagnostic::is_error);
    let first_migration = analysis.diagnostics.len();
    if options.check_migrations {
        let dir = options
            .migrations_dir
            .map_or_else(|| super::default_migrations_dir(root), Path::to_path_buf);
        let (diags, files) =
            crate::migrations::project::check_dir_names(loader, &dir, &mut analysis.db);
        analysis.diagnostics.extend(diags);
        analysis.migrations = files;
        let schema_file = analysis
            .schema_file
            .as_deref()
            .and_then(|p| analysis.db.lookup(p));
        if let (Some(schema), Some(file), false) =
            (&analysis.schema, schema_file, analysis.project_errors)
        {
            analysis.diagnostics.extend(super::schema_changed::check(
                loader,
                &dir,
                schema,
                &analysis.symbols,
                file,
                &analysis.db,
            ));
        }
        analysis.migrations_dir = Some(dir);
    }
    analysis.from_migrations = super::sort_tagged(&mut analysis.diagnostics, first_migration);
    (analysis, reused)
}

/// A question the schema phase asked its loader, with the answer it got.
enum Read {
    Text(PathBuf, Result<Option<Arc<str>>, String>),
    IsFile(PathBuf, bool),
    Exists(PathBuf, bool),
    ListDir(PathBuf, Result<Vec<String>, String>),
    Canonical(PathBuf, Result<PathBuf, String>),
}

/// An IO error as a comparable answer.
fn error_text(e: &io::Error) -> String {
    format!("{:?}: {e}", e.kind())
}

impl Read {
    fn same_answer(&self, loader: &dyn SourceLoader) -> bool {
        match self {
            Read::Text(path, before) => match (before, loader.read(path)) {
                (Ok(Some(a)), Ok(Some(b))) => Arc::ptr_eq(a, &b) || a == &b,
                (Ok(None), Ok(None)) => true,
                (Err(a), Err(b)) => *a == error_text(&b),
                _ => false,
            },
            Read::IsFile(path, before) => loader.is_file(path) == *before,
            Read::Exists(path, before) => loader.exists(path) == *before,
            Read::ListDir(path, before) => {
                *before == loader.list_dir(path).map_err(|e| error_text(&e))
            }
            Read::Canonical(path, before) => {
                *before == loader.canonicalize(path).map_err(|e| error_text(&e))
            }
        }
    }
}

/// A loader that writes down every question and its answer.
struct Recorder<'a> {
    inner: &'a dyn SourceLoader,
    log: RefCell<Vec<Read>>,
}

impl Recorder<'_> {
    fn note(&self, read: Read) {
        self.log.borrow_mut().push(read);
    }
}

impl SourceLoader for Recorder<'_> {
    fn read(&self, path: &Path) -> io::Result<Option<Arc<str>>> {
        let answer = self.inner.read(path);
        let kept = match &answer {
            Ok(text) => Ok(text.clone()),
            Err(e) => Err(error_text(e)),
        };
        self.note(Read::Text(path.to_path_buf(), kept));
        answer
    }

    fn is_file(&self, path: &Path) -> bool {
        let answer = self.inner.is_file(path);
        self.note(Read::IsFile(path.to_path_buf(), answer));
        answer
    }

    fn exists(&self, path: &Path) -> bool {
        let answer = self.inner.exists(path);
        self.note(Read::Exists(path.to_path_buf(), answer));
        answer
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let answer = self.inner.list_dir(path);
        let kept = match &answer {
            Ok(names) => Ok(names.clone()),
            Err(e) => Err(error_text(e)),
        };
        self.note(Read::ListDir(path.to_path_buf(), kept));
        answer
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let answer = self.inner.canonicalize(path);
        let kept = match &answer {
            Ok(p) => Ok(p.clone()),
            Err(e) => Err(error_text(e)),
        };
        self.note(Read::Canonical(path.to_path_buf(), kept));
        answer
    }
}
