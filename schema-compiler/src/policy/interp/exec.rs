//! JS statements and expressions inside permissions callbacks: bindings, closures with default
//! parameters and destructuring, object/array literals with spreads, templates, `?:`, `&&`,
//! `||`, `??`, `===`, `process.env` and `new Date`/`new Uint8Array`; and statements
//! whose control flow is known statically: `if`, `switch` on constants, `for...of` over static
//! arrays or `Object.keys/values/entries` of static objects, `for (let i = 0; i < n; i++)`
//! with constant bounds, unlabelled `break`/`continue`. Each loop iteration spends a step.

use std::rc::Rc;

use crate::source::Span;
use crate::syntax::ast::{
    Arg, BinOp, Expr, FnBody, ForUpdate, LoopForm, MemberProp, Pat, Prop, PropKey, Stmt,
    SwitchCase, UnaryOp,
};

use super::super::codes;
use super::Interp;
use super::value::{Closure, Env, Pv, from_static_within};

impl Interp<'_> {
    /// Calls a function value with arguments.
    pub(super) fn call_value(&mut self, f: &Pv, args: Vec<(Pv, Span)>, span: Span) -> Pv {
        if !self.tick(span) {
            return Pv::Bad;
        }
        match f {
            Pv::Closure(c) => self.call_closure(c, args, span),
            Pv::Builtin(b) => self.call_builtin(*b, args, span),
            Pv::Bound(b) => {
                let (recv, name, nspan) = (&b.0, b.1.clone(), b.2);
                self.call_method(recv, &name, nspan, args, span)
            }
            Pv::Bad => Pv::Bad,
            other => {
                let d = other.describe();
                self.report(
                    codes::NOT_STATIC,
                    span,
                    format!(
                        "cannot evaluate definePermissions(...) statically: {d} is not a function"
                    ),
                );
                Pv::Bad
            }
        }
    }

    fn call_closure(&mut self, c: &Rc<Closure>, args: Vec<(Pv, Span)>, span: Span) -> Pv {
        if self.depth >= super::MAX_CALL_DEPTH {
            self.report(
                codes::NOT_STATIC,
                span,
                "cannot evaluate definePermissions(...) statically: calls nest too deeply",
            );
            return Pv::Bad;
        }
        self.depth += 1;
        let env = c.env.push_frame();
        let mut args = args.into_iter();
        for p in &c.func.params {
            let v = args.next().map(|a| a.0).unwrap_or(Pv::Undef);
            self.bind(&env, p, v);
        }
        let out = match &c.func.body {
            FnBody::Expr(e) => self.eval(&env, e),
            FnBody::Block(stmts) => match self.exec_block(&env, stmts) {
                Flow::Return(v) => v,
                _ => Pv::Undef,
            },
        };
        self.depth -= 1;
        out
    }

    /// Binds a parameter or declaration pattern.
    pub(super) fn bind(&mut self, env: &Env, pat: &Pat, v: Pv) {
        match pat {
            Pat::Ident(i) => env.set(i.name.clone(), v),
            Pat::Default { pat, default, .. } => {
                let v = if matches!(v, Pv::Undef) {
                    self.eval(env, default)
                } else {
                    v
                };
                self.bind(env, pat, v);
            }
            Pat::Object { props, .. } => {
                for p in props {
                    let key = match &p.key {
                        PropKey::Static { name, .. } => name.text.to_string(),
                        PropKey::Computed { expr, .. } => match self.eval(env, expr) {
                            Pv::Str(s) => s.to_string(),
                            _ => String::new(),
                        },
                        PropKey::Unsupported { .. } => String::new(),
                    };
                    let pv = self.member(&v, &key, p.key.span(), p.key.span());
                    self.bind(env, &p.value, pv);
                }
            }
            Pat::Array { elems, .. } => {
                for (i, e) in elems.iter().enumerate() {
                    if let Some(p) = e {
                        let ev = match &v {
                            Pv::Arr(a) => a.get(i).cloned().unwrap_or(Pv::Undef),
                            _ => Pv::Undef,
                        };
                        self.bind(env, p, ev);
                    }
                }
            }
            Pat::Expr(_) | Pat::Unsupported { .. } => {
                self.report(
                    codes::NOT_STATIC,
                    pat.span(),
                    "cannot evaluate definePermissions(...) statically: unsupported binding pattern",
                );
            }
        }
    }

    /// Runs statements in a new block scope; stops at `return`, `break` or `continue`.
    fn exec_block(&mut self, env: &Env, stmts: &[Stmt]) -> Flow {
        let env = env.push_frame();
        self.exec_stmts(&env, stmts)
    }

    /// Runs statements in `env` (hoisting function declarations first).
    fn exec_stmts(&mut self, env: &Env, stmts: &[Stmt]) -> Flow {
        let env = env.clone();
        for s in stmts {
            if let Stmt::Function { name, func, .. } = s {
                let c = Closure {
                    func: func.clone(),
                    env: env.clone(),
                };
                env.set(name.name.clone(), Pv::Closure(Rc::new(c)));
            }
        }
        for s in stmts {
            let at = match s {
                Stmt::Expr { span, .. } => Some(*span),
                _ => None,
            };
            let outer = self.stmt.replace((at, self.errors()));
            let r = self.exec(&env, s);
            self.stmt = outer;
            if !matches!(r, Flow::Normal) {
                return r;
            }
        }
        Flow::Normal
    }

    fn exec(&mut self, env: &Env, s: &Stmt) -> Flow {
        match s {
            Stmt::Var { decls, .. } => {
                for d in decls {
                    let v = match &d.init {
                        Some(e) => self.eval(env, e),
                        None => Pv::Undef,
                    };
                    self.bind(env, &d.pat, v);
                }
                Flow::Normal
            }
            Stmt::Expr { expr, .. } => {
                self.eval(env, expr);
                Flow::Normal
            }
            Stmt::Return { arg, .. } => Flow::Return(match arg {
                Some(e) => self.eval(env, e),
                None => Pv::Undef,
            }),
            Stmt::If {
                test, cons, alt, ..
            } => {
                if self.eval(env, test).truthy() {
                    self.exec(env, cons)
                } else if let Some(a) = alt {
                    self.exec(env, a)
                } else {
                    Flow::Normal
                }
            }
            Stmt::Block { stmts, .. } => self.exec_block(env, stmts),
            Stmt::Function { .. } | Stmt::Nothing => Flow::Normal,
            Stmt::Break {
                labelled: false, ..
            } => Flow::Break,
            Stmt::Continue {
                labelled: false, ..
            } => Flow::Continue,
            Stmt::Switch {
                disc, cases, span, ..
            } => self.exec_switch(env, disc, cases, *span),
            Stmt::Loop {
                span, form, body, ..
            } => self.exec_loop(env, form, body, *span),
            Stmt::Break { span, .. } | Stmt::Continue { span, .. } => {
                self.report(
                    codes::UNSUPPORTED,
                    *span,
                    "labelled `break` and `continue` are not evaluated in permissions callbacks",
                );
                if let Some(d) = self.diags.last_mut() {
                    d.help = Some("use an unlabelled `break` or `continue`".into());
                }
                Flow::Normal
            }
            Stmt::Class { span, .. }
            | Stmt::TsEnum { span, .. }
            | Stmt::Throw { span, .. }
            | Stmt::Other { span, .. } => {
                self.report(
                    codes::UNSUPPORTED,
                    *span,
                    "this statement is not evaluated in permissions callbacks",
                );
                Flow::Normal
            }
        }
    }

    /// Whether a value deciding control flow is known statically (a DSL value such as a
    /// condition or a row reference is not: JZ2006 at `span`). `Pv::Bad` was reported already.
    pub(super) fn static_test(&mut self, v: &Pv, span: Span, what: &str) -> bool {
        match v {
            Pv::Bad => false,
            Pv::Undef
            | Pv::Null
            | Pv::Bool(_)
            | Pv::Num(_)
            | Pv::Str(_)
            | Pv::Arr(_)
            | Pv::Obj(_)
            | Pv::Date(_)
            | Pv::Bytes(_)
            | Pv::Table(_)
            | Pv::Closure(_) => true,
            other => {
                let d = other.describe();
                self.report(
                    codes::NOT_STATIC,
                    span,
                    format!(
                        "cannot evaluate definePermissions(...) statically: this {what} is {d}, which is only known when the policy runs"
                    ),
                );
                if let Some(d) = self.diags.last_mut() {
                    d.help = Some(
                        "branch on constants only; to combine conditions use `anyOf([...])` / `allOf([...])`"
                            .into(),
                    );
                }
                false
            }
        }
    }

    /// `switch` on a static value: strict equality, fall-through, `break` ends it.
    fn exec_switch(&mut self, env: &Env, disc: &Expr, cases: &[SwitchCase], _span: Span) -> Flow {
        let d = self.eval(env, disc);
        if !self.static_test(&d, disc.span(), "`switch` value") {
            return Flow::Normal;
        }
        let mut start = None;
        for (i, c) in cases.iter().enumerate() {
            if let Some(t) = &c.test {
                let tv = self.eval(env, t);
                if !self.static_test(&tv, t.span(), "`case` value") {
                    return Flow::Normal;
                }
                if prim_eq(&d, &tv) {
                    start = Some(i);
                    break;
                }
            }
        }
        let start = start.or_else(|| cases.iter().position(|c| c.test.is_none()));
        let Some(start) = start else {
            return Flow::Normal;
        };
        let scope = env.push_frame();
        for c in &cases[start..] {
            match self.exec_stmts(&scope, &c.cons) {
                Flow::Normal => {}
                Flow::Break => return Flow::Normal,
                other => return other,
            }
        }
        Flow::Normal
    }

    /// A loop whose iterations are known statically: `for...of` over a static array (or
    /// `Object.keys/values/entries` of a static object) and `for (let i = 0; i < n; i++)`.
    /// Every iteration spends a step, so a loop that never ends stops at the budget (JZ0111).
    fn exec_loop(&mut self, env: &Env, form: &LoopForm, body: &Stmt, span: Span) -> Flow {
        match form {
            LoopForm::ForOf {
                pat: Some(pat),
                right,
            } => {
                let Some(items) = self.iterable(env, right) else {
                    return Flow::Normal;
                };
                for item in items.iter() {
                    if !self.tick(span) {
                        return Flow::Normal;
                    }
                    let scope = env.push_frame();
                    self.bind(&scope, pat, item.clone());
                    match self.exec(&scope, body) {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        other => return other,
                    }
                }
                Flow::Normal
            }
            LoopForm::For {
                init,
                test,
                update,
                body,
            } => self.exec_for(
                env,
                init.as_deref(),
                test.as_ref(),
                update.as_ref(),
                body,
                span,
            ),
            LoopForm::ForOf { pat: None, .. } => {
                self.unsupported_loop(
                    span,
                    "a `for...of` loop that assigns to an existing variable is not evaluated in permissions callbacks",
                    "declare the loop variable in the head: `for (const x of [...])`",
                );
                Flow::Normal
            }
            LoopForm::Other { what } => {
                self.unsupported_loop(
                    span,
                    &format!("{what} loops are not evaluated in permissions callbacks"),
                    "use `for (const t of [...])` over a literal array (or `Object.keys(obj)` of a static object), or `for (let i = 0; i < n; i++)` with a constant bound",
                );
                Flow::Normal
            }
        }
    }

    fn unsupported_loop(&mut self, span: Span, msg: &str, help: &str) {
        self.report(codes::UNSUPPORTED, span, msg.to_string());
        if let Some(d) = self.diags.last_mut() {
            d.help = Some(help.into());
        }
    }

    /// The items a `for...of` runs over: a static array, a string's characters, or
    /// `Object.keys/values/entries(<static object>)`. Otherwise JZ2006 at the expression.
    fn iterable(&mut self, env: &Env, right: &Expr) -> Option<Rc<Vec<Pv>>> {
        if let Some((name, args)) = object_members_call(env, right) {
            let v = self.eval(env, &args[0].expr);
            let Pv::Obj(members) = v else {
                if !matches!(v, Pv::Bad) {
                    self.not_iterable(
                        args[0].expr.span(),
                        &v,
                        "`Object.keys/values/entries` needs a static object",
                    );
                }
                return None;
            };
            let check = self.budget.array(members.len());
            if !self.spend(check, right.span(), "this array") {
                return None;
            }
            let mut seen: Vec<&str> = Vec::new();
            let mut out = Vec::new();
            // Later duplicates override earlier ones in place (object literal semantics).
            for (k, _, _) in members.iter() {
                if !seen.contains(&k.as_str()) {
                    seen.push(k);
                }
            }
            for k in seen {
                let val = Pv::Obj(members.clone())
                    .get(k)
                    .cloned()
                    .unwrap_or(Pv::Undef);
                let key = Pv::Str(Rc::from(k));
                out.push(match &**name {
                    "keys" => key,
                    "values" => val,
                    _ => Pv::Arr(Rc::new(vec![key, val])),
                });
            }
            return Some(Rc::new(out));
        }
        let v = self.eval(env, right);
        match v {
            Pv::Arr(items) => Some(items),
            Pv::Str(s) => Some(Rc::new(
                s.chars()
                    .map(|c| Pv::Str(Rc::from(c.to_string().as_str())))
                    .collect(),
            )),
            Pv::Bad => None,
            other => {
                self.not_iterable(right.span(), &other, "this is not a static array");
                None
            }
        }
    }

    fn not_iterable(&mut self, span: Span, v: &Pv, why: &str) {
        let d = v.describe();
        self.report(
            codes::NOT_STATIC,
            span,
            format!("cannot evaluate this loop statically: it iterates over {d} ({why})"),
        );
        if let Some(d) = self.diags.last_mut() {
            d.help = Some(
                "iterate over a literal array (`for (const t of [policy.a, policy.b])`) or `Object.keys/values/entries` of a static object".into(),
            );
        }
    }

    /// `for (init; test; update)` with per-iteration bindings as in JS.
    fn exec_for(
        &mut self,
        env: &Env,
        init: Option<&Stmt>,
        test: Option<&Expr>,
        update: Option<&ForUpdate>,
        body: &Stmt,
        span: Span,
    ) -> Flow {
        let head = env.push_frame();
        let mut names = Vec::new();
        if let Some(init) = init {
            if let Stmt::Var { decls, .. } = init {
                for d in decls {
                    d.pat.bound_names(&mut names);
                }
            }
            if !matches!(self.exec(&head, init), Flow::Normal) {
                return Flow::Normal;
            }
        }
        let mut vals: Vec<Pv> = names
            .iter()
            .map(|n| head.get(&n.name).unwrap_or(Pv::Undef))
            .collect();
        let mut first = true;
        loop {
            if !self.tick(span) {
                return Flow::Normal;
            }
            let iter = head.push_frame();
            for (n, v) in names.iter().zip(&vals) {
                iter.set(n.name.clone(), v.clone());
            }
            if !first {
                match update {
                    None => {}
                    Some(ForUpdate::Step {
                        name,
                        by,
                        down,
                        span: uspan,
                    }) => {
                        let cur = iter.get(&name.name);
                        let step = match by {
                            None => Pv::Num(1.0),
                            Some(e) => self.eval(&iter, e),
                        };
                        let local = names.iter().any(|n| n.name == name.name);
                        match (local, cur, step) {
                            (true, Some(Pv::Num(c)), Pv::Num(k)) => {
                                let next = if *down { c - k } else { c + k };
                                iter.set(name.name.clone(), Pv::Num(next));
                            }
                            (_, _, Pv::Bad) => return Flow::Normal,
                            _ => {
                                self.report(
                                    codes::NOT_STATIC,
                                    *uspan,
                                    "cannot evaluate this loop statically: the update must step a numeric loop variable declared in the head",
                                );
                                if let Some(d) = self.diags.last_mut() {
                                    d.help = Some("write `for (let i = 0; i < n; i++)` (or `i--`, `i += k`) with constant bounds".into());
                                }
                                return Flow::Normal;
                            }
                        }
                    }
                    Some(ForUpdate::Unsupported { span: uspan }) => {
                        self.report(
                            codes::NOT_STATIC,
                            *uspan,
                            "cannot evaluate this loop statically: only `i++`, `i--`, `i += k` and `i -= k` are supported as the update",
                        );
                        if let Some(d) = self.diags.last_mut() {
                            d.help = Some("write `for (let i = 0; i < n; i++)` with constant bounds, or iterate with `for (const x of [...])`".into());
                        }
                        return Flow::Normal;
                    }
                }
            }
            first = false;
            if let Some(t) = test {
                let before = self.diags.len();
                let tv = self.eval(&iter, t);
                if matches!(tv, Pv::Bad) {
                    for d in &mut self.diags[before..] {
                        if d.is_error() && d.help.is_none() {
                            d.help = Some(CONDITION_HELP.into());
                        }
                    }
                    return Flow::Normal;
                }
                if !self.static_test(&tv, t.span(), "loop condition") {
                    return Flow::Normal;
                }
                if !tv.truthy() {
                    break;
                }
            }
            let flow = self.exec(&iter, body);
            vals = names
                .iter()
                .map(|n| iter.get(&n.name).unwrap_or(Pv::Undef))
                .collect();
            match flow {
                Flow::Normal | Flow::Continue => {}
                Flow::Break => break,
                other => return other,
            }
        }
        Flow::Normal
    }

    /// Evaluates call arguments (with spreads).
    pub(super) fn eval_args(&mut self, env: &Env, args: &[Arg]) -> Vec<(Pv, Span)> {
        let mut out = Vec::new();
        for a in args {
            let v = self.eval(env, &a.expr);
            if a.spread {
                if let Pv::Arr(items) = &v {
                    let check = self.budget.array(out.len().saturating_add(items.len()));
                    if !self.spend(check, a.expr.span(), "spreading this array") {
                        out.push((Pv::Bad, a.expr.span()));
                        return out;
                    }
                    out.extend(items.iter().map(|x| (x.clone(), a.expr.span())));
                }
            } else {
                out.push((v, a.expr.span()));
            }
        }
        out
    }

    fn lookup(&mut self, env: &Env, name: &str, span: Span) -> Pv {
        if let Some(v) = env.get(name) {
            return v;
        }
        if let Some(v) = self.module.get(name) {
            if matches!(v, crate::eval::value::Value::Opaque(_))
                && let Some((key, init)) = self
                    .env_inits
                    .get_key_value(name)
                    .map(|(k, e)| (k.clone(), e.clone()))
                && !self.env_resolving.contains(&key)
            {
                return self.env_const(key, &init);
            }
            let check = from_static_within(v, span, &mut self.budget);
            return match check {
                Ok(v) => v,
                Err(limit) => {
                    self.spend(Err(limit), span, "this value");
                    Pv::Bad
                }
            };
        }
        match name {
            "undefined" => Pv::Undef,
            "NaN" => Pv::Num(f64::NAN),
            "Infinity" => Pv::Num(f64::INFINITY),
            _ => {
                self.report(
                    codes::NOT_STATIC,
                    span,
                    format!(
                        "cannot evaluate definePermissions(...) statically: `{name}` is not defined"
                    ),
                );
                Pv::Bad
            }
        }
    }

    /// A module-scope constant bound to a `process.env` read: its initialiser is evaluated
    /// here, at the use, exactly like the read written inline (a `??` fallback around the use
    /// counts). A diagnostic repeated at the initialiser by a second use is dropped.
    fn env_const(&mut self, name: Rc<str>, init: &crate::eval::value::EnvInit) -> Pv {
        let before = self.diags.len();
        self.env_resolving.push(name);
        // An imported constant is evaluated in the scope of the module that declared it.
        let saved = init.origin.as_ref().map(|o| {
            (
                std::mem::replace(&mut self.module, o.scope.clone()),
                std::mem::replace(&mut self.env_inits, o.env_inits.clone()),
            )
        });
        let v = self.eval(&Env::default().push_frame(), &init.expr);
        if let Some((module, env_inits)) = saved {
            self.module = module;
            self.env_inits = env_inits;
        }
        self.env_resolving.pop();
        let new = self.diags.split_off(before);
        for d in new {
            let seen = self
                .diags
                .iter()
                .any(|o| o.code == d.code && o.span() == d.span() && o.message == d.message);
            if !seen {
                self.diags.push(d);
            }
        }
        v
    }

    /// `process.env.NAME` / `process.env["NAME"]`.
    fn env_var(&mut self, env: &Env, prop: &MemberProp, span: Span) -> Pv {
        let name = match prop {
            MemberProp::Name { name, .. } => name.to_string(),
            MemberProp::Computed { expr, .. } => match self.eval(env, expr) {
                Pv::Str(s) => s.to_string(),
                _ => {
                    self.report(
                        codes::ENV_DYNAMIC,
                        span,
                        "`process.env[...]` needs a constant variable name",
                    );
                    return Pv::Bad;
                }
            },
            MemberProp::Private { .. } => return Pv::Bad,
        };
        self.env_used.insert(name.clone());
        match (self.env_vars)(&name) {
            Some(v) => {
                if v.is_empty() {
                    self.report(
                        codes::ENV_EMPTY,
                        span,
                        format!("environment variable `{name}` is the empty string"),
                    );
                }
                Pv::Str(Rc::from(v.as_str()))
            }
            None => {
                if self.env_fallback == 0 {
                    self.report(
                        codes::ENV_UNSET,
                        span,
                        format!("environment variable `{name}` is not set"),
                    );
                    if let Some(d) = self.diags.last_mut() {
                        d.help = Some(format!(
                            "pass `--define {name}=<value>`, set it in the environment or an env file, or add a fallback (`?? \"...\"`)"
                        ));
                        d.notes.push(
                            "upstream reads it as `undefined`, which silently drops the where key"
                                .into(),
                        );
                    }
                }
                Pv::Undef
            }
        }
    }

    pub(super) fn eval(&mut self, env: &Env, e: &Expr) -> Pv {
        if self.budget.exhausted() || !self.tick(e.span()) {
            return Pv::Bad;
        }
        match e {
            Expr::Num { value, .. } => Pv::Num(*value),
            Expr::Str { value, .. } => Pv::Str(value.text.clone()),
            Expr::Bool { value, .. } => Pv::Bool(*value),
            Expr::Null { .. } => Pv::Null,
            Expr::Template {
                quasis,
                exprs,
                span,
            } => {
                let mut out = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    if let Some(q) = q {
                        out.push_str(&q.text);
                    }
                    if let Some(x) = exprs.get(i) {
                        match self.eval(env, x) {
                            Pv::Str(s) => {
                                let check = self.budget.string(out.len().saturating_add(s.len()));
                                if !self.spend(check, *span, "this template literal") {
                                    return Pv::Bad;
                                }
                                out.push_str(&s)
                            }
                            Pv::Num(n) => {
                                out.push_str(&crate::schema::json::number_to_js_string(n))
                            }
                            Pv::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                            _ => {
                                self.report(
                                    codes::NOT_STATIC,
                                    x.span(),
                                    "cannot evaluate definePermissions(...) statically: template part is not a constant",
                                );
                                return Pv::Bad;
                            }
                        }
                    }
                }
                Pv::Str(Rc::from(out.as_str()))
            }
            Expr::Ident(i) => self.lookup(env, &i.name, i.span),
            Expr::Array { elems, span } => {
                let mut out = Vec::new();
                for a in elems.iter().flatten() {
                    let v = self.eval(env, &a.expr);
                    match (a.spread, v) {
                        (true, Pv::Arr(items)) => {
                            let check = self.budget.array(out.len().saturating_add(items.len()));
                            if !self.spend(check, *span, "this array") {
                                return Pv::Bad;
                            }
                            out.extend(items.iter().cloned())
                        }
                        (_, v) => out.push(v),
                    }
                }
                Pv::Arr(Rc::new(out))
            }
            Expr::Object { props, .. } => self.eval_object(env, props),
            Expr::Member {
                obj, prop, span, ..
            } => {
                if let Expr::Member {
                    obj: inner,
                    prop: MemberProp::Name { name, .. },
                    ..
                } = &**obj
                    && &**name == "env"
                    && matches!(&**inner, Expr::Ident(i) if &*i.name == "process" && env.get("process").is_none())
                {
                    return self.env_var(env, prop, *span);
                }
                let recv = self.eval(env, obj);
                let (key, kspan) = match prop {
                    MemberProp::Name { name, span } => (name.to_string(), *span),
                    MemberProp::Computed { expr, span } => match self.eval(env, expr) {
                        Pv::Str(s) => (s.to_string(), *span),
                        Pv::Num(n) => (crate::schema::json::number_to_js_string(n), *span),
                        _ => {
                            self.report(codes::NOT_STATIC, *span, "cannot evaluate definePermissions(...) statically: computed key is not a constant");
                            return Pv::Bad;
                        }
                    },
                    MemberProp::Private { .. } => return Pv::Bad,
                };
                self.member(&recv, &key, kspan, *span)
            }
            Expr::Call {
                callee, args, span, ..
            } => {
                if object_members_call(env, e).is_some() {
                    return match self.iterable(env, e) {
                        Some(items) => Pv::Arr(items),
                        None => Pv::Bad,
                    };
                }
                let args_v = self.eval_args(env, args);
                let f = self.eval(env, callee);
                self.callee_span = Some(callee.span());
                let r = self.call_value(&f, args_v, *span);
                self.callee_span = None;
                r
            }
            Expr::New { callee, args, span } => self.eval_new(env, callee, args, *span),
            Expr::Unary { op, arg, span } => {
                let v = self.eval(env, arg);
                match (op, v) {
                    (UnaryOp::Not, v) => Pv::Bool(!v.truthy()),
                    (UnaryOp::Minus, Pv::Num(n)) => Pv::Num(-n),
                    (UnaryOp::Plus, Pv::Num(n)) => Pv::Num(n),
                    (UnaryOp::Void, _) => Pv::Undef,
                    _ => {
                        self.report(codes::NOT_STATIC, *span, "cannot evaluate definePermissions(...) statically: unsupported operator");
                        Pv::Bad
                    }
                }
            }
            Expr::Binary {
                op,
                left,
                right,
                span,
            } => self.eval_binary(env, *op, left, right, *span),
            Expr::Cond {
                test, cons, alt, ..
            } => {
                if self.eval(env, test).truthy() {
                    self.eval(env, cons)
                } else {
                    self.eval(env, alt)
                }
            }
            Expr::Function { func, .. } => Pv::Closure(Rc::new(Closure {
                func: func.clone(),
                env: env.clone(),
            })),
            Expr::Seq { exprs, .. } => {
                let mut last = Pv::Undef;
                for x in exprs {
                    last = self.eval(env, x);
                }
                last
            }
            other => {
                self.report(
                    codes::NOT_STATIC,
                    other.span(),
                    "cannot evaluate definePermissions(...) statically: unsupported expression",
                );
                Pv::Bad
            }
        }
    }

    fn eval_object(&mut self, env: &Env, props: &[Prop]) -> Pv {
        let mut out: Vec<(String, Pv, Span)> = Vec::new();
        let mut put = |k: String, v: Pv, s: Span| {
            if let Some(slot) = out.iter_mut().find(|(ek, _, _)| *ek == k) {
                slot.1 = v;
                slot.2 = s;
            } else {
                out.push((k, v, s));
            }
        };
        for p in props {
            match p {
                Prop::KeyValue { key, value, .. } => {
                    let k = match key {
                        PropKey::Static { name, .. } => name.text.to_string(),
                        PropKey::Computed { expr, .. } => match self.eval(env, expr) {
                            Pv::Str(s) => s.to_string(),
                            Pv::Num(n) => crate::schema::json::number_to_js_string(n),
                            _ => continue,
                        },
                        PropKey::Unsupported { .. } => continue,
                    };
                    let v = self.eval(env, value);
                    put(k, v, key.span());
                }
                Prop::Shorthand(i) => {
                    let v = self.lookup(env, &i.name, i.span);
                    put(i.name.to_string(), v, i.span);
                }
                Prop::Spread { expr, span } => {
                    if let Pv::Obj(o) = self.eval(env, expr) {
                        let mut check = self.budget.array(o.len());
                        if check.is_ok() {
                            check = self.budget.object_inserts(o.len(), o.len());
                        }
                        if !self.spend(check, *span, "this object") {
                            return Pv::Bad;
                        }
                        for (k, v, s) in o.iter() {
                            put(k.clone(), v.clone(), *s);
                        }
                    }
                }
                Prop::Method { span, .. } | Prop::Proto { span, .. } => {
                    self.report(
                        codes::NOT_STATIC,
                        *span,
                        "cannot evaluate definePermissions(...) statically: unsupported property",
                    );
                }
            }
        }
        // JS property order: array-index keys first, ascending.
        let mut idx: Vec<(String, Pv, Span)> = Vec::new();
        let mut rest = Vec::new();
        for m in out {
            if crate::schema::json::is_array_index_key(&m.0).is_some() {
                idx.push(m);
            } else {
                rest.push(m);
            }
        }
        idx.sort_by_key(|m| crate::schema::json::is_array_index_key(&m.0));
        idx.extend(rest);
        Pv::Obj(Rc::new(idx))
    }

    fn eval_binary(&mut self, env: &Env, op: BinOp, l: &Expr, r: &Expr, span: Span) -> Pv {
        let fallback = matches!(op, BinOp::Or | BinOp::Nullish);
        if fallback {
            self.env_fallback += 1;
        }
        let lv = self.eval(env, l);
        if fallback {
            self.env_fallback -= 1;
        }
        match op {
            BinOp::And => return if lv.truthy() { self.eval(env, r) } else { lv },
            BinOp::Or => return if lv.truthy() { lv } else { self.eval(env, r) },
            BinOp::Nullish => {
                return if matches!(lv, Pv::Undef | Pv::Null) {
                    self.eval(env, r)
                } else {
                    lv
                };
            }
            _ => {}
        }
        let rv = self.eval(env, r);
        match (op, &lv, &rv) {
            (BinOp::Add, Pv::Str(a), Pv::Str(b)) => {
                let check = self.budget.string(a.len().saturating_add(b.len()));
                if !self.spend(check, span, "this concatenation") {
                    return Pv::Bad;
                }
                Pv::Str(Rc::from(format!("{a}{b}").as_str()))
            }
            (BinOp::Add, Pv::Num(a), Pv::Num(b)) => Pv::Num(a + b),
            (BinOp::Sub, Pv::Num(a), Pv::Num(b)) => Pv::Num(a - b),
            (BinOp::Mul, Pv::Num(a), Pv::Num(b)) => Pv::Num(a * b),
            (BinOp::Div, Pv::Num(a), Pv::Num(b)) => Pv::Num(a / b),
            (BinOp::Mod, Pv::Num(a), Pv::Num(b)) => Pv::Num(a % b),
            (BinOp::Lt, Pv::Num(a), Pv::Num(b)) => Pv::Bool(a < b),
            (BinOp::LtEq, Pv::Num(a), Pv::Num(b)) => Pv::Bool(a <= b),
            (BinOp::Gt, Pv::Num(a), Pv::Num(b)) => Pv::Bool(a > b),
            (BinOp::GtEq, Pv::Num(a), Pv::Num(b)) => Pv::Bool(a >= b),
            (BinOp::StrictEq | BinOp::EqEq, a, b) => Pv::Bool(prim_eq(a, b)),
            (BinOp::StrictNotEq | BinOp::NotEq, a, b) => Pv::Bool(!prim_eq(a, b)),
            _ => {
                self.report(
                    codes::NOT_STATIC,
                    span,
                    "cannot evaluate definePermissions(...) statically: unsupported operator",
                );
                Pv::Bad
            }
        }
    }

    fn eval_new(&mut self, env: &Env, callee: &Expr, args: &[Arg], span: Span) -> Pv {
        let name = match callee {
            Expr::Ident(i) if env.get(&i.name).is_none() => i.name.to_string(),
            _ => String::new(),
        };
        let args = self.eval_args(env, args);
        match (name.as_str(), args.first()) {
            ("Date", Some((Pv::Num(n), _))) => Pv::Date(*n),
            ("Date", Some((Pv::Str(s), _))) => match crate::eval::date::parse_date_string(s) {
                crate::eval::date::DateParse::Ms { ms, .. } => Pv::Date(ms),
                _ => Pv::Date(f64::NAN),
            },
            ("Uint8Array", Some((Pv::Arr(items), _))) => {
                let mut out = Vec::new();
                for i in items.iter() {
                    match i {
                        Pv::Num(n) => out.push((*n as i64).rem_euclid(256) as u8),
                        _ => out.push(0),
                    }
                }
                Pv::Bytes(Rc::new(out))
            }
            _ => {
                self.report(
                    codes::NOT_STATIC,
                    span,
                    "cannot evaluate definePermissions(...) statically: only `new Date(...)` and `new Uint8Array([...])` are supported",
                );
                Pv::Bad
            }
        }
    }
}

/// What to write instead of a `for` condition we cannot evaluate.
const CONDITION_HELP: &str = "a `for` condition must compare the loop variable with a constant (`i < 3`, `i < items.length` of a static array); or iterate with `for (const x of [...])`";

/// How a statement ended. A loop that cannot be evaluated reports an error and ends `Normal`.
pub(super) enum Flow {
    Normal,
    Return(Pv),
    Break,
    Continue,
}

fn prim_eq(a: &Pv, b: &Pv) -> bool {
    match (a, b) {
        (Pv::Undef, Pv::Undef) | (Pv::Null, Pv::Null) => true,
        (Pv::Bool(x), Pv::Bool(y)) => x == y,
        (Pv::Num(x), Pv::Num(y)) => x == y,
        (Pv::Str(x), Pv::Str(y)) => x == y,
        _ => false,
    }
}

/// `Object.keys(x)` / `Object.values(x)` / `Object.entries(x)` (with `Object` not shadowed):
/// the method name and the argument list.
fn object_members_call<'e>(env: &Env, e: &'e Expr) -> Option<(&'e Rc<str>, &'e [Arg])> {
    if let Expr::Call { callee, args, .. } = e
        && let Expr::Member {
            obj,
            prop: MemberProp::Name { name, .. },
            ..
        } = &**callee
        && let Expr::Ident(o) = &**obj
        && &*o.name == "Object"
        && env.get("Object").is_none()
        && matches!(&**name, "keys" | "values" | "entries")
        && args.len() == 1
        && !args[0].spread
    {
        Some((name, args))
    } else {
        None
    }
}
