//! [`SharedCatalogue`]: the catalogue of one app over its store. All mutations go through one
//! lock: the checks, the durable commit and the in-memory update happen
//! under it, so readers never see a partial change and the permissions compare-and-swap is
//! atomic. A change is applied in memory only after its commit succeeded.

use std::sync::{Arc, Mutex, MutexGuard};

use jazz_schema_compiler::schema::SchemaHash;
use jazz_schema_compiler::schema::json::{self, stringify};
use uuid::Uuid;

use super::records::{self, HEAD_KEY};
use super::request::{
    LensPublish, PermissionsPublish, RequestError, SchemaPublish, check_lens_tables,
    compile_permissions,
};
use super::{BundleEntry, Catalogue, LensEntry, SchemaEntry};
use crate::storage::{Put, StorageError, Store, Table};

/// Why a publish was refused; the server maps each variant to a status (`server/error.rs`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The request contradicts the catalogue (a lens names a table its schemas lack, a
    /// permissions map does not compile against its schema).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A publish names a schema the catalogue does not have; `role` is `source` or `target`.
    #[error("{role} schema catalogue not found for hash {hash}")]
    UnknownSchema {
        role: &'static str,
        hash: SchemaHash,
    },
    /// The permissions compare-and-swap failed: the head is not the expected parent.
    #[error("stale permissions parent: expected {}, current {}", show(*.expected), show(*.current))]
    StaleParent {
        expected: Option<Uuid>,
        current: Option<Uuid>,
    },
    /// The store failed to commit.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A bundle id, or `none`.
fn show(id: Option<Uuid>) -> String {
    id.map_or_else(|| "none".to_string(), |u| u.to_string())
}

/// The catalogue of one app, persisted.
#[derive(Debug)]
pub struct SharedCatalogue {
    app_id: Uuid,
    store: Store,
    state: Mutex<Catalogue>,
}

fn corrupt(store: &Store, detail: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt {
        dir: store
            .dir()
            .map(|d| d.to_path_buf())
            .unwrap_or_else(|| ":memory:".into()),
        detail: detail.to_string(),
    }
}

impl SharedCatalogue {
    /// Loads the catalogue from the store; bundles are recompiled into the bytecode cache.
    pub fn open(store: Store, app_id: Uuid) -> Result<Self, StorageError> {
        let mut c = Catalogue::default();
        for (k, v) in store.scan(Table::Schemas)? {
            let e = records::decode_schema(&k, &v).map_err(|d| corrupt(&store, d))?;
            c.insert_schema(e);
        }
        for (k, v) in store.scan(Table::Lenses)? {
            let e = records::decode_lens(&k, &v).map_err(|d| corrupt(&store, d))?;
            c.insert_lens(e);
        }
        let head = match store.get(Table::Meta, HEAD_KEY)? {
            Some(b) => Some(Uuid::from_slice(&b).map_err(|_| corrupt(&store, "bad head record"))?),
            None => None,
        };
        for (k, v) in store.scan(Table::Bundles)? {
            let e = records::decode_bundle(&k, &v).map_err(|d| corrupt(&store, d))?;
            let schema = c
                .schema(&e.schema_hash)
                .map(|s| s.schema.clone())
                .ok_or_else(|| {
                    corrupt(&store, format!("bundle {} targets a missing schema", e.id))
                })?;
            let perms = json::parse(&e.permissions)
                .map_err(|err| corrupt(&store, format!("bundle {}: {err}", e.id)))?;
            let (bytes, _) = compile_permissions(&perms, &schema)
                .map_err(|err| corrupt(&store, format!("bundle {}: {err}", e.id)))?;
            c.insert_bundle(e, Arc::new(bytes), false);
        }
        if let Some(id) = head {
            if c.bundle(&id).is_none() {
                return Err(corrupt(&store, format!("head bundle {id} is missing")));
            }
            c.head = Some(id);
        }
        Ok(Self {
            app_id,
            store,
            state: Mutex::new(c),
        })
    }

    pub fn app_id(&self) -> Uuid {
        self.app_id
    }

    fn lock(&self) -> MutexGuard<'_, Catalogue> {
        // A panic while holding the lock cannot leave a half-applied change: state is updated
        // in single inserts after the commit.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` over a consistent snapshot of the catalogue.
    pub fn read<R>(&self, f: impl FnOnce(&Catalogue) -> R) -> R {
        f(&self.lock())
    }

    /// Publishes a schema; idempotent.
    pub fn publish_schema(
        &self,
        p: SchemaPublish,
        now_ms: u64,
    ) -> Result<SchemaEntry, CatalogueError> {
        let mut c = self.lock();
        if let Some(existing) = c.schema(&p.hash) {
            return Ok(existing.clone());
        }
        let entry = SchemaEntry {
            hash: p.hash,
            json: p.json,
            published_at: now_ms,
            schema: Arc::new(p.schema),
        };
        self.store.commit(&[Put::new(
            Table::Schemas,
            entry.hash.0,
            records::schema_value(&entry)?,
        )])?;
        c.insert_schema(entry.clone());
        Ok(entry)
    }

    /// Publishes a lens. The same content again is a no-op; other content for an
    /// existing edge replaces it. Returns the entry and whether an edge was replaced.
    pub fn publish_lens(&self, p: LensPublish) -> Result<(LensEntry, bool), CatalogueError> {
        let mut c = self.lock();
        let source = c.schema(&p.from).ok_or(CatalogueError::UnknownSchema {
            role: "source",
            hash: p.from,
        })?;
        let target = c.schema(&p.to).ok_or(CatalogueError::UnknownSchema {
            role: "target",
            hash: p.to,
        })?;
        check_lens_tables(&p.tables, &source.schema, &target.schema)?;
        let entry = LensEntry {
            from: p.from,
            to: p.to,
            forward: p.forward,
            draft: false,
        };
        let replaced = match c.lens(&p.from, &p.to) {
            Some(existing) if *existing == entry => return Ok((entry, false)),
            Some(_) => true,
            None => false,
        };
        self.store.commit(&[Put::new(
            Table::Lenses,
            records::lens_key(&entry.from, &entry.to),
            records::lens_value(&entry)?,
        )])?;
        c.insert_lens(entry.clone());
        Ok((entry, replaced))
    }

    /// Publishes a permissions bundle with compare-and-swap on the head.
    pub fn publish_permissions(
        &self,
        p: PermissionsPublish,
        now_ms: u64,
    ) -> Result<BundleEntry, CatalogueError> {
        let mut c = self.lock();
        let schema = c.schema(&p.schema_hash).map(|s| s.schema.clone()).ok_or(
            CatalogueError::UnknownSchema {
                role: "target",
                hash: p.schema_hash,
            },
        )?;
        let head = c.head().cloned();
        let current = head.as_ref().map(|h| h.id);
        if p.expected_parent != current {
            return Err(CatalogueError::StaleParent {
                expected: p.expected_parent,
                current,
            });
        }
        let permissions = stringify(&p.permissions);
        if let Some(h) = &head
            && h.schema_hash == p.schema_hash
            && h.permissions == permissions
        {
            return Ok(h.clone());
        }
        let (bytes, bytecode_hash) = compile_permissions(&p.permissions, &schema)?;
        let version = head.as_ref().map_or(1, |h| h.version + 1);
        let content = format!(
            "{}\n{}\n{version}\n{permissions}",
            p.schema_hash,
            current.map(|u| u.to_string()).unwrap_or_default()
        );
        let entry = BundleEntry {
            id: Uuid::new_v5(&self.app_id, content.as_bytes()),
            schema_hash: p.schema_hash,
            version,
            parent: current,
            permissions,
            bytecode_hash,
            published_at: now_ms,
        };
        self.store.commit(&[
            Put::new(
                Table::Bundles,
                entry.id.as_bytes().to_vec(),
                records::bundle_value(&entry)?,
            ),
            Put::new(Table::Meta, HEAD_KEY, entry.id.as_bytes().to_vec()),
        ])?;
        c.insert_bundle(entry.clone(), Arc::new(bytes), true);
        Ok(entry)
    }
}
