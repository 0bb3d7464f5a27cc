//! JZ3501 (ours): the witnesses of a file against the snapshots of the
//! hashes it names. Each witness table must be `tableEq` to its snapshot table, and every table
//! that differs between the two snapshots must appear in the witnesses; otherwise the published
//! lens would be incomplete. Upstream never checks this.

use crate::diagnostics::Diagnostic;
use crate::schema::{Table, WasmSchema};

use super::super::codes;
use super::super::diff::table_eq;
use super::MigrationFile;

/// A witness table against its snapshot table: `tableEq`, except that a witness without
/// `.indexOnly(...)` says nothing about indexes (stubs never render them), so the snapshot's
/// index list is not compared then.
fn witness_eq(witness: &Table, snapshot: &Table) -> bool {
    if witness.indexed_columns.is_none() && snapshot.indexed_columns.is_some() {
        let mut s = snapshot.clone();
        s.indexed_columns = None;
        return table_eq(witness, &s);
    }
    table_eq(witness, snapshot)
}

/// The JZ3501 warnings of `m` against the snapshots `from` and `to`.
pub fn witness_mismatches(
    m: &MigrationFile,
    from: &WasmSchema,
    to: &WasmSchema,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = m.hash_spans.map(|(a, _)| a);
    let mut push = |msg: String| {
        let mut d = Diagnostic::new(codes::WITNESS_MISMATCH, msg);
        if let Some(s) = at {
            d = d.at(s);
        }
        out.push(d.help("regenerate the stub with `jazz migrations create --fromHash <from> --toHash <to>` and port your edits"));
    };
    for (label, witness, snapshot) in [("from", &m.from, from), ("to", &m.to, to)] {
        let Some(witness) = witness else { continue };
        for t in &witness.tables {
            match snapshot.table(&t.name) {
                Some(s) if witness_eq(t, s) => {}
                Some(_) => push(format!(
                    "the `{label}` witness of table `{}` does not match the snapshot",
                    t.name
                )),
                None => push(format!(
                    "the `{label}` witness names table `{}`, which the snapshot does not have",
                    t.name
                )),
            }
        }
    }
    let in_witness = |name: &str| {
        m.from.as_ref().is_some_and(|w| w.table(name).is_some())
            || m.to.as_ref().is_some_and(|w| w.table(name).is_some())
    };
    let mut differing: Vec<&str> = Vec::new();
    for t in &from.tables {
        if to.table(&t.name).is_none_or(|u| !table_eq(t, u)) {
            differing.push(&t.name);
        }
    }
    for t in &to.tables {
        if from.table(&t.name).is_none() {
            differing.push(&t.name);
        }
    }
    for name in differing {
        if !in_witness(name) {
            push(format!(
                "table `{name}` changes between the snapshots but is missing from the witnesses"
            ));
        }
    }
    out
}
