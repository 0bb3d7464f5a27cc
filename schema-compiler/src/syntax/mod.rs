//! Parsing with SWC and lowering to our own small AST; SWC types never leave this module.
