//! The catalogue of an app: schemas by hash, lenses as edges between hashes, permission bundles
//! (a head plus history, each with its parent id), and connectivity over non-draft lenses
//! (which schema versions can read each other's rows). Pure data; persisted through
//! [`crate::storage`].
