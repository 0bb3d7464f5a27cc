//! Holds no code: this crate exists for its integration tests in `tests/`, which check rules
//! from `ARCHITECTURE.md` that span the whole workspace (dependency direction between our
//! crates, and feature unification that could change the schema hash). It must not depend on
//! any workspace crate, so that it can judge them all from outside via `cargo metadata`.
