//! Registry entries for migrations codes (`JZ3xxx`).

use super::CodeInfo;

/// Sorted by number.
pub static CODES: &[CodeInfo] = &[];
