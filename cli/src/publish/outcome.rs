//! What one run of the publish pipeline produced: the output lines in order, the status of
//! each step (the `result` of `jazz deploy --format json`) and the
//! failure that stopped it.

use jazz_schema_compiler::diagnostics::Diagnostic;
use jazz_schema_compiler::schema::SchemaHash;
use jazz_schema_compiler::source::SourceDb;
use serde_json::json;

use crate::admin::Head;

/// One output line, in pipeline order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// An informational stdout line (`Loaded current permissions from …`).
    Info(String),
    /// A result stdout line (`Published …`, `Would …`).
    Result(String),
    /// An upstream warning for stderr, without the `Warning: ` prefix it is printed with.
    Warning(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaStatus {
    Published,
    AlreadyStored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationStatus {
    NotNeeded,
    AlreadyConnected,
    Pushed,
    Missing,
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionsStatus {
    Published,
    Unchanged,
    Skipped,
}

/// The migration step: the edge from the head's schema to the current one, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStep {
    pub status: MigrationStatus,
    pub from_hash: Option<String>,
    pub to_hash: Option<String>,
    /// The reviewed file that was pushed (its name in the migrations directory).
    pub file: Option<String>,
}

/// The permissions step. `head` is the new head; in a dry run, the current head when nothing
/// would change, else none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionsStep {
    pub status: PermissionsStatus,
    pub version: Option<u64>,
    pub head: Option<Head>,
}

/// Why the pipeline stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The one-line message (upstream text where there is one).
    pub message: String,
    /// A `hint:` line to print after it.
    pub hint: Option<String>,
    /// The permissions publish met a 409 (another publish moved the head).
    pub stale_parent: bool,
}

/// The outcome of one run of the pipeline.
pub struct Published {
    pub dry_run: bool,
    /// The locally computed hash of the current schema (when the project had one).
    pub schema_hash: Option<SchemaHash>,
    /// `None` when the pipeline stopped before the step.
    pub schema: Option<SchemaStatus>,
    pub migration: Option<MigrationStep>,
    pub permissions: Option<PermissionsStep>,
    /// Something was published (or, in a dry run, would be).
    pub changed: bool,
    pub lines: Vec<Line>,
    /// Diagnostics of the migration file that was read, rendered with `db`.
    pub diagnostics: Vec<Diagnostic>,
    pub db: SourceDb,
    pub failure: Option<Failure>,
}

impl Published {
    pub(super) fn new(dry_run: bool) -> Self {
        Self {
            dry_run,
            schema_hash: None,
            schema: None,
            migration: None,
            permissions: None,
            changed: false,
            lines: Vec::new(),
            diagnostics: Vec::new(),
            db: SourceDb::new(),
            failure: None,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }

    pub(super) fn fail(mut self, message: impl Into<String>) -> Self {
        self.failure = Some(Failure {
            message: message.into(),
            hint: None,
            stale_parent: false,
        });
        self
    }

    pub(super) fn result(&mut self, line: String) {
        self.lines.push(Line::Result(line));
    }

    /// The `result` of `jazz deploy --format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let hash = self.schema_hash.map(|h| h.to_hex());
        json!({
            "dry_run": self.dry_run,
            "schema": self.schema.map(|s| json!({
                "status": match s {
                    SchemaStatus::Published => "published",
                    SchemaStatus::AlreadyStored => "already-stored",
                },
                "hash": hash,
            })),
            "migration": self.migration.as_ref().map(|m| json!({
                "status": match m.status {
                    MigrationStatus::NotNeeded => "not-needed",
                    MigrationStatus::AlreadyConnected => "already-connected",
                    MigrationStatus::Pushed => "pushed",
                    MigrationStatus::Missing => "missing",
                    MigrationStatus::Skipped => "skipped",
                },
                "from_hash": m.from_hash,
                "to_hash": m.to_hash,
                "file": m.file,
            })),
            "permissions": self.permissions.as_ref().map(|p| json!({
                "status": match p.status {
                    PermissionsStatus::Published => "published",
                    PermissionsStatus::Unchanged => "unchanged",
                    PermissionsStatus::Skipped => "skipped",
                },
                "version": p.version,
                "schema_hash": p.head.as_ref().map(|h| h.schema_hash.clone()).or_else(|| {
                    (p.status == PermissionsStatus::Published).then(|| hash.clone()).flatten()
                }),
                "bundle_object_id": p.head.as_ref().map(|h| h.bundle_object_id.clone()),
            })),
        })
    }
}
