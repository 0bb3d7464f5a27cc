//! Lowering of SWC expressions, patterns, property keys and object members.

use std::rc::Rc;

use swc_common::Span as SwcSpan;
use swc_ecma_ast as swc;

use super::{Lowerer, STACK_GROW, STACK_RED_ZONE};
use crate::source::Span;
use crate::syntax::ast::*;

impl Lowerer {
    pub(super) fn pat(&mut self, p: &swc::Pat) -> Pat {
        match p {
            swc::Pat::Ident(b) => Pat::Ident(self.ident(&b.id)),
            swc::Pat::Object(o) => {
                let mut props = Vec::new();
                let mut rest = None;
                for prop in &o.props {
                    match prop {
                        swc::ObjectPatProp::KeyValue(kv) => props.push(ObjPatProp {
                            key: self.prop_key(&kv.key),
                            value: self.pat(&kv.value),
                        }),
                        swc::ObjectPatProp::Assign(a) => {
                            let id = self.ident(&a.key.id);
                            let key = PropKey::Static {
                                span: id.span,
                                name: JsStr::new(&id.name),
                            };
                            let value = match &a.value {
                                Some(d) => Pat::Default {
                                    span: self.span(a.span),
                                    pat: Box::new(Pat::Ident(id)),
                                    default: Box::new(self.expr(d)),
                                },
                                None => Pat::Ident(id),
                            };
                            props.push(ObjPatProp { key, value });
                        }
                        swc::ObjectPatProp::Rest(r) => rest = Some(Box::new(self.pat(&r.arg))),
                        #[expect(
                            unreachable_patterns,
                            reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                        )]
                        _ => {}
                    }
                }
                Pat::Object {
                    span: self.span(o.span),
                    props,
                    rest,
                }
            }
            swc::Pat::Array(a) => {
                let mut elems = Vec::new();
                let mut rest = None;
                for e in &a.elems {
                    match e {
                        Some(swc::Pat::Rest(r)) => rest = Some(Box::new(self.pat(&r.arg))),
                        Some(p) => elems.push(Some(self.pat(p))),
                        None => elems.push(None),
                    }
                }
                Pat::Array {
                    span: self.span(a.span),
                    elems,
                    rest,
                }
            }
            swc::Pat::Assign(a) => Pat::Default {
                span: self.span(a.span),
                pat: Box::new(self.pat(&a.left)),
                default: Box::new(self.expr(&a.right)),
            },
            swc::Pat::Rest(r) => Pat::Unsupported {
                span: self.span(r.span),
            },
            swc::Pat::Expr(e) => Pat::Expr(Box::new(self.expr(e))),
            other => Pat::Unsupported {
                span: self.span(swc_common::Spanned::span(other)),
            },
        }
    }

    fn prop_key(&mut self, k: &swc::PropName) -> PropKey {
        match k {
            swc::PropName::Ident(i) => PropKey::Static {
                span: self.span(i.span),
                name: JsStr {
                    text: self.name(&i.sym),
                    lone_surrogate: false,
                },
            },
            swc::PropName::Str(s) => PropKey::Static {
                span: self.span(s.span),
                name: self.jsstr(s),
            },
            swc::PropName::Num(n) => PropKey::Static {
                span: self.span(n.span),
                name: JsStr::new(&crate::schema::json::number_to_js_string(n.value)),
            },
            swc::PropName::Computed(c) => PropKey::Computed {
                span: self.span(c.span),
                expr: Box::new(self.expr(&c.expr)),
            },
            swc::PropName::BigInt(b) => PropKey::Unsupported {
                span: self.span(b.span),
            },
            #[expect(
                unreachable_patterns,
                reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
            )]
            _ => PropKey::Unsupported {
                span: Span::new(self.file, 0, 0),
            },
        }
    }

    pub(super) fn args(&mut self, args: &[swc::ExprOrSpread]) -> Vec<Arg> {
        args.iter()
            .map(|a| Arg {
                spread: a.spread.is_some(),
                expr: self.expr(&a.expr),
            })
            .collect()
    }

    pub(super) fn bx(&mut self, e: &swc::Expr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    pub fn expr(&mut self, e: &swc::Expr) -> Expr {
        let sp = swc_common::Spanned::span(e);
        if !self.enter(sp) {
            self.leave();
            return Expr::Unsupported {
                span: self.span(sp),
                what: "deeply nested code",
            };
        }
        let out = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.expr_inner(e, sp));
        self.leave();
        out
    }

    fn expr_inner(&mut self, e: &swc::Expr, sp: SwcSpan) -> Expr {
        use swc::Expr as E;
        let span = self.span(sp);
        match e {
            E::Lit(l) => match l {
                swc::Lit::Str(s) => Expr::Str {
                    span,
                    value: self.jsstr(s),
                },
                swc::Lit::Num(n) => Expr::Num {
                    span,
                    value: n.value,
                },
                swc::Lit::Bool(b) => Expr::Bool {
                    span,
                    value: b.value,
                },
                swc::Lit::Null(_) => Expr::Null { span },
                swc::Lit::BigInt(_) => Expr::BigInt { span },
                swc::Lit::Regex(_) => Expr::Regex { span },
                _ => Expr::Unsupported {
                    span,
                    what: "this literal",
                },
            },
            E::Tpl(t) => Expr::Template {
                span,
                quasis: t
                    .quasis
                    .iter()
                    .map(|q| q.cooked.as_ref().map(|c| self.js_str(c)))
                    .collect(),
                exprs: t.exprs.iter().map(|e| self.expr(e)).collect(),
            },
            E::TaggedTpl(_) => Expr::TaggedTemplate { span },
            E::Ident(i) => Expr::Ident(self.ident(i)),
            E::This(_) => Expr::This { span },
            E::Array(a) => Expr::Array {
                span,
                elems: a
                    .elems
                    .iter()
                    .map(|el| {
                        el.as_ref().map(|x| Arg {
                            spread: x.spread.is_some(),
                            expr: self.expr(&x.expr),
                        })
                    })
                    .collect(),
            },
            E::Object(o) => {
                let mut props = Vec::with_capacity(o.props.len());
                for p in &o.props {
                    props.push(self.prop(p));
                }
                Expr::Object {
                    span,
                    props,
                    depth: self.depth,
                }
            }
            E::Member(m) => Expr::Member {
                span,
                obj: self.bx(&m.obj),
                prop: self.member_prop(&m.prop),
                optional: false,
            },
            E::SuperProp(_) => Expr::Unsupported {
                span,
                what: "`super`",
            },
            E::Call(c) => match &c.callee {
                swc::Callee::Expr(callee) => Expr::Call {
                    span,
                    callee: self.bx(callee),
                    args: self.args(&c.args),
                    optional: false,
                },
                swc::Callee::Import(_) => Expr::DynamicImport { span },
                _ => Expr::Unsupported {
                    span,
                    what: "`super(...)`",
                },
            },
            E::New(n) => Expr::New {
                span,
                callee: self.bx(&n.callee),
                args: n.args.as_ref().map(|a| self.args(a)).unwrap_or_default(),
            },
            E::Unary(u) => {
                let op = match u.op {
                    swc::UnaryOp::Minus => UnaryOp::Minus,
                    swc::UnaryOp::Plus => UnaryOp::Plus,
                    swc::UnaryOp::Bang => UnaryOp::Not,
                    swc::UnaryOp::Tilde => UnaryOp::BitNot,
                    swc::UnaryOp::TypeOf => UnaryOp::TypeOf,
                    swc::UnaryOp::Void => UnaryOp::Void,
                    swc::UnaryOp::Delete => UnaryOp::Delete,
                };
                Expr::Unary {
                    span,
                    op,
                    arg: self.bx(&u.arg),
                }
            }
            E::Update(u) => Expr::Update {
                span,
                target: self.bx(&u.arg),
                increment: u.op == swc::UpdateOp::PlusPlus,
                prefix: u.prefix,
            },
            E::Bin(b) => {
                use swc::BinaryOp as B;
                let op = match b.op {
                    B::Add => BinOp::Add,
                    B::Sub => BinOp::Sub,
                    B::Mul => BinOp::Mul,
                    B::Div => BinOp::Div,
                    B::Mod => BinOp::Mod,
                    B::Exp => BinOp::Exp,
                    B::EqEq => BinOp::EqEq,
                    B::NotEq => BinOp::NotEq,
                    B::EqEqEq => BinOp::StrictEq,
                    B::NotEqEq => BinOp::StrictNotEq,
                    B::Lt => BinOp::Lt,
                    B::LtEq => BinOp::LtEq,
                    B::Gt => BinOp::Gt,
                    B::GtEq => BinOp::GtEq,
                    B::LogicalAnd => BinOp::And,
                    B::LogicalOr => BinOp::Or,
                    B::NullishCoalescing => BinOp::Nullish,
                    _ => BinOp::Other,
                };
                Expr::Binary {
                    span,
                    op,
                    left: self.bx(&b.left),
                    right: self.bx(&b.right),
                }
            }
            E::Assign(a) => {
                let target = match &a.left {
                    swc::AssignTarget::Simple(s) => match s {
                        swc::SimpleAssignTarget::Ident(b) => Pat::Ident(self.ident(&b.id)),
                        swc::SimpleAssignTarget::Member(m) => Pat::Expr(Box::new(Expr::Member {
                            span: self.span(m.span),
                            obj: self.bx(&m.obj),
                            prop: self.member_prop(&m.prop),
                            optional: false,
                        })),
                        other => Pat::Unsupported {
                            span: self.span(swc_common::Spanned::span(other)),
                        },
                    },
                    swc::AssignTarget::Pat(p) => match p {
                        swc::AssignTargetPat::Array(a) => self.pat(&swc::Pat::Array(a.clone())),
                        swc::AssignTargetPat::Object(o) => self.pat(&swc::Pat::Object(o.clone())),
                        other => Pat::Unsupported {
                            span: self.span(swc_common::Spanned::span(other)),
                        },
                    },
                    #[expect(
                        unreachable_patterns,
                        reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                    )]
                    _ => Pat::Unsupported { span },
                };
                Expr::Assign {
                    span,
                    target,
                    value: self.bx(&a.right),
                    op: match a.op {
                        swc::AssignOp::Assign => crate::syntax::ast::AssignOp::Set,
                        swc::AssignOp::AddAssign => crate::syntax::ast::AssignOp::Add,
                        swc::AssignOp::SubAssign => crate::syntax::ast::AssignOp::Sub,
                        _ => crate::syntax::ast::AssignOp::Other,
                    },
                }
            }
            E::Cond(c) => Expr::Cond {
                span,
                test: self.bx(&c.test),
                cons: self.bx(&c.cons),
                alt: self.bx(&c.alt),
            },
            E::Seq(s) => Expr::Seq {
                span,
                exprs: s.exprs.iter().map(|e| self.expr(e)).collect(),
            },
            E::Fn(f) => Expr::Function {
                span,
                func: self.function(&f.function),
                arrow: false,
            },
            E::Arrow(a) => {
                let params = a.params.iter().map(|p| self.pat(p)).collect();
                let body = match &*a.body {
                    swc::ArrowFunctionBody::FunctionBody(b) => FnBody::Block(self.stmts(&b.stmts)),
                    swc::ArrowFunctionBody::Expr(e) => FnBody::Expr(self.bx(e)),
                    #[expect(
                        unreachable_patterns,
                        reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                    )]
                    _ => FnBody::Block(Vec::new()),
                };
                Expr::Function {
                    span,
                    func: Rc::new(Function {
                        span,
                        params,
                        body,
                        is_async: a.is_async,
                    }),
                    arrow: true,
                }
            }
            E::Class(_) => Expr::Class { span },
            E::Yield(y) => match &y.arg {
                Some(a) => Expr::Await {
                    span,
                    arg: self.bx(a),
                },
                None => Expr::Unsupported {
                    span,
                    what: "`yield`",
                },
            },
            E::Await(a) => Expr::Await {
                span,
                arg: self.bx(&a.arg),
            },
            E::MetaProp(_) => Expr::DynamicImport { span },
            E::Paren(p) => self.expr(&p.expr),
            E::TsTypeAssertion(t) => self.expr(&t.expr),
            E::TsConstAssertion(t) => self.expr(&t.expr),
            E::TsNonNull(t) => self.expr(&t.expr),
            E::TsAs(t) => self.expr(&t.expr),
            E::TsInstantiation(t) => self.expr(&t.expr),
            E::TsSatisfies(t) => self.expr(&t.expr),
            E::OptChain(o) => match &*o.base {
                swc::OptChainBase::Member(m) => Expr::Member {
                    span,
                    obj: self.bx(&m.obj),
                    prop: self.member_prop(&m.prop),
                    optional: o.optional,
                },
                swc::OptChainBase::Call(c) => Expr::Call {
                    span,
                    callee: self.bx(&c.callee),
                    args: self.args(&c.args),
                    optional: o.optional,
                },
                #[expect(
                    unreachable_patterns,
                    reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                )]
                _ => Expr::Unsupported {
                    span,
                    what: "this optional chain",
                },
            },
            E::PrivateName(_) => Expr::Unsupported {
                span,
                what: "a private name",
            },
            E::Invalid(_) => Expr::Unsupported {
                span,
                what: "invalid syntax",
            },
            _ => Expr::Unsupported { span, what: "JSX" },
        }
    }

    fn member_prop(&mut self, p: &swc::MemberProp) -> MemberProp {
        match p {
            swc::MemberProp::Ident(i) => MemberProp::Name {
                span: self.span(i.span),
                name: self.name(&i.sym),
            },
            swc::MemberProp::Computed(c) => MemberProp::Computed {
                span: self.span(c.span),
                expr: self.bx(&c.expr),
            },
            swc::MemberProp::PrivateName(p) => MemberProp::Private {
                span: self.span(p.span),
            },
            #[expect(
                unreachable_patterns,
                reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
            )]
            _ => MemberProp::Private {
                span: Span::new(self.file, 0, 0),
            },
        }
    }

    fn prop(&mut self, p: &swc::PropOrSpread) -> Prop {
        match p {
            swc::PropOrSpread::Spread(s) => {
                let expr = self.expr(&s.expr);
                let span = Span::new(
                    self.file,
                    self.span(s.dot3_token).range.start,
                    expr.span().range.end,
                );
                Prop::Spread { span, expr }
            }
            swc::PropOrSpread::Prop(p) => match &**p {
                swc::Prop::Shorthand(i) => Prop::Shorthand(self.ident(i)),
                swc::Prop::KeyValue(kv) => {
                    let key_span = self.span(swc_common::Spanned::span(&kv.key));
                    let value = self.expr(&kv.value);
                    let span = Span::new(self.file, key_span.range.start, value.span().range.end);
                    let is_proto = match &kv.key {
                        swc::PropName::Ident(i) => &*i.sym == "__proto__",
                        swc::PropName::Str(s) => s.value.as_str() == Some("__proto__"),
                        _ => false,
                    };
                    if is_proto {
                        return Prop::Proto { span, value };
                    }
                    Prop::KeyValue {
                        span,
                        key: self.prop_key(&kv.key),
                        value,
                    }
                }
                swc::Prop::Assign(a) => Prop::Method {
                    span: self.span(a.span),
                    key: PropKey::Unsupported {
                        span: self.span(a.span),
                    },
                    what: "a shorthand default",
                },
                swc::Prop::Getter(g) => Prop::Method {
                    span: self.span(g.span),
                    key: self.prop_key(&g.key),
                    what: "a getter",
                },
                swc::Prop::Setter(g) => Prop::Method {
                    span: self.span(g.span),
                    key: self.prop_key(&g.key),
                    what: "a setter",
                },
                swc::Prop::Method(m) => {
                    let key = self.prop_key(&m.key);
                    let span = Span::new(
                        self.file,
                        key.span().range.start,
                        self.span(m.function.span).range.end,
                    );
                    Prop::Method {
                        span,
                        key,
                        what: "a method",
                    }
                }
                #[expect(
                    unreachable_patterns,
                    reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
                )]
                _ => Prop::Method {
                    span: Span::new(self.file, 0, 0),
                    key: PropKey::Unsupported {
                        span: Span::new(self.file, 0, 0),
                    },
                    what: "this property",
                },
            },
            #[expect(
                unreachable_patterns,
                reason = "swc_ecma_ast enums are exhaustive in our feature set; the arm keeps the match total if a feature adds a variant"
            )]
            _ => Prop::Method {
                span: Span::new(self.file, 0, 0),
                key: PropKey::Unsupported {
                    span: Span::new(self.file, 0, 0),
                },
                what: "this property",
            },
        }
    }
}
