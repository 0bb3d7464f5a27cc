//! Policy enforcement: every read and write is checked by the compiler's bytecode VM against
//! the current permission bundle. Also the sessions a request can carry: local-first JWT,
//! external JWT, backend secret and admin secret.
//!
//! For now only sessions exist (what the development-mode schema push needs): [`session`]
//! (the session type, backend impersonation) and [`token`] (self-signed bearer tokens).
//! Enforcement on rows arrives with the data plane.

mod base64;
pub mod session;
pub mod token;
