//! Our own small AST for the TypeScript subset the DSLs use. Lowered from SWC in `lower.rs`;
//! everything outside the subset becomes an `Unsupported` node that keeps its span and a short
//! description, so later phases can report it precisely. Spans are file-relative ([`Span`]).

use std::rc::Rc;

use crate::source::Span;

/// A JS string value. `lone_surrogate` marks strings that contained an unpaired UTF-16
/// surrogate escape (the text holds U+FFFD in its place): JZ0110 if it reaches an output.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JsStr {
    pub text: Rc<str>,
    pub lone_surrogate: bool,
}

impl JsStr {
    pub fn new(s: &str) -> Self {
        Self {
            text: Rc::from(s),
            lone_surrogate: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub span: Span,
    pub name: Rc<str>,
}

#[derive(Clone, Debug)]
pub struct Module {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Import(Import),
    /// `export { a as b }` / `export { a } from "./x"` / `export * as ns from "./x"`.
    ExportNamed {
        span: Span,
        specifiers: Vec<ExportSpec>,
        source: Option<(Span, JsStr)>,
    },
    /// `export * from "./x"`.
    ExportAll {
        span: Span,
        source: (Span, JsStr),
    },
    /// `export default <expr>` (also `export default function/class`, lowered to an expression).
    ExportDefault {
        span: Span,
        expr: Expr,
    },
    /// A statement; `exported` for `export const/function/class`.
    Stmt {
        stmt: Stmt,
        exported: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Import {
    pub span: Span,
    pub source: (Span, JsStr),
    pub specifiers: Vec<ImportSpec>,
}

#[derive(Clone, Debug)]
pub enum ImportSpec {
    /// `import { imported as local }`
    Named { local: Ident, imported: Rc<str> },
    /// `import local from`
    Default { local: Ident },
    /// `import * as local from`
    Namespace { local: Ident },
}

#[derive(Clone, Debug)]
pub struct ExportSpec {
    pub span: Span,
    /// The local (or, with a source, the imported) name; `*` for `export * as ns`.
    pub orig: Rc<str>,
    pub orig_span: Span,
    pub exported: Rc<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Const,
    Let,
    Var,
}

#[derive(Clone, Debug)]
pub struct VarDeclarator {
    pub span: Span,
    pub pat: Pat,
    pub init: Option<Expr>,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Var {
        span: Span,
        kind: VarKind,
        decls: Vec<VarDeclarator>,
    },
    Function {
        span: Span,
        name: Ident,
        func: Rc<Function>,
    },
    Class {
        span: Span,
        name: Ident,
    },
    /// TS `enum` (a runtime value we do not evaluate).
    TsEnum {
        span: Span,
        name: Ident,
    },
    Expr {
        span: Span,
        expr: Expr,
    },
    Return {
        span: Span,
        arg: Option<Expr>,
    },
    If {
        span: Span,
        test: Expr,
        cons: Box<Stmt>,
        alt: Option<Box<Stmt>>,
    },
    Block {
        span: Span,
        stmts: Vec<Stmt>,
    },
    /// Loops (for/while/do/for-in/for-of): their bodies are kept so mutations can be found.
    Loop {
        span: Span,
        head: Vec<Expr>,
        body: Box<Stmt>,
        /// The loop's shape, for the permissions interpreter's static loops.
        form: Rc<LoopForm>,
    },
    /// `break` / `continue`; `labelled` when they name a label (not evaluated).
    Break {
        span: Span,
        labelled: bool,
    },
    Continue {
        span: Span,
        labelled: bool,
    },
    /// `switch (disc) { case t: ... default: ... }`.
    Switch {
        span: Span,
        disc: Expr,
        cases: Vec<SwitchCase>,
    },
    Throw {
        span: Span,
        arg: Expr,
    },
    /// Anything else (try, labels...). Nested statements are kept for mutation scans.
    Other {
        span: Span,
        what: &'static str,
        body: Vec<Stmt>,
    },
    /// Types, interfaces, declares, empty statements: nothing at run time.
    Nothing,
}

/// One `case` (or `default`, with no test) of a `switch`.
/// The operator of an assignment expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// Any other compound assignment (`*=`, `??=`, ...).
    Other,
}

#[derive(Clone, Debug)]
pub struct SwitchCase {
    pub test: Option<Expr>,
    pub cons: Vec<Stmt>,
}

/// The shape of a loop (the body is the `Stmt::Loop`'s own, except for `For`).
#[derive(Clone, Debug)]
pub enum LoopForm {
    /// `for (init; test; update) body`.
    For {
        init: Option<Box<Stmt>>,
        test: Option<Expr>,
        update: Option<ForUpdate>,
        body: Box<Stmt>,
    },
    /// `for (const <pat> of right)`; `pat` is `None` when the head is not a declaration.
    ForOf { pat: Option<Pat>, right: Expr },
    /// `for...in`, `while`, `do...while`.
    Other { what: &'static str },
}

/// The update clause of a `for`: `i++`, `i--`, `i += k`, `i -= k`, or something else.
#[derive(Clone, Debug)]
pub enum ForUpdate {
    Step {
        name: Ident,
        /// `None` for `++`/`--` (one).
        by: Option<Expr>,
        down: bool,
        span: Span,
    },
    Unsupported {
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub struct Function {
    pub span: Span,
    pub params: Vec<Pat>,
    pub body: FnBody,
    pub is_async: bool,
}

#[derive(Clone, Debug)]
pub enum FnBody {
    Expr(Box<Expr>),
    Block(Vec<Stmt>),
}

#[derive(Clone, Debug)]
pub enum Pat {
    Ident(Ident),
    Object {
        span: Span,
        props: Vec<ObjPatProp>,
        rest: Option<Box<Pat>>,
    },
    Array {
        span: Span,
        elems: Vec<Option<Pat>>,
        rest: Option<Box<Pat>>,
    },
    Default {
        span: Span,
        pat: Box<Pat>,
        default: Box<Expr>,
    },
    /// A member expression target (`a.b = ...`), only in assignments.
    Expr(Box<Expr>),
    Unsupported {
        span: Span,
    },
}

impl Pat {
    pub fn span(&self) -> Span {
        match self {
            Pat::Ident(i) => i.span,
            Pat::Object { span, .. }
            | Pat::Array { span, .. }
            | Pat::Default { span, .. }
            | Pat::Unsupported { span } => *span,
            Pat::Expr(e) => e.span(),
        }
    }

    /// Every identifier the pattern binds.
    pub fn bound_names(&self, out: &mut Vec<Ident>) {
        match self {
            Pat::Ident(i) => out.push(i.clone()),
            Pat::Object { props, rest, .. } => {
                for p in props {
                    p.value.bound_names(out);
                }
                if let Some(r) = rest {
                    r.bound_names(out);
                }
            }
            Pat::Array { elems, rest, .. } => {
                for p in elems.iter().flatten() {
                    p.bound_names(out);
                }
                if let Some(r) = rest {
                    r.bound_names(out);
                }
            }
            Pat::Default { pat, .. } => pat.bound_names(out),
            Pat::Expr(_) | Pat::Unsupported { .. } => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct ObjPatProp {
    pub key: PropKey,
    pub value: Pat,
}

#[derive(Clone, Debug)]
pub enum PropKey {
    /// An identifier, string or number key, already converted to its property-name string.
    Static {
        span: Span,
        name: JsStr,
    },
    Computed {
        span: Span,
        expr: Box<Expr>,
    },
    /// A key we cannot turn into a string (BigInt, private name).
    Unsupported {
        span: Span,
    },
}

impl PropKey {
    pub fn span(&self) -> Span {
        match self {
            PropKey::Static { span, .. }
            | PropKey::Computed { span, .. }
            | PropKey::Unsupported { span } => *span,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Prop {
    KeyValue {
        span: Span,
        key: PropKey,
        value: Expr,
    },
    Shorthand(Ident),
    Spread {
        span: Span,
        expr: Expr,
    },
    /// Methods, getters, setters: not static values.
    Method {
        span: Span,
        key: PropKey,
        what: &'static str,
    },
    /// A non-computed `__proto__: v` (sets the prototype; JZ0106).
    Proto {
        span: Span,
        value: Expr,
    },
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub spread: bool,
    pub expr: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Minus,
    Plus,
    Not,
    BitNot,
    TypeOf,
    Void,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    EqEq,
    NotEq,
    StrictEq,
    StrictNotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    Nullish,
    /// Bitwise, shifts, `in`, `instanceof`: not evaluated.
    Other,
}

#[derive(Clone, Debug)]
pub enum MemberProp {
    Name { span: Span, name: Rc<str> },
    Computed { span: Span, expr: Box<Expr> },
    Private { span: Span },
}

#[derive(Clone, Debug)]
pub enum Expr {
    Num {
        span: Span,
        value: f64,
    },
    Str {
        span: Span,
        value: JsStr,
    },
    Bool {
        span: Span,
        value: bool,
    },
    Null {
        span: Span,
    },
    BigInt {
        span: Span,
    },
    Regex {
        span: Span,
    },
    Template {
        span: Span,
        quasis: Vec<Option<JsStr>>,
        exprs: Vec<Expr>,
    },
    TaggedTemplate {
        span: Span,
    },
    Ident(Ident),
    This {
        span: Span,
    },
    Array {
        span: Span,
        elems: Vec<Option<Arg>>,
    },
    Object {
        span: Span,
        props: Vec<Prop>,
        /// How deeply the lowerer had nested here: reparsing some of `props` in place
        /// (`syntax/reparse.rs`) lowers them from the same depth, so the nesting limit cuts
        /// off exactly what a whole parse would.
        depth: u32,
    },
    Member {
        span: Span,
        obj: Box<Expr>,
        prop: MemberProp,
        optional: bool,
    },
    Call {
        span: Span,
        callee: Box<Expr>,
        args: Vec<Arg>,
        optional: bool,
    },
    New {
        span: Span,
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    Unary {
        span: Span,
        op: UnaryOp,
        arg: Box<Expr>,
    },
    Binary {
        span: Span,
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Cond {
        span: Span,
        test: Box<Expr>,
        cons: Box<Expr>,
        alt: Box<Expr>,
    },
    Function {
        span: Span,
        func: Rc<Function>,
        arrow: bool,
    },
    Assign {
        span: Span,
        target: Pat,
        value: Box<Expr>,
        /// `=`, or the operator of a compound assignment (`+=`, `-=`; others are `Other`).
        op: AssignOp,
    },
    Update {
        span: Span,
        target: Box<Expr>,
        /// `++` (else `--`).
        increment: bool,
        /// `++x` (else `x++`).
        prefix: bool,
    },
    Seq {
        span: Span,
        exprs: Vec<Expr>,
    },
    /// `await e`, `yield e`: not static.
    Await {
        span: Span,
        arg: Box<Expr>,
    },
    /// `import(...)`, `require(...)`-like module loads and `import.meta`.
    DynamicImport {
        span: Span,
    },
    Class {
        span: Span,
    },
    Unsupported {
        span: Span,
        what: &'static str,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Ident(i) => i.span,
            Expr::Num { span, .. }
            | Expr::Str { span, .. }
            | Expr::Bool { span, .. }
            | Expr::Null { span }
            | Expr::BigInt { span }
            | Expr::Regex { span }
            | Expr::Template { span, .. }
            | Expr::TaggedTemplate { span }
            | Expr::This { span }
            | Expr::Array { span, .. }
            | Expr::Object { span, .. }
            | Expr::Member { span, .. }
            | Expr::Call { span, .. }
            | Expr::New { span, .. }
            | Expr::Unary { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Cond { span, .. }
            | Expr::Function { span, .. }
            | Expr::Assign { span, .. }
            | Expr::Update { span, .. }
            | Expr::Seq { span, .. }
            | Expr::Await { span, .. }
            | Expr::DynamicImport { span }
            | Expr::Class { span }
            | Expr::Unsupported { span, .. } => *span,
        }
    }
}
