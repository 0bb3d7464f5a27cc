//! Mutation and reassignment (JZ0108): assignments to, `delete` of, and updates of module
//! values, wherever they sit, and the `let`/`var` names a module reassigns.

use crate::hash::HashMap;
use std::rc::Rc;

use crate::diagnostics::{Diagnostic, codes};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, FnBody, Item, Pat, Prop, Stmt, UnaryOp};

use super::module::Evaluator;
use super::value::Value;

impl Evaluator<'_> {
    /// JZ0108 for assignments to (or `delete` of) members of schema objects.
    pub(super) fn check_assign_target(&mut self, target: &Pat, span: Span) {
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
                Diagnostic::new(
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
            Stmt::Switch { disc, cases, .. } => {
                self.scan_mutations_expr(disc);
                for c in cases {
                    if let Some(t) = &c.test {
                        self.scan_mutations_expr(t);
                    }
                    for s in &c.cons {
                        self.scan_mutations_stmt(s);
                    }
                }
            }
            Stmt::Function { .. }
            | Stmt::Class { .. }
            | Stmt::TsEnum { .. }
            | Stmt::Break { .. }
            | Stmt::Continue { .. }
            | Stmt::Nothing => {}
        }
    }

    fn scan_mutations_expr(&mut self, e: &Expr) {
        match e {
            Expr::Assign {
                span,
                target,
                value,
                ..
            } => {
                self.check_assign_target(target, *span);
                self.scan_mutations_expr(value);
            }
            Expr::Update { span, target, .. } => {
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
                    ..
                } => {
                    if !matches!(target, Pat::Expr(_)) {
                        pat(target, *span, out);
                    }
                    expr(value, out);
                }
                Expr::Update { span, target, .. } => {
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
                Stmt::Switch { disc, cases, .. } => {
                    expr(disc, out);
                    for c in cases {
                        if let Some(t) = &c.test {
                            expr(t, out);
                        }
                        for s in &c.cons {
                            stmt(s, out);
                        }
                    }
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
