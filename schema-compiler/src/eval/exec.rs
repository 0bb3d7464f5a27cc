//! Statements and user functions whose outcome is known statically: calls of functions and
//! arrows (IIFEs included), `let`/`const` blocks, `if`/`else`, `switch` on static values,
//! `for...of` over static arrays (and `Object.keys/values/entries(...)`, strings), C-style
//! `for (let i = 0; i < n; i++)` with static bounds, unlabelled `break`/`continue`, the array
//! methods `.map`/`.filter`/`.forEach`/... with callbacks, and in-place mutation of objects and
//! arrays that nothing else holds yet (`cols[name] = s.string()`, `list.push(x)`).
//!
//! The control-flow rules are shared with the permissions interpreter (`syntax/flow.rs`);
//! this file supplies schema values to them. Anything we cannot prove makes the statement's
//! function (or the module-level statement) stop with an [`Opaque`] value naming the construct
//! and what to write instead; it is reported only where the value matters, as everywhere in
//! `eval/`.
//! Every statement, call, loop iteration and callback spends the evaluation budget (JZ0111).

use crate::hash::HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnostics::codes;
use crate::schema::json::number_to_js_string;
use crate::source::Span;
use crate::syntax::ast::{AssignOp, BinOp, Expr, FnBody, Function, MemberProp, Pat, Stmt, VarKind};
use crate::syntax::flow::{self, Machine, Refusal};

use super::module::{Binding, Evaluator, opaque, silent};
use super::ops::{strict_eq, to_js_string, to_number};
use super::value::{Object, Value};

/// One scope's bindings inside an evaluated function or block.
pub type Frame = Rc<RefCell<HashMap<Rc<str>, Binding>>>;

/// Calls nest at most this deep (recursion has no static end).
const MAX_CALL_DEPTH: u32 = 64;

/// A function created inside an evaluated function or block, with the scopes it closes over.
#[derive(Debug)]
pub struct Closure {
    pub func: Rc<Function>,
    pub frames: Vec<Frame>,
}

/// How a statement ended; `Stop` carries the opaque value that says what could not be
/// evaluated, and where.
pub(super) type Flow = crate::syntax::flow::Flow<Value, Value>;

const UPDATE_HELP: &str = "write `for (let i = 0; i < n; i++)` (or `i--`, `i += k`, `i -= k`) with constant bounds, or iterate with `for (const x of [...])`";

const LOOP_HELP: &str = "iterate with `for (const x of [...])` over a static array (or `Object.keys/values/entries(obj)` of a static object), or `for (let i = 0; i < n; i++)` with a constant bound";

/// Array methods evaluated on static arrays.
const ARRAY_METHODS: &[&str] = &[
    "map",
    "filter",
    "forEach",
    "flatMap",
    "find",
    "findIndex",
    "some",
    "every",
    "includes",
    "indexOf",
    "join",
    "concat",
    "slice",
    "reduce",
    "flat",
    "push",
];

fn new_frame() -> Frame {
    Rc::new(RefCell::new(HashMap::default()))
}

fn is_opaque(v: &Value) -> bool {
    matches!(v, Value::Opaque(_))
}

/// Keeps an opaque value, else makes a `NOT_STATIC` one with `msg` and `help`.
fn stop_with(v: Value, span: Span, msg: &str, help: &str) -> Value {
    match v {
        Value::Opaque(_) => v,
        _ => opaque(span, codes::NOT_STATIC, msg, Some(help)),
    }
}

impl Evaluator<'_> {
    /// Whether the function scopes being evaluated bind `name`.
    pub(super) fn local(&self, name: &str) -> Option<Binding> {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.borrow().get(name).cloned())
    }

    fn frame_of(&self, name: &str) -> Option<Frame> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.borrow().contains_key(name))
            .cloned()
    }

    /// A function value for `func` made here: a closure when it sits in an evaluated scope.
    pub(super) fn function_value(&self, func: &Rc<Function>) -> Value {
        if self.frames.is_empty() {
            Value::Function(func.clone())
        } else {
            Value::Closure(Rc::new(Closure {
                func: func.clone(),
                frames: self.frames.clone(),
            }))
        }
    }

    /// Calls a user function with `frames` as its enclosing scopes. A module-scope function of
    /// another module sees that module's bindings (as they were when it finished).
    pub(super) fn call_function(
        &mut self,
        func: &Rc<Function>,
        frames: Vec<Frame>,
        args: Vec<(Value, Span)>,
        span: Span,
    ) -> Value {
        let frames = match self.module_frames.get(&func.span.file) {
            Some(module) if frames.is_empty() && func.span.file != self.file => {
                vec![module.clone()]
            }
            _ => frames,
        };
        if func.is_async {
            return opaque(
                span,
                codes::NOT_STATIC,
                "an `async` function returns a Promise, which cannot be evaluated statically",
                Some("make the function synchronous"),
            );
        }
        if self.call_depth >= MAX_CALL_DEPTH {
            return opaque(
                span,
                codes::NOT_STATIC,
                "calls nest too deeply to be evaluated statically",
                Some("build the value without recursion"),
            );
        }
        let step = self.budget.step();
        if let Err(v) = self.spend(step, span, "this call") {
            return v;
        }
        let saved = std::mem::replace(&mut self.frames, frames);
        self.frames.push(new_frame());
        self.call_depth += 1;
        let mut out = None;
        let mut args = args.into_iter();
        for p in &func.params {
            if matches!(p, Pat::Unsupported { .. } | Pat::Expr(_)) && out.is_none() {
                let at = p.span();
                out = Some(opaque(
                    at,
                    codes::NOT_STATIC,
                    "this parameter form (a rest parameter?) is not evaluated",
                    Some("use plain parameters, with defaults or destructuring"),
                ));
            }
            let v = args.next().map(|a| a.0).unwrap_or(Value::Undefined);
            self.bind_pattern(p, v);
        }
        let out = match out {
            Some(v) => v,
            None => match &func.body {
                FnBody::Expr(e) => self.eval_expr(e),
                FnBody::Block(stmts) => match self.exec_stmts(&(), stmts) {
                    Flow::Return(v) | Flow::Stop(v) => v,
                    _ => Value::Undefined,
                },
            },
        };
        self.call_depth -= 1;
        self.frames = saved;
        out
    }

    /// Runs a module-scope statement that has control flow (a block, `if`, loop, `switch`). A
    /// statement that cannot be evaluated is reported when it changes (or would change) module
    /// values; one that only reads them changes nothing and is left alone as before.
    pub(super) fn exec_module_stmt(&mut self, s: &Stmt) {
        let before = self.mutations;
        let saved = std::mem::replace(&mut self.frames, vec![new_frame()]);
        let flow = self.exec(&(), s);
        self.frames = saved;
        if let Flow::Stop(v) = flow {
            let mark = self.diags.len();
            self.scan_mutations_stmt(s);
            let scanned = self.diags.len() > mark;
            self.diags.truncate(mark);
            if (scanned || self.mutations != before)
                && let Value::Opaque(o) = &v
            {
                self.report_opaque(o);
            }
        }
    }

    /// Spends one step for a loop iteration or callback call.
    fn tick(&mut self, span: Span, what: &str) -> Result<(), Value> {
        let step = self.budget.step();
        self.spend(step, span, what)
    }

    /// The items a `for...of` runs over: a static array or a string's characters.
    fn iterable(&mut self, right: &Expr) -> Result<Rc<Vec<Value>>, Value> {
        let v = self.eval_expr(right);
        match v {
            Value::Array(items) => Ok(items),
            Value::Str(s) if !s.lone_surrogate => Ok(Rc::new(
                s.text
                    .chars()
                    .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                    .collect(),
            )),
            Value::Opaque(_) => Err(v),
            other => Err(opaque(
                right.span(),
                codes::NOT_STATIC,
                format!(
                    "this loop iterates over {}, which is not a static array",
                    other.describe()
                ),
                Some(LOOP_HELP),
            )),
        }
    }

    /// `target = value` (and `+=`, `-=`) on a local name or on a member of an object or array
    /// that nothing else holds. `None` when the target is not one of ours (module-scope
    /// reassignment and mutation keep their JZ0108 checks).
    pub(super) fn eval_assign(
        &mut self,
        span: Span,
        target: &Pat,
        value: &Expr,
        op: AssignOp,
    ) -> Option<Value> {
        match target {
            Pat::Ident(i) => {
                let frame = self.frame_of(&i.name)?;
                let rhs = self.eval_expr(value);
                let cur = match (op, frame.borrow().get(&i.name)) {
                    (AssignOp::Set, _) => Value::Undefined,
                    (_, Some(Binding::Value(v))) => v.clone(),
                    _ => Value::Undefined,
                };
                let new = match self.compound(span, op, cur, rhs) {
                    Ok(v) => v,
                    Err(v) => return Some(self.fail_assign(v)),
                };
                frame
                    .borrow_mut()
                    .insert(i.name.clone(), Binding::Value(new.clone()));
                Some(new)
            }
            Pat::Expr(e) => {
                let (root, path) = member_path(e)?;
                let local = self.frame_of(&root.name);
                if local.is_none()
                    && !matches!(
                        self.scope.get(&*root.name),
                        Some(Binding::Value(Value::Object(_) | Value::Array(_)))
                    )
                {
                    return None;
                }
                let mut keys = Vec::with_capacity(path.len());
                for (prop, pspan) in path {
                    match prop {
                        MemberProp::Name { name, .. } => keys.push((name.to_string(), pspan)),
                        MemberProp::Computed { expr, .. } => {
                            let k = self.eval_expr(expr);
                            match key_string(&k) {
                                Some(k) => keys.push((k, pspan)),
                                None => {
                                    return Some(self.fail_assign(stop_with(
                                        k,
                                        expr.span(),
                                        "this computed key cannot be evaluated statically",
                                        "use a string or number key",
                                    )));
                                }
                            }
                        }
                        MemberProp::Private { span } => {
                            return Some(self.fail_assign(opaque(
                                *span,
                                codes::NOT_STATIC,
                                "private names cannot be evaluated statically",
                                None,
                            )));
                        }
                    }
                }
                let rhs = self.eval_expr(value);
                let (last, parent) = keys.split_last()?;
                let last = last.clone();
                let cur = if op == AssignOp::Set {
                    Value::Undefined
                } else {
                    self.read_path(&root.name, &keys)
                };
                let new = match self.compound(span, op, cur, rhs) {
                    Ok(v) => v,
                    Err(v) => return Some(self.fail_assign(v)),
                };
                // The budget for a new key or element, checked before the change.
                let grows = match self.read_path(&root.name, parent) {
                    Value::Object(o) if o.get(&last.0).is_none() => {
                        Some(self.budget.object_work(o.insert_work(&last.0)))
                    }
                    Value::Array(a) if last.0 == a.len().to_string() => {
                        Some(self.budget.array(a.len() + 1))
                    }
                    _ => None,
                };
                if let Some(check) = grows
                    && let Err(v) = self.spend(check, span, "this value")
                {
                    return Some(self.fail_assign(v));
                }
                let set = new.clone();
                let r = self.mutate(&root.name, parent, span, |slot| {
                    set_member(slot, &last.0, last.1, set)
                });
                match r {
                    Ok(_) => Some(new),
                    Err(v) => Some(self.fail_assign(v)),
                }
            }
            _ => None,
        }
    }

    /// `x++` / `--x` on a local number.
    pub(super) fn eval_update(
        &mut self,
        span: Span,
        target: &Expr,
        increment: bool,
        prefix: bool,
    ) -> Option<Value> {
        let Expr::Ident(i) = target else {
            return None;
        };
        let frame = self.frame_of(&i.name)?;
        let cur = match frame.borrow().get(&i.name) {
            Some(Binding::Value(v)) => to_number(v),
            _ => None,
        };
        let Some(cur) = cur else {
            return Some(self.fail_assign(opaque(
                span,
                codes::NOT_STATIC,
                "`++`/`--` is evaluated only on local numbers",
                Some("keep a numeric counter in a `let` declared in the function"),
            )));
        };
        let next = if increment { cur + 1.0 } else { cur - 1.0 };
        frame
            .borrow_mut()
            .insert(i.name.clone(), Binding::Value(Value::Num(next)));
        Some(Value::Num(if prefix { next } else { cur }))
    }

    /// Records a failed assignment (the statement running it stops) and returns its reason.
    fn fail_assign(&mut self, v: Value) -> Value {
        if self.failed_assign.is_none() {
            self.failed_assign = Some(v.clone());
        }
        v
    }

    fn compound(
        &mut self,
        span: Span,
        op: AssignOp,
        cur: Value,
        rhs: Value,
    ) -> Result<Value, Value> {
        match op {
            AssignOp::Set => Ok(rhs),
            AssignOp::Add | AssignOp::Sub => {
                let bop = if op == AssignOp::Add {
                    BinOp::Add
                } else {
                    BinOp::Sub
                };
                let v = self.binary_values(span, bop, cur, rhs);
                if is_opaque(&v) { Err(v) } else { Ok(v) }
            }
            AssignOp::Other => Err(opaque(
                span,
                codes::NOT_STATIC,
                "this compound assignment is not evaluated",
                Some("write it out: `x = x * y`, or use `+=` / `-=`"),
            )),
        }
    }

    fn read_path(&mut self, root: &str, keys: &[(String, Span)]) -> Value {
        let mut v = match self.local(root) {
            Some(Binding::Value(v)) => v,
            Some(Binding::Uninit) => return Value::Undefined,
            None => match self.scope.get(root) {
                Some(Binding::Value(v)) => v.clone(),
                _ => Value::Undefined,
            },
        };
        for (k, ks) in keys {
            v = self.get_member(v, k, *ks, *ks);
        }
        v
    }

    /// Changes, in place, the value at `root.path...`: every object or array on the way must be
    /// held by that binding alone, so no other value can see the change (JS would show it there).
    fn mutate<R>(
        &mut self,
        root: &str,
        path: &[(String, Span)],
        span: Span,
        f: impl FnOnce(&mut Value) -> Result<R, Value>,
    ) -> Result<R, Value> {
        let shared = || {
            opaque(
                span,
                codes::MUTATION,
                format!(
                    "`{root}` is changed after it was used elsewhere (passed to the schema DSL, captured or aliased), so the change cannot be followed statically"
                ),
                Some(
                    "finish building the object before passing it on, or build it in one literal with spreads",
                ),
            )
        };
        let frame = self.frame_of(root);
        let r = {
            let mut local_guard;
            let slot: &mut Value = match &frame {
                Some(fr) => {
                    local_guard = fr.borrow_mut();
                    match local_guard.get_mut(root) {
                        Some(Binding::Value(v)) => v,
                        _ => return Err(shared()),
                    }
                }
                None => match self.scope.get_mut(root) {
                    Some(Binding::Value(v)) => v,
                    _ => return Err(shared()),
                },
            };
            match walk_mut(slot, path) {
                Some(slot) => match f(slot) {
                    // The object or array itself is held elsewhere too.
                    Err(Value::Undefined) => Err(shared()),
                    other => other,
                },
                None => Err(shared()),
            }
        };
        if r.is_ok() {
            self.mutations += 1;
        }
        r
    }

    /// `arr.push(...)` on an array nothing else holds; `None` when the callee is not one.
    pub(super) fn try_push(
        &mut self,
        callee: &Expr,
        args: &[crate::syntax::ast::Arg],
        span: Span,
    ) -> Option<Value> {
        let Expr::Member {
            obj,
            prop: MemberProp::Name { name, .. },
            optional: false,
            ..
        } = callee
        else {
            return None;
        };
        if &**name != "push" {
            return None;
        }
        let (root, path) = match &**obj {
            Expr::Ident(i) => (i.clone(), Vec::new()),
            other => member_path(other)?,
        };
        let local = self.frame_of(&root.name).is_some();
        if !local
            && !matches!(
                self.scope.get(&*root.name),
                Some(Binding::Value(Value::Array(_) | Value::Object(_)))
            )
        {
            return None;
        }
        let mut keys = Vec::new();
        for (prop, pspan) in path {
            match prop {
                MemberProp::Name { name, .. } => keys.push((name.to_string(), pspan)),
                MemberProp::Computed { expr, .. } => {
                    let k = self.eval_expr(expr);
                    keys.push((key_string(&k)?, pspan));
                }
                MemberProp::Private { .. } => return None,
            }
        }
        let len = match self.read_path(&root.name, &keys) {
            Value::Array(a) => a.len(),
            _ => return None,
        };
        let items = self.eval_args(args);
        let check = self.budget.array(len.saturating_add(items.len()));
        if let Err(v) = self.spend(check, span, "this array") {
            return Some(self.fail_assign(v));
        }
        let r = self.mutate(&root.name, &keys, span, |slot| {
            let Value::Array(a) = slot else {
                return Err(silent(span));
            };
            let Some(a) = Rc::get_mut(a) else {
                return Err(Value::Undefined);
            };
            a.extend(items.into_iter().map(|(v, _)| v));
            Ok(Value::Num(a.len() as f64))
        });
        Some(match r {
            Ok(v) => v,
            Err(v) => self.fail_assign(v),
        })
    }

    /// Whether `test` is truthy, when that is known statically; otherwise the statement stops
    /// (with `msg` and `help` unless the value already says why).
    fn static_truth(&mut self, test: &Expr, msg: &str, help: &str) -> Result<bool, Flow> {
        let t = self.eval_expr(test);
        match t.truthy() {
            Some(b) => Ok(b),
            None => Err(Flow::Stop(stop_with(t, test.span(), msg, help))),
        }
    }

    /// Appends `v` to `out`, an array's elements spread one level (`.concat`, `.flat()`), within
    /// the array budget.
    fn append_flat(&mut self, out: &mut Vec<Value>, v: &Value, span: Span) -> Result<(), Value> {
        match v {
            Value::Array(inner) => out.extend(inner.iter().cloned()),
            other => out.push(other.clone()),
        }
        let check = self.budget.array(out.len());
        self.spend(check, span, "this array")
    }

    /// `array.<name>` for the methods we evaluate; `None` for others.
    pub(super) fn array_method(arr: &Value, name: &str, span: Span) -> Option<Value> {
        ARRAY_METHODS
            .contains(&name)
            .then(|| Value::Method(Rc::new((arr.clone(), Rc::from(name), span))))
    }

    /// Calls an array method on a static array.
    pub(super) fn call_array_method(
        &mut self,
        items: Rc<Vec<Value>>,
        name: &str,
        args: Vec<(Value, Span)>,
        span: Span,
    ) -> Value {
        let arg = |i: usize| args.get(i).map(|a| a.0.clone()).unwrap_or(Value::Undefined);
        let callback = |ev: &mut Self, cb: &Value, item: &Value, i: usize| -> Value {
            if let Err(v) = ev.tick(span, "this callback") {
                return v;
            }
            let a = vec![
                (item.clone(), span),
                (Value::Num(i as f64), span),
                (Value::Array(items.clone()), span),
            ];
            ev.call(cb.clone(), span, a, span)
        };
        let needs_fn = matches!(
            name,
            "map"
                | "filter"
                | "forEach"
                | "flatMap"
                | "find"
                | "findIndex"
                | "some"
                | "every"
                | "reduce"
        );
        let cb = arg(0);
        if needs_fn && !matches!(cb, Value::Function(_) | Value::Closure(_)) {
            return stop_with(
                cb,
                args.first().map_or(span, |a| a.1),
                &format!("`.{name}` needs a function written in the code"),
                "pass an arrow function: `.map((x) => ...)`",
            );
        }
        let test = |v: Value, at: Span| -> Result<bool, Value> {
            v.truthy().ok_or_else(|| {
                stop_with(
                    v,
                    at,
                    "the callback's result cannot be evaluated statically",
                    "return constants or comparisons of static values",
                )
            })
        };
        match name {
            "map" | "flatMap" => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let v = callback(self, &cb, item, i);
                    match (name, v) {
                        ("flatMap", Value::Array(inner)) => out.extend(inner.iter().cloned()),
                        (_, v) => out.push(v),
                    }
                    let check = self.budget.array(out.len());
                    if let Err(v) = self.spend(check, span, "this array") {
                        return v;
                    }
                }
                Value::Array(Rc::new(out))
            }
            "filter" => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let v = callback(self, &cb, item, i);
                    match test(v, span) {
                        Ok(true) => out.push(item.clone()),
                        Ok(false) => {}
                        Err(v) => return v,
                    }
                }
                Value::Array(Rc::new(out))
            }
            "forEach" => {
                for (i, item) in items.iter().enumerate() {
                    let v = callback(self, &cb, item, i);
                    if is_opaque(&v) {
                        return v;
                    }
                    if let Some(v) = self.failed_assign.clone() {
                        return v;
                    }
                }
                Value::Undefined
            }
            "find" | "findIndex" | "some" | "every" => {
                for (i, item) in items.iter().enumerate() {
                    let v = callback(self, &cb, item, i);
                    let hit = match test(v, span) {
                        Ok(b) => b,
                        Err(v) => return v,
                    };
                    match (name, hit) {
                        ("find", true) => return item.clone(),
                        ("findIndex", true) => return Value::Num(i as f64),
                        ("some", true) => return Value::Bool(true),
                        ("every", false) => return Value::Bool(false),
                        _ => {}
                    }
                }
                match name {
                    "find" => Value::Undefined,
                    "findIndex" => Value::Num(-1.0),
                    "some" => Value::Bool(false),
                    _ => Value::Bool(true),
                }
            }
            "reduce" => {
                let mut iter = items.iter().enumerate();
                let mut acc = if args.len() >= 2 {
                    arg(1)
                } else {
                    match iter.next() {
                        Some((_, v)) => v.clone(),
                        None => {
                            return opaque(
                                span,
                                codes::NOT_STATIC,
                                "`.reduce` of an empty array with no initial value throws",
                                Some("pass an initial value: `.reduce((acc, x) => ..., init)`"),
                            );
                        }
                    }
                };
                for (i, item) in iter {
                    if let Err(v) = self.tick(span, "this callback") {
                        return v;
                    }
                    let a = vec![
                        (acc, span),
                        (item.clone(), span),
                        (Value::Num(i as f64), span),
                        (Value::Array(items.clone()), span),
                    ];
                    acc = self.call(cb.clone(), span, a, span);
                }
                acc
            }
            "includes" | "indexOf" => {
                let x = arg(0);
                if is_opaque(&x) {
                    return x;
                }
                let pos = items.iter().position(|v| {
                    strict_eq(v, &x)
                        || (name == "includes"
                            && matches!((v, &x), (Value::Num(a), Value::Num(b)) if a.is_nan() && b.is_nan()))
                });
                if name == "includes" {
                    Value::Bool(pos.is_some())
                } else {
                    Value::Num(pos.map_or(-1.0, |p| p as f64))
                }
            }
            "join" => {
                let sep = match arg(0) {
                    Value::Undefined => ",".to_owned(),
                    v => match to_js_string(&v) {
                        Some(s) => s,
                        None => {
                            return stop_with(
                                v,
                                span,
                                "the separator cannot be evaluated statically",
                                "use a string literal",
                            );
                        }
                    },
                };
                let mut out = String::new();
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&sep);
                    }
                    if v.is_nullish() {
                        continue;
                    }
                    match to_js_string(v) {
                        Some(s) => out.push_str(&s),
                        None => {
                            return stop_with(
                                v.clone(),
                                span,
                                "an element cannot be turned into a string statically",
                                "join strings and numbers only",
                            );
                        }
                    }
                    let check = self.budget.string(out.len());
                    if let Err(v) = self.spend(check, span, "this string") {
                        return v;
                    }
                }
                Value::str(&out)
            }
            "concat" => {
                let mut out: Vec<Value> = items.to_vec();
                for (a, _) in &args {
                    if is_opaque(a) {
                        return a.clone();
                    }
                    if let Err(v) = self.append_flat(&mut out, a, span) {
                        return v;
                    }
                }
                Value::Array(Rc::new(out))
            }
            "flat" => {
                if !matches!(arg(0), Value::Undefined) && to_number(&arg(0)) != Some(1.0) {
                    return opaque(
                        span,
                        codes::NOT_STATIC,
                        "only `.flat()` of depth 1 is evaluated",
                        Some("call `.flat()` with no argument"),
                    );
                }
                let mut out = Vec::new();
                for v in items.iter() {
                    if let Err(v) = self.append_flat(&mut out, v, span) {
                        return v;
                    }
                }
                Value::Array(Rc::new(out))
            }
            "slice" => {
                let len = items.len() as f64;
                let bound = |v: Value, dflt: f64| -> Option<f64> {
                    let n = match v {
                        Value::Undefined => return Some(dflt),
                        v => to_number(&v)?,
                    };
                    let n = if n.is_nan() { 0.0 } else { n.trunc() };
                    Some(if n < 0.0 {
                        (len + n).max(0.0)
                    } else {
                        n.min(len)
                    })
                };
                match (bound(arg(0), 0.0), bound(arg(1), len)) {
                    (Some(a), Some(b)) => {
                        let (a, b) = (a as usize, b as usize);
                        Value::Array(Rc::new(if a < b {
                            items[a..b].to_vec()
                        } else {
                            Vec::new()
                        }))
                    }
                    _ => opaque(
                        span,
                        codes::NOT_STATIC,
                        "`.slice` bounds must be static numbers",
                        None,
                    ),
                }
            }
            _ => opaque(
                span,
                codes::MUTATION,
                format!("`.{name}` changes an array that cannot be followed statically"),
                Some(
                    "push onto an array declared with `const` in the same function, before passing it on",
                ),
            ),
        }
    }
}

/// The schema evaluator's side of the shared control flow (`syntax/flow.rs`): concrete values,
/// and a statement it cannot run stops the enclosing function with an opaque value.
impl Machine for Evaluator<'_> {
    type Value = Value;
    type Stop = Value;
    /// The scopes are the stack `self.frames`: entering a scope pushes a frame on it.
    type Scope = ();

    fn exec(&mut self, _: &(), s: &Stmt) -> Flow {
        if self.budget.exhausted() {
            return Flow::Stop(silent(stmt_span(s)));
        }
        stacker::maybe_grow(
            crate::syntax::STACK_RED_ZONE,
            crate::syntax::STACK_GROW,
            || flow::dispatch(self, &(), s),
        )
    }

    /// Runs statements in the current scope, hoisting function declarations and putting
    /// `let`/`const` names in their dead zone.
    fn exec_stmts(&mut self, _: &(), stmts: &[Stmt]) -> Flow {
        if let Some(frame) = self.frames.last().cloned() {
            for s in stmts {
                match s {
                    Stmt::Function { name, func, .. } => {
                        let f = self.function_value(func);
                        frame
                            .borrow_mut()
                            .insert(name.name.clone(), Binding::Value(f));
                    }
                    Stmt::Var { decls, kind, .. } if *kind != VarKind::Var => {
                        for d in decls {
                            let mut names = Vec::new();
                            d.pat.bound_names(&mut names);
                            for n in names {
                                frame.borrow_mut().insert(n.name, Binding::Uninit);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        for s in stmts {
            let r = self.exec(&(), s);
            if !matches!(r, Flow::Normal) {
                return r;
            }
        }
        Flow::Normal
    }

    fn exec_leaf(&mut self, _: &(), s: &Stmt) -> Flow {
        match s {
            Stmt::Var {
                decls,
                kind: VarKind::Var,
                span,
            } if !self.frames.is_empty() && !decls.is_empty() => Flow::Stop(opaque(
                *span,
                codes::NOT_STATIC,
                "`var` declarations are not evaluated inside functions and blocks",
                Some("declare it with `let` or `const`"),
            )),
            Stmt::Var { decls, .. } => {
                for d in decls {
                    if let Pat::Unsupported { span } = &d.pat {
                        return Flow::Stop(opaque(
                            *span,
                            codes::NOT_STATIC,
                            "this binding pattern is not evaluated",
                            Some("bind plain names, or destructure objects and arrays"),
                        ));
                    }
                    let v = match &d.init {
                        Some(e) => self.eval_expr(e),
                        None => Value::Undefined,
                    };
                    self.bind_pattern(&d.pat, v);
                }
                Flow::Normal
            }
            Stmt::Expr { expr, .. } => {
                let outer = self.failed_assign.take();
                let v = self.eval_expr(expr);
                let failed = std::mem::replace(&mut self.failed_assign, outer);
                if let Some(f) = failed {
                    return Flow::Stop(f);
                }
                if is_opaque(&v) && !matches!(expr, Expr::Assign { .. }) {
                    return Flow::Stop(v);
                }
                Flow::Normal
            }
            Stmt::Throw { span, .. } => Flow::Stop(opaque(
                *span,
                codes::NOT_STATIC,
                "`throw` is not evaluated: the value would depend on the exception",
                Some("compute the value without throwing"),
            )),
            Stmt::Class { span, .. } => Flow::Stop(opaque(
                *span,
                codes::NOT_STATIC,
                "classes cannot be evaluated statically",
                Some("use plain literals"),
            )),
            Stmt::TsEnum { span, .. } => Flow::Stop(opaque(
                *span,
                codes::NOT_STATIC,
                "TypeScript `enum` values cannot be evaluated statically",
                Some("use string literals, or `s.enum(\"a\", \"b\")`"),
            )),
            Stmt::Other { span, what, .. } => Flow::Stop(opaque(
                *span,
                codes::NOT_STATIC,
                format!("{what} is not evaluated statically"),
                Some("use `if`/`else`, `switch`, `for...of` or a C-style `for` with static bounds"),
            )),
            // `flow::dispatch` runs every other statement itself.
            _ => Flow::Normal,
        }
    }

    fn enter(&mut self, _: &()) {
        self.frames.push(new_frame());
    }

    fn leave(&mut self, (): ()) {
        self.frames.pop();
    }

    fn read(&self, _: &(), name: &str) -> Option<Value> {
        match self.local(name) {
            Some(Binding::Value(v)) => Some(v),
            _ => None,
        }
    }

    fn set(&mut self, _: &(), name: Rc<str>, v: Value) {
        if let Some(f) = self.frames.last() {
            f.borrow_mut().insert(name, Binding::Value(v));
        }
    }

    fn bind_pat(&mut self, _: &(), pat: &Pat, v: Value) {
        self.bind_pattern(pat, v);
    }

    fn value_of(&mut self, _: &(), e: &Expr) -> Value {
        self.eval_expr(e)
    }

    fn undefined() -> Value {
        Value::Undefined
    }

    fn number(n: f64) -> Value {
        Value::Num(n)
    }

    fn as_number(v: &Value) -> Option<f64> {
        match v {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn failed(v: &Value) -> Option<Flow> {
        is_opaque(v).then(|| Flow::Stop(v.clone()))
    }

    fn condition(&mut self, _: &(), test: &Expr) -> Result<bool, Flow> {
        self.static_truth(
            test,
            "this condition cannot be evaluated statically",
            "branch on constants only",
        )
    }

    fn loop_test(&mut self, _: &(), test: &Expr) -> Result<bool, Flow> {
        self.static_truth(
            test,
            "this loop condition cannot be evaluated statically",
            UPDATE_HELP,
        )
    }

    fn switch_value(&mut self, _: &(), e: &Expr, _what: &str) -> Result<Value, Flow> {
        let v = self.eval_expr(e);
        if is_opaque(&v) {
            Err(Flow::Stop(v))
        } else {
            Ok(v)
        }
    }

    fn same(a: &Value, b: &Value) -> bool {
        strict_eq(a, b)
    }

    fn items(&mut self, _: &(), e: &Expr) -> Result<Rc<Vec<Value>>, Flow> {
        self.iterable(e).map_err(Flow::Stop)
    }

    fn loop_tick(&mut self, span: Span) -> Result<(), Flow> {
        self.tick(span, "this loop").map_err(Flow::Stop)
    }

    fn refuse(&mut self, what: Refusal, span: Span) -> Flow {
        let (msg, help) = match what {
            Refusal::LabelledJump => (
                "labelled `break` and `continue` are not evaluated".to_owned(),
                "use an unlabelled `break` or `continue`",
            ),
            Refusal::ForOfAssigns => (
                "a `for...of` loop that assigns to an existing variable is not evaluated"
                    .to_owned(),
                "declare the loop variable in the head: `for (const x of [...])`",
            ),
            Refusal::LoopKind(what) => (
                format!("{what} loops are not evaluated statically"),
                LOOP_HELP,
            ),
            Refusal::UpdateTarget => (
                "this loop update must step a numeric loop variable declared in the head"
                    .to_owned(),
                UPDATE_HELP,
            ),
            Refusal::UpdateForm => (
                "only `i++`, `i--`, `i += k` and `i -= k` are evaluated as a loop update"
                    .to_owned(),
                UPDATE_HELP,
            ),
        };
        Flow::Stop(opaque(span, codes::NOT_STATIC, msg, Some(help)))
    }
}

/// The span of a statement, for budget stops.
fn stmt_span(s: &Stmt) -> Span {
    match s {
        Stmt::Var { span, .. }
        | Stmt::Function { span, .. }
        | Stmt::Class { span, .. }
        | Stmt::TsEnum { span, .. }
        | Stmt::Expr { span, .. }
        | Stmt::Return { span, .. }
        | Stmt::If { span, .. }
        | Stmt::Block { span, .. }
        | Stmt::Loop { span, .. }
        | Stmt::Break { span, .. }
        | Stmt::Continue { span, .. }
        | Stmt::Switch { span, .. }
        | Stmt::Throw { span, .. }
        | Stmt::Other { span, .. } => *span,
        Stmt::Nothing => Span::new(crate::source::FileId(0), 0, 0),
    }
}

/// `root.a[b].c` as the root name and the member steps.
fn member_path(e: &Expr) -> Option<(crate::syntax::ast::Ident, Vec<(&MemberProp, Span)>)> {
    match e {
        Expr::Member {
            obj,
            prop,
            optional: false,
            ..
        } => {
            let pspan = match prop {
                MemberProp::Name { span, .. }
                | MemberProp::Computed { span, .. }
                | MemberProp::Private { span } => *span,
            };
            let (root, mut path) = match &**obj {
                Expr::Ident(i) => (i.clone(), Vec::new()),
                other => member_path(other)?,
            };
            path.push((prop, pspan));
            Some((root, path))
        }
        _ => None,
    }
}

/// ToPropertyKey for assignment keys.
fn key_string(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) if !s.lone_surrogate => Some(String::from(&*s.text)),
        Value::Num(n) => Some(number_to_js_string(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Walks to the value at `path`, through objects and arrays held only here.
fn walk_mut<'v>(slot: &'v mut Value, path: &[(String, Span)]) -> Option<&'v mut Value> {
    let Some(((k, _), rest)) = path.split_first() else {
        return Some(slot);
    };
    let next = match slot {
        Value::Object(o) => Rc::get_mut(o)?.get_mut(k)?,
        Value::Array(a) => {
            let i: usize = k.parse().ok().filter(|i: &usize| i.to_string() == *k)?;
            Rc::get_mut(a)?.get_mut(i)?
        }
        _ => return None,
    };
    walk_mut(next, rest)
}

/// `slot[key] = v` on an object or array held only here.
fn set_member(slot: &mut Value, key: &str, key_span: Span, v: Value) -> Result<(), Value> {
    let no = |msg: &str, help: &str| Err(opaque(key_span, codes::NOT_STATIC, msg, Some(help)));
    if key == "__proto__" {
        return no(
            "assigning `__proto__` sets the prototype; it does not create a property",
            "rename the key",
        );
    }
    match slot {
        Value::Object(o) => {
            let Some(o) = Rc::get_mut(o) else {
                return Err(Value::Undefined);
            };
            o.set_key_span(key.to_owned(), key_span);
            o.set(key.to_owned(), v);
            Ok(())
        }
        Value::Array(a) => {
            let Some(i) = key.parse::<usize>().ok().filter(|i| i.to_string() == key) else {
                return no(
                    "only elements of an array can be assigned statically",
                    "use `.push(...)` or build the array with `.map`",
                );
            };
            let Some(a) = Rc::get_mut(a) else {
                return Err(Value::Undefined);
            };
            if i < a.len() {
                a[i] = v;
            } else if i == a.len() {
                a.push(v);
            } else {
                return no(
                    "assigning past the end of an array leaves holes",
                    "use `.push(...)`",
                );
            }
            Ok(())
        }
        _ => no(
            "only objects and arrays can be changed statically",
            "assign to a property of an object literal",
        ),
    }
}

impl Object {
    /// The value of an existing property, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.props.iter().position(|(k, _)| k == key)?;
        self.props.get_mut(i).map(|(_, v)| v)
    }
}
