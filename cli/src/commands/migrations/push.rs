//! `jazz migrations push [<appId>] <fromHash> <toHash>`: resolve both hashes against the server,
//! then push the edge with the publish pipeline's [`push_edge`] (reviewed file read statically,
//! or the empty lens when no row transform is needed; a file with errors is never sent), as
//! `deploy` does.

use jazz_schema_compiler::schema::hash::normalize_hash_input;
use jazz_schema_compiler::schema::{SchemaHash, hash::parse_hex};
use serde_json::json;

use crate::args::MigrationsPushArgs;
use crate::commands::{Context, Outcome, UsageError, shown};
use crate::connection::Settings;
use crate::publish::edge::{EdgeResult, push_edge};
use crate::store::{Store, Version, resolve};

fn fail(ctx: &mut Context, message: &str) -> anyhow::Result<Outcome> {
    ctx.out.error(message);
    Ok(Outcome::failed(serde_json::Value::Null))
}

/// Resolves a push input against the server's hashes.
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
    let migrations_dir = ctx.migrations_dir(&a.migrations, &a.project);
    let settings = Settings::resolve(ctx, app, &a.server, &ctx.root(&a.project));
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
    let mut store = None;
    let mut schemas = || -> Result<_, String> {
        let store = match &mut store {
            Some(s) => s,
            None => store.insert(Store::load(ctx, &migrations_dir).map_err(|e| format!("{e:#}"))?),
        };
        let f = resolve_write(ctx, store, &settings, "fromHash", &from)?;
        let t = resolve_write(ctx, store, &settings, "toHash", &to)?;
        Ok((f.schema, t.schema))
    };
    let edge = push_edge(&admin, &migrations_dir, &from, &to, &mut schemas, false);
    ctx.out
        .diagnostics(&edge.diagnostics, &edge.db, &ctx.cwd.clone());
    let result = |file: Option<&str>| json!({"from_hash": from.to_hex(), "to_hash": to.to_hex(), "file": file});
    match edge.result {
        EdgeResult::Pushed { file: Some(file) } => {
            ctx.out
                .result(&format!("Pushed migration {f12} -> {t12} from {file}."));
            Ok(Outcome::ok(result(Some(&file))))
        }
        EdgeResult::Pushed { file: None } => {
            ctx.out.result(&format!("Pushed migration {f12} -> {t12} without a reviewed migration file because no row transformations are required."));
            Ok(Outcome::ok(result(None)))
        }
        EdgeResult::Missing => {
            let cli = ctx.cli.clone();
            let app = settings.app_id.clone().unwrap_or_default();
            fail(
                ctx,
                &format!(
                    "No migration file found in {} for {} -> {}. Run `{cli} migrations create {app} --fromHash {f12} --toHash {t12}` first.",
                    shown(&migrations_dir),
                    from.to_hex(),
                    to.to_hex()
                ),
            )
        }
        EdgeResult::Failed(m) => fail(ctx, &m),
    }
}

/// Resolution of a full hash (local snapshots first, then the server), writing the snapshot of a server-fetched schema.
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
