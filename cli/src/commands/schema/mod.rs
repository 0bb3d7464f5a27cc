//! `jazz schema hash` and `jazz schema export`; `jazz schema diff` is in [`diff`].
//!
//! `export` prints the WasmSchema JSON and, when no snapshot with the same content hash exists
//! yet, writes the readable-only `<h12>.json` into the snapshots directory. Which snapshot
//! matches is decided by the core from the names and texts this module reads.

pub mod diff;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jazz_schema_compiler::schema::snapshots::{read_snapshots, readable_name};
use jazz_schema_compiler::schema::wasm_json::to_pretty_json;
use jazz_schema_compiler::schema::{SchemaHash, schema_hash};
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use super::{Context, Outcome, UsageError, no_schema, report, shown};
use crate::args::{SchemaExportArgs, SchemaHashArgs, ServerArgs};
use crate::connection::Settings;
use crate::output::Stream;
use crate::store::{self, Store, read_snapshot_files, resolve};

pub fn hash(ctx: &mut Context, args: &SchemaHashArgs) -> Outcome {
    let root = ctx.root(&args.project);
    let analysis = ctx.analyze(&root);
    if let (Some(_), Some(file)) = (analysis.valid_schema(), &analysis.schema_file) {
        ctx.out
            .info(&format!("Loaded structural schema from {}.", shown(file)));
    }
    report(ctx, &analysis, &root);
    let Some(schema) = analysis.valid_schema() else {
        no_schema(ctx, &analysis);
        return Outcome::failed(serde_json::Value::Null);
    };
    let hash = schema_hash(schema);
    let shown_hash = if args.full {
        hash.to_hex()
    } else {
        hash.short()
    };
    ctx.out
        .result(&format!("Current schema hash: {shown_hash}"));
    Outcome::ok(json!({
        "schema_file": analysis.schema_file.as_deref().map(shown),
        "hash": hash.to_hex(),
        "short": hash.short(),
    }))
}

pub fn export(ctx: &mut Context, args: &SchemaExportArgs) -> anyhow::Result<Outcome> {
    if args.schema_hash.is_some() {
        if args.project.schema_dir.is_some() {
            return Err(UsageError {
                command: &["schema", "export"],
                message: "--schema-dir and --schema-hash are mutually exclusive.".to_owned(),
            }
            .into());
        }
        return export_stored(ctx, args);
    }

    let root = ctx.root(&args.project);
    let migrations_dir = ctx.migrations_dir(&args.migrations, &args.project);
    let snapshots_dir = store::snapshots_dir(&migrations_dir);

    let analysis = ctx.analyze(&root);
    report(ctx, &analysis, &root);
    let Some(schema) = analysis.valid_schema() else {
        no_schema(ctx, &analysis);
        return Ok(Outcome {
            envelope: Stream::Stderr,
            ..Outcome::failed(serde_json::Value::Null)
        });
    };
    let hash = schema_hash(schema);
    let text = to_pretty_json(schema);
    let written = write_snapshot(ctx, &snapshots_dir, &hash, &text)?;
    ctx.out.artefact(&text);
    Ok(Outcome {
        envelope: Stream::Stderr,
        ..Outcome::ok(json!({
            "schema_file": analysis.schema_file.as_deref().map(shown),
            "hash": hash.to_hex(),
            "snapshot_written": written.as_deref().map(shown),
        }))
    })
}

/// Writes `<dir>/<h12>.json` unless a snapshot with this content hash exists (any name counts).
fn write_snapshot(
    ctx: &mut Context,
    dir: &Path,
    hash: &SchemaHash,
    text: &str,
) -> anyhow::Result<Option<PathBuf>> {
    let files = read_snapshot_files(dir)?;
    let (snapshots, diagnostics) = read_snapshots(files);
    ctx.out.diagnostics(&diagnostics, &SourceDb::new(), dir);
    if snapshots.iter().any(|s| s.hash == *hash) {
        return Ok(None);
    }
    let path = dir.join(readable_name(hash));
    if path.exists() {
        ctx.out.warning(&format!(
            "{} exists but holds another schema; leaving it as it is",
            shown(&path)
        ));
        return Ok(None);
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
    fs::write(&path, text).with_context(|| format!("cannot write {}", shown(&path)))?;
    Ok(Some(path))
}

/// `schema export --schema-hash <h>`: a local snapshot by hash or unique prefix, else
/// the server's stored schema, which is then written as a committed snapshot named after its
/// `publishedAt`.
fn export_stored(ctx: &mut Context, args: &SchemaExportArgs) -> anyhow::Result<Outcome> {
    let input = args.schema_hash.as_deref().unwrap_or_default();
    let dir = ctx.migrations_dir(&args.migrations, &args.project);
    let server = ServerArgs {
        server_url: args.server_url.clone(),
        admin_secret: args.admin_secret.clone(),
    };
    let root = ctx.root(&args.project);
    let settings = Settings::resolve(ctx, args.app_id.as_deref(), &server, &root);
    let mut store = Store::load(ctx, &dir)?;
    let failed = Outcome {
        envelope: Stream::Stderr,
        ..Outcome::failed(serde_json::Value::Null)
    };
    let version = match resolve(ctx, &store, &settings, "schemaHash", input) {
        Ok(v) => v,
        Err(m) => {
            ctx.out.error(&m);
            return Ok(failed);
        }
    };
    let (text, written) = match &version.fetched {
        Some((text, ms)) => {
            let path = store.ensure_committed(&version.schema, &version.hash, text, *ms, false)?;
            (text.clone(), path)
        }
        None => (to_pretty_json(&version.schema), None),
    };
    ctx.out.artefact(&text);
    Ok(Outcome {
        envelope: Stream::Stderr,
        ..Outcome::ok(json!({
            "schema_file": serde_json::Value::Null,
            "hash": version.hash.to_hex(),
            "snapshot_written": written.as_deref().map(shown),
        }))
    })
}
