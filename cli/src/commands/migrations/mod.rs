//! `jazz migrations create|push|check` and `jazz schema diff` (migrations.md §1, §7.1;
//! cli-and-server.md §1.9.4, §1.9.5). What they share lives here: the app id / server /
//! secret settings, the snapshot store of a migrations directory, and hash resolution
//! (local snapshots first, then the server, §1.3).

pub mod args;
pub mod check;
pub mod create;
pub mod diff;
pub mod push;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use jazz_schema_compiler::diagnostics::{Diagnostic, codes};
use jazz_schema_compiler::schema::hash::normalize_hash_input;
use jazz_schema_compiler::schema::json::stringify_pretty;
use jazz_schema_compiler::schema::snapshots::{
    Snapshot, committed_name, is_committed_name, latest_committed, read_snapshots, resolve_prefix,
};
use jazz_schema_compiler::schema::wasm_json::from_json_text;
use jazz_schema_compiler::schema::{SchemaHash, WasmSchema, schema_hash};
use jazz_schema_compiler::source::SourceDb;

use super::Context;
use super::schema::read_snapshot_files;
use crate::admin::{Admin, published_ms};
use args::ServerArgs;

pub const APP_ID_VARS: &[&str] = &[
    "JAZZ_APP_ID",
    "PUBLIC_JAZZ_APP_ID",
    "VITE_JAZZ_APP_ID",
    "NEXT_PUBLIC_JAZZ_APP_ID",
    "EXPO_PUBLIC_JAZZ_APP_ID",
];
pub const SERVER_URL_VARS: &[&str] = &[
    "JAZZ_SERVER_URL",
    "PUBLIC_JAZZ_SERVER_URL",
    "VITE_JAZZ_SERVER_URL",
    "NEXT_PUBLIC_JAZZ_SERVER_URL",
    "EXPO_PUBLIC_JAZZ_SERVER_URL",
];

pub const MISSING_APP_ID: &str = "Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID).";
pub const MISSING_SERVER_URL: &str = "Missing server URL. Pass --server-url <url> or set JAZZ_SERVER_URL (or a framework-prefixed form such as VITE_JAZZ_SERVER_URL).";
pub const MISSING_SECRET: &str =
    "Missing admin secret. Pass --admin-secret <secret> or set JAZZ_ADMIN_SECRET.";

/// App id, server URL and admin secret as resolved from flags, env and env files.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub app_id: Option<String>,
    pub server_url: Option<String>,
    pub admin_secret: Option<String>,
}

impl Settings {
    /// From the flags, then the environment and env files, then (for a URL or secret still
    /// missing) the `jazz dev` serving this app from the project at `root`
    /// ([`crate::dev_state`]), saying where they came from.
    pub fn resolve(
        ctx: &mut Context,
        app_id: Option<&str>,
        server: &ServerArgs,
        root: &Path,
    ) -> Self {
        let mut warnings = Vec::new();
        let mut pick =
            |flag: Option<&str>, found: (Option<crate::env::Resolved>, Vec<String>)| match flag
                .filter(|v| !v.is_empty())
            {
                Some(v) => Some(v.to_owned()),
                None => {
                    warnings.extend(found.1);
                    found.0.map(|r| r.value)
                }
            };
        let mut s = Settings {
            app_id: pick(app_id, ctx.env.lookup(APP_ID_VARS)),
            server_url: pick(
                server.server_url.as_deref(),
                ctx.env.lookup(SERVER_URL_VARS),
            ),
            admin_secret: pick(
                server.admin_secret.as_deref(),
                ctx.env.secret("JAZZ_ADMIN_SECRET"),
            ),
        };
        for w in warnings {
            ctx.out.warning(&w);
        }
        s.fill_from_dev(ctx, root);
        s
    }

    /// Fills a missing server URL and admin secret from a running `jazz dev` for this app: the
    /// URL from its lock file, the secret from the file it keeps (only for that server).
    fn fill_from_dev(&mut self, ctx: &mut Context, root: &Path) {
        let Some(app) = &self.app_id else {
            return;
        };
        if self.server_url.is_some() && self.admin_secret.is_some() {
            return;
        }
        let found = crate::dev_state::find(root, app);
        let Some(running) = found.running else {
            return;
        };
        let same_server =
            |url: &str| crate::admin::normalize_url(url).is_ok_and(|u| u == running.url);
        let mut used = Vec::new();
        if self.server_url.is_none() {
            self.server_url = Some(running.url.clone());
            used.push(format!(
                "the server URL {} of the running jazz dev (pid {})",
                running.url, running.pid
            ));
        }
        if self.admin_secret.is_none()
            && self.server_url.as_deref().is_some_and(same_server)
            && let Some((secret, file)) = found.secret
        {
            self.admin_secret = Some(secret);
            used.push(format!(
                "the admin secret in {}",
                crate::paths::relative(&file, &ctx.cwd)
            ));
        }
        if !used.is_empty() {
            ctx.out.note(&format!("Using {}.", used.join(" and ")));
        }
    }

    /// The admin client; the settings are checked in the order app id, URL, secret.
    pub fn admin(&self, ctx: &Context) -> Result<Admin, String> {
        let app = self.app_id.as_deref().ok_or(MISSING_APP_ID)?;
        let url = self.server_url.as_deref().ok_or(MISSING_SERVER_URL)?;
        let secret = self.admin_secret.as_deref().ok_or(MISSING_SECRET)?;
        Admin::new(url, app, secret, ctx.http_timeout()?, ctx.verbose)
    }
}

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
        let dir = migrations_dir.join("snapshots");
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
        self.migrations_dir.join("snapshots")
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

/// The `*.ts` file names directly in the migrations directory, sorted.
pub fn migration_file_names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if let Some(n) = entry.file_name().to_str()
            && n.ends_with(".ts")
            && entry.path().is_file()
        {
            names.push(n.to_owned());
        }
    }
    names.sort();
    Ok(names)
}
