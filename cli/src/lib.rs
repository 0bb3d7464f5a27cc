//! `jazz-cli`: the `jazz` command-line tool, a thin front-end over the compiler core.
//!
//! It owns process concerns only (docs/architecture.md): arguments ([`args`]), the environment and
//! env files ([`env`]), reading files from disk ([`loader`]), rendering output and diagnostics
//! ([`output`]), exit codes ([`run`], [`usage`]), and talking to servers ([`admin`],
//! [`publish`]). Facts about a project come from `jazz_schema_compiler::project::Analysis`;
//! nothing here reads TypeScript.

pub mod admin;
pub mod args;
pub mod commands;
pub mod connection;
pub mod dev_state;
pub mod env;
pub mod loader;
pub mod output;
pub mod paths;
pub mod publish;
pub mod run;
pub mod store;
pub mod usage;
