//! The `jazz.createMigration` command: plan `jazz migrations create` for a project, then have
//! the client create the stub and snapshot (`workspace/applyEdit` with `CreateFile`), or write
//! them here when the client cannot create files; then ask the client to open the stub.

use std::path::{Path, PathBuf};

use jazz_schema_compiler::migrations::plan::CreatePlan;
use tower_lsp_server::ls_types::{MessageType, ShowDocumentParams};

use super::{Backend, now_ms};
use crate::features;

impl Backend {
    /// Runs the command for the project at `root`; the answer lists the files and whether the
    /// client applied the edit.
    pub(super) async fn create_migration(&self, root: &Path) -> Option<serde_json::Value> {
        let plan = self.ws().migration_plan(root, now_ms());
        let Some((plan, dir)) = plan else {
            self.client
                .show_message(
                    MessageType::ERROR,
                    "Cannot create a migration while the schema has errors.",
                )
                .await;
            return None;
        };
        let message = features::plan_message(&plan);
        let files = features::planned_files(&plan, &dir);
        if files.is_empty() {
            let kind = match plan {
                CreatePlan::Failed(_) => MessageType::ERROR,
                _ => MessageType::INFO,
            };
            self.client.show_message(kind, message).await;
            return None;
        }
        let creates = *self.resource_ops.lock().unwrap_or_else(|p| p.into_inner());
        let applied = match features::create_files_edit(&files) {
            Some(edit) if creates => self.client.apply_edit(edit).await.is_ok_and(|r| r.applied),
            _ => false,
        };
        if !applied {
            if let Err((path, e)) = write_new(&files) {
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!("cannot write {}: {e}", path.display()),
                    )
                    .await;
                return None;
            }
            self.ws().disk_changed();
            self.schedule();
        }
        self.client.show_message(MessageType::INFO, message).await;
        // Open the stub to fill in `migrate` (clients without showDocument just do not).
        if let CreatePlan::Generate { .. } = plan
            && let Some(uri) = files.first().and_then(|(p, _)| crate::to_proto::uri(p))
        {
            let _ = self
                .client
                .show_document(ShowDocumentParams {
                    uri,
                    external: None,
                    take_focus: Some(true),
                    selection: None,
                })
                .await;
        }
        Some(serde_json::json!({
            "files": files.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>(),
            "applied": applied,
        }))
    }
}

/// Writes each file as `jazz migrations create` does, never over an existing one (like the
/// workspace edit's `CreateFile`).
fn write_new(files: &[(PathBuf, String)]) -> Result<(), (PathBuf, std::io::Error)> {
    for (path, text) in files {
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
            })
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| (path.clone(), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_writes_new_files_and_never_replaces_one() {
        let dir = std::env::temp_dir().join(format!("jazz-lsp-create-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let stub = dir.join("migrations/x.ts");
        let snap = dir.join("migrations/snapshots/y.json");
        let files = vec![
            (stub.clone(), "stub".to_owned()),
            (snap.clone(), "{}".to_owned()),
        ];
        assert!(write_new(&files).is_ok());
        assert_eq!(std::fs::read_to_string(&snap).ok().as_deref(), Some("{}"));
        let again = vec![(stub.clone(), "other".to_owned())];
        assert_eq!(write_new(&again).map_err(|(p, _)| p), Err(stub.clone()));
        assert_eq!(std::fs::read_to_string(&stub).ok().as_deref(), Some("stub"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
