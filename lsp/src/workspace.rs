//! The server's state without the transport: open buffers, the projects they belong to, and
//! one [`Analysis`] per project, recomputed when anything changed since it was made, with the
//! last analysis each of its files was good in ([`LastGood`], at most one per file, never a
//! history) for answers while a file has errors.
//!
//! Every edit invalidates every project (a buffer may be imported by any of them). Analysing
//! one again reuses its schema phase when nothing the phase read changed (`analyzer.rs`,
//! the core's `project::Incremental`): an edit to permissions.ts or a migration re-runs only
//! those. Diagnostics are published per project for every file it read, and a
//! file published last time that it no longer reads is published empty, so stale ones are
//! cleared.
//!
//! `process.env` reads in permissions.ts resolve from the server's environment, then the
//! project's `.env` (as `jazz validate` run at the project root without flags does).
//!
//! A project none of whose files names the `jazz-tools` package (a Drizzle or Prisma
//! `schema.ts`, say) is not a Jazz project: it is published empty, so the server stays silent.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jazz_schema_compiler::migrations::plan::CreatePlan;
use jazz_schema_compiler::project::query::LastGood;
use jazz_schema_compiler::project::{Analysis, Discovery, discover, env_file};
use tower_lsp_server::ls_types::{Diagnostic as LspDiagnostic, Uri};

use crate::analyzer::Analyzer;
use crate::loader::OverlayLoader;
use crate::to_proto;

/// Diagnostics for one file, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiagnostics {
    pub uri: Uri,
    pub path: PathBuf,
    pub diagnostics: Vec<LspDiagnostic>,
}

#[derive(Debug)]
struct Project {
    analysis: Arc<Analysis>,
    generation: u64,
    /// Files published last time.
    published: BTreeSet<PathBuf>,
    /// The last analysis each file was good in, for answers while it has errors.
    last_good: LastGood,
}

/// Open buffers and per-project analyses.
#[derive(Debug, Default)]
pub struct Workspace {
    loader: OverlayLoader,
    /// Workspace folders: a project root is searched for no higher than these.
    folders: Vec<PathBuf>,
    projects: HashMap<PathBuf, Project>,
    /// Bumped by every change to a buffer or to the disk.
    generation: u64,
    /// Where analyses run, keeping each project's schema phase between them.
    analyzer: Analyzer,
}

impl Workspace {
    pub fn new(folders: Vec<PathBuf>) -> Self {
        Self {
            folders,
            ..Self::default()
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Sets a buffer's whole text (didOpen, full-text didChange).
    pub fn set_text(&mut self, path: PathBuf, text: Arc<str>) {
        self.loader.set(path, text);
        self.generation += 1;
    }

    pub fn text(&self, path: &Path) -> Option<&Arc<str>> {
        self.loader.get(path)
    }

    /// Closes a buffer: the file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.loader.remove(path);
        self.generation += 1;
    }

    /// Something changed on disk.
    pub fn disk_changed(&mut self) {
        self.generation += 1;
    }

    /// How many buffers are open.
    pub fn open_buffers(&self) -> usize {
        self.loader.len()
    }

    /// The root of the project a file belongs to: the innermost ancestor where discovery finds
    /// a schema.ts, widened upwards while discovery still finds the same schema.ts (so
    /// `src/lib/schema.ts` belongs to the project root above `src/`), never past a workspace
    /// folder.
    pub fn project_root(&self, file: &Path) -> Option<PathBuf> {
        let mut found: Option<(PathBuf, PathBuf)> = None;
        // Above the innermost schema.ts, look at most two levels up (`src/lib/`).
        let mut above = 0;
        for dir in file.ancestors().skip(1) {
            let here = match discover(&self.loader, dir) {
                Discovery::Found { schema_file, .. } => Some(schema_file),
                Discovery::Failed(_) => None,
            };
            match (&found, here) {
                (None, Some(schema)) => found = Some((dir.to_path_buf(), schema)),
                (Some((_, same)), Some(schema)) if *same == schema => {
                    found = Some((dir.to_path_buf(), schema));
                }
                (Some(_), Some(_)) => break,
                (Some(_), None) => {
                    above += 1;
                    if above > 2 {
                        break;
                    }
                }
                (None, None) => {}
            }
            if self.folders.iter().any(|f| f == dir) {
                break;
            }
        }
        found.map(|(root, _)| root)
    }

    /// The roots of every project an open buffer belongs to.
    pub fn open_projects(&self) -> BTreeSet<PathBuf> {
        self.loader
            .paths()
            .filter_map(|p| self.project_root(p))
            .collect()
    }

    /// The project's analysis, recomputed when anything changed since it was made.
    pub fn analysis(&mut self, root: &Path) -> Arc<Analysis> {
        if let Some(p) = self.projects.get(root)
            && p.generation == self.generation
        {
            return p.analysis.clone();
        }
        // `process.env` reads see what the CLI's do without flags: the server's environment,
        // then the project's `.env`.
        let env_file = env_file::project_values(&self.loader, root);
        let analysis = Arc::new(self.analyzer.analyze(root, &self.loader, env_file));
        let generation = self.generation;
        let p = self
            .projects
            .entry(root.to_path_buf())
            .or_insert_with(|| Project {
                analysis: analysis.clone(),
                generation,
                published: BTreeSet::new(),
                last_good: LastGood::default(),
            });
        p.last_good.record(&analysis);
        let old = std::mem::replace(&mut p.analysis, analysis.clone());
        p.generation = generation;
        self.analyzer.retire(old);
        analysis
    }

    /// What `jazz migrations create` would write for the project at `root`, now, and the
    /// migrations directory it writes to.
    pub fn migration_plan(&mut self, root: &Path, now_ms: u64) -> Option<(CreatePlan, PathBuf)> {
        let analysis = self.analysis(root);
        let dir = analysis.migrations_dir.clone()?;
        let plan = analysis.migration_plan(&self.loader, &dir, now_ms)?;
        Some((plan, dir))
    }

    /// The analysis of the project `file` belongs to, with the file's id in it.
    pub fn analysis_for(&mut self, file: &Path) -> Option<Arc<Analysis>> {
        let root = self.project_root(file)?;
        Some(self.analysis(&root))
    }

    /// The analysis of the project `file` belongs to, and the last one in which `file` was
    /// good (for hover, completion and definition while it has errors).
    pub fn recall_for(&mut self, file: &Path) -> Option<(Arc<Analysis>, Option<Arc<Analysis>>)> {
        let root = self.project_root(file)?;
        let now = self.analysis(&root);
        let good = self
            .projects
            .get(&root)
            .and_then(|p| p.last_good.get(file).cloned());
        Some((now, good))
    }

    /// Diagnostics to publish for a project: every file it read (with an empty list when it
    /// has no findings), plus an empty list for each file published last time that the
    /// project no longer reads.
    pub fn diagnostics(&mut self, root: &Path) -> Vec<FileDiagnostics> {
        let analysis = self.analysis(root);
        // Every file the project read is published, empty or not, so a client sees the
        // project's state after each change.
        let mut by_file: HashMap<PathBuf, Vec<LspDiagnostic>> = analysis
            .db
            .iter()
            .map(|(_, f)| (f.path.clone(), Vec::new()))
            .collect();
        for d in &analysis.diagnostics {
            let path = match d.span() {
                Some(span) => analysis.db.path(span.file).map(Path::to_path_buf),
                // Project-level findings sit at the top of schema.ts.
                None => analysis.schema_file.clone(),
            };
            if let Some(path) = path {
                by_file
                    .entry(path)
                    .or_default()
                    .push(to_proto::diagnostic(&analysis, d));
            }
        }
        if !names_jazz_tools(&analysis) {
            for diagnostics in by_file.values_mut() {
                diagnostics.clear();
            }
        }
        let Some(project) = self.projects.get_mut(root) else {
            return Vec::new();
        };
        let stale: Vec<PathBuf> = project
            .published
            .iter()
            .filter(|p| !by_file.contains_key(*p))
            .cloned()
            .collect();
        project.published = by_file.keys().cloned().collect();
        let mut out: Vec<FileDiagnostics> = by_file
            .into_iter()
            .chain(stale.into_iter().map(|p| (p, Vec::new())))
            .filter_map(|(path, diagnostics)| {
                Some(FileDiagnostics {
                    uri: to_proto::uri(&path)?,
                    path,
                    diagnostics,
                })
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

/// Whether any file the project read names the `jazz-tools` package (or one of its subpaths)
/// as a quoted module specifier: the sign of a Jazz project. A textual test, so a schema.ts
/// with a syntax error in it still counts.
fn names_jazz_tools(analysis: &Analysis) -> bool {
    analysis.db.iter().any(|(_, f)| {
        ['"', '\'', '`'].iter().any(|q| {
            f.text.match_indices(*q).any(|(at, _)| {
                let rest = &f.text[at + 1..];
                rest.strip_prefix("jazz-tools")
                    .is_some_and(|after| after.starts_with(*q) || after.starts_with('/'))
            })
        })
    })
}

#[cfg(test)]
mod tests;
