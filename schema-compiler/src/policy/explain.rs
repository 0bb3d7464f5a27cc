//! The readable notation of `explain` and traces (permissions.md §4.6).
