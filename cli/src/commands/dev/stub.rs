//! A schema change the server will not take without a reviewed migration (the engine refuses
//! permissions on a schema that is not connected to the previous head): `jazz dev` writes the
//! stub for exactly that edge, as `jazz migrations create --fromHash <head>` would, and the
//! watch loop pushes it once it is saved complete. The server keeps its last good state
//! meanwhile.

use std::path::PathBuf;

use jazz_schema_compiler::migrations::names::files_for_edge;
use jazz_schema_compiler::migrations::plan::{
    CreatePlan, Inputs, Version as PlanVersion, plan_edge,
};
use jazz_schema_compiler::schema::{WasmSchema, schema_hash};

use super::push::Target;
use crate::commands::Context;
use crate::connection::Settings;
use crate::store::{self, Store, migration_file_names, now_ms};

/// What happened to the stub of a missing edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stub {
    /// Written now, with the snapshot of its `to` schema when that was written too.
    Created {
        path: PathBuf,
        to_snapshot: Option<PathBuf>,
    },
    /// A file for the edge exists already (being filled in).
    Exists(PathBuf),
    /// Not needed after all (the change needs no row transform).
    NotNeeded,
    /// Could not be written; the message says why.
    Failed(String),
}

/// A stub jazz dev wrote in this session, with the content it had, so that a stub made
/// obsolete by a later edit (same `from`, another `to`) can be removed while still untouched.
#[derive(Debug, Clone)]
pub struct Written {
    pub from: String,
    pub path: PathBuf,
    pub content: Option<blake3::Hash>,
    pub to_snapshot: Option<PathBuf>,
}

impl Written {
    pub fn new(from: &str, path: &std::path::Path, to_snapshot: Option<PathBuf>) -> Self {
        Self {
            from: from.to_owned(),
            path: path.to_path_buf(),
            content: std::fs::read(path).ok().map(|b| blake3::hash(&b)),
            to_snapshot,
        }
    }

    /// Removes the stub (and its `to` snapshot) when nobody edited it; true when removed.
    pub fn remove_if_untouched(&self) -> bool {
        let now = std::fs::read(&self.path).ok().map(|b| blake3::hash(&b));
        if now.is_none() || now != self.content {
            return false;
        }
        let _ = std::fs::remove_file(&self.path);
        if let Some(s) = &self.to_snapshot {
            let _ = std::fs::remove_file(s);
        }
        true
    }
}

/// Writes the stub for `from_hex -> current` unless a file for that edge exists.
pub fn ensure(ctx: &mut Context, target: &Target, from_hex: &str, current: &WasmSchema) -> Stub {
    let dir = &target.options.migrations_dir;
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Stub::Failed(format!("cannot create {}: {e}", dir.display()));
    }
    let mut store = match Store::load(ctx, dir) {
        Ok(s) => s,
        Err(e) => return Stub::Failed(format!("{e:#}")),
    };
    let existing = match migration_file_names(dir) {
        Ok(n) => n,
        Err(e) => return Stub::Failed(format!("{e:#}")),
    };
    let to_hash = schema_hash(current);
    let settings = Settings {
        app_id: Some(target.options.app_id.clone()),
        server_url: Some(target.url.clone()),
        admin_secret: Some(target.admin_secret.clone()),
    };
    let from = match store::resolve(ctx, &store, &settings, "fromHash", from_hex) {
        Ok(v) => v,
        Err(m) => return Stub::Failed(m),
    };
    if let Some(first) = files_for_edge(&existing, &from.hash, &to_hash).first() {
        return Stub::Exists(dir.join(first));
    }
    if let Some((text, ms)) = &from.fetched
        && let Err(e) = store.ensure_committed(&from.schema, &from.hash, text, *ms, false)
    {
        return Stub::Failed(format!("{e:#}"));
    }
    let snapshots = store.snapshots.clone();
    let plan = plan_edge(
        PlanVersion {
            schema: &from.schema,
            hash: from.hash,
        },
        PlanVersion {
            schema: current,
            hash: to_hash,
        },
        true,
        Inputs {
            snapshots: &snapshots,
            migration_files: &existing,
            now_ms: now_ms(),
            name: None,
        },
    );
    match plan {
        CreatePlan::Generate { stub, snapshot, .. } => {
            let path = dir.join(&stub.file_name);
            if let Err(e) = std::fs::write(&path, &stub.text) {
                return Stub::Failed(format!("cannot write {}: {e}", path.display()));
            }
            let mut to_snapshot = None;
            if let Some(s) = &snapshot {
                match store.write_planned(s, false) {
                    Ok(p) => to_snapshot = Some(p),
                    Err(e) => return Stub::Failed(format!("{e:#}")),
                }
            }
            Stub::Created { path, to_snapshot }
        }
        CreatePlan::Failed(d) => Stub::Failed(d.message),
        CreatePlan::Initial { .. }
        | CreatePlan::Unchanged { .. }
        | CreatePlan::NotRequired { .. } => Stub::NotNeeded,
    }
}
