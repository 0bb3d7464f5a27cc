//! JZ3504: the schema has moved on from the latest committed snapshot in a way that needs a
//! migration, and no migration file covers that edge yet. Checked with the migration files
//! (`AnalyzeOptions::check_migrations`), from what `jazz migrations create` would read: the
//! committed snapshots in `<migrationsDir>/snapshots` and the `*.ts` names in
//! `<migrationsDir>`, all through the [`SourceLoader`] (editor buffers over the disk). The
//! decision is the one `migrations create` and the publish pipeline make: the edge from the
//! latest snapshot to the current schema needs a row transform
//! ([`requires_row_transform`]) and [`files_for_edge`] finds no file for it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::SchemaSymbols;
use crate::migrations::codes;
use crate::migrations::names::files_for_edge;
use crate::migrations::requires_row_transform;
use crate::schema::snapshots::{committed_name_cmp, is_committed_name};
use crate::schema::wasm_json::from_json_text;
use crate::schema::{SchemaHash, WasmSchema, schema_hash};
use crate::source::{FileId, SourceDb, SourceLoader, Span};

/// A snapshot read from its text, with its hash.
type Read = Arc<(WasmSchema, SchemaHash)>;

/// The last snapshot text read and what it gave: the editor analyses on every keystroke, and
/// reading a large app's snapshot again each time would cost as much as a good part of the
/// analysis. Keyed by the whole text, so an edited snapshot is read again.
static LAST_READ: Mutex<Option<(Arc<str>, Read)>> = Mutex::new(None);

/// The schema and hash of a snapshot's `text`, or `None` when it does not parse.
fn read_snapshot(text: Arc<str>) -> Option<Read> {
    if let Ok(last) = LAST_READ.lock()
        && let Some((seen, read)) = last.as_ref()
        && (Arc::ptr_eq(seen, &text) || **seen == *text)
    {
        return Some(read.clone());
    }
    let schema = from_json_text(&text).ok()?;
    let hash = schema_hash(&schema);
    let read = Arc::new((schema, hash));
    if let Ok(mut last) = LAST_READ.lock() {
        *last = Some((text, read.clone()));
    }
    Some(read)
}

/// The latest committed snapshot that parses, as `migrations create` picks it: committed
/// names in upstream's order, newest first; one that cannot be read is passed over.
fn latest_snapshot(loader: &dyn SourceLoader, dir: &Path) -> Option<(String, Read)> {
    let snapshots = dir.join("snapshots");
    let mut names: Vec<String> = loader
        .list_dir(&snapshots)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| is_committed_name(n))
        .collect();
    names.sort_by(|a, b| committed_name_cmp(b, a));
    names.into_iter().find_map(|name| {
        let text = loader.read(&snapshots.join(&name)).ok()??;
        Some((name, read_snapshot(text)?))
    })
}

/// Where JZ3504 points: the callee of the `defineApp(...)` call in schema.ts (the whole call
/// when its text has no `(`), another file's app when schema.ts has none, else the start of
/// schema.ts.
fn app_span(symbols: &SchemaSymbols, schema_file: FileId, db: &SourceDb) -> Span {
    let app = symbols
        .apps
        .iter()
        .find(|s| s.file == schema_file)
        .or_else(|| symbols.apps.first());
    let Some(app) = app else {
        return Span::new(schema_file, 0, 0);
    };
    let call = db.slice(*app);
    let callee = call
        .find('(')
        .and_then(|at| call.get(..at))
        .map(|c| c.trim_end().len())
        .filter(|len| *len > 0)
        .and_then(|len| u32::try_from(len).ok());
    match callee {
        Some(at) => Span::new(app.file, app.range.start, app.range.start + at),
        None => *app,
    }
}

/// JZ3504 for `schema` (the current, error-free schema) against the migrations directory
/// `dir`, or `None` when the latest snapshot is this schema, the change needs no row
/// transform, a migration file names the edge, or there is no committed snapshot.
pub(super) fn check(
    loader: &dyn SourceLoader,
    dir: &Path,
    schema: &WasmSchema,
    symbols: &SchemaSymbols,
    schema_file: FileId,
    db: &SourceDb,
) -> Option<Diagnostic> {
    let (name, latest) = latest_snapshot(loader, dir)?;
    let (latest, from) = &*latest;
    // The same schema has the same hash; comparing is cheaper than hashing.
    if latest == schema {
        return None;
    }
    let from = *from;
    let to = schema_hash(schema);
    if from == to || !requires_row_transform(latest, schema) {
        return None;
    }
    let files: Vec<String> = loader
        .list_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.ends_with(".ts") && !n.ends_with(".d.ts"))
        .collect();
    if !files_for_edge(&files, &from, &to).is_empty() {
        return None;
    }
    let (f12, t12) = (from.short(), to.short());
    Some(
        Diagnostic::new(
            codes::SCHEMA_CHANGED,
            format!(
                "the schema changed since the latest snapshot: {f12} -> {t12} needs a migration, and no migration file covers it yet"
            ),
        )
        .at(app_span(symbols, schema_file, db))
        .note(format!("the latest committed snapshot is snapshots/{name}"))
        .help(format!(
            "run `jazz migrations create` to write the migration stub for {f12} -> {t12} and a snapshot of {t12}"
        )),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::migrations::codes;
    use crate::project::{Analysis, AnalyzeOptions, analyze};
    use crate::schema::snapshots::committed_name;
    use crate::schema::wasm_json::to_pretty_json;
    use crate::schema::{SchemaHash, schema_hash};
    use crate::source::MemoryLoader;

    const V1: &str = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  todos: s.table({ title: s.string() }),\n});\n";
    /// A required column: needs a row transform from V1.
    const V2: &str = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  todos: s.table({ title: s.string(), done: s.boolean() }),\n});\n";
    /// A new default: no row transform from V1.
    const V3: &str = "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({\n  todos: s.table({ title: s.string().default(\"x\") }),\n});\n";
    // 2026-01-01T00:00:00Z and a day later.
    const JAN1: u64 = 1_767_225_600_000;
    const JAN2: u64 = JAN1 + 86_400_000;

    fn with_migrations(loader: &MemoryLoader) -> Analysis {
        analyze(
            loader,
            Path::new("/app"),
            &AnalyzeOptions::default().with_migrations(None),
        )
    }

    /// The hash of `schema_ts` and its committed snapshot file (path, text) at `at_ms`.
    fn snapshot_of(schema_ts: &str, at_ms: u64) -> (SchemaHash, String, String) {
        let loader = MemoryLoader::new().with("/app/schema.ts", schema_ts);
        let a = analyze(&loader, Path::new("/app"), &AnalyzeOptions::default());
        let schema = a.valid_schema().expect("a valid schema");
        let hash = schema_hash(schema);
        let path = format!("/app/migrations/snapshots/{}", committed_name(at_ms, &hash));
        (hash, path, to_pretty_json(schema))
    }

    /// The hash of `schema_ts`, and a loader holding it with a committed snapshot of it.
    fn snapshotted(schema_ts: &str, at_ms: u64) -> (SchemaHash, MemoryLoader) {
        let (hash, path, text) = snapshot_of(schema_ts, at_ms);
        let loader = MemoryLoader::new()
            .with("/app/schema.ts", schema_ts)
            .with(path, text);
        (hash, loader)
    }

    fn changed(a: &Analysis) -> Vec<&crate::diagnostics::Diagnostic> {
        a.diagnostics
            .iter()
            .filter(|d| d.code == codes::SCHEMA_CHANGED)
            .collect()
    }

    #[test]
    fn a_change_needing_a_migration_since_the_latest_snapshot_is_an_info_on_the_app() {
        let (h1, loader) = snapshotted(V1, JAN1);
        let loader = loader.with("/app/schema.ts", V2);
        let a = with_migrations(&loader);
        let h2 = schema_hash(a.valid_schema().expect("valid"));
        let found = changed(&a);
        assert_eq!(found.len(), 1, "{:?}", a.diagnostics);
        let d = found[0];
        assert!(!d.is_error());
        assert!(
            d.message
                .contains(&format!("{} -> {}", h1.short(), h2.short())),
            "{}",
            d.message
        );
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.contains("jazz migrations create")),
            "{d:?}"
        );
        let span = d.span().expect("a span");
        assert_eq!(a.db.slice(span), "s.defineApp");
        assert!(a.is_migration_diagnostic(0));
        assert_eq!(a.project_diagnostics().count(), 0);
        // An info: the schema stays valid.
        assert!(a.valid_schema().is_some());
    }

    #[test]
    fn no_info_without_migrations_check_snapshot_change_or_missing_file() {
        let (h1, loader) = snapshotted(V1, JAN1);
        // Migrations not checked.
        let v2 = loader.clone().with("/app/schema.ts", V2);
        let a = analyze(&v2, Path::new("/app"), &AnalyzeOptions::default());
        assert!(changed(&a).is_empty());
        // The schema is the latest snapshot's.
        assert!(changed(&with_migrations(&loader)).is_empty());
        // A change without a row transform.
        let v3 = loader.clone().with("/app/schema.ts", V3);
        let a = with_migrations(&v3);
        assert_ne!(schema_hash(a.valid_schema().expect("valid")), h1);
        assert!(changed(&a).is_empty(), "{:?}", a.diagnostics);
        // A migration file for the edge exists (even one with errors).
        let h2 = schema_hash(with_migrations(&v2).valid_schema().expect("valid"));
        let covered = v2.clone().with(
            format!(
                "/app/migrations/20260102000000-done-{}-{}.ts",
                h1.short(),
                h2.short()
            ),
            "export default 1;\n",
        );
        let a = with_migrations(&covered);
        assert!(changed(&a).is_empty(), "{:?}", a.diagnostics);
        // No snapshot at all.
        let bare = MemoryLoader::new().with("/app/schema.ts", V2);
        assert!(changed(&with_migrations(&bare)).is_empty());
    }

    #[test]
    fn the_latest_readable_snapshot_is_the_baseline() {
        // V2 snapshotted on Jan 1, V1 on Jan 2: the latest is V1, and V2 needs a migration
        // from it. A newer snapshot that does not parse is passed over.
        let (_, p2, t2) = snapshot_of(V2, JAN1);
        let (h1, p1, t1) = snapshot_of(V1, JAN2);
        let loader = MemoryLoader::new()
            .with("/app/schema.ts", V2)
            .with(p2, t2)
            .with(p1, t1)
            .with(
                "/app/migrations/snapshots/20260103T000000-aaaaaaaaaaaa.json",
                "not json",
            );
        let a = with_migrations(&loader);
        let found = changed(&a);
        assert_eq!(found.len(), 1, "{:?}", a.diagnostics);
        assert!(
            found[0].message.contains(&format!("{} ->", h1.short())),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn migration_findings_are_told_apart_from_the_project_ones() {
        // A schema warning, a migration file with an error, and a file only that migration
        // imports with a syntax error of its own.
        let loader = MemoryLoader::new()
            .with(
                "/app/schema.ts",
                "import { schema as s } from \"jazz-tools\";\nexport const app = s.defineApp({ todos: s.table({ title: s.string(), title2: s.string() }) });\n",
            )
            .with(
                "/app/migrations/20260101000000-x-aaaaaaaaaaaa-bbbbbbbbbbbb.ts",
                "import { schema as s } from \"jazz-tools\";\nimport { cols } from \"./cols\";\nexport default s.defineMigration({\n  fromHash: \"aaaaaaaaaaaa\", toHash: \"bbbbbbbbbbbb\",\n  from: { todos: s.table({ title: s.string() }) },\n  to: { todos: s.table(cols) },\n});\n",
            )
            .with("/app/migrations/cols.ts", "export const cols = { title: ;\n");
        let a = with_migrations(&loader);
        assert!(a.has_errors(), "{:?}", a.diagnostics);
        assert!(a.valid_schema_ignoring_migrations().is_some());
        assert!(a.migration_diagnostics().any(|d| d.is_error()));
        assert!(
            a.project_diagnostics().all(|d| !d.is_error()),
            "{:?}",
            a.diagnostics
        );
        let cols = a.db.lookup(Path::new("/app/migrations/cols.ts"));
        assert!(cols.is_some());
        for (i, d) in a.diagnostics.iter().enumerate() {
            let file = d.span().map(|s| s.file);
            let in_migrations = file
                .and_then(|f| a.db.path(f))
                .is_some_and(|p| p.starts_with("/app/migrations"));
            assert_eq!(a.is_migration_diagnostic(i), in_migrations, "{d:?}");
        }
        assert_eq!(
            a.project_diagnostics().count() + a.migration_diagnostics().count(),
            a.diagnostics.len()
        );
    }
}
