//! Relation plans: an `ExistsRel` relation (`rel.rs`) resolved at load time against the bundle's
//! tables into a flat, verified plan the VM executes. Every scope of the
//! relation gets a fixed tuple slot (at most [`MAX_SLOTS`]), every column reference becomes a
//! slot + column index, every session path is classified. Resolution is total: an unknown
//! table scans nothing, an unknown column or scope is Absent (false), an out-of-range gather
//! depth yields no rows, so a plan always exists for a structurally valid relation.
//!
//! Scopes follow upstream's conventions: a scan's scope is its table name; a join's right
//! scope is the scope named by the right side of its first `on` condition (`__join_0`,
//! `__hop_0`, …) and the left side's scope may be renamed by the left side of that condition;
//! the *current* scope (unscoped columns, `RowId Current`, the output table) stays the left
//! side's through joins, so a qualified-key relation outputs its scope table;
//! a projection exposes its aliases and makes the scope of its `id` column current (so a
//! `hopTo` outputs the hop target).

mod build;

use super::super::ir::CmpOp;
use super::super::vm::data::Val;
use super::load::{SessionPath, TableInfo};
use super::rel::Rel;

/// Tuple slots per plan (scopes, union and gather outputs).
pub const MAX_SLOTS: usize = 16;

/// A column of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Col(u32),
    /// `$createdBy`, `$createdAt`, `$updatedBy`, `$updatedAt`.
    Magic(u8),
    RowId,
    Absent,
}

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Src {
    /// A column of the row bound to a tuple slot (an unbound slot, from a left join, is Null).
    Slot(u8, ColKind),
    /// A column of the row the policy is evaluated on.
    Outer(ColKind),
    /// A column of the gather frontier row.
    Frontier(ColKind),
    Lit(Val),
    Session(SessionPath),
    Absent,
}

impl Src {
    /// Does not depend on the tuple (usable to probe an index).
    pub fn is_bound(&self) -> bool {
        matches!(
            self,
            Src::Outer(_) | Src::Frontier(_) | Src::Lit(_) | Src::Session(_)
        )
    }
}

/// A resolved predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum PPred {
    Cmp(Src, CmpOp, Src),
    Contains(Src, Src),
    IsNull(Src),
    IsNotNull(Src),
    In(Src, Vec<Src>),
    And(Vec<PPred>),
    Or(Vec<PPred>),
    Not(Box<PPred>),
    True,
    False,
}

/// An equality probe of a scan: rows whose column equals the value (`nulls`: a Null value
/// matches Null columns, as `Cmp Eq` does; joins never match Null).
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub col: u32,
    pub value: Src,
    pub nulls: bool,
}

/// A plan node; children come before their parents in [`Plan::nodes`].
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// No rows (unknown table, out-of-range depth, too many scopes).
    Empty,
    Scan {
        table: u32,
        slot: u8,
        probe: Option<Probe>,
    },
    Filter {
        input: usize,
        pred: PPred,
    },
    Join {
        left: usize,
        right: usize,
        on: Vec<(Src, Src)>,
        left_join: bool,
        /// The right side's slots (cleared for an unmatched left row).
        right_slots: (u8, u8),
    },
    /// A projection (resolved statically; rows pass through).
    Pass {
        input: usize,
    },
    /// Each input's current row, re-bound to `slot`.
    Union {
        inputs: Vec<(usize, u8)>,
        slot: u8,
    },
    Gather {
        seed: usize,
        seed_cur: u8,
        step: usize,
        step_cur: u8,
        slot: u8,
        max_depth: u64,
    },
    Distinct {
        input: usize,
        keys: Vec<Src>,
    },
    /// Terms: value, descending.
    OrderBy {
        input: usize,
        terms: Vec<(Src, bool)>,
    },
    Offset {
        input: usize,
        n: u64,
    },
    Limit {
        input: usize,
        n: u64,
    },
}

/// A resolved relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub nodes: Vec<Node>,
    pub root: usize,
    /// Session and outer references that must resolve for the clause to be evaluated.
    pub binds: Vec<Src>,
    /// The table of the relation's output rows (`NONE` when unknown).
    pub output_table: u32,
    /// Tables scanned (their read policies apply to write clauses reaching other tables).
    pub scanned: Vec<u32>,
}

/// Resolves `rel` for a policy on table `outer`.
pub fn plan(rel: &Rel, tables: &[TableInfo], outer: u32) -> Plan {
    build::build(rel, tables, outer)
}
