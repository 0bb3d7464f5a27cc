//! Policy enforcement: every read and write is checked by the compiler's bytecode VM against
//! the current permission bundle. Also the sessions a request can carry: local-first JWT,
//! external JWT, backend secret and admin secret.
//!
//! For now only [`session`] exists (what the development-mode schema push needs); enforcement
//! on rows arrives with the data plane.

pub mod session;
