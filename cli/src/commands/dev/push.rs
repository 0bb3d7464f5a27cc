//! Publishing one good compile from `jazz dev`: runs the
//! shared deploy pipeline ([`crate::publish::publish`]) against the dev server, lenient in
//! embedded mode unless `--strict`, retrying once on a stale permissions parent in embedded
//! mode, and turns its outcome into the summary line's parts.

use jazz_schema_compiler::project::Analysis;
use serde_json::Value;

use super::report::Reporter;
use crate::admin::Admin;
use crate::commands::Context;
use crate::publish::{self, Line, MigrationStatus, Options, PermissionsStatus, SchemaStatus};

/// Where and how a session publishes.
pub struct Target {
    pub admin: Admin,
    /// The server URL as printed.
    pub url: String,
    /// The URL apps use (env block, `--write-env`, the child): `url`, except that a
    /// non-loopback bind names the machine's LAN address, which devices can reach.
    pub client_url: String,
    pub options: Options,
    /// The server is one this session runs (the engine or the embedded server): nobody else
    /// publishes to it, so a stale permissions parent is retried and unconnected reviewed
    /// migrations are pushed.
    pub managed: bool,
    /// The admin secret (a missing migration's stub may need the server's copy of a schema).
    pub admin_secret: String,
    /// jazz dev generated the secret (it is printed in the banner, so commands may show it).
    pub secret_generated: bool,
    /// Other commands find this server and its secret on their own (`crate::dev_state`): the
    /// store is in the project's default data dir, and the secret is the user's or kept there.
    pub discoverable: bool,
    /// `<root>`, for the paths in diagnostics.
    pub root: std::path::PathBuf,
}

/// A successful push, in the words of the `[jazz]   schema … · migration … · permissions …`
/// line, plus the deploy-shaped JSON.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub schema_h12: String,
    pub schema_status: &'static str,
    pub migration: String,
    /// The pipeline's own migration step (from the permissions head's schema).
    pub migration_status: Option<MigrationStatus>,
    /// The push changed something on the server: a schema, a migration or permissions.
    pub changed: bool,
    pub permissions: String,
    pub permissions_version: Option<u64>,
    pub json: Value,
    /// `(head schema, current schema)` (full hashes) when the push went ahead without a
    /// migration connecting them (the embedded server's lenient mode).
    pub missing: Option<(String, String)>,
}

/// A failed push: the message, and whether the server could not be reached at all.
#[derive(Debug, Clone)]
pub struct PushFailure {
    pub message: String,
    pub unreachable: bool,
    /// `(head schema, current schema)` (full hashes) when the failure is a schema change with
    /// no migration connecting it to the permissions head.
    pub missing: Option<(String, String)>,
}

/// Publishes `analysis` (which must have no errors) to the target.
pub fn push(
    ctx: &mut Context,
    rep: Reporter,
    target: &Target,
    analysis: &Analysis,
) -> Result<Pushed, PushFailure> {
    let mut out = publish::publish(analysis, &target.admin, &target.options);
    // The embedded server has no other publisher but a concurrent `jazz deploy`: read the
    // head again and retry once.
    if target.managed && out.failure.as_ref().is_some_and(|f| f.stale_parent) {
        out = publish::publish(analysis, &target.admin, &target.options);
    }
    if !out.diagnostics.is_empty() && !rep.json {
        ctx.out.diagnostics(&out.diagnostics, &out.db, &target.root);
    }
    // A missing migration is said in jazz dev's own words by the cycle (the edge is in
    // `Pushed::missing`), not with deploy's text, which asks to re-run a command.
    let missing = out
        .migration
        .as_ref()
        .filter(|m| m.status == MigrationStatus::Missing)
        .and_then(|m| Some((m.from_hash.clone()?, m.to_hash.clone()?)));
    for line in &out.lines {
        match line {
            Line::Warning(w)
                if missing.is_some() && w.starts_with("The new permissions schema") => {}
            Line::Warning(w) => {
                rep.problem(&format!("Warning: {w}"));
                rep.event("warning", serde_json::json!({ "message": w }));
            }
            Line::Info(l) | Line::Result(l) if ctx.verbose => rep.info(&format!("[jazz] {l}")),
            Line::Info(_) | Line::Result(_) => {}
        }
    }
    if let Some(f) = &out.failure {
        return Err(PushFailure {
            message: f.message.clone(),
            unreachable: f.message.contains("could not connect to"),
            missing,
        });
    }
    let schema_h12 = out.schema_hash.map(|h| h.short()).unwrap_or_default();
    let schema_status = match out.schema {
        Some(SchemaStatus::AlreadyStored) => "already stored",
        _ => "published",
    };
    let migration = match &out.migration {
        Some(m) => {
            let word = match m.status {
                MigrationStatus::Pushed => "pushed",
                MigrationStatus::Missing => "missing",
                MigrationStatus::NotNeeded
                | MigrationStatus::AlreadyConnected
                | MigrationStatus::Skipped => "not needed",
            };
            match (&m.from_hash, &m.to_hash) {
                (Some(f), Some(t)) => format!(
                    "{} -> {} {word}",
                    f.get(..12).unwrap_or(f),
                    t.get(..12).unwrap_or(t)
                ),
                _ => word.to_owned(),
            }
        }
        None => "not needed".to_owned(),
    };
    let (permissions, permissions_version) = match &out.permissions {
        Some(p) if p.status == PermissionsStatus::Skipped => {
            ("skipped (no permissions.ts)".to_owned(), None)
        }
        Some(p) => {
            let word = if p.status == PermissionsStatus::Unchanged {
                "unchanged"
            } else {
                "published"
            };
            let v = p.version.map_or("?".to_owned(), |v| v.to_string());
            (format!("v{v} {word}"), p.version)
        }
        None => ("skipped".to_owned(), None),
    };
    Ok(Pushed {
        schema_h12,
        schema_status,
        migration,
        migration_status: out.migration.as_ref().map(|m| m.status),
        changed: out.changed,
        permissions,
        permissions_version,
        json: out.to_json(),
        missing,
    })
}
