//! A migrations directory on disk, as several commands read it: its snapshot store
//! (`<migrationsDir>/snapshots`), its migration file names, and resolving a schema hash or
//! prefix to a schema (local snapshots first, then the server). Which directory it is comes
//! from `Context::migrations_dir` (one default for every command).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use jazz_schema_compiler::diagnostics::{Diagnostic, codes};
use jazz_schema_compiler::schema::hash::normalize_hash_input;
use jazz_schema_compiler::schema::json::stringify_pretty;
use jazz_schema_compiler::schema::snapshots::{
    Snapshot, SnapshotFile, committed_name, is_committed_name, latest_committed, read_snapshots,
    resolve_prefix,
};
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema, schema_hash};
use jazz_schema_compiler::source::{SourceDb, SourceLoader};

use crate::admin::published_ms;
use crate::commands::{Context, shown};
use crate::connection::Settings;
use crate::loader::DiskLoader;

/// The clock snapshot names and publish times are read from, in milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The readable snapshots of `<migrationsDir>/snapshots`.
pub struct Store {
    pub migrations_dir: PathBuf,
    pub snapshots: Vec<Snapshot>,
}

impl Store {
    /// Reads the snapshots; unreadable ones are reported with their path (JZ1080) and skipped.
    pub fn load(ctx: &mut Context, migrations_dir: &Path) -> anyhow::Result<Self> {
        let dir = snapshots_dir(migrations_dir);
        let (snapshots, diags) = read_snapshots(read_snapshot_files(&dir)?);
        let diags: Vec<Diagnostic> = diags
            .into_iter()
            .map(|d| d.note(format!("in {}", dir.display())))
            .collect();
        ctx.out
            .diagnostics(&diags, &SourceDb::new(), migrations_dir);
        Ok(Self {
            migrations_dir: migrations_dir.to_path_buf(),
            snapshots,
        })
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        snapshots_dir(&self.migrations_dir)
    }

    /// The latest committed snapshot.
    pub fn latest(&self) -> Option<&Snapshot> {
        let name = latest_committed(self.snapshots.iter().map(|s| s.file_name.as_str()))?;
        self.snapshots.iter().find(|s| s.file_name == name)
    }

    pub fn has_committed(&self, hash: &SchemaHash) -> bool {
        self.snapshots
            .iter()
            .any(|s| s.hash == *hash && is_committed_name(&s.file_name))
    }

    /// "Ensure committed": the path of a new committed snapshot for `hash`, written unless
    /// `dry`; `None` when one exists. Remembered, so a second call is a no-op.
    pub fn ensure_committed(
        &mut self,
        schema: &WasmSchema,
        hash: &SchemaHash,
        text: &str,
        ms: u64,
        dry: bool,
    ) -> anyhow::Result<Option<PathBuf>> {
        if self.has_committed(hash) {
            return Ok(None);
        }
        let name = committed_name(ms, hash);
        let path = self.snapshots_dir().join(&name);
        if !dry {
            fs::create_dir_all(self.snapshots_dir())
                .with_context(|| format!("cannot create {}", self.snapshots_dir().display()))?;
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        self.snapshots.push(Snapshot {
            file_name: name,
            schema: schema.clone(),
            hash: *hash,
        });
        Ok(Some(path))
    }
}

impl Store {
    /// Writes a snapshot file of a `migrations create` plan into `snapshots/` (unless `dry`) and
    /// returns its path.
    pub fn write_planned(
        &self,
        file: &jazz_schema_compiler::migrations::plan::PlannedFile,
        dry: bool,
    ) -> anyhow::Result<PathBuf> {
        let path = self.snapshots_dir().join(&file.file_name);
        if !dry {
            fs::create_dir_all(self.snapshots_dir())
                .with_context(|| format!("cannot create {}", self.snapshots_dir().display()))?;
            fs::write(&path, &file.text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(path)
    }
}

/// A resolved schema version.
pub struct Version {
    pub hash: SchemaHash,
    pub schema: WasmSchema,
    /// Snapshot text to write for a schema fetched from a server (with its time), if any.
    pub fetched: Option<(String, u64)>,
}

/// `resolve(label, input)`. Server-fetched schemas are returned with
/// their snapshot text; the caller decides whether to write it.
pub fn resolve(
    ctx: &mut Context,
    store: &Store,
    settings: &Settings,
    label: &str,
    input: &str,
) -> Result<Version, String> {
    let prefix = normalize_hash_input(input, label)?;
    match resolve_prefix(&store.snapshots, &prefix, label) {
        Ok(s) => {
            return Ok(Version {
                hash: s.hash,
                schema: s.schema.clone(),
                fetched: None,
            });
        }
        Err(d) if d.code != codes::HASH_NOT_FOUND => return Err(d.message),
        Err(_) => {}
    }
    let admin = settings.admin(ctx)?;
    let full = if prefix.len() == 64 {
        prefix.clone()
    } else {
        let mut matches: Vec<String> = admin
            .list_hashes()?
            .into_iter()
            .filter(|h| h.starts_with(&prefix))
            .collect();
        matches.sort();
        matches.dedup();
        match matches.as_slice() {
            [] => {
                return Err(format!(
                    "No stored schema found for {label} prefix {prefix}."
                ));
            }
            [one] => one.clone(),
            many => {
                let shorts: Vec<&str> = many.iter().map(|h| h.get(..12).unwrap_or(h)).collect();
                return Err(format!(
                    "{label} prefix {prefix} is ambiguous: {}",
                    shorts.join(", ")
                ));
            }
        }
    };
    let Some(fetched) = admin.fetch_schema(&full)? else {
        return Err(format!("No stored schema found for {label} {full}."));
    };
    let mut text = stringify_pretty(&fetched.schema);
    text.push('\n');
    let schema = from_json_text(&text).map_err(|e| {
        format!(
            "Schema fetch failed: the server's schema {full} is not valid WasmSchema JSON: {}",
            e.0
        )
    })?;
    let hash = schema_hash(&schema);
    if hash.to_hex() != full {
        ctx.out.warning(&format!(
            "the schema the server returned for {full} hashes to {}",
            hash.to_hex()
        ));
    }
    Ok(Version {
        hash,
        schema,
        fetched: Some((text, published_ms(fetched.published_at, now_ms()))),
    })
}

/// `<migrationsDir>/snapshots`: where the schema snapshots of a migrations directory live.
pub fn snapshots_dir(migrations_dir: &Path) -> PathBuf {
    migrations_dir.join("snapshots")
}

/// The `*.ts` file names directly in the migrations directory, sorted; listed through the
/// loader, as the compiler lists them, keeping only files.
pub fn migration_file_names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let names = DiskLoader
        .list_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?;
    Ok(names
        .into_iter()
        .filter(|n| n.ends_with(".ts") && dir.join(n).is_file())
        .collect())
}

/// The `.json` files of a snapshots directory with their texts (or read errors); none when the
/// directory does not exist.
pub fn read_snapshot_files(dir: &Path) -> anyhow::Result<Vec<SnapshotFile>> {
    let names = DiskLoader
        .list_dir(dir)
        .with_context(|| format!("cannot list {}", shown(dir)))?;
    let mut files = Vec::new();
    for file_name in names {
        let path = dir.join(&file_name);
        if !file_name.to_ascii_lowercase().ends_with(".json") || !path.is_file() {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| e.to_string());
        files.push(SnapshotFile { file_name, text });
    }
    Ok(files)
}
