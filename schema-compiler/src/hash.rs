//! The hash maps of the compiler's own tables (scopes, module caches, object indexes, symbol
//! sets): FxHash, which is several times cheaper than the standard SipHash on the short
//! strings and spans these are keyed by. Nothing here is exposed to a network peer, so
//! SipHash's resistance to chosen collisions buys nothing; the engine keeps the standard maps.

pub type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
pub type HashSet<T> = std::collections::HashSet<T, rustc_hash::FxBuildHasher>;
