//! `migrations create` for an open project: the snapshots and migration file names of its
//! migrations directory are read through the [`SourceLoader`] (editor buffers over the disk)
//! and handed to [`plan_create`], the function behind `jazz migrations create`.

use std::path::Path;

use crate::migrations::plan::{CreatePlan, Inputs, plan_create};
use crate::schema::snapshots::{SnapshotFile, read_snapshots};
use crate::source::SourceLoader;

use super::Analysis;

impl Analysis {
    /// What `jazz migrations create` would write for this project's schema into `dir`, at the
    /// clock reading `now_ms`. `None` while the schema has errors.
    pub fn migration_plan(
        &self,
        loader: &dyn SourceLoader,
        dir: &Path,
        now_ms: u64,
    ) -> Option<CreatePlan> {
        let schema = self.valid_schema()?;
        let snapshots_dir = dir.join("snapshots");
        let files: Vec<SnapshotFile> = loader
            .list_dir(&snapshots_dir)
            .unwrap_or_default()
            .into_iter()
            .map(|file_name| {
                let text = match loader.read(&snapshots_dir.join(&file_name)) {
                    Ok(Some(t)) => Ok(t.to_string()),
                    Ok(None) => Err("not a file".to_owned()),
                    Err(e) => Err(e.to_string()),
                };
                SnapshotFile { file_name, text }
            })
            .collect();
        let (snapshots, _) = read_snapshots(files);
        let names: Vec<String> = loader
            .list_dir(dir)
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.ends_with(".ts"))
            .collect();
        Some(plan_create(
            schema,
            Inputs {
                snapshots: &snapshots,
                migration_files: &names,
                now_ms,
                name: None,
            },
        ))
    }
}
