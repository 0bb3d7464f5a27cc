//! Static control flow over our AST, written once for the two statement executors: the schema
//! evaluator (`eval/exec.rs`, concrete values) and the permissions interpreter
//! (`policy/interp/exec.rs`, symbolic values). This module decides which statements run, in
//! which scope and how often: blocks, `if`/`else`, `return`, unlabelled `break`/`continue`
//! (and the refusal of labelled ones), `switch` with strict-equality matching and
//! fall-through, `for...of` and C-style `for` loops with a fresh binding of the head's names
//! per iteration. Each executor implements [`Machine`]: evaluating expressions, binding
//! names, what a value is, and what a statement we cannot run ends with and reports.

use std::rc::Rc;

use super::ast::{Expr, ForUpdate, Ident, LoopForm, Pat, Stmt, SwitchCase};
use crate::source::Span;

/// How a statement ended.
pub enum Flow<V, S> {
    Normal,
    Return(V),
    Break,
    Continue,
    /// Something could not be evaluated and the enclosing function stops with `S`.
    Stop(S),
}

/// A construct the flow rules refuse. Each machine words its own diagnostic for it.
#[derive(Clone, Copy)]
pub enum Refusal {
    /// A labelled `break` or `continue`. (Its labelled statement is refused first, as
    /// `Stmt::Other`; the rule stands for a jump that reaches here anyway.)
    LabelledJump,
    /// `for (x of ...)` assigning to an existing variable.
    ForOfAssigns,
    /// `for...in`, `while`, `do...while` (named).
    LoopKind(&'static str),
    /// A `for` update that does not step a numeric variable declared in the head.
    UpdateTarget,
    /// A `for` update other than `i++`, `i--`, `i += k`, `i -= k`.
    UpdateForm,
}

/// What a statement executor supplies to the shared control flow.
pub trait Machine: Sized {
    /// The values expressions evaluate to.
    type Value: Clone;
    /// What [`Flow::Stop`] carries: the schema evaluator stops a function with an opaque value;
    /// the permissions interpreter never stops (it reports and goes on with the next
    /// statement, so its hooks end a statement with [`Flow::Normal`]).
    type Stop;
    /// A scope to run statements in (a chain of frames).
    type Scope;

    /// Runs one statement: the machine's own guards around [`dispatch`].
    fn exec(&mut self, scope: &Self::Scope, s: &Stmt) -> MFlow<Self>;
    /// Runs a statement list in `scope`, hoisting function declarations. The schema evaluator
    /// also puts `let`/`const` names in their dead zone; the permissions interpreter records
    /// which statement runs, for its findings.
    fn exec_stmts(&mut self, scope: &Self::Scope, stmts: &[Stmt]) -> MFlow<Self>;
    /// `var`/`let`/`const`, expression statements, and the statements neither machine runs
    /// (`throw`, classes, TS enums, others): their rules are the machine's own.
    fn exec_leaf(&mut self, scope: &Self::Scope, s: &Stmt) -> MFlow<Self>;

    /// A new scope inside `scope`; [`Machine::leave`] ends it.
    fn enter(&mut self, scope: &Self::Scope) -> Self::Scope;
    fn leave(&mut self, inner: Self::Scope);
    /// The value bound to `name` in `scope`, if it is initialised.
    fn read(&self, scope: &Self::Scope, name: &str) -> Option<Self::Value>;
    /// Binds `name` in `scope`'s innermost frame.
    fn set(&mut self, scope: &Self::Scope, name: Rc<str>, v: Self::Value);
    /// Binds a declaration pattern in `scope`'s innermost frame.
    fn bind_pat(&mut self, scope: &Self::Scope, pat: &Pat, v: Self::Value);

    fn value_of(&mut self, scope: &Self::Scope, e: &Expr) -> Self::Value;
    fn undefined() -> Self::Value;
    fn number(n: f64) -> Self::Value;
    /// The number a value is (no conversion).
    fn as_number(v: &Self::Value) -> Option<f64>;
    /// How a statement ends when `v` is a value that could not be evaluated (and says why).
    fn failed(v: &Self::Value) -> Option<MFlow<Self>>;

    /// The branch an `if` takes. The permissions interpreter takes any value's truthiness here
    /// (unlike in a loop condition or `switch`), as it always has.
    fn condition(&mut self, scope: &Self::Scope, test: &Expr) -> Result<bool, MFlow<Self>>;
    /// Whether a `for` loop goes on.
    fn loop_test(&mut self, scope: &Self::Scope, test: &Expr) -> Result<bool, MFlow<Self>>;
    /// A `switch` or `case` value (`what` names which), known statically.
    fn switch_value(
        &mut self,
        scope: &Self::Scope,
        e: &Expr,
        what: &str,
    ) -> Result<Self::Value, MFlow<Self>>;
    /// Whether a `case` value matches the `switch` value. The schema evaluator has full `===`;
    /// the permissions interpreter compares primitives only.
    fn same(a: &Self::Value, b: &Self::Value) -> bool;
    /// The items a `for...of` runs over.
    fn items(&mut self, scope: &Self::Scope, e: &Expr)
    -> Result<Rc<Vec<Self::Value>>, MFlow<Self>>;
    /// Spends one step of the budget for a loop iteration at `span`.
    fn loop_tick(&mut self, span: Span) -> Result<(), MFlow<Self>>;
    /// Reports (or records) a refused construct at `span`, and how the statement ends.
    fn refuse(&mut self, what: Refusal, span: Span) -> MFlow<Self>;
}

/// The [`Flow`] of a machine.
pub type MFlow<M> = Flow<<M as Machine>::Value, <M as Machine>::Stop>;

/// The statement dispatch shared by both machines; [`Machine::exec`] wraps it.
pub fn dispatch<M: Machine>(m: &mut M, scope: &M::Scope, s: &Stmt) -> MFlow<M> {
    match s {
        Stmt::Var { .. }
        | Stmt::Expr { .. }
        | Stmt::Class { .. }
        | Stmt::TsEnum { .. }
        | Stmt::Throw { .. }
        | Stmt::Other { .. } => m.exec_leaf(scope, s),
        Stmt::Return { arg, .. } => Flow::Return(match arg {
            Some(e) => m.value_of(scope, e),
            None => M::undefined(),
        }),
        // A branch that is a single statement cannot declare a lexical binding, so it runs in
        // the enclosing scope.
        Stmt::If {
            test, cons, alt, ..
        } => match m.condition(scope, test) {
            Ok(true) => m.exec(scope, cons),
            Ok(false) => match alt {
                Some(a) => m.exec(scope, a),
                None => Flow::Normal,
            },
            Err(f) => f,
        },
        Stmt::Block { stmts, .. } => {
            let inner = m.enter(scope);
            let r = m.exec_stmts(&inner, stmts);
            m.leave(inner);
            r
        }
        Stmt::Function { .. } | Stmt::Nothing => Flow::Normal,
        Stmt::Break {
            labelled: false, ..
        } => Flow::Break,
        Stmt::Continue {
            labelled: false, ..
        } => Flow::Continue,
        Stmt::Break { span, .. } | Stmt::Continue { span, .. } => {
            m.refuse(Refusal::LabelledJump, *span)
        }
        Stmt::Switch { disc, cases, .. } => switch(m, scope, disc, cases),
        Stmt::Loop {
            span, form, body, ..
        } => run_loop(m, scope, form, body, *span),
    }
}

/// `switch` on a static value: strict equality, fall-through, `break` ends it.
fn switch<M: Machine>(m: &mut M, scope: &M::Scope, disc: &Expr, cases: &[SwitchCase]) -> MFlow<M> {
    let d = match m.switch_value(scope, disc, "`switch` value") {
        Ok(d) => d,
        Err(f) => return f,
    };
    let mut start = None;
    for (i, c) in cases.iter().enumerate() {
        if let Some(t) = &c.test {
            let tv = match m.switch_value(scope, t, "`case` value") {
                Ok(v) => v,
                Err(f) => return f,
            };
            if M::same(&d, &tv) {
                start = Some(i);
                break;
            }
        }
    }
    let Some(start) = start.or_else(|| cases.iter().position(|c| c.test.is_none())) else {
        return Flow::Normal;
    };
    let inner = m.enter(scope);
    let mut out = Flow::Normal;
    for c in &cases[start..] {
        match m.exec_stmts(&inner, &c.cons) {
            Flow::Normal => {}
            Flow::Break => break,
            other => {
                out = other;
                break;
            }
        }
    }
    m.leave(inner);
    out
}

/// Whether a loop goes on after an iteration ended with `flow`; `Err` ends the loop's
/// statement with it.
fn after_iteration<V, S>(flow: Flow<V, S>) -> Result<bool, Flow<V, S>> {
    match flow {
        Flow::Normal | Flow::Continue => Ok(true),
        Flow::Break => Ok(false),
        other => Err(other),
    }
}

/// A loop whose iterations are known statically. Every iteration spends a step, so a loop that
/// never ends stops at the budget (JZ0111).
fn run_loop<M: Machine>(
    m: &mut M,
    scope: &M::Scope,
    form: &LoopForm,
    body: &Stmt,
    span: Span,
) -> MFlow<M> {
    match form {
        LoopForm::ForOf {
            pat: Some(pat),
            right,
        } => {
            let items = match m.items(scope, right) {
                Ok(items) => items,
                Err(f) => return f,
            };
            for item in items.iter() {
                if let Err(f) = m.loop_tick(span) {
                    return f;
                }
                let inner = m.enter(scope);
                m.bind_pat(&inner, pat, item.clone());
                let r = m.exec(&inner, body);
                m.leave(inner);
                match after_iteration(r) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(f) => return f,
                }
            }
            Flow::Normal
        }
        LoopForm::ForOf { pat: None, .. } => m.refuse(Refusal::ForOfAssigns, span),
        LoopForm::For {
            init,
            test,
            update,
            body,
        } => {
            let head = m.enter(scope);
            let r = run_for(
                m,
                &head,
                init.as_deref(),
                test.as_ref(),
                update.as_ref(),
                body,
                span,
            );
            m.leave(head);
            r
        }
        LoopForm::Other { what } => m.refuse(Refusal::LoopKind(what), span),
    }
}

/// `for (init; test; update)` in its `head` scope, with a fresh binding of the head's names
/// per iteration as in JS.
fn run_for<M: Machine>(
    m: &mut M,
    head: &M::Scope,
    init: Option<&Stmt>,
    test: Option<&Expr>,
    update: Option<&ForUpdate>,
    body: &Stmt,
    span: Span,
) -> MFlow<M> {
    let mut names = Vec::new();
    if let Some(init) = init {
        if let Stmt::Var { decls, .. } = init {
            for d in decls {
                d.pat.bound_names(&mut names);
            }
        }
        match m.exec(head, init) {
            Flow::Normal => {}
            Flow::Stop(v) => return Flow::Stop(v),
            _ => return Flow::Normal,
        }
    }
    let read = |m: &M, scope: &M::Scope| -> Vec<M::Value> {
        names
            .iter()
            .map(|n| m.read(scope, &n.name).unwrap_or_else(M::undefined))
            .collect()
    };
    let mut vals = read(m, head);
    let mut first = true;
    loop {
        if let Err(f) = m.loop_tick(span) {
            return f;
        }
        let iter = m.enter(head);
        for (n, v) in names.iter().zip(&vals) {
            m.set(&iter, n.name.clone(), v.clone());
        }
        let r = for_iteration(m, &iter, &names, first, test, update, body);
        vals = read(m, &iter);
        m.leave(iter);
        first = false;
        let r = match r {
            Ok(r) => r,
            Err(f) => return f,
        };
        match after_iteration(r) {
            Ok(true) => {}
            Ok(false) => break,
            Err(f) => return f,
        }
    }
    Flow::Normal
}

/// One iteration of a C-style `for`: the update (after the first), the test, the body. `Err`
/// ends the whole loop statement with its flow (an update or test that cannot be evaluated).
fn for_iteration<M: Machine>(
    m: &mut M,
    iter: &M::Scope,
    names: &[Ident],
    first: bool,
    test: Option<&Expr>,
    update: Option<&ForUpdate>,
    body: &Stmt,
) -> Result<MFlow<M>, MFlow<M>> {
    if !first {
        match update {
            None => {}
            Some(ForUpdate::Step {
                name,
                by,
                down,
                span,
            }) => {
                let local = names.iter().any(|n| n.name == name.name);
                let cur = m.read(iter, &name.name);
                let by = match by {
                    None => M::number(1.0),
                    Some(e) => m.value_of(iter, e),
                };
                let cur = cur.as_ref().and_then(M::as_number);
                match (local, cur, M::as_number(&by)) {
                    (true, Some(c), Some(k)) => {
                        let next = if *down { c - k } else { c + k };
                        m.set(iter, name.name.clone(), M::number(next));
                    }
                    _ => {
                        return Err(M::failed(&by)
                            .unwrap_or_else(|| m.refuse(Refusal::UpdateTarget, *span)));
                    }
                }
            }
            Some(ForUpdate::Unsupported { span }) => {
                return Err(m.refuse(Refusal::UpdateForm, *span));
            }
        }
    }
    if let Some(t) = test {
        match m.loop_test(iter, t) {
            Ok(true) => {}
            Ok(false) => return Ok(Flow::Break),
            Err(f) => return Err(f),
        }
    }
    Ok(m.exec(iter, body))
}
