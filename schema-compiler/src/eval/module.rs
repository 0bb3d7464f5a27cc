//! Modules: loading through the loader, imports (depth-first, each module once, cycles are
//! JZ0107), module-scope statements in program order, bindings and exports.

use crate::hash::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::diagnostics::{Code, Diagnostic, codes};
use crate::schema::WasmSchema;
use crate::source::{
    FileId, ImportTarget, ProjectRoot, SourceDb, SourceLoader, Span, resolve_relative,
};
use crate::syntax::ast::{self, Item, Pat, Stmt};

use super::column_builder::BuilderState;
use super::value::{AppValue, EnvInit, EnvOrigin, LibRef, Object, Opaque, Value};

/// A module-scope binding.
#[derive(Clone, Debug)]
pub enum Binding {
    Value(Value),
    /// Declared later in the module (temporal dead zone at this point).
    Uninit,
}

/// A module's exports once evaluated.
#[derive(Debug, Default)]
pub struct Exports {
    pub values: Vec<(String, Value, Span)>,
    /// Exported constants that read `process.env`, by export name: an importer binds them
    /// like its own such constants.
    pub env_inits: HashMap<String, EnvInit>,
}

impl Exports {
    pub fn get(&self, name: &str) -> Option<&(String, Value, Span)> {
        self.values.iter().find(|(n, _, _)| n == name)
    }
}

enum ModuleState {
    Loading,
    Done(Rc<Exports>),
}

/// One import of a project file: where it is written, what it names and the file it reads.
#[derive(Clone, Debug)]
pub struct FileImport {
    /// The importing module.
    pub from: PathBuf,
    /// The specifier as written (`"../src/schema"`).
    pub spec: String,
    /// The module it resolves to.
    pub target: PathBuf,
    /// The specifier's span.
    pub span: Span,
}

/// The evaluator: the arena of builders, the module cache and the diagnostics.
pub struct Evaluator<'a> {
    pub loader: &'a dyn SourceLoader,
    pub db: &'a mut SourceDb,
    pub diags: Vec<Diagnostic>,
    /// Shared, so reading a builder while building a table copies nothing; a modifier
    /// replaces its builder's state.
    pub builders: Vec<Rc<BuilderState>>,
    modules: HashMap<PathBuf, ModuleState>,
    /// Legacy `table(name, columns)` calls, in call order.
    pub legacy_tables: Vec<(String, Value, Span)>,
    /// Apps built so far (for JZ1072 at the end).
    pub apps: Vec<Rc<AppValue>>,
    /// The bindings of the module being evaluated.
    pub scope: HashMap<Rc<str>, Binding>,
    /// Reassigned `let`/`var` names of the current module with a reassignment span.
    pub reassigned: HashMap<Rc<str>, Span>,
    /// The file being evaluated.
    pub file: FileId,
    /// Definition sites seen while building schemas (for editor queries).
    pub symbols: super::symbols::SchemaSymbols,
    /// Steps and bytes spent so far (JZ0111).
    pub budget: super::budget::Budget,
    /// The folder imports may not leave (JZ0112); found from the first module loaded unless
    /// set with [`Evaluator::confine_to`].
    root: Option<ProjectRoot>,
    /// Module-scope declarations of the current module whose initialiser reads `process.env`
    /// (directly or through another such name): the permissions phase evaluates them like an
    /// inline read.
    pub env_inits: HashMap<Rc<str>, EnvInit>,
    /// The scopes of the function or block being evaluated, innermost last (`exec.rs`).
    pub(super) frames: Vec<super::exec::Frame>,
    /// How deeply user function calls nest.
    pub(super) call_depth: u32,
    /// Every import of a project file that binds a value, in evaluation order (the migration
    /// reader warns about the ones that leave the migrations folder, JZ3502).
    pub file_imports: Vec<FileImport>,
    /// In-place changes made so far (`exec.rs`).
    pub(super) mutations: u64,
    /// Why the last assignment could not be made, until its statement reads it.
    pub(super) failed_assign: Option<Value>,
    /// Objects and arrays passed to the DSL: held here so they are never changed in place
    /// afterwards (the DSL may have kept them).
    pinned: Vec<Value>,
    /// The `s.json(z...)` calls evaluated, once each.
    pub zod_columns: Vec<Span>,
    /// Each evaluated module's final scope, for calls of its functions from other modules.
    pub(super) module_frames: HashMap<FileId, super::exec::Frame>,
    /// Modifier calls applied to existing builders so far.
    pub(super) builder_writes: u64,
    /// Parses kept from the previous analysis and for the next (`project/incremental.rs`
    /// lends one to the schema phase); `None` parses every module whole.
    pub(crate) parses: Option<crate::syntax::ParseCache>,
}

/// An [`Evaluator`]'s state without its loader and file database, kept between analyses so
/// permissions.ts can be evaluated again over the schema's modules (`project/incremental.rs`).
/// It holds `Rc` values: it stays on the thread that made it.
pub struct Suspended {
    diags: Vec<Diagnostic>,
    builders: Vec<Rc<BuilderState>>,
    modules: HashMap<PathBuf, ModuleState>,
    legacy_tables: Vec<(String, Value, Span)>,
    apps: Vec<Rc<AppValue>>,
    scope: HashMap<Rc<str>, Binding>,
    reassigned: HashMap<Rc<str>, Span>,
    file: FileId,
    symbols: super::symbols::SchemaSymbols,
    budget: super::budget::Budget,
    root: Option<ProjectRoot>,
    env_inits: HashMap<Rc<str>, EnvInit>,
    frames: Vec<super::exec::Frame>,
    call_depth: u32,
    file_imports: Vec<FileImport>,
    mutations: u64,
    failed_assign: Option<Value>,
    pinned: Vec<Value>,
    zod_columns: Vec<Span>,
    module_frames: HashMap<FileId, super::exec::Frame>,
    builder_writes: u64,
}

impl std::fmt::Debug for Suspended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suspended")
            .field("modules", &self.modules.len())
            .field("builders", &self.builders.len())
            .finish_non_exhaustive()
    }
}

/// Where an evaluator stood between two phases, to come back to with [`Evaluator::rewind`].
#[derive(Debug)]
pub struct Checkpoint {
    builders: usize,
    legacy_tables: usize,
    apps: usize,
    pinned: usize,
    file_imports: usize,
    mutations: u64,
    builder_writes: u64,
    budget: super::budget::Budget,
    file: FileId,
    modules: Vec<PathBuf>,
    frames: Vec<FileId>,
    top_level: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(loader: &'a dyn SourceLoader, db: &'a mut SourceDb) -> Self {
        Self {
            loader,
            db,
            diags: Vec::new(),
            builders: Vec::new(),
            modules: HashMap::default(),
            legacy_tables: Vec::new(),
            apps: Vec::new(),
            scope: HashMap::default(),
            reassigned: HashMap::default(),
            file: FileId(0),
            symbols: Default::default(),
            budget: Default::default(),
            root: None,
            env_inits: HashMap::default(),
            frames: Vec::new(),
            call_depth: 0,
            file_imports: Vec::new(),
            mutations: 0,
            failed_assign: None,
            pinned: Vec::new(),
            zod_columns: Vec::new(),
            module_frames: HashMap::default(),
            builder_writes: 0,
            parses: None,
        }
    }

    /// Sets the state aside, without the loader and the database.
    pub fn suspend(self) -> Suspended {
        Suspended {
            diags: self.diags,
            builders: self.builders,
            modules: self.modules,
            legacy_tables: self.legacy_tables,
            apps: self.apps,
            scope: self.scope,
            reassigned: self.reassigned,
            file: self.file,
            symbols: self.symbols,
            budget: self.budget,
            root: self.root,
            env_inits: self.env_inits,
            frames: self.frames,
            call_depth: self.call_depth,
            file_imports: self.file_imports,
            mutations: self.mutations,
            failed_assign: self.failed_assign,
            pinned: self.pinned,
            zod_columns: self.zod_columns,
            module_frames: self.module_frames,
            builder_writes: self.builder_writes,
        }
    }

    /// Goes on from a suspended state, reading through `loader` into `db` (which must hold
    /// the files the state's ids name, with the same ids).
    pub fn resume(loader: &'a dyn SourceLoader, db: &'a mut SourceDb, s: Suspended) -> Self {
        Self {
            loader,
            db,
            diags: s.diags,
            builders: s.builders,
            modules: s.modules,
            legacy_tables: s.legacy_tables,
            apps: s.apps,
            scope: s.scope,
            reassigned: s.reassigned,
            file: s.file,
            symbols: s.symbols,
            budget: s.budget,
            root: s.root,
            env_inits: s.env_inits,
            frames: s.frames,
            call_depth: s.call_depth,
            file_imports: s.file_imports,
            mutations: s.mutations,
            failed_assign: s.failed_assign,
            pinned: s.pinned,
            zod_columns: s.zod_columns,
            module_frames: s.module_frames,
            builder_writes: s.builder_writes,
            parses: None,
        }
    }

    /// Marks the current state (between phases, at module level) to [`rewind`](Self::rewind)
    /// to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            builders: self.builders.len(),
            legacy_tables: self.legacy_tables.len(),
            apps: self.apps.len(),
            pinned: self.pinned.len(),
            file_imports: self.file_imports.len(),
            mutations: self.mutations,
            builder_writes: self.builder_writes,
            budget: self.budget.clone(),
            file: self.file,
            modules: self.modules.keys().cloned().collect(),
            frames: self.module_frames.keys().copied().collect(),
            top_level: self.at_top_level(),
        }
    }

    fn at_top_level(&self) -> bool {
        self.scope.is_empty()
            && self.reassigned.is_empty()
            && self.env_inits.is_empty()
            && self.frames.is_empty()
            && self.call_depth == 0
            && self.failed_assign.is_none()
            && self.diags.is_empty()
            && self.zod_columns.is_empty()
    }

    /// Drops everything evaluated since `c`, so the state is again exactly what it was then.
    /// `false` (and the state left as it is) when that cannot be done: something from before
    /// `c` was changed in place (a binding or object, a column builder), which only a fresh
    /// evaluation undoes. Diagnostics must have been taken out first.
    pub fn rewind(&mut self, c: &Checkpoint) -> bool {
        if !c.top_level
            || self.mutations != c.mutations
            || self.builder_writes != c.builder_writes
            || !self.frames.is_empty()
            || self.call_depth != 0
        {
            return false;
        }
        self.builders.truncate(c.builders);
        self.legacy_tables.truncate(c.legacy_tables);
        self.apps.truncate(c.apps);
        self.pinned.truncate(c.pinned);
        self.file_imports.truncate(c.file_imports);
        self.budget = c.budget.clone();
        self.file = c.file;
        self.modules.retain(|p, _| c.modules.contains(p));
        self.module_frames.retain(|f, _| c.frames.contains(f));
        self.scope.clear();
        self.reassigned.clear();
        self.env_inits.clear();
        self.failed_assign = None;
        self.diags.clear();
        self.symbols = Default::default();
        self.zod_columns.clear();
        true
    }

    /// Confines imports to the project whose entry files sit in `dir`.
    pub fn confine_to(&mut self, dir: &Path) {
        self.root = Some(ProjectRoot::find(self.loader, dir));
    }

    /// Applies a budget check made at `span`: on the first crossing, reports JZ0111 there (`what`
    /// names the value being built); from then on, every check fails with a silent value.
    pub fn spend(
        &mut self,
        check: Result<(), super::budget::Limit>,
        span: Span,
        what: &str,
    ) -> Result<(), Value> {
        match check {
            Ok(()) => Ok(()),
            Err(limit) => {
                if self.budget.report_once() {
                    self.push(super::budget::diagnostic(limit, span, what));
                }
                Err(silent(span))
            }
        }
    }

    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.check_mutated_after_build();
        self.diags
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Pushes what a check found: `None`, one diagnostic, or a list (see `schema::checks`).
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diags.extend(ds);
    }

    /// Reports an opaque value that reached a position that matters.
    pub fn report_opaque(&mut self, o: &Opaque) {
        if o.silent {
            return;
        }
        let mut d = Diagnostic::new(o.code, o.message.clone()).at(o.span);
        for (span, msg) in &o.labels {
            d = d.label(*span, msg.clone());
        }
        if let Some(h) = &o.help {
            d = d.help(h.clone());
        }
        d.fixes.extend(o.fixes.iter().cloned());
        self.push(d);
    }

    /// Evaluates the schema module and picks the schema.
    pub fn run_schema(&mut self, path: &Path) -> Option<std::sync::Arc<WasmSchema>> {
        let exports = self.load_module(path, None)?;
        let file = self.db.lookup(path)?;
        self.file = file;
        self.select_schema(&exports, file)
    }

    /// Loads, parses and evaluates a module once; `None` when it could not be read.
    pub fn load_module(&mut self, path: &Path, import_span: Option<Span>) -> Option<Rc<Exports>> {
        match self.modules.get(path) {
            Some(ModuleState::Done(e)) => return Some(e.clone()),
            Some(ModuleState::Loading) => {
                if let Some(span) = import_span {
                    self.push(
                        Diagnostic::new(
                            codes::IMPORT_CYCLE,
                            format!(
                                "import cycle: `{}` is already being evaluated",
                                path.display()
                            ),
                        )
                        .at(span)
                        .help("move the shared values into a module that both import"),
                    );
                }
                return None;
            }
            None => {}
        }
        if self.root.is_none() {
            self.confine_to(path.parent().unwrap_or(Path::new("")));
        }
        let text = match self.loader.read(path) {
            Ok(Some(t)) => t,
            Ok(None) => return None,
            Err(e) => {
                let mut d = Diagnostic::new(
                    codes::UNREADABLE,
                    format!("cannot read `{}`: {e}", path.display()),
                );
                if let Some(span) = import_span {
                    d = d.at(span);
                }
                self.push(d);
                return None;
            }
        };
        let file = self.db.add(path.to_path_buf(), text.clone());
        let tsx = path.extension().is_some_and(|e| e == "tsx" || e == "jsx");
        let parsed = match &mut self.parses {
            Some(cache) => cache.parse(path, file, &text, tsx),
            None => crate::syntax::parse(file, &text, tsx),
        };
        self.diags.extend(parsed.diagnostics.iter().cloned());
        self.modules
            .insert(path.to_path_buf(), ModuleState::Loading);
        let saved_scope = std::mem::take(&mut self.scope);
        let saved_reassigned = std::mem::take(&mut self.reassigned);
        let saved_env_inits = std::mem::take(&mut self.env_inits);
        let saved_file = self.file;
        self.file = file;
        let exports = Rc::new(self.eval_module(path, &parsed.module));
        let scope = std::mem::replace(&mut self.scope, saved_scope);
        self.module_frames
            .insert(file, Rc::new(std::cell::RefCell::new(scope)));
        self.reassigned = saved_reassigned;
        self.env_inits = saved_env_inits;
        self.file = saved_file;
        self.modules
            .insert(path.to_path_buf(), ModuleState::Done(exports.clone()));
        if let Some(cache) = &mut self.parses {
            cache.keep(path.to_path_buf(), file, text, tsx, parsed);
        }
        Some(exports)
    }

    fn eval_module(&mut self, path: &Path, module: &ast::Module) -> Exports {
        super::expr::collect_reassigned(module, &mut self.reassigned);
        // Imports first, depth-first in import order (they are hoisted).
        for item in &module.items {
            if let Item::Import(i) = item {
                self.eval_import(path, i);
            }
        }
        // Hoisting: functions are bound, lexical declarations are in their dead zone.
        for item in &module.items {
            if let Item::Stmt { stmt, .. } = item {
                match stmt {
                    Stmt::Function { name, func, .. } => {
                        self.scope.insert(
                            name.name.clone(),
                            Binding::Value(Value::Function(func.clone())),
                        );
                    }
                    Stmt::Var { decls, .. } => {
                        for d in decls {
                            let mut names = Vec::new();
                            d.pat.bound_names(&mut names);
                            for n in names {
                                self.scope.entry(n.name).or_insert(Binding::Uninit);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut exports = Exports::default();
        let mut local_exports: Vec<(Rc<str>, String, Span)> = Vec::new();
        for item in &module.items {
            match item {
                Item::Import(_) => {}
                Item::Stmt { stmt, exported } => {
                    self.eval_stmt(stmt);
                    if *exported {
                        for (name, span) in declared_names(stmt) {
                            local_exports.push((name.clone(), name.to_string(), span));
                        }
                    }
                }
                Item::ExportDefault { expr, .. } => {
                    let v = self.eval_expr(expr);
                    exports.values.push(("default".into(), v, expr.span()));
                }
                Item::ExportNamed {
                    specifiers,
                    source: None,
                    ..
                } => {
                    for s in specifiers {
                        local_exports.push((s.orig.clone(), s.exported.to_string(), s.orig_span));
                    }
                }
                Item::ExportNamed {
                    specifiers,
                    source: Some((src_span, spec)),
                    ..
                } => {
                    let target = self.import_target(path, &spec.text, *src_span, true);
                    for s in specifiers {
                        if let Imported::Module(e) = &target
                            && let Some(init) = e.env_inits.get(&*s.orig)
                        {
                            exports
                                .env_inits
                                .insert(s.exported.to_string(), init.clone());
                        }
                        let v = match &target {
                            Imported::Module(e) if &*s.orig == "*" => namespace_object(e),
                            Imported::Module(e) => match e.get(&s.orig) {
                                Some((_, v, _)) => v.clone(),
                                None => missing_export(&spec.text, &s.orig, s.orig_span),
                            },
                            Imported::Lib(lib) => lib_member(lib, &s.orig, s.orig_span),
                            Imported::Unresolved(o) => Value::Opaque(o.clone()),
                        };
                        exports.values.push((s.exported.to_string(), v, s.span));
                    }
                }
                Item::ExportAll {
                    source: (src_span, spec),
                    ..
                } => {
                    if let Imported::Module(e) =
                        self.import_target(path, &spec.text, *src_span, true)
                    {
                        for (n, v, s) in &e.values {
                            if n != "default" && exports.get(n).is_none() {
                                exports.values.push((n.clone(), v.clone(), *s));
                            }
                        }
                    }
                }
            }
        }
        let mut origin: Option<Rc<EnvOrigin>> = None;
        for (local, exported, _) in &local_exports {
            let Some(init) = self.env_inits.get(local).cloned() else {
                continue;
            };
            let init = match init.origin {
                Some(_) => init,
                None => {
                    let origin = origin
                        .get_or_insert_with(|| Rc::new(self.env_origin()))
                        .clone();
                    EnvInit {
                        expr: init.expr,
                        origin: Some(origin),
                    }
                }
            };
            exports.env_inits.insert(exported.clone(), init);
        }
        for (local, exported, span) in local_exports {
            let v = self.lookup(&local, span);
            // A later explicit export of the same name replaces an `export *` one.
            exports.values.retain(|(n, _, _)| *n != exported);
            exports.values.push((exported, v, span));
        }
        exports
    }

    fn eval_import(&mut self, path: &Path, i: &ast::Import) {
        // A bare `import "./x"` binds no value: it is not one of `file_imports`.
        let binds = !i.specifiers.is_empty();
        let target = self.import_target(path, &i.source.1.text, i.source.0, binds);
        for spec in &i.specifiers {
            let (local, value) = match spec {
                ast::ImportSpec::Named { local, imported } => {
                    match &target {
                        Imported::Module(e) if e.env_inits.contains_key(&**imported) => {
                            if let Some(init) = e.env_inits.get(&**imported) {
                                self.env_inits.insert(local.name.clone(), init.clone());
                            }
                        }
                        _ => {}
                    }
                    let v = match &target {
                        Imported::Module(e) => match e.get(imported) {
                            Some((_, v, _)) => v.clone(),
                            None => missing_export(&i.source.1.text, imported, local.span),
                        },
                        Imported::Lib(lib) => lib_member(lib, imported, local.span),
                        Imported::Unresolved(o) => Value::Opaque(o.clone()),
                    };
                    (local, v)
                }
                ast::ImportSpec::Default { local } => {
                    let v = match &target {
                        Imported::Module(e) => match e.get("default") {
                            Some((_, v, _)) => v.clone(),
                            None => missing_export(&i.source.1.text, "default", local.span),
                        },
                        Imported::Lib(lib) => lib_member(lib, "default", local.span),
                        Imported::Unresolved(o) => Value::Opaque(o.clone()),
                    };
                    (local, v)
                }
                ast::ImportSpec::Namespace { local } => {
                    let v = match &target {
                        Imported::Module(e) => namespace_object(e),
                        Imported::Lib(lib) => Value::Lib(Rc::new(lib.clone())),
                        Imported::Unresolved(o) => Value::Opaque(o.clone()),
                    };
                    (local, v)
                }
            };
            self.scope.insert(local.name.clone(), Binding::Value(value));
        }
    }

    /// What `spec`, imported by `from`, resolves to; with `record`, a project module that loads
    /// is added to `file_imports`.
    fn import_target(&mut self, from: &Path, spec: &str, span: Span, record: bool) -> Imported {
        match resolve_relative(self.loader, from, spec) {
            ImportTarget::JazzTools => Imported::Lib(LibRef::JazzTools),
            ImportTarget::JazzPermissions => Imported::Lib(LibRef::Permissions),
            ImportTarget::Zod => Imported::Lib(LibRef::Zod { path: Rc::from("") }),
            ImportTarget::File(p) if !self.inside_root(&p) => {
                let root = self
                    .root
                    .as_ref()
                    .map(|r| r.path.clone())
                    .unwrap_or_default();
                self.push(
                    Diagnostic::new(
                        codes::IMPORT_OUTSIDE_PROJECT,
                        format!(
                            "import of `{spec}` leaves the project: `{}` is outside `{}`",
                            p.display(),
                            root.display()
                        ),
                    )
                    .at(span)
                    .note("jazz reads only files inside the project root (the nearest folder with package.json or .git), and does not follow symlinks out of it")
                    .help("move the module into the project, or copy the values it exports"),
                );
                Imported::Unresolved(Rc::new(Opaque {
                    span,
                    code: codes::IMPORT_OUTSIDE_PROJECT,
                    message: String::new(),
                    help: None,
                    labels: Vec::new(),
                    fixes: Vec::new(),
                    silent: true,
                }))
            }
            ImportTarget::File(p) => match self.load_module(&p, Some(span)) {
                Some(e) => {
                    if record {
                        self.file_imports.push(FileImport {
                            from: from.to_path_buf(),
                            spec: spec.to_owned(),
                            target: p,
                            span,
                        });
                    }
                    Imported::Module(e)
                }
                None => Imported::Unresolved(Rc::new(Opaque {
                    span,
                    code: codes::UNRESOLVED,
                    message: format!("module `{spec}` could not be evaluated"),
                    help: None,
                    labels: Vec::new(),
                    fixes: Vec::new(),
                    silent: false,
                })),
            },
            ImportTarget::Missing => {
                let d = Diagnostic::new(codes::UNRESOLVED, format!("cannot find module `{spec}`"))
                    .at(span)
                    .help("check the path; relative imports resolve like the bundler: `./x`, `./x.js` → `x.ts`, `./dir` → `dir/index.ts`");
                self.push(d);
                Imported::Unresolved(Rc::new(Opaque {
                    span,
                    code: codes::UNRESOLVED,
                    message: format!("cannot find module `{spec}`"),
                    help: None,
                    labels: Vec::new(),
                    fixes: Vec::new(),
                    silent: false,
                }))
            }
            ImportTarget::Unsupported => Imported::Unresolved(Rc::new(Opaque {
                span,
                code: codes::UNRESOLVED,
                message: format!("cannot read module `{spec}` statically"),
                help: Some("inline the values, or move them into a relative `.ts` module".into()),
                labels: Vec::new(),
                fixes: Vec::new(),
                silent: false,
            })),
        }
    }

    /// Whether a resolved import stays inside the project root (symlinks resolved).
    fn inside_root(&self, file: &Path) -> bool {
        self.root
            .as_ref()
            .is_none_or(|r| r.contains(self.loader, file))
    }

    /// The current module's scope and env constants, for the env constants it exports.
    fn env_origin(&self) -> EnvOrigin {
        EnvOrigin {
            scope: self
                .scope
                .iter()
                .filter_map(|(k, b)| match b {
                    Binding::Value(v) => Some((k.clone(), v.clone())),
                    Binding::Uninit => None,
                })
                .collect(),
            env_inits: self.env_inits.clone(),
        }
    }

    /// Keeps the objects and arrays a DSL call receives from being changed in place later.
    pub(super) fn pin(&mut self, args: &[(Value, Span)]) {
        self.pinned.extend(
            args.iter()
                .filter(|(v, _)| matches!(v, Value::Object(_) | Value::Array(_)))
                .map(|(v, _)| v.clone()),
        );
    }

    /// Looks a name up in the evaluated function's scopes, module scope, then the globals.
    pub fn lookup(&mut self, name: &str, span: Span) -> Value {
        match self.local(name) {
            Some(Binding::Value(v)) => return v,
            Some(Binding::Uninit) => {
                return opaque(
                    span,
                    codes::NOT_STATIC,
                    format!("`{name}` is used before its declaration"),
                    Some("move the declaration above its first use"),
                );
            }
            None => {}
        }
        if let Some(at) = self.reassigned.get(name).copied()
            && matches!(self.scope.get(name), Some(Binding::Value(_)))
        {
            return opaque(
                span,
                codes::MUTATION,
                format!("`{name}` is reassigned, so its value cannot be known statically"),
                Some("declare it with `const` and build the value in one literal with spreads"),
            )
            .with_label(at, "reassigned here");
        }
        match self.scope.get(name) {
            Some(Binding::Value(Value::Opaque(o)))
                if o.code == codes::UNRESOLVED && o.span != span =>
            {
                // Point at the use, and show where the binding came from.
                let mut o2 = (**o).clone();
                o2.labels.push((o.span, "imported here".into()));
                o2.span = span;
                Value::Opaque(Rc::new(o2))
            }
            Some(Binding::Value(v)) => v.clone(),
            Some(Binding::Uninit) => opaque(
                span,
                codes::NOT_STATIC,
                format!("`{name}` is used before its declaration"),
                Some("move the declaration above its first use"),
            ),
            None => super::dsl::global(name, span),
        }
    }

    /// Whether an initialiser reads `process.env`, directly or through a name bound to such a
    /// read earlier in the module. Decided on the source text: a false positive only lets the
    /// permissions phase evaluate an initialiser that is opaque here anyway.
    fn reads_env(&self, e: &ast::Expr) -> bool {
        let range = e.span().range;
        let Some(text) = self
            .db
            .get(self.file)
            .and_then(|f| f.text.get(range.start as usize..range.end as usize))
        else {
            return false;
        };
        text.contains("process")
            || (!self.env_inits.is_empty()
                && text
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .any(|w| !w.is_empty() && self.env_inits.contains_key(w)))
    }

    fn eval_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Var { decls, .. } => {
                for d in decls {
                    let v = match &d.init {
                        Some(e) => self.eval_expr(e),
                        None => Value::Undefined,
                    };
                    if let Pat::Ident(i) = &d.pat {
                        match &d.init {
                            Some(e)
                                if !self.reassigned.contains_key(&i.name) && self.reads_env(e) =>
                            {
                                self.env_inits.insert(
                                    i.name.clone(),
                                    EnvInit {
                                        expr: Rc::new(e.clone()),
                                        origin: None,
                                    },
                                );
                            }
                            _ => {
                                self.env_inits.remove(&i.name);
                            }
                        }
                    }
                    self.bind_pattern(&d.pat, v);
                }
            }
            Stmt::Expr { expr, .. } => {
                let outer = self.failed_assign.take();
                let _ = self.eval_expr(expr);
                if let Some(Value::Opaque(o)) = std::mem::replace(&mut self.failed_assign, outer) {
                    self.report_opaque(&o);
                }
            }
            Stmt::Function { .. } | Stmt::Class { .. } | Stmt::Nothing => {}
            Stmt::TsEnum { name, span } => {
                self.scope.insert(
                    name.name.clone(),
                    Binding::Value(opaque(
                        *span,
                        codes::NOT_STATIC,
                        "TypeScript `enum` values cannot be evaluated statically",
                        Some("use string literals, or `s.enum(\"a\", \"b\")`"),
                    )),
                );
            }
            Stmt::Block { .. } | Stmt::If { .. } | Stmt::Loop { .. } | Stmt::Switch { .. } => {
                self.exec_module_stmt(stmt)
            }
            other => self.scan_mutations_stmt(other),
        }
    }

    /// Binds a declaration pattern (destructuring of static values is supported).
    pub fn bind_pattern(&mut self, pat: &Pat, v: Value) {
        match pat {
            Pat::Ident(i) => match self.frames.last() {
                Some(f) => {
                    f.borrow_mut().insert(i.name.clone(), Binding::Value(v));
                }
                None => {
                    self.scope.insert(i.name.clone(), Binding::Value(v));
                }
            },
            Pat::Default { pat, default, .. } => {
                let v = if matches!(v, Value::Undefined) {
                    self.eval_expr(default)
                } else {
                    v
                };
                self.bind_pattern(pat, v);
            }
            Pat::Object { props, rest, span } => {
                for p in props {
                    let key = match &p.key {
                        ast::PropKey::Static { name, .. } => Some(String::from(&*name.text)),
                        _ => None,
                    };
                    let pv = match (&v, key) {
                        (Value::Object(o), Some(k)) => {
                            o.get(&k).cloned().unwrap_or(Value::Undefined)
                        }
                        (Value::Opaque(o), _) => Value::Opaque(o.clone()),
                        _ => opaque(
                            p.key.span(),
                            codes::NOT_STATIC,
                            "this destructuring cannot be evaluated statically",
                            None,
                        ),
                    };
                    self.bind_pattern(&p.value, pv);
                }
                if let Some(r) = rest {
                    self.bind_pattern(
                        r,
                        opaque(
                            *span,
                            codes::NOT_STATIC,
                            "rest patterns are not evaluated",
                            None,
                        ),
                    );
                }
            }
            Pat::Array { elems, rest, span } => {
                for (i, e) in elems.iter().enumerate() {
                    if let Some(p) = e {
                        let ev = match &v {
                            Value::Array(a) => a.get(i).cloned().unwrap_or(Value::Undefined),
                            Value::Opaque(o) => Value::Opaque(o.clone()),
                            _ => opaque(
                                p.span(),
                                codes::NOT_STATIC,
                                "this destructuring cannot be evaluated statically",
                                None,
                            ),
                        };
                        self.bind_pattern(p, ev);
                    }
                }
                if let Some(r) = rest {
                    self.bind_pattern(
                        r,
                        opaque(
                            *span,
                            codes::NOT_STATIC,
                            "rest patterns are not evaluated",
                            None,
                        ),
                    );
                }
            }
            Pat::Expr(_) | Pat::Unsupported { .. } => {}
        }
    }

    /// JZ1072: a builder changed after an app was built from it.
    pub(super) fn check_mutated_after_build(&mut self) {
        let apps = std::mem::take(&mut self.apps);
        for app in &apps {
            for (id, frozen) in &app.frozen {
                let Some(now) = self.builders.get(id.0) else {
                    continue;
                };
                if now.fingerprint() != *frozen {
                    let at = now.modified.unwrap_or(now.span);
                    self.push(
                        Diagnostic::new(
                            codes::MUTATED_AFTER_BUILD,
                            "column builder changed after the app was built from it; the runtime and the CLI would see different schemas",
                        )
                        .at(at)
                        .label(app.span, "app built here")
                        .help("apply every modifier before `defineApp(...)`"),
                    );
                }
            }
        }
        self.apps = apps;
    }
}

enum Imported {
    Module(Rc<Exports>),
    Lib(LibRef),
    Unresolved(Rc<Opaque>),
}

fn lib_member(lib: &LibRef, name: &str, span: Span) -> Value {
    super::dsl::lib_member(lib, name, span)
}

fn namespace_object(e: &Exports) -> Value {
    let mut o = Object::default();
    for (n, v, _) in &e.values {
        o.set(n.clone(), v.clone());
    }
    Value::Object(Rc::new(o))
}

fn missing_export(spec: &str, name: &str, span: Span) -> Value {
    opaque(
        span,
        codes::UNRESOLVED,
        format!("module `{spec}` has no export `{name}`"),
        None,
    )
}

/// Names an exported declaration binds, with spans.
fn declared_names(stmt: &Stmt) -> Vec<(Rc<str>, Span)> {
    match stmt {
        Stmt::Var { decls, .. } => {
            let mut names = Vec::new();
            for d in decls {
                d.pat.bound_names(&mut names);
            }
            names.into_iter().map(|i| (i.name, i.span)).collect()
        }
        Stmt::Function { name, .. } | Stmt::Class { name, .. } | Stmt::TsEnum { name, .. } => {
            vec![(name.name.clone(), name.span)]
        }
        _ => Vec::new(),
    }
}

/// An opaque value for a problem that has already been reported.
pub fn silent(span: Span) -> Value {
    Value::Opaque(Rc::new(Opaque {
        span,
        code: codes::NOT_STATIC,
        message: String::new(),
        help: None,
        labels: Vec::new(),
        fixes: Vec::new(),
        silent: true,
    }))
}

/// Makes an opaque value.
pub fn opaque(span: Span, code: Code, message: impl Into<String>, help: Option<&str>) -> Value {
    Value::Opaque(Rc::new(Opaque {
        span,
        code,
        message: message.into(),
        help: help.map(str::to_owned),
        labels: Vec::new(),
        fixes: Vec::new(),
        silent: false,
    }))
}

impl Value {
    /// Adds a secondary label to an opaque value (no-op for other values).
    pub fn with_label(self, span: Span, msg: &str) -> Value {
        match self {
            Value::Opaque(o) => {
                let mut o = (*o).clone();
                o.labels.push((span, msg.to_owned()));
                Value::Opaque(Rc::new(o))
            }
            v => v,
        }
    }
}
