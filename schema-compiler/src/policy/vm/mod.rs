//! The policy VM: a pure function of (program, table, operation,
//! session, rows, data access, limits) → [`Decision`]. It applies the no-session bypass and the
//! anonymous-write denial itself, selects clauses (two-phase update, delete fallback) and runs
//! the verified bytecode through `machine.rs`. Fails closed; never panics.
//!
//! - `data.rs`: the data-access trait, rows, the in-memory store;
//! - `compare.rs`: leaf value semantics; `session.rs`: sessions;
//! - `machine.rs`: the instruction interpreter.

pub mod compare;
pub mod data;
mod machine;
pub mod session;

pub use compare::V;
pub use data::{DataAccess, DataError, MemoryData, Row, Val, format_uuid, parse_uuid};
pub use session::{AuthMode, Session};

use super::bytecode::{Bundle, FALLBACK, LoadError};
use super::ir::Slot;

/// Per-decision limits (L1).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_steps: u64,
    pub max_call_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_steps: 1_000_000,
            max_call_depth: 64,
        }
    }
}

/// A loaded, verified program: the bundle plus its constants decoded once. Immutable,
/// `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Program {
    pub bundle: Bundle,
    consts: Vec<Val>,
}

impl Program {
    pub fn load(bytes: &[u8]) -> Result<Program, LoadError> {
        let bundle = Bundle::load(bytes)?;
        let consts = bundle.consts.iter().map(compare::lit_val).collect();
        Ok(Program { bundle, consts })
    }
}

/// The operation and its rows.
#[derive(Debug, Clone, Copy)]
pub enum Request<'a> {
    Read(&'a Row),
    Insert(&'a Row),
    Update { old: &'a Row, new: &'a Row },
    Delete(&'a Row),
}

impl Request<'_> {
    fn is_write(&self) -> bool {
        !matches!(self, Request::Read(_))
    }

    /// `SELECT` / `INSERT` / `UPDATE` / `DELETE`.
    pub fn verb(&self) -> &'static str {
        match self {
            Request::Read(_) => "SELECT",
            Request::Insert(_) => "INSERT",
            Request::Update { .. } => "UPDATE",
            Request::Delete(_) => "DELETE",
        }
    }
}

/// Why a decision was taken (V11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No session: policies are not evaluated.
    NoSession,
    /// No bundle loaded (local runtimes).
    Permissive,
    AnonymousWrite,
    /// Granted by a clause.
    Granted(Slot),
    /// The deciding slot is absent (Enforcing).
    AbsentSlot(Slot),
    /// The clause evaluated false.
    ClauseFalse(Slot),
    BudgetExceeded,
    DataUnavailable(String),
}

/// The VM's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
    /// Evaluated leaves (offset, mnemonic, result) when tracing was requested.
    pub trace: Vec<(usize, &'static str, bool)>,
}

impl Decision {
    fn new(allowed: bool, reason: Reason) -> Self {
        Self {
            allowed,
            reason,
            trace: Vec::new(),
        }
    }

    /// The text a local client shows for a denied write.
    pub fn denial_text(&self, verb: &str, table: &str) -> Option<String> {
        match &self.reason {
            _ if self.allowed => None,
            Reason::AnonymousWrite => {
                Some(format!("anonymous session cannot {verb} on table {table}"))
            }
            _ => Some(format!("policy denied {verb} on table {table}")),
        }
    }
}

/// Options of one decision.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub limits: Limits,
    /// `false`: Permissive (no bundle loaded).
    pub permissive: bool,
    pub trace: bool,
}

/// Decides one operation on `table`.
pub fn decide<'a>(
    program: &'a Program,
    table: &str,
    req: Request<'a>,
    session: Option<&'a Session>,
    data: &'a dyn DataAccess,
    opts: Options,
) -> Decision {
    let Some(session) = session else {
        return Decision::new(true, Reason::NoSession);
    };
    if req.is_write() && session.auth_mode == AuthMode::Anonymous {
        return Decision::new(false, Reason::AnonymousWrite);
    }
    if opts.permissive {
        return Decision::new(true, Reason::Permissive);
    }
    let Some(ti) = program.bundle.table_index(table) else {
        return Decision::new(false, Reason::AbsentSlot(Slot::SelectUsing));
    };
    let mut m = machine::Machine::new(program, data, session, opts);
    let entry = |s: Slot| machine::entry(program, ti, s);
    let d = match req {
        Request::Read(row) => m.clause(ti, Slot::SelectUsing, row, entry(Slot::SelectUsing)),
        Request::Insert(row) => m.clause(ti, Slot::InsertCheck, row, entry(Slot::InsertCheck)),
        Request::Delete(row) => {
            let e = match entry(Slot::DeleteUsing) {
                Some(x) if x == FALLBACK => entry(Slot::UpdateUsing),
                other => other,
            };
            let slot = if entry(Slot::DeleteUsing) == Some(FALLBACK) {
                Slot::UpdateUsing
            } else {
                Slot::DeleteUsing
            };
            m.clause(ti, slot, row, e)
        }
        Request::Update { old, new } => {
            let (u, c) = (entry(Slot::UpdateUsing), entry(Slot::UpdateCheck));
            if u.is_none() && c.is_none() {
                Decision::new(false, Reason::AbsentSlot(Slot::UpdateUsing))
            } else {
                let first = match u {
                    Some(_) => m.clause(ti, Slot::UpdateUsing, old, u),
                    None => Decision::new(true, Reason::Granted(Slot::UpdateUsing)),
                };
                if !first.allowed || c.is_none() {
                    first
                } else {
                    m.clause(ti, Slot::UpdateCheck, new, c)
                }
            }
        }
    };
    let mut d = d;
    d.trace = m.take_trace();
    d
}

/// Decides reads of many rows of `table` (V6): one decision per row, in order, sharing the
/// per-call memo tables (a membership `EXISTS` bound to the same workspace is scanned once);
/// each row has its own step budget.
pub fn decide_reads<'a>(
    program: &'a Program,
    table: &str,
    rows: &[&'a Row],
    session: Option<&'a Session>,
    data: &'a dyn DataAccess,
    opts: Options,
) -> Vec<Decision> {
    let (Some(session), false) = (session, opts.permissive) else {
        let r = if session.is_none() {
            Reason::NoSession
        } else {
            Reason::Permissive
        };
        return rows
            .iter()
            .map(|_| Decision::new(true, r.clone()))
            .collect();
    };
    let Some(ti) = program.bundle.table_index(table) else {
        return rows
            .iter()
            .map(|_| Decision::new(false, Reason::AbsentSlot(Slot::SelectUsing)))
            .collect();
    };
    let mut m = machine::Machine::new(program, data, session, opts);
    m.set_batch();
    let e = machine::entry(program, ti, Slot::SelectUsing);
    rows.iter()
        .map(|row| {
            m.reset_budget();
            let mut d = m.clause(ti, Slot::SelectUsing, row, e);
            d.trace = m.take_trace();
            d
        })
        .collect()
}

/// `$canRead` / `$canEdit` / `$canDelete`: `None` without a session.
pub fn can<'a>(
    program: &'a Program,
    table: &str,
    what: &str,
    row: &'a Row,
    session: Option<&'a Session>,
    data: &'a dyn DataAccess,
) -> Option<bool> {
    let session = session?;
    let req = match what {
        "read" => Request::Read(row),
        "delete" => Request::Delete(row),
        _ => {
            // $canEdit = update.using only.
            let ti = program.bundle.table_index(table)?;
            let mut m = machine::Machine::new(program, data, session, Options::default());
            let e = machine::entry(program, ti, Slot::UpdateUsing);
            return Some(m.clause(ti, Slot::UpdateUsing, row, e).allowed);
        }
    };
    Some(decide(program, table, req, Some(session), data, Options::default()).allowed)
}
