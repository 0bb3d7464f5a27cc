//! `jazz migrations create|push|check` (migrations.md §1, §7.1; cli-and-server.md §1.9.4,
//! §1.9.5), one module each. What they share with other commands lives outside `commands/`:
//! the app id / server / secret settings in [`crate::connection`], the snapshot store of a
//! migrations directory and hash resolution (local snapshots first, then the server, §1.3) in
//! [`crate::store`].

pub mod check;
pub mod create;
pub mod push;
