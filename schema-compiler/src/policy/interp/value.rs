//! Values of the permissions interpreter: JS values (as far as callbacks use them) plus the
//! symbolic DSL values (`policy.<t>`, row and session references, deferred conditions).

use crate::hash::HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use crate::eval::budget::{Budget, Limit};
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::ast::Function;

use super::super::ir::{Expr, Operation};

/// Which `allow*` builder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    Insert,
    Update,
    Delete,
}

/// A fresh `allowUpdate` builder (shared by identity: every chain on it edits the same rule).
#[derive(Debug)]
pub struct UpdateBuilder {
    pub table: Rc<str>,
    pub old: Option<(Pv, Span)>,
    pub new: Option<(Pv, Span)>,
    pub registered: bool,
    pub span: Span,
}

/// A condition whose compilation depends on the rule's table.
#[derive(Debug)]
pub enum Cond {
    AnyOf(Vec<(Pv, Span)>),
    AllOf(Vec<(Pv, Span)>),
    /// Already compiled (session.where, exists.where, isCreator).
    Ready(Expr),
    Allowed {
        /// The method called (`read`, `updateReferencing`, ...), for messages: upstream's
        /// name the operation instead (`select` for `read`).
        method: Rc<str>,
        op: Operation,
        fk: Rc<str>,
        fk_span: Span,
        max_depth: Option<u32>,
        source: Option<(Rc<str>, Span)>,
    },
}

/// A user function with its environment.
#[derive(Debug)]
pub struct Closure {
    pub func: Rc<Function>,
    pub env: Env,
}

/// One scope's bindings.
pub type Frame = Rc<RefCell<HashMap<Rc<str>, Pv>>>;

/// A lexical environment: a chain of frames.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub frames: Vec<Frame>,
}

impl Env {
    pub fn get(&self, name: &str) -> Option<Pv> {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.borrow().get(name).cloned())
    }

    pub fn push_frame(&self) -> Env {
        let mut e = self.clone();
        e.frames.push(Rc::new(RefCell::new(HashMap::default())));
        e
    }

    pub fn set(&self, name: Rc<str>, v: Pv) {
        if let Some(f) = self.frames.last() {
            f.borrow_mut().insert(name, v);
        }
    }
}

/// Built-in callables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    AnyOf,
    AllOf,
}

/// An interpreter value.
#[derive(Debug, Clone)]
pub enum Pv {
    Undef,
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Arr(Rc<Vec<Pv>>),
    /// An object: key, value, key span.
    Obj(Rc<Vec<(String, Pv, Span)>>),
    /// Milliseconds.
    Date(f64),
    Bytes(Rc<Vec<u8>>),
    /// A module-scope value we do not interpret further (the app, library namespaces).
    Static(Value),
    Closure(Rc<Closure>),
    Builtin(Builtin),
    Ctx,
    Policy,
    Table(Rc<str>),
    Action(Rc<str>, Action),
    Update(Rc<RefCell<UpdateBuilder>>),
    ExistsB(Rc<str>),
    AllowedTo,
    Session,
    SessionRef(Rc<Vec<String>>),
    /// A row parameter of a callback for a table.
    Row(Rc<str>),
    RowRef {
        table: Rc<str>,
        column: Rc<str>,
        span: Span,
    },
    Cond(Rc<Cond>),
    /// A relation (`policy.<t>.where(...)`, `.hopTo(...)`, `policy.union([...])`, …).
    Rel(Rc<super::relations::state::RelState>),
    /// The `current` row of a `gather` step.
    Current,
    /// `recv.name` awaiting a call.
    Bound(Rc<(Pv, Rc<str>, Span)>),
    /// Could not be evaluated; already reported.
    Bad,
}

impl Pv {
    pub fn describe(&self) -> &'static str {
        match self {
            Pv::Undef => "undefined",
            Pv::Null => "null",
            Pv::Bool(_) => "a boolean",
            Pv::Num(_) => "a number",
            Pv::Str(_) => "a string",
            Pv::Arr(_) => "an array",
            Pv::Obj(_) => "an object",
            Pv::Date(_) => "a Date",
            Pv::Bytes(_) => "a Uint8Array",
            Pv::Static(_) => "a module value",
            Pv::Closure(_) | Pv::Builtin(_) | Pv::Bound(_) => "a function",
            Pv::Ctx => "the permissions context",
            Pv::Policy => "`policy`",
            Pv::Table(_) => "a table builder",
            Pv::Action(..) | Pv::Update(_) => "a rule builder",
            Pv::ExistsB(_) => "an exists builder",
            Pv::AllowedTo => "`allowedTo`",
            Pv::Session => "`session`",
            Pv::SessionRef(_) => "a session reference",
            Pv::Row(_) => "a row",
            Pv::RowRef { .. } => "a row reference",
            Pv::Cond(_) => "a condition",
            Pv::Rel(_) => "a relation",
            Pv::Current => "the gather step's `current` row",
            Pv::Bad => "a value that could not be evaluated",
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Pv::Undef | Pv::Null | Pv::Bad => false,
            Pv::Bool(b) => *b,
            Pv::Num(n) => !(*n == 0.0 || n.is_nan()),
            Pv::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Pv> {
        match self {
            Pv::Obj(o) => o.iter().rev().find(|(k, _, _)| k == key).map(|(_, v, _)| v),
            _ => None,
        }
    }
}

/// Converts a module-scope evaluator value ([`Pv::Bad`] past the evaluation budget).
pub fn from_static(v: &Value, span: Span) -> Pv {
    from_static_within(v, span, &mut Budget::default()).unwrap_or(Pv::Bad)
}

/// Converts a module-scope evaluator value, charging every array element and object member to
/// `budget`: the evaluator shares nested values, which expand here (`b = [a, a]` repeated).
pub fn from_static_within(v: &Value, span: Span, budget: &mut Budget) -> Result<Pv, Limit> {
    Ok(match v {
        Value::Undefined => Pv::Undef,
        Value::Null => Pv::Null,
        Value::Bool(b) => Pv::Bool(*b),
        Value::Num(n) => Pv::Num(*n),
        Value::Str(s) => Pv::Str(s.text.clone()),
        Value::Array(a) => {
            budget.array(a.len())?;
            Pv::Arr(Rc::new(
                a.iter()
                    .map(|x| from_static_within(x, span, budget))
                    .collect::<Result<_, _>>()?,
            ))
        }
        Value::Object(o) => {
            budget.array(o.props.len())?;
            Pv::Obj(Rc::new(
                o.props
                    .iter()
                    .map(|(k, x)| {
                        let ks = o.key_span(k).unwrap_or(span);
                        Ok((k.clone(), from_static_within(x, span, budget)?, ks))
                    })
                    .collect::<Result<_, _>>()?,
            ))
        }
        Value::Date(ms) => Pv::Date(*ms),
        Value::Bytes(b) => Pv::Bytes(b.clone()),
        Value::Function(f) => Pv::Closure(Rc::new(Closure {
            func: f.clone(),
            env: Env::default(),
        })),
        Value::Lib(l) => match &**l {
            crate::eval::value::LibRef::JazzFn { name, .. } if *name == "anyOf" => {
                Pv::Builtin(Builtin::AnyOf)
            }
            crate::eval::value::LibRef::JazzFn { name, .. } if *name == "allOf" => {
                Pv::Builtin(Builtin::AllOf)
            }
            _ => Pv::Static(v.clone()),
        },
        other => Pv::Static(other.clone()),
    })
}
