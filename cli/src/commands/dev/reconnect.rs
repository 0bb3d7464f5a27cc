//! Embedded mode only: after the permissions step, push
//! every publishable reviewed migration file whose from and to schemas are both stored on the
//! server but not yet connected. This reconnects old data after a lenient retarget, so the
//! hint "jazz dev pushes the file when you save it" holds. Files with errors are never pushed
//! (the shared edge step refuses them); edges with schemas this server does not know are
//! skipped.

use jazz_schema_compiler::migrations::names::edge_in_name;
use jazz_schema_compiler::schema::SchemaHash;
use jazz_schema_compiler::schema::hash::parse_hex;

use super::push::Target;
use super::report::Reporter;
use crate::commands::Context;
use crate::publish::edge::{EdgeResult, push_edge};
use crate::store::migration_file_names;

/// The full stored hash that `prefix` names, when exactly one does.
fn unique<'a>(stored: &'a [String], prefix: &str) -> Option<&'a String> {
    let mut found = stored.iter().filter(|h| h.starts_with(prefix));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// An unconnected edge with a reviewed file that [`reconnect`] tried to push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnected {
    pub from: SchemaHash,
    pub to: SchemaHash,
    /// The reviewed file, when it was pushed.
    pub file: Option<String>,
    pub pushed: bool,
}

impl Reconnected {
    /// `<f12> -> <t12>`.
    pub fn label(&self) -> String {
        format!("{} -> {}", self.from.short(), self.to.short())
    }
}

/// Pushes the unconnected edges; returns each edge it tried, pushed or not.
pub fn reconnect(ctx: &mut Context, rep: Reporter, target: &Target) -> Vec<Reconnected> {
    let dir = &target.options.migrations_dir;
    let Ok(names) = migration_file_names(dir) else {
        return Vec::new();
    };
    let edges: Vec<(String, String)> = names.iter().filter_map(|n| edge_in_name(n)).collect();
    if edges.is_empty() {
        return Vec::new();
    }
    let Ok(stored) = target.admin.list_hashes() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (f, t) in edges {
        let (Some(from), Some(to)) = (unique(&stored, &f), unique(&stored, &t)) else {
            if ctx.verbose {
                rep.info(&format!(
                    "[jazz] skipping migration {f} -> {t}: this server does not store both schemas"
                ));
            }
            continue;
        };
        if from == to || !seen.insert((from.clone(), to.clone())) {
            continue;
        }
        if target.admin.connected(from, to) != Ok(false) {
            continue;
        }
        let (Some(fh), Some(th)) = (parse_hex(from), parse_hex(to)) else {
            continue;
        };
        let mut no_schemas = || Err("no reviewed migration file".to_owned());
        let edge = push_edge(&target.admin, dir, &fh, &th, &mut no_schemas, false);
        if !rep.json && !edge.diagnostics.is_empty() {
            ctx.out
                .diagnostics(&edge.diagnostics, &edge.db, &target.root);
        }
        let mut tried = Reconnected {
            from: fh,
            to: th,
            file: None,
            pushed: false,
        };
        let label = tried.label();
        match edge.result {
            EdgeResult::Pushed { file } => {
                rep.info(&format!(
                    "[jazz] pushed migration {label}{}",
                    file.as_ref()
                        .map(|f| format!(" from {f}"))
                        .unwrap_or_default()
                ));
                tried.file = file;
                tried.pushed = true;
                out.push(tried);
            }
            EdgeResult::Missing => {}
            EdgeResult::Failed(message) => {
                rep.problem(&format!("[jazz] migration {label} not pushed: {message}"));
                out.push(tried);
            }
        }
    }
    out
}
