//! Expressions: JS semantics for the static subset (schema.md §3.3–§3.4), and the scans for
//! reassignment and mutation (JZ0108).

use std::collections::HashMap;
use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::json::number_to_js_string;
use crate::source::Span;
use crate::syntax::ast::{
    self, Arg, BinOp, Expr, FnBody, Item, MemberProp, Pat, Prop, PropKey, Stmt, UnaryOp,
};

use super::module::{Evaluator, opaque};
use super::value::{Object, Value};

impl Evaluator<'_> {
    pub fn eval_expr(&mut self, e: &Expr) -> Value {
        stacker::maybe_grow(
            crate::syntax::STACK_RED_ZONE,
            crate::syntax::STACK_GROW,
            || self.eval_expr_inner(e),
        )
    }

    fn eval_expr_inner(&mut self, e: &Expr) -> Value {
        match e {
            Expr::Num { value, .. } => Value::Num(*value),
            Expr::Str { value, .. } => Value::Str(value.clone()),
            Expr::Bool { value, .. } => Value::Bool(*value),
            Expr::Null { .. } => Value::Null,
            Expr::BigInt { span } => opaque(
                *span,
                codes::NOT_STATIC,
                "BigInt literals are not supported in the schema",
                Some("use a number or a string literal"),
            ),
            Expr::Regex { span } => opaque(
                *span,
                codes::NOT_STATIC,
                "regular expressions are not supported in the schema",
                None,
            ),
            Expr::Template {
                span,
                quasis,
                exprs,
            } => self.eval_template(*span, quasis, exprs),
            Expr::TaggedTemplate { span } => opaque(
                *span,
                codes::NON_DSL_CALL,
                "tagged templates call a function and cannot be evaluated statically",
                None,
            ),
            Expr::Ident(i) => self.lookup(&i.name, i.span),
            Expr::This { span } => opaque(
                *span,
                codes::NOT_STATIC,
                "`this` cannot be evaluated statically",
                None,
            ),
            Expr::Array { span, elems } => self.eval_array(*span, elems),
            Expr::Object { span, props } => self.eval_object(*span, props),
            Expr::Member {
                span,
                obj,
                prop,
                optional,
            } => {
                let o = self.eval_expr(obj);
                if *optional && o.is_nullish() {
                    return Value::Undefined;
                }
                let (key, key_span) = match prop {
                    MemberProp::Name { name, span } => (Ok(name.to_string()), *span),
                    MemberProp::Computed { expr, span } => (self.property_key(expr), *span),
                    MemberProp::Private { span } => {
                        return opaque(
                            *span,
                            codes::NOT_STATIC,
                            "private names cannot be evaluated statically",
                            None,
                        );
                    }
                };
                match key {
                    Ok(k) => self.get_member(o, &k, key_span, *span),
                    Err(v) => v,
                }
            }
            Expr::Call {
                span,
                callee,
                args,
                optional,
            } => {
                let (f, this_span) = match &**callee {
                    Expr::Member { .. } => (self.eval_expr(callee), callee.span()),
                    other => (self.eval_expr(other), other.span()),
                };
                if *optional && f.is_nullish() {
                    return Value::Undefined;
                }
                let args = self.eval_args(args);
                self.call(f, this_span, args, *span)
            }
            Expr::New { span, callee, args } => {
                let f = self.eval_expr(callee);
                let args = self.eval_args(args);
                super::dsl::construct(self, f, args, *span)
            }
            Expr::Unary { span, op, arg } => self.eval_unary(*span, *op, arg),
            Expr::Binary {
                span,
                op,
                left,
                right,
            } => self.eval_binary(*span, *op, left, right),
            Expr::Cond {
                test,
                cons,
                alt,
                span,
            } => match self.eval_expr(test).truthy() {
                Some(true) => self.eval_expr(cons),
                Some(false) => self.eval_expr(alt),
                None => opaque(
                    *span,
                    codes::NOT_STATIC,
                    "the condition cannot be evaluated statically",
                    None,
                ),
            },
            Expr::Function { func, .. } => Value::Function(func.clone()),
            Expr::Assign {
                span,
                target,
                value,
            } => {
                self.check_assign_target(target, *span);
                self.eval_expr(value)
            }
            Expr::Update { span, target } => {
                self.check_assign_target(&Pat::Expr(target.clone()), *span);
                opaque(
                    *span,
                    codes::MUTATION,
                    "update expressions are not evaluated",
                    None,
                )
            }
            Expr::Seq { exprs, .. } => {
                let mut last = Value::Undefined;
                for e in exprs {
                    last = self.eval_expr(e);
                }
                last
            }
            Expr::Await { span, .. } => opaque(
                *span,
                codes::NOT_STATIC,
                "`await` cannot be evaluated statically",
                None,
            ),
            Expr::DynamicImport { span } => opaque(
                *span,
                codes::UNRESOLVED,
                "dynamic imports and `import.meta` cannot be evaluated statically",
                Some("use a static `import` of a relative `.ts` module"),
            ),
            Expr::Class { span } => opaque(
                *span,
                codes::NOT_STATIC,
                "classes cannot be evaluated statically",
                Some("use plain literals"),
            ),
            Expr::Unsupported { span, what } => opaque(
                *span,
                codes::NOT_STATIC,
                format!("{what} cannot be evaluated statically"),
                None,
            ),
        }
    }

    /// Evaluates call arguments, expanding spreads of static arrays.
    pub fn eval_args(&mut self, args: &[Arg]) -> Vec<(Value, Span)> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            let v = self.eval_expr(&a.expr);
            let span = a.expr.span();
            if a.spread {
                match v {
                    Value::Array(items) => out.extend(items.iter().map(|x| (x.clone(), span))),
                    Value::Opaque(_) => out.push((v, span)),
                    _ => out.push((
                        opaque(
                            span,
                            codes::NOT_STATIC,
                            "only arrays can be spread into arguments",
                            None,
                        ),
                        span,
                    )),
                }
            } else {
                out.push((v, span));
            }
        }
        out
    }

    fn eval_template(
        &mut self,
        span: Span,
        quasis: &[Option<ast::JsStr>],
        exprs: &[Expr],
    ) -> Value {
        let mut s = String::new();
        let mut lone = false;
        for (i, q) in quasis.iter().enumerate() {
            match q {
                Some(q) => {
                    s.push_str(&q.text);
                    lone |= q.lone_surrogate;
                }
                None => {
                    return opaque(
                        span,
                        codes::NOT_STATIC,
                        "invalid escape in a template literal",
                        None,
                    );
                }
            }
            if let Some(e) = exprs.get(i) {
                let v = self.eval_expr(e);
                match to_js_string(&v) {
                    Some(t) => s.push_str(&t),
                    None => {
                        return propagate(
                            v,
                            e.span(),
                            "this template substitution cannot be evaluated statically",
                        );
                    }
                }
            }
        }
        Value::Str(ast::JsStr {
            text: Rc::from(s.as_str()),
            lone_surrogate: lone,
        })
    }

    fn eval_array(&mut self, span: Span, elems: &[Option<Arg>]) -> Value {
        let mut out = Vec::with_capacity(elems.len());
        for el in elems {
            let Some(a) = el else {
                return opaque(
                    span,
                    codes::NOT_STATIC,
                    "array holes are not supported",
                    Some("write `undefined` explicitly"),
                );
            };
            let v = self.eval_expr(&a.expr);
            if a.spread {
                match v {
                    Value::Array(items) => out.extend(items.iter().cloned()),
                    Value::Opaque(_) => return v,
                    _ => {
                        return opaque(
                            a.expr.span(),
                            codes::NOT_STATIC,
                            "only arrays can be spread into an array",
                            None,
                        );
                    }
                }
            } else {
                out.push(v);
            }
        }
        Value::Array(Rc::new(out))
    }

    fn eval_object(&mut self, span: Span, props: &[Prop]) -> Value {
        let _ = span;
        let mut o = Object::default();
        for p in props {
            match p {
                Prop::KeyValue { key, value, .. } => {
                    let k = match key {
                        PropKey::Static { name, .. } => name.text.to_string(),
                        PropKey::Computed { expr, .. } => match self.property_key(expr) {
                            Ok(k) => k,
                            Err(v) => return v,
                        },
                        PropKey::Unsupported { span } => {
                            return opaque(
                                *span,
                                codes::NOT_STATIC,
                                "this property key cannot be evaluated statically",
                                None,
                            );
                        }
                    };
                    let v = self.eval_expr(value);
                    o.key_spans.push((k.clone(), key.span()));
                    o.set(k, v);
                }
                Prop::Shorthand(i) => {
                    let v = self.lookup(&i.name, i.span);
                    o.key_spans.push((i.name.to_string(), i.span));
                    o.set(i.name.to_string(), v);
                }
                Prop::Spread { span, expr } => {
                    let v = self.eval_expr(expr);
                    match v {
                        Value::Object(src) => {
                            for (k, v) in &src.props {
                                let ks = src.key_span(k).unwrap_or(*span);
                                o.key_spans.push((k.clone(), ks));
                                o.set(k.clone(), v.clone());
                            }
                        }
                        Value::Array(items) => {
                            for (i, v) in items.iter().enumerate() {
                                o.set(i.to_string(), v.clone());
                            }
                        }
                        Value::Undefined | Value::Null | Value::Bool(_) | Value::Num(_) => {}
                        Value::Opaque(_) => return v,
                        other => {
                            return opaque(
                                expr.span(),
                                codes::NOT_STATIC,
                                format!(
                                    "spreading {} into an object cannot be evaluated statically",
                                    other.describe()
                                ),
                                None,
                            );
                        }
                    }
                }
                Prop::Method { span, what, .. } => {
                    return opaque(
                        *span,
                        codes::NOT_STATIC,
                        format!("{what} in an object literal cannot be evaluated statically"),
                        Some("use plain `key: value` properties"),
                    );
                }
                Prop::Proto { span, value } => {
                    let _ = self.eval_expr(value);
                    self.push(
                        Diagnostic::error(codes::PROTO_KEY, "`__proto__: …` sets the object's prototype; it does not create a property")
                            .at(*span)
                            .help("rename the key (a computed `[\"__proto__\"]` key is an ordinary property)"),
                    );
                }
            }
        }
        Value::Object(Rc::new(o))
    }

    /// ToPropertyKey for computed keys: strings and numbers only.
    fn property_key(&mut self, e: &Expr) -> Result<String, Value> {
        let v = self.eval_expr(e);
        match &v {
            Value::Str(s) => Ok(s.text.to_string()),
            Value::Num(n) => Ok(number_to_js_string(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Null => Ok("null".into()),
            Value::Undefined => Ok("undefined".into()),
            Value::Opaque(_) => Err(propagate(
                v,
                e.span(),
                "this computed key cannot be evaluated statically",
            )),
            _ => Err(opaque(
                e.span(),
                codes::NOT_STATIC,
                "computed keys must be strings or numbers",
                Some("use a string literal key"),
            )),
        }
    }

    /// `obj[key]`.
    pub fn get_member(&mut self, obj: Value, key: &str, key_span: Span, span: Span) -> Value {
        match obj {
            Value::Object(o) => o.get(key).cloned().unwrap_or(Value::Undefined),
            Value::Array(a) => {
                if key == "length" {
                    return Value::Num(a.len() as f64);
                }
                match key.parse::<usize>() {
                    Ok(i) if i.to_string() == key => a.get(i).cloned().unwrap_or(Value::Undefined),
                    _ => opaque(
                        key_span,
                        codes::NOT_STATIC,
                        format!("array method `{key}` cannot be evaluated statically"),
                        Some("write the array out, or combine parts with `...spread`"),
                    ),
                }
            }
            Value::Str(s) if key == "length" => Value::Num(s.text.encode_utf16().count() as f64),
            Value::Opaque(_) => obj,
            Value::Undefined | Value::Null => opaque(
                span,
                codes::NOT_STATIC,
                format!("cannot read property `{key}` of {}", obj.describe()),
                None,
            ),
            other => super::dsl::member(self, other, key, key_span, span),
        }
    }

    /// Calls a value.
    pub fn call(
        &mut self,
        f: Value,
        callee_span: Span,
        args: Vec<(Value, Span)>,
        span: Span,
    ) -> Value {
        match f {
            Value::Lib(lib) => super::dsl::call_lib(self, &lib, args, span),
            Value::Method(m) => {
                let (recv, name, name_span) = (*m).clone();
                super::dsl::call_method(self, recv, &name, name_span, args, span)
            }
            Value::AppMember => Value::AppMember,
            Value::Opaque(o) => {
                self.warn_unevaluated_call(&args, span);
                Value::Opaque(o)
            }
            Value::Function(_) => {
                self.warn_unevaluated_call(&args, span);
                let name = self.db.slice(callee_span).to_owned();
                opaque(
                    span,
                    codes::NON_DSL_CALL,
                    format!(
                        "`{name}(…)` calls a function, which jazz does not run; the schema must be built from literals"
                    ),
                    Some(
                        "inline the value it returns, or make it a `const` object literal (a script may generate schema.ts as plain literals)",
                    ),
                )
            }
            other => opaque(
                span,
                codes::NON_DSL_CALL,
                format!("{} is not a function", other.describe()),
                None,
            ),
        }
    }

    /// JZ0109: a call we cannot evaluate receives part of the schema.
    fn warn_unevaluated_call(&mut self, args: &[(Value, Span)], span: Span) {
        if args
            .iter()
            .any(|(v, _)| matches!(v, Value::Builder(_) | Value::Table(_)) || is_definition(v))
        {
            self.push(
                Diagnostic::warning(
                    codes::UNEVALUATED_CALL,
                    "this call receives part of the schema and may change it; it is not evaluated",
                )
                .at(span)
                .help("apply modifiers directly in the schema literal"),
            );
        }
    }

    fn eval_unary(&mut self, span: Span, op: UnaryOp, arg: &Expr) -> Value {
        if op == UnaryOp::Delete {
            self.check_assign_target(&Pat::Expr(Box::new(arg.clone())), span);
            return Value::Bool(true);
        }
        let v = self.eval_expr(arg);
        match op {
            UnaryOp::Minus => match to_number(&v) {
                Some(n) => Value::Num(-n),
                None => propagate(v, span, "this operand cannot be evaluated statically"),
            },
            UnaryOp::Plus => match to_number(&v) {
                Some(n) => Value::Num(n),
                None => propagate(v, span, "this operand cannot be evaluated statically"),
            },
            UnaryOp::Not => match v.truthy() {
                Some(b) => Value::Bool(!b),
                None => v,
            },
            UnaryOp::TypeOf => match v {
                Value::Opaque(_) => v,
                other => Value::str(other.type_of()),
            },
            UnaryOp::Void => Value::Undefined,
            UnaryOp::BitNot | UnaryOp::Delete => opaque(
                span,
                codes::NOT_STATIC,
                "bitwise operators are not evaluated",
                None,
            ),
        }
    }

    fn eval_binary(&mut self, span: Span, op: BinOp, left: &Expr, right: &Expr) -> Value {
        let l = self.eval_expr(left);
        match op {
            BinOp::And => {
                return match l.truthy() {
                    Some(true) => self.eval_expr(right),
                    Some(false) => l,
                    None => l,
                };
            }
            BinOp::Or => {
                return match l.truthy() {
                    Some(true) => l,
                    Some(false) => self.eval_expr(right),
                    None => l,
                };
            }
            BinOp::Nullish => {
                return match l {
                    Value::Undefined | Value::Null => self.eval_expr(right),
                    other => other,
                };
            }
            _ => {}
        }
        let r = self.eval_expr(right);
        if let Value::Opaque(_) = l {
            return l;
        }
        if let Value::Opaque(_) = r {
            return r;
        }
        let num = |f: fn(f64, f64) -> f64, l: &Value, r: &Value| match (to_number(l), to_number(r))
        {
            (Some(a), Some(b)) => Value::Num(f(a, b)),
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "this arithmetic cannot be evaluated statically",
                None,
            ),
        };
        match op {
            BinOp::Add => {
                let is_str = |v: &Value| {
                    matches!(
                        v,
                        Value::Str(_) | Value::Array(_) | Value::Object(_) | Value::Date(_)
                    )
                };
                if is_str(&l) || is_str(&r) {
                    match (to_js_string(&l), to_js_string(&r)) {
                        (Some(a), Some(b)) => {
                            let lone = matches!(&l, Value::Str(s) if s.lone_surrogate)
                                || matches!(&r, Value::Str(s) if s.lone_surrogate);
                            Value::Str(ast::JsStr {
                                text: Rc::from(format!("{a}{b}").as_str()),
                                lone_surrogate: lone,
                            })
                        }
                        _ => opaque(
                            span,
                            codes::NOT_STATIC,
                            "this concatenation cannot be evaluated statically",
                            None,
                        ),
                    }
                } else {
                    num(|a, b| a + b, &l, &r)
                }
            }
            BinOp::Sub => num(|a, b| a - b, &l, &r),
            BinOp::Mul => num(|a, b| a * b, &l, &r),
            BinOp::Div => num(|a, b| a / b, &l, &r),
            BinOp::Mod => num(|a, b| a % b, &l, &r),
            BinOp::Exp => num(js_pow, &l, &r),
            BinOp::StrictEq => Value::Bool(strict_eq(&l, &r)),
            BinOp::StrictNotEq => Value::Bool(!strict_eq(&l, &r)),
            BinOp::EqEq | BinOp::NotEq => {
                let eq = strict_eq(&l, &r) || (l.is_nullish() && r.is_nullish());
                Value::Bool(if op == BinOp::EqEq { eq } else { !eq })
            }
            BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq => match (&l, &r) {
                (Value::Str(a), Value::Str(b)) => {
                    let (a, b): (Vec<u16>, Vec<u16>) = (
                        a.text.encode_utf16().collect(),
                        b.text.encode_utf16().collect(),
                    );
                    Value::Bool(match op {
                        BinOp::Lt => a < b,
                        BinOp::LtEq => a <= b,
                        BinOp::Gt => a > b,
                        _ => a >= b,
                    })
                }
                _ => match (to_number(&l), to_number(&r)) {
                    (Some(a), Some(b)) => Value::Bool(match op {
                        BinOp::Lt => a < b,
                        BinOp::LtEq => a <= b,
                        BinOp::Gt => a > b,
                        _ => a >= b,
                    }),
                    _ => opaque(
                        span,
                        codes::NOT_STATIC,
                        "this comparison cannot be evaluated statically",
                        None,
                    ),
                },
            },
            _ => opaque(
                span,
                codes::NOT_STATIC,
                "this operator is not evaluated statically",
                None,
            ),
        }
    }

    /// JZ0108 for assignments to (or `delete` of) members of schema objects.
    fn check_assign_target(&mut self, target: &Pat, span: Span) {
        if let Pat::Expr(e) = target
            && let Some(root) = member_root(e)
            && let Some(super::module::Binding::Value(v)) = self.scope.get(&*root.name)
            && matches!(
                v,
                Value::Object(_)
                    | Value::Array(_)
                    | Value::Table(_)
                    | Value::App(_)
                    | Value::Builder(_)
            )
        {
            self.push(
                Diagnostic::error(
                    codes::MUTATION,
                    format!(
                        "`{}` is mutated; jazz evaluates the schema from its literals only",
                        root.name
                    ),
                )
                .at(span)
                .help("build the object in one literal with spreads"),
            );
        }
    }

    /// Scans statements that are not evaluated (loops, ifs...) for mutations of module values.
    pub fn scan_mutations_stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr { expr, .. } | Stmt::Throw { arg: expr, .. } => {
                self.scan_mutations_expr(expr)
            }
            Stmt::Return { arg, .. } => {
                if let Some(e) = arg {
                    self.scan_mutations_expr(e);
                }
            }
            Stmt::If {
                test, cons, alt, ..
            } => {
                self.scan_mutations_expr(test);
                self.scan_mutations_stmt(cons);
                if let Some(a) = alt {
                    self.scan_mutations_stmt(a);
                }
            }
            Stmt::Block { stmts, .. } | Stmt::Other { body: stmts, .. } => {
                for s in stmts {
                    self.scan_mutations_stmt(s);
                }
            }
            Stmt::Loop { head, body, .. } => {
                for e in head {
                    self.scan_mutations_expr(e);
                }
                self.scan_mutations_stmt(body);
            }
            Stmt::Var { decls, .. } => {
                for d in decls {
                    if let Some(e) = &d.init {
                        self.scan_mutations_expr(e);
                    }
                }
            }
            Stmt::Function { .. } | Stmt::Class { .. } | Stmt::TsEnum { .. } | Stmt::Nothing => {}
        }
    }

    fn scan_mutations_expr(&mut self, e: &Expr) {
        match e {
            Expr::Assign {
                span,
                target,
                value,
            } => {
                self.check_assign_target(target, *span);
                self.scan_mutations_expr(value);
            }
            Expr::Update { span, target } => {
                self.check_assign_target(&Pat::Expr(target.clone()), *span)
            }
            Expr::Unary {
                span,
                op: UnaryOp::Delete,
                arg,
            } => self.check_assign_target(&Pat::Expr(arg.clone()), *span),
            Expr::Call { args, callee, .. } => {
                self.scan_mutations_expr(callee);
                for a in args {
                    self.scan_mutations_expr(&a.expr);
                }
            }
            Expr::Seq { exprs, .. } => {
                for e in exprs {
                    self.scan_mutations_expr(e);
                }
            }
            Expr::Binary { left, right, .. } => {
                self.scan_mutations_expr(left);
                self.scan_mutations_expr(right);
            }
            Expr::Cond {
                test, cons, alt, ..
            } => {
                self.scan_mutations_expr(test);
                self.scan_mutations_expr(cons);
                self.scan_mutations_expr(alt);
            }
            _ => {}
        }
    }
}

/// Collects names assigned anywhere in the module (module-scope `let`/`var` reassignment).
pub fn collect_reassigned(module: &ast::Module, out: &mut HashMap<Rc<str>, Span>) {
    fn pat(p: &Pat, span: Span, out: &mut HashMap<Rc<str>, Span>) {
        let mut names = Vec::new();
        p.bound_names(&mut names);
        for n in names {
            out.entry(n.name).or_insert(span);
        }
    }
    fn expr(e: &Expr, out: &mut HashMap<Rc<str>, Span>) {
        stacker::maybe_grow(
            crate::syntax::STACK_RED_ZONE,
            crate::syntax::STACK_GROW,
            || match e {
                Expr::Assign {
                    span,
                    target,
                    value,
                } => {
                    if !matches!(target, Pat::Expr(_)) {
                        pat(target, *span, out);
                    }
                    expr(value, out);
                }
                Expr::Update { span, target } => {
                    if let Expr::Ident(i) = &**target {
                        out.entry(i.name.clone()).or_insert(*span);
                    }
                }
                Expr::Call { callee, args, .. } | Expr::New { callee, args, .. } => {
                    expr(callee, out);
                    for a in args {
                        expr(&a.expr, out);
                    }
                }
                Expr::Array { elems, .. } => {
                    for a in elems.iter().flatten() {
                        expr(&a.expr, out);
                    }
                }
                Expr::Object { props, .. } => {
                    for p in props {
                        match p {
                            Prop::KeyValue { value, .. } | Prop::Proto { value, .. } => {
                                expr(value, out)
                            }
                            Prop::Spread { expr: e, .. } => expr(e, out),
                            _ => {}
                        }
                    }
                }
                Expr::Member { obj, .. } => expr(obj, out),
                Expr::Unary { arg, .. } | Expr::Await { arg, .. } => expr(arg, out),
                Expr::Binary { left, right, .. } => {
                    expr(left, out);
                    expr(right, out);
                }
                Expr::Cond {
                    test, cons, alt, ..
                } => {
                    expr(test, out);
                    expr(cons, out);
                    expr(alt, out);
                }
                Expr::Seq { exprs, .. } | Expr::Template { exprs, .. } => {
                    for e in exprs {
                        expr(e, out);
                    }
                }
                Expr::Function { func, .. } => match &func.body {
                    FnBody::Expr(e) => expr(e, out),
                    FnBody::Block(b) => {
                        for s in b {
                            stmt(s, out);
                        }
                    }
                },
                _ => {}
            },
        )
    }
    fn stmt(s: &Stmt, out: &mut HashMap<Rc<str>, Span>) {
        stacker::maybe_grow(
            crate::syntax::STACK_RED_ZONE,
            crate::syntax::STACK_GROW,
            || match s {
                Stmt::Var { decls, .. } => {
                    for d in decls {
                        if let Some(e) = &d.init {
                            expr(e, out);
                        }
                    }
                }
                Stmt::Expr { expr: e, .. } | Stmt::Throw { arg: e, .. } => expr(e, out),
                Stmt::Return { arg: Some(e), .. } => expr(e, out),
                Stmt::If {
                    test, cons, alt, ..
                } => {
                    expr(test, out);
                    stmt(cons, out);
                    if let Some(a) = alt {
                        stmt(a, out);
                    }
                }
                Stmt::Block { stmts, .. } | Stmt::Other { body: stmts, .. } => {
                    for s in stmts {
                        stmt(s, out);
                    }
                }
                Stmt::Loop { head, body, .. } => {
                    for e in head {
                        expr(e, out);
                    }
                    stmt(body, out);
                }
                Stmt::Function { func, .. } => match &func.body {
                    FnBody::Expr(e) => expr(e, out),
                    FnBody::Block(b) => {
                        for s in b {
                            stmt(s, out);
                        }
                    }
                },
                _ => {}
            },
        )
    }
    for item in &module.items {
        match item {
            Item::Stmt { stmt: s, .. } => stmt(s, out),
            Item::ExportDefault { expr: e, .. } => expr(e, out),
            _ => {}
        }
    }
}

fn member_root(e: &Expr) -> Option<&ast::Ident> {
    match e {
        Expr::Member { obj, .. } => member_root(obj),
        Expr::Ident(i) => Some(i),
        _ => None,
    }
}

/// Keeps an opaque value as is; otherwise makes a new one.
fn propagate(v: Value, span: Span, msg: &str) -> Value {
    match v {
        Value::Opaque(_) => v,
        _ => opaque(span, codes::NOT_STATIC, msg, None),
    }
}

/// Whether a value is (or holds) part of a schema definition.
pub fn is_definition(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.props.iter().any(|(_, v)| {
            matches!(v, Value::Builder(_) | Value::Table(_)) || is_definition_shallow(v)
        }),
        _ => false,
    }
}

fn is_definition_shallow(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.props.iter().any(|(_, v)| matches!(v, Value::Builder(_))))
}

/// JS ToNumber for the primitives we model.
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Num(n) => Some(*n),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Null => Some(0.0),
        Value::Undefined => Some(f64::NAN),
        Value::Str(s) => Some(string_to_number(&s.text)),
        Value::Date(ms) => Some(*ms),
        _ => None,
    }
}

/// JS StringToNumber (decimal, hex/octal/binary prefixes, Infinity, whitespace).
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let radix = |p: &str, r: u32| {
        u64::from_str_radix(p, r)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN)
    };
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return radix(h, 16);
    }
    if let Some(h) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        return radix(h, 8);
    }
    if let Some(h) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        return radix(h, 2);
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let valid = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !valid || t.contains("inf") {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// JS ToString for the values we model; `None` for values we cannot stringify statically.
pub fn to_js_string(v: &Value) -> Option<String> {
    Some(match v {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Num(n) => number_to_js_string(*n),
        Value::Str(s) => s.text.to_string(),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for i in items.iter() {
                parts.push(if i.is_nullish() {
                    String::new()
                } else {
                    to_js_string(i)?
                });
            }
            parts.join(",")
        }
        Value::Object(_) => "[object Object]".into(),
        _ => return None,
    })
}

fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Num(x), Value::Num(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x.text == y.text,
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Builder(x), Value::Builder(y)) => x == y,
        _ => false,
    }
}

/// `Math.pow` semantics for `**` (NaN for `1 ** Infinity`, unlike Rust's `powf`).
fn js_pow(a: f64, b: f64) -> f64 {
    if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
        return f64::NAN;
    }
    a.powf(b)
}
