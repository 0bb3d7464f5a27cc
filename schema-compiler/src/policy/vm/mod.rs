//! The policy VM (permissions.md §3, §4.2).
