//! SWC AST → our AST: modules, declarations and statements here, expressions, patterns and
//! properties in `expr.rs`. Together with `syntax/mod.rs` the only place that sees SWC types.
//!
//! Lowering is total: every SWC node maps to something, unsupported constructs to
//! `Unsupported` nodes with their span. Nesting deeper than [`MAX_DEPTH`] is cut off (the
//! caller reports JZ0003) so that later recursive phases stay within the stack.

mod expr;

use std::rc::Rc;

use swc_common::{BytePos, Span as SwcSpan};
use swc_ecma_ast as swc;

use super::TopItem;
use super::ast::*;
use crate::source::{FileId, Span};

/// Maximum expression/statement nesting we lower.
pub const MAX_DEPTH: u32 = 256;

/// When less than this much stack is left, recursive walkers continue on a new segment.
pub const STACK_RED_ZONE: usize = 128 * 1024;
/// The size of each new stack segment.
pub const STACK_GROW: usize = 2 * 1024 * 1024;

pub(super) struct Lowerer {
    pub file: FileId,
    /// The BytePos of the file's first byte.
    pub base: u32,
    pub len: u32,
    depth: u32,
    pub too_deep: Option<Span>,
    /// One shared copy of each name and string the file writes: a schema repeats `s`,
    /// `table`, `string` and its table names thousands of times.
    names: crate::hash::HashSet<Rc<str>>,
}

impl Lowerer {
    pub fn new(file: FileId, base: u32, len: u32) -> Self {
        Self {
            file,
            base,
            len,
            depth: 0,
            too_deep: None,
            names: crate::hash::HashSet::default(),
        }
    }

    /// Starts lowering at nesting `depth` instead of at the top (for a fragment parsed again in
    /// place: `syntax/reparse.rs`).
    pub fn at_depth(mut self, depth: u32) -> Self {
        self.depth = depth;
        self
    }

    pub fn span(&self, s: SwcSpan) -> Span {
        let conv = |p: BytePos| p.0.saturating_sub(self.base).min(self.len);
        let start = conv(s.lo);
        let end = conv(s.hi).max(start);
        Span::new(self.file, start, end)
    }

    fn enter(&mut self, s: SwcSpan) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            if self.too_deep.is_none() {
                self.too_deep = Some(self.span(s));
            }
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The shared copy of `text`.
    fn name(&mut self, text: &str) -> Rc<str> {
        if let Some(name) = self.names.get(text) {
            return name.clone();
        }
        let name: Rc<str> = Rc::from(text);
        self.names.insert(name.clone());
        name
    }

    fn ident(&mut self, i: &swc::Ident) -> Ident {
        Ident {
            span: self.span(i.span),
            name: self.name(&i.sym),
        }
    }

    /// A string value; one with a lone surrogate is not shared.
    fn js_str(&mut self, w: &swc_atoms::Wtf8Atom) -> JsStr {
        match w.as_str() {
            Some(s) => JsStr {
                text: self.name(s),
                lone_surrogate: false,
            },
            None => wtf8_to_jsstr(w),
        }
    }

    fn jsstr(&mut self, w: &swc_ecma_ast::Str) -> JsStr {
        self.js_str(&w.value)
    }

    /// The module, and the extent of each of SWC's top-level items in `text` (the file's text;
    /// [`TopItem`]).
    pub fn module(&mut self, m: &swc::Module, text: &str) -> (Module, Vec<TopItem>) {
        let mut items = Vec::with_capacity(m.body.len());
        let mut tops = Vec::with_capacity(m.body.len());
        for item in &m.body {
            let before = items.len();
            match item {
                swc::ModuleItem::ModuleDecl(d) => self.module_decl(d, &mut items),
                swc::ModuleItem::Stmt(s) => {
                    let stmt = self.stmt(s);
                    items.push(Item::Stmt {
                        stmt,
                        exported: false,
                    });
                }
            }
            let span = self.span(swc_common::Spanned::span(item));
            let (start, end) = (span.range.start, span.range.end);
            tops.push(TopItem {
                start,
                end,
                items: u32::try_from(items.len() - before).unwrap_or(u32::MAX),
                closed: end
                    .checked_sub(1)
                    .and_then(|last| text.as_bytes().get(last as usize))
                    == Some(&b';'),
            });
        }
        (Module { items }, tops)
    }

    fn module_export_name(&mut self, n: &swc::ModuleExportName) -> (Rc<str>, Span) {
        match n {
            swc::ModuleExportName::Ident(i) => (self.name(&i.sym), self.span(i.span)),
            swc::ModuleExportName::Str(s) => (self.jsstr(s).text, self.span(s.span)),
            #[expect(
                unreachable_patterns,
                reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
            )]
            _ => (Rc::from(""), Span::new(self.file, 0, 0)),
        }
    }

    fn module_decl(&mut self, d: &swc::ModuleDecl, items: &mut Vec<Item>) {
        match d {
            swc::ModuleDecl::Import(i) => {
                if i.type_only {
                    return;
                }
                let mut specifiers = Vec::new();
                for s in &i.specifiers {
                    match s {
                        swc::ImportSpecifier::Named(n) => {
                            if n.is_type_only {
                                continue;
                            }
                            let imported = match &n.imported {
                                Some(name) => self.module_export_name(name).0,
                                None => self.name(&n.local.sym),
                            };
                            specifiers.push(ImportSpec::Named {
                                local: self.ident(&n.local),
                                imported,
                            });
                        }
                        swc::ImportSpecifier::Default(d) => specifiers.push(ImportSpec::Default {
                            local: self.ident(&d.local),
                        }),
                        swc::ImportSpecifier::Namespace(n) => {
                            specifiers.push(ImportSpec::Namespace {
                                local: self.ident(&n.local),
                            })
                        }
                        #[expect(
                            unreachable_patterns,
                            reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                        )]
                        _ => {}
                    }
                }
                items.push(Item::Import(Import {
                    span: self.span(i.span),
                    source: (self.span(i.src.span), self.jsstr(&i.src)),
                    specifiers,
                }));
            }
            swc::ModuleDecl::ExportDecl(e) => {
                let stmt = self.decl(&e.decl, self.span(e.span));
                items.push(Item::Stmt {
                    stmt,
                    exported: true,
                });
            }
            swc::ModuleDecl::ExportNamed(n) => {
                if n.type_only {
                    return;
                }
                let mut specifiers = Vec::new();
                for s in &n.specifiers {
                    match s {
                        swc::ExportSpecifier::Named(x) => {
                            if x.is_type_only {
                                continue;
                            }
                            let (orig, orig_span) = self.module_export_name(&x.orig);
                            let exported = match &x.exported {
                                Some(e) => self.module_export_name(e).0,
                                None => orig.clone(),
                            };
                            specifiers.push(ExportSpec {
                                span: self.span(x.span),
                                orig,
                                orig_span,
                                exported,
                            });
                        }
                        swc::ExportSpecifier::Namespace(x) => {
                            let (exported, sp) = self.module_export_name(&x.name);
                            specifiers.push(ExportSpec {
                                span: self.span(x.span),
                                orig: Rc::from("*"),
                                orig_span: sp,
                                exported,
                            });
                        }
                        swc::ExportSpecifier::Default(x) => {
                            let id = self.ident(&x.exported);
                            specifiers.push(ExportSpec {
                                span: id.span,
                                orig: Rc::from("default"),
                                orig_span: id.span,
                                exported: id.name.clone(),
                            });
                        }
                        #[expect(
                            unreachable_patterns,
                            reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                        )]
                        _ => {}
                    }
                }
                let source = n.src.as_ref().map(|s| (self.span(s.span), self.jsstr(s)));
                items.push(Item::ExportNamed {
                    span: self.span(n.span),
                    specifiers,
                    source,
                });
            }
            swc::ModuleDecl::ExportAll(a) => {
                if a.type_only {
                    return;
                }
                items.push(Item::ExportAll {
                    span: self.span(a.span),
                    source: (self.span(a.src.span), self.jsstr(&a.src)),
                });
            }
            swc::ModuleDecl::ExportDefaultExpr(e) => {
                let expr = self.expr(&e.expr);
                items.push(Item::ExportDefault {
                    span: self.span(e.span),
                    expr,
                });
            }
            swc::ModuleDecl::ExportDefaultDecl(e) => {
                let span = self.span(e.span);
                match &e.decl {
                    swc::DefaultDecl::Fn(f) => {
                        let func = self.function(&f.function);
                        if let Some(id) = &f.ident {
                            let name = self.ident(id);
                            items.push(Item::Stmt {
                                stmt: Stmt::Function {
                                    span,
                                    name: name.clone(),
                                    func,
                                },
                                exported: false,
                            });
                            items.push(Item::ExportDefault {
                                span,
                                expr: Expr::Ident(name),
                            });
                        } else {
                            items.push(Item::ExportDefault {
                                span,
                                expr: Expr::Function {
                                    span,
                                    func,
                                    arrow: false,
                                },
                            });
                        }
                    }
                    swc::DefaultDecl::Class(_) => items.push(Item::ExportDefault {
                        span,
                        expr: Expr::Class { span },
                    }),
                    _ => {}
                }
            }
            swc::ModuleDecl::TsImportEquals(i) => {
                let span = self.span(i.span);
                items.push(Item::Stmt {
                    stmt: Stmt::Other {
                        span,
                        what: "`import x = require(...)`",
                        body: Vec::new(),
                    },
                    exported: false,
                });
            }
            swc::ModuleDecl::TsExportAssignment(e) => {
                let span = self.span(e.span);
                items.push(Item::Stmt {
                    stmt: Stmt::Other {
                        span,
                        what: "`export =`",
                        body: Vec::new(),
                    },
                    exported: false,
                });
            }
            _ => {}
        }
    }

    fn decl(&mut self, d: &swc::Decl, outer: Span) -> Stmt {
        match d {
            swc::Decl::Var(v) => self.var_decl(v),
            swc::Decl::Fn(f) => {
                if f.declare {
                    return Stmt::Nothing;
                }
                Stmt::Function {
                    span: outer,
                    name: self.ident(&f.ident),
                    func: self.function(&f.function),
                }
            }
            swc::Decl::Class(c) => {
                if c.declare {
                    return Stmt::Nothing;
                }
                Stmt::Class {
                    span: self.span(c.class.span),
                    name: self.ident(&c.ident),
                }
            }
            swc::Decl::TsEnum(e) => {
                if e.declare {
                    return Stmt::Nothing;
                }
                Stmt::TsEnum {
                    span: self.span(e.span),
                    name: self.ident(&e.id),
                }
            }
            swc::Decl::TsModule(m) => {
                if m.declare {
                    return Stmt::Nothing;
                }
                Stmt::Other {
                    span: self.span(m.span),
                    what: "a TypeScript namespace",
                    body: Vec::new(),
                }
            }
            swc::Decl::Using(u) => Stmt::Other {
                span: self.span(u.span),
                what: "a `using` declaration",
                body: Vec::new(),
            },
            _ => Stmt::Nothing,
        }
    }

    fn var_decl(&mut self, v: &swc::VarDecl) -> Stmt {
        if v.declare {
            return Stmt::Nothing;
        }
        let kind = match v.kind {
            swc::VarDeclKind::Const => VarKind::Const,
            swc::VarDeclKind::Let => VarKind::Let,
            swc::VarDeclKind::Var => VarKind::Var,
        };
        let decls = v
            .decls
            .iter()
            .map(|d| VarDeclarator {
                span: self.span(d.span),
                pat: self.pat(&d.name),
                init: d.init.as_ref().map(|e| self.expr(e)),
            })
            .collect();
        Stmt::Var {
            span: self.span(v.span),
            kind,
            decls,
        }
    }

    fn function(&mut self, f: &swc::Function) -> Rc<Function> {
        let params = f.params.iter().map(|p| self.pat(&p.pat)).collect();
        let body = match &f.body {
            Some(b) => FnBody::Block(self.stmts(&b.stmts)),
            None => FnBody::Block(Vec::new()),
        };
        Rc::new(Function {
            span: self.span(f.span),
            params,
            body,
            is_async: f.is_async,
        })
    }

    fn stmts(&mut self, s: &[swc::Stmt]) -> Vec<Stmt> {
        s.iter().map(|s| self.stmt(s)).collect()
    }

    fn boxed_stmt(&mut self, s: &swc::Stmt) -> Box<Stmt> {
        Box::new(self.stmt(s))
    }

    pub fn stmt(&mut self, s: &swc::Stmt) -> Stmt {
        let sp = swc_common::Spanned::span(s);
        if !self.enter(sp) {
            self.leave();
            return Stmt::Other {
                span: self.span(sp),
                what: "deeply nested code",
                body: Vec::new(),
            };
        }
        let out = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.stmt_inner(s, sp));
        self.leave();
        out
    }

    fn stmt_inner(&mut self, s: &swc::Stmt, sp: SwcSpan) -> Stmt {
        use swc::Stmt as S;
        match s {
            S::Decl(d) => self.decl(d, self.span(sp)),
            S::Expr(e) => Stmt::Expr {
                span: self.span(e.span),
                expr: self.expr(&e.expr),
            },
            S::Block(b) => Stmt::Block {
                span: self.span(b.span),
                stmts: self.stmts(&b.stmts),
            },
            S::Return(r) => Stmt::Return {
                span: self.span(r.span),
                arg: r.arg.as_ref().map(|a| self.expr(a)),
            },
            S::If(i) => Stmt::If {
                span: self.span(i.span),
                test: self.expr(&i.test),
                cons: self.boxed_stmt(&i.cons),
                alt: i.alt.as_ref().map(|a| self.boxed_stmt(a)),
            },
            S::For(f) => {
                let mut head = Vec::new();
                let mut body = Vec::new();
                let mut init = None;
                match &f.init {
                    Some(swc::VarDeclOrExpr::VarDecl(v)) => {
                        let d = self.var_decl(v);
                        init = Some(Box::new(d.clone()));
                        body.push(d);
                    }
                    Some(swc::VarDeclOrExpr::Expr(e)) => {
                        let x = self.expr(e);
                        init = Some(Box::new(Stmt::Expr {
                            span: x.span(),
                            expr: x.clone(),
                        }));
                        head.push(x);
                    }
                    _ => {}
                }
                let test = f.test.as_ref().map(|e| self.expr(e));
                head.extend(test.clone());
                head.extend(f.update.iter().map(|e| self.expr(e)));
                let update = f.update.as_ref().map(|e| self.for_update(e));
                let inner = self.stmt(&f.body);
                body.push(inner.clone());
                let span = self.span(f.span);
                Stmt::Loop {
                    span,
                    head,
                    body: Box::new(Stmt::Block { span, stmts: body }),
                    form: Rc::new(LoopForm::For {
                        init,
                        test,
                        update,
                        body: Box::new(inner),
                    }),
                }
            }
            S::ForIn(f) => Stmt::Loop {
                span: self.span(f.span),
                head: vec![self.expr(&f.right)],
                body: self.boxed_stmt(&f.body),
                form: Rc::new(LoopForm::Other { what: "`for...in`" }),
            },
            S::ForOf(f) => {
                let right = self.expr(&f.right);
                let pat = match &f.left {
                    swc::ForHead::VarDecl(v) if v.decls.len() == 1 && !f.is_await => {
                        Some(self.pat(&v.decls[0].name))
                    }
                    _ => None,
                };
                Stmt::Loop {
                    span: self.span(f.span),
                    head: vec![right.clone()],
                    body: self.boxed_stmt(&f.body),
                    form: Rc::new(LoopForm::ForOf { pat, right }),
                }
            }
            S::While(w) => Stmt::Loop {
                span: self.span(w.span),
                head: vec![self.expr(&w.test)],
                body: self.boxed_stmt(&w.body),
                form: Rc::new(LoopForm::Other { what: "`while`" }),
            },
            S::DoWhile(w) => Stmt::Loop {
                span: self.span(w.span),
                head: vec![self.expr(&w.test)],
                body: self.boxed_stmt(&w.body),
                form: Rc::new(LoopForm::Other {
                    what: "`do...while`",
                }),
            },
            S::Throw(t) => Stmt::Throw {
                span: self.span(t.span),
                arg: self.expr(&t.arg),
            },
            S::Empty(_) | S::Debugger(_) => Stmt::Nothing,
            S::Labeled(l) => Stmt::Other {
                span: self.span(l.span),
                what: "a labelled statement",
                body: vec![self.stmt(&l.body)],
            },
            S::Try(t) => {
                let mut body = self.stmts(&t.block.stmts);
                if let Some(h) = &t.handler {
                    body.extend(self.stmts(&h.body.stmts));
                }
                if let Some(f) = &t.finalizer {
                    body.extend(self.stmts(&f.stmts));
                }
                Stmt::Other {
                    span: self.span(t.span),
                    what: "a `try` statement",
                    body,
                }
            }
            S::Switch(sw) => Stmt::Switch {
                span: self.span(sw.span),
                disc: self.expr(&sw.discriminant),
                cases: sw
                    .cases
                    .iter()
                    .map(|c| SwitchCase {
                        test: c.test.as_ref().map(|t| self.expr(t)),
                        cons: self.stmts(&c.cons),
                    })
                    .collect(),
            },
            S::With(w) => Stmt::Other {
                span: self.span(w.span),
                what: "a `with` statement",
                body: vec![self.stmt(&w.body)],
            },
            S::Break(b) => Stmt::Break {
                span: self.span(b.span),
                labelled: b.label.is_some(),
            },
            S::Continue(c) => Stmt::Continue {
                span: self.span(c.span),
                labelled: c.label.is_some(),
            },
            #[expect(
                unreachable_patterns,
                reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
            )]
            _ => Stmt::Other {
                span: self.span(sp),
                what: "this statement",
                body: Vec::new(),
            },
        }
    }
}

impl Lowerer {
    /// The update clause of a `for`: `i++`, `i--`, `++i`, `i += k`, `i -= k`.
    fn for_update(&mut self, e: &swc::Expr) -> ForUpdate {
        let span = self.span(swc_common::Spanned::span(e));
        match e {
            swc::Expr::Update(u) => match &*u.arg {
                swc::Expr::Ident(i) => ForUpdate::Step {
                    name: self.ident(i),
                    by: None,
                    down: u.op == swc::UpdateOp::MinusMinus,
                    span,
                },
                _ => ForUpdate::Unsupported { span },
            },
            swc::Expr::Assign(a) => match (&a.left, a.op) {
                (
                    swc::AssignTarget::Simple(swc::SimpleAssignTarget::Ident(b)),
                    swc::AssignOp::AddAssign | swc::AssignOp::SubAssign,
                ) => ForUpdate::Step {
                    name: self.ident(&b.id),
                    by: Some(self.expr(&a.right)),
                    down: a.op == swc::AssignOp::SubAssign,
                    span,
                },
                _ => ForUpdate::Unsupported { span },
            },
            swc::Expr::Paren(p) => self.for_update(&p.expr),
            _ => ForUpdate::Unsupported { span },
        }
    }
}

fn wtf8_to_jsstr(w: &swc_atoms::Wtf8Atom) -> JsStr {
    match w.as_str() {
        Some(s) => JsStr::new(s),
        None => JsStr {
            text: Rc::from(&*w.to_string_lossy()),
            lone_surrogate: true,
        },
    }
}
