//! JS statements and expressions inside permissions callbacks: bindings, closures with default
//! parameters and destructuring, object/array literals with spreads, templates, `?:`, `&&`,
//! `||`, `??`, `===`, `process.env` and `new Date`/`new Uint8Array`; and statements
//! whose control flow is known statically: `if`, `switch` on constants, `for...of` over static
//! arrays or `Object.keys/values/entries` of static objects, `for (let i = 0; i < n; i++)`
//! with constant bounds, unlabelled `break`/`continue`. Each loop iteration spends a step.
//! The control-flow rules are shared with the schema evaluator (`syntax/flow.rs`).

use std::convert::Infallible;
use std::rc::Rc;

use crate::source::Span;
use crate::syntax::ast::{Arg, BinOp, Expr, FnBody, MemberProp, Pat, Prop, PropKey, Stmt, UnaryOp};
use crate::syntax::flow::{self, Machine, Refusal};

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
                        PropKey::Static { name, .. } => String::from(&*name.text),
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
                        PropKey::Static { name, .. } => String::from(&*name.text),
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

/// The permissions interpreter's side of the shared control flow (`syntax/flow.rs`): symbolic
/// values, scopes are [`Env`] chains, and a statement it cannot run is reported and the
/// callback goes on with the next statement (so nothing ever stops with `Flow::Stop`).
impl Machine for Interp<'_> {
    type Value = Pv;
    type Stop = Infallible;
    type Scope = Env;

    fn exec(&mut self, env: &Env, s: &Stmt) -> Flow {
        flow::dispatch(self, env, s)
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

    fn exec_leaf(&mut self, env: &Env, s: &Stmt) -> Flow {
        match s {
            Stmt::Var { decls, .. } => {
                for d in decls {
                    let v = match &d.init {
                        Some(e) => self.eval(env, e),
                        None => Pv::Undef,
                    };
                    self.bind(env, &d.pat, v);
                }
            }
            Stmt::Expr { expr, .. } => {
                self.eval(env, expr);
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
            }
            // `flow::dispatch` runs every other statement itself.
            _ => {}
        }
        Flow::Normal
    }

    fn enter(&mut self, env: &Env) -> Env {
        env.push_frame()
    }

    fn leave(&mut self, _: Env) {}

    fn read(&self, env: &Env, name: &str) -> Option<Pv> {
        env.get(name)
    }

    fn set(&mut self, env: &Env, name: Rc<str>, v: Pv) {
        env.set(name, v);
    }

    fn bind_pat(&mut self, env: &Env, pat: &Pat, v: Pv) {
        self.bind(env, pat, v);
    }

    fn value_of(&mut self, env: &Env, e: &Expr) -> Pv {
        self.eval(env, e)
    }

    fn undefined() -> Pv {
        Pv::Undef
    }

    fn number(n: f64) -> Pv {
        Pv::Num(n)
    }

    fn as_number(v: &Pv) -> Option<f64> {
        match v {
            Pv::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// `Pv::Bad` was reported where it was made.
    fn failed(v: &Pv) -> Option<Flow> {
        matches!(v, Pv::Bad).then_some(Flow::Normal)
    }

    fn condition(&mut self, env: &Env, test: &Expr) -> Result<bool, Flow> {
        Ok(self.eval(env, test).truthy())
    }

    fn loop_test(&mut self, env: &Env, t: &Expr) -> Result<bool, Flow> {
        let before = self.diags.len();
        let tv = self.eval(env, t);
        if matches!(tv, Pv::Bad) {
            for d in &mut self.diags[before..] {
                if d.is_error() && d.help.is_none() {
                    d.help = Some(CONDITION_HELP.into());
                }
            }
            return Err(Flow::Normal);
        }
        if !self.static_test(&tv, t.span(), "loop condition") {
            return Err(Flow::Normal);
        }
        Ok(tv.truthy())
    }

    fn switch_value(&mut self, env: &Env, e: &Expr, what: &str) -> Result<Pv, Flow> {
        let v = self.eval(env, e);
        if self.static_test(&v, e.span(), what) {
            Ok(v)
        } else {
            Err(Flow::Normal)
        }
    }

    fn same(a: &Pv, b: &Pv) -> bool {
        prim_eq(a, b)
    }

    fn items(&mut self, env: &Env, e: &Expr) -> Result<Rc<Vec<Pv>>, Flow> {
        self.iterable(env, e).ok_or(Flow::Normal)
    }

    fn loop_tick(&mut self, span: Span) -> Result<(), Flow> {
        if self.tick(span) {
            Ok(())
        } else {
            Err(Flow::Normal)
        }
    }

    fn refuse(&mut self, what: Refusal, span: Span) -> Flow {
        let (code, msg, help) = match what {
            Refusal::LabelledJump => (
                codes::UNSUPPORTED,
                "labelled `break` and `continue` are not evaluated in permissions callbacks"
                    .to_owned(),
                "use an unlabelled `break` or `continue`",
            ),
            Refusal::ForOfAssigns => (
                codes::UNSUPPORTED,
                "a `for...of` loop that assigns to an existing variable is not evaluated in permissions callbacks".to_owned(),
                "declare the loop variable in the head: `for (const x of [...])`",
            ),
            Refusal::LoopKind(what) => (
                codes::UNSUPPORTED,
                format!("{what} loops are not evaluated in permissions callbacks"),
                "use `for (const t of [...])` over a literal array (or `Object.keys(obj)` of a static object), or `for (let i = 0; i < n; i++)` with a constant bound",
            ),
            Refusal::UpdateTarget => (
                codes::NOT_STATIC,
                "cannot evaluate this loop statically: the update must step a numeric loop variable declared in the head".to_owned(),
                "write `for (let i = 0; i < n; i++)` (or `i--`, `i += k`) with constant bounds",
            ),
            Refusal::UpdateForm => (
                codes::NOT_STATIC,
                "cannot evaluate this loop statically: only `i++`, `i--`, `i += k` and `i -= k` are supported as the update".to_owned(),
                "write `for (let i = 0; i < n; i++)` with constant bounds, or iterate with `for (const x of [...])`",
            ),
        };
        self.report(code, span, msg);
        if let Some(d) = self.diags.last_mut() {
            d.help = Some(help.into());
        }
        Flow::Normal
    }
}

/// What to write instead of a `for` condition we cannot evaluate.
const CONDITION_HELP: &str = "a `for` condition must compare the loop variable with a constant (`i < 3`, `i < items.length` of a static array); or iterate with `for (const x of [...])`";

/// How a statement ended. A statement that cannot be evaluated reports an error and ends
/// `Normal`, so there is no `Stop`.
pub(super) type Flow = crate::syntax::flow::Flow<Pv, Infallible>;

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
