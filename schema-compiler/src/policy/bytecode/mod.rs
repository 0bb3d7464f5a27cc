//! Policy bytecode (permissions.md §4.1).
