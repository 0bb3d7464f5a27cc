//! `jazz migrations create|push|check`, one module each. What they share with other commands
//! lives outside `commands/`: the app id / server / secret settings in [`crate::connection`],
//! the snapshot store of a migrations directory and hash resolution (local snapshots first,
//! then the server) in [`crate::store`].

pub mod check;
pub mod create;
pub mod push;
