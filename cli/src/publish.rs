//! The publish pipeline of `jazz deploy`, as a
//! plain function so that `jazz dev` can run it on every save: publish the structural schema
//! (or see that it is stored), check the gap between the permissions head's schema and the
//! current one and push the reviewed lens for it, then publish the permissions against the
//! head.
//!
//! It prints nothing: the upstream lines come back in [`Published::lines`], in order, with the
//! structured outcome and the first failure. It never writes files (a schema fetched to decide
//! whether an edge needs a row transform is not snapshotted), so a watcher on `migrations/`
//! sees no echo of its own publish.

pub mod edge;
mod outcome;

pub use outcome::{
    Failure, Line, MigrationStatus, MigrationStep, PermissionsStatus, PermissionsStep, Published,
    SchemaStatus,
};

use std::path::PathBuf;

use jazz_schema_compiler::policy::{Policy, json as policy_json, parse as policy_parse};
use jazz_schema_compiler::project::Analysis;
use jazz_schema_compiler::schema::hash::parse_hex;
use jazz_schema_compiler::schema::json::stringify_pretty;
use jazz_schema_compiler::schema::snapshots::read_snapshots;
use jazz_schema_compiler::schema::wasm_json::{from_json_text, to_compact_json};
use jazz_schema_compiler::schema::{JsonValue, SchemaHash, WasmSchema, schema_hash};

use crate::admin::{Admin, Head};
use crate::store;
use edge::{EdgeResult, push_edge};

/// What the pipeline needs besides the project and the client.
#[derive(Debug, Clone)]
pub struct Options {
    /// `<migrationsDir>`: where reviewed migration files and snapshots live.
    pub migrations_dir: PathBuf,
    /// Send only GET requests and report what would be published.
    pub dry_run: bool,
    /// A missing migration is a warning instead of an error (`--no-verify`).
    pub no_verify: bool,
    /// `<cli>`, for the commands named in messages.
    pub cli: String,
    /// The app id, for the commands named in messages.
    pub app_id: String,
}

/// True when the server's stored `permissions` map says what `local` says. Both sides go
/// through the compiler's reader and writer, so serialisation details (`null` vs absent
/// members, key order, `1` vs `1.0`) do not count.
pub fn same_permissions(local: &Policy, server: &JsonValue) -> bool {
    let Ok(theirs) = policy_parse::policy(server) else {
        return false;
    };
    let canon = |p: &Policy| serde_json::from_str::<serde_json::Value>(&policy_json::to_compact(p));
    match (canon(local), canon(&theirs)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The policy to publish: `permissions.ts`, or an exported `permissions` in `schema.ts`.
pub fn local_policy(analysis: &Analysis) -> Option<&Policy> {
    analysis.permissions.as_ref()?.policy.as_ref()
}

/// Runs the pipeline for an analysed project. A project whose schema.ts or permissions.ts has
/// errors publishes nothing. Errors in migration files (when the analysis checked them, as
/// `jazz dev`'s does) block only their own edge: the edge step never sends a file with errors.
pub fn publish(analysis: &Analysis, admin: &Admin, opts: &Options) -> Published {
    let mut out = Published::new(opts.dry_run);
    let Some(schema) = analysis.valid_schema_ignoring_migrations() else {
        return out.fail("The project has errors; nothing was published.");
    };
    let hash = schema_hash(schema);
    let (hex, h12) = (hash.to_hex(), hash.short());
    out.schema_hash = Some(hash);

    // Schema: stored by exact hash, or published.
    let stored = match admin.list_hashes() {
        Ok(h) => h.contains(&hex),
        Err(m) => return out.fail(m),
    };
    if stored {
        out.result(format!(
            "The current schema is already stored in the server as {h12}; skipping publish."
        ));
        out.schema = Some(SchemaStatus::AlreadyStored);
    } else if opts.dry_run {
        out.result(format!("Would publish the current schema as {h12}."));
        out.schema = Some(SchemaStatus::Published);
        out.changed = true;
    } else {
        match admin.publish_schema(&to_compact_json(schema)) {
            Ok(server) if server == hex => {}
            Ok(server) => {
                let s12 = server.get(..12).unwrap_or(&server).to_owned();
                return out.fail(format!(
                    "Server computed schema hash {s12} for the current schema, but jazz computed {h12}. Refusing to deploy; please report this bug."
                ));
            }
            Err(m) => return out.fail(m),
        }
        out.result(format!("Published the current schema as {h12}."));
        out.schema = Some(SchemaStatus::Published);
        out.changed = true;
    }

    let Some(policy) = local_policy(analysis) else {
        out.result("No permissions.ts found; skipping permissions publish.".into());
        out.migration = Some(step(MigrationStatus::Skipped, None, None));
        out.permissions = Some(PermissionsStep {
            status: PermissionsStatus::Skipped,
            version: None,
            head: None,
        });
        return out;
    };
    if let Some(file) = analysis
        .permissions_file
        .as_ref()
        .or(analysis.schema_file.as_ref())
    {
        out.lines.push(Line::Info(format!(
            "Loaded current permissions from {}.",
            file.display()
        )));
    }

    // The head, and in a dry run its content too (to tell whether publishing changes it).
    let (head, stored_perms) = if opts.dry_run {
        match admin.permissions() {
            Ok(x) => x,
            Err(m) => return out.fail(m),
        }
    } else {
        match admin.permissions_head() {
            Ok(h) => (h, None),
            Err(m) => return out.fail(m),
        }
    };

    out = migrate(out, admin, opts, head.as_ref(), schema, &hash);
    if !out.is_ok() {
        return out;
    }

    let version = head.as_ref().map_or(1, |h| h.version + 1);
    let perms_json = policy_json::to_compact(policy);
    if opts.dry_run {
        let unchanged = head.as_ref().is_some_and(|h| h.schema_hash == hex)
            && stored_perms
                .as_ref()
                .is_some_and(|p| same_permissions(policy, p));
        if unchanged {
            out.permissions = Some(PermissionsStep {
                status: PermissionsStatus::Unchanged,
                version: head.as_ref().map(|h| h.version),
                head,
            });
        } else {
            out.result(format!("Would publish permissions as v{version} on {h12}."));
            // The planned head does not exist yet: no bundle id to report.
            out.permissions = Some(PermissionsStep {
                status: PermissionsStatus::Published,
                version: Some(version),
                head: None,
            });
            out.changed = true;
        }
        if !out.changed {
            out.result("Nothing to deploy.".into());
        }
        return out;
    }
    let parent = head.as_ref().map(|h| h.bundle_object_id.as_str());
    match admin.publish_permissions(&hex, &perms_json, parent) {
        Ok(new) => {
            out.result(format!(
                "Published permissions as v{} on {}.",
                new.version,
                new.schema_hash.get(..12).unwrap_or(&h12)
            ));
            let unchanged = head.as_ref().is_some_and(|h| h.version == new.version);
            out.changed |= !unchanged;
            out.permissions = Some(PermissionsStep {
                status: if unchanged {
                    PermissionsStatus::Unchanged
                } else {
                    PermissionsStatus::Published
                },
                version: Some(new.version),
                head: Some(new),
            });
            out
        }
        Err(f) => {
            let stale = f.status == Some(409);
            let mut out = out.fail(f.message);
            if let Some(failure) = out.failure.as_mut().filter(|_| stale) {
                failure.stale_parent = true;
                failure.hint = Some(format!(
                    "permissions changed on the server while deploying; re-run {} deploy.",
                    opts.cli
                ));
            }
            out
        }
    }
}

fn step(status: MigrationStatus, from: Option<String>, to: Option<String>) -> MigrationStep {
    MigrationStep {
        status,
        from_hash: from,
        to_hash: to,
        file: None,
    }
}

/// The publish steps after the schema: connectivity from the head's schema, and the lens.
fn migrate(
    mut out: Published,
    admin: &Admin,
    opts: &Options,
    head: Option<&Head>,
    schema: &WasmSchema,
    hash: &SchemaHash,
) -> Published {
    let hex = hash.to_hex();
    let Some(head) = head.filter(|h| h.schema_hash != hex) else {
        out.migration = Some(step(MigrationStatus::NotNeeded, None, None));
        return out;
    };
    let edge = (Some(head.schema_hash.clone()), Some(hex.clone()));
    match admin.connected(&head.schema_hash, &hex) {
        Ok(true) => {
            out.migration = Some(step(MigrationStatus::AlreadyConnected, edge.0, edge.1));
            return out;
        }
        Ok(false) => {}
        Err(m) => return out.fail(m),
    }
    let Some(from) = parse_hex(&head.schema_hash) else {
        return out.fail(format!(
            "Permissions head fetch failed: the head names an invalid schema hash {}",
            head.schema_hash
        ));
    };
    let (f12, t12) = (from.short(), hash.short());
    let mut schemas = || Ok((head_schema(admin, opts, &from)?, schema.clone()));
    let e = push_edge(
        admin,
        &opts.migrations_dir,
        &from,
        hash,
        &mut schemas,
        opts.dry_run,
    );
    out.diagnostics = e.diagnostics;
    out.db = e.db;
    let mut m = step(MigrationStatus::Pushed, edge.0, edge.1);
    match e.result {
        EdgeResult::Pushed { file } => {
            let verb = if opts.dry_run { "Would push" } else { "Pushed" };
            out.result(match &file {
                Some(f) => format!("{verb} migration {f12} -> {t12} from {f}."),
                None => format!(
                    "{verb} migration {f12} -> {t12} without a reviewed migration file because no row transformations are required."
                ),
            });
            m.file = file;
            out.changed = true;
            out.migration = Some(m);
            out
        }
        EdgeResult::Missing => {
            let text = format!(
                "The new permissions schema {t12} is not connected to the previous permissions schema {f12} on the server. Reads and writes may fail until you push a migration. Run `{} migrations create {} --fromHash {f12} --toHash {t12}` to create a migration and then re-run this command.",
                opts.cli, opts.app_id
            );
            m.status = MigrationStatus::Missing;
            out.migration = Some(m);
            if opts.no_verify {
                out.lines.push(Line::Warning(text));
                out
            } else {
                out.fail(text)
            }
        }
        EdgeResult::Failed(msg) => {
            out.migration = Some(m);
            out.fail(msg)
        }
    }
}

/// The head's schema: a local snapshot with that hash, else the server's stored copy.
fn head_schema(admin: &Admin, opts: &Options, hash: &SchemaHash) -> Result<WasmSchema, String> {
    let dir = store::snapshots_dir(&opts.migrations_dir);
    let files = store::read_snapshot_files(&dir).map_err(|e| format!("{e:#}"))?;
    let (snapshots, _) = read_snapshots(files);
    if let Some(s) = snapshots.into_iter().find(|s| s.hash == *hash) {
        return Ok(s.schema);
    }
    let full = hash.to_hex();
    let fetched = admin
        .fetch_schema(&full)?
        .ok_or_else(|| format!("No stored schema found for fromHash {full}."))?;
    from_json_text(&stringify_pretty(&fetched.schema)).map_err(|e| {
        format!(
            "Schema fetch failed: the server's schema {full} is not valid WasmSchema JSON: {}",
            e.0
        )
    })
}
