//! The embedded, crash-safe store: one data directory, atomic commits, no loss of acknowledged
//! writes. The only module of the engine that touches the file system.
//!
//! The store is a redb database (`<data dir>/jazz-native.redb`) of byte-keyed tables. Every
//! [`Store::commit`] is one redb write transaction with immediate durability: when it returns
//! `Ok`, the change is on disk (fsync'd) and survives `kill -9` or a power loss; when it fails
//! or the process dies first, none of it is visible after a restart. redb locks the file
//! exclusively, so a second process on the same data dir is refused.
//!
//! The store also keeps a manifest (format version and app id) and refuses a data dir that
//! belongs to another app, holds an upstream store, or has an unknown format version.
//! [`Store::in_memory`] runs the same code over redb's in-memory backend (`--in-memory`).

use std::fmt;
use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

/// Our on-disk format version, recorded in the manifest.
pub const FORMAT_VERSION: &str = "1";

/// The database file inside the data dir.
pub const DB_FILE: &str = "jazz-native.redb";

/// Upstream store names we refuse to open.
const UPSTREAM_STORES: [&str; 2] = ["jazz.rocksdb", "jazz.sqlite"];

/// The tables of the store. Keys and values are opaque bytes to this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// `format`, `app_id`, `head`: small named values.
    Meta,
    Schemas,
    Lenses,
    Bundles,
}

impl Table {
    fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(match self {
            Table::Meta => "meta",
            Table::Schemas => "schemas",
            Table::Lenses => "lenses",
            Table::Bundles => "bundles",
        })
    }

    const ALL: [Table; 4] = [Table::Meta, Table::Schemas, Table::Lenses, Table::Bundles];
}

/// A key and its value, as [`Store::scan`] returns them.
pub type Entry = (Vec<u8>, Vec<u8>);

/// One key written by a commit.
#[derive(Clone, Debug)]
pub struct Put {
    pub table: Table,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

impl Put {
    pub fn new(table: Table, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Self {
        Self {
            table,
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Why the store could not be opened or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// Another process holds the data dir.
    Locked(PathBuf),
    /// The data dir belongs to another app.
    ForeignApp {
        dir: PathBuf,
        stored: String,
        wanted: String,
    },
    /// The data dir holds an upstream Jazz store.
    UpstreamStore { dir: PathBuf, name: String },
    /// A manifest with a format version we do not know.
    UnknownFormat { dir: PathBuf, version: String },
    /// The file is not a store we can read.
    Corrupt { dir: PathBuf, detail: String },
    /// Anything else (IO, a failed commit).
    Io(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Locked(dir) => {
                write!(f, "data dir {} is locked by another process", dir.display())
            }
            StorageError::ForeignApp {
                dir,
                stored,
                wanted,
            } => write!(
                f,
                "data dir {} belongs to app {stored}; refusing to serve app {wanted}",
                dir.display()
            ),
            StorageError::UpstreamStore { dir, name } => write!(
                f,
                "data dir {} contains an upstream Jazz store ({name}); jazz server cannot open it. Use another --data-dir.",
                dir.display()
            ),
            StorageError::UnknownFormat { dir, version } => write!(
                f,
                "data dir {} has unknown store format version {version}; refusing to open it",
                dir.display()
            ),
            StorageError::Corrupt { dir, detail } => {
                write!(f, "data dir {} is corrupt: {detail}", dir.display())
            }
            StorageError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StorageError {}

fn io(e: impl fmt::Display) -> StorageError {
    StorageError::Io(format!("storage failure: {e}"))
}

/// The open store.
pub struct Store {
    db: Database,
    dir: Option<PathBuf>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

impl Store {
    /// Opens the store in `dir` for `app_id`, creating it only when the store file does not
    /// exist. An existing file is never reinitialised: an empty, truncated or damaged file is
    /// [`StorageError::Corrupt`] (every page checksum is verified on open), never a new store.
    pub fn open_dir(dir: &Path, app_id: &str) -> Result<Store, StorageError> {
        for name in UPSTREAM_STORES {
            if dir.join(name).exists() {
                return Err(StorageError::UpstreamStore {
                    dir: dir.to_path_buf(),
                    name: name.to_string(),
                });
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            StorageError::Io(format!("cannot create data dir {}: {e}", dir.display()))
        })?;
        let path = dir.join(DB_FILE);
        if std::fs::symlink_metadata(&path).is_err() {
            create_new(dir, &path, app_id)?;
        }
        let corrupt = |detail: String| StorageError::Corrupt {
            dir: dir.to_path_buf(),
            detail,
        };
        match std::fs::metadata(&path) {
            Ok(m) if m.len() == 0 => {
                return Err(corrupt("the store file is empty (0 bytes)".into()));
            }
            Ok(_) => {}
            Err(e) => {
                return Err(StorageError::Io(format!(
                    "cannot open {}: {e}",
                    path.display()
                )));
            }
        }
        // redb reports a damaged file as an error once its integrity is checked on open, but a
        // panic inside it must still end as "corrupt", never as a crash.
        let opened = quietly_catch(|| {
            let db = Database::builder()
                .set_check_integrity_on_open(true)
                .open(&path)
                .map_err(|e| open_error(dir, &path, e))?;
            let store = Store {
                db,
                dir: Some(dir.to_path_buf()),
            };
            // Reading an opened file fails only when it is damaged.
            store.check_manifest(app_id, false).map_err(|e| match e {
                StorageError::Io(detail) => corrupt(detail),
                e => e,
            })?;
            Ok(store)
        });
        match opened {
            Some(r) => r,
            None => Err(corrupt("the store panicked while reading it".into())),
        }
    }

    /// A store that lives in memory only (`--in-memory`).
    pub fn in_memory(app_id: &str) -> Result<Store, StorageError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(io)?;
        let store = Store { db, dir: None };
        store.check_manifest(app_id, true)?;
        Ok(store)
    }

    /// The data dir, or `None` in memory.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn shown_dir(&self) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(":memory:"))
    }

    /// Checks the manifest; creates every table and the manifest when `init` (a new store).
    fn check_manifest(&self, app_id: &str, init: bool) -> Result<(), StorageError> {
        let format = self.get(Table::Meta, b"format")?;
        let stored_app = self.get(Table::Meta, b"app_id")?;
        match (format, stored_app) {
            (None, _) if !init => Err(StorageError::Corrupt {
                dir: self.shown_dir(),
                detail: "the store has no manifest".into(),
            }),
            (None, _) => {
                let mut txn = self.db.begin_write().map_err(io)?;
                txn.set_two_phase_commit(true);
                for t in Table::ALL {
                    txn.open_table(t.def()).map_err(io)?;
                }
                {
                    let mut meta = txn.open_table(Table::Meta.def()).map_err(io)?;
                    meta.insert(b"format".as_slice(), FORMAT_VERSION.as_bytes())
                        .map_err(io)?;
                    meta.insert(b"app_id".as_slice(), app_id.as_bytes())
                        .map_err(io)?;
                }
                txn.commit().map_err(io)
            }
            (Some(v), _) if v != FORMAT_VERSION.as_bytes() => Err(StorageError::UnknownFormat {
                dir: self.shown_dir(),
                version: String::from_utf8_lossy(&v).into_owned(),
            }),
            (Some(_), Some(a)) if a != app_id.as_bytes() => Err(StorageError::ForeignApp {
                dir: self.shown_dir(),
                stored: String::from_utf8_lossy(&a).into_owned(),
                wanted: app_id.to_string(),
            }),
            (Some(_), Some(_)) => Ok(()),
            (Some(_), None) => Err(StorageError::Corrupt {
                dir: self.shown_dir(),
                detail: "the manifest has no app id".into(),
            }),
        }
    }

    /// One value, or `None` (also when the table does not exist yet).
    pub fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let txn = self.db.begin_read().map_err(io)?;
        let t = match txn.open_table(table.def()) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        Ok(t.get(key).map_err(io)?.map(|v| v.value().to_vec()))
    }

    /// Every entry of a table, in key order.
    pub fn scan(&self, table: Table) -> Result<Vec<Entry>, StorageError> {
        let txn = self.db.begin_read().map_err(io)?;
        let t = match txn.open_table(table.def()) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        let mut out = Vec::new();
        for entry in t.iter().map_err(io)? {
            let (k, v) = entry.map_err(io)?;
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// Writes every put in one atomic, durable transaction. On `Ok` the change survives a crash.
    pub fn commit(&self, puts: &[Put]) -> Result<(), StorageError> {
        let mut txn = self.db.begin_write().map_err(io)?;
        // Two-phase commit: a crash can never leave a primary commit slot that fails its
        // checksum, so one that does is damage, reported as corrupt instead of silently rolled
        // back to the previous (acknowledged-then-lost) commit.
        txn.set_two_phase_commit(true);
        for t in Table::ALL {
            let mut table = txn.open_table(t.def()).map_err(io)?;
            for p in puts.iter().filter(|p| p.table == t) {
                table
                    .insert(p.key.as_slice(), p.value.as_slice())
                    .map_err(io)?;
            }
        }
        txn.commit().map_err(io)
    }
}

/// Creates a new store at `path` atomically: the database and its manifest are written to a
/// private file first, which is then linked into place only if no store appeared meanwhile. A
/// crash part-way leaves no store file, so a half-created store is never mistaken for one.
fn create_new(dir: &Path, path: &Path, app_id: &str) -> Result<(), StorageError> {
    let tmp = dir.join(format!("{DB_FILE}.new-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let created = Database::builder()
        .create(&tmp)
        .map_err(|e| open_error(dir, &tmp, e))
        .and_then(|db| {
            let store = Store {
                db,
                dir: Some(dir.to_path_buf()),
            };
            store.check_manifest(app_id, true)
        });
    let linked = created.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        // Another process created the store first: open theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StorageError::Io(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    });
    let _ = std::fs::remove_file(&tmp);
    // The new file's directory entry must be durable too.
    sync_dir(dir);
    linked
}

/// Maps an open failure: a lock held elsewhere, IO trouble reaching the file, or corruption.
fn open_error(dir: &Path, path: &Path, e: redb::DatabaseError) -> StorageError {
    use std::io::ErrorKind;
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StorageError::Locked(dir.to_path_buf()),
        redb::DatabaseError::Storage(redb::StorageError::Io(e))
            if matches!(
                e.kind(),
                ErrorKind::PermissionDenied | ErrorKind::NotFound | ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            StorageError::Io(format!("cannot open {}: {e}", path.display()))
        }
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            StorageError::Corrupt {
                dir: dir.to_path_buf(),
                detail,
            }
        }
        other => StorageError::Corrupt {
            dir: dir.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

/// Runs `f`, turning a panic into `None` without the panic message on stderr. Only used while
/// opening a store, before the server runs any other thread of ours.
pub(crate) fn quietly_catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    std::panic::set_hook(hook);
    r
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    // Best effort: a failure here leaves redb's own guarantees for the file contents.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "00000000-0000-0000-0000-000000000001";

    #[test]
    fn commits_survive_reopen() -> Result<(), StorageError> {
        let dir = tempfile::tempdir().map_err(io)?;
        {
            let s = Store::open_dir(dir.path(), APP)?;
            s.commit(&[Put::new(Table::Schemas, *b"k1", *b"v1")])?;
        }
        let s = Store::open_dir(dir.path(), APP)?;
        assert_eq!(s.get(Table::Schemas, b"k1")?, Some(b"v1".to_vec()));
        assert_eq!(s.scan(Table::Schemas)?.len(), 1);
        Ok(())
    }

    #[test]
    fn refuses_other_app_upstream_stores_and_second_open() -> Result<(), StorageError> {
        let dir = tempfile::tempdir().map_err(io)?;
        let first = Store::open_dir(dir.path(), APP)?;
        assert!(matches!(
            Store::open_dir(dir.path(), APP),
            Err(StorageError::Locked(_))
        ));
        drop(first);
        let other = Store::open_dir(dir.path(), "00000000-0000-0000-0000-000000000002");
        assert!(matches!(other, Err(StorageError::ForeignApp { .. })));
        let bad = tempfile::tempdir().map_err(io)?;
        std::fs::write(bad.path().join(DB_FILE), [7u8; 5000]).map_err(io)?;
        let e = Store::open_dir(bad.path(), APP);
        assert!(matches!(e, Err(StorageError::Corrupt { .. })), "{e:?}");
        let up = tempfile::tempdir().map_err(io)?;
        std::fs::write(up.path().join("jazz.sqlite"), b"").map_err(io)?;
        let e = Store::open_dir(up.path(), APP);
        assert!(matches!(e, Err(StorageError::UpstreamStore { .. })));
        Ok(())
    }

    #[test]
    fn an_existing_file_is_never_reinitialised() -> Result<(), StorageError> {
        let dir = tempfile::tempdir().map_err(io)?;
        std::fs::write(dir.path().join(DB_FILE), b"").map_err(io)?;
        let e = Store::open_dir(dir.path(), APP);
        assert!(
            matches!(&e, Err(StorageError::Corrupt { detail, .. }) if detail.contains("empty")),
            "{e:?}"
        );
        assert_eq!(
            std::fs::metadata(dir.path().join(DB_FILE))
                .map_err(io)?
                .len(),
            0
        );
        // A store cut short is corrupt too, and no temp file is left behind by creation.
        let good = tempfile::tempdir().map_err(io)?;
        drop(Store::open_dir(good.path(), APP)?);
        let names: Vec<_> = std::fs::read_dir(good.path())
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(DB_FILE)]);
        let bytes = std::fs::read(good.path().join(DB_FILE)).map_err(io)?;
        std::fs::write(good.path().join(DB_FILE), &bytes[..bytes.len() / 2]).map_err(io)?;
        let e = Store::open_dir(good.path(), APP);
        assert!(matches!(e, Err(StorageError::Corrupt { .. })), "{e:?}");
        Ok(())
    }

    #[test]
    fn in_memory_works() -> Result<(), StorageError> {
        let s = Store::in_memory(APP)?;
        s.commit(&[Put::new(Table::Bundles, *b"a", *b"b")])?;
        assert_eq!(s.get(Table::Bundles, b"a")?, Some(b"b".to_vec()));
        Ok(())
    }
}
