//! The embedded, crash-safe store: one data directory, atomic commits, no loss of acknowledged
//! writes. The only module of the engine that touches the file system.
