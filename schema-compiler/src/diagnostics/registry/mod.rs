//! The code registry: every diagnostic code with its default severity, title and docs.
//! `jazz explain <code>` prints these; codes are never reused. One file per phase, each a
//! slice sorted by number: `schema.rs` (JZ0xxx, JZ1xxx, JZ9xxx), `permissions.rs` (JZ2xxx),
//! `migrations.rs` (JZ3xxx).

mod migrations;
mod permissions;
mod schema;

use super::{Code, Severity};

/// A registered code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub title: &'static str,
    pub docs: &'static str,
}

pub(crate) const fn e(
    code: u16,
    severity: Severity,
    title: &'static str,
    docs: &'static str,
) -> CodeInfo {
    CodeInfo {
        code: Code(code),
        severity,
        title,
        docs,
    }
}

/// The phase tables, in code order.
const TABLES: [&[CodeInfo]; 3] = [schema::CODES, permissions::CODES, migrations::CODES];

/// Every registered code, sorted by number.
pub fn all() -> impl Iterator<Item = &'static CodeInfo> {
    let mut v: Vec<&'static CodeInfo> = TABLES.iter().flat_map(|t| t.iter()).collect();
    v.sort_by_key(|i| i.code);
    v.into_iter()
}

pub(super) fn lookup(code: Code) -> Option<&'static CodeInfo> {
    TABLES.iter().find_map(|t| {
        t.binary_search_by_key(&code, |i| i.code)
            .ok()
            .and_then(|i| t.get(i))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_is_sorted_and_codes_are_unique() {
        for t in TABLES {
            for w in t.windows(2) {
                assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
            }
        }
        let all: Vec<Code> = all().map(|i| i.code).collect();
        let mut dedup = all.clone();
        dedup.dedup();
        assert_eq!(all, dedup, "a code is registered twice");
    }

    #[test]
    fn every_entry_has_docs() {
        for i in all() {
            assert!(
                !i.title.is_empty() && i.docs.len() > 20,
                "{} needs docs",
                i.code
            );
        }
    }

    #[test]
    fn codes_sit_in_their_phase_range() {
        for i in permissions::CODES {
            assert!((2000..3000).contains(&i.code.0), "{}", i.code);
        }
        for i in migrations::CODES {
            assert!((3000..4000).contains(&i.code.0), "{}", i.code);
        }
    }
}
