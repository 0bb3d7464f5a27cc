//! Checking a whole migrations directory, as `jazz validate`, `jazz dev` and the
//! editor do: every `*.ts` file directly in the directory is read statically, its name is
//! checked against the edge pattern (JZ3005), and two files for one edge are JZ3006. JZ3006 is
//! a warning here: upstream's `validate` does not read migrations, and only a push has to
//! choose between the files (`migrations push`, `migrations check`, `deploy` and `jazz dev`
//! refuse the edge themselves, see `cli/src/publish/edge.rs`).

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::NameUse;
use crate::source::{FileId, SourceDb, SourceLoader, Span};

use super::codes;
use super::names::edge_in_name;
use super::reader::read_migration;
use super::wire::publish_body;
use crate::schema::schema_hash;

/// The names one migration file uses on its `to` side, and the edge it claims.
#[derive(Debug, Clone, Default)]
pub struct MigrationNames {
    pub file: Option<FileId>,
    /// As written in the file (12-64 character prefixes).
    pub from_hash: Option<String>,
    pub to_hash: Option<String>,
    pub names: Vec<NameUse>,
    /// The `defineMigration(...)` call.
    pub root: Option<Span>,
    /// The lens JSON `migrations push` would publish, when the witnesses were built
    /// and the file has no errors.
    pub publish_body: Option<String>,
}

/// The diagnostics of every migration file in `dir` (none when the directory is missing), with
/// the names each file uses (for the editor). `project::analyze` calls it when asked to check
/// the migrations.
pub fn check_dir_names(
    loader: &dyn SourceLoader,
    dir: &Path,
    db: &mut SourceDb,
) -> (Vec<Diagnostic>, Vec<MigrationNames>) {
    let mut files = Vec::new();
    let mut names: Vec<String> = loader
        .list_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.ends_with(".ts") && !n.ends_with(".d.ts"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    let mut edges: Vec<((String, String), String)> = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let mut m = read_migration(loader, &path, db);
        let publish_body = match (&m.from, &m.to) {
            (Some(f), Some(t)) if m.publishable() => {
                Some(publish_body(&schema_hash(f), &schema_hash(t), &m.forward))
            }
            _ => None,
        };
        files.push(MigrationNames {
            file: m.file,
            from_hash: m.from_hash.clone(),
            to_hash: m.to_hash.clone(),
            names: std::mem::take(&mut m.names),
            root: m.root,
            publish_body,
        });
        let at = m.file.map(|f| Span::new(f, 0, 0));
        match edge_in_name(name) {
            Some(edge) => {
                let matches = |h: &str, e: &str| h.starts_with(e) || e.starts_with(h);
                if let (Some(f), Some(t)) = (&m.from_hash, &m.to_hash)
                    && !(matches(f, &edge.0) && matches(t, &edge.1))
                {
                    let msg = format!(
                        "Migration {name} exports {f} -> {t}, expected {} -> {}.",
                        edge.0, edge.1
                    );
                    let mut d = Diagnostic::new(codes::WRONG_EDGE, msg.clone()).upstream(msg);
                    if let Some((s, _)) = m.hash_spans {
                        d = d.at(s);
                    }
                    m.diagnostics.push(
                        d.help("the file name and the hashes inside must name the same edge"),
                    );
                }
                if let Some((_, first)) = edges.iter().find(|(e, _)| *e == edge) {
                    let mut d = Diagnostic::new(
                        codes::MULTIPLE_FILES,
                        format!(
                            "Multiple migration files found for {} -> {}: {first}, {name}",
                            edge.0, edge.1
                        ),
                    );
                    if let Some(s) = at {
                        d = d.at(s);
                    }
                    m.diagnostics.push(d.help("keep exactly one file per edge").note(
                        "`migrations push`, `deploy` and `jazz dev` refuse this edge until one file remains",
                    ));
                } else {
                    edges.push((edge, name.clone()));
                }
            }
            None => {
                let mut d = Diagnostic::new(
                    codes::FILE_NAME,
                    "migration file name does not match <timestamp>-<name>-<from12>-<to12>.ts",
                );
                if let Some(s) = at {
                    d = d.at(s);
                }
                m.diagnostics.push(
                    d.note("`migrations push` finds a file by `-<from12>-<to12>.ts` in its name"),
                );
            }
        }
        out.extend(m.diagnostics);
    }
    (out, files)
}
