//! The catalogue of an app: schemas by hash, lenses as edges between hashes, permission bundles
//! (a head plus history, each with its parent id), and connectivity over non-draft lenses
//! (which schema versions can read each other's rows).
//!
//! - this file: the in-memory state and its queries (pure);
//! - `request.rs`: checking publish bodies (schema, lens, permissions) into entries (pure);
//! - `records.rs`: the byte form of entries in [`crate::storage`];
//! - `shared.rs`: [`SharedCatalogue`], the one writer that persists a change and then applies it.

mod records;
pub mod request;
mod shared;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use jazz_schema_compiler::schema::{SchemaHash, WasmSchema};
use uuid::Uuid;

pub use shared::{CatalogueError, SharedCatalogue};

/// A published schema.
#[derive(Clone, Debug)]
pub struct SchemaEntry {
    pub hash: SchemaHash,
    /// Canonical compact WasmSchema JSON (what `jazz schema export` prints), without policies.
    pub json: String,
    /// Milliseconds since the Unix epoch.
    pub published_at: u64,
    pub schema: Arc<WasmSchema>,
}

impl SchemaEntry {
    /// `UUIDv5(NAMESPACE_DNS, 32 raw hash bytes)`.
    pub fn object_id(&self) -> Uuid {
        Uuid::new_v5(&Uuid::NAMESPACE_DNS, &self.hash.0)
    }
}

/// A published lens: an edge `from → to`.
#[derive(Clone, Debug, PartialEq)]
pub struct LensEntry {
    pub from: SchemaHash,
    pub to: SchemaHash,
    /// The `forward` table lenses, compact JSON as received (normalised by the JSON writer).
    pub forward: String,
    /// Draft lenses do not connect schema versions.
    pub draft: bool,
}

impl LensEntry {
    /// `UUIDv5(NAMESPACE_DNS, from bytes ‖ to bytes)`.
    pub fn object_id(&self) -> Uuid {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&self.from.0);
        bytes[32..].copy_from_slice(&self.to.0);
        Uuid::new_v5(&Uuid::NAMESPACE_DNS, &bytes)
    }
}

/// A published permissions bundle.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleEntry {
    pub id: Uuid,
    pub schema_hash: SchemaHash,
    pub version: u64,
    pub parent: Option<Uuid>,
    /// The `permissions` map, compact JSON as received (normalised by the JSON writer).
    pub permissions: String,
    /// BLAKE3 content hash of the compiled bytecode (the cache key).
    pub bytecode_hash: String,
    pub published_at: u64,
}

/// The catalogue state. Mutated only through [`SharedCatalogue`].
#[derive(Debug, Default)]
pub struct Catalogue {
    schemas: HashMap<SchemaHash, SchemaEntry>,
    lenses: BTreeMap<(SchemaHash, SchemaHash), LensEntry>,
    bundles: HashMap<Uuid, BundleEntry>,
    head: Option<Uuid>,
    /// Compiled policy bytecode by content hash.
    bytecode: HashMap<String, Arc<Vec<u8>>>,
}

impl Catalogue {
    /// Schemas sorted by `publishedAt`, then hash.
    pub fn schemas(&self) -> Vec<&SchemaEntry> {
        let mut all: Vec<&SchemaEntry> = self.schemas.values().collect();
        all.sort_by_key(|e| (e.published_at, e.hash));
        all
    }

    pub fn schema(&self, hash: &SchemaHash) -> Option<&SchemaEntry> {
        self.schemas.get(hash)
    }

    pub fn lens(&self, from: &SchemaHash, to: &SchemaHash) -> Option<&LensEntry> {
        self.lenses.get(&(*from, *to))
    }

    pub fn lenses(&self) -> impl Iterator<Item = &LensEntry> {
        self.lenses.values()
    }

    pub fn bundle(&self, id: &Uuid) -> Option<&BundleEntry> {
        self.bundles.get(id)
    }

    pub fn bundles(&self) -> impl Iterator<Item = &BundleEntry> {
        self.bundles.values()
    }

    /// The current permissions head.
    pub fn head(&self) -> Option<&BundleEntry> {
        self.head.and_then(|id| self.bundles.get(&id))
    }

    /// The compiled bytecode of a bundle.
    pub fn bytecode(&self, bundle: &BundleEntry) -> Option<Arc<Vec<u8>>> {
        self.bytecode.get(&bundle.bytecode_hash).cloned()
    }

    /// True when both hashes are known and an undirected path of non-draft lenses joins them. Equal
    /// known hashes are connected.
    pub fn connected(&self, a: &SchemaHash, b: &SchemaHash) -> bool {
        if !self.schemas.contains_key(a) || !self.schemas.contains_key(b) {
            return false;
        }
        if a == b {
            return true;
        }
        let mut adjacent: HashMap<SchemaHash, Vec<SchemaHash>> = HashMap::new();
        for l in self.lenses.values().filter(|l| !l.draft) {
            adjacent.entry(l.from).or_default().push(l.to);
            adjacent.entry(l.to).or_default().push(l.from);
        }
        let mut seen = HashSet::from([*a]);
        let mut queue = VecDeque::from([*a]);
        while let Some(h) = queue.pop_front() {
            for next in adjacent.get(&h).into_iter().flatten() {
                if next == b {
                    return true;
                }
                if seen.insert(*next) {
                    queue.push_back(*next);
                }
            }
        }
        false
    }

    fn insert_schema(&mut self, entry: SchemaEntry) {
        self.schemas.insert(entry.hash, entry);
    }

    fn insert_lens(&mut self, entry: LensEntry) {
        self.lenses.insert((entry.from, entry.to), entry);
    }

    fn insert_bundle(&mut self, entry: BundleEntry, bytecode: Arc<Vec<u8>>, make_head: bool) {
        self.bytecode.insert(entry.bytecode_hash.clone(), bytecode);
        if make_head {
            self.head = Some(entry.id);
        }
        self.bundles.insert(entry.id, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(n: u8, at: u64) -> SchemaEntry {
        SchemaEntry {
            hash: SchemaHash([n; 32]),
            json: "{}".into(),
            published_at: at,
            schema: Arc::new(WasmSchema::default()),
        }
    }

    fn lens(a: u8, b: u8, draft: bool) -> LensEntry {
        LensEntry {
            from: SchemaHash([a; 32]),
            to: SchemaHash([b; 32]),
            forward: "[]".into(),
            draft,
        }
    }

    #[test]
    fn connectivity_is_undirected_and_skips_drafts() {
        let mut c = Catalogue::default();
        for n in 1..=4 {
            c.insert_schema(schema(n, u64::from(n)));
        }
        c.insert_lens(lens(1, 2, false));
        c.insert_lens(lens(3, 2, false));
        c.insert_lens(lens(3, 4, true));
        let h = |n: u8| SchemaHash([n; 32]);
        assert!(c.connected(&h(1), &h(3)));
        assert!(c.connected(&h(3), &h(1)));
        assert!(!c.connected(&h(1), &h(4)));
        assert!(c.connected(&h(4), &h(4)));
        assert!(!c.connected(&h(5), &h(5)));
    }

    #[test]
    fn schemas_sorted_by_time_then_hash() {
        let mut c = Catalogue::default();
        c.insert_schema(schema(9, 1));
        c.insert_schema(schema(2, 5));
        c.insert_schema(schema(1, 5));
        let order: Vec<u8> = c.schemas().iter().map(|s| s.hash.0[0]).collect();
        assert_eq!(order, vec![9, 1, 2]);
    }
}
