//! Expressions: JS semantics for the static subset. Operators live in
//! `ops.rs`, the mutation and reassignment scans (JZ0108) in `mutation.rs`.

use std::borrow::Cow;
use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::schema::json::{is_array_index_key, number_to_js_string};
use crate::source::Span;
use crate::syntax::ast::{self, Arg, Expr, MemberProp, Pat, Prop, PropKey};

use super::module::{Evaluator, opaque};
use super::value::{Object, Overwritten, Value};

pub use super::mutation::collect_reassigned;
pub use super::ops::{string_to_number, to_number};

impl Evaluator<'_> {
    pub fn eval_expr(&mut self, e: &Expr) -> Value {
        if self.budget.exhausted() {
            return super::module::silent(e.span());
        }
        let step = self.budget.step();
        if let Err(v) = self.spend(step, e.span(), "this expression") {
            return v;
        }
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
            Expr::Object { span, props, .. } => self.eval_object(*span, props),
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
                    MemberProp::Name { name, span } => (Ok(Cow::Borrowed(&**name)), *span),
                    MemberProp::Computed { expr, span } => {
                        (self.property_key(expr).map(Cow::Owned), *span)
                    }
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
                    Ok(k) => {
                        let v = self.get_member(o, &k, key_span, *span);
                        match prop {
                            MemberProp::Computed { expr, .. } => {
                                self.computed_fixes(v, key_span, expr.span(), &k)
                            }
                            _ => v,
                        }
                    }
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
                if let Value::Method(m) = &f
                    && matches!(m.0, Value::Array(_))
                    && &*m.1 == "push"
                    && let Some(v) = self.try_push(callee, args, *span)
                {
                    return v;
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
            Expr::Function { func, .. } => self.function_value(func),
            Expr::Assign {
                span,
                target,
                value,
                op,
            } => {
                if let Some(v) = self.eval_assign(*span, target, value, *op) {
                    return v;
                }
                self.check_assign_target(target, *span);
                self.eval_expr(value)
            }
            Expr::Update {
                span,
                target,
                increment,
                prefix,
            } => {
                if let Some(v) = self.eval_update(*span, target, *increment, *prefix) {
                    return v;
                }
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
                    Value::Array(items) => {
                        let check = self.budget.array(out.len().saturating_add(items.len()));
                        if let Err(v) = self.spend(check, span, "spreading this array") {
                            out.push((v, span));
                            return out;
                        }
                        out.extend(items.iter().map(|x| (x.clone(), span)))
                    }
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
                match self.js_string(&v, s.len(), span, "this template literal") {
                    Ok(Some(t)) => s.push_str(&t),
                    Err(v) => return v,
                    Ok(None) => {
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
                    Value::Array(items) => {
                        let check = self.budget.array(out.len().saturating_add(items.len()));
                        if let Err(v) = self.spend(check, span, "this array") {
                            return v;
                        }
                        out.extend(items.iter().cloned())
                    }
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
        let mut o = Object::default();
        // Spread arguments written in this literal: keys they brought are not "written twice".
        let mut spreads: Vec<Span> = Vec::new();
        for p in props {
            match p {
                Prop::KeyValue { key, value, .. } => {
                    let k = match key {
                        PropKey::Static { name, .. } => String::from(&*name.text),
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
                    let check = self.budget.object_work(o.insert_work(&k));
                    if let Err(v) = self.spend(check, key.span(), "this object") {
                        return v;
                    }
                    note_overwrite(&mut o, span, &spreads, &k, key.span());
                    o.set_key_span(k.clone(), key.span());
                    o.set(k, v);
                }
                Prop::Shorthand(i) => {
                    let v = self.lookup(&i.name, i.span);
                    note_overwrite(&mut o, span, &spreads, &i.name, i.span);
                    o.set_key_span(String::from(&*i.name), i.span);
                    o.set(String::from(&*i.name), v);
                }
                Prop::Spread { span, expr } => {
                    spreads.push(*span);
                    let v = self.eval_expr(expr);
                    let added = match &v {
                        Value::Object(src) => src.props.len(),
                        Value::Array(items) => items.len(),
                        _ => 0,
                    };
                    let mut check = self.budget.array(o.props.len().saturating_add(added));
                    if check.is_ok() {
                        check = match &v {
                            // String keys go through the hash index (an unindexed object is
                            // small); array-index keys are placed in order, comparing with all.
                            Value::Object(src) => {
                                let index_keys = src
                                    .props
                                    .iter()
                                    .filter(|(k, _)| is_array_index_key(k).is_some())
                                    .count();
                                self.budget
                                    .object_inserts(o.props.len(), index_keys)
                                    .and_then(|()| self.budget.object_work(added))
                            }
                            _ => self.budget.object_inserts(o.props.len(), added),
                        };
                    }
                    if let Err(v) = self.spend(check, *span, "this object") {
                        return v;
                    }
                    match v {
                        Value::Object(src) => {
                            for (k, v) in &src.props {
                                let ks = src.key_span(k).unwrap_or(*span);
                                o.set_key_span(k.clone(), ks);
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
                        Diagnostic::new(codes::PROTO_KEY, "`__proto__: …` sets the object's prototype; it does not create a property")
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
            Value::Str(s) => Ok(String::from(&*s.text)),
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

    /// The fixes of an unknown member's opaque value name `.key` at `key_span`; in
    /// `obj["key"]` they go inside the string literal at `literal`, and any other computed key
    /// (escapes, an expression) gets none.
    fn computed_fixes(&self, v: Value, key_span: Span, literal: Span, key: &str) -> Value {
        let Value::Opaque(o) = &v else {
            return v;
        };
        if o.fixes.is_empty() {
            return v;
        }
        let text = self.db.slice(literal);
        let quoted = text.len() >= 2
            && (text.starts_with('"') || text.starts_with('\''))
            && text.ends_with(&text[..1])
            && text.get(1..text.len() - 1) == Some(key);
        let mut o = (**o).clone();
        if quoted {
            let inner = Span::new(literal.file, literal.range.start + 1, literal.range.end - 1);
            for e in o.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
                if e.file == key_span.file && e.range == key_span.range {
                    e.range = inner.range;
                }
            }
        } else {
            o.fixes.clear();
        }
        Value::Opaque(Rc::new(o))
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
                    _ if let Some(m) =
                        Self::array_method(&Value::Array(a.clone()), key, key_span) =>
                    {
                        m
                    }
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
            other => super::dsl::member(other, key, key_span, span),
        }
    }

    /// Calls a value.
    pub fn call(
        &mut self,
        f: Value,
        _callee_span: Span,
        args: Vec<(Value, Span)>,
        span: Span,
    ) -> Value {
        match f {
            Value::Lib(lib) => {
                self.pin(&args);
                super::dsl::call_lib(self, &lib, args, span)
            }
            Value::Method(m) => {
                let (recv, name, name_span) = (*m).clone();
                if let Value::Array(items) = recv {
                    return self.call_array_method(items, &name, args, span);
                }
                self.pin(&args);
                super::dsl::call_method(self, recv, &name, name_span, args, span)
            }
            Value::Function(f) => self.call_function(&f, Vec::new(), args, span),
            Value::Closure(c) => self.call_function(&c.func, c.frames.clone(), args, span),
            Value::AppMember => Value::AppMember,
            Value::Opaque(o) => {
                self.warn_unevaluated_call(&args, span);
                Value::Opaque(o)
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
                Diagnostic::new(
                    codes::UNEVALUATED_CALL,
                    "this call receives part of the schema and may change it; it is not evaluated",
                )
                .at(span)
                .help("apply modifiers directly in the schema literal"),
            );
        }
    }
}

/// Records in `o` that the key `key` written at `at` replaces a key written earlier in the same
/// object literal (`literal`), outside its spreads.
fn note_overwrite(o: &mut Object, literal: Span, spreads: &[Span], key: &str, at: Span) {
    let inside = |outer: Span, s: Span| {
        outer.file == s.file && outer.range.start <= s.range.start && s.range.end <= outer.range.end
    };
    if let Some(earlier) = o.key_span(key)
        && inside(literal, earlier)
        && !spreads.iter().any(|sp| inside(*sp, earlier))
    {
        o.overwritten.push(Overwritten {
            key: key.to_owned(),
            earlier,
            later: at,
        });
    }
}

/// Keeps an opaque value as is; otherwise makes a new one.
pub(super) fn propagate(v: Value, span: Span, msg: &str) -> Value {
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
