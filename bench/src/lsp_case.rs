//! One language-server edit case on the generated app, shared by the `lsp` criterion bench and
//! the `edit_loop` profiling example: a project on disk open in a [`Workspace`], and the file
//! the case edits with the two texts it alternates between (so every edit really changes the
//! buffer). An edit is all the server work between a `didChange` and its
//! `publishDiagnostics`: the analysis and the LSP diagnostics (`Workspace::diagnostics`),
//! minus the debounce and the JSON framing.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use jazz_lsp::workspace::Workspace;
use jazz_schema_compiler::project::{Analysis, AnalyzeOptions, analyze};
use jazz_schema_compiler::schema::{schema_hash, snapshots, wasm_json};
use jazz_schema_compiler::source::MemoryLoader;

/// What the project holds and which file is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    /// schema.ts alone, edited.
    Schema,
    /// schema.ts and a permissions.ts ruling every table; permissions.ts edited.
    Permissions,
    /// schema.ts and a permissions.ts; schema.ts edited.
    SchemaWithPermissions,
    /// schema.ts and a committed snapshot of its schema in `migrations/snapshots`; schema.ts
    /// edited (the editor checks the migrations folder on every edit).
    SchemaWithSnapshot,
    /// schema.ts alone, edited after the last table (a comment at the end of the file): only
    /// the text after the last statement is parsed again.
    SchemaOutsideTables,
    /// schema.ts alone, a syntax error typed into the middle table and taken out again: the
    /// slow path, where schema.ts is parsed whole (a parse with errors is not reused, and an
    /// edit that makes one is not known to until the whole file is parsed).
    SchemaSyntaxError,
}

/// The edited text of schema.ts: `typed` inserted before the first `:` of the middle table's
/// first column (its name ends there). `X` renames the column, the kind of keystroke a user
/// makes inside a table.
fn edit_in_middle_table(text: &str, typed: &str) -> Option<String> {
    let header = ": s.table({\n";
    let tables = text.matches(header).count();
    let (table_at, _) = text.match_indices(header).nth(tables / 2)?;
    let column = table_at + header.len();
    let colon = column + text[column..].find(':')?;
    Some(format!("{}{typed}{}", &text[..colon], &text[colon..]))
}

pub struct LspCase {
    pub dir: PathBuf,
    pub ws: Workspace,
    file: PathBuf,
    texts: [Arc<str>; 2],
}

impl LspCase {
    /// The generated app of `tables` tables (seed 1) in a fresh temporary folder named after
    /// `name`, analysed once.
    pub fn new(name: &str, tables: usize, setup: Setup) -> Self {
        let dir =
            std::env::temp_dir().join(format!("jazz-bench-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let schema = crate::generate_app(tables, 1);
        let _ = std::fs::write(dir.join("schema.ts"), &schema);
        let mut open = vec![(dir.join("schema.ts"), schema.clone())];
        if matches!(setup, Setup::Permissions | Setup::SchemaWithPermissions) {
            let perms = crate::generate_app_permissions(tables);
            let _ = std::fs::write(dir.join("permissions.ts"), &perms);
            open.push((dir.join("permissions.ts"), perms));
        }
        if setup == Setup::SchemaWithSnapshot {
            write_snapshot(&dir, &schema);
        }
        let mut ws = Workspace::new(vec![dir.clone()]);
        for (path, text) in &open {
            ws.set_text(path.clone(), Arc::from(text.as_str()));
        }
        let edited = usize::from(setup == Setup::Permissions);
        let (file, text) = open.swap_remove(edited);
        // permissions.ts gets a comment at the end (the whole file is evaluated again
        // whatever the edit); schema.ts a renamed column, the comment, or a stray `(`.
        let edited_text = match setup {
            Setup::Permissions | Setup::SchemaOutsideTables => None,
            Setup::SchemaSyntaxError => edit_in_middle_table(&text, "("),
            _ => edit_in_middle_table(&text, "X"),
        };
        let texts = [
            Arc::<str>::from(text.as_str()),
            Arc::<str>::from(edited_text.unwrap_or_else(|| format!("{text}// edited\n"))),
        ];
        let _ = ws.diagnostics(&dir);
        Self {
            dir,
            ws,
            file,
            texts,
        }
    }

    /// Edit number `i` without the diagnostics: the analysis alone.
    pub fn analyse(&mut self, i: usize) -> Arc<Analysis> {
        self.ws
            .set_text(self.file.clone(), self.texts[i % 2].clone());
        self.ws.analysis(&self.dir)
    }

    /// Edit number `i`: sets one of the two texts and computes the diagnostics to publish;
    /// returns how many files they cover.
    pub fn edit(&mut self, i: usize) -> usize {
        self.ws
            .set_text(self.file.clone(), self.texts[i % 2].clone());
        black_box(self.ws.diagnostics(&self.dir)).len()
    }
}

impl Drop for LspCase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes the committed snapshot of `schema_ts`'s schema into `dir/migrations/snapshots`.
fn write_snapshot(dir: &std::path::Path, schema_ts: &str) {
    let loader = MemoryLoader::new().with(dir.join("schema.ts"), schema_ts);
    let analysis = analyze(&loader, dir, &AnalyzeOptions::default());
    let Some(schema) = analysis.valid_schema() else {
        return;
    };
    let snapshots = dir.join("migrations").join("snapshots");
    let _ = std::fs::create_dir_all(&snapshots);
    let name = snapshots::committed_name(1_767_225_600_000, &schema_hash(schema));
    let _ = std::fs::write(snapshots.join(name), wasm_json::to_pretty_json(schema));
}
