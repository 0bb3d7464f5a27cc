//! Symbolic interpretation of the `definePermissions` factory: the body runs
//! statement by statement; builder calls register rules in call order; conditions compile to
//! the IR against the rule's table. Every problem is a diagnostic; a failed condition becomes
//! `False` downstream so findings do not cascade.
//!
//! - `value.rs`: interpreter values;
//! - `exec.rs`: JS statements and expressions;
//! - `members.rs`: the DSL surface (members and calls);
//! - `cond.rs`: condition inputs and the where-object grammar;
//! - `lit.rs`: literals;
//! - `allowed.rs`: `allowedTo.*` and FK-name resolution;
//! - `typing.rs`: literal/column type checks;
//! - `relations/`: relation builders, qualified keys and their relation IR.

mod allowed;
mod cond;
mod exec;
mod lit;
mod members;
mod relations;
mod typing;
pub mod value;

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::hash::HashMap;
use std::rc::Rc;

use crate::diagnostics::Diagnostic;
use crate::eval::symbols::NameUse;
use crate::schema::{IndexedSchema, WasmSchema};
use crate::source::Span;

use super::ir::{Expr, Fragment, Policy, RuleForm, RuleOrigin, Slot};
use value::{Pv, UpdateBuilder};

/// Upper bound on interpreter steps (calls and expressions), plus [`FUEL_PER_BYTE`] per byte
/// of the factory: straight-line code spends about one step per few bytes, so a file that
/// writes out rules for 100,000 tables runs to its end while a loop or recursion in a small
/// file still stops early.
const FUEL: u32 = 200_000;
const FUEL_PER_BYTE: u32 = 4;
/// Upper bound on nested calls.
const MAX_CALL_DEPTH: u32 = 64;

/// A registered rule, applied in this order at the end.
#[derive(Debug)]
enum Registered {
    Direct {
        table: Rc<str>,
        expr: Expr,
        origin: RuleOrigin,
    },
    Update {
        builder: Rc<RefCell<UpdateBuilder>>,
        stmt: Option<Span>,
        tainted: bool,
    },
}

/// The interpreter state for one `definePermissions` call.
pub struct Interp<'s> {
    /// The app's schema, indexed by table name (rules look their table up).
    pub schema: IndexedSchema<'s>,
    pub module: HashMap<Rc<str>, crate::eval::value::Value>,
    /// Module-scope names bound to a `process.env` read, with their initialisers; looked up
    /// like the read written inline.
    pub env_inits: HashMap<Rc<str>, crate::eval::value::EnvInit>,
    /// The names of `env_inits` being evaluated (a cycle falls back to the module value).
    env_resolving: Vec<Rc<str>>,
    pub env_vars: &'s dyn Fn(&str) -> Option<String>,
    pub diags: Vec<Diagnostic>,
    /// The source text, for the fixes of did-you-mean findings (none without it).
    pub db: Option<&'s crate::source::SourceDb>,
    rules: Vec<Registered>,
    fuel: u32,
    depth: u32,
    out_of_fuel: bool,
    /// Strings and arrays built so far (JZ0111); steps are counted by `fuel`.
    budget: crate::eval::budget::Budget,
    pub env_used: BTreeSet<String>,
    /// The table of the where-object being compiled (for type checks).
    pub(super) scope_table: Option<Rc<str>>,
    /// Tables schema.ts defines twice (JZ1086), with the key of the discarded definition:
    /// findings about their columns point there too.
    pub discarded: HashMap<String, Span>,
    /// The callee of the call being evaluated (rules point at `policy.t.allowRead.where`).
    pub(super) callee_span: Option<Span>,
    /// > 0 while evaluating the left side of `??` / `||` (a missing env var has a fallback).
    env_fallback: u32,
    /// Tables, columns and claims named in the file, for the editor (`project::query`).
    uses: Vec<NameUse>,
    /// Compiled condition pieces with their source, for the static checks.
    fragments: Vec<Fragment>,
    /// The block statement being run, and the error count when it started (a rule registered
    /// by it is tainted when errors were reported since).
    stmt: Option<(Option<Span>, usize)>,
    /// `errors()`'s memo: how many diagnostics it has counted, and the errors among them.
    error_count: std::cell::Cell<(usize, usize)>,
}

impl<'s> Interp<'s> {
    /// `d` with the help "did you mean" and, where the misspelt name is written in `span`, the
    /// fix that replaces it ([`Diagnostic::spelling_fix`]).
    fn did_you_mean(
        &self,
        d: Diagnostic,
        help: String,
        span: Span,
        written: &str,
        suggestion: &str,
    ) -> Diagnostic {
        let d = d.help(help);
        match self.db {
            Some(db) => d.spelling_fix(db.text(span.file), span, written, suggestion),
            None => d,
        }
    }

    pub fn new(
        schema: &'s WasmSchema,
        module: HashMap<Rc<str>, crate::eval::value::Value>,
        env_vars: &'s dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Self {
            schema: IndexedSchema::new(schema),
            module,
            env_inits: HashMap::default(),
            env_resolving: Vec::new(),
            env_vars,
            diags: Vec::new(),
            db: None,
            rules: Vec::new(),
            fuel: FUEL,
            depth: 0,
            out_of_fuel: false,
            budget: Default::default(),
            env_used: BTreeSet::new(),
            env_fallback: 0,
            callee_span: None,
            scope_table: None,
            discarded: HashMap::default(),
            uses: Vec::new(),
            fragments: Vec::new(),
            stmt: None,
            error_count: std::cell::Cell::new((0, 0)),
        }
    }

    /// Runs the factory with the context object and returns the merged policy, the
    /// diagnostics and the names used.
    pub fn run(mut self, factory: &Pv, span: Span) -> (Policy, Vec<Diagnostic>, Vec<NameUse>) {
        let bytes = span.range.end.saturating_sub(span.range.start);
        self.fuel = FUEL.saturating_add(bytes.saturating_mul(FUEL_PER_BYTE));
        let _ = self.call_value(factory, vec![(Pv::Ctx, span)], span);
        let mut policy = Policy::default();
        let rules = std::mem::take(&mut self.rules);
        for r in rules {
            match r {
                Registered::Direct {
                    table,
                    expr,
                    origin,
                } => {
                    for s in &origin.slots {
                        policy.merge(&table, *s, expr.clone());
                    }
                    policy.record_rule(&table, origin);
                }
                Registered::Update {
                    builder: b,
                    stmt,
                    tainted,
                } => {
                    let (table, old, new, span) = {
                        let b = b.borrow();
                        (b.table.clone(), b.old.clone(), b.new.clone(), b.span)
                    };
                    let errors_before = self.errors();
                    let using = old.as_ref().or(new.as_ref()).cloned();
                    let check = new.as_ref().or(old.as_ref()).cloned();
                    if let (Some((u, us)), Some((c, cs))) = (using, check) {
                        let ue = self.resolve(&u, us, &table);
                        let ce = if old.is_some() && new.is_some() {
                            self.resolve(&c, cs, &table)
                        } else {
                            ue.clone()
                        };
                        let form = match (&old, &new) {
                            (Some(_), Some(_)) => RuleForm::OldNew,
                            (Some(_), None) => RuleForm::Old,
                            _ => RuleForm::New,
                        };
                        let origin = RuleOrigin {
                            span,
                            slots: vec![Slot::UpdateUsing, Slot::UpdateCheck],
                            exprs: vec![ue.clone(), ce.clone()],
                            form,
                            arg: Some(us),
                            stmt,
                            tainted: tainted || self.errors() > errors_before,
                        };
                        policy.merge(&table, Slot::UpdateUsing, ue);
                        policy.merge(&table, Slot::UpdateCheck, ce);
                        policy.record_rule(&table, origin);
                    }
                }
            }
        }
        policy.env = self.env_used.iter().cloned().collect();
        policy.fragments = self.fragments;
        (policy, self.diags, self.uses)
    }

    /// Records a name use whose exact span is known.
    fn record(&mut self, u: Option<NameUse>) {
        if let Some(u) = u {
            self.uses.push(u);
        }
    }

    fn register(
        &mut self,
        table: Rc<str>,
        slots: Vec<Slot>,
        expr: Expr,
        span: Span,
        form: RuleForm,
        arg: Option<Span>,
    ) {
        let span = self.callee_span.unwrap_or(span);
        let mut origin = RuleOrigin::new(span, slots, &expr);
        origin.form = form;
        origin.arg = arg;
        origin.stmt = self.stmt.and_then(|(s, _)| s);
        origin.tainted = self.tainted();
        self.rules.push(Registered::Direct {
            table,
            expr,
            origin,
        });
    }

    /// Errors reported so far. Called per rule and statement, so it counts only what was
    /// reported since the last call (all but the last diagnostic are final; the last may still
    /// be edited through `last_mut`).
    fn errors(&self) -> usize {
        let (mut seen, mut count) = self.error_count.get();
        let settled = self.diags.len().saturating_sub(1);
        if seen > settled {
            (seen, count) = (0, 0);
        }
        count += self
            .diags
            .get(seen..settled)
            .map_or(0, |ds| ds.iter().filter(|d| d.is_error()).count());
        self.error_count.set((settled, count));
        count
            + self
                .diags
                .get(settled..)
                .map_or(0, |ds| ds.iter().filter(|d| d.is_error()).count())
    }

    /// Whether errors were reported since the current block statement started.
    fn tainted(&self) -> bool {
        self.errors() > self.stmt.map_or(0, |(_, n)| n)
    }

    /// Records a compiled condition piece and its source for the static checks.
    pub(super) fn note(&mut self, table: Option<&str>, expr: &Expr, span: Span) {
        self.fragments.push(Fragment {
            table: table.map(str::to_owned),
            expr: expr.clone(),
            span,
        });
    }

    fn register_update(&mut self, b: &Rc<RefCell<UpdateBuilder>>) {
        let first = {
            let mut bm = b.borrow_mut();
            let first = !bm.registered;
            bm.registered = true;
            first
        };
        if first {
            self.rules.push(Registered::Update {
                builder: b.clone(),
                stmt: self.stmt.and_then(|(s, _)| s),
                tainted: self.tainted(),
            });
        }
    }

    /// Spends one unit of fuel; false (once reported) when exhausted.
    fn tick(&mut self, span: Span) -> bool {
        if self.fuel == 0 {
            if !self.out_of_fuel {
                self.out_of_fuel = true;
                self.diags.push(
                    Diagnostic::new(
                        crate::diagnostics::codes::EVAL_BUDGET,
                        format!(
                            "evaluation budget exceeded: the permissions callback goes past the limit of {FUEL} steps"
                        ),
                    )
                    .at(span)
                    .note("jazz stops evaluating here so that a runaway file cannot exhaust memory or time")
                    .help("simplify the permissions callback: a helper that calls another helper several times grows exponentially"),
                );
            }
            return false;
        }
        self.fuel -= 1;
        true
    }

    /// Applies a budget check made at `span`: the first crossing reports JZ0111 there (`what`
    /// names the value being built); `false` from then on.
    fn spend(
        &mut self,
        check: Result<(), crate::eval::budget::Limit>,
        span: Span,
        what: &str,
    ) -> bool {
        match check {
            Ok(()) => true,
            Err(limit) => {
                if self.budget.report_once() {
                    self.diags
                        .push(crate::eval::budget::diagnostic(limit, span, what));
                }
                false
            }
        }
    }

    /// Reports a finding at `span`, with its code's registered severity.
    fn report(&mut self, code: crate::diagnostics::Code, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, msg).at(span));
    }

    /// Adds to a finding about `table`'s columns, when schema.ts defines `table` twice, where
    /// the discarded definition is: a column it had is not in the schema.
    fn in_discarded_table(&self, d: Diagnostic, table: &str) -> Diagnostic {
        match self.discarded.get(table) {
            Some(earlier) => d
                .label(*earlier, format!("an earlier `{table}`, discarded"))
                .note(format!(
                    "schema.ts defines `{table}` twice (JZ1086): only the later definition counts, and permissions are checked against it"
                )),
            None => d,
        }
    }

    /// Reports an upstream DSL finding (message is upstream's text).
    fn upstream_error(&mut self, code: crate::diagnostics::Code, span: Span, msg: String) {
        self.diags
            .push(Diagnostic::new(code, msg.clone()).at(span).upstream(msg));
    }
}
