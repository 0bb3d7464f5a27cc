//! Registry entries for permissions codes (`JZ2xxx`).

use super::CodeInfo;

/// Sorted by number.
pub static CODES: &[CodeInfo] = &[];
