//! `jazz migrations push [<appId>] <fromHash> <toHash>` (migrations.md §7.1; cli-and-server.md
//! §1.9.5): resolve both hashes against the server, find the reviewed file for the edge, read
//! it statically, and publish its lens; without a file, publish the empty lens when no row
//! transform is needed. A file with errors is never sent.

use std::path::Path;

use jazz_schema_compiler::migrations::names::files_for_edge;
use jazz_schema_compiler::migrations::{publish_body, read_migration, requires_row_transform};
use jazz_schema_compiler::schema::hash::normalize_hash_input;
use jazz_schema_compiler::schema::{SchemaHash, hash::parse_hex};
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use super::args::MigrationsPushArgs;
use super::{Settings, Store, Version, migration_file_names, resolve};
use crate::commands::{Context, Outcome, UsageError, shown};
use crate::loader::DiskLoader;
use crate::paths;

fn fail(ctx: &mut Context, message: &str) -> anyhow::Result<Outcome> {
    ctx.out.error(message);
    Ok(Outcome::failed(serde_json::Value::Null))
}

/// Resolves a push input against the server's hashes (§7.1 step 2).
fn server_hash(hashes: &[String], label: &str, input: &str) -> Result<SchemaHash, String> {
    let p = normalize_hash_input(input, label)?;
    let mut m: Vec<&String> = hashes.iter().filter(|h| h.starts_with(&p)).collect();
    m.sort();
    m.dedup();
    let full = match m.as_slice() {
        [] if p.len() == 64 => return Err(format!("No stored schema found for {label} {p}.")),
        [] => return Err(format!("No stored schema found for {label} prefix {p}.")),
        [one] => (*one).clone(),
        many => {
            let shorts: Vec<&str> = many.iter().map(|h| h.get(..12).unwrap_or(h)).collect();
            return Err(format!(
                "{label} prefix {p} is ambiguous: {}",
                shorts.join(", ")
            ));
        }
    };
    parse_hex(&full).ok_or_else(|| format!("No stored schema found for {label} {full}."))
}

pub fn run(ctx: &mut Context, a: &MigrationsPushArgs) -> anyhow::Result<Outcome> {
    let (app, from_in, to_in) = match a.positionals.as_slice() {
        [app, f, t] => (Some(app.as_str()), f, t),
        [f, t] => (None, f, t),
        _ => {
            let cli = ctx.cli.clone();
            return Err(UsageError {
                command: &["migrations", "push"],
                message: format!(
                    "Usage: {cli} migrations push <appId> <fromHash> <toHash> [options]"
                ),
            }
            .into());
        }
    };
    let migrations_dir = a.migrations_dir.as_ref().map_or_else(
        || ctx.cwd.join("migrations"),
        |d| paths::resolve(&ctx.cwd, d),
    );
    let settings = Settings::resolve(ctx, app, &a.server);
    let admin = match settings.admin(ctx) {
        Ok(x) => x,
        Err(m) => return fail(ctx, &m),
    };
    let hashes = match admin.list_hashes() {
        Ok(h) => h,
        Err(m) => return fail(ctx, &m),
    };
    let (from, to) = match (
        server_hash(&hashes, "fromHash", from_in),
        server_hash(&hashes, "toHash", to_in),
    ) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(m), _) | (_, Err(m)) => return fail(ctx, &m),
    };
    let (f12, t12) = (from.short(), to.short());
    let names = migration_file_names(&migrations_dir)?;
    let files = files_for_edge(&names, &from, &to);
    let result = |file: Option<&str>| json!({"from_hash": from.to_hex(), "to_hash": to.to_hex(), "file": file});
    if files.len() > 1 {
        let list: Vec<&str> = files.iter().map(|s| s.as_str()).collect();
        return fail(
            ctx,
            &format!(
                "Multiple migration files found for {} -> {}: {}",
                from.to_hex(),
                to.to_hex(),
                list.join(", ")
            ),
        );
    }
    let Some(file) = files.first() else {
        let mut store = Store::load(ctx, &migrations_dir)?;
        let (f, t) = match (
            resolve_write(ctx, &mut store, &settings, "fromHash", &from),
            resolve_write(ctx, &mut store, &settings, "toHash", &to),
        ) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(m), _) | (_, Err(m)) => return fail(ctx, &m),
        };
        if requires_row_transform(&f.schema, &t.schema) {
            let cli = ctx.cli.clone();
            let app = settings.app_id.clone().unwrap_or_default();
            return fail(
                ctx,
                &format!(
                    "No migration file found in {} for {} -> {}. Run `{cli} migrations create {app} --fromHash {f12} --toHash {t12}` first.",
                    shown(&migrations_dir),
                    from.to_hex(),
                    to.to_hex()
                ),
            );
        }
        if let Err(m) = admin.push_migration(&publish_body(&from, &to, &[])) {
            return fail(ctx, &m);
        }
        ctx.out.result(&format!("Pushed migration {f12} -> {t12} without a reviewed migration file because no row transformations are required."));
        return Ok(Outcome::ok(result(None)));
    };
    let path = migrations_dir.join(file.as_str());
    let mut db = SourceDb::new();
    let mut m = read_migration(&DiskLoader, &path, &mut db);
    m.check_edge(file, &from.to_hex(), &to.to_hex());
    let publishable = m.publishable();
    ctx.out.diagnostics(&m.diagnostics, &db, &ctx.cwd.clone());
    if !publishable {
        return fail(
            ctx,
            &format!("Migration {file} has errors; nothing was pushed."),
        );
    }
    if m.forward.is_empty() {
        let needs = match (&m.from, &m.to) {
            (Some(f), Some(t)) => requires_row_transform(f, t),
            _ => true,
        };
        if needs {
            return fail(
                ctx,
                &format!("Migration {file} has no steps. Fill in migrate before push."),
            );
        }
    }
    if let Err(msg) = admin.push_migration(&publish_body(&from, &to, &m.forward)) {
        return fail(ctx, &msg);
    }
    ctx.out
        .result(&format!("Pushed migration {f12} -> {t12} from {file}."));
    let _ = Path::new(file.as_str());
    Ok(Outcome::ok(result(Some(file))))
}

/// §1.3 resolution of a full hash, writing the snapshot of a server-fetched schema.
fn resolve_write(
    ctx: &mut Context,
    store: &mut Store,
    settings: &Settings,
    label: &str,
    h: &SchemaHash,
) -> Result<Version, String> {
    let v = resolve(ctx, store, settings, label, &h.to_hex())?;
    if let Some((text, ms)) = &v.fetched {
        store
            .ensure_committed(&v.schema, &v.hash, text, *ms, false)
            .map_err(|e| format!("{e:#}"))?;
    }
    Ok(v)
}
