//! `jazz migrations check` (ours, for CI): exit 0 iff the latest committed snapshot is the
//! current schema and every consecutive snapshot transition that needs a row transform has
//! exactly one migration file that the static reader accepts without errors. Writes nothing;
//! each problem names the command that fixes it.

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::migrations::codes;
use jazz_schema_compiler::migrations::names::files_for_edge;
use jazz_schema_compiler::migrations::reader::witness_mismatches;
use jazz_schema_compiler::migrations::{read_migration, requires_row_transform};
use jazz_schema_compiler::schema::schema_hash;
use jazz_schema_compiler::schema::snapshots::{Snapshot, committed_name_cmp, is_committed_name};
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use crate::args::MigrationsCheckArgs;
use crate::commands::{Context, Outcome, no_schema, report, shown};
use crate::loader::DiskLoader;
use crate::store::{Store, migration_file_names};

pub fn run(ctx: &mut Context, a: &MigrationsCheckArgs) -> anyhow::Result<Outcome> {
    let migrations_dir = ctx.migrations_dir(&a.migrations, &a.project);
    let root = ctx.root(&a.project);
    let analysis = ctx.analyze(&root);
    report(ctx, &analysis, &root);
    let Some(current) = analysis.valid_schema() else {
        no_schema(ctx, &analysis);
        return Ok(Outcome::failed(serde_json::Value::Null));
    };
    let current_hash = schema_hash(current);
    let store = Store::load(ctx, &migrations_dir)?;
    let cli = ctx.cli.clone();
    let mut problems: Vec<Diagnostic> = Vec::new();

    // Committed snapshots in timestamp order, consecutive duplicates of one hash collapsed.
    let mut chain: Vec<&Snapshot> = store
        .snapshots
        .iter()
        .filter(|s| is_committed_name(&s.file_name))
        .collect();
    chain.sort_by(|x, y| committed_name_cmp(&x.file_name, &y.file_name));
    chain.dedup_by(|b, a| a.hash == b.hash);

    match chain.last() {
        None => problems.push(Diagnostic::new(codes::NO_SNAPSHOT, format!("No committed snapshot found. Run `{cli} migrations create` to create the initial snapshot."))),
        Some(l) if l.hash != current_hash => {
            let what = if requires_row_transform(&l.schema, current) { "needs a reviewed migration" } else { "needs a new snapshot (no row transform)" };
            problems.push(Diagnostic::new(codes::NOT_SNAPSHOTTED, format!(
                "The current schema {} differs from the latest committed snapshot {} and {what}. Run `{cli} migrations create`.",
                current_hash.short(), l.hash.short()
            )));
        }
        Some(_) => {}
    }

    let names = migration_file_names(&migrations_dir)?;
    let mut checked = Vec::new();
    for pair in chain.windows(2) {
        let [f, t] = pair else { continue };
        if !requires_row_transform(&f.schema, &t.schema) {
            continue;
        }
        let files = files_for_edge(&names, &f.hash, &t.hash);
        let (f12, t12) = (f.hash.short(), t.hash.short());
        match files.as_slice() {
            [] => problems.push(Diagnostic::new(codes::NO_MIGRATION_FILE, format!("No migration file for {f12} -> {t12}. Run `{cli} migrations create --fromHash {f12} --toHash {t12}`."))),
            [file] => {
                let path = migrations_dir.join(file.as_str());
                let mut db = SourceDb::new();
                let mut m = read_migration(&DiskLoader, &path, &mut db);
                m.check_edge(file, &f.hash.to_hex(), &t.hash.to_hex());
                let mismatches = witness_mismatches(&m, &f.schema, &t.schema);
                m.diagnostics.extend(mismatches);
                ctx.out.diagnostics(&m.diagnostics, &db, &ctx.cwd.clone());
                if !m.publishable() {
                    problems.push(Diagnostic::new(codes::MIGRATION_HAS_ERRORS, format!("Migration {} for {f12} -> {t12} has errors. Fix them (fill in every TODO), then run `{cli} migrations check` again.", shown(&path))));
                }
                checked.push(shown(&path));
            }
            many => {
                let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
                problems.push(Diagnostic::new(codes::CHAIN_MULTIPLE_FILES, format!("Multiple migration files found for {} -> {}: {}. Delete all but one.", f.hash.to_hex(), t.hash.to_hex(), list.join(", "))));
            }
        }
    }
    // Findings about the chain as a whole: coded, without a location.
    let cwd = ctx.cwd.clone();
    ctx.out.diagnostics(&problems, &SourceDb::new(), &cwd);
    let problems: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
    let result = json!({
        "current_hash": current_hash.to_hex(),
        "latest_snapshot": chain.last().map(|s| s.hash.to_hex()),
        "files_checked": checked,
        "problems": problems,
    });
    if problems.is_empty() {
        ctx.out.result(&format!(
            "Migrations are up to date: {} committed snapshot(s), {} migration file(s) checked.",
            chain.len(),
            checked.len()
        ));
        Ok(Outcome::ok(result))
    } else {
        Ok(Outcome::failed(result))
    }
}
